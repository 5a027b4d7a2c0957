"""The numbers behind the pairs: hard rules as masks, soft preferences as a score matrix, one optimal assignment.

Why vectorised: a cohort of 5,000 mentors and 5,000 mentees has 25 million possible pairs, far
too many for a Python loop. Every matrix here is mentees x mentors (rows x columns); people are
in id order (see `Roster`), which also fixes how ties fall. numpy and scipy load only when pairs
are made, never when the CLI starts.

The objective, lexicographic: first the most pairs possible, then the highest total of
pair scores minus the load penalty (a mentor's k-th extra mentee costs `weights.load * k`).
Capacity is handled by giving each mentor one column per place ("slots"); a forbidden pair costs
more than any total of allowed ones, so the solver uses one only when no full assignment of
allowed pairs exists, and those are dropped afterwards.

Rotation: in a later round (with history), among pairings equally good by that objective, the
one whose people had fewer earlier partners wins. Each pair costs a little more for every
earlier partner its two people had, scaled so that all of it together stays below `TIE_TOTAL`:
too little to outweigh any real difference of score, enough to decide between equals.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..program.model import Matching
from .roster import MENTEE, MENTOR, Person, Roster

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.intp]
Floats = npt.NDArray[np.float32]

RULE_ORDER = ("shared_topic", "management_chain", "history", "mentor_junior", "different_department", "shared_language",
              "manager_consent")
"""Hard rules in the order reasons name them: the first rule a candidate breaks is the one reported."""
WORKING_HOURS = 8.0
"""Length of a working day: two people this many hours apart share no working hours."""
TIE_TOTAL = 1e-4
"""What the rotation tie-break may add to the whole assignment's cost, at most (see the module docstring)."""


def _codes(values: Iterable[str]) -> tuple[npt.NDArray[np.int32], dict[str, int]]:
    """Integer codes for case-insensitive values ('' is -1, unknown)."""
    table: dict[str, int] = {}
    codes = [table.setdefault(v.casefold(), len(table)) if v else -1 for v in values]
    return np.asarray(codes, dtype=np.int32).reshape(-1), table


def _incidence(lists: list[tuple[str, ...]], vocabulary: dict[str, int]) -> Floats:
    """A people x items 0/1 matrix (float32, so matrix products count shared items exactly)."""
    matrix = np.zeros((len(lists), max(len(vocabulary), 1)), dtype=np.float32)
    rows = [i for i, items in enumerate(lists) for _ in items]
    cols = [vocabulary[item.casefold()] for items in lists for item in items]
    matrix[rows, cols] = 1.0
    return matrix


def _vocabulary(*groups: Iterable[tuple[str, ...]]) -> dict[str, int]:
    keys = sorted({item.casefold() for group in groups for items in group for item in items})
    return {key: index for index, key in enumerate(keys)}


