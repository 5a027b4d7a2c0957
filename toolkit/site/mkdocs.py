"""The site engine adapter: a docs tree and an effective mkdocs.yml in, a built site out.

This is the one module that knows MkDocs. It assembles a complete docs tree in a temporary
folder (the program's content/ plus the generated pages, a content page replacing the
generated page at its path), writes the effective MkDocs config with a YAML dumper, and runs
MkDocs in-process. Zensical, which reads the same mkdocs.yml, is the other implementation of
`build_site` (zensical.py), over the same docs tree and effective config.

The site must work offline and from a zip and make no request to any other host, so the
effective config always turns off web fonts, adds the search and offline plugins, and serves
the offline plugin's web-worker shim from the site itself instead of a CDN.
"""

from __future__ import annotations

import errno
import html
import logging
import os
import re
import shutil
import tempfile
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

import yaml
from jinja2 import TemplateError, TemplateSyntaxError

from ..errors import BuildError, Problem, ProgramError
from ..files.output import is_os_file
from ..files.paths import data_dir, display_path
from ..program.loader import check_expansion, check_shape, read_text
from ..program.validate import LoadedProgram, kept_back
from ..render.cache import make_cache_folder
from ..render.scratch import work_folder
from ..render.templating import find_file
from .hooks import unpublished
from .pages import Handbook, included_files
from .prune import ThemeFiles
from .reuse import copy_site, previous_site, record_site, site_key
from .theme_cache import HOOKS, ThemeTemplates

CONFIG_FILE = "mkdocs.yml"
ASSETS = "assets/revmentor"
PRINT_CSS = f"{ASSETS}/print.css"
SCREEN_CSS = f"{ASSETS}/handbook.css"
WORKER_SHIM = f"{ASSETS}/iframe-worker-shim.js"
STATIC = {
    PRINT_CSS: "site/print.css",
    SCREEN_CSS: "site/handbook.css",
    WORKER_SHIM: "site/iframe-worker-shim.js",
}
"""Files every site carries: docs-tree path -> template path (overridable like any template)."""

REQUIRED_EXTENSIONS: dict[str, dict[str, Any]] = {
    "tables": {},
    "attr_list": {},
    "admonition": {},
    "toc": {"permalink": True},
    "pymdownx.tasklist": {"custom_checkbox": True},
}
"""Markdown extensions the generated pages rely on; added when mkdocs.yml leaves them out."""

_ALLOWED_TAGS = ("!ENV", "!relative", "tag:yaml.org,2002:python/name:")


@dataclass
class SiteResult:
    """What a site build produced."""

    pages: int
    """Number of HTML pages built from Markdown."""
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class DocsTree:
    """A docs tree ready for MkDocs: where it is, its nav, and where each page came from."""

    docs: Path
    nav: list[Any]
    pages: list[str]
    sources: dict[str, list[tuple[str, Path]]]
    """Docs page -> (shown name, file) it may come from, to locate a broken link in them."""
    warnings: list[Problem] = field(default_factory=list)
    snippet_bases: list[tuple[Path, dict[str, str]]] = field(default_factory=list)
    """The folders pymdownx.snippets includes from, as written (each given to it as a published
    copy), with what each left out (shown path -> why), to say why a snippet is missing."""


# --- the docs tree ------------------------------------------------------------------------


def assemble_docs(
    loaded: LoadedProgram,
    book: Handbook,
    docs: Path,
    extra_files: Mapping[str, bytes] | None = None,
    reach: Reach | None = None,
) -> DocsTree:
    """Copy content/ and write the generated pages into `docs`; content/ wins at a shared path.
    Only what is meant to be published is copied (`published_files`, by `reach`'s rule)."""
    folder = loaded.folder
    content = folder / "content"
    skip = {(folder / name).resolve() for name in included_files(loaded.program)}
    copied: dict[str, Path] = {}
    files, warnings = published_files(reach or Reach.of(loaded), content, skip={content / "_includes"} | skip)
    for source, real in files:
        rel = source.relative_to(content).as_posix()
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(real, target)
        copied[rel] = source
    sources: dict[str, list[tuple[str, Path]]] = {}
    for rel, source in copied.items():
        if rel.endswith(".md"):
            sources[rel] = [(display_path(source), source)]
    for page in book.pages:
        if page.path in copied:
            continue
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.text, encoding="utf-8")
        sources[page.path] = [_source(folder, name) for name in reversed(page.sources)]
    for rel, template in STATIC.items():
        if rel not in copied:
            target = docs / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(find_file(folder, template), target)
    for rel, data in (extra_files or {}).items():
        if rel not in copied:
            target = docs / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    pages = sorted(rel for rel in sources)
    return DocsTree(docs, make_nav(book, pages), pages, sources, warnings)


