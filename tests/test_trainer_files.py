"""Trainer-only files stay off the public handbook (issue 16, item 3).

The facilitator guides, the slide decks (their speaker notes hold the scripts) and the materials
(briefs, cards with their answers, answer keys) go to private/trainer/ of the program folder;
the site keeps the handouts, the session-feedback forms and the schedule. With
`program.trainer_files: public` the guides and decks are published and linked too, and the
materials still stay private. Read back for real: the built site's pages, its search index and
every PDF it publishes (pypdf).
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from toolkit.errors import ProgramError
from toolkit.program.model import Program
from toolkit.program.validate import load_program

from conftest import MINIMAL, REPO
from sitekit import PROGRAM, flagship_folder, flagship_site
from sitekit import write_program as write_site_program


def squash(text: str) -> str:
    """Text without whitespace or ligatures, so a sentence matches across line breaks in a PDF."""
    ligatures = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
    return re.sub(r"\s+", "", text).translate(str.maketrans(ligatures))


def sentences(text: str) -> list[str]:
    """The sentences of a text, each of six words or more: a shorter one ("Round 2", "Questions")
    is a label that may well be an agenda title on the site."""
    parts = re.split(r"(?<=[.?!])\s+|\n\s*\n", text)
    return [part.strip() for part in parts if len(part.split()) >= 6]


def trainer_only(program: Program) -> dict[str, str]:
    """Every trainer-only sentence of a program, each with where it comes from."""
    found: dict[str, str] = {}
    for module in program.training:
        for activity in module.agenda:
            where = f"{module.id}: {activity.title}"
            for kind, texts in (("script", [activity.script]), ("debrief", activity.debrief),
                                ("step", [step.text for step in activity.steps]),
                                ("facilitator note", [activity.facilitator_notes]), ("purpose", [activity.purpose]),
                                ("set-up", [activity.setup]), ("remote variant", [activity.remote])):
                for text in texts:
                    found.update({sentence: f"{where}, {kind}" for sentence in sentences(text or "")})
        found.update({sentence: f"{module.id}, preparation" for item in module.preparation
                      for sentence in sentences(item)})
    for material in program.materials:
        for card in material.cards:
            found.update({sentence: f"{material.id}, card answer" for sentence in sentences(card.answer or "")})
        for side in material.sides:
            found.update({sentence: f"{material.id}, brief" for sentence in sentences(side.brief)})
    return found


def published_text(site: Path) -> dict[str, str]:
    """Every published page's text (tags dropped, entities decoded), every JSON file (the search
    index among them) and every PDF's text, squashed, by path."""
    texts = {}
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            texts[name] = squash(html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))))
        elif path.suffix in (".json", ".ics"):
            texts[name] = squash(path.read_text(encoding="utf-8"))
        elif path.suffix == ".pdf":
            texts[name] = squash(" ".join(page.extract_text() for page in PdfReader(path).pages))
    return texts


def leaks(site: Path, secrets: dict[str, str]) -> list[tuple[str, str, str]]:
    """(published file, trainer-only sentence, where it comes from) for every sentence found."""
    texts = published_text(site)
    return [(name, sentence, where) for sentence, where in secrets.items() for name, text in texts.items()
            if squash(sentence) in text]


# --- the flagship, by default: nothing of the trainers' on the site ----------------------------


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> tuple[Program, Path, Path]:
    """The flagship's program, its site (built once per session) and its private/trainer/ folder."""
    site = flagship_site(tmp_path_factory)
    return load_program(REPO).program, site, flagship_folder(tmp_path_factory) / "private" / "trainer"


def test_no_trainer_only_sentence_of_the_flagship_is_published(flagship: tuple[Program, Path, Path]) -> None:
    program, site, trainer = flagship
    secrets = trainer_only(program)
    kinds = {where.rsplit(", ", 1)[1] for where in secrets.values()}
    assert {"script", "debrief", "step", "card answer", "brief"} <= kinds
    assert (site / "search" / "search_index.json").is_file()
    assert leaks(site, secrets) == []
    # The same reading finds them where they belong: the check above can see a leak.
    private = {squash(" ".join(page.extract_text() for page in PdfReader(pdf).pages)) for pdf in trainer.glob("*.pdf")}
    missing = [sentence for sentence in secrets if not any(squash(sentence) in text for text in private)]
    assert missing == []


def test_the_flagship_s_guides_and_decks_are_in_private_trainer_and_not_on_the_site(
        flagship: tuple[Program, Path, Path]) -> None:
    program, site, trainer = flagship
    expected = {f"{module.id}-{part}" for module in program.training for part in ("guide.pdf", "slides.pptx")}
    expected |= {f"{module.id}-materials.pdf" for module in program.training
                 if any(activity.materials for activity in module.agenda)}
    assert {path.name for path in trainer.iterdir() if not path.name.startswith(".")} == expected
    assert [path.name for path in site.rglob("*") if path.name.endswith(("-guide.pdf", "-slides.pptx",
                                                                         "-materials.pdf"))] == []
    assert sorted(path.name for path in (site / "training").glob("*.pdf")) == sorted(
        [f"{module.id}-handout.pdf" for module in program.training]
        + [f"{module.id}-feedback.pdf" for module in program.training if module.feedback] + ["schedule.pdf"])
    linking = [path.relative_to(site).as_posix() for path in site.rglob("*.html")
               if re.search(r"-guide\.pdf|-slides\.pptx|>Facilitator guide<|>Slides<", path.read_text(encoding="utf-8"))]
    assert linking == []
    training = html.unescape(re.sub(r"<[^>]+>", " ", (site / "training" / "index.html").read_text(encoding="utf-8")))
    assert ("Facilitator guides, slide decks and answer keys are not published here: the program team gives them to"
            " the trainers who run each session.") in " ".join(training.split())


