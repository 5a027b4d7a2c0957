"""Fillable forms and pair packs, read back for real: pypdf reads the fields and their values,
pikepdf the structure, poppler (pdftoppm, pdftotext) renders and reads every page, icalendar
parses the calendars.

poppler is installed by .ci/run; a missing one fails these tests, it never skips them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pikepdf
import pytest
from click.testing import Result
from icalendar import Calendar
from pypdf import PdfReader

from toolkit import build
from toolkit.outputs.forms.filling import FormFiller
from toolkit.outputs.forms.layout import FormSet, finish_form, make_forms
from toolkit.outputs.forms.packs import pair_values
from toolkit.pairing.pairs import Pair, read_pairs
from toolkit.program.validate import LoadedProgram, load_program

from conftest import REPO, program_yaml
from conftest import write_program as write_folder
from leaks import leaks

Run = Callable[..., Result]

ROLES = [
    {"id": "mentor", "name": "Digital mentor", "summary": "Shares what they know.", "time_commitment": "1 hour a fortnight"},
    {"id": "mentee", "name": "Leader", "summary": "Comes with questions.", "time_commitment": "1 hour a fortnight"},
]


APPLICATION = {
    "topics": ["AI tools", "Social media"],
    "availability": ["Mornings", "Afternoons"],
    "formats": ["in-person", "remote"],
    "manager_consent": True,
    "self_assessment": {
        "scale": "agree3",
        "styles": [{"id": "demonstrator", "name": "Demonstrator", "description": "Shows, then lets you try."},
                   {"id": "sounding-board", "name": "Sounding board", "description": "Listens and asks."}],
        "items": [{"id": "show-first", "statement": "I would rather show than tell.", "style": "demonstrator"},
                  {"id": "ask-first", "statement": "I ask before I answer.", "style": "sounding-board"}],
    },
}
"""An application section: the blank forms' fixtures lay out the application form too."""


def program_text(paper: str = "A4", application: bool = False) -> str:
    """Remote pairs in Paris with two goals (one for each side), two check-ins and one survey."""
    return program_yaml(
        application=APPLICATION if application else None,
        program={"time_zone": "Europe/Paris", "meeting_format": "remote", "video_tool": "Zoom", "paper_size": paper,
                 "contact": "bridge@acme.example", "terminology": {"mentor": "Digital mentor", "mentee": "Leader"}},
        goals=[
            {"id": "digital", "title": "Digital confidence", "description": "Leaders use modern tools with confidence.",
             "benefits": ["mentees"],
             "measures": [{"metric": "Confident leaders", "target": 60, "method": "Survey", "question": "confidence"}]},
            {"id": "visibility", "title": "Mentors seen by leadership", "description": "Junior colleagues get visibility.",
             "benefits": ["mentors"], "measures": [{"metric": "Mentors promoted", "target": 3, "method": "HR report"}]},
        ],
        roles=ROLES,
        training=[{"id": "orientation", "title": "Orientation", "summary": "What the program is and how it runs.",
                   "audience": ["mentor", "mentee"], "week": 1, "start_time": "09:30", "objectives": ["Know the program"],
                   "agenda": [{"title": "Welcome", "kind": "talk", "minutes": 45}]}],
        checkins={"schedule": {"weeks": [2, 6]}, "time": "12:30", "sessions": [
            {"title": "Start", "purpose": "Agree how you will work together.",
             "prompts": ["Where and when you will meet", "What confidentiality means to you"],
             "questions": ["What do you need from your partner?"]},
            {"title": "Close", "purpose": "Take stock.", "prompts": ["What each of you learned"]},
        ]},
        feedback={
            "scales": [{"id": "agree3", "labels": ["Disagree", "Not sure", "Agree"]}],
            "questions": [{"id": "confidence", "text": "I am confident with our tools.", "scale": "agree3"},
                          {"id": "learned", "text": "What did you learn?", "kind": "text"}],
            "surveys": [{"id": "leader-end", "title": "Leaders - looking back", "moment": "end", "week": 11,
                         "audience": ["mentee"], "questions": ["confidence", "learned"]}],
        },
    )


PAIRS = """\
pair_id,mentor_id,mentor_name,mentor_email,mentee_id,mentee_name,mentee_email,score,reasons
P001,E1,Zoë Ōkubo,zoe@acme.example,E9,Ann Lee,ann@acme.example,4.5,shared topics: AI tools
P002,E2,Quentin Marsh,quentin@acme.example,E8,Carla Winterbourne,carla@acme.example,3.0,different departments
"""
NAMES = ("Zoë Ōkubo", "Ann Lee", "Quentin Marsh", "Carla Winterbourne")

CHECKIN_FIELDS = [
    ("pair_id", "/Tx", "Pair"),
    ("meeting_date", "/Tx", "Date of the meeting"),
    ("meeting_minutes", "/Tx", "How long you met (minutes)"),
    ("mentor_name", "/Tx", "Digital mentor"),
    ("mentee_name", "/Tx", "Leader"),
    ("agenda_1", "/Tx", "Notes on agenda item 1: Where and when you will meet"),
    ("agenda_2", "/Tx", "Notes on agenda item 2: What confidentiality means to you"),
    ("question_1", "/Tx", "Question 1: What do you need from your partner?"),
    *[item for side, name in (("mentee", "Leader"), ("mentor", "Digital mentor")) for n in (1, 2, 3) for item in (
        (f"{side}_goal_{n}", "/Tx", f"{name}'s goal {n}"),
        (f"{side}_goal_{n}_progress", "/Btn", f"Progress on {name.lower()}'s goal {n} (choose one: Not started,"
         " Started, Making progress, Nearly there, Achieved)"))],
    *[(f"action_{n}{part}", "/Tx", f"Action {n}{label}")
      for n in range(1, 6) for part, label in (("", ""), ("_owner", ": owner"), ("_due", ": due date"))],
    ("mentor_signature", "/Tx", "Digital mentor: signature or name"),
    ("mentor_signed", "/Tx", "Date"),
    ("mentee_signature", "/Tx", "Leader: signature or name"),
    ("mentee_signed", "/Tx", "Date"),
]
"""The pair record of check-in 1: no answer of one side beside the other's, and each side's own goals."""