def published_files(reach: Reach, base: Path, skip: set[Path] | frozenset[Path] = frozenset(),
                    theme: bool = False) -> tuple[list[tuple[Path, Path]], list[Problem]]:
    """The files under `base` (content/, or a theme folder with `theme`) the site may publish, each
    with its real path, and warnings for what it leaves out: data files, backups and hidden files
    (`unpublished`, by the link's name or its target's), links to outside the program folder or
    to what it keeps back (`Reach`: program.yaml, private/, outputs, the cache), anything not a
    plain file. A broken link or a link loop is an error, named at the link: it is a mistake, not
    a choice; so is any link of a theme folder that leads out of the program or to what it keeps
    back, since its files are also read as templates."""
    folder = reach.folder
    files: list[tuple[Path, Path]] = []
    warnings: list[Problem] = []
    errors: list[Problem] = []
    where = "the theme folder" if theme else "content/"

    def leave_out(path: Path, why: str, fix: str) -> None:
        warnings.append(Problem(display_path(path), f"left out of the site: {why}", fix, warning=True))

    if not base.is_dir():
        return files, warnings
    kept_base = reach.kept(base.resolve()) if base.is_symlink() else None
    if kept_base:
        raise BuildError(Problem(display_path(base), f"is a link to {kept_base}",
                                 f"make {where} a folder of its own, holding only what you mean to publish"))
    for root, dirs, names in os.walk(base, followlinks=False):
        here = Path(root)
        for name in sorted(dirs):
            path = here / name
            if path in skip:
                dirs.remove(name)
            elif path.is_symlink():
                dirs.remove(name)
                names.append(name)  # reported below, as a link to a file would be
            elif name.startswith("."):
                dirs.remove(name)
                leave_out(path, "a hidden folder is never published", f"move it out of {where}")
        dirs.sort()
        for name in sorted(names):
            path = here / name
            if path in skip or is_os_file(name):
                continue
            if path.is_symlink():
                problem = _link_problem(path)
                if problem:
                    errors.append(problem)
                    continue
            real = path.resolve()
            if real in skip:
                continue
            why = None if theme and name == "mkdocs_theme.yml" else unpublished(name)
            link = path.is_symlink()
            kept = reach.kept(real) if link else None
            target = unpublished(real.name) if link and not real.is_dir() and real.is_relative_to(folder) else None
            if why:
                leave_out(path, f"{why} is never published",
                          f"move it out of {where} (into private/ if it holds people's data); pages, images and"
                          " documents are published")
            elif (kept or target) and theme:
                what = kept or f"{display_name(folder, real)}, {target}, which is never published"
                errors.append(Problem(display_path(path), f"is a link to {what}; a theme folder's files are published"
                                      " or read as templates", "remove the link: a theme folder holds only the"
                                      " templates, styles and images of the theme"))
            elif kept:
                leave_out(path, f"it is a link to {kept}",
                          f"remove the link; copy into {where} only what you mean to publish")
            elif target:
                leave_out(path, f"it is a link to {display_name(folder, real)}, {target}, which is never published",
                          "remove the link; keep the file out of the site (in private/ if it holds people's data)")
            elif not real.is_relative_to(folder) and theme:
                errors.append(Problem(display_path(path), f"is a link to {real}, outside the program folder; a theme"
                                      " folder's files are published or read as templates",
                                      "copy the file into the theme folder instead"))
            elif not real.is_relative_to(folder):
                leave_out(path, f"it is a link to {real}, outside the program folder",
                          f"copy what you mean to publish into {where} instead")
            elif real.is_dir():
                leave_out(path, "it is a link to a folder, and links to folders are not followed",
                          f"put the folder itself in {where}")
            elif not real.is_file():
                leave_out(path, "it is not a regular file (a pipe, socket or device)", "remove it")
            else:
                files.append((path, real))
    if errors:
        raise BuildError(errors)
    return files, warnings


def _link_problem(path: Path) -> Problem | None:
    """A link that leads nowhere (its target is missing) or round in a loop, as an error at the link."""
    try:
        path.resolve(strict=True)
    except (RuntimeError, OSError) as error:
        if isinstance(error, RuntimeError) or error.errno == errno.ELOOP:
            return Problem(display_path(path), "is a link that leads back to itself (a loop of links)",
                           "remove the link, or point it at a file")
        if isinstance(error, FileNotFoundError):
            return Problem(display_path(path), f"is a link to '{os.readlink(path)}', which does not exist",
                           "remove the link, or point it at an existing file")
        return Problem(display_path(path), f"is a link that cannot be followed: {error.strerror}",
                       "remove the link, or point it at an existing file")
    return None


def _source(folder: Path, name: str) -> tuple[str, Path]:
    """A page's source as a user would look for it: an included file, or the template that made it."""
    path = folder / name
    if name.endswith(".j2"):
        for base in (folder / "templates", data_dir() / "templates"):
            if (base / name).is_file():
                path = base / name
                break
    return display_path(path), path


def make_nav(book: Handbook, pages: Sequence[str]) -> list[Any]:
    """The nav: generated pages in reading order, sections for roles/ and training/, then the
    hand-written pages (in their section when they sit in its folder) before Downloads.
    Titles written here are HTML to MkDocs, so they are escaped."""
    generated = [page.path for page in book.pages]
    nav: list[Any] = []
    sections: dict[str, list[Any]] = {}
    for path in generated:
        top = path.split("/")[0] if "/" in path else ""
        if top in book.sections:
            if top not in sections:
                sections[top] = []
                nav.append({html.escape(book.sections[top]): sections[top]})
            sections[top].append(path)
        else:
            nav.append({"Home": path} if path == "index.md" else path)
    tail = [nav.pop()] if nav and nav[-1] == "downloads.md" else []
    for path in sorted(p for p in pages if p not in generated):
        parts = path.split("/")
        if len(parts) == 1:
            nav.append(path)
            continue
        if parts[0] not in sections:
            sections[parts[0]] = []
            title = parts[0].replace("-", " ").replace("_", " ").capitalize()
            nav.append({html.escape(title): sections[parts[0]]})
        sections[parts[0]].append(path)
    return nav + tail


# --- the effective config -----------------------------------------------------------------


class _Tagged:
    """A YAML value under a tag MkDocs resolves itself (`!ENV`, `!!python/name:`): kept as written."""

    def __init__(self, tag: str, value: Any, kind: str) -> None:
        self.tag, self.value, self.kind = tag, value, kind


class _ConfigLoader(yaml.SafeLoader):
    """Safe loading that keeps MkDocs' own tags for MkDocs to resolve, and refuses any other."""


