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


def test_the_theme_cache_serves_only_our_own_build_and_environments_it_can_pin_down() -> None:
    """A bare `mkdocs build` of our effective config (the benchmark's baseline) compiles as MkDocs
    always does; so does an environment whose compiled code depends on functions of a plugin."""
    from jinja2 import Environment, select_autoescape

    from toolkit.templating import caching_theme_templates, theme_cache

    branded = Environment()
    branded.filters["brand"] = lambda text: f"{text} Crosswise"
    upper = Environment()
    upper.filters["upper"] = lambda text: text.upper()
    assert theme_cache(Environment()) is None
    with caching_theme_templates():
        assert theme_cache(Environment(extensions=["jinja2.ext.i18n"])) is not None
        assert theme_cache(Environment(finalize=lambda value: value)) is None
        assert theme_cache(Environment(autoescape=select_autoescape())) is None
        assert theme_cache(branded) is None
        assert theme_cache(upper) is None
    assert theme_cache(Environment()) is None


def test_environments_that_compile_differently_never_share_compiled_code(tmp_path: Path) -> None:
    from jinja2 import DictLoader, Environment

    from toolkit.templating import caching_theme_templates, theme_cache, use_disk_cache

    rendered = []
    use_disk_cache(tmp_path)
    try:
        with caching_theme_templates():
            for trim_blocks in (False, True, False):
                env = Environment(loader=DictLoader({"page.html": "{% if x %}\nA{% endif %}\n"}),
                                  trim_blocks=trim_blocks)
                env.bytecode_cache = theme_cache(env)
                rendered.append(env.get_template("page.html").render(x=True))
    finally:
        use_disk_cache(None)
    assert rendered == ["\nA", "A", "\nA"]
    assert len(list(tmp_path.glob("theme-*/*.jinja"))) == 2


def test_a_hook_that_changes_the_theme_environment_never_leaves_stale_compiled_templates(tmp_path: Path) -> None:
    hook = "def on_env(env, **kwargs):\n    env.finalize = lambda value: '' if value is None else value\n    return env\n"
    program = write_program(tmp_path / "program", files={"mkdocs.yml": "hooks:\n  - finalize.py\n", "finalize.py": hook})
    output = tmp_path / "site"
    build(program, output)
    cache = tmp_path / ".revmentor-cache" / "site" / "templates"
    assert list(cache.glob("theme-*")) == []
    (program / "mkdocs.yml").write_text("theme:\n  name: material\n", encoding="utf-8")
    build(program, output)  # compiled afresh: code compiled with the hook's finalize would fail without it
    assert len(list(cache.glob("theme-*"))) == 1
