"""The evaluation report: responses of known distributions in, every figure checked, privacy kept.

One program (PROGRAM) with five surveys; `known_responses` writes answers whose counts are
fixed below (COUNTS), shuffled with a seed and written partly as numbers, partly as labels,
as CSV (comma, semicolon with BOM) and XLSX. Expected figures are worked out by hand here.
"""

from __future__ import annotations

import csv
import io
import os
import random
import re
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import ResponsesError
from toolkit.evaluation.figures import compute, round_half_up, suppressed_note
from toolkit.evaluation.report import render_html
from toolkit.evaluation.responses import Responses, Tally, read_responses, scale_value
from toolkit.files.output import write_manifest
from toolkit.files.tables import csv_bytes, excel_safe
from toolkit.outputs.response_templates import response_templates
from toolkit.program.validate import load_program

from conftest import MINIMAL, REPO, program_yaml

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
    title: Mentees at ease with digital tools
    description: Mentees use the tools with confidence.
    measures:
      - metric: Mentees confident or very confident
        unit: "%"
        baseline: 30
        target: 60
        method: Mentee baseline and end surveys
        question: confidence
      - metric: Mean confidence of mentees
        unit: points out of 5
        baseline: 2.5
        target: 4.5
        method: Every survey asking it
        when: [baseline, midpoint, end]
        question: confidence
  - id: change
    title: Mentees change how they work
    description: Mentees apply what they learn.
    measures:
      - metric: Mentees describing a change
        unit: changes
        target: 5
        method: Closing interviews
        when: [end]
        id: changes
      - metric: Ideas logged
        target: 3
        method: Coordinator's log
  - id: retention
    title: Mentors stay
    description: Fewer mentors expect to leave.
    measures:
      - metric: Mentors expecting to leave within a year
        unit: "%"
        baseline: 50
        target: 20
        method: Mentor baseline and end surveys
        question: leaving
  - id: pairs
    title: Pairs value their meetings
    description: Meetings are worth the time.
    measures:
      - metric: People who value the meetings
        unit: "%"
        target: 70
        method: Midpoint survey
        when: [midpoint]
        question: value
feedback:
  scales:
    - id: agree5
      labels: [Strongly disagree, Disagree, Neither, Agree, Strongly agree]
  questions:
    - {id: confidence, text: I am confident with our digital tools., scale: agree5}
    - {id: leaving, text: I expect to leave within a year., scale: agree5}
    - {id: value, text: Our meetings are a good use of my time., scale: agree5}
    - {id: change, text: Describe one thing you do differently., kind: text}
    - {id: learned, text: "What have you learned?", kind: text}
  surveys:
    - {id: mentee-baseline, title: Leaders before, moment: baseline, week: 1, audience: [mentee], questions: [confidence]}
    - {id: mentor-baseline, title: Mentors before, moment: baseline, week: 1, audience: [mentor], questions: [leaving]}
    - id: pairs-midpoint
      title: Everyone halfway
      moment: midpoint
      week: 6
      audience: [mentor, mentee]
      questions: [confidence, value, learned]
    - {id: mentee-end, title: Leaders after, moment: end, week: 12, audience: [mentee], questions: [confidence, value, change]}
    - {id: mentor-end, title: Mentors after, moment: end, week: 12, audience: [mentor], questions: [leaving, value, learned]}
  min_group_size: 5
"""),
)

LABELS = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]

COUNTS: dict[tuple[str, str, str], list[int]] = {
    # (survey, role, question): respondents answering 1, 2, 3, 4, 5
    ("mentee-baseline", "mentee", "confidence"): [2, 3, 4, 2, 1],  # 12: top two 3/12 = 25.0%, mean 33/12 = 2.75
    ("mentor-baseline", "mentor", "leaving"): [1, 1, 1, 2, 1],  # 6: top two 50.0%, mean 19/6 = 3.17
    ("pairs-midpoint", "mentee", "confidence"): [1, 1, 3, 3, 2],  # 10: mean 3.40
    ("pairs-midpoint", "mentee", "value"): [0, 1, 1, 4, 4],  # 10: top two 8/10 = 80.0%
    ("pairs-midpoint", "mentor", "confidence"): [0, 0, 1, 1, 1],  # 3: too few, never shown
    ("pairs-midpoint", "mentor", "value"): [1, 0, 0, 0, 2],  # 3: too few, never shown
    ("mentee-end", "mentee", "confidence"): [0, 1, 2, 5, 4],  # 12: top two 9/12 = 75.0%, mean 48/12 = 4.00
    ("mentee-end", "mentee", "value"): [0, 0, 2, 4, 6],  # 12
    ("mentor-end", "mentor", "leaving"): [2, 2, 1, 1, 0],  # 6: top two 1/6 = 16.7%, mean 13/6 = 2.17
    ("mentor-end", "mentor", "value"): [1, 0, 1, 2, 2],  # 6
}
TEXTS: dict[tuple[str, str, str], list[str]] = {
    ("mentee-end", "mentee", "change"): ["I ask for feedback", "I use the portal", "Shorter meetings", "I use Copilot",
                                         "I shadow the planners", "I read the app reviews", "Teams for updates",
                                         "", "", "", "", ""],
    ("mentor-end", "mentor", "learned"): ["<script>alert(1)</script>", "How budgets work", "Why decisions take long",
                                          "<img src=x onerror=alert(2)>", "Speaking up", "Planning ahead"],
    ("pairs-midpoint", "mentor", "learned"): ["MIDPOINT-MENTOR-ONLY", "", ""],
    ("pairs-midpoint", "mentee", "learned"): ["MIDPOINT-LEADER-1", "MIDPOINT-LEADER-2", "", "", "", "", "", "", "", ""],
}


def survey_rows(survey: str, questions: list[str], rng: random.Random) -> list[dict[str, object]]:
    """Rows for one survey: each (role, question) gets exactly its COUNTS, in a seeded random order."""
    roles = sorted({role for (s, role, _q) in [*COUNTS, *TEXTS] if s == survey})
    rows: list[dict[str, object]] = []
    for role in roles:
        size = next(sum(c) for (s, r, _q), c in COUNTS.items() if s == survey and r == role) if any(
            s == survey and r == role for (s, r, _q) in COUNTS) else len(TEXTS[survey, role, questions[0]])
        people: list[dict[str, object]] = [{"role": role} for _ in range(size)]
        for question in questions:
            if (survey, role, question) in COUNTS:
                answers: list[object] = [v for v, n in enumerate(COUNTS[survey, role, question], 1) for _ in range(n)]
                rng.shuffle(answers)
                answers = [LABELS[int(str(a)) - 1] if rng.random() < 0.5 else a for a in answers]
            else:
                answers = list(TEXTS.get((survey, role, question), [""] * size))
                rng.shuffle(answers)
            for person, answer in zip(people, answers, strict=True):
                person[question] = answer
        rows.extend(people)
    rng.shuffle(rows)
    for number, row in enumerate(rows):
        row["respondent"] = f"{survey[:3]}-{rng.randrange(16**6):06x}-{number}"
    return rows


SURVEY_QUESTIONS = {
    "mentee-baseline": ["confidence"],
    "mentor-baseline": ["leaving"],
    "pairs-midpoint": ["confidence", "value", "learned"],
    "mentee-end": ["confidence", "value", "change"],
    "mentor-end": ["leaving", "value", "learned"],
}


def write_csv(path: Path, header: list[str], rows: list[list[object]], delimiter: str = ",", bom: bool = False) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig" if bom else "utf-8"))
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def known_responses(folder: Path, seed: int = 8) -> list[Path]:
    """The five surveys' files with the COUNTS above: CSV, semicolon CSV with BOM, and XLSX."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for survey, questions in SURVEY_QUESTIONS.items():
        rows = survey_rows(survey, questions, rng)
        header = ["respondent", *(["role"] if survey == "pairs-midpoint" else []), *questions]
        table = [[row[name] for name in header] for row in rows]
        if survey == "mentee-end":
            paths.append(write_xlsx(folder / f"{survey}.xlsx", header, table))
        elif survey == "mentee-baseline":
            paths.append(write_csv(folder / f"{survey}.csv", header, table, delimiter=";", bom=True))
        else:
            paths.append(write_csv(folder / f"{survey}.csv", header, table))
    # figures gathered outside the surveys, one measure named by its id, the other by its metric
    paths.append(write_csv(folder / "figures.csv", ["measure", "when", "value", "source"], [
        ["changes", "end", 7, "Closing interviews, week 12"], ["Ideas logged", "Baseline", 0, "Coordinator's log"],
        ["ideas logged", "end", "4", "Coordinator's log"]]))
    return paths