def _construct_tagged(loader: _ConfigLoader, suffix: str, node: yaml.Node) -> _Tagged:
    tag = node.tag
    if not tag.startswith(_ALLOWED_TAGS):
        raise yaml.constructor.ConstructorError(
            None, None, f"the tag {tag.replace('tag:yaml.org,2002:', '!!')} is not allowed", node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        return _Tagged(tag, loader.construct_scalar(node), "scalar")
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(tag, loader.construct_sequence(node, deep=True), "sequence")
    assert isinstance(node, yaml.MappingNode)
    return _Tagged(tag, loader.construct_mapping(node, deep=True), "mapping")


_ConfigLoader.add_multi_constructor("", _construct_tagged)


class _ConfigDumper(yaml.SafeDumper):
    """Safe dumping, writing kept tags back as they were."""


def _represent_tagged(dumper: _ConfigDumper, data: _Tagged) -> yaml.Node:
    if data.kind == "scalar":
        return dumper.represent_scalar(data.tag, data.value)
    if data.kind == "sequence":
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_mapping(data.tag, data.value)


_ConfigDumper.add_representer(_Tagged, _represent_tagged)


def config_file(folder: Path) -> Path:
    """The program folder's mkdocs.yml, or the packaged default when it has none."""
    own = folder / CONFIG_FILE
    return own if own.is_file() else data_dir() / CONFIG_FILE


@dataclass(frozen=True)
class Reach:
    """Where a path named in mkdocs.yml may lead: inside the program folder, and never to its data
    (program.yaml, private/) or its outputs. custom_dir is published, a snippet's base path is
    included in pages, INHERIT is read and hooks are run: none of them may fetch those."""

    folder: Path
    guarded: tuple[tuple[Path, str], ...]

    @classmethod
    def of(cls, loaded: LoadedProgram, output: Path | None = None) -> Reach:
        """The rule for a loaded program (and the output folder of this build, if known)."""
        folder = loaded.folder.resolve()
        guarded = [(loaded.file.resolve(), display_name(folder, loaded.file.resolve())), *kept_back(folder)]
        if output is not None and output.resolve() != folder:
            guarded.append((output.resolve(), f"the output folder {display_name(folder, output.resolve())}/"))
        return cls(folder, tuple(dict.fromkeys(guarded)))

    def refusal(self, path: Path) -> str | None:
        """Why `path` may not be used, or None."""
        real = path.resolve()
        if not real.is_relative_to(self.folder):
            return "is outside the program folder"
        for place, name in self.guarded:
            if real == place or real.is_relative_to(place):
                return f"is {name}" if real == place else f"is inside {name}"
            if place.is_relative_to(real):
                return f"holds {name}"
        return None

    def kept(self, real: Path) -> str | None:
        """What a link's target (a real path) is, when it is or holds what nothing published may
        come from: "private/match/pairs.csv, inside private/, which is never published"."""
        for place, name in self.guarded:
            shown = "the program folder" if real == self.folder else display_name(self.folder, real)
            if real == place:
                return f"{name}, which is never published"
            if real.is_relative_to(place):
                return f"{shown}, inside {name}, which is never published"
            if place.is_relative_to(real):
                return f"{shown}, which holds {name}, never published"
        return None


def display_name(folder: Path, path: Path) -> str:
    """A path inside the program folder as a user names it there."""
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)


