"""The handbook site, built for real with MkDocs from small programs written inline."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from conftest import REPO
from sitekit import (
    PAGES,
    PROGRAM,
    Watched,
    env_without_color,
    external_assets,
    flagship_site,
    free_port,
    hashes,
    write_program,
)

Run = Callable[..., Result]


@pytest.fixture
def program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The inline program in tmp_path/prog, with tmp_path as the working folder."""
    monkeypatch.chdir(tmp_path)
    return write_program(tmp_path / "prog")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The inline program's site, built once for the tests that only read it, under the usual umask (022)."""
    from toolkit.pipeline import build

    folder = write_program(tmp_path_factory.mktemp("built") / "prog", files={
        "content/about.md": "# About Bridge\n\nWritten by hand.\n",
        "content/guides/first-meeting.md": "# Your first meeting\n\nBring a question.\n",
    })
    umask = os.umask(0o022)
    try:
        build(folder)
    finally:
        os.umask(umask)
    return folder / "site"


def text_of(page: Path) -> str:
    return page.read_text(encoding="utf-8")


# --- what the site holds -----------------------------------------------------------------


def test_every_page_exists(built: Path) -> None:
    missing = [page for page in PAGES if not (built / page).is_file()]
    assert missing == []
    assert (built / "about.html").is_file() and (built / "guides/first-meeting.html").is_file()


def test_the_site_follows_the_umask_so_a_web_server_can_read_it(built: Path) -> None:
    """Under umask 022 every folder is 0755 and every file 0644: no 0700 staging folder shows through."""
    modes = {path.relative_to(built.parent).as_posix(): oct(path.stat().st_mode & 0o7777)
             for path in [built, *built.rglob("*")]}
    odd = {name: mode for name, mode in modes.items()
           if mode != (oct(0o755) if (built.parent / name).is_dir() else oct(0o644))}
    assert odd == {}
    assert modes["site"] == oct(0o755) and modes["site/index.html"] == oct(0o644)
    cache = built.parent / ".revmentor-cache"
    assert {oct(path.stat().st_mode & 0o777) for path in cache.rglob("*") if path.is_file()} == {oct(0o644)}


def test_the_timeline_and_the_goals_are_pictures_with_their_text_alternative(built: Path) -> None:
    timeline = text_of(built / "timeline.html")
    assert timeline.count('<svg class="rm-picture" id="rm-timeline" role="img"'
                          ' aria-labelledby="rm-timeline-title rm-timeline-desc"') == 1
    assert '<title id="rm-timeline-title">Timeline of Bridge: 12 weeks, Mon 2 Mar 2026 to Sun 24 May 2026</title>' in timeline
    desc = re.search(r'<desc id="rm-timeline-desc">([^<]*)</desc>', timeline)
    assert desc is not None and desc.group(1) == (
        "Phases: Launch: weeks 1 to 2. Training: Orientation: week 1, Mon 2 Mar 2026; Giving upward feedback: week 2,"
        " Mon 9 Mar 2026. Check-ins: Start: week 2, Mon 9 Mar 2026; Middle: week 6, Mon 6 Apr 2026; End: week 10,"
        " Mon 4 May 2026.")
    assert "Today" not in timeline, "the program is over: no day of it is today"
    goals = text_of(built / "goals.html")
    assert ('<title id="rm-goal-digital-title">&lt;script&gt;alert(1)&lt;/script&gt; Digital confidence: each measure'
            ' from its baseline to its target</title>') in goals
    assert ('<desc id="rm-goal-digital-desc">Leaders confident with AI tools: from baseline 20 % to target 60 %.'
            '</desc>') in goals
    assert "<script>alert(1)</script>" not in goals and "<script" not in goals.split('<svg', 1)[1].split("</svg>")[0]


