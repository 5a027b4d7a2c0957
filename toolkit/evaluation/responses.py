"""Survey responses in, checked answers out: the reading half of the evaluation report.

A response file is one survey's answers, as CSV (UTF-8 with or without BOM; comma, semicolon or
tab separated) or XLSX (first sheet), one row per respondent under a header row:

- `respondent`: an opaque id per respondent (never a name or e-mail); required, so that a
  respondent who answers twice is caught instead of counted twice.
- `role`: the role id (or role name) of the respondent; required only when the survey has
  several audiences.
- `survey`: optional; the survey id. Without it the file name (`mentor-end.csv`) names the
  survey, and failing that the header's question columns must match one survey's questions.
- one column per question, headed by the question id (or by the question's text, as survey
  tools export it). Scale answers are numbers 1..n or the scale's labels; blank is no answer.

File-level problems (unreadable file, no respondent column, a column that is not a question
of the survey, a control character in the header) stop the run. Row-level problems (an answer
off the scale, an unknown role, a respondent on two rows, a cell holding a control character)
leave the row out: it is reported by row and counted, never mixed in.

Files are read by `tables.read_table`, as rosters and pairs files are, so every spreadsheet
the toolkit reads gets the same messages; a ragged row is kept for `_row` to leave out and
count, like any other bad row.

What comes out is counted, not kept: each group (the respondents of one role in one survey)
is a `Tally` of how many gave each scale value and the free text written, because that is all
a figure needs, and a report over a million rows must not hold a million answer objects. Until
the last file is read a row is kept only as a shared tuple of its answers (a respondent who
turns up again later must take both rows out), plus its respondent id for that check.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Protocol

from ..errors import Problem, ResponsesError, RosterError
from ..files.paths import display_path
from ..files.tables import RowProblem, Table, column_letter, loose_name, read_table
from ..program.model import Measure, Program, Question, Role, Scale, Survey

GroupKey = tuple[str, str]
"""(survey id, role id): the smallest group any figure is made of."""

RESPONDENT = "respondent"
ROLE = "role"
SURVEY = "survey"
QUESTION = "question"
IGNORED = "ignored"
IGNORE = "ignore"
"""What `export.columns[].holds` says of a column the report does not read."""
IDENTIFYING = "identifying"
UNKNOWN = "unknown"

# --- survey tools' exports -----------------------------------------------------------------
# Column names as Google Forms, Microsoft Forms, SurveyMonkey and Qualtrics export them,
# compared as `loose_name` writes them, punctuation dropped too ("Duration (in seconds)" is durationinseconds).
RESPONDENT_COLUMNS = frozenset({"respondentid", "responseid", "id", "recordid"})
"""A column holding an opaque id per response: Microsoft Forms' ID, SurveyMonkey's Respondent ID, Qualtrics' ResponseId."""
IDENTIFYING_COLUMNS = frozenset({
    "email", "emailaddress", "name", "fullname", "firstname", "lastname", "username", "ipaddress", "ip",
    "recipientemail", "recipientfirstname", "recipientlastname", "externalreference", "externaldatareference",
    "locationlatitude", "locationlongitude", "latitude", "longitude", "location", "phone", "phonenumber"})
"""Columns that say who answered, or where from: never read, and the warning says so."""
_IDENTIFYING = re.compile(r"customdata\d*$")
TOOL_COLUMNS = frozenset({
    "timestamp", "starttime", "completiontime", "lastmodifiedtime", "startdate", "enddate", "recordeddate",
    "submitdate", "status", "responsetype", "progress", "duration", "durationinseconds", "finished",
    "distributionchannel", "userlanguage", "language", "collectorid", "score", "totalpoints", "quizfeedback"})
"""Columns a survey tool adds about the response itself (times, progress, quiz scores): never read."""
_TOOL = re.compile(r"(points|feedback) - ")
"""Microsoft Forms quiz columns: "Points - question", "Feedback - question"."""

NON_ANSWERS = frozenset({"", "-", "--", "---", ".", "?", "n/a", "na", "n.a.", "n.a", "none", "nil", "null",
                         "no answer", "not applicable"})
"""Cells that say nothing, compared after `normalise`: never counted as an answer, on a scale or in free text
(a scale whose own label is one of them keeps it as the label)."""
NO_ANSWER = 0
"""The scale value remembered for a cell that says nothing."""
_NON_ANSWER_MAX = 24
"""A longer cell is never one of NON_ANSWERS, so free text is normalised only when it is short."""
TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")
"""The files a folder of responses is read for."""
_QUOTED_MAX = 40
_MEMO_MAX = 1000
"""Distinct cell texts remembered per question (answers repeat: "4", "Agree"), so junk cannot grow it."""
_SHARED_MAX = 100_000
"""Distinct rows of answers shared between rows that gave the same ones."""


