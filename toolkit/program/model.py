"""The shape of program.yaml: typed, immutable models, one docstring per field.

These docstrings are the reference: they become the JSON Schema's descriptions (editor
completion and hover) and the README's program.yaml reference. Cross-references between
sections (a module's audience naming a role, say) are checked in `validate.py`, where the
errors can point at the line that holds the dangling id.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NamedTuple, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from .languages import LANGUAGE_PATTERN

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    """Control characters (a NUL, a backspace pasted from another program) cannot be printed,
    and the PDF and slide libraries refuse them: say so here, at the line that holds them."""
    found = _CONTROL.search(text)
    if found:
        raise ValueError(f"contains the control character U+{ord(found.group()):04X}, which cannot be printed")
    return text


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000), AfterValidator(_printable)
]
Texts = tuple[Text, ...]
Format = Literal["in-person", "remote", "hybrid"]
Moment = Literal["baseline", "midpoint", "end"]
Week = Annotated[int, Field(ge=-52, le=260)]
ClockTime = Annotated[
    dt.time, WithJsonSchema({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "examples": ["09:30"]})
]
"""A time of day written HH:MM; JSON Schema's own `time` format would demand seconds and a zone."""
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = get_args(Weekday)
"""The days of the week in Python's order (Monday is 0), as program.yaml writes them."""


class Refusal(ValueError):
    """A value a validator refuses, with the fix `validate` shows under the message."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


class Model(BaseModel):
    """Base of every section: unknown keys are errors, values are immutable once checked."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Terminology(Model):
    """What this organisation calls the two sides of a pair."""

    mentor: Text = "Mentor"
    """Name of the junior role, who mentors (e.g. "Digital mentor")."""
    mentee: Text = "Mentee"
    """Name of the senior role, who is mentored (e.g. "Leader")."""
    mentors: Text | None = None
    """Plural of `mentor`, where adding an -s is wrong (e.g. "Mentoren", "Mentores digitales"); in English it is made for you."""
    mentees: Text | None = None
    """Plural of `mentee`, as for `mentors` (e.g. "Führungskräfte")."""

    def plural(self, side: str, language: str = "en") -> str:
        """The plural of a side's name ("mentor" or "mentee") as written, else made: English's rule for
        an English program, an -s on each word otherwise (right for "mentors numériques", and what
        `validate` warns about for a language whose plurals it cannot make)."""
        given = self.mentors if side == "mentor" else self.mentees
        if given:
            return given
        return made_plural(self.mentor if side == "mentor" else self.mentee, language)


def made_plural(term: str, language: str) -> str:
    """A role name's plural when none is written: English's rule on the last word for an English
    program ("Digital mentors"), an -s on each word otherwise ("Mentors numériques")."""
    if language.lower().startswith("en"):
        head, _, last = term.rpartition(" ")
        return f"{head} {english_plural(last)}".lstrip()
    return " ".join(word if word[-1:].lower() in "sxz" else word + "s" for word in term.split(" "))


def english_plural(word: str) -> str:
    """"leader" -> "leaders", "coach" -> "coaches", "deputy" -> "deputies", "HR" stays an abbreviation + s."""
    lower = word.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if lower.endswith("y") and len(word) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


HexColour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
"""A colour written as # and six hex digits, e.g. #163f63."""


class Colours(Model):
    """The program's colours, as #rrggbb in quotes (after a space, a bare # starts a YAML comment). The certificates are printed in them; other branded outputs may use them too."""

    primary: HexColour = "#163f63"
    """Main colour: a certificate's frame, heading and names. Text is set in it, so `validate` warns when it has less than WCAG AA's contrast of 4.5:1 on white."""
    accent: HexColour = "#8a3b00"
    """Second colour: a certificate's small labels and rule. Also used for text, so the same 4.5:1 is checked."""


class Sponsor(Model):
    """The executive who backs the program and signs its certificates."""

    title: Text
    """Their job title as it is printed under the signature, e.g. "Chief Operating Officer"; the organisation's name follows it."""
    name: Text | None = None
    """Their name as it is printed on the certificates. Without it, each certificate has a field above the title to type or write the name in."""


class ClosedDate(Model):
    """A day, or a stretch of days, when no session is held: a public holiday, a shutdown, a school holiday."""

    name: Text
    """What it is, e.g. "Easter Monday" or "Summer shutdown"; a session moved off it names it."""
    date: dt.date | None = None
    """The closed day (YYYY-MM-DD); for several days in a row give start and end instead."""
    start: dt.date | None = None
    """First closed day of a stretch (with end)."""
    end: dt.date | None = None
    """Last closed day of a stretch, itself closed (with start)."""

    @model_validator(mode="after")
    def _one_way(self) -> ClosedDate:
        if self.date is not None and (self.start is not None or self.end is not None):
            raise Refusal("give either date, or start and end, not both",
                          "write `date:` for one day, or `start:` and `end:` for several days in a row")
        if self.date is None and (self.start is None or self.end is None):
            raise Refusal("give date, or both start and end",
                          "write `date:` for one day, or `start:` and `end:` for several days in a row")
        return self

    @property
    def first(self) -> dt.date:
        """The first closed day."""
        day = self.date or self.start
        assert day is not None
        return day

    @property
    def last(self) -> dt.date:
        """The last closed day."""
        day = self.date or self.end
        assert day is not None
        return day

    def covers(self, day: dt.date) -> bool:
        """Whether `day` is closed."""
        return self.first <= day <= self.last


