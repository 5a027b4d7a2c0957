"""The training pack, read back for real: pypdf reads the PDFs, python-pptx opens the decks
(LibreOffice converts them in test_decks.py) and poppler renders every page.

Debian's LibreOffice (soffice) and poppler (pdftoppm) are installed by .ci/run; a missing one
fails these tests, it never skips them.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from toolkit.errors import BuildError
from toolkit.files.paths import CACHE_FOLDER, display_path
from toolkit.outputs.training import module_materials_ids, render_trainer, render_training
from toolkit.program.model import Module
from toolkit.program.schedule import training_schedule
from toolkit.program.validate import LoadedProgram, load_program
from toolkit.render.artifact import Rendered
from toolkit.render.cache import RenderCache

from conftest import REPO, program_yaml
from conftest import write_program as write_folder

Run = Callable[..., Result]

ORIENTATION = {
    "id": "orientation", "title": "Orientation", "summary": "What the program is and how it runs.",
    "audience": ["mentor", "mentee"], "week": 1, "start_time": "09:30", "objectives": ["Know the program"],
    "questions": ["What do you hope to learn?"], "key_points": ["Listen first"], "preparation": ["Print the cards"],
    "materials": ["Flip chart"],
    "agenda": [
        {"title": "Welcome", "kind": "talk", "minutes": 15, "description": "Why we are here."},
        {"title": "Pairs meet", "kind": "exercise", "minutes": 30, "facilitator_notes": "Watch the quiet pairs closely."},
        {"title": "Break", "kind": "break", "minutes": 10},
        {"title": "Close", "kind": "reflection", "minutes": 5, "facilitator_notes": "Thank the sponsor by name."},
    ],
    "exercises": [{"title": "My goals", "instructions": "Write two goals.", "lines": 4}],
    "follow_up": ["Book the first meeting"],
}
MENTORING_UP = {
    "id": "mentoring-up", "title": "Mentoring up", "summary": "Skills for mentors.", "audience": ["mentor"], "week": 2,
    "start_time": "14:00", "objectives": ["Give feedback upward"],
    "agenda": [{"title": "Feedback", "kind": "role-play", "minutes": 45,
                "facilitator_notes": "Pair people across departments."}],
}


def write_program(folder: Path, paper: str = "A4", content: str = "", files: dict[str, str | bytes] | None = None,
                  *, one_module: bool = False, trainer_files: str = "public") -> Path:
    """An inline program in `folder`, with any extra files (paths relative to the folder).

    `content` names the orientation module's content file; `one_module` drops the second
    module, for tests that need only one (each PDF costs time). `trainer_files` is public here,
    so the guides and decks are the training pack's, as the rendering tests read them; the build
    tests give the program's default, private (test_trainer_files.py holds the rest of it).
    """
    orientation = {**ORIENTATION, **({"content": content} if content else {})}
    text = program_yaml(
        program={"paper_size": paper, "contact": "bridge@acme.example", "trainer_files": trainer_files},
        goals=[{"id": "digital", "title": "Digital confidence", "description": "Leaders use modern tools with confidence.",
                "measures": [{"metric": "Confident leaders", "target": 60, "method": "Survey"}]}],
        roles=[{"id": "mentor", "name": "Mentor", "summary": "Shares what they know.",
                "time_commitment": "1 hour a fortnight"},
               {"id": "mentee", "name": "Leader", "summary": "Comes with questions.",
                "time_commitment": "1 hour a fortnight"}],
        training=[orientation] if one_module else [orientation, MENTORING_UP],
        checkins=None,
    )
    return write_folder(folder, text, files)


def words(text: str) -> str:
    """Text with every run of whitespace made one space, as it reads across line breaks."""
    return " ".join(text.split())


def squash(text: str) -> str:
    """Text without any whitespace or ligatures, to compare across line breaks and hyphenated
    line ends ("check-" / "ins") as pypdf extracts them."""
    ligatures = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
    return re.sub(r"\s+", "", text).translate(str.maketrans(ligatures))


def pdf_text(data: bytes | Path) -> str:
    reader = PdfReader(data if isinstance(data, Path) else io.BytesIO(data))
    return words(" ".join(page.extract_text() for page in reader.pages))


def files_of(pack: Rendered) -> dict[str, bytes]:
    return {artifact.path: artifact.data for artifact in pack.artifacts}


def write_out(pack: Rendered, output: Path) -> Path:
    for artifact in pack.artifacts:
        target = output / artifact.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(artifact.data)
    return output


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: install Debian's {package} (apt-get install {package}), as .ci/run does")
    return found


# --- the flagship program -----------------------------------------------------------------


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadedProgram, Path]:
    """The repository's own program, its whole training pack written to an output folder, and its
    trainer's pack (guides, decks, materials) beside it, as a build writes them: `trainer(site)`."""
    loaded = load_program(REPO)
    out = tmp_path_factory.mktemp("flagship")
    write_out(render_trainer(loaded), out / "private" / "trainer")
    return loaded, write_out(render_training(loaded), out / "site")