def template_header(survey: Survey) -> list[str]:
    """The columns of a survey's response file: respondent, role if it has several audiences, questions."""
    return [RESPONDENT, *([ROLE] if len(survey.audience) > 1 else []), *survey.questions]


# --- checked responses ---------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """One respondent's checked answers to one survey."""

    respondent: str
    role: str
    """The role id."""
    answers: Mapping[str, int | str]
    """Question id -> scale value (1..n) or free text; unanswered questions are absent."""


@dataclass
class FileSummary:
    """What became of one response file's rows: used, or left out and why."""

    file: str
    survey: str
    rows: int = 0
    used: int = 0
    left_out: Counter[str] = field(default_factory=Counter)
    """Reason -> number of rows left out for it."""


@dataclass
class Tally:
    """One group's answers, counted: how many gave each scale value, and the free text written."""

    respondents: int = 0
    scale: dict[str, Counter[int]] = field(default_factory=dict)
    """Question id -> scale value -> respondents who gave it."""
    texts: dict[str, list[str]] = field(default_factory=dict)
    """Question id -> the non-blank free-text answers, in the order read."""

    def add(self, answers: Iterable[tuple[str, int | str]], times: int = 1) -> None:
        """Count one respondent's answers (or those of `times` respondents who gave the same)."""
        self.respondents += times
        for question, answer in answers:
            if isinstance(answer, int):
                counts = self.scale.get(question)
                if counts is None:
                    counts = self.scale[question] = Counter()
                counts[answer] += times
            elif answer.strip():
                self.texts.setdefault(question, []).extend([answer] * times)


@dataclass(frozen=True)
class OutsideFigure:
    """A measure's figure gathered outside the surveys, as one row of the figures file gives it."""

    goal: str
    index: int
    """The measure's position among its goal's measures."""
    moment: str
    value: float
    source: str


@dataclass(frozen=True)
class Responses:
    """Every usable response, counted by (survey, role) group, and the account of what was left out."""

    groups: Mapping[GroupKey, Tally]
    files: tuple[FileSummary, ...]
    warnings: tuple[Problem, ...]
    """Rows left out and missing columns: reported, never fatal unless --strict."""
    outside: tuple[OutsideFigure, ...] = ()
    """Figures of measures taken outside the surveys, from the figures file."""

    @classmethod
    def of(cls, by_survey: Mapping[str, Iterable[Response]]) -> Responses:
        """Responses given as rows (survey id -> checked responses), counted; for callers that have no files."""
        groups: dict[GroupKey, Tally] = {}
        for survey_id, rows in by_survey.items():
            for response in rows:
                groups.setdefault((survey_id, response.role), Tally()).add(response.answers.items())
        return cls(groups, (), ())

    @property
    def left_out(self) -> int:
        """Rows left out across all files."""
        return sum(sum(summary.left_out.values()) for summary in self.files)

    @property
    def used(self) -> int:
        """Responses used across all surveys."""
        return sum(tally.respondents for tally in self.groups.values())


_FOLDED = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\u00ad": None})


