"""Survey exports as the tools make them load without edits, and give the figures worked out by hand.

One program (PROGRAM): a survey `pairs-end` for mentors and leaders with a scale whose labels
hold apostrophes. The same six answers (ANSWERS) are written the way Google Forms, Microsoft
Forms, SurveyMonkey and Qualtrics export them: their own header rows and extra columns, question
texts instead of ids, curly apostrophes, non-breaking spaces, odd case, "n/a" for no answer.

Worked out by hand from ANSWERS (confidence: 5, 4, 3 for mentors; 2, 4, 5 for leaders;
value: 4, 5, 4, 3, 4, 2):
- share confident (4 or 5 of 5): r1, r2, r5, r6 = 4 of 6 = 66.7%, target 60: met;
- mean confidence of everyone: 23 / 6 = 3.83; of mentors 12 / 3 = 4.00; of leaders 11 / 3 = 3.67;
- mean value: 22 / 6 = 3.67;
- free text: "n/a", "None", "-" and blank are no answers, leaving two, in alphabetical order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from toolkit.errors import ResponsesError
from toolkit.evaluation.figures import compute
from toolkit.evaluation.responses import Responses, normalise, read_responses
from toolkit.program.validate import load_program

from conftest import program_yaml, write_program

PROGRAM = program_yaml(
    training=None,
    checkins=None,
    roles=[{"id": "mentor", "name": "Mentor", "summary": "Shares what they know.",
            "time_commitment": "1 hour a fortnight"},
           {"id": "mentee", "name": "Leader", "summary": "Comes with questions.",
            "time_commitment": "1 hour a fortnight"}],
    **yaml.safe_load("""\
goals:
  - id: confidence
    title: Everyone at ease with digital tools
    description: Both sides use the tools with confidence.
    measures:
      - metric: Confident or very confident
        unit: "%"
        target: 60
        method: End survey
        when: [end]
        question: confidence
      - metric: Mean confidence of leaders
        target: 3.5
        method: End survey, leaders' answers only
        when: [end]
        question: confidence
        statistic: mean
        role: mentee
      - metric: Leaders who changed a team routine
        id: routines
        target: 4
        method: Closing interviews
        when: [end]
feedback:
  scales:
    - id: sure5
      labels: [Not at all, Not really, "I'm getting there", "I'm confident", "I'm very confident"]
    - id: agree5
      labels: [Strongly disagree, Disagree, Neither, Agree, Strongly agree]
  questions:
    - {id: confidence, text: "How confident are you with the team's digital tools?", scale: sure5}
    - {id: value, text: Our meetings are a good use of my time., scale: agree5}
    - {id: change, text: Describe one thing you do differently., kind: text}
  surveys:
    - id: pairs-end
      title: Everyone at the end
      moment: end
      week: 12
      audience: [mentor, mentee]
      questions: [confidence, value, change]
      export:
        file: "Data_All_*.csv"
        columns:
          - {header: QID7, holds: value}
          - {header: "Anything else to tell us?", holds: ignore}
  min_group_size: 2
"""),
)

ROLE_TEXT = "Your role in Bridge"
TEXTS = {"confidence": "How confident are you with the team’s digital tools?",  # curly apostrophe, as phones type it
         "value": "Our meetings are a good use of my time.",
         "change": "Describe one thing you do differently."}
ANSWERS = [  # role, confidence, value, change: as respondents typed or picked them
    ("Mentor", "I’m very confident", "Agree", "Shared my screen in the team meeting"),
    ("Mentor", "I’m confident", "Strongly agree", "n/a"),
    ("Mentor", "I’m getting there", "Agree", ""),
    ("Leader", "Not really", "Neither", "I use Teams channels instead of e-mail"),
    ("Leader", "i’m CONFIDENT", "Agree", "None"),
    ("Leader", "I’m\u00a0very\u00a0confident", "Disagree", "-"),
]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def google_forms(folder: Path) -> Path:
    """Timestamp and e-mail first, then the questions' texts; no respondent id; the file named after the form."""
    header = ["Timestamp", "Email Address", ROLE_TEXT, TEXTS["confidence"], TEXTS["value"], TEXTS["change"]]
    rows = [[f"2027/03/29 9:0{i}:00 AM GMT+1", f"person{i}@example.com", *answer] for i, answer in enumerate(ANSWERS)]
    return _csv(folder / "Everyone at the end (Responses) - Form responses 1.csv", [header, *rows])


