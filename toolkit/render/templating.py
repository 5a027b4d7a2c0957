"""The one Jinja2 environment factory: strict, escaping, and overridable by the program folder.

Templates are looked up first in the program folder's own `templates/`, then in the packaged
defaults, so a program replaces any template by putting a file at the same path (the way
mkdocs-material's `custom_dir` works). A replacement can still extend the packaged original
through the `default/` prefix: `{% extends "default/handbook/role.md.j2" %}`.

User text is always data handed to a template, never template source, and every `{{ ... }}`
is escaped for the output it lands in: HTML-escaped in HTML templates (autoescape), and
escaped as Markdown text in Markdown templates, so a goal titled `<script>` or
`[x](javascript:alert(1))` reads as the characters typed and never becomes markup or a link.
"""

from __future__ import annotations

import contextlib
import os
import re
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)

from ..errors import BuildError, Problem
from ..files.paths import display_path, templates_dir
from .i18n import translator

Output = Literal["markdown", "html", "text"]


class Markdown(str):
    """Text that is already Markdown: written out as it is, never escaped again."""

    __slots__ = ()


# Characters that start Markdown (and HTML) constructs anywhere in a line.
_INLINE = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "{": "\\{",
    "}": "\\}",
    "[": "\\[",
    "]": "\\]",
    "(": "\\(",
    ")": "\\)",
    "#": "\\#",
    "!": "\\!",
    "|": "&#124;",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
}
_INLINE_RE = re.compile("|".join(re.escape(char) for char in _INLINE))
# Characters that start a block (list, rule, heading underline, definition) only at line start;
# written as character references, which every Markdown context shows as the character.
_LINE_START_RE = re.compile(r"^(\s*)(?:([-+=:~.)])|(\d+)([.)]))")


def escape_markdown(text: object) -> Markdown:
    """One line of plain text as Markdown that renders exactly the characters typed."""
    if isinstance(text, Markdown):
        return text
    line = re.sub(r"\s+", " ", str(text))
    line = _INLINE_RE.sub(lambda match: _INLINE[match.group(0)], line)
    line = _LINE_START_RE.sub(_reference_line_start, line)
    return Markdown(line)


def _reference_line_start(match: re.Match[str]) -> str:
    if match.group(2):
        return f"{match.group(1)}&#{ord(match.group(2))};"
    return f"{match.group(1)}{match.group(3)}&#{ord(match.group(4))};"


def escape_paragraphs(text: object) -> Markdown:
    """Plain text with blank-line paragraph breaks as escaped Markdown paragraphs."""
    if isinstance(text, Markdown):
        return text
    paragraphs = re.split(r"\n\s*\n", str(text).strip())
    return Markdown("\n\n".join(escape_markdown(p.strip()) for p in paragraphs if p.strip()))


def sentence(text: object) -> Markdown:
    """Plain text as escaped Markdown ending with one full stop (none added after . ! or ?)."""
    line = str(text).strip()
    return Markdown(escape_markdown(line) + ("" if line.endswith((".", "!", "?", "…")) else "."))


def _finalize_markdown(value: Any) -> str:
    """Every `{{ expression }}` in a Markdown template: plain text is escaped, Markdown is kept."""
    return value if isinstance(value, Markdown) else escape_markdown(value)


def _raw(value: Any) -> Markdown:
    """Mark template-made text (a macro call, a `{% set %}` block) as Markdown already."""
    return Markdown(value)


def _indent_markdown(value: Any, width: int = 4) -> Markdown:
    """Indent every line but the first, to nest a block inside a list item."""
    text = str(value)
    pad = " " * width
    return Markdown("\n".join(line if i == 0 or not line else pad + line for i, line in enumerate(text.split("\n"))))


class TemplateCache(BytecodeCache):
    """Compiled templates kept in a folder (the render cache beside the output), so the next
    build skips compiling them.

    Jinja checks the checksum of the template's current source (and the Python version) before
    using a bucket, so an edited template is compiled afresh. Passed to `environment` by whoever
    owns the folder; an environment without one compiles as Jinja always does.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def load_bytecode(self, bucket: Any) -> None:
        try:
            data = (self.directory / f"{bucket.key}.jinja").read_bytes()
        except OSError:
            return
        bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Any) -> None:
        target = self.directory / f"{bucket.key}.jinja"
        partial = target.with_suffix(f".{os.getpid()}.part")
        try:  # a cache: a file that cannot be written only costs a compile next time
            self.directory.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(bucket.bytecode_to_string())
            os.replace(partial, target)
        except BaseException as error:  # a stop signal too: no half-written file is left in the cache
            with contextlib.suppress(OSError):
                partial.unlink()
            if not isinstance(error, OSError):
                raise


def search_path(folder: Path | None) -> list[Path]:
    """Where templates are looked up, first match wins: the program's own, then the packaged."""
    paths = []
    if folder is not None and (folder / "templates").is_dir():
        paths.append((folder / "templates").resolve())
    packaged = templates_dir().resolve()
    if packaged not in paths:
        paths.append(packaged)
    return paths


def find_file(folder: Path | None, name: str) -> Path:
    """A static file shipped beside the templates (CSS, a script), overridable the same way."""
    for base in search_path(folder):
        candidate = base / name
        if candidate.is_file():
            return candidate
    raise BuildError(Problem(name, "packaged file not found", "reinstall the toolkit (the wheel may be incomplete)"))


