"""Calendars (.ics, RFC 5545): every check-in and training session, in the program's time zone.

UIDs are derived from what an event *is* (check-in 3 of pair P004, the orientation module),
never from its date, so importing a rebuilt calendar after the dates moved updates the
events instead of duplicating them. DTSTAMP is the moment the program last changed, so the
same program gives the same bytes. icalendar is imported only when a calendar is made.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .._version import __version__
from ..program.model import Program
from ..program.validate import LoadedProgram
from ..render.artifact import Artifact, PlannedFile, Rendered
from ..render.cache import RenderCache
from ..render.text import slug
from .family import OutputFamily

PRODID = f"-//Reverse-mentoring toolkit//revmentor {__version__}//EN"
FOLDER = "calendar"
"""Where the program's calendar goes inside the site."""
GROUP = "Calendar"


@dataclass(frozen=True)
class CalendarPair:
    """The part of a pair a calendar needs: whose check-ins these are."""

    pair_id: str
    mentor_name: str
    mentee_name: str


@dataclass(frozen=True)
class _Event:
    uid: str
    summary: str
    start: dt.datetime
    minutes: int
    description: str
    location: str


def _domain(program: Program) -> str:
    info = program.program
    return f"{slug(info.name)}.{slug(info.organisation)}.revmentor"


def _events(program: Program, pair: CalendarPair | None) -> Iterator[_Event]:
    """The training sessions, then the check-ins (named for the pair, when there is one)."""
    info = program.program
    zone = zoneinfo.ZoneInfo(info.time_zone)
    where = {
        "in-person": "In person",
        "remote": info.video_tool or "Video call",
        "hybrid": "In person or " + (info.video_tool or "video call"),
    }
    for module in program.training:
        audience = ", ".join(program.role(role).name for role in module.audience)
        start = dt.datetime.combine(program.week_start(module.week), module.start_time, tzinfo=zone)
        yield _Event(f"training-{module.id}", f"{info.name} training: {module.title}", start,
                     module.duration_minutes, f"{module.summary}\n\nFor: {audience}.", where[module.format])
    if program.checkins is None:
        return
    checkins = program.checkin_dates()
    minutes, time = program.checkins.minutes, program.checkins.time
    for number, (week, date, session) in enumerate(checkins, start=1):
        uid = f"checkin-{number}" if pair is None else f"checkin-{number}-pair-{slug(pair.pair_id)}"
        who = "" if pair is None else f" ({pair.mentor_name} and {pair.mentee_name})"
        prompts = "".join(f"\n- {prompt}" for prompt in session.prompts)
        yield _Event(uid, f"{info.name} check-in {number} of {len(checkins)}: {session.title}{who}",
                     dt.datetime.combine(date, time, tzinfo=zone), minutes,
                     f"Week {week}. {session.purpose}" + (f"\n\nAgenda:{prompts}" if prompts else ""),
                     where[info.meeting_format])


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
                     zone: Any = None) -> bytes:
    """The program's calendar, or one pair's when `pair` is given (their check-ins, their training).

    `stamp` is when the program last changed (DTSTAMP); pass `program_stamp`. `zone` is the
    program's `time_zone`, if it is made already.
    """
    from icalendar import Calendar, Event

    info = program.program
    domain = _domain(program)
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    title = info.name if pair is None else f"{info.name}: {pair.mentor_name} and {pair.mentee_name}"
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", info.time_zone)
    zone = zone if zone is not None else time_zone(program)
    if zone is not None:  # the zone's definition goes first, before the events that use it
        calendar.add_component(zone)
    for item in _events(program, pair):
        event = Event()
        event.add("uid", f"{item.uid}@{domain}")
        event.add("dtstamp", stamp)
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


def program_stamp(loaded: LoadedProgram) -> dt.datetime:
    """When the program last changed: the calendar's DTSTAMP, so the same file gives the same bytes."""
    try:
        return dt.datetime.fromtimestamp(loaded.file.stat().st_mtime, dt.UTC)
    except OSError:
        return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class CalendarFamily(OutputFamily):
    """The program's calendar for the handbook's downloads: every check-in and training session."""

    name = FOLDER
    label = "Calendar"
    libraries = ("icalendar",)

    def plan(self, program: Program) -> list[PlannedFile]:
        return [PlannedFile(calendar_path(program), f"{program.program.name} calendar", GROUP,
                            "every check-in and training session, to import into Outlook, Google or Apple Calendar;"
                            " importing it again updates the events", "calendar")]

    def render(self, loaded: LoadedProgram, planned: Sequence[PlannedFile], cache: RenderCache | None) -> Rendered:
        data = program_calendar(loaded.program, program_stamp(loaded))
        return Rendered([Artifact(item.path, data) for item in planned], rendered=[item.path for item in planned])

    def inputs(self, loaded: LoadedProgram) -> tuple[str, ...]:
        return (program_stamp(loaded).isoformat(),)
