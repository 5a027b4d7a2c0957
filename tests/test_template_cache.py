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
