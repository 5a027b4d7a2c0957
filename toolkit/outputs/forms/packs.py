"""Pair packs: for every pair, its forms filled in with names, dates and goals, and its calendar.

`prepare_packs` reads and checks the program and the pairs file as a whole before anything is
made: every bad row is reported by its row number and nothing is written. `write_packs` lays
each blank form out once (layout.py), fills a copy per pair (filling.py) and writes the packs
through the output writer (staged, then swapped in). Packs hold names, so they go to a private
folder that may not lie inside the handbook site.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import Problem
from ...files.output import check_output, normalise, staged_output
from ...files.paths import default_output, display_path
from ...pairing.pairs import Pair, read_pairs, shown
from ...program.model import Program
from ...program.validate import LoadedProgram, load_program
from ...render.cache import RenderCache
from ...render.text import format_date
from ..calendar import CalendarPair, program_calendar, program_stamp, time_zone
from .filling import FormFiller
from .fonts import field_characters
from .layout import FormSet, make_forms
from .plan import plan_forms, planned_hours, serves_field

COMMAND = "packs"


def pair_values(program: Program, pair: Pair, form: str, checkin: int | None = None) -> dict[str, str]:
    """What a pair pack fills in on one form: names, the pair's id, planned dates and the pair's own goals.

    Personal goal rows hold only what the pairs file's mentee_goals and mentor_goals columns say,
    never the program's goals: those are the report's. A pulse (`checkin` given) gets the check-in
    and the name of the side it is for. Each side's certificate gets both names and that side's
    planned hours, which the coordinator may overwrite with the hours held.
    """
    if form.startswith("certificate-"):
        hours = planned_hours(program, form.removeprefix("certificate-"))
        return {"mentor_name": pair.mentor_name, "mentee_name": pair.mentee_name, **({"hours": hours} if hours else {})}
    dates = program.checkin_dates()
    if form.startswith("pulse-"):
        side = form.removeprefix("pulse-")
        values = {"pair_id": pair.pair_id, "name": pair.mentor_name if side == "mentor" else pair.mentee_name}
        if checkin is not None and 0 < checkin <= len(dates):
            values["checkin"] = f"{checkin} of {len(dates)}, {format_date(dates[checkin - 1][1])}"
        return values
    values = {"pair_id": pair.pair_id, "mentor_name": pair.mentor_name, "mentee_name": pair.mentee_name}
    values.update({f"mentee_goal_{slot}": goal for slot, goal in enumerate(pair.mentee_goals, start=1)})
    values.update({f"mentor_goal_{slot}": goal for slot, goal in enumerate(pair.mentor_goals, start=1)})
    if form.startswith("checkin-"):
        number = int(form.removeprefix("checkin-"))
        if 0 < number <= len(dates):
            values["meeting_date"] = format_date(dates[number - 1][1])
    return values


def ticked(pair: Pair, form: str) -> frozenset[str]:
    """The check boxes a pair pack ticks: on the agreement, the program goals the pairs file says the pair serves."""
    return frozenset(serves_field(goal) for goal in pair.goals) if form == "agreement" else frozenset()


def pack_files(
    loaded: LoadedProgram,
    pairs: Sequence[Pair],
    blanks: Mapping[str, bytes],
    *,
    calendar: bool = True,
) -> Iterator[tuple[str, bytes]]:
    """Every file of every pair pack as (path inside the packs folder, bytes), pair by pair, each
    pair in a folder named by its id. Each blank form is read once, and the calendar's time zone
    made once; per pair only the field values and the events change."""
    program = loaded.program
    stamp = program_stamp(loaded)
    fillers = {name: FormFiller(data) for name, data in blanks.items()}
    per_checkin = {plan.name for plan in plan_forms(program) if plan.per_checkin}
    count = len(program.checkin_dates())
    zone = time_zone(program) if calendar else None
    for pair in pairs:
        folder = pair.pair_id
        for name, filler in fillers.items():
            if name in per_checkin:
                for number in range(1, count + 1):
                    yield (f"{folder}/{pair.pair_id}-checkin-{number}-{name}.pdf",
                           filler.fill(pair_values(program, pair, name, number)))
            else:
                yield (f"{folder}/{pair.pair_id}-{name}.pdf",
                       filler.fill(pair_values(program, pair, name), ticked(pair, name)))
        if calendar:
            who = CalendarPair(pair.pair_id, pair.mentor_name, pair.mentee_name)
            yield f"{folder}/{pair.pair_id}-calendar.ics", program_calendar(program, stamp, who, zone)


@dataclass(frozen=True)
class PreparedPacks:
    """A checked program and pairs file, ready for `write_packs`."""

    loaded: LoadedProgram
    pairs: tuple[Pair, ...]
    pairs_file: Path
    """The pairs file (absolute)."""


@dataclass(frozen=True)
class PacksResult:
    """What `write_packs` produced."""

    output: Path
    """The packs folder (absolute)."""
    pairs: int
    files: int
    """Files written (all recorded in the folder's manifest)."""
    seconds: float
    warnings: tuple[Problem, ...] = ()


def prepare_packs(path: str | os.PathLike[str], pairs_file: str | os.PathLike[str]) -> PreparedPacks:
    """Read and check a program (a program.yaml or its folder) and a pairs file; writes nothing.

    Raises ProgramError, or PairsError listing every bad row of the pairs file.
    """
    loaded = load_program(path)
    return PreparedPacks(loaded, read_pairs(pairs_file, loaded.program), Path(os.path.abspath(pairs_file)))


def write_packs(
    prepared: PreparedPacks,
    output: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> PacksResult:
    """Write a pack per pair (filled check-in forms and agreement, two certificates, calendar) into `output`
    (default: private/packs in the program folder). Progress lines go to `progress`, if given.

    The output folder is replaced as a whole; it may not be the program folder, lie inside
    content/ or the handbook site, or contain the pairs file.
    """
    started = time.monotonic()
    say = progress or (lambda line: None)
    loaded, pairs, source = prepared.loaded, prepared.pairs, prepared.pairs_file
    target = normalise(output if output is not None else default_output(loaded.folder, COMMAND))
    forbidden = [(default_output(loaded.folder, "site"), "the handbook site, which is public")]
    inputs = [(source, "the pairs file")]
    check_output(target, command=COMMAND, program_folder=loaded.folder, forbidden=forbidden, inputs=inputs)
    say(f"Preparing {len([p for p in plan_forms(loaded.program) if p.in_pack])} forms…")
    texts = [text for pair in pairs for text in (pair.pair_id, pair.mentor_name, pair.mentee_name)]
    texts += [goal for pair in pairs for goal in (*pair.mentee_goals, *pair.mentor_goals)]
    characters = "".join(sorted(set("".join(texts))))
    cache = RenderCache.beside(target, "forms")
    made = make_forms(loaded, cache, include=lambda plan: plan.in_pack, characters=characters)
    cache.prune()
    unshown = _unshown_names(made, pairs, display_path(source))
    say(f"Filling them in for {len(pairs)} pair{'s' if len(pairs) != 1 else ''}…")
    with staged_output(target, command=COMMAND, program_folder=loaded.folder, forbidden=forbidden,
                       inputs=inputs) as (staging, written):
        made_folders: set[str] = set()
        for rel, data in pack_files(loaded, pairs, made.blanks):
            folder = rel.rsplit("/", 1)[0]
            if folder not in made_folders:
                (staging / folder).mkdir(parents=True, exist_ok=True)
                made_folders.add(folder)
            (staging / rel).write_bytes(data)
    seconds = time.monotonic() - started
    shown_output = display_path(written.output)
    say(f"Pair packs written to {shown_output if shown_output.endswith('/') else shown_output + '/'}"
        f" ({len(pairs)} pairs, {len(written.files)} files, {seconds:.1f} s)")
    return PacksResult(written.output, len(pairs), len(written.files), seconds,
                       (*made.warnings, *unshown, *written.warnings))


def _unshown_names(made: FormSet, pairs: Sequence[Pair], file: str) -> list[Problem]:
    """Warnings for names with letters the forms' font does not have (they would print as blanks)."""
    showable: frozenset[str] | None = None
    for data in made.blanks.values():
        characters = field_characters(data)
        if characters is not None:
            showable = characters if showable is None else showable & characters
    if showable is None:
        return []
    warnings = []
    for pair in pairs:
        for column, name in (("mentor_name", pair.mentor_name), ("mentee_name", pair.mentee_name)):
            missing = sorted({char for char in name if char not in showable and not char.isspace()})
            if missing:
                warnings.append(Problem(
                    file, f"row {pair.row}: {column} '{shown(name)}' has letters the forms' font cannot show"
                    f" ({', '.join(missing)}); they would print as blanks",
                    "write the name in by hand, or give the form fields a font that has them: set font-family for"
                    " input and textarea in templates/forms/forms.css in the program folder", pair.row,
                    warning=True))
    return warnings
