"""A render cache: rendered files kept by the digest of their inputs, so unchanged ones are not made again.

Why this shape:
- The key is a digest of everything that makes a file's bytes (for a PDF: the HTML, the
  stylesheet, the paper size and the library versions). Files the renderer reads while it
  works (an image in a module's content) are recorded with their hashes and checked on every
  lookup, so editing a picture re-renders the documents that show it.
- It lives beside the output, in `.revmentor-cache/<output name>/<family>/`, never inside
  the program's content or the output (which is replaced whole on every build). The top
  folder is tagged (CACHEDIR.TAG) and ignores itself for git, like pytest's cache.
- The toolkit never deletes a file it did not write: `prune` removes only entries named the
  way this module names them, and only from its own folder.
- A cache that cannot be read or written is a miss, never a failed build.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from .._version import __version__
from ..errors import Problem
from ..files.paths import CACHE_FOLDER
from ..program.validate import LoadedProgram
from .templating import search_path

_ENTRY = re.compile(r"^[0-9a-f]{64}\.(data|json)$")
_TEMPORARY = re.compile(r"^\.tmp-[a-z0-9_]{8}$")
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache made by revmentor; delete it at will.\n"


@dataclass(frozen=True)
class Hit:
    """A cached file and the warnings it was made with."""

    data: bytes
    warnings: tuple[Problem, ...]


class RenderCache:
    """Rendered files by input digest, with the files read to make them checked on every lookup.

    `templates` is the folder where the environments that render for this cache keep their
    compiled templates (`templating.TemplateCache`), shared by every family of one output.
    """

    def __init__(self, root: str | os.PathLike[str], templates: Path | None = None) -> None:
        self.root = Path(root)
        self.templates = templates
        self.used: set[str] = set()

    @classmethod
    def beside(cls, output: Path, family: str) -> RenderCache:
        """The cache of one output family (e.g. "training") of the output folder `output`."""
        top = output_cache(output)
        return cls(top / family, top / "templates")

    def get(self, key: str) -> Hit | None:
        """The cached file for `key`, if it is there, intact, and none of the files it read changed."""
        try:
            entry = json.loads((self.root / f"{key}.json").read_text(encoding="utf-8"))
            for path, digest in entry["reads"].items():
                if _digest_file(Path(path)) != digest:
                    return None
            data = (self.root / f"{key}.data").read_bytes()
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                return None
            warnings = tuple(Problem(**problem) for problem in entry.get("warnings", ()))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.used.add(key)
        return Hit(data, warnings)

    def put(self, key: str, data: bytes, reads: dict[str, str], warnings: tuple[Problem, ...] = ()) -> None:
        """Keep a rendered file; the entry's index is written last, so a half-written entry is a miss."""
        self.used.add(key)
        entry = {"sha256": hashlib.sha256(data).hexdigest(), "reads": reads,
                 "warnings": [asdict(problem) for problem in warnings]}
        try:
            self._make_root()
            _write_atomic(self.root / f"{key}.data", data)
            _write_atomic(self.root / f"{key}.json", json.dumps(entry, sort_keys=True).encode("utf-8"))
        except OSError:
            return

    def get_set(self, key: str) -> tuple[dict[str, bytes], tuple[Problem, ...]] | None:
        """A set of files kept by `put_set` (path -> bytes) and its warnings, if every file is still intact."""
        index = self.get(key)
        if index is None:
            return None
        files = {}
        try:
            for path, entry in json.loads(index.data).items():
                hit = self.get(str(entry))
                if hit is None:
                    return None
                files[str(path)] = hit.data
        except (ValueError, AttributeError):
            return None
        return files, index.warnings

    def put_set(self, key: str, files: Mapping[str, bytes], warnings: Sequence[Problem] = (),
                keys: Mapping[str, str] | None = None) -> None:
        """Keep a whole set of files (path -> bytes) and its warnings under one key: when none of a
        family's inputs changed, its files come back without rendering anything. `keys` names the
        entries some of them are already kept under, so those are not stored twice."""
        entries = {}
        for path, data in files.items():
            entry = (keys or {}).get(path)
            if entry is None or entry not in self.used:
                entry = hashlib.sha256(f"{key}\0{path}".encode()).hexdigest()
                self.put(entry, data, {})
            entries[path] = entry
        self.put(key, json.dumps(entries, sort_keys=True).encode("utf-8"), {}, tuple(warnings))

    def prune(self) -> int:
        """Remove this folder's entries not used since the cache was opened; returns how many files went."""
        removed = 0
        try:
            names = os.listdir(self.root)
        except OSError:
            return 0
        for name in names:
            stale = _ENTRY.match(name) and name.split(".")[0] not in self.used
            if stale or _TEMPORARY.match(name):
                with contextlib.suppress(OSError):
                    (self.root / name).unlink()
                    removed += 1
        return removed

    def _make_root(self) -> None:
        make_cache_folder(self.root)


def make_cache_folder(folder: Path) -> None:
    """Make a folder of the cache; the top folder, made first, is tagged as a cache and ignored by git."""
    top = next((p for p in (folder, *folder.parents) if p.name == CACHE_FOLDER), None)
    if top is not None and not top.exists():
        top.mkdir(parents=True)
        (top / "CACHEDIR.TAG").write_text(_TAG, encoding="utf-8")
        (top / ".gitignore").write_text("# Made by revmentor: a cache, never commit it.\n*\n", encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)


def _digest_file(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _write_atomic(path: Path, data: bytes) -> None:
    # Made with the umask's mode (mkstemp's 0600 would keep a shared program's cache from the team),
    # by the kernel, so it holds while other threads make files too.
    temporary = path.parent / f".tmp-{secrets.token_hex(8)}"
    try:  # opened inside: a stop the instant the file exists still removes it
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def output_cache(output: Path) -> Path:
    """The render cache of an output folder: `.revmentor-cache/<output name>/` beside it."""
    output = Path(os.path.abspath(output))
    return output.parent / CACHE_FOLDER / output.name


def inputs_digest(loaded: LoadedProgram, label: str, libraries: Sequence[str], extra: Sequence[str] = ()) -> str:
    """Digest of every input of a family of documents, read without rendering anything: the
    whole program, every template (the program's own and the packaged), every file the program
    names (content, slide template), the program folder's place, the toolkit's version and those
    of the libraries that lay the documents out, and `extra`. Equal digests: nothing needs
    rendering again."""
    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
            digest.update(b"\0")

    add(label, __version__, *(library_version(name) for name in libraries), *extra)
    # The site engine builds the site from the pages; no document says which one it was.
    add(str(loaded.folder.resolve()), loaded.program.model_dump_json(exclude={"program": {"site_engine"}}))
    for base in search_path(loaded.folder):
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            add(path.relative_to(base).as_posix(), hashlib.sha256(path.read_bytes()).digest())
    program = loaded.program
    named = [*(m.content for m in program.training), *(r.content for r in program.roles), program.program.slide_template]
    for name in filter(None, named):
        try:
            add(name, hashlib.sha256((loaded.folder / name).read_bytes()).digest())
        except OSError:
            add(name, "unreadable")
    return digest.hexdigest()


@functools.cache
def library_version(distribution: str) -> str:
    """The installed version of a library whose version changes what documents look like."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "none"
