"""The output writer on its own (files/output.py), without a build: fast enough to run for every
mutant of it. Each promise is checked with its exact message: what is refused, what is kept,
what is cleared, and how the new output takes the old one's place."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from toolkit.errors import OutputFolderError
from toolkit.files.output import (
    MANIFEST,
    MARKER,
    Digests,
    _os_error,
    check_output,
    clean_leftovers,
    foreign_files,
    is_os_file,
    manifest_command,
    normalise,
    read_manifest,
    remove_owned,
    staged_output,
    write_manifest,
)

from conftest import tmpfs


@pytest.fixture(autouse=True)
def inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Paths in messages are shown relative to the working folder, as a user types them."""
    monkeypatch.chdir(tmp_path)
    yield


def write(folder: Path, files: dict[str, str], command: str = "site") -> Path:
    """An output as the writer leaves it: these files and their manifest."""
    with staged_output(folder, command=command) as (staging, _):
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")
    return folder


def listing(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def refusal(output: Path, **options: object) -> tuple[str, str, str]:
    with pytest.raises(OutputFolderError) as caught:
        check_output(normalise(output), **options)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    return problem.file, problem.message, problem.fix




@pytest.fixture
def program(tmp_path: Path) -> Path:
    folder = tmp_path / "prog"
    (folder / "content").mkdir(parents=True)
    (folder / "templates").mkdir()
    (folder / "program.yaml").write_text("program: {}\n", encoding="utf-8")
    return folder


# --- what is refused ---------------------------------------------------------------------------


def test_the_program_folder_its_parent_content_and_templates_are_refused(program: Path) -> None:
    site = {"command": "site", "program_folder": program}
    assert refusal(program, **site) == (
        "prog", "the output folder is the program folder itself; building there would overwrite program.yaml and"
        " content/", "choose a folder of its own with -o, e.g. prog/site (the default)")
    assert refusal(program.parent, **site)[1:] == (
        "the output folder contains the program folder (prog); replacing it would delete the program",
        "choose a folder inside or beside the program folder, e.g. prog/site (the default)")
    assert refusal(program / "content" / "out", **site) == (
        "prog/content/out", "the output folder lies inside content/, the folder of hand-written pages",
        "choose a folder outside content/, e.g. prog/site (the default)")
    assert refusal(program / "templates" / "out", **site) == (
        "prog/templates/out", "the output folder lies inside templates/, the folder of your template overrides",
        "choose a folder outside templates/ with -o")
    assert refusal(program, command="packs", program_folder=program)[2] == (
        "choose a folder of its own with -o, e.g. prog/private/packs (the default)")
    assert refusal(program, command="other", program_folder=program)[2] == "choose a folder of its own with -o, e.g. a new folder"


def test_an_output_inside_another_output_or_the_cache_or_a_forbidden_folder_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "site", {"index.html": "home"})
    assert refusal(tmp_path / "site" / "inner", command="site") == (
        "site/inner", "the output folder lies inside another output of revmentor (site), which is replaced as a"
        " whole on its next run", "choose a folder outside it with -o")
    assert refusal(tmp_path / ".revmentor-cache" / "x" / "out", command="site")[1:] == (
        "the output folder lies inside revmentor's render cache", "choose another folder with -o")
    assert refusal(tmp_path / ".revmentor-cache", command="match") == (
        ".revmentor-cache", "the output folder is revmentor's render cache, which builds fill and prune",
        "choose another folder with -o")
    public = tmp_path / "public"
    assert refusal(public / "packs", command="packs", forbidden=[(public, "the handbook site, which is public")]) == (
        "public/packs", "the output folder lies inside the handbook site, which is public (public)",
        "choose a folder outside it with -o")
    check_output(normalise(tmp_path / "elsewhere"), command="packs", forbidden=[(public, "the site")])


