"""The command line: exit codes, messages on stderr, help with examples, a fast start."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from toolkit import __version__

from conftest import MINIMAL, REPO

Run = Callable[..., Result]
MakeProgram = Callable[..., Path]


def test_validate_prints_a_summary(run: Run, make_program: MakeProgram) -> None:
    path = make_program()
    result = run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{path}: Bridge (Acme) is valid.\n"
        "  starts 2027-01-04, runs 12 weeks, pilot, in-person\n"
        "  goals: 1, measures: 1\n"
        "  roles: 2 (mentor, mentee)\n"
        "  training modules: 1, 0 h 45 min in all\n"
        "  check-ins: 3 (weeks 2, 6, 10)\n"
        "  checklist items: 0 (0 done)\n"
        "  challenges: 0, surveys: 0\n"
    )
    assert result.stderr == ""


def test_validate_lists_every_problem_and_exits_1(run: Run, make_program: MakeProgram) -> None:
    text = MINIMAL.replace("target: 60", "target: high").replace(
        "audience: [mentor, mentee]", "audience: [mentr, mentee]"
    )
    path = make_program(text)
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:16:17: goals[0].measures[0].target: expected a number, got 'high'\n"
        "  fix: write a plain number such as 40; a unit goes in `unit`\n"
        f"{path}:31:16: training[0].audience[0]: unknown role 'mentr'\n"
        "  fix: did you mean 'mentor'? known roles: mentor, mentee\n"
        "2 problems found.\n"
    )


def test_strict_turns_warnings_into_errors(run: Run, make_program: MakeProgram) -> None:
    path = make_program(MINIMAL.replace("    objectives: [Know the program]\n", ""))
    relaxed = run("validate", str(path))
    assert relaxed.exit_code == 0
    assert f"{path}:28:5: warning: training[0]: module 'orientation' has no objectives" in relaxed.stderr
    strict = run("validate", "--strict", str(path))
    assert strict.exit_code == 1
    assert strict.stderr.endswith(
        "1 warning and --strict is set\n  fix: fix the warnings above, or run without --strict\n"
    )


def test_usage_errors_exit_2(run: Run) -> None:
    assert run("nonsense").exit_code == 2
    assert run("validate", "--no-such-option").exit_code == 2


def test_missing_program_exits_1_with_a_clear_line(run: Run, tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"{tmp_path / 'nope.yaml'}: no such file\n  fix: check the path, or run `revmentor init` to start a program\n"
    )


def test_every_command_has_help_with_examples(run: Run) -> None:
    from toolkit.cli import cli

    assert "Examples:" in run("--help").stdout
    for name in cli.commands:
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout, f"`revmentor {name} --help` has no example"


def test_version(run: Run) -> None:
    assert run("--version").stdout == f"revmentor, version {__version__}\n"


def test_schema_command_prints_json(run: Run) -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "program.yaml"


def test_schema_command_prints_what_the_models_make_at_any_indent(run: Run) -> None:
    from toolkit.files.paths import installed_from_wheel
    from toolkit.program.schema import schema_json

    # A source checkout's schema.json is never read back: `revmentor schema > schema.json` has
    # emptied it by the time the command runs, and a developer's may be stale.
    assert not installed_from_wheel()
    assert run("schema").stdout == schema_json() + "\n"
    assert run("schema", "--indent", "4").stdout == schema_json(4) + "\n"  # made afresh


def test_presets_init_help_and_version_start_without_pydantic() -> None:
    """The commands that only list or print shipped files import neither pydantic nor any model
    (`schema` too, from a wheel: a source checkout makes it afresh, see the test above)."""
    probe = (
        "import sys\n"
        "from toolkit.cli import cli\n"
        "for args in (['--version'], ['presets'], ['init', '--help']):\n"
        "    try:\n"
        "        cli(args, prog_name='revmentor')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'mkdocs', 'weasyprint', 'scipy', 'numpy', 'jinja2'})\n"
        "print('HEAVY', heavy, 'MODEL', 'toolkit.program.model' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip().endswith("HEAVY [] MODEL False"), result.stdout + result.stderr


def test_python_dash_m_and_the_console_script_agree(make_program: MakeProgram) -> None:
    path = make_program()
    module = subprocess.run([sys.executable, "-m", "toolkit", "validate", str(path)], capture_output=True, text=True)
    assert module.returncode == 0
    assert module.stdout.startswith(f"{path}: Bridge (Acme) is valid.")


def test_no_traceback_for_a_broken_file(tmp_path: Path) -> None:
    bad = tmp_path / "program.yaml"
    bad.write_bytes(b"program: [\x00\x01")
    result = subprocess.run([sys.executable, "-m", "toolkit", "validate", str(bad)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == f"{bad}: is a binary file, not YAML text\n  fix: name the program's YAML file\n"


def test_help_and_validate_start_without_heavy_imports() -> None:
    """`--help` and `validate` must not import mkdocs, weasyprint, scipy, pptx or jinja2."""
    probe = (
        "import sys\n"
        "from toolkit.cli import cli\n"
        "for args in (['--help'], ['validate', '--help'], ['validate', sys.argv[1]]):\n"
        "    try:\n"
        "        cli(args, prog_name='revmentor')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'mkdocs', 'material', 'weasyprint', 'scipy', 'pptx', 'jinja2', 'numpy'})\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(REPO / "program.yaml")], capture_output=True, text=True)
    assert result.stdout.strip().endswith("HEAVY []"), result.stdout + result.stderr
