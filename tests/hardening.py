"""Counters for the hardening summary that pytest prints at the end of a run.

Tests call `record("bad inputs tried", n)`; conftest's `pytest_terminal_summary` prints the
totals, so CI's log says how much was thrown at the toolkit and what it lost.
"""

from __future__ import annotations

from collections import Counter

COUNTS: Counter[str] = Counter()
ORDER = ("bad inputs tried", "faults survived", "files lost")


def record(what: str, count: int = 1) -> None:
    """Add `count` to the named counter."""
    COUNTS[what] += count


def summary() -> str:
    """'bad inputs tried: 57, faults survived: 22, files lost: 0'."""
    return ", ".join(f"{name}: {COUNTS[name]}" for name in ORDER)
