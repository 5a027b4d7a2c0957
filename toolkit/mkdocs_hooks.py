"""MkDocs hooks the handbook always runs (the site adapter adds this file to `hooks:`).

- Labelled checkboxes. Task-list checkboxes (the strategy checklist) come out of
  pymdownx.tasklist as bare `<input type="checkbox" disabled>`: a screen reader announces
  "checkbox" and nothing else, and axe-core reports a missing label. Each gets an accessible
  name saying whether it is done.
- Compiled theme templates kept between builds (`on_env`), as the handbook's own are.
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


def on_env(env: Any, **kwargs: Any) -> Any:
    """MkDocs event: the theme's Jinja environment, given the toolkit's compiled-template cache
    when our build is the one running (a bare `mkdocs build` compiles as it always does)."""
    from toolkit.templating import theme_cache

    cache = theme_cache(env)
    if cache is not None:
        env.bytecode_cache = cache
    return env
