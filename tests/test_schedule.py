"""Schedule realism: sessions on their weekday, moved off closed dates with a warning, a check-in
length given as a range; and every output (handbook, forms, calendar) showing the same dates.

Dates are read back from what a reader gets: the handbook's Markdown pages, the forms' context,
the .ics parsed with icalendar. Nothing is laid out as a PDF here (test_rounds.py reads PDFs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from toolkit import ProgramError, load_program
from toolkit.outputs.calendar import program_calendar
from toolkit.outputs.forms.plan import checkins, form_context
from toolkit.program.validate import LoadedProgram
from toolkit.render.text import format_minutes
from toolkit.site.pages import handbook

from conftest import MINIMAL, program_yaml

MakeProgram = Callable[..., Path]
STAMP = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
LONDON = ZoneInfo("Europe/London")

SESSIONS = [{"title": "Start", "purpose": "Agree goals"}, {"title": "Middle", "purpose": "Review"},
            {"title": "End", "purpose": "Close"}]
CLOSED = [{"name": "Founders' day", "date": "2027-01-13"},
          {"name": "Winter shutdown", "start": "2027-02-08", "end": "2027-02-12"}]


def scheduled_text(closed: list[dict[str, str]] = CLOSED) -> str:
    return program_yaml(
        program={"time_zone": "Europe/London", "closed_dates": closed},
        training=[{"id": "orientation", "title": "Orientation", "summary": "What the program is.",
                   "audience": ["mentor", "mentee"], "week": 1, "weekday": "thursday", "start_time": "09:30",
                   "objectives": ["Know the program"], "agenda": [{"title": "Welcome", "kind": "talk", "minutes": 45,
                                                                  "script": "Welcome everyone."}]}],
        checkins={"schedule": {"weeks": [2, 6, 10]}, "minutes": "45-60", "weekday": "wednesday", "time": "12:00",
                  "sessions": SESSIONS},
    )


SCHEDULED = scheduled_text()
"""Week 1 starts on Monday 4 January 2027. Check-ins on the Wednesdays of weeks 2, 6 and 10: the
first falls on Founders' day and moves to the Thursday, the second in the week-long shutdown and
moves over the weekend to Monday 15 February; the third stays. Training on week 1's Thursday."""
HELD = [dt.date(2027, 1, 14), dt.date(2027, 2, 15), dt.date(2027, 3, 10)]


pytestmark = pytest.mark.usefixtures("inside_program")
"""Messages show paths relative to the working folder, as a user would see them."""


@pytest.fixture
def scheduled(make_program: MakeProgram) -> LoadedProgram:
    return load_program(make_program(SCHEDULED))


def pages(loaded: LoadedProgram) -> dict[str, str]:
    return {page.path: page.text for page in handbook(loaded.program, loaded.folder).pages}


def ics_events(data: bytes) -> list[tuple[str, dt.datetime, dt.datetime, str]]:
    return [(str(e["uid"]), e.decoded("dtstart"), e.decoded("dtend"), str(e["description"]))
            for e in Calendar.from_ical(data).walk("VEVENT")]


# --- the dates themselves ------------------------------------------------------------------


def test_sessions_fall_on_their_weekday(make_program: MakeProgram) -> None:
    """No closed dates: Wednesday check-ins, Thursday training, in the weeks given."""
    program = load_program(make_program(scheduled_text([]))).program
    assert program.program.closed_dates == ()
    assert [day for _, day, _ in program.checkin_dates()] == [dt.date(2027, 1, 13), dt.date(2027, 2, 10),
                                                             dt.date(2027, 3, 10)]
    assert {day.strftime("%A") for _, day, _ in program.checkin_dates()} == {"Wednesday"}
    assert program.module_date(program.training[0]) == dt.date(2027, 1, 7)


def test_without_a_weekday_a_session_is_on_the_first_day_of_its_week(make_program: MakeProgram) -> None:
    """As before: the start date's weekday. A week starting on a Thursday keeps its Tuesday five days in."""
    program = load_program(make_program(MINIMAL.replace("start_date: 2027-01-04", "start_date: 2027-01-07"))).program
    assert [day for _, day, _ in program.checkin_dates()] == [dt.date(2027, 1, 14), dt.date(2027, 2, 11),
                                                             dt.date(2027, 3, 11)]
    assert program.planned_day(2, "tuesday") == dt.date(2027, 1, 19)


