"""The roster: an HR export read, checked row by row, and turned into people and their chains.

Why a module of its own: a bad roster must be reported completely (every bad row, at once)
before any pairing starts, and nothing here needs numpy, so checking stays fast and light.
People with an empty role take no part: they are read only to complete management chains,
as an export of a whole organisation would list them. Given an applications export
(applications.py), each applicant's answers (role, topics, languages, capacity, a manager's
consent) take the place of the roster's cells on their row, and every rule below checks them
there; the roster then needs no role, offers or wants column of its own.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import os
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import Problem, RosterError, character_name, hidden_character
from ..files.tables import Table, in_row_order, loose_name, read_table
from ..program.model import Columns, Matching, Program, Terminology
from .applications import Answer, Applications, Joined, RosterKeys, join, read_applications
from .cells import MENTEE, MENTOR, consent, did_you_mean, listing, role_names, split_list

__all__ = ["MENTEE", "MENTOR", "Person", "Roster", "read_roster", "split_list", "utc_offset"]
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+\-\u2212])\s*(\d{1,2})(?:[:.h]?(\d{2}))?$", re.IGNORECASE)
_HOURS = re.compile(r"^[+\-]?\d{1,2}(?:\.\d+)?$")
DEFAULT_DATE = dt.date(2027, 1, 15)
"""The day UTC offsets are read on when no program gives a start date (northern winter time)."""


@dataclass(frozen=True)
class Person:
    """One roster row: who they are, their side of a pair, and what matching needs to know."""

    row: int
    """Row number as a spreadsheet shows it (the header is row 1)."""
    id: str
    name: str
    email: str
    role: str
    """'mentor', 'mentee', or '' for someone who only completes the management chain."""
    level: float | None
    department: str
    manager_id: str
    """The manager's id as the roster gives it ('' for none)."""
    time_zone: str
    utc_offset: float | None
    """Hours from UTC on the program's start date, or None when not given."""
    offers: tuple[str, ...]
    wants: tuple[str, ...]
    languages: tuple[str, ...]
    capacity: int
    """Mentees this mentor can take (0 for mentees and for people taking no part)."""
    styles: tuple[str, ...] = ()
    """A mentor's style names, from their application's self-assessment (several when tied)."""
    wants_style: str = ""
    """The kind of mentor (a style's name) a mentee asked for in their application ('' for none)."""
    availability: tuple[str, ...] = ()
    """When they could usually meet, from their application."""
    meeting_format: str = ""
    """How they would rather meet (in-person, remote, hybrid), from their application ('' for no preference)."""
    manager_consent: bool | None = None
    """Whether their line manager has agreed: True, False, or None when not recorded."""
    applied: int = 0
    """The row of their application in the applications export (0 for none)."""


@dataclass(frozen=True)
class Applied:
    """What an applications export brought to a roster."""

    file: str
    used: int
    """Applications joined to a roster row (one per person)."""
    duplicates: int
    """Applications left out because the same person applied again later."""
    header_row: int = 1
    above_header: int = 0


@dataclass(frozen=True)
class Roster:
    """A checked roster: everyone in it, the two sides sorted by id, and what to warn about."""

    file: str
    people: tuple[Person, ...]
    mentors: tuple[Person, ...]
    """Sorted by id, so the order of the rows never changes the pairs."""
    mentees: tuple[Person, ...]
    managers: dict[str, str] = field(repr=False)
    """id -> manager's id, only for managers found in the roster (the chain stops at others)."""
    warnings: tuple[Problem, ...] = ()
    header_row: int = 1
    """The row the header was read from (as a spreadsheet numbers it)."""
    above_header: int = 0
    """Rows with text above the header, passed over (a title, a note)."""
    consent_known: bool = False
    """Whether line managers' consent is recorded at all (a manager_consent column in the roster or the applications)."""
    applied: Applied | None = None
    """The applications export joined to the roster, if one was."""

    def chain(self, person_id: str) -> list[str]:
        """The ids up a person's management chain, nearest manager first."""
        up = []
        current = self.managers.get(person_id)
        while current is not None:
            up.append(current)
            current = self.managers.get(current)
        return up


