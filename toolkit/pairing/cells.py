"""Reading one cell of a roster or an applications export: lists, roles, answers matched as people type them.

Why a module of its own: the roster (roster.py) and the applications (applications.py) read the
same kinds of cells the same way, and the roster joins the applications to itself, so what
both need lives below them both.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from ..program.model import Terminology

MENTOR = "mentor"
MENTEE = "mentee"
_LIST_SPLIT = re.compile(r"[;,\n]")
_YES = {"yes", "y", "true", "1", "agreed", "x", "on", "ticked", "checked", "done"}
_NO = {"no", "n", "false", "0", "off", "not yet", "notyet", "not agreed", "declined", "refused"}


def split_list(text: str) -> tuple[str, ...]:
    """A cell listing topics or languages: separated by semicolons (or commas), spaces tidied, duplicates dropped."""
    items: list[str] = []
    seen = set()
    for part in _LIST_SPLIT.split(text):
        item = " ".join(part.split())
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return tuple(items)


def plain(text: str) -> str:
    """An answer compared as people type it: case, runs of spaces and a closing full stop ignored."""
    return " ".join(text.split()).casefold().rstrip(".")


def role_names(terminology: Terminology) -> dict[str, str]:
    """Accepted spellings of the two roles: mentor and mentee, and the program's own names for them."""
    names = {MENTOR: MENTOR, MENTEE: MENTEE, "mentors": MENTOR, "mentees": MENTEE}
    names.setdefault(terminology.mentor.casefold(), MENTOR)
    names.setdefault(terminology.mentee.casefold(), MENTEE)
    return names


def consent(text: str) -> bool | None:
    """A yes or no cell (a manager's consent): True, False, or None when empty; ValueError otherwise."""
    value = plain(text)
    if not value:
        return None
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(text)


def did_you_mean(text: str, options: Sequence[str], cutoff: float = 0.6) -> str:
    """'did you mean 'X'? ' for the closest of `options` (ignoring case and spaces), or ''."""
    keys: dict[str, str] = {}
    for option in options:
        keys.setdefault(plain(option), option)
    close = difflib.get_close_matches(plain(text), list(keys), n=1, cutoff=cutoff)
    return f"did you mean '{keys[close[0]]}'? " if close else ""


def did_you_mean_address(address: str, addresses: Sequence[str]) -> str:
    """'did you mean 'X'? ' for an e-mail address one typo away from one of `addresses`: the part
    before the @ compared among the same domain's, or the domain for the same name; else ''."""
    name, _, domain = plain(address).partition("@")
    split = [(other, *plain(other).partition("@")[::2]) for other in addresses]
    same_domain = {other_name: other for other, other_name, other_domain in split if other_domain == domain}
    close = difflib.get_close_matches(name, list(same_domain), n=1, cutoff=0.75)
    if close:
        return f"did you mean '{same_domain[close[0]]}'? "
    same_name = {other_domain: other for other, other_name, other_domain in split if other_name == name}
    close = difflib.get_close_matches(domain, list(same_name), n=1, cutoff=0.8)
    return f"did you mean '{same_name[close[0]]}'? " if close else ""


def listing(options: Sequence[str], limit: int = 12) -> str:
    """Options quoted one after the other, or the first `limit` and how many more."""
    shown = ", ".join(f"'{option}'" for option in options[:limit])
    return shown + (f" and {len(options) - limit} more" if len(options) > limit else "")