def microsoft_forms(folder: Path) -> Path:
    """ID, times, e-mail and name first (XLSX); a file name that is no survey's: known by its questions."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", "Last modified time", "What is your role?",
                  TEXTS["confidence"], TEXTS["value"], TEXTS["change"]])
    for i, answer in enumerate(ANSWERS, start=1):
        sheet.append([i, "3/29/27 9:00:00", "3/29/27 9:04:00", "anonymous", "", "", *answer])
    path = folder / "Bridge closing survey(1-6).xlsx"
    book.save(path)
    return path


def surveymonkey(folder: Path) -> Path:
    """Two header rows (the question, then "Response"); the file matched by the survey's export.file pattern."""
    first = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
             "Last Name", "Custom Data 1", ROLE_TEXT, TEXTS["confidence"], TEXTS["value"], TEXTS["change"]]
    second = ["", "", "", "", "", "", "", "", "", "Response", "Response", "Response", "Open-Ended Response"]
    rows = [[str(114000 + i), "4038", "03/29/2027 09:00:00", "03/29/2027 09:05:00", f"10.0.0.{i}", "", "", "", "",
             *answer] for i, answer in enumerate(ANSWERS)]
    return _csv(folder / "Data_All_270329.csv", [first, second, *rows])


def qualtrics(folder: Path) -> Path:
    """Three header rows (ids, texts, ImportId JSON); one question reworded in the tool, tied by its id in program.yaml."""
    ids = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
           "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
           "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
           "QID5", "QID6", "QID7", "QID8", "QID9"]
    texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)", "Finished",
             "Recorded Date", "Response ID", "Recipient Last Name", "Recipient First Name", "Recipient Email",
             "External Data Reference", "Location Latitude", "Location Longitude", "Distribution Channel",
             "User Language", ROLE_TEXT, TEXTS["confidence"], "How worthwhile are your meetings?", TEXTS["change"],
             "Anything else to tell us?"]
    imports = [f'{{"ImportId":"{name}"}}' for name in ids]
    rows = [["2027-03-29 09:00:00", "2027-03-29 09:05:00", "IP Address", f"10.0.0.{i}", "100", "300", "True",
             "2027-03-29 09:05:00", f"R_{i}aBcD", "", "", "", "", "51.5", "-0.1", "anonymous", "EN", *answer, "no"]
            for i, answer in enumerate(ANSWERS)]
    return _csv(folder / "Bridge_end_March 29, 2027_09.05.csv", [ids, texts, imports, *rows])


TOOLS: dict[str, Callable[[Path], Path]] = {"google-forms": google_forms, "microsoft-forms": microsoft_forms,
                                            "surveymonkey": surveymonkey, "qualtrics": qualtrics}
IGNORED = {  # the warning each export gets: columns passed over, those that identify people named first
    "google-forms": "row 1: column B (Email Address) identifies people and is not read; column A (Timestamp) is not"
                    " read; there is no respondent id column, so each row counts as one respondent and someone who"
                    " answered twice cannot be caught",
    "microsoft-forms": "row 1: columns D (Email), E (Name) identify people and are not read; columns B (Start time),"
                       " C (Completion time), F (Last modified time) are not read",
    "surveymonkey": "row 1: columns E (IP Address), F (Email Address), G (First Name), H (Last Name), I (Custom Data"
                    " 1) identify people and are not read; columns B (Collector ID), C (Start Date), D (End Date)"
                    " are not read",
    "qualtrics": "row 1: columns D (IPAddress), J (RecipientLastName), K (RecipientFirstName), L (RecipientEmail),"
                 " M (ExternalReference), N (LocationLatitude), O (LocationLongitude) identify people and are not"
                 " read; columns A (StartDate), B (EndDate), C (Status), E (Progress), F (Duration (in seconds)),"
                 " G (Finished), H (RecordedDate), P (DistributionChannel), Q (UserLanguage), V (QID9) are not read",
}