class ProgramInfo(Model):
    """The program at a glance."""

    name: Text
    """The program's name, as participants will see it on every page and form."""
    organisation: Text
    """The organisation running the program."""
    summary: Text
    """Two or three sentences on what the program is for; the handbook opens with it."""
    language: Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)] = "en"
    """Language the outputs are written in: en, en-GB, fr, de, es or nl, or one of them with a region such as fr-CA (see Languages). The forms and calendars follow it so far."""
    start_date: dt.date
    """The day week 1 begins (YYYY-MM-DD). Every date in the program is computed from it."""
    time_zone: Text = "UTC"
    """IANA time zone for sessions and the calendar, e.g. Europe/London."""
    duration_weeks: Annotated[int, Field(ge=1, le=104)]
    """Length of the program in weeks, from week 1 to the last check-in and evaluation."""
    rollout: Literal["pilot", "full"] = "pilot"
    """`pilot` for a first small cohort, `full` for an organisation-wide rollout."""
    meeting_format: Format = "hybrid"
    """How pairs meet: in-person, remote or hybrid."""
    video_tool: Text | None = None
    """The video tool remote and hybrid pairs use, e.g. Microsoft Teams or Zoom."""
    paper_size: Literal["A4", "Letter"] = "A4"
    """Paper size of every printable document."""
    site_engine: Literal["mkdocs", "zensical"] = "mkdocs"
    """What builds the handbook site from the pages and mkdocs.yml: `mkdocs` (MkDocs with Material for MkDocs), or `zensical` (Zensical, their authors' successor, which reads the same mkdocs.yml; install it with `pip install 'reverse-mentoring-toolkit[zensical]'`). Chosen here only: mkdocs.yml has no setting for it."""
    terminology: Terminology = Terminology()
    """What this organisation calls the junior and the senior role."""
    contact: Text | None = None
    """Who participants write to with questions, e.g. the coordinator's team mailbox."""
    slide_template: Text | None = None
    """Optional .pptx deck, relative to the program folder, whose layouts brand the slides."""
    sponsor: Sponsor | None = None
    """Who signs the certificates both sides of every pair receive. `validate` warns when a recognition entry promises a certificate and no sponsor is given."""
    colours: Colours = Colours()
    """The program's colours; the defaults are the forms' own dark blue and burnt orange."""
    closed_dates: tuple[ClosedDate, ...] = ()
    """Public holidays and shutdowns: a check-in or training session that falls on one moves to the next open day (a working day that is not closed), and `validate` warns."""
    working_days: Annotated[tuple[Weekday, ...], Field(min_length=1)] = (
        "monday", "tuesday", "wednesday", "thursday", "friday")
    """The days the organisation works, e.g. [monday, tuesday, wednesday, thursday, friday, saturday]; a session moved off a closed date goes to the next of these."""
    # --- [decks] the program's logo on the slide decks
    logo: Text | None = None
    """Optional PNG image, relative to the program folder, on the title slide and at the top right of every slide of the decks; a deck drawn on slide_template keeps the template's own branding instead."""
    # --- [trainer] where the facilitator guides and slide decks go
    trainer_files: Literal["private", "public"] = "private"
    """Where the facilitator guides and slide decks go: `private` (the default) writes them to private/trainer/ of the program folder, beside the materials, and the handbook site neither holds nor links them; `public` also publishes them on the site, linked from each module's page and the Downloads page. The materials (briefs, cards with their answers, answer keys) stay in private/trainer/ either way."""


class Measure(Model):
    """One way a goal is measured."""

    metric: Text
    """What is measured, e.g. "Leaders rating their confidence with AI tools 4 or 5 of 5"."""
    unit: Text | None = None
    """Unit of baseline and target, e.g. "%" or "points"."""
    baseline: float | None = None
    """The value before the program, if known."""
    target: float
    """The value that counts as success. Lower than the baseline means lower is better."""
    method: Text
    """How it is measured: the survey, the HR report, the count."""
    when: tuple[Moment, ...] = ("baseline", "end")
    """When it is measured: baseline, midpoint, end."""
    question: Id | None = None
    """The feedback question that supplies this measure, if it comes from a survey."""
    statistic: Literal["share", "mean", "count"] | None = None
    """How the figure comes from the question's answers: `share` (the percentage answering in the top two points of the scale, the top one on a scale of three or fewer, e.g. Yes), `mean` (the mean answer, 1 to the number of labels) or `count` (how many answered Yes: a yes/no question, a scale of two labels). Without it: share with unit "%", else mean. A free-text question backs no measure: `validate` says so."""
    role: Id | None = None
    """Only the answers of this role count, e.g. mentee for a measure of leaders taken from a survey mentors answer too."""
    id: Id | None = None
    """Short identifier, unique among measures; a measure taken outside the surveys is named by it (or by its metric) in the report's figures file."""


class Goal(Model):
    """Something the program sets out to achieve."""

    id: Id
    """Short identifier, lowercase with hyphens, unique among goals."""
    title: Text
    """The goal in a few words."""
    description: Text
    """Why it matters and what success looks like."""
    benefits: tuple[Literal["organisation", "mentors", "mentees"], ...] = ("organisation",)
    """Who benefits: organisation, mentors, mentees."""
    measures: tuple[Measure, ...] = ()
    """How progress on the goal is measured."""


class Role(Model):
    """A part someone plays in the program."""

    id: Id
    """Short identifier, referred to by modules, checklist owners and surveys."""
    name: Text
    """The role's name as participants know it."""
    summary: Text
    """One or two sentences on the role."""
    responsibilities: Texts = ()
    """What someone in this role does."""
    time_commitment: Text
    """How much time the role takes, e.g. "1 hour every two weeks for 6 months"."""
    expectations: Texts = ()
    """What the program expects of this role, and what it can expect in return."""
    headcount: Annotated[int, Field(ge=1, le=100_000)] | None = None
    """How many people hold the role in this cohort; `validate` uses it to size training sessions and their group work."""
    content: Text | None = None
    """Optional Markdown file, relative to the program folder, added to the role's page."""


class Phase(Model):
    """A stretch of the program's timeline."""

    id: Id
    """Short identifier, referred to by the checklist and recognition."""
    name: Text
    """The phase's name, e.g. "Matching"."""
    start_week: Week
    """First week of the phase. Week 1 starts on program.start_date; 0 and below come before."""
    end_week: Week
    """Last week of the phase (inclusive)."""
    description: Text
    """What happens in this phase."""


# --- [trainer] activity steps, group work, module sessions and materials ---------------------


class Step(Model):
    """One instruction of an activity, with the minutes it takes when it is timed."""

    text: Text
    """What the trainer or the participants do."""
    minutes: Annotated[int, Field(gt=0, le=480)] | None = None
    """How long the step takes; the guide prints its clock time within the activity."""


def _step(value: Any) -> Any:
    """A step written as a plain sentence is a step without minutes."""
    return {"text": value} if isinstance(value, str) else value


_STEP_SCHEMA: dict[str, Any] = {"anyOf": [
    {"type": "string", "minLength": 1},
    {"type": "object", "additionalProperties": False, "required": ["text"],
     "properties": {"text": {"type": "string", "minLength": 1, "description": "What the trainer or the participants do."},
                    "minutes": {"type": "integer", "exclusiveMinimum": 0, "maximum": 480,
                                "description": "How long the step takes."}}}]}
"""A step in the JSON Schema: a sentence, or {text, minutes}."""