def trainer(site: Path) -> Path:
    """The trainer's pack beside a site written by the `flagship` fixture."""
    return site.parent / "private" / "trainer"


FLAGSHIP_MODULES = [module.id for module in load_program(REPO).program.training]


def test_the_flagship_has_the_modules_the_issue_asks_for() -> None:
    assert {"orientation", "mentoring-up", "being-mentored", "good-sessions"} <= set(FLAGSHIP_MODULES)


@pytest.mark.parametrize("module_id", FLAGSHIP_MODULES)
def test_every_flagship_module_has_a_guide_a_handout_and_a_deck(flagship: tuple[LoadedProgram, Path],
                                                                module_id: str) -> None:
    _, site = flagship
    for path in (site / "training" / f"{module_id}-handout.pdf", trainer(site) / f"{module_id}-guide.pdf",
                 trainer(site) / f"{module_id}-slides.pptx"):
        assert path.stat().st_size > 10_000, path
    assert (site / "training" / "schedule.pdf").is_file()


@pytest.mark.parametrize("module_id", FLAGSHIP_MODULES)
def test_the_guide_names_the_module_and_every_activity_at_its_clock_time(flagship: tuple[LoadedProgram, Path],
                                                                        module_id: str) -> None:
    loaded, site = flagship
    module = next(m for m in loaded.program.training if m.id == module_id)
    text = pdf_text(trainer(site) / f"{module_id}-guide.pdf")
    assert words(module.title) in text
    for item in module.timed_agenda():
        row = f"{item.start:%H:%M}–{item.end:%H:%M} {words(item.activity.title)}"
        assert row in text, row
        if item.activity.facilitator_notes:
            assert words(item.activity.facilitator_notes) in text
    breaks = sum(a.minutes for a in module.agenda if a.kind == "break")
    if breaks:
        total = f"{module.start_time:%H:%M}–{module.end_time:%H:%M} Total: "
        assert total in text and f"of breaks {module.duration_minutes}" in text, total
    else:  # the line managers' half-hour briefing
        assert f"{module.start_time:%H:%M}–{module.end_time:%H:%M} Total {module.duration_minutes}" in text


def trainer_only_texts(module: Module) -> list[str]:
    """Everything of a module's activities that is for the trainer only."""
    found: list[str] = []
    for activity in module.agenda:
        found += [text for text in (activity.facilitator_notes, activity.purpose, activity.setup, activity.script,
                                    activity.remote) if text]
        found += [step.text for step in activity.steps] + list(activity.debrief)
    return found


@pytest.mark.parametrize("module_id", FLAGSHIP_MODULES)
def test_the_guide_holds_every_activity_s_instructions_script_and_debrief(flagship: tuple[LoadedProgram, Path],
                                                                          module_id: str) -> None:
    loaded, site = flagship
    module = next(m for m in loaded.program.training if m.id == module_id)
    text = squash(pdf_text(trainer(site) / f"{module_id}-guide.pdf"))
    instructed = [a for a in module.agenda if a.kind != "break"]
    assert instructed and all(a.steps for a in instructed), "every flagship activity has steps"
    for item in module.timed_agenda():
        activity = item.activity
        clock = dt.datetime.combine(dt.date(2000, 1, 1), item.start)
        for step in activity.steps:
            line = f"{clock:%H:%M} {step.text} ({step.minutes} min)" if step.minutes else step.text
            assert squash(line) in text, line
            clock += dt.timedelta(minutes=step.minutes or 0)
        for part in (activity.purpose, activity.setup, activity.script, activity.remote, *activity.debrief):
            if part:
                assert squash(part) in text, part
    for run in loaded.program.module_runs(module):
        assert run.trainers and all(squash(name) in text for name in run.trainers)
        assert run.room and squash(run.room) in text


@pytest.mark.parametrize("module_id", FLAGSHIP_MODULES)
def test_the_handout_holds_no_facilitator_note(flagship: tuple[LoadedProgram, Path], module_id: str) -> None:
    loaded, site = flagship
    module = next(m for m in loaded.program.training if m.id == module_id)
    text = pdf_text(site / "training" / f"{module_id}-handout.pdf")
    assert words(module.title) in text
    assert "Facilitator notes" not in text and "Debrief questions" not in text and "What to say" not in text
    sentences = [part for part in trainer_only_texts(module) if len(part.split()) >= 6]  # not "Round 2"
    assert sentences and [part for part in sentences if squash(part) in squash(text)] == []
    notes = [words(a.facilitator_notes) for a in module.agenda if a.facilitator_notes]
    for note in notes:
        for fragment in re.findall(r"\S+(?: \S+){5}", note):  # every six-word stretch of every note
            assert fragment not in text, fragment
    for item in module.preparation:
        assert words(item) not in text
    for exercise in module.exercises:
        assert words(exercise.title) in text


