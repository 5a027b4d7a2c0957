"""Pairs from a roster, each with the reasons it was made, and everyone left over with why.

Why this shape: a coordinator must be able to defend every pair and every person left out,
so the optimisation (`assignment`, numpy and scipy) only decides; the words come from here,
computed from the same rules. `prepare_match` writes nothing; report.py's `write_match` writes
the pairs file (pairs.py) and the match report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem, RosterError, StrictWarnings, UsageError
from ..files.paths import PROGRAM_FILE, display_path, round_number, round_output
from ..program.model import Matching, Program, Terminology
from ..program.validate import LoadedProgram, load_program, unknown_round
from .pairs import read_history
from .roster import MENTEE, MENTOR, Person, Roster, read_roster

if TYPE_CHECKING:
    from .assignment import Diagnosis

RULE_TEXT = {
    "shared_topic": "the mentor offers a topic the mentee wants",
    "management_chain": "neither is up the other's management chain",
    "history": "not paired in an earlier round (--history)",
    "mentor_junior": "the mentor's level is below the mentee's",
    "different_department": "mentor and mentee work in different departments",
    "shared_language": "mentor and mentee share a language",
    "manager_consent": "the mentor's line manager has agreed",
}
"""Each hard rule as the match report states it."""

_BROKEN = {
    # rule: (singular, plural) said of the other side; mentor_junior depends on the side.
    "management_chain": ("is in their management chain", "are in their management chain"),
    "history": ("was their partner in an earlier round", "were their partners in an earlier round"),
    "different_department": ("is in their department", "are in their department"),
    "shared_language": ("shares no language with them", "share no language with them"),
    "manager_consent": ("has no line manager's agreement yet", "have no line manager's agreement yet"),
}


@dataclass(frozen=True)
class MatchedPair:
    """One pair the match made: who, how well they fit, and why in words."""

    pair_id: str
    mentor: Person
    mentee: Person
    score: float
    """Weighted sum of the soft preferences, 0 to `MatchResult.max_score`."""
    reasons: tuple[str, ...]
    place: int
    """0 for the mentor's first mentee, 1 for a second, ..."""


@dataclass(frozen=True)
class Unmatched:
    """Someone left without a partner, and why."""

    person: Person
    reason: str
    bound: tuple[str, ...] = ()
    """Hard rules that alone stood between this person and a partner ('places' when places ran out)."""


@dataclass(frozen=True)
class RuleSummary:
    """What one hard rule did to the cohort."""

    name: str
    text: str
    excluded: int
    """Mentor-mentee combinations it ruled out (one can break several rules)."""
    left_without: int
    """People left without any possible partner for whom this rule alone decided it."""


