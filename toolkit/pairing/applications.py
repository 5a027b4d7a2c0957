"""Applications: the questions of the application form, and its export read and joined to the roster.

Why one module: the questions are asked twice (the fillable PDF and the text for a survey tool,
both made in outputs/forms) and read back once, here, so the column each answer lands in is
named once: a returned PDF's fields and a survey export's columns carry the same names
(`APPLICATION_COLUMNS`, and each self-assessment statement's id). An HR export knows who people
are (ids, names, e-mails, levels, managers, departments); an application says that someone
wants to take part, as what, and how. Each application is joined to its roster row by the
employee id it gives, or else by its e-mail address. Every problem is reported by the row a
spreadsheet shows, with its fix, together with the roster's.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from ..errors import Problem, RosterError, character_name, hidden_character
from ..files.tables import Table, in_row_order, loose_name, read_table
from ..program.model import APPLICATION_FIELDS, Application, Program, Style, Terminology
from .cells import MENTEE, MENTOR, consent, did_you_mean, did_you_mean_address, listing, plain, role_names, split_list

ID = "id"
EMAIL = "email"
NAME = "name"
ROLE = "role"
LANGUAGES = "languages"
AVAILABILITY = "availability"
MEETING_FORMAT = "meeting_format"
OFFERS = "offers"
CAPACITY = "capacity"
MANAGER_CONSENT = "manager_consent"
WANTS = "wants"
PREFERRED_STYLE = "preferred_style"

APPLICATION_COLUMNS = APPLICATION_FIELDS
"""Columns of an applications export and fields of the application form, in the form's order; the
self-assessment adds one per statement, named by its id. A program asks only some of them."""
assert APPLICATION_COLUMNS == (ID, EMAIL, NAME, ROLE, LANGUAGES, AVAILABILITY, MEETING_FORMAT, OFFERS, CAPACITY,
                               MANAGER_CONSENT, WANTS, PREFERRED_STYLE)
SUBMITTED = ("submitted", "timestamp", "submitted at", "completion time", "submission time")
"""Names of the column a survey tool records each answer's time in: of two applications from one
person, the one submitted later is used (the later row, when the times cannot be read)."""
NO_PREFERENCE = "no-preference"
FORMAT_LABELS = {"in-person": "In person", "remote": "Remote (video)", "hybrid": "A mix of both"}

Kind = Literal["text", "one", "several", "scale", "tick"]
_GRID_ROW = re.compile(r"\[(.+)\]\s*$")
"""A survey tool's heading for one row of a grid question: the statement in brackets at the end."""


class Choice(NamedTuple):
    """One answer a question offers: the value a returned form or an export holds, and its words."""

    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """One question of the application form, as the PDF, the survey-tool text and the reader know it."""

    column: str
    """The export's column and the form's field."""
    text: str
    kind: Kind
    """text, one (a single choice), several (choices, separated by semicolons), scale, tick (yes or no)."""
    choices: tuple[Choice, ...] = ()
    side: str = ""
    """Who answers it: '' everyone, 'mentor' or 'mentee' those applying as one."""
    hint: str = ""
    required: bool = False


