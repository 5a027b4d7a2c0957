"""A program folder is not a trust boundary: what a build publishes, refuses and escapes.

Markup typed into program.yaml is shown as typed on every page, the header, nav and title
included; the model is walked so that a text field added later is covered without a change here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import yaml
from click.testing import Result
from pydantic import BaseModel

import toolkit
from toolkit.program.loader import load_yaml
from toolkit.program.model import Program, Text

from conftest import REPO, with_zensical, write_program

Run = Callable[..., Result]
PAYLOAD = "Tech <Next> &copy; \"Bridge' </title><img src=x onerror=alert(1)>"
NOT_SHOWN = {
    ("ProgramInfo", "time_zone"): "an IANA zone name, checked against the zone database",
    ("ProgramInfo", "slide_template"): "names a .pptx file",
    ("ProgramInfo", "logo"): "names a .png file",
    ("Role", "content"): "names a Markdown file",
    ("Module", "content"): "names a Markdown file",
    ("Module", "trainer_content"): "names a Markdown file",
    ("Confidentiality", "content"): "names a Markdown file",
    ("Material", "text"): "Markdown, trusted like a content file, printed only in the trainer's materials PDF",
    ("Application", "topics"): "choices matched against an export's cells, where semicolons separate them",
    ("Application", "languages"): "choices matched against an export's cells, where semicolons separate them",
    ("Application", "availability"): "choices matched against an export's cells, where semicolons separate them",
    ("Matching", "levels"): "band names matched against the roster's level cells",
    ("CommunicationsPlan", "sender"): "an e-mail address, checked as one",
    ("CommunicationsPlan", "handbook_url"): "the handbook's address, the start of the links in messages",
    ("ExportColumn", "header"): "a column header matched against a survey tool's export",
    ("SurveyExport", "file"): "a file-name pattern matched against a survey tool's export",
    ("ModuleSession", "room"): "a further run of a module is printed in the trainer's guide, not on the site",
    ("ModuleSession", "trainers"): "a further run of a module is printed in the trainer's guide, not on the site",
}
"""Text fields that name something rather than say something: they keep the flagship's value."""


def _is_text(annotation: Any, metadata: list[Any]) -> bool:
    if annotation is str and metadata == list(get_args(Text)[1:]):
        return True
    return annotation == Text or any(_is_text(arg, []) for arg in get_args(annotation) if arg is not Ellipsis)


def _is_list(annotation: Any) -> bool:
    """Whether a field holds a list (a tuple of texts), alone or in a union."""
    return get_origin(annotation) in (tuple, list) or any(_is_list(arg) for arg in get_args(annotation))


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) if arg is not Ellipsis for model in _models(arg)]


def text_fields(model: type[BaseModel], seen: set[str] | None = None) -> set[tuple[str, str]]:
    """Every (model, field) holding free text, reachable from `model`."""
    seen = seen if seen is not None else set()
    seen.add(model.__name__)
    found = set()
    for name, field in model.model_fields.items():
        if _is_text(field.annotation, field.metadata):
            found.add((model.__name__, name))
        for sub in _models(field.annotation):
            if sub.__name__ not in seen:
                found |= text_fields(sub, seen)
    return found


def fill(model: type[BaseModel], data: Any, filled: set[tuple[str, str]]) -> None:
    """Put PAYLOAD into every text field of `data` (a mapping or a list of them) that `model` describes;
    a list item written as a bare sentence (a step given as text) becomes PAYLOAD itself."""
    if isinstance(data, list):
        data[:] = [PAYLOAD if isinstance(item, str) else item for item in data]
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, str):
            continue
        for name, field in model.model_fields.items():
            if (model.__name__, name) in NOT_SHOWN:
                continue
            if _is_text(field.annotation, field.metadata):
                value = item.get(name)
                listed = isinstance(value, list) or (value is None and _is_list(field.annotation))
                item[name] = [PAYLOAD] * max(2, len(value or ())) if listed else PAYLOAD
                filled.add((model.__name__, name))
            for sub in _models(field.annotation):
                if isinstance(item.get(name), (dict, list)):
                    fill(sub, item[name], filled)