@dataclass(frozen=True)
class MatchResult:
    """Everything a match produced; `write_match` turns it into files."""

    roster: Roster
    matching: Matching
    pairs: tuple[MatchedPair, ...]
    unmatched: tuple[Unmatched, ...]
    rules: tuple[RuleSummary, ...]
    warnings: tuple[Problem, ...]
    max_score: float
    program_name: str = ""
    terminology: Terminology = field(default_factory=Terminology)
    folder: Path | None = None
    """The program folder (its templates/ override the report's), if a program was loaded."""
    history_files: tuple[str, ...] = ()
    roster_path: Path | None = None
    history_paths: tuple[Path, ...] = ()
    """The roster and the history files read, absolute: `write_match` never writes over one."""
    history_pairs: int = 0
    """Earlier pairs between two people on this roster, never made again."""
    places_left: int = 0
    timings: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    """Seconds per phase (read, prepare, rules, scores, solve, reasons), for the benchmark."""
    round: int = 1
    """Which round this is (`history_round`); its pair ids say it: R2-P001."""
    applications_path: Path | None = None
    """The applications export joined to the roster, absolute, if one was."""
    earlier: dict[str, int] = field(default_factory=dict, repr=False)
    """Person id -> how many partners they had in the earlier rounds (only those who had any)."""
    notes: tuple[str, ...] = ()
    """What the run says without it being a problem: which row of a file was taken as its header."""

    @property
    def inputs(self) -> tuple[tuple[Path, str], ...]:
        """The files the match read, each with what it is, for the output writer."""
        roster = ((self.roster_path, "the roster"),) if self.roster_path else ()
        applications = ((self.applications_path, "the applications export"),) if self.applications_path else ()
        return (*roster, *applications, *((path, "the history file") for path in self.history_paths))

    @property
    def waiting_for_consent(self) -> tuple[MatchedPair, ...]:
        """Pairs whose mentor's line manager has not (yet) agreed, where consent is recorded at all and
        `rules.manager_consent` did not keep such pairs from being made: the report flags them."""
        if not self.roster.consent_known or self.matching.rules.manager_consent:
            return ()
        return tuple(pair for pair in self.pairs if pair.mentor.manager_consent is not True)

    @property
    def free_places_note(self) -> str:
        """How many mentors with free places got nobody, and why, in one sentence ('' when none)."""
        idle = [u for u in self.unmatched if u.person.role == MENTOR and u.person.capacity > 0]
        if not idle:
            return ""
        causes: dict[str, int] = {}
        for item in idle:
            if "places" in item.bound:
                cause = "every mentee they could take went to another mentor"
            elif "manager_consent" in item.bound:
                cause = "their line manager has not agreed"
            elif item.bound == ("shared_topic",) or item.reason.startswith("no mentee wants"):
                cause = "no mentee wants their topics"
            else:
                cause = "the rules allow them no mentee" + (f" ({', '.join(item.bound)})" if item.bound else "")
            causes[cause] = causes.get(cause, 0) + 1
        count = len(idle)
        places = sum(p.capacity for p in self.roster.mentors)
        mentees = len(self.roster.mentees)
        because = ", ".join(f"{n} because {cause}" for cause, n in sorted(causes.items(), key=lambda c: -c[1]))
        if count == 1:
            because = because.removeprefix("1 because ")
            text = f"1 mentor with free places got nobody: {because}"
        else:
            text = f"{count} mentors with free places got nobody: {because}"
        text += f" ({places} mentor places for {mentees} mentee{'s' if mentees != 1 else ''})"
        if self.history_paths:
            never = sum(1 for item in idle if not self.earlier.get(item.person.id))
            if never:
                text += (f"; {'they' if count == 1 else f'{never} of them'} had no partner in the earlier rounds"
                         " either")
            text += "; among equally good pairings, people with fewer earlier partners came first"
        return text + "."

    @property
    def total_score(self) -> float:
        """Sum of the pair scores."""
        return sum(pair.score for pair in self.pairs)

    @property
    def objective(self) -> float:
        """What the assignment maximises once the number of pairs is: total score minus the load penalty."""
        return self.total_score - self.matching.weights.load * sum(pair.place for pair in self.pairs)


def history_round(history_paths: Sequence[str | os.PathLike[str]]) -> int:
    """Which round a match is: one more than the earlier rounds given with --history, counted as
    files or, where a file lies in a default round folder (private/match-round-3), by its number."""
    files = {os.path.realpath(path) for path in history_paths}
    named = [round_number(Path(path).parent) or 0 for path in files]
    return 1 + max([len(files), *named])


def pair_id(round_number: int, number: int, width: int = 3) -> str:
    """A pair's id: its round and its number in the round, R1-P001, R2-P012. Unique across rounds, so
    the pack folders and calendar events made from it are too; it never holds a name."""
    return f"R{round_number}-P{number:0{width}d}"


