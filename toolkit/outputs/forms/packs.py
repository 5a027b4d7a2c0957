"""Pair packs: for every pair, its forms filled in with names, dates and goals, and a calendar each.

`prepare_packs` reads and checks the program and the pairs file as a whole before anything is
made: every bad row is reported by its row number and nothing is written. `write_packs` lays
each blank form out once (layout.py), fills a copy per pair (filling.py) and writes the packs
through the output writer (staged, then swapped in). Packs hold names, so they go to a private
folder that may not lie inside the handbook site.

Packs are made one round at a time (`pairs_round`): a round's pack holds that round's check-in
forms, an agreement listing them, and calendars of that round only; round N's packs go to
private/packs-round-N by default, as its pairs went to private/match-round-N.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import PairsError, Problem, UsageError
from ...evaluation.identity import form_identity
from ...files.output import check_output, normalise, staged_output
from ...files.paths import default_output, display_path, round_output
from ...pairing.pairs import Pair, read_pairs, shown
from ...program.model import Program
from ...program.validate import LoadedProgram, load_program, unknown_round
from ...progress import count, wrote
from ...render.cache import RenderCache
from ...render.i18n import translator
from .. import comms
from ..calendar import SIDES, CalendarPair, changed_at, program_calendar, program_stamp, time_zone
from .filling import FormFiller
from .fonts import field_characters
from .layout import FormSet, make_forms
from .plan import Checkin, checkins, plan_forms, planned_hours, serves_field

COMMAND = "packs"
_ROUND_ID = re.compile(r"^R([1-9][0-9]*)-", re.IGNORECASE)
"""A pair id that says its round, as `revmentor match` writes them: R2-P001."""


def pair_values(program: Program, pair: Pair, form: str, checkin: Checkin | None = None,
                round_number: int | None = None) -> dict[str, str]:
    """What a pair pack fills in on one form: names, the pair's id, planned dates and the pair's own goals.

    Personal goal rows hold only what the pairs file's mentee_goals and mentor_goals columns say,
    never the program's goals: those are the report's. A pulse gets its `checkin` (one of the round's,
    made once for all pairs by `pack_files`) and the name of the side it is for. Each side's
    certificate gets both names and that side's planned hours, which the coordinator may overwrite
    with the hours held.
    """
    if form.startswith("certificate-"):
        hours = planned_hours(program, form.removeprefix("certificate-"), round_number)
        return {"mentor_name": pair.mentor_name, "mentee_name": pair.mentee_name, **({"hours": hours} if hours else {})}
    if form.startswith("pulse-"):
        side = form.removeprefix("pulse-")
        values = {"pair_id": pair.pair_id, "name": pair.mentor_name if side == "mentor" else pair.mentee_name}
        if checkin is not None:  # "2 of 6, Wed 3 Mar 2027", or "Round 2, check-in 1 of 3, ..." (the field says "Check-in")
            values["checkin"] = f"{checkin.counted}, {translator(program.program.language).date(checkin.date)}"
        return values
    values = {"pair_id": pair.pair_id, "mentor_name": pair.mentor_name, "mentee_name": pair.mentee_name}
    values.update({f"mentee_goal_{slot}": goal for slot, goal in enumerate(pair.mentee_goals, start=1)})
    values.update({f"mentor_goal_{slot}": goal for slot, goal in enumerate(pair.mentor_goals, start=1)})
    if form.startswith("checkin-"):
        number = int(form.removeprefix("checkin-"))
        dates = program.checkin_dates()
        if 0 < number <= len(dates):
            values["meeting_date"] = translator(program.program.language).date(dates[number - 1][1])
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
    round_number: int = 1,
    pairs_file: Path | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Every file of every pair pack as (path inside the packs folder, bytes), pair by pair, each
    pair in a folder named by its id: the filled forms, and a calendar for each side
    (`<id>-mentor-calendar.ics`, `<id>-mentee-calendar.ics`) with the check-ins of round
    `round_number` and that side's training. The calendars are stamped with the later of the
    program's and `pairs_file`'s changes (the names in them come from it). Each blank form is
    read once, and the calendar's time zone made once; per pair only the field values and the
    events change."""
    program = loaded.program
    stamp = program_stamp(loaded)
    if pairs_file is not None:
        stamp = max(stamp, changed_at(pairs_file))
    fillers = {name: FormFiller(data) for name, data in blanks.items()}
    per_checkin = {plan.name for plan in plan_forms(program) if plan.per_checkin}
    held = checkins(program, round_number)
    zone = time_zone(program) if calendar else None
    sends = comms.round_sends(program, round_number)
    identities = {name: form_identity(program, name, round_number) for name in fillers}
    for pair in pairs:
        folder = pair.pair_id
        for name, filler in fillers.items():
            identity = identities[name]
            if name in per_checkin:
                for checkin in held:
                    yield (f"{folder}/{pair.pair_id}-checkin-{checkin.number}-{name}.pdf",
                           filler.fill(pair_values(program, pair, name, checkin),
                                       identity=identity.with_pair(pair.pair_id, checkin.number, checkin.round).text()))
            else:
                yield (f"{folder}/{pair.pair_id}-{name}.pdf",
                       filler.fill(pair_values(program, pair, name, round_number=round_number), ticked(pair, name),
                                   identity=identity.with_pair(pair.pair_id, round_number=round_number).text()))
        if calendar:
            who = CalendarPair(pair.pair_id, pair.mentor_name, pair.mentee_name, round_number)
            for side in SIDES:
                yield (f"{folder}/{pair.pair_id}-{side}-calendar.ics",
                       program_calendar(program, stamp, who, zone, side=side))
        for rel, data in comms.pair_drafts(program, pair, sends):  # communications: one draft per message and person
            yield f"{folder}/{rel}", data
    if program.communications is not None:
        yield from comms.coordinator_files(program, pairs, sends, stamp)


