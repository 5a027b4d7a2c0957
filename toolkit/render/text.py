"""Dates, times and lengths as every document writes them, whatever the machine's locale.

One copy for the handbook, the training pack, the forms and the calendar, so that a date reads
the same on a page, a PDF and a form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..files.paths import ascii_slug
from ..program.model import ConcernRoute, MinuteRange, Program
from ..program.schedule import format_date

__all__ = ["clock", "document_context", "format_date", "format_minutes", "slug"]

def format_minutes(minutes: int | MinuteRange) -> str:
    """150 -> "2 h 30 min"; a range of minutes (a check-in's length) -> "45-60 min"."""
    if isinstance(minutes, MinuteRange):
        if minutes.min != minutes.max:
            return f"{minutes} min"
        minutes = minutes.min
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def clock(time: dt.time) -> str:
    """09:30, on the 24-hour clock every reader can read."""
    return time.strftime("%H:%M")


def slug(text: str, fallback: str = "program") -> str:
    """Lowercase letters and digits joined by hyphens, for a file name or an id: "Crosswise 2027" -> "crosswise-2027"."""
    return ascii_slug(text, fallback)


@dataclass(frozen=True)
class Privacy:
    """The program's confidentiality section as every page and form prints it: one source."""

    promise: str
    exceptions: tuple[str, ...]
    concerns: tuple[ConcernRoute, ...]
    fallback: str
    """Where concerns go when the program names no routes: its contact, or the coordinator."""
    returns: str
    """How a private form reaches the coordinator alone."""


def privacy(program: Program) -> Privacy:
    """The promise, its limits, the routes for concerns and how private forms come back."""
    section, info = program.confidentiality, program.program
    fallback = info.contact or "the program coordinator"
    returns = section.returns or (f"Send it yourself to {info.contact.rstrip('.')}, from your own account, and do not"
                                  " copy your partner." if info.contact else
                                  "Give it to the program coordinator yourself, and do not copy your partner.")
    return Privacy(section.promise, section.exceptions, section.concerns, fallback, returns)


def document_context(program: Program) -> dict[str, Any]:
    """What every document template receives, whatever it is: the program and the text helpers."""
    info = program.program
    return {
        "program": program,
        "info": info,
        "terms": info.terminology,
        "date": format_date,
        "duration": format_minutes,
        "clock": clock,
        "privacy": privacy(program),
    }
