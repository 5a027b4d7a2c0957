"""MkDocs hooks the handbook always runs (the site adapter adds this file to `hooks:`).

A file MkDocs loads by path, so that the effective mkdocs.yml a user can run with a bare
`mkdocs build` gives the same pages; it imports nothing of the toolkit.

Labelled checkboxes: task-list checkboxes (the strategy checklist) come out of
pymdownx.tasklist as bare `<input type="checkbox" disabled>`: a screen reader announces
"checkbox" and nothing else, and axe-core reports a missing label. Each gets an accessible name
saying whether it is done.

Text stays text: the theme environment does not autoescape, and MkDocs and Material write
`config.site_name` (the program's name, plain text from program.yaml) raw into every page's
header, nav and title, and turn a page title's HTML back into raw text with `striptags` for the
`<title>`. `on_config` and `on_env` fix both at the root, for Material and any template override.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

_TASK_BOX = re.compile(r'<input type="checkbox" disabled(?P<checked>(?: checked)?)\s*/?>')


def label_task_boxes(html: str) -> str:
    """Give every task-list checkbox an aria-label: "Done" or "Not done yet"."""

    def labelled(match: re.Match[str]) -> str:
        label = "Done" if match["checked"] else "Not done yet"
        return f'<input type="checkbox" disabled{match["checked"]} aria-label="{label}"/>'

    return _TASK_BOX.sub(labelled, html)


def striptags(value: Any) -> Markup:
    """Jinja's `striptags`, which also unescapes entities (`&lt;/title&gt;` became a real
    `</title>`), with the text escaped again: HTML in, the same text as HTML out."""
    return escape(Markup(str(value)).striptags())  # noqa: S704 - the value is HTML already; its text is escaped


def on_config(config: Any, **kwargs: Any) -> Any:
    """MkDocs event: the site name as escaped Markup, right where a template writes it raw and
    where it escapes it (`| e` leaves Markup as it is)."""
    config.site_name = escape(config.site_name)
    return config


def on_env(env: Any, **kwargs: Any) -> Any:
    """MkDocs event: the theme's Jinja environment gets the escaping `striptags`."""
    env.filters["striptags"] = striptags
    return env


def on_page_content(html: str, **kwargs: Any) -> str:
    """MkDocs event: runs on every page's HTML body."""
    return label_task_boxes(html)
