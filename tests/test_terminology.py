"""What the program calls the two sides, and the plurals generated text names several of them by."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from toolkit import load_program
from toolkit.program.model import Terminology

from conftest import MINIMAL

MakeProgram = Callable[..., Path]
pytestmark = pytest.mark.usefixtures("inside_program")


@pytest.mark.parametrize(("term", "plural"), [
    ("Digital mentor", "Digital mentors"), ("Coach", "Coaches"), ("Deputy head", "Deputy heads"),
    ("Deputy", "Deputies"), ("Day", "Days"), ("HR leader", "HR leaders"), ("Boss", "Bosses"),
])
def test_an_english_program_gets_the_plural_english_makes(term: str, plural: str) -> None:
    assert Terminology(mentor=term).plural("mentor") == plural


def test_a_plural_written_in_program_yaml_wins_in_any_language() -> None:
    terms = Terminology(mentor="Mentor", mentee="Führungskraft", mentors="Mentorinnen und Mentoren",
                        mentees="Führungskräfte")
    assert (terms.plural("mentor", "de"), terms.plural("mentee", "de-AT")) == (
        "Mentorinnen und Mentoren", "Führungskräfte")


def test_another_language_gets_an_s_on_each_word_unless_it_ends_in_one() -> None:
    assert Terminology(mentor="Mentor numérique", mentee="Dirigeants").plural("mentor", "fr") == "Mentors numériques"
    assert Terminology(mentor="Mentor numérique", mentee="Dirigeants").plural("mentee", "fr-CA") == "Dirigeants"


def language(text: str, code: str, terms: str = "") -> str:
    return text.replace("  meeting_format: in-person\n", f"  meeting_format: in-person\n  language: {code}\n{terms}", 1)


def test_a_program_in_another_language_is_asked_for_the_plurals_it_lacks(make_program: MakeProgram) -> None:
    terms = "  terminology:\n    mentor: Mentor numérique\n    mentee: Dirigeant\n    mentees: Dirigeants\n"
    loaded = load_program(make_program(language(MINIMAL, "fr", terms)))
    assert [problem.format() for problem in loaded.warnings] == [
        "program.yaml:10:13: warning: program.terminology.mentor: no plural for 'Mentor numérique': the toolkit would write 'Mentors numériques'"
        " where it names several\n"
        "  fix: write the plural as program.terminology.mentors, e.g. mentors: Mentors numériques",
    ]


def test_without_terminology_the_warning_points_at_the_language(make_program: MakeProgram) -> None:
    loaded = load_program(make_program(language(MINIMAL, "es")))
    assert [problem.format().splitlines()[0] for problem in loaded.warnings] == [
        "program.yaml:8:13: warning: program.language: no plural for 'Mentor': the toolkit would write 'Mentors' where it names several",
        "program.yaml:8:13: warning: program.language: no plural for 'Mentee': the toolkit would write 'Mentees' where it names several",
    ]


@pytest.mark.parametrize("code", ["en", "en-GB", "en-US"])
def test_an_english_program_is_not_asked_for_plurals(make_program: MakeProgram, code: str) -> None:
    assert load_program(make_program(language(MINIMAL, code))).warnings == ()
