"""What the forms of a program are: one `FormPlan` per form, in the order the downloads page lists them.

Pure: planning reads nothing, so the handbook knows every form before one is laid out, and a
pair pack knows which forms it fills. The templates under `templates/forms/` decide how each
form looks; `form_context` is what they receive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ...pairing.pairs import GOALS_PER_SIDE
from ...program.model import CheckinSession, Program
from ...render.text import document_context

FOLDER = "forms"
"""Where the blank forms go inside the site."""
GROUP_FORMS = "Check-in forms"
GROUP_SURVEYS = "Surveys"

PROGRESS = ("Not started", "Started", "Making progress", "Nearly there", "Achieved")
"""The progress scale of a goal on a check-in form, lowest first."""
WORKING = ("Not at all", "Not very well", "Fairly well", "Well", "Very well")
"""The pulse's "how well is it working" scale, lowest first."""
COMFORTABLE = ("Not at all", "A little", "Fairly", "Very", "Completely")
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
    count: int
    week: int
    date: dt.date
    time: dt.time
    minutes: int
    session: CheckinSession


def serves_field(goal_id: str) -> str:
    """The agreement's check box for a program goal the pair's work serves."""
    return "serves_" + goal_id.replace("-", "_")


def checkins(program: Program) -> list[Checkin]:
    """Every scheduled check-in with its number, planned date and time."""
    dates = program.checkin_dates()
    if program.checkins is None:
        return []
    settings = program.checkins
    return [
        Checkin(number, len(dates), week, date, settings.time, settings.minutes, session)
        for number, (week, date, session) in enumerate(dates, start=1)
    ]


def plan_forms(program: Program) -> list[FormPlan]:
    """The forms of a program, in the order the downloads page lists them. Pure: it reads nothing."""
    terms = program.program.terminology
    forms = [
        FormPlan("agreement", "forms/agreement.html.j2", "Mentoring agreement", GROUP_FORMS,
                 "fillable PDF, filled in together at the first meeting: each side's own goals, meeting rhythm,"
                 " ground rules, confidentiality; both sign, a copy to the coordinator",
                 {"checkins": checkins(program)}, in_pack=True),
    ]
    for checkin in checkins(program):
        forms.append(FormPlan(
            f"checkin-{checkin.number}", "forms/checkin.html.j2",
            f"Check-in {checkin.number} of {checkin.count}: {checkin.session.title}", GROUP_FORMS,
            f"pair record for week {checkin.week}, filled in together: what you covered, progress on your goals,"
            " agreed actions; both sign, a copy to the coordinator",
            {"checkin": checkin}, in_pack=True,
        ))
    if program.checkins is not None:
        for side in SIDES:
            name, partner = (terms.mentor, terms.mentee) if side == "mentor" else (terms.mentee, terms.mentor)
            forms.append(FormPlan(
                f"pulse-{side}", "forms/pulse.html.j2", f"Check-in pulse: {name}", GROUP_FORMS,
                f"private, for the {name.lower()} alone after every check-in: how it is going, and whether to"
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
             "audience": [program.role(role_id) for role_id in survey.audience]},
        ))
    forms.append(FormPlan(
        "certificate", "forms/certificate.html.j2", "Certificate of appreciation", GROUP_FORMS,
        "for the mentor, with the names filled in", {}, in_site=False, in_pack=True,
        read_only=frozenset({"mentor_name", "mentee_name"}), centred=frozenset({"mentor_name", "mentee_name"}),
    ))
    return forms


def form_context(program: Program) -> dict[str, Any]:
    """What every form template receives."""
    info = program.program
    where = {
        "in-person": "in person",
        "remote": f"remote ({info.video_tool})" if info.video_tool else "remote",
        "hybrid": f"in person or remote ({info.video_tool})" if info.video_tool else "in person or remote",
    }[info.meeting_format]
    end = program.week_start(info.duration_weeks) + dt.timedelta(days=6)
    return {
        **document_context(program),
        "where": where,
        "end_date": end,
        "progress": PROGRESS,
        "working": WORKING,
        "comfortable": COMFORTABLE,
        "mentee_goal_slots": GOALS_PER_SIDE,
        "mentor_goal_slots": GOALS_PER_SIDE,
        "serves_field": serves_field,
        "action_rows": ACTION_ROWS,
        "min_group_size": program.feedback.min_group_size,
    }