class _Page(HTMLParser):
    """The elements, attributes and text of a page, and its <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.title = ""
        self._in_title = False
        self._scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copytree(REPO / "content", folder / "content")
    data = load_yaml(REPO / "program.yaml").data
    filled: set[tuple[str, str]] = set()
    fill(Program, data, filled)
    missing = text_fields(Program) - filled - set(NOT_SHOWN)
    assert not missing, f"the flagship has no value for these text fields; add one to this test: {sorted(missing)}"
    (folder / "program.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    toolkit.build(folder, folder / "site")
    return folder / "site"


@pytest.fixture(scope="module")
def hostile_zensical_site(hostile_site: Path) -> Path:
    """The same hostile program's site built by Zensical, its documents from the MkDocs build's cache."""
    from toolkit.pipeline import prepare_build, write_build
    from toolkit.render.cache import output_cache

    folder = hostile_site.parent
    program = folder / "program.yaml"
    program.write_text(with_zensical(program.read_text(encoding="utf-8")), encoding="utf-8")
    write_build(prepare_build(folder), folder / "zensical-site", cache=output_cache(hostile_site))
    return folder / "zensical-site"


def test_the_walk_finds_the_text_fields_of_the_model() -> None:
    fields = text_fields(Program)
    assert {("ProgramInfo", "name"), ("Goal", "title"), ("Terminology", "mentor"), ("Faq", "answer"),
            ("Scale", "labels"), ("Module", "objectives")} <= fields
    assert ("Goal", "id") not in fields and ("ProgramInfo", "language") not in fields


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_markup_in_every_text_field_is_shown_as_typed_on_every_page(engine: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue("hostile_site" if engine == "mkdocs" else "hostile_zensical_site")
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        parsed = _Page()
        parsed.feed(page.read_text(encoding="utf-8"))
        where = page.relative_to(site)
        assert not [tag for tag, _ in parsed.tags if tag == "next"], where
        assert not [(tag, attrs) for tag, attrs in parsed.tags if tag == "img" and attrs.get("src") == "x"], where
        assert not [(tag, name) for tag, attrs in parsed.tags for name in attrs if name.startswith("on")], where
        assert PAYLOAD in parsed.title, where
        assert PAYLOAD in "".join(parsed.text), where
        logos = [attrs for tag, attrs in parsed.tags if "md-logo" in (attrs.get("class") or "")]
        assert logos and all(attrs["aria-label"] == PAYLOAD and attrs["title"] == PAYLOAD for attrs in logos), where


# --- what a build publishes ----------------------------------------------------------------

def test_only_pages_and_their_files_are_published_from_content_and_the_theme_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_program(tmp_path / "prog", files={
        "mkdocs.yml": """\
            site_name: x
            theme:
              name: material
              custom_dir: overrides
            extra_javascript:
              - javascripts/mermaid.min.js
            markdown_extensions:
              - pymdownx.snippets
              - pymdownx.superfences:
                  custom_fences:
                    - name: mermaid
                      class: mermaid
                      format: !!python/name:pymdownx.superfences.fence_code_format
            """,
        "content/about.md": "# About\n\n--8<-- \"_includes/who.md\"\n\n```mermaid\ngraph LR\n  A --> B\n```\n",
        "content/_includes/who.md": "The coordinators run it.\n",
        "content/javascripts/mermaid.min.js": "window.mermaid = {};\n",
        "content/picture.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
        "content/roster.csv": "id,name\nm1,Ana\n",
        "content/about.md~": "# Old\n",
        "content/notes.yaml": "a: 1\n",
        "overrides/main.html": '{% extends "base.html" %}\n',
        "overrides/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
        "overrides/roster.xlsx": "not really a workbook\n",
    })
    (tmp_path / "id_rsa").write_text("PRIVATE KEY\n", encoding="utf-8")
    (folder / "content" / "id_rsa").symlink_to(tmp_path / "id_rsa")
    monkeypatch.chdir(tmp_path)

    result = toolkit.build(folder, tmp_path / "out")

    site = tmp_path / "out"
    published = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert {"about.html", "picture.svg", "logo.svg", "javascripts/mermaid.min.js"} <= published
    assert not {"roster.csv", "about.md~", "notes.yaml", "roster.xlsx", "_includes/who.md", "id_rsa"} & published
    assert "The coordinators run it." in (site / "about.html").read_text(encoding="utf-8")
    assert [(w.file, w.message) for w in result.warnings] == [
        ("prog/content/about.md~", "left out of the site: an editor's backup is never published"),
        ("prog/content/id_rsa", f"left out of the site: it is a link to {tmp_path / 'id_rsa'}, outside the program"
                                " folder"),
        ("prog/content/notes.yaml", "left out of the site: a data file (YAML) is never published"),
        ("prog/content/roster.csv", "left out of the site: a data file (CSV) is never published"),
        ("prog/overrides/roster.xlsx", "left out of the site: a data file (XLSX) is never published"),
    ]


def test_a_huge_mkdocs_yml_is_refused_before_it_is_parsed(tmp_path: Path, run: Run,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_program(tmp_path / "prog")
    (folder / "mkdocs.yml").write_text("site_name: x\nextra:\n" + "  k: v\n" * 400_000, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    result = run("build", "prog", "-o", "out")

    assert result.exit_code == 1
    assert result.stderr == (
        "prog/mkdocs.yml: is 2,800,020 bytes; the limit is 2,097,152\n"
        "  fix: a mkdocs.yml is a few kilobytes of settings: pages go in content/\n")
    assert not (tmp_path / "out").exists()


def test_a_repository_on_another_host_than_github_or_gitlab_is_only_a_link(tmp_path: Path) -> None:
    """Material fetches stars and forks from GitHub's and GitLab's APIs only."""
    from toolkit.program.validate import load_program
    from toolkit.site.mkdocs import prepare
    from toolkit.site.pages import handbook

    folder = write_program(tmp_path / "prog", files={"mkdocs.yml": "repo_url: https://git.acme.example/bridge\n"})
    loaded = load_program(folder)
    _, _, _, warnings = prepare(loaded, handbook(loaded.program, folder), tmp_path / "work", tmp_path / "out")
    assert warnings == []