def write_program(folder: Path, paper: str = "A4", application: bool = False) -> Path:
    return write_folder(folder, program_text(paper, application))


@pytest.fixture(scope="module")
def forms_a4(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadedProgram, FormSet]:
    loaded = load_program(write_program(tmp_path_factory.mktemp("a4") / "prog", application=True))
    return loaded, make_forms(loaded)


@pytest.fixture(scope="module")
def forms_letter(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadedProgram, FormSet]:
    loaded = load_program(write_program(tmp_path_factory.mktemp("letter") / "prog", "Letter", application=True))
    return loaded, make_forms(loaded)


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pair packs made with the CLI, as a coordinator would: prog/private/packs."""
    from click.testing import CliRunner

    from toolkit.cli import cli

    root = tmp_path_factory.mktemp("packs")
    folder = write_program(root / "prog")
    (root / "pairs.csv").write_text(PAIRS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["forms", str(folder), "--pairs", str(root / "pairs.csv"), "-q"])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    return folder / "private" / "packs"


def fields(data: bytes) -> list[tuple[str, str, str]]:
    reader = PdfReader(io.BytesIO(data))
    return [(name, str(field.get("/FT")), str(field.get("/TU"))) for name, field in (reader.get_fields() or {}).items()]


def values(path: Path) -> dict[str, str]:
    return values_of(path.read_bytes())


def values_of(data: bytes) -> dict[str, str]:
    """Field name -> value of the fields that hold one, as pypdf reads them."""
    reader = PdfReader(io.BytesIO(data))
    return {name: str(field["/V"]) for name, field in (reader.get_fields() or {}).items()
            if field.get("/V") not in (None, "", "/Off")}


# --- the blank forms --------------------------------------------------------------------


def test_forms_of_a_program(forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    _, made = forms_a4
    assert [(plan.name, plan.title, plan.in_site, plan.in_pack) for plan in made.plans] == [
        ("agreement", "Mentoring agreement", True, True),
        ("checkin-1", "Check-in 1 of 2: Start", True, True),
        ("checkin-2", "Check-in 2 of 2: Close", True, True),
        ("pulse-mentor", "Check-in pulse: Digital mentor", True, True),
        ("pulse-mentee", "Check-in pulse: Leader", True, True),
        ("survey-leader-end", "Leaders - looking back", True, False),
        ("certificate-mentor", "Certificate of appreciation", False, True),
        ("certificate-mentee", "Certificate of participation", False, True),
        ("application", "Application form", True, False),
    ]
    assert [artifact.path for artifact in made.artifacts()] == [
        "forms/agreement.pdf", "forms/checkin-1.pdf", "forms/checkin-2.pdf", "forms/pulse-mentor.pdf",
        "forms/pulse-mentee.pdf", "forms/survey-leader-end.pdf", "forms/application.pdf"]


def test_checkin_form_fields_are_named_typed_and_labelled_in_reading_order(
        forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    _, made = forms_a4
    assert fields(made.blanks["checkin-1"]) == CHECKIN_FIELDS


def test_progress_is_a_radio_group_of_five_labelled_choices(forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    _, made = forms_a4
    reader = PdfReader(io.BytesIO(made.blanks["checkin-1"]))
    group = (reader.get_fields() or {})["mentee_goal_1_progress"]
    assert group["/_States_"] == ["/0", "/1", "/2", "/3", "/4"]
    assert [str(v) for v in group["/Opt"]] == ["1", "2", "3", "4", "5"]
    assert not any("." in name for name in reader.get_fields() or {})  # no `goal_1_progress.goal_1_progress`
    with pikepdf.open(io.BytesIO(made.blanks["checkin-1"])) as pdf:
        (field,) = [f for f in pdf.Root.AcroForm.Fields if str(f.T) == "mentee_goal_1_progress"]
        assert [str(kid.TU) for kid in field.Kids] == [
            f"Progress on leader's goal 1: {label} ({n} of 5)" for n, label in enumerate(
                ("Not started", "Started", "Making progress", "Nearly there", "Achieved"), start=1)]
        assert all("/T" not in kid for kid in field.Kids)


def test_agreement_survey_and_certificate_fields(forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    _, made = forms_a4
    agreement = [name for name, _, _ in fields(made.blanks["agreement"])]
    assert agreement == [
        "pair_id", "agreed_on", "mentor_name", "mentee_name",
        *[f"mentee_goal_{n}{part}" for n in (1, 2, 3) for part in ("", "_measure")],
        *[f"mentor_goal_{n}{part}" for n in (1, 2, 3) for part in ("", "_measure")],
        "serves_digital", "serves_visibility",
        "meeting_when", "meeting_where", "meeting_moved", "ground_rules",
        "confidentiality_mentor", "confidentiality_mentee",
        "mentor_signature", "mentor_signed", "mentee_signature", "mentee_signed",
    ]
    assert ("confidentiality_mentor", "/Btn",
            "Digital mentor: I agree to keep our conversations confidential, within these limits") in fields(
        made.blanks["agreement"])
    assert fields(made.blanks["survey-leader-end"]) == [
        ("confidence", "/Btn", "Question 1: I am confident with our tools. (choose one: Disagree, Not sure, Agree)"),
        ("learned", "/Tx", "Question 2: What did you learn?"),
    ]
    signing = [("hours", "/Tx", "Hours of mentoring and training"), ("sponsor_name", "/Tx", "Name of the person signing"),
               ("awarded_on", "/Tx", "Date")]
    assert fields(made.blanks["certificate-mentor"]) == [
        ("mentor_name", "/Tx", "Digital mentor's name"), ("mentee_name", "/Tx", "Leader's name"), *signing]
    assert fields(made.blanks["certificate-mentee"]) == [
        ("mentee_name", "/Tx", "Leader's name"), ("mentor_name", "/Tx", "Digital mentor's name"), *signing]


APPLICATION_FIELDS = [
    ("name", "/Tx", "Your full name"),
    ("email", "/Tx", "Your work e-mail address"),
    ("id", "/Tx", "Your employee id, if you know it"),
    ("role", "/Btn", "Which role do you apply for? (choose one: Digital mentor, Leader)"),
    ("languages", "/Tx", "Languages you could hold your meetings in"),
    ("availability", "/Tx", "When could you usually meet? (write them from the list, separated by semicolons)"),
    ("meeting_format", "/Btn", "How would you rather meet? (choose one: In person, Remote (Zoom), No preference)"),
    ("offers", "/Tx", "Topics you could help a leader with (write them from the list, separated by semicolons)"),
    ("capacity", "/Btn", "How many partners could you take on at once? (choose one: 1, 2)"),
    ("manager_consent", "/Btn", "My line manager has agreed that I can give this time to Bridge"),
    ("show-first", "/Btn", "Statement 1: I would rather show than tell. (choose one: Disagree, Not sure, Agree)"),
    ("ask-first", "/Btn", "Statement 2: I ask before I answer. (choose one: Disagree, Not sure, Agree)"),
    ("wants", "/Tx", "Topics you want to learn about (write them from the list, separated by semicolons)"),
    ("preferred_style", "/Btn", "Which kind of digital mentor would help you most? (choose one: Demonstrator: Shows,"
     " then lets you try, Sounding board: Listens and asks, No preference)"),
]


def test_the_application_forms_fields_are_the_exports_columns_labelled_in_reading_order(
        forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    _, made = forms_a4
    assert fields(made.blanks["application"]) == APPLICATION_FIELDS


def test_a_returned_application_form_reads_as_a_row_of_the_applications_export(
        forms_a4: tuple[LoadedProgram, FormSet], tmp_path: Path) -> None:
    """The fields as a PDF reader gives them (a choice is its index into /Opt) make the export's row as they are."""
    from toolkit.pairing.applications import read_applications

    loaded, made = forms_a4
    typed = {"name": "Zoë Ōkubo", "email": "zoe@acme.example", "role": 0, "availability": "Mornings; afternoons",
             "meeting_format": 1, "offers": "AI tools;Social media", "capacity": 1, "manager_consent": True,
             "show-first": 2, "ask-first": 0}
    with pikepdf.open(io.BytesIO(made.blanks["application"])) as pdf:
        for field in pdf.Root.AcroForm.Fields:
            value = typed.get(str(field.T))
            if isinstance(value, str):
                field.V = pikepdf.String(value)
            elif value is True:
                field.V = field.AS = pikepdf.Name("/on")
            elif isinstance(value, int):
                field.V = pikepdf.Name(f"/{value}")
        returned = io.BytesIO()
        pdf.save(returned)
    row = {}
    for name, field in (PdfReader(returned).get_fields() or {}).items():
        value = str(field.get("/V") or "")
        options = [str(option) for option in field.get("/Opt") or []]
        if value in ("", "/Off"):
            row[name] = ""
        elif options:  # a radio group: the index of the choice ticked
            row[name] = options[int(value[1:])]
        else:
            row[name] = "yes" if value == "/on" else value
    export = tmp_path / "applications.csv"
    with export.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)

    (answer,) = read_applications(export, loaded.program).answers
    assert (answer.email, answer.role, answer.values, answer.availability, answer.meeting_format, answer.styles) == (
        "zoe@acme.example", "mentor", {"role": "mentor", "offers": "AI tools; Social media", "capacity": "2",
                                       "manager_consent": "yes"},
        ("Mornings", "Afternoons"), "remote", ("Demonstrator",))


