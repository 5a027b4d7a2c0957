"""Roster data never reaches the handbook: the whole flow, roster to pairs to packs to site."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from toolkit import prepare_report, write_report
from toolkit.files.tables import read_table

from conftest import REPO, with_zensical, write_program
from leaks import leaks
from test_report import PROGRAM, known_responses

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
    drafts = leaks(program_copy / "private" / "packs", ["Ysolde Kristiansen-Arbo", "ysolde.arbo@roster.example"])
    assert [name for name in drafts if "/messages/" in name and name.endswith("-mentor.eml")]  # the drafts name her
    built = run("build", "--quiet")
    assert built.exit_code == 0, built.output

    site = program_copy / "site"
    assert (site / "search" / "search_index.json").is_file()
    assert (site / "communications.html").is_file()  # the page of messages: dates and roles, never a name
    secrets = []
    for line in ROSTER.splitlines()[1:]:
        cells = line.split(",")
        secrets += [cells[1], cells[2], *cells[1].split()[-1:]]
    assert leaks(site, secrets) == {}

    # The same site built by Zensical (the documents come from the render cache): its search
    # index is another file, search.json with its copy as a script, and holds no roster data either.
    (program_copy / "program.yaml").write_text(with_zensical((program_copy / "program.yaml").read_text(encoding="utf-8")),
                                               encoding="utf-8")
    built = run("build", "--quiet")
    assert built.exit_code == 0, built.output
    assert (site / "search.json").is_file() and (site / "search.js").is_file()
    assert not (site / "search").exists()
    assert "Crosswise" in (site / "search.json").read_text(encoding="utf-8")
    assert leaks(site, secrets) == {}


# --- the evaluation report: a program's own template sees figures only ---------------------------

DUMP_EVERYTHING = """\
{#- Prints everything this template can reach: every variable, every attribute, key and item, deep. -#}
{%- macro dump(value, depth) -%}
{%- if depth > 0 -%}
[{{ value }}]
{%- if value is mapping -%}
{%- for key, item in value.items() %} {{ key }}={{ dump(item, depth - 1) }}{% endfor -%}
{%- elif value is iterable and value is not string -%}
{%- for item in value %} {{ dump(item, depth - 1) }}{% endfor -%}
{%- elif value.__dict__ is defined -%}
{{ dump(value.__dict__, depth - 1) }}
{%- endif -%}
{%- endif -%}
{%- endmacro -%}
<html><body><pre>
{%- for name, value in self._TemplateReference__context.get_all().items() %}
{{ name }}: {{ dump(value, 12) }}
{%- endfor %}
</pre></body></html>
"""


def test_a_report_template_of_the_program_cannot_print_a_raw_answer(tmp_path: Path) -> None:
    """A program's templates/report/report.html.j2 replaces ours. Whatever it walks (the context,
    every attribute, every item), it finds the figures and nothing they were made of: no
    respondent id, no free text of a group too small to show, no answer a warning quotes, no
    counts of a group that answered as one."""
    folder = write_program(tmp_path / "prog", PROGRAM, {"templates/report/report.html.j2": DUMP_EVERYTHING})
    paths = known_responses(folder / "responses")
    mentor_end = folder / "responses" / "mentor-end.csv"  # six mentors who gave one answer, and a bad row
    mentor_end.write_text("respondent,leaving,value,learned\n" + "".join(f"AGREED-{n},4,5,\n" for n in range(6))
                          + "SECRET-ROW-ID,SEVEN-ISH,5,\n", encoding="utf-8")
    secrets = ["SECRET-ROW-ID", "SEVEN-ISH", "MIDPOINT-MENTOR-ONLY", "Tally(", "Counter(", "Response(",
               "respondent=", *[f"AGREED-{n}" for n in range(6)]]
    for path in paths:
        if path.name == "figures.csv":  # figures gathered outside the surveys: no respondents
            continue
        table = read_table(path, what="responses")
        column = [name.casefold() for name in table.header].index("respondent")
        secrets += [cells[column] for _, cells in table.rows]

    prepared = prepare_report(folder, [folder / "responses"])
    assert any("SEVEN-ISH" in problem.message for problem in prepared.warnings)
    written = write_report(prepared, tmp_path / "out", pdf=False)

    page = (written.folder / "report.html").read_text(encoding="utf-8")
    assert "min_group_size=[5]" in page and "Mentees confident or very confident" in page, "the dump reached nothing"
    assert "[fewer than 5 responses: not shown]" in page and "[all answers the same: not shown]" in page
    assert len(secrets) > 40
    assert leaks(written.folder, secrets) == {}
