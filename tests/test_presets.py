"""The eight industry presets and `revmentor init`: complete, distinct, safe to fill, never overwriting."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import html
import itertools
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from toolkit.cli import cli
from toolkit.files.paths import data_dir
from toolkit.program.model import DEFAULT_EXCEPTIONS, DEFAULT_PROMISE, Program
from toolkit.program.validate import load_program
from toolkit.scaffold import init as scaffold
from toolkit.scaffold.init import markdown_literal, presets

from conftest import REPO

Run = Callable[..., Result]

PRESET_IDS = ["technology", "healthcare", "education", "finance", "marketing", "nonprofit", "retail", "human-resources"]
START = dt.date(2027, 3, 1)
INIT_FILES = ["program.yaml", "mkdocs.yml", "schema.json", ".gitignore", "content/welcome.md"]
GUIDES = ["guides/first-meeting.md", "guides/feedback-upward.md", "guides/remote-pairs.md", "_includes/confidentiality.md"]
"""The flagship's four guides, by their path under content/; every preset ships its own version of each."""
PRESET_FILES = [*INIT_FILES, *(f"content/{guide}" for guide in GUIDES)]
"""Every file init writes from a preset."""
NASTY_NAMES = [
    'Acme: "Ltd" #1',
    "{{ 7*7 }}",
    "{% if x %}y{% endif %}",
    "O'Brien & Sons <b>",
    "- dash",
    "? question",
    "*star* _under_",
    "&anchor",
    "!tag",
    "|pipe",
    ">fold",
    "%percent",
    "@at",
    "`tick`",
    "null",
    "yes",
    "2027-01-01",
    "[1, 2]",
    "{a: b}",
    "Ünïcode – Ltd 株式会社",
    "back\\slash",
    '"quoted"',
    "'single'",
    "two  spaces",
    "x" * 200,
]


