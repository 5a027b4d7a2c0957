"""A deck as plain data: the slides' layouts, texts and notes, and every English word a deck writes.

Apart from slides.py, which plans a module's deck, and slide_design.py, which draws it, so
that neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DECK_WORDS = {
    "objectives": "By the end of this session you can",
    "agenda": "Agenda",
    "agenda-more": "Agenda (continued)",
    "continued": "{title} (continued)",
    "part": "Part {number} of {count}",
    "span": "{start} to {end}",
    "range": "{start}–{end}",
    "break": "Break",
    "back": "Back at {time}",
    "task": "Your task",
    "covers": "What this covers",
    "minutes": "{minutes} min",
    "need": "You need: {items}",
    "alone": "On your own",
    "pairs": "In pairs",
    "threes": "In threes",
    "fours": "In fours",
    "groups": "In groups of {size}",
    "kind-talk": "Talk", "kind-exercise": "Exercise", "kind-discussion": "Discussion", "kind-role-play": "Role-play",
    "kind-demo": "Demonstration", "kind-reflection": "Reflection", "kind-break": "Break",
    "key-points": "Key points",
    "next": "Next steps",
    "thanks": "Thank you",
    "questions": "Questions: {contact}",
    "for": "For: {audience}. Length: {length}.",
    "where": "Room: {room}.",
    "who": "Trainers: {trainers}.",
    "explore": "Question to explore: {question}",
    "ends": "Ends at {time}; {length} in all.",
    "timing": "Timing: {start}–{end}, {minutes} min ({kind}).",
    "break-timing": "Timing: {start}–{end}, {minutes} min.",
    "purpose": "Purpose: {text}",
    "setup": "Set-up: {text}",
    "steps": "Steps:",
    "step": "{start}–{end} ({minutes} min) {text}",
    "step-untimed": "- {text}",
    "script": "Script: {text}",
    "debrief": "Debrief questions:",
    "remote": "Remote or hybrid: {text}",
    "materials": "Materials: {items}",
    "key-notes": "Read each point aloud and ask which one the room will act on first.",
    "close-notes": "Thank the room, repeat the next dates, and say where the slides and handout will be.",
    "part-notes": "Part {number} of {count}: {start} to {end}.",
    "more-notes": "Continues the previous slide.",
}
"""Every English word the toolkit writes into a deck, in one place for the message catalogues to come."""

Layout = Literal["title", "section", "agenda", "activity", "content"]


@dataclass(frozen=True)
class SlideSpec:
    """One slide: its layout, its text and its speaker notes.

    `title` slides open the deck, `section` slides divide it (a part, a break), `agenda` slides
    list `rows` of (clock time, activity), `activity` slides show the task beside a panel of
    `facts` (the time box, the groups, what to have to hand), `content` slides a list.
    """

    layout: Layout
    title: str
    subtitle: str = ""
    bullets: tuple[str, ...] = ()
    notes: str = ""
    label: str = ""
    """A short line above the title: the date, the part, the kind of activity."""
    heading: str = ""
    """A small heading above the bullets ("Your task")."""
    facts: tuple[str, ...] = ()
    """An activity's time box: its minutes first, then its clock times, its groups, what is needed."""
    rows: tuple[tuple[str, str], ...] = ()
    """An agenda's rows: clock times and title."""


@dataclass(frozen=True)
class DeckSpec:
    """A whole deck as plain data: what python-pptx draws, and what the cache key digests."""

    title: str
    author: str
    subject: str
    language: str
    created: str
    """ISO date written as the deck's creation and modification date, so the bytes never vary."""
    slides: tuple[SlideSpec, ...]
    primary: str = "#163f63"
    """The program's main colour (#rrggbb): backgrounds of title and section slides, titles, the time box."""
    accent: str = "#8a3b00"
    """The program's second colour: the accent bar, labels and bullets."""
    footer: str = ""
    """The line at the foot of every content slide: the program and the module."""