def test_another_commands_output_is_never_replaced(tmp_path: Path) -> None:
    write(tmp_path / "round-1", {"pairs.csv": "pair_id\n"}, command="match")
    assert refusal(tmp_path / "round-1", command="site")[1:] == (
        "the output folder holds revmentor's match output, not its site output; replacing it would delete that"
        " match output", "choose another folder for the site output with -o")
    check_output(normalise(tmp_path / "round-1"), command="match")
    assert manifest_command(tmp_path / "round-1") == "match"


def test_a_manifest_of_an_older_version_names_its_command_as_kind(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / MANIFEST).write_text(json.dumps({"kind": "packs", "files": {}}), encoding="utf-8")
    assert manifest_command(tmp_path / "old") == "packs"
    for text in ("not json", "[]", json.dumps({"command": 3}), json.dumps({"files": {}})):
        (tmp_path / "old" / MANIFEST).write_text(text, encoding="utf-8")
        assert manifest_command(tmp_path / "old") is None, text
    assert manifest_command(tmp_path / "nowhere") is None


def test_a_link_a_file_and_a_path_inside_a_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert refusal(tmp_path / "link", command="site")[1:] == (
        "the output folder is a symbolic link; replacing it would replace the link",
        "give the real folder's path (real) with -o")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert refusal(tmp_path / "file", command="site")[1:] == (
        "the output path is a file, not a folder", "give the path of a folder with -o")
    assert refusal(tmp_path / "file" / "a" / "b", command="site")[1:] == (
        "file is a file, so no folder can be made inside it", "give the path of a folder with -o, one not inside a file")


def test_a_folder_not_made_by_revmentor_is_refused_naming_five_of_its_entries(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    (folder / "photos").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "c.txt", "d.txt", "e.txt"):
        (folder / name).write_text("mine", encoding="utf-8")
    assert refusal(folder, command="site")[1:] == (
        f"the output folder is not empty and was not made by revmentor (it has no {MANIFEST}); it holds a.txt,"
        " b.txt, c.txt, d.txt, e.txt and 1 more", "give an empty or new folder with -o, or move these files"
        " elsewhere: revmentor replaces the whole output folder and never deletes files it did not write")
    check_output(normalise(folder), command="site", files=False)  # the slow part left out


def test_files_added_to_or_edited_in_an_output_are_named(tmp_path: Path) -> None:
    write(tmp_path / "site", {"index.html": "home", "a/page.html": "page"})
    (tmp_path / "site" / "notes.txt").write_text("mine", encoding="utf-8")
    assert refusal(tmp_path / "site", command="site")[1:] == (
        "the output folder holds 1 file revmentor did not write: notes.txt", "move them out of the output folder"
        " (revmentor replaces the whole folder on each build), or choose another folder with -o")
    (tmp_path / "site" / "index.html").write_text("edited", encoding="utf-8")
    (tmp_path / "site" / "b").mkdir()
    assert refusal(tmp_path / "site", command="site")[1] == (
        "the output folder holds 3 files revmentor did not write: b/, index.html (changed since revmentor wrote it),"
        " notes.txt")


def test_os_metadata_is_no_reason_to_refuse_but_is_listed_where_nothing_else_is(tmp_path: Path) -> None:
    write(tmp_path / "site", {"a/page.html": "page"})
    (tmp_path / "site" / ".DS_Store").write_bytes(b"finder")
    (tmp_path / "site" / "a" / "Thumbs.db").write_bytes(b"windows")
    check_output(normalise(tmp_path / "site"), command="site")
    assert foreign_files(tmp_path / "site") == [".DS_Store", "a/Thumbs.db"]
    assert foreign_files(tmp_path / "site", os_files=False) == []
    assert [is_os_file(name) for name in (".DS_Store", "desktop.ini", "._page.html", "page.html", ".directory")] == [
        True, True, True, False, True]


# --- the manifest and the digests --------------------------------------------------------------


