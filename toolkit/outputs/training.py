"""The training pack: for every module a facilitator guide, a participant handout and a slide deck,
and one training schedule for the whole program.

Why this shape:
- Each document is a pure function of the Program (and the files it names): guides, handouts
  and the schedule are HTML templates under `templates/training/` laid out by the shared PDF
  stack (render/pdf.py); decks are drawn by slides.py from a plain `DeckSpec`.
- Same input, same bytes, so a document whose own inputs did not change is taken from the
  render cache instead of being laid out again (and the whole pack, when no input at all
  changed, by the build's family cache).
- Facilitator notes appear only in guides and in the decks' speaker notes, never in handouts.
- Every problem of every document is collected and reported together as one BuildError.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from .._version import __version__
from ..errors import BuildError, Problem
from ..files.paths import display_path
from ..program.model import Module, Program
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
GROUP = "Training"
"""The downloads page's heading for every file of the pack."""
REFLECTION_LINES = 3
"""Lines of writing space under each reflection question on a handout."""
SCHEDULE_FILE = f"{FOLDER}/schedule.pdf"

_FORMATS = {"in-person": "In person", "remote": "Remote", "hybrid": "Hybrid"}
_KINDS = {"role-play": "Role-play"}


@dataclass(frozen=True)
class ModuleFiles:
    """The three files of one module, as paths inside the output folder."""

    guide: str
    handout: str
    slides: str


def module_files(module: Module) -> ModuleFiles:
    """Where a module's guide, handout and deck go: `training/<id>-guide.pdf` and so on."""
    base = f"{FOLDER}/{module.id}"
    return ModuleFiles(f"{base}-guide.pdf", f"{base}-handout.pdf", f"{base}-slides.pptx")


class TrainingFamily(OutputFamily):
    """Three files per module, in the program's order, then the schedule."""

    name = FOLDER
    label = "Training pack"
    libraries = ("weasyprint", "pydyf", "fonttools", "python-pptx", "markdown", "jinja2")
    version = "training-pack-2"
    parts = True  # each document on its own: parallel.py may split them between processes

    def plan(self, program: Program) -> list[PlannedFile]:
        planned = []
        for module in program.training:
            files = module_files(module)
            planned += [
                PlannedFile(files.guide, f"{module.title}: facilitator guide", GROUP,
                            "PDF for trainers: run of show with clock times, instructions and facilitator notes",
                            "guide", module.id),
                PlannedFile(files.handout, f"{module.title}: participant handout", GROUP,
                            "PDF to print for participants, with room to write", "handout", module.id),
                PlannedFile(files.slides, f"{module.title}: slides", GROUP,
                            "PowerPoint deck; the facilitator notes are in the speaker notes", "slides", module.id),
            ]
        planned.append(PlannedFile(SCHEDULE_FILE, "Training schedule", GROUP,
                                   "PDF of every training module by audience, with dates and durations", "schedule"))
        return planned

    def render(self, loaded: LoadedProgram, planned: Sequence[PlannedFile], cache: RenderCache | None) -> Rendered:
        maker = _Maker(loaded, cache)
        modules = {module.id: module for module in loaded.program.training}
        for item in planned:
            if item.part == "schedule":
                maker.pdf(item.path, SCHEDULE, {**maker.common, "schedule": training_schedule(loaded.program)})
            elif item.part == "slides":
                maker.deck(item.path, modules[item.topic])
            else:
                module = modules[item.topic]
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

    def __init__(self, loaded: LoadedProgram, cache: RenderCache | None) -> None:
        self.loaded = loaded
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
        files = module_files(module)
        return {
            **self.common,
            "module": module,
            "timed": timed,
            "totals": {"minutes": module.duration_minutes, "breaks": breaks},
            "module_date": self.program.module_date(module),
            "audience": [self.program.role(role_id) for role_id in module.audience],
            "files": {"guide": posixpath.basename(files.guide), "handout": posixpath.basename(files.handout),
                      "slides": posixpath.basename(files.slides)},
            "content": self._content(module),
            "reflection_lines": REFLECTION_LINES,
        }

    def _content(self, module: Module) -> Any:
        """The module's own Markdown file as HTML; its images are relative to the file itself."""
        if not module.content:
            return None
        path = self.loaded.folder / module.content
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
        folder = posixpath.dirname(Path(module.content).as_posix())
        return markdown_html(text, base=f"{folder}/" if folder else "")

    def pdf(self, path: str, template: str, context: dict[str, Any]) -> None:
        try:
            html = self.renderer.html(template, context)
        except BuildError as error:
            self.fail(error)
            return
        key = self.renderer.key(html)
        self._produce(path, key, lambda: _rendered(self.renderer.render(path, html)))

    def deck(self, path: str, module: Module) -> None:
        spec = deck_spec(self.program, module)
        template = self._slide_template()
        if template is False:
            return
        digest = hashlib.sha256()
        for part in ("deck-1", __version__, library_version("python-pptx"), json.dumps(asdict(spec), sort_keys=True)):
            digest.update(part.encode("utf-8") + b"\0")
        reads = {}
        if template is not None:
            reads[str(template)] = hashlib.sha256(template.read_bytes()).hexdigest()
        self._produce(path, digest.hexdigest(), lambda: (render_deck(spec, template, self._template_problem), reads, ()))

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


def _rendered(result: RenderedPdf) -> tuple[bytes, dict[str, str], tuple[Problem, ...]]:
    return result.data, result.reads, result.warnings