def application_questions(program: Program) -> tuple[Question, ...]:
    """The application form's questions, in order; none when the program has no application section."""
    application = program.application
    if application is None:
        return ()
    terms = program.program.terminology
    mentor, mentee = terms.mentor.lower(), terms.mentee.lower()
    asked = [
        Question(NAME, "Your full name", "text"),
        Question(EMAIL, "Your work e-mail address", "text", required=True,
                 hint="The program team uses it to find you in the staff list."),
        Question(ID, "Your employee id, if you know it", "text"),
        Question(ROLE, "Which role do you apply for?", "one",
                 (Choice(MENTOR, terms.mentor), Choice(MENTEE, terms.mentee)), required=True),
    ]
    if application.languages:
        asked.append(Question(LANGUAGES, "Languages you could hold your meetings in", "several",
                              tuple(Choice(item, item) for item in application.languages)))
    else:
        asked.append(Question(LANGUAGES, "Languages you could hold your meetings in", "text",
                              hint="Separate them with semicolons, e.g. English; Polish."))
    if application.availability:
        asked.append(Question(AVAILABILITY, "When could you usually meet?", "several",
                              tuple(Choice(item, item) for item in application.availability),
                              hint="Choose every time that usually works for you."))
    if application.formats:
        video = program.program.video_tool
        labels = {**FORMAT_LABELS, "remote": f"Remote ({video})" if video else FORMAT_LABELS["remote"]}
        asked.append(Question(MEETING_FORMAT, "How would you rather meet?", "one",
                              (*(Choice(item, labels[item]) for item in application.formats),
                               Choice(NO_PREFERENCE, "No preference"))))
    topics = tuple(Choice(topic, topic) for topic in application.topics)
    asked.append(Question(OFFERS, f"Topics you could help a {mentee} with", "several", topics, side=MENTOR,
                          hint="Choose the ones you use or know well enough to show someone else."))
    asked.append(Question(CAPACITY, "How many partners could you take on at once?", "one",
                          tuple(Choice(str(n), str(n)) for n in range(1, application.max_capacity + 1)),
                          side=MENTOR))
    if application.manager_consent:
        asked.append(Question(MANAGER_CONSENT, f"My line manager has agreed that I can give this time to"
                              f" {program.program.name}", "tick", side=MENTOR))
    assessment = application.self_assessment
    if assessment is not None:
        labels_of = {scale.id: scale.labels for scale in program.feedback.scales}
        scale = tuple(Choice(str(n), label) for n, label in enumerate(labels_of.get(assessment.scale, ()), start=1))
        for item in assessment.items:
            asked.append(Question(item.id, item.statement, "scale", scale, side=MENTOR))
    asked.append(Question(WANTS, "Topics you want to learn about", "several", topics, side=MENTEE,
                          hint=f"Choose the ones you would most like a {mentor} to help you with."))
    if assessment is not None:
        asked.append(Question(PREFERRED_STYLE, f"Which kind of {mentor} would help you most?", "one",
                              (*(Choice(style.id, style_label(style)) for style in assessment.styles),
                               Choice(NO_PREFERENCE, "No preference")), side=MENTEE))
    return tuple(asked)


def style_label(style: Style) -> str:
    """A style as mentees choose it: its name and what it means ('Demonstrator: Puts the leader ...')."""
    return f"{style.name}: {style.description.rstrip('.')}"


# --- reading an export ----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One application as read: its row, whom it names, and what they answered."""

    row: int
    """Row number as a spreadsheet shows it."""
    id: str
    email: str
    role: str
    """'mentor' or 'mentee'."""
    values: dict[str, str] = field(default_factory=dict)
    """Roster column key -> the value to use instead of the roster's (role, offers, wants, languages,
    capacity, manager_consent), for the answers given."""
    styles: tuple[str, ...] = ()
    """Names of the styles the self-assessment scored highest (several when tied)."""
    wants_style: str = ""
    """Name of the kind of mentor a mentee asked for ('' for no preference)."""
    availability: tuple[str, ...] = ()
    meeting_format: str = ""
    """in-person, remote or hybrid; '' for no preference."""
    submitted: dt.datetime | None = None

    @property
    def who(self) -> str:
        return f"'{self.email}'" if self.email else f"id '{self.id}'"


@dataclass(frozen=True)
class Applications:
    """An applications export, read and checked: the answers, and the problems of the rows that have them."""

    file: str
    table: Table
    answers: tuple[Answer, ...]
    problems: tuple[Problem, ...]
    """Every problem of the file (its bad cells and its answers), in row order."""
    asks_consent: bool
    """Whether the export has a manager_consent column."""


def expected_columns(program: Program | None) -> tuple[str, ...]:
    """What an applications header may hold: the column names and the question texts, for finding the header row."""
    questions = application_questions(program) if program is not None else ()
    return (*APPLICATION_COLUMNS, *SUBMITTED, *(q.column for q in questions), *(q.text for q in questions))


def read_applications(path: str | os.PathLike[str], program: Program | None = None,
                      terminology: Terminology | None = None) -> Applications:
    """Read an applications export (CSV or XLSX, from a survey tool or typed in from returned forms).

    Raises RosterError when the file cannot be read or lacks the columns an application needs;
    problems of single rows come back in `problems`, to be reported with the roster's.
    """
    terminology = terminology or (program.program.terminology if program is not None else Terminology())
    table = read_table(path, what="applications export", source="your survey tool",
                       expect=expected_columns(program))
    questions = application_questions(program) if program is not None else ()
    where = _locate(table, questions)
    if ROLE not in where or not ({ID, EMAIL} & set(where)):
        missing = [name for name in (EMAIL, ROLE) if name not in where and not (name == EMAIL and ID in where)]
        found = ", ".join(f"'{name}'" for name in table.header if name) or "none"
        plural = "s" if len(missing) > 1 else ""
        raise RosterError(Problem(
            table.file, f"row {table.header_row}: missing column{plural} {', '.join(repr(n) for n in missing)};"
            f" the columns found are: {found}",
            "name the columns as the application form's fields (email or id, role, offers, wants, ...; see the"
            " README), or as the questions of the application questions file", table.header_row))
    reader = _Reader(table, where, program.application if program is not None else None, questions, terminology)
    answers = [answer for row, cells in table.rows if (answer := reader.read(row, cells)) is not None]
    own = [table.problem(found) for found in table.problems]
    return Applications(table.file, table, tuple(answers), tuple(in_row_order([*own, *reader.problems])),
                        MANAGER_CONSENT in where)


