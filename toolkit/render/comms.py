"""The communications plan: every send of every message, dated, and its placeholders filled in.

A pure function of the Program (and, for the drafts, of one person of a pair): the handbook's
page of messages, the send calendar, the mail-merge file and the drafts all come from `sends`,
so they can never disagree on a date. Placeholders are filled by `fill`, one pass of one
regular expression over the user's text: a value put in is never read again, so a name that
holds braces stays a name, and no template is ever made from the user's text.

The English of this page (how a send's timing and recipients are said) lives here, in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..program.model import PLACEHOLDER, Message, Program, SendTime
from ..program.schedule import format_date

PAGE = "communications.md"
"""The handbook's page of messages: what participants will hear, and when."""
PAGE_TITLE = "What you will hear from us, and when"
LINKS = {
    "handbook_url": ("", "the handbook"),
    "checkins_url": ("checkins.html", "the Check-ins page of the handbook"),
    "confidentiality_url": ("guides/confidentiality.html", "the Confidentiality page of the handbook"),
    "messages_url": ("communications.html", f"the handbook's page \u201c{PAGE_TITLE}\u201d"),
    "first_meeting_url": ("guides/first-meeting.html", "the first-meeting guide in the handbook"),
}
"""Link placeholders: the page's path in the built site (use_directory_urls is off), and the words
used instead when the program gives no communications.handbook_url."""


@dataclass(frozen=True)
class Send:
    """One sending of a message: a message timed from each check-in is sent once per check-in."""

    message: Message
    date: dt.date
    time: dt.time
    occurrence: int
    """1, 2, ... for a message sent once per check-in (the check-in's number), else 0."""
    checkin: int | None
    """The check-in the send is about: its own for a message timed from check-ins, else the next
    one on or after the send date; None when none is left."""

    @property
    def key(self) -> str:
        """The send's name in file names and UIDs: the message's id, and the check-in's number for one of several."""
        return f"{self.message.id}-{self.occurrence}" if self.occurrence else self.message.id


def program_end(program: Program) -> dt.date:
    """The program's last day."""
    return program.week_start(program.program.duration_weeks) + dt.timedelta(days=6)


