"""The coordinator's communications: a send calendar, a mail-merge file, and a draft of every message.

Made by `revmentor forms --pairs` into the private packs folder, never into the site:

- `communications/send-calendar.ics`: one event per send, at its date and time in the program's
  time zone, each with an alarm, so the coordinator's calendar says when to send what;
- `communications/mail-merge.csv`: one row per send and person (with the pairs file's names and
  addresses), and one per send to a group (line managers, the sponsor, staff), every placeholder
  filled in, for Outlook or Word mail merge; Excel-safe (files/tables.py);
- `communications/drafts/`: a draft of each message to a group, with no To, to address yourself;
- in each pair's folder, `messages/`: a ready-to-send draft per message and person of the pair.

A draft is an .eml file (RFC 5322, UTF-8, email.policy.SMTP): To with the person's address when
the pairs file has one, Subject, Date (the send date and time), X-Unsent: 1 so Outlook opens
it as a draft to send, and a text/plain body in UTF-8. Placeholders are filled by
`render.comms.fill`, never by a template engine: the user's text is never a template.
"""

from __future__ import annotations

import datetime as dt
import email.errors
import os
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from ..errors import PairsError, Problem, ProgramError
from ..files.output import check_output, normalise, staged_output
from ..files.paths import default_output, display_path
from ..files.tables import csv_bytes
from ..pairing.pairs import Pair, read_pairs, shown
from ..program.model import PERSONAL_RECIPIENTS, Program
from ..program.validate import LoadedProgram, load_program
from ..render import comms
from ..render.comms import Send
from ..render.text import slug
from .calendar import PRODID, changed_at, program_stamp, sequence

FOLDER = "communications"
"""Where the coordinator's files go inside the packs folder."""
SEND_CALENDAR = f"{FOLDER}/send-calendar.ics"
MAIL_MERGE = f"{FOLDER}/mail-merge.csv"
DRAFTS = f"{FOLDER}/drafts"
PAIR_DRAFTS = "messages"
"""The folder of a pair's drafts, inside the pair's folder."""
MERGE_COLUMNS = ("send_date", "send_time", "message", "to", "pair_id", "name", "email", "subject", "body")
"""Columns of mail-merge.csv: merge fields for Outlook or Word (subject and body filled in for each row)."""
ALARM_MINUTES = 0
"""The send calendar's alarm goes off at the send time itself."""
SEND_MINUTES = 15
"""How long a send's event is in the send calendar: time set aside to send it."""


def _sides(message_to: Sequence[str]) -> tuple[str, ...]:
    """The sides of a pair a message goes to, in pair order."""
    wanted = set(message_to)
    return tuple(side for side in ("mentor", "mentee") if side in wanted or "pairs" in wanted)


def personal(send: Send) -> bool:
    """Whether a send goes to the people of the pairs (one draft each), not to a group."""
    return bool(_sides(send.message.to)) and set(send.message.to) <= set(PERSONAL_RECIPIENTS)


def person_values(pair: Pair, side: str) -> dict[str, str]:
    """The placeholders filled from the pairs file, for one side of a pair."""
    name, partner = (pair.mentor_name, pair.mentee_name) if side == "mentor" else (pair.mentee_name, pair.mentor_name)
    return {"name": name, "partner": partner, "mentor_name": pair.mentor_name, "mentee_name": pair.mentee_name,
            "pair_id": pair.pair_id}


def email_of(pair: Pair, side: str) -> str:
    """The address the pairs file gives for one side, stripped ('' when it has none)."""
    return (pair.mentor_email if side == "mentor" else pair.mentee_email).strip()


def address_problems(pairs: Sequence[Pair], file: str) -> list[Problem]:
    """A problem for each address of the pairs file a draft's To could not hold, by row."""
    problems = []
    for pair in pairs:
        for side in ("mentor", "mentee"):
            address = email_of(pair, side)
            if address and _address(address, "") is None:
                problems.append(Problem(file, f"row {pair.row}: {side}_email '{shown(address)}' is not an e-mail"
                                        " address", "write it as name@example.org, or leave the cell empty",
                                        pair.row))
    return problems


def _address(address: str, name: str) -> Address | None:
    """An Address for a draft's To, or None when the text is not one address."""
    if address.count("@") != 1 or any(char.isspace() or char in "<>,;\"" for char in address):
        return None
    try:
        return Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError, email.errors.HeaderParseError):
        return None