class Figures(HTMLParser):
    """Every `data-figure` element's text, by key (a key may repeat: free-text answers)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, list[str]] = {}
        self.stack: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        key = dict(attrs).get("data-figure")
        if tag not in ("br", "rect", "line", "meta"):
            self.stack.append((tag, key))
            if key is not None:
                self.figures.setdefault(key, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for _tag, key in reversed(self.stack):
            if key is not None:
                self.figures[key][-1] += data
                break


def figures(page: str) -> dict[str, list[str]]:
    parser = Figures()
    parser.feed(page)
    return {key: [" ".join(text.split()) for text in texts] for key, texts in parser.figures.items()}


def one(found: dict[str, list[str]], key: str) -> str:
    assert key in found, f"no figure {key}"
    (text,) = found[key]
    return text


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The program and responses written once, and `revmentor report` run on them (HTML and PDF)."""
    root = tmp_path_factory.mktemp("report")
    (root / "program.yaml").write_text(PROGRAM, encoding="utf-8")
    known_responses(root / "responses")
    result = CliRunner().invoke(
        __import__("toolkit.cli", fromlist=["cli"]).cli,
        ["report", str(root / "responses"), "--program", str(root), "-o", str(root / "private" / "report"),
         "--invited", "mentee=12", "--invited", "mentor=8"],
        prog_name="revmentor",
    )
    page = (root / "private" / "report" / "report.html").read_text(encoding="utf-8")
    return {"root": root, "result": result, "html": page, "figures": figures(page)}


NOTE = "fewer than 5 responses: not shown"


# --- the figures -----------------------------------------------------------------------------


def test_the_measures_match_the_known_distributions(built: dict[str, object]) -> None:
    found = built["figures"]
    assert isinstance(found, dict)
    expected = {
        # share of 4 or 5, pooled over every survey of the moment that asks the question
        "measure/confidence/0/baseline": "25.0%",
        "measure/confidence/0/baseline/n": "12",
        "measure/confidence/0/end": "75.0%",
        "measure/confidence/0/status": "met at end",
        "measure/confidence/0/program-baseline": "30%",
        "measure/confidence/0/target": "60%",
        # mean; at the midpoint the 3 mentors' answers would be pooled in, so nothing is shown
        "measure/confidence/1/baseline": "2.75 points out of 5",
        "measure/confidence/1/midpoint": NOTE,
        "measure/confidence/1/end": "4.00 points out of 5",
        "measure/confidence/1/status": "not met at end",
        "goal/confidence/status": "partly met: 1 of 2 measures met",
        # measured outside the surveys: the figures file's values, each with its source
        "measure/change/0/end": "7 changes",
        "measure/change/0/end/source": "Closing interviews, week 12",
        "measure/change/0/status": "met at end",
        "measure/change/1/baseline": "0",
        "measure/change/1/end": "4",
        "measure/change/1/end/source": "Coordinator's log",
        "measure/change/1/status": "met at end",
        "goal/change/status": "met: 2 of 2 measures met",
        # lower is better: 16.7% has fallen below the target of 20%
        "measure/retention/0/baseline": "50.0%",
        "measure/retention/0/end": "16.7%",
        "measure/retention/0/status": "met at end",
        "goal/retention/status": "met: 1 of 1 measure met",
        "measure/pairs/0/midpoint": NOTE,
        "measure/pairs/0/status": NOTE,
        "goal/pairs/status": f"no figures yet: 1 not shown ({NOTE})",
    }
    assert {key: one(found, key) for key in expected} == expected


def test_participation_counts_every_used_response_against_the_invited(built: dict[str, object]) -> None:
    found = built["figures"]
    assert isinstance(found, dict)
    expected = {
        "mentee-baseline/mentee": ("12", "12", "100.0%"),
        "mentor-baseline/mentor": ("6", "8", "75.0%"),
        "pairs-midpoint/mentor": ("3", "8", "37.5%"),
        "pairs-midpoint/mentee": ("10", "12", "83.3%"),
        "mentee-end/mentee": ("12", "12", "100.0%"),
        "mentor-end/mentor": ("6", "8", "75.0%"),
    }
    for key, (responded, invited, rate) in expected.items():
        assert one(found, f"participation/{key}/responded") == responded
        assert one(found, f"participation/{key}/invited") == invited
        assert one(found, f"participation/{key}/rate") == rate


def test_change_from_baseline_to_end_per_role(built: dict[str, object]) -> None:
    found = built["figures"]
    assert isinstance(found, dict)
    keys = ["before-mean", "after-mean", "mean-change", "before-share", "after-share", "share-change"]
    rows = {f"{q}/{r}": [one(found, f"change/{q}/{r}/{k}") for k in keys] for q, r in
            [("confidence", "mentee"), ("leaving", "mentor")]}
    assert rows == {
        "confidence/mentee": ["2.75", "4.00", "+1.25", "25.0%", "75.0%", "+50.0 points"],
        "leaving/mentor": ["3.17", "2.17", "-1.00", "50.0%", "16.7%", "-33.3 points"],
    }
    assert not any(key.startswith(("change/value", "change/confidence/mentor")) for key in found)