def test_the_home_page_has_a_card_per_role_and_check_ins_link_their_forms_and_calendar(built: Path) -> None:
    home = text_of(built / "index.html")
    cards = home.split('<div class="grid cards rm-roles">', 1)[1].split("</div>", 1)[0]
    assert re.findall(r'<a href="(roles/[a-z]+\.html)">Start here: the ([^<]+) page</a>', cards) == [
        ("roles/mentor.html", "Digital mentor"), ("roles/mentee.html", "Leader")]
    checkins = text_of(built / "checkins.html")
    links = re.findall(r'<a href="([^"]+\.(?:pdf|ics))"', checkins)
    assert {"forms/agreement.pdf", "forms/pulse-mentor.pdf", "forms/pulse-mentee.pdf", "forms/checkin-1.pdf",
            "forms/checkin-3.pdf"} <= set(links)
    assert "calendar/bridge.ics" in links
    for role in ("mentor", "mentee"):
        assert f'<a href="../calendar/bridge-{role}.ics">your sessions (.ics)</a>' in text_of(built / f"roles/{role}.html")


def test_search_index_holds_every_module_title(built: Path) -> None:
    index = json.loads(text_of(built / "search/search_index.json"))
    titles = {doc["title"] for doc in index["docs"]}
    assert {"Orientation", "Giving upward feedback"} <= titles
    assert (built / "search/search_index.js").read_text(encoding="utf-8").startswith("var __index = ")


def test_no_page_loads_anything_from_another_host(built: Path) -> None:
    assert external_assets(built) == {}
    home = text_of(built / "index.html")
    assert "fonts.googleapis.com" not in home and "unpkg.com" not in home
    assert 'src="assets/revmentor/iframe-worker-shim.js"' in home


def test_the_site_leaves_out_the_themes_source_maps_and_unused_search_languages(built: Path) -> None:
    assert sorted(path.name for path in built.rglob("*.map")) == []
    scripts = [path for path in (built / "assets").rglob("*.js") if b"sourceMappingURL" in path.read_bytes()]
    assert scripts == []
    assert not (built / "assets/javascripts/lunr").exists()  # an English program's search needs none of it
    assert 'src="assets/javascripts/bundle.' in text_of(built / "index.html")


def test_search_keeps_the_language_files_materials_worker_loads() -> None:
    import material

    from toolkit.site.prune import LUNR, search_files

    assert search_files(["en"]) == set()
    assert search_files(["de"]) == {f"{LUNR}min/lunr.de.min.js", f"{LUNR}min/lunr.stemmer.support.min.js"}
    assert search_files(["en", "ja"]) == {f"{LUNR}min/lunr.ja.min.js", f"{LUNR}tinyseg.js",
                                          f"{LUNR}min/lunr.multi.min.js", f"{LUNR}min/lunr.stemmer.support.min.js"}
    theme = Path(material.__file__).parent / "templates"
    worker = next((theme / "assets/javascripts/workers").glob("search.*.min.js")).read_text(encoding="utf-8")
    for name in ("tinyseg.js", "wordcut.js", "min/lunr.multi.min.js", "min/lunr.stemmer.support.min.js"):
        assert name in worker  # the worker still loads them by these names
    assert all((theme / name).is_file() for name in search_files(["de", "ja", "th"]))


def test_hand_written_pages_join_the_nav(built: Path) -> None:
    home = text_of(built / "index.html")
    assert 'href="about.html"' in home
    assert 'href="guides/first-meeting.html"' in home
    nav = re.findall(r'<a href="([^"#]+)" class="md-nav__link', home)
    assert nav.index("faq.html") < nav.index("about.html") < nav.index("downloads.html")


