"""The match's files: pairs.csv and pairs.xlsx for the next steps, match-report.html for the coordinator.

Why here and not in `matching`: rendering is a pure function of the result (same pairs, same
bytes) and the files go, through the output writer, to a private folder that is replaced as a
whole, never into the handbook site: they hold names and e-mail addresses.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OutputFolderError, Problem
from ..files.output import MANIFEST, staged_output
from ..files.paths import default_output, display_path, round_number, round_output
from ..files.tables import Sheet, csv_bytes, xlsx_bytes
from ..render.templating import environment, render
from .matching import RULE_TEXT, MatchResult
from .pairs import PAIRS_COLUMNS
from .roster import MENTEE

COMMAND = "match"

PAIRS_CSV = "pairs.csv"
PAIRS_XLSX = "pairs.xlsx"
REPORT_HTML = "match-report.html"
UNMATCHED_COLUMNS = ("id", "name", "email", "role", "reason")


def pair_rows(result: MatchResult) -> list[list[object]]:
    """pairs.csv's rows: the columns of `PAIRS_COLUMNS`, reasons joined with '; '."""
    return [
        [pair.pair_id, pair.mentor.id, pair.mentor.name, pair.mentor.email, pair.mentee.id, pair.mentee.name,
         pair.mentee.email, f"{pair.score:.2f}", "; ".join(pair.reasons)]
        for pair in result.pairs
    ]


def unmatched_rows(result: MatchResult) -> list[list[object]]:
    """The Unmatched sheet's rows: who, their role and why."""
    return [[u.person.id, u.person.name, u.person.email, u.person.role, u.reason] for u in result.unmatched]


def render_csv(result: MatchResult) -> bytes:
    """pairs.csv: UTF-8 with BOM, comma separated, Excel-safe text."""
    return csv_bytes(PAIRS_COLUMNS, pair_rows(result))


def render_xlsx(result: MatchResult) -> bytes:
    """pairs.xlsx: the pairs (scores as numbers) and a sheet of everyone unmatched with why."""
    rows = [[*row[:7], float(str(row[7])), row[8]] for row in pair_rows(result)]
    return xlsx_bytes([
        Sheet("Pairs", PAIRS_COLUMNS, rows, (8, 12, 24, 28, 12, 24, 28, 8, 70)),
        Sheet("Unmatched", UNMATCHED_COLUMNS, unmatched_rows(result), (12, 24, 28, 10, 90)),
    ])


@dataclass(frozen=True)
class Bin:
    """One bar of the score histogram."""

    low: float
    high: float
    count: int
    share: float
    """Fraction of the tallest bar, for the bar's width."""


def histogram(scores: Sequence[float], top: float, bins: int = 10) -> list[Bin]:
    """Pair scores in `bins` equal ranges from 0 to the best possible score."""
    top = max(top, max(scores, default=0.0), 1e-9)
    width = top / bins
    counts = [0] * bins
    for score in scores:
        counts[min(bins - 1, math.floor(score / width + 1e-9))] += 1
    tallest = max(counts) or 1
    return [Bin(round(i * width, 2), round((i + 1) * width, 2), c, c / tallest) for i, c in enumerate(counts)]


def render_html(result: MatchResult) -> str:
    """match-report.html: summary, score distribution, rules that bound, unmatched people, all pairs."""
    env = environment(result.folder, "html")
    return render(env, "match/report.html.j2", _context(result), result.folder)