@pytest.mark.parametrize("key", [k for k in COUNTS if k[0] != "pairs-midpoint"])
def test_every_distribution_shows_its_counts(built: dict[str, object], key: tuple[str, str, str]) -> None:
    found = built["figures"]
    assert isinstance(found, dict)
    survey, _role, question = key
    counts = COUNTS[key]
    n = sum(counts)
    base = f"distribution/{survey}/{question}/all"
    assert [one(found, f"{base}/{value}") for value in range(1, 6)] == [str(c) for c in counts]
    assert [one(found, f"{base}/{value}/percent") for value in range(1, 6)] == [
        f"{100 * c / n:.1f}%" for c in counts
    ]
    assert one(found, f"{base}/n") == str(n)
    assert one(found, f"{base}/mean") == f"{round_half_up(__import__('fractions').Fraction(sum(v * c for v, c in enumerate(counts, 1)), n), 2):.2f}"


def test_a_survey_with_a_small_group_shows_only_the_groups_large_enough(built: dict[str, object]) -> None:
    """Three mentors answered the midpoint survey: their figures, and any total that includes them, are hidden."""
    found = built["figures"]
    assert isinstance(found, dict)
    assert one(found, "distribution/pairs-midpoint/confidence/all") == NOTE
    assert one(found, "distribution/pairs-midpoint/confidence/mentor") == NOTE
    assert one(found, "distribution/pairs-midpoint/value/all") == NOTE
    assert one(found, "distribution/pairs-midpoint/value/mentor") == NOTE
    assert [one(found, f"distribution/pairs-midpoint/confidence/mentee/{v}") for v in range(1, 6)] == [
        "1", "1", "3", "3", "2"]
    assert one(found, "distribution/pairs-midpoint/confidence/mentee/mean") == "3.40"
    assert one(found, "text/learned/pairs-midpoint") == NOTE
    page = built["html"]
    assert isinstance(page, str)
    assert "MIDPOINT-MENTOR-ONLY" not in page and "MIDPOINT-LEADER" not in page


def test_free_text_answers_are_listed_by_question_in_alphabetical_order(built: dict[str, object]) -> None:
    found = built["figures"]
    assert isinstance(found, dict)
    assert found["text/change/mentee-end"] == sorted(a for a in TEXTS["mentee-end", "mentee", "change"] if a)
    assert found["text/learned/mentor-end"] == [
        "<img src=x onerror=alert(2)>", "<script>alert(1)</script>", "How budgets work", "Planning ahead",
        "Speaking up", "Why decisions take long"]


def test_free_text_comes_out_inert(built: dict[str, object]) -> None:
    page = built["html"]
    assert isinstance(page, str)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<script" not in page and "<img" not in page and "onerror=" not in page.replace("onerror=alert(2)&gt;", "")


def test_the_html_is_standalone(built: dict[str, object]) -> None:
    page = built["html"]
    assert isinstance(page, str)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert page.count("<svg") >= 10


def test_the_pdf_holds_every_goal_with_its_status(built: dict[str, object]) -> None:
    from pypdf import PdfReader

    root = built["root"]
    assert isinstance(root, Path)
    reader = PdfReader(root / "private" / "report" / "report.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    program = load_program(root).program
    for goal, status in [
        ("Mentees at ease with digital tools", "partly met: 1 of 2 measures met"),
        ("Mentees change how they work", "met: 2 of 2 measures met"),
        ("Mentors stay", "met: 1 of 1 measure met"),
        ("Pairs value their meetings", f"no figures yet: 1 not shown ({NOTE})"),
    ]:
        assert f"{goal} Status: {status}" in text
    assert len(program.goals) == 4
    assert "MIDPOINT-MENTOR-ONLY" not in text
    assert "<script>alert(1)</script>" in text


def test_the_cli_says_where_the_report_went_and_each_goals_status(built: dict[str, object]) -> None:
    result = built["result"]
    root = built["root"]
    assert isinstance(result, Result) and isinstance(root, Path)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == (
        f"Wrote the report to {root / 'private' / 'report'}: report.html, report.pdf\n"
        "  responses used: 49; rows left out: 0\n"
        "  confidence: partly met: 1 of 2 measures met\n"
        "  change: met: 2 of 2 measures met\n"
        "  retention: met: 1 of 1 measure met\n"
        f"  pairs: no figures yet: 1 not shown ({NOTE})\n"
    )
    assert sorted(p.name for p in (root / "private" / "report").iterdir()) == [
        ".revmentor-manifest.json", "report.html", "report.pdf"]


# --- the data layer --------------------------------------------------------------------------


@pytest.fixture
def program_dir(tmp_path: Path) -> Path:
    (tmp_path / "program.yaml").write_text(PROGRAM, encoding="utf-8")
    return tmp_path


def read(program_dir: Path, *paths: Path) -> Responses:
    return read_responses(load_program(program_dir).program, list(paths))


def test_scale_answers_are_numbers_or_labels() -> None:
    scale = load_program_text(PROGRAM).feedback.scales[0]
    assert [scale_value(text, scale) for text in ["1", "5", " 4.0 ", "strongly  AGREE", "Neither"]] == [1, 5, 4, 5, 3]
    assert [scale_value(text, scale) for text in ["0", "6", "3.5", "Agreed", "-1", "1e0x"]] == [None] * 6


def load_program_text(text: str) -> object:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "program.yaml").write_text(text, encoding="utf-8")
        return load_program(folder).program


def test_the_same_seed_gives_the_same_report(tmp_path: Path, program_dir: Path) -> None:
    first = known_responses(tmp_path / "a", seed=3)
    second = known_responses(tmp_path / "b", seed=4)
    program = load_program(program_dir).program
    one_report = compute(program, read_responses(program, first))
    other = compute(program, read_responses(program, second))
    assert render_html(one_report) == render_html(other)


def test_rounding_is_half_up_on_exact_fractions() -> None:
    from fractions import Fraction

    assert round_half_up(Fraction(1, 6) * 100, 1) == 16.7
    assert round_half_up(Fraction(2345, 1000), 2) == 2.35
    assert round_half_up(Fraction(5, 8), 2) == 0.63


# --- tying files to surveys ------------------------------------------------------------------


def test_a_file_is_tied_to_its_survey_by_column_then_name_then_header(tmp_path: Path, program_dir: Path) -> None:
    by_column = write_csv(tmp_path / "export-1.csv", ["survey", "respondent", "leaving"], [["mentor-baseline", "a", 2]])
    by_name = write_csv(tmp_path / "Mentor-End.csv", ["respondent", "leaving"], [["a", 1]])
    by_header = write_csv(tmp_path / "export-2.csv", ["respondent", "confidence"], [["a", "Agree"]])
    by_question_text = write_csv(tmp_path / "export-3.csv", ["Respondent", "Role", "I am confident with our digital"
                                 " tools.", "Our meetings are a good use of my time.", "What have you learned?"],
                                 [["a", "Leader", 4, 5, "Much"]])
    responses = read(program_dir, by_column, by_name, by_header, by_question_text)
    assert [(f.file, f.survey) for f in responses.files] == [
        (str(by_column), "mentor-baseline"), (str(by_name), "mentor-end"), (str(by_header), "mentee-baseline"),
        (str(by_question_text), "pairs-midpoint")]
    assert responses.groups["pairs-midpoint", "mentee"] == Tally(1, {"confidence": Counter({4: 1}),
                                                                     "value": Counter({5: 1})}, {"learned": ["Much"]})


