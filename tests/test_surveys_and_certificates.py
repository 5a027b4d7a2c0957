"""Surveys that keep their promise and a certificate for each side of a pair, read back for real:
pypdf reads the fields, their values and the text, pikepdf the page and the radio buttons,
poppler renders the certificate to look at its colours and where its text sits.

Each fixture lays out only the forms its tests read: the survey blanks of two programs, and one
program's pair packs made with the CLI, as a coordinator would.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from click.testing import Result
from pypdf import PdfReader

from toolkit.evaluation.responses import template_header
from toolkit.outputs.forms.layout import make_forms
from toolkit.program.validate import RESPONSE_COLUMNS, load_program

from conftest import MINIMAL, program_yaml, write_program

Run = Callable[..., Result]

ROLES = [
    {"id": "mentor", "name": "Digital mentor", "summary": "Shares what they know.", "time_commitment": "1 hour a fortnight"},
    {"id": "mentee", "name": "Leader", "summary": "Comes with questions.", "time_commitment": "1 hour a fortnight"},
]
FEEDBACK = {
    "scales": [{"id": "agree3", "labels": ["Disagree", "Not sure", "Agree"]}],
    "questions": [{"id": "useful", "text": "Our meetings were a good use of my time.", "scale": "agree3"},
                  {"id": "learned", "text": "What did you learn?", "kind": "text"}],
    "surveys": [{"id": "both-end", "title": "Looking back", "moment": "end", "week": 11,
                 "audience": ["mentor", "mentee"], "questions": ["useful", "learned"]},
                {"id": "leader-end", "title": "Leaders - looking back", "moment": "end", "week": 11,
                 "audience": ["mentee"], "questions": ["useful"]}],
}
RETURNS = "Post the form, with no name on it, in the sealed Bridge box at reception."
TRAINING = [
    {"id": "orientation", "title": "Orientation", "summary": "What the program is.", "audience": ["mentor", "mentee"],
     "week": 1, "start_time": "09:30", "objectives": ["Know the program"],
     "agenda": [{"title": "Welcome", "kind": "talk", "minutes": 45}]},
    {"id": "leading", "title": "Learning from a junior colleague", "summary": "For leaders.", "audience": ["mentee"],
     "week": 1, "start_time": "11:00", "objectives": ["Listen first"],
     "agenda": [{"title": "Practice", "kind": "role-play", "minutes": 60}]},
]


def survey_program(returns: str | None) -> str:
    feedback = {**FEEDBACK, **({"returns": returns} if returns else {})}
    return program_yaml(program={"contact": "bridge@acme.example"}, roles=ROLES, feedback=feedback)


def fields(data: bytes) -> list[tuple[str, str, str]]:
    reader = PdfReader(io.BytesIO(data))
    return [(name, str(field.get("/FT")), str(field.get("/TU"))) for name, field in (reader.get_fields() or {}).items()]


def values(path: Path) -> dict[str, str]:
    reader = PdfReader(path)
    return {name: str(field["/V"]) for name, field in (reader.get_fields() or {}).items()
            if field.get("/V") not in (None, "", "/Off")}


def text(data: bytes) -> str:
    """The pages' text as pypdf reads it, spaces collapsed and ligatures (the "fi" of DejaVu Sans) spelled out."""
    found = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(unicodedata.normalize("NFKC", found).split())


# --- surveys ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def surveys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The survey blanks of a program with `feedback.returns` ("returns") and of one without ("contact")."""
    made = {}
    for kind, returns in (("returns", RETURNS), ("contact", None)):
        folder = write_program(tmp_path_factory.mktemp(kind) / "prog", survey_program(returns))
        made[kind] = make_forms(load_program(folder), include=lambda plan: plan.name.startswith("survey-")).blanks
    return made


