"""A training pack a trainer can deliver from alone: activity instructions, materials, staffed
sessions that do not clash, group work that fits its minutes; every message exact."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from toolkit import ProgramError, load_program

from conftest import MINIMAL, REPO

MakeProgram = Callable[..., Path]

pytestmark = pytest.mark.usefixtures("inside_program")

STAFFED = MINIMAL.replace(
    '    objectives: [Know the program]\n    agenda:\n',
    '    objectives: [Know the program]\n    trainers: [Sam Okoro, Two trial mentors]\n    room: Room 2\n'
    '    agenda:\n',
)
SECOND = """\
  - id: mentors-only
    title: Mentoring up
    summary: Skills for mentors.
    audience: [mentor]
    week: 1
    start_time: "09:15"
    objectives: [Give feedback upward]
    trainers: [Sam Okoro]
    room: Room 5
    agenda:
      - {title: Practice, kind: role-play, minutes: 30, steps: [Pairs take turns]}
"""


def with_second(text: str = STAFFED, module: str = SECOND) -> str:
    return text.replace("checkins:\n", module + "checkins:\n", 1)


def problems(make_program: MakeProgram, text: str) -> str:
    with pytest.raises(ProgramError) as caught:
        load_program(make_program(text))
    return caught.value.format()


def warnings(make_program: MakeProgram, text: str) -> list[str]:
    return [problem.format() for problem in load_program(make_program(text)).warnings]


def test_a_trainer_in_two_overlapping_sessions_is_an_error_naming_both(make_program: MakeProgram) -> None:
    assert problems(make_program, with_second()) == (
        "program.yaml:40:5: training[1]: trainer 'Sam Okoro' is booked into two overlapping sessions: module"
        " 'mentors-only' (Mon 4 Jan 2027, 09:15-09:45) and module 'orientation' (Mon 4 Jan 2027, 09:30-10:15)"
        " (training[0])\n"
        "  fix: move one session to another day or time, or give it another trainer or room\n"
        "program.yaml:40:5: training[1]: audience 'mentor' is booked into two overlapping sessions: module"
        " 'mentors-only' (Mon 4 Jan 2027, 09:15-09:45) and module 'orientation' (Mon 4 Jan 2027, 09:30-10:15)"
        " (training[0])\n"
        "  fix: move one session to another day or time, or give it another trainer or room"
    )


def test_sessions_that_only_touch_do_not_clash(make_program: MakeProgram) -> None:
    assert warnings(make_program, with_second(module=SECOND.replace('"09:15"', '"10:15"'))) == []


def test_the_same_room_and_the_same_audience_clash_too(make_program: MakeProgram) -> None:
    text = with_second(module=SECOND.replace("[Sam Okoro]", "[Ana Ruiz]").replace("Room 5", "Room 2"))
    assert problems(make_program, text) == (
        "program.yaml:40:5: training[1]: room 'Room 2' is booked into two overlapping sessions: module"
        " 'mentors-only' (Mon 4 Jan 2027, 09:15-09:45) and module 'orientation' (Mon 4 Jan 2027, 09:30-10:15)"
        " (training[0])\n"
        "  fix: move one session to another day or time, or give it another trainer or room\n"
        "program.yaml:40:5: training[1]: audience 'mentor' is booked into two overlapping sessions: module"
        " 'mentors-only' (Mon 4 Jan 2027, 09:15-09:45) and module 'orientation' (Mon 4 Jan 2027, 09:30-10:15)"
        " (training[0])\n"
        "  fix: move one session to another day or time, or give it another trainer or room"
    )


def test_a_further_run_of_a_module_is_checked_at_its_own_line(make_program: MakeProgram) -> None:
    text = with_second(module=SECOND.replace('"09:15"', '"10:15"') + "    sessions:\n"
                       "      - {week: 1, start_time: \"09:45\", room: Room 9}\n")
    assert problems(make_program, text) == (
        "program.yaml:52:9: training[1].sessions[0]: trainer 'Sam Okoro' is booked into two overlapping sessions:"
        " module 'mentors-only' run 2 (Mon 4 Jan 2027, 09:45-10:15) and module 'orientation' (Mon 4 Jan 2027,"
        " 09:30-10:15) (training[0])\n"
        "  fix: move one session to another day or time, or give it another trainer or room\n"
        "program.yaml:52:9: training[1].sessions[0]: audience 'mentor' is booked into two overlapping sessions:"
        " module 'mentors-only' run 2 (Mon 4 Jan 2027, 09:45-10:15) and module 'orientation' (Mon 4 Jan 2027,"
        " 09:30-10:15) (training[0])\n"
        "  fix: move one session to another day or time, or give it another trainer or room"
    )


def test_group_work_that_cannot_give_everyone_a_turn_is_a_warning(make_program: MakeProgram) -> None:
    text = STAFFED.replace("    time_commitment: 1 hour a fortnight\n", "    time_commitment: 1 hour a fortnight\n"
                           "    headcount: 14\n")
    text = text.replace("minutes: 30, facilitator_notes: Watch the quiet pairs.}",
                        "minutes: 30, facilitator_notes: Watch the quiet pairs.,"
                        " groups: {size: 1, turn_minutes: 8, stations: 2}}")
    assert warnings(make_program, text) == [
        "program.yaml:41:109: warning: training[0].agenda[1].groups: activity 'Pairs meet' of module 'orientation'"
        " needs 112 minutes to give each of the 28 participants their turn, but has 30\n"
        "  fix: give it more minutes, bigger groups, shorter turns or more stations, or run the module more than"
        " once (sessions:)"
    ]
    # Pairs working side by side: two turns of 12 minutes fit in 30, however many pairs there are.
    assert warnings(make_program, text.replace("size: 1, turn_minutes: 8, stations: 2", "size: 2, turn_minutes: 12")) == []


def test_an_activity_naming_a_material_that_does_not_exist_is_a_located_error(make_program: MakeProgram) -> None:
    text = STAFFED.replace("facilitator_notes: Watch the quiet pairs.}",
                           "facilitator_notes: Watch the quiet pairs., materials: [myth-cards]}")
    text += "materials:\n  - {id: myth-card, title: Myth or fact, kind: cards, cards: [{text: Leaders know best}]}\n"
    assert problems(make_program, text) == (
        "program.yaml:39:113: training[0].agenda[1].materials[0]: unknown material 'myth-cards'\n"
        "  fix: did you mean 'myth-card'? known materials: myth-card"
    )


def test_an_activity_without_instructions_is_a_warning_and_a_break_is_not(make_program: MakeProgram) -> None:
    text = STAFFED.replace(", facilitator_notes: Watch the quiet pairs.}", "}")
    text = text.replace("      - {title: Pairs meet", "      - {title: Coffee, kind: break, minutes: 10}\n"
                        "      - {title: Pairs meet")
    assert warnings(make_program, text) == [
        "program.yaml:40:9: warning: training[0].agenda[2]: activity 'Pairs meet' of module 'orientation' has no"
        " instructions\n"
        "  fix: add `steps:` (what to do, in order), a `script:` for a talk, or `facilitator_notes:`"
    ]


def test_modules_that_could_clash_must_name_trainers_and_room(make_program: MakeProgram) -> None:
    assert warnings(make_program, with_second(MINIMAL, SECOND.replace('"09:15"', '"10:15"'))) == [
        "program.yaml:28:5: warning: training[0]: module 'orientation' names no trainers\n"
        "  fix: add `trainers:` with who delivers it (and anyone else it needs in the room)",
        "program.yaml:28:5: warning: training[0]: module 'orientation' names no room\n"
        "  fix: add `room:` with where it is held, or the video meeting",
    ]


def test_steps_that_take_longer_than_their_activity_are_a_warning(make_program: MakeProgram) -> None:
    text = STAFFED.replace("facilitator_notes: Watch the quiet pairs.}",
                           "steps: [{minutes: 20, text: Pairs talk}, {minutes: 15, text: Swap}]}")
    assert warnings(make_program, text) == [
        "program.yaml:39:65: warning: training[0].agenda[1].steps: the steps of activity 'Pairs meet' of module"
        " 'orientation' take 35 minutes, but the activity has 30\n"
        "  fix: shorten the steps, or give the activity more minutes"
    ]


def test_the_flagship_week_2_clash_is_caught(make_program: MakeProgram) -> None:
    """The leaders' module back on the mentors' morning: the trainer and the trial mentors clash."""
    text = (REPO / "program.yaml").read_text(encoding="utf-8")
    clash = text.replace("    week: 2\n    weekday: thursday\n    start_time: \"08:30\"",
                         "    week: 2\n    weekday: tuesday\n    start_time: \"09:30\"")
    assert clash != text
    path = make_program(clash)
    shutil.copytree(REPO / "content", path.parent / "content")
    with pytest.raises(ProgramError) as caught:
        load_program(path)
    message = caught.value.format()
    assert "trainer 'Crosswise trainer' is booked into two overlapping sessions: module 'being-mentored'" in message
    assert "trainer 'Two 2026 trial mentors' is booked into two overlapping sessions" in message
