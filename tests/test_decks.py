"""The designed decks, opened for real: LibreOffice converts every flagship deck (and a deck built
to overflow) to PDF in one soffice run, poppler's pdftotext gives every word's box on the page,
and each word must sit inside the text box the .pptx says it belongs to.

Debian's LibreOffice (soffice) and poppler (pdftotext, pdftoppm) are installed by .ci/run; a
missing one fails these tests, it never skips them.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from toolkit.errors import BuildError, ProgramError
from toolkit.files.paths import display_path
from toolkit.outputs.slide_design import mix
from toolkit.outputs.slides import DeckSpec, SlideSpec, deck_spec, render_deck
from toolkit.outputs.training import render_trainer
from toolkit.program.model import Activity
from toolkit.program.validate import load_program

from conftest import MINIMAL, REPO, write_program

FLAGSHIP = load_program(REPO).program
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3
STRESS = DeckSpec(
    "Stress", "Acme", "A deck made to overflow", "en", "2027-01-04", (
        SlideSpec("title", "A title far too long for any title slide, " * 12, subtitle="Bridge " * 30,
                  label="Monday 4 January 2027, 09:30 to 12:30 " * 3),
        SlideSpec("content", "Thirty objectives", heading="Your task",
                  bullets=tuple(f"Objective {n}: " + "practise listening before showing, " * (n % 5 + 1)
                                for n in range(30)) + (LONG_WORD,)),
        SlideSpec("agenda", "Agenda", rows=tuple((f"{9 + n // 4:02d}:{n % 4 * 15:02d}–{9 + (n + 1) // 4:02d}:"
                                                  f"{(n + 1) % 4 * 15:02d}", "Activity with a longish title " * (n % 3 + 1))
                                                 for n in range(25))),
        SlideSpec("activity", "Role-play: " + "the director who needs to hear it " * 4, label="Role-play",
                  heading="Your task", bullets=("In pairs, one plays a leader and one a reverse mentor. " * 40,),
                  facts=("40 min", "11:10 to 11:50", "In groups of 12", "You need: " + "scenario cards, " * 20)),
        SlideSpec("section", "Part 1 of 2", label="09:30 to 10:40",
                  bullets=tuple("An activity whose title goes on and on " * 2 for _ in range(12))),
    ), primary="#5b2a86", accent="#0b6e4f", footer="Bridge · " + "a module with a long title " * 8)
"""A deck whose every box would overflow if its text were drawn at the first size tried."""


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: install Debian's {package} (apt-get install {package}), as .ci/run does")
    return found


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Every flagship deck and the stress deck, as .pptx and as LibreOffice's PDF: one soffice run."""
    folder = tmp_path_factory.mktemp("decks")
    logo = folder / "logo.png"
    Image.new("RGB", (300, 100), "#0b6e4f").save(logo)
    decks = {module.id: render_deck(deck_spec(FLAGSHIP, module), None) for module in FLAGSHIP.training}
    decks["stress"] = render_deck(STRESS, None, logo=logo)
    for name, data in decks.items():
        (folder / f"{name}.pptx").write_bytes(data)
    soffice = tool("soffice", "libreoffice-impress")
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder / "pdf"), *(str(folder / f"{n}.pptx") for n in decks)],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    out = {name: (folder / f"{name}.pptx", folder / "pdf" / f"{name}.pdf") for name in decks}
    for name, (_, pdf) in out.items():
        assert pdf.is_file(), (name, result.stdout + result.stderr)
    return out


def page_words(pdf: Path) -> list[list[Word]]:
    """Every word of every page with its box in points from the top left, as pdftotext -bbox gives them."""
    result = subprocess.run([tool("pdftotext", "poppler-utils"), "-bbox", str(pdf), "-"],
                            capture_output=True, text=True, check=True)
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", result.stdout, re.S):
        pages.append([Word(html.unescape(text), float(a), float(b), float(c), float(d)) for a, b, c, d, text in
                      re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                                 page)])
    return pages