def _locate(table: Table, questions: Sequence[Question]) -> dict[str, int]:
    """Each known column's place in the header: by its name (ignoring case, spaces and underscores),
    or by its question as a survey tool heads the column (a grid's statement inside brackets too)."""
    by_name: dict[str, int] = {}
    by_text: dict[str, int] = {}
    for index, name in reversed(list(enumerate(table.header))):
        if name:
            by_name[loose_name(name)] = index
            by_text[plain(name).rstrip("?:")] = index
    where: dict[str, int] = {}
    for column in (*APPLICATION_COLUMNS, *(q.column for q in questions)):
        if loose_name(column) in by_name:
            where[column] = by_name[loose_name(column)]
    for question in questions:
        if question.column in where:
            continue
        text = plain(question.text).rstrip("?:")
        found: int | None = by_text.get(text)
        if found is None and question.kind == "scale":  # a grid's column: "What kind of mentor are you? [statement]"
            found = next((i for i, name in enumerate(table.header)
                          if (inside := _GRID_ROW.search(name)) and plain(inside.group(1)).rstrip("?:") == text), None)
        if found is not None:
            where[question.column] = found
    submitted = next((by_name[loose_name(name)] for name in SUBMITTED if loose_name(name) in by_name), None)
    if submitted is not None:
        where["submitted"] = submitted
    return where


