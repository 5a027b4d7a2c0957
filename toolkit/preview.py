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
import webbrowser
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .errors import Problem, ToolkitError, unexpected
from .files import signals
from .files.paths import default_output
from .pipeline import prepare_build, write_build
from .program.validate import program_file
from .progress import Reporter
from .render.cache import output_cache
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


RELOAD_PATH = "/.revmentor-reload"
"""Where a previewed page asks which build it is showing; never part of a built site."""
RELOAD_SCRIPT = (
    "<script>/* revmentor serve: reload when the preview is rebuilt */(function(){var seen=null;"
    "function ask(){fetch('RELOAD',{cache:'no-store'}).then(function(r){return r.text();}).then(function(n){"
    "if(seen!==null&&n!==seen){location.reload();}seen=n;}).catch(function(){}).finally(function(){"
    "setTimeout(ask,1000);});}ask();})();</script>"
).replace("RELOAD", RELOAD_PATH)
"""Added to every page the preview serves (not to the files: a build never has it)."""


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the preview folder without logging every request; HTML pages get the reload script."""

    builds: Callable[[], int] = staticmethod(lambda: 0)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == RELOAD_PATH:
            self._send(str(self.builds()).encode("ascii"), "text/plain; charset=utf-8")
            return
        local = Path(self.translate_path(path))
        if path.endswith("/"):
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            page = local.read_bytes()
            at = page.rfind(b"</body>")
            page = page[:at] + RELOAD_SCRIPT.encode("ascii") + page[at:] if at >= 0 else page
            self._send(page, "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, data: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve(
    path: str | os.PathLike[str] = ".",
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    interval: float = 0.5,
    echo: Callable[[str], None] = print,
    report: Callable[[ToolkitError], None] | None = None,
    stop: threading.Event | None = None,
    open_browser: bool = False,
) -> None:
    """Build, serve on host:port, and rebuild on every change until interrupted (or `stop` is set).

    The port is taken before the first build, so a busy one is said at once. The build uses the
    render cache of the program's own site/, so a serve after a build starts warm. Every page
    served asks the preview which build it shows, and reloads itself after a rebuild. With
    `open_browser`, the preview opens in the browser once the first build is done.
    """
    program = program_file(path).resolve()
    folder = program.parent
    server = _bind(host, port)
    scratch = contextlib.ExitStack()  # the preview's folder, which the next serve clears if this one is killed
    scratch.callback(server.server_close)
    stop = stop or threading.Event()
    built = [0]
    try:
        work = scratch.enter_context(work_folder(Path(tempfile.gettempdir()), "revmentor-serve-"))
        site = work / "site"
        cache = output_cache(default_output(folder, "site"))

        def rebuild(first: bool) -> None:
            started = time.monotonic()
            try:
                result = write_build(prepare_build(program), site, cache=cache, progress=_status_only(echo))
            except ToolkitError as error:
                (report or (lambda e: echo(e.format())))(error)
                echo("The last good site is still served; fix the problem and save to rebuild."
                     if not first else "Fix the problem and save: the preview builds as soon as it can.")
                return
            except Exception as error:  # a bug in the toolkit must not end the preview with a traceback
                echo(unexpected(error))
                echo("The last good site is still served." if not first else "The preview builds on the next save.")
                return
            built[0] += 1
            for warning in result.warnings:
                echo(warning.format())
            echo(f"{'Built' if first else 'Rebuilt'} {result.pages} pages in {time.monotonic() - started:.1f} s")

        seen = snapshot(folder, program)
        rebuild(first=True)
        site.mkdir(exist_ok=True)
        server.RequestHandlerClass = functools.partial(
            type("_Handler", (_QuietHandler,), {"builds": staticmethod(lambda: built[0])}), directory=str(site))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{server.server_address[1]}/"
        echo(f"Serving the handbook on {url} (Ctrl-C to stop)")
        echo("Rebuilds when program.yaml, content/, templates/ or mkdocs.yml change; open pages reload themselves.")
        if open_browser:
            webbrowser.open(url)
        try:
            for _ in _ticks(stop, interval):
                now = snapshot(folder, program)
                if now != seen:
                    seen = now
                    rebuild(first=False)
        finally:
            server.shutdown()
    finally:
        scratch.close()
        signals.committed.clear()  # the preview's sites were temporary: no output of the user's changed


def _bind(host: str, port: int) -> ThreadingHTTPServer:
    """The preview's server, bound but not serving yet; a busy port is a located error at once."""
    try:
        return ThreadingHTTPServer((host, port), _QuietHandler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ToolkitError(Problem("", f"port {port} on {host} is already in use",
                                       f"stop the program using it, or choose another port: --port {port + 1}")) from None
        raise ToolkitError(Problem("", f"cannot serve on {host}:{port}: {error.strerror or error}",
                                   "choose another --host or --port")) from None


def _status_only(echo: Callable[[str], None]) -> Callable[[str], None] | None:
    """What a rebuild says while it works: a Reporter's transient lines only (see progress.py)."""
    return _Transient(echo) if isinstance(echo, Reporter) else None


class _Transient:
    """A progress callback that shows each stage as a Reporter's transient status line."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter

    def __call__(self, line: str) -> None:
        self.reporter.status(line)


def _ticks(stop: threading.Event, interval: float) -> Iterator[None]:
    while not stop.wait(interval):
        yield None