def test_a_session_on_a_closed_date_moves_to_the_next_open_working_day_with_a_warning(
        scheduled: LoadedProgram) -> None:
    program = scheduled.program
    assert [day for _, day, _ in program.checkin_dates()] == HELD
    days = program.checkin_days()
    assert [(d.planned, d.closed.name if d.closed else None) for d in days] == [
        (dt.date(2027, 1, 13), "Founders' day"), (dt.date(2027, 2, 10), "Winter shutdown"), (dt.date(2027, 3, 10), None)]
    assert [problem.format() for problem in scheduled.warnings] == [
        "program.yaml:54:9: warning: checkins.schedule.weeks[0]: check-in 1 (Start) falls on Wed 13 Jan 2027,"
        " Founders' day, a closed date: it moves to Thu 14 Jan 2027\n"
        "  fix: nothing to do if that day suits; otherwise move the check-in to another week, or change"
        " checkins.weekday",
        "program.yaml:55:9: warning: checkins.schedule.weeks[1]: check-in 2 (Middle) falls on Wed 10 Feb 2027,"
        " Winter shutdown, a closed date: it moves to Mon 15 Feb 2027\n"
        "  fix: nothing to do if that day suits; otherwise move the check-in to another week, or change"
        " checkins.weekday",
    ]


def test_a_module_on_a_closed_date_moves_and_working_days_decide_where(make_program: MakeProgram) -> None:
    """A Friday holiday: Monday to Friday workers meet on Monday; a shop open on Saturdays meets then."""
    friday = SCHEDULED.replace("weekday: thursday", "weekday: friday").replace("2027-01-13", "2027-01-08")
    loaded = load_program(make_program(friday))
    assert loaded.program.module_date(loaded.program.training[0]) == dt.date(2027, 1, 11)
    assert loaded.warnings[-1].format() == (
        "program.yaml:41:11: warning: training[0].week: module 'orientation' falls on Fri 8 Jan 2027, Founders' day,"
        " a closed date: it moves to Mon 11 Jan 2027\n"
        "  fix: nothing to do if that day suits; otherwise change the module's week or weekday")
    saturdays = friday.replace("  closed_dates:", "  working_days: [monday, tuesday, wednesday, thursday, friday,"
                                                  " saturday]\n  closed_dates:")
    program = load_program(make_program(saturdays, folder="shop")).program
    assert program.module_date(program.training[0]) == dt.date(2027, 1, 9)


def test_strict_stops_on_a_moved_session(scheduled: LoadedProgram) -> None:
    from toolkit import StrictWarnings

    with pytest.raises(StrictWarnings) as caught:
        load_program(scheduled.file, strict=True)
    assert caught.value.format().endswith("2 warnings and --strict is set\n  fix: fix the warnings above, or run"
                                          " without --strict")


@pytest.mark.parametrize(("closed", "expected"), [
    ("{name: Shutdown, start: 2027-02-12, end: 2027-02-08}",
     "program.yaml:9:48: program.closed_dates[0].end: closed dates 'Shutdown' end (2027-02-08) before they start"
     " (2027-02-12)\n  fix: make end the last closed day, on or after start"),
    ("{name: Shutdown, date: 2027-02-08, end: 2027-02-12}",
     "program.yaml:9:7: program.closed_dates[0]: give either date, or start and end, not both\n"
     "  fix: write `date:` for one day, or `start:` and `end:` for several days in a row"),
    ("{name: Shutdown, start: 2027-02-08}",
     "program.yaml:9:7: program.closed_dates[0]: give date, or both start and end\n"
     "  fix: write `date:` for one day, or `start:` and `end:` for several days in a row"),
])
def test_bad_closed_dates_are_located(make_program: MakeProgram, closed: str, expected: str) -> None:
    text = MINIMAL.replace("  meeting_format: in-person\n", f"  meeting_format: in-person\n  closed_dates:\n    - {closed}\n")
    with pytest.raises(ProgramError) as caught:
        load_program(make_program(text))
    assert caught.value.format() == expected


# --- a check-in's length as a range ---------------------------------------------------------


@pytest.mark.parametrize(("written", "low", "high"), [("45", 45, 45), ("45-60", 45, 60), ("45 to 60", 45, 60),
                                                      ("{min: 30, max: 45}", 30, 45)])
