"""What the toolkit will not overwrite: files a user edited, another command's output, and
outputs nested in outputs, templates/ or the render cache."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from sitekit import write_program

Run = Callable[..., Result]

ROSTER = """\
id,name,email,role,level,department,manager_id,time_zone,offers,wants,languages,capacity
1,Ana Lima,ana@example.org,mentor,2,IT,,,AI tools,,English,1
2,Jon Reyes,jon@example.org,mentee,8,Sales,,,,AI tools,English,
"""


@pytest.fixture
def program(tmp_path: Path) -> Iterator[Path]:
    folder = write_program(tmp_path / "prog")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    old = os.getcwd()
    os.chdir(folder)
    yield folder
    os.chdir(old)


def test_a_file_edited_in_the_output_is_the_users_and_is_never_replaced(program: Path, run: Run) -> None:
    assert run("build", "-q").exit_code == 0
    page = program / "site" / "faq.html"
    page.write_text("my notes", encoding="utf-8")
    result = run("build", "-q")
    assert result.exit_code == 1
    assert result.stderr == (
        "site: the output folder holds 1 file revmentor did not write: faq.html (changed since revmentor wrote it)\n"
        "  fix: move them out of the output folder (revmentor replaces the whole folder on each build), or choose"
        " another folder with -o\n"
    )
    assert page.read_text(encoding="utf-8") == "my notes"


def test_pairs_never_replace_a_site_and_a_site_never_replaces_pairs(program: Path, run: Run) -> None:
    assert run("build", "-o", "public", "-q").exit_code == 0
    result = run("match", "roster.csv", "-o", "public")
    assert result.exit_code == 1
    assert result.stderr == (
        "public: the output folder holds revmentor's site output, not its match output; replacing it would delete"
        " that site output\n  fix: choose another folder for the match output with -o\n"
    )
    assert (program / "public" / "index.html").is_file()

    assert run("match", "roster.csv", "-o", "private/round-1").exit_code == 0
    result = run("build", "-o", "private/round-1", "-q")
    assert result.exit_code == 1
    assert "holds revmentor's match output, not its site output" in result.stderr
    assert (program / "private" / "round-1" / "pairs.csv").is_file()


def test_an_output_inside_another_output_is_refused(program: Path, run: Run) -> None:
    assert run("build", "-q").exit_code == 0
    result = run("match", "roster.csv", "-o", "site/private")
    assert result.exit_code == 1
    assert result.stderr == (
        "site/private: the output folder lies inside another output of revmentor (site), which is replaced as a"
        " whole on its next run\n  fix: choose a folder outside it with -o\n"
    )
    assert not (program / "site" / "private").exists()


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("templates/out", "templates/out: the output folder lies inside templates/, the folder of your template overrides\n"
                          "  fix: choose a folder outside templates/ with -o\n"),
        (".revmentor-cache/out", ".revmentor-cache/out: the output folder lies inside revmentor's render cache\n"
                                 "  fix: choose another folder with -o\n"),
    ],
)
def test_outputs_in_the_templates_or_the_cache_are_refused(program: Path, run: Run, folder: str, message: str) -> None:
    result = run("build", "-o", folder, "-q")
    assert result.exit_code == 1
    assert result.stderr == message
    assert not (program / folder).exists()


def test_private_outputs_default_to_the_program_folder_whatever_the_working_folder(
    program: Path, run: Run, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.chdir(elsewhere)
    result = run("match", str(program / "roster.csv"), "--program", str(program))
    assert result.exit_code == 0, result.output
    assert (program / "private" / "match" / "pairs.csv").is_file()
    assert list(elsewhere.iterdir()) == []
