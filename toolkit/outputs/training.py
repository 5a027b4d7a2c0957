"""The training pack: for every module a facilitator guide, a participant handout and a slide deck,
and one training schedule for the whole program; the trainer's pack: what only trainers see.

Why this shape:
- Each document is a pure function of the Program (and the files it names): guides, handouts
  and the schedule are HTML templates under `templates/training/` laid out by the shared PDF
  stack (render/pdf.py); decks are drawn by slides.py from a plain `DeckSpec`.
- Same input, same bytes, so a document whose own inputs did not change is taken from the
  render cache instead of being laid out again (and the whole pack, when no input at all
  changed, by the build's family cache).
- Facilitator notes appear only in guides and in the decks' speaker notes, never in handouts.
- Trainer-only files are never published unless the program says so: the guides and decks go
  with the materials (briefs, answer keys) to private/trainer/, and only with
  `program.trainer_files: public` are the guides and decks planned as site files instead (the
  materials stay private always). Which family plans a file is the one place that decides it.
- Every problem of every document is collected and reported together as one BuildError.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from .._version import __version__
from ..errors import BuildError, Problem
from ..files.paths import display_path
from ..program.model import Module, ModuleRun, Program, TimedActivity
from ..program.schedule import training_schedule
from ..program.validate import LoadedProgram
from ..render.artifact import Artifact, PlannedFile, Rendered
from ..render.cache import RenderCache, library_version
from ..render.pdf import PdfRenderer, RenderedPdf, markdown_html
from ..render.text import document_context
from .family import OutputFamily, render_family
from .slides import deck_spec, render_deck

FOLDER = "training"
"""Where the pack goes inside the output folder."""
GUIDE = "training/guide.html.j2"
HANDOUT = "training/handout.html.j2"
SCHEDULE = "training/schedule.html.j2"
MATERIALS = "training/materials.html.j2"
FEEDBACK = "training/feedback.html.j2"
TRAINER_FOLDER = "trainer"
"""The trainer-only pack (materials with briefs and answer keys, and the guides and decks unless
`program.trainer_files` is public), written to private/trainer/, never published."""
FEEDBACK_SCALE = ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree")
"""The five points every session-feedback question is rated on."""
GROUP = "Training"
"""The downloads page's heading for every file of the pack."""
REFLECTION_LINES = 3
"""Lines of writing space under each reflection question on a handout."""
SCHEDULE_FILE = f"{FOLDER}/schedule.pdf"

_FORMATS = {"in-person": "In person", "remote": "Remote", "hybrid": "Hybrid"}
_KINDS = {"role-play": "Role-play"}


@dataclass(frozen=True)
class ModuleFiles:
    """The files of one module: site files as paths inside the output folder, trainer files as
    paths inside private/trainer/."""

    guide: str
    handout: str
    slides: str
    materials: str = ""
    """The trainer's materials PDF, in private/trainer/ (relative to it); "" when the module names none."""
    feedback: str = ""
    """The session-feedback form; "" when the module has none."""


def module_files(module: Module, trainer_files: Literal["private", "public"] = "private") -> ModuleFiles:
    """Where a module's files go: the handout `training/<id>-handout.pdf` on the site; the guide
    and deck `<id>-guide.pdf`, `<id>-slides.pptx` in private/trainer/, or beside the handout on
    the site when `trainer_files` is public."""
    base = f"{FOLDER}/{module.id}"
    trainer = base if trainer_files == "public" else module.id
    return ModuleFiles(f"{trainer}-guide.pdf", f"{base}-handout.pdf", f"{trainer}-slides.pptx",
                       f"{module.id}-materials.pdf" if module_materials_ids(module) else "",
                       f"{base}-feedback.pdf" if module.feedback else "")


def module_materials_ids(module: Module) -> list[str]:
    """Ids of the materials a module's activities name, in the order they are first used."""
    return list(dict.fromkeys(m for activity in module.agenda for m in activity.materials))


def _guide_and_deck(module: Module, files: ModuleFiles) -> list[PlannedFile]:
    return [
        PlannedFile(files.guide, f"{module.title}: facilitator guide", GROUP,
                    "PDF for trainers: run of show with clock times, instructions and facilitator notes",
                    "guide", module.id),
        PlannedFile(files.slides, f"{module.title}: slides", GROUP,
                    "PowerPoint deck; the facilitator notes are in the speaker notes", "slides", module.id),
    ]


