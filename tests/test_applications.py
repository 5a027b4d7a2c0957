"""From interest form to pairs: applications joined to an HR export, bands, title rows above the
header, the mentor's style, a line manager's consent and rotation over rounds, each through the
command as a coordinator runs it, every message exact."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import Workbook

from toolkit.outputs.forms.questions import application_text
from toolkit.pairing.applications import APPLICATION_COLUMNS, application_questions, read_applications
from toolkit.pairing.matching import pair_reasons, pair_score, prepare_match
from toolkit.pairing.roster import read_roster
from toolkit.program.model import Program
from toolkit.program.validate import load_program

from conftest import program_yaml, write_program

Run = Callable[..., Result]

APPLICATION = {
    "topics": ["AI tools", "Social media", "Data privacy"],
    "availability": ["Mornings", "Afternoons"],
    "formats": ["in-person", "remote"],
    "manager_consent": True,
    "self_assessment": {
        "scale": "like-me",
        "styles": [{"id": "demonstrator", "name": "Demonstrator", "description": "Shows, then lets you try."},
                   {"id": "sounding-board", "name": "Sounding board", "description": "Listens and asks."}],
        "items": [{"id": "show-first", "statement": "I would rather show than tell.", "style": "demonstrator"},
                  {"id": "ask-first", "statement": "I ask before I answer.", "style": "sounding-board"}],
    },
}
PROGRAM = program_yaml(
    feedback={"scales": [{"id": "like-me", "labels": ["Not like me", "A bit like me", "Very like me"]}]},
    application=APPLICATION,
)
HR = """\
id,name,email,level,department,manager_id
B1,Bea Board,bea@acme.example,9,Board,
L1,Lena Lead,lena@acme.example,8,Sales,B1
L2,Liam Lead,liam@acme.example,8,Ops,B1
J1,Jo Junior,jo@acme.example,2,Ops,L2
J2,Jay Junior,jay@acme.example,3,IT,B1
J3,Kim Junior,kim@acme.example,3,Finance,B1
"""
"""An HR export: who people are, nothing about the program."""
APPLICATIONS = """\
submitted,email,role,offers,wants,availability,meeting_format,capacity,manager_consent,show-first,ask-first,preferred_style
2027-01-05 10:00,lena@acme.example,mentee,,AI tools,Mornings,remote,,,,,Demonstrator
2027-01-05 11:00,LIAM@acme.example,Mentee,,AI tools; social media,Afternoons,,,,,,sounding board
2027-01-06 09:00,jo@acme.example,mentor,AI tools,,Mornings,in person,1,yes,3,1,
2027-01-06 09:30,jay@acme.example,mentor,AI tools; Social media,,Mornings; Afternoons,remote,1,yes,1,3,
"""
"""The applications: Kim did not apply, so takes no part."""
REASONS = [
    ["R1-P001", "J1", "L1", "5.00", "shared topic: AI tools; different departments; mentor's style as asked: Demonstrator;"
     " both free: Mornings; would rather meet: in-person (mentor), remote (mentee)"],
    ["R1-P002", "J2", "L2", "5.00", "shared topics: AI tools, Social media; different departments; mentor's style as"
     " asked: Sounding board; both free: Afternoons"],
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The program folder, the working folder, holding the program with its application section."""
    monkeypatch.chdir(tmp_path)
    return write_program(tmp_path, PROGRAM)


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Program:
    return load_program(write_program(tmp_path_factory.mktemp("program"), PROGRAM)).program


def pairs_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [[row[0], row[1], row[4], row[7], row[8]] for row in list(csv.reader(stream))[1:]]


def sheet_bytes(rows: list[list[object]], title: str = "Sheet") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_rows(text: str) -> list[list[object]]:
    return [list(row) for row in csv.reader(io.StringIO(text))]


# --- joining -----------------------------------------------------------------------------------


