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

Only what is meant to be published: a data file (a roster, a YAML file), an editor's backup or a
hidden file is never copied into the site. The site adapter leaves them out of the docs tree and
warns; MkDocs copies a theme folder's (custom_dir's) other files itself, so `on_files` drops
them there, by the same rule (`unpublished`).
"""

from __future__ import annotations

import os
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


DATA_SUFFIXES = (
    ".csv", ".tsv", ".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".numbers",  # tables: a roster, responses
    ".csv.gz", ".tsv.gz", ".json", ".jsonl", ".ndjson", ".json.gz",  # exports of a survey tool or a form
    ".db", ".sqlite", ".sqlite3", ".mdb", ".accdb",  # databases
    ".parquet", ".sav", ".dta",  # data for analysis (Parquet, SPSS, Stata)
    ".vcf",  # contacts
    ".yaml", ".yml",  # program.yaml, a copy of it
)
"""Data, never a page: the one list of what is left out of the site by its name's ending.
Images, PDFs, office documents and zip downloads are published."""
BACKUP_SUFFIXES = ("~", ".bak", ".orig", ".rej", ".swp", ".swo", ".tmp")


def unpublished(name: str) -> str | None:
    """Why a file of this name is never published, or None: it is data, a backup or hidden."""
    lower = name.lower()
    if name.startswith("."):
        return "a hidden file"
    if lower.endswith(BACKUP_SUFFIXES) or (name.startswith("#") and name.endswith("#")):
        return "an editor's backup"
    suffix = next((suffix for suffix in DATA_SUFFIXES if lower.endswith(suffix)), None)
    if suffix:
        return f"a data file ({suffix[1:].upper()})"
    return None


def on_files(files: Any, config: Any, **kwargs: Any) -> Any:
    """MkDocs event: the theme folder's data files, backups and links out of it are not copied."""
    custom = config.theme.custom_dir
    if not custom:
        return files
    real = os.path.realpath(custom)
    for file in list(files):
        source = file.abs_src_path or ""
        if os.path.commonpath([os.path.abspath(source), os.path.abspath(custom)]) != os.path.abspath(custom):
            continue
        inside = os.path.commonpath([os.path.realpath(source), real]) == real
        if not inside or unpublished(os.path.basename(source)):
            files.remove(file)
    return files


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
