"""Filling a blank form: the blank's bytes followed by an incremental update holding the values.

Why: laying a form out costs about half a second, and saving the whole document again per pair
with pikepdf ran at about 140 forms per CPU second, since every copy rewrites some 560 objects.
An incremental update (what Acrobat appends when it saves a form) runs at thousands a second.
pikepdf is imported only to read a blank, never per copy.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Collection, Mapping
from typing import Any

from ...evaluation.identity import INFO_KEY as _IDENTITY


class FormFiller:
    """A blank form read once; each `fill` returns a copy with text fields filled in.

    A copy is the blank's bytes followed by a PDF incremental update (ISO 32000-1, 7.5.6):
    the filled fields' objects with their new values, and a cross-reference section pointing
    at them. Nothing of the blank is parsed or written again, so a fill costs microseconds
    and the copy is the blank plus a kilobyte or two. Every PDF reader applies such updates
    (it is how Acrobat saves a filled form); NeedAppearances, set by `finish_form`, makes
    readers draw the values.
    """

    def __init__(self, blank: bytes) -> None:
        import pikepdf

        self._blank = blank if blank.endswith(b"\n") else blank + b"\n"
        starts = re.findall(rb"startxref\s+(\d+)", blank[-1024:])
        if not starts:
            raise ValueError("not a PDF: no startxref")
        self._previous = int(starts[-1])
        self._xref_stream = not blank[self._previous:self._previous + 4].startswith(b"xref")
        self._fields: dict[str, tuple[int, int, bytes]] = {}
        self._boxes: dict[str, tuple[int, int, bytes]] = {}
        extra: list[tuple[int, int, bytes]] = []
        with pikepdf.open(io.BytesIO(blank)) as pdf:
            trailer = pdf.trailer
            self._size = int(trailer.Size)
            self._trailer = b" /Root %d %d R" % trailer.Root.objgen
            self._info: tuple[int, int, bytes] | None = None
            if "/Info" in trailer and trailer.Info.is_indirect:
                self._trailer += b" /Info %d %d R" % trailer.Info.objgen
                self._info = (*trailer.Info.objgen, _without(trailer.Info, _IDENTITY))
            ids = trailer.get("/ID")
            self._first_id = bytes(ids[0]) if ids is not None and len(ids) == 2 else hashlib.md5(blank).digest()  # noqa: S324 - an id, not security
            form = pdf.Root.AcroForm
            for item in form.Fields:
                if "/T" not in item or not item.is_indirect:
                    continue
                if item.get("/FT") == "/Tx":
                    self._fields[str(item.T)] = (*item.objgen, _without(item, "/V"))
                elif item.get("/FT") == "/Btn" and not int(item.get("/Ff", 0)) & _RADIO:
                    appearance = item.get("/AP")
                    normal = appearance.get("/N") if appearance is not None else None
                    states = [str(key) for key in (normal.keys() if normal is not None else ()) if key != "/Off"]
                    if states:  # a check box: its "on" state is named by its appearance
                        head = _without(item, "/V", "/AS")
                        self._boxes[str(item.T)] = (*item.objgen, head + b" /V %s /AS %s" % ((states[0].encode(),) * 2))
            if not bool(form.get("/NeedAppearances", False)):
                holder = form if form.is_indirect else pdf.Root
                if holder is form:
                    body = _without(form, "/NeedAppearances") + b" /NeedAppearances true >>"
                else:
                    inner = pikepdf.Dictionary({**dict(form.items()), "/NeedAppearances": True})
                    body = _without(pdf.Root, "/AcroForm") + b" /AcroForm " + bytes(inner.unparse(resolved=True)) + b" >>"
                extra.append((*holder.objgen, body))
        self._extra = extra

    @property
    def fields(self) -> list[str]:
        """Names of the text fields `fill` can set."""
        return list(self._fields)

    @property
    def boxes(self) -> list[str]:
        """Names of the check boxes `fill` can tick."""
        return list(self._boxes)

    def fill(self, values: Mapping[str, str], ticked: Collection[str] = (), identity: str | None = None) -> bytes:
        """The form with these text fields filled in and these check boxes ticked; names the form does
        not have are ignored. `identity` (evaluation/identity.py) replaces the blank's, when the blank
        has document information to hold it."""
        objects = list(self._extra)
        if identity is not None and self._info is not None:
            number, generation, head = self._info
            objects.append((number, generation, head + b" " + _IDENTITY.encode() + b" " + pdf_string(identity) + b" >>"))
        for name in ticked:
            box = self._boxes.get(name)
            if box is not None:
                number, generation, head = box
                objects.append((number, generation, head + b" >>"))
        for name, value in values.items():
            found = self._fields.get(name)
            if found is not None:
                number, generation, head = found
                objects.append((number, generation, head + b" /V " + pdf_string(value) + b" >>"))
        return self._blank + self._update(sorted(objects))

    def _update(self, objects: list[tuple[int, int, bytes]]) -> bytes:
        """An incremental update section holding `objects` (number, generation, body)."""
        out = bytearray()
        base = len(self._blank)
        entries: list[tuple[int, int, int]] = []
        for number, generation, body in objects:
            entries.append((number, base + len(out), generation))
            out += b"%d %d obj\n%s\nendobj\n" % (number, generation, body)
        last_id = hashlib.md5(bytes(out)).digest()  # noqa: S324 - an id, not security
        ids = b"[<%s> <%s>]" % (self._first_id.hex().encode(), last_id.hex().encode())
        xref_at = base + len(out)
        if self._xref_stream:
            number = self._size
            entries.append((number, xref_at, 0))
            entries.sort()
            rows = b"".join(b"\x01" + offset.to_bytes(4, "big") + generation.to_bytes(2, "big")
                            for _, offset, generation in entries)
            index = b" ".join(b"%d 1" % entry[0] for entry in entries)
            out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s]%s /ID %s /Prev %d /Length %d >>\n"
                    b"stream\n%s\nendstream\nendobj\n" % (number, number + 1, index, self._trailer, ids,
                                                           self._previous, len(rows), rows))
        else:
            entries.sort()
            out += b"xref\n" + b"".join(b"%d 1\n%010d %05d n \n" % (number, offset, generation)
                                         for number, offset, generation in entries)
            size = max(self._size, entries[-1][0] + 1) if entries else self._size
            out += b"trailer\n<< /Size %d%s /ID %s /Prev %d >>\n" % (size, self._trailer, ids, self._previous)
        out += b"startxref\n%d\n%%%%EOF\n" % xref_at
        return bytes(out)


_RADIO = 1 << 15
"""The radio-button flag of a button field's /Ff (ISO 32000-1, table 226)."""


def _without(item: Any, *keys: str) -> bytes:
    """A dictionary's PDF text without `keys`, its closing `>>` left off, ready for more entries."""
    import pikepdf

    copy = pikepdf.Dictionary({k: v for k, v in item.items() if k not in keys})
    text = bytes(copy.unparse(resolved=True)).rstrip()
    return text[:-2].rstrip() if text.endswith(b">>") else text


def pdf_string(text: str) -> bytes:
    """A PDF text string: a literal for printable ASCII, else UTF-16BE with a byte order mark, in hex."""
    if all(32 <= ord(char) < 127 for char in text):
        return b"(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii") + b")"
    return b"<feff" + text.encode("utf-16-be").hex().encode("ascii") + b">"