def match_round(history_paths: Sequence[str | os.PathLike[str]], given: int | None, loaded: LoadedProgram | None,
                folder: Path) -> int:
    """The round a match makes: the one its --history files make (`history_round`), which `given`
    (--round) must agree with, and which must be one of the program's rounds, if it has rotation.
    Raises UsageError saying which files to give otherwise."""
    number = history_round(history_paths)
    if given is not None and given != number:
        count = len({os.path.realpath(path) for path in history_paths})
        made = ("no --history file was given, which makes this round 1" if not count else
                f"the --history file{'s' if count != 1 else ''} given make{'s' if count == 1 else ''} this round"
                f" {number}")
        if given == 1:
            fix = "round 1 has no earlier round: give it no --history, or leave --round out"
        else:
            earlier = ", ".join(display_path(round_output(folder, k) / "pairs.csv") for k in range(1, given))
            which = {2: "round 1", 3: "rounds 1 and 2"}.get(given, f"each of rounds 1 to {given - 1}")
            fix = (f"give the pairs.csv of {which} with --history ({earlier}), so that no earlier pair is made"
                   " again; or leave --round out")
        raise UsageError(Problem("", f"--round {given}, but {made}", fix))
    problem = unknown_round(loaded, number, f"describe round {number} in rotation.rounds, or give the pairs of fewer"
                            " earlier rounds with --history")
    if problem is not None:
        raise UsageError(problem)
    return number


def find_program(path: str | os.PathLike[str] | None = None) -> LoadedProgram | None:
    """The program whose matching rules a match uses: the one named, else ./program.yaml if there
    is one, else None, for the default settings (see the README)."""
    if path is not None or Path(PROGRAM_FILE).is_file():
        return load_program(path if path is not None else ".")
    return None


def _program_parts(program: LoadedProgram | Program | None) -> tuple[Program | None, Path | None, str]:
    if program is None:
        return None, None, ""
    if isinstance(program, Program):
        return program, None, ""
    return program.program, program.folder, display_path(program.file)


def prepare_match(
    roster_path: str | os.PathLike[str],
    program: LoadedProgram | Program | None = None,
    history: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    *,
    sheet: str | None = None,
    strict: bool = False,
    round_number: int | None = None,
    applications: str | os.PathLike[str] | None = None,
    header_row: int | None = None,
) -> MatchResult:
    """Pair a roster's mentors and mentees under the program's `matching` rules; writes nothing.

    `history` names the pairs files of earlier rounds, whose pairs are never made again; they make
    this round's number (`match_round`), which `round_number` (--round), if given, must agree with.
    `applications` names an applications export joined to the roster (see applications.py);
    `header_row` the roster's header row, when it is not to be found.
    Raises UsageError when the round does not agree, RosterError listing every problem of the
    roster, the applications and the history files at once; with `strict`, StrictWarnings for any
    roster warning. `write_match` writes the result.
    """
    started = time.perf_counter()
    model, folder, program_file = _program_parts(program)
    history_paths = [] if history is None else [history] if isinstance(history, (str, os.PathLike)) else list(history)
    number = match_round(history_paths, round_number, program if isinstance(program, LoadedProgram) else None,
                         folder or Path())
    matching = model.matching if model else Matching()
    terminology = model.program.terminology if model else Terminology()
    problems: list[Problem] = []
    roster: Roster | None = None
    try:
        roster = read_roster(roster_path, matching, sheet=sheet, start_date=model.program.start_date if model else None,
                             terminology=terminology, program_file=program_file, header_row=header_row,
                             applications=applications, program=model)
    except RosterError as error:
        problems.extend(error.problems)
    earlier: list[tuple[str, str]] = []
    for path in history_paths:
        try:
            earlier.extend((row.mentor_id, row.mentee_id) for row in read_history(path))
        except RosterError as error:
            problems.extend(error.problems)
    if problems or roster is None:
        raise RosterError(problems)
    StrictWarnings.check(roster.warnings, strict)
    _check_size(roster)
    read = time.perf_counter()
    timings = {"read": read - started}
    import numpy as np
    from scipy.optimize import linear_sum_assignment  # noqa: F401 - loaded here so "prepare" counts it

    from .assignment import Cohort, assign, diagnose, earlier_partners  # numpy and scipy load with it

    cohort = Cohort(roster, matching, earlier)
    timings["prepare"] = time.perf_counter() - read  # numpy's and scipy's imports on a first run, and the arrays
    solved = assign(cohort, timings)
    explained = time.perf_counter()
    pairs = _pairs(roster, matching, solved.mentee.tolist(), solved.mentor.tolist(), number)
    taken = {pair.mentee.id for pair in pairs}
    mentor_count: dict[str, int] = {}
    for pair in pairs:
        mentor_count[pair.mentor.id] = mentor_count.get(pair.mentor.id, 0) + 1
    lonely_mentees = np.array([i for i, p in enumerate(roster.mentees) if p.id not in taken], dtype=np.intp)
    lonely_mentors = np.array([i for i, p in enumerate(roster.mentors) if p.capacity > 0 and p.id not in mentor_count],
                              dtype=np.intp)
    unmatched = [_explain(d, roster, MENTEE) for d in diagnose(cohort, lonely_mentees, MENTEE)]
    unmatched += [_explain(d, roster, MENTOR, matching) for d in diagnose(cohort, lonely_mentors, MENTOR)]
    unmatched += [Unmatched(p, "capacity 0: takes no mentee this round") for p in roster.mentors if p.capacity == 0]
    on_roster = {p.id for p in roster.people}
    rules = tuple(
        RuleSummary(name, RULE_TEXT[name], solved.excluded.get(name, 0),
                    sum(1 for u in unmatched if name in u.bound))
        for name in cohort.active_rules()
    )
    result = MatchResult(
        roster=roster, matching=matching, pairs=pairs,
        unmatched=tuple(sorted(unmatched, key=lambda u: (u.person.role != MENTEE, u.person.name.casefold(), u.person.id))),
        rules=rules, warnings=roster.warnings, max_score=cohort.max_score,
        program_name=model.program.name if model else "", terminology=terminology, folder=folder,
        history_files=tuple(display_path(Path(p)) for p in history_paths), history_pairs=cohort.history_count,
        roster_path=Path(os.path.abspath(roster_path)),
        history_paths=tuple(Path(os.path.abspath(p)) for p in history_paths),
        places_left=sum(p.capacity for p in roster.mentors) - len(pairs), timings=timings, round=number,
        applications_path=Path(os.path.abspath(applications)) if applications is not None else None,
        earlier={pid: n for pid, n in earlier_partners(earlier).items() if pid in on_roster},
        notes=_header_notes(roster, header_row),
    )
    timings["reasons"] = time.perf_counter() - explained
    return result


