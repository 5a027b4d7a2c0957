"""Stopping a command cleanly: SIGTERM and SIGHUP act like Ctrl-C, and the swap is never cut in two.

Why: by default SIGTERM (a service manager, `kill`, a CI timeout) and SIGHUP (a closed
terminal) end the process on the spot, leaving staging and temporary folders behind. Once
`install` has run they raise `Interrupted`, a KeyboardInterrupt, so every `finally` and `with`
clears up on the way out, as for Ctrl-C. A library can swallow the exception (a callback into
C code prints it and goes on), so the signal is also remembered, and the output writer calls
`check` before it replaces anything. Around the swap itself, `held` keeps the signals waiting
until the output is whole again.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A stop signal arrived: the command ends, and no output is half-replaced."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_received: list[int] = []
_holding: list[bool] = []
committed: list[str] = []
"""Outputs replaced so far in this process: a signal after that did not stop them."""


def _stop(signum: int, _frame: object) -> None:
    _received.append(signum)
    if not _holding:
        raise Interrupted(signum)


def install() -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise `Interrupted` (the console script calls this first).

    They are held until a command runs (`running`): raised in click's own parsing, a stop would
    end as click's "Aborted!" and exit 1.
    """
    for signum in STOPPING:
        signal.signal(signum, _stop)
    _holding.append(True)


@contextlib.contextmanager
def running() -> Iterator[None]:
    """Around one command: stop signals raise, starting with one that came while it was starting
    up; once it ends they are held again, for click's code after it."""
    committed.clear()
    came = _received[:1]
    _received.clear()
    before = _holding[:]
    _holding.clear()
    try:
        if came:
            _received.extend(came)
            raise Interrupted(came[0])
        yield
    finally:
        _holding[:] = before


def reset() -> None:
    """Forget earlier signals and outputs (tests that send themselves signals clean up with it)."""
    _received.clear()
    committed.clear()


def quiet() -> None:
    """Ignore stop signals from now on: the command's work is done and the process is ending, so
    one arriving now must not turn a finished run into a traceback at exit."""
    for signum in STOPPING:
        signal.signal(signum, signal.SIG_IGN)


def stop_that_came() -> Interrupted | None:
    """The stop signal that came, if one did: an error raised after it (a library that swallowed
    the interrupt and then failed) is the stop's doing, and is reported as the stop."""
    return Interrupted(_received[0]) if _received else None


def check() -> None:
    """Raise `Interrupted` if a stop signal came, even one whose exception was swallowed."""
    if _received:
        raise Interrupted(_received[0])


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold stop signals back for a few renames: one that comes meanwhile is noted, and raised
    when the block ends. (A flag, not a signal mask: a mask holds back only its own thread.)"""
    before = len(_received)
    _holding.append(True)
    try:
        yield
    finally:
        _holding.pop()
    if not _holding and len(_received) > before:
        raise Interrupted(_received[before])


def stopped_line(stop: KeyboardInterrupt) -> str:
    """What the user reads when a stop signal ended a command: whether an output was replaced."""
    name = f" ({stop.args[0]})" if isinstance(stop, Interrupted) else ""
    if len(committed) == 1:
        return f"Interrupted{name} after the new output was in place: {committed[0]} is complete."
    if committed:
        done = ", ".join(committed[:-1]) + " and " + committed[-1]
        return f"Interrupted{name} after the new outputs were in place: {done} are complete."
    return f"Interrupted{name}; no output was changed."


def exit_code(stop: KeyboardInterrupt) -> int:
    """128 + the signal's number, as a shell reports a process a signal ended (130 for Ctrl-C)."""
    return 128 + (stop.signum if isinstance(stop, Interrupted) else signal.SIGINT)
