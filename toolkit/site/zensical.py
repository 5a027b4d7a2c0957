"""The second site engine: Zensical over the same docs tree and effective mkdocs.yml as MkDocs.

Zensical (by the authors of Material for MkDocs, its successor) reads mkdocs.yml. The adapter
assembles the docs tree and the effective config exactly as the MkDocs adapter does (`_prepare`),
then changes what Zensical needs changed, and runs `python -m zensical build` in a child process:
its core is Rust, and a panic there must end that process, never ours. What it says comes back
as located problems: its errors as a BuildError, its broken-link warnings at the file, line and
column they were written in (a content page, or the template that made a generated page), as
MkDocs' do. `--strict` stays ours: Zensical always builds, and its warnings decide.

What differs from MkDocs, and why:
- The site name is passed escaped, and the adapter's own theme folder (never published, never
  the user's) overrides the `<title>` block: Zensical's theme writes the name raw and gives a
  page title's text back raw through `striptags`. The two places that escape the name themselves
  are given a copy of the installed theme's partial that does not escape it twice.
- Task-list checkboxes get their labels after the build (`label_task_boxes`): Zensical runs no
  MkDocs hooks.
- A mkdocs.yml with `theme.custom_dir` or `hooks` is refused at start-up (`check_engine`), before
  anything is rendered: Zensical copies a theme folder into the site whole, data files too, and
  skips hooks without a word.
- Zensical wants docs_dir and site_dir inside the config's folder: it builds into the work
  folder, and the site is moved into place from there.
- Its search index is `search.json` at the site's root (with `search.js`, the same index as a
  script, for a site opened from files), where MkDocs writes `search/search_index.json`.
"""

from __future__ import annotations

import html
import importlib.util
import os
import posixpath
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import BuildError, Problem
from ..files.paths import display_path
from ..program.validate import LoadedProgram
from ..render.scratch import work_folder
from ..render.templating import find_file
from .hooks import label_task_boxes
from .mkdocs import (
    CONFIG_FILE,
    DocsTree,
    Reach,
    SiteResult,
    _as_errors,
    _at,
    _locate_link,
    _plain,
    _prepare,
    _work_parent,
    config_file,
    outside_requests,
    read_config,
    write_config,
)
from .pages import Handbook
from .reuse import LIBRARIES, copy_site, previous_site, record_site, site_key

PACKAGE = "zensical"
INSTALL = "pip install 'reverse-mentoring-toolkit[zensical]'"
"""How to get Zensical: the toolkit's `zensical` extra (a large native wheel most programs never need)."""
OVERRIDES = "overrides"
"""The adapter's own theme folder in the work folder: templates only, which Zensical does not publish."""
MAIN_TEMPLATE = "site/zensical/main.html"
ESCAPED_TWICE = ("partials/header.html", "partials/nav.html")
"""The theme's partials that escape the site name themselves (`config.site_name | e`)."""
TIMEOUT = 600
"""Seconds a Zensical build may take; the flagship takes about one."""


def installed() -> bool:
    """Whether Zensical can be run (found without importing it: its Rust core loads on import)."""
    return importlib.util.find_spec(PACKAGE) is not None


def check_engine(loaded: LoadedProgram) -> None:
    """What must hold before a Zensical build renders anything: Zensical is installed, and
    mkdocs.yml asks for nothing Zensical would do differently from MkDocs behind our back."""
    problems = []
    if not installed():
        problems.append(loaded.document.problem(
            ("program", "site_engine"), "the site is built with Zensical, which is not installed",
            f"install it with {INSTALL} (from a checkout: pip install '.[zensical]'), or remove site_engine to"
            " build with MkDocs"))
    source = config_file(loaded.folder)
    files: list[Path] = []
    config = read_config(source, Reach.of(loaded), files=files)
    theme = config.get("theme")
    if isinstance(theme, Mapping) and theme.get("custom_dir") is not None:
        problems.append(_at(files, "theme.custom_dir", ("custom_dir",),
                            "Zensical copies a theme folder into the site whole, data files and all, and"
                            " site_engine is zensical",
                            "remove theme.custom_dir (put images and styles in content/, listed in extra_css), or"
                            " build with MkDocs: remove site_engine from program.yaml"))
    if config.get("hooks"):
        problems.append(_at(files, "hooks", ("hooks",),
                            "Zensical does not run MkDocs hooks: it would skip them without a word, and site_engine"
                            " is zensical", "remove hooks, or build with MkDocs: remove site_engine from program.yaml"))
    if problems:
        raise BuildError(problems)