def preset_program(preset_id: str) -> Program:
    loaded = load_program(scaffold.preset(preset_id).folder / "program.yaml")
    assert loaded.warnings == ()
    return loaded.program


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under `folder`: files by their SHA-256, folders and links by kind."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            entries[key] = "link"
        elif path.is_dir():
            entries[key] = "dir"
        else:
            entries[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return entries


# --- the presets as data ------------------------------------------------------------------


def test_the_index_lists_the_eight_presets_and_each_has_its_files() -> None:
    assert [p.id for p in presets()] == PRESET_IDS
    folders = sorted(p.name for p in scaffold.PRESETS_DIR.iterdir() if p.is_dir())
    assert folders == sorted(PRESET_IDS)
    for item in presets():
        assert (item.folder / "program.yaml").is_file()
        assert (item.folder / "welcome.md").is_file()
        assert item.line.endswith(".") and len(item.line) < 160


@pytest.mark.parametrize("preset_id", PRESET_IDS)
def test_every_preset_validates_strictly_and_is_complete(preset_id: str) -> None:
    program = preset_program(preset_id)
    assert program.program.organisation == scaffold.ORGANISATION
    assert scaffold.ORGANISATION in program.program.summary
    assert program.program.slide_template is None
    assert all(item.content is None for item in (*program.roles, *program.training))
    assert {"mentor", "mentee", "coordinator", "sponsor", "trainer"} <= {role.id for role in program.roles}
    assert all(goal.measures for goal in program.goals)
    assert 3 <= len(program.training) <= 4
    for module in program.training:
        assert module.objectives
        assert any(activity.facilitator_notes for activity in module.agenda), module.id
    assert program.checkins is not None and len(program.checkins.sessions) >= 4
    assert all(session.prompts and session.questions for session in program.checkins.sessions)
    assert len(program.checklist) >= 8
    assert len(program.challenges) >= 5
    assert program.faq and program.recognition
    assert program.feedback.scales and program.feedback.questions and program.feedback.surveys
    assert program.matching.rules.mentor_junior


@pytest.mark.parametrize("preset_id", PRESET_IDS)
def test_every_preset_says_where_concerns_go_and_how_a_pulse_reaches_the_coordinator(preset_id: str) -> None:
    """Its own promise and limits, a route for the program itself to the program's own address, a
    pulse returned to that address, and no session question that belongs on the private pulse."""
    program = preset_program(preset_id)
    section = program.confidentiality
    assert section.promise != DEFAULT_PROMISE and section.exceptions != DEFAULT_EXCEPTIONS
    assert len(section.concerns) >= 5
    match = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", program.program.contact or "")
    assert match, "the preset's contact names no e-mail address"
    program_route = section.concerns[-1]
    assert program_route.about.startswith("Your pairing or ") and match.group(0) in program_route.contact
    assert section.returns and match.group(0) in section.returns
    questions = [q.lower() for session in program.checkins.sessions for q in session.questions] if program.checkins else []
    assert [q for q in questions if "contact you" in q or "say what you think" in q] == []


def test_each_preset_speaks_its_own_field() -> None:
    """Terminology, program names and the field's own subjects differ from preset to preset."""
    programs = {preset_id: preset_program(preset_id) for preset_id in PRESET_IDS}
    names = [p.program.name for p in programs.values()]
    mentors = [p.program.terminology.mentor for p in programs.values()]
    mentees = [p.program.terminology.mentee for p in programs.values()]
    assert len(set(names)) == len(set(mentors)) == len(set(mentees)) == 8
    subjects = {
        "technology": ["AI coding assistant", "developer", "sandbox"],
        "healthcare": ["patient portal", "video clinic", "rota"],
        "education": ["learning platform", "student panel", "lesson"],
        "finance": ["mobile app", "Compliance", "scam"],
        "marketing": ["short video", "creator", "disclosure"],
        "nonprofit": ["fundraiser", "volunteer", "trustee"],
        "retail": ["click-and-collect", "range", "store"],
        "human-resources": ["hybrid", "candidate", "onboarding"],
    }
    for preset_id, words in subjects.items():
        text = (scaffold.preset(preset_id).folder / "program.yaml").read_text(encoding="utf-8").lower()
        for word in words:
            assert word.lower() in text, f"{preset_id} never mentions {word!r}"


@pytest.mark.parametrize("preset_id", PRESET_IDS)
def test_every_preset_measures_inclusion_by_the_cohort_it_recruits_and_a_question_its_surveys_ask(
    preset_id: str,
) -> None:
    """Issue 16: every field has people its leaders hear from least, so every preset has a goal
    `inclusion`. One measure counts the cohort's make-up from the export the matching runs on,
    once, for the cohort as a whole; another comes from a scale question that a survey going to
    the measure's role asks at each of the measure's moments, so the report can show it."""
    program = preset_program(preset_id)
    goal = next((goal for goal in program.goals if goal.id == "inclusion"), None)
    assert goal is not None, f"{preset_id} has no goal 'inclusion'"
    composition = [m for m in goal.measures if m.question is None and m.when == ("baseline",) and m.unit == "%"]
    assert composition, f"{preset_id}: no measure of the cohort's make-up, taken once at matching"
    for measure in composition:
        assert "export at matching" in measure.method and "smaller group" in measure.method, measure.method
    surveyed = [m for m in goal.measures if m.question is not None]
    assert surveyed, f"{preset_id}: no measure taken from a survey question"
    questions = {question.id: question for question in program.feedback.questions}
    for measure in surveyed:
        assert measure.question in questions and questions[measure.question].kind == "scale"
        for moment in measure.when:
            asking = [survey.id for survey in program.feedback.surveys if survey.moment == moment
                      and measure.question in survey.questions and (measure.role or "") in ("", *survey.audience)]
            assert asking, f"{preset_id}: no {moment} survey asks question {measure.question!r}"


def _goal_and_module_text(program: Program) -> str:
    parts: list[str] = []
    for goal in program.goals:
        parts += [goal.title, goal.description]
        parts += [text for measure in goal.measures for text in (measure.metric, measure.method)]
    for module in program.training:
        parts += [module.title, module.summary, *module.objectives, *module.questions, *module.key_points]
        parts += [*module.preparation, *module.materials, *module.follow_up]
        parts += [text for a in module.agenda for text in (a.title, a.description or "", a.facilitator_notes or "")]
        parts += [text for e in module.exercises for text in (e.title, e.instructions)]
    return " ".join(parts)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def shared_fraction(a: Program, b: Program) -> float:
    """How much of the smaller program's goal-and-module text the other one also contains.

    The texts are the goals (title, description, each measure's metric and method) and the
    training modules (title, summary, objectives, questions, key points, every agenda item's
    title, description and facilitator notes, exercises), lower-cased and cut into word
    3-grams ("shingles"). The figure is |A ∩ B| / min(|A|, |B|), the overlap coefficient:
    stricter than Jaccard, because a short preset copied into a long one scores 1.0 rather
    than the ratio of their lengths. A preset with the name swapped scores close to 1.0;
    independently written programs share only stock phrases ("the ground rules", "book your
    first") and score well under 0.1.
    """
    first, second = _shingles(_goal_and_module_text(a)), _shingles(_goal_and_module_text(b))
    return len(first & second) / min(len(first), len(second))


def test_no_two_presets_share_more_than_a_third_of_their_goal_and_module_text() -> None:
    programs = {preset_id: preset_program(preset_id) for preset_id in PRESET_IDS}
    programs["flagship"] = load_program(data_dir() / "program.yaml").program
    scores = {(a, b): shared_fraction(programs[a], programs[b]) for a, b in itertools.combinations(programs, 2)}
    too_close = {pair: round(score, 3) for pair, score in scores.items() if score > 1 / 3}
    assert not too_close, f"presets too alike (shared fraction of goal and module text): {too_close}"
    assert max(scores.values()) < 0.15  # today's figure is under 0.07; a jump means copying crept in


def test_the_similarity_measure_catches_a_renamed_copy() -> None:
    original = preset_program("healthcare")
    text = (scaffold.preset("healthcare").folder / "program.yaml").read_text(encoding="utf-8")
    renamed = Program.model_validate(
        yaml.safe_load(text.replace("Reverse Rounds", "Ward Link").replace("clinician", "manager"))
    )
    assert shared_fraction(original, renamed) > 0.8


def guide_versions(guide: str) -> dict[str, str]:
    """Every version of one guide: the flagship's and each preset's that has it, by preset id."""
    versions = {"flagship": (data_dir() / "content" / guide).read_text(encoding="utf-8")}
    for preset_id in PRESET_IDS:
        path = scaffold.preset(preset_id).folder / "content" / guide
        if path.is_file():
            versions[preset_id] = path.read_text(encoding="utf-8")
    return versions


def overlap(text: str, other: str) -> float:
    """The share of `text`'s word 3-grams that `other` also contains (lower-cased, as _shingles cuts them)."""
    own = _shingles(text)
    return len(own & _shingles(other)) / len(own)


def unique_fraction(text: str, others: list[str]) -> float:
    """The share of `text`'s word 3-grams found in none of `others`."""
    own = _shingles(text)
    seen = set().union(*(_shingles(other) for other in others))
    return len(own - seen) / len(own)


LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("preset_id", PRESET_IDS)
def test_every_preset_ships_the_four_guides_written_for_its_own_field(preset_id: str) -> None:
    """The flagship's guides (first meeting, feedback upward, remote pairs, confidentiality), each
    rewritten for the preset's field: 450 to 800 words, at least a quarter of its word 3-grams in no
    other version of the same guide, under three quarters shared with any one of them, and every
    link to a page the preset's handbook has."""
    content = scaffold.preset(preset_id).folder / "content"
    missing = [guide for guide in GUIDES if not (content / guide).is_file()]
    assert missing == [], f"the {preset_id} preset does not ship content/{', content/'.join(missing)}"
    program = preset_program(preset_id)
    assert program.confidentiality.content == "content/_includes/confidentiality.md"
    from toolkit.site.pages import plan

    pages = {page.path for page in plan(program)} | {
        path.relative_to(content).as_posix() for path in content.rglob("*.md") if "_includes" not in path.parts}
    for guide in GUIDES:
        versions = guide_versions(guide)
        text = versions.pop(preset_id)
        assert 450 <= len(text.split()) <= 800, (guide, len(text.split()))
        assert unique_fraction(text, list(versions.values())) >= 0.25, guide
        too_close = {name: round(overlap(text, other), 2) for name, other in versions.items()
                     if overlap(text, other) >= 0.75}
        assert too_close == {}, guide
        folder = "guides"  # the include lands on guides/confidentiality.md
        for target in LINK.findall(text):
            assert "://" not in target and not target.startswith("/"), (guide, target)
            resolved = os.path.normpath(f"{folder}/{target.split('#')[0]}").replace(os.sep, "/")
            assert resolved in pages, (guide, target)


def test_the_guide_measure_catches_a_renamed_copy() -> None:
    flagship = (data_dir() / "content" / "guides" / "first-meeting.md").read_text(encoding="utf-8")
    renamed = (flagship.replace("Crosswise", "Reverse Rounds").replace("Calder Vale", "St Aidan's")
               .replace("reverse mentor", "digital mentor").replace("leader", "senior clinician")
               .replace("Teams", "Zoom"))
    assert renamed != flagship
    assert unique_fraction(renamed, [flagship]) < 0.25
    assert overlap(renamed, flagship) >= 0.75


# --- filling in the organisation and the start date ---------------------------------------


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_organisation_names_round_trip_exactly(name: str, tmp_path: Path) -> None:
    scaffold.write_init(scaffold.prepare_init(tmp_path / "prog", "healthcare", name, START))
    program = load_program(tmp_path / "prog").program
    assert program.program.organisation == name
    assert program.program.summary == preset_program("healthcare").program.summary.replace(scaffold.ORGANISATION, name)
    assert program.program.start_date == START
    mkdocs = (tmp_path / "prog" / "mkdocs.yml").read_text(encoding="utf-8")
    assert yaml.load(mkdocs, Loader=yaml.BaseLoader)["site_name"] == "Reverse Rounds"
    welcome = (tmp_path / "prog" / "content" / "welcome.md").read_text(encoding="utf-8")
    assert f"Reverse Rounds is {markdown_literal(name)}'s reverse-mentoring programme" in welcome


@pytest.mark.parametrize("preset_id", PRESET_IDS)
def test_every_preset_fills_in_without_a_trace_of_the_token(preset_id: str, tmp_path: Path) -> None:
    name = 'Acme: "Ltd" #1 {{ 7*7 }}'
    scaffold.write_init(scaffold.prepare_init(tmp_path / preset_id, preset_id, name, START))
    loaded = load_program(tmp_path / preset_id)
    assert loaded.warnings == ()
    assert loaded.program.program.organisation == name
    assert loaded.program.program.summary == preset_program(preset_id).program.summary.replace(scaffold.ORGANISATION, name)
    for path in (tmp_path / preset_id).rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert scaffold.ORGANISATION not in text and scaffold.START_DATE not in text, path


def test_filling_keeps_comments_and_layout_of_untouched_lines() -> None:
    text = (scaffold.preset("finance").folder / "program.yaml").read_text(encoding="utf-8")
    filled = scaffold.fill(text, "Acme Bank", START, "finance")
    untouched = [line for line in text.splitlines() if scaffold.ORGANISATION not in line and "start_date" not in line]
    assert all(line in filled.splitlines() for line in untouched if line.startswith("#"))
    assert "  start_date: 2027-03-01\n" in filled
    assert "  organisation: Acme Bank\n" in filled


def test_the_flagship_gets_the_organisation_and_date_in_its_own_fields() -> None:
    text = (data_dir() / "program.yaml").read_text(encoding="utf-8")
    filled = scaffold.fill(text, "Acme: #1", START, "program.yaml", scaffold.FLAGSHIP_NAMES)
    data = yaml.load(filled, Loader=yaml.BaseLoader)
    assert data["program"]["organisation"] == "Acme: #1"
    assert data["program"]["start_date"] == "2027-03-01"
    questions = {question["id"]: question["text"] for question in data["feedback"]["questions"]}
    assert "I see my career at Acme: #1 in two years' time." in questions.values()
    assert "Calder Vale" not in filled
    assert filled.count("\n") == text.count("\n")


@pytest.mark.parametrize(("name", "renamed"), [
    ("Acme", "Acme's reverse-mentoring programme, at Acme."),
    ("St Thomas", "St Thomas' reverse-mentoring programme, at St Thomas."),
    ("Calder Vale Group", "Calder Vale Group's reverse-mentoring programme, at Calder Vale Group."),
])
def test_a_copy_of_the_flagship_names_the_new_organisation_possessives_included(name: str, renamed: str) -> None:
    text = "Calder Vale Logistics' reverse-mentoring programme, at Calder Vale."
    assert scaffold._renamed(text, scaffold.FLAGSHIP_NAMES, name) == renamed


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_init_from_the_flagship_leaves_no_trace_of_calder_vale(run: Run, tmp_path: Path, name: str) -> None:
    """Every page of the copy speaks of the reader's organisation, exactly as typed."""
    target = tmp_path / "prog"
    result = run("init", str(target), "--organisation", name, "--no-input")
    assert result.exit_code == 0, result.output
    texts = {path: path.read_text(encoding="utf-8") for path in target.rglob("*") if path.is_file()}
    assert [path for path, text in texts.items() if "Calder Vale" in text] == []
    loaded = load_program(target)
    assert loaded.program.program.organisation == name
    assert f"I see my career at {name} in two years' time." in [q.text for q in loaded.program.feedback.questions]
    import markdown

    about = markdown.markdown(texts[target / "content" / "about.md"], extensions=["attr_list", "tables"])
    assert f"Crosswise is {name}" in html.unescape(re.sub(r"<[^>]+>", "", about))


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_the_welcome_page_shows_the_name_as_typed(name: str) -> None:
    import markdown

    rendered = markdown.markdown(f"Welcome to {markdown_literal(name)} today.", extensions=["attr_list", "tables"])
    assert html.unescape(re.sub(r"</?p>", "", rendered)) == f"Welcome to {name} today."


def test_the_default_start_is_a_monday_at_least_four_weeks_away() -> None:
    assert scaffold.default_start(dt.date(2026, 11, 23)) == dt.date(2026, 12, 21)  # a Monday: 28 days on
    assert scaffold.default_start(dt.date(2026, 11, 24)) == dt.date(2026, 12, 28)
    assert scaffold.default_start(dt.date(2026, 11, 29)) == dt.date(2026, 12, 28)
    for offset in range(14):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=offset)
        start = scaffold.default_start(day)
        assert start.weekday() == 0 and 28 <= (start - day).days < 35


