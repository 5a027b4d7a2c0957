"""A corpus of bad files for every command: each gets its exact message, exit 1, and nothing is written.

Each folder under `tests/corpus/cases/` is a program folder (given the minimal program when it
has no program.yaml of its own) plus `args`, the command line, one argument a line, and
`expected`, what the user sees on stderr. Regenerate with REVMENTOR_UPDATE_GOLDEN=1 and review.

Two optional files widen a case:
- `exit` holds the exit code when it is not 1: a case may succeed (0) with a warning, and then
  every file that was there before must still be there, byte for byte, whatever it wrote;
- `make` makes what git cannot hold, one line each: `symlink NAME TARGET`, `fifo NAME`,
  `mkdir NAME`, `chmod MODE NAME` (octal), all inside the program folder;
- `stdout` holds what the command prints on stdout, exactly (a report's figures, say);
- `absent` lists paths, one a line, that must not exist afterwards (what must not be published);
- `contains` lists `PATH<TAB>TEXT` lines: the file at PATH must hold TEXT (how a value was escaped),
  or, after a leading `!`, must not hold it (the value unescaped);
- `modes` lists `MODE PATH` lines (octal): the mode PATH must have afterwards.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from conftest import MINIMAL
from hardening import record

CASES_DIR = Path(__file__).parent / "corpus" / "cases"
CASES = sorted(path.name for path in CASES_DIR.iterdir() if path.is_dir())
UPDATE = os.environ.get("REVMENTOR_UPDATE_GOLDEN") == "1"
EXTRAS = ("args", "expected", "exit", "make", "stdout", "absent", "contains", "modes")
"""The files of a case that say what to do and expect; the rest is the program folder."""


@pytest.fixture
def inside(tmp_path: Path) -> Iterator[Path]:
    old = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(old)


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file, except the render cache: a build may have filled it before it failed, and it
    is never output (a PDF that rendered fine is reused by the next build)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".revmentor-cache" not in p.parts
    }


@pytest.mark.parametrize("case", CASES)
def test_bad_file_gets_its_exact_message_and_nothing_is_written(case: str, inside: Path, run: Callable[..., Result]) -> None:
    source = CASES_DIR / case
    folder = inside / "program"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns(*EXTRAS))
    if not (folder / "program.yaml").exists():
        (folder / "program.yaml").write_text(MINIMAL, encoding="utf-8")
    os.chdir(folder)
    if (source / "make").exists():
        make(folder, (source / "make").read_text(encoding="utf-8"))
    before = files_under(inside)
    args = (source / "args").read_text(encoding="utf-8").split("\n")[:-1]
    exit_code = int((source / "exit").read_text()) if (source / "exit").exists() else 1

    result = run(*args)

    assert result.exit_code == exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), "a traceback would reach the user"
    assert "Traceback" not in result.stderr
    expected = source / "expected"
    if UPDATE:
        expected.write_text(result.stderr, encoding="utf-8")
    assert result.stderr == expected.read_text(encoding="utf-8")
    if (source / "stdout").exists():
        if UPDATE:
            (source / "stdout").write_text(result.stdout, encoding="utf-8")
        assert result.stdout == (source / "stdout").read_text(encoding="utf-8")
    for name in lines_of(source / "absent"):
        assert not os.path.lexists(folder / name), f"{name} must not be written"
    for line in lines_of(source / "contains"):
        name, text = line.split("\t", 1)
        held = text in (folder / name.removeprefix("!")).read_text(encoding="utf-8")
        assert held != name.startswith("!"), f"{name} {'must not' if held else 'should'} hold {text!r}"
    for line in lines_of(source / "modes"):
        wanted, name = line.split(" ", 1)
        assert oct((folder / name).stat().st_mode & 0o7777) == oct(int(wanted, 8)), f"the mode of {name}"
    after = files_under(inside)
    if exit_code == 0:
        assert {name: after.get(name) for name in before} == before, "an input was changed or removed"
    else:
        assert after == before, "a failed command must write nothing"
        assert not (folder / "out").exists()
    record("bad inputs tried")


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def make(folder: Path, lines: str) -> None:
    """Make what a case's `make` file lists (see the module docstring)."""
    for line in lines.splitlines():
        verb, *rest = line.split()
        if verb == "symlink":
            (folder / rest[0]).symlink_to(rest[1])
        elif verb == "fifo":
            os.mkfifo(folder / rest[0])
        elif verb == "mkdir":
            (folder / rest[0]).mkdir(parents=True)
        elif verb == "chmod":
            (folder / rest[1]).chmod(int(rest[0], 8))
        else:
            raise AssertionError(f"make: unknown verb {verb!r}")