def read_config(path: Path, reach: Reach | None = None, depth: int = 0,
                files: list[Path] | None = None) -> dict[str, Any]:
    """A mkdocs.yml as data, its INHERIT chain merged in, every problem located. It is read as
    program.yaml is, bounded in size, nesting and alias expansion; with `reach`, INHERIT may name
    only a file the rule allows. `files` collects every file read, the top one first."""
    shown = display_path(path)
    if files is not None:
        files.append(path)
    try:
        text = read_text(path, shown, "a mkdocs.yml is a few kilobytes of settings: pages go in content/")
        check_shape(text, shown, _ConfigLoader, "a mkdocs.yml needs a few levels at most: flatten this setting")
        loader = _ConfigLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                check_expansion(node, shown)
            data = loader.construct_document(node) if node is not None else None
        finally:
            cast(Any, loader).dispose()  # typed in some types-PyYAML releases, untyped in others
    except ProgramError as error:
        raise BuildError(error.problems) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        message = str(error.problem or error.context or error)
        fix = ("use only !ENV, !relative and !!python/name: tags, which MkDocs resolves"
               if "not allowed" in message else "check the indentation and quoting on this line")
        raise BuildError(Problem(shown, f"YAML error: {message}", fix, line, column)) from None
    except yaml.YAMLError as error:
        raise BuildError(Problem(shown, f"YAML error: {error}", "check the file's syntax")) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BuildError(Problem(shown, "expected a mapping of settings (site_name:, theme:, ...)",
                                 "write `key: value` lines at the left margin"))
    parent = data.pop("INHERIT", None)
    if parent is not None:
        line, column = _locate(path, ("INHERIT",))
        if depth > 10 or not isinstance(parent, str):
            raise BuildError(Problem(shown, "INHERIT must name one other mkdocs.yml, without a loop",
                                     "give the relative path of the parent config", line, column))
        parent_path = (path.parent / parent).resolve()
        refusal = reach.refusal(parent_path) if reach else None
        if refusal:
            raise BuildError(Problem(shown, f"'{parent}' {refusal}; only a mkdocs.yml of the program may be"
                                     " inherited", "copy the settings you need into this mkdocs.yml",
                                     line, column, "INHERIT"))
        if not parent_path.is_file():
            raise BuildError(Problem(shown, f"INHERIT names '{parent}', which does not exist",
                                     f"correct the path (relative to {display_path(path.parent)})", line, column))
        data = _merge(read_config(parent_path, reach, depth + 1, files), data)
    return dict(data)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """MkDocs' INHERIT merge: mappings merged key by key, anything else replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _named(entries: Any) -> list[Any]:
    """plugins / markdown_extensions as a list of names or {name: options}."""
    if isinstance(entries, dict):
        return [{name: options} if options else name for name, options in entries.items()]
    return list(entries) if isinstance(entries, list) else []


def _names(entries: list[Any]) -> set[str]:
    return {entry if isinstance(entry, str) else next(iter(entry), "") for entry in entries
            if isinstance(entry, (str, dict))}


def effective_config(
    loaded: LoadedProgram, tree: DocsTree, site_dir: Path, *, strict: bool, output: Path | None = None
) -> tuple[dict[str, Any], Path, list[Problem]]:
    """The MkDocs config actually used, the mkdocs.yml it came from, and warnings about it.

    Paths in it (hooks, theme.custom_dir, snippets' base_path, INHERIT) may reach only where
    `Reach` allows; a feature that makes the reader's browser call another host is a warning.
    """
    source = config_file(loaded.folder)
    reach = Reach.of(loaded, output)
    files: list[Path] = []
    config = read_config(source, reach, files=files)
    shown = display_path(source)
    warnings: list[Problem] = []
    errors: list[Problem] = []
    info = loaded.program.program
    for key, own, why in (("docs_dir", "content", "hand-written pages are read from content/"),
                          ("site_dir", "site", "the output folder is chosen with -o (default: site/)")):
        if key in config and str(config[key]).rstrip("/") != own:
            warnings.append(Problem(shown, f"{key} is ignored: {why}", f"remove {key} from mkdocs.yml",
                                    _key_line(source, rf"{key}\s*:"), warning=True))
    config["site_name"] = info.name
    config["docs_dir"] = str(tree.docs)
    config["site_dir"] = str(site_dir)
    config["use_directory_urls"] = False
    config["strict"] = strict
    config.setdefault("nav", tree.nav)
    hooks = config["hooks"] if isinstance(config.get("hooks"), list) else []
    for index, hook in enumerate(hooks):
        refusal = reach.refusal(source.parent / hook) if isinstance(hook, str) else "is not a path"
        if refusal:
            errors.append(_at(files, f"hooks[{index}]", (str(hook), "hooks"),
                              f"'{hook}' {refusal}; a hook is Python that runs on every build and serve",
                              "keep the hook in the program folder, beside mkdocs.yml, or remove it from hooks"))
    config["hooks"] = [str((source.parent / hook).resolve()) for hook in hooks if isinstance(hook, str)] + [HOOKS]

    theme = config.get("theme") or {"name": "material"}
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    if theme.get("font") not in (None, False):
        warnings.append(Problem(shown, "theme.font is ignored: web fonts would be loaded from Google's servers,"
                                " and the handbook makes no request outside the site",
                                "remove theme.font (the site uses the reader's system fonts)",
                                _key_line(source, r"\s+font\s*:"), warning=True))
    theme["font"] = False
    if "custom_dir" in theme:
        custom = theme["custom_dir"]
        refusal = reach.refusal(source.parent / custom) if isinstance(custom, str) else "is not a path"
        if refusal:
            errors.append(_at(files, "theme.custom_dir", ("custom_dir",),
                              f"'{custom}' {refusal}; a theme folder's files are copied into the site",
                              "keep the theme's overrides in a folder of their own, such as overrides/"))
        else:
            theme["custom_dir"] = str((source.parent / custom).resolve())
            warnings += published_files(reach, Path(theme["custom_dir"]), theme=True)[1]
    if "language" not in theme and theme.get("name") == "material":
        theme["language"] = _material_language(info.language)
    config["theme"] = theme

    plugins = _named(config.get("plugins", ["search"]))
    for required in ("search", "offline"):
        if required not in _names(plugins):
            plugins.append(required)
    config["plugins"] = plugins

    extensions = _named(config.get("markdown_extensions", []))
    errors += _snippets(extensions, source, reach, files, tree)
    present = _names(extensions)
    extensions += [{name: dict(options)} if options else name
                   for name, options in REQUIRED_EXTENSIONS.items() if name not in present]
    config["markdown_extensions"] = extensions

    extra_css = list(config.get("extra_css") or [])
    extra_css += [css for css in (SCREEN_CSS, PRINT_CSS) if css not in extra_css]
    config["extra_css"] = extra_css
    extra = dict(config.get("extra") or {})
    polyfills = [p for p in extra.get("polyfills") or [] if "iframe-worker" not in str(p)]
    extra["polyfills"] = [*polyfills, WORKER_SHIM]
    config["extra"] = extra

    validation = dict(config.get("validation") or {})
    links = dict(validation.get("links") or {})
    links.setdefault("not_found", "warn")
    links.setdefault("anchors", "warn")
    links.setdefault("unrecognized_links", "warn")
    validation["links"] = links
    config["validation"] = validation
    if errors:
        raise BuildError(errors)
    return config, source, warnings + _outside_settings(config, files)


def _at(files: Sequence[Path], key: str, needles: Sequence[str], message: str, fix: str,
        warning: bool = False) -> Problem:
    """A problem at a setting of mkdocs.yml: in the file of the INHERIT chain that writes it."""
    for path in files:
        line, column = _locate(path, needles)
        if line is not None:
            return Problem(display_path(path), message, fix, line, column, key, warning)
    return Problem(display_path(files[0]), message, fix, path=key, warning=warning)


def _locate(path: Path, needles: Sequence[str]) -> tuple[int | None, int | None]:
    """The line and column where a mkdocs.yml writes a setting (the first of `needles` found)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None, None
    for needle in needles:
        for number, line in enumerate(lines, start=1):
            found = re.search(rf"(?<![\w.-]){re.escape(needle)}(?![\w.-])", line.split(" #")[0])
            if found:
                return number, found.start() + 1
    return None, None


SNIPPETS = "pymdownx.snippets"


def _snippets(extensions: list[Any], source: Path, reach: Reach, files: Sequence[Path], tree: DocsTree) -> list[Problem]:
    """pymdownx.snippets includes files into pages: from content/ unless base_path says otherwise,
    never from outside the program folder, its data or outputs, and never from another host.

    A snippet is published in its page, so it may come only from what the site publishes: each
    base path is given to pymdownx as a copy of what it holds that the site would publish
    (`published_files`), the page's own folder and the docs tree being published already; and
    `check_paths` is on, so a snippet naming anything else is an error at its line
    (`_missing_snippet`), never an empty include."""
    problems = []
    key = f"markdown_extensions.{SNIPPETS}"
    for index, entry in enumerate(extensions):
        if entry != SNIPPETS and not (isinstance(entry, dict) and SNIPPETS in entry):
            continue
        options = dict(entry.get(SNIPPETS) or {}) if isinstance(entry, dict) else {}
        bases = options.get("base_path", [str(reach.folder / "content")])
        written: list[Any] = []
        for base in bases if isinstance(bases, list) else [bases]:
            if isinstance(base, _Tagged) and base.tag == "!relative" and base.value in ("", "$docs_dir"):
                written.append(base)  # the page's own folder, or the docs tree: published files only
                tree.snippet_bases.append((reach.folder / "content", _left_out(tree.warnings)))
                continue
            path = source.parent if isinstance(base, _Tagged) and base.value == "$config_dir" else None
            if path is None and not isinstance(base, str):
                refusal: str | None = "is not a path"
            else:
                path = path or (source.parent / base)
                refusal = reach.refusal(path)
            if refusal:
                shown = base.value if isinstance(base, _Tagged) else base
                problems.append(_at(files, f"{key}.base_path", ("base_path",),
                                    f"'{shown}' {refusal}; a snippet is published in the page that includes it",
                                    "name a folder that holds only what pages may include, such as content/"
                                    " (the default when base_path is left out)"))
            elif path is not None:
                copy = tree.docs.parent / "snippets" / str(len(tree.snippet_bases))
                written.append(str(_published_copy(reach, path.resolve(), copy, tree)))
        if options.get("restrict_base_path") is False:
            problems.append(_at(files, f"{key}.restrict_base_path", ("restrict_base_path",),
                                "false would let a snippet include any file on the computer",
                                "remove restrict_base_path"))
        if options.get("url_download"):
            problems.append(_at(files, f"{key}.url_download", ("url_download",),
                                "would fetch snippets from other hosts at build time, into the pages",
                                "download the file into content/ and include it from there; remove url_download"))
        options["base_path"] = written
        options["check_paths"] = True
        extensions[index] = {SNIPPETS: options}
    return problems


def _left_out(warnings: Sequence[Problem]) -> dict[str, str]:
    """What `published_files` left out (shown path -> why), from its warnings."""
    prefix = "left out of the site: "
    return {p.file: p.message.removeprefix(prefix) for p in warnings if p.message.startswith(prefix)}


def _published_copy(reach: Reach, base: Path, copy: Path, tree: DocsTree) -> Path:
    """A copy of what `base` (a snippets base path: a folder, or one file) holds that the site would
    publish; returns the path to give pymdownx in its place."""
    copy.mkdir(parents=True)
    if base.is_dir():
        found, warnings = published_files(reach, base)
        for path, real in found:
            target = copy / path.relative_to(base)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(real, target)
        tree.snippet_bases.append((base, _left_out(warnings)))
        return copy
    why = unpublished(base.name) if base.is_file() else None
    tree.snippet_bases.append((base, {display_path(base): f"{why} is never published"} if why else {}))
    if base.is_file() and not why:
        shutil.copyfile(base, copy / base.name)
    return copy / base.name


_OFFLINE = "the handbook must work offline and make no request outside the site"


def _outside_settings(config: dict[str, Any], files: Sequence[Path]) -> list[Problem]:
    """Settings that make every page call another host from the reader's browser, which the page
    scan (`outside_requests`) cannot see: Material fetches them from its script."""
    problems = []
    repo = config.get("repo_url")
    host = (urlparse(repo).hostname or "") if isinstance(repo, str) else ""
    if re.search(r"github\.com$|gitlab", host):
        problems.append(_at(files, "repo_url", ("repo_url",),
                            f"every page would ask {host} for the repository's stars and forks; {_OFFLINE}",
                            "remove repo_url (and repo_name) from mkdocs.yml; link the repository from a page"
                            " or from extra.social instead", warning=True))
    extra = config.get("extra") if isinstance(config.get("extra"), dict) else {}
    analytics = extra.get("analytics") if isinstance(extra, dict) else None
    if isinstance(analytics, dict) and analytics.get("provider"):
        provider = str(analytics["provider"])
        script = "Google Analytics from www.googletagmanager.com" if provider == "google" else f"the {provider} script"
        problems.append(_at(files, "extra.analytics", ("analytics",),
                            f"every page would load {script} and report each visit; {_OFFLINE}",
                            "remove extra.analytics (and extra.consent, which only asks about it)", warning=True))
    return problems


def _key_line(path: Path, pattern: str) -> int | None:
    """The line of mkdocs.yml where a setting is written, to point at it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((number for number, line in enumerate(lines, start=1) if re.match(pattern, line)), None)


def _material_language(language: str) -> str:
    """The program's language if Material has a translation for it, else English."""
    try:
        import material
    except ImportError:  # pragma: no cover - material is a dependency
        return "en"
    languages = Path(material.__file__).parent / "templates" / "partials" / "languages"
    for candidate in (language, language.split("-")[0]):
        if (languages / f"{candidate}.html").is_file():
            return candidate
    return "en"


def write_config(config: dict[str, Any], path: Path) -> None:
    """Write the effective config with the YAML dumper: never by pasting text."""
    text = yaml.dump(config, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")


# --- running MkDocs -----------------------------------------------------------------------


class _Collector(logging.Handler):
    """Keeps MkDocs' warnings and errors to report them as located problems."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _mkdocs_logging() -> Iterator[_Collector]:
    """Route MkDocs' log to a collector instead of stderr, for the length of one build."""
    logger = logging.getLogger("mkdocs")
    collector = _Collector()
    propagate = logger.propagate
    logger.addHandler(collector)
    logger.propagate = False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate


def prepare(
    loaded: LoadedProgram,
    book: Handbook,
    workdir: Path,
    site_dir: Path,
    *,
    strict: bool = False,
    extra_files: Mapping[str, bytes] | None = None,
    output: Path | None = None,
) -> tuple[Path, Path, DocsTree, list[Problem]]:
    """Write the docs tree and the effective mkdocs.yml into workdir; returns (config, source, tree, warnings).
    `output`: where the built site will be put, which mkdocs.yml may not reach."""
    path, source, tree, warnings, _ = _prepare(loaded, book, workdir, site_dir, strict=strict,
                                               extra_files=extra_files, output=output)
    return path, source, tree, warnings


def _prepare(
    loaded: LoadedProgram,
    book: Handbook,
    workdir: Path,
    site_dir: Path,
    *,
    strict: bool,
    extra_files: Mapping[str, bytes] | None,
    output: Path | None,
) -> tuple[Path, Path, DocsTree, list[Problem], dict[str, Any]]:
    """`prepare`, with the effective config itself as well (what `reuse.site_key` looks into)."""
    tree = assemble_docs(loaded, book, workdir / "docs", extra_files, Reach.of(loaded, output))
    config, source, warnings = effective_config(loaded, tree, site_dir, strict=strict, output=output)
    path = workdir / CONFIG_FILE
    write_config(config, path)
    return path, source, tree, tree.warnings + warnings, config


def build_site(
    loaded: LoadedProgram,
    book: Handbook,
    site_dir: Path,
    *,
    strict: bool = False,
    extra_files: Mapping[str, bytes] | None = None,
    templates: Path | None = None,
    output: Path | None = None,
    work: Path | None = None,
) -> SiteResult:
    """Build the handbook site into site_dir (which MkDocs empties first) with MkDocs, in-process.

    With `strict`, any warning (a broken link, an ignored setting) is an error. With
    `templates`, the theme's compiled templates are kept in that folder between builds. `output`
    is where the site goes once built (site_dir being its staging folder). The docs tree is
    assembled in a work folder (`work_folder`) in `work`, the output's render cache, where the
    next build clears what a killed one left; in the system's temporary folder without it.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parent = _work_parent(work)
    with work_folder(parent, "revmentor-docs-") as folder:
        config_path, source, tree, warnings, config = _prepare(
            loaded, book, folder, site_dir, strict=strict, extra_files=extra_files, output=output)
        if strict and warnings:
            raise BuildError(_as_errors(warnings))
        # --- reuse: the same inputs as the previous output's site, so MkDocs would write it again
        # (reuse.py). Only with the output's own cache folder (`work`), where the record lives.
        key = site_key(folder, CONFIG_FILE, site_dir, config) if work is not None and parent == work else None
        previous = previous_site(parent, output, key)
        if previous is not None and output is not None and copy_site(previous, output, site_dir):
            return SiteResult(previous.pages, warnings + list(previous.warnings))
        # --- MkDocs runs; the pages' HTML it wrote is kept in memory for the scan of outside requests
        texts: dict[str, str] = {}
        problems = run_mkdocs(config_path, source, tree, strict=strict, templates=templates, texts=texts)
        outside = outside_requests(site_dir, texts)
        if strict and outside:
            raise BuildError(_as_errors(outside))
        pages = sum(1 for page in tree.pages if page.endswith(".md"))
        if work is not None and parent == work:
            record_site(parent, key, site_dir, pages, problems + outside)
        return SiteResult(pages, warnings + problems + outside)


def _work_parent(work: Path | None) -> Path:
    """Where the docs tree's work folder goes: `work` when it can be made, else the system's temporary folder."""
    if work is not None:
        try:
            make_cache_folder(work)
            return work
        except OSError:
            pass
    return Path(tempfile.gettempdir())


_REMOTE = r"""\s*["']?\s*((?:https?:)?//[^"'\s>)]+)"""
_LOADING = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed|track)\b[^>]*?\s(?:src|srcset|poster)\s*=" + _REMOTE
    + r"|<object\b[^>]*?\sdata\s*=" + _REMOTE
    + r"|<link\b(?=[^>]*\brel\s*=\s*[\"']?[^>]*?\b(?:stylesheet|icon|preload|prefetch|preconnect|dns-prefetch"
    r"|modulepreload|manifest|apple-touch-icon)\b)[^>]*?\shref\s*=" + _REMOTE
    + r"|url\(" + _REMOTE,
    re.IGNORECASE,
)
"""What a page loads by itself (scripts, styles, images, frames, media) from another host; plain
links are not loads. A regular expression rather than an HTML parser: this runs over every page
of every build, and the parser cost a quarter of a second on the flagship."""


def outside_requests(site_dir: Path, texts: Mapping[str, str] | None = None) -> list[Problem]:
    """Warnings for what the site would load from another host, one per address, naming the
    pages: the handbook must work offline and tell no one who reads it. Our own pages never do;
    a user's mkdocs.yml (extra_javascript) or content (a remote image, an embedded video) can.
    `texts`: HTML already in memory by path in the site (what MkDocs wrote, `_PageTexts`); any
    other HTML file (one copied from content/ as it is) is read from disk."""
    pages: dict[str, list[str]] = {}
    diagrams: list[str] = []
    for page in sorted(site_dir.rglob("*.html")):
        rel = page.relative_to(site_dir).as_posix()
        text = (texts or {}).get(rel)
        if text is None:
            text = page.read_text(encoding="utf-8", errors="replace")
        for url in sorted({next(group for group in match.groups() if group) for match in _LOADING.finditer(text)}):
            pages.setdefault(url, []).append(rel)
        if _MERMAID.search(text) and not _LOCAL_MERMAID.search(text):
            diagrams.append(rel)
    problems = []
    if diagrams:
        problems.append(Problem(
            diagrams[0], f"the page{_more(diagrams)} would load Mermaid, to draw its diagram, from unpkg.com;"
            " the handbook must work offline and make no request outside the site",
            "download mermaid.min.js into content/ (e.g. content/javascripts/mermaid.min.js) and list it in"
            " extra_javascript in mkdocs.yml: Material then draws with it", warning=True))
    for url, where in sorted(pages.items()):
        problems.append(Problem(
            where[0], f"the page{_more(where)} would load '{url}' from another host; the handbook must work offline and"
            " make no request outside the site",
            "download the file into content/ and refer to it by a relative path, or remove it (from the page,"
            " or from extra_css/extra_javascript in mkdocs.yml)", warning=True))
    return problems


_MERMAID = re.compile(r"""<(?:pre|div)\b[^>]*\bclass\s*=\s*["']?[^"'>]*\bmermaid\b""", re.IGNORECASE)
_LOCAL_MERMAID = re.compile(r"""<script\b[^>]*\ssrc\s*=\s*["']?(?!(?:https?:)?//)[^"'\s>]*mermaid[^"'\s>]*\.js""",
                            re.IGNORECASE)
"""A diagram Material draws with Mermaid, which its script loads from unpkg.com unless the page
loads a copy of its own (Material uses a `mermaid` already there)."""


def _more(pages: Sequence[str]) -> str:
    """' and 2 more pages' after the first of several pages."""
    return f" and {len(pages) - 1} more page{'s' if len(pages) > 2 else ''}" if len(pages) > 1 else ""


def _as_errors(problems: list[Problem]) -> list[Problem]:
    """Warnings made fatal by --strict, followed by a line that says so."""
    errors = [Problem(p.file, p.message, p.fix, p.line, p.column, p.path) for p in problems]
    count = len(errors)
    return [*errors, Problem("", f"{count} problem{'s' if count != 1 else ''} in the site and --strict is set",
                             "fix the problems above, or build without --strict")]


class _PageTexts:
    """A MkDocs plugin object (events only) that keeps each page's and theme page's final HTML by
    its path in the site, so the scan for outside requests need not read them back from disk."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        self.texts[page.file.dest_uri] = output
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        if template_name.endswith(".html"):
            self.texts[template_name] = output_content
        return output_content


def run_mkdocs(config_path: Path, source: Path, tree: DocsTree, *, strict: bool,
               templates: Path | None = None, texts: dict[str, str] | None = None) -> list[Problem]:
    """Run MkDocs on a prepared config; its warnings come back as problems, its failures as BuildError.

    With `templates`, the theme's compiled templates are kept there (`ThemeTemplates`): added to
    this run only, so a bare `mkdocs build` of the same config compiles as MkDocs always does.
    With `texts`, the HTML of every page MkDocs writes is put there too, by its path in the site.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    shown = display_path(source)
    with _mkdocs_logging() as collector:
        try:
            config = load_config(str(config_path), config_file_path=str(source))
            if templates is not None:
                # An object with events only, as MkDocs calls them: no import of MkDocs' BasePlugin at start-up.
                config.plugins["revmentor-theme-templates"] = ThemeTemplates(templates)  # type: ignore[assignment]
            # The theme's source maps and unused search languages stay out of the site (prune.py).
            config.plugins["revmentor-theme-files"] = ThemeFiles()  # type: ignore[assignment]
            if texts is not None:  # last of all plugins: the HTML as MkDocs writes it
                config.plugins["revmentor-page-texts"] = _PageTexts(texts)  # type: ignore[assignment]
            build(config)
        except (Abort, MkDocsException) as error:
            problems = [_problem(record, tree, shown) for record in collector.records]
            if strict and any(p.warning for p in problems):
                raise BuildError(_as_errors(problems)) from None
            problems = [p for p in problems if not p.warning] or [
                Problem(shown, f"MkDocs stopped: {_plain(str(error))}", "check the settings in mkdocs.yml")]
            raise BuildError(problems) from None
        except (OSError, BuildError):
            raise
        except Exception as error:  # a plugin or Markdown extension failing must not print a traceback
            if type(error).__name__ == "SnippetMissingError":
                raise BuildError(_missing_snippet(error, tree, collector.records)) from None
            raise BuildError(_failure(error, tree, shown)) from None
    return [_problem(record, tree, shown) for record in collector.records]


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text).strip()