def test_user_text_is_shown_as_typed_never_run(built: Path) -> None:
    goals = text_of(built / "goals.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Digital confidence" in goals
    assert "<script>alert(1)" not in goals
    assert "Literal {{ 7*7 }} and [x](javascript:alert(1)) and &lt;img src=x onerror=alert(2)&gt;" in goals
    assert 'href="javascript:' not in goals and "<img src=x" not in goals
    assert "49" not in re.sub(r"<[^>]*>", "", goals)


def test_facilitator_notes_are_not_published(built: Path) -> None:
    leaks = [path.name for path in built.rglob("*") if path.is_file() and b"SECRET-NOTE" in path.read_bytes()]
    assert leaks == []
    assert "Pairs meet" in text_of(built / "training/orientation.html")


def test_module_page_has_a_timed_agenda(built: Path) -> None:
    page = text_of(built / "training/orientation.html")
    assert "09:30 to 09:45" in page and "09:45 to 10:15" in page
    assert "Know the program" in page and "Listen first" in page


def test_checkin_dates_are_computed_from_the_start_date(built: Path) -> None:
    page = re.sub(r"<[^>]*>", "", text_of(built / "checkins.html"))
    assert "Week 2, Mon 9 Mar 2026." in page
    assert "Week 6, Mon 6 Apr 2026." in page
    assert "Week 10, Mon 4 May 2026." in page
    assert "What do you want to learn" in page and "What went well" in page


def test_checklist_is_a_task_list_with_owner_and_phase(built: Path) -> None:
    page = text_of(built / "checklist.html")
    assert page.count('class="task-list-item"') == 2
    assert page.count('type="checkbox" disabled checked') == 1
    text = re.sub(r"<[^>]*>", "", page)
    assert "Owner: Digital mentor · Phase: Launch" in text and "1 of 2 done." in text


def test_role_pages_use_the_program_terms_and_their_includes(built: Path) -> None:
    mentor = text_of(built / "roles/mentor.html")
    assert "Notes from the trial" in mentor and "start with a demonstration" in mentor
    assert not (built / "_includes").exists()
    roles = re.sub(r"<[^>]*>", "", text_of(built / "roles/index.html"))
    assert "the Digital mentor shares what they know with the Leader" in roles


# --- how a program folder shapes the site ------------------------------------------------


def test_a_content_page_replaces_the_generated_page_at_its_path(program: Path, run: Run) -> None:
    (program / "content").mkdir(exist_ok=True)
    (program / "content/faq.md").write_text("# Our own FAQ\n\nAsk us anything.\n", encoding="utf-8")
    result = run("build", "prog", "--quiet")
    assert result.exit_code == 0, result.output
    assert "Ask us anything." in text_of(program / "site/faq.html")
    assert not (program / "content/index.md").exists(), "generated pages never land in content/"


def test_a_template_in_the_program_folder_overrides_the_packaged_one(program: Path, run: Run) -> None:
    (program / "templates/handbook").mkdir(parents=True)
    (program / "templates/handbook/faq.md.j2").write_text(
        "# Questions for {{ info.name }}\n\n{% for item in program.faq %}- {{ item.question }}\n{% endfor %}",
        encoding="utf-8")
    assert run("build", "prog", "-q").exit_code == 0
    assert "Questions for Bridge" in text_of(program / "site/faq.html")


def test_an_undefined_value_in_a_user_template_names_the_template_and_line(program: Path, run: Run) -> None:
    (program / "templates/handbook").mkdir(parents=True)
    (program / "templates/handbook/faq.md.j2").write_text("# FAQ\n\n{{ program.nothing }}\n", encoding="utf-8")
    result = run("build", "prog")
    assert result.exit_code == 1
    assert result.stderr == (
        "prog/templates/handbook/faq.md.j2:3: undefined value in template: 'toolkit.program.model.Program object' has no"
        " attribute 'nothing'\n"
        "  fix: check the spelling of the variable or attribute against the values this template receives (see the"
        " packaged template of the same name), or guard it with `{% if ... is defined %}`\n"
    )
    assert not (program / "site").exists()


def test_a_template_syntax_error_names_the_template_and_line(program: Path, run: Run) -> None:
    (program / "templates/handbook").mkdir(parents=True)
    (program / "templates/handbook/goals.md.j2").write_text("# Goals\n{% for goal in program.goals %}\n",
                                                            encoding="utf-8")
    result = run("build", "prog")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "prog/templates/handbook/goals.md.j2:2: template syntax error: Unexpected end of template."
    )
    assert "Traceback" not in result.output


