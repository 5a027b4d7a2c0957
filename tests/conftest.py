"""Shared fixtures: small inline programs written into tmp_path, and the CLI runner."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
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
      - {title: Welcome, kind: talk, script: Welcome everyone., minutes: 15}
      - {title: Pairs meet, kind: exercise, minutes: 30, facilitator_notes: Watch the quiet pairs.}
checkins:
  schedule: {first_week: 2, every_weeks: 4, count: 3}
  sessions:
    - {title: Start, purpose: Agree goals}
    - {title: Middle, purpose: Review}
    - {title: End, purpose: Close}
confidentiality:
  concerns:
    - {about: Anything that worries you, contact: The coordinator}
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


class _Dumper(yaml.SafeDumper):
    """Block style with lists indented under their key, as people write program.yaml."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """Text of several lines as a literal block (`|`), the way a person writes paragraphs."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _text)


def program_yaml(base: str = MINIMAL, **sections: Any) -> str:
    """A program.yaml: `base` (MINIMAL) with sections changed, so a test states only what it needs.

    A mapping merges into the section of the same name, key by key, one level deep
    (`program={"paper_size": "Letter"}`); any other value replaces the section
    (`goals=[...]`); None removes it.
    """
    data: dict[str, Any] = yaml.safe_load(base)
    for name, value in sections.items():
        if value is None:
            data.pop(name, None)
        elif isinstance(value, dict) and isinstance(data.get(name), dict):
            data[name] = {**data[name], **value}
        else:
            data[name] = value
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


def write_program(folder: Path, text: str = MINIMAL, files: Mapping[str, str | bytes] | None = None) -> Path:
    """A program folder: program.yaml and any other files, by path relative to the folder; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (files or {}).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(dedent(content), encoding="utf-8")
    (folder / "program.yaml").write_text(dedent(text), encoding="utf-8")
    return folder


def copy_flagship(folder: Path) -> Path:
    """The flagship's program files (program.yaml, mkdocs.yml, content/) copied into `folder`.

    Tests build the copy, never the checkout: a build writes `private/` into its program folder, and
    two builds of one folder at once (pytest-xdist workers) would race for it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("program.yaml", "mkdocs.yml"):
        shutil.copy(REPO / name, folder / name)
    shutil.copytree(REPO / "content", folder / "content")
    return folder


@pytest.fixture
def make_program(tmp_path: Path) -> Callable[..., Path]:
    """Write program.yaml (MINIMAL unless given) and any extra files (`content__a.md` for content/a.md);
    return the file's path."""

    def make(text: str = MINIMAL, folder: str = "prog", **files: str) -> Path:
        root = write_program(tmp_path / folder, text, {name.replace("__", "/"): content for name, content in files.items()})
        return root / "program.yaml"

    return make


@pytest.fixture
def inside_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work from tmp_path/prog, the folder `make_program` writes to: messages then show paths relative
    to it, as a user working in their program folder would see them."""
    (tmp_path / "prog").mkdir()
    monkeypatch.chdir(tmp_path / "prog")


@pytest.fixture
def root() -> None:
    """For tests that need root (mounting a file system, giving a folder away): CI runs as root,
    so there a missing root fails rather than skips."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("this test needs root, and CI runs as root: run .ci/run as root")
        pytest.skip("needs root; CI runs as root (or leave these out: -m 'not root')")


@contextlib.contextmanager
def tmpfs(mount: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at `mount` (made here) for the length of the block; needs root."""
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def run() -> Callable[..., Result]:
    """Run `revmentor ARGS...` in-process; stdout and stderr are kept apart."""
    from toolkit.cli import cli

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), prog_name="revmentor")

    return invoke


def with_zensical(text: str) -> str:
    """A program.yaml's text with `program.site_engine: zensical` added (its program: block indented by two)."""
    return re.sub(r"^program:\n", "program:\n  site_engine: zensical\n", text, count=1, flags=re.M)


@pytest.fixture(scope="session")
def zensical_flagship_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship program's site built with Zensical (its program.yaml choosing it), once per test
    session and shared by every module that reads a Zensical site: Zensical adds one build, not one
    per test."""
    from toolkit.pipeline import build

    folder = copy_flagship(tmp_path_factory.mktemp("zensical-flagship") / "crosswise")
    (folder / "program.yaml").write_text(with_zensical((REPO / "program.yaml").read_text(encoding="utf-8")),
                                         encoding="utf-8")
    build(folder, folder / "site", strict=True)
    return folder / "site"


SHARED_SITE_FILES = frozenset({"test_accessibility.py", "test_browser.py", "test_site.py", "test_trainer_files.py",
                               "test_zensical.py"})
"""Test files that read the flagship sites built once per process (`sitekit.flagship_site`, and
`zensical_flagship_site` below)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """For pytest-xdist's `--dist loadgroup` (the README's test command): a file's tests stay on one
    worker, so its module-scoped builds are made once, and the files sharing the flagship sites go
    to the same worker, so each site is built once."""
    if config.getoption("dist", "no") != "loadgroup":
        return
    for item in items:
        name = item.path.name
        item.add_marker(pytest.mark.xdist_group("flagship-site" if name in SHARED_SITE_FILES else name))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker, hand the hardening counts to the controller, which prints them."""
    from hardening import COUNTS

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["hardening"] = dict(COUNTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """Add a finished xdist worker's hardening counts to the controller's."""
    from hardening import COUNTS

    COUNTS.update(getattr(node, "workeroutput", {}).get("hardening", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the hardening tests threw at the toolkit, and what it lost (summed over the
    xdist workers when the suite runs in several)."""
    from hardening import COUNTS, summary

    if COUNTS:
        terminalreporter.write_sep("-", "hardening")
        terminalreporter.write_line(summary())
