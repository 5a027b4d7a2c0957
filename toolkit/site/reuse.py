"""The previous site, reused when MkDocs would build the same one again.

Why: a rebuild with nothing changed reran MkDocs on every page (2.0 s for the flagship, 5.2 s
for a 96-page program) where copying the built site takes 0.05 s. MkDocs' output depends only
on what it reads, so the site adapter fingerprints that (`site_key`) once the docs tree and the
effective mkdocs.yml are written, and keeps a record beside the render cache
(`.revmentor-cache/<output>/site-inputs.json`): the fingerprint, every file the site held with
its sha256, its page count and MkDocs' warnings. The next build with the same fingerprint
copies those files from the previous output, each checked against its digest as it is read,
instead of running MkDocs.

What the fingerprint holds: every file of the work folder (the docs tree, the effective
mkdocs.yml with the work folder's random name taken out, the snippets' published copies), the
theme's custom_dir, the site adapter's own code (its hook and plugin objects), the versions of the toolkit and of the libraries
MkDocs renders with, the build date (MkDocs writes it into the sitemap), and the working folder
(warnings show paths relative to it). What it cannot pin down turns reuse off, and MkDocs runs
as before: a hook of the user's (Python that can read anything), a plugin or Markdown extension
from outside MkDocs, Material and Python-Markdown, a value read from the environment (!ENV).

Why it is safe: the record is only a hint. The previous output is reused only when its manifest
lists exactly the files the record does, with the same digests, and every byte copied is checked
again; anything else (an --only build since, a file edited, a missing record, a damaged cache)
means MkDocs runs. The copy goes into the staging folder, so the swap and the previous output's
safety are those of any build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import Problem
from ..files.output import MANIFEST, MARKER, read_manifest
from ..render.cache import library_version
from ..render.scratch import MARKER as WORK_MARKER
from .theme_cache import HOOKS

RECORD = "site-inputs.json"
"""The record of the last site MkDocs built for an output, in that output's render cache."""
FORMAT = 1
"""The record's format; a record of another is ignored."""
LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pygments")
"""The libraries whose versions change what MkDocs writes for the same inputs."""
KNOWN_PLUGINS = frozenset({"search", "offline", "tags"})
"""Plugins of MkDocs' and Material's whose output depends on the docs tree and config alone."""
KNOWN_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "toc", "fenced_code",
    "codehilite", "sane_lists", "smarty", "meta", "nl2br", "wikilinks", "extra", "legacy_attrs", "legacy_em",
})  # fmt: skip
"""Python-Markdown's own extensions, by the short names mkdocs.yml uses."""
_OWN = {MANIFEST, MARKER}


@dataclass(frozen=True)
class Previous:
    """A previous site that can stand in for a new MkDocs run."""

    files: dict[str, str]
    """Path in the site -> sha256."""
    pages: int
    warnings: tuple[Problem, ...]


def site_key(workdir: Path, config_name: str, site_dir: Path, config: Mapping[str, Any],
             libraries: Sequence[str] = LIBRARIES) -> str | None:
    """The fingerprint of everything MkDocs reads for this build (`workdir` holding the docs tree and,
    as `config_name`, the effective `config`), or None when that cannot be pinned down (see the
    module's docstring) and MkDocs must run. `libraries`: those whose versions change the site
    (the Zensical adapter adds Zensical's)."""
    config_text = (workdir / config_name).read_text(encoding="utf-8")
    if "!ENV" in config_text or any(hook != HOOKS for hook in config.get("hooks") or []):
        return None
    if any(_name(entry) not in KNOWN_PLUGINS for entry in config.get("plugins") or []):
        return None
    for entry in config.get("markdown_extensions") or []:
        name = _name(entry)
        if not (name in KNOWN_EXTENSIONS or name.startswith(("pymdownx.", "markdown.extensions.",
                                                             "material.extensions."))):
            return None
    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)

    add(f"site-key {FORMAT}", __version__, os.getcwd(), _build_date(),
        *(f"{name}={library_version(name)}" for name in libraries))
    for module in sorted(Path(__file__).parent.glob("*.py")):  # the adapter, its hook and plugin objects
        add(module.name, module.read_bytes())
    add(config_text.replace(str(workdir), "<work>").replace(str(site_dir), "<site>"))
    for rel, path in _files(workdir):
        if rel not in (config_name, WORK_MARKER):  # the config added above, its random paths taken out
            add(rel, path.read_bytes())
    theme = config.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, Mapping) else None
    if isinstance(custom, str) and Path(custom).is_dir():
        add("custom_dir", custom)
        for rel, path in _files(Path(custom)):
            add(rel, path.read_bytes())
    return digest.hexdigest()


def _name(entry: Any) -> str:
    return str(next(iter(entry)) if isinstance(entry, Mapping) and entry else entry)


def _build_date() -> str:
    """The date MkDocs stamps a build with (its `get_build_date`), without importing MkDocs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        return f"epoch {epoch}"
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")


def _files(folder: Path) -> Iterable[tuple[str, Path]]:
    """Every file under `folder` (symbolic links followed, as MkDocs does), by sorted relative path."""
    found = []
    for root, dirs, names in os.walk(folder, followlinks=True):
        dirs.sort()
        for name in names:
            path = Path(root) / name
            found.append((path.relative_to(folder).as_posix(), path))
    return sorted(found)


def previous_site(work: Path, output: Path | None, key: str | None) -> Previous | None:
    """The previous output's site if it was built from inputs with this fingerprint and is intact."""
    if key is None or output is None:
        return None
    try:
        record = json.loads((work / RECORD).read_text(encoding="utf-8"))
        if record.get("format") != FORMAT or record.get("key") != key:
            return None
        files = {str(path): str(sha) for path, sha in record["files"].items()}
        previous = Previous(files, int(record["pages"]), tuple(Problem(**p) for p in record.get("warnings", ())))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return previous if read_manifest(output) == previous.files else None


def copy_site(previous: Previous, output: Path, site_dir: Path) -> bool:
    """Copy the previous site from `output` into `site_dir`, every file checked against its digest
    as it is read; False (and MkDocs runs, emptying `site_dir` first) at the first that differs."""
    try:
        for rel, sha in sorted(previous.files.items()):
            data = (output / rel).read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                return False
            target = site_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    except OSError:
        return False
    return True


def record_site(work: Path, key: str | None, site_dir: Path, pages: int, warnings: Sequence[Problem]) -> None:
    """Keep the fingerprint of a site MkDocs just built, with its files' digests and warnings; a
    cache that cannot be written costs the next build its shortcut, never this one."""
    target = work / RECORD
    try:
        if key is None:
            target.unlink(missing_ok=True)
            return
        files = {}
        for rel, path in _files(site_dir):
            if rel not in _OWN:
                files[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        text = json.dumps({"format": FORMAT, "key": key, "pages": pages, "files": files,
                           "warnings": [asdict(problem) for problem in warnings]}, sort_keys=True)
        temporary = target.with_name(f".{RECORD}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass
