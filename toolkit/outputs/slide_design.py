"""The toolkit's own slide design, drawn in code on python-pptx's default package: a master in
the program's colours (a tinted background, an accent bar, a footer), title and section layouts
on the main colour, and every text box sized by slide_fit before it is drawn.

Why fixed sizes and no autofit: "shrink text on overflow" is applied by the viewer, and
LibreOffice and PowerPoint apply it differently, so a box is given the largest size at which
its text fits (measured with the font the deck names), a list too long for its slide continues
on the next one, and a title that cannot fit even at the smallest size is cut with an ellipsis
(the full title stays in the notes). Geometry is in points on a 16:9 slide (960 x 540).
python-pptx and PIL are imported only when a deck is drawn (slides.py imports this lazily).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from .slide_fit import FACE, SPACE_BEFORE, Paragraph, height, widest
from .slide_spec import DECK_WORDS, DeckSpec, SlideSpec

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"

MARGIN = 48.0
"""Left and right margin of every slide, in points."""
INSET_X, INSET_Y = 6.0, 3.0
"""Inner margins of every text box, in points: written into the box, and taken off before fitting."""
BODY_TOP, BODY_BOTTOM = 140.0, 488.0
"""Where the body of a content slide starts and ends (the footer sits below)."""
PANEL_WIDTH = 240.0
"""Width of an activity's time-box panel."""
WHITE = "#ffffff"
MUTED = "#4a5560"
"""Footer and break rows: 7.6:1 on the tinted background."""

TITLE_SIZES = (32, 30, 28, 26, 24, 22, 20)
BODY_SIZES = (26, 24, 22, 20, 18)
SMALL_SIZES = (16, 14, 12)
"""Sizes tried for a paragraph too long for a slide on its own, before it is cut."""


@dataclass(frozen=True)
class Line:
    """A paragraph as drawn: its text and measure, its colour, whether it has a bullet."""

    paragraph: Paragraph
    colour: str
    bullet: bool = False