def test_a_survey_for_several_roles_asks_which_one_and_nothing_that_names_the_respondent(
        surveys: dict[str, dict[str, bytes]]) -> None:
    both = surveys["returns"]["survey-both-end"]
    assert fields(both) == [
        ("role", "/Btn", "Your role in Bridge (choose one: Digital mentor, Leader)"),
        ("useful", "/Btn", "Question 1: Our meetings were a good use of my time. (choose one: Disagree, Not sure,"
         " Agree)"),
        ("learned", "/Tx", "Question 2: What did you learn?"),
    ]
    role = (PdfReader(io.BytesIO(both)).get_fields() or {})["role"]
    assert [str(value) for value in role["/Opt"]] == ["mentor", "mentee"]  # one choice per role, valued by its id
    with pikepdf.open(io.BytesIO(both)) as pdf:
        (group,) = [f for f in pdf.Root.AcroForm.Fields if str(f.T) == "role"]
        assert [str(kid.TU) for kid in group.Kids] == [
            "Your role in Bridge: Digital mentor (1 of 2)", "Your role in Bridge: Leader (2 of 2)"]
    assert [name for name, _, _ in fields(surveys["returns"]["survey-leader-end"])] == ["useful"]  # one audience


def test_a_ticked_role_reads_back_as_the_role_id_the_response_files_expect(
        surveys: dict[str, dict[str, bytes]], tmp_path: Path) -> None:
    """The form's fields are the response file's columns, but for the respondent's opaque id, which a tool adds."""
    program = load_program(write_program(tmp_path / "prog", survey_program(RETURNS))).program
    both = next(survey for survey in program.feedback.surveys if survey.id == "both-end")
    assert template_header(both) == ["respondent", *(name for name, _, _ in fields(surveys["returns"]["survey-both-end"]))]
    with pikepdf.open(io.BytesIO(surveys["returns"]["survey-both-end"])) as pdf:
        (group,) = [f for f in pdf.Root.AcroForm.Fields if str(f.T) == "role"]
        choice = next(key for key in group.Kids[1].AP.N.keys() if key != "/Off")  # noqa: SIM118
        group.V = pikepdf.Name(choice)
        for kid in group.Kids:
            kid.AS = pikepdf.Name(choice if kid is group.Kids[1] else "/Off")
        out = io.BytesIO()
        pdf.save(out)
    field = (PdfReader(out).get_fields() or {})["role"]
    assert str(field["/Opt"][int(str(field["/V"]).lstrip("/"))]) == "mentee"


def test_a_survey_with_anonymous_returns_says_how_it_comes_back(surveys: dict[str, dict[str, bytes]]) -> None:
    for name, data in surveys["returns"].items():
        found = text(data)
        assert ("Your answers are confidential. This form asks for no name, and the way it comes back, set out at the"
                " end, does not show who sent it. The program team reports answers only for groups of at least 5"
                " people.") in found, name
        assert f"Returning this form {RETURNS} Questions about the survey: bridge@acme.example" in found, name
        assert "can see who sent it" not in found, name


def test_a_survey_returned_to_the_contact_says_the_contact_sees_who_sent_it(
        surveys: dict[str, dict[str, bytes]]) -> None:
    for name, data in surveys["contact"].items():
        found = text(data)
        assert ("Your answers are confidential: the program team reports them only for groups of at least 5 people,"
                " so that no one can be picked out in a report. This form asks for no name, but the person who"
                " receives it can see who sent it.") in found, name
        assert "Returning this form Return the completed form, or ask a question: bridge@acme.example" in found, name
        assert "does not show who sent it" not in found and "Put no name" not in found, name


# --- certificates in a pair pack ------------------------------------------------------------

PAIRS = "pair_id,mentor_name,mentee_name\nP001,Zoë Ōkubo,Carla Winterbourne\n"
PRIMARY = (0x0B, 0x5D, 0x3B)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """P001's pack from `revmentor forms --pairs`: a program with a named sponsor and its own colours, one
    check-in, and an hour more training for leaders than for their mentors."""
    from click.testing import CliRunner

    from toolkit.cli import cli

    root = tmp_path_factory.mktemp("certificates")
    folder = write_program(root / "prog", program_yaml(
        program={"sponsor": {"title": "Chief Operating Officer", "name": "Dana Whitfield"},
                 "colours": {"primary": "#0b5d3b", "accent": "#9a3412"},
                 "terminology": {"mentor": "Digital mentor", "mentee": "HR leader"}},
        roles=ROLES, training=TRAINING,
        checkins={"schedule": {"weeks": [6]}, "sessions": [{"title": "Midway", "purpose": "Take stock."}]}))
    (root / "pairs.csv").write_text(PAIRS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["forms", str(folder), "--pairs", str(root / "pairs.csv"), "-q"])
    assert (result.exit_code, result.output) == (0, "")
    return folder / "private" / "packs" / "P001"


