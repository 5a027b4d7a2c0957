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
from pathlib import Path
from typing import Any

from ..errors import BuildError, Problem
from ..program.model import Module, Program, TimedActivity
from ..render.text import clock, format_date, format_minutes
from .slide_spec import DECK_WORDS, DeckSpec, SlideSpec

__all__ = ["DECK_WORDS", "DeckSpec", "SlideSpec", "deck_spec", "plain_lines", "render_deck"]

def _say(key: str, **values: object) -> str:
    return DECK_WORDS[key].format(**values)


def deck_spec(program: Program, module: Module) -> DeckSpec:
    """The slides of a module: title, objectives, agenda, each part's divider and activities, key points, close."""
    info = program.program
    timed = module.timed_agenda()
    when = f"{format_date(program.module_date(module))}, {_say('span', start=clock(module.start_time), end=clock(module.end_time))}"
    audience = ", ".join(program.role(r).name for r in module.audience)
    room, trainers = module.room, tuple(module.trainers)
    slides = [SlideSpec("title", module.title, subtitle=info.name, label=when,
                        notes=_notes(module.summary, _say("for", audience=audience,
                                                          length=format_minutes(module.duration_minutes)),
                                     _say("where", room=room) if room else "",
                                     _say("who", trainers=", ".join(trainers)) if trainers else ""))]
    if module.objectives:
        slides.append(SlideSpec("content", _say("objectives"), bullets=module.objectives,
                                notes=_notes(*(_say("explore", question=q) for q in module.questions))))
    slides.append(SlideSpec("agenda", _say("agenda"),
                            rows=tuple((_say("range", start=clock(t.start), end=clock(t.end)), t.activity.title)
                                       for t in timed),
                            notes=_say("ends", time=clock(module.end_time),
                                       length=format_minutes(module.duration_minutes))))
    parts = _parts(timed)
    for number, part in enumerate(parts, 1):
        if len(parts) > 1:
            span = _say("span", start=clock(part[0].start), end=clock(part[-1].end))
            slides.append(SlideSpec("section", _say("part", number=number, count=len(parts)), label=span,
                                    bullets=tuple(item.activity.title for item in part),
                                    notes=_say("part-notes", number=number, count=len(parts),
                                               start=clock(part[0].start), end=clock(part[-1].end))))
        slides.extend(_activity_slide(program, item) for item in part)
        if number < len(parts):
            slides.append(_break_slide(timed[timed.index(part[-1]) + 1]))
    if module.key_points:
        slides.append(SlideSpec("content", _say("key-points"), bullets=module.key_points, notes=_say("key-notes")))
    close = tuple(module.follow_up) + ((_say("questions", contact=info.contact),) if info.contact else ())
    slides.append(SlideSpec("content" if close else "title", _say("next") if close else _say("thanks"),
                            subtitle="" if close else info.name, bullets=close, notes=_say("close-notes")))
    colours = info.colours
    return DeckSpec(f"{module.title}", info.organisation, module.summary, info.language,
                    info.start_date.isoformat(), tuple(slides), colours.primary, colours.accent,
                    f"{info.name} · {module.title}")


def _parts(timed: list[TimedActivity]) -> list[list[TimedActivity]]:
    """The agenda cut at its breaks: the parts a divider slide introduces (breaks themselves left out)."""
    parts: list[list[TimedActivity]] = [[]]
    for item in timed:
        if item.activity.kind == "break":
            parts.append([])
        else:
            parts[-1].append(item)
    return [part for part in parts if part]


def _break_slide(item: TimedActivity) -> SlideSpec:
    activity = item.activity
    return SlideSpec("section", activity.title, label=_say("span", start=clock(item.start), end=clock(item.end)),
                     subtitle=_say("back", time=clock(item.end)),
                     notes=_notes(activity.facilitator_notes or "", _say("break-timing", start=clock(item.start),
                                                                         end=clock(item.end), minutes=activity.minutes)))


_GROUPS = {1: "alone", 2: "pairs", 3: "threes", 4: "fours"}


def _activity_slide(program: Program, item: TimedActivity) -> SlideSpec:
    """An activity's slide shows what participants need (the task, the time box, the groups, what to
    have to hand); its timings, steps, script and notes are the speaker's.

    The richer activity fields (purpose, setup, steps, script, debrief, remote, materials, groups)
    are read with defaults, so a program, or a model, without them still gets its deck.
    """
    activity = item.activity
    if activity.kind == "break":
        return _break_slide(item)
    facts = [_say("minutes", minutes=activity.minutes), _say("span", start=clock(item.start), end=clock(item.end))]
    groups = activity.groups
    if groups is not None:
        size = int(groups.size)
        facts.append(_say(_GROUPS[size]) if size in _GROUPS else _say("groups", size=size))
    shown, listed = _materials(program, tuple(activity.materials))
    if shown:
        facts.append(_say("need", items=", ".join(shown)))
    talk = activity.kind in ("talk", "demo")
    bullets = tuple(_paragraph_list(activity.description or ""))
    return SlideSpec("activity", activity.title, label=_say(f"kind-{activity.kind}"),
                     heading=(_say("covers") if talk else _say("task")) if bullets else "",
                     bullets=bullets, facts=tuple(facts), notes=_activity_notes(item, listed))


