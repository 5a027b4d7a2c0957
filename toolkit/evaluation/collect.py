"""Returned forms in, a tracker, survey responses and a progress page out: `revmentor collect`.

`prepare_collect` reads every file in the folders (and files) given, without changing one:
each PDF is opened with pikepdf, known by the identity written into it when it was made
(identity.py: form kind, program, round, check-in, side, pair), never by its file name, and
read by its field names (templates/forms/*.html.j2). A hand-kept `meetings.csv` (pair,
checkin, date) adds meetings no pair record came back for. Every file ends up as one line of
the account (`FileLine`): read, or why not (not one of ours, another program's, flattened or
scanned so it needs entering by hand, encrypted, damaged, replaced by a later copy of the same
form, not a PDF). Nothing a file holds can make the run fail.

`write_collect` writes, into a private folder (default private/collect, never inside the site
nor over an input): `tracker.xlsx` (pairs by check-ins, goal progress, agreed actions, pulse
flags, the files), `responses/<survey>.csv` in the format `revmentor report` reads, and
`progress.html`, a standalone page of figures and small inline charts as of `--as-of`.

Pulses are private to the coordinator: the tracker and the page carry their scores and flags,
never what was written on them; the file to read is named instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, RosterError, StrictWarnings
from ..files.output import OS_FILES, staged_output
from ..files.paths import default_output, display_path
from ..files.tables import Sheet, csv_bytes, read_table, xlsx_bytes
from ..pairing.pairs import read_pairs
from ..program.model import Program
from ..program.validate import load_program
from ..render.i18n import translator
from ..render.templating import environment, render
from ..render.text import format_date
from .identity import INFO_KEY, FormIdentity, parse_identity, program_digest
from .responses import template_header

COMMAND = "collect"
TEMPLATE = "collect/progress.html.j2"
TRACKER = "tracker.xlsx"
PROGRESS = "progress.html"
RESPONSES = "responses"
MEETINGS = "meetings.csv"
"""The hand-kept file of meetings: columns pair, checkin, date (YYYY-MM-DD)."""
GRACE_DAYS = 7
"""Days after a check-in's planned date before a pair without a record of it counts as overdue."""
PROGRESS_LABELS = ("Not started", "Started", "Making progress", "Nearly there", "Achieved")
"""The check-in form's goal-progress scale (outputs/forms/plan.py's PROGRESS), lowest first."""
LOW_PULSE = 2
"""A pulse answer at or below this (on 1-5) asks the coordinator to look at the pairing."""
GOAL_SLOTS = 3
ACTION_ROWS = 5

# What became of a file: the status words of the account.
READ = "read"
BY_HAND = "needs entering by hand"
NOT_OURS = "not one of this program's forms"
OTHER_PROGRAM = "a form of another program"
ENCRYPTED = "encrypted"
DAMAGED = "damaged"
REPLACED = "replaced by a later copy"
EMPTY = "nothing filled in"
NOT_READ = "not read by collect"
IGNORED = "ignored: not a PDF"
BAD_ROWS = "rows left out"

_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


@dataclass(frozen=True)
class FileLine:
    """One file read (or not) and what it was: a line of the tracker's Files sheet and the page."""

    file: str
    status: str
    what: str = ""
    """What the form is, e.g. "pair record, check-in 2, pair R1-P001"."""
    fix: str = ""


@dataclass(frozen=True)
class PairRecord:
    """A returned check-in pair record."""

    pair: str
    checkin: int
    file: str
    date: dt.date | None
    date_text: str
    minutes: str
    progress: tuple[tuple[str, int, str, int], ...]
    """(side, slot, goal text, rating 1-5) for every goal whose progress was ticked."""
    actions: tuple[tuple[str, str, str], ...]
    """(action, owner, due) for every action written."""
    signed: tuple[str, ...]
    """The sides that signed."""


@dataclass(frozen=True)
class PulseRecord:
    """A returned pulse: its scores and flags, never its words."""

    pair: str
    checkin: int
    side: str
    file: str
    working: int | None
    comfortable: int | None
    contact: bool
    contact_how: str

    @property
    def flags(self) -> tuple[str, ...]:
        """Why the coordinator should look: asked for contact, or a low answer."""
        found = []
        if self.contact:
            found.append("asks to be contacted")
        if self.working is not None and self.working <= LOW_PULSE:
            found.append(f"partnership working: {self.working} of 5")
        if self.comfortable is not None and self.comfortable <= LOW_PULSE:
            found.append(f"comfortable speaking up: {self.comfortable} of 5")
        return tuple(found)


@dataclass(frozen=True)
class Meeting:
    """A check-in held: from a pair record or a row of meetings.csv."""

    pair: str
    checkin: int
    date: dt.date | None
    source: str


@dataclass(frozen=True)
class PlannedCheckin:
    number: int
    week: int
    date: dt.date
    round: int


