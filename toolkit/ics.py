"""Calendars (.ics, RFC 5545): every check-in and training session, in the program's time zone.

UIDs are derived from what an event *is* (check-in 3 of pair P004, the orientation module),
never from its date, so importing a rebuilt calendar after the dates moved updates the
events instead of duplicating them. DTSTAMP is the moment the program last changed, so the
same program gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

from . import __version__
from .model import Program

PRODID = f"-//Reverse-mentoring toolkit//revmentor {__version__}//EN"


@dataclass(frozen=True)
class CalendarPair:
    """The part of a pair a calendar needs: whose check-ins these are."""

    pair_id: str
    mentor_name: str
    mentee_name: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "program"


def _domain(program: Program) -> str:
    info = program.program
    return f"{_slug(info.name)}.{_slug(info.organisation)}.revmentor"


@functools.lru_cache(maxsize=16)
def _time_zone(tzid: str, first: dt.date, last: dt.date) -> Any:
    """The VTIMEZONE for the program's span only: icalendar's default covers 1970 to 2038,
    thousands of lines in every file, and building it was most of a pair pack's calendar time."""
    from icalendar import Timezone

    return Timezone.from_tzinfo(zoneinfo.ZoneInfo(tzid), tzid, first_date=first, last_date=last)


def program_calendar(program: Program, stamp: dt.datetime, pair: CalendarPair | None = None) -> bytes:
    """The program's calendar, or one pair's when `pair` is given (their check-ins, their training).

    `stamp` is when the program last changed (DTSTAMP); pass the program file's modification time.
    """
    from icalendar import Calendar, Event

    info = program.program
    zone = zoneinfo.ZoneInfo(info.time_zone)
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

    starts: list[dt.date] = []

    def add(uid: str, summary: str, start: dt.datetime, minutes: int, description: str, location: str) -> None:
        starts.append(start.date())
        event = Event()
        event.add("uid", f"{uid}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=minutes))
        event.add("summary", summary)
        event.add("description", description)
        if location:
            event.add("location", location)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)

    where = {
        "in-person": "In person",
        "remote": info.video_tool or "Video call",
        "hybrid": "In person or " + (info.video_tool or "video call"),
    }
    for module in program.training:
        audience = ", ".join(program.role(role).name for role in module.audience)
        start = dt.datetime.combine(program.week_start(module.week), module.start_time, tzinfo=zone)
        add(
            f"training-{module.id}",
            f"{info.name} training: {module.title}",
            start,
            module.duration_minutes,
            f"{module.summary}\n\nFor: {audience}.",
            where[module.format],
        )
    checkins = program.checkin_dates()
    if program.checkins is not None:
        minutes, time = program.checkins.minutes, program.checkins.time
        for number, (week, date, session) in enumerate(checkins, start=1):
            uid = f"checkin-{number}" if pair is None else f"checkin-{number}-pair-{_slug(pair.pair_id)}"
            who = "" if pair is None else f" ({pair.mentor_name} and {pair.mentee_name})"
            prompts = "".join(f"\n- {prompt}" for prompt in session.prompts)
            add(
                uid,
                f"{info.name} check-in {number} of {len(checkins)}: {session.title}{who}",
                dt.datetime.combine(date, time, tzinfo=zone),
                minutes,
                f"Week {week}. {session.purpose}" + (f"\n\nAgenda:{prompts}" if prompts else ""),
                where[info.meeting_format],
            )
    if starts:  # the zone's definition goes first, before the events that use it
        year = dt.timedelta(days=366)
        calendar.subcomponents.insert(0, _time_zone(info.time_zone, min(starts) - year, max(starts) + year))
    return bytes(calendar.to_ical())
