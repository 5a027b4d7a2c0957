"""What an output family hands the writer: a file's path in the output, its bytes, and its label.

Rendering returns artifacts and never writes: only the output writer touches the output
folder, so a failed build leaves the previous output as it was.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Artifact:
    """One generated file, ready for the writer and for the handbook's downloads page."""

    path: str
    """Path inside the output folder, with forward slashes, e.g. "training/orientation-guide.pdf"."""
    data: bytes
    title: str
    """How the downloads page names it, e.g. "Orientation: facilitator guide"."""
    kind: str = ""
    """The downloads page's group, e.g. "Training"."""
    description: str = ""
    """One line on what the file is for."""
