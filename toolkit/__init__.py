"""Reverse-mentoring program toolkit: program.yaml in, handbook, training pack and forms out.

The public API is small and import-light; heavy libraries load inside the functions that
need them, so `revmentor --help` and `revmentor validate` start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .build import BuildResult, build
from .errors import BuildError, Problem, ProgramError, RosterError, ToolkitError
from .validate import LoadedProgram, load_program

if TYPE_CHECKING:
    from .matching import MatchResult, match, read_pairs, write_match

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "BuildResult",
    "LoadedProgram",
    "MatchResult",
    "Problem",
    "ProgramError",
    "RosterError",
    "ToolkitError",
    "__version__",
    "build",
    "load_program",
    "match",
    "read_pairs",
    "write_match",
]

_MATCHING = {"MatchResult", "match", "read_pairs", "write_match"}


def __getattr__(name: str) -> Any:
    """The matching API, loaded on first use so that importing the toolkit stays light."""
    if name in _MATCHING:
        from . import matching

        return getattr(matching, name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