class Cohort:
    """The two sides of a roster as arrays, with the pairs the chain and the history forbid."""

    def __init__(self, roster: Roster, matching: Matching, history: Iterable[tuple[str, str]] = ()) -> None:
        history = list(history)
        self.matching = matching
        mentors, mentees = roster.mentors, roster.mentees
        self.m, self.n = len(mentors), len(mentees)
        topics = _vocabulary([p.offers for p in mentors], [p.wants for p in mentees])
        self.offers = _incidence([p.offers for p in mentors], topics)
        self.wants = _incidence([p.wants for p in mentees], topics)
        self.want_count = self.wants.sum(axis=1)
        self.has_languages = any(p.languages for p in (*mentors, *mentees))
        self.langs_n, self.langs_m, self.shared_language = _language_table(mentees, mentors)
        nan = float("nan")
        self.level_m = np.array([nan if p.level is None else p.level for p in mentors], dtype=np.float64)
        self.level_n = np.array([nan if p.level is None else p.level for p in mentees], dtype=np.float64)
        departments, _ = _codes([p.department for p in (*mentors, *mentees)])
        self.dept_m, self.dept_n = departments[: self.m], departments[self.m :]
        self.zone_n, self.zone_m, self.common_hours = _zone_table(mentees, mentors)
        self.style_n, self.style_m, self.style_match = _style_table(mentees, mentors)
        self.has_styles = bool(self.style_match.any())
        self.consent_m = np.array([p.manager_consent is True for p in mentors], dtype=np.bool_).reshape(-1)
        self.profile_n, self.profile_m, self.bonus = self._bonus_table()
        self.capacity = np.array([p.capacity for p in mentors], dtype=np.intp).reshape(-1)
        self.chain = _chain_pairs(roster)
        mentor_at = {p.id: i for i, p in enumerate(mentors)}
        mentee_at = {p.id: i for i, p in enumerate(mentees)}
        earlier = set()
        for a, b in history:
            for mentor_id, mentee_id in ((a, b), (b, a)):
                if mentor_id in mentor_at and mentee_id in mentee_at:
                    earlier.add((mentee_at[mentee_id], mentor_at[mentor_id]))
        ordered = sorted(earlier)
        self.history_count = len(ordered)
        self.history = (np.array([n for n, _ in ordered], dtype=np.intp), np.array([m for _, m in ordered], dtype=np.intp))
        self.uses_history = bool(ordered)
        partners = earlier_partners(history)
        self.earlier_n = np.array([partners.get(p.id, 0) for p in mentees], dtype=np.float64).reshape(-1)
        self.earlier_m = np.array([partners.get(p.id, 0) for p in mentors], dtype=np.float64).reshape(-1)

    @property
    def max_score(self) -> float:
        """The best score a pair can reach: the sum of the weights that can apply."""
        w = self.matching.weights
        return float(w.topics + w.cross_department + w.time_zone + (w.language if self.has_languages else 0.0)
                     + (w.style if self.has_styles else 0.0))

    def active_rules(self) -> tuple[str, ...]:
        """The hard rules in force for this cohort, in reporting order."""
        rules = self.matching.rules
        on = {
            "shared_topic": rules.shared_topic,
            "management_chain": True,
            "history": self.uses_history,
            "mentor_junior": rules.mentor_junior,
            "different_department": rules.different_department,
            "shared_language": rules.shared_language,
            "manager_consent": rules.manager_consent,
        }
        return tuple(name for name in RULE_ORDER if on[name])

    def masks(self, n: Ints, m: Ints) -> dict[str, Bools]:
        """For each hard rule in force, which of the mentees n x mentors m it allows."""
        out: dict[str, Bools] = {}
        for name in self.active_rules():
            out[name] = self._mask(name, n, m)
        return out

    def _mask(self, name: str, n: Ints, m: Ints) -> Bools:
        if name == "shared_topic":
            allowed: Bools = np.matmul(self.wants[n], self.offers[m].T) > 0
            allowed |= (self.want_count[n] == 0)[:, None]
            return allowed
        if name == "management_chain":
            return _allowed(self.chain, n, m)
        if name == "history":
            return _allowed(self.history, n, m)
        if name == "mentor_junior":
            return np.less(self.level_m[m][None, :], self.level_n[n][:, None])
        if name == "different_department":
            dn, dm = self.dept_n[n][:, None], self.dept_m[m][None, :]
            return np.asarray((dn != dm) | (dn < 0) | (dm < 0))
        if name == "shared_language":
            return self.shared_language[self.langs_n[n]][:, self.langs_m[m]]
        if name == "manager_consent":
            return np.repeat(self.consent_m[m][None, :], len(n), axis=0)
        raise ValueError(name)

    def eligible(self, n: Ints, m: Ints) -> tuple[Bools, dict[str, int]]:
        """Mentees n x mentors m that every rule allows (mentors with places only), and what each rule excluded there."""
        with_places = self.capacity[m] > 0
        allowed = np.ones((len(n), len(m)), dtype=np.bool_)
        allowed &= with_places[None, :]
        excluded = {}
        for name in self.active_rules():
            mask = self._mask(name, n, m)
            kept = np.count_nonzero(mask, axis=0)
            excluded[name] = int((len(n) - kept)[with_places].sum())
            allowed &= mask
            del mask
        return allowed, excluded

    def scores(self, n: Ints, m: Ints) -> Floats:
        """Soft score of mentees n x mentors m (float32, built in place to keep memory flat).

        The topic share needs a product over topics; everything else depends only on a person's
        department, time zone and languages, so it is one lookup in a table of profiles.
        """
        w = self.matching.weights
        score: Floats = np.matmul(self.wants[n], self.offers[m].T)  # shared topics, counted exactly
        score *= (w.topics / np.maximum(self.want_count[n], 1.0))[:, None]
        if self.bonus.any():
            score += self.bonus[self.profile_n[n]][:, self.profile_m[m]]
        return score

    def _bonus_table(self) -> tuple[Ints, Ints, Floats]:
        """Each person's profile (department, time zone, languages) as a code, and each pair of profiles' score.

        A cohort has few distinct profiles, so this table is small; at worst it has one row per
        mentee and one column per mentor, the size of the score matrix itself.
        """
        w = self.matching.weights
        keys_n = np.stack([self.dept_n, self.zone_n, self.langs_n, self.style_n], axis=1)
        keys_m = np.stack([self.dept_m, self.zone_m, self.langs_m, self.style_m], axis=1)
        unique_n, profile_n = np.unique(keys_n, axis=0, return_inverse=True)
        unique_m, profile_m = np.unique(keys_m, axis=0, return_inverse=True)
        dn, dm = unique_n[:, 0][:, None], unique_m[:, 0][None, :]
        bonus = np.zeros((len(unique_n), len(unique_m)), dtype=np.float32)
        if w.cross_department:
            np.add(bonus, np.float32(w.cross_department), out=bonus, where=(dn != dm) & (dn >= 0) & (dm >= 0))
        if w.time_zone:
            bonus += self.common_hours[unique_n[:, 1]][:, unique_m[:, 1]] * np.float32(w.time_zone / WORKING_HOURS)
        if w.language:
            np.add(bonus, np.float32(w.language), out=bonus,
                   where=self.shared_language[unique_n[:, 2]][:, unique_m[:, 2]])
        if w.style and self.has_styles:
            np.add(bonus, np.float32(w.style), out=bonus, where=self.style_match[unique_n[:, 3]][:, unique_m[:, 3]])
        return profile_n.reshape(-1).astype(np.intp), profile_m.reshape(-1).astype(np.intp), bonus

    def tie_break(self, pairs_at_most: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
        """What each mentee's and each mentor's earlier partners add to a pair's cost, or None in a first round."""
        most = float(max(self.earlier_n.max(initial=0.0), self.earlier_m.max(initial=0.0)))
        if most == 0 or pairs_at_most == 0:
            return None
        unit = TIE_TOTAL / (2 * most * pairs_at_most)
        return self.earlier_n * unit, self.earlier_m * unit


def earlier_partners(history: Iterable[tuple[str, str]]) -> dict[str, int]:
    """How many different partners each id had in the earlier rounds, on either side of a pair."""
    seen: dict[str, set[str]] = {}
    for a, b in history:
        seen.setdefault(a, set()).add(b)
        seen.setdefault(b, set()).add(a)
    return {person: len(partners) for person, partners in seen.items()}


def _style_table(mentees: Sequence[Person], mentors: Sequence[Person]) -> tuple[Ints, Ints, Bools]:
    """Each mentee's wished-for style and each mentor's styles as codes, and which wish each style set meets.

    Code 0 is "no wish" for a mentee and "no style" for a mentor, which meet nothing.
    """
    wishes: dict[str, int] = {"": 0}
    sets: dict[frozenset[str], int] = {frozenset(): 0}
    codes_n = [wishes.setdefault(p.wants_style.casefold(), len(wishes)) for p in mentees]
    codes_m = [sets.setdefault(frozenset(s.casefold() for s in p.styles), len(sets)) for p in mentors]
    table = np.zeros((len(wishes), len(sets)), dtype=np.bool_)
    for wish, i in wishes.items():
        for styles, j in sets.items():
            table[i, j] = bool(wish) and wish in styles
    return np.array(codes_n, dtype=np.intp).reshape(-1), np.array(codes_m, dtype=np.intp).reshape(-1), table


def _language_table(mentees: Sequence[Person], mentors: Sequence[Person]) -> tuple[Ints, Ints, Bools]:
    """Each side's language set as a code, and which mentee set shares a language with which mentor set.

    People share few distinct sets (English; English and French; ...), so a pair's answer is a
    lookup in a small table instead of a product over every pair.
    """
    sets: dict[frozenset[str], int] = {}
    codes_n = [sets.setdefault(frozenset(x.casefold() for x in p.languages), len(sets)) for p in mentees]
    codes_m = [sets.setdefault(frozenset(x.casefold() for x in p.languages), len(sets)) for p in mentors]
    keys = list(sets)
    vocabulary = _vocabulary([tuple(key) for key in keys])
    incidence = _incidence([tuple(key) for key in keys], vocabulary)
    table: Bools = np.matmul(incidence, incidence.T) > 0
    return np.array(codes_n, dtype=np.intp).reshape(-1), np.array(codes_m, dtype=np.intp).reshape(-1), table


def _zone_table(mentees: Sequence[Person], mentors: Sequence[Person]) -> tuple[Ints, Ints, Floats]:
    """Each side's UTC offset as a code, and the working hours two offsets have in common (0 if unknown)."""
    offsets: dict[float | None, int] = {None: 0}
    codes_n = [offsets.setdefault(p.utc_offset, len(offsets)) for p in mentees]
    codes_m = [offsets.setdefault(p.utc_offset, len(offsets)) for p in mentors]
    known = np.array([np.nan if key is None else key for key in offsets], dtype=np.float64)
    gap = np.abs(np.subtract.outer(known, known)) % 24
    gap = np.minimum(gap, 24 - gap)
    hours = np.nan_to_num(np.clip(WORKING_HOURS - gap, 0, WORKING_HOURS), nan=0.0).astype(np.float32)
    return np.array(codes_n, dtype=np.intp).reshape(-1), np.array(codes_m, dtype=np.intp).reshape(-1), hours


def _allowed(forbidden: tuple[Ints, Ints], n: Ints, m: Ints) -> Bools:
    """All True but the forbidden (mentee, mentor) pairs that fall inside the block n x m."""
    allowed = np.ones((len(n), len(m)), dtype=np.bool_)
    fn, fm = forbidden
    if len(fn) == 0 or len(n) == 0 or len(m) == 0:
        return allowed
    row = np.full(int(max(fn.max(), n.max())) + 1, -1, dtype=np.intp)
    col = np.full(int(max(fm.max(), m.max())) + 1, -1, dtype=np.intp)
    row[n] = np.arange(len(n))
    col[m] = np.arange(len(m))
    r, c = row[fn], col[fm]
    inside = (r >= 0) & (c >= 0)
    allowed[r[inside], c[inside]] = False
    return allowed


def _chain_pairs(roster: Roster) -> tuple[Ints, Ints]:
    """(mentee, mentor) index pairs where one is up the other's management chain, either way.

    Walks every chain one level at a time for everyone at once: as many numpy steps as the
    deepest chain is long. Cycles were refused when the roster was read.
    """
    people = roster.people
    index = {p.id: i for i, p in enumerate(people)}
    parent = np.array([index.get(roster.managers.get(p.id, ""), -1) for p in people], dtype=np.intp).reshape(-1)
    mentor_at = np.full(len(people), -1, dtype=np.intp)
    mentee_at = np.full(len(people), -1, dtype=np.intp)
    for position, person in enumerate(roster.mentors):
        mentor_at[index[person.id]] = position
    for position, person in enumerate(roster.mentees):
        mentee_at[index[person.id]] = position
    below = np.arange(len(people))
    above = parent.copy()
    found_n: list[Ints] = []
    found_m: list[Ints] = []
    for _ in range(len(people)):
        live = above >= 0
        if not live.any():
            break
        below, above = below[live], above[live]
        for lower_side, upper_side in ((mentee_at, mentor_at), (mentor_at, mentee_at)):
            lower, upper = lower_side[below], upper_side[above]
            keep = (lower >= 0) & (upper >= 0)
            if lower_side is mentee_at:
                found_n.append(lower[keep])
                found_m.append(upper[keep])
            else:
                found_n.append(upper[keep])
                found_m.append(lower[keep])
        above = parent[above]
    if not found_n:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    return np.concatenate(found_n), np.concatenate(found_m)


_BAND_CELLS = 4_000_000
"""Combinations scored at a time while the cost matrix is filled (16 MB of float32 scores)."""


class _Clock:
    """Seconds since the last tick, recorded under a name (a no-op without a dict)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings, self.now = timings, time.perf_counter
        self.last = self.now()

    def __call__(self, name: str) -> None:
        now = self.now()
        if self.timings is not None:
            self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.last = now


@dataclass(frozen=True)
class Assignment:
    """The pairs made, as (mentee, mentor, place) index arrays, and the size of the problem solved."""

    mentee: Ints
    mentor: Ints
    slot: Ints
    rows: int
    columns: int
    """Size of the cost matrix handed to the solver."""
    excluded: dict[str, int]
    """Mentor-mentee combinations each rule ruled out (a combination can break several)."""


def assign(cohort: Cohort, timings: dict[str, float] | None = None) -> Assignment:
    """The optimal assignment for the whole cohort (see the module docstring for the objective).

    `timings`, if given, receives seconds per phase (rules, scores, solve) for the benchmark.
    """
    from scipy.optimize import linear_sum_assignment

    clock = _Clock(timings)
    eligible, excluded = cohort.eligible(np.arange(cohort.n, dtype=np.intp), np.arange(cohort.m, dtype=np.intp))
    rows = np.flatnonzero(eligible.any(axis=1))
    cols = np.flatnonzero(eligible.any(axis=0))
    empty = np.zeros(0, dtype=np.intp)
    if len(rows) == 0 or len(cols) == 0:
        return Assignment(empty, empty, empty, 0, 0, excluded)
    # A mentor needs no more places than they have eligible mentees; each place is one column.
    places = np.minimum(cohort.capacity[cols], np.count_nonzero(eligible, axis=0)[cols])
    owner = np.repeat(cols, places)
    slot = np.arange(len(owner)) - np.repeat(np.cumsum(places) - places, places)
    clock("rules")
    penalty = cohort.matching.weights.load * slot.astype(np.float64)
    pairs_at_most = min(len(rows), len(owner))
    forbidden_cost = 2.0 * pairs_at_most * (cohort.max_score + float(penalty.max(initial=0.0))) + 1.0
    # The solver copies a matrix it must transpose or negate: hand it costs to minimise, rows <= columns.
    transpose = len(rows) > len(owner)
    cost = np.empty((len(owner), len(rows)) if transpose else (len(rows), len(owner)), dtype=np.float64)
    # Filled a band of mentees at a time: the float32 scores and masks stay small and are reused,
    # so the cost matrix is the only large allocation (8 bytes a combination).
    band = max(1, _BAND_CELLS // max(len(owner), 1))
    tie = cohort.tie_break(pairs_at_most)
    for start in range(0, len(rows), band):
        some = rows[start : start + band]
        score = cohort.scores(some, owner)
        forbidden = ~eligible[some][:, owner]
        if transpose:
            target = cost[:, start : start + len(some)]
            np.subtract(penalty[:, None], score.T, out=target)
            if tie is not None:
                target += tie[1][owner][:, None] + tie[0][some][None, :]
            np.copyto(target, forbidden_cost, where=forbidden.T)
        else:
            target = cost[start : start + len(some)]
            np.subtract(penalty[None, :], score, out=target)
            if tie is not None:
                target += tie[0][some][:, None] + tie[1][owner][None, :]
            np.copyto(target, forbidden_cost, where=forbidden)
        del score, forbidden
    del eligible
    clock("scores")
    solved_rows, solved_cols = linear_sum_assignment(cost)
    clock("solve")
    real = cost[solved_rows, solved_cols] < forbidden_cost
    shape = cost.shape
    del cost
    place_at, mentee_at = (solved_rows, solved_cols) if transpose else (solved_cols, solved_rows)
    place_at, mentee_at = place_at[real], mentee_at[real]
    return Assignment(
        mentee=rows[mentee_at], mentor=owner[place_at], slot=slot[place_at],
        rows=int(shape[0]), columns=int(shape[1]), excluded=excluded,
    )


@dataclass(frozen=True)
class Diagnosis:
    """Why one person has no partner, in numbers: the text is written by `matching`."""

    index: int
    """Position of the person on their side (mentee or mentor)."""
    candidates: int
    """People on the other side who could take part (mentors with a place; all mentees)."""
    topical: int | None
    """Of those, how many share a topic with them (None when the topic rule does not apply)."""
    eligible: tuple[int, ...]
    """Positions of the other side allowed by every rule."""
    first_broken: dict[str, int]
    """Topical candidates ruled out, counted by the first rule (in RULE_ORDER) they break."""
    bound: tuple[str, ...]
    """Rules that alone stood between this person and some candidate."""


def diagnose(cohort: Cohort, people: Ints, side: str) -> list[Diagnosis]:
    """For unmatched mentees (side='mentee') or mentors ('mentor'): candidates, and which rules ruled them out."""
    if len(people) == 0:
        return []
    if side == MENTEE:
        n, m = people, np.flatnonzero(cohort.capacity > 0)
        axis = 1
    elif side == MENTOR:
        n, m = np.arange(cohort.n, dtype=np.intp), people
        axis = 0
    else:
        raise ValueError(side)
    other = m if side == MENTEE else n
    masks = cohort.masks(n, m)
    shape = (len(n), len(m))
    eligible = np.ones(shape, dtype=np.bool_)
    broken = np.zeros(shape, dtype=np.int8)
    for mask in masks.values():
        eligible &= mask
        broken += ~mask
    topical_mask = masks.get("shared_topic")
    remaining = topical_mask.copy() if topical_mask is not None else np.ones(shape, dtype=np.bool_)
    first: dict[str, npt.NDArray[np.intp]] = {}
    for name, mask in masks.items():
        if name == "shared_topic":
            continue
        first[name] = np.count_nonzero(remaining & ~mask, axis=axis)
        remaining &= mask
    bound = {name: (((broken == 1) & ~mask).any(axis=axis)) for name, mask in masks.items()}
    topical = np.count_nonzero(topical_mask, axis=axis) if topical_mask is not None else None
    diagnoses = []
    for k, person in enumerate(people):
        line = eligible[k] if axis == 1 else eligible[:, k]
        applies = topical is not None and (side == MENTOR or cohort.want_count[person] > 0)
        diagnoses.append(Diagnosis(
            index=int(person),
            candidates=len(other),
            topical=int(topical[k]) if applies and topical is not None else None,
            eligible=tuple(int(other[i]) for i in np.flatnonzero(line)),
            first_broken={name: int(counts[k]) for name, counts in first.items() if counts[k]},
            bound=tuple(name for name, flags in bound.items() if flags[k]),
        ))
    return diagnoses
