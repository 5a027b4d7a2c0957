"""Matching: every pair keeps the hard rules, the pairing is optimal and repeatable, and every
person left out, every bad roster and every output says plainly what happened."""

from __future__ import annotations

import csv
import itertools
import random
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from toolkit.errors import RosterError
from toolkit.files.tables import excel_safe, excel_unsafe
from toolkit.pairing.matching import MatchResult, pair_score, prepare_match
from toolkit.pairing.pairs import PAIRS_COLUMNS, read_history
from toolkit.pairing.report import write_match
from toolkit.pairing.roster import Person, Roster, read_roster
from toolkit.program.model import Matching, Program, Rules, Terminology, Weights
from toolkit.program.validate import load_program

from conftest import MINIMAL


def match_and_write(roster: Path, *args: Any, output: Path, **kwargs: Any) -> MatchResult:
    """What `revmentor match -o OUTPUT` does: the pairs made, then written."""
    result = prepare_match(roster, *args, **kwargs)
    write_match(result, output)
    return result


Run = Callable[..., Result]
HEADER = "id,name,email,role,level,department,manager_id,time_zone,offers,wants,languages,capacity"


def roster_file(tmp_path: Path, body: str, name: str = "roster.csv", header: str = HEADER) -> Path:
    """A roster CSV: the header, then the rows as written in the test."""
    path = tmp_path / name
    path.write_text(header + "\n" + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def problems(error: pytest.ExceptionInfo[RosterError]) -> str:
    return error.value.format()


# --- generated rosters ---------------------------------------------------------------------

TOPICS = ["AI tools", "social media", "data privacy", "TikTok", "Excel", "podcasts"]
ZONES = ["Europe/London", "Europe/Paris", "America/New_York", "Asia/Kolkata", "+9", ""]
LANGUAGES = ["English", "French", "Spanish"]


def generated(seed: int, mentors: int, mentees: int, *, topics: int = 6, departments: int = 4,
              capacities: tuple[str, ...] = ("", "1", "2", "0")) -> str:
    """A random HR export: a management forest (with people who take no part), levels that
    sometimes break the junior rule, topic wishes, departments, languages, zones, capacities."""
    rng = random.Random(seed)
    people: list[str] = []
    lines = []
    roles = ["", "", *["mentee"] * mentees, *["mentor"] * mentors]
    rng.shuffle(roles)
    for number, role in enumerate(roles):
        pid = f"P{number:03d}"
        boss = rng.choice(people) if people and rng.random() < 0.85 else ""
        level = rng.randint(1, 4) if role == "mentor" else rng.randint(3, 9)
        pool = TOPICS[:topics]
        offers = "; ".join(rng.sample(pool, rng.randint(0, 3))) if role == "mentor" else ""
        wants = "; ".join(rng.sample(pool, rng.randint(0, 2))) if role == "mentee" else ""
        languages = ";".join(rng.sample(LANGUAGES, rng.randint(0, 2)))
        capacity = rng.choice(capacities) if role == "mentor" else ""
        lines.append(f"{pid},Person {number},p{number}@example.org,{role},{level},Dept {rng.randrange(departments)},"
                     f"{boss},{rng.choice(ZONES)},{offers},{wants},{languages},{capacity}")
        people.append(pid)
    return HEADER + "\n" + "\n".join(lines) + "\n"


def chain_ids(roster: Roster, person: Person) -> set[str]:
    """Everyone up a person's chain, walked from the manager ids as written (independently of the code)."""
    by_id = {p.id: p for p in roster.people}
    up: set[str] = set()
    current = by_id[person.id].manager_id
    while current in by_id and current not in up and current != person.id:
        up.add(current)
        current = by_id[current].manager_id
    return up


def allowed(mentor: Person, mentee: Person, roster: Roster, rules: Rules, earlier: set[frozenset[str]]) -> bool:
    """The hard rules, written out plainly."""
    if mentor.id == mentee.id or mentor.capacity == 0:
        return False
    if mentee.id in chain_ids(roster, mentor) or mentor.id in chain_ids(roster, mentee):
        return False
    if frozenset((mentor.id, mentee.id)) in earlier:
        return False
    topics = {t.casefold() for t in mentee.wants} & {t.casefold() for t in mentor.offers}
    if rules.shared_topic and mentee.wants and not topics:
        return False
    if rules.mentor_junior and not (mentor.level is not None and mentee.level is not None and mentor.level < mentee.level):
        return False
    if rules.different_department and mentor.department and mentor.department.casefold() == mentee.department.casefold():
        return False
    languages = {x.casefold() for x in mentor.languages} & {x.casefold() for x in mentee.languages}
    return not (rules.shared_language and not languages)


def brute_force(roster: Roster, matching: Matching, earlier: set[frozenset[str]] = frozenset()) -> tuple[int, float]:
    """The best (number of pairs, total score minus load penalty) over every possible assignment."""
    mentors, mentees = roster.mentors, roster.mentees
    options = [[None, *(i for i, m in enumerate(mentors) if allowed(m, e, roster, matching.rules, earlier))]
               for e in mentees]
    best = (-1, float("-inf"))
    for choice in itertools.product(*options):
        counts = Counter(c for c in choice if c is not None)
        if any(counts[i] > mentors[i].capacity for i in counts):
            continue
        total = sum(pair_score(mentors[c], e, matching) for c, e in zip(choice, mentees, strict=True) if c is not None)
        total -= matching.weights.load * sum(k * (k - 1) / 2 for k in counts.values())
        candidate = (sum(counts.values()), total)
        if candidate[0] > best[0] or (candidate[0] == best[0] and candidate[1] > best[1] + 1e-9):
            best = candidate
    return best


ALL_RULES = Matching(rules=Rules(different_department=True, shared_language=True))
FREE = Matching(rules=Rules(mentor_junior=False, shared_topic=False))
"""Only the chain rule: many possible assignments, so the scores and the load decide."""
FREE_HEAVY_LOAD = Matching(rules=FREE.rules, weights=Weights(load=2.5))


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Program:
    """The conftest's minimal program (its start date fixes the UTC offsets of time zones)."""
    folder = tmp_path_factory.mktemp("program")
    (folder / "program.yaml").write_text(MINIMAL, encoding="utf-8")
    return load_program(folder).program


def with_matching(program: Program, matching: Matching) -> Program:
    return program.model_copy(update={"matching": matching})


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("matching", [Matching(), ALL_RULES], ids=["default-rules", "every-rule"])
def test_every_pair_keeps_every_hard_rule(tmp_path: Path, minimal: Program, seed: int, matching: Matching) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(generated(seed, mentors=25, mentees=30), encoding="utf-8")
    program = with_matching(minimal, matching)
    first = prepare_match(path, program)
    earlier_file = tmp_path / "earlier.csv"
    earlier_file.write_text("mentor_id,mentee_id\n" + "".join(
        f"{p.mentor.id},{p.mentee.id}\n" for p in first.pairs[::2]), encoding="utf-8")
    earlier = {frozenset((p.mentor.id, p.mentee.id)) for p in first.pairs[::2]}

    result = prepare_match(path, program, history=earlier_file)

    assert result.pairs, "a generated cohort this size always has some pairs"
    for pair in result.pairs:
        assert pair.mentor.role == "mentor" and pair.mentee.role == "mentee"
        assert allowed(pair.mentor, pair.mentee, result.roster, matching.rules, earlier), pair
    assert len({p.mentee.id for p in result.pairs}) == len(result.pairs)
    load = Counter(p.mentor.id for p in result.pairs)
    assert all(load[m.id] <= m.capacity for m in result.roster.mentors)


@pytest.mark.parametrize("seed", range(40))
def test_small_cohorts_get_the_brute_force_optimum(tmp_path: Path, minimal: Program, seed: int) -> None:
    """Most pairs first, then the best total score minus the load penalty: checked against every assignment."""
    matching = [Matching(), ALL_RULES, Matching(weights=Weights(load=0)), FREE, FREE_HEAVY_LOAD][seed % 5]
    path = tmp_path / "roster.csv"
    capacities = ("", "1", "2", "0") if seed % 2 else ("1", "2", "3")  # places to spare: the load decides
    path.write_text(generated(seed, mentors=4, mentees=5, topics=4, departments=3, capacities=capacities),
                    encoding="utf-8")

    result = prepare_match(path, with_matching(minimal, matching))

    count, best = brute_force(result.roster, matching)
    assert len(result.pairs) == count
    assert result.objective == pytest.approx(best, abs=1e-4)


def test_a_pairs_score_is_the_sum_of_its_weighted_parts(tmp_path: Path, minimal: Program) -> None:
    """The vectorised score matrix agrees with the plain definition, for every mentor and mentee."""
    import numpy as np

    from toolkit.pairing.assignment import Cohort

    path = tmp_path / "roster.csv"
    path.write_text(generated(3, mentors=30, mentees=40), encoding="utf-8")
    matching = Matching(weights=Weights(topics=2.5, cross_department=0.7, time_zone=1.3, language=0.4))
    roster = read_roster(path, matching, start_date=minimal.program.start_date)
    cohort = Cohort(roster, matching)
    vectorised = cohort.scores(np.arange(cohort.n), np.arange(cohort.m))
    plain = [[pair_score(mentor, mentee, matching) for mentor in roster.mentors] for mentee in roster.mentees]
    assert np.allclose(vectorised, plain, atol=1e-5)


# --- reasons -------------------------------------------------------------------------------


def reasons(result: MatchResult) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {u.person.id: (u.reason, u.bound) for u in result.unmatched}


def test_each_pair_says_why_in_words(tmp_path: Path) -> None:
    path = roster_file(tmp_path, """
        L1,Lena Lead,lena@example.org,mentee,8,Sales,,Europe/London,,AI tools; social media,English;French,
        J1,Jo Junior,jo@example.org,mentor,2,Ops,,Europe/Paris,social media; ai tools,,english,1
    """)
    (pair,) = prepare_match(path).pairs
    assert (pair.pair_id, pair.mentor.id, pair.mentee.id) == ("R1-P001", "J1", "L1")
    assert pair.reasons == ("shared topics: AI tools, social media", "different departments", "1 h apart",
                            "shared language: English")
    assert pair.score == pytest.approx(3 + 1 + 7 / 8 + 1)  # topics, departments, 7 of 8 working hours, language


def test_unmatched_people_get_the_reason_and_the_rules_that_bound(tmp_path: Path) -> None:
    path = roster_file(tmp_path, """
        B1,Bea Board,,,,Board,,,,,,
        L1,Lena Lead,,mentee,8,Sales,B1,,,data privacy,,
        L2,Liam Lead,,mentee,8,Ops,B1,,,AI tools,,
        J1,Jo Junior,,mentor,2,Ops,L2,,AI tools,,,1
        J2,Jay Junior,,mentor,2,Ops,B1,,Excel,,,1
        J9,Jules Junior,,mentor,2,Ops,B1,,AI tools,,,0
    """)
    result = prepare_match(path)
    assert result.pairs == ()
    assert reasons(result) == {
        "L1": ("no mentor with a place offers 'data privacy'", ("shared_topic",)),
        "L2": ("no eligible mentor: the only mentor with a place who offers 'AI tools' is in their management chain",
               ("shared_topic", "management_chain")),  # Jay Junior offers Excel: only the topic rule stops that pair
        "J1": ("no eligible mentee: the only mentee who wants 'AI tools' is in their management chain",
               ("shared_topic", "management_chain")),
        "J2": ("no mentee wants 'Excel'", ("shared_topic",)),
        "J9": ("capacity 0: takes no mentee this round", ()),
    }
    assert [(r.name, r.excluded, r.left_without) for r in result.rules] == [
        ("shared_topic", 3, 4), ("management_chain", 1, 2), ("mentor_junior", 0, 0)]


def test_several_rules_are_counted_by_the_first_one_broken(tmp_path: Path) -> None:
    path = roster_file(tmp_path, """
        L1,Lena Lead,,mentee,5,Sales,,,,AI tools,,
        J1,Jo Junior,,mentor,6,Ops,,,AI tools,,,
        J2,Jay Junior,,mentor,5,Ops,,,AI tools,,,
        J3,Jess Junior,,mentor,1,Ops,L1,,AI tools,,,
    """)
    assert reasons(prepare_match(path))["L1"] == (
        "no eligible mentor: of the 3 mentors who offer 'AI tools', 1 is in their management chain and 2 are not"
        " junior to them", ("management_chain", "mentor_junior"))


def test_when_places_run_out_the_lower_scoring_mentee_waits(tmp_path: Path) -> None:
    path = roster_file(tmp_path, """
        L1,Lena Lead,,mentee,8,Sales,,,,AI tools,,
        L2,Liam Lead,,mentee,8,Ops,,,,AI tools,,
        J1,Jo Junior,,mentor,2,Ops,,,AI tools,,,1
    """)
    result = prepare_match(path)
    assert [(p.mentor.id, p.mentee.id) for p in result.pairs] == [("J1", "L1")]  # different departments scores more
    assert reasons(result) == {
        "L2": ("the only eligible mentor, Jo Junior, has no place left: it went to another mentee", ("places",))}


def test_a_mentor_with_places_to_spare_spreads_the_load_and_says_so(tmp_path: Path) -> None:
    path = roster_file(tmp_path, """
        L1,Lena Lead,,mentee,8,Sales,,,,AI tools,,
        L2,Liam Lead,,mentee,8,Ops,,,,AI tools,,
        J1,Jo Junior,,mentor,2,Ops,,,AI tools,,,2
        J2,Jay Junior,,mentor,2,Ops,,,AI tools,,,1
    """)
    result = prepare_match(path)
    assert sorted((p.mentor.id, p.mentee.id, p.place) for p in result.pairs) == [("J1", "L1", 0), ("J2", "L2", 0)]
    assert result.places_left == 1

    crowded = roster_file(tmp_path, """
        L1,Lena Lead,,mentee,8,Sales,,,,AI tools,,
        L2,Liam Lead,,mentee,8,Ops,,,,AI tools,,
        J1,Jo Junior,,mentor,2,Ops,,,AI tools,,,2
    """, name="crowded.csv")
    second = [p for p in prepare_match(crowded).pairs if p.place == 1]
    assert [p.reasons[-1] for p in second] == ["mentor's 2nd mentee"]


# --- repeatable ----------------------------------------------------------------------------


def test_same_roster_same_pairs_and_same_bytes_whatever_the_row_order(tmp_path: Path, minimal: Program) -> None:
    text = generated(5, mentors=40, mentees=45)
    header, *rows = text.splitlines()
    random.Random(1).shuffle(rows)
    (tmp_path / "a.csv").write_text(text, encoding="utf-8")
    (tmp_path / "b.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    first = match_and_write(tmp_path / "a.csv", minimal, output=tmp_path / "one")
    again = match_and_write(tmp_path / "a.csv", minimal, output=tmp_path / "two")
    shuffled = prepare_match(tmp_path / "b.csv", minimal)

    def listing(result: MatchResult) -> list[tuple[str, str, str, float]]:
        return [(p.pair_id, p.mentor.id, p.mentee.id, p.score) for p in result.pairs]

    assert listing(first) == listing(again) == listing(shuffled)
    for name in ("pairs.csv", "pairs.xlsx", "match-report.html"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


# --- rotation ------------------------------------------------------------------------------


def test_history_never_repeats_a_pair_and_says_so_when_it_leaves_someone_out(tmp_path: Path) -> None:
    path = roster_file(tmp_path, """
        L1,Lena Lead,,mentee,8,Sales,,,,AI tools,,
        L2,Liam Lead,,mentee,8,Ops,,,,AI tools,,
        J1,Jo Junior,,mentor,2,Ops,,,AI tools,,,1
        J2,Jay Junior,,mentor,2,IT,,,AI tools,,,1
    """)
    first = match_and_write(path, output=tmp_path / "round-1")
    assert sorted((p.mentor.id, p.mentee.id) for p in first.pairs) == [("J1", "L1"), ("J2", "L2")]

    second = prepare_match(path, history=tmp_path / "round-1" / "pairs.csv")
    assert sorted((p.mentor.id, p.mentee.id) for p in second.pairs) == [("J1", "L2"), ("J2", "L1")]
    assert second.history_pairs == 2

    third = prepare_match(path, history=[tmp_path / "round-1" / "pairs.csv", _pairs_csv(tmp_path, second, "round-2.csv")])
    assert third.pairs == ()
    assert reasons(third)["L1"] == (
        "no eligible mentor: every mentor who offers 'AI tools' was their partner in an earlier round", ("history",))


def _pairs_csv(tmp_path: Path, result: MatchResult, name: str) -> Path:
    from toolkit.pairing.report import render_csv

    path = tmp_path / name
    path.write_bytes(render_csv(result))
    return path


def test_a_history_file_without_the_id_columns_is_refused(tmp_path: Path) -> None:
    path = roster_file(tmp_path, "J1,Jo,,mentor,2,Ops,,,AI tools,,,1\nL1,Lena,,mentee,8,Ops,,,,AI tools,,\n")
    history = tmp_path / "old.csv"
    history.write_text("mentor,mentee\nJ1,L1\n", encoding="utf-8")
    with pytest.raises(RosterError) as error:
        prepare_match(path, history=history)
    assert problems(error) == (
        f"{history}:1: row 1: missing columns 'mentor_id', 'mentee_id'; the columns found are: 'mentor', 'mentee'\n"
        "  fix: give a pairs.csv written by `revmentor match` (columns: pair_id, mentor_id, mentor_name,"
        " mentor_email, mentee_id, mentee_name, mentee_email, score, reasons)")


# --- bad rosters ---------------------------------------------------------------------------


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    path = roster_file(tmp_path, """
        E1,Ann,a@x,mentor,2,IT,,UTC,AI,,,two
        E1,Bob,b@x,mentee,6,Ops,,UTC,,AI,,
        E3,Cy,c@x,mentr,6,Ops,E4,Mars/Base,,AI,,
        E4,Di,d@x,mentee,x,Ops,E3,,,AI,,
        ,Ed,e@x,mentee,6,Ops,,,,AI,,
        E6,Fay,f@x,mentor,1,IT,,,AI,,,1.5
        E7,,g@x,mentee,,IT,,,,AI,,
    """)
    with pytest.raises(RosterError) as error:
        prepare_match(path)
    capacity_fix = "  fix: write how many mentees this mentor can take, a whole number such as 2 (empty means the default, 1)"
    assert problems(error) == "\n".join([
        f"{path}:2: row 2: capacity 'two' is not a number", capacity_fix,
        f"{path}:3: row 3: id 'E1' is already used on row 2",
        "  fix: give every person their own id; remove or merge the repeated row",
        f"{path}:4: row 4: role 'mentr' is not mentor or mentee",
        "  fix: did you mean 'mentor'? write mentor or mentee, or leave it empty for someone who takes no part and"
        " only completes the management chain",
        f"{path}:4: row 4: time_zone 'Mars/Base' is not a time zone",
        "  fix: write an IANA time zone such as Europe/London or America/New_York, or an offset from UTC such as"
        " +5:30 or -3, or leave it empty",
        f"{path}:4: row 4: management cycle through manager_id: E3 -> E4 -> E3 (rows 4, 5)",
        "  fix: correct the manager_id of one of these people: a chain must end at someone with no manager",
        f"{path}:5: row 5: level 'x' is not a number",
        "  fix: write seniority as a number, higher for more senior (e.g. 2 for a graduate, 6 for a director), or list"
        " the roster's bands in order, most junior first, as matching.levels in program.yaml",
        f"{path}:6: row 6: id is empty",
        "  fix: give every person their own id, or delete the row",
        f"{path}:7: row 7: capacity '1.5' is not a whole number", capacity_fix,
        f"{path}:8: row 8: name is empty",
        "  fix: give every mentor and mentee a name",
        f"{path}:8: row 8: level is empty",
        "  fix: write this person's seniority as a number (higher is more senior): matching.rules.mentor_junior"
        " compares the levels of mentor and mentee",
    ])


def test_missing_columns_are_named_with_the_columns_found(tmp_path: Path) -> None:
    path = roster_file(tmp_path, "E1,Ann,mentor,2\n", header="id,name,role,level")
    with pytest.raises(RosterError) as error:
        prepare_match(path)
    assert problems(error) == (
        f"{path}:1: row 1: missing columns 'manager_id', 'offers', 'wants'; the columns found are: 'id', 'name',"
        " 'role', 'level'\n"
        "  fix: rename the roster's columns to these names, or map them to the roster's own names in program.yaml,"
        " e.g. matching: {columns: {manager_id: <the roster's name for it>}}; 'offers' and 'wants' are needed by"
        " matching.rules.shared_topic (or set that rule to false)")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.csv", b"", "{path}: the file is empty\n  fix: export the roster with a header row and one row per person"),
        ("roster.csv", HEADER.encode() + b"\n",
         "{path}:1: has a header row but no people\n  fix: add one row per person below the header"),
        ("roster.json", b"{}", "{path}: is not a CSV or XLSX file (its name ends in .json)\n  fix: export the roster"
         " from your HR system or spreadsheet as CSV or .xlsx; save it as CSV UTF-8 (in Excel: File > Save As > CSV"
         " UTF-8) or as an Excel workbook (.xlsx)"),
        ("roster.csv", b"id,name,role\nE1,Ren\xe9,mentor\n", "{path}:2: row 2: not UTF-8 text: byte 0xe9 cannot be"
         " read (the file was probably saved as Windows-1252 or Latin-1)\n  fix: save it as CSV UTF-8 (in Excel:"
         " File > Save As > CSV UTF-8) or as an Excel workbook (.xlsx)"),
        ("roster.xlsx", b"id,name\n", "{path}: is not an Excel workbook (.xlsx), though its name ends in .xlsx\n"
         "  fix: open it in the program that made it and save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8)"
         " or as an Excel workbook (.xlsx)"),
        ("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "{path}: is an old-style Excel file (.xls) or a"
         " password-protected workbook, which cannot be read\n  fix: open it in Excel and save it as CSV UTF-8 (in"
         " Excel: File > Save As > CSV UTF-8) or as an Excel workbook (.xlsx), without a password"),
        ("roster.csv", (HEADER + "\nE1,\"Lee, Ann\",a@x,mentor,2,IT,,,AI,,,1\nE2,Lee, Bob,b@x,mentee,6,Ops,,,,AI,,\n")
         .encode(), "{path}:3: row 3: 13 values but the header row has 12 columns\n  fix: enclose values that contain"
         " a comma (the separator) in double quotes, e.g. \"Lee, Ann\", or remove the stray comma"),
        ("roster.csv", "id,name,Name\nE1,Ann,Ann\n".encode("utf-16"), "{path}: is UTF-16 text (Excel's 'Unicode"
         " Text'), not UTF-8\n  fix: save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel"
         " workbook (.xlsx)"),
        ("roster.csv", b"id,name,Name\nE1,Ann,Ann\n", "{path}:1: row 1: the column 'Name' appears twice (columns 2"
         " and 3)\n  fix: rename or remove one of them"),
        ("roster.csv", (HEADER + "\nE1,\"Lee, Ann,a@x,mentor,2,IT,,,AI,,,1\nE2,Bob,b@x,mentee,6,Ops,,,,AI,,\n").encode(),
         "{path}:2: row 2: cannot be read as CSV: unexpected end of data\n  fix: check the quotes in this row: a value"
         " that contains the separator ',' or a line break must be enclosed in double quotes, and a value that opens"
         " with a quote must end with one"),
    ],
    ids=["empty", "header-only", "not-a-table", "not-utf8", "not-xlsx", "xls", "ragged", "utf-16", "same-column",
         "unclosed-quote"],
)
def test_a_file_that_cannot_be_a_roster_says_why(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RosterError) as error:
        prepare_match(path)
    assert problems(error) == message.format(path=path)


def test_a_roster_needs_both_sides(tmp_path: Path) -> None:
    path = roster_file(tmp_path, "J1,Jo,,mentor,2,Ops,,,AI tools,,,1\n")
    with pytest.raises(RosterError) as error:
        prepare_match(path)
    assert problems(error) == (
        f"{path}: no one has the role mentee (column 'role'), so there are no mentees to pair\n"
        "  fix: write mentee in the role column of the mentees' rows")


def test_a_manager_found_nowhere_is_a_warning_and_the_chain_stops_there(tmp_path: Path) -> None:
    path = roster_file(tmp_path, """
        L1,Lena Lead,,mentee,8,Sales,X9,,,AI tools,,
        J1,Jo Junior,,mentor,2,Ops,X9,,AI tools,,,1
        J2,Jay Junior,,mentor,2,Ops,J2,,Excel,,,1
    """)
    result = match_and_write(path, output=tmp_path / "out")
    assert [p.format() for p in result.warnings] == [
        f"{path}:2: warning: row 2: manager_id 'X9' is not an id in the roster (also on row 3); the management"
        " chain stops there\n  fix: add that manager's row (with an empty role) so the whole chain is known, or"
        " correct the id",
        f"{path}:4: warning: row 4: manager_id is the person's own id; read as having no manager\n"
        "  fix: leave manager_id empty for the top of the organisation",
    ]
    assert [(p.mentor.id, p.mentee.id) for p in result.pairs] == [("J1", "L1")]
    html = (tmp_path / "out" / "match-report.html").read_text(encoding="utf-8")
    assert "row 2: manager_id &#39;X9&#39; is not an id in the roster (also on row 3)" in html


# --- formats in ----------------------------------------------------------------------------


def test_semicolons_a_bom_and_mapped_column_names_are_read(tmp_path: Path, make_program: Callable[..., Path]) -> None:
    program = make_program(MINIMAL + textwrap.dedent("""
        matching:
          columns: {id: Employee ID, name: Full name, role: Crosswise role, manager_id: Line manager,
                    offers: Can offer, wants: Wants to learn, level: Grade}
    """))
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffEmployee ID;Full name;Crosswise role;Grade;Line manager;Can offer;Wants to learn\n"
                     "J1;Jo Junior;Mentor;2;;AI tools, TikTok;\n"
                     "L1;Lena Lead;MENTEE;8;;;TikTok\n".encode())
    (pair,) = prepare_match(path, load_program(program)).pairs
    assert (pair.mentor.name, pair.mentee.name, pair.reasons) == ("Jo Junior", "Lena Lead", ("shared topic: TikTok",))