def _anchors(program: Program, when: SendTime) -> list[tuple[dt.date, int]]:
    """The days a send is timed from, each with its check-in's number (0 when not a check-in)."""
    if when.week is not None:
        return [(program.planned_day(when.week, when.weekday), 0)]
    if when.event == "start":
        return [(program.program.start_date, 0)]
    if when.event == "end":
        return [(program_end(program), 0)]
    if when.event == "midpoint":
        return [(program.week_start(program.program.duration_weeks // 2 + 1), 0)]
    if when.event == "checkins":
        return [(day, number) for number, (_, day, _) in enumerate(program.checkin_dates(), start=1)]
    if when.module is not None:
        module = next((m for m in program.training if m.id == when.module), None)
        return [(program.module_date(module), 0)] if module is not None else []
    survey = next((s for s in program.feedback.surveys if s.id == when.survey), None)
    return [(program.week_start(survey.week), 0)] if survey is not None else []


def sends(program: Program) -> list[Send]:
    """Every send of every message, in the order they go (ties in the order the messages are written)."""
    if program.communications is None:
        return []
    dates = [day for _, day, _ in program.checkin_dates()]
    found = []
    for order, message in enumerate(program.communications.messages):
        when = message.when
        for anchor, number in _anchors(program, when):
            day = anchor + dt.timedelta(days=when.offset)
            checkin = number or next((n for n, held in enumerate(dates, start=1) if held >= day), None)
            found.append((day, when.time, order, Send(message, day, when.time, number, checkin)))
    return [send for *_, send in sorted(found, key=lambda item: item[:4])]


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each {placeholder} replaced by its value and {{ }} by a literal brace, in one pass.

    A placeholder with no value is left as written: `validate` refuses unknown ones, and
    `unfilled` finds any that remain."""
    def one(match: re.Match[str]) -> str:
        found = match.group(1)
        if found is None:
            return match.group(0)[0]
        return values.get(found, match.group(0))

    return PLACEHOLDER.sub(one, text)


def unfilled(text: str) -> list[str]:
    """The placeholders of `text`, by name, in order (literal braces are not placeholders)."""
    return [match.group(1) for match in PLACEHOLDER.finditer(text) if match.group(1)]


def link(program: Program, name: str) -> str:
    """A link placeholder's value: the page's address under handbook_url, or words naming the page."""
    path, words = LINKS[name]
    base = program.communications.handbook_url if program.communications else None
    if not base:
        return words
    return base.rstrip("/") + ("/" + path if path else "/")


def send_values(program: Program, send: Send) -> dict[str, str]:
    """The placeholders every recipient of a send shares: the program's, the dates, the links, the check-in."""
    info = program.program
    sponsor = info.sponsor
    values = {
        "program": info.name,
        "organisation": info.organisation,
        "contact": info.contact or "the program coordinator",
        "sponsor": (sponsor.name or f"the {sponsor.title}") if sponsor else "our sponsor",
        "mentor_term": info.terminology.mentor,
        "mentee_term": info.terminology.mentee,
        "start_date": format_date(info.start_date),
        "end_date": format_date(program_end(program)),
        "send_date": format_date(send.date),
        "checkin_number": "",
        "checkin_title": "",
        "checkin_date": "",
    }
    values.update({name: link(program, name) for name in LINKS})
    checkins = program.checkin_dates()
    if send.checkin is not None and 0 < send.checkin <= len(checkins):
        _, day, session = checkins[send.checkin - 1]
        values.update(checkin_number=str(send.checkin), checkin_title=session.title, checkin_date=format_date(day))
    when = send.message.when
    module = next((m for m in program.training if m.id == when.module), None)
    if module is not None:
        values.update(module_title=module.title, module_date=format_date(program.module_date(module)))
    survey = next((s for s in program.feedback.surveys if s.id == when.survey), None)
    if survey is not None:
        values.update(survey_title=survey.title, survey_date=format_date(program.week_start(survey.week)))
    return values


# --- the words: when a message goes and to whom ---------------------------------------------


def recipients(program: Program, message: Message) -> str:
    """Who a message goes to, in words: "Mentors and Mentees", "line managers"."""
    terms = program.program.terminology
    groups = {"pairs": f"every pair ({terms.mentor} and {terms.mentee})", "line-managers": "participants' line managers",
              "sponsor": "the sponsor", "staff": "everyone who may apply",
              "not-selected": "applicants not paired this round"}
    roles = {role.id: role.name for role in program.roles}
    names = [roles.get(item) or groups.get(item, item) for item in message.to]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def timing(program: Program, when: SendTime) -> str:
    """When a message goes, in words: "3 days before each check-in", "week -2", "on the program's first day"."""
    if when.week is not None:
        return f"week {when.week}" + (f", {when.weekday.capitalize()}" if when.weekday else "")
    days = abs(when.offset)
    offset = (f"{days} day{'s' if days != 1 else ''} {'before' if when.offset < 0 else 'after'} " if days else "on ")
    if when.event == "checkins":
        return offset + ("each check-in" if days else "the day of each check-in")
    if when.event in ("start", "end"):
        return offset + f"the program's {'first' if when.event == 'start' else 'last'} day"
    if when.event == "midpoint":
        return offset + "the program's midpoint"
    if when.module is not None:
        module = next((m for m in program.training if m.id == when.module), None)
        return offset + (f"the training session \u201c{module.title}\u201d" if module else "a training session")
    survey = next((s for s in program.feedback.surveys if s.id == when.survey), None)
    return offset + (f"the survey \u201c{survey.title}\u201d" if survey else "a survey")