def text_boxes(slide: object) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, (left, top, right, bottom) in points) of every text shape the slide shows, its master's
    included (its master's placeholders are prompts for editing, never drawn on a slide)."""
    shapes = list(slide.shapes)  # type: ignore[attr-defined]
    layout = slide.slide_layout  # type: ignore[attr-defined]
    if layout.element.get("showMasterSp") != "0":
        shapes += [shape for shape in layout.slide_master.shapes if not shape.is_placeholder]
    boxes = []
    for shape in shapes:
        if shape.has_text_frame and shape.text_frame.text.strip():
            left, top = shape.left / 12700, shape.top / 12700
            boxes.append((shape.text_frame.text, (left, top, left + shape.width / 12700, top + shape.height / 12700)))
    return boxes


def overflows(pptx: Path, pdf: Path) -> list[str]:
    """What does not sit where the deck put it: a word outside every text box, a box whose words
    LibreOffice drew (partly) outside it, a box outside the slide."""
    deck = Presentation(str(pptx))
    width, height = deck.slide_width / 12700, deck.slide_height / 12700
    pages = page_words(pdf)
    assert len(pages) == len(deck.slides), pptx.name
    found = []
    for number, (slide, words) in enumerate(zip(deck.slides, pages, strict=True), 1):
        boxes = text_boxes(slide)
        inside: dict[int, list[str]] = {i: [] for i in range(len(boxes))}
        for word in words:
            middle = (word.top + word.bottom) / 2
            homes = [i for i, (_, (left, top, right, bottom)) in enumerate(boxes)
                     if left - 1 <= word.left and word.right <= right + 1 and top <= middle <= bottom]
            if not homes:
                found.append(f"{pptx.name} slide {number}: {word.text!r} at ({word.left:.0f}, {word.top:.0f}) is in no text box")
            elif word.text != "•":
                inside[homes[0]].append(word.text)
        for i, (text, (left, top, right, bottom)) in enumerate(boxes):
            if left < 0 or top < 0 or right > width + 0.5 or bottom > height + 0.5:
                found.append(f"{pptx.name} slide {number}: the box of {text[:30]!r} leaves the slide")
            if "".join(inside[i]) != "".join(text.split()):  # LibreOffice also breaks lines after a hyphen
                found.append(f"{pptx.name} slide {number}: {text[:40]!r} is not all inside its box")
    return found


@pytest.mark.libreoffice
def test_no_text_overflows_its_box_in_any_flagship_deck_or_in_a_deck_built_to_overflow(
        converted: dict[str, tuple[Path, Path]]) -> None:
    problems = [problem for pptx, pdf in converted.values() for problem in overflows(pptx, pdf)]
    assert problems == []
    assert len(converted) == len(FLAGSHIP.training) + 1


@pytest.mark.libreoffice
def test_a_list_too_long_for_its_slide_continues_on_the_next_and_a_title_too_long_is_cut(
        converted: dict[str, tuple[Path, Path]]) -> None:
    deck = Presentation(str(converted["stress"][0]))
    titles = [slide.shapes.title.text_frame.text for slide in deck.slides]
    assert titles[0].endswith("…") and len(titles[0]) < len(STRESS.slides[0].title)
    assert titles[1] == "Thirty objectives" and titles[2] == "Thirty objectives (continued)"
    pages = [slide for slide, title in zip(deck.slides, titles, strict=True) if title.startswith("Thirty objectives")]
    body = [text for slide in pages for shape in slide.shapes if shape.name == "Body"
            for text in shape.text_frame.text.split("\n")]
    assert [line for line in body if line != "Your task"] == list(STRESS.slides[1].bullets)
    assert body.count("Your task") == len(pages) > 2  # the heading repeated on every continuation
    activity = next(slide for slide in deck.slides if slide.shapes.title.text_frame.text.startswith("Role-play"))
    task = next(shape for shape in activity.shapes if shape.name == "Body").text_frame.text
    assert task.startswith("Your task\nIn pairs, one plays a leader") and task.endswith("…")
    assert titles.count("Agenda (continued)") == 2
    rows = [len([shape for shape in slide.shapes if shape.name == "Time"]) for slide in deck.slides]
    assert [count for count, title in zip(rows, titles, strict=True) if title.startswith("Agenda")] == [9, 9, 7]
    agenda = " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                      if shape.has_text_frame and shape.name == "Time")
    assert agenda.split() == [time for time, _ in STRESS.slides[2].rows]


def pixel(pdf: Path, page: int, x: float, y: float) -> tuple[int, int, int]:
    """The colour LibreOffice painted at (x, y) points on a page, rendered by poppler."""
    prefix = pdf.with_name(f"{pdf.stem}-{page}")
    subprocess.run([tool("pdftoppm", "poppler-utils"), "-r", "36", "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(pdf), str(prefix)], check=True)
    with Image.open(prefix.with_suffix(".png")) as image:
        return image.convert("RGB").getpixel((round(x / 2), round(y / 2)))  # type: ignore[return-value]


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def near(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) <= 6 for x, y in zip(a, b, strict=True))


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["orientation", "stress"])
def test_the_theme_is_the_programs_colours_not_python_pptx_default(converted: dict[str, tuple[Path, Path]],
                                                                   name: str) -> None:
    pptx, pdf = converted[name]
    primary, accent = (FLAGSHIP.program.colours.primary, FLAGSHIP.program.colours.accent) if name != "stress" else (
        STRESS.primary, STRESS.accent)
    deck = Presentation(str(pptx))
    theme = deck.slide_masters[0].part.part_related_by(RT.THEME).blob.decode("utf-8")
    assert 'name="Office Theme"' not in theme
    assert f'<a:accent1><a:srgbClr val="{primary[1:].upper()}"/></a:accent1>' in theme
    assert f'<a:accent2><a:srgbClr val="{accent[1:].upper()}"/></a:accent2>' in theme
    assert near(pixel(pdf, 1, 900, 500), rgb(primary))  # the title slide on the main colour
    assert near(pixel(pdf, 2, 480, 2), rgb(primary))  # the bar along the top of a content slide
    assert near(pixel(pdf, 2, 480, 10), rgb(accent))  # and its accent stripe
    assert near(pixel(pdf, 2, 940, 300), rgb(mix(primary, 0.05)))  # a tinted background, not white
    assert pixel(pdf, 2, 940, 300) != (255, 255, 255)


@pytest.mark.libreoffice
def test_the_logo_is_on_every_slide_but_the_dividers_and_libreoffice_draws_it(
        converted: dict[str, tuple[Path, Path]]) -> None:
    pptx, pdf = converted["stress"]
    deck = Presentation(str(pptx))
    for slide in deck.slides:
        logos = [shape for shape in slide.shapes if shape.name == "Logo"]
        assert len(logos) == (0 if slide.slide_layout.name == "Section Header" else 1)
        assert all(logo._element.nvPicPr.cNvPr.get("descr") == "Acme" for logo in logos)
    assert near(pixel(pdf, 1, 48 + 96, 36 + 32), rgb("#0b6e4f"))  # 300 x 100 px drawn 192 x 64 pt at (48, 36)
    assert near(pixel(pdf, 2, 912 - 66, 28 + 22), rgb("#0b6e4f"))  # and 132 x 44 pt at the top right


# --- what the slides say, from the flagship's decks (no LibreOffice needed) -----------------------


def deck_of(module_id: str) -> Presentation:  # type: ignore[valid-type]
    module = next(m for m in FLAGSHIP.training if m.id == module_id)
    return Presentation(io.BytesIO(render_deck(deck_spec(FLAGSHIP, module), None)))


def slide_texts(slide: object) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes  # type: ignore[attr-defined]
            if shape.has_text_frame and shape.text_frame.text.strip()]


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_agenda_gives_every_activity_its_clock_times() -> None:
    module = next(m for m in FLAGSHIP.training if m.id == "mentoring-up")
    deck = deck_of("mentoring-up")
    agenda = next(slide for slide in deck.slides if slide.shapes.title.text_frame.text == "Agenda")
    texts = slide_texts(agenda)
    rows = list(zip(texts[1::2], texts[2::2], strict=True))
    assert rows[:3] == [("09:30–09:45", "Round the room"), ("09:45–10:05", "What a reverse mentor does, and does not do"),
                        ("10:05–10:40", "Listening in threes")]
    assert len(rows) == len(module.agenda)
    assert rows[-1] == ("12:15–12:30", "My first three meetings")