def pairs_round(loaded: LoadedProgram, pairs: Sequence[Pair], file: str, given: int | None = None) -> int:
    """The round a pairs file's packs are for: `given` (--round), or the round the pair ids say
    (R2-P001, as `revmentor match` writes them), else 1. Raises PairsError for ids of several
    rounds in one file, UsageError when `given` and the ids disagree, when a program with rounds
    cannot tell which this is, or when the round is not one of the program's."""
    said = [(pair, int(found.group(1))) for pair in pairs if (found := _ROUND_ID.match(pair.pair_id))]
    if said:
        first, number = said[0]
        other = next(((pair, n) for pair, n in said if n != number), None)
        if other is not None:
            raise PairsError(Problem(file, f"row {other[0].row}: pair {other[0].pair_id} is of round {other[1]}, but"
                                     f" row {first.row}'s {first.pair_id} is of round {number}",
                                     "make the packs of one round at a time: give each round's pairs file on its own",
                                     other[0].row))
        if given is not None and given != number:
            suggested = display_path(round_output(loaded.folder, given) / "pairs.csv")
            raise UsageError(Problem(file, f"row {first.row}: pair {first.pair_id} is of round {number}, but --round"
                                     f" {given} was given", f"give round {given}'s pairs file ({suggested}), or"
                                     f" --round {number}", first.row))
    rotation = loaded.program.rotation
    number = given if given is not None else said[0][1] if said else 0
    if not number:
        if rotation is not None and len(rotation.rounds) > 1:
            shown_ids = ", ".join(shown(pair.pair_id) for pair in pairs[:3]) + (", ..." if len(pairs) > 3 else "")
            raise UsageError(Problem(file, f"the program runs in {len(rotation.rounds)} rounds, and the pair ids"
                                     f" ({shown_ids}) do not say which round these pairs are of",
                                     f"give --round N (1 to {len(rotation.rounds)})"))
        number = 1
    problem = unknown_round(loaded, number, "make packs for one of the program's rounds, or describe round"
                            f" {number} in rotation.rounds")
    if problem is not None:
        raise UsageError(problem)
    return number