# --- revmentor init -----------------------------------------------------------------------


@pytest.mark.parametrize("preset_id", [*PRESET_IDS, None])
def test_init_writes_a_program_folder_that_validates_strictly(preset_id: str | None, run: Run, tmp_path: Path) -> None:
    target = tmp_path / "acme"
    args = ["init", str(target), "--organisation", "Acme Health", "--start", "2027-03-01", "--no-input"]
    result = run(*args, *(["--preset", preset_id] if preset_id else []))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    created = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    if preset_id:  # its content/ folder (the guides) copied whole; that every preset has them is tested above
        content = scaffold.preset(preset_id).folder / "content"
        copied = [f"content/{p.relative_to(content).as_posix()}" for p in content.rglob("*") if p.is_file()]
        assert created == sorted({*INIT_FILES, *copied})
    else:
        content = data_dir() / "content"
        expected = {"content/" + p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file()}
        assert set(created) == {"program.yaml", "mkdocs.yml", "schema.json", ".gitignore"} | expected
    loaded = load_program(target)
    assert loaded.warnings == ()
    assert loaded.program.program.organisation == "Acme Health"
    assert loaded.program.program.start_date == START
    mkdocs = yaml.load((target / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert mkdocs["site_name"] == loaded.program.program.name
    gitignore = (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"/site/", "/private/", "/.revmentor-cache/"} <= set(gitignore)
    assert f"  {target / 'program.yaml'}\n" in result.stdout
    assert (target / "schema.json").read_text(encoding="utf-8") == (REPO / "schema.json").read_text(encoding="utf-8")
    assert (target / "program.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=./schema.json\n")


def test_init_reports_what_it_made_and_what_to_do_next(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "st-marys"
    result = run("init", str(target), "--preset", "healthcare", "--organisation", "St Mary's", "--start", "2027-03-01")
    assert result.exit_code == 0
    assert result.stdout == (
        f"Created a program from the healthcare preset in {target}, for St Mary's, starting Monday 1 March 2027:\n"
        f"  {target / 'program.yaml'}\n"
        f"  {target / 'mkdocs.yml'}\n"
        f"  {target / 'schema.json'}\n"
        f"  {target / '.gitignore'}\n"
        f"  {target / 'content' / 'welcome.md'}\n"
        f"  {target / 'content' / '_includes' / 'confidentiality.md'}\n"
        f"  {target / 'content' / 'guides' / 'feedback-upward.md'}\n"
        f"  {target / 'content' / 'guides' / 'first-meeting.md'}\n"
        f"  {target / 'content' / 'guides' / 'remote-pairs.md'}\n"
        f"Next: edit {target / 'program.yaml'} (every page and form comes from it), then run\n"
        f"  revmentor validate {target}\n"
        f"  revmentor build {target}\n"
    )


def test_init_into_an_existing_folder_keeps_what_is_there(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "existing"
    (target / "content").mkdir(parents=True)
    (target / "content" / "about.md").write_text("# Ours\n", encoding="utf-8")
    (target / "notes.txt").write_text("keep me\n", encoding="utf-8")
    result = run("init", str(target), "--preset", "retail", "--no-input")
    assert result.exit_code == 0, result.output
    assert (target / "content" / "about.md").read_text(encoding="utf-8") == "# Ours\n"
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me\n"
    assert (target / "content" / "welcome.md").is_file()
    assert not list(tmp_path.glob(".revmentor-init-*")) and not list(target.glob(".revmentor-init-*"))


@pytest.mark.parametrize("existing", PRESET_FILES)
def test_init_refuses_when_any_of_its_files_exists_and_changes_nothing(
    existing: str, run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "prog"
    (target / existing).parent.mkdir(parents=True)
    (target / existing).write_text("mine\n", encoding="utf-8")
    (target / "roster.csv").write_text("id,name\n", encoding="utf-8")
    before = snapshot(target)
    result = run("init", str(target), "--preset", "finance", "--organisation", "Acme", "--no-input")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{target / existing}: already exists; init never overwrites a file, so nothing was written\n"
        "  fix: move it out of the way, or start the program in a new folder: revmentor init NEW-FOLDER\n"
    )
    assert snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prog"]


def test_init_names_every_file_in_the_way(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "prog"
    target.mkdir()
    (target / "program.yaml").write_text("program: {}\n", encoding="utf-8")
    (target / "content").write_text("a file where init needs a folder\n", encoding="utf-8")
    before = snapshot(target)
    result = run("init", str(target), "--preset", "nonprofit", "--no-input")
    assert result.exit_code == 1
    fix = "  fix: move it out of the way, or start the program in a new folder: revmentor init NEW-FOLDER\n"
    assert result.stderr == (
        f"{target / 'content'}: already exists; init never overwrites a file, so nothing was written\n{fix}"
        f"{target / 'program.yaml'}: already exists; init never overwrites a file, so nothing was written\n{fix}"
        "2 problems found.\n"
    )
    assert snapshot(target) == before


def test_the_flagship_refuses_over_any_of_its_content_files(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "prog"
    (target / "content" / "guides").mkdir(parents=True)
    (target / "content" / "guides" / "first-meeting.md").write_text("ours\n", encoding="utf-8")
    before = snapshot(target)
    result = run("init", str(target), "--no-input")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{target / 'content' / 'guides' / 'first-meeting.md'}: already exists;")
    assert snapshot(target) == before


def test_a_failed_init_leaves_no_half_folder(monkeypatch: pytest.MonkeyPatch, run: Run, tmp_path: Path) -> None:
    real_plan = scaffold.plan
    lines = []

    def broken_plan(*args: object) -> dict[str, bytes]:
        files = real_plan(*args)  # type: ignore[arg-type]
        files["program.yaml"] = files["program.yaml"].replace(b"duration_weeks: 17", b"duration_weeks: many")
        lines.append(files["program.yaml"].decode().splitlines().index("  duration_weeks: many") + 1)
        return files

    monkeypatch.setattr(scaffold, "plan", broken_plan)
    result = run("init", str(tmp_path / "new" / "deeper" / "prog"), "--preset", "healthcare", "--no-input")
    assert result.exit_code == 1
    target = tmp_path / "new" / "deeper" / "prog"
    assert result.stderr == (
        f"{target / 'program.yaml'}:{lines[0]}:19: program.duration_weeks: expected a whole number, got 'many'\n"
        "  fix: write digits only, e.g. 12\n"
        "the new program did not pass its own checks, so nothing was written\n"
        "  fix: this is a bug in the toolkit: please report it with the command you ran\n"
        "2 problems found.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_init_leaves_no_half_folder(monkeypatch: pytest.MonkeyPatch, run: Run, tmp_path: Path) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(scaffold.os, "rename", interrupted)
    result = run("init", str(tmp_path / "prog"), "--preset", "technology", "--no-input")
    assert result.exit_code == 130
    assert result.stderr == "Interrupted; no output was changed.\n"
    assert list(tmp_path.iterdir()) == []


def test_no_input_uses_the_defaults(run: Run, tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "prog"), "--no-input")
    assert result.exit_code == 0, result.output
    program = load_program(tmp_path / "prog").program
    assert program.program.organisation == "Your organisation"
    assert program.program.name == load_program(data_dir()).program.program.name
    assert program.program.start_date == scaffold.default_start(dt.date.today())


def test_with_no_terminal_init_asks_nothing(tmp_path: Path) -> None:
    """CI has no stdin: init must not wait for an answer or fail for the lack of one."""
    target = tmp_path / "prog"
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "init", str(target), "--preset", "education"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Organisation" not in result.stdout
    assert load_program(target).program.program.organisation == "Your organisation"


def test_at_a_terminal_init_asks_for_what_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("toolkit.cli._interactive", lambda: True)
    target = tmp_path / "prog"
    answers = "helthcare\nhealthcare\n  \nAcme: Health\n1 March\n2027-03-01\n"
    result = CliRunner().invoke(cli, ["init", str(target)], input=answers, prog_name="revmentor")
    assert result.exit_code == 0, result.output
    assert "Error: unknown preset 'helthcare' (did you mean 'healthcare'?)" in result.output
    assert "Error: the organisation's name is empty" in result.output
    assert "Error: '1 March' is not a date; write it as YYYY-MM-DD, e.g. 2027-03-01" in result.output
    default = scaffold.default_start(dt.date.today()).isoformat()
    assert f"Start date [{default}]: " in result.output
    program = load_program(target).program
    assert (program.program.name, program.program.organisation, program.program.start_date) == (
        "Reverse Rounds",
        "Acme: Health",
        START,
    )


def test_at_a_terminal_an_empty_preset_answer_means_the_flagship(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("toolkit.cli._interactive", lambda: True)
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "p")], input="\n\n\n", prog_name="revmentor")
    assert result.exit_code == 0, result.output
    assert "from the flagship example" in result.stdout
    assert load_program(tmp_path / "p").program.program.organisation == "Your organisation"


def test_an_unknown_preset_is_a_usage_error_listing_the_presets(run: Run, tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "prog"), "--preset", "helthcare", "--no-input")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--preset': unknown preset 'helthcare' (did you mean 'healthcare'?); "
        "choose one of technology, healthcare, education, finance, marketing, nonprofit, retail, human-resources\n"
    )
    assert not (tmp_path / "prog").exists()


def test_preset_names_are_forgiving_about_case_and_spaces(run: Run, tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "prog"), "--preset", "Human Resources", "--no-input")
    assert result.exit_code == 0, result.output
    assert load_program(tmp_path / "prog").program.program.name == "New Lens"


@pytest.mark.parametrize("start", ["2027-13-01", "1 March 2027", "2027-3-1", "20270301", ""])
def test_a_bad_start_date_is_a_usage_error_naming_the_format(start: str, run: Run, tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "prog"), "--start", start, "--no-input")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: Invalid value for '--start': '{start}' is not a date; write it as YYYY-MM-DD, e.g. 2027-03-01\n"
    )
    assert not (tmp_path / "prog").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "the organisation's name is empty; give it, e.g. --organisation 'Acme Health'"),
        ("Acme\nHealth", "the organisation's name must be one line with no control characters"),
        ("Acme\u2028Health", "the organisation's name must be one line with no control characters"),
        ("x" * 201, "the organisation's name is longer than 200 characters; shorten it"),
    ],
)
def test_an_unusable_organisation_is_a_usage_error(name: str, message: str, run: Run, tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "prog"), "--organisation", name, "--no-input")
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: Invalid value for '--organisation' / '--organization': {message}\n")


