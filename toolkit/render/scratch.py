"""Work folders that a SIGKILL or a power cut cannot leave behind for good.

A run's work folder (the site's assembled docs tree, the preview of `serve`) holds a marker file
locked (flock) for as long as the run uses it: the kernel releases the lock when the process
ends, however it ends. Every run first removes the folders of its kind whose marker is not
locked: the run that made them is gone. A folder without the marker is never touched, so no
file the toolkit did not write is removed. On a file system without locks nothing is cleared,
as before.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..files import signals

MARKER = ".revmentor-work"


@contextlib.contextmanager
def work_folder(parent: Path, prefix: str) -> Iterator[Path]:
    """A new folder `parent/prefix…`, locked while in use and removed at the end; the stale
    folders of earlier runs with the same prefix are removed first."""
    parent.mkdir(parents=True, exist_ok=True)
    clear_stale(parent, prefix)
    path: Path | None = None
    fd = -1
    try:
        with signals.held():  # a stop between making the folder and naming it would leave it behind
            path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        # Locked before it has its name: no other run can see the marker unlocked and take the folder for stale.
        fd, unnamed = tempfile.mkstemp(prefix=".revmentor-lock-", dir=path)
        _lock(fd)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        os.rename(unnamed, path / MARKER)
        yield path
    finally:
        with signals.held():
            if path is not None:
                shutil.rmtree(path, ignore_errors=True)
            if fd >= 0:
                os.close(fd)


def clear_stale(parent: Path, prefix: str) -> None:
    """Remove the work folders in `parent` named with `prefix` whose run is gone (marker not locked)."""
    try:
        entries = [entry for entry in parent.iterdir() if entry.name.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink() or not entry.is_dir():
            continue
        try:
            fd = os.open(entry / MARKER, os.O_RDWR | os.O_NOFOLLOW)
        except OSError:
            continue  # not ours, or being made
        try:
            if _lock(fd):
                with signals.held():
                    shutil.rmtree(entry, ignore_errors=True)
        finally:
            os.close(fd)


def _lock(fd: int) -> bool:
    """Take the lock of a marker; False when another process holds it or locks do not work here."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: nothing is ever cleared
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