@dataclass(frozen=True)
class PairProgress:
    """One pair's check-ins as of the day: planned, held, overdue."""

    pair: str
    round: int
    planned: tuple[PlannedCheckin, ...]
    held: Mapping[int, Meeting]
    due: tuple[int, ...]
    """Check-ins planned on or before the day."""
    overdue: tuple[int, ...]
    """Due check-ins more than GRACE_DAYS past with no record."""
    agreement: bool


@dataclass
class Collected:
    """Everything read from the returned forms."""

    program: Program
    as_of: dt.date
    files: list[FileLine] = field(default_factory=list)
    records: dict[tuple[str, int], PairRecord] = field(default_factory=dict)
    pulses: dict[tuple[str, int, str], PulseRecord] = field(default_factory=dict)
    agreements: dict[str, str] = field(default_factory=dict)
    """Pair -> the agreement's file."""
    surveys: dict[str, list[tuple[str, str, dict[str, int | str]]]] = field(default_factory=dict)
    """Survey id -> (respondent id, role id, answers) per returned survey form."""
    meetings: list[Meeting] = field(default_factory=list)
    """Rows of meetings.csv."""
    rounds: dict[str, int] = field(default_factory=dict)
    """Pair -> its round, from its forms' identities."""
    expected: tuple[str, ...] = ()
    """Pair ids of the pairs file, when one was given: a pair that returned nothing is still counted."""
    warnings: list[Problem] = field(default_factory=list)

    def planned(self) -> list[PlannedCheckin]:
        """Every scheduled check-in of the program."""
        program = self.program
        made = []
        for number, (week, date, _) in enumerate(program.checkin_dates(), start=1):
            owner = program.checkin_round(number)
            made.append(PlannedCheckin(number, week, date, owner.number if owner else 1))
        return made

    def pairs(self) -> list[PairProgress]:
        """Every pair of the pairs file or seen in a returned form or meetings.csv, with its check-ins as of the day."""
        planned = self.planned()
        held: dict[str, dict[int, Meeting]] = {}
        for meeting in self.meetings:
            held.setdefault(meeting.pair, {})[meeting.checkin] = meeting
        for (pair, number), record in sorted(self.records.items()):
            held.setdefault(pair, {})[number] = Meeting(pair, number, record.date, record.file)
        names = sorted({*held, *self.agreements, *(key[0] for key in self.pulses), *self.rounds, *self.expected})
        made = []
        for pair in names:
            number = self.rounds.get(pair) or _round_of(pair) or 1
            mine = tuple(item for item in planned if item.round == number) or tuple(planned)
            due = tuple(item.number for item in mine if item.date <= self.as_of)
            late = tuple(item.number for item in mine if item.date + dt.timedelta(days=GRACE_DAYS) < self.as_of
                         and item.number not in held.get(pair, {}))
            made.append(PairProgress(pair, number, mine, held.get(pair, {}), due, late, pair in self.agreements))
        return made

    def count(self, status: str) -> int:
        return sum(1 for line in self.files if line.status == status)


def describe(identity: FormIdentity) -> str:
    """What a form is, as the account names it: "pair record, check-in 2, pair R1-P001"."""
    pair = f", pair {identity.pair}" if identity.pair else ""
    checkin = f", check-in {identity.checkin}" if identity.checkin else ""
    if identity.kind == "checkin":
        return f"pair record{checkin}{pair}"
    if identity.kind == "pulse":
        return f"{identity.side or ''} pulse{checkin}{pair}".strip()
    if identity.kind == "agreement":
        return f"agreement{pair}"
    if identity.kind == "survey":
        return f"survey {identity.survey or ''}".strip()
    if identity.kind == "certificate":
        return f"{identity.side or ''} certificate{pair}".strip()
    return f"{identity.kind} form"


def _round_of(pair: str) -> int | None:
    found = re.match(r"^R([1-9][0-9]*)-", pair, re.IGNORECASE)
    return int(found.group(1)) if found else None


# --- reading one PDF -----------------------------------------------------------------------


@dataclass
class _Form:
    """A PDF form as read: its identity (or None), and its fields as text."""

    identity: FormIdentity | None
    texts: dict[str, str]
    choices: dict[str, int]
    """Radio group -> the 0-based index of the button chosen."""
    ticked: set[str]
    fields: int


