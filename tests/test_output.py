"""The output folder: refused when unsafe, replaced atomically, never losing a file it did not write."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from toolkit.errors import BuildError, OutputFolderError
from toolkit.files.output import MANIFEST, MARKER, Digests, check_output, clean_leftovers, remove_owned, staged_output

from sitekit import env_without_color, hashes, write_program

Run = Callable[..., Result]


@pytest.fixture
def program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_program(tmp_path / "prog")


def entries(folder: Path) -> list[str]:
    """What a folder holds, less the render cache that builds keep beside their output (cache.py)."""
    return sorted(p.name for p in folder.iterdir() if p.name != ".revmentor-cache")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- refused output folders --------------------------------------------------------------


def test_the_program_folder_itself_is_refused(program: Path, run: Run) -> None:
    before = snapshot(program)
    result = run("build", "prog", "-o", "prog")
    assert result.exit_code == 1
    assert result.stderr == (
        "prog: the output folder is the program folder itself; building there would overwrite program.yaml and"
        " content/\n"
        "  fix: choose a folder of its own with -o, e.g. prog/site (the default)\n"
    )
    assert snapshot(program) == before


def test_a_folder_containing_the_program_is_refused(program: Path, run: Run, tmp_path: Path) -> None:
    result = run("build", "prog", "-o", ".")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{tmp_path}: the output folder contains the program folder (prog); replacing it would delete the program\n"
        "  fix: choose a folder inside or beside the program folder, e.g. prog/site (the default)\n"
    )
    assert (program / "program.yaml").is_file()


def test_a_folder_inside_content_is_refused(program: Path, run: Run) -> None:
    result = run("build", "prog", "-o", "prog/content/site")
    assert result.exit_code == 1
    assert result.stderr == (
        "prog/content/site: the output folder lies inside content/, the folder of hand-written pages\n"
        "  fix: choose a folder outside content/, e.g. prog/site (the default)\n"
    )
    assert not (program / "content/site").exists()


def test_a_non_empty_folder_not_made_by_the_toolkit_is_refused(program: Path, run: Run) -> None:
    (program / "site/notes").mkdir(parents=True)
    (program / "site/report.docx").write_bytes(b"mine")
    (program / "site/notes/a.txt").write_text("mine", encoding="utf-8")
    result = run("build", "prog")
    assert result.exit_code == 1
    assert result.stderr == (
        "prog/site: the output folder is not empty and was not made by revmentor (it has no"
        " .revmentor-manifest.json); it holds notes/, report.docx\n"
        "  fix: give an empty or new folder with -o, or move these files elsewhere: revmentor replaces the whole"
        " output folder and never deletes files it did not write\n"
    )
    assert snapshot(program / "site") == {"notes/a.txt": b"mine", "report.docx": b"mine"}


def test_files_added_to_a_built_site_are_refused_and_kept(program: Path, run: Run) -> None:
    assert run("build", "prog", "-q").exit_code == 0
    (program / "site/my-notes.txt").write_text("keep me", encoding="utf-8")
    (program / "site/assets/logo-draft.svg").write_text("<svg/>", encoding="utf-8")
    before = snapshot(program / "site")
    result = run("build", "prog")
    assert result.exit_code == 1
    assert result.stderr == (
        "prog/site: the output folder holds 2 files revmentor did not write: assets/logo-draft.svg, my-notes.txt\n"
        "  fix: move them out of the output folder (revmentor replaces the whole folder on each build), or choose"
        " another folder with -o\n"
    )
    assert snapshot(program / "site") == before


def test_an_output_that_is_a_file_is_refused(program: Path, run: Run) -> None:
    (program / "site").write_text("not a folder", encoding="utf-8")
    result = run("build", "prog")
    assert result.exit_code == 1
    assert result.stderr == (
        "prog/site: the output path is a file, not a folder\n"
        "  fix: give the path of a folder with -o\n"
    )
    assert (program / "site").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("output", ["prog/program.yaml/site", "prog/program.yaml/deeper/site"])
def test_an_output_inside_a_file_is_refused(program: Path, run: Run, output: str) -> None:
    before = snapshot(program)
    result = run("build", "prog", "-o", output)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{output}: prog/program.yaml is a file, so no folder can be made inside it\n"
        "  fix: give the path of a folder with -o, one not inside a file\n"
    )
    assert snapshot(program) == before


def test_an_output_that_is_a_symbolic_link_is_refused(program: Path, run: Run, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (program / "site").symlink_to(tmp_path / "real")
    result = run("build", "prog")
    assert result.exit_code == 1
    assert result.stderr == (
        "prog/site: the output folder is a symbolic link; replacing it would replace the link\n"
        "  fix: give the real folder's path (real) with -o\n"
    )
    assert (program / "site").is_symlink()


def test_a_private_output_inside_a_forbidden_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BuildError) as caught, staged_output(
            "site/pairs", command="match", forbidden=[(tmp_path / "site", "the handbook site, which is public")]):
        pass
    assert caught.value.format() == (
        "site/pairs: the output folder lies inside the handbook site, which is public (site)\n"
        "  fix: choose a folder outside it with -o"
    )


# --- what is written, and what is never deleted ------------------------------------------


def test_the_manifest_lists_every_file_written(program: Path, run: Run) -> None:
    assert run("build", "prog", "-q").exit_code == 0
    site = program / "site"
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["files"] == {k: v for k, v in hashes(site).items() if k != MANIFEST}
    assert not (site / MARKER).exists()
    assert entries(program) == ["content", "private", "program.yaml", "site"]


def test_a_rebuild_replaces_the_site_and_leaves_nothing_behind(program: Path, run: Run) -> None:
    assert run("build", "prog", "-q").exit_code == 0
    yaml_file = program / "program.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("name: Bridge", "name: Crossing"),
                         encoding="utf-8")
    assert run("build", "prog", "-q").exit_code == 0
    assert "Crossing" in (program / "site/index.html").read_text(encoding="utf-8")
    assert entries(program) == ["content", "private", "program.yaml", "site"]


def test_folder_metadata_an_os_drops_into_the_site_moves_into_the_new_one(program: Path, run: Run) -> None:
    """Opening site/ in Finder or Explorer must not make the next build refuse it; the files stay."""
    assert run("build", "prog", "-q").exit_code == 0
    dropped = {".DS_Store": b"\x00\x00\x00\x01Bud1", "training/Thumbs.db": b"thumbs", "._index.html": b"apple"}
    for name, data in dropped.items():
        (program / "site" / name).write_bytes(data)
    result = run("build", "prog")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert {name: (program / "site" / name).read_bytes() for name in dropped} == dropped
    listed = json.loads((program / "site" / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert not set(dropped) & set(listed)  # not the toolkit's: never deleted as its own
    assert entries(program) == ["content", "private", "program.yaml", "site"]  # no previous output left beside it


def test_a_new_folder_holding_only_os_metadata_is_used(program: Path, run: Run) -> None:
    (program / "site").mkdir()
    (program / "site/.DS_Store").write_bytes(b"finder")
    result = run("build", "prog", "-q")
    assert result.exit_code == 0, result.stderr
    assert (program / "site/.DS_Store").read_bytes() == b"finder"
    assert (program / "site/index.html").is_file()
    assert entries(program) == ["content", "private", "program.yaml", "site"]


def test_an_os_file_whose_folder_is_gone_keeps_the_previous_output_with_a_warning(
        program: Path, run: Run, tmp_path: Path) -> None:
    output = tmp_path / "out"
    with staged_output(output, command="site") as (staging, _):
        (staging / "old-section").mkdir()
        (staging / "old-section/page.html").write_text("ours", encoding="utf-8")
    (output / "old-section/.DS_Store").write_bytes(b"finder")
    with staged_output(output, command="site") as (staging, written):
        (staging / "page.html").write_text("new", encoding="utf-8")
    assert [problem.message for problem in written.warnings] == [
        "kept this folder of an earlier build: it holds files revmentor did not write (old-section/.DS_Store)"]
    kept = Path(written.warnings[0].file)
    assert (tmp_path / kept.name / "old-section/.DS_Store").read_bytes() == b"finder"


def test_a_failed_build_leaves_the_previous_site_byte_identical(program: Path, run: Run) -> None:
    assert run("build", "prog", "-q").exit_code == 0
    before = hashes(program / "site")
    (program / "templates/handbook").mkdir(parents=True)
    (program / "templates/handbook/faq.md.j2").write_text("{{ nope }}", encoding="utf-8")
    assert run("build", "prog", "-q").exit_code == 1
    assert hashes(program / "site") == before
    assert entries(program) == ["content", "private", "program.yaml", "site", "templates"]


def test_an_empty_existing_folder_is_used(program: Path, run: Run) -> None:
    (program / "site").mkdir()
    assert run("build", "prog", "-q").exit_code == 0
    assert (program / "site/index.html").is_file()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_removing_a_previous_output_keeps_files_the_toolkit_did_not_write(tmp_path: Path) -> None:
    old = tmp_path / "old"
    (old / "a").mkdir(parents=True)
    (old / "a/page.html").write_text("ours", encoding="utf-8")
    (old / "a/mine.txt").write_text("theirs", encoding="utf-8")
    (old / "a/edited.html").write_text("edited by hand", encoding="utf-8")
    listed = {"a/page.html": sha256(b"ours"), "a/edited.html": sha256(b"as written")}
    (old / MANIFEST).write_text(json.dumps({"files": listed}), encoding="utf-8")
    assert remove_owned(old) == ["a/edited.html (changed since revmentor wrote it)", "a/mine.txt"]
    assert snapshot(old) == {"a/edited.html": b"edited by hand", "a/mine.txt": b"theirs",
                             MANIFEST: (old / MANIFEST).read_bytes()}


def test_a_file_edited_after_a_check_is_seen_even_with_its_size_and_time_kept(tmp_path: Path) -> None:
    """A build checks the previous output several times and remembers the digests it took; an
    edit must still be seen, however carefully it restores the file's size and mtime."""
    output = tmp_path / "out"
    with staged_output(output, command="site") as (staging, _):
        (staging / "page.html").write_text("as written", encoding="utf-8")
    digests = Digests(settled_after=0)  # a build's own, remembering even what changed a moment ago
    check_output(output, command="site", digests=digests)  # remembered now
    page = output / "page.html"
    before = page.stat()
    page.write_text("by my hand", encoding="utf-8")  # as long as "as written"
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(OutputFolderError) as raised:
        check_output(output, command="site", digests=digests)
    assert raised.value.problems[0].message == (
        "the output folder holds 1 file revmentor did not write: page.html (changed since revmentor wrote it)")


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_the_swap_is_one_atomic_exchange_on_linux(tmp_path: Path) -> None:
    from toolkit.files.output import _exchange

    (tmp_path / "new").mkdir()
    (tmp_path / "new/page.html").write_text("new", encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site/page.html").write_text("old", encoding="utf-8")
    assert _exchange(tmp_path / "new", tmp_path / "site") is True
    assert (tmp_path / "site/page.html").read_text(encoding="utf-8") == "new"
    assert (tmp_path / "new/page.html").read_text(encoding="utf-8") == "old"


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_a_build_puts_its_output_in_place_with_one_atomic_exchange(program: Path) -> None:
    """At every instant site/ holds the whole previous site or the whole new one, never neither."""
    from toolkit import build

    assert build(program).swap == "new"
    assert build(program).swap == "exchange"
    assert build(program, only="training").swap == "exchange"
    with staged_output(program / "other", command="site") as (staging, written):
        (staging / "page.html").write_text("one", encoding="utf-8")
    assert written.swap == "new"
    with staged_output(program / "other", command="site", atomic=False) as (staging, written):
        (staging / "page.html").write_text("two", encoding="utf-8")
    assert written.swap == "renames"


def test_the_two_rename_fallback_swaps_too(tmp_path: Path) -> None:
    for version in ("one", "two"):
        with staged_output(tmp_path / "out", command="site", atomic=False) as (staging, _):
            (staging / "page.html").write_text(version, encoding="utf-8")
    assert snapshot(tmp_path / "out") == {"page.html": b"two", MANIFEST: (tmp_path / "out" / MANIFEST).read_bytes()}
    assert entries(tmp_path) == ["out"]


def test_an_error_while_writing_removes_the_staging_folder(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), staged_output(tmp_path / "out", command="site") as (staging, _):
        (staging / "half.html").write_text("half", encoding="utf-8")
        raise RuntimeError("boom")
    assert entries(tmp_path) == []


# --- killed builds ------------------------------------------------------------------------


def test_leftovers_of_killed_runs_are_cleared_on_the_next_run(program: Path, run: Run) -> None:
    staging = program / ".site.revmentor-staging-abc123"
    (staging / "assets").mkdir(parents=True)
    (staging / MARKER).write_text("{}", encoding="utf-8")
    (staging / "assets/x.js").write_text("half", encoding="utf-8")
    old = program / ".site.revmentor-old-def456"
    old.mkdir()
    (old / "index.html").write_text("old", encoding="utf-8")
    (old / MANIFEST).write_text(json.dumps({"files": {"index.html": sha256(b"old")}}), encoding="utf-8")
    empty = program / ".site.revmentor-staging-ghi789"
    empty.mkdir()
    lookalike = program / ".site.revmentor-staging-users-own"
    lookalike.mkdir()
    (lookalike / "notes.txt").write_text("theirs", encoding="utf-8")
    result = run("build", "prog", "-q")
    assert result.exit_code == 0, result.output
    assert entries(program) == [
        ".site.revmentor-staging-users-own", "content", "private", "program.yaml", "site"]
    assert (lookalike / "notes.txt").read_text(encoding="utf-8") == "theirs"


def test_a_previous_output_parked_by_a_killed_fallback_swap_is_put_back(tmp_path: Path) -> None:
    parked = tmp_path / ".out.revmentor-old-xyz"
    parked.mkdir()
    (parked / "index.html").write_text("previous", encoding="utf-8")
    (parked / MANIFEST).write_text(json.dumps({"files": {"index.html": "x"}}), encoding="utf-8")
    assert clean_leftovers(tmp_path / "out") == []
    assert (tmp_path / "out/index.html").read_text(encoding="utf-8") == "previous"
    assert entries(tmp_path) == ["out"]


@pytest.mark.slow
def test_sigkill_mid_build_leaves_the_previous_site_byte_identical(program: Path) -> None:
    env = env_without_color()
    command = [sys.executable, "-m", "toolkit", "build", str(program), "-q"]
    subprocess.run(command, check=True, env=env, timeout=120)
    site = program / "site"
    before = hashes(site)
    yaml_file = program / "program.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("name: Bridge", "name: Crossing"),
                         encoding="utf-8")
    moments: dict[str, Callable[[Path], bool]] = {
        "staging folder created": lambda staging: True,
        "theme assets copied": lambda staging: (staging / "assets/javascripts").is_dir(),
        "pages being written": lambda staging: (staging / "training").is_dir(),
    }
    for moment, ready in moments.items():
        leftovers = set(program.glob(".site.revmentor-staging-*"))
        process = subprocess.Popen(command, env=env)
        try:
            staging = _wait_for_staging(program, ready, ignore=leftovers)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL, moment
        assert set(program.glob(".site.revmentor-*")) == {staging}, f"{moment}: earlier leftovers were cleared"
        assert hashes(site) == before, moment
    subprocess.run(command, check=True, env=env, timeout=120)
    assert "Crossing" in (site / "index.html").read_text(encoding="utf-8")
    assert entries(program) == ["content", "private", "program.yaml", "site"]


def _wait_for_staging(program: Path, ready: Callable[[Path], bool], ignore: set[Path], seconds: float = 60.0) -> Path:
    """The new build's staging folder once it has reached the moment to kill it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for candidate in set(program.glob(".site.revmentor-staging-*")) - ignore:
            try:
                if ready(candidate):
                    return candidate
            except OSError:
                pass
        time.sleep(0.005)
    raise AssertionError("the build never reached the moment to kill it")
