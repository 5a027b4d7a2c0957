"""The program's training in calendar order and by audience: one view for the handbook and the pack.

A pure function of the Program, so the handbook's schedule page and the schedule PDF can never
disagree, and neither needs to know how the other is made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Module, Program, Role


@dataclass(frozen=True)
class ScheduledModule:
    """A module placed in the calendar."""

    module: Module
    date: dt.date
    """The first day of the module's week."""
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
        ScheduledModule(module, program.week_start(module.week), module.start_time, module.end_time,
                        module.duration_minutes, tuple(program.role(r) for r in module.audience))
        for module in sorted(program.training, key=lambda m: (m.week, m.start_time, m.id))
    )
    groups = []
    for role in program.roles:
        attended = tuple(item for item in placed if role in item.audience)
        if attended:
            groups.append(RoleSchedule(role, attended, sum(item.minutes for item in attended)))
    return TrainingSchedule(placed, tuple(groups), sum(item.minutes for item in placed))
