"""What the forms of a program are: one `FormPlan` per form, in the order the downloads page lists them.

Pure: planning reads nothing, so the handbook knows every form before one is laid out, and a
pair pack knows which forms it fills. The templates under `templates/forms/` decide how each
form looks; `form_context` is what they receive.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ...pairing.applications import application_questions
from ...pairing.pairs import GOALS_PER_SIDE
from ...program.model import CheckinSession, ClosedDate, MinuteRange, Program, ProgramRound
from ...render.i18n import N_, Translator, translator
from ...render.text import Privacy, document_context

FOLDER = "forms"
"""Where the blank forms go inside the site."""
GROUP_FORMS = "Check-in forms"
GROUP_SURVEYS = "Surveys"
GROUP_APPLYING = "Applying to the program"
APPLICATION = "application"
"""The application form's name: forms/application.pdf."""

PROGRESS = (N_("Not started"), N_("Started"), N_("Making progress"), N_("Nearly there"), N_("Achieved"))
"""The progress scale of a goal on a check-in form, lowest first (in English: forms get them translated)."""
WORKING = (N_("Not at all"), N_("Not very well"), N_("Fairly well"), N_("Well"), N_("Very well"))
"""The pulse's "how well is it working" scale, lowest first."""
COMFORTABLE = (N_("Not at all"), N_("A little"), N_("Fairly"), N_("Very"), N_("Completely"))
"""The pulse's "how comfortable saying what you think" scale, lowest first."""
SIDES = ("mentor", "mentee")
ACTION_ROWS = 5
"""Rows of the agreed-actions table."""


@dataclass(frozen=True)
class FormPlan:
    """One form to lay out: its name, template and what the template receives."""

    name: str
    """File name without .pdf, e.g. "checkin-3"; also names the form in pair packs."""
    template: str
    title: str
    """How the downloads page names it."""
    group: str
    """The downloads page's heading for it."""
    description: str
    context: dict[str, Any] = field(compare=False, repr=False)
    in_site: bool = True
    """Whether the blank form is offered in the handbook's downloads."""
    in_pack: bool = False
    """Whether every pair pack has a filled copy."""
    per_checkin: bool = False
    """Whether a pair pack has a filled copy for each check-in (the pulses), named checkin-N-<name>."""
    read_only: frozenset[str] = frozenset()
    """Fields a reader cannot change (the certificate's names)."""
    centred: frozenset[str] = frozenset()
    """Fields whose text is centred."""

    @property
    def path(self) -> str:
        """Where the blank form goes inside the site."""
        return f"{FOLDER}/{self.name}.pdf"


@dataclass(frozen=True)
class Checkin:
    """A scheduled check-in, as its form shows it."""

    number: int
    """Counted over the whole program: check-in 4 is the program's fourth (it names the form, checkin-4)."""
    count: int
    week: int
    date: dt.date
    """The day it is held (Program.checkin_dates: its week and weekday, moved off a closed date)."""
    time: dt.time
    minutes: MinuteRange
    """Its length: `duration(minutes)` shows "45 min", or "45-60 min" for a range."""
    session: CheckinSession
    round: int = 1
    """The round of pairs it belongs to (1 when the program has no rotation)."""
    in_round: int = 0
    """Its number within its round: 1 for the round's first check-in."""
    round_checkins: int = 0
    """How many check-ins its round has."""
    rounds: int = 1
    """How many rounds the program has."""
    moved_from: dt.date | None = None
    """The planned day, when that was a closed date and the check-in moved to `date`."""
    closed: ClosedDate | None = None
    """The closed date it moved off, if it did."""
    language: str = "en"
    """The program's language, which its label is written in."""

    @property
    def label(self) -> str:
        """"Check-in 2 of 6", or with rounds "Round 2, check-in 1 of 3": how a pair counts its check-ins."""
        t = translator(self.language)
        if self.rounds > 1:
            return t._("Round %(round)d, check-in %(n)d of %(total)d", round=self.round, n=self.in_round,
                       total=self.round_checkins)
        return t._("Check-in %(n)d of %(total)d", n=self.number, total=self.count)

    @property
    def counted(self) -> str:
        """The label without its first word, as a pulse's Check-in field holds it: "2 of 6", "Round 2, check-in 1 of 3"."""
        t = translator(self.language)
        if self.rounds > 1:
            return self.label
        return t._("%(n)d of %(total)d", n=self.number, total=self.count)

    @property
    def length(self) -> str:
        """"45 minutes", or "45-60 minutes" for a range."""
        return self.minutes.text


def serves_field(goal_id: str) -> str:
    """The agreement's check box for a program goal the pair's work serves."""
    return "serves_" + goal_id.replace("-", "_")