@pytest.fixture(scope="module")
def program_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_program(tmp_path_factory.mktemp("exports"), PROGRAM)


def read(program_dir: Path, *paths: Path) -> Responses:
    return read_responses(load_program(program_dir).program, list(paths))


@pytest.mark.parametrize("tool", TOOLS)
def test_an_export_loads_as_the_tool_made_it_and_gives_the_hand_worked_figures(
        tool: str, program_dir: Path, tmp_path: Path) -> None:
    path = TOOLS[tool](tmp_path)
    responses = read(program_dir, path)
    assert [(f.survey, f.rows, f.used, dict(f.left_out)) for f in responses.files] == [("pairs-end", 6, 6, {})]
    assert [p.format() for p in responses.warnings] == [
        f"{path}: warning: {IGNORED[tool]}\n  fix: export the survey without names and e-mails (an anonymous survey)"
        " or delete those columns; the report never uses them"
        + ("; add a column 'respondent' holding an opaque id per respondent to catch double answers"
           if tool == "google-forms" else "")]
    report = compute(load_program(program_dir).program, responses)
    share, leaders, routines = report.goals[0].measures
    assert (share.values[0].stat.text, share.status_text) == ("66.7%", "met at end")
    assert (leaders.values[0].stat.text, leaders.values[0].stat.n, leaders.status_text) == ("3.67", 3, "met at end")
    assert (routines.status, report.goals[0].status_text) == (
        "outside", "met: 2 of 2 measures met; 1 measured outside the surveys, no figure given")
    means = {(d.question.id, row.key): row.mean for d in report.distributions for row in d.rows}
    assert means == {("confidence", "all"): "3.83", ("confidence", "mentor"): "4.00",
                     ("confidence", "mentee"): "3.67", ("value", "all"): "3.67", ("value", "mentor"): "4.33",
                     ("value", "mentee"): "3.00"}
    assert [g.answers for t in report.texts for g in t.groups] == [
        ("I use Teams channels instead of e-mail", "Shared my screen in the team meeting")]


def test_answers_are_compared_after_unicode_normalisation_with_accents_kept() -> None:
    assert normalise("I\u2019m\u00a0VERY  confident\u200b") == normalise("I'm very confident") == "i'm very confident"
    assert normalise("\u201cOui\u201d \u2013 tr\u00e8s") == '"oui" - très'
    assert normalise("tre\u0300s") == "très" != normalise("tres")


def test_a_survey_whose_every_row_is_left_out_stops_the_run_with_its_rows(
        program_dir: Path, tmp_path: Path, run: Callable[..., Result]) -> None:
    """The tool's options were relabelled after program.yaml was written: nothing matches the scale."""
    path = _csv(tmp_path / "pairs-end.csv", [["respondent", "role", "confidence"],
                                             ["a", "mentor", "Quite sure"], ["b", "mentee", "Very sure"]])
    with pytest.raises(ResponsesError) as caught:
        read(program_dir, path)
    assert caught.value.problems[-1].format() == (
        f"{path}: rows 2-3: every one of the 2 rows of survey 'pairs-end' ({path}) was left out (2 answer off the"
        " scale), so it has no figures; the first: row 2, column C (confidence): 'Quite sure' is not on the scale"
        " 'sure5' of question 'confidence'\n  fix: correct the rows listed above (or the scale labels in"
        " program.yaml, if the survey tool's options differ from them) and run the report again")
    result = run("report", str(path), "--program", str(program_dir), "-o", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 1
    assert "every one of the 2 rows of survey 'pairs-end'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_column_the_program_says_to_ignore_is_not_read_and_an_unknown_one_is_refused(
        program_dir: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path / "pairs-end.csv", [["respondent", "role", "confidence", "Anything else to tell us?",
                                              "Favourite colour"], ["a", "mentor", "4", "no", "blue"]])
    with pytest.raises(ResponsesError) as caught:
        read(program_dir, path)
    assert [p.format() for p in caught.value.problems] == [
        f"{path}: row 1, column E: 'Favourite colour' is not a question id\n  fix: head the column with one of the"
        " questions of survey 'pairs-end': confidence, value, change; or delete the column, or say what it holds in"
        " program.yaml (export.columns of survey 'pairs-end')"]


