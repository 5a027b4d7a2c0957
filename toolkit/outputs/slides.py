"""Slide decks drawn with python-pptx: a module's deck as plain data (`DeckSpec`), then the .pptx.

Why this shape: the spec is what the render cache digests, so an unchanged deck is never drawn
again; drawing is on the organisation's own template deck when program.yaml names one (its
masters and layouts carry the branding), placeholders found by type, not by layout name, which
template decks translate. The same spec gives the same bytes: fixed document dates and zip
entry times. python-pptx is imported only when a deck is drawn.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import BuildError, Problem
from ..program.model import Module, Program, TimedActivity
from ..render.text import clock, format_date, format_minutes


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
    when = f"{format_date(program.module_date(module))}, {clock(module.start_time)} to {clock(module.end_time)}"
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
