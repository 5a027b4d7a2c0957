"""Rounds of pairs, through the CLI as a coordinator runs them: three rounds of `revmentor match`
and `revmentor forms` give unique pair ids, folders and calendar UIDs, and each round's pack
holds only its own check-ins; a person's calendar holds only their side's training.

The packs are read back for real: pypdf for the PDFs' text, icalendar for the calendars.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar
from pypdf import PdfReader

from toolkit.pairing.pairs import read_history

from conftest import program_yaml, write_program

Run = Callable[..., Result]

TITLES = ("Opening", "Goals", "Midway", "Stretch", "Wrap-up", "Farewell")
"""The six check-ins, two a round: weeks 2 and 4, 6 and 8, 10 and 12."""
ROUND_TITLES = {1: {"Opening", "Goals"}, 2: {"Midway", "Stretch"}, 3: {"Wrap-up", "Farewell"}}


def module(module_id: str, audience: list[str], week: int) -> dict[str, object]:
    return {"id": module_id, "title": module_id.replace("-", " ").capitalize(), "summary": "A session.",
            "audience": audience, "week": week, "start_time": "09:30", "objectives": ["Take part"],
            "agenda": [{"title": "Work", "kind": "exercise", "minutes": 60}]}


PROGRAM = program_yaml(
    training=[module("orientation", ["mentor", "mentee"], 1), module("coaching-up", ["mentor"], 2),
              module("being-taught", ["mentee"], 2), module("new-partners", ["mentor", "mentee"], 5)],
    checkins={"schedule": {"weeks": [2, 4, 6, 8, 10, 12]}, "minutes": "45-60", "time": "12:00",
              "sessions": [{"title": title, "purpose": f"The {title.lower()} meeting."} for title in TITLES]},
    rotation={"rounds": [{"start_week": 1, "end_week": 4}, {"start_week": 5, "end_week": 8},
                         {"start_week": 9, "end_week": 12}]},
)
"""MINIMAL's Bridge at Acme, 12 weeks from Monday 4 January 2027, in three rounds of four weeks."""

ROSTER = """\
id,name,email,role,level,department,manager_id,time_zone,offers,wants,languages,capacity
L1,Lena Lead,lena@example.org,mentee,8,Sales,,,,AI tools,,
L2,Liam Lead,liam@example.org,mentee,8,Ops,,,,AI tools,,
L3,Lou Lead,lou@example.org,mentee,8,HR,,,,AI tools,,
J1,Jo Junior,jo@example.org,mentor,2,Ops,,,AI tools,,,1
J2,Jay Junior,jay@example.org,mentor,2,IT,,,AI tools,,,1
J3,Jen Junior,jen@example.org,mentor,2,IT,,,AI tools,,,1
"""
PAIRS = {1: "private/match/pairs.csv", 2: "private/match-round-2/pairs.csv", 3: "private/match-round-3/pairs.csv"}
PACKS = {1: "private/packs", 2: "private/packs-round-2", 3: "private/packs-round-3"}