def test_the_application_questions_for_a_survey_tool_are_planned_beside_the_form(
        forms_a4: tuple[LoadedProgram, FormSet], tmp_path: Path) -> None:
    from toolkit.outputs.forms.layout import FormsFamily
    from toolkit.outputs.forms.questions import application_text

    loaded, _ = forms_a4
    planned = FormsFamily().plan(loaded.program)
    assert [(item.path, item.group) for item in planned[-2:]] == [
        ("forms/application.pdf", "Applying to the program"),
        ("forms/application-questions.txt", "Applying to the program")]
    text = application_text(loaded.program)
    assert text.startswith("Bridge: the application form's questions, for a survey tool\n")
    assert "4. Which role do you apply for?  [role]  (required)\n   One choice.\n   - Digital mentor\n   - Leader\n" in text
    assert ("  Demonstrator: Shows, then lets you try. Statements: [show-first].\n\n"
            "  Sounding board: Listens and asks. Statements: [ask-first].\n") in text
    without = FormsFamily().plan(load_program(write_program(tmp_path / "prog")).program)
    assert [item.path for item in without if "application" in item.path] == []


def test_every_field_of_every_form_has_a_label(forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    _, made = forms_a4
    for name, data in made.blanks.items():
        found = fields(data)
        assert found, name
        assert [field for field in found if not field[2].strip() or field[2] == "None"] == [], name


def fill_every_field(data: bytes) -> tuple[bytes, dict[str, str], set[str]]:
    """The form with a value typed into every field a reader lets you change, as a PDF editor saves
    it; returns the filled form, what was typed (name -> value) and the names of read-only fields."""
    typed: dict[str, str] = {}
    read_only: set[str] = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for number, field in enumerate(pdf.Root.AcroForm.Fields, start=1):
            name = str(field.T)
            if int(field.get("/Ff", 0)) & 1:
                read_only.add(name)
                continue
            if field.get("/FT") == "/Tx":
                typed[name] = f"typed {number}"
                field.V = pikepdf.String(typed[name])
            elif "/Kids" in field:  # a radio group: choose its last button, as a click would
                choice = next(key for key in field.Kids[-1].AP.N.keys() if key != "/Off")  # noqa: SIM118
                typed[name] = choice
                field.V = pikepdf.Name(choice)
                for kid in field.Kids:
                    kid.AS = pikepdf.Name(choice if kid is field.Kids[-1] else "/Off")
            else:  # a checkbox: tick it
                typed[name] = next(key for key in field.AP.N.keys() if key != "/Off")  # noqa: SIM118
                field.V = field.AS = pikepdf.Name(typed[name])
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue(), typed, read_only


def test_every_field_of_every_form_takes_a_value_but_the_certificates_names(
        forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    """Typed in and saved, then read back by another PDF library: nothing a pair must write is locked."""
    _, made = forms_a4
    for name, data in made.blanks.items():
        filled, typed, read_only = fill_every_field(data)
        assert read_only == ({"mentor_name", "mentee_name"} if name.startswith("certificate-") else set()), name
        assert typed, name
        assert {key: value for key, value in values_of(filled).items() if key in typed} == typed, name


def test_forms_are_tagged_pdfs_whose_tab_order_follows_the_structure(forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    _, made = forms_a4
    for name, data in made.blanks.items():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert "/StructTreeRoot" in pdf.Root, name
            assert bool(pdf.Root.MarkInfo.Marked), name
            assert str(pdf.Root.Lang) == "en", name
            assert bool(pdf.Root.AcroForm.NeedAppearances), name
            for page in pdf.pages:
                if "/Annots" in page.obj:
                    assert page.obj.Tabs == "/S", name
                    parents = [int(annot.StructParent) for annot in page.obj.Annots]
                    assert parents == sorted(parents), name


def test_widgets_come_in_reading_order(forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    """Top to bottom, and left to right within a row: the order a keyboard user tabs through."""
    _, made = forms_a4
    for name, data in made.blanks.items():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                boxes = [[float(v) for v in annot.Rect] for annot in page.obj.get("/Annots", [])]
                tops = [(-round(max(box[1], box[3])), min(box[0], box[2])) for box in boxes]
                rows = [(top // 4, left) for top, left in tops]  # 4 pt tolerance for one row
                assert rows == sorted(rows), name


@pytest.mark.poppler
@pytest.mark.parametrize("paper, size", [("A4", (595.276, 841.89)), ("Letter", (612.0, 792.0))])
def test_forms_print_on_a4_and_letter_with_nothing_cut(
        paper: str, size: tuple[float, float], forms_a4: tuple[LoadedProgram, FormSet],
        forms_letter: tuple[LoadedProgram, FormSet], tmp_path: Path) -> None:
    _, made = forms_a4 if paper == "A4" else forms_letter
    margin = 12 * 72 / 25.4
    for name, data in made.blanks.items():
        file = tmp_path / f"{name}.pdf"
        file.write_bytes(data)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                width, height = (float(v) for v in page.mediabox[2:])
                landscape = name.startswith("certificate-")
                assert (round(width, 3), round(height, 3)) == (size[::-1] if landscape else size), name
                for annot in page.obj.get("/Annots", []):
                    x0, y0, x1, y1 = (float(v) for v in annot.Rect)
                    assert margin <= min(x0, x1) and max(x0, x1) <= width - margin, name
                    assert margin <= min(y0, y1) and max(y0, y1) <= height - margin, name
        words = subprocess.run(["pdftotext", "-bbox", str(file), "-"], capture_output=True, text=True, check=True).stdout
        page_width, page_height = size[::-1] if name.startswith("certificate-") else size
        for x_min, y_min, x_max, y_max, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', words):
            assert float(x_min) >= 0 and float(x_max) <= page_width, (name, word)
            assert float(y_min) >= 0 and float(y_max) <= page_height, (name, word)
    text = subprocess.run(["pdftotext", str(tmp_path / "checkin-1.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("Check-in 1 of 2: Start", "Where and when you will meet", "What confidentiality means to you",
                     "What do you need from your partner?", "Agreed actions", "Confidentiality",
                     "Anything that worries you", "Signatures"):
        assert expected in " ".join(text.split()), expected


@pytest.mark.poppler
def test_poppler_renders_every_page_of_every_form(forms_a4: tuple[LoadedProgram, FormSet], tmp_path: Path) -> None:
    _, made = forms_a4
    for name, data in made.blanks.items():
        file = tmp_path / f"{name}.pdf"
        file.write_bytes(data)
        pages = len(PdfReader(file).pages)
        result = subprocess.run(["pdftoppm", "-r", "30", "-png", str(file), str(tmp_path / name)],
                                capture_output=True, text=True)
        assert (result.returncode, result.stderr) == (0, ""), name
        assert len(list(tmp_path.glob(f"{name}-*.png"))) == pages, name


def test_same_program_same_bytes(forms_a4: tuple[LoadedProgram, FormSet], tmp_path: Path) -> None:
    loaded, made = forms_a4
    again = make_forms(loaded, include=lambda plan: plan.name == "checkin-1")
    assert again.rendered == ["checkin-1"]
    assert again.blanks["checkin-1"] == made.blanks["checkin-1"]


def test_a_form_is_laid_out_once_then_taken_from_the_cache(
        forms_a4: tuple[LoadedProgram, FormSet], tmp_path: Path) -> None:
    from toolkit.render.cache import RenderCache

    loaded, made = forms_a4
    only = {"include": lambda plan: plan.name == "checkin-2"}
    first = make_forms(loaded, RenderCache(tmp_path / "cache"), **only)
    from_disk = make_forms(loaded, RenderCache(tmp_path / "cache"), **only)
    without_cache = make_forms(loaded, None, **only)
    assert [(m.rendered, m.reused) for m in (first, from_disk, without_cache)] == [
        (["checkin-2"], []), ([], ["checkin-2"]), (["checkin-2"], [])]
    assert from_disk.blanks == without_cache.blanks == {"checkin-2": made.blanks["checkin-2"]}


@pytest.mark.poppler
def test_embedding_only_the_field_characters_changes_no_pixel(
        forms_a4: tuple[LoadedProgram, FormSet], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The field font keeps Latin, Greek and Cyrillic plus the glyphs on the page: the page looks the same."""
    import toolkit.outputs.forms.layout
    from toolkit.outputs.forms.plan import form_context, plan_forms
    from toolkit.render.pdf import PdfRenderer

    loaded, _ = forms_a4
    plan = next(p for p in plan_forms(loaded.program) if p.name == "checkin-1")
    renderer = PdfRenderer(loaded.folder, "A4")
    raw = renderer.render("checkin-1", renderer.html(plan.template, {**form_context(loaded.program),
                                                                     **plan.context}), forms=True).data
    small = finish_form(raw)
    monkeypatch.setattr(toolkit.outputs.forms.layout, "shrink_field_fonts", lambda pdf, subsets, characters: None)
    whole = finish_form(raw)
    assert len(small) < len(whole) / 2
    for label, data in (("small", small), ("whole", whole)):
        (tmp_path / f"{label}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / f"{label}.pdf"), str(tmp_path / label)],
                       check=True)
    pages = sorted(tmp_path.glob("whole-*.png"))
    assert pages
    for page in pages:
        assert page.read_bytes() == (tmp_path / page.name.replace("whole", "small")).read_bytes()


# --- pair packs ----------------------------------------------------------------------------


def test_a_pack_per_pair(packs: Path) -> None:
    assert sorted(p.relative_to(packs).as_posix() for p in packs.rglob("*") if p.is_file()) == sorted([
        ".revmentor-manifest.json",
        *[f"{pair}/{pair}-{name}" for pair in ("P001", "P002")
          for name in ("agreement.pdf", "checkin-1.pdf", "checkin-2.pdf", "certificate-mentor.pdf",
                       "certificate-mentee.pdf", "mentor-calendar.ics", "mentee-calendar.ics",
                       *(f"checkin-{n}-pulse-{side}.pdf" for n in (1, 2) for side in ("mentor", "mentee")))],
    ])


def test_pack_forms_hold_the_pairs_names_and_dates_and_never_the_programs_goals(packs: Path) -> None:
    """Made from the pairs file `match` writes: the personal goal rows stay blank for the pair to fill in."""
    assert values(packs / "P001/P001-checkin-2.pdf") == {
        "pair_id": "P001", "meeting_date": "Mon, Feb 8, 2027", "mentor_name": "Zoë Ōkubo", "mentee_name": "Ann Lee"}
    assert values(packs / "P002/P002-checkin-1.pdf")["meeting_date"] == "Mon, Jan 11, 2027"
    assert values(packs / "P001/P001-agreement.pdf") == {
        "pair_id": "P001", "mentor_name": "Zoë Ōkubo", "mentee_name": "Ann Lee"}
    assert values(packs / "P001/P001-checkin-2-pulse-mentee.pdf") == {
        "pair_id": "P001", "name": "Ann Lee", "checkin": "2 of 2, Mon, Feb 8, 2027"}
    assert values(packs / "P001/P001-checkin-1-pulse-mentor.pdf") == {
        "pair_id": "P001", "name": "Zoë Ōkubo", "checkin": "1 of 2, Mon, Jan 11, 2027"}
    for side in ("mentor", "mentee"):  # 2 check-ins of 45 minutes and the 45-minute orientation both sides attend
        assert values(packs / f"P002/P002-certificate-{side}.pdf") == {
            "mentor_name": "Quentin Marsh", "mentee_name": "Carla Winterbourne", "hours": "2 hours 15 minutes planned"}
    with pikepdf.open(packs / "P002/P002-certificate-mentor.pdf") as pdf:
        assert [(str(f.T), int(f.get("/Ff", 0)) & 1, int(f.get("/Q", 0))) for f in pdf.Root.AcroForm.Fields] == [
            ("mentor_name", 1, 1), ("mentee_name", 1, 1), ("hours", 0, 1), ("sponsor_name", 0, 0), ("awarded_on", 0, 0)]


def dark_pixels(pdf: Path, rect: list[float], tmp_path: Path) -> int:
    """Dark pixels poppler draws inside a field's rectangle on page 1, at 72 dpi (1 px = 1 pt)."""
    out = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-gray", str(pdf), str(out)], check=True)
    (image,) = tmp_path.glob(f"{pdf.stem}-*.pgm")
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+\d+\s(.*)", image.read_bytes(), re.S)
    assert match is not None
    width, height, pixels = match.groups()
    width_px, height_px = int(width), int(height)
    left, right = sorted((rect[0], rect[2]))
    bottom, top = sorted((rect[1], rect[3]))
    dark = 0
    for y in range(int(height_px - top) + 2, int(height_px - bottom) - 1):
        row = pixels[y * width_px: (y + 1) * width_px]
        dark += sum(1 for x in range(int(left) + 2, int(right) - 1) if row[x] < 100)
    return dark


@pytest.mark.poppler
def test_poppler_shows_the_filled_in_values(packs: Path, forms_a4: tuple[LoadedProgram, FormSet],
                                            tmp_path: Path) -> None:
    _, made = forms_a4
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(made.blanks["checkin-1"])
    with pikepdf.open(blank) as pdf:
        rect = next([float(v) for v in f.Rect] for f in pdf.Root.AcroForm.Fields if str(f.T) == "mentor_name")
    assert dark_pixels(blank, rect, tmp_path) == 0
    assert dark_pixels(packs / "P001/P001-checkin-1.pdf", rect, tmp_path) > 50


@pytest.mark.poppler
def test_poppler_renders_every_page_of_a_pack(packs: Path, tmp_path: Path) -> None:
    for file in sorted((packs / "P001").glob("*.pdf")):
        (tmp_path / file.stem).mkdir()
        result = subprocess.run(["pdftoppm", "-r", "30", "-png", str(file), str(tmp_path / file.stem / "page")],
                                capture_output=True, text=True)
        assert (result.returncode, result.stderr) == (0, ""), file.name
        assert len(list((tmp_path / file.stem).glob("page-*.png"))) == len(PdfReader(file).pages)


def test_pair_calendar_has_the_pairs_checkins_on_the_right_dates(packs: Path) -> None:
    calendar = Calendar.from_ical((packs / "P001/P001-mentor-calendar.ics").read_bytes())
    paris = ZoneInfo("Europe/Paris")
    assert str(calendar["x-wr-calname"]) == "Bridge: Zoë Ōkubo (Digital mentor) with Ann Lee"
    assert [(str(e["uid"]), e.decoded("dtstart"), e.decoded("dtend"), str(e["summary"]))
            for e in calendar.walk("VEVENT")] == [
        ("training-orientation@bridge.revmentor", dt.datetime(2027, 1, 4, 9, 30, tzinfo=paris),
         dt.datetime(2027, 1, 4, 10, 15, tzinfo=paris), "Bridge training: Orientation"),
        ("checkin-1-pair-p001@bridge.revmentor", dt.datetime(2027, 1, 11, 12, 30, tzinfo=paris),
         dt.datetime(2027, 1, 11, 13, 15, tzinfo=paris), "Bridge check-in 1 of 2: Start (Zoë Ōkubo and Ann Lee)"),
        ("checkin-2-pair-p001@bridge.revmentor", dt.datetime(2027, 2, 8, 12, 30, tzinfo=paris),
         dt.datetime(2027, 2, 8, 13, 15, tzinfo=paris), "Bridge check-in 2 of 2: Close (Zoë Ōkubo and Ann Lee)"),
    ]


def test_values_of_one_pair_never_leak_into_the_next(forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    loaded, made = forms_a4
    filler = FormFiller(made.blanks["checkin-1"])
    both = Pair(2, "P001", "Zoë Ōkubo", "Ann Lee", mentee_goals=("Run a Teams call", "Read a dashboard"),
                mentor_goals=("Chair a meeting",))
    one = Pair(3, "P002", "Quentin Marsh", "Carla Winterbourne", mentee_goals=("Use Copilot",))
    filler.fill(pair_values(loaded.program, both, "checkin-1"))
    second = filler.fill(pair_values(loaded.program, one, "checkin-1"))
    assert values_of(second) == {"pair_id": "P002", "meeting_date": "Mon, Jan 11, 2027", "mentor_name": "Quentin Marsh",
                      "mentee_name": "Carla Winterbourne", "mentee_goal_1": "Use Copilot"}


def test_a_filled_form_is_the_blank_plus_an_incremental_update(forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    """Nothing of the blank is rewritten: readers apply the appended update, as they do Acrobat's saves."""
    _, made = forms_a4
    blank = made.blanks["checkin-1"]
    filled = FormFiller(blank).fill({"mentor_name": "Zoë (Ōkubo) \\ Lee", "pair_id": "P7", "no_such_field": "x"})
    assert filled.startswith(blank) and len(filled) - len(blank) < 2000
    assert filled.endswith(b"%%EOF\n")
    with pikepdf.open(io.BytesIO(filled)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert {str(f.T): str(f.V) for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Tx" and str(f.V)} == {
            "pair_id": "P7", "mentor_name": "Zoë (Ōkubo) \\ Lee"}
    assert values_of(filled) == {"pair_id": "P7", "mentor_name": "Zoë (Ōkubo) \\ Lee"}


@pytest.mark.parametrize("xref", ["table", "stream"])
def test_filling_works_on_either_kind_of_cross_reference_and_sets_need_appearances(
        xref: str, forms_a4: tuple[LoadedProgram, FormSet]) -> None:
    _, made = forms_a4
    with pikepdf.open(io.BytesIO(made.blanks["survey-leader-end"])) as pdf:
        del pdf.Root.AcroForm["/NeedAppearances"]
        out = io.BytesIO()
        mode = pikepdf.ObjectStreamMode.disable if xref == "table" else pikepdf.ObjectStreamMode.generate
        pdf.save(out, object_stream_mode=mode)
    blank = out.getvalue()
    assert (b"\nxref\n" in blank) == (xref == "table")
    filled = FormFiller(blank).fill({"learned": "Ask, then listen."})
    with pikepdf.open(io.BytesIO(filled)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert bool(pdf.Root.AcroForm.NeedAppearances)
    assert values_of(filled) == {"learned": "Ask, then listen."}


def test_same_pairs_same_bytes(packs: Path, tmp_path: Path, run: Run) -> None:
    """The same program and pairs files give the same bytes. The calendars are stamped with the later of
    the two files' changes (their DTSTAMP and SEQUENCE), so the copy keeps the pairs file's time."""
    program = packs.parent.parent
    shutil.copy2(program.parent / "pairs.csv", tmp_path / "pairs.csv")
    result = run("forms", str(program), "--pairs", str(tmp_path / "pairs.csv"), "-o", str(tmp_path / "again"), "-q")
    assert result.exit_code == 0, result.output
    for file in (packs / "P001").iterdir():
        assert (tmp_path / "again" / "P001" / file.name).read_bytes() == file.read_bytes(), file.name


def test_progress_lines(tmp_path: Path, run: Run) -> None:
    program = write_program(tmp_path / "prog")
    (tmp_path / "pairs.csv").write_text(PAIRS, encoding="utf-8")
    result = run("forms", str(program), "--pairs", str(tmp_path / "pairs.csv"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Preparing 7 forms…", "Filling them in for 2 pairs…"]
    assert re.fullmatch(rf"Pair packs written to {re.escape(str(program))}/private/packs/ \(2 pairs, 22 files,"
                        r" \d+\.\d s\)", lines[2])
    assert lines[3:] == ["Written:", f"  {program}/private/packs/  pair packs, 2 pairs, 22 files"]


def test_names_in_other_scripts_keep_their_letters_and_unknown_letters_are_warned_about(
        tmp_path: Path, run: Run) -> None:
    """The fields' font is cut down to what the names need: a Hebrew name keeps its letters; letters the font
    never had (Chinese, in DejaVu Sans) print as blanks, and the coordinator is told which row."""
    from toolkit.outputs.forms.fonts import field_characters

    program = write_program(tmp_path / "prog")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("pair_id,mentor_name,mentee_name\nP1,שרה לוי,Ann Lee\nP2,Li 李雷,Bo Day\n", encoding="utf-8")
    result = run("forms", str(program), "--pairs", str(pairs), "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{pairs}:3: warning: row 3: mentor_name 'Li 李雷' has letters the forms' font cannot show (李, 雷); they"
        " would print as blanks\n"
        "  fix: write the name in by hand, or give the form fields a font that has them: set font-family for input"
        " and textarea in templates/forms/forms.css in the program folder\n"
    )
    packs = program / "private" / "packs"
    filled = packs / "P1" / "P1-checkin-1.pdf"
    assert values(filled)["mentor_name"] == "שרה לוי"
    assert set("שרהלוי") <= (field_characters(filled.read_bytes()) or set())
    with pikepdf.open(filled) as pdf:
        rect = next([float(v) for v in f.Rect] for f in pdf.Root.AcroForm.Fields if str(f.T) == "mentor_name")
    assert dark_pixels(filled, rect, tmp_path) > 10


# --- pairs files ---------------------------------------------------------------------------


def test_the_pairs_files_revmentor_match_writes_make_packs(tmp_path: Path, run: Run) -> None:
    """The contract between issue 6 and this one: pairs.csv and pairs.xlsx as `match` writes them, Excel-safe
    quoting included (a name starting with '=' is written with a leading quote and read back as typed)."""
    program = write_program(tmp_path / "prog")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email,role,level,department,manager_id,time_zone,offers,wants,languages,capacity\n"
                      "E1,=Sam Roy,sam@acme.example,mentor,2,IT,,,AI tools,,,1\n"
                      "E2,Ann Lee,ann@acme.example,mentee,6,Ops,,,,AI tools,,\n", encoding="utf-8")
    matched = run("match", str(roster), "--program", str(program), "-o", str(tmp_path / "match"))
    assert matched.exit_code == 0, matched.output
    for name in ("pairs.csv", "pairs.xlsx"):
        result = run("forms", str(program), "--pairs", str(tmp_path / "match" / name), "-o", str(tmp_path / name), "-q")
        assert result.exit_code == 0, result.output
        (pack,) = (tmp_path / name).glob("*/*-checkin-1.pdf")
        assert {k: v for k, v in values(pack).items() if k.endswith("_name")} == {
            "mentor_name": "=Sam Roy", "mentee_name": "Ann Lee"}


def test_goals_columns_give_the_program_goals_served_and_each_sides_own_goals(tmp_path: Path) -> None:
    program = load_program(write_program(tmp_path / "prog")).program
    file = tmp_path / "pairs.csv"
    file.write_text('pair_id,mentor_name,mentee_name,goals,mentee_goals,mentor_goals,team\n'
                    'P1,Ann,Bob,"visibility; digital","Run a Teams call;  Read the  dashboard ",Chair a meeting,Ops\n'
                    'P2,Cy,Di,,,,Ops\n', encoding="utf-8")
    pairs = read_pairs(file, program)
    assert [(p.row, p.pair_id, p.goals, p.mentee_goals, p.mentor_goals) for p in pairs] == [
        (2, "P1", ("visibility", "digital"), ("Run a Teams call", "Read the dashboard"), ("Chair a meeting",)),
        (3, "P2", (), (), ()),  # nothing given: nothing is filled in for the pair, program goals least of all
    ]


def test_bad_rows_are_all_reported_by_row_and_nothing_is_written(tmp_path: Path, run: Run) -> None:
    program = write_program(tmp_path / "prog")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id,mentor_name,mentee_name,goals\n"
        "P001,Ann Lee,Bob Day,digital\n"
        ",Cy Fox,Di Moss,\n"
        "P001,Ed Hart,Flo Ng,\n"
        "../etc,Gus Iyer,Hal Jones,\n"
        "P004,,Ivy Kerr,\n"
        "P005,Jo Lund,Kim Moe,digitl; visibility\n",
        encoding="utf-8")
    result = run("forms", str(program), "--pairs", str(pairs))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{pairs}:3: row 3: pair_id is empty\n"
        "  fix: give every pair an id such as P001, or delete the row\n"
        f"{pairs}:4: row 4: pair_id 'P001' is already used on row 2\n"
        "  fix: give every pair its own id; remove or merge the repeated row\n"
        f"{pairs}:5: row 5: pair_id '../etc' cannot name a folder\n"
        "  fix: use letters, digits, '-', '_' and '.' only, starting with a letter or digit, at most 60 characters"
        " (e.g. P001)\n"
        f"{pairs}:6: row 6: mentor_name is empty\n"
        "  fix: write the mentor's name, or delete the row\n"
        f"{pairs}:7: row 7: goals: unknown goal 'digitl'\n"
        "  fix: did you mean 'digital'? use the ids of program.yaml's goals, separated by semicolons: digital,"
        " visibility\n"
        "5 problems found.\n"
    )
    assert sorted(p.name for p in program.iterdir()) == ["program.yaml"]


def test_missing_columns_are_named_with_the_columns_found(tmp_path: Path, run: Run) -> None:
    program = write_program(tmp_path / "prog")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("id,mentor,mentee_name\nP1,Ann,Bob\n", encoding="utf-8")
    result = run("forms", str(program), "--pairs", str(pairs))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{pairs}:1: row 1: missing columns 'pair_id', 'mentor_name'; the columns found are: 'id', 'mentor',"
        " 'mentee_name'\n"
        "  fix: use the pairs file `revmentor match` writes, or give it the columns pair_id, mentor_name, mentee_name"
        " (see the README's section on pair packs)\n"
    )


@pytest.mark.parametrize("content, message", [
    (b"pair_id,mentor_name,mentee_name\n", ":1: has a header row but no pairs\n"
     "  fix: add one row per pair below the header\n"),
    (b"", ": the file is empty\n  fix: export the pairs file with a header row and one row per person\n"),
    (b"pair_id,mentor_name,mentee_name\nP1,Ren\xe9e,Bob\n", ":2: row 2: "),
])
def test_unreadable_pairs_files(content: bytes, message: str, tmp_path: Path, run: Run) -> None:
    """The reader's own messages (tables.py) come through as they are, located."""
    program = write_program(tmp_path / "prog")
    pairs = tmp_path / "pairs.csv"
    pairs.write_bytes(content)
    result = run("forms", str(program), "--pairs", str(pairs))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{pairs}{message}")
    assert "\n  fix: " in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in program.iterdir()) == ["program.yaml"]


def test_forms_runs_again_into_the_folder_it_wrote(tmp_path: Path, run: Run) -> None:
    """A second round of packs replaces the first, in the default folder and in one given with -o."""
    program = write_program(tmp_path / "prog")
    (tmp_path / "pairs.csv").write_text(PAIRS, encoding="utf-8")
    for output in ([], ["-o", str(tmp_path / "packs")]):
        for _ in range(2):
            result = run("forms", str(program), "--pairs", str(tmp_path / "pairs.csv"), "-q", *output)
            assert (result.exit_code, result.stderr) == (0, "")
    assert sorted(p.name for p in (program / "private" / "packs").iterdir()) == sorted(
        p.name for p in (tmp_path / "packs").iterdir())


def test_packs_never_go_into_the_site(tmp_path: Path, run: Run) -> None:
    program = write_program(tmp_path / "prog")
    (tmp_path / "pairs.csv").write_text(PAIRS, encoding="utf-8")
    result = run("forms", str(program), "--pairs", str(tmp_path / "pairs.csv"), "-o", str(program / "site" / "packs"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{program / 'site' / 'packs'}: the output folder lies inside the handbook site, which is public"
        f" ({program / 'site'})\n"
        "  fix: choose a folder outside it with -o\n"
    )
    assert not (program / "site").exists()


def test_the_pairs_file_is_never_inside_the_folder_replaced(tmp_path: Path, run: Run) -> None:
    """`-o private/match` would replace the folder `revmentor match` wrote, pairs.csv included."""
    from toolkit.files.output import write_manifest

    program = write_program(tmp_path / "prog")
    match = tmp_path / "private" / "match"
    match.mkdir(parents=True)
    (match / "pairs.csv").write_text(PAIRS, encoding="utf-8")
    write_manifest(match, "match")
    result = run("forms", str(program), "--pairs", str(match / "pairs.csv"), "-o", str(match))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{match}: the pairs file {match / 'pairs.csv'} lies in this output folder, which the run replaces as a"
        " whole: it would be lost\n"
        "  fix: write this run's output to another folder with -o, and keep the inputs where they are\n"
    )
    assert (match / "pairs.csv").read_text(encoding="utf-8") == PAIRS


def test_a_broken_form_template_of_the_program_names_its_line(tmp_path: Path, run: Run) -> None:
    program = write_program(tmp_path / "prog")
    template = program / "templates" / "forms" / "certificate.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text('{% extends "default/forms/certificate.html.j2" %}\n{% block body %}{{ awardee }}{% endblock %}\n',
                        encoding="utf-8")
    (tmp_path / "pairs.csv").write_text(PAIRS, encoding="utf-8")
    result = run("forms", str(program), "--pairs", str(tmp_path / "pairs.csv"), "-q")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{template}:2: undefined value in template: 'awardee' is undefined\n"
        "  fix: check the spelling of the variable or attribute against the values this template receives (see the"
        " packaged template of the same name), or guard it with `{% if ... is defined %}`\n"
    )
    assert not (program / "private" / "packs").exists()  # (the forms that did lay out are cached beside it)


# --- privacy ------------------------------------------------------------------------------


def test_no_name_from_a_pairs_file_reaches_the_site(packs: Path) -> None:
    program = packs.parent.parent
    result = build(program)
    site = result.output
    assert (site / "search" / "search_index.json").is_file()
    assert (site / "forms" / "checkin-1.pdf").is_file() and (site / "calendar" / "bridge.ics").is_file()
    downloads = (site / "downloads.html").read_text(encoding="utf-8")
    for link in ('href="forms/agreement.pdf"', 'href="forms/checkin-2.pdf"', 'href="forms/survey-leader-end.pdf"',
                 'href="calendar/bridge.ics"'):
        assert link in downloads
    assert "certificate" not in downloads
    assert leaks(site, [*NAMES, *(person.split()[-1] for person in NAMES), "P001"]) == {}


def test_an_unchanged_program_takes_the_sites_forms_and_calendar_from_the_cache(tmp_path: Path) -> None:
    """The whole-input digest skips even template rendering; any changed input is seen."""
    from toolkit.outputs.calendar import CalendarFamily
    from toolkit.outputs.family import render_family
    from toolkit.outputs.forms.layout import FormsFamily
    from toolkit.render.artifact import Artifact
    from toolkit.render.cache import RenderCache

    def site_artifacts(loaded: LoadedProgram) -> list[Artifact]:
        made = [render_family(family, loaded, family.plan(loaded.program), RenderCache.beside(tmp_path / "site",
                                                                                           family.name))
                for family in (FormsFamily(), CalendarFamily())]
        return [artifact for rendered in made for artifact in rendered.artifacts]

    folder = write_program(tmp_path / "prog")
    first = site_artifacts(load_program(folder))
    again = site_artifacts(load_program(folder))
    assert [(a.path, a.data) for a in again] == [(a.path, a.data) for a in first]

    base = (REPO / "templates" / "forms" / "base.html.j2").read_text(encoding="utf-8")
    override = folder / "templates" / "forms" / "base.html.j2"
    override.parent.mkdir(parents=True)
    assert "</body>" in base
    override.write_text(base.replace("</body>", "<p>A line the override adds.</p></body>", 1), encoding="utf-8")
    changed = site_artifacts(load_program(folder))
    pdfs = {a.path: a.data for a in changed if a.path.endswith(".pdf")}
    assert pdfs
    assert all(pdfs[a.path] != a.data for a in first if a.path in pdfs)
    assert all("A line the override adds." in PdfReader(io.BytesIO(data)).pages[-1].extract_text() for data in pdfs.values())

    stamp = (folder / "program.yaml").stat().st_mtime + 3600
    os.utime(folder / "program.yaml", (stamp, stamp))
    moved = site_artifacts(load_program(folder))
    calendars = [a.data for a in moved if a.path.endswith(".ics")], [a.data for a in changed if a.path.endswith(".ics")]
    assert calendars[0] != calendars[1], "the calendar's DTSTAMP follows the program file"