def utc_offset(text: str, on: dt.date) -> float | None:
    """Hours from UTC for an IANA time zone (on the given day) or an offset like +5:30; None if neither."""
    value = text.strip().replace("\u2212", "-")
    if value.casefold() in ("utc", "gmt", "z"):
        return 0.0
    match = _OFFSET.match(value)
    if match:
        sign = -1 if match.group(1) in "-\u2212" else 1
        hours = int(match.group(2)) + int(match.group(3) or 0) / 60
        return sign * hours if hours <= 14 else None
    if _HOURS.match(value):
        hours = float(value)
        return hours if abs(hours) <= 14 else None
    name = _zone_name(value)
    if name is None:
        return None
    offset = dt.datetime.combine(on, dt.time(12), zoneinfo.ZoneInfo(name)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else None


def _zone_name(value: str) -> str | None:
    """The IANA name as zoneinfo knows it, forgiving the case ('europe/london')."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return _zone_names().get(value.casefold())
    return value


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _required(matching: Matching, applications: Applications | None = None, applying: bool = False) -> dict[str, str]:
    """Columns the roster must have, each with the rule that needs it ('' when matching always does).
    What an applications export holds (the role, the topics, the consent) the roster need not:
    `applying` says one is given (`applications` is None when it could not be read)."""
    rules = matching.rules
    applying = applying or applications is not None
    needed = {"id": "", "name": "", "manager_id": ""}
    if not applying:
        needed["role"] = ""
    if rules.shared_topic and not applying:
        needed["offers"] = needed["wants"] = "matching.rules.shared_topic"
    if rules.mentor_junior:
        needed["level"] = "matching.rules.mentor_junior"
    if rules.different_department:
        needed["department"] = "matching.rules.different_department"
    if rules.shared_language:
        needed["languages"] = "matching.rules.shared_language"
    if rules.manager_consent and not (applying and (applications is None or applications.asks_consent)):
        needed["manager_consent"] = "matching.rules.manager_consent"
    if applications is not None and any(not answer.id for answer in applications.answers):
        needed["email"] = ""  # the applications without an id are joined by e-mail address
    return needed


def _locate_columns(table: Table, columns: Columns, needed: dict[str, str], program_file: str) -> dict[str, int]:
    """Where each mapped column is in the header (exact name first, then ignoring case and spaces)."""
    exact = {name: index for index, name in enumerate(table.header) if name}
    loose = {_loose(name): index for index, name in reversed(list(enumerate(table.header))) if name}
    found: dict[str, int] = {}
    missing = []
    for key in Columns.model_fields:
        name = getattr(columns, key)
        index = exact.get(name, loose.get(_loose(name)))
        if index is not None:
            found[key] = index
        elif key in needed:
            missing.append((key, name))
    if missing:
        names = ", ".join(f"'{name}'" for _, name in missing)
        plural = "s" if len(missing) > 1 else ""
        header = ", ".join(f"'{name}'" for name in table.header if name)
        key, name = missing[0]
        where = program_file or "program.yaml"
        fix = (f"rename the roster's column{plural} to {'these names' if plural else 'this name'}, or map"
               f" {'them' if plural else 'it'} to the roster's own names in {where}, e.g."
               f" matching: {{columns: {{{key}: <the roster's name for it>}}}}")
        by_rule: dict[str, list[str]] = {}
        for key, name in missing:
            if needed[key]:
                by_rule.setdefault(needed[key], []).append(f"'{name}'")
        for rule, names_of in by_rule.items():
            fix += (f"; {' and '.join(names_of)} {'are' if len(names_of) > 1 else 'is'} needed by {rule}"
                    " (or set that rule to false)")
        raise RosterError(Problem(table.file, f"row {table.header_row}: missing column{plural} {names}; the columns"
                                  f" found are: {header}", fix, table.header_row))
    return found


def _loose(name: str) -> str:
    return loose_name(name)


def read_roster(
    path: str | os.PathLike[str],
    matching: Matching | None = None,
    *,
    sheet: str | None = None,
    start_date: dt.date | None = None,
    terminology: Terminology | None = None,
    program_file: str = "",
    header_row: int | None = None,
    applications: str | os.PathLike[str] | None = None,
    program: Program | None = None,
) -> Roster:
    """Read and check a roster; raises RosterError listing every bad row (the cells the table
    reader found bad among them, in row order), warnings are returned.

    `header_row` names the header's row (else it is found: see files/tables.py). With
    `applications`, an applications export is read (against `program`'s application section)
    and joined to the roster: its problems follow the roster's, in its own row order.
    """
    matching = matching or Matching()
    terminology = terminology or Terminology()
    table = read_table(path, sheet=sheet, what="roster", header_row=header_row,
                       expect=tuple(getattr(matching.columns, key) for key in Columns.model_fields))
    read: Applications | None = None
    after: list[Problem] = []
    if applications is not None:
        try:
            read = read_applications(applications, program, terminology)
        except RosterError as error:
            after.extend(error.problems)
    try:
        with table.reporting(RosterError):
            roster = _check(table, matching, start_date, terminology, program_file, read, after,
                            applying=applications is not None)
    except RosterError as error:
        raise RosterError([*error.problems, *after]) from None
    if after:
        raise RosterError(after)
    return roster


def _expected_keys(table: Table, where: dict[str, int], roles: dict[str, str]) -> RosterKeys:
    """The roster's rows by id and by e-mail address, and the role each gives, for joining applications."""
    ids: dict[str, int] = {}
    emails: dict[str, tuple[int, str]] = {}
    given: dict[int, str] = {}
    for row, cells in table.rows:
        person_id = cells[where["id"]] if "id" in where else ""
        if not person_id or person_id in ids:
            continue
        ids[person_id] = row
        email = cells[where["email"]].casefold() if "email" in where else ""
        if email:
            emails.setdefault(email, (row, person_id))
        role_text = cells[where["role"]] if "role" in where else ""
        given[row] = roles.get(" ".join(role_text.split()).casefold(), "")
    return RosterKeys(table.file, ids, emails, given)


def _check(table: Table, matching: Matching, start_date: dt.date | None, terminology: Terminology,
           program_file: str, applications: Applications | None = None,
           after: list[Problem] | None = None, applying: bool = False) -> Roster:
    """The roster's own rules over every row (each applicant's answers in place of their row's
    cells); raises RosterError listing every broken one. The applications' problems go to `after`."""
    after = after if after is not None else []
    needed = _required(matching, applications, applying)
    if applications is not None:
        after.extend(applications.problems)
    where = _locate_columns(table, matching.columns, needed, program_file)
    header = table.header
    rules = matching.rules
    roles = role_names(terminology)
    joined: Joined | None = None
    if applications is not None:
        joined = join(applications, _expected_keys(table, where, roles))
        after[:] = in_row_order([*after, *joined.problems])
    answers: dict[int, Answer] = joined.by_row if joined is not None else {}
    bands = {loose_name(band): float(place) for place, band in enumerate(matching.levels, start=1)}
    on = start_date or DEFAULT_DATE
    problems: list[Problem] = []
    warnings: list[Problem] = list(joined.warnings) if joined is not None else []
    people: list[Person] = []
    first_row: dict[str, int] = {}
    first_email: dict[str, tuple[int, str]] = {}
    offsets: dict[str, float | None] = {}

    def error(row: int, message: str, fix: str) -> None:
        problems.append(Problem(table.file, f"row {row}: {message}", fix, row))

    if not table.rows:
        raise RosterError(Problem(table.file, "has a header row but no people",
                                  "add one row per person below the header", table.header_row))
    for row, cells in table.rows:
        answer = answers.get(row)

        def cell(key: str, cells: tuple[str, ...] = cells, answer: Answer | None = answer) -> str:
            if answer is not None and key in answer.values:
                return answer.values[key]
            index = where.get(key)
            return cells[index] if index is not None else ""

        def col(key: str) -> str:
            return header[where[key]] if key in where else key

        person_id = cell("id")
        if not person_id:
            error(row, f"{col('id')} is empty", "give every person their own id, or delete the row")
            continue
        if person_id in first_row:
            error(row, f"{col('id')} '{person_id}' is already used on row {first_row[person_id]}",
                  "give every person their own id; remove or merge the repeated row")
            continue
        first_row[person_id] = row
        for key in ("id", "manager_id", "email"):
            hidden = hidden_character(cell(key))
            if hidden and (row, where.get(key)) not in table.flagged:
                error(row, f"{col(key)} '{cell(key)}' holds an invisible character ({character_name(hidden)})",
                      "retype it: with that character it looks right but matches no other id or address")
        email = cell("email").casefold()
        if email and email in first_email:
            other_row, other_id = first_email[email]
            error(row, f"{col('email')} '{cell('email')}' is already on row {other_row}, under {col('id')}"
                  f" '{other_id}': one person listed twice", "keep one row per person (merge the two rows), or"
                  " correct the e-mail address: one person under two ids could be paired with themselves")
        elif email:
            first_email[email] = (row, person_id)
        role_text = cell("role")
        role = roles.get(" ".join(role_text.split()).casefold(), "") if role_text else ""
        if role_text and not role:
            error(row, f"{col('role')} '{role_text}' is not {MENTOR} or {MENTEE}", _role_fix(role_text, terminology))
        level: float | None = None
        capacity = 0
        offset: float | None = None
        agreed: bool | None = None
        if role_text:  # an unknown role is reported, and the row's other values are checked all the same
            if not cell("name"):
                error(row, f"{col('name')} is empty", "give every mentor and mentee a name")
            level_text = cell("level")
            if level_text and bands:
                level = bands.get(loose_name(level_text))
                if level is None:
                    number = " (with matching.levels, a level names a band, not a number)" if _number(level_text) else ""
                    error(row, f"{col('level')} '{level_text}' is not one of the bands of matching.levels{number}",
                          f"{did_you_mean(level_text, matching.levels)}write one of {listing(matching.levels)}, or add"
                          " the band to matching.levels in program.yaml, in its place from the most junior to the most"
                          " senior")
            elif level_text:
                level = _number(level_text)
                if level is None:
                    error(row, f"{col('level')} '{level_text}' is not a number",
                          "write seniority as a number, higher for more senior (e.g. 2 for a graduate, 6 for a"
                          " director), or list the roster's bands in order, most junior first, as matching.levels in"
                          " program.yaml")
            elif rules.mentor_junior:
                error(row, f"{col('level')} is empty", "write this person's seniority as a number (higher is more"
                      " senior)" + (" or one of the bands of matching.levels" if bands else "")
                      + ": matching.rules.mentor_junior compares the levels of mentor and mentee")
            zone = cell("time_zone")
            if zone:
                if zone not in offsets:
                    offsets[zone] = utc_offset(zone, on)
                offset = offsets[zone]
                if offset is None:
                    error(row, f"{col('time_zone')} '{zone}' is not a time zone", "write an IANA time zone such as"
                          " Europe/London or America/New_York, or an offset from UTC such as +5:30 or -3, or leave it empty")
            consent_text = cell("manager_consent")
            try:
                agreed = consent(consent_text)
            except ValueError:
                error(row, f"{col('manager_consent')} '{consent_text}' is not yes or no", "write yes or no, or leave it"
                      " empty if the line manager has not been asked yet")
        if role == MENTOR:
            capacity = _capacity(cell("capacity"), col("capacity"), matching.default_capacity, row, error)
        people.append(Person(
            row=row, id=person_id, name=cell("name"), email=cell("email"), role=role, level=level,
            department=" ".join(cell("department").split()), manager_id=cell("manager_id"),
            time_zone=cell("time_zone"), utc_offset=offset, offers=split_list(cell("offers")),
            wants=split_list(cell("wants")), languages=split_list(cell("languages")), capacity=capacity,
            styles=answer.styles if answer else (), wants_style=answer.wants_style if answer else "",
            availability=answer.availability if answer else (), meeting_format=answer.meeting_format if answer else "",
            manager_consent=agreed, applied=answer.row if answer else 0,
        ))
    managers = _managers(table.file, people, col_name=header[where["manager_id"]], problems=problems,
                         warnings=warnings)
    if not problems and not table.problems and not after:  # a bad row may be the one mentor or mentee
        for role, noun in ((MENTOR, "mentors"), (MENTEE, "mentees")):
            if not any(person.role == role for person in people):
                name = terminology.mentor if role == MENTOR else terminology.mentee
                spelt = f"{role}" + (f" (or {name})" if name.casefold() != role else "")
                if applications is not None:
                    problems.append(Problem(table.file, f"no one applied as {role} (in {applications.file}) or has"
                                            f" that role in the roster, so there are no {noun} to pair",
                                            f"check that the applications export is the whole of it; its role column"
                                            f" says {spelt} for the {noun}", None))
                    continue
                problems.append(Problem(table.file, f"no one has the role {role} (column '{header[where['role']]}'),"
                                        f" so there are no {noun} to pair", f"write {spelt}"
                                        f" in the role column of the {noun}' rows", None))
    if problems:
        raise RosterError(sorted(problems, key=lambda p: (p.line or 0)))
    mentors = tuple(sorted((p for p in people if p.role == MENTOR), key=lambda p: p.id))
    mentees = tuple(sorted((p for p in people if p.role == MENTEE), key=lambda p: p.id))
    warnings.sort(key=lambda p: (p.file != table.file, p.line or 0))
    applied = None
    if applications is not None and joined is not None:
        applied = Applied(applications.file, len(joined.by_row), joined.duplicates, applications.table.header_row,
                          applications.table.above_header)
    known = "manager_consent" in where or (applications is not None and applications.asks_consent)
    return Roster(table.file, tuple(people), mentors, mentees, managers, tuple(warnings), table.header_row,
                  table.above_header, known, applied)


def _role_fix(text: str, terminology: Terminology) -> str:
    options = [MENTOR, MENTEE, terminology.mentor, terminology.mentee]
    close = difflib.get_close_matches(text.casefold(), [o.casefold() for o in options], n=1, cutoff=0.6)
    guess = ""
    if close:
        guess = f"did you mean '{next(o for o in options if o.casefold() == close[0])}'? "
    names = ""
    if terminology.mentor.casefold() != MENTOR or terminology.mentee.casefold() != MENTEE:
        names = f" (or this program's names, {terminology.mentor} and {terminology.mentee})"
    return (f"{guess}write {MENTOR} or {MENTEE}{names}, or leave it empty for someone who takes no part"
            " and only completes the management chain")


def _capacity(text: str, column: str, default: int, row: int, error: Callable[[int, str, str], None]) -> int:
    fix = f"write how many mentees this mentor can take, a whole number such as 2 (empty means the default, {default})"
    if not text:
        return default
    value = _number(text)
    if value is None:
        error(row, f"{column} '{text}' is not a number", fix)
    elif not value.is_integer():
        error(row, f"{column} '{text}' is not a whole number", fix)
    elif value < 0:
        error(row, f"{column} '{text}' is negative", fix)
    else:
        return int(value)
    return 0


def _managers(
    file: str, people: Iterable[Person], *, col_name: str, problems: list[Problem], warnings: list[Problem]
) -> dict[str, str]:
    """Each person's manager (when in the roster); unknown managers warn, cycles are errors."""
    people = list(people)
    ids = {person.id for person in people}
    managers: dict[str, str] = {}
    unknown: dict[str, list[int]] = {}
    for person in people:
        boss = person.manager_id
        if not boss:
            continue
        if boss == person.id:
            warnings.append(Problem(file, f"row {person.row}: {col_name} is the person's own id; read as having no"
                                    " manager", f"leave {col_name} empty for the top of the organisation",
                                    person.row, warning=True))
        elif boss in ids:
            managers[person.id] = boss
        else:
            unknown.setdefault(boss, []).append(person.row)
    for boss, rows in unknown.items():
        also = f" (also on row{'s' if len(rows) > 2 else ''} {', '.join(map(str, rows[1:]))})" if len(rows) > 1 else ""
        warnings.append(Problem(file, f"row {rows[0]}: {col_name} '{boss}' is not an id in the roster{also}; the"
                                " management chain stops there", "add that manager's row (with an empty role) so"
                                " the whole chain is known, or correct the id", rows[0], warning=True))
    row_of = {person.id: person.row for person in people}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in (person.id for person in people):
        path: list[str] = []
        current: str | None = start
        while current is not None and state.get(current, 0) == 0:
            state[current] = 1
            path.append(current)
            current = managers.get(current)
        if current is not None and state.get(current) == 1:
            cycle = path[path.index(current):]
            first = min(cycle, key=lambda pid: row_of[pid])
            turn = cycle.index(first)
            ordered = cycle[turn:] + cycle[:turn] + [first]
            on_rows = ", ".join(str(row_of[pid]) for pid in ordered[:-1])
            problems.append(Problem(file, f"row {row_of[first]}: management cycle through {col_name}: "
                                    + " -> ".join(ordered) + f" (rows {on_rows})", f"correct the {col_name} of one of"
                                    " these people: a chain must end at someone with no manager", row_of[first]))
        for pid in path:
            state[pid] = 2
    return managers
