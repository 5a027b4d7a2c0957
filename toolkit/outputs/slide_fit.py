"""Will this text fit this box? Lines measured with the deck's own font, as a viewer will wrap them.

Viewers apply PowerPoint's "shrink text on overflow" unevenly (LibreOffice shrinks to nothing,
or not at all), so the designed decks never rely on it: every text box has a fixed font size
chosen here, from the glyph widths of DejaVu Sans (the face the decks name, and among the widest
common sans faces, so text that fits in it also fits where a viewer substitutes Arial or
Calibri). Widths come from PIL's FreeType binding; where the font file cannot be found, a
deliberately wide estimate stands in, so a missing font gives smaller text, never overflow.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FACE = "DejaVu Sans"
"""The typeface every designed deck names: installed with LibreOffice on Debian (fonts-dejavu-core)."""

_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
_FOLDERS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
            "/usr/local/share/fonts", "/Library/Fonts", "C:/Windows/Fonts")
_UNITS = 100
"""Fonts are loaded at 100 px and widths scaled, so one font object serves every size."""
_LINE = 1.2
"""Line height per point of type when no font file is found: PowerPoint's single spacing."""
_SAFETY = 0.95
"""Share of a line's width the measured text may fill: viewers' kerning and hinting differ a little."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a text box: its text, bold or not, and the indent a bullet or number takes."""

    text: str
    bold: bool = False
    indent: float = 0.0
    """Points the paragraph's lines start to the right of the box's inner edge (a bullet's hanging indent)."""
    scale: float = 1.0
    """The paragraph's size relative to the box's size (a smaller line under a heading)."""


@functools.cache
def _font(bold: bool) -> Any:
    """DejaVu Sans at 100 px through PIL, or None when no font file is found."""
    from PIL import ImageFont

    for folder in _FOLDERS:
        path = Path(folder) / _FILES[bold]
        if path.is_file():
            try:
                return ImageFont.truetype(str(path), _UNITS)
            except OSError:
                continue
    return None


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of `text` set at `size` points."""
    font = _font(bold)
    if font is None:
        return len(text) * size * (0.66 if bold else 0.62)
    return float(font.getlength(text)) * size / _UNITS


def line_height(size: float) -> float:
    """Height in points of one line at `size` points, at single spacing: the font's ascent plus descent
    (LibreOffice's single line), or 1.2 times the size (PowerPoint's) when that is more."""
    font = _font(False)
    if font is None:
        return size * _LINE
    ascent, descent = font.getmetrics()
    return float(max(ascent + descent, _UNITS * 1.2)) * size / _UNITS


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """The lines `text` breaks into at `size` points in `width` points: at spaces, and inside a
    word only when the word alone is wider than the line, as LibreOffice and PowerPoint break."""
    room = width * _SAFETY
    lines: list[str] = []
    for hard in text.split("\n"):
        line = ""
        for word in hard.split():
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= room:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while text_width(word, size, bold) > room and len(word) > 1:
                cut = 1
                while cut < len(word) and text_width(word[:cut + 1], size, bold) <= room:
                    cut += 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


SPACE_BEFORE = 0.45
"""Space above every paragraph but the first, as a share of the box's font size."""


def height(paragraphs: Sequence[Paragraph], width: float, size: float, spacing: float = 1.0) -> float:
    """Height in points the paragraphs take in a box `width` points wide (insets already taken off)."""
    total = 0.0
    for number, paragraph in enumerate(paragraphs):
        points = size * paragraph.scale
        rows = len(wrap(paragraph.text, width - paragraph.indent, points, paragraph.bold))
        total += rows * line_height(points) * spacing + (size * SPACE_BEFORE if number else 0.0)
    return total


def widest(paragraphs: Sequence[Paragraph], size: float) -> float:
    """The width in points of the paragraphs' longest unbroken line at `size` (for boxes that must not wrap)."""
    return max((text_width(line, size * p.scale, p.bold) + p.indent for p in paragraphs
                for line in p.text.split("\n")), default=0.0)


def fitting_size(paragraphs: Sequence[Paragraph], width: float, room: float, sizes: Sequence[int],
                 spacing: float = 1.0) -> int | None:
    """The largest of `sizes` (largest first) at which the paragraphs fit `width` x `room` points, or None."""
    for size in sizes:
        if height(paragraphs, width, size, spacing) <= room:
            return size
    return None


def split(paragraphs: Sequence[Paragraph], width: float, room: float, size: int,
          spacing: float = 1.0) -> list[list[Paragraph]]:
    """The paragraphs in runs that each fit the box at `size`, for a slide and its continuations.

    A paragraph taller than the whole box on its own is kept whole on its own slide (the caller
    then shrinks it further); paragraphs are never cut in the middle.
    """
    runs: list[list[Paragraph]] = [[]]
    for paragraph in paragraphs:
        if runs[-1] and height([*runs[-1], paragraph], width, size, spacing) > room:
            runs.append([])
        runs[-1].append(paragraph)
    return runs
