"""`revmentor collect`: returned forms in, a tracker, survey responses and a progress page out.

Read back for real: the blank forms are laid out once for the module, pair packs fill copies
as `revmentor forms` does, and each returned form is filled with pikepdf the way a person's
PDF reader saves one (field values, radio and check box states). The tracker is read with
openpyxl, the responses by the report's own reader, the page by its data-figure marks.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pikepdf
import pytest
from click.testing import Result
from openpyxl import load_workbook

from conftest import program_yaml, write_program

Run = Callable[..., Result]

PROGRAM = program_yaml(feedback={
    "scales": [{"id": "agree5", "labels": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]}],
    "questions": [
        {"id": "confident", "text": "I use our digital tools with confidence.", "scale": "agree5"},
        {"id": "changed", "text": "What have you changed in how you work?", "kind": "text"},
    ],
    "surveys": [{"id": "end", "title": "Looking back", "moment": "end", "week": 11, "audience": ["mentor", "mentee"],
                 "questions": ["confident", "changed"]}],
})
"""Three check-ins, in weeks 2, 6 and 10 (Mon 11 Jan, 8 Feb, 8 Mar 2027), and one survey for both sides."""
OTHER = PROGRAM.replace("name: Bridge", "name: Crossing")
AS_OF = "2027-02-20"


def fill(data: bytes, texts: Mapping[str, str] = {}, radios: Mapping[str, int] = {}, boxes: Sequence[str] = ()) -> bytes:
    """A form filled in and saved as a PDF reader does: text values, the chosen radio button (0-based) of a
    group as its value and appearance state, check boxes on."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for item in pdf.Root.AcroForm.Fields:
            name = str(item.get("/T", ""))
            if name in texts:
                item.V = pikepdf.String(texts[name])
            if name in radios:
                chosen = item.Kids[radios[name]]
                state = next(key for key in chosen.AP.N if key != "/Off")
                item.V = pikepdf.Name(state)
                for index, kid in enumerate(item.Kids):
                    kid.AS = pikepdf.Name(state if index == radios[name] else "/Off")
            if name in boxes:
                state = next(key for key in item.AP.N if key != "/Off")
                item.V = item.AS = pikepdf.Name(state)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """The program folder, the blank forms the tests fill (no certificates, no third pair record) and two
    pairs' packs of them, made once."""
    from toolkit.outputs.forms.layout import make_forms
    from toolkit.outputs.forms.packs import pack_files
    from toolkit.pairing.pairs import Pair
    from toolkit.program.validate import load_program

    folder = write_program(tmp_path_factory.mktemp("collect") / "prog", PROGRAM)
    loaded = load_program(folder)
    blanks = make_forms(loaded, include=lambda plan: not plan.name.startswith("certificate-")
                        and plan.name != "checkin-3").blanks
    in_pack = {name: data for name, data in blanks.items() if not name.startswith("survey-")}
    pairs = [Pair(2, "P001", "Ana Lima", "Ben Okafor"), Pair(3, "P002", "Chen Wu", "Dora Reyes")]
    return folder, blanks, dict(pack_files(loaded, pairs, in_pack, calendar=False))


