"""A corpus of broken programs: each gets its exact, located message, exit 1, no traceback.

Each `tests/corpus/program/NAME.yaml` is copied to a fresh folder as program.yaml and
checked; `NAME.expected` holds what the user sees on stderr. After a deliberate change of
wording, regenerate them with REVMENTOR_UPDATE_GOLDEN=1 and review the diff.
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

CORPUS = Path(__file__).parent / "corpus" / "program"
CASES = sorted(path.stem for path in CORPUS.glob("*.yaml"))
UPDATE = os.environ.get("REVMENTOR_UPDATE_GOLDEN") == "1"


@pytest.fixture
def program_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "program"
    folder.mkdir()
    (tmp_path / "notes.md").write_text("outside the program folder")
    (tmp_path / "program-evil").mkdir()
    (tmp_path / "program-evil" / "notes.md").write_text("a sibling whose name starts like the program folder")
    old = os.getcwd()
    os.chdir(folder)
    yield folder
    os.chdir(old)


def test_the_corpus_covers_every_kind_of_bad_input() -> None:
    assert len(CASES) >= 25
    assert {path.stem for path in CORPUS.glob("*.expected")} == set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_bad_program_gets_its_exact_message(case: str, program_folder: Path, run: Callable[..., Result]) -> None:
    shutil.copy(CORPUS / f"{case}.yaml", program_folder / "program.yaml")
    before = sorted(program_folder.rglob("*"))
    result = run("validate", "program.yaml")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), "an exception escaped: a traceback would reach the user"
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    expected = CORPUS / f"{case}.expected"
    if UPDATE:
        expected.write_text(result.stderr, encoding="utf-8")
    assert result.stderr == expected.read_text(encoding="utf-8")
    assert sorted(program_folder.rglob("*")) == before, "validate must write nothing"

    built = run("build", "program.yaml", "-o", "../site")
    assert built.exit_code == 1
    assert isinstance(built.exception, SystemExit)
    assert built.stderr == result.stderr
    assert sorted(path.name for path in program_folder.parent.iterdir()) == ["notes.md", "program", "program-evil"]
    assert sorted(program_folder.rglob("*")) == before, "build must write nothing"
    record("bad inputs tried")


def test_a_size_bomb_is_refused_before_it_is_parsed(program_folder: Path, run: Callable[..., Result]) -> None:
    """Too big to keep in the corpus: made here, a valid program followed by 2 MiB of comment."""
    text = MINIMAL + "#" * (2 * 1024 * 1024) + "\n"
    (program_folder / "program.yaml").write_text(text, encoding="utf-8")
    result = run("validate", "program.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        f"program.yaml: is {len(text.encode()):,} bytes; the limit is 2,097,152\n"
        "  fix: a program file is a few dozen kilobytes: move long prose into content/ pages\n"
    )
    record("bad inputs tried")


def test_a_hundred_thousand_plain_keys_are_called_too_many_not_an_alias_bomb(
        program_folder: Path, run: Callable[..., Result]) -> None:
    """Too big for the corpus (1.3 MB): no alias anywhere, so the message must not blame aliases."""
    (program_folder / "program.yaml").write_text("".join(f"k{n}: {n}\n" for n in range(100_001)), encoding="utf-8")
    result = run("validate", "program.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        "program.yaml:50000:9: holds more than 100,000 keys and values\n"
        "  fix: a program file holds a few thousand at most: is this the program's YAML file?\n"
    )
    record("bad inputs tried")


def test_a_gigabyte_program_file_is_refused_by_its_size_before_a_byte_is_read(
        program_folder: Path, run: Callable[..., Result]) -> None:
    with open(program_folder / "program.yaml", "wb") as sparse:
        sparse.truncate(1024**3)
    result = run("validate", "program.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        "program.yaml: is 1,073,741,824 bytes; the limit is 2,097,152\n"
        "  fix: a program file is a few dozen kilobytes: move long prose into content/ pages\n"
    )
    record("bad inputs tried")
