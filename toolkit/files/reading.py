"""The one way an input file is read: a regular file only, and never more than a limit.

Why one reader: program.yaml, rosters, pairs files and survey responses all come from a folder
the toolkit does not control. A named pipe there would block a read forever, a link to
/dev/zero would fill the memory, a 1 GB file would be read whole before anything is said.
Here the path is checked with stat before it is opened, opened without blocking, checked
again on the open file (nothing swapped in between), and read up to the limit plus one byte.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, ToolkitError

_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)

_REGULAR_FIX = "name an ordinary file saved on disk: the toolkit never reads from a pipe, a device or a socket"


@dataclass(frozen=True)
class InputKind:
    """What a caller reads, for its messages: the error class, the size limit and the fixes."""

    error: type[ToolkitError]
    limit: int
    """The most bytes a file of this kind may hold."""
    missing_fix: str
    folder_fix: str
    size_fix: str


def read_input(path: Path, shown: str, kind: InputKind) -> bytes:
    """The file's bytes, or `kind.error` with one located sentence: missing, a folder, not a
    regular file (pipe, device, socket, or a link to one), unreadable, or over the limit."""

    def fail(message: str, fix: str) -> ToolkitError:
        return kind.error(Problem(shown, message, fix))

    try:
        info = os.stat(path)
        _check_kind(info, fail, kind, path)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
        try:
            info = os.fstat(fd)
            _check_kind(info, fail, kind, path)
            data = _read_at_most(fd, kind.limit + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        if os.path.islink(path):
            raise fail(f"is a link to {os.readlink(path)}, which does not exist", kind.missing_fix) from None
        raise fail("no such file", kind.missing_fix) from None
    except IsADirectoryError:
        raise fail("is a folder, not a file", kind.folder_fix) from None
    except PermissionError:
        raise fail("permission denied", "make the file readable by your user") from None
    except OSError as error:
        raise fail(f"cannot be read: {error.strerror or error}", "check the path and the disk") from None
    if len(data) > kind.limit:
        size = f"{info.st_size:,} bytes" if info.st_size > kind.limit else f"more than {kind.limit:,} bytes"
        raise fail(f"is {size}; the limit is {kind.limit:,}", kind.size_fix)
    return data


def _check_kind(info: os.stat_result, fail: Callable[[str, str], ToolkitError], kind: InputKind,
                path: Path) -> None:
    """Refuse anything but a regular file, by what stat says, before a byte is read."""
    if stat.S_ISDIR(info.st_mode):
        raise fail("is a folder, not a file", kind.folder_fix)
    if info.st_size > kind.limit and stat.S_ISREG(info.st_mode):
        raise fail(f"is {info.st_size:,} bytes; the limit is {kind.limit:,}", kind.size_fix)
    for test, name in _SPECIAL:
        if test(info.st_mode):
            if os.path.islink(path):
                name = f"a link to {os.readlink(path)}, {name}"
            raise fail(f"is {name}, not a regular file", _REGULAR_FIX)
    if not stat.S_ISREG(info.st_mode):
        raise fail("is not a regular file", _REGULAR_FIX)


def _read_at_most(fd: int, count: int) -> bytes:
    """Up to `count` bytes: a file that grows, or whose size stat got wrong, is still bounded."""
    chunks = []
    left = count
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def sniff_wide_encoding(raw: bytes) -> str:
    """'UTF-16' or 'UTF-32' when the bytes are text in one of them (with or without a byte order
    mark, by the pattern of zero bytes YAML's own spec uses), else ''."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = raw[:4]
    if len(head) == 4 and (head[:3] == b"\x00\x00\x00") != (head[1:] == b"\x00\x00\x00"):
        return "UTF-32"
    if len(head) == 4 and (head[0] == head[2] == 0) != (head[1] == head[3] == 0):
        return "UTF-16"
    return ""