def test_applications_join_an_hr_export_by_email(folder: Path, run: Run) -> None:
    (folder / "roster.csv").write_text(HR, encoding="utf-8")
    (folder / "applications.csv").write_text(APPLICATIONS, encoding="utf-8")
    result = run("match", "roster.csv", "--applications", "applications.csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == (
        "Paired 2 of 2 mentees from roster.csv; mean score 5.00 of a possible 6.\n"
        "Wrote private/match: match-report.html, pairs.csv, pairs.xlsx\n")
    assert pairs_of(folder / "private/match/pairs.csv") == REASONS
    html = (folder / "private/match/match-report.html").read_text(encoding="utf-8")
    assert ('<p class="muted" data-figure="applications">With the applications <code>applications.csv</code>: 4 joined'
            " to the roster.</p>") in html


def test_applications_join_by_employee_id_from_workbooks(folder: Path, run: Run) -> None:
    """XLSX both: the HR export under a title row, the applications by id with e-mails in another case."""
    (folder / "roster.xlsx").write_bytes(sheet_bytes([["Staff list, January 2027"], [], *csv_rows(HR)]))
    rows = csv_rows(APPLICATIONS)
    header = ["submitted", "id", *rows[0][2:]]
    ids = {"lena@acme.example": "L1", "liam@acme.example": "L2", "jo@acme.example": "J1", "jay@acme.example": "J2"}
    body = [[dt.datetime(2027, 1, 5, 10), ids[str(row[1]).lower()], *row[2:]] for row in rows[1:]]
    for row in body:
        row[7] = int(row[7]) if row[7] else None  # capacity as a number, as a spreadsheet holds it
    (folder / "applications.xlsx").write_bytes(sheet_bytes([header, *body]))

    result = run("match", "roster.xlsx", "--applications", "applications.xlsx")

    assert result.exit_code == 0, result.output
    assert result.stderr == ("roster.xlsx: the header is row 3 (the row above it, a title or a note, passed over); say"
                             " otherwise with --header-row N\n")
    assert result.stdout.startswith("Paired 2 of 2 mentees from roster.xlsx; mean score 5.00 of a possible 6.\n")
    assert pairs_of(folder / "private/match/pairs.csv") == REASONS


def test_every_problem_of_an_application_is_reported_by_its_row(folder: Path, run: Run) -> None:
    roster = HR.replace("manager_id\n", "manager_id,role\n").replace("Ops,B1\n", "Ops,B1,mentee\n", 1)
    (folder / "roster.csv").write_text(roster, encoding="utf-8")
    (folder / "applications.csv").write_text(
        "email,id,role,offers,wants,show-first,preferred_style,meeting_format,capacity,manager_consent\n"
        "ann@acme.example,,mentor,AI tools,,,,,,\n"
        "lena@acme.example,,mentee,,AI tool; Privacy,,,,,\n"
        "jo@acme.example,J2,mentor,AI tools,,,,,,\n"
        ",,mentor,AI tools,,,,,,\n"
        "jay@acme.example,,mentr,AI tools,,,,,,\n"
        "kim@acme.example,,mentor,AI tools,,4,coach,zoom,lots,maybe\n"
        "liam@acme.example,,mentor,AI tools,,,,,,\n"
        "jo@acme.example,J9,mentor,AI tools,,,,,,\n"
        "jay@acme.exmaple,,mentor,AI tools,,,,,,\n", encoding="utf-8")

    result = run("match", "roster.csv", "--applications", "applications.csv", "-o", "out")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == EVERY_PROBLEM
    assert not (folder / "out").exists()