class GroupWork(Model):
    """How an activity's group work is organised: `validate` checks that every turn fits its minutes."""

    size: Annotated[int, Field(ge=1, le=50)]
    """People in each group (1 when each participant is taken alone, e.g. by a visiting mentor)."""
    turn_minutes: Annotated[int, Field(ge=1, le=240)]
    """Minutes each member of a group needs for their own turn (speaking, practising, receiving feedback)."""
    stations: Annotated[int, Field(ge=1, le=50)] | None = None
    """How many groups can work at once, when something limits it (two trial mentors: 2); default all of them."""

    def minutes_needed(self, people: int) -> int:
        """Minutes for every member of every group to have a turn, for `people` in the room."""
        groups = -(-people // self.size)
        rounds = -(-groups // self.stations) if self.stations else 1
        return rounds * min(self.size, people) * self.turn_minutes


class ModuleSession(Model):
    """A further run of a module, for a cohort too big for one room or one day."""

    week: Week
    """Program week of this run."""
    weekday: Weekday | None = None
    """Day of the week of this run; default the module's weekday."""
    start_time: ClockTime | None = None
    """Clock time this run starts; default the module's start_time."""
    trainers: Texts = ()
    """Who delivers this run (and anyone else it needs in the room, e.g. trial mentors); default the module's trainers."""
    room: Text | None = None
    """Where this run is held; default the module's room."""
    participants: Annotated[int, Field(ge=1, le=1000)] | None = None
    """How many people attend this run; default the module's audience split evenly over its runs."""


class CardItem(Model):
    """One card of a card set."""

    text: Text
    """What the card says."""
    answer: Text | None = None
    """The answer or the point to draw out, printed only on the trainer's answer key."""


class BriefSide(Model):
    """One side of a role-play: printed on a page of its own, the other side's brief not on it."""

    role: Text
    """Who this side plays, e.g. "The leader"."""
    brief: Text
    """What this side knows and how to play it."""


class WorksheetField(Model):
    """A box to fill in on a worksheet."""

    label: Text
    """What goes in the box."""
    lines: Annotated[int, Field(ge=1, le=30)] = 3
    """Height of the box in lines of writing."""


class Material(Model):
    """Something an activity uses, printed in the module's materials PDF: cards, a role-play brief, a worksheet, a text, the self-assessment."""

    id: Id
    """Short identifier, named by an activity's materials."""
    title: Text
    """The material's title, printed on it."""
    kind: Literal["cards", "brief", "worksheet", "text", "self-assessment"]
    """cards (several to a page with cut marks), brief (a page per side), worksheet (a fillable form), text (a page to read), self-assessment (application.self_assessment with its scoring)."""
    intro: Text | None = None
    """What the material says first: who uses it and how."""
    cards: tuple[CardItem, ...] = ()
    """For cards: the cards, in order; their answers make the trainer's answer key."""
    sides: tuple[BriefSide, ...] = ()
    """For a brief: the two (or more) sides, a page each."""
    fields: tuple[WorksheetField, ...] = ()
    """For a worksheet: the boxes to fill in, in order."""
    text: Text | None = None
    """For a text: the body, in Markdown (a pre-read, a case, a goal bank)."""


class SessionFeedback(Model):
    """The short feedback form participants fill in at the end of a module."""

    questions: Annotated[tuple[Text, ...], Field(min_length=1, max_length=8)]
    """The questions, rated 1 to 5 on the form, in order."""
    comment: Text = "What one thing would make this session better?"
    """The open question at the end."""


class Activity(Model):
    """One timed item of a training module's agenda."""

    title: Text
    """The activity's name as it appears on the agenda."""
    kind: Literal["talk", "exercise", "discussion", "role-play", "demo", "reflection", "break"]
    """talk, exercise, discussion, role-play, demo, reflection or break."""
    minutes: Annotated[int, Field(gt=0, le=480)]
    """Length in minutes. Clock times are computed from the module's start time."""
    description: Text | None = None
    """What participants do; appears on participant pages and handouts."""
    facilitator_notes: Text | None = None
    """Notes for the trainer only: never shown on participant pages or handouts."""
    # --- [trainer] what a trainer needs to deliver the activity alone (guides and speaker notes only)
    purpose: Text | None = None
    """Trainer only: why the activity is on the agenda, in one or two sentences."""
    setup: Text | None = None
    """Trainer only: how to set the room, the groups and the materials before it starts."""
    steps: tuple[Annotated[Step, BeforeValidator(_step), WithJsonSchema(_STEP_SCHEMA)], ...] = ()
    """Trainer only: the instructions, in order; each a sentence, or {minutes, text} for a timed step."""
    script: Text | None = None
    """Trainer only: what to say, word for word, for a talk or an introduction; the speaker notes hold it too."""
    debrief: Texts = ()
    """Trainer only: the questions to ask the room afterwards, in order."""
    remote: Text | None = None
    """Trainer only: how to run it when the session is remote or hybrid (breakout rooms, polls, chat)."""
    materials: tuple[Id, ...] = ()
    """Ids of the materials (top-level materials:) the activity uses; each is printed in the module's materials PDF."""
    groups: GroupWork | None = None
    """How the group work is organised, so `validate` can tell whether it fits the minutes for the people in the room."""

    @property
    def instructed(self) -> bool:
        """Whether a trainer has something to go on: steps, a script or notes."""
        return bool(self.steps or self.script or self.facilitator_notes)


class Exercise(Model):
    """A handout exercise with room to write."""

    title: Text
    """The exercise's name."""
    instructions: Text
    """What to do."""
    lines: Annotated[int, Field(ge=0, le=40)] = 6
    """Lines of writing space on the handout."""


class Module(Model):
    """A training module: who it is for, what it achieves, and a timed agenda."""

    id: Id
    """Short identifier, unique among modules; used in file names."""
    title: Text
    """The module's title."""
    summary: Text
    """One or two sentences for the training catalogue."""
    audience: tuple[Id, ...]
    """Ids of the roles this module is for."""
    format: Format = "in-person"
    """in-person, remote or hybrid."""
    week: Week
    """Program week in which the module is delivered."""
    weekday: Weekday | None = None
    """Day of the week of the session, e.g. wednesday; default the first day of the program week (start_date's weekday)."""
    start_time: ClockTime
    """Clock time the session starts, e.g. "09:30"; agenda times are computed from it."""
    objectives: Texts = ()
    """What participants can do by the end."""
    questions: Texts = ()
    """Questions the module answers or discusses."""
    key_points: Texts = ()
    """Points participants should keep."""
    agenda: Annotated[tuple[Activity, ...], Field(min_length=1)]
    """The timed activities, in order. The module's length is their sum."""
    preparation: Texts = ()
    """What the facilitator does beforehand."""
    materials: Texts = ()
    """What the room needs: flip charts, cards, screen."""
    exercises: tuple[Exercise, ...] = ()
    """Exercises printed on the participant handout."""
    follow_up: Texts = ()
    """What happens after the session."""
    content: Text | None = None
    """Optional Markdown file, relative to the program folder, added to the module's page."""
    # --- [trainer] who delivers the session, where, and how often it runs
    trainers: Texts = ()
    """Who delivers the session, by name or job title, and anyone else it needs in the room (e.g. "Two 2026 trial mentors"); `validate` refuses the same person in overlapping sessions."""
    room: Text | None = None
    """Where the session is held (a room, or the video meeting); `validate` refuses the same room in overlapping sessions."""
    participants: Annotated[int, Field(ge=1, le=1000)] | None = None
    """How many people attend this session; default the audience roles' headcounts split evenly over the module's runs."""
    sessions: tuple[ModuleSession, ...] = ()
    """Further runs of the module for a big cohort; the module's own week, weekday, start_time, trainers and room are its first run."""
    feedback: SessionFeedback | None = None
    """The short session-feedback form participants fill in at the end (a fillable PDF in the training pack)."""
    trainer_content: Text | None = None
    """Optional Markdown file for trainers only, printed in the facilitator guide and never in the handout or on the site."""

    @property
    def duration_minutes(self) -> int:
        """The module's length: the sum of its agenda, never typed in."""
        return sum(activity.minutes for activity in self.agenda)

    def timed_agenda(self) -> list[TimedActivity]:
        """Each activity with its clock start and end, computed from the module's start time."""
        clock = dt.datetime.combine(dt.date(2000, 1, 1), self.start_time)
        timed = []
        for activity in self.agenda:
            end = clock + dt.timedelta(minutes=activity.minutes)
            timed.append(TimedActivity(activity, clock.time(), end.time()))
            clock = end
        return timed

    @property
    def end_time(self) -> dt.time:
        """Clock time the module ends."""
        return self.timed_agenda()[-1].end


class SessionDay(NamedTuple):
    """When a session is held, and why it moved, if it did."""

    planned: dt.date
    """The day its week and weekday give."""
    date: dt.date
    """The day it is held: the planned day, or the next open day when that is closed."""
    closed: ClosedDate | None
    """The closed date it was moved off, if any."""


@dataclass(frozen=True)
class ProgramRound:
    """One round of pairs, as the program's dates place it."""

    number: int
    """1, 2, ... in the order the rounds run."""
    count: int
    """How many rounds the program has."""
    start_week: int
    end_week: int
    start: dt.date
    """The first day of the round's first week."""
    end: dt.date
    """The last day of the round's last week."""
    checkins: tuple[int, ...]
    """Numbers of the round's check-ins, counted over the whole program (1 is the program's first)."""


class ModuleRun(NamedTuple):
    """One run of a training module: when, by whom, where, for how many."""

    number: int
    """1 for the module's own session, 2 and on for its further sessions, in the order written."""
    week: int
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    trainers: tuple[str, ...]
    room: str | None
    participants: int | None
    """People in the room: as written, or the audience's headcounts split over the runs; None when unknown."""


class TimedActivity(NamedTuple):
    """An agenda activity with its computed clock times."""

    activity: Activity
    start: dt.time
    end: dt.time


class Schedule(Model):
    """When check-ins happen: a count and an interval, or explicit weeks."""

    first_week: Week | None = None
    """Week of the first check-in (with every_weeks and count)."""
    every_weeks: Annotated[int, Field(ge=1, le=26)] | None = None
    """Weeks between check-ins (with first_week and count)."""
    count: Annotated[int, Field(ge=1, le=52)] | None = None
    """How many check-ins (with first_week and every_weeks)."""
    weeks: tuple[Week, ...] | None = None
    """Explicit weeks instead, e.g. [2, 4, 8, 12, 16, 22]."""

    @model_validator(mode="after")
    def _one_way(self) -> Schedule:
        rhythm = (self.first_week, self.every_weeks, self.count)
        if self.weeks is not None and any(v is not None for v in rhythm):
            raise ValueError("give either weeks, or first_week, every_weeks and count, not both")
        if self.weeks is None and any(v is None for v in rhythm):
            raise ValueError("give weeks, or all three of first_week, every_weeks and count")
        return self

    def resolved_weeks(self) -> tuple[int, ...]:
        """The weeks of the check-ins, however they were written."""
        if self.weeks is not None:
            return self.weeks
        assert self.first_week is not None and self.every_weeks and self.count
        return tuple(self.first_week + i * self.every_weeks for i in range(self.count))


class CheckinSession(Model):
    """What one check-in is about."""

    title: Text
    """The check-in's title."""
    purpose: Text
    """Why this check-in happens at this point."""
    prompts: Texts = ()
    """Agenda prompts for the pair's conversation."""
    questions: Texts = ()
    """Questions the pair talks over before closing and notes on the pair record; what either side
    would say only to the coordinator goes on their private pulse."""


Minutes = Annotated[int, Field(gt=0, le=240)]
_RANGE = re.compile(r"^\s*([0-9]+)\s*(?:-|–|to)\s*([0-9]+)\s*$")
_RANGE_PATTERN = r"^\s*[0-9]+\s*(-|–|to)\s*[0-9]+\s*$"


class MinuteRange(Model):
    """A length in minutes that may vary, from `min` to `max` (equal for a fixed length)."""

    min: Minutes
    """The shortest it takes, in minutes."""
    max: Minutes
    """The longest it takes, in minutes: the calendar books this much."""

    @model_validator(mode="after")
    def _in_order(self) -> MinuteRange:
        if self.min > self.max:
            raise Refusal(f"min ({self.min}) is more than max ({self.max})", "write the shorter length as min")
        return self

    def __str__(self) -> str:
        """"45", or "45-60" for a range: what the handbook writes before "minutes"."""
        return str(self.min) if self.min == self.max else f"{self.min}-{self.max}"

    @property
    def text(self) -> str:
        """"45 minutes", or "45-60 minutes" for a range."""
        return f"{self} minutes"


def _minute_range(value: Any) -> Any:
    """45, "45", "45-60" (or "45 to 60") as a MinuteRange's mapping; a mapping is the model's to check."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return value
    text = str(value)
    found = _RANGE.match(text)
    low, high = (found.group(1), found.group(2)) if found else (text.strip(), text.strip())
    if not (low.isdigit() and high.isdigit()):
        raise Refusal(f"expected minutes such as 45, or a range such as 45-60, got {text.strip()!r}",
                      "write a whole number of minutes, or two joined by a hyphen (45-60)")
    for number in (int(low), int(high)):
        if not 0 < number <= 240:
            raise Refusal(f"expected minutes from 1 to 240, got {number}", "write a length from 1 to 240 minutes")
    return {"min": int(low), "max": int(high)}


def _minute_range_schema(schema: dict[str, Any]) -> None:
    """In the JSON Schema, the three ways to write a length: 45, "45-60" and {min: 45, max: 60}."""
    ref = schema.pop("$ref", None)
    for part in schema.pop("allOf", []):
        ref = ref or part.get("$ref")
    schema["anyOf"] = [{"type": "integer", "exclusiveMinimum": 0, "maximum": 240},
                       {"type": "string", "pattern": _RANGE_PATTERN}, {"$ref": ref}]
    schema["default"] = 45


class Checkins(Model):
    """The rhythm of the structured check-ins each pair holds, and what each covers."""

    schedule: Schedule
    """When the check-ins happen."""
    minutes: Annotated[MinuteRange, BeforeValidator(_minute_range), Field(json_schema_extra=_minute_range_schema)] = (
        MinuteRange(min=45, max=45))
    """Length of one check-in in minutes (45 unless given), or a range such as 45-60 (also written {min: 45, max: 60}), shown as such; the calendar books the longer end."""
    time: ClockTime = dt.time(12, 0)
    """Default clock time for check-ins in the calendar, e.g. "12:00"."""
    weekday: Weekday | None = None
    """Day of the week check-ins fall on, e.g. tuesday; default the first day of the program week (start_date's weekday)."""
    sessions: tuple[CheckinSession, ...]
    """One entry per scheduled check-in, in order."""


class Round(Model):
    """One round of pairs: the weeks it covers. The check-ins in those weeks are the round's."""

    start_week: Week
    """First week of the round."""
    end_week: Week
    """Last week of the round (inclusive)."""


class Rotation(Model):
    """Rounds of pairs: each round pairs people anew (`revmentor match --round N`), with its own check-ins and packs."""

    rounds: Annotated[tuple[Round, ...], Field(min_length=1)]
    """The rounds in the order they run, e.g. [{start_week: 1, end_week: 12}, {start_week: 13, end_week: 24}]; they may not overlap, and each holds at least one check-in. Without rotation the program is one round."""


class ChecklistItem(Model):
    """One strategy of the program's checklist."""

    id: Id
    """Short identifier, unique in the checklist."""
    strategy: Text
    """The strategy, e.g. "Rotate pairs periodically"."""
    why: Text
    """Why it matters."""
    actions: Texts = ()
    """Concrete actions that put it into practice."""
    owner: Id
    """Id of the role that owns it."""
    phase: Id
    """Id of the phase it belongs to."""
    done: bool = False
    """Whether it is done."""


class Challenge(Model):
    """A concern people raise, and how the program answers it."""

    concern: Text
    """The concern, in the words people use."""
    response: Text
    """What the program does about it."""


class Faq(Model):
    """A question participants ask."""

    question: Text
    """The question."""
    answer: Text
    """The answer."""


class Recognition(Model):
    """A way the program recognises and thanks its participants."""

    title: Text
    """What it is, e.g. "Certificate of appreciation"."""
    description: Text
    """How it works and who receives it."""
    phase: Id | None = None
    """Id of the phase in which it happens."""


class Scale(Model):
    """An answer scale for survey questions, valued 1 to the number of labels."""

    id: Id
    """Short identifier, referred to by questions."""
    labels: Annotated[tuple[Text, ...], Field(min_length=2, max_length=11)]
    """Labels from lowest to highest, e.g. [Strongly disagree, ..., Strongly agree]."""


class Question(Model):
    """A survey question; the same question in several surveys makes change measurable."""

    id: Id
    """Short identifier: the column name in survey responses."""
    text: Text
    """The question as respondents read it."""
    kind: Literal["scale", "text"] = "scale"
    """`scale` (answered on a scale) or `text` (free text)."""
    scale: Id | None = None
    """Id of the scale, for scale questions."""


# --- survey tools' exports (evaluation/responses.py) ----------------------------------------


class ExportColumn(Model):
    """One column of a survey tool's export, tied to what it holds."""

    header: Text
    """The column's header as the export has it: the question as the survey tool worded it, or an id such as Q3 (compared ignoring case, spacing and curly quotes)."""
    holds: Id
    """What the column holds: the id of one of the survey's questions, `role` (the respondent's role), `respondent` (an opaque id per respondent) or `ignore` (a column the report does not read)."""


class SurveyExport(Model):
    """How a survey tool's export of this survey is recognised, when its file name and headers do not say it by themselves."""

    file: Text | None = None
    """The export's file name, `*` standing for any text, e.g. "Leaders after*.xlsx" (case ignored). Without it a file is the survey's when it is named after the survey id or title, or when its columns hold this survey's questions."""
    columns: tuple[ExportColumn, ...] = ()
    """Columns whose header is neither a question id nor a question's text, e.g. {header: "How confident are you with our tools?", holds: confidence}."""


class Survey(Model):
    """A feedback survey sent at one moment to some roles."""

    id: Id
    """Short identifier, used in file names."""
    title: Text
    """The survey's title."""
    moment: Moment
    """baseline, midpoint or end."""
    week: Week
    """Program week the survey goes out."""
    audience: tuple[Id, ...]
    """Ids of the roles who answer it."""
    questions: Annotated[tuple[Id, ...], Field(min_length=1)]
    """Ids of the questions it asks, in order."""
    export: SurveyExport | None = None
    """How its export from a survey tool is recognised: a file-name pattern, and the columns whose headers differ from the questions."""


class Feedback(Model):
    """Surveys that tell whether the program is working."""

    scales: tuple[Scale, ...] = ()
    """Answer scales."""
    questions: tuple[Question, ...] = ()
    """Every question, defined once."""
    surveys: tuple[Survey, ...] = ()
    """The surveys: which questions, when, and for whom."""
    min_group_size: Annotated[int, Field(ge=2, le=100)] = 5
    """Smallest group a report breaks figures down by, so no one can be identified."""
    returns: Text | None = None
    """How completed surveys come back without saying who sent them, printed on every survey, e.g. "Put it in the sealed Crosswise box at your site's reception" or the survey tool's link. Without it, surveys say they go back to the program contact, who can see who sent each one."""


class Columns(Model):
    """Names of the roster columns, as exported by your HR system."""

    id: Text = "id"
    """Unique employee id."""
    name: Text = "name"
    """Full name."""
    email: Text = "email"
    """E-mail address."""
    role: Text = "role"
    """mentor, mentee, or empty for someone who takes no part."""
    level: Text = "level"
    """Seniority: a number (higher is more senior), or one of the bands of matching.levels."""
    department: Text = "department"
    """Department or team."""
    manager_id: Text = "manager_id"
    """Id of the person's manager."""
    time_zone: Text = "time_zone"
    """IANA time zone or UTC offset in hours."""
    offers: Text = "offers"
    """Topics a mentor can teach, separated by semicolons."""
    wants: Text = "wants"
    """Topics a mentee wants to learn, separated by semicolons."""
    languages: Text = "languages"
    """Languages spoken, separated by semicolons."""
    capacity: Text = "capacity"
    """How many mentees a mentor can take."""
    manager_consent: Text = "manager_consent"
    """Whether the person's line manager has agreed to their taking part: yes or no (empty: not asked yet). Optional."""


class Rules(Model):
    """Hard rules: a pair that breaks one is never made."""

    mentor_junior: bool = True
    """The mentor's level must be below the mentee's: the reverse in reverse mentoring."""
    different_department: bool = False
    """Never pair two people from the same department."""
    shared_language: bool = False
    """Never pair two people without a language in common."""
    shared_topic: bool = True
    """Pair with purpose: never with a mentor offering none of the topics the mentee wants (a mentee who lists none is paired on the other rules)."""
    manager_consent: bool = False
    """Never pair a mentor whose line manager has not agreed (manager_consent not yes); when false, such pairs are made and flagged in the match report."""


class Weights(Model):
    """Soft preferences: how much each counts towards a pair's score."""

    topics: Annotated[float, Field(ge=0)] = 3.0
    """Overlap between what the mentee wants and the mentor offers."""
    cross_department: Annotated[float, Field(ge=0)] = 1.0
    """Mentor and mentee from different departments."""
    time_zone: Annotated[float, Field(ge=0)] = 1.0
    """Working hours that overlap."""
    language: Annotated[float, Field(ge=0)] = 1.0
    """A language in common."""
    load: Annotated[float, Field(ge=0)] = 0.5
    """Spreading mentees across mentors before giving anyone a second."""
    style: Annotated[float, Field(ge=0)] = 1.0
    """The mentor's style, from the application's self-assessment, is the kind of mentor the mentee asked for."""


class Matching(Model):
    """How pairs are made from a roster."""

    columns: Columns = Columns()
    """Roster column names."""
    rules: Rules = Rules()
    """Hard rules."""
    weights: Weights = Weights()
    """Soft preferences."""
    default_capacity: Annotated[int, Field(ge=1, le=10)] = 1
    """Mentees per mentor when the roster gives no capacity."""
    levels: Texts = ()
    """Seniority bands from the most junior to the most senior, e.g. [Band 5, Band 6, Band 7, Band 8a, Director]: a roster's level then names a band. Empty: levels are numbers."""


# --- the application form (what people fill in when the program opens) ---------------------


class Style(Model):
    """A kind of mentor the self-assessment can find, e.g. a demonstrator or a sounding board."""

    id: Id
    """Short identifier, referred to by the self-assessment's items."""
    name: Text
    """The style's name, as applicants and the match report see it."""
    description: Text
    """One sentence on how a mentor of this style works; mentees choose from these."""


class AssessmentItem(Model):
    """One statement of the self-assessment, answered on its scale."""

    id: Id
    """Short identifier: the statement's column in the applications export and its field on the form."""
    statement: Text
    """The statement, in the applicant's voice, e.g. "I would rather show someone than tell them"."""
    style: Id
    """Id of the style that agreeing with it points to."""


class SelfAssessment(Model):
    """The "what kind of mentor are you" statements mentors answer, and the styles they score into."""

    intro: Text | None = None
    """What the form says above the statements."""
    scale: Id
    """Id of the feedback scale the statements are answered on (one of feedback.scales), lowest first."""
    styles: Annotated[tuple[Style, ...], Field(min_length=2)]
    """The styles, in the order ties between them are listed."""
    items: Annotated[tuple[AssessmentItem, ...], Field(min_length=2)]
    """The statements, in the order the form asks them. A mentor's style is the one whose statements they rate highest on average."""


APPLICATION_FIELDS = ("id", "email", "name", "role", "languages", "availability", "meeting_format", "offers",
                      "capacity", "manager_consent", "wants", "preferred_style")
"""The application form's own fields, also the columns of its export; a statement's id is its field."""


class Application(Model):
    """The application form people fill in when the program opens: a fillable PDF and the same questions for a survey tool."""

    intro: Text | None = None
    """What the form says first: who can apply, by when, and what happens next."""
    topics: Annotated[tuple[Text, ...], Field(min_length=1)]
    """The program's topic list: what mentors can offer and mentees can ask for. Applications may name only these."""
    languages: Texts = ()
    """Languages meetings can be held in, offered as choices. Empty: applicants write their own."""
    availability: Texts = ()
    """Times pairs could meet, offered as choices (e.g. "Tuesday lunchtime"). Empty: not asked."""
    formats: tuple[Format, ...] = ()
    """Meeting formats applicants choose from (in-person, remote, hybrid). Empty: not asked."""
    max_capacity: Annotated[int, Field(ge=1, le=10)] = 2
    """The most mentees a mentor can offer to take on the form."""
    manager_consent: bool = False
    """Ask mentors to confirm that their line manager has agreed (the manager_consent column)."""
    self_assessment: SelfAssessment | None = None
    """The "what kind of mentor are you" self-assessment; mentees then choose the kind of mentor they want."""


class ConcernRoute(Model):
    """Where one kind of concern goes: the route the program points people to, never a form."""

    about: Text
    """The kind of concern, in the words participants use, e.g. "Safety and safeguarding"."""
    contact: Text
    """Whom to contact and how, e.g. "The designated safeguarding lead, Room 14, extension 2210"."""


DEFAULT_PROMISE = "What the two of you say in your meetings stays between you, unless you both agree otherwise."
DEFAULT_EXCEPTIONS = ("a risk to someone's health or safety", "a breach of the law")


class Confidentiality(Model):
    """The program's confidentiality promise, its limits, and where each kind of concern goes.

    One source for every output: the handbook's confidentiality page, the agreement, every
    check-in form, the pulse and the facilitator guides print these same words.
    """

    promise: Text = DEFAULT_PROMISE
    """What stays in the pair, in one or two sentences both sides sign up to."""
    exceptions: Texts = DEFAULT_EXCEPTIONS
    """What cannot stay in the pair, whoever hears it, each completing "If either of you learns of ..."."""
    concerns: tuple[ConcernRoute, ...] = ()
    """Where each kind of concern goes (safety and safeguarding, harassment, wellbeing, the program itself)."""
    returns: Text | None = None
    """How a private pulse form reaches the coordinator and no one else, e.g. "E-mail it from your own
    account to crosswise@example.org". Without it the forms say to send it to program.contact."""
    content: Text | None = None
    """Optional Markdown file, relative to the program folder, added to the handbook's confidentiality page."""


# --- communications: every message the program sends, and when (issue 19) ------------------

RECIPIENT_GROUPS: dict[str, str] = {
    "pairs": "both sides of every pair",
    "line-managers": "each participant's line manager",
    "sponsor": "the program's sponsor",
    "staff": "everyone who may apply",
    "not-selected": "applicants not paired this round",
}
"""Who a message may go to besides a role (its id, e.g. mentor): each group and what it means."""
PERSONAL_RECIPIENTS = ("mentor", "mentee", "pairs")
"""Recipients the pairs file names: a message to them becomes one draft per person in the pair packs."""
PLACEHOLDERS: dict[str, str] = {
    "program": "the program's name",
    "organisation": "the organisation running it",
    "contact": "how to reach the coordinator (program.contact)",
    "sponsor": "the sponsor's name, or \"the\" and their title when no name is given (the Chief Operating Officer)",
    "mentor_term": "what the program calls a mentor (terminology.mentor)",
    "mentee_term": "what the program calls a mentee (terminology.mentee)",
    "start_date": "the program's first day",
    "end_date": "the program's last day",
    "send_date": "the day the message goes",
    "checkin_number": "the check-in's number: the one a message timed from each check-in is for, else the next one",
    "checkin_title": "that check-in's title",
    "checkin_date": "that check-in's date",
    "module_title": "the training module the message is timed from (when: module)",
    "module_date": "that module's date",
    "survey_title": "the survey the message is timed from (when: survey)",
    "survey_date": "the first day of that survey's week",
    "handbook_url": "the handbook's address (communications.handbook_url)",
    "checkins_url": "the handbook's check-ins page",
    "confidentiality_url": "the handbook's confidentiality page",
    "messages_url": "the handbook's page of what participants will hear, and when",
    "first_meeting_url": "the handbook's first-meeting guide (content/guides/first-meeting.md)",
    "name": "the recipient's name, from the pairs file (messages to mentor, mentee or pairs only)",
    "partner": "the name of the recipient's partner in the pair",
    "mentor_name": "the pair's mentor's name",
    "mentee_name": "the pair's mentee's name",
    "pair_id": "the pair's id",
}
"""The placeholders a subject or body may hold, written in braces ({name}); `{{` and `}}` are literal braces."""
PERSONAL_PLACEHOLDERS = ("name", "partner", "mentor_name", "mentee_name", "pair_id")
"""Placeholders filled from the pairs file: only a message to mentor, mentee or pairs may use them."""
FIRST_MEETING_GUIDE = "content/guides/first-meeting.md"
"""The hand-written guide {first_meeting_url} links to; `validate` checks that the program folder has it."""
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""A placeholder ({name}; group 1 is its name), or a doubled brace that stands for a literal one."""
CommsEvent = Literal["start", "midpoint", "end", "checkins"]


class SendTime(Model):
    """When a message goes: in a week of the program, or some days before or after an event.
    Give one of week, event, module or survey."""

    week: Week | None = None
    """Week of the program it goes in (week 1 starts on start_date; 0 and below are before it), e.g. -4."""
    weekday: Weekday | None = None
    """Day of that week it goes on (with week), e.g. monday; default the week's first day."""
    event: CommsEvent | None = None
    """The event it is timed from: start or end of the program, its midpoint (the first day of week duration_weeks / 2 + 1), or checkins: one send for each check-in."""
    module: Id | None = None
    """Id of the training module it is timed from."""
    survey: Id | None = None
    """Id of the survey it is timed from (the first day of the survey's week)."""
    days_before: Annotated[int, Field(ge=0, le=120)] | None = None
    """Days before the event, module or survey it goes, e.g. 3."""
    days_after: Annotated[int, Field(ge=0, le=120)] | None = None
    """Days after the event, module or survey it goes; neither: on the day itself."""
    time: ClockTime = dt.time(9, 0)
    """Clock time the send calendar reminds the coordinator to send it, e.g. "09:00"."""

    @model_validator(mode="after")
    def _one_way(self) -> SendTime:
        given = [key for key in ("week", "event", "module", "survey") if getattr(self, key) is not None]
        if len(given) != 1:
            raise Refusal("give exactly one of week, event, module or survey" + (f", not {' and '.join(given)}"
                                                                                  if given else ""),
                          "write `week: -2` for a week of the program, or `event: checkins` with `days_before: 3`")
        if self.weekday is not None and self.week is None:
            raise Refusal("weekday goes with week", "remove weekday, or time the message by `week:`")
        if self.week is not None and (self.days_before is not None or self.days_after is not None):
            raise Refusal("days_before and days_after go with event, module or survey, not week",
                          "give the day with `weekday:` instead")
        if self.days_before is not None and self.days_after is not None:
            raise Refusal("give days_before or days_after, not both", "keep one of them")
        return self

    @property
    def offset(self) -> int:
        """Days from the event to the send: negative before it."""
        return self.days_after or -(self.days_before or 0)


class Message(Model):
    """One message the program sends: to whom, when, and what it says."""

    id: Id
    """Short identifier, used in file names and the mail-merge file, e.g. checkin-reminder."""
    title: Text
    """What the message is, as the handbook's page of messages lists it, e.g. "Reminder before each check-in"."""
    to: Annotated[tuple[Id, ...], Field(min_length=1)]
    """Who receives it: mentor or mentee (their roles' ids), pairs (both sides of every pair), line-managers, sponsor, staff (everyone who may apply), not-selected (applicants not paired this round), or another role's id."""
    when: SendTime
    """When it goes."""
    subject: Text
    """The subject line; placeholders such as {program} are filled in."""
    body: Text
    """The message in Markdown, with placeholders from the fixed set (see the Communications section of the README), e.g. {name} and {checkin_date}."""


class CommunicationsPlan(Model):
    """Every message the program sends: the handbook lists them, `revmentor forms` writes the coordinator's send calendar, mail-merge file and a draft for each person."""

    handbook_url: Text | None = None
    """Where the handbook is published, e.g. https://intranet.example.org/mentoring; links in messages start with it. Without it, a link names the handbook page instead."""
    sender: Text | None = None
    """The From of every draft, e.g. "Mentoring team <mentoring@example.org>"; without it, your mail program fills in your own address."""
    messages: tuple[Message, ...] = ()
    """The messages, in any order: the handbook and the send calendar put them in date order."""


class Program(Model):
    """A reverse-mentoring program: everything the toolkit generates comes from this."""

    program: ProgramInfo
    """The program at a glance."""
    goals: tuple[Goal, ...]
    """What the program sets out to achieve, and how each goal is measured."""
    roles: tuple[Role, ...]
    """The parts people play: mentor, mentee, coordinator, sponsor, trainer."""
    phases: tuple[Phase, ...] = ()
    """The timeline, in week offsets from the start."""
    training: tuple[Module, ...] = ()
    """Training modules with timed agendas."""
    checkins: Checkins | None = None
    """The check-in schedule and what each check-in covers."""
    rotation: Rotation | None = None
    """Rounds of pairs, when pairs rotate during the program; without it the program is one round."""
    checklist: tuple[ChecklistItem, ...] = ()
    """The strategy checklist."""
    challenges: tuple[Challenge, ...] = ()
    """Concerns people raise and the program's answers."""
    faq: tuple[Faq, ...] = ()
    """Frequently asked questions."""
    recognition: tuple[Recognition, ...] = ()
    """How participants are recognised and thanked."""
    confidentiality: Confidentiality = Confidentiality()
    """What stays in a pair, its limits, and where concerns go: printed alike on every page and form."""
    feedback: Feedback = Feedback()
    """Feedback surveys and their questions."""
    matching: Matching = Matching()
    """How mentors and mentees are paired from a roster."""
    application: Application | None = None
    """The application form: its questions, the topic list, the self-assessment."""
    communications: CommunicationsPlan | None = None
    """Every message the program sends, to whom and when: invitations, briefs, reminders, thanks."""
    materials: tuple[Material, ...] = ()
    """What training activities use: cards, role-play briefs, worksheets, texts, the self-assessment."""

    @property
    def checkin_weeks(self) -> tuple[int, ...]:
        """Weeks of the scheduled check-ins."""
        return self.checkins.schedule.resolved_weeks() if self.checkins else ()

    def week_start(self, week: int) -> dt.date:
        """The first day of a program week: week 1 starts on start_date, week 0 the week before."""
        return self.program.start_date + dt.timedelta(weeks=week - 1)

    def checkin_dates(self) -> list[tuple[int, dt.date, CheckinSession]]:
        """(week, date, session) for every scheduled check-in: the day it is held (see `checkin_days`).
        Every date of a check-in, in the handbook, the forms and the calendar, comes from here."""
        if self.checkins is None:
            return []
        return [(week, day.date, session)
                for week, day, session in zip(self.checkin_weeks, self.checkin_days(), self.checkins.sessions,
                                              strict=False)]

    # --- when sessions are held: weekdays, closed dates, rounds ---------------------------

    def planned_day(self, week: int, weekday: str | None) -> dt.date:
        """The day of `week` that falls on `weekday`; without one, the first day of the week.

        A program week starts on start_date's weekday, so `tuesday` in a week that starts on a
        Thursday is that week's Tuesday, five days in."""
        start = self.week_start(week)
        if weekday is None:
            return start
        return start + dt.timedelta(days=(WEEKDAYS.index(weekday) - start.weekday()) % 7)

    def closure(self, day: dt.date) -> ClosedDate | None:
        """The closed date that covers `day`, if any."""
        return next((closed for closed in self.program.closed_dates if closed.covers(day)), None)

    def session_day(self, week: int, weekday: str | None) -> SessionDay:
        """When a session planned for `weekday` of `week` is held: that day, or, when it is
        closed, the next working day (program.working_days) that is not."""
        planned = self.planned_day(week, weekday)
        closed = self.closure(planned)
        if closed is None:
            return SessionDay(planned, planned, None)
        working = {WEEKDAYS.index(name) for name in self.program.working_days}
        day = planned + dt.timedelta(days=1)
        while day.weekday() not in working or self.closure(day) is not None:
            day += dt.timedelta(days=1)
        return SessionDay(planned, day, closed)

    def checkin_days(self) -> list[SessionDay]:
        """When each scheduled check-in is held, in order."""
        weekday = self.checkins.weekday if self.checkins else None
        return [self.session_day(week, weekday) for week in self.checkin_weeks]

    def module_day(self, module: Module) -> SessionDay:
        """When a module's session is held."""
        return self.session_day(module.week, module.weekday)

    def module_date(self, module: Module) -> dt.date:
        """The day a module's session is held: every date of a module comes from here."""
        return self.module_day(module).date

    # --- [trainer] every run of a module, with who delivers it, where, and for how many

    def module_runs(self, module: Module) -> list[ModuleRun]:
        """Each run of a module: the module itself, then its further sessions, each resolved
        against the module's own day, time, trainers and room."""
        runs = [(module.week, module.weekday, module.start_time, module.trainers, module.room, module.participants)]
        runs += [(s.week, s.weekday or module.weekday, s.start_time or module.start_time, s.trainers or module.trainers,
                  s.room or module.room, s.participants) for s in module.sessions]
        heads = [self.role(role_id).headcount for role_id in module.audience
                 if any(role.id == role_id for role in self.roles)]
        share = -(-sum(h for h in heads if h) // len(runs)) if heads and all(heads) else None
        made = []
        for number, (week, weekday, start, trainers, room, people) in enumerate(runs, start=1):
            day = self.session_day(week, weekday).date
            begin = dt.datetime.combine(day, start)
            made.append(ModuleRun(number, week, day, begin, begin + dt.timedelta(minutes=module.duration_minutes),
                                  trainers, room, people or share))
        return made

    def rounds(self) -> tuple[ProgramRound, ...]:
        """The rounds of pairs with their dates and check-ins; without rotation, one round: the whole program."""
        spans = ([(r.start_week, r.end_week) for r in self.rotation.rounds] if self.rotation
                 else [(1, self.program.duration_weeks)])
        weeks = self.checkin_weeks
        return tuple(
            ProgramRound(number, len(spans), first, last, self.week_start(first),
                         self.week_start(last) + dt.timedelta(days=6),
                         tuple(n for n, week in enumerate(weeks, start=1) if first <= week <= last))
            for number, (first, last) in enumerate(spans, start=1))

    def checkin_round(self, number: int) -> ProgramRound | None:
        """The round check-in `number` (counted from 1 over the whole program) belongs to."""
        return next((item for item in self.rounds() if number in item.checkins), None)

    def module_round(self, module: Module) -> int:
        """The round a module belongs to: the first that has not ended by the module's week (so
        training before the first round is the first round's), else the last."""
        rounds = self.rounds()
        return next((item.number for item in rounds if module.week <= item.end_week), rounds[-1].number)

    def role(self, role_id: str) -> Role:
        """The role with this id (ids are checked to resolve when the program is loaded)."""
        return next(role for role in self.roles if role.id == role_id)

    @property
    def training_minutes(self) -> int:
        """Total training time across all modules."""
        return sum(module.duration_minutes for module in self.training)
