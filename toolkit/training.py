"""The training pack: for every module a facilitator guide, a participant handout and a slide deck,
and one training schedule for the whole program.

Why this shape:
- Each document is a pure function of the Program (and the files it names): guides, handouts
  and the schedule are HTML templates under `templates/training/` laid out by the shared PDF
  stack (pdf.py); decks are built by python-pptx from a plain `DeckSpec`, on the
  organisation's own template deck when program.yaml names one.
- Same input, same bytes (fixed document dates, normalised zip entries), so a document whose
  inputs did not change is taken from the render cache instead of being laid out again;
  WeasyPrint and python-pptx are not even imported when nothing changed.
- Facilitator notes appear only in guides and in the decks' speaker notes, never in handouts.
- Every problem of every document is collected and reported together as one BuildError.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import __version__
from .artifact import Artifact
from .cache import RenderCache, inputs_digest, library_version
from .errors import BuildError, Problem
from .model import Module, Program, Role, TimedActivity
from .pdf import PdfRenderer, markdown_html

if TYPE_CHECKING:
    from .validate import LoadedProgram

FOLDER = "training"
"""Where the pack goes inside the output folder."""
GUIDE = "training/guide.html.j2"
HANDOUT = "training/handout.html.j2"
SCHEDULE = "training/schedule.html.j2"
KIND = "Training"
"""The downloads page's group for every file of the pack."""
_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "python-pptx", "markdown", "jinja2")
"""Libraries whose version changes what the pack looks like."""
REFLECTION_LINES = 3
"""Lines of writing space under each reflection question on a handout."""

_FORMATS = {"in-person": "In person", "remote": "Remote", "hybrid": "Hybrid"}
_KINDS = {"role-play": "Role-play"}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- what the pack holds ----------------------------------------------------------------


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


SCHEDULE_FILE = f"{FOLDER}/schedule.pdf"


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
    files: ModuleFiles


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
                        module.duration_minutes, tuple(program.role(r) for r in module.audience), module_files(module))
        for module in sorted(program.training, key=lambda m: (m.week, m.start_time, m.id))
    )
    groups = []
    for role in program.roles:
        attended = tuple(item for item in placed if role in item.audience)
        if attended:
            groups.append(RoleSchedule(role, attended, sum(item.minutes for item in attended)))
    return TrainingSchedule(placed, tuple(groups), sum(item.minutes for item in placed))


@dataclass
class TrainingPack:
    """The pack's files, the warnings met while making them, and which were made or reused."""

    artifacts: list[Artifact] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    """Paths laid out in this run."""
    reused: list[str] = field(default_factory=list)
    """Paths taken unchanged from the render cache."""


def training_artifacts(loaded: LoadedProgram, cache: RenderCache | None = None) -> list[Artifact]:
    """Every file of the training pack, for the output writer (see `build_training`)."""
    return build_training(loaded, cache).artifacts


def build_training(loaded: LoadedProgram, cache: RenderCache | None = None) -> TrainingPack:
    """Make the training pack: three files per module and the schedule.

    With a cache, nothing is laid out again that need not be, at two levels: when no input
    at all changed (program, templates, content files, slide template, library versions) the
    pack comes straight from the cache without even rendering a template; otherwise each
    document is looked up by a digest of its own HTML or slides. Entries no longer needed are
    pruned once the whole pack is made. Raises BuildError with every problem found.
    """
    inputs = _inputs_key(loaded) if cache is not None else ""
    if cache is not None:
        unchanged = _unchanged_pack(cache, inputs)
        if unchanged is not None:
            cache.prune()
            return unchanged
    program = loaded.program
    maker = _Maker(loaded, cache)
    for module in program.training:
        files = module_files(module)
        context = maker.module_context(module, files)
        maker.pdf(files.guide, GUIDE, context, f"{module.title}: facilitator guide",
                  "PDF for trainers: run of show with clock times, instructions and facilitator notes")
        maker.pdf(files.handout, HANDOUT, context, f"{module.title}: participant handout",
                  "PDF to print for participants, with room to write")
        maker.deck(files.slides, module, f"{module.title}: slides",
                   "PowerPoint deck; the facilitator notes are in the speaker notes")
    maker.pdf(SCHEDULE_FILE, SCHEDULE, {**maker.common, "schedule": training_schedule(program)},
              "Training schedule", "PDF of every training module by audience, with dates and durations")
    if maker.problems:
        raise BuildError(maker.problems)
    if cache is not None:
        cache.put(inputs, json.dumps(maker.index).encode("utf-8"), {})
        cache.prune()
    return maker.pack