def test_the_program_folders_mkdocs_yml_is_used_with_offline_settings_forced(program: Path, run: Run) -> None:
    (program / "mkdocs.yml").write_text(
        "site_name: ignored\ntheme:\n  name: material\n  font:\n    text: Roboto\n"
        "  palette:\n    primary: teal\nextra:\n  generator: false\n", encoding="utf-8")
    result = run("build", "prog")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "prog/mkdocs.yml:4: warning: theme.font is ignored: web fonts would be loaded from Google's servers, and the"
        " handbook makes no request outside the site\n"
        "  fix: remove theme.font (the site uses the reader's system fonts)\n"
    )
    home = text_of(program / "site/index.html")
    assert 'data-md-color-primary="teal"' in home and "<title>Bridge</title>" in home
    assert external_assets(program / "site") == {}
    strict = run("build", "prog", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr.endswith("1 problem in the site and --strict is set\n"
                                  "  fix: fix the problems above, or build without --strict\n2 problems found.\n")


def test_docs_dir_and_site_dir_in_mkdocs_yml_are_ignored_with_a_warning(program: Path, run: Run) -> None:
    (program / "mkdocs.yml").write_text("site_name: x\ndocs_dir: docs\nsite_dir: public\n", encoding="utf-8")
    result = run("build", "prog", "-q")
    assert result.exit_code == 0
    assert result.stderr == (
        "prog/mkdocs.yml:2: warning: docs_dir is ignored: hand-written pages are read from content/\n"
        "  fix: remove docs_dir from mkdocs.yml\n"
        "prog/mkdocs.yml:3: warning: site_dir is ignored: the output folder is chosen with -o (default: site/)\n"
        "  fix: remove site_dir from mkdocs.yml\n"
    )
    assert (program / "site/index.html").is_file() and not (program / "public").exists()


def test_a_helper_called_wrongly_in_a_user_template_names_the_line(program: Path, run: Run) -> None:
    (program / "templates/handbook").mkdir(parents=True)
    (program / "templates/handbook/faq.md.j2").write_text("# FAQ\n\n{{ date('2026') }}\n", encoding="utf-8")
    result = run("build", "prog")
    assert result.exit_code == 1
    assert result.stderr == (
        "prog/templates/handbook/faq.md.j2:3: template error: AttributeError: 'str' object has no attribute"
        " 'weekday'\n"
        "  fix: check the values given to the helpers and filters on this line\n"
    )


def test_mkdocs_yml_may_not_run_python(program: Path, run: Run) -> None:
    (program / "mkdocs.yml").write_text("site_name: x\nhooks: !!python/object/apply:os.system [echo hi]\n",
                                        encoding="utf-8")
    result = run("build", "prog")
    assert result.exit_code == 1
    assert result.stderr == (
        "prog/mkdocs.yml:2:8: YAML error: the tag !!python/object/apply:os.system is not allowed\n"
        "  fix: use only !ENV, !relative and !!python/name: tags, which MkDocs resolves\n"
    )


def test_the_effective_config_is_written_by_a_yaml_dumper(tmp_path: Path) -> None:
    from toolkit.program.validate import load_program
    from toolkit.site.mkdocs import prepare
    from toolkit.site.pages import handbook

    folder = write_program(tmp_path / "prog", PROGRAM.replace("name: Bridge", 'name: "Bridge: a \\"quoted\\" #1"'))
    (folder / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n", encoding="utf-8")
    loaded = load_program(folder)
    config_path, _, _, _ = prepare(loaded, handbook(loaded.program, folder), tmp_path / "work", tmp_path / "out")
    text = config_path.read_text(encoding="utf-8")
    assert "!!python/name:material.extensions.emoji.to_svg" in text
    config = yaml.load(text, Loader=TagsAsText)
    assert config["site_name"] == 'Bridge: a "quoted" #1'
    assert config["theme"]["font"] is False
    assert config["use_directory_urls"] is False
    assert [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]] == ["search", "offline"]


class TagsAsText(yaml.SafeLoader):
    """Reads MkDocs' !!python/name: tags as their text, without importing anything."""


TagsAsText.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: f"{suffix}")


# --- links and --strict ------------------------------------------------------------------