def _read_pdf(data: bytes) -> _Form:
    """A PDF's identity and field values; raises pikepdf's errors for encrypted or damaged files."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = pdf.trailer.get("/Info")
        identity = None
        if info is not None and INFO_KEY in info:
            identity = parse_identity(str(info[INFO_KEY]))
        form = pdf.Root.get("/AcroForm")
        texts: dict[str, str] = {}
        choices: dict[str, int] = {}
        ticked: set[str] = set()
        count = 0
        fields = form.get("/Fields") if form is not None else None
        for item in fields if fields is not None else ():
            if not isinstance(item, pikepdf.Dictionary) or "/T" not in item:
                continue
            count += 1
            name = str(item.T)
            kind = item.get("/FT")
            value = item.get("/V")
            if kind == "/Tx":
                if isinstance(value, pikepdf.String):
                    text = str(value).strip()
                    if text:
                        texts[name] = text
            elif kind == "/Btn":
                chosen = str(value) if isinstance(value, pikepdf.Name) else ""
                kids = item.get("/Kids")
                if kids is not None:  # a radio group: the button whose appearance state is the value
                    shown = [str(kid.get("/AS", "/Off")) for kid in kids]
                    if chosen and chosen != "/Off" and chosen in shown:  # as readers save it: quick
                        choices[name] = shown.index(chosen)
                        continue
                    for index, kid in enumerate(kids):
                        states = _states(kid)
                        if (chosen and chosen != "/Off" and chosen in states) or (
                                not chosen and shown[index] != "/Off" and shown[index] in states):
                            choices[name] = index
                            break
                elif chosen and chosen != "/Off":
                    ticked.add(name)
        return _Form(identity, texts, choices, ticked, count)


def _states(widget: Any) -> set[str]:
    appearance = widget.get("/AP")
    normal = appearance.get("/N") if appearance is not None else None
    try:
        return {str(key) for key in normal} - {"/Off"} if normal is not None else set()
    except AttributeError:  # a stream, not a dictionary of states
        return set()


def _date(text: str, language: str = "en") -> dt.date | None:
    """A meeting date as people write it: 2027-03-03, Wed 3 Mar 2027, 3 March 2027, 03/03/2027 (day first),
    or as the pair pack wrote it in the program's `language`: Mon, Mar 3, 2027, lun. 3 mars 2027, Mo., 3. März 2027."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    found = re.fullmatch(r"(?:[A-Za-z]+,?\s+)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?,?\s+(\d{4})", text)
    if found and found.group(2).lower() in _MONTHS:
        try:
            return dt.date(int(found.group(3)), _MONTHS[found.group(2).lower()], int(found.group(1)))
        except ValueError:
            return None
    found = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if found:
        try:
            return dt.date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        except ValueError:
            return None
    return _local_date(text, language)


def _local_date(text: str, language: str) -> dt.date | None:
    """A date with its month named in the program's language, day first or month first."""
    months = _month_names(language)
    day_first = re.search(r"(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]+)\.?,?\s+(?:de\s+)?(\d{4})", text)
    month_first = re.search(r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})", text)
    if day_first and day_first.group(2).lower() in months:
        day, month, year = day_first.group(1), day_first.group(2), day_first.group(3)
    elif month_first and month_first.group(1).lower() in months:
        month, day, year = month_first.group(1), month_first.group(2), month_first.group(3)
    else:
        return None
    try:
        return dt.date(int(year), months[month.lower()], int(day))
    except ValueError:
        return None


def _month_names(language: str) -> dict[str, int]:
    """Month name (wide and abbreviated, without a final dot) -> number, in the program's language."""
    locale = translator(language).locale
    names: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                names[name.lower().rstrip(".")] = number
    return names


@dataclass(frozen=True)
class _Loaded:
    """One file as read, before it is accounted for: what `_load` returns, from this process or a worker."""

    path: Path
    status: str = ""
    """"" for a PDF read, MEETINGS for a meetings file, else IGNORED, ENCRYPTED or DAMAGED."""
    what: str = ""
    fix: str = ""
    form: _Form | None = None
    mtime: float = 0.0
    digest: str = ""
    """sha256 of the file: a returned survey's respondent id."""


def _load(path: Path) -> _Loaded:
    """Read one file: a meetings file is left for the collector, a PDF opened and its fields read.
    Pure and picklable, so a process pool can run it; never raises."""
    if path.stem.casefold() == "meetings" and path.suffix.lower() in (".csv", ".xlsx"):
        return _Loaded(path, MEETINGS)
    try:
        with path.open("rb") as file:
            head = file.read(1024)
            if b"%PDF-" not in head:
                return _Loaded(path, IGNORED)
            data = head + file.read()
        mtime = path.stat().st_mtime
    except OSError as error:
        return _Loaded(path, DAMAGED, f"cannot be read ({error.strerror or error})",
                       "check the file's permissions, or copy it again from where it was returned")
    import pikepdf

    try:
        form = _read_pdf(data)
    except pikepdf.PasswordError:
        return _Loaded(path, ENCRYPTED, "it needs a password to open",
                       "ask the sender for a copy without a password, or enter it by hand")
    except Exception as error:  # pikepdf on a damaged file: a line of the account, never a traceback
        return _Loaded(path, DAMAGED, f"cannot be read as a PDF ({type(error).__name__})",
                       "ask the sender to send it again, or enter it by hand")
    return _Loaded(path, form=form, mtime=mtime, digest=hashlib.sha256(data).hexdigest())