def _inputs_key(loaded: LoadedProgram) -> str:
    """Digest of every input of the pack, read without rendering anything (see `inputs_digest`)."""
    return inputs_digest(loaded, "training-pack-1", _LIBRARIES)


def _unchanged_pack(cache: RenderCache, inputs: str) -> TrainingPack | None:
    """The whole pack from the cache when no input changed and every document is still there."""
    index = cache.get(inputs)
    if index is None:
        return None
    pack = TrainingPack()
    try:
        entries = json.loads(index.data)
        for entry in entries:
            hit = cache.get(entry["key"])
            if hit is None:
                return None
            pack.artifacts.append(Artifact(entry["path"], hit.data, entry["title"], entry["kind"],
                                           entry["description"]))
            pack.warnings.extend(hit.warnings)
            pack.reused.append(entry["path"])
    except (ValueError, KeyError, TypeError):
        return None
    return pack


# --- making the files ---------------------------------------------------------------------


class _Maker:
    """Renders or reuses each document, collecting problems instead of stopping at the first."""

    def __init__(self, loaded: LoadedProgram, cache: RenderCache | None) -> None:
        self.loaded = loaded
        self.program = loaded.program
        self.cache = cache
        self.pack = TrainingPack()
        self.index: list[dict[str, str]] = []
        """Path, cache key and labels of every document made: the pack's entry in the cache."""
        self.problems: list[Problem] = []
        self.renderer = PdfRenderer(loaded.folder, self.program.program.paper_size)
        self.common = _helpers(self.program)

    def fail(self, error: BuildError) -> None:
        """Keep an error's problems, once each: a broken shared template fails every document alike."""
        self.problems.extend(p for p in error.problems if p not in self.problems)

    def module_context(self, module: Module, files: ModuleFiles) -> dict[str, Any]:
        timed = module.timed_agenda()
        breaks = sum(item.activity.minutes for item in timed if item.activity.kind == "break")
        return {
            **self.common,
            "module": module,
            "timed": timed,
            "totals": {"minutes": module.duration_minutes, "breaks": breaks},
            "module_date": self.program.week_start(module.week),
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
        from .validate import display_path

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

    def pdf(self, path: str, template: str, context: dict[str, Any], title: str, description: str) -> None:
        try:
            html = self.renderer.html(template, context)
        except BuildError as error:
            self.fail(error)
            return
        key = self.renderer.key(html)
        self._produce(path, key, title, description, lambda: _rendered(self.renderer.render(path, html)))

    def deck(self, path: str, module: Module, title: str, description: str) -> None:
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
        key = digest.hexdigest()
        self._produce(path, key, title, description,
                      lambda: (render_deck(spec, template, self._template_problem), reads, ()))

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

    def _produce(self, path: str, key: str, title: str, description: str,
                 make: Callable[[], tuple[bytes, dict[str, str], tuple[Problem, ...]]]) -> None:
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
        self.pack.warnings.extend(warnings)
        self.pack.artifacts.append(Artifact(path, data, title, KIND, description))
        self.index.append({"path": path, "key": key, "title": title, "kind": KIND, "description": description})


def _rendered(result: Any) -> tuple[bytes, dict[str, str], tuple[Problem, ...]]:
    return result.data, result.reads, result.warnings


def format_date(day: dt.date) -> str:
    """"Mon 1 Feb 2027": unambiguous in every country, whatever the machine's locale."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_minutes(minutes: int) -> str:
    """150 -> "2 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def clock(time: dt.time) -> str:
    """09:30, on the 24-hour clock every trainer can read."""
    return time.strftime("%H:%M")


def _helpers(program: Program) -> dict[str, Any]:
    """Values and helpers every training template receives."""
    info = program.program
    return {
        "program": program,
        "info": info,
        "terms": info.terminology,
        "date": format_date,
        "duration": format_minutes,
        "clock": clock,
        "format_name": lambda name: _FORMATS.get(name, name),
        "kind_name": lambda kind: _KINDS.get(kind, kind.capitalize()),
    }


# --- slide decks --------------------------------------------------------------------------


@dataclass(frozen=True)
class SlideSpec:
    """One slide: a layout (title slide or title and content), its text and its speaker notes."""

    layout: Literal["title", "content"]
    title: str
    subtitle: str = ""
    bullets: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class DeckSpec:
    """A whole deck as plain data: what python-pptx draws, and what the cache key digests."""

    title: str
    author: str
    subject: str
    language: str
    created: str
    """ISO date written as the deck's creation and modification date, so the bytes never vary."""
    slides: tuple[SlideSpec, ...]


def deck_spec(program: Program, module: Module) -> DeckSpec:
    """The slides of a module: title, objectives, agenda, one per activity, key points, close."""
    info = program.program
    timed = module.timed_agenda()
    when = f"{format_date(program.week_start(module.week))}, {clock(module.start_time)} to {clock(module.end_time)}"
    audience = ", ".join(program.role(r).name for r in module.audience)
    slides = [SlideSpec("title", module.title, subtitle=f"{info.name}\n{when}",
                        notes=_notes(module.summary, f"For: {audience}. Length: {format_minutes(module.duration_minutes)}."))]
    if module.objectives:
        slides.append(SlideSpec("content", "By the end of this session you can", bullets=module.objectives,
                                notes=_notes(*(f"Question to explore: {q}" for q in module.questions))))
    slides.append(SlideSpec("content", "Agenda", bullets=tuple(f"{clock(t.start)}  {t.activity.title}" for t in timed),
                            notes=f"Ends at {clock(module.end_time)}; {format_minutes(module.duration_minutes)} in all."))
    slides.extend(_activity_slide(item) for item in timed)
    if module.key_points:
        slides.append(SlideSpec("content", "Key points", bullets=module.key_points,
                                notes="Read each point aloud and ask which one the room will act on first."))
    close = tuple(module.follow_up) + ((f"Questions: {info.contact}",) if info.contact else ())
    slides.append(SlideSpec("content" if close else "title", "Next steps" if close else "Thank you",
                            subtitle="" if close else info.name, bullets=close,
                            notes="Thank the room, repeat the next dates, and say where the slides and handout will be."))
    return DeckSpec(f"{module.title}", info.organisation, module.summary, info.language,
                    info.start_date.isoformat(), tuple(slides))


def _activity_slide(item: TimedActivity) -> SlideSpec:
    """An activity's slide shows what participants do; its timing and notes are for the speaker."""
    activity = item.activity
    timing = f"{clock(item.start)}–{clock(item.end)}, {activity.minutes} min"
    if activity.kind == "break":
        return SlideSpec("content", activity.title, bullets=(f"Back at {clock(item.end)}",),
                         notes=_notes(activity.facilitator_notes or "", f"Timing: {timing}."))
    return SlideSpec("content", activity.title, bullets=tuple(_paragraph_list(activity.description or "")),
                     notes=_notes(activity.facilitator_notes or "", f"Timing: {timing} ({activity.kind})."))


def _paragraph_list(text: str) -> list[str]:
    return [" ".join(part.split()) for part in text.strip().split("\n\n") if part.strip()]


def _notes(*parts: str) -> str:
    return "\n\n".join(" ".join(p.split()) for p in parts if p and p.strip())


_WIDE = (12192000, 6858000)
"""16:9 slide size in EMU, for the default design (python-pptx's own default is 4:3)."""
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def render_deck(spec: DeckSpec, template: Path | None, problem: Callable[[str], Problem] | None = None) -> bytes:
    """Draw a deck with python-pptx, on the template deck's layouts when one is given.

    The template's own slides are dropped and its masters and layouts kept, so its branding
    (colours, fonts, logos) carries over. Placeholders are found by type, not by layout
    name, which template decks translate.
    """
    from pptx import Presentation
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Pt

    if template is not None:
        try:
            presentation = Presentation(str(template))
        except Exception as error:  # python-pptx raises many kinds for a file that is not a deck
            reason = ("cannot be opened as a PowerPoint deck: it is not a .pptx file" if not zipfile.is_zipfile(template)
                      else f"cannot be opened as a PowerPoint deck ({type(error).__name__}: {error})")
            raise BuildError(problem(reason) if problem else Problem(str(template), reason)) from None
        _drop_slides(presentation)
    else:
        presentation = Presentation()
        _widen(presentation)
    title_layout, content_layout = _layouts(presentation)
    width, height = int(presentation.slide_width or _WIDE[0]), int(presentation.slide_height or _WIDE[1])
    for slide_spec in spec.slides:
        layout = title_layout if slide_spec.layout == "title" else content_layout
        slide = presentation.slides.add_slide(layout)
        title, subtitle, body = _placeholders(slide)
        if title is not None:
            title.text_frame.text = slide_spec.title
        else:
            box = slide.shapes.add_textbox(Pt(36), Pt(24), width - Pt(72), Pt(60))
            box.text_frame.text = slide_spec.title
            box.text_frame.paragraphs[0].runs[0].font.size = Pt(32)
            box.text_frame.paragraphs[0].runs[0].font.bold = True
        lines = list(slide_spec.bullets) or ([slide_spec.subtitle] if slide_spec.subtitle else [])
        target = (subtitle if slide_spec.layout == "title" and subtitle is not None else body) or subtitle
        if lines and target is None:
            target = slide.shapes.add_textbox(Pt(36), Pt(100), width - Pt(72), height - Pt(140))
        if target is not None and lines:
            frame = target.text_frame
            frame.word_wrap = True
            text_lines = [part for line in lines for part in line.split("\n")]
            frame.text = text_lines[0]
            for line in text_lines[1:]:
                frame.add_paragraph().text = line
            frame.auto_size = MSO_AUTO_SIZE.NONE
            size = _text_size(text_lines, target.width, target.height)
            if target is not subtitle:
                for run in (run for paragraph in frame.paragraphs for run in paragraph.runs):
                    run.font.size = Pt(size)
        for shape in (title, subtitle, body):
            if shape is not None and shape is not target and shape is not title:
                shape._element.getparent().remove(shape._element)
        if slide_spec.notes:
            slide.notes_slide.notes_text_frame.text = slide_spec.notes
    _set_properties(presentation, spec)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return _normalised_zip(buffer.getvalue())


def _text_size(lines: list[str], width: int, height: int) -> int:
    """The largest body size (points) at which the text fits its box, without relying on autofit,
    which viewers apply unevenly (LibreOffice shrinks text to nothing)."""
    width_pt, height_pt = width / 12700 - 20, height / 12700 - 10
    for size in (28, 26, 24, 22, 20, 18, 16, 14):
        per_line = max(1, int(width_pt / (size * 0.52)))
        rows = sum(-(-max(1, len(line)) // per_line) for line in lines)
        if rows * size * 1.2 + len(lines) * size * 0.5 <= height_pt:
            return size
    return 12


def _drop_slides(presentation: Any) -> None:
    """Remove a template deck's own slides, keeping its masters and layouts."""
    slide_ids = presentation.slides._sldIdLst
    for slide_id in list(slide_ids):
        presentation.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)


def _widen(presentation: Any) -> None:
    """Turn python-pptx's 4:3 default into 16:9, stretching the master's and layouts' shapes."""
    old_width = presentation.slide_width
    presentation.slide_width, presentation.slide_height = _WIDE
    factor = _WIDE[0] / old_width
    masters = list(presentation.slide_masters)
    for shapes in [m.shapes for m in masters] + [layout.shapes for m in masters for layout in m.slide_layouts]:
        for shape in shapes:
            if shape._element.xfrm is not None and shape._element.xfrm.off is not None:
                shape.left = int(shape.left * factor)
                shape.width = int(shape.width * factor)


def _kinds(layout: Any) -> set[str]:
    from pptx.enum.shapes import PP_PLACEHOLDER

    names = {PP_PLACEHOLDER.TITLE: "title", PP_PLACEHOLDER.CENTER_TITLE: "center-title",
             PP_PLACEHOLDER.SUBTITLE: "subtitle", PP_PLACEHOLDER.BODY: "body", PP_PLACEHOLDER.OBJECT: "body"}
    return {names[p.placeholder_format.type] for p in layout.placeholders if p.placeholder_format.type in names}


def _layouts(presentation: Any) -> tuple[Any, Any]:
    """The title-slide layout and the title-and-content layout of a deck, found by their placeholders."""
    layouts = list(presentation.slide_layouts)
    kinds = [_kinds(layout) for layout in layouts]

    def first(test: Callable[[set[str]], bool], fallback: int) -> Any:
        for layout, found in zip(layouts, kinds, strict=True):
            if test(found):
                return layout
        return layouts[min(fallback, len(layouts) - 1)]

    title = first(lambda k: "center-title" in k or {"title", "subtitle"} <= k, 0)
    content = first(lambda k: bool({"title", "center-title"} & k) and "body" in k and "subtitle" not in k, 1)
    return title, content


def _placeholders(slide: Any) -> tuple[Any, Any, Any]:
    """The slide's title, subtitle and first body placeholders (None where the layout has none)."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    title = subtitle = body = None
    for shape in slide.placeholders:
        kind = shape.placeholder_format.type
        if kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE) and title is None:
            title = shape
        elif kind == PP_PLACEHOLDER.SUBTITLE and subtitle is None:
            subtitle = shape
        elif kind in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT) and body is None:
            body = shape
    return title, subtitle, body


def _set_properties(presentation: Any, spec: DeckSpec) -> None:
    """Document properties from the program, with fixed dates: the same deck gives the same bytes."""
    properties = presentation.core_properties
    moment = dt.datetime.combine(dt.date.fromisoformat(spec.created), dt.time(0, 0))
    properties.title = spec.title
    properties.author = spec.author
    properties.subject = spec.subject[:255]
    properties.language = spec.language
    properties.last_modified_by = "revmentor"
    properties.keywords = "training, reverse mentoring"
    properties.comments = ""
    properties.category = "Training"
    properties.revision = 1
    properties.created = moment
    properties.modified = moment
    properties.last_printed = moment


def _normalised_zip(data: bytes) -> bytes:
    """The same zip with fixed entry times: python-pptx stamps entries with the current time."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, _FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return buffer.getvalue()


__all__ = [
    "FOLDER",
    "SCHEDULE_FILE",
    "DeckSpec",
    "ModuleFiles",
    "RoleSchedule",
    "ScheduledModule",
    "SlideSpec",
    "TrainingPack",
    "TrainingSchedule",
    "build_training",
    "deck_spec",
    "module_files",
    "render_deck",
    "training_artifacts",
    "training_schedule",
]