def _context(result: MatchResult) -> dict[str, Any]:
    scores = [pair.score for pair in result.pairs]
    mentees = len(result.roster.mentees)
    weights = result.matching.weights
    return {
        "result": result,
        "title": f"{result.program_name}: match report" if result.program_name else "Match report",
        "mentor_name": result.terminology.mentor,
        "mentee_name": result.terminology.mentee,
        "mentors": len(result.roster.mentors),
        "mentees": mentees,
        "people": len(result.roster.people),
        "paired_share": f"{100 * len(result.pairs) / mentees:.0f}%" if mentees else "0%",
        "mean": f"{sum(scores) / len(scores):.2f}" if scores else "none",
        "lowest": f"{min(scores):.2f}" if scores else "none",
        "max_score": f"{result.max_score:g}",
        "bins": histogram(scores, result.max_score),
        "unmatched_mentees": [u for u in result.unmatched if u.person.role == MENTEE],
        "unmatched_mentors": [u for u in result.unmatched if u.person.role != MENTEE],
        "places_ran_out": sum(1 for u in result.unmatched if "places" in u.bound),
        "load_hint": _load_hint(result),
        "rule_text": RULE_TEXT,
        "rules_off": [name for name, on in result.matching.rules.model_dump().items() if not on],
        "weights": [(name, f"{value:g}") for name, value in weights.model_dump().items()],
        "columns": PAIRS_COLUMNS,
    }


def _load_hint(result: MatchResult) -> str:
    """A word to the coordinator when some mentors wait while others took a second mentee."""
    idle = sum(1 for u in result.unmatched if u.person.role != MENTEE and u.person.capacity > 0)
    busy = sum(1 for pair in result.pairs if pair.place == 1)
    if not (idle and busy):
        return ""
    load = result.matching.weights.load
    return (f"{idle} mentor{'s have' if idle != 1 else ' has'} no mentee while {busy} took a second: raise"
            f" matching.weights.load (now {load:g}) to spread mentees more evenly, at some cost to the pair scores.")


@dataclass(frozen=True)
class WrittenMatch:
    """Where `write_match` put the match's files."""

    output: Path
    """The folder (absolute)."""
    files: tuple[str, ...]
    """Paths of the files written."""
    warnings: tuple[Problem, ...] = ()
    """Leftovers of earlier runs kept because they hold files revmentor did not write."""


def default_match_output(result: MatchResult) -> Path:
    """private/match for a first round, private/match-round-N for round N, so that a later round
    never replaces the files of an earlier one (which it may be reading as history).

    Redoing a round once a later one exists is refused: that round was built on its pairs.
    """
    first, target = (round_output(result.folder or Path(), number) for number in (1, result.round))
    later = sorted(number for folder in first.parent.glob(f"{first.name}-round-*")
                   if (number := round_number(folder)) and number > result.round and (folder / MANIFEST).is_file())
    if later and (target / MANIFEST).is_file():
        shown, since = display_path(target), display_path(first.with_name(f"{first.name}-round-{later[-1]}"))
        raise OutputFolderError(Problem(
            shown, f"holds round {result.round}, and round {later[-1]} ({since}) has been made since: replacing round"
            f" {result.round} would lose the pairs the later rounds were kept from repeating",
            f"for a new round, give every earlier round's pairs.csv with --history; to redo round {result.round}"
            f" anyway, say so with -o {shown}"))
    return target


def write_match(result: MatchResult, output: str | os.PathLike[str] | None = None) -> WrittenMatch:
    """Write pairs.csv, pairs.xlsx and match-report.html into a private folder, replacing what an
    earlier match wrote there; the default (`default_match_output`) is private/match in the
    program folder (in the working folder without a program) for a first round, and
    private/match-round-N for round N, where .gitignore keeps them out of version control.

    The folder may not be the program folder, lie in content/ or in the handbook site, nor hold
    the roster or a history file. Nothing is written if rendering fails, and an earlier output is
    left as it was.
    """
    target = Path(output) if output is not None else default_match_output(result)
    files = {PAIRS_CSV: render_csv(result), PAIRS_XLSX: render_xlsx(result), REPORT_HTML: render_html(result).encode()}
    forbidden = [(default_output(result.folder, "site"), "the handbook site, which is public")] if result.folder else []
    with staged_output(target, command=COMMAND, program_folder=result.folder, forbidden=forbidden,
                       inputs=result.inputs) as (staging, written):
        for name, data in files.items():
            (staging / name).write_bytes(data)
    return WrittenMatch(written.output, tuple(str(written.output / name) for name in written.files),
                        tuple(written.warnings))