PARALLEL_FROM = 200
"""Files from which they are read by a pool of processes, one per core (up to 4): opening a PDF
is most of collect's time, and pikepdf holds the interpreter while it does."""


def _quiet() -> None:
    """In a worker: stop signals are the main process's to handle (it stops the pool)."""
    import signal

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)


def _load_all(paths: Sequence[Path]) -> Iterable[_Loaded]:
    """Every file loaded, in order: in this process, or by a process pool for many files. A pool
    that cannot start or breaks leaves the rest to this process."""
    workers = min(4, os.cpu_count() or 1)
    if len(paths) < PARALLEL_FROM or workers < 2:
        yield from map(_load, paths)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    pool = None
    try:
        pool = ProcessPoolExecutor(workers, initializer=_quiet)
        for loaded in pool.map(_load, paths, chunksize=16):
            done += 1
            yield loaded
    except (BrokenProcessPool, OSError):
        yield from map(_load, paths[done:])
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


class _Collector:
    def __init__(self, program: Program, as_of: dt.date) -> None:
        self.program = program
        self.digest = program_digest(program)
        self.out = Collected(program, as_of)
        self.seen: dict[tuple[Any, ...], tuple[str, float]] = {}
        """A form's key -> (the file it came from, its modification time): for the same form twice."""
        self.lines: dict[str, int] = {}
        """File -> its line in out.files."""
        self.surveys = {survey.id: survey for survey in program.feedback.surveys}
        self.questions = {question.id: question for question in program.feedback.questions}

    def line(self, line: FileLine) -> None:
        self.lines[line.file] = len(self.out.files)
        self.out.files.append(line)
        if line.status not in (READ,):
            self.out.warnings.append(Problem(line.file, f"{line.status}{': ' + line.what if line.what else ''}",
                                             line.fix, warning=True))

    def take(self, loaded: _Loaded) -> None:
        """Account for one file as `_load` found it."""
        path, shown = loaded.path, display_path(loaded.path)
        if loaded.status == MEETINGS:
            self.meetings(path, shown)
            return
        if loaded.status == IGNORED:
            self.out.files.append(FileLine(shown, IGNORED, "", f"collect reads PDF forms and a {MEETINGS}"))
            return
        if loaded.status or loaded.form is None:
            self.line(FileLine(shown, loaded.status or DAMAGED, loaded.what, loaded.fix))
            return
        form, mtime = loaded.form, loaded.mtime
        identity = form.identity
        if identity is None:
            if form.fields == 0:
                self.line(FileLine(shown, BY_HAND, "a PDF with no form fields (printed, scanned or flattened)",
                                   "type its answers into a fresh form, or add the meeting to meetings.csv"))
            else:
                self.line(FileLine(shown, NOT_OURS, "a PDF form revmentor did not make",
                                   "if it is a returned form, ask for the one from the pair pack or the handbook"))
            return
        if identity.program != self.digest:
            self.line(FileLine(shown, OTHER_PROGRAM, f"{describe(identity)}, made for another program (or before the"
                               " program's name or organisation changed)",
                               "collect each program's forms with its own program.yaml (--program)"))
            return
        if form.fields == 0:
            self.line(FileLine(shown, BY_HAND, f"{describe(identity)}, its fields flattened",
                               "type its answers into a fresh form, or add the meeting to meetings.csv"))
            return
        if identity.kind == "checkin":
            self.checkin(shown, mtime, identity, form)
        elif identity.kind == "pulse":
            self.pulse(shown, mtime, identity, form)
        elif identity.kind == "agreement":
            pair = identity.pair or form.texts.get("pair_id", "")
            if not pair:
                self.line(FileLine(shown, BY_HAND, "an agreement with no pair id", "write the pair's id in its Pair"
                                   " field, as on the pair's other forms"))
                return
            if self.first(("agreement", pair), shown, mtime, f"agreement of pair {pair}"):
                self.out.agreements[pair] = shown
                if identity.round:
                    self.out.rounds.setdefault(pair, identity.round)
        elif identity.kind == "survey":
            self.survey(shown, loaded.digest, identity, form)
        else:
            self.out.files.append(FileLine(shown, NOT_READ, describe(identity), "nothing to collect from it"))

    def first(self, key: tuple[Any, ...], shown: str, mtime: float, what: str) -> bool:
        """Record a form; False when an earlier-read copy of the same form is later (this one loses)."""
        earlier = self.seen.get(key)
        if earlier is None:
            self.seen[key] = (shown, mtime)
            self.out.files.append(FileLine(shown, READ, what))
            self.lines[shown] = len(self.out.files) - 1
            return True
        other, other_mtime = earlier
        newer = mtime > other_mtime or (mtime == other_mtime and shown > other)
        loser, winner = (other, shown) if newer else (shown, other)
        fix = f"the later copy, {winner}, is used; delete the other if that is wrong, or set its date to today"
        problem = Problem(loser, f"the same form ({what}) as {winner}; the later one wins", fix, warning=True)
        self.out.warnings.append(problem)
        replaced = FileLine(loser, REPLACED, f"{what}: {winner} is used", fix)
        if newer:
            self.out.files[self.lines[other]] = replaced
            self.seen[key] = (shown, mtime)
            self.out.files.append(FileLine(shown, READ, what))
            self.lines[shown] = len(self.out.files) - 1
        else:
            self.out.files.append(replaced)
        return newer

    def checkin(self, shown: str, mtime: float, identity: FormIdentity, form: _Form) -> None:
        texts = form.texts
        pair = identity.pair or texts.get("pair_id", "")
        number = identity.checkin
        if not pair or number is None:
            self.line(FileLine(shown, BY_HAND, f"a pair record of check-in {number or '?'} with no pair id",
                               "write the pair's id in its Pair field, as on the pair's other forms"))
            return
        what = f"pair record, check-in {number}, pair {pair}"
        filled = [name for name in texts if name.startswith(("agenda_", "question_", "action_", "meeting_minutes"))
                  or name.endswith("_signature")] + list(form.choices)
        if not filled:
            self.line(FileLine(shown, EMPTY, what, "nothing to count: the record was returned blank"))
            return
        if not self.first(("checkin", pair, number), shown, mtime, what):
            return
        progress = []
        for side in ("mentee", "mentor"):
            for slot in range(1, GOAL_SLOTS + 1):
                chosen = form.choices.get(f"{side}_goal_{slot}_progress")
                if chosen is not None and 0 <= chosen < len(PROGRESS_LABELS):
                    progress.append((side, slot, texts.get(f"{side}_goal_{slot}", ""), chosen + 1))
        actions = tuple((texts.get(f"action_{row}", ""), texts.get(f"action_{row}_owner", ""),
                         texts.get(f"action_{row}_due", "")) for row in range(1, ACTION_ROWS + 1)
                        if texts.get(f"action_{row}"))
        date_text = texts.get("meeting_date", "")
        self.out.records[(pair, number)] = PairRecord(
            pair, number, shown, _date(date_text, self.program.program.language), date_text, texts.get("meeting_minutes", ""), tuple(progress),
            actions, tuple(side for side in ("mentor", "mentee") if texts.get(f"{side}_signature")))
        if identity.round:
            self.out.rounds.setdefault(pair, identity.round)

    def pulse(self, shown: str, mtime: float, identity: FormIdentity, form: _Form) -> None:
        texts = form.texts
        pair = identity.pair or texts.get("pair_id", "")
        side = identity.side or ""
        number = identity.checkin or self._checkin_number(texts.get("checkin", ""))
        if not pair:
            self.line(FileLine(shown, BY_HAND, f"a {side} pulse with no pair id",
                               "write the pair's id in its Pair field, as on the pair's other forms"))
            return
        if number is None:
            self.line(FileLine(shown, BY_HAND, f"a {side} pulse of pair {pair} that does not say which check-in it"
                               " follows", "write the check-in's number in its Check-in field (e.g. 2 of 6)"))
            return
        what = f"{side} pulse, check-in {number}, pair {pair}"
        if not form.choices and not form.ticked and not set(texts) - {"pair_id", "checkin", "name"}:
            self.line(FileLine(shown, EMPTY, what, "nothing to count: the pulse was returned blank"))
            return
        if not self.first(("pulse", pair, number, side), shown, mtime, what):
            return

        def rating(name: str) -> int | None:
            chosen = form.choices.get(name)
            return chosen + 1 if chosen is not None and 0 <= chosen < 5 else None

        self.out.pulses[(pair, number, side)] = PulseRecord(
            pair, number, side, shown, rating("working"), rating("comfortable"), "contact_me" in form.ticked,
            texts.get("contact_how", ""))
        if identity.round:
            self.out.rounds.setdefault(pair, identity.round)

    def _checkin_number(self, text: str) -> int | None:
        """A check-in as a pulse's Check-in field says it: "2 of 6, ..." or "Round 2, check-in 1 of 3, ..."."""
        found = re.match(r"\s*round\s+(\d+),\s*check-in\s+(\d+)", text, re.IGNORECASE)
        if found:
            rounds = self.program.rounds()
            number, within = int(found.group(1)), int(found.group(2))
            if 0 < number <= len(rounds) and 0 < within <= len(rounds[number - 1].checkins):
                return rounds[number - 1].checkins[within - 1]
            return None
        found = re.match(r"\s*(?:check-in\s+)?(\d+)\b", text, re.IGNORECASE)
        number = int(found.group(1)) if found else 0
        return number if 0 < number <= len(self.program.checkin_dates()) else None

    def survey(self, shown: str, digest: str, identity: FormIdentity, form: _Form) -> None:
        survey = self.surveys.get(identity.survey or "")
        if survey is None:
            self.line(FileLine(shown, NOT_OURS, f"survey '{identity.survey}', which program.yaml no longer has",
                               "enter its answers by hand, or restore the survey in feedback.surveys"))
            return
        what = f"survey {survey.id}"
        answers: dict[str, int | str] = {}
        for qid in survey.questions:
            question = self.questions.get(qid)
            if question is None:
                continue
            if question.kind == "text":
                if qid in form.texts:
                    answers[qid] = form.texts[qid]
            elif qid in form.choices:
                answers[qid] = form.choices[qid] + 1
        if not answers:
            self.line(FileLine(shown, EMPTY, what, "nothing to count: the survey was returned blank"))
            return
        respondent = "pdf-" + digest[:12]
        earlier = self.seen.get(("survey", respondent))
        if earlier is not None:
            self.line(FileLine(shown, REPLACED, f"{what}: the same file as {earlier[0]}, counted once",
                               "keep one copy of each returned survey"))
            return
        self.first(("survey", respondent), shown, 0.0, what)
        if len(survey.audience) == 1:
            role = survey.audience[0]
        else:
            chosen = form.choices.get("role")
            role = survey.audience[chosen] if chosen is not None and chosen < len(survey.audience) else ""
        self.out.surveys.setdefault(survey.id, []).append((respondent, role, answers))

    def meetings(self, path: Path, shown: str) -> None:
        try:
            table = read_table(path, what=MEETINGS, source="the coordinator's own records",
                               expect=("pair", "checkin", "date"))
        except RosterError as error:
            for found in error.problems:
                self.out.warnings.append(Problem(found.file, found.message, found.fix, found.line, found.column,
                                                 found.path, warning=True))
            self.out.files.append(FileLine(shown, DAMAGED, f"{MEETINGS} cannot be read", error.problems[0].fix))
            return
        columns = {name.strip().casefold().replace("-", "").replace(" ", "").replace("_", ""): index
                   for index, name in enumerate(table.header)}
        missing = [name for name in ("pair", "checkin", "date") if name not in columns]
        if missing:
            fix = "head its columns pair, checkin and date (one row a meeting, the date as YYYY-MM-DD)"
            self.line(FileLine(shown, DAMAGED, f"{MEETINGS} has no {', '.join(missing)} column", fix))
            return
        count = len(self.program.checkin_dates())
        bad = 0
        for row, cells in table.rows:
            pair, number, day = (cells[columns[name]].strip() for name in ("pair", "checkin", "date"))
            problem = ""
            if not pair:
                problem, fix = "no pair id", "write the pair's id, as on its forms (e.g. R1-P001)"
            elif not number.isdigit() or not 0 < int(number) <= count:
                problem, fix = (f"checkin '{number}' is not one of the program's check-ins",
                                f"give the check-in's number, 1 to {count}, counted over the whole program")
            elif _date(day) is None:
                problem, fix = f"date '{day}' is not a date", "write the date as YYYY-MM-DD, e.g. 2027-03-03"
            if problem:
                bad += 1
                self.out.warnings.append(Problem(shown, f"row {row}: {problem}; the row is left out", fix, row,
                                                 warning=True))
                continue
            self.out.meetings.append(Meeting(pair, int(number), _date(day), f"{shown} row {row}"))
        used = len(table.rows) - bad
        self.out.files.append(FileLine(shown, READ if not bad else BAD_ROWS,
                                       f"{MEETINGS}: {used} meeting{'s' if used != 1 else ''}"
                                       + (f", {bad} row{'s' if bad != 1 else ''} left out" if bad else ""),
                                       "see the warnings above for each row" if bad else ""))