def checkins(program: Program, round_number: int | None = None) -> list[Checkin]:
    """Every scheduled check-in with its number, planned date and time; only round `round_number`'s, if given."""
    dates = program.checkin_dates()
    if program.checkins is None:
        return []
    settings = program.checkins
    rounds = program.rounds()
    days = program.checkin_days()
    made = []
    for number, (week, date, session) in enumerate(dates, start=1):
        owner = program.checkin_round(number) or rounds[0]
        if round_number is not None and owner.number != round_number:
            continue
        day = days[number - 1]
        made.append(Checkin(number, len(dates), week, date, settings.time, settings.minutes, session, owner.number,
                            owner.checkins.index(number) + 1 if number in owner.checkins else number,
                            len(owner.checkins), len(rounds), day.planned if day.closed else None, day.closed,
                            program.program.language))
    return made


def plan_forms(program: Program, round_number: int | None = None) -> list[FormPlan]:
    """The forms of a program, in the order the downloads page lists them; for a round's pair packs
    (`round_number`), the agreement and check-ins of that round only. Pure: it reads nothing."""
    terms = program.program.terminology
    t = translator(program.program.language)
    forms = [
        FormPlan("agreement", "forms/agreement.html.j2", t._("Mentoring agreement"), GROUP_FORMS,
                 "fillable PDF, filled in together at the first meeting: each side's own goals, meeting rhythm,"
                 " ground rules, confidentiality; both sign, a copy to the coordinator",
                 {"checkins": checkins(program, round_number)}, in_pack=True),
    ]
    for checkin in checkins(program, round_number):
        forms.append(FormPlan(
            f"checkin-{checkin.number}", "forms/checkin.html.j2",
            t._("%(checkin)s: %(title)s", checkin=checkin.label, title=checkin.session.title), GROUP_FORMS,
            f"pair record for week {checkin.week}, filled in together: what you covered, progress on your goals,"
            " agreed actions; both sign, a copy to the coordinator",
            {"checkin": checkin}, in_pack=True,
        ))
    if program.checkins is not None:
        for side in SIDES:
            name, partner = (terms.mentor, terms.mentee) if side == "mentor" else (terms.mentee, terms.mentor)
            forms.append(FormPlan(
                f"pulse-{side}", "forms/pulse.html.j2", t._("Check-in pulse: %(side)s", side=name), GROUP_FORMS,
                f"private, for the {lower_first(name)} alone after every check-in: how it is going, and whether to"
                " contact you; it goes to the coordinator only, never to your partner",
                {"side": side, "name": name, "partner": partner}, in_pack=True, per_checkin=True,
            ))
    questions = {question.id: question for question in program.feedback.questions}
    scales = {scale.id: scale for scale in program.feedback.scales}
    for survey in program.feedback.surveys:
        asked = [questions[qid] for qid in survey.questions if qid in questions]
        forms.append(FormPlan(
            f"survey-{survey.id}", "forms/survey.html.j2", survey.title, GROUP_SURVEYS,
            f"fillable PDF survey for week {survey.week}",
            {"survey": survey, "questions": asked, "scales": scales,
             "audience": [program.role(role_id) for role_id in survey.audience],
             "returns": program.feedback.returns},
        ))
    forms.extend(certificate_plans(program))
    if program.application is not None:  # the application form: its fields are the applications export's columns
        forms.append(FormPlan(
            APPLICATION, "forms/application.html.j2", t._("Application form"), GROUP_APPLYING,
            "fillable PDF: role, topics, languages, times, and the self-assessment",
            {"questions": application_questions(program), "application": program.application},
        ))
    return forms


# --- certificates: one for each side of the pair -------------------------------------------

CERTIFICATE_SIDES = ("mentor", "mentee")
"""The sides of a pair that get a certificate, by the role id the pairing uses; a form each, `certificate-<side>`."""
CERTIFICATE_NAMES = frozenset({"mentor_name", "mentee_name"})
"""The certificate's name fields: filled in by pair packs and read-only, so it prints like a document."""


def certificate_plans(program: Program) -> list[FormPlan]:
    """The certificates for the two sides: the mentor's thanks them for mentoring, the mentee's for taking part."""
    terms = program.program.terminology
    t = translator(program.program.language)
    titles = {"mentor": t._("Certificate of appreciation"), "mentee": t._("Certificate of participation")}
    whom = {"mentor": terms.mentor, "mentee": terms.mentee}
    return [
        FormPlan(f"certificate-{side}", "forms/certificate.html.j2", titles[side], GROUP_FORMS,
                 f"landscape, for the {lower_first(whom[side])}, with the names and hours filled in",
                 {"side": side, "certificate_title": titles[side], "sponsor": program.program.sponsor,
                  "colours": program.program.colours},
                 in_site=False, in_pack=True, read_only=CERTIFICATE_NAMES,
                 centred=frozenset({*CERTIFICATE_NAMES, "hours"}))
        for side in CERTIFICATE_SIDES
    ]


