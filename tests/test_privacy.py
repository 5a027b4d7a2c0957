"""Roster data never reaches the handbook: the whole flow, roster to pairs to packs to site."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from conftest import REPO
from leaks import leaks

# Distinctive names and addresses, so a match anywhere in the site is certainly a leak.
ROSTER = """\
employee_id,full_name,work_email,crosswise_role,grade,department,line_manager_id,time_zone,can_offer,wants_to_learn,languages,capacity
E900,Quillon Zaraveth,quillon.zaraveth@roster.example,,9,Board,,Europe/London,,,English,
E901,Marisol Okonkwo-Vantry,marisol.vantry@roster.example,mentee,8,Operations,E900,Europe/London,,AI tools,English,
E902,Thaddeus Pemberly-Quist,thaddeus.quist@roster.example,mentee,7,Finance,E900,Europe/London,,social media,English,
E903,Ysolde Kristiansen-Arbo,ysolde.arbo@roster.example,mentor,2,Warehouse,E901,Europe/London,social media,,English,1
E904,Benedikt Oyelaran-Fitch,benedikt.fitch@roster.example,mentor,3,IT,E902,Europe/London,AI tools,,English,1
"""


@pytest.fixture
def program_copy(tmp_path: Path) -> Iterator[Path]:
    """The flagship program folder copied, so its matching column names apply to the roster above."""
    folder = tmp_path / "crosswise"
    folder.mkdir()
    shutil.copy(REPO / "program.yaml", folder / "program.yaml")
    shutil.copytree(REPO / "content", folder / "content")
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    old = os.getcwd()
    os.chdir(folder)
    yield folder
    os.chdir(old)


@pytest.mark.slow
def test_no_roster_name_or_email_reaches_the_site(program_copy: Path, run: Callable[..., Result]) -> None:
    (program_copy / "roster.csv").write_text(ROSTER, encoding="utf-8")
    matched = run("match", "roster.csv", "-o", "private/match")
    assert matched.exit_code == 0, matched.output
    pairs = program_copy / "private" / "match" / "pairs.csv"
    assert "Ysolde Kristiansen-Arbo" in pairs.read_text(encoding="utf-8-sig")

    packed = run("forms", "--pairs", str(pairs), "-o", "private/packs", "--quiet")
    assert packed.exit_code == 0, packed.output
    built = run("build", "--quiet")
    assert built.exit_code == 0, built.output

    site = program_copy / "site"
    assert (site / "search" / "search_index.json").is_file()
    secrets = []
    for line in ROSTER.splitlines()[1:]:
        cells = line.split(",")
        secrets += [cells[1], cells[2], *cells[1].split()[-1:]]
    assert leaks(site, secrets) == {}
