"""Every word the toolkit writes into an output, in the program's language: one `Translator` per language.

The catalogues are the shipped `toolkit/locales/<code>/LC_MESSAGES/revmentor.po` files, read
and compiled in memory with Babel (`pofile.read_po`, `mofile.write_mo`) the first time a
language is asked for: nothing is written or downloaded at run time, and a `.po` a translator
has just saved is what the next run uses. `python -m toolkit.render.catalogues` keeps the
catalogues in step with the templates and the code (see catalogues.py).

Templates reach the catalogue through Jinja's i18n extension with new-style gettext:
`{{ _("Pair") }}`, `{{ _("Apply to %(name)s", name=info.name) }}`, and
`{{ ngettext("%(num)d check-in", "%(num)d check-ins", count) }}`; in an HTML template the
values are escaped where they land, the catalogue's own words are not. Python code calls the
same `Translator` (`t._`, `t.ngettext`), and marks module-level text with `N_` so extraction
finds it.

Dates, lengths and numbers follow the program's own locale where Babel knows it (de-AT writes
its dates as Austria does), the words the catalogue that fits (de-AT is written from de).
"""

from __future__ import annotations

import datetime as dt
import gettext
import hashlib
import io
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..program.languages import DOMAIN, LOCALES, catalogue, tag

__all__ = ["N_", "Translator", "translator"]


def N_(message: str) -> str:
    """Mark a module-level text for the catalogue; it is translated where it is used (`t._(TEXT)`)."""
    return message


def _compiled(code: str) -> tuple[gettext.GNUTranslations, str]:
    """A shipped catalogue, compiled in memory, and the digest of its file."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = (LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po").read_bytes()
    catalog = read_po(io.BytesIO(source), locale=code, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer), hashlib.sha256(source).hexdigest()[:16]


def _babel_locale(language: str, code: str) -> Any:
    """The program's own locale for dates and numbers when Babel knows it (de-AT), else the catalogue's."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(code)


@dataclass(frozen=True)
class Translator:
    """One language's words and formats, for templates (`context`) and Python code alike."""

    language: str
    """The program's `language` as written (fr-CA)."""
    code: str
    """The catalogue it is written from (fr, en_GB)."""
    translations: gettext.GNUTranslations
    locale: Any
    """Babel's Locale for dates and numbers."""
    digest: str
    """Of the catalogue file: part of the render-cache key of everything written from it."""

    @property
    def tag(self) -> str:
        """The language of the text, as HTML's lang and a PDF's /Lang write it: "en-GB", "fr"."""
        return tag(self.code)

    def _(self, message: str, **values: Any) -> str:
        """A message in this language, its %(name)s placeholders filled with `values`."""
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: Any) -> str:
        """The form of a message for `count` (this language's plural rule); %(num)d is the count."""
        return self.translations.ngettext(singular, plural, count) % {"num": count, **values}

    def date(self, day: dt.date) -> str:
        """A day with its weekday, short: "Mon, Feb 1, 2027", "Mon, 1 Feb 2027", "lun. 1 févr. 2027"."""
        from babel.dates import format_skeleton

        return str(format_skeleton("yMMMEd", day, locale=self.locale))

    def long_date(self, day: dt.date) -> str:
        """A day written out, as a certificate does: "February 1, 2027", "1 February 2027", "1. Februar 2027"."""
        from babel.dates import format_date

        return str(format_date(day, "long", locale=self.locale))

    def number(self, value: float) -> str:
        """A number as the locale writes it: 1,234.5 or 1 234,5."""
        from babel.numbers import format_decimal

        return str(format_decimal(value, locale=self.locale))

    def inner(self, term: str) -> str:
        """A role's name inside a sentence: German keeps its capital (nouns are capitalised), other
        languages lower-case the first letter ("Reverse mentor" -> "reverse mentor") unless the
        word is an abbreviation ("HR leader" stays)."""
        if self.code.split("_")[0] == "de":
            return term
        if len(term) > 1 and term[0].isupper() and not term[1].isupper():
            return term[0].lower() + term[1:]
        return term

    def hours(self, minutes: int) -> str:
        """810 -> "13 hours 30 minutes", as a certificate writes a length out."""
        hours, rest = divmod(minutes, 60)
        parts = [self.ngettext("%(num)d hour", "%(num)d hours", hours)] if hours else []
        if rest or not hours:
            parts.append(self.ngettext("%(num)d minute", "%(num)d minutes", rest))
        return " ".join(parts)

    def context(self) -> dict[str, Any]:
        """What a template receives from the language: its tag and the helpers that format."""
        return {"lang": self.tag, "date": self.date, "long_date": self.long_date, "inner": self.inner,
                "lower_first": self.inner, "number": self.number}


@cache
def translator(language: str) -> Translator:
    """The translator for a program's `language` (validated: see program/languages.py); made once per language."""
    code = catalogue(language) or "en"
    translations, digest = _compiled(code)
    return Translator(language, code, translations, _babel_locale(language, code), digest)
