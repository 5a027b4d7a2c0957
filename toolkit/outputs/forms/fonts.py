"""The fonts of form fields: embedded for what a field will hold, not the whole font.

WeasyPrint embeds the whole font of a field (380 KB for DejaVu Sans) so anything can be typed;
`shrink_field_fonts` keeps the glyphs on the pages plus Latin, Greek and Cyrillic (and the
names a pack will fill in), which cuts a form from about 450 KB to 140 KB and changes no pixel.
pikepdf and fontTools are imported only when a form is made.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
from collections.abc import Iterator
from typing import Any

FIELD_CHARACTERS = (
    (0x0020, 0x007E), (0x00A0, 0x036F), (0x0370, 0x03FF), (0x0400, 0x052F), (0x1E00, 0x1EFF),
    (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0xFB00, 0xFB06),
)
"""What a field's font keeps beyond the glyphs printed on the page: Latin (with Vietnamese),
Greek and Cyrillic letters, combining accents, punctuation, currency and letter-like symbols."""


def shrink_field_fonts(pdf: Any, subsets: FontSubsets, characters: str = "") -> None:
    """Embed only the characters a field will hold, not the whole font.

    WeasyPrint embeds every glyph of a field's font (DejaVu Sans: 6,253 glyphs, about 380 KB
    compressed) so that anything can be typed. Keeping the glyphs printed on the pages,
    FIELD_CHARACTERS and `characters` (a pack's names in other scripts), at their original
    glyph ids, makes every form about 300 KB smaller, and changes no pixel of the page.
    """
    for font, file in _field_fonts(pdf):
        if file is None:
            continue
        data = subsets.subset(bytes(file.read_bytes()), frozenset(_glyphs_shown(pdf, font)),
                              frozenset(ord(char) for char in characters))
        if data is not None:
            file.write(data)
            file.Length1 = len(data)


def _field_fonts(pdf: Any) -> Iterator[tuple[Any, Any]]:
    """(font, its embedded TrueType stream or None) for every font a field's /DA names."""
    form = pdf.Root.AcroForm
    resources = form.get("/DR")
    fonts = resources.get("/Font") if resources is not None else None
    if fonts is None:
        return
    names = {match for item in _all_fields(form)
             for match in re.findall(r"/([^\s/]+)\s+[\d.]+\s+Tf", str(item.get("/DA", "")))}
    for name in sorted(names):
        font = fonts.get("/" + name)
        if font is None:
            continue
        descriptor = font.DescendantFonts[0].get("/FontDescriptor") if "/DescendantFonts" in font else None
        yield font, descriptor.get("/FontFile2") if descriptor is not None else None


def _all_fields(form: Any) -> Iterator[Any]:
    stack = list(form.get("/Fields", []))
    while stack:
        item = stack.pop()
        yield item
        stack.extend(item.get("/Kids", []))


def _glyphs_shown(pdf: Any, font: Any) -> set[int]:
    """Glyph ids a two-byte (Identity-H) font shows in the pages' text, their form XObjects included."""
    import pikepdf

    shown: set[int] = set()
    seen: set[tuple[int, int]] = set()

    def visit(content: Any, resources: Any) -> None:
        fonts = resources.get("/Font", {}) if resources is not None else {}
        names = {str(key) for key, value in fonts.items() if value.objgen == font.objgen}
        current = ""
        for instruction in pikepdf.parse_content_stream(content):
            operands, op = instruction.operands, str(instruction.operator)
            if op == "Tf":
                current = str(operands[0])
            elif op in ("Tj", "TJ", "'", '"') and current in names:
                items = operands[0] if op == "TJ" else [operands[-1]]
                for item in items:
                    if isinstance(item, pikepdf.String):
                        raw = bytes(item)
                        shown.update(int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2))
            elif op == "Do":
                xobject = resources.get("/XObject", {}).get(str(operands[0])) if resources is not None else None
                if xobject is not None and xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                    seen.add(xobject.objgen)
                    visit(xobject, xobject.get("/Resources", resources))

    for page in pdf.pages:
        visit(page.obj, page.obj.get("/Resources"))
    return shown


