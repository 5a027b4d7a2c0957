"""The handbook's pages: a Program in, Markdown pages out, one Jinja2 template per kind of page.

`plan` decides which pages exist and what each template receives (pure, no I/O), the Downloads
page from the output families' planned files; `render_pages` turns the plan into Markdown
through `templating`, reading only templates and the Markdown files that roles and modules name
with `content:`. The site engine (mkdocs.py) builds HTML.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildError, Problem
from ..files.paths import display_path
from ..program.model import Module, Program, Role
from ..program.schedule import training_schedule
from ..render import comms
from ..render.artifact import PlannedFile
from ..render.templating import Markdown, environment, escape_markdown, render
from ..render.text import clock, format_date, format_minutes, privacy
from . import pictures

TEMPLATES = "handbook"
MODULE_FILES = ("guide", "handout", "slides")
"""The parts of a module's files its page links to, in the order it lists them (the guide and
deck only when they are published: `program.trainer_files: public`)."""


@dataclass(frozen=True)
class PlannedPage:
    """A page to generate: where it goes, which template makes it, and with what."""

    path: str
    """Path in the docs tree, with forward slashes, e.g. "training/kick-off.md"."""
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    includes: tuple[str, ...] = ()
    """Markdown files (relative to the program folder) appended to the page."""


@dataclass(frozen=True)
class Page:
    """A generated page: its path in the docs tree and its Markdown."""

    path: str
    text: str
    sources: tuple[str, ...] = ()
    """The template and included files it came from, to point at when a link in it is broken."""


@dataclass(frozen=True)
class Handbook:
    """Every generated page, in reading order, and the titles of the nav's sections."""

    pages: tuple[Page, ...]
    sections: dict[str, str]
    """Folder of the docs tree -> section title in the nav, e.g. {"training": "Training"}."""


SECTIONS = {"roles": "Roles", "training": "Training", "guides": "Guides"}
CONFIDENTIALITY_PAGE = "guides/confidentiality.md"
"""The confidentiality page, among the guides: hand-written guides link to it as confidentiality.md."""


def plan(program: Program, downloads: Sequence[PlannedFile] = ()) -> list[PlannedPage]:
    """The pages of the handbook, in nav order. Pure: it reads nothing."""
    modules = sorted(program.training, key=lambda m: (program.module_date(m), m.start_time))
    pages = [
        PlannedPage("index.md", "home.md.j2"),
        PlannedPage("goals.md", "goals.md.j2"),
        PlannedPage("roles/index.md", "roles.md.j2"),
        *(
            PlannedPage(f"roles/{role.id}.md", "role.md.j2", {
                "role": role, "calendar": next((d for d in downloads if d.part == "role-calendar" and d.topic == role.id),
                                               None)}, (role.content,) if role.content else ())
            for role in program.roles
        ),
        PlannedPage("timeline.md", "timeline.md.j2", {"events": _events(program),
                                                      "picture": pictures.timeline(program, _events(program), today())}),
        PlannedPage("training/index.md", "training.md.j2", {"modules": modules}),
        *(
            [PlannedPage("training/schedule.md", "schedule.md.j2", {
                "schedule": training_schedule(program),
                "pdf": next((d for d in downloads if d.part == "schedule"), None)})]
            if program.training else []
        ),
        *(
            PlannedPage(f"training/{module.id}.md", "module.md.j2",
                        {"module": module, "downloads": _module_downloads(module, downloads)},
                        (module.content,) if module.content else ())
            for module in program.training
        ),
        PlannedPage("checkins.md", "checkins.md.j2", {"files": {d.topic: d for d in downloads if d.part == "form"},
                                                       "calendar": next((d for d in downloads if d.part == "calendar"),
                                                                        None)}),
        *_communications_page(program),
        PlannedPage(CONFIDENTIALITY_PAGE, "confidentiality.md.j2", {},
                    (program.confidentiality.content,) if program.confidentiality.content else ()),
        PlannedPage("checklist.md", "checklist.md.j2", {"groups": _checklist_groups(program)}),
        PlannedPage("challenges.md", "challenges.md.j2"),
        PlannedPage("faq.md", "faq.md.j2"),
        PlannedPage("downloads.md", "downloads.md.j2", {"downloads": list(downloads)}),
    ]
    return pages


def _communications_page(program: Program) -> list[PlannedPage]:
    """The page of messages ("What you will hear from us, and when"), when the program has messages.
    It holds dates, titles and recipients' roles, never a person's name."""
    if program.communications is None or not program.communications.messages:
        return []
    sends = [{"date": send.date, "to": comms.recipients(program, send.message), "title": send.message.title}
             for send in comms.sends(program)]
    messages = [{"title": message.title, "timing": comms.timing(program, message.when),
                 "to": comms.recipients(program, message)}
                for message in program.communications.messages]
    return [PlannedPage(comms.PAGE, "communications.md.j2",
                        {"sends": sends, "messages": messages, "page_title": comms.PAGE_TITLE})]


def _module_downloads(module: Module, downloads: Sequence[PlannedFile]) -> list[PlannedFile]:
    """A module's guide, handout and slides among the downloads, in that order."""
    mine = [d for d in downloads if d.topic == module.id and d.part in MODULE_FILES]
    return sorted(mine, key=lambda d: MODULE_FILES.index(d.part))


@dataclass(frozen=True)
class Event:
    """A dated item of the timeline."""

    week: int
    kind: str
    title: str
    target: str = ""
    date: dt.date | None = None
    """The day it happens: a session's own day (Program.module_date, checkin_dates); a survey's is its week's first."""


