"""Compiled page templates are kept beside the output, and an edited template is never stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitekit import write_program


def build(program: Path, output: Path) -> None:
    subprocess.run([sys.executable, "-m", "toolkit", "build", str(program), "-o", str(output), "-q"], check=True)


def test_compiled_templates_are_cached_and_an_edited_template_is_compiled_afresh(tmp_path: Path) -> None:
    override = "templates/handbook/faq.md.j2"
    program = write_program(tmp_path / "program", files={override: "# Questions\n\nFirst wording.\n"})
    output = tmp_path / "site"
    build(program, output)
    compiled = sorted((tmp_path / ".revmentor-cache" / "site" / "templates").glob("*.jinja"))
    assert len(compiled) >= 10
    assert "First wording." in (output / "faq.html").read_text(encoding="utf-8")

    (program / override).write_text("# Questions\n\nSecond wording.\n", encoding="utf-8")
    build(program, output)
    page = (output / "faq.html").read_text(encoding="utf-8")
    assert "Second wording." in page and "First wording." not in page


def test_mkdocs_theme_templates_are_cached_too_and_an_edited_override_is_compiled_afresh(tmp_path: Path) -> None:
    files = {
        "mkdocs.yml": "theme:\n  name: material\n  custom_dir: overrides\n",
        "overrides/main.html": '{% extends "base.html" %}\n{% block announce %}First banner{% endblock %}\n',
    }
    program = write_program(tmp_path / "program", files=files)
    output = tmp_path / "site"
    build(program, output)
    theme_caches = list((tmp_path / ".revmentor-cache" / "site" / "templates").glob("theme-*"))
    assert len(theme_caches) == 1
    assert len(list(theme_caches[0].glob("*.jinja"))) >= 20  # base.html, partials, 404 ...
    assert "First banner" in (output / "index.html").read_text(encoding="utf-8")

    (program / "overrides/main.html").write_text(
        '{% extends "base.html" %}\n{% block announce %}Second banner{% endblock %}\n', encoding="utf-8")
    build(program, output)
    page = (output / "index.html").read_text(encoding="utf-8")
    assert "Second banner" in page and "First banner" not in page


def test_the_theme_cache_serves_only_our_own_build_and_one_set_of_options() -> None:
    """A bare `mkdocs build` of our effective config (the benchmark's baseline) compiles as MkDocs
    always does; and compiled code depends on the environment's options, so each set has its own."""
    from jinja2 import Environment

    from toolkit.templating import caching_theme_templates, theme_cache

    assert theme_cache(Environment()) is None
    with caching_theme_templates():
        plain, trimmed = theme_cache(Environment()), theme_cache(Environment(trim_blocks=True))
        assert plain is not None and trimmed is not None and plain is not trimmed
        assert theme_cache(Environment()) is plain
    assert theme_cache(Environment()) is None