@pytest.mark.parametrize("module_id", FLAGSHIP_MODULES)
def test_the_deck_opens_and_its_speaker_notes_carry_the_facilitator_notes(flagship: tuple[LoadedProgram, Path],
                                                                         module_id: str) -> None:
    loaded, site = flagship
    module = next(m for m in loaded.program.training if m.id == module_id)
    deck = Presentation(str(trainer(site) / f"{module_id}-slides.pptx"))
    titles = [words(slide.shapes.title.text_frame.text) for slide in deck.slides]
    notes = words(" ".join(slide.notes_slide.notes_text_frame.text for slide in deck.slides
                           if slide.has_notes_slide))
    assert titles[0] == words(module.title)
    for activity in module.agenda:
        assert words(activity.title) in titles
        if activity.facilitator_notes:
            assert words(activity.facilitator_notes) in notes
    assert "Key points" in titles
    assert deck.core_properties.author == loaded.program.program.organisation


@pytest.mark.poppler
def test_poppler_renders_every_page_of_every_pdf(flagship: tuple[LoadedProgram, Path], tmp_path: Path) -> None:
    pdftoppm = tool("pdftoppm", "poppler-utils")
    _, site = flagship
    for pdf in sorted([*(site / "training").glob("*.pdf"), *trainer(site).glob("*-guide.pdf")]):
        result = subprocess.run([pdftoppm, "-r", "12", "-png", str(pdf), str(tmp_path / pdf.stem)],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0 and result.stderr == "", (pdf.name, result.stderr)
        assert len(list(tmp_path.glob(f"{pdf.stem}-*.png"))) == len(PdfReader(pdf).pages)


def test_pdfs_are_tagged_titled_and_in_the_program_language(flagship: tuple[LoadedProgram, Path]) -> None:
    loaded, site = flagship
    for pdf in sorted([*(site / "training").glob("*.pdf"), *trainer(site).glob("*-guide.pdf")]):
        reader = PdfReader(pdf)
        catalog = reader.trailer["/Root"]
        assert "/StructTreeRoot" in catalog, pdf.name
        assert bool(catalog["/MarkInfo"]["/Marked"]), pdf.name
        assert catalog["/Lang"] == loaded.program.program.language
        assert reader.metadata is not None and reader.metadata.title
        assert reader.metadata.author == loaded.program.program.organisation


def test_the_flagship_is_printed_on_a4(flagship: tuple[LoadedProgram, Path]) -> None:
    _, site = flagship
    page = PdfReader(trainer(site) / "orientation-guide.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_the_schedule_lists_every_module_by_audience_with_durations(flagship: tuple[LoadedProgram, Path]) -> None:
    loaded, site = flagship
    schedule = training_schedule(loaded.program)
    text = pdf_text(site / "training" / "schedule.pdf")
    for item in schedule.modules:
        assert words(item.module.title) in text
    for group in schedule.by_role:
        count = len(group.modules)
        hours, minutes = divmod(group.minutes, 60)
        length = " ".join(([f"{hours} h"] if hours else []) + ([f"{minutes} min"] if minutes else []))
        assert f"{group.role.name}: {count} module{'s' if count != 1 else ''}, {length}" in text


# --- small inline programs -----------------------------------------------------------------


@pytest.fixture(scope="module")
def letter(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    folder = write_program(tmp_path_factory.mktemp("letter") / "prog", paper="Letter")
    return render_training(load_program(folder))


def test_letter_paper_comes_from_program_yaml(letter: Rendered) -> None:
    for path, data in files_of(letter).items():
        if path.endswith(".pdf"):
            page = PdfReader(io.BytesIO(data)).pages[0]
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792), path


def test_the_pack_of_an_inline_program(letter: Rendered) -> None:
    assert sorted(files_of(letter)) == [
        "training/mentoring-up-guide.pdf",
        "training/mentoring-up-handout.pdf",
        "training/mentoring-up-slides.pptx",
        "training/orientation-guide.pdf",
        "training/orientation-handout.pdf",
        "training/orientation-slides.pptx",
        "training/schedule.pdf",
    ]
    guide = pdf_text(files_of(letter)["training/orientation-guide.pdf"])
    for row in ("09:30–09:45 Welcome", "09:45–10:15 Pairs meet", "10:15–10:25 Break", "10:25–10:30 Close",
                "Watch the quiet pairs closely.", "Print the cards", "Flip chart", "What do you hope to learn?",
                "Listen first", "Book the first meeting", "Mentor, Leader", "bridge@acme.example"):
        assert row in guide, row
    assert "Total: 50 min of activities and 10 min of breaks 60" in guide
    handout = pdf_text(files_of(letter)["training/orientation-handout.pdf"])
    assert "My goals Write two goals." in handout
    assert "Watch the quiet pairs" not in handout and "Thank the sponsor" not in handout
    assert "Print the cards" not in handout


def test_same_program_same_bytes(letter: Rendered, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Pure rendering: a second build elsewhere gives byte-identical files (PDFs and decks)."""
    folder = write_program(tmp_path_factory.mktemp("again") / "prog", paper="Letter")
    again = render_training(load_program(folder))
    assert files_of(again) == files_of(letter)


def test_the_schedule_groups_modules_by_role(tmp_path: Path) -> None:
    schedule = training_schedule(load_program(write_program(tmp_path / "prog")).program)
    assert [(group.role.id, [m.module.id for m in group.modules], group.minutes) for group in schedule.by_role] == [
        ("mentor", ["orientation", "mentoring-up"], 105),
        ("mentee", ["orientation"], 60),
    ]
    assert schedule.minutes == 105
    assert [str(item.date) for item in schedule.modules] == ["2027-01-04", "2027-01-11"]


# --- what user content may load ---------------------------------------------------------------

CONTENT = "content/orientation.md"
OUTSIDE = "only files inside the program folder can be used"
FIX = ("  fix: copy the file into the program folder (e.g. next to the Markdown file that shows it) and refer to it"
       " by a relative path")
WEB_FIX = ("  fix: download the file into the program folder and refer to it by a relative path; documents are made"
           " offline and never fetch from the network")
OTHER_FIX = "  fix: refer to a file inside the program folder by a relative path"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082")


def build_error(folder: Path) -> str:
    """Every problem of the failed render, in full (the CLI prints the first 20: test_errors.py)."""
    with pytest.raises(BuildError) as caught:
        render_training(load_program(folder))
    return "\n".join(problem.format() for problem in caught.value.problems)


def in_guide_and_handout(*problems: tuple[str, str] | tuple[str, str, str]) -> str:
    """The error when the guide and the handout (which both print the content file) refuse these
    addresses: (address, fix) for one outside the program folder, or (address, fix, why)."""
    return "\n".join(f"training/orientation-{kind}.pdf: refused to load '{problem[0]}':"
                     f" {problem[2] if len(problem) == 3 else OUTSIDE}\n{problem[1]}"
                     for kind in ("guide", "handout") for problem in problems)


def test_content_images_outside_the_program_folder_are_refused_all_at_once(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(PNG)
    folder = write_program(tmp_path / "prog", content=CONTENT, one_module=True, files={"content/orientation.md": """
        # Script

        ![a](file:///etc/passwd) ![b](/etc/passwd) ![c](/dev/urandom) ![d](../../secret.png) ![e](leak.png)
        ![f](file://localhost/etc/hostname) ![g](file://evil.example/share/x.png)
        ![h](https://example.org/logo.png) ![i](http://169.254.169.254/latest/meta-data)
        ![j](ftp://example.org/logo.png) ![k](data:image/png;base64,iVBORw0KGgo=)
        ![l](%2e%2e/%2e%2e/%2e%2e/secret.png) ![m](a%00b.png)
        """})
    (folder / "content" / "leak.png").symlink_to(tmp_path / "secret.png")
    assert build_error(folder) == in_guide_and_handout(
        ("file:///etc/passwd", FIX),
        ("file:///dev/urandom", FIX),
        ((tmp_path / "secret.png").as_uri(), FIX),
        ((folder / "content" / "leak.png").as_uri(), FIX),
        ("file://localhost/etc/hostname", FIX),
        ("file://evil.example/share/x.png", FIX),
        ("https://example.org/logo.png", WEB_FIX),
        ("http://169.254.169.254/latest/meta-data", WEB_FIX),
        ("ftp://example.org/logo.png", WEB_FIX),
        ("data:image/png;base64,iVBORw0KGgo=", OTHER_FIX),
        ((folder / "content").as_uri() + "/%2e%2e/%2e%2e/%2e%2e/secret.png", FIX),
        ((folder / "content").as_uri() + "/a%00b.png", FIX, "not a usable file name (embedded null byte)"),
    )


def test_raw_html_in_content_goes_through_the_same_guard(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", content=CONTENT, one_module=True, files={"content/orientation.md": """
        <link rel="stylesheet" href="https://cdn.example/x.css">
        <object data="file:///etc/shadow"></object>
        <p style="background: url(../../../../../../etc/passwd)">x</p>
        """})
    assert build_error(folder) == in_guide_and_handout(
        ("https://cdn.example/x.css", WEB_FIX), ("file:///etc/shadow", FIX), ("file:///etc/passwd", FIX))


def test_a_template_override_cannot_read_outside_either(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", files={"templates/training/handout.html.j2": """
        {% extends "default/training/handout.html.j2" %}
        {% block body %}<img src="file:///etc/passwd" alt="x">{{ super() }}{% endblock %}
        """})
    assert build_error(folder) == (
        f"training/orientation-handout.pdf: refused to load 'file:///etc/passwd': {OUTSIDE}\n{FIX}\n"
        f"training/mentoring-up-handout.pdf: refused to load 'file:///etc/passwd': {OUTSIDE}\n{FIX}"
    )


def test_the_print_stylesheet_override_is_guarded_and_named(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", one_module=True, files={"templates/print.css": """
        @import url("https://fonts.example/css");
        @font-face { font-family: X; src: url(/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf); }
        """})
    shown = display_path(folder / "templates" / "print.css")
    assert build_error(folder) == (
        f"{shown}: refused to load 'https://fonts.example/css': {OUTSIDE}\n{WEB_FIX}\n"
        f"{shown}: refused to load 'file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf': {OUTSIDE}\n{FIX}"
    )


def test_a_missing_image_names_the_file(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", content=CONTENT, one_module=True,
                           files={"content/orientation.md": "![map](img/map.png)\n"})
    address = (folder / "content" / "img" / "map.png").as_uri()
    assert build_error(folder) == "\n".join(
        f"training/orientation-{kind}.pdf: cannot load '{address}': no such file\n"
        "  fix: check the file name and folder; an address in a module's content file is relative to that"
        " Markdown file"
        for kind in ("guide", "handout"))


def test_an_image_inside_the_folder_is_embedded_and_links_are_made_inert(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", content=CONTENT, one_module=True, files={
        "content/img/dot.png": PNG, "content/orientation.md": """
        ## Our first meeting

        ![A red dot](img/dot.png)

        [run me](javascript:alert(1)), [the guide](../guides/x.md),
        <a href="vbscript:msgbox" onclick="alert(2)">top</a> and [our site](https://acme.example/bridge).
        """})
    pack = render_training(load_program(folder))
    handout = files_of(pack)["training/orientation-handout.pdf"]
    reader = PdfReader(io.BytesIO(handout))
    assert len({image.data for page in reader.pages for image in page.images}) == 1
    uris = [str(annotation.get_object()["/A"].get("/URI")) for page in reader.pages
            for annotation in page.get("/Annots", []) if "/A" in annotation.get_object()]
    assert uris == ["https://acme.example/bridge"]
    assert b"javascript" not in handout and b"vbscript" not in handout and b"x.md" not in handout
    assert "Our first meeting" in pdf_text(handout) and "run me, the guide, top and our site." in pdf_text(handout)
    assert pack.warnings == []


def test_an_image_without_alt_text_and_a_link_to_nowhere_are_warnings(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", content=CONTENT, one_module=True, files={
        "content/orientation.md": "![](dot.png)\n\nBack to [the top](#top).\n", "content/dot.png": PNG})
    pack = render_training(load_program(folder))
    address = (folder / "content" / "dot.png").as_uri()
    assert [w.format() for w in pack.warnings] == [
        message for kind in ("guide", "handout") for message in (
            f"training/orientation-{kind}.pdf: warning: the link to '#top' leads nowhere: nothing in the document"
            " has the id 'top'\n  fix: correct the link's target or remove the link",
            f"training/orientation-{kind}.pdf: warning: image '{address}' has no alt text, so screen readers cannot"
            " describe it\n  fix: describe the image in its alt text: ![what the picture shows](picture.png)")]


def test_program_text_stays_text_in_pdfs(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", one_module=True)
    text = (folder / "program.yaml").read_text(encoding="utf-8")
    (folder / "program.yaml").write_text(text.replace(
        "title: Orientation\n", "title: 'Orientation <img src=\"file:///etc/passwd\"> {{ 7 * 7 }}'\n"),
        encoding="utf-8")
    pack = render_training(load_program(folder))
    assert 'Orientation <img src="file:///etc/passwd"> {{ 7 * 7 }}' in pdf_text(
        files_of(pack)["training/orientation-guide.pdf"])


def test_an_undefined_value_in_a_template_override_names_the_line(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", one_module=True,
                           files={"templates/training/schedule.html.j2": "<p>{{ nonsense.value }}</p>\n"})
    shown = display_path(folder / "templates" / "training" / "schedule.html.j2")
    assert build_error(folder) == (
        f"{shown}:1: undefined value in template: 'nonsense' is undefined\n"
        "  fix: check the spelling of the variable or attribute against the values this template receives (see"
        " the packaged template of the same name), or guard it with `{% if ... is defined %}`"
    )


# --- slide templates ---------------------------------------------------------------------------


def branded_template(path: Path) -> None:
    """A 4:3 deck with a brand mark on its master, its own layout names, and a slide that must not survive."""
    deck = Presentation()
    scratch = deck.slides.add_slide(deck.slide_layouts[6])
    mark = scratch.shapes.add_textbox(0, 0, 2_000_000, 400_000)
    mark.text_frame.text = "ACME BRAND"
    deck.slide_masters[0].shapes._spTree.append(copy.deepcopy(mark._element))
    mark.text_frame.text = "Template sample slide"
    for layout in deck.slide_layouts:
        layout.name = f"Acme {layout.name}"
    deck.save(str(path))


def with_slide_template(folder: Path) -> Path:
    text = (folder / "program.yaml").read_text(encoding="utf-8")
    (folder / "program.yaml").write_text(
        text.replace("  paper_size: A4\n", "  paper_size: A4\n  slide_template: brand.pptx\n"), encoding="utf-8")
    return folder


def test_an_organisation_template_supplies_layouts_and_branding(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", one_module=True)
    branded_template(folder / "brand.pptx")
    pack = render_training(load_program(with_slide_template(folder)))
    deck = Presentation(io.BytesIO(files_of(pack)["training/orientation-slides.pptx"]))
    assert (deck.slide_width, deck.slide_height) == (9144000, 6858000)  # the template's 4:3, not the default 16:9
    assert any(shape.has_text_frame and shape.text_frame.text == "ACME BRAND"
               for shape in deck.slide_masters[0].shapes)
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert "Template sample slide" not in texts
    assert [slide.shapes.title.text_frame.text for slide in deck.slides][:3] == [
        "Orientation", "By the end of this session you can", "Agenda"]
    assert [slide.slide_layout.name for slide in deck.slides][:2] == ["Acme Title Slide", "Acme Title and Content"]


def test_a_slide_template_that_is_not_a_deck_is_located_in_program_yaml(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", files={"brand.pptx": "not a zip file\n"})
    assert build_error(with_slide_template(folder)) == (
        f"{display_path(folder / 'program.yaml')}:9:19: program.slide_template: the slide template 'brand.pptx' cannot"
        " be opened as a PowerPoint deck: it is not a .pptx file\n"
        "  fix: save the template deck from PowerPoint or LibreOffice Impress as a .pptx file (not .potx, .ppt or"
        " .odp), or remove slide_template to use the default design"
    )


# --- the render cache -------------------------------------------------------------------------


def builder(folder: Path) -> Callable[[], Rendered]:
    """Build the folder's pack with the cache a build into folder/site would use, opened afresh each time."""
    root = RenderCache.beside(folder / "site", "training").root
    return lambda: render_training(load_program(folder), RenderCache(root))


def test_a_rebuild_with_nothing_changed_renders_nothing_and_imports_neither_weasyprint_nor_pptx(
        tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", one_module=True)
    first = builder(folder)()
    assert sorted(first.rendered) == ["training/orientation-guide.pdf", "training/orientation-handout.pdf",
                                      "training/orientation-slides.pptx", "training/schedule.pdf"]
    second = builder(folder)()
    assert second.rendered == [] and second.reused == first.rendered
    assert files_of(second) == files_of(first)
    assert (folder / CACHE_FOLDER / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert (folder / CACHE_FOLDER / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    script = (
        "import sys\n"
        "from toolkit.render.cache import RenderCache\n"
        "from toolkit.outputs.training import module_materials_ids, render_training\n"
        "from toolkit.program.validate import load_program\n"
        f"root = RenderCache.beside({str(folder / 'site')!r}, 'training').root\n"
        f"pack = render_training(load_program({str(folder)!r}), RenderCache(root))\n"
        "assert pack.rendered == [], pack.rendered\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'weasyprint', 'pptx', 'fontTools', 'pydyf'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "[]\n"), result.stderr


def test_only_the_changed_module_is_rendered_again_and_stale_entries_are_pruned(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog")
    build = builder(folder)
    build()
    cache = RenderCache.beside(folder / "site", "training").root
    before = {p.name for p in cache.iterdir()}
    (cache / "notes.txt").write_text("mine, not the toolkit's\n", encoding="utf-8")
    (cache / ("0" * 64)).write_text("no extension: not a name the cache gives\n", encoding="utf-8")
    text = (folder / "program.yaml").read_text(encoding="utf-8")
    (folder / "program.yaml").write_text(text.replace("Skills for mentors.", "Skills for reverse mentors."),
                                         encoding="utf-8")
    again = build()  # the summary is in the guide, the handout and the deck's notes, not in the schedule
    assert sorted(again.rendered) == ["training/mentoring-up-guide.pdf", "training/mentoring-up-handout.pdf",
                                      "training/mentoring-up-slides.pptx"]
    after = {p.name for p in cache.iterdir()}
    assert len(before) == 2 * (7 + 1)  # a .data and a .json per document, and per pack (its index)
    assert len(before - after) == 2 * (3 + 1)  # the old entries of the documents made again are gone
    assert len(after - before) == 2 * (3 + 1) + 2 and {"notes.txt", "0" * 64} <= after  # and nothing else
    (folder / "program.yaml").write_text(text.replace("title: Mentoring up\n", "title: Mentoring upward\n"),
                                         encoding="utf-8")
    assert sorted(build().rendered) == ["training/mentoring-up-guide.pdf", "training/mentoring-up-handout.pdf",
                                        "training/mentoring-up-slides.pptx", "training/schedule.pdf"]


def test_an_edit_no_document_shows_renders_nothing(tmp_path: Path) -> None:
    """The pack's inputs changed, so every document is looked up by its own HTML: all are still there."""
    folder = write_program(tmp_path / "prog", one_module=True)
    build = builder(folder)
    first = build()
    text = (folder / "program.yaml").read_text(encoding="utf-8")
    (folder / "program.yaml").write_text(text.replace("title: Digital confidence", "title: Digital fluency"),
                                         encoding="utf-8")
    again = build()
    assert again.rendered == [] and files_of(again) == files_of(first)


def test_a_changed_image_renders_the_documents_that_show_it(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", content=CONTENT, one_module=True,
                           files={"content/orientation.md": "![A dot](dot.png)\n", "content/dot.png": PNG})
    build = builder(folder)
    build()
    (folder / "content" / "dot.png").write_bytes(PNG)  # written again, same bytes
    assert build().rendered == []
    Image.new("RGB", (2, 2), (0, 90, 200)).save(folder / "content" / "dot.png")
    assert sorted(build().rendered) == ["training/orientation-guide.pdf", "training/orientation-handout.pdf"]


def test_a_changed_stylesheet_or_paper_size_renders_every_pdf_but_no_deck(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", one_module=True)
    build = builder(folder)
    build()
    text = (folder / "program.yaml").read_text(encoding="utf-8")
    (folder / "program.yaml").write_text(text.replace("paper_size: A4", "paper_size: Letter"), encoding="utf-8")
    pdfs = ["training/orientation-guide.pdf", "training/orientation-handout.pdf", "training/schedule.pdf"]
    assert sorted(build().rendered) == pdfs
    (folder / "templates").mkdir()
    (folder / "templates" / "print.css").write_text("html { color: #000; }\n", encoding="utf-8")
    assert sorted(build().rendered) == pdfs


def test_a_corrupt_cache_entry_is_a_miss_not_a_failure(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", one_module=True)
    build = builder(folder)
    first = build()
    for entry in RenderCache.beside(folder / "site", "training").root.glob("*.data"):
        entry.write_bytes(b"truncated")
    again = build()
    assert sorted(again.rendered) == sorted(first.rendered)
    assert files_of(again) == files_of(first)


# --- in `revmentor build` ----------------------------------------------------------------------


def test_build_writes_the_pack_under_training_and_links_it_from_the_handbook(tmp_path: Path) -> None:
    """The handout and schedule on the site; the guide and deck in private/trainer/, not linked."""
    from toolkit.pipeline import build

    folder = write_program(tmp_path / "prog", one_module=True, trainer_files="private")
    result = build(folder)
    site = result.output
    assert sorted(p.name for p in (site / "training").iterdir() if p.suffix in (".pdf", ".pptx")) == [
        "orientation-handout.pdf", "schedule.pdf"]
    assert sorted(p.name for p in (folder / "private" / "trainer").iterdir()) == [
        ".revmentor-manifest.json", "orientation-guide.pdf", "orientation-slides.pptx"]
    module_page = next(p for p in (site / "training").rglob("*.html") if "orientation" in p.as_posix())
    links = re.findall(r'href="([^"]+\.(?:pdf|pptx))"[^>]*>([^<]+)<', module_page.read_text(encoding="utf-8"))
    assert [(Path(href).name, text) for href, text in links] == [("orientation-handout.pdf", "Participant handout")]
    schedule_page = next(p for p in (site / "training").rglob("*.html") if "schedule" in p.as_posix())
    schedule = words(html.unescape(re.sub(r"<[^>]+>", " ", schedule_page.read_text(encoding="utf-8"))).replace("¶", ""))
    assert "1 module, 1 h of training in all." in schedule
    assert "Mentor 1 module, 1 h in all." in schedule and "Leader 1 module, 1 h in all." in schedule
    downloads = next(p for p in site.rglob("downloads*.html")).read_text(encoding="utf-8")
    assert "Orientation: participant handout" in downloads and "Training schedule" in downloads
    assert "facilitator guide" not in downloads and "slides" not in downloads
    assert (folder / CACHE_FOLDER / "site" / "training").is_dir()


def test_build_only_training_writes_just_the_pack(tmp_path: Path) -> None:
    from toolkit.pipeline import build

    folder = write_program(tmp_path / "prog", one_module=True, trainer_files="public")
    lines: list[str] = []
    result = build(folder, tmp_path / "pack", only="training", progress=lines.append)
    assert sorted(p.relative_to(result.output).as_posix() for p in result.output.rglob("*") if p.is_file()) == [
        ".revmentor-manifest.json", "training/orientation-guide.pdf", "training/orientation-handout.pdf",
        "training/orientation-slides.pptx", "training/schedule.pdf"]
    assert (result.pages, result.files) == (0, 4)
    assert re.fullmatch(r"Training pack written to .*pack/ \(4 files, \d+\.\d s\)", lines[-1])


def test_only_training_replaces_the_pack_and_keeps_the_rest_of_the_site(tmp_path: Path, run: Run) -> None:
    folder = write_program(tmp_path / "prog", one_module=True)
    site = tmp_path / "site"
    assert run("build", str(folder), "-o", str(site), "--quiet").exit_code == 0
    pages = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}
    program = folder / "program.yaml"
    program.write_text(program.read_text(encoding="utf-8").replace("title: Orientation", "title: Welcome day"), encoding="utf-8")

    result = run("build", str(folder), "-o", str(site), "--only", "training")

    assert result.exit_code == 0, result.output
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")} == pages
    assert "Welcome day" in PdfReader(site / "training" / "orientation-guide.pdf").pages[0].extract_text()
    manifest = json.loads((site / ".revmentor-manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["files"]) == sum(1 for p in site.rglob("*") if p.is_file()) - 1


# --- [trainer] the materials PDFs and the session-feedback forms ------------------------------


@pytest.fixture(scope="module")
def materials(flagship: tuple[LoadedProgram, Path]) -> dict[str, bytes]:
    """The flagship's trainer-only materials PDFs, by module id."""
    return {path.name.removesuffix("-materials.pdf"): path.read_bytes()
            for path in trainer(flagship[1]).glob("*-materials.pdf")}


@pytest.mark.parametrize("module_id", FLAGSHIP_MODULES)
def test_the_materials_pdf_holds_every_material_the_module_names(materials: dict[str, bytes],
                                                                 module_id: str) -> None:
    program = load_program(REPO).program
    module = next(m for m in program.training if m.id == module_id)
    named = module_materials_ids(module)
    if not named:
        assert module_id not in materials
        return
    known = {material.id: material for material in program.materials}
    reader = PdfReader(io.BytesIO(materials[module_id]))
    pages = [squash(page.extract_text()) for page in reader.pages]
    text = " ".join(pages)
    fields = reader.get_fields() or {}
    for material_id in named:
        material = known[material_id]
        assert squash(material.title) in text
        for card in material.cards:
            assert squash(card.text) in text
            if card.answer:
                assert squash(card.answer) in text
        for side in material.sides:  # a page per side, the other sides' briefs not on it
            page = next(p for p in pages if squash(side.brief) in p)
            assert all(squash(other.brief) not in page for other in material.sides if other is not side)
        for number, field in enumerate(material.fields, start=1):
            assert f"{material.id}-{number}" in fields and squash(field.label) in text
        if material.kind == "self-assessment":
            assessment = program.application.self_assessment  # type: ignore[union-attr]
            for item in assessment.items:  # type: ignore[union-attr]
                assert squash(item.statement) in text and f"{material.id}-{item.id}" in fields
            assert "Scoring" in text and all(squash(style.name) in text for style in assessment.styles)  # type: ignore[union-attr]


def test_cards_are_laid_out_several_to_a_page(materials: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(materials["orientation"]))
    program = load_program(REPO).program
    cards = next(m for m in program.materials if m.id == "myth-or-fact").cards
    pages_of = [next(n for n, page in enumerate(reader.pages) if squash(card.text) in squash(page.extract_text()))
                for card in cards]
    assert max(pages_of.count(n) for n in set(pages_of)) >= 6, pages_of


@pytest.mark.parametrize("module_id", [m for m in FLAGSHIP_MODULES])
def test_each_module_has_a_fillable_session_feedback_form(flagship: tuple[LoadedProgram, Path], module_id: str) -> None:
    loaded, site = flagship
    module = next(m for m in loaded.program.training if m.id == module_id)
    path = site / "training" / f"{module_id}-feedback.pdf"
    if module.feedback is None:
        assert not path.exists()
        return
    reader = PdfReader(path)
    text = squash(pdf_text(path))
    fields = reader.get_fields() or {}
    assert set(fields) == {f"q{n}" for n in range(1, len(module.feedback.questions) + 1)} | {"comment"}
    for question in module.feedback.questions:
        assert squash(question) in text
    assert squash(module.feedback.comment) in text
