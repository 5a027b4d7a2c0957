"""Progress of long commands: stage lines, a counter rewritten in a terminal, nothing with -q, a summary."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from toolkit.progress import Reporter, count, status, wrote

Run = Callable[..., Result]


def test_in_a_log_only_stage_lines_and_the_summary_show() -> None:
    stream = io.StringIO()
    with Reporter(stream, tty=False) as report:
        status(report, "Checking program.yaml…")
        report("Generating 16 pages…")
        for done in range(1, 4):
            count(report, "Pair packs", done, 3)
        wrote(report, "site/", "the handbook, 16 pages")
        wrote(report, "private/response-templates/", "response templates, 6 surveys")
    assert stream.getvalue() == (
        "Generating 16 pages…\n"
        "Written:\n"
        "  site/                        the handbook, 16 pages\n"
        "  private/response-templates/  response templates, 6 surveys\n")


def test_in_a_terminal_a_counter_is_one_line_rewritten_then_cleared_for_the_next_stage(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    stream = io.StringIO()
    with Reporter(stream, tty=True) as report:
        count(report, "Pair packs", 1, 2)
        count(report, "Pair packs", 2, 2)
        report("Pair packs written to private/packs/")
        wrote(report, "private/packs/", "pair packs, 2 pairs")
    assert stream.getvalue() == (
        "Pair packs: 1/2…" "\r\x1b[KPair packs: 2/2…" "\r\x1b[KPair packs written to private/packs/\n"
        "\x1b[1mWritten:\x1b[0m\n  \x1b[1mprivate/packs/\x1b[0m  pair packs, 2 pairs\n")


def test_no_color_leaves_the_summary_plain_and_an_error_clears_the_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    stream = io.StringIO()
    with pytest.raises(RuntimeError), Reporter(stream, tty=True) as report:
        wrote(report, "site/", "the handbook, 1 page")
        status(report, "Building site with MkDocs…")
        raise RuntimeError
    assert stream.getvalue() == "Building site with MkDocs…\r\x1b[K", "the error starts on a line of its own"
    stream = io.StringIO()
    with Reporter(stream, tty=True) as report:
        wrote(report, "site/", "the handbook, 1 page")
    assert stream.getvalue() == "Written:\n  site/  the handbook, 1 page\n"


def test_quiet_prints_nothing_and_names_from_files_show_escaped() -> None:
    stream = io.StringIO()
    with Reporter(stream, tty=True, quiet=True) as report:
        report("Generating 16 pages…")
        count(report, "Pair packs", 1, 2)
        wrote(report, "site/", "the handbook")
    assert stream.getvalue() == ""
    with Reporter(stream, tty=False) as report:
        report("Wrote R1\x1b[2J")
    assert stream.getvalue() == "Wrote R1\\x1b[2J\n"


def test_a_plain_callback_gets_stage_lines_only() -> None:
    lines: list[str] = []
    status(lines.append, "Checking program.yaml…")
    count(lines.append, "Pair packs", 1, 2)
    wrote(lines.append, "site/", "the handbook")
    assert lines == []


def test_every_command_that_works_for_a_while_has_quiet() -> None:
    from toolkit.cli import cli

    quiet = {name for name, command in cli.commands.items()
             if any("--quiet" in getattr(param, "opts", ()) for param in command.params)}
    assert quiet == set(cli.commands) - {"schema", "presets"}


def test_validate_quiet_prints_only_problems(make_program: Callable[..., Path], run: Run) -> None:
    path = make_program()
    assert run("validate", str(path)).stdout.startswith(f"{path}: Bridge (Acme) is valid.")
    assert (run("validate", str(path), "-q").stdout, run("validate", str(path), "-q").exit_code) == ("", 0)