def test_the_program_names_for_the_roles_are_accepted(tmp_path: Path, minimal: Program) -> None:
    terms = minimal.program.model_copy(update={"terminology": Terminology(mentor="Reverse mentor", mentee="Leader")})
    program = minimal.model_copy(update={"program": terms})
    path = roster_file(tmp_path, """
        J1,Jo,,reverse mentor,2,Ops,,,AI tools,,,1
        L1,Lena,,Leader,8,Ops,,,,AI tools,,
        L2,Liam,,leadr,8,Ops,,,,AI tools,,
    """)
    with pytest.raises(RosterError) as error:
        prepare_match(path, program)
    assert problems(error) == (
        f"{path}:4: row 4: role 'leadr' is not mentor or mentee\n"
        "  fix: did you mean 'Leader'? write mentor or mentee (or this program's names, Reverse mentor and Leader),"
        " or leave it empty for someone who takes no part and only completes the management chain")


def test_an_xlsx_roster_is_read_from_the_named_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["exported by HR"])
    sheet = book.create_sheet("Participants")
    sheet.append(HEADER.split(","))
    sheet.append(["J1", "Jo Junior", "jo@example.org", "mentor", 2, "Ops", None, "UTC", "AI tools", None, None, 2.0])
    sheet.append([])
    sheet.append(["L1", "Lena Lead", "lena@example.org", "mentee", 8, "Sales", None, "UTC", None, "AI tools", None, None])
    path = tmp_path / "hr.xlsx"
    book.save(path)

    (pair,) = prepare_match(path, sheet="Participants").pairs
    assert (pair.mentor.id, pair.mentor.capacity, pair.mentee.id, pair.mentee.row) == ("J1", 2, "L1", 4)
    with pytest.raises(RosterError) as error:
        prepare_match(path, sheet="People")
    assert problems(error) == (f"{path}: has no sheet named 'People'; its sheets are: 'Notes', 'Participants'\n"
                               "  fix: give one of these names with --sheet, or leave --sheet out for the first")


