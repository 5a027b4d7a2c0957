"""Which languages the toolkit writes in, and which catalogue a program's `language` picks.

A catalogue is a folder `toolkit/locales/<code>/LC_MESSAGES/revmentor.po` (en, en_GB, fr, ...).
A program's `language` is a BCP 47 tag as HTML writes it (`fr`, `en-GB`, `de-AT`); a region
with a catalogue of its own gets it (`en-GB` -> en_GB), any other region falls back to its
language (`fr-CA` -> fr, `de-AT` -> de). A language without a catalogue is an error, located at
the value, that names the languages there are and the command that starts a new one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "locales"
"""The shipped catalogues: one folder per language, with LC_MESSAGES/revmentor.po."""
DOMAIN = "revmentor"
LANGUAGE_PATTERN = r"^[a-z]{2}(-[A-Za-z]{2,4})?$"
"""What `program.language` may be: a language code, with a region or script after a hyphen."""
ADD_COMMAND = "python -m toolkit.render.catalogues --add"
"""How a new language is started (see README, Languages)."""


@cache
def available() -> tuple[str, ...]:
    """The catalogue codes shipped, sorted: ("de", "en", "en_GB", "es", "fr", "nl")."""
    if not LOCALES.is_dir():
        return ()
    return tuple(sorted(path.name for path in LOCALES.iterdir()
                        if (path / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()))


def catalogue(language: str) -> str | None:
    """The catalogue a program's `language` is written in: `en-GB` -> "en_GB", `fr-CA` -> "fr"; None if none fits."""
    base, _, region = language.replace("_", "-").partition("-")
    base = base.lower()
    shipped = available()
    if region:
        regional = f"{base}_{region.upper()}"
        if regional in shipped:
            return regional
    return base if base in shipped else None


def tag(code: str) -> str:
    """A catalogue code as HTML's lang and a PDF's /Lang write it: "en_GB" -> "en-GB"."""
    return code.replace("_", "-")


def unknown_language(language: str) -> tuple[str, str]:
    """What is wrong with a `language` that has no catalogue, and the fix: (message, fix)."""
    names = ", ".join(tag(code) for code in available())
    base = language.replace("_", "-").partition("-")[0].lower()
    return (f"no catalogue for language '{language}': the toolkit writes its forms and calendars in {names}",
            f"write one of {names} (a region such as fr-CA falls back to its language), or add the language:"
            f" run `{ADD_COMMAND} {base}` and translate toolkit/locales/{base}/LC_MESSAGES/{DOMAIN}.po")
