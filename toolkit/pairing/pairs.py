"""The pairs file: the one format `match` writes, `forms --pairs` fills packs from, and `--history` reads.

Its columns (`PAIRS_COLUMNS`) are a published format, so it is defined once, here: one row
type, one list of columns, one reader. A pairs file may also be made by hand: pair packs need
only `PACK_COLUMNS` (and read an optional `goals` column), a history file only
`HISTORY_COLUMNS`; other columns are ignored. Every problem is reported by the row a
spreadsheet shows, all at once, and nothing is written.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..errors import PairsError, Problem, RosterError, ToolkitError
from ..files.tables import Table, read_table
from ..program.model import Program

PAIRS_COLUMNS = (
    "pair_id", "mentor_id", "mentor_name", "mentor_email", "mentee_id", "mentee_name", "mentee_email", "score", "reasons",
)
"""Columns of pairs.csv and pairs.xlsx as `revmentor match` writes them, in order."""
PACK_COLUMNS = ("pair_id", "mentor_name", "mentee_name")
"""Columns pair packs need; the others may be missing."""
HISTORY_COLUMNS = ("mentor_id", "mentee_id")
"""Columns an earlier round's pairs file needs for `match --history`."""
GOALS_COLUMN = "goals"
"""Optional column: the program goals the pair's work serves, as ids separated by semicolons; ticked on the agreement."""
PERSONAL_GOAL_COLUMNS = ("mentee_goals", "mentor_goals")
"""Optional columns: each side's own goals, in their words, separated by semicolons; written on the forms."""
GOALS_PER_SIDE = 3
"""Rows for each side's own goals on the agreement and every check-in record."""

_PAIR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Pair:
    """One row of a pairs file: who is paired with whom, and the goals they work on."""

    row: int
    """The row number a spreadsheet shows (the header is row 1)."""
    pair_id: str
    mentor_name: str
    mentee_name: str
    goals: tuple[str, ...] = ()
    """Ids of the program goals the pair's work serves (never written into a personal goal's row)."""
    mentor_id: str = ""
    mentee_id: str = ""
    mentor_email: str = ""
    mentee_email: str = ""
    score: str = ""
    reasons: str = ""
    mentee_goals: tuple[str, ...] = ()
    """The mentee's own goals, in their words, as the pairs file gives them."""
    mentor_goals: tuple[str, ...] = ()
    """The mentor's own goals, in their words."""


def shown(text: str) -> str:
    """A user's value quoted back to them: control characters made visible, length capped."""
    text = _CONTROL.sub(lambda match: f"\\x{ord(match.group(0)):02x}", text)
    return text if len(text) <= 60 else text[:57] + "..."


class _Rows:
    """A pairs file's table, its columns found by name (ignoring case), checked for the ones a use needs."""

    def __init__(self, table: Table, required: Sequence[str], fix: str, error: type[ToolkitError]) -> None:
        self.table = table
        header = self.table.header
        self.columns = {name.strip().casefold(): index for index, name in reversed(list(enumerate(header))) if name}
        missing = [name for name in required if name not in self.columns]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            found = ", ".join(f"'{name}'" for name in header if name) or "none"
            raise error(Problem(self.table.file, f"row 1: missing column{plural} {', '.join(repr(n) for n in missing)};"
                                f" the columns found are: {found}", fix, 1))

    def cell(self, cells: tuple[str, ...], name: str) -> str:
        index = self.columns.get(name)
        return cells[index] if index is not None else ""

    def pair(self, row: int, cells: tuple[str, ...]) -> Pair:
        """The row as a Pair, with every column of PAIRS_COLUMNS it has, as written."""
        value = functools.partial(self.cell, cells)
        return Pair(row, value("pair_id"), value("mentor_name"), value("mentee_name"), (), value("mentor_id"),
                    value("mentee_id"), value("mentor_email"), value("mentee_email"), value("score"), value("reasons"))


def read_history(path: str | os.PathLike[str]) -> tuple[Pair, ...]:
    """An earlier round's pairs file, for `match --history`: mentor_id and mentee_id are required.

    The quote `match` puts before text Excel would run as a formula is removed again.
    Raises RosterError listing every bad row.
    """
    table = _read(path, RosterError)
    with table.reporting(RosterError):
        pairs = _history(_Rows(table, HISTORY_COLUMNS, "give a pairs.csv written by `revmentor match` (columns: "
                               + ", ".join(PAIRS_COLUMNS) + ")", RosterError))
    return pairs


def _read(path: str | os.PathLike[str], error: type[ToolkitError]) -> Table:
    """The pairs file's table; a file that cannot be read as one raises `error`."""
    try:
        return read_table(path, what="pairs file")
    except RosterError as failure:
        raise error(failure.problems) from None