class TrainingFamily(OutputFamily):
    """The site's part of the pack: per module, in the program's order, its handout and feedback
    form (and its guide and deck with `trainer_files: public`), then the schedule."""

    name = FOLDER
    label = "Training pack"
    libraries = ("weasyprint", "pydyf", "fonttools", "python-pptx", "markdown", "jinja2")
    version = "training-pack-3"
    parts = True  # each document on its own: parallel.py may split them between processes

    def plan(self, program: Program) -> list[PlannedFile]:
        planned = []
        public = program.program.trainer_files == "public"
        for module in program.training:
            files = module_files(module, program.program.trainer_files)
            trainer = _guide_and_deck(module, files) if public else []
            planned += [
                *trainer[:1],
                PlannedFile(files.handout, f"{module.title}: participant handout", GROUP,
                            "PDF to print for participants, with room to write", "handout", module.id),
                *trainer[1:],
            ]
            if files.feedback:
                planned.append(PlannedFile(files.feedback, f"{module.title}: session feedback", GROUP,
                                           "Fillable PDF participants fill in at the end of the session", "feedback",
                                           module.id))
        planned.append(PlannedFile(SCHEDULE_FILE, "Training schedule", GROUP,
                                   "PDF of every training module by audience, with dates and durations", "schedule"))
        return planned

    def render(self, loaded: LoadedProgram, planned: Sequence[PlannedFile], cache: RenderCache | None) -> Rendered:
        return _render_pack(loaded, planned, cache)


class TrainerFamily(OutputFamily):
    """The trainer-only pack, per module in the program's order: its facilitator guide and slide
    deck (unless `trainer_files` is public), and a materials PDF when it names materials (cards
    with cut marks, a brief a page per side, fillable worksheets, texts, the self-assessment with
    its scoring, answer keys). Private: written to private/trainer/, never on the site."""

    name = TRAINER_FOLDER
    label = "Trainer's pack"
    destination = "private"
    libraries = ("weasyprint", "pydyf", "fonttools", "python-pptx", "markdown", "jinja2")
    version = "trainer-pack-2"
    parts = True  # each document on its own, as in the training pack

    def plan(self, program: Program) -> list[PlannedFile]:
        planned = []
        for module in program.training:
            files = module_files(module, program.program.trainer_files)
            if program.program.trainer_files == "private":
                planned += _guide_and_deck(module, files)
            if files.materials:
                planned.append(PlannedFile(files.materials, f"{module.title}: materials", GROUP,
                                           "PDF of every card, brief, worksheet and text the module uses, with answer"
                                           " keys", "materials", module.id))
        return planned

    def note(self, program: Program) -> str:
        if program.program.trainer_files == "public":
            return "materials with their answer keys, for trainers only: not on the site"
        held = ("facilitator guides, slide decks and materials" if any(map(module_materials_ids, program.training))
                else "facilitator guides and slide decks")
        return f"{held}, for trainers only: not on the site"

    def render(self, loaded: LoadedProgram, planned: Sequence[PlannedFile], cache: RenderCache | None) -> Rendered:
        return _render_pack(loaded, planned, cache, shown=f"private/{TRAINER_FOLDER}/")


def render_trainer(loaded: LoadedProgram, cache: RenderCache | None = None) -> Rendered:
    """The trainer's pack of a program (paths inside private/trainer/), as a build makes it."""
    family = TrainerFamily()
    return render_family(family, loaded, family.plan(loaded.program), cache)


def _render_pack(loaded: LoadedProgram, planned: Sequence[PlannedFile], cache: RenderCache | None,
                 shown: str = "") -> Rendered:
    """Every planned document of either pack, each by its part; BuildError with every problem, each
    document named by where it is written (`shown` + its path: "private/trainer/<id>-guide.pdf")."""
    maker = _Maker(loaded, cache, shown)
    modules = {module.id: module for module in loaded.program.training}
    for item in planned:
        if item.part == "schedule":
            maker.pdf(item.path, SCHEDULE, {**maker.common, "schedule": training_schedule(loaded.program)})
            continue
        module = modules[item.topic]
        if item.part == "slides":
            maker.deck(item.path, module)
        elif item.part == "feedback":
            maker.pdf(item.path, FEEDBACK, maker.module_context(module), forms=True)
        elif item.part == "materials":
            context = maker.materials_context(module)
            fillable = any(m.kind in ("worksheet", "self-assessment") for m in context["materials"])
            maker.pdf(item.path, MATERIALS, {**maker.module_context(module), **context}, forms=fillable)
        else:
            maker.pdf(item.path, GUIDE if item.part == "guide" else HANDOUT, maker.module_context(module))
    if maker.problems:
        raise BuildError(maker.problems)
    return maker.pack


def render_training(loaded: LoadedProgram, cache: RenderCache | None = None) -> Rendered:
    """The whole training pack of a program, as a build makes it: from `cache` when it can, the
    whole pack at once when no input changed (`render_family`)."""
    family = TrainingFamily()
    return render_family(family, loaded, family.plan(loaded.program), cache)