def mix(colour: str, share: float, base: str = WHITE) -> str:
    """`colour` mixed into `base`: share 1 is the colour itself, 0 the base."""
    ours = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    theirs = [int(base[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(b + (c - b) * share):02x}" for c, b in zip(ours, theirs, strict=True))


def draw_designed(presentation: Any, spec: DeckSpec, logo: Path | None) -> None:
    """Every slide of the spec on the designed master, continuation slides where a list is too long."""
    _Designer(presentation, spec, logo).draw()


class _Designer:
    def __init__(self, presentation: Any, spec: DeckSpec, logo: Path | None) -> None:
        self.deck, self.spec = presentation, spec
        self.width = int(presentation.slide_width) / 12700
        self.height = int(presentation.slide_height) / 12700
        self.primary, self.accent = spec.primary.lower(), spec.accent.lower()
        self.background = mix(self.primary, 0.05)
        self.logo = logo
        self.logo_size = _picture_size(logo) if logo is not None else None
        layouts = list(presentation.slide_layouts)
        self.title_layout, self.section_layout, self.content_layout = layouts[0], layouts[2], layouts[5]

    # --- the master and its layouts -------------------------------------------------------

    def draw(self) -> None:
        self._theme()
        self._master()
        for slide_spec in self.spec.slides:
            getattr(self, f"_{slide_spec.layout}")(slide_spec)

    def _theme(self) -> None:
        """The theme's colours and fonts become the program's: new shapes drawn in PowerPoint match."""
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT

        part = self.deck.slide_masters[0].part.part_related_by(RT.THEME)
        root = etree.fromstring(part.blob)
        root.set("name", "revmentor")
        scheme = root.find(f".//{{{_A}}}clrScheme")
        assert scheme is not None
        scheme.set("name", "revmentor")
        for name, colour in (("dk2", self.primary), ("lt2", self.background), ("accent1", self.primary),
                             ("accent2", self.accent)):
            slot = scheme.find(f"{{{_A}}}{name}")
            assert slot is not None
            for child in list(slot):
                slot.remove(child)
            etree.SubElement(slot, f"{{{_A}}}srgbClr", val=colour[1:].upper())
        fonts = root.find(f".//{{{_A}}}fontScheme")
        assert fonts is not None
        fonts.set("name", "revmentor")
        for latin in fonts.iter(f"{{{_A}}}latin"):
            latin.set("typeface", FACE)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _master(self) -> None:
        """The master's tinted background, accent bar and footer; title and section layouts on the main colour."""
        master = self.deck.slide_masters[0]
        _fill(master.background.fill, self.background)
        for layout in (self.title_layout, self.section_layout):
            _fill(layout.background.fill, self.primary)
            layout.element.set("showMasterSp", "0")
        scratch = self.deck.slides.add_slide(self.deck.slide_layouts[6])
        self._rectangle(scratch, (0, 0, self.width, 8), self.primary)
        self._rectangle(scratch, (0, 8, self.width, 4), self.accent)
        if self.spec.footer:
            box = (MARGIN, BODY_BOTTOM + 14, self.width - 2 * MARGIN, 24)
            text, size = _fit_or_cut(self.spec.footer, box, (11, 10, 9), bold=False)
            self._text(scratch, box, [Line(Paragraph(text), MUTED)], size, name="Footer")
        tree = master.shapes._spTree
        for shape in list(scratch.shapes):
            tree.append(shape._element)
        _drop_last_slide(self.deck)

    # --- one method per layout ----------------------------------------------------------------

    def _title(self, slide_spec: SlideSpec) -> None:
        slide = self._slide(self.title_layout, slide_spec.notes)
        inner = self.width - 2 * MARGIN
        if slide_spec.label:
            self._lines(slide, (MARGIN, 118, inner, 40), [Line(Paragraph(slide_spec.label), mix(WHITE, 0.85,
                                                                                                 self.primary))],
                        (20, 18, 16, 14))
        self._rectangle(slide, (MARGIN + INSET_X, 170, 96, 6), mix(self.accent, 0.55))
        self._set_title(slide, slide_spec.title, (MARGIN, 186, inner, 180), (44, 40, 36, 32, 28, 24), WHITE)
        if slide_spec.subtitle:
            self._lines(slide, (MARGIN, 376, inner, 64), [Line(Paragraph(slide_spec.subtitle), WHITE)],
                        (24, 22, 20, 18, 16))
        if self.logo is not None:
            self._logo(slide, (MARGIN, 36), (220, 64), plate=True)

    def _section(self, slide_spec: SlideSpec) -> None:
        slide = self._slide(self.section_layout, slide_spec.notes)
        inner = self.width - 2 * MARGIN
        if slide_spec.label:
            self._lines(slide, (MARGIN, 112, inner, 36), [Line(Paragraph(slide_spec.label), mix(WHITE, 0.85,
                                                                                                 self.primary))],
                        (20, 18, 16))
        self._set_title(slide, slide_spec.title, (MARGIN, 150, inner, 110), (44, 40, 36, 32, 28), WHITE)
        self._rectangle(slide, (MARGIN + INSET_X, 270, 96, 6), mix(self.accent, 0.55))
        lines = ([Line(Paragraph(slide_spec.subtitle, scale=1.2), WHITE)] if slide_spec.subtitle else []) + [
            Line(Paragraph(text, indent=22), WHITE, bullet=True) for text in slide_spec.bullets]
        if lines:
            self._lines(slide, (MARGIN, 292, inner, self.height - 292 - 40), lines, (24, 22, 20, 18, 16, 14))

    def _content(self, slide_spec: SlideSpec, panel: tuple[str, ...] = ()) -> None:
        body_width = self.width - 2 * MARGIN - ((PANEL_WIDTH + 24) if panel else 0)
        box = (MARGIN, BODY_TOP, body_width, BODY_BOTTOM - BODY_TOP)
        heading = [Line(Paragraph(slide_spec.heading, bold=True, scale=0.8), self.accent)] if slide_spec.heading else []
        subtitle = [Line(Paragraph(slide_spec.subtitle), self.primary)] if slide_spec.subtitle else []
        items = subtitle + [Line(Paragraph(text, indent=_indent(26)), "#1d2327", bullet=True)
                            for text in slide_spec.bullets]
        for number, (lines, size) in enumerate(_pages(heading, items, box)):
            title = slide_spec.title if number == 0 else DECK_WORDS["continued"].format(title=slide_spec.title)
            slide = self._slide(self.content_layout, slide_spec.notes if number == 0 else DECK_WORDS["more-notes"])
            self._header(slide, title, slide_spec.label)
            if lines:
                self._text(slide, box, lines, size, name="Body")
            if panel:
                self._panel(slide, panel)

    def _activity(self, slide_spec: SlideSpec) -> None:
        self._content(slide_spec, panel=slide_spec.facts)

    def _agenda(self, slide_spec: SlideSpec) -> None:
        rows = list(slide_spec.rows)
        room = BODY_BOTTOM - BODY_TOP
        inner = self.width - 2 * MARGIN
        sizes = (24, 22, 20, 18, 16, 14)
        size = next((s for s in sizes if _rows_that_fit(rows, s, inner, room) == len(rows)), sizes[-1])
        count = max(1, _rows_that_fit(rows, size, inner, room))
        share = -(-len(rows) // -(-len(rows) // count))  # the rows spread evenly over as few slides as hold them
        pages: list[tuple[list[tuple[str, str]], int]] = []
        while rows:  # rows of two lines can make a later slide hold fewer
            taken = min(share, max(1, _rows_that_fit(rows, size, inner, room)))
            pages.append((rows[:taken], size))
            rows = rows[taken:]
        for number, (page, size) in enumerate(pages):
            slide = self._slide(self.content_layout, slide_spec.notes if number == 0 else DECK_WORDS["more-notes"])
            self._header(slide, slide_spec.title if number == 0 else DECK_WORDS["agenda-more"], slide_spec.label)
            time_width = _time_width(page, size)  # the same for every row of the slide
            top = BODY_TOP
            for time, title in page:
                quiet = title == DECK_WORDS["break"]
                row = _row_height((time, title), size, time_width, inner)
                self._text(slide, (MARGIN, top, time_width, row), [Line(Paragraph(time, bold=True),
                                                                        MUTED if quiet else self.accent)], size,
                           name="Time")
                self._text(slide, (MARGIN + time_width + 12, top, inner - time_width - 12, row),
                           [Line(Paragraph(title), MUTED if quiet else "#1d2327")], size, name="Activity")
                top += row + size * 0.35

    # --- parts of a slide ---------------------------------------------------------------------

    def _slide(self, layout: Any, notes: str) -> Any:
        slide = self.deck.slides.add_slide(layout)
        from pptx.enum.shapes import PP_PLACEHOLDER

        for shape in list(slide.placeholders):
            if shape.placeholder_format.type not in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
                shape._element.getparent().remove(shape._element)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

    def _header(self, slide: Any, title: str, label: str) -> None:
        """A content slide's label and title, beside the logo when there is one."""
        inner = self.width - 2 * MARGIN
        if self.logo is not None:
            width, _ = self._logo(slide, None, (140, 44))
            inner -= width + 16
        if label:
            self._lines(slide, (MARGIN, 26, inner, 26), [Line(Paragraph(label, bold=True), self.accent)], (14, 12))
        self._set_title(slide, title, (MARGIN, 52, inner, 80), TITLE_SIZES, self.primary)

    def _panel(self, slide: Any, facts: tuple[str, ...]) -> None:
        """The time box: the minutes large, then the clock times, the groups and what is needed."""
        box = (self.width - MARGIN - PANEL_WIDTH, BODY_TOP, PANEL_WIDTH, BODY_BOTTOM - BODY_TOP)
        lines = [Line(Paragraph(fact, bold=number == 0, scale=1.8 if number == 0 else 0.85), WHITE)
                 for number, fact in enumerate(facts)]
        size = next((s for s in (22, 20, 18, 16, 14, 12) if _fits(lines, box, s)), None)
        if size is None:
            size, lines = 12, _cut_lines(lines, box, 12)
        used = height(_with_indent(lines, size), _inner(box)[0], size) + 2 * INSET_Y + 2 * size
        self._text(slide, (box[0], box[1], box[2], max(min(used, box[3]), 120.0)), lines, size, name="Time box",
                   fill=self.primary)

    def _set_title(self, slide: Any, title: str, box: tuple[float, float, float, float], sizes: Sequence[int],
                   colour: str) -> None:
        text, size = _fit_or_cut(title, box, sizes, bold=True)
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = (_pt(v) for v in box)
        self._fill_frame(shape.text_frame, [Line(Paragraph(text, bold=True), colour)], size)

    def _lines(self, slide: Any, box: tuple[float, float, float, float], lines: list[Line],
               sizes: Sequence[int]) -> Any:
        """A text box at the largest of `sizes` its lines fit, the last line cut when none does."""
        size = next((s for s in sizes if _fits(lines, box, s)), None)
        if size is None:
            size = sizes[-1]
            lines = _cut_lines(lines, box, size)
        return self._text(slide, box, lines, size)

    def _text(self, slide: Any, box: tuple[float, float, float, float], lines: list[Line], size: int,
              name: str = "", fill: str | None = None) -> Any:
        from pptx.enum.shapes import MSO_SHAPE

        x, y, w, h = (_pt(v) for v in box)
        if fill is None:
            shape = slide.shapes.add_textbox(x, y, w, h)
        else:
            shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, y, w, h)
            _fill(shape.fill, fill)
            shape.line.fill.background()
            shape.shadow.inherit = False
        if name:
            shape.name = name
        self._fill_frame(shape.text_frame, lines, size)
        return shape

    def _fill_frame(self, frame: Any, lines: list[Line], size: int) -> None:
        from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
        from pptx.util import Pt

        frame.clear()
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = _pt(INSET_X)
        frame.margin_top = frame.margin_bottom = _pt(INSET_Y)
        for number, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.LEFT
            paragraph.line_spacing = 1.0
            paragraph.space_before = Pt(size * SPACE_BEFORE if number else 0)
            paragraph.space_after = Pt(0)
            _bullet(paragraph, line, size)
            run = paragraph.add_run()
            run.text = line.paragraph.text
            font = run.font
            font.size = Pt(round(size * line.paragraph.scale, 1))
            font.bold = line.paragraph.bold
            font.name = FACE
            font.color.rgb = _rgb(line.colour)
            font._rPr.set("cap", "none")  # the section layout's title style is in capitals, which widen it

    def _rectangle(self, slide: Any, box: tuple[float, float, float, float], colour: str) -> Any:
        from pptx.enum.shapes import MSO_SHAPE

        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *(_pt(v) for v in box))
        _fill(shape.fill, colour)
        shape.line.fill.background()
        shape.shadow.inherit = False
        shape.name = "Accent"
        return shape

    def _logo(self, slide: Any, at: tuple[float, float] | None, most: tuple[float, float],
              plate: bool = False) -> tuple[float, float]:
        """The program's logo, scaled into `most` (width, height) points; top right when `at` is None."""
        assert self.logo is not None and self.logo_size is not None
        pixels_w, pixels_h = self.logo_size
        scale = min(most[0] / pixels_w, most[1] / pixels_h)
        width, height = pixels_w * scale, pixels_h * scale
        x, y = at if at is not None else (self.width - MARGIN - width, 28.0)
        if plate:
            self._rectangle(slide, (x - 8, y - 8, width + 16, height + 16), WHITE).name = "Logo plate"
        picture = slide.shapes.add_picture(str(self.logo), _pt(x), _pt(y), _pt(width), _pt(height))
        picture.name = "Logo"
        picture._element.nvPicPr.cNvPr.set("descr", self.spec.author)
        return width, height


def _pt(points: float) -> int:
    return round(points * 12700)


def _rgb(colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour[1:].upper())  # type: ignore[no-untyped-call]


def _fill(fill: Any, colour: str) -> None:
    fill.solid()
    fill.fore_color.rgb = _rgb(colour)


def _indent(size: float) -> float:
    return round(size * 0.9, 1)


def _bullet(paragraph: Any, line: Line, size: int) -> None:
    """A hanging bullet in the line's colour, or explicitly none (so no inherited bullet appears)."""
    properties = paragraph._p.get_or_add_pPr()
    for child in list(properties):
        if child.tag.split("}")[1].startswith("bu"):
            properties.remove(child)
    if not line.bullet:
        properties.set("marL", "0")
        properties.set("indent", "0")
        etree.SubElement(properties, f"{{{_A}}}buNone")
        return
    indent = _pt(_indent(size))
    properties.set("marL", str(indent))
    properties.set("indent", str(-indent))
    colour = etree.SubElement(properties, f"{{{_A}}}buClr")
    etree.SubElement(colour, f"{{{_A}}}srgbClr", val=line.colour[1:].upper())
    etree.SubElement(properties, f"{{{_A}}}buFont", typeface=FACE)
    etree.SubElement(properties, f"{{{_A}}}buChar", char="•")


def _inner(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return box[2] - 2 * INSET_X, box[3] - 2 * INSET_Y


def _with_indent(lines: list[Line], size: int) -> list[Paragraph]:
    """The lines' measures, a bullet's hanging indent set for `size`."""
    return [Paragraph(line.paragraph.text, line.paragraph.bold, _indent(size) if line.bullet else 0.0,
                      line.paragraph.scale) for line in lines]


def _fits(lines: list[Line], box: tuple[float, float, float, float], size: int) -> bool:
    width, room = _inner(box)
    return height(_with_indent(lines, size), width, size) <= room


def _pages(heading: list[Line], items: list[Line], box: tuple[float, float, float, float]) -> list[tuple[list[Line], int]]:
    """The body's lines on one slide or more: the largest size at which all fit on one, else runs
    that each fit at the smallest body size (the heading repeated), a lone line too long shrunk
    further and, past the smallest size, cut."""
    if not items:
        return [(heading, BODY_SIZES[0])]
    for size in BODY_SIZES:
        if _fits(heading + items, box, size):
            return [(heading + items, size)]
    size = BODY_SIZES[-1]
    pages: list[list[Line]] = [[]]
    for item in items:
        if pages[-1] and not _fits(heading + pages[-1] + [item], box, size):
            pages.append([])
        pages[-1].append(item)
    result = []
    for page in pages:
        lines = heading + page
        if _fits(lines, box, size):
            result.append((lines, size))
            continue
        smaller = next((s for s in SMALL_SIZES if _fits(lines, box, s)), None)
        result.append((lines, smaller) if smaller else (_cut_lines(lines, box, SMALL_SIZES[-1]), SMALL_SIZES[-1]))
    return result


def _cut_lines(lines: list[Line], box: tuple[float, float, float, float], size: int) -> list[Line]:
    """The lines with the last one shortened, word by word, to fit with an ellipsis."""
    lines = list(lines)
    while lines and not _fits(lines, box, size):
        last = lines[-1]
        words = last.paragraph.text.split()
        if len(words) <= 1:
            lines.pop()
            continue
        shorter = " ".join(words[:-1]).rstrip(" ,;:.–-") + "…"
        lines[-1] = Line(Paragraph(shorter, last.paragraph.bold, last.paragraph.indent, last.paragraph.scale),
                         last.colour, last.bullet)
        if shorter == last.paragraph.text:
            lines.pop()
    return lines


def _fit_or_cut(text: str, box: tuple[float, float, float, float], sizes: Sequence[int],
                bold: bool) -> tuple[str, int]:
    """A single paragraph at the largest size it fits, or cut with an ellipsis at the smallest."""
    line = [Line(Paragraph(text, bold=bold), WHITE)]
    for size in sizes:
        if _fits(line, box, size):
            return text, size
    cut = _cut_lines(line, box, sizes[-1])
    return (cut[0].paragraph.text if cut else "…"), sizes[-1]


def _time_width(rows: Sequence[tuple[str, str]], size: int) -> float:
    return widest([Paragraph(time, bold=True) for time, _ in rows], size) / 0.95 + 2 * INSET_X + 4


def _row_height(row: tuple[str, str], size: int, time_width: float, inner: float) -> float:
    title_width = inner - time_width - 12 - 2 * INSET_X
    return max(height([Paragraph(row[0], bold=True)], time_width - 2 * INSET_X, size),
               height([Paragraph(row[1])], title_width, size)) + 2 * INSET_Y


def _rows_that_fit(rows: Sequence[tuple[str, str]], size: int, inner: float, room: float) -> int:
    """How many of the rows fit the body's height at `size`."""
    time_width = _time_width(rows, size)
    used, count = 0.0, 0
    for row in rows:
        used += _row_height(row, size, time_width, inner) + (size * 0.35 if count else 0)
        if used > room:
            break
        count += 1
    return count


def _picture_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(path.read_bytes())) as image:
        return image.size


def _drop_last_slide(presentation: Any) -> None:
    slide_ids = presentation.slides._sldIdLst
    last = slide_ids[-1]
    presentation.part.drop_rel(last.rId)
    slide_ids.remove(last)