EVERY_PROBLEM = """\
applications.csv:2: row 2: email 'ann@acme.example' is in no row of the roster (roster.csv)
  fix: write the address the roster has, add the person to the roster, or delete the application
applications.csv:3: row 3: wants: 'AI tool' is not one of the program's topics
  fix: did you mean 'AI tools'? use the topics of application.topics in program.yaml, separated by semicolons, or \
add this one there
applications.csv:3: row 3: wants: 'Privacy' is not one of the program's topics
  fix: did you mean 'Data privacy'? use the topics of application.topics in program.yaml, separated by semicolons, \
or add this one there
applications.csv:4: row 4: id 'J2' is the roster's row 6, but email 'jo@acme.example' is its row 5 (id 'J1')
  fix: correct one of the two: they must name the same person
applications.csv:5: row 5: email and id are both empty
  fix: give the applicant's e-mail address (or employee id) as the roster has it, or delete the row
applications.csv:6: row 6: role 'mentr' is not mentor or mentee
  fix: did you mean 'mentor'? write mentor or mentee
applications.csv:7: row 7: capacity 'lots' is not a whole number
  fix: write how many partners this mentor can take, a whole number such as 2 (empty means the program's default)
applications.csv:7: row 7: manager_consent 'maybe' is not yes or no
  fix: write yes or no, or leave it empty if the line manager has not been asked yet
applications.csv:7: row 7: show-first '4' is not on the scale
  fix: write a number from 1 to 3, or one of 'Not like me', 'A bit like me', 'Very like me'
applications.csv:7: row 7: preferred_style 'coach' is not one of the styles
  fix: write one of 'Demonstrator', 'Sounding board', or no preference
applications.csv:7: row 7: meeting_format 'zoom' is not a meeting format
  fix: write one of 'In person', 'Remote (video)', 'No preference'
applications.csv:8: row 8: role 'mentor' but the roster's row 4 has them as mentee
  fix: correct one of the two; with --applications the roster needs no role column
applications.csv:9: row 9: id 'J9' is in no row of the roster (roster.csv); its email 'jo@acme.example' is on the \
roster's row 5, under id 'J1'
  fix: correct the id, or leave it empty to join the application by its e-mail address
applications.csv:10: row 10: email 'jay@acme.exmaple' is in no row of the roster (roster.csv)
  fix: did you mean 'jay@acme.example'? write the address the roster has, add the person to the roster, or delete \
the application
14 problems found.
"""


