"""Calendars (.ics, RFC 5545): every check-in and training session, in the program's time zone.

UIDs are derived from what an event *is* (check-in 3 of pair R2-P004, the orientation module)
and the program's name, `checkin-3-pair-r2-p004@crosswise.revmentor`, never from its date nor
from the organisation's name: the same program gives the same UIDs on every rebuild, so
importing a rebuilt calendar after the dates moved updates the events instead of duplicating
them, and pair ids carry their round (R1-, R2-), so no two rounds share a UID.

DTSTAMP is the moment the program last changed (for a pair's calendar, the program or the
pairs file, whichever changed last), so the same files give the same bytes. SEQUENCE, which a
calendar compares to decide that an imported event replaces the one it has, is the number of
seconds from 2020-01-01 UTC to that moment: a rebuild of unchanged files keeps it, and any
change to an event comes with a later stamp, hence a higher SEQUENCE.

The program's calendar holds every session; a role's calendar beside it (on the handbook's
role page) holds the training whose audience names the role, and the check-ins for the two
sides of a pair; a person's calendar in a pair pack holds their round's check-ins and the
training of their own side (the modules whose audience names the role `mentor`, or `mentee`)
in that round. icalendar is imported only when a calendar is made.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..program.model import Program, SessionDay
from ..program.validate import LoadedProgram
from ..render.artifact import Artifact, PlannedFile, Rendered
from ..render.cache import RenderCache
from ..render.i18n import Translator, translator
from ..render.text import slug
from .family import OutputFamily

PRODID = f"-//Reverse-mentoring toolkit//revmentor {__version__}//EN"
FOLDER = "calendar"
"""Where the program's calendar goes inside the site."""
GROUP = "Calendar"


SIDES = ("mentor", "mentee")
"""The two sides of a pair, which are also the ids of their roles: a person's calendar holds the
modules whose audience names their side's role."""
SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class CalendarPair:
    """The part of a pair a calendar needs: whose check-ins these are, and in which round."""

    pair_id: str
    mentor_name: str
    mentee_name: str
    round: int = 1
    """The pair's round: its calendar holds that round's check-ins and training (with rotation)."""


@dataclass(frozen=True)
class _Event:
    uid: str
    summary: str
    start: dt.datetime
    minutes: int
    description: str
    location: str


def _domain(program: Program) -> str:
    """The right-hand side of every UID: the program's name, never the organisation's."""
    return f"{slug(program.program.name)}.revmentor"


def sequence(stamp: dt.datetime) -> int:
    """SEQUENCE for a calendar stamped `stamp`: seconds since 2020-01-01 UTC (see the module's docstring)."""
    return max(0, int((stamp - SEQUENCE_EPOCH).total_seconds()))


def _moved(day: SessionDay, t: Translator) -> str:
    return ("\n\n" + t._("Moved from %(date)s (%(closed)s, a closed date).", date=t.date(day.planned),
                          closed=day.closed.name) if day.closed is not None else "")


def _places(program: Program, t: Translator) -> dict[str, str]:
    """An event's LOCATION for each meeting format."""
    tool = program.program.video_tool
    return {
        "in-person": t._("In person"),
        "remote": tool or t._("Video call"),
        "hybrid": t._("In person or %(tool)s", tool=tool) if tool else t._("In person or video call"),
    }


def _events(program: Program, pair: CalendarPair | None, side: str | None = None) -> Iterator[_Event]:
    """The training sessions, then the check-ins (named for the pair, when there is one). For a pair
    in a program with rounds, only its round's; for one side of a pair, only that side's training."""
    info = program.program
    t = translator(info.language)
    zone = zoneinfo.ZoneInfo(info.time_zone)
    where = _places(program, t)
    rounds = program.rounds()
    own = rounds[pair.round - 1] if pair is not None and program.rotation and pair.round <= len(rounds) else None
    for module in program.training:
        if side is not None and side not in module.audience:
            continue
        if own is not None and program.module_round(module) != own.number:
            continue
        audience = ", ".join(program.role(role).name for role in module.audience)
        day = program.module_day(module)
        start = dt.datetime.combine(day.date, module.start_time, tzinfo=zone)
        yield _Event(f"training-{module.id}", t._("%(program)s training: %(title)s", program=info.name,
                                                  title=module.title), start,
                     module.duration_minutes, module.summary + "\n\n" + t._("For: %(audience)s.", audience=audience)
                     + _moved(day, t), where[module.format])
    if program.checkins is None or (side is not None and side not in SIDES):
        return  # a role that is neither side of a pair holds no check-in
    checkins = program.checkin_dates()
    days = program.checkin_days()
    length, time = program.checkins.minutes, program.checkins.time
    for number, (week, date, session) in enumerate(checkins, start=1):
        held_in = program.checkin_round(number)
        if own is not None and (held_in is None or held_in.number != own.number):
            continue
        uid = f"checkin-{number}" if pair is None else f"checkin-{number}-pair-{slug(pair.pair_id)}"
        prompts = "".join(f"\n- {prompt}" for prompt in session.prompts)
        if len(rounds) > 1 and held_in is not None:
            label = t._("Round %(round)d, check-in %(n)d of %(total)d", round=held_in.number,
                        n=held_in.checkins.index(number) + 1, total=len(held_in.checkins))
        else:
            label = t._("Check-in %(n)d of %(total)d", n=number, total=len(checkins))
        summary = t._("%(program)s %(checkin)s: %(title)s", program=info.name, checkin=t.inner(label),
                      title=session.title)
        if pair is not None:
            summary += " " + t._("(%(mentor)s and %(mentee)s)", mentor=pair.mentor_name, mentee=pair.mentee_name)
        minutes = t.ngettext("%(minutes)s minute", "%(minutes)s minutes", length.max, minutes=str(length))
        description = t._("Week %(week)d, %(length)s.", week=week, length=minutes) + " " + session.purpose
        yield _Event(uid, summary, dt.datetime.combine(date, time, tzinfo=zone), length.max,
                     description + ("\n\n" + t._("Agenda:") + prompts if prompts else "")
                     + _moved(days[number - 1], t), where[info.meeting_format])


