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
    from .forms import write_packs
    from .matching import MatchResult, match, read_pairs, write_match
    from .report import prepare_report, write_report
    from .scaffold import init

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
    "init",
    "load_program",
    "match",
    "prepare_report",
    "read_pairs",
    "write_match",
    "write_packs",
    "write_report",
]

_LAZY = {
    "MatchResult": "matching",
    "match": "matching",
    "read_pairs": "matching",
    "write_match": "matching",
    "write_packs": "forms",
    "prepare_report": "report",
    "write_report": "report",
    "init": "scaffold",
}
"""Names whose modules pull in numpy, scipy, WeasyPrint or openpyxl: imported on first use."""


def __getattr__(name: str) -> Any:
    """Load the heavier parts of the API on first use, so that importing the toolkit stays light."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