def _failure(error: Exception, tree: DocsTree, shown: str) -> Problem:
    """An exception from inside MkDocs, a theme template or an extension, as one located problem."""
    if isinstance(error, TemplateError):
        file, line = "", None
        if isinstance(error, TemplateSyntaxError) and error.filename:
            file, line = error.filename, error.lineno
        else:
            for frame in traceback.extract_tb(error.__traceback__):
                if frame.filename.endswith(".html") or frame.filename.endswith(".j2"):
                    file, line = frame.filename, frame.lineno
        return Problem(display_path(Path(file)) if file else shown, f"theme template error: {error}",
                       "fix the template in the theme's custom_dir, or remove the override", line)
    return Problem(shown, f"MkDocs failed: {type(error).__name__}: {_plain(str(error))}",
                   "check the plugins and markdown_extensions in mkdocs.yml; if they are fine, this is a bug"
                   " in the toolkit: please report it")


def _missing_snippet(error: Exception, tree: DocsTree, records: Sequence[logging.LogRecord]) -> Problem:
    """pymdownx.snippets found no file for a snippet (`check_paths`): at the page and line that
    names it, saying why: the file is left out of the site (a data file, a backup, hidden), or
    there is none."""
    text = _plain(str(error))
    named = re.search(r"'([^']*)'", text)
    name = named[1] if named else ""
    pages = [m[1] for r in records if (m := re.match(r"Error (?:reading|building) page '([^']+)'", r.getMessage()))]
    page = pages[-1] if pages else ""
    shown, line, column = _locate_snippet(tree, page, name)
    if "section" in text:
        return Problem(shown, f"the snippet section '{name}' is not in the file this page includes",
                       "correct the section's name, or mark it in the file with --8<-- [start:NAME] and"
                       " --8<-- [end:NAME]", line, column)
    bases = [base for base, _ in tree.snippet_bases]
    left_out = {shown: why for _, kept in tree.snippet_bases for shown, why in kept.items()}
    candidates = [base if base.name == name and not base.is_dir() else base / name for base in bases]
    candidates += [path.parent / name for _, path in tree.sources.get(page, [])]  # `!relative`: the page's folder
    for candidate in candidates:
        for place in (candidate, *candidate.parents):
            why = left_out.get(display_path(place))
            if why:
                return Problem(shown, f"the snippet '{name}' is {display_path(candidate)}, which is left out of"
                               f" the site: {why}; a snippet is published in the page that includes it",
                               "include only pages and text the site publishes; keep people's data out of"
                               " content/, in private/", line, column)
    where = " or ".join(f"{display_path(base)}/" if base.is_dir() else display_path(base) for base in bases)
    return Problem(shown, f"the snippet '{name}' does not exist: there is no such published file in {where}",
                   f"correct the name (it is relative to {where}), or create the file", line, column)