def test_each_side_gets_its_own_certificate_with_both_names_and_its_planned_hours(pack: Path) -> None:
    """A 45-minute check-in, the joint 45-minute orientation, and for leaders an hour more."""
    assert values(pack / "P001-certificate-mentor.pdf") == {
        "mentor_name": "Zoë Ōkubo", "mentee_name": "Carla Winterbourne", "hours": "1 hour 30 minutes planned"}
    assert values(pack / "P001-certificate-mentee.pdf") == {
        "mentor_name": "Zoë Ōkubo", "mentee_name": "Carla Winterbourne", "hours": "2 hours 30 minutes planned"}
    for side in ("mentor", "mentee"):
        with pikepdf.open(pack / f"P001-certificate-{side}.pdf") as pdf:
            assert [(str(f.T), int(f.get("/Ff", 0)) & 1) for f in pdf.Root.AcroForm.Fields] == [
                *((("mentor_name", 1), ("mentee_name", 1)) if side == "mentor" else
                  (("mentee_name", 1), ("mentor_name", 1))),
                ("hours", 0), ("awarded_on", 0)]  # names locked; the hours held and the date can be written over
            sizes = {str(f.T): str(f.DA).split()[-2] for f in pdf.Root.AcroForm.Fields}
            assert (sizes["mentor_name"], sizes["mentee_name"]) == ("0", "0")  # fit the field: a long name shrinks


def test_the_certificates_say_what_each_side_is_thanked_for_and_who_signs(pack: Path) -> None:
    mentor = text((pack / "P001-certificate-mentor.pdf").read_bytes())
    assert mentor == (
        "ACME · BRIDGE Certificate of appreciation presented to for serving as digital mentor to in Bridge from January"
        " 4, 2027 to March 28, 2027, and for the knowledge, candour and generosity they brought to the"
        " partnership. MENTORING AND TRAINING Dana Whitfield Chief Operating Officer, Acme Date")
    mentee = text((pack / "P001-certificate-mentee.pdf").read_bytes())
    assert mentee == (
        "ACME · BRIDGE Certificate of participation presented to for taking part in Bridge and learning from their"
        " digital mentor from January 4, 2027 to March 28, 2027, with an open mind and the commitment that made the"
        " partnership work. MENTORING AND TRAINING Dana Whitfield Chief Operating Officer, Acme Date")


def test_a_certificate_is_one_landscape_page_tagged_in_the_programs_language(pack: Path) -> None:
    for side in ("mentor", "mentee"):
        with pikepdf.open(pack / f"P001-certificate-{side}.pdf") as pdf:
            assert len(pdf.pages) == 1
            assert [round(float(v), 2) for v in pdf.pages[0].mediabox] == [0, 0, 841.89, 595.28]  # A4 on its side
            assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "en"
            assert str(pdf.docinfo.Title) == ("Bridge: certificate of appreciation for the digital mentor" if side ==
                                              "mentor" else "Bridge: certificate of participation for the HR leader")


