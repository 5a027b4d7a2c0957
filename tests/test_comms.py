"""Communications: every message planned in program.yaml, dated, and ready to send.

The drafts are read back with the standard library's e-mail parser, the mail-merge file with
the csv module, and the send calendar with icalendar; the pair packs are made without their
PDFs (pack_files with no blank forms), which is where the messages are, so nothing here renders.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import Result
from icalendar import Calendar

from toolkit.errors import PairsError, ProgramError
from toolkit.files.paths import display_path
from toolkit.outputs.comms import MAIL_MERGE, MERGE_COLUMNS, SEND_CALENDAR
from toolkit.outputs.forms.packs import pack_files, prepare_packs
from toolkit.pairing.pairs import read_pairs
from toolkit.program.model import PLACEHOLDERS
from toolkit.program.validate import LoadedProgram, load_program
from toolkit.render import comms
from toolkit.site.pages import handbook

from conftest import MINIMAL, REPO, write_program

Run = Callable[..., Result]

PLAN = """\
communications:
  handbook_url: https://intranet.example.org/bridge/
  sender: "Bridge team <bridge@example.org>"
  messages:
    - id: brief
      title: Brief for line managers
      to: [line-managers]
      when: {week: -1, weekday: tuesday}
      subject: "{program}: what it asks of your team"
      body: |
        {program} starts on {start_date}. Literal {{braces}} stay.
    - id: reminder
      title: Reminder before each check-in
      to: [pairs]
      when: {event: checkins, days_before: 3}
      subject: "{program}: check-in {checkin_number} on {checkin_date}"
      body: |
        Dear {name},

        Your check-in with {partner}, "{checkin_title}", is on {checkin_date}.
        The prompts: {checkins_url}
    - id: welcome
      title: Welcome to mentees
      to: [mentee]
      when: {module: orientation, days_before: 7}
      subject: "Meet {partner} at {module_title}"
      body: See you on {module_date}, {name}.
"""
PAIRS = (
    "pair_id,mentor_name,mentor_email,mentee_name,mentee_email\n"
    "P001,Zoë Ångström-Quade,zoe.quade@example.org,\"Bob \"\"{name}\"\" O'Neil\",bob.oneil@example.org\n"
    "P002,=HYPERLINK(\"x\"),,Carl Voss,carl.voss@example.org\n"
)


def plan_program(body: str = PLAN) -> str:
    return MINIMAL + body


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadedProgram, dict[str, bytes]]:
    """The Bridge program with the plan above, and every file of its packs but the PDFs."""
    folder = write_program(tmp_path_factory.mktemp("comms") / "prog", plan_program())
    loaded = load_program(folder)
    pairs_file = folder / "pairs.csv"
    pairs_file.write_text(PAIRS, encoding="utf-8")
    os.utime(loaded.file, (1_800_000_000, 1_800_000_000))
    os.utime(pairs_file, (1_800_000_000, 1_800_000_000))
    return loaded, dict(pack_files(loaded, read_pairs(pairs_file, loaded.program), {}, pairs_file=pairs_file))


def parsed(data: bytes) -> EmailMessage:
    """A draft read back as a mail program reads it; its lines end in CRLF, as e-mail's do."""
    assert b"\n" not in data.replace(b"\r\n", b"")
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage) and not message.defects
    return message


def content(message: EmailMessage) -> str:
    """A draft's text, its line ends as Python writes them."""
    return str(message.get_content()).replace("\r\n", "\n")


# --- the plan: one send per check-in, dated from the program -------------------------------


def test_a_message_timed_from_check_ins_is_sent_before_each_one(made: tuple[LoadedProgram, dict[str, bytes]]) -> None:
    loaded, _ = made
    found = [(send.key, send.date, send.checkin) for send in comms.sends(loaded.program)]
    # Bridge starts on Mon 4 Jan 2027 (week 1; week -1 starts on 21 Dec), with its orientation
    # that day and check-ins on the Mondays of weeks 2, 6 and 10
    assert found == [
        ("brief", dt.date(2026, 12, 22), 1),
        ("welcome", dt.date(2026, 12, 28), 1),
        ("reminder-1", dt.date(2027, 1, 8), 1),
        ("reminder-2", dt.date(2027, 2, 5), 2),
        ("reminder-3", dt.date(2027, 3, 5), 3),
    ]