def _header_notes(roster: Roster, header_row: int | None) -> tuple[str, ...]:
    """A line for each file whose header was found below rows of text (a title, a note), saying which row."""
    notes = []
    found = [(roster.file, roster.header_row, roster.above_header, header_row is None)]
    if roster.applied is not None:
        found.append((roster.applied.file, roster.applied.header_row, roster.applied.above_header, True))
    for file, row, above, searched in found:
        if above and searched:
            rows = "row" if above == 1 else f"{above} rows"
            notes.append(f"{file}: the header is row {row} (the {rows} above it, a title or a note, passed over)"
                         + ("; say otherwise with --header-row N" if file == roster.file else ""))
    return tuple(notes)


MAX_COMBINATIONS = 100_000_000
"""Mentees x mentor places one pairing may hold: about 9 bytes each at the peak (the float64 costs), about 1 GB."""


def _check_size(roster: Roster) -> None:
    """Refuse, with a way out, a cohort whose matrices would not fit in memory."""
    mentees = len(roster.mentees)
    places = sum(min(p.capacity, mentees) for p in roster.mentors)
    size = mentees * max(places, len(roster.mentors))
    if size > MAX_COMBINATIONS:
        raise RosterError(Problem(
            roster.file, f"{mentees:,} mentees and {places:,} mentor places make {size:,} combinations, more than"
            f" one pairing can hold in memory ({MAX_COMBINATIONS:,})",
            "match the cohort in parts, one roster per region or business unit, or lower the capacities"))