def normalise(text: str) -> str:
    """Text as answers, labels, headers and role names are compared: Unicode NFKC (non-breaking and
    other spaces become spaces, accents composed), curly quotes and apostrophes straight, dashes as
    hyphens, invisible characters dropped, spacing collapsed, case folded. Accents are kept:
    "élevé" is not "eleve"."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_FOLDED).split()).casefold()



def _quoted(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    return f"'{value[:_QUOTED_MAX]}...'" if len(value) > _QUOTED_MAX else f"'{value}'"


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def scale_value(text: str, scale: Scale) -> int | None:
    """A scale answer as its value 1..n: the number itself ("4", "4.0") or the label; None if off the scale."""
    cleaned = normalise(text)
    for value, label in enumerate(scale.labels, start=1):
        if cleaned == normalise(label):
            return value
    try:
        number = Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        return None
    if number.denominator == 1 and 1 <= number <= len(scale.labels):
        return int(number)
    return None


@dataclass
class _Row:
    """A row under the full check: what it says, and everything wrong with it."""

    respondent: str
    role: str | None
    answers: dict[str, int | str]
    problems: list[tuple[str, Problem]]
    """(reason, problem) for each thing wrong with the row."""


class _Reader:
    """Reads every file, collecting file-level errors (fatal) and row problems (rows left out)."""

    def __init__(self, program: Program) -> None:
        self.program = program
        feedback = program.feedback
        self.surveys = {survey.id: survey for survey in feedback.surveys}
        self.questions = {question.id: question for question in feedback.questions}
        self.scales = {scale.id: scale for scale in feedback.scales}
        self.errors: list[Problem] = []
        self.summaries: list[FileSummary] = []
        self.warnings: list[Problem] = []
        # Every row read, by its index in reading order: where it is, and its answers (None when
        # the row has problems, which are kept instead). Compact, as there may be a million rows.
        self.numbers = array("q")
        self.files = array("l")
        """Index into `summaries`."""
        self.answers: list[tuple[str, tuple[tuple[str, int | str], ...]] | None] = []
        """(role id, answers): equal ones are one shared tuple."""
        self.shared: dict[tuple[str, tuple[tuple[str, int | str], ...]], tuple[str, tuple[tuple[str, int | str],
                                                                                          ...]]] = {}
        self.problems: dict[int, list[tuple[str, Problem]]] = {}
        """Row index -> (reason, problem) for each thing wrong with the row."""
        self.first: dict[str, dict[str, int]] = {}
        """Survey id -> respondent id -> the index of the first row that gave it."""
        self.again: dict[tuple[str, str], list[int]] = {}
        """(survey id, respondent id) given on several rows -> those rows' indexes."""
        self.memo: dict[str, dict[str, int | None]] = {question: {} for question in self.questions}
        """Question id -> cell text -> scale value (or None: off the scale)."""
        self.role_memo: dict[tuple[str, str], str] = {}
        """(survey id, cell text) -> the role id it names."""
        self.outside: list[OutsideFigure] = []
        self.outside_rows: dict[tuple[str, int, str], int] = {}
        """(goal id, measure index, moment) -> the row of the figures file that gave it."""
        self.by_text: dict[str, str] = {}
        """A question's id or text, normalised -> its id."""
        for question in feedback.questions:
            self.by_text.setdefault(normalise(question.text), question.id)
        for question in feedback.questions:
            self.by_text[question.id] = question.id

    def read(self, path: Path, shown: str) -> None:
        try:
            table = read_table(path, what="responses", source="your survey tool", ragged_rows="keep")
        except RosterError as error:
            self.errors.extend(error.problems)
            return
        bad_cells: dict[int, list[RowProblem]] = {}
        for found in table.problems:  # control characters: in the header the file's, in a row the row's
            if found.row == table.header_row:
                where = f"row {found.row}" + (f", column {column_letter(found.column)}" if found.column is not None
                                              else "")
                self.errors.append(Problem(shown, found.message, found.fix, path=where))
            else:
                bad_cells.setdefault(found.row, []).append(found)
        if {loose_name(name) for name in table.header} >= {"measure", "when", "value"}:
            self._outside(table)
            return
        table, names = _header_rows(table)
        survey = self._survey(table, names, path)
        if survey is None:
            return
        layout = self._layout(table, names, survey)
        if layout is None:
            return
        summary = FileSummary(shown, survey.id)
        self.summaries.append(summary)
        width = len(table.header)
        quick = _QuickRow(survey.id, width, layout.respondent, layout.role,
                          [(index, q.id, q.kind == "text", self.memo[q.id]) for index, q in layout.questions.items()],
                          self.role_memo, f"\x00{len(self.summaries)}:")
        for number, cells in table.rows:
            summary.rows += 1
            bad = bad_cells.get(number, [])
            checked = None if bad else quick.check(number, cells)
            if checked is not None:
                self._keep(number, survey.id, checked[0], checked[1], [])
                continue
            row = self._row(table, number, cells, width, layout, survey, bad, quick.made)
            self._keep(number, survey.id, row.respondent, (row.role or "", tuple(row.answers.items())), row.problems)

    def _outside(self, table: Table) -> None:
        """The figures file: one row per figure gathered outside the surveys (measure, when, value, source)."""
        shown = table.file
        column = {loose_name(name): index for index, name in reversed(list(enumerate(table.header)))}
        measures: dict[str, tuple[str, int, Measure]] = {}
        for goal in self.program.goals:
            for index, measure in enumerate(goal.measures):
                measures.setdefault(normalise(measure.metric), (goal.id, index, measure))
        for goal in self.program.goals:
            for index, measure in enumerate(goal.measures):
                if measure.id is not None:
                    measures[normalise(measure.id)] = (goal.id, index, measure)
        outside = [m.id or m.metric for g in self.program.goals for m in g.measures if m.question is None]
        if "source" not in column:
            self.errors.append(Problem(shown, f"row {table.header_row} (the header) has no 'source' column",
                                       "add a column 'source' saying where each figure comes from, e.g. 'HR"
                                       " turnover report, June 2027'"))
            return
        for number, cells in table.rows:
            def problem(name: str, message: str, fix: str, number: int = number) -> None:
                where = f"row {number}, column {column_letter(column[name])} ({name})"
                self.errors.append(Problem(shown, message, fix, path=where))

            text = {name: cells[index].strip() if index < len(cells) else "" for name, index in column.items()}
            found = measures.get(normalise(text["measure"]))
            if found is None:
                problem("measure", f"unknown measure {_quoted(text['measure'])}" if text["measure"] else "no measure",
                        f"{_did_you_mean(text['measure'], outside)}name the measure by its id or its metric as in"
                        " program.yaml; measures taken outside the surveys: " + ("; ".join(outside) or "none"))
                continue
            goal_id, index, measure = found
            if measure.question is not None:
                problem("measure", f"measure {_quoted(measure.id or measure.metric)} comes from survey question"
                        f" '{measure.question}': its figures are worked out from the responses",
                        "delete the row, or remove `question:` from the measure in program.yaml")
                continue
            moment = normalise(text["when"])
            if moment not in measure.when:
                problem("when", f"{_quoted(text['when'])} is not a moment the measure is taken at" if text["when"]
                        else "no moment given", f"write one of: {', '.join(measure.when)}")
                continue
            value = _figure(text["value"])
            if value is None:
                problem("value", f"{_quoted(text['value'])} is not a number" if text["value"] else "no value given",
                        "write the figure as a number, e.g. 12 or 7.5 (a percentage as 40, with or without %)")
                continue
            if not text["source"]:
                problem("source", "no source given", "say where the figure comes from, e.g. 'HR turnover report,"
                        " June 2027'")
                continue
            earlier = self.outside_rows.setdefault((goal_id, index, moment), number)
            if earlier != number:
                problem("measure", f"the {moment} figure of measure {_quoted(measure.id or measure.metric)} is given"
                        f" twice (also row {earlier})", "keep the one row that holds the figure and delete the other")
                continue
            self.outside.append(OutsideFigure(goal_id, index, moment, value, text["source"]))

    def _keep(self, number: int, survey: str, respondent: str, kept: tuple[str, tuple[tuple[str, int | str], ...]],
              problems: list[tuple[str, Problem]]) -> None:
        """Keep a checked row compactly until every file is read: its answers, or its problems."""
        index = len(self.answers)
        self.numbers.append(number)
        self.files.append(len(self.summaries) - 1)
        if problems:
            self.problems[index] = problems
            self.answers.append(None)
        else:
            self.answers.append(self.shared.setdefault(kept, kept) if len(self.shared) < _SHARED_MAX else kept)
        if respondent:
            first = self.first.setdefault(survey, {})
            earlier = first.setdefault(respondent, index)
            if earlier != index:
                self.again.setdefault((survey, respondent), [earlier]).append(index)

    def _survey(self, table: Table, names: Sequence[tuple[str, ...]], path: Path) -> Survey | None:
        """Which survey the file answers: its `survey` column, else its name (the survey id, the
        survey's `export.file` pattern, or its title, as survey tools name their exports), else
        the questions its columns hold."""
        shown = table.file
        known = ", ".join(self.surveys) or "none (program.yaml defines no feedback.surveys)"
        index = next((i for i, alternatives in enumerate(names) if self._classify(alternatives, None)[0] == SURVEY),
                     None)
        if index is not None:
            named = sorted({cells[index].strip() for _, cells in table.rows if index < len(cells) and cells[index].strip()})
            if len(named) > 1:
                self.errors.append(Problem(shown, f"column {column_letter(index)} (survey) names several surveys:"
                                           f" {', '.join(named)}", "put each survey's responses in a file of its own"))
                return None
            if named:
                if named[0] in self.surveys:
                    return self.surveys[named[0]]
                row = next(n for n, cells in table.rows if index < len(cells) and cells[index].strip() == named[0])
                self.errors.append(Problem(shown, f"unknown survey {_quoted(named[0])}",
                                           f"{_did_you_mean(named[0], self.surveys)}surveys in program.yaml: {known}",
                                           path=f"row {row}, column {column_letter(index)} (survey)"))
                return None
        stem = path.stem.strip().casefold()
        if stem in self.surveys:
            return self.surveys[stem]
        file_name = normalise(path.name)
        by_pattern = [s for s in self.surveys.values()
                      if s.export is not None and s.export.file and fnmatch.fnmatchcase(file_name,
                                                                                       normalise(s.export.file))]
        if len(by_pattern) == 1:
            return by_pattern[0]
        titled = [s for s in self.surveys.values() if normalise(path.stem).startswith(normalise(s.title))]
        longest = max((len(s.title) for s in titled), default=0)
        titled = [s for s in titled if len(s.title) == longest]
        if len(titled) == 1:
            return titled[0]
        fits = []
        for candidate in self.surveys.values():
            asked = {value for kind, value in (self._classify(alternatives, candidate) for alternatives in names)
                     if kind == QUESTION}
            if asked:
                fits.append((candidate, asked))
        exact = [s for s, asked in fits if set(s.questions) == asked]
        covering = [s for s, asked in fits if asked <= set(s.questions)]
        matches = exact or covering
        if len(matches) == 1:
            return matches[0]
        between = f" (its columns fit {', '.join(s.id for s in matches)})" if matches else ""
        self.errors.append(Problem(shown, f"cannot tell which survey this file answers{between}",
                                   f"name the file after its survey (e.g. {next(iter(self.surveys), 'mentor-end')}.csv)"
                                   " or add a 'survey' column holding the survey id, or give the survey a file-name"
                                   f" pattern in program.yaml (export.file); surveys in program.yaml: {known}"))
        return None

    def _question_id(self, header: str) -> str | None:
        """The question a column holds: its header is the question id or the question's text."""
        return self.by_text.get(normalise(header))

    def _classify(self, alternatives: tuple[str, ...], survey: Survey | None) -> tuple[str, str]:
        """What a column holds, from its header (or, in a survey tool's export, any of its header
        rows): (QUESTION, question id), (RESPONDENT | ROLE | SURVEY, ""), (IGNORED, IDENTIFYING or ""),
        ("", "") for no header, or (UNKNOWN, the header)."""
        mapped = {normalise(c.header): c.holds for c in survey.export.columns} if survey and survey.export else {}
        found: tuple[str, str] | None = None
        for header in alternatives:
            name = normalise(header)
            if not name:
                continue
            loose = re.sub(r"\W+", "", loose_name(name))
            holds = mapped.get(name)
            if holds is not None:
                found = ((IGNORED, "") if holds == IGNORE else (holds, "") if holds in (RESPONDENT, ROLE)
                         else (QUESTION, holds))
            elif name in (RESPONDENT, ROLE, SURVEY):
                found = (name, "")
            elif (question_id := self._question_id(header)) is not None:
                found = (QUESTION, question_id)
            elif loose in RESPONDENT_COLUMNS:
                found = (RESPONDENT, "")
            elif loose in IDENTIFYING_COLUMNS or _IDENTIFYING.match(loose):
                found = (IGNORED, IDENTIFYING)
            elif loose in TOOL_COLUMNS or _TOOL.match(name):
                found = (IGNORED, "")
            elif re.search(r"\brole\b", name):
                found = (ROLE, "")
            if found is not None:
                return found
        primary = next((header for header in alternatives if header.strip()), "")
        return (UNKNOWN, primary) if primary else ("", "")

    def _layout(self, table: Table, names: Sequence[tuple[str, ...]], survey: Survey) -> _Layout | None:
        """Which column holds what, for this survey; None (with the problems kept) when a column cannot be placed."""
        shown = table.file
        layout = _Layout()
        seen: dict[str, int] = {}
        ignored: list[tuple[int, str, bool]] = []
        problems = []
        mapping_fix = f"or say what it holds in program.yaml (export.columns of survey '{survey.id}')"
        for index, alternatives in enumerate(names):
            where = f"row {table.header_row}, column {column_letter(index)}"
            header = next((h for h in alternatives if h.strip()), "")
            kind, value = self._classify(alternatives, survey)
            if kind == RESPONDENT:
                if layout.respondent is None:
                    layout.respondent = index
                else:
                    ignored.append((index, header, False))
                continue
            if kind == ROLE:
                if layout.role is None:
                    layout.role = index
                    continue
                problems.append(Problem(shown, f"{_quoted(header)} is a second role column (the first is column"
                                        f" {column_letter(layout.role)})", "keep one column giving each respondent's"
                                        f" role and delete the other, {mapping_fix}", path=where))
                continue
            if kind == SURVEY:
                continue
            if kind == IGNORED:
                ignored.append((index, header, value == IDENTIFYING))
                continue
            if kind == "":
                if any(index < len(cells) and cells[index].strip() for _, cells in table.rows):
                    problems.append(Problem(shown, "this column has answers but no header",
                                            f"head it with one of the question ids of survey '{survey.id}':"
                                            f" {', '.join(survey.questions)}", path=where))
                continue
            if kind == UNKNOWN:
                problems.append(Problem(shown, f"{_quoted(header)} is not a question id",
                                        f"{_did_you_mean(normalise(header), survey.questions)}head the column with one"
                                        f" of the questions of survey '{survey.id}': {', '.join(survey.questions)};"
                                        f" or delete the column, {mapping_fix}", path=where))
                continue
            question_id = value
            if question_id not in survey.questions:
                problems.append(Problem(shown, f"question '{question_id}' is not asked in survey '{survey.id}'",
                                        f"delete the column, or check that this is the file of survey '{survey.id}'"
                                        f" (its questions: {', '.join(survey.questions)})", path=where))
                continue
            if question_id in seen:
                problems.append(Problem(shown, f"question '{question_id}' has a second column (the first is column"
                                        f" {column_letter(seen[question_id])})",
                                        "keep one column per question and delete the other", path=where))
                continue
            seen[question_id] = index
            layout.questions[index] = self.questions[question_id]
        if len(survey.audience) > 1 and layout.role is None:
            roles = ", ".join(survey.audience)
            problems.append(Problem(shown, f"row {table.header_row} (the header) has no 'role' column, and survey"
                                    f" '{survey.id}' has several audiences ({roles})",
                                    f"add a column 'role' giving each respondent's role: {roles}"))
        if problems:
            self.errors.extend(problems)
            return None
        if ignored or layout.respondent is None:
            self.warnings.append(_ignored_warning(shown, table.header_row, ignored, layout.respondent is None))
        for question_id in survey.questions:
            if question_id not in seen:
                self.warnings.append(Problem(shown, f"no column for question '{question_id}' of survey '{survey.id}';"
                                             " the report has no answers to it from this file",
                                             f"add a column '{question_id}' if the survey asked it",
                                             path=f"row {table.header_row}", warning=True))
        return layout

    def _row(self, table: Table, number: int, cells: tuple[str, ...], width: int, layout: _Layout,
             survey: Survey, bad: Sequence[RowProblem], made: str) -> _Row:
        """The row's full check; `bad` are its cells the table reader found bad (a control character);
        `made` prefixes the respondent id made from the row number when the file has none."""
        shown = table.file

        def cell(index: int) -> str:
            return cells[index].strip() if index < len(cells) else ""

        respondent = cell(layout.respondent) if layout.respondent is not None else f"{made}{number}"
        row = _Row(respondent, None, {}, [])
        answers = row.answers

        def problem(reason: str, message: str, fix: str, index: int | None = None) -> None:
            where = f"row {number}"
            if index is not None:
                name = table.header[index] if index < width else ""
                where += f", column {column_letter(index)}" + (f" ({name})" if name else "")
            row.problems.append((reason, Problem(shown, message + "; the row is left out", fix, path=where,
                                                 warning=True)))

        flagged = {found.column for found in bad}
        """Columns whose cell is reported already: what it holds is not checked again."""
        for found in bad:
            problem("control character", found.message, found.fix, found.column)

        extra = [i for i in range(width, len(cells)) if cells[i].strip()]
        if extra:
            problem("cells beyond the header", f"the row has {max(extra) + 1} cells but the header only {width}",
                    "quote cells that contain the separator, or give the extra cells a header")
        if not row.respondent:
            problem("no respondent id", "no respondent id",
                    "give every row an opaque respondent id (never a name or e-mail), or delete the row",
                    layout.respondent)
        if layout.role is None or layout.role not in flagged:
            row.role = self._role(cell(layout.role) if layout.role is not None else "", survey, problem, layout.role)
        for index, question in layout.questions.items():
            text = cells[index].strip() if index < len(cells) else ""
            if not text or index in flagged:
                continue
            if question.kind == "text":
                if len(text) > _NON_ANSWER_MAX or normalise(text) not in NON_ANSWERS:
                    answers[question.id] = text
                continue
            memo = self.memo[question.id]
            if text in memo:
                value = memo[text]
                if value == NO_ANSWER:
                    continue
                if value is not None:
                    answers[question.id] = value
                    continue
            scale = self.scales[question.scale or ""]
            value = scale_value(text, scale)
            if value is None and normalise(text) in NON_ANSWERS:
                value = NO_ANSWER
            if len(memo) < _MEMO_MAX:
                memo[text] = value
            if value == NO_ANSWER:
                continue
            if value is None:
                problem("answer off the scale",
                        f"{_quoted(text)} is not on the scale '{scale.id}' of question '{question.id}'",
                        f"write a number from 1 to {len(scale.labels)} or one of the labels: {', '.join(scale.labels)}",
                        index)
            else:
                answers[question.id] = value
        if not answers and not row.problems:
            problem("no answers", "the respondent answered no question",
                    "delete the row, or fill in the answers if they were lost")
        return row

    def _role(self, text: str, survey: Survey, problem: _ProblemSink, index: int | None) -> str | None:
        known_role = self.role_memo.get((survey.id, text))
        if known_role is not None:
            return known_role
        role_id = self._find_role(text, survey, problem, index)
        if role_id is not None and len(self.role_memo) < _MEMO_MAX:
            self.role_memo[survey.id, text] = role_id
        return role_id

    def _find_role(self, text: str, survey: Survey, problem: _ProblemSink, index: int | None) -> str | None:
        audience = [self.program.role(role_id) for role_id in survey.audience]
        if not text:
            if len(audience) == 1:
                return audience[0].id
            problem("no role", "no role given", f"write the respondent's role: {', '.join(survey.audience)}", index)
            return None
        wanted = normalise(text)
        for role in audience:
            if wanted in (role.id, normalise(role.name)):
                return role.id
        known: list[Role] = list(self.program.roles)
        other = next((role for role in known if wanted in (role.id, normalise(role.name))), None)
        message = (f"role '{other.id}' is not an audience of survey '{survey.id}'" if other
                   else f"unknown role {_quoted(text)}")
        problem("unknown role", message, f"{_did_you_mean(wanted, survey.audience)}the survey's audience:"
                f" {', '.join(survey.audience)}", index)
        return None

    def finish(self) -> Responses:
        if self.errors:
            raise ResponsesError(self.errors)
        self._duplicates()
        same: dict[str, Counter[tuple[str, tuple[tuple[str, int | str], ...]]]] = {s: Counter() for s in self.surveys}
        """Survey id -> (role, answers) -> how many respondents gave just those."""
        for index, kept in enumerate(self.answers):
            summary = self.summaries[self.files[index]]
            problems = self.problems.get(index)
            if problems:
                self.warnings.extend(problem for _, problem in problems)
                summary.left_out[problems[0][0]] += 1
                continue
            assert kept is not None
            summary.used += 1
            same[summary.survey][kept] += 1
        self._nothing_used()
        groups: dict[GroupKey, Tally] = {
            (survey.id, role): Tally() for survey in self.surveys.values() for role in survey.audience}
        for survey_id, counts in same.items():
            for (role, answers), times in counts.items():
                groups[survey_id, role].add(answers, times)
        return Responses(groups, tuple(self.summaries), tuple(self.warnings), tuple(self.outside))

    def _nothing_used(self) -> None:
        """A survey whose files had rows and none of them used stops the run: its figures would
        quietly read "no responses" (every answer off the scale, say, from a relabelled option)."""
        errors = []
        for survey_id in self.surveys:
            summaries = [summary for summary in self.summaries if summary.survey == survey_id]
            rows = sum(summary.rows for summary in summaries)
            if not rows or any(summary.used for summary in summaries):
                continue
            reasons: Counter[str] = sum((summary.left_out for summary in summaries), Counter())
            why = ", ".join(f"{count} {reason}" for reason, count in reasons.most_common())
            first = next((problems[0][1] for index, problems in sorted(self.problems.items())
                          if self.summaries[self.files[index]].survey == survey_id), None)
            example = f"; the first: {first.path}: {first.message.removesuffix('; the row is left out')}" if first else ""
            files = ", ".join(summary.file for summary in summaries)
            errors.append(Problem(summaries[0].file, f"every one of the {rows} row{'s' if rows != 1 else ''} of survey"
                                  f" '{survey_id}' ({files}) was left out ({why}), so it has no figures{example}",
                                  "correct the rows listed above (or the scale labels in program.yaml, if the survey"
                                  " tool's options differ from them) and run the report again",
                                  path=f"rows {self.numbers[self._first_row(summaries[0])]}-"
                                       f"{self.numbers[self._last_row(summaries[0])]}"))
        if errors:
            raise ResponsesError([*self.warnings, *errors])

    def _first_row(self, summary: FileSummary) -> int:
        at = self.summaries.index(summary)
        return next(i for i in range(len(self.files)) if self.files[i] == at)

    def _last_row(self, summary: FileSummary) -> int:
        at = self.summaries.index(summary)
        return max(i for i in range(len(self.files)) if self.files[i] == at)

    def _duplicates(self) -> None:
        """A respondent on several rows of a survey: every one of those rows is left out."""
        for (survey_id, respondent), rows in self.again.items():
            count = "both rows are" if len(rows) == 2 else f"all {len(rows)} rows are"
            for row in rows:
                file = self.summaries[self.files[row]].file
                others = ", ".join(f"row {self.numbers[o]}" if self.summaries[self.files[o]].file == file
                                   else f"{self.summaries[self.files[o]].file} row {self.numbers[o]}"
                                   for o in rows if o != row)
                message = (f"respondent {_quoted(respondent)} also answered survey '{survey_id}' on {others};"
                           f" {count} left out")
                self.problems.setdefault(row, []).insert(0, ("duplicate respondent", Problem(
                    file, message, "keep the one row that counts and delete the others",
                    path=f"row {self.numbers[row]}", warning=True)))