def test_fill_replaces_each_placeholder_once_and_never_reads_a_value_again() -> None:
    assert comms.fill("Dear {name}, {{name}} is literal", {"name": "{partner} }}"}) == "Dear {partner} }}, {name} is literal"
    assert comms.unfilled("{a} {{b}} {c}") == ["a", "c"]


# --- validate: unknown placeholders and the rest, located --------------------------------


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ProgramError) as raised:
        load_program(write_program(tmp_path / "prog", text))
    shown = display_path(tmp_path / "prog" / "program.yaml")
    return [problem.format().replace(shown, "prog/program.yaml") for problem in raised.value.problems]


def test_an_unknown_placeholder_is_an_error_at_its_line_and_column_in_the_body(tmp_path: Path) -> None:
    text = plan_program(PLAN.replace("The prompts: {checkins_url}", "The prompts: {chekins_url}"))
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "{chekins_url}" in row)
    listing = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    assert problems_of(tmp_path, text) == [
        f"prog/program.yaml:{line}:22: communications.messages[1].body: unknown placeholder {{chekins_url}}\n"
        f"  fix: did you mean {{checkins_url}}? the placeholders are {listing}; write {{{{ and }}}} for a brace"
    ]


def test_placeholders_a_message_cannot_fill_are_errors(tmp_path: Path) -> None:
    text = plan_program(PLAN.replace("{program} starts on {start_date}.", "{name}, {survey_date}, {first_meeting_url}.")
                        .replace("to: [line-managers]", "to: [line-managers, mentors]")
                        .replace('sender: "Bridge team <bridge@example.org>"', "sender: bridge team"))
    found = [problem.split(": ", 2)[-1].split("\n")[0] for problem in problems_of(tmp_path, text)]
    assert found == [
        "sender 'bridge team' is not one e-mail address",
        "unknown recipient 'mentors'",
        "placeholder {name} is filled from the pairs file, but the message goes to line-managers, mentors",
        "placeholder {survey_date} needs a message timed from a survey",
        "placeholder {first_meeting_url} links to content/guides/first-meeting.md, which the program folder does"
        " not have",
    ]


def test_a_send_time_is_given_one_way(tmp_path: Path) -> None:
    text = plan_program(PLAN.replace("when: {week: -1, weekday: tuesday}", "when: {week: -1, event: start}"))
    assert problems_of(tmp_path, text) == [
        f"prog/program.yaml:{text.splitlines().index('      when: {week: -1, event: start}') + 1}:13:"
        " communications.messages[0].when: give exactly one of week, event, module or survey, not week and event\n"
        "  fix: write `week: -2` for a week of the program, or `event: checkins` with `days_before: 3`"
    ]


# --- the drafts: one per message and person, parsed back --------------------------------


def test_every_draft_parses_with_its_headers_and_every_placeholder_filled(
        made: tuple[LoadedProgram, dict[str, bytes]]) -> None:
    _, files = made
    drafts = {path: parsed(data) for path, data in files.items() if path.endswith(".eml")}
    assert sorted(drafts) == [
        "P001/messages/2026-12-28-welcome-mentee.eml",
        *(f"P001/messages/{day}-reminder-{n}-{side}.eml"
          for n, day in ((1, "2027-01-08"), (2, "2027-02-05"), (3, "2027-03-05")) for side in ("mentee", "mentor")),
        "P002/messages/2026-12-28-welcome-mentee.eml",
        *(f"P002/messages/{day}-reminder-{n}-{side}.eml"
          for n, day in ((1, "2027-01-08"), (2, "2027-02-05"), (3, "2027-03-05")) for side in ("mentee", "mentor")),
        "communications/drafts/2026-12-22-brief.eml",
    ]
    for path, message in drafts.items():
        assert message["X-Unsent"] == "1" and message["From"] == "Bridge team <bridge@example.org>", path
        assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8", path
        body = content(message)
        assert re.findall(r"\{[a-z_]+\}", message["Subject"] + body.replace('"{name}"', "").replace("{braces}", "")) == [], path
        assert message["Date"].datetime.tzinfo is not None
    reminder = drafts["P001/messages/2027-01-08-reminder-1-mentor.eml"]
    assert reminder["To"].addresses[0].display_name == "Zoë Ångström-Quade"
    assert reminder["To"].addresses[0].addr_spec == "zoe.quade@example.org"
    assert reminder["Subject"] == "Bridge: check-in 1 on Mon 11 Jan 2027"
    assert reminder["Date"].datetime == dt.datetime(2027, 1, 8, 9, 0, tzinfo=dt.UTC)
    assert content(reminder) == (
        "Dear Zoë Ångström-Quade,\n\nYour check-in with Bob \"{name}\" O'Neil, \"Start\", is on Mon 11 Jan 2027.\n"
        "The prompts: https://intranet.example.org/bridge/checkins.html\n")
    to_bob = drafts["P001/messages/2027-01-08-reminder-1-mentee.eml"]
    assert to_bob["To"].addresses[0].display_name == 'Bob "{name}" O\'Neil'
    assert content(to_bob).startswith('Dear Bob "{name}" O\'Neil,\n\nYour check-in with Zoë Ångström-Quade,')
    assert drafts["P002/messages/2027-01-08-reminder-1-mentor.eml"]["To"] is None  # no address in the pairs file
    welcome = drafts["P002/messages/2026-12-28-welcome-mentee.eml"]
    assert welcome["Subject"] == "Meet =HYPERLINK(\"x\") at Orientation"
    assert content(welcome) == "See you on Mon 4 Jan 2027, Carl Voss.\n"
    brief = drafts["communications/drafts/2026-12-22-brief.eml"]
    assert brief["To"] is None and content(brief) == "Bridge starts on Mon 4 Jan 2027. Literal {braces} stay.\n"