# --- the API -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedCollect:
    """What the returned forms said, ready for `write_collect`."""

    collected: Collected
    folder: Path
    """The program folder."""
    sources: tuple[Path, ...]
    """The folders and files read, absolute: the output is never written over or into one."""
    warnings: tuple[Problem, ...]
    pairs_file: Path | None = None

    @property
    def inputs(self) -> tuple[tuple[Path, str], ...]:
        read = tuple((path, "the returned forms folder" if path.is_dir() else "the returned form")
                     for path in self.sources)
        return read + (((self.pairs_file, "the pairs file"),) if self.pairs_file else ())


@dataclass(frozen=True)
class WrittenCollect:
    folder: Path
    files: tuple[str, ...]
    warnings: tuple[Problem, ...]


def input_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The files to read: each file given, and every file inside each folder (its subfolders too),
    hidden files, the operating system's own and revmentor's outputs left out; each file once."""
    found: dict[str, Path] = {}
    for given in map(Path, paths):
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                rel = path.relative_to(given).parts
                if any(part.startswith(".") for part in rel) or path.name in OS_FILES or not path.is_file():
                    continue
                found.setdefault(os.path.realpath(path), path)
        else:
            found.setdefault(os.path.realpath(given), given)
    return list(found.values())


def prepare_collect(program_path: str | os.PathLike[str], paths: Sequence[str | os.PathLike[str]], *,
                    as_of: dt.date | None = None, strict: bool = False,
                    pairs: str | os.PathLike[str] | None = None) -> PreparedCollect:
    """Load the program and read every returned form under `paths` (folders or files); writes nothing.

    With `pairs` (the pairs file the packs were made from) every pair is counted, a pair that
    has returned nothing included: without it, such a pair is invisible and never overdue.

    Every file that cannot be used is a warning and a line of the account, never an error; with
    `strict` any such warning stops the run (StrictWarnings). Raises ProgramError for the program,
    UsageError for a path that does not exist.
    """
    from ..errors import UsageError

    loaded = load_program(program_path)
    for given in map(Path, paths):
        if not given.exists():
            raise UsageError(Problem(display_path(given), "no such file or folder",
                                     "give the folder the returned forms were saved into"))
    collector = _Collector(loaded.program, as_of or dt.date.today())
    if pairs is not None:
        collector.out.expected = tuple(pair.pair_id for pair in read_pairs(pairs, loaded.program))
    for found in _load_all(input_files(paths)):
        collector.take(found)
    warnings = (*loaded.warnings, *collector.out.warnings)
    StrictWarnings.check(warnings, strict)
    return PreparedCollect(collector.out, loaded.folder, tuple(Path(os.path.abspath(p)) for p in paths), warnings,
                           Path(os.path.abspath(pairs)) if pairs is not None else None)


def write_collect(prepared: PreparedCollect, output: str | os.PathLike[str] | None = None) -> WrittenCollect:
    """Write tracker.xlsx, responses/<survey>.csv and progress.html into a private folder, replaced
    as a whole (default private/collect in the program folder); never inside the handbook site,
    the program folder itself, or over or inside a folder that was read."""
    collected = prepared.collected
    output = output if output is not None else default_output(prepared.folder, COMMAND)
    html = render_progress(collected, prepared.folder)
    tracker = xlsx_bytes(tracker_sheets(collected))
    responses = response_files(collected)
    forbidden = [(default_output(prepared.folder, "site"), "the handbook site, which is public")]
    with staged_output(output, command=COMMAND, program_folder=prepared.folder, forbidden=forbidden,
                       inputs=prepared.inputs) as (staging, written):
        (staging / TRACKER).write_bytes(tracker)
        (staging / PROGRESS).write_text(html, encoding="utf-8")
        if responses:
            (staging / RESPONSES).mkdir()
            for name, data in responses.items():
                (staging / RESPONSES / name).write_bytes(data)
    return WrittenCollect(written.output, tuple(written.files), tuple(written.warnings))


# --- what is written -----------------------------------------------------------------------


def response_files(collected: Collected) -> dict[str, bytes]:
    """`<survey id>.csv` per survey with returned forms: the columns `revmentor report` reads."""
    surveys = {survey.id: survey for survey in collected.program.feedback.surveys}
    files = {}
    for survey_id, rows in sorted(collected.surveys.items()):
        header = template_header(surveys[survey_id])
        with_role = "role" in header
        body = [[respondent, *([role] if with_role else []), *(answers.get(q, "") for q in header[1 + with_role:])]
                for respondent, role, answers in rows]
        files[f"{survey_id}.csv"] = csv_bytes(header, body)
    return files


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def tracker_sheets(collected: Collected) -> list[Sheet]:
    """The tracker workbook's sheets: check-ins, goal progress, actions, pulses, files."""
    pairs = collected.pairs()
    records, pulses = collected.records, collected.pulses
    checkins = []
    for pair in pairs:
        for planned in pair.planned:
            meeting = pair.held.get(planned.number)
            record = records.get((pair.pair, planned.number))
            returned = [f"pair record ({', '.join(record.signed) or 'not signed'})"] if record else []
            returned += [f"{side} pulse" for side in ("mentor", "mentee") if (pair.pair, planned.number, side) in pulses]
            state = ("held" if meeting else "overdue" if planned.number in pair.overdue
                     else "due" if planned.number in pair.due else "planned")
            checkins.append([pair.pair, pair.round, planned.number, planned.week, planned.date.isoformat(), state,
                             _day(meeting.date) if meeting else "",
                             (record.date_text if record and not record.date else "") if meeting else "",
                             record.minutes if record else "", "; ".join(returned),
                             meeting.source if meeting else ""])
    progress = [[record.pair, record.checkin, side, slot, goal, rating, PROGRESS_LABELS[rating - 1]]
                for record in sorted(records.values(), key=lambda r: (r.pair, r.checkin))
                for side, slot, goal, rating in record.progress]
    actions = [[record.pair, record.checkin, action, owner, due, record.file]
               for record in sorted(records.values(), key=lambda r: (r.pair, r.checkin))
               for action, owner, due in record.actions]
    pulse_rows = [[p.pair, p.checkin, p.side, p.working or "", p.comfortable or "",
                   "yes" if p.contact else "", p.contact_how, "; ".join(p.flags), p.file]
                  for p in sorted(pulses.values(), key=lambda p: (p.pair, p.checkin, p.side))]
    files = [[line.file, line.status, line.what, line.fix] for line in collected.files]
    return [
        Sheet("Check-ins", ["Pair", "Round", "Check-in", "Week", "Planned", "Status", "Held on", "Date as written",
                            "Minutes", "Returned", "Source"], checkins, (12, 7, 9, 6, 11, 9, 11, 16, 8, 40, 30)),
        Sheet("Goal progress", ["Pair", "Check-in", "Side", "Goal", "Goal text", "Rating", "Progress"], progress,
              (12, 9, 8, 5, 40, 7, 16)),
        Sheet("Actions", ["Pair", "Check-in", "Action", "Owner", "Due", "File"], actions, (12, 9, 40, 16, 12, 30)),
        Sheet("Pulses", ["Pair", "Check-in", "Side", "Working (1-5)", "Comfortable (1-5)", "Contact me",
                         "How to reach", "Flags", "File (read it for the words)"], pulse_rows,
              (12, 9, 8, 12, 15, 10, 24, 40, 30)),
        Sheet("Files", ["File", "Status", "What it is", "What to do"], files, (40, 24, 40, 60)),
    ]


