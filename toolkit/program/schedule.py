"""The program's training in calendar order and by audience: one view for the handbook and the pack.

A pure function of the Program, so the handbook's schedule page and the schedule PDF can never
disagree, and neither needs to know how the other is made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Module, Program, Role

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(day: dt.date) -> str:
    """"Mon 1 Feb 2027": unambiguous in every country. The one copy for every output (render/text.py
    gives it to the templates) and for `validate`'s messages."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class ScheduledModule:
    """A module placed in the calendar."""

    module: Module
    date: dt.date
    """The day the session is held (Program.module_date: its week and weekday, moved off a closed date)."""
    start: dt.time
    end: dt.time
    minutes: int
    audience: tuple[Role, ...]


@dataclass(frozen=True)
class RoleSchedule:
    """The modules one role attends, and their total length."""

    role: Role
    modules: tuple[ScheduledModule, ...]
    minutes: int


@dataclass(frozen=True)
class TrainingSchedule:
    """Every module in the order it happens, then grouped by the roles that attend."""

    modules: tuple[ScheduledModule, ...]
    by_role: tuple[RoleSchedule, ...]
    minutes: int


def training_schedule(program: Program) -> TrainingSchedule:
    """The whole program's training, for the schedule PDF and the handbook's schedule page."""
    placed = tuple(
        ScheduledModule(module, program.module_date(module), module.start_time, module.end_time,
                        module.duration_minutes, tuple(program.role(r) for r in module.audience))
        for module in sorted(program.training, key=lambda m: (program.module_date(m), m.start_time, m.id))
    )
    groups = []
    for role in program.roles:
        attended = tuple(item for item in placed if role in item.audience)
        if attended:
            groups.append(RoleSchedule(role, attended, sum(item.minutes for item in attended)))
    return TrainingSchedule(placed, tuple(groups), sum(item.minutes for item in placed))