def problems(program_dir: Path, *paths: Path) -> list[str]:
    with pytest.raises(ResponsesError) as caught:
        read(program_dir, *paths)
    return [problem.format() for problem in caught.value.problems]


def test_a_file_that_fits_no_survey_says_how_to_tie_it(tmp_path: Path, program_dir: Path) -> None:
    path = write_csv(tmp_path / "export.csv", ["respondent", "value"], [["a", 3]])
    assert problems(program_dir, path) == [
        f"{path}: cannot tell which survey this file answers (its columns fit pairs-midpoint, mentee-end,"
        " mentor-end)\n  fix: name the file after its survey (e.g. mentee-baseline.csv) or add a 'survey' column"
        " holding the survey id, or give the survey a file-name pattern in program.yaml (export.file); surveys in"
        " program.yaml: mentee-baseline, mentor-baseline, pairs-midpoint,"
        " mentee-end, mentor-end"
    ]


def test_file_level_problems_of_every_file_are_listed_together(tmp_path: Path, program_dir: Path) -> None:
    unknown = write_csv(tmp_path / "mentee-end.csv", ["respondent", "confidance", "leaving", "Email"],
                        [["a", 4, 2, "ann@example.com"]])
    no_role = write_csv(tmp_path / "pairs-midpoint.csv", ["respondent", "value"], [["a", 2]])
    bad_survey = write_csv(tmp_path / "x.csv", ["survey", "respondent", "value"], [["mentor-ned", "a", 2]])
    assert problems(program_dir, unknown, no_role, bad_survey) == [
        f"{unknown}: row 1, column B: 'confidance' is not a question id\n  fix: did you mean 'confidence'? head the"
        " column with one of the questions of survey 'mentee-end': confidence, value, change; or delete the column,"
        " or say what it holds in program.yaml (export.columns of survey 'mentee-end')",
        f"{unknown}: row 1, column C: question 'leaving' is not asked in survey 'mentee-end'\n  fix: delete the"
        " column, or check that this is the file of survey 'mentee-end' (its questions: confidence, value, change)",
        f"{no_role}: row 1 (the header) has no 'role' column, and survey 'pairs-midpoint' has several audiences"
        " (mentor, mentee)\n  fix: add a column 'role' giving each respondent's role: mentor, mentee",
        f"{bad_survey}: row 2, column A (survey): unknown survey 'mentor-ned'\n  fix: did you mean 'mentor-end'?"
        " surveys in program.yaml: mentee-baseline, mentor-baseline, pairs-midpoint, mentee-end, mentor-end",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("mentor-end.csv", "respondent,leaving\na,\xe9\n".encode("latin-1"),
         ":2: row 2: not UTF-8 text: byte 0xe9 cannot be read (the file was probably saved as Windows-1252 or"
         " Latin-1)\n  fix: save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel workbook"
         " (.xlsx)"),
        ("mentor-end.xls", b"\xd0\xcf\x11\xe0", ": is an old-style Excel file (.xls) or a password-protected"
         " workbook, which cannot be read\n  fix: open it in Excel and save it as CSV UTF-8 (in Excel: File > Save"
         " As > CSV UTF-8) or as an Excel workbook (.xlsx), without a password"),
        ("mentor-end.csv", b"PK\x03\x04rest", ": is an Excel workbook, though its name ends in .csv\n  fix: rename it"
         " to end in .xlsx, or save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel workbook"
         " (.xlsx)"),
        ("mentor-end.xlsx", b"not a zip", ": is not an Excel workbook (.xlsx), though its name ends in .xlsx\n"
         "  fix: open it in the program that made it and save it as CSV UTF-8 (in Excel: File > Save As > CSV"
         " UTF-8) or as an Excel workbook (.xlsx)"),
        ("mentor-end.pdf", b"%PDF-1.7", ": is not a CSV or XLSX file (its name ends in .pdf)\n  fix: export the"
         " responses from your survey tool as CSV or .xlsx; save it as CSV UTF-8 (in Excel: File > Save As > CSV"
         " UTF-8) or as an Excel workbook (.xlsx)"),
        ("mentor-end.csv", b"", ": the file is empty\n  fix: export the responses with a header row and one row"
         " per person"),
        ("mentor-end.csv", b'respondent,leaving\n"a,2\n', ":2: row 2: cannot be read as CSV: unexpected end of"
         " data\n  fix: check the quotes in this row: a value that contains the separator ',' or a line break must"
         " be enclosed in double quotes, and a value that opens with a quote must end with one"),
    ],
)
def test_unreadable_files_are_named_with_the_fix(tmp_path: Path, program_dir: Path, name: str, content: bytes,
                                                 message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert problems(program_dir, path) == [f"{path}{message}"]


# --- rows left out ---------------------------------------------------------------------------


def test_every_bad_row_is_reported_left_out_and_counted(tmp_path: Path, program_dir: Path) -> None:
    path = write_csv(tmp_path / "pairs-midpoint.csv", ["respondent", "role", "confidence", "value", "learned"], [
        ["p1", "mentee", 4, "Agree", "fine"],
        ["p2", "mentee", 7, "Agreed", ""],
        ["p3", "mentee", 2, 2, ""],
        ["p3", "mentee", 3, 3, ""],
        ["", "mentor", 3, 3, ""],
        ["p5", "sponsor", 3, 3, ""],
        ["p6", "", 3, 3, ""],
        ["p7", "mentor", "", "", ""],
        ["p8", "Leader", 1, 1, "a", "stray"],
        ["p9", "Mentor", 5, 5, "<b>ok</b>"],
    ])
    responses = read(program_dir, path)
    assert [problem.format() for problem in responses.warnings] == [
        f"{path}: warning: row 3, column C (confidence): '7' is not on the scale 'agree5' of question 'confidence';"
        " the row is left out\n  fix: write a number from 1 to 5 or one of the labels: Strongly disagree, Disagree,"
        " Neither, Agree, Strongly agree",
        f"{path}: warning: row 3, column D (value): 'Agreed' is not on the scale 'agree5' of question 'value'; the"
        " row is left out\n  fix: write a number from 1 to 5 or one of the labels: Strongly disagree, Disagree,"
        " Neither, Agree, Strongly agree",
        f"{path}: warning: row 4: respondent 'p3' also answered survey 'pairs-midpoint' on row 5; both rows are"
        " left out\n  fix: keep the one row that counts and delete the others",
        f"{path}: warning: row 5: respondent 'p3' also answered survey 'pairs-midpoint' on row 4; both rows are"
        " left out\n  fix: keep the one row that counts and delete the others",
        f"{path}: warning: row 6, column A (respondent): no respondent id; the row is left out\n  fix: give every"
        " row an opaque respondent id (never a name or e-mail), or delete the row",
        f"{path}: warning: row 7, column B (role): unknown role 'sponsor'; the row is left out\n  fix: the survey's"
        " audience: mentor, mentee",
        f"{path}: warning: row 8, column B (role): no role given; the row is left out\n  fix: write the"
        " respondent's role: mentor, mentee",
        f"{path}: warning: row 9: the respondent answered no question; the row is left out\n  fix: delete the row,"
        " or fill in the answers if they were lost",
        f"{path}: warning: row 10: the row has 6 cells but the header only 5; the row is left out\n  fix: quote"
        " cells that contain the separator, or give the extra cells a header",
    ]
    (summary,) = responses.files
    assert (summary.rows, summary.used, responses.left_out) == (10, 2, 8)
    assert dict(summary.left_out) == {"answer off the scale": 1, "duplicate respondent": 2, "no respondent id": 1,
                                      "unknown role": 1, "no role": 1, "no answers": 1, "cells beyond the header": 1}
    assert responses.groups["pairs-midpoint", "mentee"] == Tally(1, {"confidence": Counter({4: 1}),  # p1
                                                                     "value": Counter({4: 1})}, {"learned": ["fine"]})
    assert responses.groups["pairs-midpoint", "mentor"] == Tally(1, {"confidence": Counter({5: 1}),  # p9
                                                                     "value": Counter({5: 1})}, {"learned": ["<b>ok</b>"]})


def test_a_cell_with_a_control_character_leaves_its_row_out_once_like_any_bad_cell(
        tmp_path: Path, program_dir: Path) -> None:
    """As an answer off the scale does: reported by row and column, counted, never mixed into a figure,
    and the cell not judged again (an ESC in a scale answer is not also 'off the scale'). A respondent
    seen twice is still caught on a row that has one, and a cell past the header is located too."""
    path = write_csv(tmp_path / "pairs-midpoint.csv", ["respondent", "role", "confidence", "value", "learned"], [
        ["p1", "mentee", 4, "Agree", "fine"],
        ["p2", "mentee", "4\x1b[8m", 4, ""],
        ["p2", "men\x07tee", 3, 3, "great\x0bthanks"],
        ["p4", "mentor", 5, 5, "", "x\x7f"],
    ])
    responses = read(program_dir, path)
    assert [problem.format() for problem in responses.warnings] == [
        f"{path}: warning: row 3: respondent 'p2' also answered survey 'pairs-midpoint' on row 4; both rows are"
        " left out\n  fix: keep the one row that counts and delete the others",
        f"{path}: warning: row 3, column C (confidence): '4\\x1b[8m' holds the control character U+001B ESCAPE;"
        " the row is left out\n  fix: retype the value in the spreadsheet: it was probably pasted with an invisible"
        " character",
        f"{path}: warning: row 4: respondent 'p2' also answered survey 'pairs-midpoint' on row 3; both rows are"
        " left out\n  fix: keep the one row that counts and delete the others",
        f"{path}: warning: row 4, column B (role): 'men\\x07tee' holds the control character U+0007 BELL; the row is"
        " left out\n  fix: retype the value in the spreadsheet: it was probably pasted with an invisible character",
        f"{path}: warning: row 4, column E (learned): 'great\\x0bthanks' holds the control character U+000B VERTICAL"
        " TAB; the row is left out\n  fix: retype the value in the spreadsheet: it was probably pasted with an"
        " invisible character",
        f"{path}: warning: row 5, column F: 'x\\x7f' holds the control character U+007F DELETE; the row is left out\n"
        "  fix: retype the value in the spreadsheet: it was probably pasted with an invisible character",
        f"{path}: warning: row 5: the row has 6 cells but the header only 5; the row is left out\n  fix: quote"
        " cells that contain the separator, or give the extra cells a header",
    ]
    (summary,) = responses.files
    assert (summary.rows, summary.used) == (4, 1)
    assert dict(summary.left_out) == {"duplicate respondent": 2, "control character": 1}
    assert responses.groups["pairs-midpoint", "mentee"] == Tally(1, {"confidence": Counter({4: 1}),  # p1
                                                                     "value": Counter({4: 1})}, {"learned": ["fine"]})


def test_a_control_character_in_the_header_stops_the_run_with_the_files_other_problems(
        tmp_path: Path, program_dir: Path) -> None:
    path = write_csv(tmp_path / "pairs-midpoint.csv", ["respondent", "role", "confi\x1bdence"], [["p1", "mentee", 4]])
    with pytest.raises(ResponsesError) as caught:
        read(program_dir, path)
    assert [problem.format() for problem in caught.value.problems] == [
        f"{path}: row 1, column C: 'confi\\x1bdence' holds the control character U+001B ESCAPE\n  fix: retype the"
        " value in the spreadsheet: it was probably pasted with an invisible character",
        f"{path}: row 1, column C: 'confi\\x1bdence' is not a question id\n  fix: did you mean 'confidence'? head"
        " the column with one of the questions of survey 'pairs-midpoint': confidence, value, learned; or delete"
        " the column, or say what it holds in program.yaml (export.columns of survey 'pairs-midpoint')",
    ]


def test_a_respondent_in_two_files_of_one_survey_is_left_out_of_both(tmp_path: Path, program_dir: Path) -> None:
    header = ["respondent", "leaving", "value", "learned"]
    first = write_csv(tmp_path / "mentor-end.csv", header, [["m1", 1, 1, ""], ["m2", 2, 2, ""]])
    (tmp_path / "more").mkdir()
    second = write_csv(tmp_path / "more" / "mentor-end.csv", header, [["m2", 3, 3, ""]])
    responses = read(program_dir, first, second)
    assert [p.format() for p in responses.warnings] == [
        f"{first}: warning: row 3: respondent 'm2' also answered survey 'mentor-end' on {second} row 2; both rows"
        " are left out\n  fix: keep the one row that counts and delete the others",
        f"{second}: warning: row 2: respondent 'm2' also answered survey 'mentor-end' on {first} row 3; both rows"
        " are left out\n  fix: keep the one row that counts and delete the others",
    ]
    assert responses.groups["mentor-end", "mentor"] == Tally(1, {"leaving": Counter({1: 1}), "value": Counter({1: 1})})


def test_a_missing_question_column_is_a_warning(tmp_path: Path, program_dir: Path) -> None:
    path = write_csv(tmp_path / "mentor-end.csv", ["respondent", "leaving", "value"], [["a", 1, 2]])
    assert [p.format() for p in read(program_dir, path).warnings] == [
        f"{path}: warning: row 1: no column for question 'learned' of survey 'mentor-end'; the report has no"
        " answers to it from this file\n  fix: add a column 'learned' if the survey asked it"
    ]


def test_the_report_counts_rows_left_out(tmp_path: Path, program_dir: Path) -> None:
    path = write_csv(tmp_path / "mentor-end.csv", ["respondent", "leaving"], [["a", 1], ["b", 9], ["a", 2], ["c", 3]])
    report = compute(load_program(program_dir).program, read(program_dir, path))
    found = figures(render_html(report))
    assert [one(found, f"file/1/{k}") for k in ("rows", "used", "left-out")] == ["4", "1", "3"]


# --- the command -----------------------------------------------------------------------------

Run = Callable[..., Result]


def test_bad_rows_are_listed_on_stderr_and_strict_writes_nothing(run: Run, tmp_path: Path, program_dir: Path) -> None:
    responses = known_responses(tmp_path / "responses")
    mentor_end = tmp_path / "responses" / "mentor-end.csv"
    mentor_end.write_text(mentor_end.read_text(encoding="utf-8") + "zz,6,3,fine\n", encoding="utf-8")
    out = tmp_path / "out"
    strict = run("report", *map(str, responses), "--program", str(program_dir), "-o", str(out), "--strict")
    warning = (f"{mentor_end}: warning: row 8, column B (leaving): '6' is not on the scale 'agree5' of question"
               " 'leaving'; the row is left out\n  fix: write a number from 1 to 5 or one of the labels: Strongly"
               " disagree, Disagree, Neither, Agree, Strongly agree\n")
    assert strict.exit_code == 1
    assert strict.stderr == warning + "1 warning and --strict is set\n  fix: fix the warnings above, or run without --strict\n"
    assert not out.exists()
    relaxed = run("report", str(tmp_path / "responses"), "--program", str(program_dir), "-o", str(out))
    assert relaxed.exit_code == 0, relaxed.output
    assert relaxed.stderr == warning
    assert "  responses used: 49; rows left out: 1 (listed above)\n" in relaxed.stdout
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF-")


def test_file_errors_exit_1_and_write_nothing(run: Run, tmp_path: Path, program_dir: Path) -> None:
    path = write_csv(tmp_path / "mentor-end.csv", ["respondent", "leaving", "nmae"], [["a", 1, "Ann"]])
    out = tmp_path / "out"
    result = run("report", str(path), "--program", str(program_dir), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}: row 1, column C: 'nmae' is not a question id\n  fix: head the column with one of the questions of"
        " survey 'mentor-end': leaving, value, learned; or delete the column, or say what it holds in program.yaml"
        " (export.columns of survey 'mentor-end')\n"
    )
    assert not out.exists()