# --- trainer_files: public --------------------------------------------------------------------

SCRIPT = "Good morning, I am going to tell you why our executives asked for this program."
NOTES = "Trainer notes kept outside the includes folder, for the facilitator guide alone."


def test_with_trainer_files_public_the_guide_and_deck_are_linked_and_the_search_index_holds_no_script(
        tmp_path: Path) -> None:
    from toolkit.pipeline import build

    text = (PROGRAM.replace("  contact: bridge@acme.example\n", "  contact: bridge@acme.example\n  trainer_files: public\n")
            .replace("script: Welcome, everyone.", f"script: {SCRIPT}")
            .replace("    room: Room 2\n", "    room: Room 2\n    trainer_content: content/trainer-notes.md\n"))
    assert text.count("trainer_files: public") == text.count(SCRIPT) == text.count("trainer_content") == 1
    folder = write_site_program(tmp_path / "prog", text, {"content/trainer-notes.md": f"# For trainers\n\n{NOTES}\n"})
    site = build(folder).output
    module_page = (site / "training" / "orientation.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+\.(?:pdf|pptx))"[^>]*>([^<]+)<', module_page)
    assert links == [("orientation-guide.pdf", "Facilitator guide"), ("orientation-handout.pdf", "Participant handout"),
                     ("orientation-slides.pptx", "Slides")]
    guide = squash(" ".join(page.extract_text() for page in PdfReader(site / "training" / "orientation-guide.pdf").pages))
    assert squash(SCRIPT) in guide and squash(NOTES) in guide
    assert (site / "training" / "orientation-slides.pptx").is_file()
    index = squash(html.unescape((site / "search" / "search_index.json").read_text(encoding="utf-8")))
    assert squash(SCRIPT) not in index
    assert squash(NOTES) not in index
    assert not (site / "trainer-notes.html").exists() and not (site / "trainer-notes" / "index.html").exists()
    pages = {path.relative_to(site).as_posix() for path in site.rglob("*.html")
             if squash(NOTES) in squash(html.unescape(path.read_text(encoding="utf-8")))}
    assert pages == set()
    assert not (folder / "private" / "trainer").exists()  # no materials: nothing for trainers alone
    training = html.unescape(re.sub(r"<[^>]+>", " ", (site / "training" / "index.html").read_text(encoding="utf-8")))
    assert "not published here" not in training


def test_a_bad_trainer_files_value_is_located_with_did_you_mean(
        make_program: Any, inside_program: None) -> None:
    text = MINIMAL.replace("  meeting_format: in-person\n", "  meeting_format: in-person\n  trainer_files: publc\n")
    with pytest.raises(ProgramError) as caught:
        load_program(make_program(text))
    assert caught.value.format() == (
        "program.yaml:8:18: program.trainer_files: expected one of 'private' or 'public', got 'publc'\n"
        "  fix: did you mean 'public'?")


# --- [trainer] the run of show of a module that runs at several start times ------------------


def test_the_guide_s_run_of_show_has_a_column_of_clock_times_per_start_time(tmp_path: Path) -> None:
    from toolkit.outputs.training import render_trainer

    runs = ('    trainers: [Sam Okoro]\n    room: Room 2\n    sessions:\n      - {week: 1, start_time: "14:00"}\n'
            "      - {week: 2}\n    agenda:\n")
    text = MINIMAL.replace("    agenda:\n", runs, 1)
    folder = tmp_path / "prog"
    folder.mkdir()
    (folder / "program.yaml").write_text(text, encoding="utf-8")
    pack = render_trainer(load_program(folder))
    guide = next(artifact.data for artifact in pack.artifacts if artifact.path == "orientation-guide.pdf")
    shown = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(guide)).pages).split())
    assert "Time, runs 1, 3 Time, run 2 Activity Kind Minutes" in shown
    assert "09:30–09:45 14:00–14:15 Welcome Talk 15" in shown
    assert "09:45–10:15 14:15–14:45 Pairs meet Exercise 30" in shown
    assert "09:30–10:15 14:00–14:45 Total 45" in shown
    assert ("The clock times from here on are those of the runs starting at 09:30 (runs 1, 3); the run of show above"
            " has every run's.") in shown


def test_trainer_content_may_sit_in_private_unless_the_guides_are_published(
        make_program: Any, inside_program: None) -> None:
    notes = {"private__trainer-notes.md": "# For trainers\n\nThe quiet pairs need a nudge.\n"}
    text = MINIMAL.replace("    objectives: [Know the program]\n",
                           "    objectives: [Know the program]\n    trainer_content: private/trainer-notes.md\n")
    assert load_program(make_program(text, **notes)).program.training[0].trainer_content == "private/trainer-notes.md"
    public = text.replace("  meeting_format: in-person\n", "  meeting_format: in-person\n  trainer_files: public\n")
    with pytest.raises(ProgramError) as caught:
        load_program(make_program(public, **notes))
    assert caught.value.format() == (
        "program.yaml:36:22: training[0].trainer_content: 'private/trainer-notes.md' is inside private/, and what a"
        " published guide prints is published\n"
        "  fix: move the file into content/ (content/_includes/ keeps it off the nav)")