def test_validate_refuses_an_export_column_that_holds_no_question_of_its_survey(
        tmp_path: Path, run: Callable[..., Result]) -> None:
    folder = write_program(tmp_path, PROGRAM.replace("holds: value", "holds: valeu"))
    result = run("validate", str(folder))
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "feedback.surveys[0].export.columns[0].holds: 'valeu' is not a question of survey 'pairs-end'\n"
        "  fix: write one of: confidence, value, change, role, respondent, ignore\n")


# --- measures that cannot pass by accident, and figures from outside the surveys ---------------


def test_validate_refuses_measures_that_could_pass_by_accident(tmp_path: Path, run: Callable[..., Result]) -> None:
    measures = """\
      - metric: Leaders describing a change
        target: 5
        method: End survey
        question: change
      - metric: Confident leaders, counted
        target: 5
        method: End survey
        question: confidence
        statistic: count
      - metric: Promotions
        target: 2
        method: HR records
        statistic: share
      - metric: Trainers confident
        unit: "%"
        target: 50
        method: End survey
        question: confidence
        role: trainer
"""
    data = yaml.safe_load(PROGRAM)
    data["goals"][0]["measures"] += yaml.safe_load(measures)
    data["roles"].append({"id": "trainer", "name": "Trainer", "summary": "Runs the training.",
                          "time_commitment": "2 days"})
    folder = write_program(tmp_path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    result = run("validate", str(folder))
    assert result.exit_code == 1
    lines = [line.split(": ", 1)[1] for line in result.stderr.splitlines() if line.startswith(str(folder))]
    fixes = [line for line in result.stderr.splitlines() if line.startswith("  fix:")]
    assert lines == [
        "goals[0].measures[3].question: question 'change' is free text, which cannot back a numeric target: every"
        " answer would count, 'n/a' and 'none' included",
        "goals[0].measures[4].statistic: a count needs a yes/no question, and question 'confidence' has a scale of 5"
        " points",
        "goals[0].measures[5].statistic: a statistic needs a survey question, and this measure has none",
        "goals[0].measures[6].role: no survey that asks question 'confidence' at the measure's moments (baseline,"
        " end) goes to role 'trainer'",
    ]
    assert fixes[0] == (
        "  fix: take the figure from a scale question (a yes/no question, a scale of two labels such as [No, Yes],"
        " with statistic: count), or remove `question:` and enter the figure you counted in the report's figures"
        " file")
    assert fixes[3] == "  fix: name a role the surveys go to: mentee, mentor"


def test_figures_gathered_outside_the_surveys_appear_beside_the_survey_figures(
        program_dir: Path, tmp_path: Path) -> None:
    exports = google_forms(tmp_path)
    figures = _csv(tmp_path / "figures.csv", [["measure", "when", "value", "source"],
                                              ["Routines", "End", "5", "Closing interviews, week 12"]])
    report = compute(load_program(program_dir).program, read(program_dir, exports, figures))
    routines = report.goals[0].measures[2]
    assert [(v.moment, v.stat.text, v.source) for v in routines.values] == [("end", "5", "Closing interviews, week 12")]
    assert (routines.status, report.goals[0].status_text) == ("met", "met: 3 of 3 measures met")


def test_every_bad_row_of_the_figures_file_is_located_with_its_fix(program_dir: Path, tmp_path: Path) -> None:
    figures = _csv(tmp_path / "figures.csv", [
        ["measure", "when", "value", "source"],
        ["routine", "end", "5", "Interviews"],
        ["Confident or very confident", "end", "70", "Survey"],
        ["routines", "midpoint", "2", "Interviews"],
        ["routines", "end", "five", "Interviews"],
        ["routines", "end", "4", ""],
        ["routines", "end", "4,5", "Interviews"],
        ["routines", "end", "6", "Interviews again"],
    ])
    with pytest.raises(ResponsesError) as caught:
        read(program_dir, google_forms(tmp_path), figures)
    assert [p.format() for p in caught.value.problems] == [
        f"{figures}: row 2, column A (measure): unknown measure 'routine'\n  fix: did you mean 'routines'? name the"
        " measure by its id or its metric as in program.yaml; measures taken outside the surveys: routines",
        f"{figures}: row 3, column A (measure): measure 'Confident or very confident' comes from survey question"
        " 'confidence': its figures are worked out from the responses\n  fix: delete the row, or remove `question:`"
        " from the measure in program.yaml",
        f"{figures}: row 4, column B (when): 'midpoint' is not a moment the measure is taken at\n  fix: write one"
        " of: end",
        f"{figures}: row 5, column C (value): 'five' is not a number\n  fix: write the figure as a number, e.g. 12"
        " or 7.5 (a percentage as 40, with or without %)",
        f"{figures}: row 6, column D (source): no source given\n  fix: say where the figure comes from, e.g. 'HR"
        " turnover report, June 2027'",
        f"{figures}: row 8, column A (measure): the end figure of measure 'routines' is given twice (also row 7)\n"
        "  fix: keep the one row that holds the figure and delete the other",
    ]


# --- the report PDF: long words wrap inside the page --------------------------------------------

LONG = "W" * 200
"""An unbroken word wider than the page: a path, a URL, a pasted token."""


def test_tables_keep_a_200_character_word_inside_the_page(tmp_path: Path) -> None:
    """The word sits in a measure's title, its method (a table caption), a file name (a table cell)
    and the survey's title (a table cell): printed, every line of it stays inside the page."""
    from pypdf import PdfReader

    from toolkit.evaluation.report import render_html, render_pdf

    data = yaml.safe_load(PROGRAM)
    data["goals"][0]["measures"][0]["method"] = f"End survey {LONG}"
    data["feedback"]["surveys"][0]["title"] = f"Everyone {LONG}"
    folder = write_program(tmp_path / "prog", yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    program = load_program(folder).program
    rows = [["respondent", "role", "confidence"], *([f"m{n}", "mentor", str(n % 5 + 1)] for n in range(3)),
            *([f"l{n}", "mentee", str(n % 5 + 1)] for n in range(3))]
    exports = _csv(tmp_path / f"{'W' * 190}.csv", rows)
    html = render_html(compute(program, read_responses(program, [exports])), folder)
    assert html.count(LONG) >= 3
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(html, folder))
    reader = PdfReader(pdf)
    starts: list[float] = []
    lines: list[str] = []
    for page in reader.pages:
        width = float(page.mediabox.width)

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                starts.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4]) / width)  # noqa: B023 - used at once

        lines += page.extract_text(visitor_text=visit).splitlines()
    longest = max(len(run) for line in lines for run in line.split() if set(run) == {"W"})
    assert longest < 60  # about 45 W fit in a line of the page at this size: the word was broken
    assert sum(line.count("W") for line in lines) >= 3 * 200 + 190  # and none of it lost (clipped)
    assert all(0 <= start < 1 for start in starts)