@dataclass(frozen=True)
class PreparedPacks:
    """A checked program and pairs file, ready for `write_packs`."""

    loaded: LoadedProgram
    pairs: tuple[Pair, ...]
    pairs_file: Path
    """The pairs file (absolute)."""
    round: int = 1
    """The round the pairs are of (`pairs_round`): its check-ins, dates and default folder."""


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


def prepare_packs(path: str | os.PathLike[str], pairs_file: str | os.PathLike[str],
                  round_number: int | None = None) -> PreparedPacks:
    """Read and check a program (a program.yaml or its folder) and a pairs file, and which round
    the pairs are of (`round_number`, --round, or what their ids say: `pairs_round`); writes nothing.

    Raises ProgramError, PairsError listing every bad row of the pairs file, or UsageError for a
    round that does not fit.
    """
    loaded = load_program(path)
    pairs = read_pairs(pairs_file, loaded.program)
    if loaded.program.communications is not None:  # communications: each draft's To must hold its address
        bad = comms.address_problems(pairs, display_path(Path(pairs_file)))
        if bad:
            raise PairsError(bad)
    number = pairs_round(loaded, pairs, display_path(Path(pairs_file)), round_number)
    return PreparedPacks(loaded, pairs, Path(os.path.abspath(pairs_file)), number)


def write_packs(
    prepared: PreparedPacks,
    output: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> PacksResult:
    """Write a pack per pair (filled agreement, pair records and pulses, two certificates, a calendar for
    each side), for the pairs' round, into `output` (default: private/packs in the program folder, and
    private/packs-round-N for round N). Progress lines go to `progress`, if given.

    The output folder is replaced as a whole; it may not be the program folder, lie inside
    content/ or the handbook site, or contain the pairs file.
    """
    started = time.monotonic()
    say = progress or (lambda line: None)
    loaded, pairs, source = prepared.loaded, prepared.pairs, prepared.pairs_file
    target = normalise(output if output is not None else round_output(loaded.folder, prepared.round, COMMAND))
    layout_round = prepared.round if loaded.program.rotation is not None else None
    forbidden = [(default_output(loaded.folder, "site"), "the handbook site, which is public")]
    inputs = [(source, "the pairs file")]
    check_output(target, command=COMMAND, program_folder=loaded.folder, forbidden=forbidden, inputs=inputs)
    say(f"Preparing {len([p for p in plan_forms(loaded.program, layout_round) if p.in_pack])} forms…")
    texts = [text for pair in pairs for text in (pair.pair_id, pair.mentor_name, pair.mentee_name)]
    texts += [goal for pair in pairs for goal in (*pair.mentee_goals, *pair.mentor_goals)]
    characters = "".join(sorted(set("".join(texts))))
    cache = RenderCache.beside(target, "forms")
    made = make_forms(loaded, cache, include=lambda plan: plan.in_pack, characters=characters,
                      round_number=layout_round)
    cache.prune()
    unshown = _unshown_names(made, pairs, display_path(source))
    say(f"Filling them in for {len(pairs)} pair{'s' if len(pairs) != 1 else ''}…")
    with staged_output(target, command=COMMAND, program_folder=loaded.folder, forbidden=forbidden,
                       inputs=inputs) as (staging, written):
        made_folders: set[str] = set()
        for rel, data in pack_files(loaded, pairs, made.blanks, round_number=prepared.round, pairs_file=source):
            folder = rel.rsplit("/", 1)[0]
            if folder not in made_folders:
                (staging / folder).mkdir(parents=True, exist_ok=True)
                made_folders.add(folder)
                count(progress, "Pair packs", min(len(made_folders), len(pairs)), len(pairs))
            (staging / rel).write_bytes(data)
    seconds = time.monotonic() - started
    shown_output = display_path(written.output)
    shown_output = shown_output if shown_output.endswith("/") else shown_output + "/"
    say(f"Pair packs written to {shown_output} ({len(pairs)} pairs, {len(written.files)} files, {seconds:.1f} s)")
    wrote(progress, shown_output, f"pair packs, {len(pairs)} pairs, {len(written.files)} files")
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
