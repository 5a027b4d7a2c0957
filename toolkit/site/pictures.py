"""The handbook's pictures: inline SVG made from the program, each with its text alternative.

Why this shape:
- Inline SVG, no JavaScript and no file to fetch: the site stays offline and a picture prints.
- Colours come from classes styled in handbook.css with Material's own variables and
  `currentColor`, so a picture follows the light and dark palettes and prints in black.
- Every picture is `role="img"` named by its `<title>` and described by its `<desc>`, which
  says in words everything the picture shows; each mark has a `<title>` of its own as a tooltip.
- Every string from the program is escaped here (markupsafe), and the markup is one block of
  HTML without blank lines, so Markdown passes it through untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from markupsafe import escape

from ..program.model import Goal, Program
from ..render.templating import Markdown
from ..render.text import format_date

WIDTH = 760
LEFT = 120
"""Room for the lane names, left of the time axis."""
RIGHT = 24
LANES = (("Training", "training"), ("Check-in", "checkin"), ("Survey", "survey"))
"""The timeline's lanes: the kind of event (as pages.Event names it) and its mark's class."""
LANE_NAMES = {"Training": "Training", "Check-in": "Check-ins", "Survey": "Surveys"}
METRIC_CHARACTERS = 90
"""A measure's name as drawn, at most; its whole name is in the text alternative."""


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(ident: str, title: str, desc: str, height: int, body: Sequence[str]) -> Markdown:
    """The picture as one block of HTML: the svg, named and described, inside a figure."""
    parts = [
        f'<figure class="rm-figure"><svg class="rm-picture" id="{ident}" role="img"'
        f' aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {height}" width="100%"'
        f' xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        *body,
        "</svg></figure>",
    ]
    return Markdown("\n".join(parts))


def _text(x: float, y: float, text: str, css: str = "rm-label", anchor: str = "start") -> str:
    return (f'<text class="{css}" x="{_number(x)}" y="{_number(y)}" text-anchor="{anchor}"'
            f' aria-hidden="true">{escape(text)}</text>')


def timeline(program: Program, events: Sequence[Any], today: dt.date | None = None) -> Markdown:
    """The whole program on one time axis: phases, then a lane each for training, check-ins and
    surveys, and today marked while the program runs. `events` are pages.Event records."""
    info = program.program
    weeks = info.duration_weeks
    # Phases may start before week 1 (preparation) or end after the last week (the next cohort).
    first: int = min([1, *(phase.start_week for phase in program.phases), *(event.week for event in events)])
    last: int = max([weeks, *(phase.end_week for phase in program.phases), *(event.week for event in events)])
    start = program.week_start(first)
    end = program.week_start(last) + dt.timedelta(days=6)
    span = (last - first + 1) * 7
    plot = WIDTH - LEFT - RIGHT

    def x(day: dt.date) -> float:
        return LEFT + max(0.0, min(1.0, (day - start).days / span)) * plot

    ident = "rm-timeline"
    body: list[str] = []
    told: list[str] = []
    top = 28 if program.phases else 8
    if program.phases:
        body.append(_text(LEFT - 10, 22, "Phases", "rm-lane", "end"))
        for index, phase in enumerate(program.phases):
            left = x(program.week_start(phase.start_week))
            right = x(program.week_start(phase.end_week) + dt.timedelta(days=7))
            label = f"{phase.name}: weeks {phase.start_week} to {phase.end_week}"
            body.append(f'<rect class="rm-phase rm-phase-{index % 2}" x="{_number(left)}" y="6"'
                        f' width="{_number(max(right - left, 1))}" height="24" rx="3"><title>{escape(label)}</title></rect>')
            if len(phase.name) * 7 + 8 < right - left:
                body.append(_text(left + 5, 22, phase.name, "rm-phase-name"))
            told.append(label)
        told = ["Phases: " + "; ".join(told) + "."]
    marks: dict[str, list[str]] = {"training": [], "checkin": [], "survey": []}
    for lane, (kind, css) in enumerate(LANES):
        y = top + 26 + lane * 30
        body.append(_text(LEFT - 10, y + 4, LANE_NAMES[kind], "rm-lane", "end"))
        body.append(f'<line class="rm-lane-line" x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}"/>')
        for event in (e for e in events if e.kind == kind):
            day = event.date or program.week_start(event.week)
            at = x(day)
            label = f"{event.title}: week {event.week}, {format_date(day)}"
            tip = f"<title>{escape(label)}</title>"
            if css == "training":
                mark = f'<circle class="rm-mark rm-training" cx="{_number(at)}" cy="{y}" r="7">{tip}</circle>'
            elif css == "checkin":
                mark = (f'<rect class="rm-mark rm-checkin" x="{_number(at - 6)}" y="{y - 6}" width="12" height="12"'
                        f' transform="rotate(45 {_number(at)} {y})">{tip}</rect>')
            else:
                mark = (f'<path class="rm-mark rm-survey" d="M{_number(at)} {y - 7}l7 13h-14z">{tip}</path>')
            body.append(mark)
            marks[css].append(label)
    for kind, css in LANES:
        if marks[css]:
            told.append(f"{LANE_NAMES[kind]}: " + "; ".join(marks[css]) + ".")
    axis = top + 26 + len(LANES) * 30 - 8
    body.append(f'<line class="rm-axis" x1="{LEFT}" y1="{axis}" x2="{WIDTH - RIGHT}" y2="{axis}"/>')
    step = next((s for s in (1, 2, 4, 8, 13, 26, 52) if (last - first + 1) / s <= 14), 104)
    for week in (w for w in range(first, last + 1) if (w - 1) % step == 0):
        at = x(program.week_start(week))
        body.append(f'<line class="rm-axis" x1="{_number(at)}" y1="{axis}" x2="{_number(at)}" y2="{axis + 5}"/>')
        body.append(_text(at, axis + 18, str(week), "rm-tick", "middle"))
    body.append(_text(LEFT - 10, axis + 18, "Week", "rm-lane", "end"))
    if today is not None and start <= today <= end:
        at = x(today)
        week = (today - info.start_date).days // 7 + 1
        body.append(f'<line class="rm-today" x1="{_number(at)}" y1="2" x2="{_number(at)}" y2="{axis}"/>')
        body.append(_text(at + 4, axis - 4, "Today", "rm-today-label"))
        told.append(f"Today, {format_date(today)}, is in week {week}.")
    finish = program.week_start(weeks) + dt.timedelta(days=6)
    title = f"Timeline of {info.name}: {weeks} weeks, {format_date(info.start_date)} to {format_date(finish)}"
    return _svg(ident, title, " ".join(told) or "No dated events yet.", axis + 28, body)