def test_a_checkin_length_is_minutes_or_a_range(make_program: MakeProgram, written: str, low: int, high: int) -> None:
    text = MINIMAL.replace("  schedule: {first_week: 2", f"  minutes: {written}\n  schedule: {{first_week: 2")
    minutes = load_program(make_program(text)).program.checkins.minutes  # type: ignore[union-attr]
    assert (minutes.min, minutes.max) == (low, high)
    assert minutes.text == (f"{low} minutes" if low == high else f"{low}-{high} minutes")


@pytest.mark.parametrize(("written", "expected"), [
    ("about an hour", "program.yaml:39:12: checkins.minutes: expected minutes such as 45, or a range such as 45-60,"
     " got 'about an hour'\n  fix: write a whole number of minutes, or two joined by a hyphen (45-60)"),
    ("30-300", "program.yaml:39:12: checkins.minutes: expected minutes from 1 to 240, got 300\n"
     "  fix: write a length from 1 to 240 minutes"),
    ("{min: 60, max: 45}", "program.yaml:39:12: checkins.minutes: min (60) is more than max (45)\n"
     "  fix: write the shorter length as min"),
])
def test_a_bad_checkin_length_is_located(make_program: MakeProgram, written: str, expected: str) -> None:
    text = MINIMAL.replace("  schedule: {first_week: 2", f"  minutes: {written}\n  schedule: {{first_week: 2")
    with pytest.raises(ProgramError) as caught:
        load_program(make_program(text))
    assert caught.value.format() == expected


def test_a_range_is_shown_as_a_range_in_the_handbook_the_forms_and_the_calendar(scheduled: LoadedProgram) -> None:
    program = scheduled.program
    page = pages(scheduled)["checkins.md"]
    assert "Every pair has 3 check-ins of 45-60 minutes." in page
    assert "- **Check-ins:** 3, of 45-60 minutes each" in pages(scheduled)["index.md"]
    first = checkins(program)[0]
    assert (first.length, format_minutes(first.minutes)) == ("45-60 minutes", "45-60 min")
    found = ics_events(program_calendar(program, STAMP))
    start, end, description = next((s, e, d) for uid, s, e, d in found if uid.startswith("checkin-3@"))
    assert (start, end) == (dt.datetime(2027, 3, 10, 12, 0, tzinfo=LONDON), dt.datetime(2027, 3, 10, 13, 0, tzinfo=LONDON))
    assert description.startswith("Week 10, 45-60 minutes. Close")


# --- one source for every output ------------------------------------------------------------


def test_the_handbook_the_forms_and_the_calendar_give_the_same_dates(scheduled: LoadedProgram) -> None:
    program = scheduled.program
    shown = ["Thu 14 Jan 2027", "Mon 15 Feb 2027", "Wed 10 Mar 2027"]
    handbook_pages = pages(scheduled)
    page = handbook_pages["checkins.md"]
    assert "| 1 | 2 | Thu 14 Jan 2027 (moved from Wed 13 Jan 2027, Founders' day) | Start |" in page
    assert "| 2 | 6 | Mon 15 Feb 2027 (moved from Wed 10 Feb 2027, Winter shutdown) | Middle |" in page
    assert "| 3 | 10 | Wed 10 Mar 2027 | End |" in page
    assert [f"**Week {week}, {day}.**" in page for week, day in zip((2, 6, 10), shown, strict=True)] == [True] * 3
    timeline = handbook_pages["timeline.md"]
    assert [line.split(" | ")[1] for line in timeline.splitlines() if "| Check-in:" in line] == shown
    assert "| 1 | Thu 7 Jan 2027 | Training:" in timeline
    assert "week 1, Thu 7 Jan 2027, 09:30 to 10:15" in handbook_pages["training/orientation.md"]
    assert [c.date for c in checkins(program)] == HELD
    context = form_context(program)
    assert (context["round_start"], context["round_end"]) == (dt.date(2027, 1, 4), dt.date(2027, 3, 28))
    found = ics_events(program_calendar(program, STAMP))
    assert [start.date() for uid, start, _, _ in found if uid.startswith("checkin-")] == HELD
    assert [start for uid, start, _, _ in found if uid.startswith("training-")] == [
        dt.datetime(2027, 1, 7, 9, 30, tzinfo=LONDON)]
    moved = next(d for uid, _, _, d in found if uid.startswith("checkin-2@"))
    assert moved.endswith("Moved from Wed, Feb 10, 2027 (Winter shutdown, a closed date).")  # en: US style