def test_an_address_a_draft_cannot_hold_is_an_error_on_its_row(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", plan_program())
    (folder / "pairs.csv").write_text(PAIRS.replace("carl.voss@example.org", "carl voss@example.org"), encoding="utf-8")
    with pytest.raises(PairsError) as raised:
        prepare_packs(folder, folder / "pairs.csv")
    assert raised.value.format() == (
        f"{display_path(folder / 'pairs.csv')}:3: row 3: mentee_email 'carl voss@example.org' is not an e-mail"
        " address\n  fix: write it as name@example.org, or leave the cell empty")


# --- the coordinator's files: mail merge and send calendar --------------------------------


def test_the_mail_merge_file_has_a_row_per_send_and_person_and_is_excel_safe(
        made: tuple[LoadedProgram, dict[str, bytes]]) -> None:
    _, files = made
    data = files[MAIL_MERGE]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(MERGE_COLUMNS)
    assert [(row["message"], row["pair_id"], row["name"], row["email"]) for row in rows[:4]] == [
        ("brief", "", "", ""),
        ("welcome", "P001", 'Bob "{name}" O\'Neil', "bob.oneil@example.org"),
        ("welcome", "P002", "Carl Voss", "carl.voss@example.org"),
        ("reminder", "P001", "Zoë Ångström-Quade", "zoe.quade@example.org"),
    ]
    assert len(rows) == 2 + 1 + 3 * 4
    assert rows[0]["to"] == "participants' line managers" and rows[0]["send_date"] == "2026-12-22"
    carl = next(row for row in rows if row["message"] == "reminder" and row["name"] == "Carl Voss")
    assert carl["subject"] == "Bridge: check-in 1 on Mon 11 Jan 2027"
    assert "Your check-in with =HYPERLINK" in carl["body"]
    formula = next(row for row in rows if row["pair_id"] == "P002" and row["email"] == "")
    assert formula["name"] == "'=HYPERLINK(\"x\")"  # a leading quote: Excel shows it as text, never runs it


def test_the_send_calendar_has_an_event_and_an_alarm_per_send_and_no_name(
        made: tuple[LoadedProgram, dict[str, bytes]]) -> None:
    _, files = made
    calendar = Calendar.from_ical(files[SEND_CALENDAR])
    events = list(calendar.walk("VEVENT"))
    assert [str(event["uid"]) for event in events] == [
        "send-brief@bridge.revmentor", "send-welcome@bridge.revmentor", "send-reminder-1@bridge.revmentor",
        "send-reminder-2@bridge.revmentor", "send-reminder-3@bridge.revmentor"]
    first = events[2]
    assert str(first["summary"]) == "Send: Reminder before each check-in"
    assert first.decoded("dtstart") == dt.datetime(2027, 1, 8, 9, 0, tzinfo=first.decoded("dtstart").tzinfo)
    assert str(first["description"]).startswith("To: every pair (Mentor and Mentee)\n"
                                                "Subject: Bridge: check-in 1 on Mon 11 Jan 2027\n")
    for event in events:
        alarms = event.walk("VALARM")
        assert len(alarms) == 1 and str(alarms[0]["action"]) == "DISPLAY"
        assert alarms[0].decoded("trigger") == dt.timedelta(0)
    text = files[SEND_CALENDAR].decode("utf-8")
    for name in ("Zoë", "Quade", "O'Neil", "Carl Voss", "example.org>"):
        assert name not in text


# --- the handbook's page: dates and roles, never a name -----------------------------------


def test_the_handbook_page_lists_every_send_by_date_and_recipients(made: tuple[LoadedProgram, dict[str, bytes]]) -> None:
    loaded, _ = made
    page = next(page for page in handbook(loaded.program, loaded.folder).pages if page.path == "communications.md")
    assert page.text.splitlines()[0] == "# What you will hear from us, and when"
    assert "| Mon 28 Dec 2026 | Mentee | Welcome to mentees |" in page.text
    assert "| Tue 22 Dec 2026 | participants' line managers | Brief for line managers |" in page.text
    assert page.text.count("| Reminder before each check-in |") == 3
    assert "- **Reminder before each check-in**: 3 days before each check-in, to every pair \\(Mentor and Mentee\\)" in page.text


def test_a_program_without_messages_has_no_page(make_program: Callable[..., Path]) -> None:
    loaded = load_program(make_program())
    assert "communications.md" not in [page.path for page in handbook(loaded.program, loaded.folder).pages]


def test_the_readme_documents_every_placeholder() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Communications\n", 1)[1].split("\n## ", 1)[0]
    for name, meaning in PLACEHOLDERS.items():
        assert f"\n| `{{{name}}}` | {meaning} |\n" in section, name


def test_a_rounds_packs_hold_the_reminders_of_its_own_check_ins_only(tmp_path: Path) -> None:
    rounds = "rotation:\n  rounds:\n    - {start_week: 1, end_week: 5}\n    - {start_week: 6, end_week: 12}\n"
    folder = write_program(tmp_path / "prog", plan_program() + rounds)
    loaded = load_program(folder)
    pairs_file = folder / "pairs.csv"
    pairs_file.write_text("pair_id,mentor_name,mentee_name\nR2-P001,Ann Lee,Bo Chan\n", encoding="utf-8")
    files = dict(pack_files(loaded, read_pairs(pairs_file, loaded.program), {}, round_number=2, pairs_file=pairs_file))
    # the welcome before the orientation is round 1's; round 2 has check-ins 2 and 3
    assert sorted(path for path in files if path.startswith("R2-P001/messages/")) == [
        "R2-P001/messages/2027-02-05-reminder-2-mentee.eml", "R2-P001/messages/2027-02-05-reminder-2-mentor.eml",
        "R2-P001/messages/2027-03-05-reminder-3-mentee.eml", "R2-P001/messages/2027-03-05-reminder-3-mentor.eml",
    ]
    events = [str(event["uid"]) for event in Calendar.from_ical(files[SEND_CALENDAR]).walk("VEVENT")]
    assert events == ["send-reminder-2@bridge.revmentor", "send-reminder-3@bridge.revmentor"]


# --- `revmentor comms`: the coordinator's files before there are pairs -------------------


def test_comms_writes_the_send_calendar_and_group_drafts_before_there_are_pairs(tmp_path: Path, run: Run) -> None:
    folder = write_program(tmp_path / "prog", plan_program())
    result = run("comms", str(folder))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {display_path(folder / 'private' / 'comms')}: 5 sends, 3 files\n"
    written = sorted(path.relative_to(folder / "private" / "comms").as_posix()
                     for path in (folder / "private" / "comms").rglob("*") if path.is_file())
    assert written == [".revmentor-manifest.json", "drafts/2026-12-22-brief.eml", "mail-merge.csv",
                       "send-calendar.ics"]
    merge = (folder / "private" / "comms" / "mail-merge.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(merge) == 2 and merge[1].startswith("2026-12-22,09:00,brief,participants' line managers,,,,")


def test_comms_refuses_a_program_with_no_messages(make_program: Callable[..., Path], run: Run) -> None:
    path = make_program()
    result = run("comms", str(path))
    assert result.exit_code == 1
    assert result.output == (f"{display_path(path)}:1:1: the program plans no messages\n"
                             "  fix: add a communications: section with its messages; see Communications in the README\n")