def test_the_manifest_lists_every_file_with_its_digest_and_the_command(tmp_path: Path) -> None:
    write(tmp_path / "out", {"b.txt": "b", "a/x.txt": "x"}, command="report")
    data = json.loads((tmp_path / "out" / MANIFEST).read_text(encoding="utf-8"))
    assert data["command"] == "report" and data["generator"].startswith("revmentor ")
    assert data["files"] == {"a/x.txt": hashlib.sha256(b"x").hexdigest(), "b.txt": hashlib.sha256(b"b").hexdigest()}
    assert read_manifest(tmp_path / "out") == data["files"]
    assert sorted(write_manifest(tmp_path / "out", "report")) == ["a/x.txt", "b.txt"]
    for text in ("[]", json.dumps({"files": []}), json.dumps({"command": "site"}), "{"):
        (tmp_path / "out" / MANIFEST).write_text(text, encoding="utf-8")
        assert read_manifest(tmp_path / "out") is None, text
    assert read_manifest(tmp_path / "nowhere") is None


def test_digests_are_remembered_within_a_run_and_never_across_a_change(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("as written", encoding="utf-8")
    remembering, cautious = Digests(settled_after=0), Digests()
    first = remembering.sha256(page)
    assert first == cautious.sha256(page) == hashlib.sha256(b"as written").hexdigest()
    before = page.stat()
    page.write_text("by my hand", encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert remembering.sha256(page) != first
    assert remembering.unchanged(page, remembering.sha256(page))
    assert not remembering.unchanged(tmp_path / "missing.html", first)
    (tmp_path / "target.html").write_text("as written", encoding="utf-8")
    (tmp_path / "link.html").symlink_to(tmp_path / "target.html")
    assert not remembering.unchanged(tmp_path / "link.html", first)


# --- the swap and what it leaves -----------------------------------------------------------------


def test_a_new_output_replaces_the_old_and_the_old_is_gone(tmp_path: Path) -> None:
    write(tmp_path / "site", {"old.html": "old", "a/page.html": "one"})
    with staged_output(tmp_path / "site", command="site") as (staging, written):
        assert staging.parent == tmp_path and (staging / MARKER).is_file()
        (staging / "a").mkdir()
        (staging / "a" / "page.html").write_text("two", encoding="utf-8")
    assert listing(tmp_path / "site") == {"a/page.html": "two"}
    assert (written.output, written.files, written.warnings, written.swap) == (
        tmp_path / "site", ["a/page.html"], [], "exchange")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_two_renames_leave_nothing_behind_either(tmp_path: Path) -> None:
    write(tmp_path / "site", {"old.html": "old"})
    with staged_output(tmp_path / "site", command="site", atomic=False) as (staging, written):
        (staging / "new.html").write_text("new", encoding="utf-8")
    assert (listing(tmp_path / "site"), written.swap) == ({"new.html": "new"}, "renames")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failure_while_writing_keeps_the_previous_output_and_leaves_no_staging(tmp_path: Path) -> None:
    write(tmp_path / "site", {"index.html": "home"})
    with pytest.raises(KeyboardInterrupt), staged_output(tmp_path / "site", command="site") as (staging, _):
        (staging / "index.html").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt
    assert listing(tmp_path / "site") == {"index.html": "home"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_parent_folders_of_a_new_output_are_made(tmp_path: Path) -> None:
    with staged_output(tmp_path / "private" / "round-1", command="match") as (staging, written):
        (staging / "pairs.csv").write_text("x", encoding="utf-8")
    assert written.swap == "new" and listing(tmp_path / "private" / "round-1") == {"pairs.csv": "x"}


def test_os_metadata_moves_into_the_new_output_and_a_file_of_the_users_keeps_the_old_one(tmp_path: Path) -> None:
    write(tmp_path / "site", {"a/page.html": "one", "gone/page.html": "old"})
    (tmp_path / "site" / "a" / ".DS_Store").write_bytes(b"finder")
    (tmp_path / "site" / "gone" / "Thumbs.db").write_bytes(b"windows")
    with staged_output(tmp_path / "site", command="site") as (staging, written):
        (staging / "a").mkdir()
        (staging / "a" / "page.html").write_text("two", encoding="utf-8")
    assert (tmp_path / "site" / "a" / ".DS_Store").read_bytes() == b"finder"
    (problem,) = written.warnings
    kept = tmp_path / problem.file
    assert problem.message == ("kept this folder of an earlier build: it holds files revmentor did not write"
                               " (gone/Thumbs.db)")
    assert problem.fix == "move those files somewhere else and delete the folder" and problem.warning
    assert (kept / "gone" / "Thumbs.db").read_bytes() == b"windows"


def test_removing_an_old_output_deletes_only_what_its_manifest_lists_unchanged(tmp_path: Path) -> None:
    old = write(tmp_path / "old", {"a/page.html": "ours", "a/edited.html": "as written", "b/link.html": "x"})
    (old / "a" / "mine.txt").write_text("theirs", encoding="utf-8")
    (old / "a" / "edited.html").write_text("edited by hand", encoding="utf-8")
    (old / "b" / "link.html").unlink()
    (old / "b" / "link.html").symlink_to(tmp_path / "elsewhere.html")
    assert remove_owned(old) == ["a/edited.html (changed since revmentor wrote it)", "a/mine.txt"]
    assert listing(old) == {"a/edited.html": "edited by hand", "a/mine.txt": "theirs"}
    assert not (old / "b").exists() and (old / MANIFEST).is_file()
    (old / "a" / "mine.txt").unlink()
    (old / "a" / "edited.html").unlink()
    assert remove_owned(old) == [] and not old.exists()


def test_removing_a_folder_without_a_manifest_removes_it_only_when_empty(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert remove_owned(tmp_path / "empty") == [] and not (tmp_path / "empty").exists()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x", encoding="utf-8")
    assert remove_owned(tmp_path / "full") == ["x.txt"]


# --- leftovers of killed runs ------------------------------------------------------------------


def test_a_killed_runs_staging_and_previous_output_are_cleared(tmp_path: Path) -> None:
    write(tmp_path / "site", {"index.html": "home"})
    staging = tmp_path / ".site.revmentor-staging-abc123"
    (staging / "assets").mkdir(parents=True)
    (staging / MARKER).write_text("{}", encoding="utf-8")
    (staging / "assets" / "x.js").write_text("half", encoding="utf-8")
    old = write(tmp_path / ".site.revmentor-old-def456", {"index.html": "older"})
    empty = tmp_path / ".site.revmentor-old-empty"
    empty.mkdir()
    theirs = write(tmp_path / ".site.revmentor-old-theirs", {"index.html": "older"})
    (theirs / "notes.txt").write_text("mine", encoding="utf-8")
    other = tmp_path / ".other.revmentor-staging-1"
    (other).mkdir()
    (other / MARKER).write_text("{}", encoding="utf-8")
    (warning,) = clean_leftovers(tmp_path / "site")
    assert warning.message == "kept this folder of an earlier build: it holds files revmentor did not write (notes.txt)"
    assert not staging.exists() and not old.exists() and not empty.exists() and theirs.exists()
    assert other.exists(), "another output's staging is not this output's to clear"
    assert listing(tmp_path / "site") == {"index.html": "home"}


def test_a_previous_output_parked_by_a_killed_fallback_swap_is_put_back(tmp_path: Path) -> None:
    parked = write(tmp_path / ".out.revmentor-old-1", {"index.html": "home"})
    assert clean_leftovers(tmp_path / "out") == []
    assert not parked.exists() and listing(tmp_path / "out") == {"index.html": "home"}


def test_names_with_glob_characters_clear_only_their_own_leftovers(tmp_path: Path) -> None:
    staging = tmp_path / ".site[1].revmentor-staging-abc"
    staging.mkdir()
    (staging / MARKER).write_text("{}", encoding="utf-8")
    lookalike = tmp_path / ".site1.revmentor-staging-abc"
    lookalike.mkdir()
    (lookalike / MARKER).write_text("{}", encoding="utf-8")
    assert clean_leftovers(tmp_path / "site[1]") == []
    assert not staging.exists() and lookalike.exists()
    assert clean_leftovers(tmp_path / "missing" / "out") == []


# --- file-system failures, said plainly -----------------------------------------------------------


@pytest.mark.parametrize("code, reason, fix", [
    (errno.ENOSPC, "the disk is full", "free some space and build again"),
    (errno.EDQUOT, "the disk quota is exceeded", "free some space and build again"),
    (errno.EACCES, "permission denied", "choose a folder you can write to with -o, or fix its permissions"),
    (errno.EPERM, "permission denied", "choose a folder you can write to with -o, or fix its permissions"),
    (errno.EROFS, "the file system is read-only", "choose a folder on a writable disk with -o"),
    (errno.ENOTDIR, "a part of the path is a file, not a folder", "choose a folder with -o"),
    (errno.EIO, "Input/output error", "check the output folder and build again"),
])
def test_a_file_system_failure_is_one_plain_sentence(tmp_path: Path, code: int, reason: str, fix: str) -> None:
    (problem,) = _os_error(tmp_path / "site", OSError(code, os.strerror(code), str(tmp_path / "site" / "a.html"))).problems
    assert (problem.file, problem.message, problem.fix) == (
        "site/a.html", f"cannot write the output: {reason}; the previous output is unchanged", fix)
    (unnamed,) = _os_error(tmp_path / "site", OSError(code, os.strerror(code))).problems
    assert unnamed.file == "site"


def test_an_error_without_a_number_or_a_file_still_says_what_happened(tmp_path: Path) -> None:
    (problem,) = _os_error(tmp_path / "site", OSError("the disk went away")).problems
    assert (problem.file, problem.message, problem.fix) == (
        "site", "cannot write the output: the disk went away; the previous output is unchanged",
        "check the output folder and build again")


def test_a_kept_folder_names_five_of_the_files_that_keep_it(tmp_path: Path) -> None:
    write(tmp_path / "site", {"index.html": "home"})
    old = write(tmp_path / ".site.revmentor-old-1", {"index.html": "older"})
    for name in ("a", "b", "c", "d", "e", "f"):
        (old / f"{name}.txt").write_text("mine", encoding="utf-8")
    (warning,) = clean_leftovers(tmp_path / "site")
    assert warning.message == ("kept this folder of an earlier build: it holds files revmentor did not write"
                               " (a.txt, b.txt, c.txt, d.txt, e.txt)")


def test_removing_an_old_output_removes_its_nested_folders_from_the_deepest(tmp_path: Path) -> None:
    old = write(tmp_path / "old", {"a/b/c/page.html": "deep", "a/top.html": "top"})
    assert remove_owned(old) == [] and not old.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_an_exchange_that_fails_says_why_and_where(tmp_path: Path) -> None:
    from toolkit.files.output import _exchange

    (tmp_path / "site").mkdir()
    with pytest.raises(FileNotFoundError) as caught:
        _exchange(tmp_path / "missing", tmp_path / "site")
    assert (caught.value.errno, caught.value.strerror, caught.value.filename) == (
        errno.ENOENT, os.strerror(errno.ENOENT), str(tmp_path / "site"))


def test_a_foreign_folder_names_its_folders_with_a_slash(tmp_path: Path) -> None:
    (tmp_path / "mine" / "photos").mkdir(parents=True)
    (tmp_path / "mine" / "notes.txt").write_text("mine", encoding="utf-8")
    assert refusal(tmp_path / "mine", command="site")[1] == (
        f"the output folder is not empty and was not made by revmentor (it has no {MANIFEST}); it holds notes.txt,"
        " photos/")


# --- owner, group and mode; mount points ----------------------------------------------------

def mode(path: Path) -> int:
    return path.stat().st_mode & 0o7777


def test_an_existing_output_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path: Path) -> None:
    """A web server's folder stays readable by the group it was shared with; mkdtemp's 0700 never shows."""
    old = os.umask(0o027)
    try:
        write(tmp_path / "site", {"a.txt": "one"})
        assert mode(tmp_path / "site") == 0o750
        (tmp_path / "site").chmod(0o2775)
        write(tmp_path / "site", {"a.txt": "two"})
        assert mode(tmp_path / "site") == 0o2775
        assert listing(tmp_path / "site") == {"a.txt": "two"}
    finally:
        os.umask(old)


def test_an_empty_shared_folder_keeps_its_sticky_world_writable_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    write(shared, {"a.txt": "one"})
    assert mode(shared) == 0o1777
    assert listing(shared) == {"a.txt": "one"}


@pytest.mark.root
def test_an_existing_output_keeps_its_owner_and_group(tmp_path: Path, root: None) -> None:
    write(tmp_path / "site", {"a.txt": "one"})
    os.chown(tmp_path / "site", 1234, 5678)
    write(tmp_path / "site", {"a.txt": "two"})
    info = (tmp_path / "site").stat()
    assert (info.st_uid, info.st_gid) == (1234, 5678)


@pytest.fixture
def volume(tmp_path: Path, root: None) -> Iterator[Path]:
    """A tmpfs mounted for this test: like a container volume, it cannot be renamed."""
    with tmpfs(tmp_path / "volume", "size=8m,mode=0755") as mount:
        yield mount


@pytest.mark.root
def test_a_mount_point_is_refilled_in_place_not_replaced(volume: Path) -> None:
    with staged_output(volume, command="site") as (staging, written):
        (staging / "a.txt").write_text("one", encoding="utf-8")
    assert written.swap == "refill"
    with staged_output(volume, command="site") as (staging, written):
        (staging / "b").mkdir()
        (staging / "b" / "c.txt").write_text("two", encoding="utf-8")
    assert written.swap == "refill"
    assert os.path.ismount(volume)
    assert sorted(os.listdir(volume)) == [MANIFEST, "b"]
    assert listing(volume) == {"b/c.txt": "two"}
    assert mode(volume) == 0o755


@pytest.mark.root
def test_a_mount_point_holding_files_of_its_own_is_refused_as_any_folder(volume: Path) -> None:
    (volume / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputFolderError), staged_output(volume, command="site"):
        pass
    assert os.listdir(volume) == ["notes.txt"]


REFILL_KILLED = """
import os, signal, sys
from pathlib import Path
import toolkit.files.output as output
renames = 0
real = os.rename
def rename(a, b):
    global renames
    if renames == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
    renames += 1
    real(a, b)
output.os.rename = rename
with output.staged_output(Path(sys.argv[1]), command="site") as (staging, _):
    (staging / "new.txt").write_text("new", encoding="utf-8")
    (staging / "sub").mkdir()
    (staging / "sub" / "two.txt").write_text("new", encoding="utf-8")
"""


@pytest.mark.root
@pytest.mark.parametrize("renames", range(7))
def test_a_refill_cut_by_sigkill_after_any_rename_is_repaired_by_the_next_run(volume: Path, renames: int) -> None:
    """Old entries out (manifest, old.txt, folder), then new ones in (manifest, new.txt, sub, marker):
    killed after any of those renames, the next run puts the old or the new output back whole."""
    import subprocess

    with staged_output(volume, command="site") as (staging, _):
        (staging / "old.txt").write_text("old", encoding="utf-8")
        (staging / "folder").mkdir()
        (staging / "folder" / "one.txt").write_text("old", encoding="utf-8")
    killed = subprocess.run([sys.executable, "-c", REFILL_KILLED, str(volume), str(renames)], check=False)
    assert killed.returncode == -9
    assert clean_leftovers(volume) == []
    assert listing(volume) in ({"old.txt": "old", "folder/one.txt": "old"}, {"new.txt": "new", "sub/two.txt": "new"})
    assert not [name for name in os.listdir(volume) if name.startswith(".revmentor-") and name != MANIFEST]
    check_output(volume, command="site")  # and the next build may replace it


@pytest.fixture
def stop_signals() -> Iterator[None]:
    """The console script's signal handling, installed in this process and undone afterwards."""
    from toolkit.files import signals

    before = signal.getsignal(signal.SIGINT)
    signals.install()
    try:
        yield
    finally:
        for signum in signals.STOPPING:
            signal.signal(signum, before if signum == signal.SIGINT else signal.SIG_DFL)
        signals.reset()
        signals._holding.clear()


def test_a_stop_signal_a_library_swallowed_still_stops_the_swap(tmp_path: Path, stop_signals: None) -> None:
    """A Ctrl-C raised inside a C callback (WeasyPrint's, through cffi) is printed and dropped there;
    the writer still sees that it came, and the previous output stays."""
    from toolkit.files import signals

    write(tmp_path / "site", {"a.txt": "one"})
    with pytest.raises(signals.Interrupted), signals.running(), \
            staged_output(tmp_path / "site", command="site") as (staging, _):
        (staging / "a.txt").write_text("two", encoding="utf-8")
        with contextlib.suppress(KeyboardInterrupt):  # what the callback does with it
            os.kill(os.getpid(), signal.SIGINT)
    assert listing(tmp_path / "site") == {"a.txt": "one"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _site_staging(folder: Path) -> None:
    with staged_output(folder / "site", command="site"):
        raise AssertionError("the stop came before the staging folder was handed over")


def _work_folder(folder: Path) -> None:
    from toolkit.render.scratch import work_folder

    with work_folder(folder, ".revmentor-docs-"):
        raise AssertionError("the stop came before the work folder was handed over")


def _init(folder: Path) -> None:
    from toolkit.scaffold.init import create

    create(folder / "program", {"program.yaml": b"program: {}\n"})


@pytest.mark.parametrize("make", [_site_staging, _work_folder, _init], ids=["site staging", "work folder", "init"])
def test_a_stop_the_instant_a_temporary_folder_is_made_leaves_nothing(
        tmp_path: Path, stop_signals: None, monkeypatch: pytest.MonkeyPatch, make: Callable[[Path], None]) -> None:
    """SIGTERM delivered right after mkdtemp has made its folder, before the caller holds its name
    (the moment a CI run once caught): the folder is still removed, and the stop still ends the run."""
    import tempfile

    from toolkit.files import signals

    made = tempfile.mkdtemp

    def mkdtemp_then_stop(*args: Any, **kwargs: Any) -> str:
        folder = made(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)  # handled at the next bytecode: still inside this function
        return folder

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp_then_stop)
    with pytest.raises(signals.Interrupted), signals.running():
        make(tmp_path)
    assert [p.name for p in tmp_path.rglob("*")] == []


@pytest.mark.root
def test_what_is_made_inside_a_shared_setgid_folder_takes_its_group(tmp_path: Path, root: None) -> None:
    """A 2775 folder a team shares: every file and folder inside gets the team's group, and every
    folder the setgid bit, as if made there; so the team can update any of it."""
    site = tmp_path / "site"
    site.mkdir()
    os.chown(site, -1, 5678)
    site.chmod(0o2775)
    for _ in range(2):
        with staged_output(site, command="site") as (staging, _written):
            (staging / "sub" / "deeper").mkdir(parents=True)
            (staging / "sub" / "deeper" / "a.txt").write_text("a", encoding="utf-8")
            (staging / "b.txt").write_text("b", encoding="utf-8")
    inside = [site, *site.rglob("*")]
    assert {path.stat().st_gid for path in inside} == {5678}
    assert all(path.stat().st_mode & 0o2000 for path in inside if path.is_dir())
    assert mode(site) == 0o2775
