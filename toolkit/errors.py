"""One error hierarchy: every problem a user can act on, located and with its fix.

The CLI prints these and exits 1; anything else escaping is a bug in the toolkit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MAX_SHOWN = 20
"""Problems printed in full; the rest are counted. A million bad rows make one screen, not a million lines."""

_HIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
                     "\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff"
                     "\uffa0\ufff0-\ufffb\U000e0000-\U000e0fff]")
"""What a terminal would obey or not show: control characters (all but the newline), invisible
and bidirectional format characters, spaces other than the plain space, variation selectors and tags."""


def visible(text: str) -> str:
    """Text safe to print and honest to read: every hidden character written as its escape.

    An ESC from a roster cell would recolour or rewrite the terminal; a zero-width space makes
    'E12' and 'E\u200b12' look the same. Shown as `\x1b` and `\u200b` instead, like Python does.
    """
    return _HIDDEN.sub(_escape, text) if _HIDDEN.search(text) else text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def hidden_character(text: str) -> str:
    """The first hidden character of `text` (see `visible`), '' if none."""
    found = _HIDDEN.search(text)
    return found.group() if found else ""


def character_name(char: str) -> str:
    """A character as a message names it: 'U+200B ZERO WIDTH SPACE', 'U+001B ESCAPE'."""
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "CONTROL CHARACTER")
    return f"U+{ord(char):04X} {name}"


_CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED",
                  0x0B: "VERTICAL TAB", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE",
                  0x7F: "DELETE", 0x85: "NEXT LINE", 0x9B: "CONTROL SEQUENCE INTRODUCER"}


def excerpt(text: str, limit: int = 60) -> str:
    """A user's value quoted back: on one line, at most `limit` characters, never a whole file."""
    text = " ".join(text.split("\n"))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_problems(problems: Sequence[Problem], limit: int = MAX_SHOWN) -> str:
    """Problems as printed, one after the other: the first `limit` in full, then how many more."""
    parts = [problem.format() for problem in problems[:limit]]
    rest = len(problems) - limit
    if rest > 0:
        noun = "warning" if all(problem.warning for problem in problems[limit:]) else "problem"
        parts.append(f"... and {rest:,} more {noun}{'s' if rest != 1 else ''}, not shown: fix these and run again")
    return "\n".join(parts)


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
        """The problem as printed: one line, then the fix indented below it; hidden characters
        escaped (see `visible`), since file names, keys and values come from the user's files."""
        head = self.location() + ": " if self.file else ""
        if self.warning:
            head += "warning: "
        if self.path:
            head += self.path + ": "
        text = visible(head + self.message)
        if self.fix:
            text += "\n  fix: " + visible(self.fix)
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
        """Every problem, one after the other, ready to print (at most MAX_SHOWN of them)."""
        return format_problems(self.problems)


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

    def format(self) -> str:
        """The warnings (at most MAX_SHOWN), then always the line that says --strict stopped the run."""
        return format_problems(self.problems[:-1]) + "\n" + self.problems[-1].format()


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
