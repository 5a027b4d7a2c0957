"""The shared PDF stack: Jinja2 HTML through WeasyPrint, one print stylesheet, guarded file access.

Why this shape:
- Every printable document (training pack, forms) is an HTML template rendered with the one
  Jinja2 environment factory and laid out by WeasyPrint with the one print stylesheet
  (`templates/print.css`); program.yaml's paper size is added as a last `@page` rule.
- WeasyPrint reads files (images, stylesheets, attachments) through a fetcher that allows
  only regular files inside the program folder and the packaged templates: no other path,
  no device, no symlink out, no network. A refused address is collected and the document
  fails with a BuildError naming the document and the address.
- Fonts and the parsed stylesheet are made once per `PdfRenderer` and reused: most of
  WeasyPrint's time is per font face and per document, not per page.
- PDFs are tagged (PDF/UA-1): headings, lists and table headers reach screen readers.
- `key()` digests everything that makes a PDF's bytes except the files WeasyPrint reads,
  which `render()` reports with their hashes, so callers can skip unchanged documents.
WeasyPrint is imported inside `render()`, never at module import.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import mimetypes
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urljoin, urlsplit

from markupsafe import Markup

from .._version import __version__
from ..errors import BuildError, Problem
from ..files.paths import display_path, templates_dir
from .cache import library_version
from .templating import environment, find_file, render

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from jinja2 import Environment

PaperSize = Literal["A4", "Letter"]
PRINT_CSS = "print.css"
PDF_VARIANT = "pdf/ua-1"
MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest file a document may embed: a guard against a huge file slowing a build to a crawl."""
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
"""Links kept in PDFs; others (javascript:, file:, relative paths to site pages) lose their href."""
_KEY_VERSION = "pdf-1"


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered PDF, the files WeasyPrint read to make it, and what is worth telling the user."""

    data: bytes
    reads: dict[str, str]
    """Absolute path -> sha256 of every file read: a cached copy is stale when one changes."""
    warnings: tuple[Problem, ...] = ()


@dataclass
class FileGuard:
    """What one document may read: regular files inside the allowed folders, nothing else.

    WeasyPrint swallows fetcher exceptions (a missing image is only logged), so refusals are
    collected here and raised together once the document is rendered.
    """

    roots: Sequence[Path]
    document: str
    problems: list[Problem] = field(default_factory=list)
    reads: dict[str, str] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)

    def read(self, url: str) -> tuple[bytes, str]:
        """The bytes and media type of an allowed file; anything else is recorded and refused."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise self._refuse(url, "only files inside the program folder can be used", _fix_for(parts.scheme))
        try:
            path = Path(unquote(parts.path)).resolve()
        except (ValueError, OSError) as error:  # a NUL byte, a loop of symlinks
            raise self._refuse(url, f"not a usable file name ({error})", _fix_for("file")) from None
        if not any(path.is_relative_to(root) for root in self.roots):
            raise self._refuse(url, "only files inside the program folder can be used", _fix_for("file"))
        if not path.exists():
            raise self._refuse(url, "no such file", "check the file name and folder; an address in a module's"
                               " content file is relative to that Markdown file", verb="cannot load")
        if not path.is_file():
            raise self._refuse(url, "not a regular file", "refer to an image or stylesheet file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise self._refuse(url, f"the file is {size // (1024 * 1024)} MB, more than the"
                               f" {MAX_FILE_BYTES // (1024 * 1024)} MB allowed", "use a smaller image",
                               verb="cannot load")
        data = path.read_bytes()
        self.reads[str(path)] = hashlib.sha256(data).hexdigest()
        return data, mimetypes.guess_type(path.name)[0] or "application/octet-stream"

    def _refuse(self, url: str, why: str, fix: str, verb: str = "refused to load") -> ValueError:
        shown = url if len(url) <= 200 else url[:200] + "..."
        problem = Problem(self.document, f"{verb} '{shown}': {why}", fix)
        if problem not in self.problems:
            self.problems.append(problem)
        self.refused.update((url, problem.message))
        return ValueError(problem.message)

    def reported(self, message: str) -> bool:
        """Whether a WeasyPrint log line is about an address already reported here."""
        return any(text in message for text in self.refused)


def _fix_for(scheme: str) -> str:
    if scheme.lower() in ("http", "https", "ftp"):
        return ("download the file into the program folder and refer to it by a relative path;"
                " documents are made offline and never fetch from the network")
    if scheme.lower() in ("file", ""):
        return ("copy the file into the program folder (e.g. next to the Markdown file that shows it) and"
                " refer to it by a relative path")
    return "refer to a file inside the program folder by a relative path"


def allowed_roots(folder: Path | None) -> tuple[Path, ...]:
    """The folders documents may read from: the program folder and the packaged templates."""
    roots = [templates_dir().resolve()]
    if folder is not None:
        roots.insert(0, folder.resolve())
    return tuple(roots)


def paragraphs(text: object) -> Markup:
    """Plain text with blank-line breaks as escaped HTML paragraphs (program text is never markup)."""
    parts = re.split(r"\n\s*\n", str(text).strip())
    return Markup("").join(Markup("<p>{}</p>").format(" ".join(part.split())) for part in parts if part.strip())


def markdown_html(text: str, base: str = "") -> Markup:
    """A Markdown file as HTML for a PDF, its headings starting at h2.

    `base` (relative to the program folder) is where the file's relative image addresses
    start from; the renderer resolves them against it and the file guard checks the result.
    """
    import markdown
    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor

    class _ShiftHeadings(Treeprocessor):  # type: ignore[misc]
        def run(self, root: Element) -> None:
            headings = [el for el in root.iter() if re.fullmatch(r"h[1-6]", el.tag)]
            if not headings:
                return
            offset = max(0, 2 - min(int(el.tag[1]) for el in headings))
            for el in headings:
                el.tag = f"h{min(6, int(el.tag[1]) + offset)}"

    class _Headings(Extension):  # type: ignore[misc]
        def extendMarkdown(self, md: markdown.Markdown) -> None:
            md.treeprocessors.register(_ShiftHeadings(md), "shift-headings", 5)

    html = markdown.markdown(text, extensions=["tables", "sane_lists", _Headings()], output_format="html")
    # The program's own Markdown file, trusted like its templates; what it may load is guarded at render.
    trusted = Markup(html)  # noqa: S704
    return Markup('<div class="content" data-base="{}">').format(base) + trusted + Markup("</div>")


class PdfRenderer:
    """Renders the documents of one program, sharing fonts and the print stylesheet between them."""

    def __init__(self, folder: Path | None, paper_size: PaperSize = "A4", *, templates: Path | None = None,
                 language: str | None = None) -> None:
        """`templates`: a folder to keep compiled templates in between runs (see `TemplateCache`);
        `language`: the program's, whose catalogue the templates' `_()` read (English without it)."""
        self.language = language
        self.folder = folder.resolve() if folder is not None else None
        self.paper_size = paper_size
        self.roots = allowed_roots(folder)
        self.env: Environment = environment(self.folder, "html", templates)
        self.env.filters["paragraphs"] = paragraphs
        self.stylesheet_file = find_file(self.folder, PRINT_CSS)
        self.stylesheet = self.stylesheet_file.read_text(encoding="utf-8")
        self.base_url = (self.folder or templates_dir().resolve()).as_uri() + "/"
        self._fonts: Any = None
        self._css: list[Any] | None = None
        self._css_reads: dict[str, str] = {}

    def html(self, template: str, context: dict[str, Any]) -> str:
        """A template rendered to HTML; template problems are BuildErrors naming the template line."""
        return render(self.env, template, context, self.folder, self.language)

    def key(self, html: str, *, forms: bool = False) -> str:
        """Digest of what makes the PDF's bytes, except the files it reads (see RenderedPdf.reads).

        The program folder is part of it: relative addresses resolve against it, so two programs
        with the same text but different pictures never share an entry.
        """
        digest = hashlib.sha256()
        for part in (_KEY_VERSION, __version__, *map(library_version, ("weasyprint", "pydyf", "fonttools")),
                     self.paper_size, str(forms), self.base_url, self.stylesheet, html):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()

    def render(self, name: str, html: str, *, forms: bool = False) -> RenderedPdf:
        """Lay out one HTML document as a tagged PDF; `name` (e.g. the output path) is named in errors."""
        HTML = weasyprint().HTML

        stylesheets = self._stylesheets()
        guard = FileGuard(self.roots, name)
        with _weasyprint_log() as records:
            try:
                document = HTML(string=html, base_url=self.base_url, url_fetcher=_fetcher(guard))
                _prepare(document.etree_element, self.base_url)
                data = document.write_pdf(stylesheets=stylesheets, font_config=self._fonts, pdf_variant=PDF_VARIANT,
                                          pdf_forms=forms or None, uncompressed_pdf=False)
            except Exception as error:  # a WeasyPrint failure on odd input: still a located message, no traceback
                raise BuildError(guard.problems or Problem(
                    name, f"WeasyPrint could not lay out this document ({type(error).__name__}: {error})",
                    "check the templates and the content file this document is made from; remove what was added"
                    " last to find the cause")) from None
        warnings: list[Problem] = []
        for record in records:
            message = record.getMessage()
            if guard.reported(message):
                continue
            problem = _log_problem(name, message, record.levelno)
            if problem.warning:
                warnings.append(problem)
            else:
                guard.problems.append(problem)
        if guard.problems:
            raise BuildError(guard.problems)
        assert isinstance(data, bytes)
        return RenderedPdf(data, {**self._css_reads, **guard.reads}, tuple(warnings))

    def _stylesheets(self) -> list[Any]:
        """The print stylesheet and the paper size, parsed once for every document."""
        if self._css is None:
            CSS = weasyprint().CSS
            from weasyprint.text.fonts import FontConfiguration

            self._fonts = FontConfiguration()
            guard = FileGuard(self.roots, display_path(self.stylesheet_file))
            with _weasyprint_log():
                css = CSS(string=self.stylesheet, base_url=self.stylesheet_file.parent.as_uri() + "/",
                          url_fetcher=_fetcher(guard), font_config=self._fonts)
            if guard.problems:
                raise BuildError(guard.problems)
            paper = CSS(string=f"@page {{ size: {self.paper_size}; }}", font_config=self._fonts)
            self._css, self._css_reads = [css, paper], dict(guard.reads)
        return self._css


_IMPORT = threading.Lock()
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
"""The Debian and Ubuntu packages WeasyPrint needs (Pango brings GLib, HarfBuzz and Fontconfig along)."""


def weasyprint() -> Any:
    """The weasyprint module, imported on first use; a system library it cannot load (Pango is not
    installed) is a BuildError of one line with the packages to install, not a traceback.

    WeasyPrint prints a banner of its own before it fails; it is kept off the terminal."""
    with _IMPORT:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                import weasyprint as module
        except OSError as error:
            raise BuildError(missing_library(error)) from None
    return module


def missing_library(error: OSError) -> Problem:
    """The problem a system library that could not be loaded (cffi's OSError) is for a user."""
    found = re.search(r"cannot load library '([^']+)'", str(error))
    library = found.group(1) if found else "Pango"
    return Problem("", f"WeasyPrint, which lays out every PDF, cannot load the system library {library}: Pango"
                   " and the libraries it uses are not installed",
                   f"install them (Debian, Ubuntu: sudo apt install {SYSTEM_PACKAGES}; macOS: brew install pango),"
                   " then build again; see the README's Quick start")


def _fetcher(guard: FileGuard) -> Any:
    """A WeasyPrint URL fetcher that reads through the guard (the documented subclassing API)."""
    weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class GuardedFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            data, media_type = guard.read(url)
            return URLFetcherResponse(url, data, {"Content-Type": media_type})

    return GuardedFetcher(allowed_protocols=("file",), allow_redirects=False)


def _prepare(root: Element, base_url: str) -> None:
    """Make the parsed document safe and location-independent before layout.

    Relative addresses inside a `data-base` container (a content file) start from that
    container's folder; links other than web, mail and phone lose their href, so no
    `javascript:` or local `file:` link ends up in a PDF; and no file is attached to a PDF
    (`rel=attachment`), so nothing from the program folder travels inside one unseen.
    """
    for container in root.iter():
        base = container.get("data-base")
        if base is None:
            continue
        folder = urljoin(base_url, base)
        for element in container.iter():
            for attribute in ("src", "data"):
                value = element.get(attribute)
                if value:
                    element.set(attribute, urljoin(folder, value.strip()))
            if element.tag == "link" and element.get("href"):
                element.set("href", urljoin(folder, str(element.get("href")).strip()))
    for element in list(root.iter()):
        if "attachment" in (element.get("rel") or "").lower().split():
            element.attrib.pop("href", None)
        href = element.get("href")
        if element.tag in ("a", "area") and href is not None:
            target = href.strip()
            if not target.startswith("#") and urlsplit(target).scheme.lower() not in LINK_SCHEMES:
                del element.attrib["href"]
        for attribute in [a for a in element.attrib if a.lower().startswith("on")]:
            del element.attrib[attribute]


@contextmanager
def _weasyprint_log() -> Iterator[list[logging.LogRecord]]:
    """Collect WeasyPrint's errors while it renders, instead of letting them reach the terminal."""
    records: list[logging.LogRecord] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("weasyprint")
    handler = _Collect(logging.ERROR)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _log_problem(document: str, message: str, level: int) -> Problem:
    """A WeasyPrint log line as a Problem: failed loads are errors, accessibility gaps warnings."""
    alt = re.match(r'Image "(.*)" has no required alt description', message)
    if alt:
        return Problem(document, f"image '{alt.group(1)}' has no alt text, so screen readers cannot describe it",
                       "describe the image in its alt text: ![what the picture shows](picture.png)", warning=True)
    anchor = re.match(r"No anchor #(\S*) for internal URI reference", message)
    if anchor:
        return Problem(document, f"the link to '#{anchor.group(1)}' leads nowhere: nothing in the document has the id"
                       f" '{anchor.group(1)}'", "correct the link's target or remove the link", warning=True)
    failed = re.match(r"Failed to load (\w+)(?: at '?(\S*?)'?)?\s*:\s+(.*)", message)
    if failed and level >= logging.ERROR:
        kind, url, reason = failed.groups()
        where = f" '{url}'" if url else ""
        return Problem(document, f"cannot use the {kind}{where}: {reason}",
                       "check that the file is a PNG, JPEG, GIF, WebP or SVG image (a CSS file for a stylesheet)")
    return Problem(document, message, "check the template and content this document is made from", warning=True)


__all__ = [
    "PDF_VARIANT",
    "PRINT_CSS",
    "FileGuard",
    "PaperSize",
    "PdfRenderer",
    "RenderedPdf",
    "allowed_roots",
    "markdown_html",
    "paragraphs",
]