def test_usage_and_option_errors(run: Run, tmp_path: Path, program_dir: Path) -> None:
    path = write_csv(tmp_path / "mentor-end.csv", ["respondent", "leaving"], [["a", 1]])
    assert run("report").exit_code == 2
    bad = run("report", str(path), "--program", str(program_dir), "--invited", "mentors")
    assert bad.exit_code == 2
    assert "'mentors' is not ROLE=COUNT; write e.g. --invited mentor=12" in bad.stderr
    unknown = run("report", str(path), "--program", str(program_dir), "--invited", "sponsor=3")
    assert unknown.exit_code == 1
    assert unknown.stderr == "--invited: unknown role 'sponsor'\n  fix: use one of: mentor, mentee\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    none = run("report", str(empty), "--program", str(program_dir))
    assert none.exit_code == 1
    assert none.stderr == (f"{empty}: this folder holds no .csv or .xlsx response file\n  fix: export the survey"
                           " responses into it, or name the files themselves\n")


def test_the_report_never_goes_into_the_site(run: Run, tmp_path: Path, program_dir: Path) -> None:
    path = write_csv(tmp_path / "mentor-end.csv", ["respondent", "leaving", "value", "learned"], [["a", 1, 1, ""]])
    result = run("report", str(path), "--program", str(program_dir), "-o", str(program_dir / "site" / "report"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{program_dir / 'site' / 'report'}: the output folder lies inside the handbook site, which is public"
        f" ({program_dir / 'site'})\n  fix: choose a folder outside it with -o\n"
    )


# --- response templates and Excel safety -----------------------------------------------------


def test_response_templates_have_the_header_the_reader_expects(tmp_path: Path, program_dir: Path) -> None:
    program = load_program(program_dir).program
    templates = response_templates(program)
    assert templates == {
        "mentee-baseline.csv": b"\xef\xbb\xbfrespondent,confidence\r\n",
        "mentor-baseline.csv": b"\xef\xbb\xbfrespondent,leaving\r\n",
        "pairs-midpoint.csv": b"\xef\xbb\xbfrespondent,role,confidence,value,learned\r\n",
        "mentee-end.csv": b"\xef\xbb\xbfrespondent,confidence,value,change\r\n",
        "mentor-end.csv": b"\xef\xbb\xbfrespondent,leaving,value,learned\r\n",
    }
    for name, data in templates.items():
        header = data.decode("utf-8-sig").strip().split(",")
        row = ["r1", *(["mentee"] if "role" in header else []), *["3"] * (len(header) - 1 - ("role" in header))]
        (tmp_path / name).write_bytes(data + ",".join(row).encode() + b"\r\n")
    responses = read_responses(program, sorted(tmp_path.glob("*.csv")))
    assert responses.warnings == ()
    assert sorted((survey, tally.respondents) for (survey, _), tally in responses.groups.items()
                  if tally.respondents) == sorted((s.id, 1) for s in program.feedback.surveys)


def test_the_flagship_has_a_template_per_survey() -> None:
    program = load_program(REPO).program
    assert sorted(response_templates(program)) == sorted(f"{s.id}.csv" for s in program.feedback.surveys)
    assert response_templates(program)["mentor-end.csv"].decode("utf-8-sig") == (
        "respondent,senior-confidence,leadership-insight,career-intent,pair-safe,pair-value,support-enough,"
        "learned-most,change-one-thing\r\n"
    )


def test_csv_the_toolkit_writes_is_safe_in_excel() -> None:
    assert [excel_safe(t) for t in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "plain", "a=b"]] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "plain", "a=b"]
    assert csv_bytes(["=HYPERLINK(\"http://x\")", "ok"], []) == b'\xef\xbb\xbf"\'=HYPERLINK(""http://x"")",ok\r\n'