def words(pdf: Path) -> list[tuple[float, float, str]]:
    """(top, bottom, word) of every word poppler finds on page 1, in points from the top."""
    found = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    return [(float(top), float(bottom), unicodedata.normalize("NFKC", word)) for top, bottom, word in
            re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', found)]


@pytest.mark.poppler
def test_a_certificate_fills_its_page_from_the_heading_to_the_signature(pack: Path) -> None:
    placed = words(pack / "P001-certificate-mentor.pdf")
    height = 595.28
    top = min(top for top, _, word in placed if word == "Certificate")
    bottom = max(bottom for _, bottom, word in placed if word == "Officer,")
    assert top < 0.25 * height and bottom > 0.85 * height
    assert all(top >= 0 and bottom <= height for top, bottom, _ in placed)


@pytest.mark.poppler
def test_a_certificate_is_printed_in_the_programs_colours(pack: Path, tmp_path: Path) -> None:
    """The heading, the names and the frame in program.colours.primary, not in the forms' default blue."""
    subprocess.run(["pdftoppm", "-r", "30", str(pack / "P001-certificate-mentor.pdf"), str(tmp_path / "c")],
                   check=True)
    (image,) = tmp_path.glob("c-*.ppm")
    match = re.match(rb"P6\s+\d+\s+\d+\s+255\s(.*)", image.read_bytes(), re.S)
    assert match is not None
    pixels = match.group(1)
    colours = list(zip(pixels[0::3], pixels[1::3], pixels[2::3], strict=True))

    def near(colour: tuple[int, int, int], target: tuple[int, int, int]) -> bool:
        return all(abs(a - b) <= 8 for a, b in zip(colour, target, strict=True))

    assert sum(near(colour, PRIMARY) for colour in colours) > 200
    assert sum(near(colour, (0x16, 0x3F, 0x63)) for colour in colours) == 0


# --- what validate says ---------------------------------------------------------------------


def validate(run: Run, folder: Path, text: str) -> Result:
    return run("validate", "--strict", str(write_program(folder, text)))


def test_a_promised_certificate_with_no_sponsor_to_sign_it_is_a_warning(run: Run, tmp_path: Path) -> None:
    recognition = [{"title": "Closing event", "description": "Pairs present what they learned."},
                   {"title": "Certificate with CPD hours", "description": "Both sides receive a certificate."}]
    result = validate(run, tmp_path / "prog", program_yaml(recognition=recognition))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{tmp_path / 'prog' / 'program.yaml'}:66:5: warning: recognition[1]: 'Certificate with CPD hours' promises a"
        " certificate, but no sponsor is named to sign the certificates in the pair packs\n"
        "  fix: add `sponsor:` under `program:` with the signer's `title` (e.g. Chief Executive Officer) and `name`;"
        " both are printed under the signature line\n"
        "1 warning and --strict is set\n"
        "  fix: fix the warnings above, or run without --strict\n")
    signed = validate(run, tmp_path / "signed", program_yaml(
        program={"sponsor": {"title": "Chief Clinical Information Officer"}}, recognition=recognition))
    assert (signed.exit_code, signed.stderr) == (0, "")


def test_a_colour_too_light_for_text_on_white_is_a_warning_with_a_darker_shade(run: Run, tmp_path: Path) -> None:
    result = validate(run, tmp_path / "prog", program_yaml(program={"colours": {"primary": "#f2a900"}}))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{tmp_path / 'prog' / 'program.yaml'}:9:14: warning: program.colours.primary: colour '#f2a900' has a"
        " contrast of only 2.0:1 with white, so text set in it is hard to read (WCAG AA asks for 4.5:1)\n"
        "  fix: choose a darker shade, such as #9d6e00, which has 4.5:1\n1 warning and --strict is set\n")
    darker = validate(run, tmp_path / "darker", program_yaml(program={"colours": {"primary": "#9d6e00"}}))
    assert (darker.exit_code, darker.stderr) == (0, "")


@pytest.mark.parametrize("written, expected", [
    ('"blue"', "9:14: program.colours.primary: expected a colour written #rrggbb, such as #163f63, got 'blue'\n"
     "  fix: write # and six hexadecimal digits (0-9, a-f), as colour pickers show it\n"),
    ("#163f63", "9:13: program.colours.primary: expected a colour written #rrggbb, got nothing\n"
     '  fix: put the colour in quotes, e.g. "#163f63": after a space, # starts a comment in YAML\n'),
])
def test_a_colour_not_written_as_rrggbb_is_an_error(written: str, expected: str, run: Run, tmp_path: Path) -> None:
    text = MINIMAL.replace("  meeting_format: in-person\n", f"  meeting_format: in-person\n  colours:\n    primary: {written}\n")
    result = validate(run, tmp_path / "prog", text)
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'prog' / 'program.yaml'}:{expected}"


@pytest.mark.parametrize("taken", RESPONSE_COLUMNS)
def test_a_question_may_not_take_the_id_of_a_survey_column(taken: str, run: Run, tmp_path: Path) -> None:
    feedback = {**FEEDBACK, "questions": [*FEEDBACK["questions"], {"id": taken, "text": "Anything else?", "kind": "text"}]}
    result = validate(run, tmp_path / "prog", program_yaml(roles=ROLES, feedback=feedback))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{tmp_path / 'prog' / 'program.yaml'}:77:11: feedback.questions[2].id: question id '{taken}' is taken: surveys"
        f" and their response files use '{taken}' for a column of their own\n"
        f"  fix: give the question another id, e.g. '{taken}-question', and use it in the surveys\n")


def test_the_columns_a_question_may_not_take_are_the_ones_the_response_reader_keeps() -> None:
    from toolkit.evaluation import responses

    assert RESPONSE_COLUMNS == (responses.RESPONDENT, responses.ROLE, responses.SURVEY)