def invoke(*args: str) -> Result:
    from toolkit.cli import cli

    return CliRunner().invoke(cli, list(args), prog_name="revmentor")


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The program folder after three rounds, each matched and packed with the commands' defaults
    (round 2 says its round with --round; round 3 leaves it to the history and the ids)."""
    folder = write_program(tmp_path_factory.mktemp("rounds") / "prog", PROGRAM, {"roster.csv": ROSTER})
    old = os.getcwd()
    os.chdir(folder)
    try:
        steps = [
            ("match", "roster.csv"),
            ("match", "roster.csv", "--history", PAIRS[1], "--round", "2"),
            ("match", "roster.csv", "--history", PAIRS[1], "--history", PAIRS[2]),
            ("forms", "--pairs", PAIRS[1], "-q"),
            ("forms", "--pairs", PAIRS[2], "--round", "2", "-q"),
            ("forms", "--pairs", PAIRS[3], "-q"),
        ]
        for step in steps:
            result = invoke(*step)
            assert result.exit_code == 0, (step, result.output)
        yield folder
    finally:
        os.chdir(old)


@pytest.fixture
def inside(rounds: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(rounds)
    return rounds


def pack_folders(folder: Path, number: int) -> list[Path]:
    return sorted(path for path in (folder / PACKS[number]).iterdir() if path.is_dir())


def calendar_events(path: Path) -> list[tuple[str, str, dt.date, int]]:
    """(uid, summary, date, sequence) of every event of a calendar file."""
    return [(str(e["uid"]), str(e["summary"]), e.decoded("dtstart").date(), int(e["sequence"]))
            for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


# --- ids, folders and calendar UIDs -----------------------------------------------------------


def test_three_rounds_give_unique_pair_ids_folders_and_calendar_uids(rounds: Path) -> None:
    ids = {number: [pair.pair_id for pair in read_history(rounds / PAIRS[number])] for number in PAIRS}
    assert ids == {n: [f"R{n}-P001", f"R{n}-P002", f"R{n}-P003"] for n in (1, 2, 3)}
    folders = {number: [path.name for path in pack_folders(rounds, number)] for number in PACKS}
    assert folders == ids
    checkin_uids: list[str] = []
    for number in PACKS:
        for pack in pack_folders(rounds, number):
            for side in ("mentor", "mentee"):
                uids = [uid for uid, _, _, _ in calendar_events(pack / f"{pack.name}-{side}-calendar.ics")]
                assert len(uids) == len(set(uids)), pack.name
                assert all(uid.endswith("@bridge.revmentor") for uid in uids)
                if side == "mentor":
                    checkin_uids += [uid for uid in uids if uid.startswith("checkin-")]
    assert len(checkin_uids) == len(set(checkin_uids)) == 3 * 3 * 2, "no two pairs of any round share a check-in UID"
    assert "checkin-3-pair-r2-p001@bridge.revmentor" in checkin_uids
    assert not any("acme" in uid for uid in checkin_uids), "a UID never holds the organisation's name"


def test_a_pair_id_never_holds_the_organisations_name(rounds: Path) -> None:
    assert not any("acme" in pair.pair_id.casefold() for number in PAIRS for pair in read_history(rounds / PAIRS[number]))


# --- what each round's pack holds -------------------------------------------------------------


def test_each_rounds_pack_holds_only_its_rounds_checkin_forms(rounds: Path) -> None:
    for number, checkins in {1: (1, 2), 2: (3, 4), 3: (5, 6)}.items():
        for pack in pack_folders(rounds, number):
            assert sorted(path.name for path in pack.iterdir()) == sorted([
                f"{pack.name}-agreement.pdf", f"{pack.name}-certificate-mentor.pdf",
                f"{pack.name}-certificate-mentee.pdf", f"{pack.name}-mentor-calendar.ics",
                f"{pack.name}-mentee-calendar.ics", *(f"{pack.name}-checkin-{n}.pdf" for n in checkins),
                *(f"{pack.name}-checkin-{n}-pulse-{side}.pdf" for n in checkins for side in ("mentor", "mentee"))])


def test_each_rounds_agreement_and_calendars_list_only_its_checkins_and_dates(rounds: Path) -> None:
    dates = {1: [dt.date(2027, 1, 11), dt.date(2027, 1, 25)], 2: [dt.date(2027, 2, 8), dt.date(2027, 2, 22)],
             3: [dt.date(2027, 3, 8), dt.date(2027, 3, 22)]}
    for number in PACKS:
        pack = pack_folders(rounds, number)[0]
        agreement = pdf_text(pack / f"{pack.name}-agreement.pdf")
        assert {title for title in TITLES if title in agreement} == ROUND_TITLES[number]
        assert "The program plans 2 structured check-ins of 45-60 min" in agreement
        events = calendar_events(pack / f"{pack.name}-mentee-calendar.ics")
        checkins = [(summary.split(": ", 1)[1].split(" (")[0], day) for uid, summary, day, _ in events
                    if uid.startswith("checkin-")]
        assert checkins == list(zip(sorted(ROUND_TITLES[number], key=TITLES.index), dates[number], strict=True))
        assert [summary.split(":")[0] for uid, summary, _, _ in events if uid.startswith("checkin-")] == [
            f"Bridge round {number}, check-in 1 of 2", f"Bridge round {number}, check-in 2 of 2"]
        form = pdf_text(pack / f"{pack.name}-checkin-{2 * number}.pdf")
        assert TITLES[2 * number - 1] in form and "45-60 min" in form


def test_a_persons_calendar_holds_only_their_sides_training_in_the_pairs_round(rounds: Path) -> None:
    """Round 1 has the training of weeks 1 and 2, round 2 the new partners' session of week 5, round 3 none."""
    def training(number: int, side: str) -> list[str]:
        pack = pack_folders(rounds, number)[0]
        return [uid.split("@")[0] for uid, _, _, _ in calendar_events(pack / f"{pack.name}-{side}-calendar.ics")
                if uid.startswith("training-")]

    assert training(1, "mentor") == ["training-orientation", "training-coaching-up"]
    assert training(1, "mentee") == ["training-orientation", "training-being-taught"]
    assert training(2, "mentor") == training(2, "mentee") == ["training-new-partners"]
    assert training(3, "mentor") == training(3, "mentee") == []
    pack = pack_folders(rounds, 1)[0]
    names = [str(Calendar.from_ical((pack / f"{pack.name}-{side}-calendar.ics").read_bytes())["x-wr-calname"])
             for side in ("mentor", "mentee")]
    assert names == ["Bridge: Jo Junior (Mentor) with Lena Lead", "Bridge: Lena Lead (Mentee) with Jo Junior"]