def test_the_report_module_stays_out_of_the_cli_start() -> None:
    import subprocess
    import sys

    probe = ("import sys\nfrom toolkit.cli import cli\n"
             "try:\n    cli(['report', '--help'], prog_name='revmentor')\nexcept SystemExit:\n    pass\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'weasyprint', 'jinja2', 'numpy'}))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr


def test_html_figures_match_the_data_layer(program_dir: Path, tmp_path: Path) -> None:
    program = load_program(program_dir).program
    report = compute(program, read_responses(program, known_responses(tmp_path)), {"mentee": 12})
    found = figures(render_html(report))
    for goal in report.goals:
        assert one(found, f"goal/{goal.goal.id}/status") == goal.status_text
        for measure in goal.measures:
            for value in measure.values:
                assert one(found, f"measure/{goal.goal.id}/{measure.index}/{value.moment}") == value.stat.text
    for change in report.changes:
        assert one(found, f"change/{change.question.id}/{change.role.id}/after-mean") == change.after_mean.text
    assert suppressed_note(5) == NOTE


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("respondt,leaving;value\"\n\r\t 0123456789=é\x00")), max_size=120),
       suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_file_content_is_read_or_refused_with_a_located_problem(tmp_path: Path, program_dir: Path, text: str,
                                                                    suffix: str) -> None:
    path = tmp_path / f"mentor-end{suffix}"
    path.write_bytes(text.encode("utf-8"))
    try:
        responses = read(program_dir, path)
    except ResponsesError as error:
        assert all(problem.file == str(path) and problem.fix for problem in error.problems)
    else:
        assert all(problem.file == str(path) and problem.fix for problem in responses.warnings)