def measures(goal: Goal) -> Markdown:
    """A goal's measures, each a bar from its baseline to its target on a scale from zero."""
    ident = f"rm-goal-{goal.id}"
    rows = list(goal.measures)
    if not rows:
        return Markdown("")
    body: list[str] = []
    told: list[str] = []
    bar_left, bar_right = 20, WIDTH - 150
    for index, measure in enumerate(rows):
        top = 8 + index * 58
        unit = f" {measure.unit}" if measure.unit else ""
        values = [v for v in (measure.baseline, measure.target) if v is not None]
        high = 100.0 if measure.unit == "%" and max(values) <= 100 else max(max(values) * 1.15, 1.0)
        low = min(0.0, *values)

        def x(value: float, low: float = low, high: float = high) -> float:
            return bar_left + (value - low) / (high - low) * (bar_right - bar_left)

        shown = measure.metric if len(measure.metric) <= METRIC_CHARACTERS else measure.metric[:METRIC_CHARACTERS - 1] + "…"
        body.append(_text(bar_left, top + 14, shown, "rm-metric"))
        y = top + 32
        body.append(f'<line class="rm-scale" x1="{bar_left}" y1="{y}" x2="{bar_right}" y2="{y}"/>')
        target = f"target {_number(measure.target)}{unit}"
        if measure.baseline is not None:
            baseline = f"baseline {_number(measure.baseline)}{unit}"
            a, b = x(measure.baseline), x(measure.target)
            body.append(f'<line class="rm-change" x1="{_number(a)}" y1="{y}" x2="{_number(b)}" y2="{y}"/>')
            body.append(f'<circle class="rm-baseline" cx="{_number(a)}" cy="{y}" r="6"><title>{escape(baseline)}'
                        "</title></circle>")
            told.append(f"{measure.metric}: from {baseline} to {target}.")
        else:
            baseline = "baseline to be measured"
            told.append(f"{measure.metric}: {target}; the baseline is still to be measured.")
        body.append(f'<circle class="rm-target" cx="{_number(x(measure.target))}" cy="{y}" r="7">'
                    f"<title>{escape(target)}</title></circle>")
        body.append(_text(bar_right + 12, y - 4, baseline.capitalize(), "rm-value"))
        body.append(_text(bar_right + 12, y + 12, target.capitalize(), "rm-value"))
    return _svg(ident, f"{goal.title}: each measure from its baseline to its target", " ".join(told),
                8 + len(rows) * 58, body)