def _pairs(roster: Roster, matching: Matching, mentee_at: Sequence[int],
           mentor_at: Sequence[int], round_number: int = 1) -> tuple[MatchedPair, ...]:
    """Pairs in mentor-id order, numbered within their round (`pair_id`); a mentor's mentees ranked by
    score for their place."""
    made = []
    for n, m in zip(mentee_at, mentor_at, strict=True):
        mentor, mentee = roster.mentors[int(m)], roster.mentees[int(n)]
        made.append((mentor, mentee, pair_score(mentor, mentee, matching)))
    made.sort(key=lambda item: (item[0].id, -item[2], item[1].id))
    width = max(3, len(str(len(made))))
    pairs = []
    place: dict[str, int] = {}
    for number, (mentor, mentee, score) in enumerate(made, start=1):
        k = place.get(mentor.id, 0)
        place[mentor.id] = k + 1
        pairs.append(MatchedPair(pair_id(round_number, number, width), mentor, mentee, score,
                          pair_reasons(mentor, mentee, k), k))
    return tuple(pairs)


def _shared(wanted: Sequence[str], offered: Sequence[str]) -> list[str]:
    offered_keys = {item.casefold() for item in offered}
    return [item for item in wanted if item.casefold() in offered_keys]


def hours_apart(a: float | None, b: float | None) -> float | None:
    """Hours between two UTC offsets around the clock (+13 and -11 are 0 apart), None if either is unknown."""
    if a is None or b is None:
        return None
    gap = (a - b) % 24
    return min(gap, 24 - gap)


def pair_score(mentor: Person, mentee: Person, matching: Matching) -> float:
    """A pair's score, written plainly: the vectorised scores in `assignment` must agree with this."""
    w = matching.weights
    score = 0.0
    if mentee.wants:
        score += w.topics * len(_shared(mentee.wants, mentor.offers)) / len(mentee.wants)
    if mentor.department and mentee.department and mentor.department.casefold() != mentee.department.casefold():
        score += w.cross_department
    gap = hours_apart(mentor.utc_offset, mentee.utc_offset)
    if gap is not None:
        score += w.time_zone * max(0.0, 8.0 - gap) / 8.0
    if _shared(mentee.languages, mentor.languages):
        score += w.language
    if style_met(mentor, mentee):
        score += w.style
    return score


def style_met(mentor: Person, mentee: Person) -> bool:
    """Whether the mentor's style (from the self-assessment) is the kind of mentor the mentee asked for."""
    return bool(mentee.wants_style) and mentee.wants_style.casefold() in {s.casefold() for s in mentor.styles}


def pair_reasons(mentor: Person, mentee: Person, place: int = 0) -> tuple[str, ...]:
    """Why this pair, in words: shared topics, departments, hours apart, languages, the mentor's style,
    times both are free and formats, the mentor's load. No reason holds '; ', which joins them."""
    reasons = []
    topics = _shared(mentee.wants, mentor.offers)
    if topics:
        reasons.append(f"shared topic{'s' if len(topics) > 1 else ''}: {', '.join(topics)}")
    elif mentee.wants:
        reasons.append("no shared topics")
    else:
        reasons.append("the mentee listed no topics")
    if mentor.department and mentee.department:
        same = mentor.department.casefold() == mentee.department.casefold()
        reasons.append("same department" if same else "different departments")
    gap = hours_apart(mentor.utc_offset, mentee.utc_offset)
    if gap is not None:
        reasons.append("same time zone" if gap == 0 else f"{gap:g} h apart")
    if mentor.languages and mentee.languages:
        languages = _shared(mentee.languages, mentor.languages)
        if languages:
            reasons.append(f"shared language{'s' if len(languages) > 1 else ''}: {', '.join(languages)}")
        else:
            reasons.append("no shared language")
    if mentee.wants_style and mentor.styles:
        met = style_met(mentor, mentee)
        reasons.append(f"mentor's style as asked: {mentee.wants_style}" if met else
                       f"mentor's style: {' or '.join(mentor.styles)} (the mentee asked for {mentee.wants_style})")
    if mentor.availability and mentee.availability:
        both = _shared(mentor.availability, mentee.availability)
        reasons.append(f"both free: {', '.join(both)}" if both else "no free time in common given")
    if mentor.meeting_format and mentee.meeting_format and mentor.meeting_format != mentee.meeting_format:
        reasons.append(f"would rather meet: {mentor.meeting_format} (mentor), {mentee.meeting_format} (mentee)")
    if place:
        reasons.append(f"mentor's {_ordinal(place + 1)} mentee")
    return tuple(reasons)


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _quoted(items: Sequence[str]) -> str:
    """'a', 'b' or 'c'."""
    parts = [f"'{item}'" for item in items]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _names(people: Sequence[Person], limit: int = 3) -> str:
    shown = ", ".join(p.name or p.id for p in people[:limit])
    return shown + (f" and {len(people) - limit} more" if len(people) > limit else "")