def _locate_snippet(tree: DocsTree, page: str, name: str) -> tuple[str, int | None, int | None]:
    """The file, line and column where a page names a snippet: a line with the name, one that also
    holds the --8<-- marker first; then in the snippets it includes (a snippet may include another)."""
    candidates = tree.sources.get(page, [(page, tree.docs / page)]) if page else []
    nested = [(display_path(path), path) for base, _ in tree.snippet_bases if base.is_dir()
              for path in sorted(base.rglob("*")) if path.is_file() and path.stat().st_size < 1_000_000]
    for marked, files in ((True, candidates), (False, candidates), (True, nested)):
        for shown, path in files:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for number, line in enumerate(lines, start=1):
                if name and name in line and ("--8<--" in line) == marked:
                    return shown, number, line.index(name) + 1
    return (candidates[0][0] if candidates else display_path(config_file(Path.cwd()))), None, None


_LINK = re.compile(r"^Doc file '(?P<page>[^']+)' contains (?P<what>a link|an absolute link|an unrecognized relative"
                   r" link) '(?P<link>[^']*)'(?P<rest>.*)$", re.S)
_MEAN = re.compile(r" Did you mean '(?P<suggest>[^']*)'\?")


def _problem(record: logging.LogRecord, tree: DocsTree, config_shown: str) -> Problem:
    """One MkDocs log record as a located problem: a broken link names its page, line and link."""
    text = _plain(record.getMessage())
    warning = record.levelno < logging.ERROR
    match = _LINK.match(text)
    if not match:
        config = re.match(r"Config value '(?P<key>[^']+)': (?P<message>.*)", text, re.S)
        if config:
            return Problem(config_shown, f"{config['key']}: {config['message']}",
                           "correct this setting (see the MkDocs and Material for MkDocs documentation)",
                           path=config["key"], warning=warning)
        return Problem(config_shown, text, "", warning=warning)
    page, link, rest = match["page"], match["link"], match["rest"]
    suggestion = _MEAN.search(rest)
    rest = _MEAN.sub("", rest)
    file, line, column = _locate_link(tree, page, link)
    if match["what"] == "an absolute link":
        message = f"absolute link '{link}' breaks when the site is opened from a folder or a zip"
        fix = "use a link relative to this page, such as '../goals.md'"
    elif match["what"] == "an unrecognized relative link":
        message = f"link '{link}' does not point to a page or file"
        fix = "link to the Markdown file itself, e.g. 'goals.md' or 'training/index.md'"
    elif "not found among documentation files" in rest:
        target = re.search(r"the target '([^']+)'", rest)
        message = f"broken link '{link}': there is no page or file '{target[1] if target else link}' in the site"
        fix = "correct the link (it is relative to this page) or create the page"
    elif "anchor" in rest:
        message = f"broken link '{link}': " + rest.removeprefix(", but ").rstrip(".")
        fix = "link to a heading that exists: its anchor is the heading in lowercase with hyphens"
    else:
        message, fix = f"link '{link}'{rest}", ""
    if suggestion:
        fix = f"did you mean '{suggestion['suggest']}'?"
    where = f" (in page {page})" if not file.endswith(page) else ""
    return Problem(file, message + where, fix, line, column, warning=warning)


def _locate_link(tree: DocsTree, page: str, link: str) -> tuple[str, int | None, int | None]:
    """The file and line a link was written in: the content page, an included file or the template."""
    candidates = tree.sources.get(page, [(page, tree.docs / page)])
    for shown, path in candidates:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for written in (f"]({link}", f"<{link}>", f"'{link}'", f'"{link}"'):
                if written in line:
                    return shown, number, line.index(written) + len(written) - len(link) + 1
    return candidates[0][0], None, None

