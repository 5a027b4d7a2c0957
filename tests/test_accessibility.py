"""Every page of the flagship handbook passes axe-core in a real Chromium, and works by keyboard.

axe-core comes from the npm registry, pinned below; `.ci/run` installs it. A missing copy fails
these tests with the command that installs it: a test never fetches from a registry itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_browser import browser, server, site, watch, zensical_server  # noqa: F401 - fixtures shared with the browser tests

pytestmark = pytest.mark.browser

AXE_VERSION = "4.14.1"
NPM_PREFIX = Path(__file__).parent / ".npm"
AXE_JS = NPM_PREFIX / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: install it as .ci/run does, with `npm install --prefix {NPM_PREFIX}"
                    f" --no-audit --no-fund axe-core@{AXE_VERSION}`")
    return AXE_JS.read_text(encoding="utf-8")


def pages(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*.html") if path.name != "404.html")


def serious_violations(browser: Any, server: str, site: Path, axe_source: str) -> dict[str, list[str]]:  # noqa: F811
    """axe-core's serious and critical WCAG 2.1 A/AA findings on every page of a site, by page;
    the browser's console errors on the way fail the test."""
    found: dict[str, list[str]] = {}
    watched = watch(browser)
    page = watched.page
    checked = pages(site)
    assert len(checked) >= 20
    for name in checked:
        page.goto(server + name)
        page.add_script_tag(content=axe_source)
        result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
        bad = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at {[node['target'] for node in violation['nodes']][:3]}"
            for violation in result["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        if bad:
            found[name] = bad
    assert watched.errors == []
    return found


def test_every_page_has_no_serious_or_critical_axe_violation(browser: Any, server: str, site: Path, axe_source: str) -> None:  # noqa: F811
    assert serious_violations(browser, server, site, axe_source) == {}


def test_with_zensical_every_page_has_no_serious_or_critical_axe_violation(
        browser: Any, zensical_server: str, zensical_flagship_site: Path, axe_source: str) -> None:  # noqa: F811
    assert serious_violations(browser, zensical_server, zensical_flagship_site, axe_source) == {}


def focus_trail(page: Any, presses: int) -> list[str]:
    """What keyboard focus lands on, Tab after Tab, from the top of the page."""
    trail = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        trail.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return [e.tagName, e.className || '', e.getAttribute('href') || '', e.getAttribute('aria-label') || e.getAttribute('placeholder') || ''].join('|'); }"
            )
        )
    return trail


def test_keyboard_alone_reaches_search_and_the_navigation(browser: Any, server: str) -> None:  # noqa: F811
    page = watch(browser).page
    page.goto(server + "index.html")
    trail = focus_trail(page, 40)
    assert any(step.startswith("INPUT|md-search__input") for step in trail), trail
    assert any("md-nav__link" in step and "training/" in step for step in trail), trail

    # Typing into the focused search box finds a module, and Enter opens it.
    page.goto(server + "index.html")
    for _ in range(40):
        page.keyboard.press("Tab")
        if "md-search__input" in page.evaluate("() => document.activeElement.className"):
            break
    page.keyboard.type("agenda", delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.activeElement.className.includes('md-search-result__link')",
                           timeout=15_000)
    focused = page.evaluate("() => document.activeElement.className")
    assert "md-search-result__link" in focused, focused
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "index.html" not in url, timeout=15_000)
