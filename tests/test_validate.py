"""Checking a program: typed values, cross-references, files, warnings; every message exact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from toolkit import ProgramError, load_program

from conftest import MINIMAL, REPO

MakeProgram = Callable[..., Path]


pytestmark = pytest.mark.usefixtures("inside_program")
"""Messages show paths relative to the working folder, as a user would see them."""


def problems(make_program: MakeProgram, text: str, **files: str) -> str:
    path = make_program(text, **files)
    with pytest.raises(ProgramError) as caught:
        load_program(path)
    return caught.value.format()


def test_minimal_program_loads_with_computed_values(make_program: MakeProgram) -> None:
    loaded = load_program(make_program())
    program = loaded.program
    assert loaded.warnings == ()
    assert program.training[0].duration_minutes == 45
    assert [str(t.start) for t in program.training[0].timed_agenda()] == ["09:30:00", "09:45:00"]
    assert str(program.training[0].end_time) == "10:15:00"
    assert program.checkin_weeks == (2, 6, 10)
    assert [str(date) for _, date, _ in program.checkin_dates()] == ["2027-01-11", "2027-02-08", "2027-03-08"]


def test_a_folder_is_read_through_its_program_yaml(make_program: MakeProgram) -> None:
    path = make_program()
    assert load_program(path.parent).file == path.resolve()


def test_a_folder_without_program_yaml(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ProgramError) as caught:
        load_program(tmp_path / "empty")
    assert caught.value.format() == (
        f"{tmp_path / 'empty'}: this folder has no program.yaml\n"
        "  fix: name the program file or its folder, or run `revmentor init` here"
    )


def test_text_fields_keep_yaml_11_traps_as_written(make_program: MakeProgram) -> None:
    text = (
        MINIMAL.replace("title: Digital confidence", "title: no")
        .replace("description: Leaders use modern tools with confidence.", "description: 10:30")
        .replace("method: Survey", "method: 1e3")
        .replace("summary: Shares what they know.", "summary: on")
    )
    program = load_program(make_program(text)).program
    assert (program.goals[0].title, program.goals[0].description) == ("no", "10:30")
    assert program.goals[0].measures[0].method == "1e3"
    assert program.roles[0].summary == "on"


def test_unknown_key_suggests_the_right_one(make_program: MakeProgram) -> None:
    assert problems(make_program, MINIMAL.replace("    measures:", "    measure:")) == (
        "program.yaml:12:5: goals[0].measure: unknown key 'measure'\n  fix: did you mean 'measures'?"
    )


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("  meeting_format: in-person\n", "  meeting_format: in-person\n  budget: 10\n")
    assert problems(make_program, text) == (
        "program.yaml:8:3: program.budget: unknown key 'budget'\n"
        "  fix: allowed keys here: name, organisation, summary, language, start_date, time_zone, duration_weeks, "
        "rollout, meeting_format, video_tool, paper_size, site_engine, terminology, contact, slide_template, sponsor, colours,"
        " closed_dates, working_days, logo, trainer_files"
    )


def test_misspelled_key_is_also_reported_as_missing(make_program: MakeProgram) -> None:
    assert problems(make_program, MINIMAL.replace("  name: Bridge", "  nme: Bridge")) == (
        "program.yaml:2:3: program: required key 'name' is missing\n"
        "  fix: add `name:` here: The program's name, as participants will see it on every page and form.\n"
        "program.yaml:2:3: program.nme: unknown key 'nme'\n  fix: did you mean 'name'?"
    )


def test_a_number_where_text_was_given(make_program: MakeProgram) -> None:
    assert problems(make_program, MINIMAL.replace("target: 60", "target: high")) == (
        "program.yaml:16:17: goals[0].measures[0].target: expected a number, got 'high'\n"
        "  fix: write a plain number such as 40; a unit goes in `unit`"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "duration_weeks: 12",
            "duration_weeks: twelve",
            "program.yaml:6:19: program.duration_weeks: expected a whole number, got 'twelve'\n  fix: write digits only, e.g. 12",
        ),
        (
            "start_date: 2027-01-04",
            "start_date: 04/01/2027",
            "program.yaml:5:15: program.start_date: expected a date like 2026-03-02, got '04/01/2027'\n  fix: write the date as YYYY-MM-DD",
        ),
        (
            'start_time: "09:30"',
            "start_time: half past nine",
            "program.yaml:33:17: training[0].start_time: expected a clock time like 09:30, got 'half past nine'\n"
            "  fix: write HH:MM on the 24-hour clock, e.g. 13:30",
        ),
        (
            "meeting_format: in-person",
            "meeting_format: in person",
            "program.yaml:7:19: program.meeting_format: expected one of 'in-person', 'remote' or 'hybrid', got 'in person'\n"
            "  fix: did you mean 'in-person'?",
        ),
        (
            "minutes: 15}",
            "minutes: -15}",
            "program.yaml:36:74: training[0].agenda[0].minutes: expected a number above 0, got '-15'\n  fix: write a number above 0",
        ),
        (
            "title: Digital confidence",
            "title: [a, b]",
            "program.yaml:10:12: goals[0].title: expected text, got a list\n"
            "  fix: write the text after the colon; use `|` and indented lines for several paragraphs",
        ),
        (
            "objectives: [Know the program]",
            "objectives: [Goal: know the program]",
            "program.yaml:34:18: training[0].objectives[0]: expected text, got a mapping\n"
            "  fix: put the text in quotes: text that contains ': ' is read as a key and its value",
        ),
        (
            "audience: [mentor, mentee]",
            "audience: mentor",
            "program.yaml:31:15: training[0].audience: expected a list, got 'mentor'\n"
            "  fix: write each item on its own line, starting with '- '",
        ),
        (
            "  - id: digital",
            "  - id: Digital Goal",
            "program.yaml:9:9: goals[0].id: expected an id of lowercase letters, digits and hyphens, got 'Digital Goal'\n"
            "  fix: write it as 'digital-goal'",
        ),
        (
            "title: Digital confidence",
            "title: ''",
            "program.yaml:10:12: goals[0].title: must not be empty\n  fix: write the text, or remove the key if it is optional",
        ),
        (
            "  summary: Leaders",
            "  language: English\n  summary: Leaders",
            "program.yaml:4:13: program.language: expected a language code such as en or pt-BR, got 'English'\n"
            "  fix: write a code such as en, fr or pt-BR",
        ),
        (
            "checkins:\n",
            "checkins: weekly\nx:\n",
            "program.yaml:38:11: checkins: expected a mapping of keys and values, got 'weekly'\n"
            "  fix: write `key: value` lines indented under this key",
        ),
    ],
)
def test_wrong_types_are_located_and_explained(make_program: MakeProgram, old: str, new: str, expected: str) -> None:
    assert old in MINIMAL
    text = MINIMAL.replace(old, new, 1)
    if new.endswith("x:\n"):  # the old checkins block becomes an unknown key's value; drop it
        text = text.split("x:\n")[0]
    assert problems(make_program, text) == expected


def test_an_empty_agenda_is_an_error(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("    agenda:\n      - {title: Welcome, kind: talk, script: Welcome everyone., minutes: 15}\n",
                           "    agenda: []\n")
    text = text.replace(
        "      - {title: Pairs meet, kind: exercise, minutes: 30, facilitator_notes: Watch the quiet pairs.}\n", ""
    )
    assert problems(make_program, text) == (
        "program.yaml:35:13: training[0].agenda: needs at least 1 item\n  fix: add the missing items"
    )


def test_dangling_references_name_the_known_ids(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("audience: [mentor, mentee]", "audience: [mentr, mentee]")
    assert problems(make_program, text) == (
        "program.yaml:31:16: training[0].audience[0]: unknown role 'mentr'\n"
        "  fix: did you mean 'mentor'? known roles: mentor, mentee"
    )


def test_duplicate_ids(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("  - id: mentee\n", "  - id: mentor\n")
    assert problems(make_program, text) == (
        "program.yaml:23:9: roles[1].id: duplicate role id 'mentor' (already used by roles[0])\n"
        "  fix: give each role its own id\n"
        "program.yaml:31:24: training[0].audience[1]: unknown role 'mentee'\n"
        "  fix: did you mean 'mentor'? known roles: mentor"
    )


def test_type_errors_and_cross_reference_errors_come_together(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("target: 60", "target: high").replace(
        "audience: [mentor, mentee]", "audience: [mentr, mentee]"
    )
    message = problems(make_program, text)
    assert message.index("goals[0].measures[0].target") < message.index("training[0].audience[0]")


def test_checkins_must_fall_inside_the_program(make_program: MakeProgram) -> None:
    assert problems(make_program, MINIMAL.replace("count: 3", "count: 4")) == (
        "program.yaml:39:13: checkins.schedule: check-in 4 falls in week 14, outside the program (weeks 1 to 12)\n"
        "  fix: move it inside the program, or lengthen program.duration_weeks\n"
        "program.yaml:41:5: checkins.sessions: the schedule has 4 check-ins but 3 sessions are described\n"
        "  fix: describe one session per scheduled check-in, in order"
    )


def test_explicit_checkin_weeks_are_located_one_by_one(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("{first_week: 2, every_weeks: 4, count: 3}", "{weeks: [2, 0, 13]}")
    assert problems(make_program, text) == (
        "program.yaml:39:25: checkins.schedule.weeks[1]: check-in 2 falls in week 0, outside the program (weeks 1 to 12)\n"
        "  fix: move it inside the program, or lengthen program.duration_weeks\n"
        "program.yaml:39:28: checkins.schedule.weeks[2]: check-in 3 falls in week 13, outside the program (weeks 1 to 12)\n"
        "  fix: move it inside the program, or lengthen program.duration_weeks"
    )


def with_rounds(*rounds: str, weeks: str = "{first_week: 2, every_weeks: 4, count: 3}") -> str:
    """MINIMAL (12 weeks, check-ins in weeks 2, 6 and 10 unless `weeks` says otherwise) with rotation.rounds."""
    text = MINIMAL.replace("{first_week: 2, every_weeks: 4, count: 3}", weeks)
    return text + "rotation:\n  rounds:\n" + "".join(f"    - {item}\n" for item in rounds)


def test_rounds_split_the_checkins(make_program: MakeProgram) -> None:
    text = with_rounds("{start_week: 1, end_week: 4}", "{start_week: 5, end_week: 8}", "{start_week: 9, end_week: 12}")
    program = load_program(make_program(text)).program
    assert [(r.number, r.start, r.end, r.checkins) for r in program.rounds()] == [
        (1, dt.date(2027, 1, 4), dt.date(2027, 1, 31), (1,)), (2, dt.date(2027, 2, 1), dt.date(2027, 2, 28), (2,)),
        (3, dt.date(2027, 3, 1), dt.date(2027, 3, 28), (3,))]
    assert [r.checkins for r in load_program(make_program(folder="one")).program.rounds()] == [(1, 2, 3)]


@pytest.mark.parametrize(("rounds", "expected"), [
    (("{start_week: 1, end_week: 6}", "{start_week: 5, end_week: 12}"),
     "program.yaml:50:20: rotation.rounds[1].start_week: round 2 (weeks 5 to 12) overlaps round 1 (weeks 1 to 6)\n"
     "  fix: start round 2 after round 1 ends, in week 7 or later"),
    (("{start_week: 7, end_week: 12}", "{start_week: 1, end_week: 6}"),
     "program.yaml:50:20: rotation.rounds[1].start_week: round 2 (weeks 1 to 6) starts before round 1 (weeks 7 to 12)\n"
     "  fix: list the rounds in the order they run"),
    (("{start_week: 1, end_week: 6}", "{start_week: 7, end_week: 14}"),
     "program.yaml:50:33: rotation.rounds[1].end_week: round 2 (weeks 7 to 14) lies outside the program (weeks 1 to"
     " 12)\n  fix: keep every round within weeks 1 to 12, or lengthen program.duration_weeks"),
    (("{start_week: 0, end_week: 6}", "{start_week: 7, end_week: 12}"),
     "program.yaml:49:20: rotation.rounds[0].start_week: round 1 (weeks 0 to 6) lies outside the program (weeks 1 to"
     " 12)\n  fix: keep every round within weeks 1 to 12, or lengthen program.duration_weeks"),
    (("{start_week: 1, end_week: 6}", "{start_week: 12, end_week: 7}"),
     "program.yaml:50:34: rotation.rounds[1].end_week: round 2 ends (week 7) before it starts (week 12)\n"
     "  fix: make end_week at least start_week"),
    (("{start_week: 1, end_week: 8}", "{start_week: 11, end_week: 12}"),
     "program.yaml:39:13: checkins.schedule: check-in 3 (week 10) is in no round, so no pair pack would hold it\n"
     "  fix: move it into a round, or widen a round of rotation.rounds to take in week 10\n"
     "program.yaml:50:7: rotation.rounds[1]: round 2 (weeks 11 to 12) holds no check-in (the check-ins are in weeks"
     " 2, 6, 10)\n  fix: schedule a check-in in weeks 11 to 12, or change the round's weeks"),
    ((), "program.yaml:48:11: rotation.rounds: needs at least 1 item\n  fix: add the missing items"),
])
def test_bad_rounds_are_located(make_program: MakeProgram, rounds: tuple[str, ...], expected: str) -> None:
    text = with_rounds(*rounds) if rounds else MINIMAL + "rotation:\n  rounds: []\n"
    assert problems(make_program, text) == expected


def test_a_checkin_between_rounds_is_located_at_its_week(make_program: MakeProgram) -> None:
    text = with_rounds("{start_week: 1, end_week: 5}", "{start_week: 8, end_week: 12}", weeks="{weeks: [2, 6, 10]}")
    assert problems(make_program, text) == (
        "program.yaml:39:25: checkins.schedule.weeks[1]: check-in 2 (week 6) is in no round, so no pair pack would"
        " hold it\n  fix: move it into a round, or widen a round of rotation.rounds to take in week 6")


def test_schedule_is_either_weeks_or_a_rhythm(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("{first_week: 2, every_weeks: 4, count: 3}", "{weeks: [2, 6, 10], count: 3}")
    assert problems(make_program, text) == (
        "program.yaml:39:13: checkins.schedule: give either weeks, or first_week, every_weeks and count, not both\n"
        "  fix: see the field's description in `revmentor schema`"
    )


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (
            "../secret.md",
            "'../secret.md' lies outside the program folder\n"
            "  fix: move the file into the program folder and give its relative path",
        ),
        (
            "/etc/passwd",
            "'/etc/passwd' is an absolute path\n"
            "  fix: give a path relative to the program folder, e.g. content/extra.md",
        ),
        (
            "../prog-evil/notes.md",
            "'../prog-evil/notes.md' lies outside the program folder\n"
            "  fix: move the file into the program folder and give its relative path",
        ),
        (
            "content/missing.md",
            "file 'content/missing.md' does not exist\n  fix: create it, or correct the path: it is relative to the folder holding program.yaml",
        ),
        ("content/notes.txt", "'content/notes.txt' is not a .md file\n  fix: name a .md file"),
    ],
)
def test_content_files_must_exist_inside_the_program_folder(
    make_program: MakeProgram, tmp_path: Path, reference: str, expected: str
) -> None:
    (tmp_path / "secret.md").write_text("secret")
    (tmp_path / "prog-evil").mkdir()
    (tmp_path / "prog-evil" / "notes.md").write_text("evil")
    text = MINIMAL.replace("    week: 1\n", f"    week: 1\n    content: {reference}\n")
    assert (
        problems(make_program, text, **{"content/notes.txt": "hi"})
        == "program.yaml:33:14: training[0].content: " + expected
    )


def test_a_content_file_inside_the_folder_is_accepted(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("    week: 1\n", "    week: 1\n    content: content/_includes/notes.md\n")
    program = load_program(make_program(text, **{"content/_includes/notes.md": "Notes"})).program
    assert program.training[0].content == "content/_includes/notes.md"


def test_unknown_time_zone(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("  duration_weeks: 12", "  duration_weeks: 12\n  time_zone: Europe/Londn")
    assert problems(make_program, text) == (
        "program.yaml:7:14: program.time_zone: unknown time zone 'Europe/Londn'\n"
        "  fix: write an IANA name such as Europe/London, America/New_York or UTC"
    )


def test_a_list_at_the_top(make_program: MakeProgram) -> None:
    assert problems(make_program, "- program\n- goals\n") == (
        "program.yaml:1:1: expected a mapping of sections (program:, goals:, ...) at the top, got a list\n"
        "  fix: start the file with `program:` at the left margin; see `revmentor schema`"
    )


def test_warnings_do_not_stop_loading(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("    objectives: [Know the program]\n", "").replace(
        "meeting_format: in-person", "meeting_format: remote"
    )
    text = text.replace(
        "        method: Survey\n",
        "        method: Survey\n  - id: retention\n    title: Retention\n    description: Keep people.\n",
    )
    text = text.replace(
        "training:",
        "  - id: sponsor\n    name: Sponsor\n    summary: Opens doors.\n    time_commitment: 2 hours\ntraining:",
    )
    warnings = [w.format() for w in load_program(make_program(text)).warnings]
    assert warnings == [
        "program.yaml:18:5: warning: goals[1]: goal 'retention' has no measures\n"
        "  fix: add a measure so the program can tell whether it is working",
        "program.yaml:35:5: warning: training[0]: module 'orientation' has no objectives\n"
        "  fix: add what participants can do by the end",
        "program.yaml:30:5: warning: roles[2]: role 'sponsor' is not referred to by any module, checklist item or survey\n"
        "  fix: give it a module, a checklist item or a survey, or remove it",
        "program.yaml:7:19: warning: program.meeting_format: remote pairs meet over video but no video_tool is named\n"
        "  fix: add `video_tool:` (e.g. Microsoft Teams) so the handbook can tell pairs how to meet",
    ]


def test_a_survey_measure_whose_figures_the_report_could_never_show_is_a_warning(make_program: MakeProgram) -> None:
    measures = """\
      - metric: Leaders who agree they are confident
        unit: "% agree"
        target: 60
        method: Survey
        question: confidence
      - metric: Leaders confident with AI tools
        baseline: 20
        target: 60
        method: Survey
        question: confidence
      - metric: Leaders rating their confidence 4 or 5
        unit: "%"
        target: 140
        method: Survey
        question: confidence
      - metric: Mean confidence
        unit: points out of 5
        baseline: 3.1
        target: 4
        method: Survey
        question: confidence
      - metric: Teams using the new tools, against last year
        unit: "%"
        target: 150
        method: IT usage report
