"""Faults a real build meets: SIGKILL at random moments, a full disk, a read-only disk.

In every case the previous output stays byte-identical, the user gets one clear message
(no traceback), and the next run leaves no temporary folder behind. The disk tests mount
small tmpfs file systems, which needs root (as CI runs); elsewhere they are skipped.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, copy_flagship, tmpfs
from hardening import record
from sitekit import Watched, free_port, hashes, write_program

KILLS = 20
SEED = 20261123


def build_command(program: Path, output: Path, *, quiet: bool = True) -> list[str]:
    return [sys.executable, "-m", "toolkit", "build", str(program), "-o", str(output), *(["--quiet"] if quiet else [])]


def leftovers(parent: Path, output: Path) -> list[str]:
    """Everything beside the output except the output itself and the toolkit's render cache."""
    return sorted(p.name for p in parent.iterdir() if p != output and p.name != ".revmentor-cache")


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the flagship, outside each test's folder: the private outputs a build writes beside
    its program.yaml land there, not in the checkout."""
    return copy_flagship(tmp_path_factory.mktemp("flagship") / "crosswise")


@pytest.mark.slow
def test_twenty_sigkills_at_random_moments_lose_nothing(tmp_path: Path, flagship: Path) -> None:
    """Each kill comes at a moment the build reports: after one of its progress lines (or before
    the first), plus a random fraction of a second, so every stage is hit whatever the machine's speed."""
    output = tmp_path / "site"
    subprocess.run(build_command(flagship, output), check=True, capture_output=True)
    before = hashes(output)
    again = subprocess.run(build_command(flagship, output, quiet=False), check=True, capture_output=True, text=True)
    assert hashes(output) == before, "the same program builds the same bytes"
    lines = again.stdout.splitlines()
    stages = lines[:next(i for i, line in enumerate(lines) if line.startswith("Site written to"))]  # before the swap
    assert len(stages) >= 4, stages

    chance = random.Random(SEED)
    moments = [(chance.randrange(-1, len(stages)), chance.uniform(0, 0.3)) for _ in range(KILLS)]
    lost = 0
    for stage, delay in sorted(moments):
        process = subprocess.Popen(build_command(flagship, output, quiet=False), stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        running = Watched(process)
        if stage >= 0:
            running.wait_for(stages[stage])
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = hashes(output)
        lost += sum(1 for name, digest in before.items() if after.get(name) != digest)
        where = f"after {stages[stage]!r}" if stage >= 0 else "before the first line"
        assert after == before, f"killed {delay:.2f} s {where}"
    record("faults survived", KILLS)
    record("files lost", lost)

    subprocess.run(build_command(flagship, output), check=True, capture_output=True)
    assert hashes(output) == before
    assert leftovers(tmp_path, output) == []


STOPS = {signal.SIGTERM: 20, signal.SIGINT: 20, signal.SIGHUP: 5}


@pytest.mark.slow
@pytest.mark.parametrize("signum", list(STOPS), ids=lambda signum: signal.Signals(signum).name)
def test_stop_signals_at_random_moments_lose_nothing_and_leave_nothing(tmp_path: Path, flagship: Path,
                                                                        signum: int) -> None:
    """SIGTERM (a service manager, a CI timeout), Ctrl-C and SIGHUP (a closed terminal), at moments
    picked as for SIGKILL: the previous output stays byte-identical, no temporary folder is left,
    and the command ends with one line and 128 + the signal. "Before the first line" starts once
    the process catches the signal: until then the interpreter is starting, and no code of the
    toolkit has run (nothing can be written, and the signal's default action ends it)."""
    output = tmp_path / "site"
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    subprocess.run(build_command(flagship, output), check=True, capture_output=True, env=env)
    before = hashes(output)
    again = subprocess.run(build_command(flagship, output, quiet=False), check=True, capture_output=True, text=True,
                           env=env)
    lines = again.stdout.splitlines()
    stages = lines[:next(i for i, line in enumerate(lines) if line.startswith("Site written to"))]

    name = signal.Signals(signum).name
    # A stop after some outputs were put in place (the site, the private response templates, the
    # trainer's files) names each one that is complete.
    one = rf"(?:{re.escape(str(output))}|{re.escape(str(flagship / 'private'))}/[a-z-]+)"
    stopped = re.compile(rf"Interrupted \({name}\); no output was changed\.\n"
                         rf"|Interrupted \({name}\) after the new output was in place: {one} is complete\.\n"
                         rf"|Interrupted \({name}\) after the new outputs were in place: {one}(?:, {one})* and {one}"
                         rf" are complete\.\n")
    chance = random.Random(SEED + signum)
    moments = []
    for _ in range(STOPS[signum]):
        # Within 0.05 s of a stage: a rebuild with nothing changed copies the previous site instead of
        # running MkDocs, so little more than that is left after its last progress line.
        moments.append((chance.randrange(-1, len(stages)), chance.uniform(0, 0.05)))
    ended = {"stopped": 0, "finished first": 0}
    for stage, delay in sorted(moments):
        process = subprocess.Popen(build_command(flagship, output, quiet=False), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=env)
        running = Watched(process)
        if stage >= 0:
            running.wait_for(stages[stage])
        else:  # Python catches SIGINT from its first instant; SIGTERM only once the toolkit does
            wait_until_caught(process.pid, signal.SIGTERM)
        time.sleep(delay)
        _, err = running.finish(signum)
        where = f"{name} {delay:.2f} s after {stages[stage]!r}" if stage >= 0 else f"{name} at {delay:.2f} s"
        if process.returncode == 0:
            ended["finished first"] += 1
        else:
            assert process.returncode == 128 + signum, where
            assert stopped.fullmatch(err), (where, err)
            ended["stopped"] += 1
        assert hashes(output) == before, where
        assert leftovers(tmp_path, output) == ["tmp"], where
        assert list(temporary.iterdir()) == [], where
        assert not [p for p in (tmp_path / ".revmentor-cache").rglob(".tmp-*")], where
    assert ended["stopped"] >= STOPS[signum] // 2, ended
    record("faults survived", STOPS[signum])


def wait_until_caught(pid: int, signum: int, seconds: float = 30.0) -> None:
    """Wait until a process has a handler for the signal (Linux: SigCgt in /proc/PID/status)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16)
        if caught >> (signum - 1) & 1:
            return
        time.sleep(0.002)
    raise AssertionError(f"process {pid} never caught signal {signum}")


def test_serve_stopped_by_sigterm_or_sighup_leaves_no_temporary_folder(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    program = write_program(tmp_path / "prog")
    for signum in (signal.SIGTERM, signal.SIGHUP):
        process = subprocess.Popen([sys.executable, "-m", "toolkit", "serve", str(program), "--port", str(free_port())],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "TMPDIR": str(temporary)})
        served = Watched(process)
        served.wait_for("Serving the handbook on")
        assert [p.name[:16] for p in temporary.iterdir()] == ["revmentor-serve-"]
        _, err = served.finish(signum)
        name = signal.Signals(signum).name
        assert (process.returncode, err) == (128 + signum, f"Interrupted ({name}); no output was changed.\n")
        assert list(temporary.iterdir()) == []
        assert not (program / "site").exists()


def work_folders(top: Path, prefix: str) -> list[Path]:
    """The work folders of a kind anywhere under `top` (beside the output, its cache, the system temp)."""
    return sorted(path for path in top.rglob(f"{prefix}*") if path.is_dir())


def wait_for_folder(top: Path, prefix: str, seconds: float = 60.0) -> None:
    """Wait until a work folder of this kind is in use (its marker written)."""
    deadline = time.monotonic() + seconds
    while not any((path / ".revmentor-work").exists() for path in work_folders(top, prefix)):
        assert time.monotonic() < deadline, f"no {prefix}* folder was made"
        time.sleep(0.01)


def test_a_build_killed_while_mkdocs_runs_leaves_its_docs_tree_to_the_next_build_which_clears_it(
        tmp_path: Path) -> None:
    """The assembled docs tree (a copy of content/) of a SIGKILLed build does not stay for ever:
    it lives in the output's render cache, and the next build removes it, with the system temp
    never used."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    program = write_program(tmp_path / "prog")
    output = tmp_path / "out"
    process = subprocess.Popen(build_command(program, output, quiet=False), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env)
    running = Watched(process)
    running.wait_for("Building site with MkDocs")
    wait_for_folder(tmp_path, "revmentor-docs-")
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed = work_folders(tmp_path, "revmentor-docs-")
    assert [path.parent for path in killed] == [tmp_path / ".revmentor-cache" / "out"]

    subprocess.run(build_command(program, output), check=True, capture_output=True, env=env)

    assert work_folders(tmp_path, "revmentor-docs-") == []
    assert list(temporary.iterdir()) == []
    assert (output / "index.html").is_file()


def test_a_serve_killed_leaves_its_folder_to_the_next_serve_which_clears_it(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    program = write_program(tmp_path / "prog")
    env = {**os.environ, "TMPDIR": str(temporary)}

    def start() -> Watched:
        process = subprocess.Popen([sys.executable, "-m", "toolkit", "serve", str(program), "--port", str(free_port())],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        served = Watched(process)
        served.wait_for("Serving the handbook on")
        return served

    first = start()
    first.finish(signal.SIGKILL)
    killed = work_folders(temporary, "revmentor-serve-")
    assert len(killed) == 1

    second = start()
    running = work_folders(temporary, "revmentor-serve-")
    assert len(running) == 1 and running != killed, "the killed serve's folder is cleared, the running one kept"
    third = start()
    assert len(work_folders(temporary, "revmentor-serve-")) == 2, "a running serve's folder is never cleared"
    third.finish(signal.SIGTERM)
    second.finish(signal.SIGTERM)
    assert list(temporary.iterdir()) == []


@pytest.fixture
def small_disk(tmp_path: Path, root: None) -> Iterator[Path]:
    """A 64 MB tmpfs mounted for this test alone."""
    with tmpfs(tmp_path / "disk", "size=64m") as mount:
        yield mount


def fill(disk: Path, keep_bytes: int) -> Path:
    """Fill the disk until only about `keep_bytes` remain."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    filler = disk / "filler.bin"
    with filler.open("wb") as handle:
        remaining = max(free - keep_bytes, 0)
        chunk = b"\0" * (1 << 20)
        while remaining > 0:
            handle.write(chunk[: min(len(chunk), remaining)])
            remaining -= len(chunk)
    return filler


@pytest.mark.root
def test_a_full_disk_gives_a_clear_error_and_keeps_the_previous_site(small_disk: Path, tmp_path: Path) -> None:
    program = write_program(tmp_path / "program")
    output = small_disk / "site"
    first = subprocess.run(build_command(program, output), capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = hashes(output)
    filler = fill(small_disk, keep_bytes=200_000)

    result = subprocess.run(build_command(program, output), capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "the disk is full" in result.stderr, result.stderr
    assert "fix: free some space and build again" in result.stderr
    assert hashes(output) == before
    record("faults survived", 1)

    filler.unlink()
    again = subprocess.run(build_command(program, output), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert leftovers(small_disk, output) == []


@pytest.mark.root
def test_a_read_only_disk_gives_a_clear_error_and_keeps_the_previous_site(small_disk: Path, tmp_path: Path) -> None:
    program = write_program(tmp_path / "program")
    output = small_disk / "site"
    assert subprocess.run(build_command(program, output), capture_output=True).returncode == 0
    before = hashes(output)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        result = subprocess.run(build_command(program, output), capture_output=True, text=True)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "the file system is read-only" in result.stderr, result.stderr
    assert "fix: choose a folder on a writable disk with -o" in result.stderr
    assert hashes(output) == before
    record("faults survived", 1)


def test_a_bug_reaches_the_user_as_one_line_not_a_traceback() -> None:
    """Injected, as no known input causes one: the console script turns it into one line, exit 70."""
    inject = ("import sys, toolkit.cli\n"
              "def broken(): raise RuntimeError('injected\\nfault')\n"
              "toolkit.cli.main = broken\n"
              "from toolkit.__main__ import main\n"
              "main()\n")
    done = subprocess.run([sys.executable, "-c", inject], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (70, "")
    assert done.stderr == ("revmentor stopped on an unexpected error (RuntimeError: injected fault); this is a bug in"
                           " revmentor: please report it with the command you ran (REVMENTOR_TRACEBACK=1 shows"
                           " where)\n")
    shown = subprocess.run([sys.executable, "-c", inject], capture_output=True, text=True, check=False,
                           env={**os.environ, "REVMENTOR_TRACEBACK": "1"})
    assert "Traceback" in shown.stderr and "RuntimeError: injected" in shown.stderr


def test_serve_outlives_a_bug_in_a_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild that fails on an error not the toolkit's own is said in one line; serving goes on."""
    import threading

    import toolkit.preview as preview

    program = write_program(tmp_path / "prog")
    real = preview.write_build
    calls: list[int] = []

    def flaky(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("injected")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(preview, "write_build", flaky)
    lines: list[str] = []
    stop = threading.Event()
    serving = threading.Thread(target=preview.serve, args=(program,),
                               kwargs={"port": free_port(), "interval": 0.05, "echo": lines.append, "stop": stop})
    serving.start()
    try:
        deadline = time.monotonic() + 60
        while not any(line.startswith("Serving") for line in lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        for edit in range(2):
            page = program / "content" / "_includes" / "mentor-notes.md"
            page.write_text(page.read_text(encoding="utf-8") + f"\nEdit {edit}.\n", encoding="utf-8")
            while len(calls) < 2 + edit and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.2)
    finally:
        stop.set()
        serving.join(timeout=60)
    assert ("revmentor stopped on an unexpected error (RuntimeError: injected); this is a bug in revmentor: please"
            " report it with the command you ran (REVMENTOR_TRACEBACK=1 shows where)") in lines
    assert "The last good site is still served." in lines
    assert any(line.startswith("Rebuilt") for line in lines), lines
    assert not serving.is_alive()


def test_an_error_after_a_swallowed_stop_is_reported_as_the_stop(capsys: pytest.CaptureFixture[str]) -> None:
    """WeasyPrint's callbacks swallow a Ctrl-C and the render then fails: the user stopped it, and is told so."""
    import contextlib

    from toolkit.cli import _guarded
    from toolkit.errors import BuildError
    from toolkit.files import signals

    @_guarded
    def command() -> None:
        with contextlib.suppress(KeyboardInterrupt):  # what the callback does with it
            os.kill(os.getpid(), signal.SIGINT)
        raise BuildError("training/guide.pdf: the font could not be loaded")

    before = signal.getsignal(signal.SIGINT)
    signals.install()
    try:
        with pytest.raises(SystemExit) as done:
            command()
    finally:
        for signum in signals.STOPPING:
            signal.signal(signum, before if signum == signal.SIGINT else signal.SIG_DFL)
        signals.reset()
        signals._holding.clear()
    assert done.value.code == 130
    assert capsys.readouterr().err == "Interrupted (SIGINT); no output was changed.\n"


def test_a_stop_while_the_command_line_is_parsed_waits_for_the_command() -> None:
    """click would turn it into "Aborted!" and exit 1: held until the command runs, it ends as any stop."""
    probe = ("import os, signal, sys, click, toolkit.cli\n"
             "real = toolkit.cli.cli.make_context\n"
             "def parse(*args, **kwargs):\n"
             "    os.kill(os.getpid(), signal.SIGTERM)\n"
             "    return real(*args, **kwargs)\n"
             "toolkit.cli.cli.make_context = parse\n"
             "sys.argv = ['revmentor', 'validate', '--help']\n"
             "from toolkit.__main__ import main\n"
             "main()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=REPO)
    assert (done.returncode, done.stderr) == (0, ""), "--help runs no command: the stop is ignored as it ends"
    probe = probe.replace("'validate', '--help'", "'validate'")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=REPO)
    assert (done.returncode, done.stderr) == (143, "Interrupted (SIGTERM); no output was changed.\n")


def test_a_stop_after_several_outputs_were_put_in_place_names_each_of_them() -> None:
    """The site and the private outputs after it are put in place one by one; the line says which are complete."""
    from toolkit.files import signals

    try:
        signals.committed[:] = ["site"]
        assert signals.stopped_line(signals.Interrupted(signal.SIGTERM)) == (
            "Interrupted (SIGTERM) after the new output was in place: site is complete.")
        signals.committed[:] = ["site", "private/response-templates", "private/trainer"]
        assert signals.stopped_line(signals.Interrupted(signal.SIGTERM)) == (
            "Interrupted (SIGTERM) after the new outputs were in place: site, private/response-templates"
            " and private/trainer are complete.")
    finally:
        signals.committed.clear()