def digests(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def sheet(book: Path, title: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in load_workbook(book)[title].iter_rows(values_only=True)]


def figures(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, text in re.findall(r'data-figure="([^"]+)"[^>]*>([^<]*)<', page):
        found.setdefault(key, []).append(html.unescape(text).strip())
    return found


def test_every_form_carries_its_identity_and_a_packs_copy_its_pair(made: tuple[Path, dict[str, bytes],
                                                                             dict[str, bytes]]) -> None:
    from toolkit.evaluation.identity import INFO_KEY, FormIdentity, parse_identity, program_digest
    from toolkit.program.validate import load_program

    folder, blanks, packs = made
    digest = program_digest(load_program(folder).program)

    def identity(data: bytes) -> FormIdentity | None:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return parse_identity(str(pdf.docinfo[INFO_KEY]))

    assert identity(blanks["checkin-2"]) == FormIdentity("checkin", digest, checkin=2, round=1)
    assert identity(blanks["pulse-mentee"]) == FormIdentity("pulse", digest, side="mentee")
    assert identity(blanks["survey-end"]) == FormIdentity("survey", digest, survey="end")
    assert identity(packs["P002/P002-checkin-3-pulse-mentor.pdf"]) == FormIdentity(
        "pulse", digest, checkin=3, round=1, side="mentor", pair="P002")
    assert identity(packs["P001/P001-agreement.pdf"]) == FormIdentity("agreement", digest, round=1, pair="P001")
    assert parse_identity('{"v":1,"kind":"checkin"}') is None and parse_identity("Bridge") is None


def test_forms_filled_in_a_pdf_reader_make_the_tracker_responses_and_progress_page(
        made: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, run: Run) -> None:
    folder, blanks, packs = made
    returned = tmp_path / "returned"
    (returned / "inbox").mkdir(parents=True)
    files = {  # names say nothing: collect knows each form by its identity
        "inbox/scan 1.pdf": fill(packs["P001/P001-checkin-1.pdf"], {
            "meeting_date": "Tue 12 Jan 2027", "meeting_minutes": "50", "mentee_goal_1": "Chair a Teams call",
            "action_1": "=Try Copilot on the weekly report", "action_1_owner": "Ben", "action_1_due": "1 Feb",
            "mentor_signature": "Ana Lima", "mentee_signature": "Ben Okafor"},
            {"mentee_goal_1_progress": 1, "mentor_goal_1_progress": 3}),
        "inbox/Re check-in.pdf": fill(packs["P001/P001-checkin-2.pdf"], {"meeting_date": "2027-02-09",
                                                                           "mentor_signature": "Ana Lima"},
                                      {"mentee_goal_1_progress": 3}),
        "pulse.pdf": fill(packs["P001/P001-checkin-2-pulse-mentee.pdf"], {"contact_how": "Teams, mornings",
                                                                           "for_the_coordinator": "Private words"},
                          {"working": 1, "comfortable": 3}, ["contact_me"]),
        "agreement.pdf": fill(packs["P002/P002-agreement.pdf"], {"agreed_on": "2027-01-11"}),
        "survey a.pdf": fill(blanks["survey-end"], {"changed": "I run my own dashboards"},
                             {"role": 1, "confident": 3}),
        "survey b.pdf": fill(blanks["survey-end"], {}, {"role": 0, "confident": 4}),
        "meetings.csv": "pair,checkin,date\r\nP002,1,2027-01-13\r\n",
        "notes.txt": "not a form",
    }
    for name, data in files.items():
        path = returned / name
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, encoding="utf-8")
    before = digests(returned)
    out = tmp_path / "collected"
    result = run("collect", str(returned), "--program", str(folder), "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert digests(returned) == before
    assert f"Wrote progress.html, responses/, tracker.xlsx to {out}" in result.output
    assert "  files: 8 (7 read, 0 needing attention, 1 not PDFs)" in result.output
    assert "  check-ins held: 3 of 4 due by 2027-02-20" in result.output
    assert "  pairs overdue: 1; pulses asking for contact: 1" in result.output

    book = out / "tracker.xlsx"
    assert sheet(book, "Check-ins") == [
        ("Pair", "Round", "Check-in", "Week", "Planned", "Status", "Held on", "Date as written", "Minutes", "Returned",
         "Source"),
        ("P001", 1, 1, 2, "2027-01-11", "held", "2027-01-12", None, "50", "pair record (mentor, mentee)", str(
            returned / "inbox/scan 1.pdf")),
        ("P001", 1, 2, 6, "2027-02-08", "held", "2027-02-09", None, None, "pair record (mentor); mentee pulse",
         str(returned / "inbox/Re check-in.pdf")),
        ("P001", 1, 3, 10, "2027-03-08", "planned", None, None, None, None, None),
        ("P002", 1, 1, 2, "2027-01-11", "held", "2027-01-13", None, None, None, f"{returned / 'meetings.csv'} row 2"),
        ("P002", 1, 2, 6, "2027-02-08", "overdue", None, None, None, None, None),
        ("P002", 1, 3, 10, "2027-03-08", "planned", None, None, None, None, None),
    ]
    assert sheet(book, "Goal progress")[1:] == [
        ("P001", 1, "mentee", 1, "Chair a Teams call", 2, "Started"),
        ("P001", 1, "mentor", 1, None, 4, "Nearly there"),
        ("P001", 2, "mentee", 1, None, 4, "Nearly there"),
    ]
    assert sheet(book, "Actions")[1:] == [  # a formula's text stays text
        ("P001", 1, "'=Try Copilot on the weekly report", "Ben", "1 Feb", str(returned / "inbox/scan 1.pdf"))]
    pulses = sheet(book, "Pulses")
    assert pulses[1:] == [("P001", 2, "mentee", 2, 4, "yes", "Teams, mornings",
                           "asks to be contacted; partnership working: 2 of 5", str(returned / "pulse.pdf"))]
    assert "Private words" not in repr(pulses)

    from toolkit.evaluation.responses import read_responses
    from toolkit.program.validate import load_program

    responses = read_responses(load_program(folder).program, [out / "responses/end.csv"])
    assert responses.left_out == 0
    assert {key: dict(tally.scale["confident"]) for key, tally in responses.groups.items()} == {
        ("end", "mentor"): {5: 1}, ("end", "mentee"): {4: 1}}
    assert responses.groups[("end", "mentee")].texts == {"changed": ["I run my own dashboards"]}

    page = (out / "progress.html").read_text(encoding="utf-8")
    shown = figures(page)
    assert (shown["held"], shown["due"], shown["overdue"], shown["contact"]) == (["3"], ["4"], ["1"], ["1"])
    assert (shown["week-2-due"], shown["week-2-held"], shown["week-6-due"], shown["week-6-held"]) == (
        ["2"], ["2"], ["2"], ["1"])
    assert shown["pair-P001-held"] == ["2 of 2"] and shown["pair-P002-overdue"] == ["2"]
    assert shown["progress-1"] == ["3.0"] and shown["progress-2"] == ["4.0"]
    assert shown["pulse-P001-2-mentee"] == ["asks to be contacted; partnership working: 2 of 5"]
    assert shown["survey-end"] == ["2"]
    assert "Private words" not in page and "Ana Lima" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert page.count("<svg") == 2 and page.count("<title id=") == 2


def test_each_file_that_cannot_be_used_is_a_line_of_the_account_never_a_traceback(
        made: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, run: Run) -> None:
    from toolkit.evaluation.identity import INFO_KEY

    folder, _, packs = made
    returned = tmp_path / "returned"
    returned.mkdir()

    def edited(data: bytes, change: Callable[[pikepdf.Pdf], None], **save: object) -> bytes:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            change(pdf)
            out = io.BytesIO()
            pdf.save(out, **save)  # type: ignore[arg-type]
        return out.getvalue()

    record = packs["P001/P001-checkin-1.pdf"]

    def flatten(pdf: pikepdf.Pdf) -> None:  # as "print to PDF" does: the fields and their widgets gone
        del pdf.Root["/AcroForm"]
        for page in pdf.pages:
            if "/Annots" in page:
                del page["/Annots"]

    def forget(pdf: pikepdf.Pdf) -> None:
        del pdf.docinfo[INFO_KEY]

    def other(pdf: pikepdf.Pdf) -> None:
        pdf.docinfo[INFO_KEY] = pikepdf.String(str(pdf.docinfo[INFO_KEY]).replace('"program":"', '"program":"0'))

    scan = pikepdf.new()
    scan.add_blank_page()
    scanned = io.BytesIO()
    scan.save(scanned)
    first = fill(record, {"meeting_minutes": "40"})
    later = fill(record, {"meeting_minutes": "55"})
    files = {
        "a-flattened.pdf": edited(fill(record, {"meeting_minutes": "40"}), flatten),
        "b-scan.pdf": scanned.getvalue(),
        "c-not-ours.pdf": edited(first, forget),
        "d-other.pdf": edited(first, other),
        "e-locked.pdf": edited(first, lambda pdf: None, encryption=pikepdf.Encryption(owner="o", user="secret")),
        "f-damaged.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nthe rest of this file was lost in the post\n",
        "g-blank.pdf": packs["P002/P002-checkin-1.pdf"],
        "h-first.pdf": first,
        "i-later.pdf": later,
        "photo.jpg": b"\xff\xd8\xff\xe0 not a PDF",
        "meetings.csv": "pair,checkin,date\nP002,9,2027-01-13\nP002,1,13 Jan\n,1,2027-01-13\n",
    }
    for name, data in files.items():
        (returned / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    os.utime(returned / "h-first.pdf", (1_800_000_000, 1_800_000_000))
    os.utime(returned / "i-later.pdf", (1_800_000_100, 1_800_000_100))
    before = digests(returned)
    out = tmp_path / "collected"
    result = run("collect", str(returned), "--program", str(folder), "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert digests(returned) == before
    at = f"{returned}/"
    for line in [
        f"{at}a-flattened.pdf: warning: needs entering by hand: pair record, check-in 1, pair P001, its fields"
        " flattened\n"
        "  fix: type its answers into a fresh form, or add the meeting to meetings.csv",
        f"{at}b-scan.pdf: warning: needs entering by hand: a PDF with no form fields (printed, scanned or flattened)",
        f"{at}c-not-ours.pdf: warning: not one of this program's forms: a PDF form revmentor did not make",
        f"{at}d-other.pdf: warning: a form of another program: pair record, check-in 1, pair P001, made for another"
        " program (or before the program's name or organisation changed)\n"
        "  fix: collect each program's forms with its own program.yaml (--program)",
        f"{at}e-locked.pdf: warning: encrypted: it needs a password to open",
        f"{at}f-damaged.pdf: warning: damaged: cannot be read as a PDF (PdfError)",
        f"{at}g-blank.pdf: warning: nothing filled in: pair record, check-in 1, pair P002",
        f"{at}h-first.pdf: warning: the same form (pair record, check-in 1, pair P001) as {at}i-later.pdf; the"
        f" later one wins\n  fix: the later copy, {at}i-later.pdf, is used",
        f"{at}meetings.csv:2: warning: row 2: checkin '9' is not one of the program's check-ins; the row is left"
        " out\n  fix: give the check-in's number, 1 to 3, counted over the whole program",
        f"{at}meetings.csv:3: warning: row 3: date '13 Jan' is not a date; the row is left out",
        f"{at}meetings.csv:4: warning: row 4: no pair id; the row is left out",
        "  files: 11 (1 read, 9 needing attention, 1 not PDFs)",
    ]:
        assert line in result.output
    assert "Traceback" not in result.output
    assert sheet(out / "tracker.xlsx", "Check-ins")[1][8] == "55"  # the later copy's minutes
    statuses = {row[0]: row[1] for row in sheet(out / "tracker.xlsx", "Files")[1:]}
    assert statuses == {
        f"{at}a-flattened.pdf": "needs entering by hand", f"{at}b-scan.pdf": "needs entering by hand",
        f"{at}c-not-ours.pdf": "not one of this program's forms", f"{at}d-other.pdf": "a form of another program",
        f"{at}e-locked.pdf": "encrypted", f"{at}f-damaged.pdf": "damaged", f"{at}g-blank.pdf": "nothing filled in",
        f"{at}h-first.pdf": "replaced by a later copy", f"{at}i-later.pdf": "read",
        f"{at}meetings.csv": "rows left out", f"{at}photo.jpg": "ignored: not a PDF"}
    assert figures((out / "progress.html").read_text(encoding="utf-8"))["file-status"].count(
        "needs entering by hand") == 2

    strict = run("collect", str(returned), "--program", str(folder), "--strict", "-o", str(tmp_path / "strict"))
    assert strict.exit_code == 1 and not (tmp_path / "strict").exists()


def test_the_output_is_private_and_never_over_or_inside_what_it_reads(
        made: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, run: Run) -> None:
    folder, blanks, _ = made
    returned = tmp_path / "returned"
    returned.mkdir()
    hostile = "<img src=x onerror=alert(1)>"  # a pair id typed into a blank form from the handbook
    (returned / "record.pdf").write_bytes(fill(blanks["checkin-1"], {"pair_id": hostile, "meeting_minutes": "30"}))
    inside = run("collect", str(returned), "--program", str(folder), "-o", str(returned / "out"))
    assert inside.exit_code == 1
    assert f"the output folder lies inside the returned forms folder {returned}/" in inside.output
    site = run("collect", str(returned), "--program", str(folder), "-o", str(folder / "site" / "collect"))
    assert site.exit_code == 1 and "the output folder lies inside the handbook site, which is public" in site.output
    default = run("collect", str(returned), "--program", str(folder), "--as-of", AS_OF)
    assert default.exit_code == 0, default.output
    assert (folder / "private/collect/tracker.xlsx").is_file()
    page = (folder / "private/collect/progress.html").read_text(encoding="utf-8")
    assert hostile not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert sheet(folder / "private/collect/tracker.xlsx", "Check-ins")[1][:3] == (hostile, 1, 1)
    assert not (folder / "private/collect/responses").exists()  # no survey came back
    missing = run("collect", str(tmp_path / "nowhere"), "--program", str(folder))
    assert missing.exit_code == 2 and "no such file or folder" in missing.output


ROTATION = program_yaml(
    checkins={"schedule": {"weeks": [2, 4, 6, 8, 10, 12]},
              "sessions": [{"title": f"Meeting {n}", "purpose": "Review."} for n in range(1, 7)]},
    rotation={"rounds": [{"start_week": 1, "end_week": 4}, {"start_week": 5, "end_week": 8},
                         {"start_week": 9, "end_week": 12}]},
)
"""The same Bridge at Acme, now in three rounds: round 2 holds check-ins 3 and 4 (weeks 6 and 8)."""


def test_a_blank_pulse_says_its_pair_and_check_in_by_its_fields_and_a_pair_is_held_to_its_rounds_check_ins(
        made: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path) -> None:
    import datetime as dt

    import toolkit

    _, blanks, _ = made  # blank forms from the handbook: no pair, no check-in in their identity
    folder = write_program(tmp_path / "rotation", ROTATION)
    returned = tmp_path / "returned"
    returned.mkdir()
    (returned / "pulse.pdf").write_bytes(fill(blanks["pulse-mentor"], {
        "pair_id": "R2-P001", "checkin": "Round 2, check-in 1 of 2, Mon 8 Feb 2027"}, {"working": 4}))
    (returned / "undated.pdf").write_bytes(fill(blanks["pulse-mentor"], {"pair_id": "R2-P001"}, {"comfortable": 0}))
    (returned / "meetings.csv").write_text("pair,checkin,date\nR2-P001,3,2027-02-09\n", encoding="utf-8")
    prepared = toolkit.prepare_collect(folder, [returned], as_of=dt.date(2027, 3, 2))
    collected = prepared.collected
    assert [(p.pair, p.round, [c.number for c in p.planned], p.due, sorted(p.held), p.overdue)
            for p in collected.pairs()] == [("R2-P001", 2, [3, 4], (3, 4), [3], (4,))]
    pulse = collected.pulses[("R2-P001", 3, "mentor")]
    assert (pulse.working, pulse.comfortable, pulse.flags) == (5, None, ())
    assert [problem.format() for problem in prepared.warnings] == [
        f"{returned}/undated.pdf: warning: needs entering by hand: a mentor pulse of pair R2-P001 that does not say"
        " which check-in it follows\n  fix: write the check-in's number in its Check-in field (e.g. 2 of 6)"]


def test_with_the_pairs_file_a_pair_that_returned_nothing_is_counted_and_overdue(
        made: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, run: Run) -> None:
    folder, _, packs = made
    returned = tmp_path / "returned"
    returned.mkdir()
    (returned / "record.pdf").write_bytes(fill(packs["P001/P001-checkin-1.pdf"], {"meeting_date": "2027-01-12",
                                                                                "mentor_signature": "Ana Lima"}))
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("pair_id,mentor_name,mentee_name\nP001,Ana Lima,Ben Okafor\nP002,Chen Wu,Dora Reyes\n",
                     encoding="utf-8")
    without = run("collect", str(returned), "--program", str(folder), "--as-of", AS_OF, "-o", str(tmp_path / "a"))
    assert "  check-ins held: 1 of 2 due by 2027-02-20" in without.output  # P002 is nowhere to be seen
    result = run("collect", str(returned), "--program", str(folder), "--as-of", AS_OF, "--pairs", str(pairs),
                 "-o", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert "  check-ins held: 1 of 4 due by 2027-02-20" in result.output
    assert "  pairs overdue: 2; pulses asking for contact: 0" in result.output
    assert [(row[0], row[2], row[5]) for row in sheet(tmp_path / "b/tracker.xlsx", "Check-ins")[1:]] == [
        ("P001", 1, "held"), ("P001", 2, "overdue"), ("P001", 3, "planned"),
        ("P002", 1, "overdue"), ("P002", 2, "overdue"), ("P002", 3, "planned")]
    over = run("collect", str(returned), "--program", str(folder), "--pairs", str(pairs), "-o", str(pairs))
    assert over.exit_code == 1 and "the pairs file" in over.output
    assert pairs.read_text(encoding="utf-8").startswith("pair_id,")


def test_many_files_are_read_by_a_pool_of_processes_with_the_same_account(
        made: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path) -> None:
    import datetime as dt

    import toolkit
    from toolkit.evaluation.collect import PARALLEL_FROM

    folder, _, packs = made
    returned = tmp_path / "returned"
    returned.mkdir()
    copy = fill(packs["P002/P002-checkin-2.pdf"], {"meeting_minutes": "45"})
    for number in range(PARALLEL_FROM):  # the same record saved again and again: the last one saved wins
        path = returned / f"copy-{number:03d}.pdf"
        path.write_bytes(copy)
        os.utime(path, (1_800_000_000 + number, 1_800_000_000 + number))
    (returned / "copy-050.pdf").write_bytes(b"%PDF-1.7\nnot the rest\n")
    collected = toolkit.prepare_collect(folder, [returned], as_of=dt.date.fromisoformat(AS_OF)).collected
    statuses = [(Path(line.file).name, line.status) for line in collected.files]
    last = f"copy-{PARALLEL_FROM - 1:03d}.pdf"
    assert len(statuses) == PARALLEL_FROM
    assert [entry for entry in statuses if entry[1] != "replaced by a later copy"] == [
        ("copy-050.pdf", "damaged"), (last, "read")]
    assert collected.records[("P002", 2)].file.endswith(last)