# --- response templates from build ---------------------------------------------------------

FEEDBACK_FOR_TEMPLATES = """\
feedback:
  scales:
    - {id: agree5, labels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]}
  questions:
    - {id: confidence, text: I am confident using AI tools, scale: agree5}
  surveys:
    - {id: mentee-end, title: End survey, moment: end, week: 12, audience: [mentee], questions: [confidence]}
"""


def test_build_writes_an_empty_response_file_per_survey_into_the_private_folder(tmp_path: Path, run: Run) -> None:
    folder = tmp_path / "prog"
    folder.mkdir()
    (folder / "program.yaml").write_text(MINIMAL + FEEDBACK_FOR_TEMPLATES, encoding="utf-8")
    result = run("build", str(folder), "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    templates = folder / "private" / "response-templates"
    assert sorted(p.name for p in templates.iterdir() if not p.name.startswith(".")) == ["mentee-end.csv"]
    assert (templates / "mentee-end.csv").read_bytes() == response_templates(load_program(folder).program)["mentee-end.csv"]
    lines = result.stdout.splitlines()
    written = lines.index("Written:")  # the trainer's pack (guides and decks) is written after it
    assert f"Response templates written to {templates}/ (1 survey)" in lines[:written]
    assert f"  {templates}/  response templates, 1 survey" in lines[written:]


def test_a_user_file_among_the_templates_is_kept_and_only_warned_about(tmp_path: Path, run: Run) -> None:
    folder = tmp_path / "prog"
    (folder / "private" / "response-templates").mkdir(parents=True)
    (folder / "private" / "response-templates" / "filled-in.csv").write_text("respondent\nr1\n", encoding="utf-8")
    (folder / "program.yaml").write_text(MINIMAL + FEEDBACK_FOR_TEMPLATES, encoding="utf-8")
    result = run("build", str(folder), "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file()
    assert "warning: response templates not written:" in result.stderr
    assert (folder / "private" / "response-templates" / "filled-in.csv").read_text(encoding="utf-8") == "respondent\nr1\n"


def test_a_template_filled_in_place_is_never_overwritten(tmp_path: Path, run: Run) -> None:
    folder = tmp_path / "prog"
    folder.mkdir()
    (folder / "program.yaml").write_text(MINIMAL + FEEDBACK_FOR_TEMPLATES, encoding="utf-8")
    assert run("build", str(folder), "-o", str(tmp_path / "site")).exit_code == 0
    filled = folder / "private" / "response-templates" / "mentee-end.csv"
    filled.write_text("respondent,confidence\nr1,4\nr2,5\n", encoding="utf-8")
    result = run("build", str(folder), "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert "mentee-end.csv (changed since revmentor wrote it)" in result.stderr
    assert filled.read_text(encoding="utf-8") == "respondent,confidence\nr1,4\nr2,5\n"


def test_build_only_response_templates_writes_them_and_leaves_the_site(tmp_path: Path) -> None:
    from toolkit import build

    folder = tmp_path / "prog"
    folder.mkdir()
    (folder / "program.yaml").write_text(MINIMAL + FEEDBACK_FOR_TEMPLATES, encoding="utf-8")
    lines: list[str] = []
    result = build(folder, only="response-templates", progress=lines.append)
    assert (result.output, result.files, result.pages) == (folder / "private" / "response-templates", 1, 0)
    assert sorted(p.name for p in result.output.iterdir()) == [".revmentor-manifest.json", "mentee-end.csv"]
    assert lines == [f"Response templates written to {result.output}/ (1 survey)"]
    assert not (folder / "site").exists()


# --- the PDF left out ------------------------------------------------------------------------


def test_no_pdf_writes_the_html_alone_and_never_loads_weasyprint(tmp_path: Path, program_dir: Path) -> None:
    """`--no-pdf` is the fast report: the same HTML, no PDF, and the PDF library not even imported.
    The folder is replaced as a whole, so a PDF of an earlier run cannot sit beside newer figures."""
    import subprocess
    import sys

    known_responses(tmp_path / "responses")
    out = tmp_path / "out"
    probe = ("import sys\nfrom toolkit.cli import cli\n"
             f"try:\n    cli(['report', {str(tmp_path / 'responses')!r}, '--program', {str(program_dir)!r}, '-o',"
             f" {str(out)!r}, '--no-pdf'], prog_name='revmentor')\nexcept SystemExit as done:\n    print('exit', done.code)\n"
             "print('weasyprint' in sys.modules)")
    out.mkdir()
    (out / "report.pdf").write_bytes(b"%PDF- of an earlier run")
    write_manifest(out, "report")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout.splitlines()[0] == "Wrote the report to out: report.html", result.stdout + result.stderr
    assert result.stdout.splitlines()[-2:] == ["exit 0", "False"], result.stdout + result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".revmentor-manifest.json", "report.html"]
    program = load_program(program_dir).program
    expected = render_html(compute(program, read_responses(program, sorted((tmp_path / "responses").iterdir()))))
    assert (out / "report.html").read_text(encoding="utf-8") == expected


# --- a group that answered as one ------------------------------------------------------------


def test_the_cli_says_which_goal_is_withheld_because_a_group_answered_as_one(run: Run, tmp_path: Path,
                                                                             program_dir: Path) -> None:
    paths = known_responses(tmp_path / "responses")
    agreed = tmp_path / "responses" / "mentor-end.csv"
    write_csv(agreed, ["respondent", "leaving", "value", "learned"], [[f"m{n}", "Agree", 3 + n % 2, ""] for n in range(6)])
    result = run("report", *map(str, paths), "--program", str(program_dir), "-o", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "  retention: not decided yet: 1 not shown (all answers the same: not shown)\n" in result.stdout
    found = figures((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    assert one(found, "measure/retention/0/end") == "all answers the same: not shown"
    assert one(found, "distribution/mentor-end/leaving/all") == "all answers the same: not shown"
    assert one(found, "distribution/mentor-end/value/all/n") == "6"  # one question agreed on, not the other
    assert one(found, "change/leaving/mentor/after-share") == "all answers the same: not shown"
    assert one(found, "change/leaving/mentor/share-change") == "-"


# --- the same file given twice ---------------------------------------------------------------

READ_ONCE = "\n  fix: name each response file and folder once (a folder stands for the .csv and .xlsx files directly inside it)\n"


@pytest.mark.parametrize("given, warning", [
    (["responses", "responses/mentor-end.csv"], "responses/mentor-end.csv: warning: given twice (also inside"
     " responses/); it is read once"),
    (["responses/mentor-end.csv", "responses"], "responses/mentor-end.csv: warning: given twice (also inside"
     " responses/); it is read once"),
    (["responses", "responses/mentor-end.csv", "responses/mentor-end.csv"],
     "responses/mentor-end.csv: warning: given twice (also inside responses/); it is read once" + READ_ONCE
     + "responses/mentor-end.csv: warning: given twice (also inside responses/); it is read once"),
    (["responses", "latest.csv"], "latest.csv: warning: the same file as responses/mentor-end.csv; it is read once"),
    (["responses", "copy/mentor-end.csv"], "copy/mentor-end.csv: warning: the same file as"
     " responses/mentor-end.csv; it is read once"),
    (["responses", "responses/"], "responses/: warning: given twice; it is read once"),
    (["responses", "again"], "again/: warning: the same folder as responses/; it is read once"),
])
def test_a_file_given_twice_is_read_once_with_a_warning(run: Run, tmp_path: Path, program_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch, given: list[str],
                                                         warning: str) -> None:
    """Under any name (a folder that holds it, a link, a hard link, the folder again) one file
    is one file: read twice, everyone in it would seem to have answered twice and be left out."""
    known_responses(tmp_path / "responses")
    (tmp_path / "latest.csv").symlink_to(tmp_path / "responses" / "mentor-end.csv")
    (tmp_path / "copy").mkdir()
    os.link(tmp_path / "responses" / "mentor-end.csv", tmp_path / "copy" / "mentor-end.csv")
    (tmp_path / "again").symlink_to(tmp_path / "responses")
    monkeypatch.chdir(tmp_path)

    result = run("report", *given, "--program", str(program_dir), "-o", "out", "--no-pdf")

    assert result.exit_code == 0, result.output
    assert result.stderr == warning + READ_ONCE
    assert "  responses used: 49; rows left out: 0\n" in result.stdout
    assert run("report", "responses", "--program", str(program_dir), "-o", "once", "--no-pdf").exit_code == 0
    twice, once = (figures((tmp_path / name / "report.html").read_text(encoding="utf-8")) for name in ("out", "once"))
    assert {key: texts for key, texts in twice.items() if not key.startswith("file/")} == {
        key: texts for key, texts in once.items() if not key.startswith("file/")}
    assert sorted(map(str, twice.values())) == sorted(map(str, once.values()))  # the files in another order


def test_a_file_given_twice_stops_a_strict_report(run: Run, tmp_path: Path, program_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    known_responses(tmp_path / "responses")
    monkeypatch.chdir(tmp_path)
    result = run("report", "responses", "responses/mentee-end.xlsx", "--program", str(program_dir), "-o", "out",
                 "--strict")
    assert result.exit_code == 1
    assert result.stderr == ("responses/mentee-end.xlsx: warning: given twice (also inside responses/); it is read"
                             " once" + READ_ONCE + "1 warning and --strict is set\n  fix: fix the warnings above, or"
                             " run without --strict\n")
    assert not (tmp_path / "out").exists()


def test_two_files_with_the_same_rows_are_still_two_files(tmp_path: Path, program_dir: Path) -> None:
    """A copy is another file (an export made twice): its respondents are duplicates, as before."""
    header = ["respondent", "leaving", "value", "learned"]
    first = write_csv(tmp_path / "mentor-end.csv", header, [["m1", 1, 1, ""], ["m2", 2, 2, ""]])
    (tmp_path / "more").mkdir()
    second = write_csv(tmp_path / "more" / "mentor-end.csv", header, [["m1", 1, 1, ""]])
    responses = read(program_dir, first, second)
    assert [p.message for p in responses.warnings] == [
        f"respondent 'm1' also answered survey 'mentor-end' on {second} row 2; both rows are left out",
        f"respondent 'm1' also answered survey 'mentor-end' on {first} row 2; both rows are left out"]


def test_rows_met_before_and_rows_checked_afresh_are_counted_alike(tmp_path: Path, program_dir: Path) -> None:
    """A row like one already read takes a short path; a new or bad one the full check. Both end
    in the same counts, and a respondent seen on either path is caught on the other."""
    path = write_csv(tmp_path / "mentor-end.csv", ["respondent", "leaving", "value", "learned"], [
        ["a", "Agree", 4, ""], ["b", 4, 4, ""], ["c", " 4.0 ", "Agree", ""], ["d", "strongly agree", 4, "Yes"],
        ["e", 4, 4, ""], ["f", "Agree", 4, "Yes"], ["a", "Agreed", 4, ""]])
    responses = read(program_dir, path)
    assert [p.path for p in responses.warnings] == ["row 2", "row 8", "row 8, column B (leaving)"]
    assert responses.groups["mentor-end", "mentor"] == Tally(5, {"leaving": Counter({4: 4, 5: 1}),
                                                                 "value": Counter({4: 5})}, {"learned": ["Yes", "Yes"]})


def test_responses_are_counted_not_kept(tmp_path: Path, program_dir: Path) -> None:
    """What comes out of 20,000 rows is a handful of counts per group, not 20,000 answer objects
    (bench/bench_report.py measures a million rows)."""
    rows = [[f"r{n}", n % 5 + 1, (n * 7) % 5 + 1, ""] for n in range(20_000)]
    responses = read(program_dir, write_csv(tmp_path / "mentor-end.csv", ["respondent", "leaving", "value", "learned"],
                                            rows))
    tally = responses.groups["mentor-end", "mentor"]
    assert (tally.respondents, responses.used, tally.texts) == (20_000, 20_000, {})
    assert tally.scale == {"leaving": Counter(dict.fromkeys(range(1, 6), 4_000)),
                           "value": Counter(dict.fromkeys(range(1, 6), 4_000))}
    assert {key: t.respondents for key, t in responses.groups.items() if key != ("mentor-end", "mentor")} == {
        key: 0 for key in responses.groups if key != ("mentor-end", "mentor")}
