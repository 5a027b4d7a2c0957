"""The second site engine: program.site_engine: zensical builds the handbook with Zensical.

Zensical runs in a child process over the same docs tree and effective mkdocs.yml the MkDocs
adapter makes; what it says comes back located, and what it would do behind our back (copy a
theme folder whole, skip hooks) is refused before anything is rendered. The privacy, offline,
search, hostile-markup and axe tests run against its flagship site too (conftest's
`zensical_flagship_site`, built once per session).
"""

from __future__ import annotations

import hashlib
import html
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from toolkit.errors import BuildError
from toolkit.program.validate import load_program
from toolkit.site.pages import handbook
from toolkit.site.zensical import build_site

from conftest import program_yaml, write_program

Run = Callable[..., Result]
ZENSICAL = program_yaml(program={"site_engine": "zensical"})


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_flagship_built_with_zensical_has_zensicals_index_and_labelled_task_boxes(
        zensical_flagship_site: Path) -> None:
    site = zensical_flagship_site
    assert '<meta name="generator" content="zensical-' in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "search.json").is_file() and not (site / "search" / "search_index.json").exists()
    checklist = (site / "checklist.html").read_text(encoding="utf-8")
    boxes = checklist.count('type="checkbox" disabled')
    assert boxes > 5
    assert checklist.count('aria-label="Done"') + checklist.count('aria-label="Not done yet"') == boxes
    assert (site / "training" / "orientation.html").is_file() and (site / "forms").is_dir()


def test_a_misspelled_site_engine_is_located_with_did_you_mean(make_program: Callable[..., Path], run: Run,
                                                              inside_program: None) -> None:
    make_program(program_yaml(program={"site_engine": "zensicle"}))
    result = run("validate", "program.yaml")
    assert result.exit_code == 1
    line = next(number for number, text in enumerate(Path("program.yaml").read_text().splitlines(), start=1)
                if "site_engine" in text)
    assert f"program.yaml:{line}:16: program.site_engine: expected one of 'mkdocs' or 'zensical', got 'zensicle'\n" \
           "  fix: did you mean 'zensical'?\n" in result.stderr


def test_without_zensical_installed_the_build_stops_before_anything_is_rendered(tmp_path: Path) -> None:
    """Zensical made unimportable in a real process (`sys.modules[name] = None`, Python's own way
    of blocking an import): one located error with the install command, and nothing made."""
    folder = write_program(tmp_path / "prog", ZENSICAL)
    line = next(number for number, text in enumerate((folder / "program.yaml").read_text().splitlines(), start=1)
                if "site_engine" in text)
    done = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['zensical'] = None; sys.argv = ['revmentor', 'build', 'prog'];"
         " from toolkit.__main__ import main; main()"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr == (
        f"prog/program.yaml:{line}:16: program.site_engine: the site is built with Zensical, which is not installed\n"
        "  fix: install it with pip install 'reverse-mentoring-toolkit[zensical]' (from a checkout: pip install"
        " '.[zensical]'), or remove site_engine to build with MkDocs\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prog"]  # no site/, no render cache


