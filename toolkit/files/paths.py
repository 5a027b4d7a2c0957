"""Paths every layer names: the packaged defaults, the default output folders, paths as shown to users.

A wheel carries the packaged defaults (templates, the flagship program, content and mkdocs.yml)
in toolkit/_data; a source checkout (editable install) uses the repository root, which is
itself the flagship program folder.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent.parent / "_data"

PROGRAM_FILE = "program.yaml"
CACHE_FOLDER = ".revmentor-cache"
"""Beside an output folder: rendered documents kept by the digest of their inputs (render/cache.py)."""

DEFAULT_OUTPUTS = {
    "site": "site",
    "match": "private/match",
    "packs": "private/packs",
    "report": "private/report",
    "collect": "private/collect",
    "response-templates": "private/response-templates",
    "comms": "private/comms",
    "trainer": "private/trainer",
}
"""Where each command writes, inside the program folder, unless told otherwise. Everything with
names or answers in it goes under private/, which `init`'s .gitignore keeps out of version control."""


def default_output(program_folder: Path, command: str) -> Path:
    """The output folder `command` (a key of DEFAULT_OUTPUTS) uses for a program folder."""
    return program_folder / DEFAULT_OUTPUTS[command]


def round_output(program_folder: Path, number: int, command: str = "match") -> Path:
    """Where `match` (or `forms`, with command "packs") writes round `number` by default:
    private/match, then private/match-round-N (private/packs, private/packs-round-N)."""
    first = default_output(program_folder, command)
    return first if number == 1 else first.with_name(f"{first.name}-round-{number}")


def round_number(folder: Path, command: str = "match") -> int | None:
    """The round a default match (or packs) folder holds, by its name (1 for match, N for
    match-round-N); None for a folder of another name."""
    first = Path(DEFAULT_OUTPUTS[command]).name
    if folder.name == first:
        return 1
    number = folder.name.removeprefix(f"{first}-round-")
    return int(number) if number != folder.name and number.isdigit() and number[0] != "0" else None


def data_dir() -> Path:
    """The folder holding the packaged templates/, content/, program.yaml and mkdocs.yml."""
    return _PACKAGED if _PACKAGED.is_dir() else _PACKAGED.parent.parent


def installed_from_wheel() -> bool:
    """Whether the defaults are the wheel's packaged copy, fixed at install time, rather than a
    source checkout's files, which a developer edits (and may be writing to right now)."""
    return _PACKAGED.is_dir()


def templates_dir() -> Path:
    """The packaged templates; a program folder's own templates/ override them by path."""
    return data_dir() / "templates"


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


_SPELLED_OUT = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l",
                              "ı": "i", "ŀ": "l"})
"""Letters that do not decompose into a base letter and an accent, written as a German or Nordic reader would."""


def ascii_slug(text: str, fallback: str) -> str:
    """Lowercase ASCII letters and digits joined by hyphens, for a file name or an id.

    Letters keep their base letter rather than vanish ("Regards croisés" -> "regards-croises",
    "Großhandel" -> "grosshandel"): a slug that drops letters reads as a typo in every file name.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_SPELLED_OUT))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or fallback
