"""The one shape of an output family: a name, a plan made from the program, a render of that plan.

`pipeline.py` holds the list of families and does the rest the same way for all of them: it plans
every family (the handbook's Downloads page is made from the plans), takes a family's files
from the render cache when none of its inputs changed, renders the others, and writes them all
in one staged, atomic step. Adding an output is one module with one `OutputFamily` subclass and
one entry in that list.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar, Literal

from ..program.model import Program
from ..program.validate import LoadedProgram
from ..render.artifact import Artifact, PlannedFile, Rendered
from ..render.cache import RenderCache, inputs_digest


class OutputFamily(ABC):
    """One kind of output: its files are planned from the program, then rendered together."""

    name: ClassVar[str]
    """The family's name: its `build --only` choice and the folder its files go in."""
    label: ClassVar[str]
    """What its files are called in progress lines, e.g. "Training pack"."""
    destination: ClassVar[Literal["site", "private"]] = "site"
    """"site": offered on the handbook's Downloads page, written into the output folder;
    "private": written into `private/<name>/` of the program folder, never published."""
    libraries: ClassVar[tuple[str, ...]] = ()
    """Libraries whose version changes the family's bytes (part of its render-cache key)."""
    version: ClassVar[str] = "1"
    """Bump when the family's code changes what it renders: its cached files are then made again."""
    parts: ClassVar[bool] = False
    """Whether any run of its planned files renders on its own, as in one render of them all
    (each a document of its own): parallel.py then splits it between worker processes."""

    @abstractmethod
    def plan(self, program: Program) -> list[PlannedFile]:
        """The files this family makes for a program. Pure: it reads nothing."""

    @abstractmethod
    def render(self, loaded: LoadedProgram, planned: Sequence[PlannedFile], cache: RenderCache | None) -> Rendered:
        """Make the planned files (the cache keeps single documents); BuildError lists every problem."""

    def inputs(self, loaded: LoadedProgram) -> tuple[str, ...]:
        """Anything besides the program folder's files that changes the family's bytes (a timestamp)."""
        return ()

    def note(self, program: Program) -> str:
        """What the closing summary adds after a private family's count, e.g. what it holds; "" for nothing."""
        return ""

    def count(self, files: int) -> str:
        """How many files it made, in words: "3 files"."""
        return f"{files} file{'s' if files != 1 else ''}"


def render_family(family: OutputFamily, loaded: LoadedProgram, planned: Sequence[PlannedFile],
                  cache: RenderCache | None) -> Rendered:
    """A family's files: straight from the cache when none of its inputs changed since they were
    made (not a template rendered), otherwise rendered and kept whole for next time. Entries the
    family no longer needs are then pruned from its cache. (parallel.py does the same for several
    families at once, rendering in worker processes.)"""
    found, key = cached_family(family, loaded, planned, cache)
    if found is not None:
        if cache is not None:
            cache.prune()
        return found
    rendered = family.render(loaded, planned, cache)
    keep_family(cache, key, rendered)
    return rendered


def cached_family(family: OutputFamily, loaded: LoadedProgram, planned: Sequence[PlannedFile],
                  cache: RenderCache | None) -> tuple[Rendered | None, str | None]:
    """(the family's files from the cache, or None to render them; the key to keep them under)."""
    if cache is None:
        return None, None
    key = inputs_digest(loaded, f"{family.name}-{family.version}", family.libraries,
                        (*family.inputs(loaded), *(item.path for item in planned)))
    found = cache.get_set(key)
    if found is not None and set(found[0]) == {item.path for item in planned}:
        files, warnings = found
        return Rendered([Artifact(item.path, files[item.path]) for item in planned], list(warnings),
                        reused=[item.path for item in planned]), key
    return None, key


def keep_family(cache: RenderCache | None, key: str | None, rendered: Rendered) -> None:
    """Keep a family's freshly rendered files whole under its key, then prune what it no longer needs."""
    if cache is None or key is None:
        return
    cache.put_set(key, {item.path: item.data for item in rendered.artifacts}, rendered.warnings, rendered.keys)
    cache.prune()