def test_a_file_where_the_folder_should_be_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    (tmp_path / "prog").write_text("", encoding="utf-8")
    result = run("init", str(tmp_path / "prog"), "--no-input")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: Invalid value for '[DIR]': '{tmp_path / 'prog'}' is a file; "
        "name a new folder, or an existing one, for the program\n"
    )


def test_presets_lists_each_preset_on_one_line(run: Run) -> None:
    result = run("presets")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == PRESET_IDS
    for line, item in zip(lines, presets(), strict=False):
        assert line == f"{item.id:<15}  {item.line}"
    assert lines[-1] == "Without --preset, init copies the flagship example: a logistics company's six-month pilot."


# --- the full output ----------------------------------------------------------------------


def _init_and_build(preset_id: str, root: str) -> tuple[str, int]:
    """Make a program from a preset and build it strictly; run in a worker process."""
    from toolkit.pipeline import build

    folder = Path(root) / preset_id
    scaffold.write_init(scaffold.prepare_init(folder, preset_id, "Acme {{ 7*7 }} & Co", START))
    result = build(folder, strict=True)
    return str(folder), len(result.warnings)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int]]:
    """Every preset initialised and built, in parallel: PDF forms make each build take seconds."""
    root = tmp_path_factory.mktemp("built")
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        futures = {preset_id: pool.submit(_init_and_build, preset_id, str(root)) for preset_id in PRESET_IDS}
        return {preset_id: (Path(f.result()[0]), f.result()[1]) for preset_id, f in futures.items()}


