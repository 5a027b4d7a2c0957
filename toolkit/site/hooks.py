"""MkDocs hooks the handbook always runs (the site adapter adds this file to `hooks:`).

Labelled checkboxes: task-list checkboxes (the strategy checklist) come out of
pymdownx.tasklist as bare `<input type="checkbox" disabled>`: a screen reader announces
"checkbox" and nothing else, and axe-core reports a missing label. Each gets an accessible name
saying whether it is done. A file MkDocs loads by path, so that the effective mkdocs.yml a user
can run with a bare `mkdocs build` gives the same pages; it imports nothing of the toolkit.
"""

from __future__ import annotations

import re
from typing import Any

_TASK_BOX = re.compile(r'<input type="checkbox" disabled(?P<checked>(?: checked)?)\s*/?>')


def label_task_boxes(html: str) -> str:
    """Give every task-list checkbox an aria-label: "Done" or "Not done yet"."""

    def labelled(match: re.Match[str]) -> str:
        label = "Done" if match["checked"] else "Not done yet"
        return f'<input type="checkbox" disabled{match["checked"]} aria-label="{label}"/>'

    return _TASK_BOX.sub(labelled, html)


def on_page_content(html: str, **kwargs: Any) -> str:
    """MkDocs event: runs on every page's HTML body."""
    return label_task_boxes(html)