"""
    feedback = """\
feedback:
  scales:
    - {id: agree, labels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]}
  questions:
    - {id: confidence, text: I am confident with AI tools., scale: agree}
  surveys:
    - {id: end, title: End survey, moment: end, week: 12, audience: [mentor, mentee], questions: [confidence]}
"""
    text = MINIMAL.replace("""\
      - metric: Leaders confident with AI tools
        unit: "%"
        baseline: 20
        target: 60
        method: Survey
""", measures) + feedback
    warnings = [w.format() for w in load_program(make_program(text)).warnings]
    assert warnings == [
        "program.yaml:14:15: warning: goals[0].measures[0].unit: unit '% agree' is not read as a percentage: the"
        " report will show the mean answer to question 'confidence' (1 to 5)\n"
        "  fix: write unit: '%' for the share answering in the top two points of the scale",
        "program.yaml:19:19: warning: goals[0].measures[1].baseline: baseline 20 can never be shown: without unit"
        " '%' the report gives the mean answer to question 'confidence', from 1 to 5\n"
        "  fix: write a baseline from 1 to 5, or set unit: '%' to measure the share answering in the top two points",
        "program.yaml:20:17: warning: goals[0].measures[1].target: target 60 can never be shown: without unit '%'"
        " the report gives the mean answer to question 'confidence', from 1 to 5\n"
        "  fix: write a target from 1 to 5, or set unit: '%' to measure the share answering in the top two points",
        "program.yaml:25:17: warning: goals[0].measures[2].target: target 140 is not a percentage from 0 to 100\n"
        "  fix: write the target as a percentage, e.g. 60 for 60%",
    ]


def test_flagship_program_is_valid_without_warnings() -> None:
    loaded = load_program(REPO / "program.yaml")
    program = loaded.program
    assert loaded.warnings == ()
    assert len(program.goals) >= 4 and all(goal.measures for goal in program.goals)
    assert {role.id for role in program.roles} >= {"mentor", "mentee", "coordinator", "sponsor", "trainer"}
    assert len(program.training) >= 4 and all(module.agenda for module in program.training)
    assert len(program.checkin_weeks) == 6
    assert len(program.checklist) >= 8
    assert len(program.challenges) >= 5


def test_modules_and_surveys_cannot_fall_after_the_program(make_program: MakeProgram) -> None:
    assert problems(make_program, MINIMAL.replace("    week: 1\n", "    week: 13\n")) == (
        "program.yaml:32:11: training[0].week: module 'orientation' is in week 13, after the program ends (week 12)\n"
        "  fix: move it into the program, or lengthen program.duration_weeks"
    )
    assert load_program(make_program(MINIMAL.replace("    week: 1\n", "    week: 0\n"), folder="before")).program.training[0].week == 0


def test_control_characters_in_text_are_located(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("  organisation: Acme", '  organisation: "Acme\\bCorp"')
    assert problems(make_program, text) == (
        "program.yaml:3:17: program.organisation: contains the control character U+0008, which cannot be printed\n"
        "  fix: delete it (retype the text if it was pasted from another program)"
    )


def test_text_or_an_id_too_long_is_located_at_its_value(make_program: MakeProgram) -> None:
    text = MINIMAL.replace("  - id: digital\n", "  - id: " + "d" * 61 + "\n").replace(
        "summary: Leaders learn digital habits from junior colleagues.", "summary: " + "x" * 20_001)
    assert problems(make_program, text) == (
        "program.yaml:4:12: program.summary: is longer than 20000 characters\n  fix: shorten it\n"
        "program.yaml:9:9: goals[0].id: is longer than 60 characters\n  fix: shorten it"
    )


APPLICATION = """\
feedback:
  scales:
    - {id: like-me, labels: [Not like me, Like me]}