class _Maker:
    """Renders or reuses each document, collecting problems instead of stopping at the first."""

    def __init__(self, loaded: LoadedProgram, cache: RenderCache | None, shown: str = "") -> None:
        self.loaded = loaded
        self.shown = shown  # put before a document's path in its problems and warnings: where it is written
        self.program = loaded.program
        self.cache = cache
        self.pack = Rendered()
        self.problems: list[Problem] = []
        self.renderer = PdfRenderer(loaded.folder, self.program.program.paper_size,
                                    templates=cache.templates if cache is not None else None)
        self.common = {
            **document_context(self.program),
            "format_name": lambda name: _FORMATS.get(name, name),
            "kind_name": lambda kind: _KINDS.get(kind, kind.capitalize()),
        }

    def fail(self, error: BuildError) -> None:
        """Keep an error's problems, once each: a broken shared template fails every document alike."""
        self.problems.extend(p for p in error.problems if p not in self.problems)

    def module_context(self, module: Module) -> dict[str, Any]:
        timed = module.timed_agenda()
        breaks = sum(item.activity.minutes for item in timed if item.activity.kind == "break")
        files = module_files(module, self.program.program.trainer_files)
        return {
            **self.common,
            "module": module,
            "timed": timed,
            "totals": {"minutes": module.duration_minutes, "breaks": breaks},
            "module_date": self.program.module_date(module),
            "audience": [self.program.role(role_id) for role_id in module.audience],
            "files": {"guide": posixpath.basename(files.guide), "handout": posixpath.basename(files.handout),
                      "slides": posixpath.basename(files.slides), "materials": files.materials,
                      "feedback": posixpath.basename(files.feedback)},
            "content": self._content(module),
            "reflection_lines": REFLECTION_LINES,
            **self._trainer_context(module, timed),
        }

    # --- [trainer] runs, step times, materials, trainer-only content ------------------------

    def _trainer_context(self, module: Module, timed: Sequence[TimedActivity]) -> dict[str, Any]:
        materials = {material.id: material for material in self.program.materials}
        step_times = []
        for item in timed:
            clock = dt.datetime.combine(dt.date(2000, 1, 1), item.start)
            times = []
            for step in item.activity.steps:
                times.append((step, clock.time() if step.minutes else None))
                clock += dt.timedelta(minutes=step.minutes or 0)
            step_times.append(times)
        runs = self.program.module_runs(module)
        return {
            "runs": runs,
            "start_columns": _start_columns(module, runs, timed),
            "step_times": step_times,
            "activity_materials": [[materials[m] for m in item.activity.materials if m in materials] for item in timed],
            "trainer_content": self._content(module, module.trainer_content),
            "feedback_scale": FEEDBACK_SCALE,
        }

    def materials_context(self, module: Module) -> dict[str, Any]:
        """The materials a module names, the texts among them as HTML, and the self-assessment's scale."""
        by_id = {material.id: material for material in self.program.materials}
        used = [by_id[m] for m in module_materials_ids(module) if m in by_id]
        assessment = self.program.application.self_assessment if self.program.application else None
        scale = None
        if assessment is not None:
            scale = next((s for s in self.program.feedback.scales if s.id == assessment.scale), None)
        return {
            "materials": used,
            "texts": {m.id: markdown_html(m.text) for m in used if m.text},
            "assessment": assessment,
            "assessment_labels": scale.labels if scale else (),
            "used_by": {m.id: [item.activity.title for item in module.timed_agenda() if m.id in item.activity.materials]
                        for m in used},
        }

    def _content(self, module: Module, name: str | bool | None = True) -> Any:
        """The module's own Markdown file (or `name`, its trainer-only file) as HTML; its images
        are relative to the file itself."""
        content = module.content if name is True else name
        if not content or not isinstance(content, str):
            return None
        path = self.loaded.folder / content
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            self.problems.append(Problem(display_path(path), f"is not UTF-8 text (byte {error.start})",
                                         "save the file as UTF-8"))
            return None
        except OSError as error:
            self.problems.append(Problem(display_path(path), f"cannot be read: {error.strerror}",
                                         "check that the file exists and is readable"))
            return None
        folder = posixpath.dirname(Path(content).as_posix())
        return markdown_html(text, base=f"{folder}/" if folder else "")

    def pdf(self, path: str, template: str, context: dict[str, Any], forms: bool = False) -> None:
        try:
            html = self.renderer.html(template, context)
        except BuildError as error:
            self.fail(error)
            return
        key = self.renderer.key(html, forms=forms)
        self._produce(path, key, lambda: _rendered(self.renderer.render(self.shown + path, html, forms=forms), forms))

    def deck(self, path: str, module: Module) -> None:
        spec = deck_spec(self.program, module)
        template = self._slide_template()
        logo = self._logo() if template is None else None
        if template is False or logo is False:
            return
        digest = hashlib.sha256()
        for part in ("deck-2", __version__, library_version("python-pptx"), json.dumps(asdict(spec), sort_keys=True)):
            digest.update(part.encode("utf-8") + b"\0")
        reads = {}
        for used in (template, logo):
            if used is not None:
                reads[str(used)] = hashlib.sha256(used.read_bytes()).hexdigest()
                digest.update(reads[str(used)].encode("ascii"))
        self._produce(path, digest.hexdigest(),
                      lambda: (render_deck(spec, template, self._template_problem, logo), reads, ()))

    def _logo(self) -> Path | Literal[False] | None:
        """The program's logo for the designed decks, None when it gives none, False when it cannot be used."""
        name = getattr(self.program.program, "logo", None)
        if not name:
            return None
        path: Path = (self.loaded.folder / str(name)).resolve()
        fix = "save the logo as a PNG image (File > Export in most editors) or remove program.logo"
        try:
            data = path.read_bytes()
        except OSError as error:
            self.problems.append(self.loaded.document.problem(
                ("program", "logo"), f"the logo '{name}' cannot be read: {error.strerror}", fix))
            return False
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                image.verify()
        except Exception:  # Pillow raises several kinds for a file that is not an image, or a damaged one
            kind = None
        if kind != "PNG":
            self.problems.append(self.loaded.document.problem(("program", "logo"), f"the logo '{name}' is not a PNG image",
                                                              fix))
            return False
        return path

    def _slide_template(self) -> Path | Literal[False] | None:
        """The organisation's template deck, None for the default, False when it cannot be read."""
        name = self.program.program.slide_template
        if not name:
            return None
        path = (self.loaded.folder / name).resolve()
        try:
            path.read_bytes()
        except OSError as error:
            self.problems.append(self._template_problem(f"cannot be read: {error.strerror}"))
            return False
        return path

    def _template_problem(self, reason: str) -> Problem:
        name = self.program.program.slide_template
        return self.loaded.document.problem(
            ("program", "slide_template"), f"the slide template '{name}' {reason}",
            "save the template deck from PowerPoint or LibreOffice Impress as a .pptx file (not .potx, .ppt or"
            " .odp), or remove slide_template to use the default design")

    def _produce(self, path: str, key: str, make: Callable[[], tuple[bytes, dict[str, str], tuple[Problem, ...]]]) -> None:
        hit = self.cache.get(key) if self.cache is not None else None
        if hit is not None:
            data, warnings = hit.data, hit.warnings
            self.pack.reused.append(path)
        else:
            try:
                data, reads, warnings = make()
            except BuildError as error:
                self.fail(error)
                return
            if self.cache is not None:
                self.cache.put(key, data, reads, warnings)
            self.pack.rendered.append(path)
        self.pack.keys[path] = key
        self.pack.warnings.extend(warnings)
        self.pack.artifacts.append(Artifact(path, data))


