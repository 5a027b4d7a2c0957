"""`serve`: a live preview that rebuilds the handbook when the program's files change.

It builds into a temporary folder of its own (never into site/; one a SIGKILL left is cleared
by the next serve, see render/scratch.py), serves that folder on a local address, and polls program.yaml, content/, templates/ and mkdocs.yml. A rebuild goes
through the same staged, atomic write as `build`, so a program with an error is reported and
the last good site stays on show.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .errors import Problem, ToolkitError, unexpected
from .files import signals
from .pipeline import build
from .program.validate import program_file
from .render.scratch import work_folder

Snapshot = dict[str, tuple[int, int]]


def snapshot(folder: Path, program: Path) -> Snapshot:
    """Size and modification time of every watched file: a change in any of them means rebuild."""
    seen: Snapshot = {}
    paths = [program, folder / "mkdocs.yml"]
    for name in ("content", "templates"):
        base = folder / name
        if base.is_dir():
            for root, dirs, files in os.walk(base):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                paths.extend(Path(root) / f for f in files)
    for path in paths:
        with contextlib.suppress(OSError):
            stat = path.stat()
            seen[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return seen


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the preview folder without logging every request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def serve(
    path: str | os.PathLike[str] = ".",
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    interval: float = 0.5,
    echo: Callable[[str], None] = print,
    report: Callable[[ToolkitError], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Build, serve on host:port, and rebuild on every change until interrupted (or `stop` is set)."""
    program = program_file(path).resolve()
    folder = program.parent
    scratch = contextlib.ExitStack()  # the preview's folder, which the next serve clears if this one is killed
    work = scratch.enter_context(work_folder(Path(tempfile.gettempdir()), "revmentor-serve-"))
    site = work / "site"
    stop = stop or threading.Event()

    def rebuild(first: bool) -> None:
        started = time.monotonic()
        try:
            result = build(program, site)
        except ToolkitError as error:
            (report or (lambda e: echo(e.format())))(error)
            echo("The last good site is still served; fix the problem and save to rebuild."
                 if not first else "Fix the problem and save: the preview builds as soon as it can.")
            return
        except Exception as error:  # a bug in the toolkit must not end the preview with a traceback
            echo(unexpected(error))
            echo("The last good site is still served." if not first else "The preview builds on the next save.")
            return
        for warning in result.warnings:
            echo(warning.format())
        echo(f"{'Built' if first else 'Rebuilt'} {result.pages} pages in {time.monotonic() - started:.1f} s")

    try:
        seen = snapshot(folder, program)
        rebuild(first=True)
        site.mkdir(exist_ok=True)
        handler = functools.partial(_QuietHandler, directory=str(site))
        try:
            server = ThreadingHTTPServer((host, port), handler)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ToolkitError(Problem("", f"port {port} on {host} is already in use",
                                           f"stop the program using it, or choose another port: --port {port + 1}")) from None
            raise ToolkitError(Problem("", f"cannot serve on {host}:{port}: {error.strerror}",
                                       "choose another --host or --port")) from None
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        shown = f"[{host}]" if ":" in host else host
        echo(f"Serving the handbook on http://{shown}:{server.server_address[1]}/ (Ctrl-C to stop)")
        echo("Rebuilds when program.yaml, content/, templates/ or mkdocs.yml change.")
        try:
            for _ in _ticks(stop, interval):
                now = snapshot(folder, program)
                if now != seen:
                    seen = now
                    rebuild(first=False)
        finally:
            server.shutdown()
            server.server_close()
    finally:
        scratch.close()
        signals.committed.clear()  # the preview's sites were temporary: no output of the user's changed


def _ticks(stop: threading.Event, interval: float) -> Iterator[None]:
    while not stop.wait(interval):
        yield None