def environment(folder: Path | None, output: Output = "markdown", templates: Path | None = None) -> Environment:
    """A Jinja2 environment for one kind of output, reading the program folder's templates first.

    `markdown`: every `{{ }}` is escaped as Markdown text unless it is `Markdown` (filters `md`
    for paragraphs, `raw` for template-made Markdown). `html`: autoescape. `text`: no escaping.
    With `templates`, compiled templates are kept in `templates/<output>/` between runs (each
    kind of output compiles differently).
    """
    loaders = [FileSystemLoader(str(path)) for path in search_path(folder)]
    loader = ChoiceLoader([*loaders, PrefixLoader({"default": FileSystemLoader(str(templates_dir()))})])
    options: dict[str, Any] = {
        "loader": loader,
        "undefined": StrictUndefined,
        "autoescape": output == "html",
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "bytecode_cache": TemplateCache(templates / output) if templates is not None else None,
        "extensions": ["jinja2.ext.i18n"],
    }
    if output == "markdown":
        options["finalize"] = _finalize_markdown
    env = Environment(**options)  # noqa: S701 - Markdown output is escaped by finalize; HTML autoescapes
    env.filters["md"] = escape_paragraphs
    env.filters["md_inline"] = escape_markdown
    env.filters["sentence"] = sentence
    env.filters["raw"] = _raw
    env.filters["indent_md"] = _indent_markdown
    env.tests["contains"] = lambda container, item: item in container
    install_language(env, "en")  # new-style gettext from the start: templates compile the same way every time
    return env


def install_language(env: Environment, language: str) -> None:
    """Give the environment's `_`, `gettext` and `ngettext` the catalogue of `language` (see i18n.py)."""
    env.install_gettext_translations(translator(language).translations, newstyle=True)  # type: ignore[attr-defined]


def render(env: Environment, name: str, context: dict[str, Any], folder: Path | None = None,
           language: str | None = None) -> str:
    """Render one template, in `language` when given (the environment's last language otherwise);
    any template problem becomes a BuildError naming the file and line."""
    if language is not None:
        install_language(env, language)
    try:
        template = env.get_template(name)
        return template.render(context)
    except TemplateError as error:
        raise BuildError(_template_problem(env, name, error, folder)) from None
    except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError) as error:
        # A template that calls a helper or filter with the wrong value: located, never a traceback.
        file, line = _frame(env, error)
        shown = display_path(Path(file)) if file else name
        raise BuildError(Problem(shown, f"template error: {type(error).__name__}: {error}",
                                 "check the values given to the helpers and filters on this line", line)) from None


def _template_files(env: Environment) -> Iterator[tuple[str, Path]]:
    for loader in getattr(env.loader, "loaders", []):
        for base in getattr(loader, "searchpath", []):
            yield base, Path(base)


def _template_problem(env: Environment, name: str, error: TemplateError, folder: Path | None) -> Problem:
    """Where in which template the error happened, as a located Problem."""
    file, line = _locate(env, name, error)
    shown = display_path(Path(file)) if file else name
    if isinstance(error, TemplateNotFound):
        missing = str(error.name or name)
        where = shown if file else missing
        parts = [part for part in re.split(r"[/\\]", missing) if part not in ("", ".")]  # as Jinja splits it
        if ".." in parts:
            return Problem(where, f"template '{missing}' points outside the template folders: a template is named by"
                           " its path inside templates/", "name a template inside templates/, e.g."
                           " 'handbook/faq.md.j2' (or 'default/handbook/faq.md.j2' for the packaged one)", line)
        if parts[:1] == ["default"]:
            return Problem(where, f"template '{missing}' is not among the packaged templates",
                           "correct the name: after default/ comes the path of a packaged template, e.g."
                           " 'default/handbook/faq.md.j2'", line)
        own = f"create {display_path(folder / 'templates' / '/'.join(parts))}, or correct" if folder else "correct"
        return Problem(where, f"template '{missing}' is neither in the program's templates/ nor among the packaged"
                       " ones", f"{own} the name", line)
    if isinstance(error, UndefinedError):
        return Problem(shown, f"undefined value in template: {error.message}", "check the spelling of the variable"
                       " or attribute against the values this template receives (see the packaged template of the"
                       " same name), or guard it with `{% if ... is defined %}`", line)
    if isinstance(error, TemplateSyntaxError):
        return Problem(shown, f"template syntax error: {error.message}",
                       "fix the Jinja2 syntax on this line ({{ value }}, {% tag %} ... {% endtag %})", line)
    return Problem(shown, f"template error: {error}", "fix the template", line)


def _frame(env: Environment, error: BaseException) -> tuple[str, int | None]:
    """The innermost template file and line in an exception's traceback ("" if none)."""
    roots = [str(path) for path in search_path(None)] + [base for base, _ in _template_files(env)]
    found: tuple[str, int | None] = ("", None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith(".j2") or any(frame.filename.startswith(root) for root in roots):
            found = (frame.filename, frame.lineno)
    return found


def _locate(env: Environment, name: str, error: TemplateError) -> tuple[str, int | None]:
    """The template file and line of an error: from the syntax error, or the innermost template frame."""
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return error.filename, error.lineno
    found = _frame(env, error)
    if not found[0]:
        try:
            source = env.get_template(name).filename
        except TemplateError:
            source = None
        found = (source or "", None)
    return found


__all__ = [
    "Markdown",
    "Template",
    "environment",
    "escape_markdown",
    "escape_paragraphs",
    "find_file",
    "install_language",
    "render",
    "search_path",
    "sentence",
]