def _materials(program: Program, ids: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The titles of an activity's materials: those participants may see, and all of them."""
    known = {material.id: material for material in program.materials}
    found = [known[i] for i in ids if i in known]
    return ([m.title for m in found if m.kind != "brief"],
            [m.title for m in found])


def _activity_notes(item: TimedActivity, materials: list[str]) -> str:
    """The speaker's side of an activity: timing, purpose, set-up, timed steps, script, notes, debrief, remote."""
    activity = item.activity
    parts = [_say("timing", start=clock(item.start), end=clock(item.end), minutes=activity.minutes, kind=activity.kind)]
    purpose, setup = activity.purpose, activity.setup
    if purpose:
        parts.append(_say("purpose", text=purpose))
    if setup:
        parts.append(_say("setup", text=setup))
    if materials:
        parts.append(_say("materials", items=", ".join(materials)))
    steps = activity.steps
    if steps:
        lines, moment = [_say("steps")], dt.datetime.combine(dt.date(2000, 1, 1), item.start)
        for step in steps:
            text, minutes = " ".join(step.text.split()), step.minutes
            if minutes:
                end = moment + dt.timedelta(minutes=int(minutes))
                lines.append(_say("step", start=clock(moment.time()), end=clock(end.time()), minutes=minutes, text=text))
                moment = end
            else:
                lines.append(_say("step-untimed", text=text))
        parts.append("\n".join(lines))
    script = activity.script
    if script:
        parts.append(_say("script", text=script))
    if activity.facilitator_notes:
        parts.append(activity.facilitator_notes)
    debrief = activity.debrief
    if debrief:
        parts.append("\n".join([_say("debrief"), *(f"{n}. {' '.join(q.split())}" for n, q in enumerate(debrief, 1))]))
    remote = activity.remote
    if remote:
        parts.append(_say("remote", text=remote))
    return _notes(*parts)


def _paragraph_list(text: str) -> list[str]:
    return [" ".join(part.split()) for part in text.strip().split("\n\n") if part.strip()]


def _notes(*parts: str) -> str:
    """Speaker notes: paragraphs a blank line apart, each paragraph's own lines kept."""
    return "\n\n".join("\n".join(" ".join(line.split()) for line in p.strip().split("\n"))
                        for p in parts if p and p.strip())


_WIDE = (12192000, 6858000)
"""16:9 slide size in EMU, for the default design (python-pptx's own default is 4:3)."""
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def render_deck(spec: DeckSpec, template: Path | None, problem: Callable[[str], Problem] | None = None,
                logo: Path | None = None) -> bytes:
    """Draw a deck with python-pptx: on the template deck's layouts when one is given, else in the
    toolkit's own design (slide_design.py) in the program's colours, with its logo when one is given.

    The template's own slides are dropped and its masters and layouts kept, so its branding
    (colours, fonts, logos) carries over. Placeholders are found by type, not by layout
    name, which template decks translate.
    """
    from pptx import Presentation

    if template is not None:
        try:
            presentation = Presentation(str(template))
        except Exception as error:  # python-pptx raises many kinds for a file that is not a deck
            reason = ("cannot be opened as a PowerPoint deck: it is not a .pptx file" if not zipfile.is_zipfile(template)
                      else f"cannot be opened as a PowerPoint deck ({type(error).__name__}: {error})")
            raise BuildError(problem(reason) if problem else Problem(str(template), reason)) from None
        _drop_slides(presentation)
        _draw_on_template(presentation, spec)
    else:
        from .slide_design import draw_designed

        presentation = Presentation()
        _widen(presentation)
        draw_designed(presentation, spec, logo)
    _set_properties(presentation, spec)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return _normalised_zip(buffer.getvalue())


def plain_lines(slide_spec: SlideSpec) -> list[str]:
    """A slide's text as plain lines, for a template deck's one body placeholder."""
    lines = [slide_spec.label] if slide_spec.label and slide_spec.layout != "title" else []
    if slide_spec.layout == "title":
        lines += [line for line in (slide_spec.subtitle, slide_spec.label) if line]
    elif slide_spec.subtitle:
        lines.append(slide_spec.subtitle)
    if slide_spec.layout == "activity":
        lines.append(" · ".join(slide_spec.facts))
    lines += list(slide_spec.bullets) + [f"{time}  {title}" for time, title in slide_spec.rows]
    return lines


def _draw_on_template(presentation: Any, spec: DeckSpec) -> None:
    """The slides on an organisation's template: its title and title-and-content layouts, its styles."""
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Pt

    title_layout, content_layout = _layouts(presentation)
    width, height = int(presentation.slide_width or _WIDE[0]), int(presentation.slide_height or _WIDE[1])
    for slide_spec in spec.slides:
        opening = slide_spec.layout in ("title", "section")
        layout = title_layout if opening else content_layout
        slide = presentation.slides.add_slide(layout)
        title, subtitle, body = _placeholders(slide)
        if title is not None:
            title.text_frame.text = slide_spec.title
        else:
            box = slide.shapes.add_textbox(Pt(36), Pt(24), width - Pt(72), Pt(60))
            box.text_frame.text = slide_spec.title
            box.text_frame.paragraphs[0].runs[0].font.size = Pt(32)
            box.text_frame.paragraphs[0].runs[0].font.bold = True
        lines = plain_lines(slide_spec)
        target = (subtitle if opening and subtitle is not None else body) or subtitle
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