def test_a_broken_link_warns_and_strict_fails_naming_page_line_and_link(program: Path, run: Run) -> None:
    (program / "content").mkdir(exist_ok=True)
    (program / "content/about.md").write_text("# About\n\nSee [the plan](nowhere.md).\n", encoding="utf-8")
    (program / "site").mkdir()
    relaxed = run("build", "prog")
    assert relaxed.exit_code == 0
    assert relaxed.stderr == (
        "prog/content/about.md:3:16: warning: broken link 'nowhere.md': there is no page or file 'nowhere.md' in the"
        " site\n"
        "  fix: correct the link (it is relative to this page) or create the page\n"
    )
    before = {p: p.read_bytes() for p in (program / "site").rglob("*") if p.is_file()}
    strict = run("build", "prog", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr == (
        "prog/content/about.md:3:16: broken link 'nowhere.md': there is no page or file 'nowhere.md' in the site\n"
        "  fix: correct the link (it is relative to this page) or create the page\n"
        "1 problem in the site and --strict is set\n"
        "  fix: fix the problems above, or build without --strict\n"
        "2 problems found.\n"
    )
    assert {p: p.read_bytes() for p in (program / "site").rglob("*") if p.is_file()} == before


def test_a_broken_link_in_an_include_names_the_included_file(program: Path, run: Run) -> None:
    (program / "content/_includes/mentor-notes.md").write_text("## Notes\n\nRead [this](../missing.md).\n",
                                                               encoding="utf-8")
    result = run("build", "prog", "--strict")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "prog/content/_includes/mentor-notes.md:3:13: broken link '../missing.md': there is no page or file"
        " 'missing.md' in the site (in page roles/mentor.md)\n"
    )


def test_the_flagship_builds_strictly_with_every_page(tmp_path_factory: pytest.TempPathFactory) -> None:
    site = flagship_site(tmp_path_factory)
    program = yaml.safe_load((REPO / "program.yaml").read_text(encoding="utf-8")) or {}
    modules = [m["id"] for m in program.get("training", [])]
    roles = [r["id"] for r in program.get("roles", [])]
    expected = [p for p in PAGES if "/" not in p or p.endswith("index.html")]
    expected += [f"training/{m}.html" for m in modules] + [f"roles/{r}.html" for r in roles]
    assert [p for p in expected if not (site / p).is_file()] == []
    titles = {doc["title"] for doc in json.loads(text_of(site / "search/search_index.json"))["docs"]}
    assert {m["title"] for m in program.get("training", [])} <= titles
    assert external_assets(site) == {}


# --- progress and serve -------------------------------------------------------------------


def test_build_prints_progress_unless_quiet(program: Path, run: Run) -> None:
    result = run("build", "prog")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:6] == ["Generating 16 pages…", "Training pack: 3 files (3 made, 0 from the cache)",
                         "Blank forms: 6 files (6 made, 0 from the cache)", "Calendar: 3 files (3 made, 0 from the cache)",
                         "Trainer's pack: 4 files (4 made, 0 from the cache)", "Building site with MkDocs…"]
    assert re.fullmatch(r"Site written to prog/site/ \(16 pages, \d+\.\d s\)", lines[6])
    assert lines[7:] == [
        "Trainer's pack written to prog/private/trainer/ (4 files)",
        "Written:", "  prog/site/             the handbook, 16 pages", "  prog/site/training/    training pack, 3 files",
        "  prog/site/forms/       blank forms, 6 files", "  prog/site/calendar/    calendar, 3 files",
        "  prog/private/trainer/  trainer's pack, 4 files (facilitator guides and slide decks, for trainers only:"
        " not on the site)"]
    assert run("build", "prog", "--quiet").stdout == ""
    again = run("build", "prog").stdout.splitlines()
    assert again[1:5] == ["Training pack: 3 files (0 made, 3 from the cache)",
                          "Blank forms: 6 files (0 made, 6 from the cache)", "Calendar: 3 files (0 made, 3 from the cache)",
                          "Trainer's pack: 4 files (0 made, 4 from the cache)"]


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(program: Path, tmp_path: Path) -> None:
    """Also: --open opens the preview, open pages learn of a rebuild and reload, the site's own
    render cache is used, and SIGTERM, like Ctrl-C, leaves no temporary folder behind."""
    port = free_port()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {tmp_path / "opened"}\n', encoding="utf-8")
    browser.chmod(0o755)
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "serve", "prog", "--port", str(port), "--open"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**env_without_color(), "TMPDIR": str(temporary), "BROWSER": str(browser)})
    served = Watched(process)
    url = f"http://127.0.0.1:{port}/index.html"
    reload = f"http://127.0.0.1:{port}/.revmentor-reload"
    try:
        served.wait_for(f"Serving the handbook on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        page = _fetch(url)
        assert "Bridge" in page and "/.revmentor-reload" in page
        assert _fetch(reload) == "1"
        assert [p.name[:16] for p in temporary.iterdir()] == ["revmentor-serve-"]
        assert (program / ".revmentor-cache" / "site" / "training").is_dir(), "the site's own render cache"
        yaml_file = program / "program.yaml"
        yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("name: Bridge", "name: Crossing"),
                             encoding="utf-8")
        served.wait_for("Rebuilt 16 pages")
        assert "Crossing" in _fetch(url) and _fetch(reload) == "2"
        yaml_file.write_text("program: [\n", encoding="utf-8")
        served.wait_for("The last good site is still served; fix the problem and save to rebuild.")
        assert "Crossing" in _fetch(url) and _fetch(reload) == "2"
        assert not (program / "site").exists(), "serve never writes into site/"
        assert "/.revmentor-reload" not in (next(temporary.glob("revmentor-serve-*/site")) / "index.html").read_text(
            encoding="utf-8"), "the reload script is added to pages served, never to the files"
    finally:
        _, err = served.finish(signal.SIGTERM)
    assert (tmp_path / "opened").read_text(encoding="utf-8") == f"http://127.0.0.1:{port}/\n"
    assert "prog/program.yaml:2:1: YAML syntax error" in err
    assert "Traceback" not in err
    assert list(temporary.iterdir()) == [], "SIGTERM leaves no temporary folder"