def test_parts_are_divided_at_the_break_and_each_activity_has_its_time_box() -> None:
    deck = deck_of("mentoring-up")
    titles = [slide.shapes.title.text_frame.text for slide in deck.slides]
    assert titles[:5] == ["Mentoring up: skills for reverse mentors", "By the end of this session you can", "Agenda",
                          "Part 1 of 2", "Round the room"]
    assert titles[7:9] == ["Break", "Part 2 of 2"]
    part = slide_texts(deck.slides[3])
    assert part == ["Part 1 of 2", "09:30 to 10:40", "Round the room\nWhat a reverse mentor does, and does not do\n"
                    "Listening in threes"]
    listening = deck.slides[titles.index("Listening in threes")]
    assert slide_texts(listening)[:2] == ["Listening in threes", "Exercise"]
    box = next(shape for shape in listening.shapes if shape.name == "Time box")
    module = next(m for m in FLAGSHIP.training if m.id == "mentoring-up")
    activity = next(a for a in module.agenda if a.title == "Listening in threes")
    in_threes = "\nIn threes" if getattr(activity, "groups", None) is not None else ""  # groups: from the trainer branch
    assert box.text_frame.text == "35 min\n10:05 to 10:40" + in_threes
    assert "Timing: 10:05–10:40, 35 min (exercise)." in listening.notes_slide.notes_text_frame.text
    assert slide_texts(deck.slides[titles.index("Break")]) == ["Break", "10:40 to 10:55", "Back at 10:55"]