def _when(program: Program, send: Send) -> dt.datetime:
    return dt.datetime.combine(send.date, send.time, tzinfo=zoneinfo.ZoneInfo(program.program.time_zone))


def draft(program: Program, send: Send, values: dict[str, str], to: Address | None = None) -> bytes:
    """One message as an .eml draft: every placeholder filled from `values`."""
    message = EmailMessage(policy=SMTP)
    sender = program.communications.sender if program.communications else None
    if sender:
        message["From"] = sender
    if to is not None:
        message["To"] = to
    message["Subject"] = " ".join(comms.fill(send.message.subject, values).split())
    message["Date"] = _when(program, send)
    message["X-Unsent"] = "1"
    message.set_content(comms.fill(send.message.body, values).rstrip("\n") + "\n", charset="utf-8")
    return message.as_bytes()


def round_sends(program: Program, round_number: int) -> list[Send]:
    """The sends for a round's packs. With rounds, a message timed from check-ins goes for the round's
    own check-ins only, and any other message belongs to the first round that has not ended by its
    date (the last round for one after them all), as a module belongs to a round."""
    every = comms.sends(program)
    if program.rotation is None:
        return every
    rounds = program.rounds()

    def belongs(send: Send) -> bool:
        if send.occurrence:
            return send.occurrence in rounds[round_number - 1].checkins if round_number <= len(rounds) else False
        held = next((item.number for item in rounds if send.date <= item.end), rounds[-1].number)
        return held == round_number

    return [send for send in every if belongs(send)]


def pair_drafts(program: Program, pair: Pair, sends: Sequence[Send]) -> Iterator[tuple[str, bytes]]:
    """A pair's drafts, as (path inside the pair's folder, bytes): one per send and side it goes to."""
    for send in sends:
        if not personal(send):
            continue
        shared = comms.send_values(program, send)
        for side in _sides(send.message.to):
            name = pair.mentor_name if side == "mentor" else pair.mentee_name
            address = email_of(pair, side)
            to = _address(address, name) if address else None
            yield (f"{PAIR_DRAFTS}/{send.date.isoformat()}-{send.key}-{side}.eml",
                   draft(program, send, {**shared, **person_values(pair, side)}, to))


def group_drafts(program: Program, sends: Sequence[Send]) -> Iterator[tuple[str, bytes]]:
    """A draft of each send to a group (line managers, the sponsor, staff), with no To."""
    for send in sends:
        if not personal(send):
            yield (f"{DRAFTS}/{send.date.isoformat()}-{send.key}.eml",
                   draft(program, send, comms.send_values(program, send)))


def mail_merge(program: Program, pairs: Sequence[Pair], sends: Sequence[Send]) -> bytes:
    """The mail-merge file: a row per send and person of the pairs, and one per send to a group."""
    rows: list[tuple[str, ...]] = []
    for send in sends:
        shared = comms.send_values(program, send)
        to = comms.recipients(program, send.message)
        start = (send.date.isoformat(), send.time.strftime("%H:%M"), send.message.id, to)
        if not personal(send):
            rows.append((*start, "", "", "", comms.fill(send.message.subject, shared),
                         comms.fill(send.message.body, shared)))
            continue
        for pair in pairs:
            for side in _sides(send.message.to):
                values = {**shared, **person_values(pair, side)}
                rows.append((*start, pair.pair_id, values["name"], email_of(pair, side),
                             comms.fill(send.message.subject, values), comms.fill(send.message.body, values)))
    return csv_bytes(MERGE_COLUMNS, rows)


