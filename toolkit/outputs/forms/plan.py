"""What the forms of a program are: one `FormPlan` per form, in the order the downloads page lists them.

Pure: planning reads nothing, so the handbook knows every form before one is laid out, and a
pair pack knows which forms it fills. The templates under `templates/forms/` decide how each
form looks; `form_context` is what they receive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ...pairing.applications import application_questions
from ...program.model import CheckinSession, Goal, Program
from ...render.text import document_context

FOLDER = "forms"
"""Where the blank forms go inside the site."""
GROUP_FORMS = "Check-in forms"
GROUP_SURVEYS = "Surveys"
GROUP_APPLYING = "Applying to the program"
APPLICATION = "application"
"""The application form's name: forms/application.pdf."""

PROGRESS = ("Not started", "Started", "Making progress", "Nearly there", "Achieved")
"""The progress scale of a goal on a check-in form, lowest first."""
MIN_GOAL_SLOTS = 3
"""Goal rows on a form at least; a program with more goals gets a row for each."""
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


def goal_slots(program: Program) -> int:
    """Goal rows on a check-in form: enough for every goal of the program, and never fewer than three."""
    return max(MIN_GOAL_SLOTS, len(program.goals))


def for_mentee(goal: Goal) -> bool:
    """Whether the agreement lists a goal on the mentee's side: it benefits mentees, or no participant."""
    return "mentees" in goal.benefits or "mentors" not in goal.benefits


def for_mentor(goal: Goal) -> bool:
    """Whether the agreement lists a goal on the mentor's side: it benefits mentors."""
    return "mentors" in goal.benefits


def agreement_slots(program: Program) -> tuple[int, int]:
    """Goal rows on the agreement, mentee's side and mentor's: one per goal that can land there, three at least."""
    return (max(MIN_GOAL_SLOTS, sum(for_mentee(goal) for goal in program.goals)),
            max(MIN_GOAL_SLOTS, sum(for_mentor(goal) for goal in program.goals)))


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
    forms = [
        FormPlan("agreement", "forms/agreement.html.j2", "Mentoring agreement", GROUP_FORMS,
                 "fillable PDF: goals on both sides, meeting rhythm, ground rules, confidentiality",
                 {"checkins": checkins(program)}, in_pack=True),
    ]
    for checkin in checkins(program):
        forms.append(FormPlan(
            f"checkin-{checkin.number}", "forms/checkin.html.j2",
            f"Check-in {checkin.number} of {checkin.count}: {checkin.session.title}", GROUP_FORMS,
            f"fillable PDF for week {checkin.week}: goals, agenda, reflection, agreed actions",
            {"checkin": checkin}, in_pack=True,
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
    if program.application is not None:  # the application form: its fields are the applications export's columns
        forms.append(FormPlan(
            APPLICATION, "forms/application.html.j2", "Application form", GROUP_APPLYING,
            "fillable PDF: role, topics, languages, times, and the self-assessment",
            {"questions": application_questions(program), "application": program.application},
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
        "goal_slots": goal_slots(program),
        "mentee_goal_slots": agreement_slots(program)[0],
        "mentor_goal_slots": agreement_slots(program)[1],
        "action_rows": ACTION_ROWS,
        "min_group_size": program.feedback.min_group_size,
    }
