"""The README tells the truth: its quick start is what CI runs, its references are generated."""

from __future__ import annotations

import re

from toolkit.reference import render_readme

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_is_two_commands() -> None:
    install_and_build, install_and_test = quick_start_commands()
    assert "pip install" in install_and_build and "revmentor build" in install_and_build
    assert "pip install" in install_and_test and "pytest" in install_and_test


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    _, install_and_test = quick_start_commands()
    assert install_and_test in ci.splitlines()


def test_generated_references_are_up_to_date() -> None:
    """Run `python -m toolkit.reference` after changing the schema or the CLI."""
    assert render_readme(README) == README


def test_every_command_is_in_the_cli_reference() -> None:
    from toolkit.cli import cli

    for name in cli.commands:
        assert f"$ revmentor {name} --help" in README