matching:
  levels: [Band 5, Band 6, band  6]
application:
  topics: [AI tools, "Social media, TikTok", ai tools]
  availability: [Mornings; afternoons]
  self_assessment:
    scale: like-m
    styles:
      - {id: demonstrator, name: Demonstrator, description: Shows.}
      - {id: connector, name: Connector, description: Introduces.}
    items:
      - {id: show-first, statement: I show first., style: demonstrator}
      - {id: email, statement: I write well., style: demonstrater}
"""


AT = MINIMAL.count("\n")
"""Lines of MINIMAL, after which APPLICATION begins."""


def test_the_application_sections_lists_statements_and_styles_are_checked(make_program: MakeProgram) -> None:
    assert problems(make_program, MINIMAL + APPLICATION) == (
        f"program.yaml:{AT + 5}:28: matching.levels[2]: band 'band  6' is listed twice (also matching.levels[1])\n"
        "  fix: list each band once\n"
        f"program.yaml:{AT + 7}:22: application.topics[1]: topic 'Social media, TikTok' holds a comma or semicolon, which"
        " separate topics in one cell of an export\n"
        "  fix: write it without them: 'and' or 'or' instead, or two items\n"
        f"program.yaml:{AT + 7}:46: application.topics[2]: topic 'ai tools' is listed twice (also application.topics[0])\n"
        "  fix: list each topic once\n"
        f"program.yaml:{AT + 8}:18: application.availability[0]: time 'Mornings; afternoons' holds a comma or semicolon,"
        " which separate times in one cell of an export\n"
        "  fix: write it without them: 'and' or 'or' instead, or two items\n"
        f"program.yaml:{AT + 10}:12: application.self_assessment.scale: unknown scale 'like-m'\n"
        "  fix: did you mean 'like-me'? known scales: like-me\n"
        f"program.yaml:{AT + 16}:14: application.self_assessment.items[1].id: statement id 'email' is also the application"
        " form's field 'email'\n"
        "  fix: give the statement another id, e.g. 'email-statement'\n"
        f"program.yaml:{AT + 16}:54: application.self_assessment.items[1].style: unknown style 'demonstrater'\n"
        "  fix: did you mean 'demonstrator'? known styles: demonstrator, connector"
    )


def test_a_style_no_statement_points_to_is_a_warning(make_program: MakeProgram) -> None:
    text = MINIMAL + APPLICATION.replace("demonstrater", "demonstrator").replace("id: email", "id: write-well")
    text = text.replace("[Band 5, Band 6, band  6]", "[Band 5, Band 6]").replace(", ai tools]", "]")
    text = text.replace('"Social media, TikTok"', "Social media").replace("Mornings; afternoons", "Mornings")
    text = text.replace("scale: like-m\n", "scale: like-me\n")
    loaded = load_program(make_program(text))
    assert [warning.format() for warning in loaded.warnings] == [
        f"program.yaml:{AT + 13}:9: warning: application.self_assessment.styles[1]: style 'connector' has no statement, so no"
        " mentor can be found to have it\n"
        "  fix: add a statement with `style: connector` to the self-assessment, or remove the style"]
