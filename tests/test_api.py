"""The Python API: one shape for every command (prepare_X reads, write_X writes), defaults decided
here and not in the CLI, silence unless asked, --strict in one place, and a facade that loads
nothing until a name is used."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import toolkit
from toolkit.errors import StrictWarnings, UsageError

from conftest import MINIMAL, REPO

ROSTER = """\
id,name,email,role,level,department,manager_id,time_zone,offers,wants,languages,capacity
L1,Lena Lead,lena@example.org,mentee,8,Sales,X9,,,AI tools,,
J1,Jo Junior,jo@example.org,mentor,2,Ops,,,AI tools,,,1
"""


def test_every_public_name_loads_and_the_facade_loads_nothing_until_then() -> None:
    for name in toolkit.__all__:
        assert getattr(toolkit, name) is not None, name
    code = "import sys, toolkit; print(sorted(m for m in sys.modules if m.startswith('toolkit')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "['toolkit', 'toolkit._version']\n"
    with pytest.raises(AttributeError, match="module 'toolkit' has no attribute 'nothing'"):
        toolkit.nothing  # noqa: B018


def test_build_is_still_the_function_once_every_module_is_imported() -> None:
    """A submodule named like a public function would replace it on the package when imported."""
    for path in sorted((REPO / "toolkit").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] != "__main__":
            importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    for name in toolkit.__all__:
        assert not isinstance(getattr(toolkit, name), type(toolkit)), f"toolkit.{name} is a module"
    assert callable(toolkit.build)


def test_the_api_prints_nothing_unless_given_progress(make_program: Callable[..., Path],
                                                      capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = make_program()
    toolkit.build(path, tmp_path / "site")
    assert capsys.readouterr() == ("", "")
    lines: list[str] = []
    toolkit.write_build(toolkit.prepare_build(path), tmp_path / "site", progress=lines.append)
    assert lines[0] == "Generating 15 pages…" and lines[-2].startswith("Site written to ")
    assert lines[-1].startswith("Trainer's pack written to ")  # the private folders come after the site


def test_each_command_writes_to_its_default_folder_when_given_none(make_program: Callable[..., Path]) -> None:
    path = make_program()
    folder = path.parent
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    loaded = toolkit.load_program(path)
    matched = toolkit.prepare_match(folder / "roster.csv", loaded)
    written = toolkit.write_match(matched)
    assert written.output == folder / "private" / "match"
    assert sorted(Path(file).name for file in written.files) == ["match-report.html", "pairs.csv", "pairs.xlsx"]
    packs = toolkit.write_packs(toolkit.prepare_packs(path, written.output / "pairs.csv"))
    assert packs.output == folder / "private" / "packs" and packs.pairs == 1
    assert toolkit.build(path).output == folder / "site"


def test_strict_is_one_rule_for_every_command(make_program: Callable[..., Path]) -> None:
    path = make_program(MINIMAL.replace("    objectives: [Know the program]\n", ""))
    (path.parent / "roster.csv").write_text(ROSTER, encoding="utf-8")
    for call in (lambda: toolkit.load_program(path, strict=True), lambda: toolkit.prepare_build(path, strict=True),
                 lambda: toolkit.prepare_match(path.parent / "roster.csv", strict=True)):
        with pytest.raises(StrictWarnings) as caught:
            call()
        *warnings, summary = caught.value.problems
        assert warnings and all(problem.warning for problem in warnings)
        assert summary.message == "1 warning and --strict is set" and not summary.warning
        assert caught.value.errors == [summary]


def test_values_a_command_cannot_use_are_usage_errors_from_the_api_too(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^the organisation's name is empty"):
        toolkit.prepare_init(tmp_path / "new", None, "  ")
    with pytest.raises(UsageError, match=r"^unknown preset 'banking'; choose one of technology, healthcare, "):
        toolkit.prepare_init(tmp_path / "new", "banking", "Acme")
    with pytest.raises(UsageError, match=r"^there is no output family 'slides'; choose one of training, forms, "):
        toolkit.prepare_build(REPO, only="slides")
    assert not (tmp_path / "new").exists()
    prepared = toolkit.prepare_init(tmp_path / "new", "finance", "  Acme Bank ")
    assert prepared.organisation == "Acme Bank" and prepared.start.weekday() == 0
    assert not (tmp_path / "new").exists(), "prepare writes nothing"
    assert (tmp_path / "new" / "program.yaml") in toolkit.write_init(prepared)


def test_the_facade_lists_exactly_the_names_it_can_load() -> None:
    assert set(toolkit.__all__) == {"__version__", *toolkit._LAZY}
