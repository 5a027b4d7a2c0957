"""The flagship handbook in a real headless Chromium: navigation, search, no outside requests.

Uses Debian's chromium (installed by .ci/run). A missing browser fails these tests: it never
skips them, so CI cannot pass without having run them.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from toolkit import load_program

from conftest import REPO
from sitekit import flagship_site

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> Path:
    """Debian's chromium, or a failure saying how to install it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does")
    return CHROMIUM


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return flagship_site(tmp_path_factory)


@contextlib.contextmanager
def serving(site: Path) -> Iterator[str]:
    """A built site on a local HTTP server, in a thread."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The flagship site (MkDocs) on a local HTTP server."""
    with serving(site) as address:
        yield address


@pytest.fixture(scope="module")
def zensical_server(zensical_flagship_site: Path) -> Iterator[str]:
    """The flagship site built with Zensical (conftest's one build per session), on a local HTTP server."""
    with serving(zensical_flagship_site) as address:
        yield address


@dataclass
class Watched:
    """A page with every request, console error and uncaught exception recorded."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def watch(browser: Any) -> Watched:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watched = Watched(page)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on("console", lambda message: watched.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    return watched


def first_module() -> tuple[str, str]:
    module = load_program(REPO).program.training[0]
    return module.id, module.title


def search(page: Any, word: str) -> list[str]:
    """Type a word in the search box and return the titles of the results."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(word, delay=30)
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    return [text.strip() for text in page.locator(".md-search-result__item h1, .md-search-result__item h2")
            .all_inner_texts()]


def test_reach_a_module_through_the_nav_and_search_over_http(browser: Any, server: str) -> None:
    module_id, title = first_module()
    watched = watch(browser)
    page = watched.page
    page.goto(server + "index.html")
    page.locator(f'.md-nav--primary a.md-nav__link[href="training/{module_id}.html"]').first.click()
    page.wait_for_url(f"**/training/{module_id}.html")
    assert page.locator("article h1").inner_text().rstrip("¶").strip() == title
    assert page.locator("article h2#agenda").count() == 1

    word = title.split()[0].strip(":")
    results = search(page, word)
    assert any(word.lower() in result.lower() for result in results), results
    page.wait_for_load_state("networkidle")  # whatever the results load has been asked for by now

    assert watched.errors == []
    outside = [url for url in watched.requests if not url.startswith(server)]
    assert outside == []
    assert len(watched.requests) > 5


# --- the same promises with Zensical: its search is a dialog, its index search.json -------------

def zensical_search(page: Any, word: str) -> list[str]:
    """Open Zensical's search dialog, type a word, and return the text of the results."""
    page.locator(".md-search__button").click()
    box = page.locator("dialog input[role=combobox]")
    box.press_sequentially(word, delay=30)
    results = page.locator("dialog [role=option]")
    results.first.wait_for(timeout=15_000)
    return [text.strip() for text in results.all_inner_texts()]


def test_with_zensical_reach_a_module_and_search_over_http_asking_no_other_host(browser: Any,
                                                                              zensical_server: str) -> None:
    module_id, title = first_module()
    watched = watch(browser)
    page = watched.page
    page.goto(zensical_server + "index.html")
    page.locator(f'.md-nav--primary a.md-nav__link[href="./training/{module_id}.html"]').first.click()
    page.wait_for_url(f"**/training/{module_id}.html")
    assert page.locator("article h1").inner_text().rstrip("¶").strip() == title

    word = title.split()[0].strip(":")
    results = zensical_search(page, word)
    assert any(word.lower() in result.lower() for result in results), results
    page.wait_for_load_state("networkidle")

    assert watched.errors == []
    assert [url for url in watched.requests if not url.startswith(zensical_server)] == []
    assert any(url.endswith("/search.json") or url.endswith("/search.js") for url in watched.requests)


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_search_works_from_a_zip_opened_as_files(browser: Any, engine: str, request: pytest.FixtureRequest,
                                                 tmp_path: Path) -> None:
    """A handbook mailed as a zip and opened from the files still searches, asking no host at all."""
    site = request.getfixturevalue("site" if engine == "mkdocs" else "zensical_flagship_site")
    archive = Path(shutil.make_archive(str(tmp_path / "handbook"), "zip", site))
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(unpacked)
    _, title = first_module()
    watched = watch(browser)
    watched.page.goto((unpacked / "index.html").as_uri())
    word = title.split()[0].strip(":")
    results = (search if engine == "mkdocs" else zensical_search)(watched.page, word)
    assert any(word.lower() in result.lower() for result in results), results
    assert watched.errors == []
    assert [url for url in watched.requests if not url.startswith("file://")] == []


def test_the_pictures_have_text_alternatives_and_the_home_page_a_card_per_role(browser: Any, server: str) -> None:
    """The timeline and every goal's measures are SVG pictures a screen reader names and describes
    (role img, aria-labelledby its title and desc); the home page leads each role to its page."""
    program = load_program(REPO).program
    page = watch(browser).page

    def pictures(name: str) -> list[dict[str, str]]:
        page.goto(server + name)
        return list(page.evaluate("""() => [...document.querySelectorAll('article svg.rm-picture')].map(svg => ({
            role: svg.getAttribute('role'),
            name: svg.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id).textContent)
                     .join(' | '),
            width: String(svg.getBoundingClientRect().width)}))"""))

    timeline = pictures("timeline.html")
    assert len(timeline) == 1 and timeline[0]["role"] == "img" and float(timeline[0]["width"]) > 300
    assert timeline[0]["name"].startswith(f"Timeline of {program.program.name}: {program.program.duration_weeks} weeks")
    assert all(module.title in timeline[0]["name"] for module in program.training)
    assert all(session.title in timeline[0]["name"] for session in program.checkins.sessions)

    goals = pictures("goals.html")
    measured = [goal for goal in program.goals if goal.measures]
    assert [picture["name"].split(" | ")[0] for picture in goals] == [
        f"{goal.title}: each measure from its baseline to its target" for goal in measured]
    assert all(measure.metric in goals[i]["name"] for i, goal in enumerate(measured) for measure in goal.measures)

    page.goto(server + "index.html")
    cards = page.locator("article .grid.cards > ul > li")
    assert cards.count() == len(program.roles)
    links = [cards.nth(i).locator("a", has_text="Start here").get_attribute("href") for i in range(cards.count())]
    assert links == [f"roles/{role.id}.html" for role in program.roles]
    columns = {round(cards.nth(i).bounding_box()["x"]) for i in range(cards.count())}
    assert len(columns) > 1, "the cards stand side by side on a wide screen"