# --- formats out ---------------------------------------------------------------------------

NASTY = """
    =HYPERLINK("http://evil.example"),+44 20 7946 0000,@SUM(A1),mentor,2,Ops,,,AI tools,,,1
    -5,<script>alert(1)</script>,=1+1@example.org,mentee,8,Sales,,,,AI tools,,
"""


def test_outputs_are_safe_to_open_in_excel(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    match_and_write(roster_file(tmp_path, NASTY), output=tmp_path / "out")

    with (tmp_path / "out" / "pairs.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == list(PAIRS_COLUMNS)
    assert rows[1][:7] == ["R1-P001", "'=HYPERLINK(\"http://evil.example\")", "'+44 20 7946 0000", "'@SUM(A1)", "'-5",
                           "<script>alert(1)</script>", "'=1+1@example.org"]
    book = load_workbook(tmp_path / "out" / "pairs.xlsx")
    cells = [cell for row in book["Pairs"].iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert [cell.value for cell in book["Pairs"][2]][:8] == [
        "R1-P001", "'=HYPERLINK(\"http://evil.example\")", "'+44 20 7946 0000", "'@SUM(A1)", "'-5",
        "<script>alert(1)</script>", "'=1+1@example.org", 4.0]
    text_cells = [c.value for c in cells if isinstance(c.value, str)]
    assert not [v for v in text_cells if v.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_the_quote_is_removed_again_when_a_pairs_file_is_read(tmp_path: Path) -> None:
    match_and_write(roster_file(tmp_path, NASTY), output=tmp_path / "out")
    for name in ("pairs.csv", "pairs.xlsx"):
        (row,) = read_history(tmp_path / "out" / name)
        assert (row.mentor_id, row.mentor_name, row.mentee_id, row.mentee_email) == (
            '=HYPERLINK("http://evil.example")', "+44 20 7946 0000", "-5", "=1+1@example.org"), name


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@a", "\tx", "\rx"])
def test_every_formula_start_is_neutralised_and_restored(text: str) -> None:
    assert excel_safe(text) == "'" + text
    assert excel_unsafe(excel_safe(text)) == text
    assert excel_safe("'quoted") == excel_unsafe("'quoted") == "'quoted"


def test_the_report_shows_roster_text_as_text(tmp_path: Path) -> None:
    match_and_write(roster_file(tmp_path, NASTY), output=tmp_path / "out")
    html = (tmp_path / "out" / "match-report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert 'data-figure="pairs">1<' in html


def test_nothing_is_written_for_a_bad_roster(tmp_path: Path) -> None:
    path = roster_file(tmp_path, "J1,Jo,,mentor,2,Ops,,,AI tools,,,lots\nL1,Lena,,mentee,8,Ops,,,,AI tools,,\n")
    with pytest.raises(RosterError):
        match_and_write(path, output=tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- the command ---------------------------------------------------------------------------

GOOD = """
    L1,Lena Lead,lena@example.org,mentee,8,Sales,,,,AI tools,,
    L2,Liam Lead,liam@example.org,mentee,8,Ops,,,,data privacy,,
    J1,Jo Junior,jo@example.org,mentor,2,Ops,,,AI tools,,,1
"""


def test_match_command_writes_the_pairs_and_lists_who_is_left(run: Run, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    roster_file(tmp_path, GOOD)
    result = run("match", "roster.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Paired 1 of 2 mentees from roster.csv; mean score 4.00 of a possible 5.\n"
        "Unmatched (1):\n"
        "  mentee Liam Lead (L2): no mentor offers 'data privacy'\n"
        "Wrote private/match: match-report.html, pairs.csv, pairs.xlsx\n"
    )
    assert result.stderr == "No program.yaml here: using the default matching settings (see the README).\n"
    assert sorted(p.name for p in (tmp_path / "private" / "match").iterdir()) == [
        ".revmentor-manifest.json", "match-report.html", "pairs.csv", "pairs.xlsx"]
    again = run("match", "roster.csv")  # the toolkit's own output is replaced
    assert again.exit_code == 0


def test_match_command_exit_codes(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    roster_file(tmp_path, "J1,Jo,,mentor,2,Ops,,,AI tools,,,lots\nL1,Lena,,mentee,8,Ops,,,,AI tools,,\n")
    bad = run("match", "roster.csv", "--program", "nowhere.yaml")
    assert bad.exit_code == 1
    assert bad.stderr == "nowhere.yaml: no such file\n  fix: check the path, or run `revmentor init` to start a program\n"
    bad = run("match", "roster.csv", "-o", "out")
    assert bad.exit_code == 1
    assert bad.stderr.endswith(
        "roster.csv:2: row 2: capacity 'lots' is not a number\n  fix: write how many mentees this mentor can take,"
        " a whole number such as 2 (empty means the default, 1)\n")
    assert "Traceback" not in bad.output
    assert not (tmp_path / "out").exists()
    assert run("match").exit_code == 2
    assert run("match", "roster.csv", "--no-such-option").exit_code == 2


def test_strict_stops_on_roster_warnings_before_writing(run: Run, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    roster_file(tmp_path, GOOD.replace("AI tools,,,1", "AI tools,,,1").replace("Ops,,,AI tools,,,1", "Ops,X9,,AI tools,,,1"))
    result = run("match", "roster.csv", "--strict", "-o", "out")
    assert result.exit_code == 1
    assert "roster.csv:4: warning: row 4: manager_id 'X9' is not an id in the roster" in result.stderr
    assert result.stderr.endswith("1 warning and --strict is set\n  fix: fix the warnings above, or run without --strict\n")
    assert not (tmp_path / "out").exists()


def test_match_command_refuses_a_folder_of_someone_elses_files(run: Run, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    roster_file(tmp_path, GOOD)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("match", "roster.csv", "-o", "mine")
    assert result.exit_code == 1
    assert "the output folder is not empty and was not made by revmentor" in result.stderr
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_the_program_folder_mapping_and_history_work_from_the_command(run: Run, tmp_path: Path,
                                                                      make_program: Callable[..., Path],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    program = make_program(MINIMAL + "matching:\n  columns: {id: employee}\n")
    monkeypatch.chdir(tmp_path)
    roster_file(tmp_path, GOOD.replace("AI tools,,,1", "AI tools,,,2") + "L3,Lara Lead,,mentee,8,IT,,,,AI tools,,\n",
                header=HEADER.replace("id,", "employee,", 1))
    first = run("match", "roster.csv", "--program", str(program), "-o", "round-1")
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Paired 2 of 3 mentees")
    second = run("match", "roster.csv", "--program", str(program), "--history", "round-1/pairs.csv", "-o", "round-2")
    assert second.exit_code == 0, second.output
    assert second.stdout.startswith("Paired 0 of 3 mentees")
    assert "every mentor who offers 'AI tools' was their partner in an earlier round" not in second.stdout
    assert "the only mentor who offers 'AI tools' was their partner in an earlier round" in second.stdout


def test_the_toolkit_exports_match_without_loading_numpy() -> None:
    probe = "import sys, toolkit; toolkit.prepare_match; toolkit.write_match; toolkit.read_history; print(sorted({'numpy', 'scipy'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_reading_a_roster_reads_every_cell_as_text(tmp_path: Path) -> None:
    path = roster_file(tmp_path, "J1,Jo,,mentor,2,Ops,,+5:30,AI tools; ai  TOOLS;Excel,,English,\n"
                                 "L1,Lena,,mentee,8,Ops,,,,AI tools,,\n")
    roster = read_roster(path)
    jo = roster.mentors[0]
    assert (jo.offers, jo.utc_offset, jo.capacity, jo.languages) == (("AI tools", "Excel"), 5.5, 1, ("English",))


def test_a_cohort_too_large_for_memory_is_refused_with_a_way_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import toolkit.pairing.matching

    monkeypatch.setattr(toolkit.pairing.matching, "MAX_COMBINATIONS", 1)
    path = roster_file(tmp_path, GOOD)
    with pytest.raises(RosterError) as error:
        match_and_write(path, output=tmp_path / "out")
    assert problems(error) == (
        f"{path}: 2 mentees and 1 mentor places make 2 combinations, more than one pairing can hold in memory (1)\n"
        "  fix: match the cohort in parts, one roster per region or business unit, or lower the capacities")


def test_the_report_suggests_a_higher_load_weight_when_mentors_wait(tmp_path: Path, minimal: Program) -> None:
    path = roster_file(tmp_path, """
        L1,Lena Lead,,mentee,8,Sales,,,,AI tools,,
        L2,Liam Lead,,mentee,8,Sales,,,,AI tools,,
        J1,Jo Junior,,mentor,2,Ops,,,AI tools,,,2
        J2,Jay Junior,,mentor,2,Sales,,,AI tools,,,1
    """)
    result = match_and_write(path, output=tmp_path / "out")
    assert sorted((p.mentor.id, p.mentee.id, p.place) for p in result.pairs) == [("J1", "L1", 0), ("J1", "L2", 1)]
    html = (tmp_path / "out" / "match-report.html").read_text(encoding="utf-8")
    assert ('<p data-figure="load-hint">1 mentor has no mentee while 1 took a second: raise matching.weights.load'
            " (now 0.5) to spread mentees more evenly, at some cost to the pair scores.</p>") in html
    spread = prepare_match(path, with_matching(minimal, Matching(weights=Weights(load=2))))
    assert sorted((p.mentor.id, p.mentee.id) for p in spread.pairs) == [("J1", "L1"), ("J2", "L2")]



def test_a_mentor_with_no_place_is_nobodys_eligible_mentor(tmp_path: Path) -> None:
    path = roster_file(tmp_path, """
        L1,Lena Lead,,mentee,8,Sales,,,,AI tools,,
        L2,Liam Lead,,mentee,8,,,,,Excel,,
        J1,Jo Junior,,mentor,2,Ops,,,AI tools,,,0
        J2,Jay Junior,,mentor,2,,,,Excel,,,1
    """)
    result = prepare_match(path)
    assert [(p.mentor.id, p.mentee.id) for p in result.pairs] == [("J2", "L2")]
    assert reasons(result) == {"L1": ("no mentor with a place offers 'AI tools'", ("shared_topic",)),
                               "J1": ("capacity 0: takes no mentee this round", ())}


def test_someone_without_a_department_is_in_no_one_elses(tmp_path: Path, minimal: Program) -> None:
    path = roster_file(tmp_path, """
        L1,Lena Lead,,mentee,8,Sales,,,,Excel,,
        L2,Liam Lead,,mentee,8,IT,,,,AI tools,,
        J1,Jo Junior,,mentor,2,,,,Excel,,,1
        J2,Jay Junior,,mentor,2,Ops,,,AI tools,,,1
    """)
    result = prepare_match(path, with_matching(minimal, Matching(rules=Rules(different_department=True))))
    assert sorted((p.mentor.id, p.mentee.id) for p in result.pairs) == [("J1", "L1"), ("J2", "L2")]


def test_each_phase_of_a_match_is_timed_for_the_benchmark(tmp_path: Path) -> None:
    timings = prepare_match(roster_file(tmp_path, GOOD)).timings
    assert sorted(timings) == ["prepare", "read", "reasons", "rules", "scores", "solve"]
    assert all(0 <= seconds < 600 for seconds in timings.values()), timings


def test_hours_apart_wrap_around_the_date_line_in_the_vectorised_scores_too(tmp_path: Path, minimal: Program) -> None:
    """+13 and -11 are the same hour; +12 and -10 two hours apart; +5:30 and -3 eight and a half."""
    import numpy as np

    from toolkit.pairing.assignment import Cohort

    zones = ["+13", "-11", "+12", "-10", "+5:30", "-3", "UTC", ""]
    rows = [f"L{n},Lead {n},,mentee,8,Dept,,{zone},,AI tools,," for n, zone in enumerate(zones)]
    rows += [f"J{n},Junior {n},,mentor,2,Dept,,{zone},AI tools,,,1" for n, zone in enumerate(zones)]
    path = roster_file(tmp_path, "\n".join(rows))
    matching = Matching(weights=Weights(topics=0, cross_department=0, time_zone=1, language=0))
    roster = read_roster(path, matching, start_date=minimal.program.start_date)
    vectorised = Cohort(roster, matching).scores(np.arange(len(zones)), np.arange(len(zones)))
    plain = [[pair_score(mentor, mentee, matching) for mentor in roster.mentors] for mentee in roster.mentees]
    assert np.allclose(vectorised, plain, atol=1e-6)
    by_id = {p.id: p for p in roster.people}
    assert pair_score(by_id["J0"], by_id["L1"], matching) == 1.0
    assert pair_score(by_id["J2"], by_id["L3"], matching) == 0.75
    assert pair_score(by_id["J4"], by_id["L5"], matching) == 0.0


ROUNDS = """
    L1,Lena Lead,lena@example.org,mentee,8,Sales,,,,AI tools,,
    L2,Liam Lead,liam@example.org,mentee,8,Ops,,,,AI tools,,
    J1,Jo Junior,jo@example.org,mentor,2,Ops,,,AI tools,,,1
    J2,Jay Junior,jay@example.org,mentor,2,IT,,,AI tools,,,1
"""


@pytest.fixture
def rounds(make_program: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A program folder, the working folder, with roster.csv holding ROUNDS."""
    program = make_program().parent
    monkeypatch.chdir(program)
    roster_file(program, ROUNDS)
    return program


def test_each_round_gets_its_own_default_folder_and_never_replaces_its_history(
        run: Run, rounds: Path) -> None:
    """Round 2 reads round 1's pairs.csv: written over, round 1 would be gone and round 3 repeat it."""
    program = rounds
    assert run("match", "roster.csv").exit_code == 0
    round_1 = (program / "private/match/pairs.csv").read_bytes()

    second = run("match", "roster.csv", "--history", "private/match/pairs.csv")
    assert second.exit_code == 0, second.output
    assert second.stdout.endswith("Wrote private/match-round-2 (round 2): match-report.html, pairs.csv, pairs.xlsx\n")
    assert (program / "private/match/pairs.csv").read_bytes() == round_1

    third = run("match", "roster.csv", "--history", "private/match/pairs.csv",
                "--history", "private/match-round-2/pairs.csv")
    assert third.exit_code == 0, third.output
    assert third.stdout.startswith("Paired 0 of 2 mentees")
    assert third.stdout.endswith("Wrote private/match-round-3 (round 3): match-report.html, pairs.csv, pairs.xlsx\n")
    made = [{(p.mentor_id, p.mentee_id) for p in read_history(program / folder / "pairs.csv")}
            for folder in ("private/match", "private/match-round-2")]
    assert len(made[0]) == len(made[1]) == 2 and not made[0] & made[1]


@pytest.mark.parametrize("given", ["private/match/pairs.csv", "roster.csv"])
def test_an_output_that_would_replace_an_input_of_the_same_run_is_refused(
        given: str, run: Run, rounds: Path) -> None:
    program = rounds
    roster = program / "roster.csv"
    assert run("match", "roster.csv").exit_code == 0
    if given == "roster.csv":
        roster = roster.rename(program / "private/match/roster.csv")
        args = ["private/match/roster.csv", "-o", "private/match"]
        what = "the roster"
    else:
        args = ["roster.csv", "--history", given, "-o", "private/match"]
        what = "the history file"
    before = {path: path.read_bytes() for path in (program / "private/match").iterdir()}
    result = run("match", *args)
    assert result.exit_code == 1
    assert result.stderr == (
        f"private/match: {what} private/match/{Path(given).name} lies in this output folder, which the run replaces"
        " as a whole: it would be lost\n"
        "  fix: write this run's output to another folder with -o, and keep the inputs where they are\n")
    assert {path: path.read_bytes() for path in (program / "private/match").iterdir()} == before
    assert roster.exists()


def test_a_round_is_numbered_by_the_round_folders_of_its_history_too(
        run: Run, rounds: Path) -> None:
    """Given only round 3's pairs, this is round 4: writing "round 2" would replace the real one."""
    program = rounds
    assert run("match", "roster.csv").exit_code == 0
    assert run("match", "roster.csv", "--history", "private/match/pairs.csv").exit_code == 0
    third = run("match", "roster.csv", "--history", "private/match/pairs.csv", "--history",
                "private/match-round-2/pairs.csv")
    assert third.exit_code == 0, third.output
    kept = {name: (program / "private" / name / "pairs.csv").read_bytes()
            for name in ("match", "match-round-2", "match-round-3")}
    fourth = run("match", "roster.csv", "--history", "private/match-round-3/pairs.csv")
    assert fourth.exit_code == 0, fourth.output
    assert fourth.stdout.endswith("Wrote private/match-round-4 (round 4): match-report.html, pairs.csv, pairs.xlsx\n")
    assert {name: (program / "private" / name / "pairs.csv").read_bytes() for name in kept} == kept


def test_redoing_a_round_a_later_one_was_built_on_takes_an_explicit_folder(
        run: Run, rounds: Path) -> None:
    program = rounds
    assert run("match", "roster.csv").exit_code == 0
    assert run("match", "roster.csv", "--history", "private/match/pairs.csv").exit_code == 0
    round_1 = (program / "private/match/pairs.csv").read_bytes()
    again = run("match", "roster.csv")
    assert again.exit_code == 1
    assert again.stderr == (
        "private/match: holds round 1, and round 2 (private/match-round-2) has been made since: replacing round 1"
        " would lose the pairs the later rounds were kept from repeating\n"
        "  fix: for a new round, give every earlier round's pairs.csv with --history; to redo round 1 anyway, say"
        " so with -o private/match\n")
    assert (program / "private/match/pairs.csv").read_bytes() == round_1
    assert run("match", "roster.csv", "-o", "private/match").exit_code == 0
    assert run("match", "roster.csv", "--history", "private/match/pairs.csv").exit_code == 0, "redo the last round"


def test_round_numbers_come_from_the_default_folder_names_only() -> None:
    from toolkit.files.paths import round_number, round_output

    assert [round_number(Path(name)) for name in ("match", "match-round-2", "match-round-12")] == [1, 2, 12]
    assert [round_number(Path(n)) for n in ("round-2", "match-round-", "match-round-02", "match-round-x", "x")] == [None] * 5
    assert round_output(Path("/p"), 1) == Path("/p/private/match")
    assert round_output(Path("/p"), 3) == Path("/p/private/match-round-3")