class _Reader:
    """Reads one row after another into Answers, collecting every problem."""

    def __init__(self, table: Table, where: dict[str, int], application: Application | None,
                 questions: Sequence[Question], terminology: Terminology) -> None:
        self.table, self.where, self.application, self.terminology = table, where, application, terminology
        self.questions = {q.column: q for q in questions}
        self.roles = role_names(terminology)
        self.problems: list[Problem] = []
        self.assessment = application.self_assessment if application is not None else None
        self.known: dict[str, dict[str, str]] = {}
        """Each list's choices by the way they are compared (`plain`), made once per file."""
        statement = self.questions.get(self.assessment.items[0].id) if self.assessment is not None else None
        self.scale = statement.choices if statement is not None else ()
        self.points = {plain(choice.label): int(choice.value) for choice in self.scale}
        self.points.update({choice.value: int(choice.value) for choice in self.scale})

    def error(self, row: int, message: str, fix: str) -> None:
        self.problems.append(Problem(self.table.file, f"row {row}: {message}", fix, row))

    def cell(self, cells: tuple[str, ...], column: str) -> str:
        index = self.where.get(column)
        return " ".join(cells[index].split()) if index is not None else ""

    def read(self, row: int, cells: tuple[str, ...]) -> Answer | None:
        before = len(self.problems)
        person_id, email = self.cell(cells, ID), self.cell(cells, EMAIL)
        for column, value in ((ID, person_id), (EMAIL, email)):
            hidden = hidden_character(value)
            if hidden and (row, self.where.get(column)) not in self.table.flagged:
                self.error(row, f"{column} '{value}' holds an invisible character ({character_name(hidden)})",
                           "retype it: with that character it matches no one in the roster")
        if not person_id and not email:
            self.error(row, f"{EMAIL} and {ID} are both empty", "give the applicant's e-mail address (or employee"
                       " id) as the roster has it, or delete the row")
        role = self.role(row, self.cell(cells, ROLE))
        values: dict[str, str] = {}
        if role:
            values[ROLE] = role
        for column in (OFFERS, WANTS):
            topics = self.several(row, column, self.cell(cells, column), "topics",
                                  self.application.topics if self.application is not None else ())
            if topics:
                values[column] = "; ".join(topics)
        languages = self.several(row, LANGUAGES, self.cell(cells, LANGUAGES), "languages",
                                 self.application.languages if self.application is not None else ())
        if languages:
            values[LANGUAGES] = "; ".join(languages)
        availability = self.several(row, AVAILABILITY, self.cell(cells, AVAILABILITY), "availability",
                                    self.application.availability if self.application is not None else ())
        capacity = self.cell(cells, CAPACITY)
        if capacity:
            if capacity.isdigit():
                values[CAPACITY] = str(int(capacity))
            else:
                self.error(row, f"{CAPACITY} '{capacity}' is not a whole number", "write how many partners this"
                           " mentor can take, a whole number such as 2 (empty means the program's default)")
        agreed = self.cell(cells, MANAGER_CONSENT)
        if agreed:
            try:
                consent(agreed)
                values[MANAGER_CONSENT] = agreed
            except ValueError:
                self.error(row, f"{MANAGER_CONSENT} '{agreed}' is not yes or no", "write yes or no, or leave it empty"
                           " if the line manager has not been asked yet")
        answer = Answer(row, person_id, email, role, values, self.styles(row, cells),
                        self.preferred_style(row, self.cell(cells, PREFERRED_STYLE)), availability,
                        self.meeting_format(row, self.cell(cells, MEETING_FORMAT)), _time(self.cell(cells, "submitted")))
        return answer if len(self.problems) == before else None

    def role(self, row: int, text: str) -> str:
        terms = self.terminology
        names = "" if (terms.mentor.casefold(), terms.mentee.casefold()) == (MENTOR, MENTEE) else (
            f" (or this program's names, {terms.mentor} and {terms.mentee})")
        if not text:
            self.error(row, f"{ROLE} is empty", f"write {MENTOR} or {MENTEE}{names}: the role the person applies for,"
                       " or delete the row")
            return ""
        role = self.roles.get(text.casefold(), "")
        if not role:
            hint = did_you_mean(text, [MENTOR, MENTEE, terms.mentor, terms.mentee])
            self.error(row, f"{ROLE} '{text}' is not {MENTOR} or {MENTEE}", f"{hint}write {MENTOR} or {MENTEE}{names}")
        return role

    def several(self, row: int, column: str, text: str, noun: str, choices: Sequence[str]) -> tuple[str, ...]:
        """A list answer, each item one of `choices` (spelt as the program spells it); any item when none are set."""
        items = split_list(text)
        if not choices:
            return items
        known = self.known.get(noun)
        if known is None:
            known = self.known[noun] = {plain(choice): choice for choice in choices}
        chosen = []
        for item in items:
            if plain(item) in known:
                chosen.append(known[plain(item)])
                continue
            where = f"application.{noun}"
            what = "the program's topics" if noun == "topics" else f"the choices of {where}"
            hint = did_you_mean(item, choices, 0.7)
            plural = {"availability": "times"}.get(noun, noun)
            fix = (f"{hint}use the {plural} of {where} in program.yaml, separated by semicolons, or add this one there"
                   if hint else f"use one of {listing(choices)}, separated by semicolons, or add it to {where} in"
                   " program.yaml")
            self.error(row, f"{column}: '{item}' is not one of {what}", fix)
        return tuple(dict.fromkeys(chosen))

    def meeting_format(self, row: int, text: str) -> str:
        if not text or plain(text) in ("no preference", NO_PREFERENCE):
            return ""
        options = {plain(value): value for value in FORMAT_LABELS}
        options.update({plain(label): value for value, label in FORMAT_LABELS.items()})
        question = self.questions.get(MEETING_FORMAT)
        for choice in question.choices if question is not None else ():
            options[plain(choice.label)] = choice.value
        value = options.get(plain(text)) or options.get(plain(text).replace(" ", "-"))
        if value is None or value == NO_PREFERENCE:
            if value is None:
                labels = [choice.label for choice in question.choices] if question is not None else [
                    *FORMAT_LABELS, "no preference"]
                self.error(row, f"{MEETING_FORMAT} '{text}' is not a meeting format",
                           f"{did_you_mean(text, labels)}write one of {listing(labels)}")
            return ""
        return value

    def styles(self, row: int, cells: tuple[str, ...]) -> tuple[str, ...]:
        """The styles whose statements this applicant rated highest on average ('' when none answered)."""
        assessment = self.assessment
        if assessment is None:
            return ()
        scale, points = self.scale, self.points
        totals: dict[str, list[int]] = {}
        for item in assessment.items:
            text = self.cell(cells, item.id)
            if not text:
                continue
            value = points.get(plain(text))
            if value is None:
                labels = [choice.label for choice in scale]
                self.error(row, f"{item.id} '{text}' is not on the scale",
                           f"write a number from 1 to {len(scale)}, or one of {listing(labels)}")
                continue
            totals.setdefault(item.style, []).append(value)
        if not totals:
            return ()
        means = {style: sum(values) / len(values) for style, values in totals.items()}
        top = max(means.values())
        return tuple(style.name for style in assessment.styles if means.get(style.id) == top)

    def preferred_style(self, row: int, text: str) -> str:
        assessment = self.assessment
        if assessment is None or not text or plain(text) in ("no preference", NO_PREFERENCE):
            return ""
        for style in assessment.styles:
            if plain(text) in (plain(style.id), plain(style.name), plain(style_label(style))):
                return style.name
        names = [style.name for style in assessment.styles]
        self.error(row, f"{PREFERRED_STYLE} '{text}' is not one of the styles",
                   f"{did_you_mean(text, names)}write one of {listing(names)}, or no preference")
        return ""


