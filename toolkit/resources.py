"""Where the packaged defaults live: templates, the flagship program, content and mkdocs.yml.

A wheel carries them in toolkit/_data; a source checkout (editable install) uses the
repository root, which is itself the flagship program folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "_data"


def data_dir() -> Path:
    """The folder holding the packaged templates/, content/, program.yaml and mkdocs.yml."""
    return _PACKAGED if _PACKAGED.is_dir() else _PACKAGED.parent.parent


def templates_dir() -> Path:
    """The packaged templates; a program folder's own templates/ override them by path."""
    return data_dir() / "templates"
