"""What an output family plans and what it hands the writer.

A `PlannedFile` is known from the program alone, before anything is rendered: the handbook's
Downloads page is made from plans, so pages never wait for PDFs and never need to know how
another family names its files. An `Artifact` is a planned file's bytes. Rendering returns
artifacts and never writes: only the output writer touches the output folder, so a failed
build leaves the previous output as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem


@dataclass(frozen=True)
class PlannedFile:
    """One file an output family will make, with what the Downloads page says about it."""

    path: str
    """Path inside the output folder, with forward slashes, e.g. "training/orientation-guide.pdf"."""
    title: str
    """How the downloads page names it, e.g. "Orientation: facilitator guide"."""
    group: str = ""
    """The downloads page's heading it is listed under, e.g. "Training"."""
    description: str = ""
    """One line on what the file is for."""
    part: str = ""
    """What it is within its family, e.g. "guide", "handout", "slides", "schedule", "form"."""
    topic: str = ""
    """The id of the program item it belongs to (a module, a form), "" for the program as a whole."""


@dataclass(frozen=True)
class Artifact:
    """One generated file, ready for the writer."""

    path: str
    """Path inside the output folder, as planned."""
    data: bytes


@dataclass
class Rendered:
    """What a family's render produced: its files, the warnings met, and which were made afresh."""

    artifacts: list[Artifact] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    """Paths rendered in this run."""
    reused: list[str] = field(default_factory=list)
    """Paths taken unchanged from the render cache."""
    keys: dict[str, str] = field(default_factory=dict)
    """Path -> the render-cache key its file is kept under, where the family keeps it."""