class FontSubsets:
    """Field fonts cut down to what a form needs, remembered for one run: the forms of one build
    share one subset whenever their pages show nothing outside FIELD_CHARACTERS, so the font is
    subset once, not once per form."""

    def __init__(self) -> None:
        self._subsets: dict[tuple[str, frozenset[int], frozenset[int]], bytes | None] = {}
        self._fonts: dict[str, tuple[dict[int, int], int] | None] = {}
        """Font digest -> (character code -> glyph id, glyph count), or None for a font fontTools cannot read."""

    def subset(self, data: bytes, shown: frozenset[int], extra: frozenset[int] = frozenset()) -> bytes | None:
        """The font with only FIELD_CHARACTERS, the `extra` codes and the `shown` glyphs, at the same glyph ids.

        None if the font cannot be read.
        """
        from fontTools.ttLib import TTFont, TTLibError  # type: ignore[import-untyped]

        digest = hashlib.sha256(data).hexdigest()
        if digest not in self._fonts:
            try:
                font = TTFont(io.BytesIO(data))
                best = font.getBestCmap() or {}
                index = {glyph: gid for gid, glyph in enumerate(font.getGlyphOrder())}
            except (TTLibError, OSError, ValueError, KeyError, AssertionError):
                self._fonts[digest] = None
            else:
                self._fonts[digest] = ({code: index[glyph] for code, glyph in best.items() if glyph in index},
                                       len(index))
        known = self._fonts[digest]
        if known is None:
            return None
        cmap, count = known
        codes = sorted(code for code in cmap if in_field_characters(code) or code in extra)
        kept = {cmap[code] for code in codes}
        more = frozenset(gid for gid in shown if gid not in kept and gid < count)
        key = (digest, frozenset(codes) if extra else frozenset(), more)
        if key not in self._subsets:
            self._subsets[key] = _subset(data, codes, sorted(more))
        return self._subsets[key]


def _subset(data: bytes, codes: list[int], glyphs: list[int]) -> bytes | None:
    """The font cut down to these character codes and glyph ids, each glyph at its old id."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont, TTLibError

    options = subset.Options()
    options.retain_gids = True
    options.hinting = False
    options.notdef_outline = True
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.drop_tables += ["DSIG", "FFTM", "MATH", "GSUB", "GPOS", "GDEF", "kern"]
    subsetter = subset.Subsetter(options)
    out = io.BytesIO()
    try:
        with _quiet_fonttools():
            # The font's own modification date stays as it was: the same form gives the same bytes.
            font = TTFont(io.BytesIO(data), recalcTimestamp=False)
            subsetter.populate(unicodes=codes, gids=glyphs)
            subsetter.subset(font)
            font.save(out)
    except (TTLibError, OSError, ValueError, KeyError, AssertionError):
        return None
    return out.getvalue()


def field_characters(data: bytes) -> frozenset[str] | None:
    """The characters every field font of a finished form can show; None if a font cannot be read."""
    import pikepdf
    from fontTools.ttLib import TTFont, TTLibError

    found: frozenset[str] | None = None
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for _, file in _field_fonts(pdf):
            if file is None:
                return None
            try:
                cmap = TTFont(io.BytesIO(bytes(file.read_bytes()))).getBestCmap() or {}
            except (TTLibError, OSError, ValueError, KeyError, AssertionError):
                return None
            codes = frozenset(chr(code) for code in cmap)
            found = codes if found is None else found & codes
    return found


def in_field_characters(code: int) -> bool:
    return any(low <= code <= high for low, high in FIELD_CHARACTERS)


@contextlib.contextmanager
def _quiet_fonttools() -> Iterator[None]:
    """fontTools logs each table it drops as a warning: nothing a user needs to see."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