@dataclass
class _QuickRow:
    """The common row, checked fast: a respondent id, a role and answers already met in this run.
    Anything else (a problem, a cell not seen before) goes to `_Reader._row` for the full check."""

    survey: str
    width: int
    respondent: int | None
    """The respondent id's column; None when the file has none and ids are made from row numbers."""
    role: int | None
    questions: list[tuple[int, str, bool, dict[str, int | None]]]
    """(column, question id, is free text, cell text -> scale value met so far)."""
    roles: dict[tuple[str, str], str]
    made: str = ""
    """What a made respondent id starts with: unique to the file, and never a real id (it holds a NUL)."""

    def check(self, number: int, cells: tuple[str, ...]) -> tuple[str, tuple[str, tuple[tuple[str, int | str], ...]]] | None:
        """(respondent id, (role id, answers)) when the row is surely fine; None to check it fully."""
        if len(cells) < self.width or (len(cells) > self.width and any(c.strip() for c in cells[self.width:])):
            return None
        respondent = cells[self.respondent].strip() if self.respondent is not None else f"{self.made}{number}"
        role = self.roles.get((self.survey, cells[self.role].strip() if self.role is not None else ""))
        if not respondent or role is None:
            return None
        answers: list[tuple[str, int | str]] = []
        for index, question, is_text, memo in self.questions:
            text = cells[index].strip()
            if not text:
                continue
            if is_text:
                if len(text) > _NON_ANSWER_MAX or normalise(text) not in NON_ANSWERS:
                    answers.append((question, text))
                continue
            value = memo.get(text)
            if value is None:
                return None
            if value != NO_ANSWER:
                answers.append((question, value))
        return (respondent, (role, tuple(answers))) if answers else None