def send_calendar(program: Program, sends: Sequence[Send], stamp: dt.datetime) -> bytes:
    """The send calendar: an event per send at its time, with an alarm, naming whom it goes to and
    which drafts or mail-merge rows hold it. No person's name: subjects keep their placeholders' names."""
    from icalendar import Alarm, Calendar, Event, Timezone

    info = program.program
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{info.name}: messages to send")
    calendar.add("x-wr-timezone", info.time_zone)
    if sends:
        year = dt.timedelta(days=366)
        calendar.add_component(Timezone.from_tzinfo(zoneinfo.ZoneInfo(info.time_zone), info.time_zone,
                                                    first_date=sends[0].date - year, last_date=sends[-1].date + year))
    domain = f"{slug(info.name)}.revmentor"
    for send in sends:
        values = comms.send_values(program, send)
        subject = " ".join(comms.fill(send.message.subject, values).split())
        to = comms.recipients(program, send.message)
        where = (f"the drafts in each pair's {PAIR_DRAFTS}/ folder, or the rows of {MAIL_MERGE} for"
                 f" '{send.message.id}'") if personal(send) else f"{DRAFTS}/{send.date.isoformat()}-{send.key}.eml"
        event = Event()
        event.add("uid", f"send-{send.key}@{domain}")
        event.add("dtstamp", stamp)
        event.add("sequence", sequence(stamp))
        start = _when(program, send)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=SEND_MINUTES))
        event.add("summary", f"Send: {send.message.title}")
        event.add("description", f"To: {to}\nSubject: {subject}\n\nReady to send: {where}.")
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Send: {send.message.title} (to {to})")
        alarm.add("trigger", dt.timedelta(minutes=-ALARM_MINUTES))
        event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def coordinator_files(program: Program, pairs: Sequence[Pair], sends: Sequence[Send],
                      stamp: dt.datetime) -> Iterator[tuple[str, bytes]]:
    """The send calendar, the mail-merge file and the group drafts, as (path in the packs folder, bytes)."""
    yield SEND_CALENDAR, send_calendar(program, sends, stamp)
    yield MAIL_MERGE, mail_merge(program, pairs, sends)
    yield from group_drafts(program, sends)


# --- `revmentor comms`: the coordinator's files before there are pairs, or for one pairs file ---

COMMAND = "comms"


@dataclass(frozen=True)
class PreparedComms:
    """A checked program with a communications plan (and a pairs file, if given), ready for `write_comms`."""

    loaded: LoadedProgram
    pairs: tuple[Pair, ...] = ()
    pairs_file: Path | None = None
    """The pairs file (absolute), if given."""


@dataclass(frozen=True)
class CommsResult:
    """What `write_comms` produced."""

    output: Path
    sends: int
    files: int
    warnings: tuple[Problem, ...] = ()


def prepare_comms(path: str | os.PathLike[str], pairs_file: str | os.PathLike[str] | None = None) -> PreparedComms:
    """Read and check a program and, if given, a pairs file; writes nothing. Raises ProgramError when
    the program plans no messages, PairsError for bad rows (an address a draft cannot hold among them)."""
    loaded = load_program(path)
    plan = loaded.program.communications
    if plan is None or not plan.messages:
        raise ProgramError(loaded.document.problem(("communications",) if plan is not None else (),
                                                   "the program plans no messages",
                                                   "add a communications: section with its messages; see"
                                                   " Communications in the README"))
    if pairs_file is None:
        return PreparedComms(loaded)
    pairs = read_pairs(pairs_file, loaded.program)
    bad = address_problems(pairs, display_path(Path(pairs_file)))
    if bad:
        raise PairsError(bad)
    return PreparedComms(loaded, pairs, Path(os.path.abspath(pairs_file)))


def write_comms(prepared: PreparedComms, output: str | os.PathLike[str] | None = None) -> CommsResult:
    """Write the send calendar, the mail-merge file and the drafts for groups into `output` (default
    private/comms in the program folder), and with a pairs file each pair's drafts in a folder named by
    its id. The folder is replaced as a whole; it may not lie inside the handbook site."""
    loaded = prepared.loaded
    target = normalise(output if output is not None else default_output(loaded.folder, COMMAND))
    forbidden = [(default_output(loaded.folder, "site"), "the handbook site, which is public")]
    inputs = [(prepared.pairs_file, "the pairs file")] if prepared.pairs_file is not None else []
    stamp = program_stamp(loaded)
    if prepared.pairs_file is not None:
        stamp = max(stamp, changed_at(prepared.pairs_file))
    program = loaded.program
    sends = comms.sends(program)
    files = [(f"{pair.pair_id}/{rel}", data) for pair in prepared.pairs for rel, data in pair_drafts(program, pair, sends)]
    files += [(rel.removeprefix(f"{FOLDER}/"), data)
              for rel, data in coordinator_files(program, prepared.pairs, sends, stamp)]
    check_output(target, command=COMMAND, program_folder=loaded.folder, forbidden=forbidden, inputs=inputs)
    with staged_output(target, command=COMMAND, program_folder=loaded.folder, forbidden=forbidden,
                       inputs=inputs) as (staging, written):
        for rel, data in files:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_bytes(data)
    return CommsResult(written.output, len(sends), len(written.files), tuple(written.warnings))
