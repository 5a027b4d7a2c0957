"""Forms a pair can fill in honestly: the joint pair record, a private pulse for each side, the
pair's own goals, and one source for confidentiality and where concerns go.

Read back for real: a full build of an inline program writes the handbook, the training pack and
the blank forms; pypdf reads fields and text from the PDFs, the HTML is read as the site serves it.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from pypdf import PdfReader

from conftest import program_yaml, write_program

Run = Callable[..., Result]

EXCEPTIONS = ["a risk to a pupil's safety or welfare", "a breach of the law", "a serious breach of the code of conduct"]
CONCERNS = [
    {"about": "Safeguarding a child", "contact": "The designated safeguarding lead, Ms Ortiz, the same day"},
    {"about": "Harassment or bullying", "contact": "HR, or the confidential Speak Up line"},
    {"about": "The program itself", "contact": "The coordinator, bridge@acme.example"},
]
RETURNS = "Put it in the sealed box outside the staff room, which only the coordinator opens."

PROGRAM = program_yaml(
    program={"contact": "bridge@acme.example", "terminology": {"mentor": "Digital mentor", "mentee": "Leader"}},
    goals=[
        {"id": "digital", "title": "Digital confidence", "description": "Leaders use modern tools with confidence.",
         "measures": [{"metric": "Confident leaders", "target": 60, "method": "Survey"}]},
        {"id": "retention", "title": "Keep the early-career talent we have hired",
         "description": "Fewer juniors leave.", "measures": [{"metric": "Leavers", "target": 5, "method": "HR report"}]},
    ],
    feedback={
        "scales": [{"id": "agree3", "labels": ["Disagree", "Not sure", "Agree"]}],
        "questions": [{"id": "confidence", "text": "I am confident with our tools.", "scale": "agree3"}],
        "surveys": [{"id": "end", "title": "Looking back", "moment": "end", "week": 11, "audience": ["mentee"],
                     "questions": ["confidence"]}],
    },
    confidentiality={
        "promise": "What you say in a Bridge meeting stays between the two of you.",
        "exceptions": EXCEPTIONS, "concerns": CONCERNS, "returns": RETURNS,
    },
)


def words(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces, as a reader reads it."""
    return " ".join(text.split())


def pdf_text(path: Path) -> str:
    """The PDF's text, ligatures (the "fi" of "confidential") read as their letters."""
    return words(unicodedata.normalize("NFKC", " ".join(page.extract_text() or "" for page in PdfReader(path).pages)))


def page_text(path: Path) -> str:
    """The visible text of a built page's article, tags dropped and entities decoded."""
    article = path.read_text(encoding="utf-8").split("<article", 1)[1].split("</article>", 1)[0]
    return words(html.unescape(re.sub(r"<[^>]+>", " ", article)))


def field_names(path: Path) -> list[str]:
    return list(PdfReader(path).get_fields() or {})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The program's site, training pack and forms, built once for the tests that only read them."""
    from toolkit.pipeline import build

    folder = write_program(tmp_path_factory.mktemp("pair-forms") / "prog", PROGRAM)
    build(folder)
    return folder / "site"


# --- one source for confidentiality --------------------------------------------------------


def test_the_same_promise_exceptions_and_routes_on_every_page_and_form_that_prints_them(built: Path) -> None:
    printed = {
        "handbook": page_text(built / "guides/confidentiality.html"),
        "agreement": pdf_text(built / "forms/agreement.pdf"),
        "pair record": pdf_text(built / "forms/checkin-1.pdf"),
        "facilitator guide": pdf_text(built.parent / "private/trainer/orientation-guide.pdf"),
    }
    for where, text in printed.items():
        assert "What you say in a Bridge meeting stays between the two of you." in text, where
        for item in EXCEPTIONS:
            assert item in text, (where, item)
        for route in CONCERNS:
            assert route["about"] in text and route["contact"] in text, (where, route)
    for side in ("mentor", "mentee"):  # the pulse points to the routes, and says how it comes back
        text = pdf_text(built / f"forms/pulse-{side}.pdf")
        assert all(route["about"] in text and route["contact"] in text for route in CONCERNS), side
        assert RETURNS in text, side
    survey = pdf_text(built / "forms/survey-end.pdf")  # a survey too: read weeks later, it sends what cannot wait on
    assert all(route["about"] in survey and route["contact"] in survey for route in CONCERNS)


def test_the_handbook_says_who_sees_each_form_as_the_forms_say_it(built: Path) -> None:
    text = page_text(built / "guides/confidentiality.html")
    assert "Each check-in's pair record The two of you, who fill it in together, and the coordinator" in text
    assert "Your check-in pulse The coordinator only: never your partner, your line manager or the sponsor" in text
    record = pdf_text(built / "forms/checkin-1.pdf")
    assert "write only what you are both happy for the coordinator to read" in record
    assert "Anything you want to tell the coordinator alone goes on your own pulse form" in record
    checkins = page_text(built / "checkins.html")
    assert "It goes to the coordinator only; your partner never sees it. " + RETURNS in checkins
    assert 'href="forms/pulse-mentor.pdf"' in (built / "checkins.html").read_text(encoding="utf-8")