@pytest.mark.parametrize("module_id", [module.id for module in FLAGSHIP.training])
def test_no_sentence_is_on_two_slides_and_facilitator_notes_stay_in_the_speaker_notes(module_id: str) -> None:
    module = next(m for m in FLAGSHIP.training if m.id == module_id)
    deck = deck_of(module_id)
    seen: dict[str, int] = {}
    for number, slide in enumerate(deck.slides, 1):
        for shape in slide.shapes:
            if shape.name == "Body":
                for sentence in re.split(r"(?<=[.!?])\s+|\n", shape.text_frame.text):
                    if len(sentence) > 20:
                        assert sentence not in seen, (sentence, seen.get(sentence), number)
                        seen[sentence] = number
    faces = " ".join(words(text) for slide in deck.slides for text in slide_texts(slide))
    notes = " ".join(words(slide.notes_slide.notes_text_frame.text) for slide in deck.slides if slide.has_notes_slide)
    for activity in module.agenda:
        if activity.facilitator_notes:
            assert words(activity.facilitator_notes) not in faces
            assert words(activity.facilitator_notes) in notes


def test_steps_script_and_debrief_are_in_the_speaker_notes_with_clock_times_and_never_on_a_slide() -> None:
    module = next(m for m in FLAGSHIP.training if m.id == "mentoring-up")
    listening = Activity.model_validate({
        "title": "Listening in threes", "kind": "exercise", "minutes": 35, "description": "Three rounds in threes.",
        "purpose": "Practise asking before telling.", "setup": "Threes from different depots.",
        "steps": [{"minutes": 5, "text": "Explain the three parts."}, {"minutes": 30, "text": "Three rounds of ten."},
                  "Collect the observers' notes."],
        "script": "Today you only ask.", "debrief": ["What helped?", "What got in the way?"],
        "remote": "Breakout rooms of three.", "groups": {"size": 3, "turn_minutes": 10}})
    program = FLAGSHIP.model_copy(update={"training": (module.model_copy(update={
        "agenda": (module.agenda[0], module.agenda[1], listening)}),)})
    deck = Presentation(io.BytesIO(render_deck(deck_spec(program, program.training[0]), None)))
    slide = next(s for s in deck.slides if s.shapes.title.text_frame.text == "Listening in threes")
    notes = slide.notes_slide.notes_text_frame.text
    for line in ("Purpose: Practise asking before telling.", "Set-up: Threes from different depots.",
                 "10:05–10:10 (5 min) Explain the three parts.", "10:10–10:40 (30 min) Three rounds of ten.",
                 "- Collect the observers' notes.", "Script: Today you only ask.", "1. What helped?",
                 "2. What got in the way?", "Remote or hybrid: Breakout rooms of three."):
        assert line in notes, line
    assert "\n".join(slide_texts(slide)).count("In threes") == 1
    assert not any(text in " ".join(slide_texts(slide)) for text in ("Practise asking", "Today you only ask",
                                                                     "What helped"))


# --- program.logo, through a build ----------------------------------------------------------------


def png(colour: str = "#0b6e4f") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), colour).save(buffer, "PNG")
    return buffer.getvalue()


def with_logo(folder: Path, logo: str | bytes, name: str = "brand/logo.png") -> Path:
    text = MINIMAL.replace("  meeting_format: in-person\n", f"  meeting_format: in-person\n  logo: {name}\n")
    return write_program(folder, text, {name: logo} if not name.startswith("..") else {})


def test_the_programs_logo_is_on_the_built_deck(tmp_path: Path) -> None:
    pack = render_trainer(load_program(with_logo(tmp_path / "prog", png())))
    data = next(artifact.data for artifact in pack.artifacts if artifact.path == "orientation-slides.pptx")
    deck = Presentation(io.BytesIO(data))
    logos = [shape for slide in deck.slides for shape in slide.shapes if shape.name == "Logo"]
    assert len(logos) == len(deck.slides) and {logo.image.blob for logo in logos} == {png()}


def test_a_logo_that_is_not_a_png_is_located_in_program_yaml(tmp_path: Path) -> None:
    folder = with_logo(tmp_path / "prog", "GIF89a, or a text file with a .png name\n")
    with pytest.raises(BuildError) as caught:
        render_trainer(load_program(folder))
    assert "\n".join(problem.format() for problem in caught.value.problems) == (
        f"{display_path(folder / 'program.yaml')}:8:9: program.logo: the logo 'brand/logo.png' is not a PNG image\n"
        "  fix: save the logo as a PNG image (File > Export in most editors) or remove program.logo")


@pytest.mark.parametrize(("name", "expected"), [
    ("../logo.png", "'../logo.png' lies outside the program folder\n"
                    "  fix: move the file into the program folder and give its relative path"),
    ("brand/logo.svg", "'brand/logo.svg' is not a .png file\n  fix: name a .png file"),
])
def test_validate_keeps_the_logo_a_png_inside_the_program_folder(tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / "logo.png").write_bytes(png())
    folder = with_logo(tmp_path / "prog", png(), name)
    with pytest.raises(ProgramError) as caught:
        load_program(folder)
    assert caught.value.format() == f"{display_path(folder / 'program.yaml')}:8:9: program.logo: {expected}"
