"""Progress of a long command: what the CLI shows while it works, and what it wrote where.

The API says nothing unless given a `progress` callback (any `Callable[[str], None]`): it calls
it with one line per stage. A `Reporter` is such a callback with more to it, which the CLI
passes in:
- `status` and `count` are transient: in a terminal one line is rewritten in place ("Pair packs:
  12/40"), elsewhere (a pipe, a CI log) they print nothing, so a log holds plain stage lines only;
- `wrote` records an output for the closing summary (`close`), "what was written where";
- quiet prints nothing at all; colour only in a terminal, and never with NO_COLOR set.
The API reaches the extra methods only through `status`, `count` and `wrote` below, which do
nothing with a plain callable: a caller's `lines.append` keeps working.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from .errors import visible

Progress = Callable[[str], None]
"""A progress callback: called with one line per stage."""


@dataclass(frozen=True)
class Output:
    """One thing a command wrote, for the closing summary."""

    folder: str
    """Where, as shown to the user (a folder ends with a slash)."""
    what: str
    """What it is, with its count: "training pack, 13 files"."""


class Reporter:
    """The CLI's progress callback: stage lines, a rewritten line for counters in a terminal, a summary."""

    def __init__(self, stream: TextIO, *, quiet: bool = False, tty: bool | None = None,
                 color: bool | None = None) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty() if tty is None else tty
        self.color = (self.tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
                      if color is None else color)
        self.outputs: list[Output] = []
        self._transient = False

    def __call__(self, line: str) -> None:
        """A stage line, kept."""
        if self.quiet:
            return
        self._clear()
        self.stream.write(visible(line) + "\n")
        self.stream.flush()

    def status(self, line: str) -> None:
        """What is under way now: rewritten in place in a terminal, not shown elsewhere."""
        if self.quiet or not self.tty:
            return
        self._clear()
        self.stream.write(visible(line))
        self.stream.flush()
        self._transient = True

    def count(self, label: str, done: int, total: int) -> None:
        """A counter over many files: `label: done/total`, a transient line (see `status`)."""
        self.status(f"{label}: {done}/{total}…")

    def wrote(self, folder: str, what: str) -> None:
        """Record an output for the closing summary."""
        self.outputs.append(Output(folder, what))

    def close(self) -> None:
        """End the command's progress: clear a transient line and print what was written where."""
        self._clear()
        if self.quiet or not self.outputs:
            return
        width = max(len(visible(output.folder)) for output in self.outputs)
        lines = [self._bold("Written:")]
        lines += [f"  {self._bold(visible(output.folder).ljust(width))}  {visible(output.what)}" for output in self.outputs]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """The summary when the command succeeded; on an error only the transient line is cleared,
        so the error starts a line of its own."""
        if kind is None:
            self.close()
        else:
            self._clear()
            self.stream.flush()

    def _bold(self, text: str) -> str:
        """Bold in a terminal with colour; `text` is escaped already (see `visible`)."""
        return f"\x1b[1m{text}\x1b[0m" if self.color else text

    def _clear(self) -> None:
        if self._transient:
            self.stream.write("\r\x1b[K")
            self._transient = False


def status(progress: Progress | None, line: str) -> None:
    """Say what is under way, to a Reporter (a plain callback is not told)."""
    if isinstance(progress, Reporter):
        progress.status(line)


def count(progress: Progress | None, label: str, done: int, total: int) -> None:
    """Tick a counter over many files, on a Reporter (a plain callback is not told)."""
    if isinstance(progress, Reporter):
        progress.count(label, done, total)


def wrote(progress: Progress | None, folder: str, what: str) -> None:
    """Record an output for a Reporter's closing summary (a plain callback is not told)."""
    if isinstance(progress, Reporter):
        progress.wrote(folder, what)