@pytest.mark.slow
@pytest.mark.parametrize("preset_id", PRESET_IDS)
def test_every_preset_builds_the_full_output(preset_id: str, built: dict[str, tuple[Path, int]]) -> None:
    folder, warnings = built[preset_id]
    assert warnings == 0
    site = folder / "site"
    assert (site / "index.html").is_file()
    welcome = (site / "welcome.html").read_text(encoding="utf-8")
    assert "Acme {{ 7*7 }} &amp; Co" in welcome
    program = load_program(folder).program
    for module in program.training:
        page = (site / "training" / f"{module.id}.html").read_text(encoding="utf-8")
        assert html.escape(module.title, quote=False) in page
        notes = [a.facilitator_notes for a in module.agenda if a.facilitator_notes]
        assert not any(" ".join(note.split()[:8]) in page for note in notes), "facilitator notes leaked"


def test_the_gitignore_keeps_every_file_with_personal_data_out_of_git(run: Run, tmp_path: Path) -> None:
    """The README's own example names, in any case, and none of the program's own files."""
    import subprocess

    target = tmp_path / "prog"
    assert run("init", str(target), "--preset", "technology", "--no-input").exit_code == 0
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    private = ["hr-export.xlsx", "Roster.xlsx", "ROSTER.CSV", "pairs.csv", "round-2/pairs.csv", "responses/final.csv",
               "Responses/mentors.xlsx", "exports/people.Xlsx", "survey.tsv", "old.xls", "private/packs/P001/a.pdf",
               "site/index.html", ".revmentor-cache/site/x"]
    public = ["program.yaml", "mkdocs.yml", "schema.json", "content/welcome.md", "templates/site/page.md.j2"]
    for name in private + public:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).touch()
    ignored = subprocess.run(["git", "-C", str(target), "-c", "core.ignorecase=false", "check-ignore", *private,
                              *public], capture_output=True, text=True, check=False).stdout.splitlines()
    assert ignored == private