def zensical_config(config: dict[str, Any], loaded: LoadedProgram, workdir: Path) -> dict[str, Any]:
    """The effective MkDocs config as Zensical is given it (see the module's docstring)."""
    config = dict(config)
    config["site_name"] = html.escape(loaded.program.program.name)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config["strict"] = False  # --strict is ours: Zensical reports, the adapter decides
    config.pop("hooks", None)  # the handbook's hooks.py is done after the build (labels) and in the theme folder
    theme = dict(config.get("theme") or {})
    theme["custom_dir"] = OVERRIDES
    config["theme"] = theme
    _write_overrides(loaded, workdir / OVERRIDES)
    return config


def _write_overrides(loaded: LoadedProgram, folder: Path) -> None:
    """The adapter's theme folder: the title block, and the partials that escaped the name twice."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(find_file(loaded.folder, MAIN_TEMPLATE), folder / "main.html")
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for name in ESCAPED_TWICE:
        for location in locations:
            theme = Path(location) / "templates" / name
            if theme.is_file():
                text = re.sub(r"config\.site_name\s*\|\s*e\b", "config.site_name", theme.read_text(encoding="utf-8"))
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_text(text, encoding="utf-8")
                break


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
    """Build the handbook site into site_dir with Zensical, in a child process; the same call as
    the MkDocs adapter's `build_site` (`templates` is MkDocs' compiled-template cache, unused)."""
    check_engine(loaded)
    parent = _work_parent(work)
    with work_folder(parent, "revmentor-docs-") as folder:  # the prefix of both engines: either clears the other's stale folders
        _, source, tree, warnings, config = _prepare(
            loaded, book, folder, folder / "site", strict=strict, extra_files=extra_files, output=output)
        config = zensical_config(config, loaded, folder)
        write_config(config, folder / CONFIG_FILE)
        if strict and warnings:
            raise BuildError(_as_errors(warnings))
        own_cache = work is not None and parent == work
        key = site_key(folder, CONFIG_FILE, site_dir, config, (*LIBRARIES, PACKAGE)) if own_cache else None
        previous = previous_site(parent, output, key)
        if previous is not None and output is not None and copy_site(previous, output, site_dir):
            return SiteResult(previous.pages, warnings + list(previous.warnings))
        problems = run_zensical(folder, tree, source)
        if strict and problems:
            raise BuildError(_as_errors(problems))
        _move_site(folder / "site", site_dir)
        for page in site_dir.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            labelled = label_task_boxes(text)
            if labelled != text:
                page.write_text(labelled, encoding="utf-8")
        outside = outside_requests(site_dir)
        if strict and outside:
            raise BuildError(_as_errors(outside))
        pages = sum(1 for page in tree.pages if page.endswith(".md"))
        if own_cache:
            record_site(parent, key, site_dir, pages, problems + outside)
        return SiteResult(pages, warnings + problems + outside)


def _move_site(built: Path, site_dir: Path) -> None:
    """What Zensical built in the work folder, moved into site_dir (its cache stays behind)."""
    site_dir.mkdir(parents=True, exist_ok=True)
    for entry in sorted(built.iterdir()):
        shutil.move(entry, site_dir / entry.name)


def command(config: Path) -> list[str]:
    """The bare Zensical build of a config: what the adapter runs, and what the benchmark times."""
    return [sys.executable, "-m", PACKAGE, "build", "-f", str(config)]


def run_zensical(workdir: Path, tree: DocsTree, source: Path) -> list[Problem]:
    """Run Zensical on the work folder's mkdocs.yml in a child process; its warnings come back as
    problems, its failure (an error, a panic, a crash) as a located BuildError."""
    shown = display_path(source)
    env = {**os.environ, "NO_COLOR": "1", "RUST_BACKTRACE": "0"}
    try:
        done = subprocess.run(command(workdir / CONFIG_FILE), cwd=workdir, env=env, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise BuildError(Problem(shown, f"Zensical did not finish within {TIMEOUT} seconds",
                                 "build with MkDocs (remove site_engine from program.yaml), and report it to"
                                 " Zensical")) from None
    output = _plain(done.stdout + "\n" + done.stderr)
    problems = _warnings(output, tree)
    if done.returncode != 0 or not (workdir / "site" / "index.html").is_file():
        raise BuildError([*[p for p in problems if not p.warning], _failure(output, done.returncode, shown)])
    if any(not p.warning for p in problems):
        raise BuildError([p for p in problems if not p.warning])
    return problems


_WARNING = re.compile(r"^(?P<kind>Warning|Error): (?P<message>[^\n]+)\n\s*╭─\[ ?(?P<page>[^\]\n]+?):(?P<line>\d+):"
                      r"(?P<column>\d+) ?\]", re.M)


def _warnings(output: str, tree: DocsTree) -> list[Problem]:
    """Zensical's located warnings (a broken link, a missing anchor) at the file, line and column
    the link was written in, worded as the MkDocs adapter words them."""
    problems = []
    for match in _WARNING.finditer(output):
        page, line, column = match["page"].strip(), int(match["line"]), int(match["column"])
        message = match["message"].strip()
        link = _link_at(tree.docs / page, line, column)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), link.split("#")[0])) if link else ""
        if link and message == "page does not exist":
            text = f"broken link '{link}': there is no page or file '{target}' in the site"
            fix = "correct the link (it is relative to this page) or create the page"
        elif link and message == "anchor does not exist":
            anchor = link.partition("#")[2]
            text = (f"broken link '{link}': the doc '{target if link.split('#')[0] else page}' does not contain an"
                    f" anchor '#{anchor}'")
            fix = "link to a heading that exists: its anchor is the heading in lowercase with hyphens"
        else:
            text, fix = f"Zensical: {message}", ""
        file, found_line, found_column = _where(tree, page, link, line, column)
        where = f" (in page {page})" if not file.endswith(page) else ""
        problems.append(Problem(file, text + where, fix, found_line, found_column, warning=match["kind"] == "Warning"))
    return problems


def _link_at(path: Path, line: int, column: int) -> str:
    """The link written around `column` of `line` in a docs-tree page (Zensical points into it)."""
    try:
        text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return ""
    at = min(max(column - 1, 0), len(text))
    stops = "()<>\"' \t"
    start = at
    while start > 0 and text[start - 1] not in stops:
        start -= 1
    end = at
    while end < len(text) and text[end] not in stops:
        end += 1
    return text[start:end]


def _where(tree: DocsTree, page: str, link: str, line: int, column: int) -> tuple[str, int | None, int | None]:
    """Where a link Zensical found at `line`:`column` of a docs-tree page was written: right there
    when the page is a content file copied as it is, else in its sources (`_locate_link`)."""
    sources = tree.sources.get(page, [])
    if len(sources) == 1:
        shown, path = sources[0]
        try:
            if path.read_bytes() == (tree.docs / page).read_bytes():
                start = (tree.docs / page).read_text(encoding="utf-8").splitlines()[line - 1].find(link)
                return shown, line, start + 1 if link and start >= 0 else column
        except (OSError, UnicodeDecodeError, IndexError):
            pass
    return _locate_link(tree, page, link)


_RAISED = re.compile(r"^(?:[\w.]+\.)?\w+(?:Error|Exception): (?:Python error: )?(.+)$", re.M)
"""The line a Python exception ends its traceback with (Zensical's Rust core wraps one from Python)."""


def _failure(output: str, code: int, shown: str) -> Problem:
    """Why Zensical stopped, from what it printed: its own error, a panic of its core, or a crash."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    panic = next((i for i, line in enumerate(lines) if " panicked at " in line), None)
    if panic is not None:
        said = lines[panic + 1] if panic + 1 < len(lines) else ""
        return Problem(shown, f"Zensical failed inside its core (a panic): {said}".rstrip(": "),
                       "check the settings in mkdocs.yml; if they are fine, build with MkDocs (remove site_engine"
                       " from program.yaml) and report it to Zensical")
    error = next((line for line in reversed(lines) if line.startswith("Error: ")), None)
    if error is not None:
        return Problem(shown, f"Zensical stopped: {error.removeprefix('Error: ')}",
                       "check the settings in mkdocs.yml (see the Zensical documentation)")
    raised = [match[1] for match in _RAISED.finditer(output)]
    said = raised[0] if raised else lines[-1] if lines else f"it exited with code {code} and said nothing"
    return Problem(shown, f"Zensical failed: {said}",
                   "check the plugins and markdown_extensions in mkdocs.yml; if they are fine, build with MkDocs"
                   " (remove site_engine from program.yaml) and report it")

