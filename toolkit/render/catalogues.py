"""Keep the message catalogues in step with the templates and the code: `python -m toolkit.render.catalogues`.

One command does it all: it extracts every message from the packaged templates (Jinja's
extractor: `_()`, `gettext`, `ngettext`, `{% trans %}`) and from the toolkit's Python (`_`,
`ngettext`, `N_`) into `toolkit/locales/revmentor.pot`, then updates every
`toolkit/locales/<code>/LC_MESSAGES/revmentor.po` from it: new messages are added untranslated
(or fuzzy, with the old translation of a message that changed, for a translator to check),
messages no longer used are dropped. English is the source language, so its catalogue is
filled with the messages themselves. `--add xx` starts the catalogue of a new language.

The template has no line numbers and a fixed date, so the same sources give the same bytes and
`tests/test_languages.py` can compare the shipped template with a fresh extraction.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..files.paths import templates_dir
from ..program.languages import DOMAIN, LOCALES, available

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
SOURCE_LANGUAGE = "en"
_FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""Every catalogue's header date: the files change only when their messages do."""
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trim_blocks": "true",
                 "lstrip_blocks": "true", "keep_trailing_newline": "true", "silent": "false"}


def extract() -> Any:
    """A fresh template catalogue (Babel's Catalog) of every message the templates and the code hold."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    template = Catalog(domain=DOMAIN, project="revmentor", version="", copyright_holder="the revmentor authors",
                       msgid_bugs_address="", creation_date=_FIXED, revision_date=_FIXED, fuzzy=False)
    sources: tuple[tuple[Path, list[tuple[str, str]], dict[str, dict[str, str]], str], ...] = (
        (templates_dir(), [("**.j2", "jinja2.ext:babel_extract")], {"**.j2": JINJA_OPTIONS}, "templates"),
        (PACKAGE, [("**.py", "python")], {}, "toolkit"),
    )
    for folder, method_map, options, prefix in sources:
        found = extract_from_dir(str(folder), method_map, options, keywords=KEYWORDS, comment_tags=("Translators:",),
                                 strip_comment_tags=True)
        for filename, _line, message, comments, context in found:
            where = f"{prefix}/{Path(filename).as_posix()}"
            template.add(message, None, [(where, None)], auto_comments=comments, context=context)  # type: ignore[list-item]
    return template


def _text(catalog: Any) -> bytes:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, ignore_obsolete=True, sort_output=False)
    return out.getvalue()


def template_text() -> bytes:
    """What revmentor.pot holds when it is up to date."""
    return _text(extract())


def _po_file(code: str) -> Path:
    return LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def _fill_source(catalog: Any) -> None:
    """English is the language the messages are written in: each one is its own translation."""
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(message.id[min(i, 1)] for i in range(catalog.num_plurals))
        else:
            message.string = message.id
        message.flags.discard("fuzzy")


def update(codes: Sequence[str] = ()) -> list[Path]:
    """Write revmentor.pot and update the catalogues of `codes` (every shipped one by default); the files written."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    template = extract()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(_text(template))
    written = [TEMPLATE]
    for code in codes or available():
        path = _po_file(code)
        if path.is_file():
            with path.open("rb") as file:
                catalog = read_po(file, locale=code, domain=DOMAIN)
        else:
            catalog = Catalog(locale=code, domain=DOMAIN, project="revmentor", copyright_holder="the revmentor authors",
                              creation_date=_FIXED, fuzzy=False)
        catalog.revision_date = _FIXED
        catalog.update(copy.deepcopy(template), update_header_comment=False)  # update keeps the template's messages
        if code == SOURCE_LANGUAGE:
            _fill_source(catalog)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_text(catalog))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """The command: update every catalogue, or start a new language with --add."""
    parser = argparse.ArgumentParser(prog="python -m toolkit.render.catalogues", description=__doc__.split("\n\n")[0])
    parser.add_argument("--add", metavar="CODE", help="start the catalogue of a new language, e.g. pt or pt_BR")
    args = parser.parse_args(argv)
    codes: list[str] = []
    if args.add:
        from babel import Locale, UnknownLocaleError

        code = args.add.replace("-", "_")
        try:
            Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            parser.error(f"'{args.add}' is not a language Babel knows: write a code such as pt, pt_BR or sv")
        if _po_file(code).is_file():
            parser.error(f"{_po_file(code)} exists already: run without --add to update it")
        codes = [*available(), code]
    for path in update(codes):
        print(f"wrote {path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE.parent) else path}")
    if args.add:
        print(f"now translate every message in {_po_file(code)}; `language: {code.replace('_', '-')}` then uses it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
