"""What a person can read in a file, as their reader shows it: the one helper every leak check uses.

Raw bytes hide what compression holds (PDF page streams, the zipped XML of a .pptx), so a leak
check on bytes passes while the secret is on the page. Here a PDF is read as a PDF reader
reads it (page text, form field values and labels, document properties), a deck as a slide
viewer shows it (every shape, table and speaker note, the document properties), an HTML page
as a browser shows it (text and the attributes read aloud), and JSON (the search index) decoded.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from pypdf import PdfReader

BINARY = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".eot"})
"""Pictures and fonts: no text a person reads (their alt text is in the page that shows them)."""
_ATTRIBUTES = re.compile(r"""\s(?:alt|title|aria-label|placeholder|content|value)\s*=\s*(["'])(.*?)\1""", re.I | re.S)


def words(text: str) -> str:
    """Text with every run of whitespace made one space, as it reads across line breaks."""
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    """A PDF's page text, its form fields (names, labels, values) and its document properties."""
    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    for name, field in (reader.get_fields() or {}).items():
        parts += [name, str(field.get("/TU", "")), str(field.get("/V", "") or "")]
    parts += [str(value) for value in (reader.metadata or {}).values()]
    return words(" ".join(parts))


def pptx_text(data: bytes) -> str:
    """A deck's text as a viewer shows it: every shape and table cell, every speaker note, the properties."""
    from pptx import Presentation

    deck = Presentation(io.BytesIO(data))
    parts: list[str] = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    core = deck.core_properties
    parts += [core.title or "", core.subject or "", core.author or "", core.keywords or "", core.comments or ""]
    return words(" ".join(parts))


def html_text(text: str) -> str:
    """A page's text and the attributes a screen reader or a tooltip reads, entities decoded."""
    attributes = [html.unescape(match.group(2)) for match in _ATTRIBUTES.finditer(text)]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    body = html.unescape(re.sub(r"<[^>]+>", " ", body))
    return words(" ".join([body, *attributes]))


def eml_text(data: bytes) -> str:
    """An e-mail as a mail program shows it: its headers decoded (=?utf-8?...?=) and every text part
    decoded (quoted-printable and base64 hide a name from a search of the bytes)."""
    from email import message_from_bytes, policy

    message = message_from_bytes(data, policy=policy.default)
    parts = [f"{name}: {value}" for name, value in message.items()]
    parts += [str(part.get_content()) for part in message.walk() if part.get_content_maintype() == "text"]
    return words(" ".join(parts))


def readable_text(path: Path) -> str:
    """What a person can read in one file, whatever its kind."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in BINARY:
        return ""
    if suffix == ".pdf":
        return pdf_text(data)
    if suffix == ".pptx":
        return pptx_text(data)
    if suffix == ".eml":
        return eml_text(data)
    if suffix in (".xlsx", ".docx") or zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return words(" ".join(html_text(archive.read(name).decode("utf-8", "replace")) for name in archive.namelist()))
    text = data.decode("utf-8", "replace")
    if suffix in (".html", ".htm", ".svg", ".xml"):
        return html_text(text)
    if suffix == ".json":
        try:
            return words(json.dumps(json.loads(text), ensure_ascii=False) + " " + html_text(text))
        except ValueError:
            return words(text)
    return words(text.replace("\r\n ", "").replace("\n ", ""))  # .ics lines fold with a leading space


def readable_texts(folder: Path) -> Iterator[tuple[str, str]]:
    """(path inside the folder, readable text) for every file under it."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        yield path.relative_to(folder).as_posix(), readable_text(path)


def leaks(folder: Path, secrets: Iterable[str]) -> dict[str, list[str]]:
    """Which secrets a person could read in which file of a folder (however the text breaks its lines)."""
    wanted = [(secret, words(secret)) for secret in secrets if secret.strip()]
    found: dict[str, list[str]] = {}
    for name, text in readable_texts(folder):
        hits = [secret for secret, needle in wanted if needle in text]
        if hits:
            found[name] = hits
    return found
