"""Calendars parse with icalendar, hold the right events on the right dates, and keep stable UIDs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from icalendar import Calendar

from toolkit import load_program
from toolkit.outputs.calendar import CalendarPair, calendar_path, program_calendar

from conftest import MINIMAL, REPO, program_yaml, write_program

STAMP = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


def events(data: bytes) -> list[dict[str, object]]:
    calendar = Calendar.from_ical(data)
    return [
        {
            "uid": str(event["uid"]),
            "summary": str(event["summary"]),
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
        }
        for event in calendar.walk("VEVENT")
    ]


def test_program_calendar_holds_training_and_checkins(make_program: Callable[..., Path]) -> None:
    program = load_program(make_program(MINIMAL.replace("  duration_weeks: 12", "  duration_weeks: 12\n  time_zone: Europe/Paris"))).program
    found = events(program_calendar(program, STAMP))
    paris = ZoneInfo("Europe/Paris")
    assert found == [
        {"uid": "training-orientation@bridge.revmentor", "summary": "Bridge training: Orientation",
         "start": dt.datetime(2027, 1, 4, 9, 30, tzinfo=paris), "end": dt.datetime(2027, 1, 4, 10, 15, tzinfo=paris)},
        {"uid": "checkin-1@bridge.revmentor", "summary": "Bridge check-in 1 of 3: Start",
         "start": dt.datetime(2027, 1, 11, 12, 0, tzinfo=paris), "end": dt.datetime(2027, 1, 11, 12, 45, tzinfo=paris)},
        {"uid": "checkin-2@bridge.revmentor", "summary": "Bridge check-in 2 of 3: Middle",
         "start": dt.datetime(2027, 2, 8, 12, 0, tzinfo=paris), "end": dt.datetime(2027, 2, 8, 12, 45, tzinfo=paris)},
        {"uid": "checkin-3@bridge.revmentor", "summary": "Bridge check-in 3 of 3: End",
         "start": dt.datetime(2027, 3, 8, 12, 0, tzinfo=paris), "end": dt.datetime(2027, 3, 8, 12, 45, tzinfo=paris)},
    ]


def test_times_carry_the_program_time_zone_with_its_definition() -> None:
    program = load_program(REPO / "program.yaml").program
    data = program_calendar(program, STAMP)
    calendar = Calendar.from_ical(data)
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert b"DTSTART;TZID=Europe/London:" in data
    assert data.count(b"BEGIN:VEVENT") == len(program.training) + len(program.checkin_weeks) == 5 + 6


def test_uids_survive_a_change_of_dates(make_program: Callable[..., Path]) -> None:
    before = load_program(make_program()).program
    after = load_program(make_program(MINIMAL.replace("start_date: 2027-01-04", "start_date: 2027-03-01"), folder="moved")).program
    old, new = events(program_calendar(before, STAMP)), events(program_calendar(after, STAMP))
    assert [e["uid"] for e in old] == [e["uid"] for e in new]
    assert [e["start"] for e in old] != [e["start"] for e in new]


def test_same_program_same_bytes(make_program: Callable[..., Path]) -> None:
    program = load_program(make_program()).program
    assert program_calendar(program, STAMP) == program_calendar(program, STAMP)


def test_a_pair_calendar_has_its_own_uids_and_names(make_program: Callable[..., Path]) -> None:
    program = load_program(make_program()).program
    pair = CalendarPair("P004", "Ana Silva", "Jon Reyes")
    found = events(program_calendar(program, STAMP, pair))
    checkins = [e for e in found if str(e["uid"]).startswith("checkin")]
    assert [e["uid"] for e in checkins] == [f"checkin-{n}-pair-p004@bridge.revmentor" for n in (1, 2, 3)]
    assert checkins[0]["summary"] == "Bridge check-in 1 of 3: Start (Ana Silva and Jon Reyes)"
    assert Calendar.from_ical(program_calendar(program, STAMP, pair))["x-wr-calname"] == "Bridge: Ana Silva and Jon Reyes"


@pytest.mark.parametrize("zone, start, change", [
    ("Europe/London", "2027-03-15", dt.date(2027, 3, 28)),  # clocks go forward on the last Sunday of March
    ("America/Toronto", "2027-03-01", dt.date(2027, 3, 14)),  # and on the second Sunday of March
])
def test_check_ins_across_a_daylight_saving_change_keep_their_wall_clock_time(
        make_program: Callable[..., Path], zone: str, start: str, change: dt.date) -> None:
    """Weekly check-ins around the change: the clock time stays 12:00 on both sides, the UTC time
    moves by an hour, and the file's own VTIMEZONE (which Outlook reads, not the machine's zone
    database) gives every event the right offset."""
    text = (MINIMAL.replace("start_date: 2027-01-04", f"start_date: {start}")
            .replace("  duration_weeks: 12", f"  duration_weeks: 12\n  time_zone: {zone}")
            .replace("{first_week: 2, every_weeks: 4, count: 3}", "{first_week: 2, every_weeks: 1, count: 3}"))
    data = program_calendar(load_program(make_program(text)).program, STAMP)
    calendar = Calendar.from_ical(data)
    starts = [event.decoded("dtstart") for event in calendar.walk("VEVENT") if str(event["uid"]).startswith("checkin")]
    first = dt.date.fromisoformat(start) + dt.timedelta(weeks=1)
    assert [moment.date() for moment in starts] == [first + dt.timedelta(weeks=n) for n in range(3)]
    assert {moment.time() for moment in starts} == {dt.time(12, 0)}
    own = calendar.walk("VTIMEZONE")[0].to_tz()
    for moment in starts:
        local = moment.replace(tzinfo=None)
        assert local.replace(tzinfo=own).utcoffset() == local.replace(tzinfo=ZoneInfo(zone)).utcoffset(), local
    before = [moment for moment in starts if moment.date() < change]
    after = [moment for moment in starts if moment.date() > change]
    assert before and after
    assert after[0].utcoffset() - before[-1].utcoffset() == dt.timedelta(hours=1)
    assert after[0].astimezone(dt.UTC).hour == before[-1].astimezone(dt.UTC).hour - 1


def test_every_event_carries_a_sequence_that_rises_when_the_program_changes(make_program: Callable[..., Path]) -> None:
    """SEQUENCE is the seconds from 2020 to the program's last change: the same file keeps it, a later
    edit (here the check-ins move to 13:00) raises it, so a calendar takes the re-imported event."""
    import os

    from toolkit.outputs.calendar import program_stamp

    def sequences(path: Path) -> tuple[dict[str, int], dict[str, dt.datetime]]:
        loaded = load_program(path)
        calendar = Calendar.from_ical(program_calendar(loaded.program, program_stamp(loaded)))
        found = list(calendar.walk("VEVENT"))
        return ({str(e["uid"]): int(e["sequence"]) for e in found}, {str(e["uid"]): e.decoded("dtstart") for e in found})

    path = make_program()
    os.utime(path, (1_800_000_000, 1_800_000_000))
    before, starts = sequences(path)
    assert set(before.values()) == {1_800_000_000 - 1_577_836_800}
    assert sequences(path)[0] == before, "a rebuild of the same file keeps the sequence"
    path.write_text(path.read_text(encoding="utf-8").replace("count: 3}", "count: 3}\n  time: '13:00'"),
                    encoding="utf-8")
    os.utime(path, (1_800_000_600, 1_800_000_600))
    after, moved = sequences(path)
    assert moved["checkin-1@bridge.revmentor"] != starts["checkin-1@bridge.revmentor"]
    assert after.keys() == before.keys()
    assert all(after[uid] > before[uid] for uid in before)


def test_a_persons_calendar_holds_only_their_sides_training(make_program: Callable[..., Path]) -> None:
    text = MINIMAL.replace("    audience: [mentor, mentee]", "    audience: [mentee]")
    program = load_program(make_program(text)).program
    pair = CalendarPair("R1-P004", "Ana Silva", "Jon Reyes")
    mentor = events(program_calendar(program, STAMP, pair, side="mentor"))
    mentee = events(program_calendar(program, STAMP, pair, side="mentee"))
    assert [e["uid"] for e in mentor] == [f"checkin-{n}-pair-r1-p004@bridge.revmentor" for n in (1, 2, 3)]
    assert [e["uid"] for e in mentee] == ["training-orientation@bridge.revmentor", *(e["uid"] for e in mentor)]
    assert str(Calendar.from_ical(program_calendar(program, STAMP, pair, side="mentee"))["x-wr-calname"]) == (
        "Bridge: Jon Reyes (Mentee) with Ana Silva")


def test_each_role_downloads_a_calendar_of_its_own_sessions(tmp_path: Path) -> None:
    """A side of a pair gets its training and every check-in; a role outside the pairs only its training."""
    from toolkit.outputs.calendar import CalendarFamily

    text = program_yaml(MINIMAL, roles=[*yaml.safe_load(MINIMAL)["roles"], {
        "id": "coordinator", "name": "Coordinator", "summary": "Runs it.", "time_commitment": "A day a week"}],
        training=[{**yaml.safe_load(MINIMAL)["training"][0], "audience": ["mentor", "coordinator"]}])
    loaded = load_program(write_program(tmp_path / "prog", text))
    family = CalendarFamily()
    planned = family.plan(loaded.program)
    assert [(p.path, p.title, p.topic) for p in planned] == [
        ("calendar/bridge.ics", "Bridge calendar", ""), ("calendar/bridge-mentor.ics", "Mentor: your sessions", "mentor"),
        ("calendar/bridge-mentee.ics", "Mentee: your sessions", "mentee"),
        ("calendar/bridge-coordinator.ics", "Coordinator: your sessions", "coordinator")]
    made = {a.path: Calendar.from_ical(a.data) for a in family.render(loaded, planned, None).artifacts}

    def summaries(path: str) -> list[str]:
        return [str(event["SUMMARY"]) for event in made[path].walk("VEVENT")]

    checkins = [f"Bridge check-in {n} of 3: {title}" for n, title in enumerate(("Start", "Middle", "End"), start=1)]
    assert summaries("calendar/bridge-mentor.ics") == ["Bridge training: Orientation", *checkins]
    assert summaries("calendar/bridge-mentee.ics") == checkins
    assert summaries("calendar/bridge-coordinator.ics") == ["Bridge training: Orientation"]
    assert str(made["calendar/bridge-coordinator.ics"]["X-WR-CALNAME"]) == "Bridge: Coordinator"
    assert len(summaries("calendar/bridge.ics")) == 4


def test_a_pairs_calendars_sequence_rises_when_the_pairs_file_changes(make_program: Callable[..., Path],
                                                                      tmp_path: Path) -> None:
    """A corrected name changes the events' summary: the pairs file's later change raises SEQUENCE too."""
    import os

    from toolkit.outputs.forms.packs import pack_files
    from toolkit.pairing.pairs import read_pairs

    loaded = load_program(make_program())
    os.utime(loaded.file, (1_800_000_000, 1_800_000_000))
    pairs_file = tmp_path / "pairs.csv"

    def calendars(text: str, when: int) -> dict[str, list[tuple[str, int]]]:
        pairs_file.write_text(text, encoding="utf-8")
        os.utime(pairs_file, (when, when))
        files = pack_files(loaded, read_pairs(pairs_file, loaded.program), {}, pairs_file=pairs_file)
        return {name: [(str(e["summary"]), int(e["sequence"])) for e in Calendar.from_ical(data).walk("VEVENT")]
                for name, data in files}

    before = calendars("pair_id,mentor_name,mentee_name\nR1-P001,Ana Slva,Jon Reyes\n", 1_700_000_000)
    after = calendars("pair_id,mentor_name,mentee_name\nR1-P001,Ana Silva,Jon Reyes\n", 1_800_000_060)
    assert sorted(before) == ["R1-P001/R1-P001-mentee-calendar.ics", "R1-P001/R1-P001-mentor-calendar.ics"]
    mentor_before, mentor_after = before["R1-P001/R1-P001-mentor-calendar.ics"], after["R1-P001/R1-P001-mentor-calendar.ics"]
    assert {number for _, number in mentor_before} == {1_800_000_000 - 1_577_836_800}, "the program changed last"
    assert mentor_after[1] == ("Bridge check-in 1 of 3: Start (Ana Silva and Jon Reyes)", 1_800_000_060 - 1_577_836_800)


def test_a_program_name_with_accents_keeps_its_letters_in_the_calendar_file_and_uids(
        make_program: Callable[..., Path]) -> None:
    program = load_program(make_program(MINIMAL.replace("name: Bridge", "name: Regards croisés Großhandel"))).program
    assert calendar_path(program) == "calendar/regards-croises-grosshandel.ics"
    assert events(program_calendar(program, STAMP))[0]["uid"] == "training-orientation@regards-croises-grosshandel.revmentor"
