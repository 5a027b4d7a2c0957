"""Reverse-mentoring program toolkit: program.yaml in, handbook, training pack and forms out.

The public API is small and import-light; heavy libraries load inside the functions that
need them, so `revmentor --help` and `revmentor validate` start fast.
"""

from __future__ import annotations

from .build import BuildResult, build
from .errors import BuildError, Problem, ProgramError, ToolkitError
from .validate import LoadedProgram, load_program

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "BuildResult",
    "LoadedProgram",
    "Problem",
    "ProgramError",
    "ToolkitError",
    "__version__",
    "build",
    "load_program",
]
