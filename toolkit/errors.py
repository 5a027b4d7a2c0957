"""One error hierarchy: every problem a user can act on, located and with its fix.

The CLI prints these and exits 1; anything else escaping is a bug in the toolkit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One located problem in a user's file: where, what, and how to fix it."""

    file: str
    message: str
    fix: str = ""
    line: int | None = None
    column: int | None = None
    path: str = ""
    warning: bool = False

    def location(self) -> str:
        """`file:line:col` or as much of it as is known."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        """The problem as printed: one line, then the fix indented below it."""
        head = self.location() + ": "
        if self.warning:
            head += "warning: "
        if self.path:
            head += self.path + ": "
        text = head + self.message
        if self.fix:
            text += "\n  fix: " + self.fix
        return text


class ToolkitError(Exception):
    """Base of every error the toolkit reports to a user (exit code 1)."""

    def __init__(self, problems: list[Problem] | Problem | str, fix: str = "") -> None:
        if isinstance(problems, str):
            problems = Problem(file="", message=problems, fix=fix)
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.format())

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors, not warnings carried along (as --strict carries them)."""
        return [problem for problem in self.problems if not problem.warning]

    def format(self) -> str:
        """Every problem, one after the other, ready to print."""
        parts = []
        for problem in self.problems:
            text = problem.format()
            if not problem.file:
                text = text.removeprefix(": ")
            parts.append(text)
        return "\n".join(parts)


class ProgramError(ToolkitError):
    """program.yaml cannot be read or does not describe a valid program."""


class BuildError(ToolkitError):
    """An output could not be produced; the previous output is left as it was."""


class OutputFolderError(BuildError):
    """The output folder is unsafe to write to (it would overwrite or delete user files)."""


class StrictWarnings(ToolkitError):
    """Warnings were found and `--strict` makes them fatal: the warnings, then one line that says so."""

    @classmethod
    def check(cls, warnings: Sequence[Problem], strict: bool) -> None:
        """Raise for any warning when `strict`: the one place every command's --strict goes through."""
        if strict and warnings:
            count = len(warnings)
            raise cls([*warnings, Problem("", f"{count} warning{'s' if count != 1 else ''} and --strict is set",
                                          "fix the warnings above, or run without --strict")])


class UsageError(ToolkitError):
    """A value given to a command (an option or argument) cannot be used; the CLI exits 2 for it."""


class RosterError(ToolkitError):
    """A roster or pairs file cannot be read or breaks a rule; every problem is listed by row, nothing is written."""


class PairsError(ToolkitError):
    """A pairs file cannot be read or has bad rows; every problem is listed by row, and no pack is written."""


class ResponsesError(ToolkitError):
    """A response file cannot be used: unreadable, or its columns do not fit its survey."""


def unexpected(error: BaseException) -> str:
    """One line for an error that is not the toolkit's own: a bug, said as one, without a traceback."""
    text = " ".join(str(error).split())[:200]
    return (f"revmentor stopped on an unexpected error ({type(error).__name__}{': ' + text if text else ''}); this is"
            " a bug in revmentor: please report it with the command you ran (REVMENTOR_TRACEBACK=1 shows where)")