def test_a_program_without_routes_is_warned_about_and_its_forms_send_concerns_to_its_contact(
        tmp_path: Path, run: Run) -> None:
    folder = write_program(tmp_path / "prog", program_yaml(program={"contact": "bridge@acme.example"},
                                                           confidentiality=None))
    result = run("validate", str(folder))
    assert result.exit_code == 0, result.output
    assert (f"{folder / 'program.yaml'}:1:1: warning: confidentiality.concerns is missing: with no route for each kind"
            " of concern, the handbook and every form can only send people to the coordinator\n"
            "  fix: add confidentiality.concerns: each kind of concern (safety and safeguarding, harassment,"
            " wellbeing, the program itself) with whom to contact\n") in result.stderr
    from toolkit.outputs.forms.layout import make_forms
    from toolkit.program.validate import load_program

    made = make_forms(load_program(folder), include=lambda plan: plan.name == "pulse-mentee")
    (tmp_path / "pulse.pdf").write_bytes(made.blanks["pulse-mentee"])
    text = pdf_text(tmp_path / "pulse.pdf")
    assert "Send it yourself to bridge@acme.example, from your own account, and do not copy your partner." in text
    assert "Take it to bridge@acme.example." in text


# --- the pair record and the pulses --------------------------------------------------------


def test_each_side_has_its_own_private_pulse(built: Path) -> None:
    common = ["pair_id", "checkin", "name", "working", "comfortable"]
    tail = ["for_the_coordinator", "contact_me", "contact_how"]
    assert field_names(built / "forms/pulse-mentor.pdf") == [*common, "not_yet_said", *tail]
    assert field_names(built / "forms/pulse-mentee.pdf") == [*common, "barriers", *tail]
    mentor = pdf_text(built / "forms/pulse-mentor.pdf")
    assert "Check-in pulse: Digital mentor" in mentor
    assert ("For the coordinator only. Your leader does not see this form, and nothing on it reaches your line"
            " manager or the sponsor.") in mentor
    assert "How comfortable do you feel saying what you really think in your meetings?" in mentor
    assert "Is there something you have noticed but not yet felt able to say to your leader?" in mentor
    mentee = pdf_text(built / "forms/pulse-mentee.pdf")
    assert "Your digital mentor does not see this form" in mentee
    assert "noticed but not yet felt able to say" not in mentee


def test_the_pair_record_holds_no_private_answer_and_both_sides_own_goals(built: Path) -> None:
    names = field_names(built / "forms/checkin-1.pdf")
    assert not [name for name in names if name.endswith(("_mentor", "_mentee")) or "comfortable" in name]
    assert [name for name in names if re.fullmatch(r"(mentee|mentor)_goal_\d", name)] == [
        "mentee_goal_1", "mentee_goal_2", "mentee_goal_3", "mentor_goal_1", "mentor_goal_2", "mentor_goal_3"]
    assert "mentor_signature" in names and "mentee_signature" in names


def test_program_goals_are_boxes_to_tick_never_personal_goals(built: Path) -> None:
    agreement = built / "forms/agreement.pdf"
    fields = PdfReader(agreement).get_fields() or {}
    assert [str(fields[name]["/TU"]) for name in fields if name.startswith("serves_")] == [
        "Our goals serve the program goal: Digital confidence",
        "Our goals serve the program goal: Keep the early-career talent we have hired"]


# --- packs ---------------------------------------------------------------------------------


def test_a_pack_from_matchs_pairs_file_leaves_personal_goals_blank_and_one_from_columns_fills_them(
        built: Path, tmp_path: Path, run: Run) -> None:
    folder = built.parent
    match_pairs = tmp_path / "match.csv"
    match_pairs.write_text(
        "pair_id,mentor_id,mentor_name,mentor_email,mentee_id,mentee_name,mentee_email,score,reasons\n"
        "P001,E1,Ann Lee,ann@acme.example,E9,Bob Day,bob@acme.example,4.5,shared topics: AI tools\n",
        encoding="utf-8")
    own = tmp_path / "own.csv"
    own.write_text("pair_id,mentor_name,mentee_name,goals,mentee_goals,mentor_goals\n"
                   "P001,Ann Lee,Bob Day,retention,Chair a Teams meeting; Read the sales dashboard,Present to the board\n",
                   encoding="utf-8")
    for name, pairs in (("from-match", match_pairs), ("own", own)):
        result = run("forms", str(folder), "--pairs", str(pairs), "-o", str(tmp_path / name), "-q")
        assert result.exit_code == 0, result.output

    def filled(pack: str, form: str) -> dict[str, str]:
        reader = PdfReader(io.BytesIO((tmp_path / pack / "P001" / f"P001-{form}.pdf").read_bytes()))
        return {name: str(field["/V"]) for name, field in (reader.get_fields() or {}).items()
                if field.get("/V") not in (None, "", "/Off")}

    for form in ("agreement", "checkin-1", "checkin-3"):
        assert not [name for name in filled("from-match", form) if "goal" in name or name.startswith("serves_")], form
        assert {name: value for name, value in filled("own", form).items() if "goal" in name} == {
            "mentee_goal_1": "Chair a Teams meeting", "mentee_goal_2": "Read the sales dashboard",
            "mentor_goal_1": "Present to the board"}, form
    assert filled("own", "agreement")["serves_retention"] == "/on"
    assert "serves_digital" not in filled("own", "agreement")
    assert filled("own", "checkin-2-pulse-mentor") == {"pair_id": "P001", "name": "Ann Lee",
                                                        "checkin": "2 of 3, Mon, Feb 8, 2027"}
    assert filled("own", "checkin-2-pulse-mentee")["name"] == "Bob Day"


def test_too_many_personal_goals_are_a_row_error(tmp_path: Path, run: Run) -> None:
    folder = write_program(tmp_path / "prog", PROGRAM)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("pair_id,mentor_name,mentee_name,mentee_goals\nP1,Ann,Bob,One;Two;Three;Four\n",
                     encoding="utf-8")
    result = run("forms", str(folder), "--pairs", str(pairs))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{pairs}:2: row 2: mentee_goals holds 4 goals; the forms have room for 3\n"
        "  fix: keep the 3 that matter most to the mentee, separated by semicolons\n")
    assert not (folder / "private").exists()
