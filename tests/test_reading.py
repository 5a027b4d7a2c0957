"""The one reader of input files: regular files only, read up to a limit, wide encodings named."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from toolkit.errors import RosterError, ToolkitError
from toolkit.files.reading import InputKind, read_input, sniff_wide_encoding

from hardening import record

KIND = InputKind(error=RosterError, limit=100, missing_fix="check the path", folder_fix="name the file",
                 size_fix="make it smaller")
SPECIAL_FIX = "name an ordinary file saved on disk: the toolkit never reads from a pipe, a device or a socket"


def message(path: Path, kind: InputKind = KIND) -> str:
    with pytest.raises(ToolkitError) as caught:
        read_input(path, path.name, kind)
    assert isinstance(caught.value, RosterError)
    return caught.value.format()


def test_a_regular_file_up_to_the_limit_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"x" * 100)
    assert read_input(tmp_path / "a.csv", "a.csv", KIND) == b"x" * 100
    (tmp_path / "b.csv").write_bytes(b"x" * 101)
    assert message(tmp_path / "b.csv") == "b.csv: is 101 bytes; the limit is 100\n  fix: make it smaller"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_file_whose_size_stat_gets_wrong_is_still_read_no_further_than_the_limit() -> None:
    """/proc files say they hold 0 bytes; the reader counts what it reads instead."""
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0
    assert message(status) == "status: is more than 100 bytes; the limit is 100\n  fix: make it smaller"


def test_pipes_devices_sockets_and_folders_are_refused_without_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    assert message(tmp_path / "pipe.csv") == f"pipe.csv: is a named pipe (FIFO), not a regular file\n  fix: {SPECIAL_FIX}"
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    assert message(tmp_path / "zero.csv") == (
        f"zero.csv: is a link to /dev/zero, a device, not a regular file\n  fix: {SPECIAL_FIX}")
    server = socket.socket(socket.AF_UNIX)
    try:
        os.chdir(tmp_path)  # a socket's path is limited to about 100 characters
        server.bind("sock.csv")
        assert message(tmp_path / "sock.csv") == f"sock.csv: is a socket, not a regular file\n  fix: {SPECIAL_FIX}"
    finally:
        server.close()
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder.csv").symlink_to("folder")
    assert message(tmp_path / "folder.csv") == "folder.csv: is a folder, not a file\n  fix: name the file"
    (tmp_path / "gone.csv").symlink_to("nowhere.csv")
    assert message(tmp_path / "gone.csv") == "gone.csv: is a link to nowhere.csv, which does not exist\n  fix: check the path"
    assert message(tmp_path / "none.csv") == "none.csv: no such file\n  fix: check the path"
    record("bad inputs tried", 6)


@pytest.mark.parametrize("text, encoding, expected", [
    ("id: 1\n", "utf-8", ""),
    ("id: 1\n", "utf-8-sig", ""),
    ("id: 1\n", "utf-16", "UTF-16"),
    ("id: 1\n", "utf-16-le", "UTF-16"),
    ("id: 1\n", "utf-16-be", "UTF-16"),
    ("id: 1\n", "utf-32", "UTF-32"),
    ("id: 1\n", "utf-32-le", "UTF-32"),
    ("id: 1\n", "utf-32-be", "UTF-32"),
    ("\x00\x00\x00\x00", "latin-1", ""),
])
def test_utf16_and_utf32_are_recognised_with_or_without_a_byte_order_mark(text: str, encoding: str,
                                                                          expected: str) -> None:
    assert sniff_wide_encoding(text.encode(encoding)) == expected