def _explain(d: Diagnosis, roster: Roster, side: str, matching: Matching | None = None) -> Unmatched:
    """An unmatched person's reason in words, from the numbers `diagnose` found."""
    if (side == MENTOR and matching is not None and matching.rules.manager_consent
            and roster.mentors[d.index].manager_consent is not True):
        return Unmatched(roster.mentors[d.index], "their line manager has not agreed"
                         + (" yet" if roster.mentors[d.index].manager_consent is None else "")
                         + " (matching.rules.manager_consent)", ("manager_consent",))
    if side == MENTEE:
        person, others, noun = roster.mentees[d.index], roster.mentors, "mentor"
        topics, verb, verbs = person.wants, "offers", "offer"
    else:
        person, others, noun = roster.mentors[d.index], roster.mentees, "mentee"
        topics, verb, verbs = person.offers, "wants", "want"
    if d.eligible:
        eligible = [others[i] for i in d.eligible]
        if side == MENTEE:
            text = (f"the only eligible mentor, {_names(eligible)}, has no place left: it went to another mentee"
                    if len(eligible) == 1 else
                    f"every place with their {len(eligible)} eligible mentors ({_names(eligible)}) went to another"
                    " mentee")
        else:
            text = (f"their only eligible mentee, {_names(eligible)}, was paired with another mentor"
                    if len(eligible) == 1 else
                    f"each of their {len(eligible)} eligible mentees ({_names(eligible)}) was paired with another"
                    " mentor")
        return Unmatched(person, text, ("places",))
    if d.candidates == 0:
        return Unmatched(person, "no mentor has a place this round (every mentor's capacity is 0)", ("places",))
    with_place = " with a place" if side == MENTEE and any(p.capacity == 0 for p in roster.mentors) else ""
    if d.topical == 0:
        if topics:
            text = f"no {noun}{with_place} {verb} {_quoted(topics)}"
        else:
            text = "they offer no topics, and every mentee wants some"
        return Unmatched(person, text, d.bound)
    if d.topical is not None and not topics:
        pool = (f"{noun} who lists no topics", f"{noun}s who list no topics")
        count = d.topical
    elif d.topical is not None:
        pool = (f"{noun}{with_place} who {verb} {_quoted(topics)}", f"{noun}s{with_place} who {verbs} {_quoted(topics)}")
        count = d.topical
    else:
        pool = (f"{noun}{with_place}", f"{noun}s{with_place}")
        count = d.candidates
    junior = ("is not junior to them", "are not junior to them")
    senior = ("is not senior to them", "are not senior to them")
    phrases = {**_BROKEN, "mentor_junior": junior if side == MENTEE else senior}
    broken = [(name, n) for name, n in d.first_broken.items()]
    if len(broken) == 1:
        name = broken[0][0]
        text = f"{'the only' if count == 1 else 'every'} {pool[0]} {phrases[name][0]}"
    else:
        parts = [f"{n} {phrases[name][0] if n == 1 else phrases[name][1]}" for name, n in broken]
        text = f"of the {count} {pool[1]}, " + ", ".join(parts[:-1]) + " and " + parts[-1]
    return Unmatched(person, "no eligible " + noun + ": " + text, d.bound)