def planned_minutes(program: Program, side: str, round_number: int | None = None) -> int:
    """The time one side of a pair is planned to give in its round (the whole program without rounds):
    each of the round's check-ins at its shortest length, plus the round's training its role attends."""
    held = checkins(program, round_number if program.rotation else None)
    meetings = len(held) * program.checkins.minutes.min if program.checkins else 0
    return meetings + sum(module.duration_minutes for module in program.training if side in module.audience
                          and (not program.rotation or round_number is None
                               or program.module_round(module) == round_number))


def hours_text(minutes: int, language: str = "en") -> str:
    """810 -> "13 hours 30 minutes", as a certificate writes a length out (in the program's language)."""
    return translator(language).hours(minutes)


def planned_hours(program: Program, side: str, round_number: int | None = None) -> str:
    """What a side's certificate says of its hours, until the coordinator writes the hours held over it."""
    minutes = planned_minutes(program, side, round_number)
    t = translator(program.program.language)
    return t._("%(hours)s planned", hours=t.hours(minutes)) if minutes else ""


def lower_first(term: str, language: str = "en") -> str:
    """A role's name inside a sentence: "Reverse mentor" -> "reverse mentor", but "HR leader" stays (German keeps it)."""
    return translator(language).inner(term)


def meeting_place(program: Program, t: Translator) -> str:
    """Where pairs meet, inside a sentence: "in person", "remote (Zoom)", "in person or remote"."""
    info = program.program
    if info.meeting_format == "in-person":
        return t._("in person")
    if info.meeting_format == "remote":
        return t._("remote (%(tool)s)", tool=info.video_tool) if info.video_tool else t._("remote")
    return t._("in person or remote (%(tool)s)", tool=info.video_tool) if info.video_tool else t._("in person or remote")


def form_context(program: Program, round_number: int | None = None) -> dict[str, Any]:
    """What every form template receives; for a round's pair packs (`round_number`) its dates too.

    `round` is the ProgramRound of a round's packs (None for the site's blank forms), and
    `round_start` and `round_end` its first and last day, or the program's when there is no round
    (a program without rotation is one round): the span a certificate or an agreement covers."""
    info = program.program
    t = translator(info.language)
    end = program.week_start(info.duration_weeks) + dt.timedelta(days=6)
    return {
        **document_context(program),
        **t.context(),
        "privacy": form_privacy(program, t),
        "css_text": css_text,
        "where": meeting_place(program, t),
        "end_date": end,
        "progress": tuple(t._(label) for label in PROGRESS),
        "working": tuple(t._(label) for label in WORKING),
        "comfortable": tuple(t._(label) for label in COMFORTABLE),
        "mentee_goal_slots": GOALS_PER_SIDE,
        "mentor_goal_slots": GOALS_PER_SIDE,
        "serves_field": serves_field,
        "action_rows": ACTION_ROWS,
        "min_group_size": program.feedback.min_group_size,
        **_round_context(program, round_number),
    }


def _round_context(program: Program, round_number: int | None) -> dict[str, Any]:
    rounds = program.rounds()
    chosen: ProgramRound | None = rounds[round_number - 1] if round_number and round_number <= len(rounds) else None
    return {
        "round": chosen,
        "round_start": chosen.start if chosen else program.program.start_date,
        "round_end": chosen.end if chosen else program.week_start(program.program.duration_weeks)
        + dt.timedelta(days=6),
        "rounds": len(rounds),
    }


def form_privacy(program: Program, t: Translator) -> Privacy:
    """The confidentiality section as a form prints it (render/text.py's `privacy`), its defaults in the form's language."""
    section, info = program.confidentiality, program.program
    fallback = info.contact or t._("the program coordinator")
    if section.returns:
        returns = section.returns
    elif info.contact:
        returns = t._("Send it yourself to %(contact)s, from your own account, and do not copy your partner.",
                      contact=info.contact.rstrip("."))
    else:
        returns = t._("Give it to the program coordinator yourself, and do not copy your partner.")
    return Privacy(section.promise, section.exceptions, section.concerns, fallback, returns)


_PLACEHOLDER = re.compile("\0(page|pages)\0")


def css_text(text: str) -> Markup:
    """A translated footer such as "Page \\0page\\0 of \\0pages\\0" as a CSS `content` value: the
    words quoted, the markers as page counters (forms/base.html.j2)."""
    parts = []
    for index, piece in enumerate(_PLACEHOLDER.split(str(text))):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append('"' + "".join(f"\\{ord(char):x} " if char in '"\\<>&' else char for char in piece) + '"')
    return Markup(" ".join(parts) or '""')  # noqa: S704 - every character that could end the rule is escaped