@dataclass(frozen=True)
class StartColumn:
    """The run of show's clock times for the runs of a module that start at one time."""

    start: dt.time
    runs: tuple[int, ...]
    """The numbers of the runs starting then (1 is the module's own session)."""
    times: tuple[tuple[dt.time, dt.time], ...]
    """Each activity's start and end, in agenda order."""
    end: dt.time


def _start_columns(module: Module, runs: Sequence[ModuleRun], timed: Sequence[TimedActivity]) -> list[StartColumn]:
    """One column per distinct start time of a module's runs, in the order they first run: the
    first run's agenda moved to each start (a run at 14:00 has its break at 15:15, not at 10:45)."""
    day = dt.date(2000, 1, 1)
    first = dt.datetime.combine(day, module.start_time)
    columns = []
    for start in dict.fromkeys(run.start.time() for run in runs):
        shift = dt.datetime.combine(day, start) - first

        def moved(at: dt.time, shift: dt.timedelta = shift) -> dt.time:
            return (dt.datetime.combine(day, at) + shift).time()

        columns.append(StartColumn(start, tuple(run.number for run in runs if run.start.time() == start),
                                   tuple((moved(item.start), moved(item.end)) for item in timed),
                                   moved(module.end_time)))
    return columns


def _rendered(result: RenderedPdf, forms: bool = False) -> tuple[bytes, dict[str, str], tuple[Problem, ...]]:
    """A laid-out document's bytes; a fillable one (worksheets, the feedback form) tidied as the forms are."""
    if forms:
        from .forms.layout import finish_form

        return finish_form(result.data), result.reads, result.warnings
    return result.data, result.reads, result.warnings
