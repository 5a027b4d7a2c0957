"""Compiled page templates are kept beside the output, and an edited template is never stale."""

from __future__ import annotations

import os
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
    compiled = sorted((tmp_path / ".revmentor-cache" / "site" / "templates" / "markdown").glob("*.jinja"))
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


def test_the_theme_cache_serves_only_environments_it_can_pin_down() -> None:
    """An environment whose compiled code depends on functions of a plugin compiles as MkDocs always does."""
    from jinja2 import Environment, select_autoescape

    from toolkit.site.theme_cache import theme_fingerprint

    branded = Environment()
    branded.filters["brand"] = lambda text: f"{text} Crosswise"
    upper = Environment()
    upper.filters["upper"] = lambda text: text.upper()
    assert theme_fingerprint(Environment()) is not None
    assert theme_fingerprint(Environment(extensions=["jinja2.ext.i18n"])) is not None
    assert theme_fingerprint(Environment(finalize=lambda value: value)) is None
    assert theme_fingerprint(Environment(autoescape=select_autoescape())) is None
    assert theme_fingerprint(branded) is None
    assert theme_fingerprint(upper) is None


def test_a_bare_mkdocs_build_of_our_config_compiles_as_mkdocs_always_does(tmp_path: Path) -> None:
    """The benchmark's baseline: the effective mkdocs.yml our build writes carries no theme cache."""
    from toolkit.program.validate import load_program
    from toolkit.site.mkdocs import prepare
    from toolkit.site.pages import handbook

    program = write_program(tmp_path / "program")
    loaded = load_program(program)
    config, _, _, _ = prepare(loaded, handbook(loaded.program, loaded.folder), tmp_path / "work", tmp_path / "bare")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)], check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert (tmp_path / "bare" / "index.html").is_file()
    assert not list(tmp_path.rglob("theme-*"))


def test_environments_that_compile_differently_never_share_compiled_code(tmp_path: Path) -> None:
    from jinja2 import DictLoader, Environment

    from toolkit.site.theme_cache import ThemeTemplates

    rendered = []
    plugin = ThemeTemplates(tmp_path)
    for trim_blocks in (False, True, False):
        env = plugin.on_env(Environment(loader=DictLoader({"page.html": "{% if x %}\nA{% endif %}\n"}),
                                        trim_blocks=trim_blocks))
        rendered.append(env.get_template("page.html").render(x=True))
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