def test_a_second_application_is_warned_about_and_the_one_submitted_later_is_used(folder: Path, run: Run) -> None:
    (folder / "roster.csv").write_text(HR, encoding="utf-8")
    later_first = APPLICATIONS.replace("2027-01-05 10:00,lena", "2027-01-07 08:00,lena") + (
        "2027-01-06 10:00,lena@acme.example,mentee,,Data privacy,,,,,,,\n")
    (folder / "applications.csv").write_text(later_first, encoding="utf-8")
    strict = run("match", "roster.csv", "--applications", "applications.csv", "--strict", "-o", "out")
    assert strict.exit_code == 1
    warning = ("applications.csv:6: warning: row 6: 'lena@acme.example' applied again on row 2; the application on"
               " row 2, submitted later, is used\n  fix: delete the application that is not meant, and this warning"
               " goes\n")
    assert strict.stderr == warning + "1 warning and --strict is set\n  fix: fix the warnings above, or run without --strict\n"
    assert not (folder / "out").exists()

    result = run("match", "roster.csv", "--applications", "applications.csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == warning
    assert pairs_of(folder / "private/match/pairs.csv")[0][:3] == ["R1-P001", "J1", "L1"]  # AI tools, not data privacy


def test_an_applications_export_without_an_address_or_a_role_is_refused(folder: Path, run: Run) -> None:
    (folder / "roster.csv").write_text(HR, encoding="utf-8")
    (folder / "applications.csv").write_text("name,topics\nLena,AI tools\n", encoding="utf-8")
    result = run("match", "roster.csv", "--applications", "applications.csv")
    assert result.exit_code == 1
    assert result.stderr == (
        "applications.csv:1: row 1: missing columns 'email', 'role'; the columns found are: 'name', 'topics'\n"
        "  fix: name the columns as the application form's fields (email or id, role, offers, wants, ...; see the"
        " README), or as the questions of the application questions file\n")


def test_a_survey_tools_export_is_read_by_its_question_headings(folder: Path, program: Program) -> None:
    """Headed by the questions' words (a grid's statements in brackets), answers as the choices' words."""
    questions = {q.column: q.text for q in application_questions(program)}
    header = ["Timestamp", questions["email"], questions["role"], questions["offers"],
              f"What kind of mentor are you? [{questions['show-first']}]", questions["meeting_format"]]
    (folder / "roster.csv").write_text(HR, encoding="utf-8")
    (folder / "export.csv").write_text(",".join(f'"{name}"' for name in header) + "\n"
                                       '2027/01/05 10:00:00,jo@acme.example,Mentor,"AI tools, Data privacy",'
                                       "Very like me,Remote (video)\n"
                                       "2027/01/05 11:00:00,lena@acme.example,Mentee,,,\n", encoding="utf-8")
    roster = read_roster("roster.csv", program.matching, applications="export.csv", program=program)
    (jo,) = roster.mentors
    assert (jo.id, jo.offers, jo.styles, jo.meeting_format, jo.applied) == (
        "J1", ("AI tools", "Data privacy"), ("Demonstrator",), "remote", 2)


def test_the_application_forms_fields_are_the_exports_columns(program: Program) -> None:
    """One list of names: the form's fields, the survey text's [columns], the reader's columns."""
    columns = [q.column for q in application_questions(program)]
    assert columns == ["name", "email", "id", "role", "languages", "availability", "meeting_format", "offers",
                       "capacity", "manager_consent", "show-first", "ask-first", "wants", "preferred_style"]
    assert set(columns) - {"show-first", "ask-first"} <= set(APPLICATION_COLUMNS)
    text = application_text(program)
    assert [column for column in columns if f"[{column}]" not in text] == []


def test_a_self_assessment_scores_the_styles_rated_highest_on_average_ties_and_all(folder: Path) -> None:
    (folder / "applications.csv").write_text(
        "email,role,show-first,ask-first\n"
        "a@x,mentor,3,1\n"
        "b@x,mentor,A bit like me,a bit like me\n"
        "c@x,mentor,,\n", encoding="utf-8")
    read = read_applications("applications.csv", load_program(folder).program)
    assert [answer.styles for answer in read.answers] == [("Demonstrator",), ("Demonstrator", "Sounding board"), ()]


# --- the mentor's style ----------------------------------------------------------------------


def test_the_style_asked_for_scores_its_weight_in_the_vectorised_scores_too(folder: Path) -> None:
    import numpy as np

    from toolkit.pairing.assignment import Cohort

    (folder / "roster.csv").write_text(HR, encoding="utf-8")
    (folder / "applications.csv").write_text(APPLICATIONS, encoding="utf-8")
    program = load_program(folder).program
    roster = read_roster("roster.csv", program.matching, applications="applications.csv", program=program)
    cohort = Cohort(roster, program.matching)
    vectorised = cohort.scores(np.arange(cohort.n), np.arange(cohort.m))
    plain = [[pair_score(mentor, mentee, program.matching) for mentor in roster.mentors] for mentee in roster.mentees]
    assert np.allclose(vectorised, plain, atol=1e-6)
    assert plain == [[5.0, 4.0], [1.5, 5.0]]  # Lena asked for a demonstrator (Jo), Liam for a sounding board (Jay)
    assert cohort.max_score == 6.0
    lena, jay = roster.mentees[0], roster.mentors[1]
    assert pair_reasons(jay, lena) == ("shared topic: AI tools", "different departments",
                                       "mentor's style: Sounding board (the mentee asked for Demonstrator)",
                                       "both free: Mornings")


# --- bands -----------------------------------------------------------------------------------

BANDS = """\
id,name,email,role,level,manager_id,offers,wants
D1,Dana Director,dana@nhs.example,mentee,Director,,,AI tools
M1,Mo Matron,mo@nhs.example,mentee,band 8a,,,AI tools
N1,Nia Nurse,nia@nhs.example,mentor,Band 5,,AI tools,
N2,Ned Nurse,ned@nhs.example,mentor,Band  8A,,AI tools,
"""


def test_levels_may_be_bands_listed_in_order_in_the_program(tmp_path: Path, run: Run,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_program(tmp_path, program_yaml(matching={"levels": ["Band 5", "Band 6", "Band 7", "Band 8a", "Director"]}))
    (tmp_path / "roster.csv").write_text(BANDS, encoding="utf-8")
    result = run("match", "roster.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Paired 2 of 2 mentees")
    assert [row[:3] for row in pairs_of(tmp_path / "private/match/pairs.csv")] == [
        ["R1-P001", "N1", "M1"], ["R1-P002", "N2", "D1"]]  # Ned, at band 8a, is not junior to Mo

    (tmp_path / "roster.csv").write_text(BANDS.replace("Band 5", "Band 9"), encoding="utf-8")
    result = run("match", "roster.csv")
    assert result.exit_code == 1
    assert result.stderr == (
        "roster.csv:4: row 4: level 'Band 9' is not one of the bands of matching.levels\n"
        "  fix: did you mean 'Band 7'? write one of 'Band 5', 'Band 6', 'Band 7', 'Band 8a', 'Director', or add the band"
        " to matching.levels in program.yaml, in its place from the most junior to the most senior\n")


def test_a_band_without_the_programs_bands_says_how_to_list_them(tmp_path: Path, run: Run,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "roster.csv").write_text(BANDS, encoding="utf-8")
    result = run("match", "roster.csv", "-o", "out")
    assert result.exit_code == 1
    fix = ("  fix: write seniority as a number, higher for more senior (e.g. 2 for a graduate, 6 for a director), or"
           " list the roster's bands in order, most junior first, as matching.levels in program.yaml\n")
    assert result.stderr == (
        "No program.yaml here: using the default matching settings (see the README).\n"
        + "".join(f"roster.csv:{row}: row {row}: level '{band}' is not a number\n{fix}"
                  for row, band in ((2, "Director"), (3, "band 8a"), (4, "Band 5"), (5, "Band  8A")))
        + "4 problems found.\n")


# --- header rows -------------------------------------------------------------------------------


def test_a_title_row_above_the_header_is_passed_over_and_the_run_says_so(tmp_path: Path, run: Run,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_program(tmp_path)
    body = BANDS.replace(",", ";").replace("band 8a", "8").replace("Band  8A", "3").replace("Band 5", "2")
    (tmp_path / "roster.csv").write_text("Pilot roster, exported 4 January 2027\n" + body.replace("Director", "9"),
                                         encoding="utf-8")
    result = run("match", "roster.csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == ("roster.csv: the header is row 2 (the row above it, a title or a note, passed over); say"
                             " otherwise with --header-row N\n")
    assert result.stdout.startswith("Paired 2 of 2 mentees from roster.csv")

    given = run("match", "roster.csv", "--header-row", "2")
    assert (given.exit_code, given.stderr) == (0, "")
    wrong = run("match", "roster.csv", "--header-row", "1")
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith("roster.csv:1: row 1: missing columns 'id', 'name', 'role', 'level', 'manager_id',"
                                   " 'offers', 'wants'; the columns found are: 'Pilot roster', 'exported 4 January"
                                   " 2027'\n")


# --- a line manager's consent ---------------------------------------------------------------


def test_a_pair_whose_mentors_manager_has_not_agreed_is_flagged_or_under_the_rule_not_made(
        folder: Path, run: Run) -> None:
    (folder / "roster.csv").write_text(HR, encoding="utf-8")
    (folder / "applications.csv").write_text(APPLICATIONS.replace(",1,yes,1,3,", ",1,no,1,3,"), encoding="utf-8")
    flagged = run("match", "roster.csv", "--applications", "applications.csv")
    assert flagged.exit_code == 0, flagged.output
    assert flagged.stdout == (
        "Paired 2 of 2 mentees from roster.csv; mean score 5.00 of a possible 6.\n"
        "1 pair waits for the mentor's line manager to agree: see match-report.html.\n"
        "Wrote private/match: match-report.html, pairs.csv, pairs.xlsx\n")
    html = (folder / "private/match/match-report.html").read_text(encoding="utf-8")
    assert "<tr><td>R1-P002</td><td>Jay Junior <span class=\"muted\">(J2)</span></td><td>B1</td><td>no</td></tr>" in html

    (folder / "program.yaml").write_text(program_yaml(
        PROGRAM, matching={"rules": {"manager_consent": True}}), encoding="utf-8")
    ruled = run("match", "roster.csv", "--applications", "applications.csv", "-o", "ruled")
    assert ruled.exit_code == 0, ruled.output
    assert ruled.stdout == (
        "Paired 1 of 2 mentees from roster.csv; mean score 5.00 of a possible 6.\n"
        "Unmatched (2):\n"
        "  mentee Liam Lead (L2): no eligible mentor: of the 2 mentors who offer 'AI tools' or 'Social media', 1 is in"
        " their management chain and 1 has no line manager's agreement yet\n"
        "  mentor Jay Junior (J2): their line manager has not agreed (matching.rules.manager_consent)\n"
        "1 mentor with free places got nobody: their line manager has not agreed (2 mentor places for 2 mentees).\n"
        "Wrote ruled: match-report.html, pairs.csv, pairs.xlsx\n")


def test_a_consent_that_is_not_yes_or_no_is_a_row_error(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("id,name,role,level,manager_id,offers,wants,manager_consent\n"
                    "J1,Jo,mentor,2,,AI,,maybe\nL1,Lena,mentee,8,,,AI,\n", encoding="utf-8")
    from toolkit.errors import RosterError

    with pytest.raises(RosterError) as error:
        read_roster(path)
    assert error.value.format() == (
        f"{path}:2: row 2: manager_consent 'maybe' is not yes or no\n"
        "  fix: write yes or no, or leave it empty if the line manager has not been asked yet")


# --- rotation --------------------------------------------------------------------------------

ROUNDS = "id,name,role,level,manager_id,offers,wants,capacity\n" + "".join(
    f"L{n},Lead {n},mentee,8,,,AI tools,\n" for n in range(1, 5)) + "".join(
    f"J{n},Junior {n},mentor,2,,AI tools,,1\n" for n in range(1, 6))
"""Four mentees and five mentors with one place each, every pair as good as any other."""


def test_over_three_rounds_no_mentor_with_a_free_place_is_left_out_while_another_gets_a_third_partner(
        tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twelve pairs for five mentors: two get a third partner, so every one of the others gets two. Without
    the tie-break the same four mentors were paired every round and the fifth never."""
    monkeypatch.chdir(tmp_path)
    write_program(tmp_path)
    (tmp_path / "roster.csv").write_text(ROUNDS, encoding="utf-8")
    history: list[str] = []
    outputs = []
    for folder in ("private/match", "private/match-round-2", "private/match-round-3"):
        result = run("match", "roster.csv", *[arg for path in history for arg in ("--history", path)])
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
        history.append(f"{folder}/pairs.csv")
    partners: dict[str, int] = {}
    for path in history:
        for row in pairs_of(tmp_path / path):
            partners[row[1]] = partners.get(row[1], 0) + 1
    assert sorted(partners.values()) == [2, 2, 2, 3, 3]
    assert outputs[0].splitlines()[3] == (
        "1 mentor with free places got nobody: every mentee they could take went to another mentor (5 mentor places"
        " for 4 mentees).")
    assert outputs[2].splitlines()[3] == (
        "1 mentor with free places got nobody: every mentee they could take went to another mentor (5 mentor places"
        " for 4 mentees); among equally good pairings, people with fewer earlier partners came first.")
    assert outputs[1].splitlines()[3] == (
        "1 mentor with free places got nobody: every mentee they could take went to another mentor (5 mentor places"
        " for 4 mentees); among equally good pairings, people with fewer earlier partners came first.")


def test_a_mentor_left_out_of_every_round_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ROUNDS.replace("J5,Junior 5,mentor,2,,AI tools", "J5,Junior 5,mentor,2,,Excel"), encoding="utf-8")
    first = prepare_match(path)
    earlier = tmp_path / "round-1.csv"
    from toolkit.pairing.report import render_csv

    earlier.write_bytes(render_csv(first))
    second = prepare_match(path, history=earlier)
    assert second.free_places_note == (
        "1 mentor with free places got nobody: no mentee wants their topics (5 mentor places for 4 mentees); they had"
        " no partner in the earlier rounds either; among equally good pairings, people with fewer earlier partners"
        " came first.")