def _time(text: str) -> dt.datetime | None:
    """A submission time written the ISO way (as an XLSX date reads), else None: the row order decides."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment.astimezone(dt.UTC).replace(tzinfo=None)


# --- joining them to the roster ---------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    """The applications each roster row has (one, the latest, per person), and what the join found."""

    by_row: dict[int, Answer]
    """Roster row -> the application used for that person."""
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    duplicates: int
    """Applications left out because the same person applied again later."""


@dataclass(frozen=True)
class RosterKeys:
    """What the join needs of the roster: its rows by id and by e-mail address, and the roles it gives."""

    file: str
    ids: dict[str, int]
    """Employee id -> roster row."""
    emails: dict[str, tuple[int, str]]
    """E-mail address (lowercase) -> (roster row, id)."""
    roles: dict[int, str]
    """Roster row -> the role the roster gives ('' for none)."""


def join(applications: Applications, roster: RosterKeys) -> Joined:
    """Each application joined to its roster row: by id when it gives one, else by e-mail address.

    An applicant the roster does not hold, an id and an e-mail naming two people, a role the roster
    contradicts: each is a problem of its row (the rows' own problems are the Applications'). Two applications from one person: the one submitted
    later (the later row when the times cannot be read) is used, and the other is warned about.
    """
    file = applications.file
    problems: list[Problem] = []
    warnings: list[Problem] = []
    chosen: dict[int, Answer] = {}
    suggested = 0

    def error(row: int, message: str, fix: str) -> None:
        problems.append(Problem(file, f"row {row}: {message}", fix, row))

    for answer in applications.answers:
        at_id = roster.ids.get(answer.id) if answer.id else None
        at_email = roster.emails.get(answer.email.casefold()) if answer.email else None
        if answer.id and at_id is None:
            if at_email is not None:
                error(answer.row, f"{ID} '{answer.id}' is in no row of the roster ({roster.file}); its {EMAIL}"
                      f" '{answer.email}' is on the roster's row {at_email[0]}, under id '{at_email[1]}'",
                      "correct the id, or leave it empty to join the application by its e-mail address")
            else:
                hint = did_you_mean(answer.id, list(roster.ids)) if suggested < 20 else ""
                suggested += 1
                error(answer.row, f"{ID} '{answer.id}' is in no row of the roster ({roster.file})",
                      f"{hint}correct the id, add the person to the roster, or delete the application")
            continue
        if at_id is None and at_email is None:
            hint = did_you_mean_address(answer.email, list(roster.emails)) if suggested < 20 else ""
            suggested += 1
            error(answer.row, f"{EMAIL} '{answer.email}' is in no row of the roster ({roster.file})",
                  f"{hint}write the address the roster has, add the person to the roster, or delete the application")
            continue
        if at_id is not None and at_email is not None and at_email[0] != at_id:
            error(answer.row, f"{ID} '{answer.id}' is the roster's row {at_id}, but {EMAIL} '{answer.email}' is its"
                  f" row {at_email[0]} (id '{at_email[1]}')", "correct one of the two: they must name the same person")
            continue
        row = at_id if at_id is not None else at_email[0] if at_email is not None else 0
        given = roster.roles.get(row, "")
        if given and answer.role and given != answer.role:
            error(answer.row, f"{ROLE} '{answer.role}' but the roster's row {row} has them as {given}",
                  "correct one of the two; with --applications the roster needs no role column")
            continue
        earlier = chosen.get(row)
        if earlier is None:
            chosen[row] = answer
            continue
        later, dropped, how = _later(earlier, answer)
        chosen[row] = later
        warnings.append(Problem(file, f"row {dropped.row}: {dropped.who} applied again on row {later.row}; the"
                                f" application on row {later.row}, {how}, is used", "delete the application that is"
                                " not meant, and this warning goes", dropped.row, warning=True))
    return Joined(chosen, tuple(in_row_order(problems)), tuple(in_row_order(warnings)), len(warnings))


def _later(first: Answer, second: Answer) -> tuple[Answer, Answer, str]:
    """(the application used, the one dropped, why): the later submission time, else the later row."""
    if first.submitted is not None and second.submitted is not None and first.submitted != second.submitted:
        if second.submitted > first.submitted:
            return second, first, "submitted later"
        return first, second, "submitted later"
    return second, first, "later in the file"