def _history(rows: _Rows) -> tuple[Pair, ...]:
    """Every row with both ids; raises RosterError listing every row without them."""
    pairs, problems = [], []
    for number, cells in rows.table.rows:
        pair = rows.pair(number, cells)
        empty = [name for name in HISTORY_COLUMNS if not getattr(pair, name)]
        if empty:
            problems.append(Problem(rows.table.file, f"row {number}: {' and '.join(empty)}"
                                    f" {'is' if len(empty) == 1 else 'are'} empty",
                                    "give both ids of the pair, or delete the row", number))
            continue
        pairs.append(pair)
    if problems:
        raise RosterError(problems)
    return tuple(pairs)


def read_pairs(path: str | os.PathLike[str], program: Program) -> tuple[Pair, ...]:
    """A pairs file to make pair packs from, checked against the program (CSV or XLSX).

    Raises PairsError listing every problem, each with its row number and fix.
    """
    table = _read(path, PairsError)
    with table.reporting(PairsError):
        pairs = _packs(_Rows(table, PACK_COLUMNS, "use the pairs file `revmentor match` writes, or give it the"
                             " columns " + ", ".join(PACK_COLUMNS) + " (see the README's section on pair packs)",
                             PairsError), program)
    return pairs


def _packs(rows: _Rows, program: Program) -> tuple[Pair, ...]:
    """Every row checked for a pair pack: ids, names and goals; raises PairsError listing every problem."""
    table = rows.table
    if not table.rows:
        raise PairsError(Problem(table.file, "has a header row but no pairs", "add one row per pair below the header",
                                 1))
    known = [goal.id for goal in program.goals]
    problems: list[Problem] = []
    pairs: list[Pair] = []
    first_row: dict[str, int] = {}

    def error(row: int, message: str, fix: str) -> None:
        problems.append(Problem(table.file, f"row {row}: {message}", fix, row))

    for row, cells in table.rows:
        def cell(name: str, cells: tuple[str, ...] = cells) -> str:
            return " ".join(rows.cell(cells, name).split())

        pair_id = cell("pair_id")
        if not pair_id:
            error(row, "pair_id is empty", "give every pair an id such as P001, or delete the row")
        elif (row, rows.columns["pair_id"]) in table.flagged:
            pass  # the control character in it is reported, with the rest of the row
        elif not _PAIR_ID.match(pair_id):
            error(row, f"pair_id '{shown(pair_id)}' cannot name a folder",
                  "use letters, digits, '-', '_' and '.' only, starting with a letter or digit, at most 60"
                  " characters (e.g. P001)")
        elif pair_id.casefold() in first_row:
            error(row, f"pair_id '{pair_id}' is already used on row {first_row[pair_id.casefold()]}",
                  "give every pair its own id; remove or merge the repeated row")
        else:
            first_row[pair_id.casefold()] = row
        names = {}
        for column in ("mentor_name", "mentee_name"):
            name = cell(column)
            if not name:
                error(row, f"{column} is empty", f"write the {column.split('_')[0]}'s name, or delete the row")
            elif len(name) > 200:
                error(row, f"{column} is {len(name)} characters long", "shorten it to at most 200 characters")
            names[column] = name
        goals: list[str] = []
        goals_text = cell(GOALS_COLUMN)
        for goal_id in (part.strip() for part in re.split(r"[;,]", goals_text)):
            if not goal_id:
                continue
            if goal_id not in known:
                close = difflib.get_close_matches(goal_id, known, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'? " if close else ""
                error(row, f"goals: unknown goal '{shown(goal_id)}'",
                      f"{hint}use the ids of program.yaml's goals, separated by semicolons: {', '.join(known)}")
            elif goal_id not in goals:
                goals.append(goal_id)
        personal: dict[str, tuple[str, ...]] = {}
        for column in PERSONAL_GOAL_COLUMNS:
            written = tuple(part.strip() for part in re.split(r"[;\n]", rows.cell(cells, column)) if part.strip())
            side = column.split("_")[0]
            if len(written) > GOALS_PER_SIDE:
                error(row, f"{column} holds {len(written)} goals; the forms have room for {GOALS_PER_SIDE}",
                      f"keep the {GOALS_PER_SIDE} that matter most to the {side}, separated by semicolons")
            for goal in written:
                if len(goal) > 200:
                    error(row, f"{column}: a goal is {len(goal)} characters long",
                          "shorten it to at most 200 characters: one goal, not a plan")
            personal[column] = tuple(" ".join(goal.split()) for goal in written)
        pairs.append(replace(rows.pair(row, cells), pair_id=pair_id, mentor_name=names["mentor_name"],
                             mentee_name=names["mentee_name"], goals=tuple(goals),
                             mentor_id=cell("mentor_id"), mentee_id=cell("mentee_id"),
                             mentee_goals=personal["mentee_goals"], mentor_goals=personal["mentor_goals"]))
    if problems:
        raise PairsError(problems)
    return tuple(pairs)