def time_zone(program: Program) -> Any:
    """The VTIMEZONE of the program's zone for the span of its events, with a year to spare each
    side (icalendar's default covers 1970 to 2038: thousands of lines in every file); None when
    the program has no events. Made once and passed to `program_calendar` for a batch of pairs."""
    from icalendar import Timezone

    starts = [event.start.date() for event in _events(program, None)]
    if not starts:
        return None
    year = dt.timedelta(days=366)
    tzid = program.program.time_zone
    return Timezone.from_tzinfo(zoneinfo.ZoneInfo(tzid), tzid, first_date=min(starts) - year,
                                last_date=max(starts) + year)


def program_calendar(program: Program, stamp: dt.datetime, pair: CalendarPair | None = None,
                     zone: Any = None, *, side: str | None = None) -> bytes:
    """The program's calendar, or one pair's when `pair` is given (their round's check-ins and
    training), or one person's of the pair with `side` (`mentor` or `mentee`: only their side's training).

    `stamp` is when the program (and the pairs file) last changed: DTSTAMP, and SEQUENCE through
    `sequence`; pass `program_stamp`. `zone` is the program's `time_zone`, if it is made already.
    """
    from icalendar import Calendar, Event

    info = program.program
    t = translator(info.language)
    domain = _domain(program)
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    title = info.name if pair is None else t._("%(program)s: %(mentor)s and %(mentee)s", program=info.name,
                                               mentor=pair.mentor_name, mentee=pair.mentee_name)
    if pair is None and side is not None:
        title = f"{info.name}: {program.role(side).name}"
    if pair is not None and side is not None:
        name, other = (pair.mentor_name, pair.mentee_name) if side == "mentor" else (pair.mentee_name, pair.mentor_name)
        role = info.terminology.mentor if side == "mentor" else info.terminology.mentee
        title = t._("%(program)s: %(name)s (%(role)s) with %(other)s", program=info.name, name=name, role=role,
                    other=other)
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", info.time_zone)
    zone = zone if zone is not None else time_zone(program)
    if zone is not None:  # the zone's definition goes first, before the events that use it
        calendar.add_component(zone)
    number = sequence(stamp)
    for item in _events(program, pair, side):
        event = Event()
        event.add("uid", f"{item.uid}@{domain}")
        event.add("dtstamp", stamp)
        event.add("sequence", number)
        event.add("dtstart", item.start)
        event.add("dtend", item.start + dt.timedelta(minutes=item.minutes))
        event.add("summary", item.summary)
        event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def calendar_path(program: Program) -> str:
    """Where the program's calendar goes inside the site, e.g. calendar/crosswise.ics."""
    return f"{FOLDER}/{slug(program.program.name)}.ics"


def role_calendar_path(program: Program, role_id: str) -> str:
    """Where a role's calendar goes inside the site, e.g. calendar/crosswise-mentor.ics."""
    return f"{FOLDER}/{slug(program.program.name)}-{role_id}.ics"


def _has_sessions(program: Program, role_id: str) -> bool:
    return any(role_id in module.audience for module in program.training) or (
        role_id in SIDES and bool(program.checkin_weeks))


def program_stamp(loaded: LoadedProgram) -> dt.datetime:
    """When the program last changed: the calendar's DTSTAMP, so the same file gives the same bytes."""
    return changed_at(loaded.file)


def changed_at(path: Path) -> dt.datetime:
    """When a file last changed (its modification time), for DTSTAMP and SEQUENCE."""
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except OSError:
        return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class CalendarFamily(OutputFamily):
    """The program's calendar for the handbook's downloads: every check-in and training session."""

    name = FOLDER
    label = "Calendar"
    libraries = ("icalendar",)

    def plan(self, program: Program) -> list[PlannedFile]:
        whole = PlannedFile(calendar_path(program), f"{program.program.name} calendar", GROUP,
                            "every check-in and training session, to import into Outlook, Google or Apple Calendar;"
                            " importing it again updates the events", "calendar")
        roles = [PlannedFile(role_calendar_path(program, role.id), f"{role.name}: your sessions", GROUP,
                             "the training for this role" + (" and every check-in" if role.id in SIDES else "")
                             + ", to import into your calendar", "role-calendar", role.id)
                 for role in program.roles if _has_sessions(program, role.id)]
        return [whole, *roles]

    def render(self, loaded: LoadedProgram, planned: Sequence[PlannedFile], cache: RenderCache | None) -> Rendered:
        stamp = program_stamp(loaded)
        zone = time_zone(loaded.program)
        made = [Artifact(item.path, program_calendar(loaded.program, stamp, zone=zone,
                                                     side=item.topic if item.part == "role-calendar" else None))
                for item in planned]
        return Rendered(made, rendered=[item.path for item in planned])

    def inputs(self, loaded: LoadedProgram) -> tuple[str, ...]:
        return (program_stamp(loaded).isoformat(), translator(loaded.program.program.language).digest)