def test_serve_says_a_busy_port_before_building_anything(program: Path, run: Run) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "prog", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr == (f"port {port} on 127.0.0.1 is already in use\n"
                             f"  fix: stop the program using it, or choose another port: --port {port + 1}\n")
    assert not (program / ".revmentor-cache").exists(), "nothing was built"


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


# --- escaping and start-up ----------------------------------------------------------------


@pytest.mark.parametrize(("typed", "markdown"), [
    ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
    ("{{ 7*7 }}", "\\{\\{ 7\\*7 \\}\\}"),
    ("[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert\\(1\\)\\)"),
    ("C# & F#", "C\\# &amp; F\\#"),
    ("a | b", "a &#124; b"),
    ("1. not a list", "1&#46; not a list"),
    ("- not a list", "&#45; not a list"),
    ("two\n  lines", "two lines"),
])
def test_program_text_is_escaped_as_markdown(typed: str, markdown: str) -> None:
    from toolkit.render.templating import escape_markdown

    assert escape_markdown(typed) == markdown


def test_the_command_line_starts_without_mkdocs_or_jinja() -> None:
    code = ("import sys, toolkit.cli; print(sorted({m.split('.')[0] for m in sys.modules}"
            " & {'mkdocs', 'material', 'jinja2', 'markdown', 'pymdownx'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_a_page_that_would_load_from_another_host_is_named_and_strict_fails(program: Path, run: Run) -> None:
    (program / "mkdocs.yml").write_text("site_name: x\nextra_javascript:\n  - https://cdn.example.com/x.js\n",
                                        encoding="utf-8")
    (program / "content").mkdir(exist_ok=True)
    (program / "content" / "video.md").write_text("# Video\n\n![team](https://tracker.example.com/pixel.png)\n",
                                                  encoding="utf-8")
    relaxed = run("build", "prog", "-q")
    assert relaxed.exit_code == 0
    assert ("video.html: warning: the page would load 'https://tracker.example.com/pixel.png' from another host;"
            " the handbook must work offline and make no request outside the site\n"
            "  fix: download the file into content/ and refer to it by a relative path, or remove it (from the page,"
            " or from extra_css/extra_javascript in mkdocs.yml)") in relaxed.stderr
    pages = len(list((program / "site").rglob("*.html")))
    assert (f"404.html: warning: the page and {pages - 1} more pages would load 'https://cdn.example.com/x.js'"
            in relaxed.stderr)

    strict = run("build", "prog", "-q", "--strict", "-o", "prog/strict-site")
    assert strict.exit_code == 1
    assert "video.html: the page would load 'https://tracker.example.com/pixel.png'" in strict.stderr
    assert not (program / "strict-site").exists()


# --- reusing the previous site (toolkit/site/reuse.py) -------------------------------------------
# These rebuild the module's `built` site in place, so they come last; each leaves it built from
# its program's current files.

_PROBE = ("import json, sys\n"
          "from toolkit.pipeline import build\n"
          "result = build(sys.argv[1])\n"
          "print(json.dumps({'mkdocs': 'mkdocs' in sys.modules, 'pages': result.pages}))\n")


def _rebuild(site: Path) -> dict[str, object]:
    """A build of the site's program in a fresh process (from this working folder, as `built`'s was):
    whether MkDocs was imported, and the pages the build reports."""
    result = subprocess.run([sys.executable, "-c", _PROBE, str(site.parent)], capture_output=True, text=True,
                            env={**env_without_color(), "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_rebuild_with_nothing_changed_copies_the_previous_site_without_mkdocs(built: Path) -> None:
    before = hashes(built)
    assert _rebuild(built) == {"mkdocs": False, "pages": sum(1 for page in before if page.endswith(".html")) - 1}
    assert hashes(built) == before  # the manifest too: the same files, byte for byte


def test_an_edited_page_or_a_file_gone_from_the_output_makes_mkdocs_build_again(built: Path) -> None:
    page = built.parent / "content" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEdited since the last build.\n", encoding="utf-8")
    assert _rebuild(built)["mkdocs"] is True
    assert "Edited since the last build." in text_of(built / "about.html")
    before = hashes(built)
    (built / "faq.html").unlink()  # the manifest lists it: the copy cannot be checked, so MkDocs runs
    assert _rebuild(built)["mkdocs"] is True
    assert hashes(built) == before


def test_a_damaged_record_means_mkdocs_runs_and_writes_it_again(built: Path) -> None:
    from toolkit.render.cache import output_cache
    from toolkit.site.reuse import RECORD

    record = output_cache(built) / RECORD
    record.write_text('{"format": 1, "key": ', encoding="utf-8")
    assert _rebuild(built)["mkdocs"] is True
    assert json.loads(record.read_text(encoding="utf-8"))["format"] == 1
    assert _rebuild(built)["mkdocs"] is False


def test_the_record_keeps_the_sites_warnings_and_is_trusted_only_with_the_outputs_manifest(tmp_path: Path) -> None:
    from toolkit.errors import Problem
    from toolkit.files.output import write_manifest
    from toolkit.site.reuse import copy_site, previous_site, record_site

    site, output, work = tmp_path / "staging", tmp_path / "site", tmp_path / "cache"
    for folder in (site, output, work):
        folder.mkdir()
    (site / "index.html").write_text("<p>home</p>", encoding="utf-8")
    warning = Problem("video.html", "the page would load 'https://x.example/p.png'", "download it", warning=True)
    record_site(work, "k1", site, 1, [warning])
    (output / "index.html").write_text("<p>home</p>", encoding="utf-8")
    write_manifest(output, "site")
    previous = previous_site(work, output, "k1")
    assert previous is not None and previous.warnings == (warning,) and previous.pages == 1
    assert previous_site(work, output, "k2") is None  # other inputs
    assert previous_site(work, output, None) is None  # inputs that cannot be fingerprinted
    again = tmp_path / "again"
    assert copy_site(previous, output, again) and (again / "index.html").read_text(encoding="utf-8") == "<p>home</p>"
    (output / "index.html").write_text("<p>changed</p>", encoding="utf-8")
    assert not copy_site(previous, output, tmp_path / "third")  # checked against its digest as it is read
    write_manifest(output, "site")
    assert previous_site(work, output, "k1") is None  # the output is no longer what the record describes


@pytest.mark.parametrize(("setting", "value"), [
    ("hooks", ["/prog/hooks.py"]),
    ("plugins", ["search", "offline", "some-plugin"]),
    ("markdown_extensions", ["tables", "someones_extension"]),
])
def test_what_the_fingerprint_cannot_pin_down_turns_reuse_off(tmp_path: Path, setting: str, value: list[str]) -> None:
    from toolkit.site.reuse import site_key
    from toolkit.site.theme_cache import HOOKS

    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    config: dict[str, object] = {"hooks": [HOOKS], "plugins": ["search", "offline"], "markdown_extensions": ["toc"]}
    assert site_key(tmp_path, "mkdocs.yml", tmp_path / "site", config) is not None
    assert site_key(tmp_path, "mkdocs.yml", tmp_path / "site", {**config, setting: value}) is None
    (tmp_path / "mkdocs.yml").write_text("site_name: !ENV NAME\n", encoding="utf-8")
    assert site_key(tmp_path, "mkdocs.yml", tmp_path / "site", config) is None