def test_a_theme_folder_and_hooks_are_refused_before_anything_is_rendered(tmp_path: Path, run: Run,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write_program(tmp_path / "prog", ZENSICAL, {
        "mkdocs.yml": """\
            theme:
              name: material
              custom_dir: overrides
            hooks:
              - hooks.py
            """,
        "overrides/main.html": '{% extends "base.html" %}\n',
        "hooks.py": "def on_page_content(html, **kwargs):\n    return html\n",
    })
    monkeypatch.chdir(tmp_path)

    result = run("build", "prog")

    assert result.exit_code == 1
    assert result.stderr == (
        "prog/mkdocs.yml:3:3: theme.custom_dir: Zensical copies a theme folder into the site whole, data files and"
        " all, and site_engine is zensical\n"
        "  fix: remove theme.custom_dir (put images and styles in content/, listed in extra_css), or build with"
        " MkDocs: remove site_engine from program.yaml\n"
        "prog/mkdocs.yml:4:1: hooks: Zensical does not run MkDocs hooks: it would skip them without a word, and"
        " site_engine is zensical\n"
        "  fix: remove hooks, or build with MkDocs: remove site_engine from program.yaml\n"
        "2 problems found.\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prog"]


NAME = "</title><script>alert(1)</script> Tech & <Next>"


def test_the_program_name_and_page_titles_are_text_in_the_title_and_header(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", program_yaml(ZENSICAL, program={"name": NAME}),
                           {"content/about.md": "# A <b>bold</b> &lt;/title&gt; heading\n\nText.\n"})
    loaded = load_program(folder)

    build_site(loaded, handbook(loaded.program, folder), tmp_path / "site")

    escaped = html.escape(NAME)
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f"<title>Home - {escaped}</title>" in home
    assert "<script>alert(1)</script>" not in home
    assert home.count(f'title="{escaped}" class="md-header__button md-logo" aria-label="{escaped}"') == 1
    about = (tmp_path / "site" / "about.html").read_text(encoding="utf-8")
    assert f"<title>A bold &lt;&#x2f;title&gt; heading - {escaped}</title>" in about


def test_a_broken_link_is_a_warning_at_its_line_and_column_and_strict_stops_the_build(tmp_path: Path,
                                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    roles = [{"id": "mentor", "name": "Mentor", "summary": "Shares what they know.",
              "time_commitment": "1 hour a fortnight", "content": "content/_includes/notes.md"},
             {"id": "mentee", "name": "Mentee", "summary": "Comes with questions.",
              "time_commitment": "1 hour a fortnight"}]
    folder = write_program(tmp_path / "prog", program_yaml(ZENSICAL, roles=roles), {
        "content/about.md": "# About\n\nSee [the goals](goals.md#nowhere)\nand [old notes](notes/old.md).\n",
        "content/_includes/notes.md": "## Notes\n\nSee [the plan](plan.md) first.\n"})
    monkeypatch.chdir(tmp_path)
    loaded = load_program(folder)
    book = handbook(loaded.program, folder)

    result = build_site(loaded, book, tmp_path / "site")

    assert [(w.file, w.line, w.column, w.message, w.fix) for w in result.warnings] == [
        ("prog/content/about.md", 3, 17, "broken link 'goals.md#nowhere': the doc 'goals.md' does not contain an"
         " anchor '#nowhere'", "link to a heading that exists: its anchor is the heading in lowercase with hyphens"),
        ("prog/content/about.md", 4, 17, "broken link 'notes/old.md': there is no page or file 'notes/old.md' in the"
         " site", "correct the link (it is relative to this page) or create the page"),
        # in a file the role's generated page includes: found there, the page named
        ("prog/content/_includes/notes.md", 3, 16, "broken link 'plan.md': there is no page or file 'roles/plan.md'"
         " in the site (in page roles/mentor.md)", "correct the link (it is relative to this page) or create the page"),
    ]
    with pytest.raises(BuildError) as stopped:
        build_site(loaded, book, tmp_path / "strict", strict=True)
    assert [(p.file, p.line, p.warning) for p in stopped.value.problems] == [
        ("prog/content/about.md", 3, False), ("prog/content/about.md", 4, False),
        ("prog/content/_includes/notes.md", 3, False), ("", None, False)]
    assert stopped.value.problems[-1].message == "3 problems in the site and --strict is set"


def test_a_failed_zensical_build_leaves_the_previous_site_untouched(tmp_path: Path, run: Run,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_program(tmp_path / "prog", ZENSICAL)
    monkeypatch.chdir(tmp_path)
    first = run("build", "prog")
    assert first.exit_code == 0, first.output
    assert "Building site with Zensical…" in first.stderr + first.stdout
    before = digests(tmp_path / "prog" / "site")
    assert "search.json" in before

    (folder / "mkdocs.yml").write_text("markdown_extensions:\n  - no_such_extension\n", encoding="utf-8")
    second = run("build", "prog")

    assert second.exit_code == 1
    assert second.stderr == (
        "prog/mkdocs.yml: Zensical failed: ModuleNotFoundError: No module named 'no_such_extension'\n"
        "  fix: check the plugins and markdown_extensions in mkdocs.yml; if they are fine, build with MkDocs (remove"
        " site_engine from program.yaml) and report it\n")
    assert digests(tmp_path / "prog" / "site") == before