def _week(program: Program, day: dt.date) -> int:
    return (day - program.program.start_date).days // 7 + 1


def progress_context(collected: Collected) -> dict[str, Any]:
    """What the progress page shows, as figures: every number the template prints is made here."""
    program = collected.program
    pairs = collected.pairs()
    as_of = collected.as_of
    last_week = max(1, min(program.program.duration_weeks, _week(program, as_of)))
    weeks = []
    for week in range(1, last_week + 1):
        planned = sum(1 for pair in pairs for item in pair.planned if item.week == week and item.date <= as_of)
        held = sum(1 for pair in pairs for item in pair.planned if item.week == week and item.number in pair.held)
        weeks.append({"week": week, "planned": planned, "held": held})
    due = sum(len(pair.due) for pair in pairs)
    held_due = sum(1 for pair in pairs for number in pair.due if number in pair.held)
    ratings: dict[int, list[int]] = {}
    for record in collected.records.values():
        for _, _, _, rating in record.progress:
            ratings.setdefault(record.checkin, []).append(rating)
    goal_progress = [{"checkin": number, "ratings": len(values), "mean": round(sum(values) / len(values), 1)}
                     for number, values in sorted(ratings.items())]
    by_pair = []
    for pair in pairs:
        series = []
        for item in pair.planned:
            returned = collected.records.get((pair.pair, item.number))
            values = [rating for _, _, _, rating in returned.progress] if returned else []
            series.append(round(sum(values) / len(values), 1) if values else None)
        by_pair.append({"pair": pair.pair, "round": pair.round, "due": len(pair.due),
                        "held": sum(1 for n in pair.due if n in pair.held), "planned": len(pair.planned),
                        "overdue": pair.overdue, "agreement": pair.agreement, "progress": series})
    flagged = [pulse for pulse in sorted(collected.pulses.values(), key=lambda p: (p.pair, p.checkin, p.side))
               if pulse.flags]
    attention = [line for line in collected.files if line.status not in (READ, IGNORED)]
    return {
        "program": program, "as_of": as_of, "date": format_date, "grace_days": GRACE_DAYS, "weeks": weeks,
        "weeks_max": max([1, *(row["planned"] for row in weeks), *(row["held"] for row in weeks)]),
        "due": due, "held_due": held_due, "pairs": by_pair, "overdue": [row for row in by_pair if row["overdue"]],
        "flagged": flagged, "contact": [pulse for pulse in flagged if pulse.contact],
        "goal_progress": goal_progress, "progress_labels": PROGRESS_LABELS, "attention": attention,
        "read": collected.count(READ), "files": len(collected.files),
        "ignored": collected.count(IGNORED), "surveys": {k: len(v) for k, v in sorted(collected.surveys.items())},
    }


def render_progress(collected: Collected, folder: Path | None = None) -> str:
    """The progress page: one standalone HTML file (inline CSS and SVG), every user string escaped."""
    env = environment(folder, "html")
    return render(env, TEMPLATE, progress_context(collected), folder)


def summary_lines(collected: Collected) -> Iterable[str]:
    """What the command prints after writing: figures and the account of the files."""
    context = progress_context(collected)
    yield (f"  files: {context['files']} ({context['read']} read, {len(context['attention'])} needing attention,"
           f" {context['ignored']} not PDFs)")
    yield f"  check-ins held: {context['held_due']} of {context['due']} due by {collected.as_of.isoformat()}"
    yield f"  pairs overdue: {len(context['overdue'])}; pulses asking for contact: {len(context['contact'])}"
    for survey, count in context["surveys"].items():
        yield f"  survey {survey}: {count} returned form{'s' if count != 1 else ''}"