def _events(program: Program) -> list[Event]:
    """Training sessions, check-ins and surveys, in the order they happen."""
    events = [Event(m.week, "Training", m.title, f"training/{m.id}.md", program.module_date(m))
              for m in program.training]
    events += [Event(week, "Check-in", s.title, "checkins.md", day) for week, day, s in program.checkin_dates()]
    events += [Event(s.week, "Survey", s.title, "", program.week_start(s.week)) for s in program.feedback.surveys]
    order = {"Training": 0, "Check-in": 1, "Survey": 2}
    return sorted(events, key=lambda e: (e.date or program.week_start(e.week), order[e.kind]))


@dataclass(frozen=True)
class ChecklistGroup:
    """The checklist items of one phase."""

    name: str
    items: tuple[Any, ...]


def _checklist_groups(program: Program) -> list[ChecklistGroup]:
    """Checklist items grouped by phase, phases in timeline order."""
    order = [phase.id for phase in program.phases]
    names = {phase.id: phase.name for phase in program.phases}
    groups = []
    for phase_id in order + sorted({i.phase for i in program.checklist} - set(order)):
        items = tuple(item for item in program.checklist if item.phase == phase_id)
        if items:
            groups.append(ChecklistGroup(names.get(phase_id, phase_id), items))
    return groups


def included_files(program: Program) -> list[str]:
    """Markdown files named by `content:` keys: appended to a page, never pages themselves."""
    named = [role.content for role in program.roles] + [module.content for module in program.training]
    named += [module.trainer_content for module in program.training]  # trainer-only: never a page
    named.append(program.confidentiality.content)
    return [name for name in named if name]


def render_pages(program: Program, folder: Path | None, pages: Sequence[PlannedPage],
                 templates: Path | None = None) -> Handbook:
    """Render planned pages with the program folder's templates first, then the packaged ones
    (`templates`: a folder to keep the compiled templates in between builds)."""
    env = environment(folder, "markdown", templates)
    rendered = []
    for planned in pages:
        context = {**_common(program, planned.path), **planned.context}
        name = f"{TEMPLATES}/{planned.template}"
        text = render(env, name, context, folder)
        for include in planned.includes:
            text = text.rstrip("\n") + "\n\n" + _read_include(folder, include) + "\n"
        rendered.append(Page(planned.path, text, (name, *planned.includes)))
    return Handbook(tuple(rendered), dict(SECTIONS))


def handbook(program: Program, folder: Path | None, downloads: Sequence[PlannedFile] = (),
             templates: Path | None = None) -> Handbook:
    """Plan and render every page of the handbook."""
    return render_pages(program, folder, plan(program, downloads), templates)


def _read_include(folder: Path | None, name: str) -> str:
    path = (folder or Path(".")) / name
    try:
        return path.read_text(encoding="utf-8").strip("\n")
    except UnicodeDecodeError as error:
        raise BuildError(Problem(display_path(path), f"is not UTF-8 text (byte {error.start})",
                                 "save the file as UTF-8")) from None
    except OSError as error:
        raise BuildError(Problem(display_path(path), f"cannot be read: {error.strerror}",
                                 "check that the file exists and is readable")) from None


# --- what every template receives ---------------------------------------------------------

def _common(program: Program, page: str) -> dict[str, Any]:
    """Values and helpers every handbook template can use; links are relative to `page`."""
    info = program.program
    here = posixpath.dirname(page)

    def url(target: str) -> Markdown:
        return Markdown(posixpath.relpath(target, here or "."))

    def link(text: object, target: str) -> Markdown:
        return Markdown(f"[{escape_markdown(text)}]({url(target)})")

    def role_link(role_id: str) -> Markdown:
        return link(program.role(role_id).name, f"roles/{role_id}.md")

    def module_link(module: Module) -> Markdown:
        return link(module.title, f"training/{module.id}.md")

    phases = {phase.id: phase for phase in program.phases}
    end = program.week_start(info.duration_weeks) + dt.timedelta(days=6)
    helpers: dict[str, Callable[..., Any]] = {
        "url": url,
        "link": link,
        "role_link": role_link,
        "module_link": module_link,
        "date": format_date,
        "week_date": lambda week: format_date(program.week_start(week)),
        "week_end_date": lambda week: format_date(program.week_start(week) + dt.timedelta(days=6)),
        "module_date": lambda module: format_date(program.module_date(module)),
        "clock": clock,
        "duration": format_minutes,
        "number": _number,
        "modules_for": lambda role: _modules_for(program, role),
        "roles_of": lambda ids: [program.role(role_id) for role_id in ids],
        "phase_name": lambda phase_id: phases[phase_id].name if phase_id in phases else phase_id,
        "measures_picture": pictures.measures,
    }
    return {
        "program": program,
        "info": info,
        "terms": info.terminology,
        "page": page,
        "end_date": end,
        "privacy": privacy(program),
        **helpers,
    }


def _number(value: float, unit: str | None = None) -> str:
    """40.0 -> "40", with its unit: "40 %"."""
    text = f"{value:g}"
    return f"{text} {unit}" if unit else text


def _modules_for(program: Program, role: Role) -> list[Module]:
    """The modules a role attends, in the order they happen."""
    return sorted((m for m in program.training if role.id in m.audience),
                  key=lambda m: (program.module_date(m), m.start_time))


def today() -> dt.date:
    """The day the handbook is built, for the timeline's "today" mark: SOURCE_DATE_EPOCH's day when
    it is set (a reproducible build), else the clock's."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()
