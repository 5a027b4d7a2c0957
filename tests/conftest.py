"""Shared fixtures: small inline programs written into tmp_path, and the CLI runner."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

REPO = Path(__file__).resolve().parent.parent

MINIMAL = """\
program:
  name: Bridge
  organisation: Acme
  summary: Leaders learn digital habits from junior colleagues.
  start_date: 2027-01-04
  duration_weeks: 12
  meeting_format: in-person
goals:
  - id: digital
    title: Digital confidence
    description: Leaders use modern tools with confidence.
    measures:
      - metric: Leaders confident with AI tools
        unit: "%"
        baseline: 20
        target: 60
        method: Survey
roles:
  - id: mentor
    name: Mentor
    summary: Shares what they know.
    time_commitment: 1 hour a fortnight
  - id: mentee
    name: Mentee
    summary: Comes with questions.
    time_commitment: 1 hour a fortnight
training:
  - id: orientation
    title: Orientation
    summary: What the program is and how it runs.
    audience: [mentor, mentee]
    week: 1
    start_time: "09:30"
    objectives: [Know the program]
    agenda:
      - {title: Welcome, kind: talk, minutes: 15}
      - {title: Pairs meet, kind: exercise, minutes: 30, facilitator_notes: Watch the quiet pairs.}
checkins:
  schedule: {first_week: 2, every_weeks: 4, count: 3}
  sessions:
    - {title: Start, purpose: Agree goals}
    - {title: Middle, purpose: Review}
    - {title: End, purpose: Close}
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def make_program(tmp_path: Path) -> Callable[..., Path]:
    """Write program.yaml (MINIMAL unless given) and any extra files; return the file's path."""

    def make(text: str = MINIMAL, folder: str = "prog", **files: str) -> Path:
        root = tmp_path / folder
        root.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            target = root / name.replace("__", "/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dedent(content), encoding="utf-8")
        path = root / "program.yaml"
        path.write_text(dedent(text), encoding="utf-8")
        return path

    return make


@pytest.fixture
def run() -> Callable[..., Result]:
    """Run `revmentor ARGS...` in-process; stdout and stderr are kept apart."""
    from toolkit.cli import cli

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), prog_name="revmentor")

    return invoke


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the hardening tests threw at the toolkit, and what it lost."""
    from hardening import COUNTS, summary

    if COUNTS:
        terminalreporter.write_sep("-", "hardening")
        terminalreporter.write_line(summary())