@dataclass
class _Layout:
    """Which column of a file holds what."""

    respondent: int | None = None
    role: int | None = None
    questions: dict[int, Question] = field(default_factory=dict)
    """Column -> the question it answers."""


def _figure(text: str) -> float | None:
    """A figure as people write it: 12, 7.5, 7,5, 40%, 1 234."""
    cleaned = normalise(text).removesuffix("%").replace(" ", "")
    if re.fullmatch(r"-?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    try:
        number = float(Fraction(cleaned))
    except (ValueError, ZeroDivisionError):
        return None
    return number


def _header_rows(table: Table) -> tuple[Table, list[tuple[str, ...]]]:
    """The names of each column, and the table without the header rows that survey tools add
    under the first: Qualtrics (ids, then question texts, then a row of {"ImportId": ...}) and
    SurveyMonkey (question texts, then "Response" or the option under each)."""
    header, rows = table.header, table.rows
    width = len(header)

    def cells(at: int) -> tuple[str, ...]:
        return tuple(rows[at][1][:width]) + ("",) * max(0, width - len(rows[at][1]))

    if len(rows) >= 2 and sum(c.strip().startswith('{"ImportId"') for c in cells(1)) * 2 >= sum(
            1 for c in cells(1) if c.strip()) > 0:
        second = cells(0)
        return replace(table, rows=rows[2:]), [(h, t) for h, t in zip(header, second, strict=True)]
    if rows and any(normalise(c) in ("response", "open-ended response") for c in cells(0)):
        second = cells(0)
        return replace(table, rows=rows[1:]), [(h, t) if h.strip() else (t,) for h, t in zip(header, second,
                                                                                         strict=True)]
    return table, [(h,) for h in header]


def _ignored_warning(shown: str, header_row: int, ignored: Sequence[tuple[int, str, bool]], made: bool) -> Problem:
    """One warning per file for the columns passed over, saying which ones identify people, and for ids made."""
    def listed(columns: Iterable[tuple[int, str, bool]]) -> str:
        return ", ".join(f"{column_letter(index)} ({_quoted(name)[1:-1]})" for index, name, _ in columns)

    identifying = [c for c in ignored if c[2]]
    other = [c for c in ignored if not c[2]]
    parts = []
    if identifying:
        parts.append(f"column{'s' if len(identifying) > 1 else ''} {listed(identifying)} identif"
                     f"{'y' if len(identifying) > 1 else 'ies'} people and {'are' if len(identifying) > 1 else 'is'}"
                     " not read")
    if other:
        parts.append(f"column{'s' if len(other) > 1 else ''} {listed(other)} {'are' if len(other) > 1 else 'is'}"
                     " not read")
    if made:
        parts.append("there is no respondent id column, so each row counts as one respondent and someone who"
                     " answered twice cannot be caught")
    fix = ("export the survey without names and e-mails (an anonymous survey) or delete those columns; the report"
           " never uses them" if identifying else "nothing to do: the report does not use them")
    if made:
        fix += "; add a column 'respondent' holding an opaque id per respondent to catch double answers"
    return Problem(shown, "; ".join(parts), fix, path=f"row {header_row}", warning=True)


class _ProblemSink(Protocol):
    """Type of the per-row `problem(reason, message, fix, index)` callback."""

    def __call__(self, reason: str, message: str, fix: str, index: int | None = None) -> None: ...


def read_responses(program: Program, paths: Sequence[str | Path]) -> Responses:
    """Read and check response files against the program's surveys.

    Raises ResponsesError listing every file-level problem of every file; row problems are
    returned as warnings, their rows left out and counted per file.
    """
    if not program.feedback.surveys:
        raise ResponsesError(Problem("", "program.yaml defines no surveys, so there is nothing to report on",
                                     "add feedback.scales, feedback.questions and feedback.surveys to program.yaml"))
    reader = _Reader(program)
    for path in paths:
        path = Path(path)
        reader.read(path, display_path(path))
    return reader.finish()