def test_the_programs_own_calendar_keeps_every_session(rounds: Path) -> None:
    from toolkit import load_program
    from toolkit.outputs.calendar import program_calendar

    data = program_calendar(load_program(rounds).program, dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    uids = [str(e["uid"]).split("@")[0] for e in Calendar.from_ical(data).walk("VEVENT")]
    assert uids == ["training-orientation", "training-coaching-up", "training-being-taught", "training-new-partners",
                    *(f"checkin-{n}" for n in range(1, 7))]


# --- a round that does not fit ----------------------------------------------------------------


def test_forms_round_must_agree_with_the_pair_ids(inside: Path, run: Run) -> None:
    result = run("forms", "--pairs", PAIRS[2], "--round", "3")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: private/match-round-2/pairs.csv:2: row 2: pair R2-P001 is of round 2, but --round 3 was given\n"
        "  fix: give round 3's pairs file (private/match-round-3/pairs.csv), or --round 2\n")


def test_a_pairs_file_of_two_rounds_is_refused_by_row(inside: Path, run: Run, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("pair_id,mentor_name,mentee_name\nR1-P001,Jo Junior,Lena Lead\nR2-P001,Jay Junior,Lena Lead\n",
                     encoding="utf-8")
    result = run("forms", "--pairs", str(mixed))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{mixed}:3: row 3: pair R2-P001 is of round 2, but row 2's R1-P001 is of round 1\n"
        "  fix: make the packs of one round at a time: give each round's pairs file on its own\n")


def test_pairs_whose_ids_say_no_round_need_round_in_a_program_of_rounds(inside: Path, run: Run,
                                                                       tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("pair_id,mentor_name,mentee_name\nP1,Jo Junior,Lena Lead\n", encoding="utf-8")
    result = run("forms", "--pairs", str(plain))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: {plain}: the program runs in 3 rounds, and the pair ids (P1) do not say which round these pairs"
        " are of\n  fix: give --round N (1 to 3)\n")


def test_match_round_must_agree_with_the_history(inside: Path, run: Run) -> None:
    alone = run("match", "roster.csv", "--round", "3")
    assert alone.exit_code == 2
    assert alone.stderr.endswith(
        "Error: --round 3, but no --history file was given, which makes this round 1\n"
        "  fix: give the pairs.csv of rounds 1 and 2 with --history (private/match/pairs.csv,"
        " private/match-round-2/pairs.csv), so that no earlier pair is made again; or leave --round out\n")
    first = run("match", "roster.csv", "--history", PAIRS[1], "--round", "1")
    assert first.exit_code == 2
    assert first.stderr.endswith(
        "Error: --round 1, but the --history file given makes this round 2\n"
        "  fix: round 1 has no earlier round: give it no --history, or leave --round out\n")


def test_a_round_the_program_does_not_have_is_refused_at_its_rotation(inside: Path, run: Run) -> None:
    result = run("match", "roster.csv", *(arg for n in (1, 2, 3) for arg in ("--history", PAIRS[n])))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: program.yaml:112:5: rotation.rounds: round 4 is not one of the program's 3 rounds\n"
        "  fix: describe round 4 in rotation.rounds, or give the pairs of fewer earlier rounds with --history\n")
    assert not (inside / "private/match-round-4").exists()


def test_a_rounds_forms_are_given_its_first_and_last_day(rounds: Path) -> None:
    """For the certificate's and the agreement's span: round 2 runs from week 5 to week 8."""
    from toolkit import load_program
    from toolkit.outputs.forms.plan import checkins, form_context

    program = load_program(rounds).program
    context = form_context(program, 2)
    assert (context["round_start"], context["round_end"], context["round"].number, context["rounds"]) == (
        dt.date(2027, 2, 1), dt.date(2027, 2, 28), 2, 3)
    assert [(c.number, c.label) for c in checkins(program, 2)] == [
        (3, "Round 2, check-in 1 of 2"), (4, "Round 2, check-in 2 of 2")]
