"""The only writer of output folders: build beside the output, then swap it in atomically.

Why this shape: a build can fail or be killed at any moment, and the previous output must
survive byte for byte; and the toolkit must never delete a file it did not write.

- Everything is written into a staging folder next to the output (same file system), named
  `.<output>.revmentor-staging-<random>` and holding a marker file while it is written.
- A manifest (`.revmentor-manifest.json`) in the output lists every file the toolkit wrote.
  An existing output is only replaced when every file in it is in its manifest.
- The swap is one `renameat2(RENAME_EXCHANGE)` on Linux: at every instant the output path
  holds either the complete previous output or the complete new one. Elsewhere (or on a file
  system without it) two renames are used, and a kill between them is repaired on the next
  run by renaming the previous output back.
- The previous output is then deleted file by file from its manifest, never with rmtree, and
  leftovers of killed runs (recognised by name and marker or manifest) are cleared next time.
- An existing output folder keeps its owner, group and mode (the new one takes them before
  the swap); a new one gets the umask's mode. A folder that cannot be renamed, a mount point
  (a container volume, a shared disk), is not replaced but refilled: the new files are staged
  inside it, and a few renames move the old entries out and the new ones in, with stop signals
  held back meanwhile; a SIGKILL between two of those renames is repaired by the next run.
- A stop signal (Ctrl-C, SIGTERM, SIGHUP, see signals.py) before the swap leaves the previous
  output as it was; one during the swap waits for it to end.
- Files an operating system drops into any folder it shows (Finder's .DS_Store, Windows'
  Thumbs.db) are not the user's work and no reason to refuse an output: they are moved into
  the new output, to the folder they were in, never deleted.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .._version import __version__
from ..errors import OutputFolderError, Problem
from . import signals
from .paths import CACHE_FOLDER, DEFAULT_OUTPUTS, display_path

MANIFEST = ".revmentor-manifest.json"
MARKER = ".revmentor-staging"
_STAGING = ".revmentor-staging-"
_OLD = ".revmentor-old-"
_INSIDE_NEW = ".revmentor-new-"
_INSIDE_OLD = ".revmentor-previous-"
_PHASE = ".revmentor-phase"
_OURS = {MANIFEST, MARKER}
OS_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "Desktop.ini", ".directory"})
"""Folder metadata that macOS, Windows and KDE write into folders a person opens."""


def is_os_file(name: str) -> bool:
    """An operating system's folder metadata (or macOS's `._name` companion file on other disks)."""
    return name in OS_FILES or name.startswith("._")


Swap = Literal["new", "exchange", "renames", "refill"]
"""How an output was put in place: there was none before; one atomic exchange; two renames; its
entries moved out and in (a mount point)."""


@dataclass
class Written:
    """What a staged write left behind: the files now in the output, and anything it had to keep."""

    output: Path
    files: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    """Folders left in place because they hold files the toolkit did not write."""
    swap: Swap = "new"
    """How the new output took the previous one's place (see `_swap_in`)."""


def _show(path: Path) -> str:
    shown = display_path(path)
    return str(path) if shown == "." else shown


def normalise(output: str | os.PathLike[str]) -> Path:
    """Absolute output path with its parent resolved but the last part left as given (to see a symlink)."""
    absolute = Path(os.path.abspath(output))
    if absolute.name in ("", ".", ".."):
        return absolute.resolve()
    return absolute.parent.resolve() / absolute.name


def check_output(
    output: Path,
    *,
    command: str,
    program_folder: Path | None = None,
    forbidden: Sequence[tuple[Path, str]] = (),
    inputs: Sequence[tuple[Path, str]] = (),
    files: bool = True,
    digests: Digests | None = None,
) -> None:
    """Refuse an output folder the toolkit could damage; the error names the folder and the fix.

    `command` (site, match, packs, report, ...: a key of DEFAULT_OUTPUTS) is recorded in the
    manifest: one command never replaces another's output, so pairs never land where a site
    was, nor a site over a round's pairs. `forbidden` lists (folder, description) pairs the
    output must not lie inside, e.g. the public site for a private output. `inputs` lists the
    (file or folder, description) pairs this run reads: an output that holds one would replace
    it, and one inside an input folder would be read back as input. `files=False` leaves
    out the slowest part, the check that every file in the folder is one the toolkit wrote,
    unchanged; `digests` remembers the files read for that within one run.
    """
    shown = _show(output)
    _check_inputs(output, shown, inputs)
    for parent in output.parents:
        if (parent / MANIFEST).is_file():
            _refuse(shown, f"the output folder lies inside another output of revmentor ({_show(parent)}), which"
                    " is replaced as a whole on its next run", "choose a folder outside it with -o")
        if parent.name == CACHE_FOLDER:
            _refuse(shown, "the output folder lies inside revmentor's render cache", "choose another folder with -o")
    if output.name == CACHE_FOLDER:
        _refuse(shown, "the output folder is revmentor's render cache, which builds fill and prune",
                "choose another folder with -o")
    if program_folder is not None and output.is_relative_to(program_folder.resolve() / "templates"):
        _refuse(shown, "the output folder lies inside templates/, the folder of your template overrides",
                "choose a folder outside templates/ with -o")
    existing = manifest_command(output)
    if existing is not None and existing != command:
        _refuse(shown, f"the output folder holds revmentor's {existing} output, not its {command} output; replacing"
                f" it would delete that {existing} output", f"choose another folder for the {command} output with -o")
    default = DEFAULT_OUTPUTS.get(command)
    suggestion = (f"e.g. {_show(program_folder / default)} (the default)" if program_folder and default
                  else "e.g. a new folder")
    if program_folder is not None:
        folder = program_folder.resolve()
        if output == folder:
            _refuse(shown, "the output folder is the program folder itself; building there would overwrite"
                    " program.yaml and content/", f"choose a folder of its own with -o, {suggestion}")
        if folder.is_relative_to(output):
            _refuse(shown, f"the output folder contains the program folder ({_show(folder)}); replacing it"
                    " would delete the program", f"choose a folder inside or beside the program folder, {suggestion}")
        content = folder / "content"
        if output.is_relative_to(content):
            _refuse(shown, "the output folder lies inside content/, the folder of hand-written pages",
                    f"choose a folder outside content/, {suggestion}")
    for place, description in forbidden:
        if output.is_relative_to(place.resolve()):
            _refuse(shown, f"the output folder lies inside {description} ({_show(place)})",
                    "choose a folder outside it with -o")
    if output.is_symlink():
        _refuse(shown, "the output folder is a symbolic link; replacing it would replace the link",
                f"give the real folder's path ({_show(output.resolve())}) with -o")
    if output.exists() and not output.is_dir():
        _refuse(shown, "the output path is a file, not a folder", "give the path of a folder with -o")
    blocking = next((parent for parent in output.parents if parent.exists()), None)
    if blocking is not None and not blocking.is_dir():
        _refuse(shown, f"{_show(blocking)} is a file, so no folder can be made inside it",
                "give the path of a folder with -o, one not inside a file")
    foreign = foreign_files(output, os_files=False, digests=digests) if files else []
    if foreign:
        listing = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        if not (output / MANIFEST).is_file():
            _refuse(shown, f"the output folder is not empty and was not made by revmentor (it has no {MANIFEST});"
                    f" it holds {listing}",
                    "give an empty or new folder with -o, or move these files elsewhere:"
                    " revmentor replaces the whole output folder and never deletes files it did not write")
        count = len(foreign)
        _refuse(shown, f"the output folder holds {count} file{'s' if count != 1 else ''} revmentor did not write:"
                f" {listing}", "move them out of the output folder (revmentor replaces the whole folder on"
                " each build), or choose another folder with -o")


def _check_inputs(output: Path, shown: str, inputs: Sequence[tuple[Path, str]]) -> None:
    """Refuse an output that would replace an input of the same run, or be read back as one."""
    real = Path(os.path.realpath(output))
    for path, description in inputs:
        source = Path(os.path.realpath(path))
        if source == real or source.is_relative_to(real):
            _refuse(shown, f"{description} {_show(path)} lies in this output folder, which the run replaces as a"
                    " whole: it would be lost", "write this run's output to another folder with -o, and keep"
                    " the inputs where they are")
        if source.is_dir() and real.is_relative_to(source):
            folder = _show(path).rstrip("/") + "/"
            _refuse(shown, f"the output folder lies inside {description} {folder}, so the next run would"
                    " read its files as input", f"choose a folder outside {folder} with -o")


def _refuse(shown: str, message: str, fix: str) -> None:
    raise OutputFolderError(Problem(shown, message, fix))


def manifest_command(folder: Path) -> str | None:
    """Which command's output a folder holds, from its manifest (None: no manifest, or an old one).

    Manifests written before 0.2 called it "kind"."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        command = data.get("command", data.get("kind"))
    except (OSError, ValueError, AttributeError):
        return None
    return command if isinstance(command, str) else None


def read_manifest(folder: Path) -> dict[str, str] | None:
    """The files (path -> sha256) a folder's manifest lists, or None if it has no valid manifest."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(files, dict) or not all(isinstance(k, str) for k in files):
        return None
    return {k: str(v) for k, v in files.items()}


def foreign_files(folder: Path, *, os_files: bool = True, digests: Digests | None = None) -> list[str]:
    """Entries of a folder that its manifest does not list (all of them if it has none);
    `os_files=False` leaves out operating-system metadata (`is_os_file`), which a build keeps."""
    digests = digests or Digests()
    if not folder.is_dir() or folder.is_symlink():
        return []
    listed = read_manifest(folder)
    if listed is None:  # not ours at all: its top level is enough to say so, however big it is
        return sorted(entry.name + ("/" if entry.is_dir() else "") for entry in os.scandir(folder)
                      if os_files or entry.is_dir() or not is_os_file(entry.name))
    owned_dirs = {str(Path(name).parent) for name in listed} | {"."}
    owned_dirs |= {str(parent) for name in listed for parent in Path(name).parents}
    foreign = []
    for root, dirs, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        for name in sorted(dirs):
            rel = (base / name).as_posix()
            if rel not in owned_dirs or (Path(root) / name).is_symlink():
                foreign.append(rel + "/")
        dirs[:] = sorted(d for d in dirs if (base / d).as_posix() in owned_dirs and not (Path(root) / d).is_symlink())
        for name in sorted(files):
            rel = (base / name).as_posix()
            if (base == Path(".") and name in _OURS) or (not os_files and is_os_file(name)):
                continue
            if rel not in listed:
                foreign.append(rel)
            elif not digests.unchanged(Path(root) / name, listed[rel]):
                foreign.append(f"{rel} (changed since revmentor wrote it)")
    return sorted(foreign)


class Digests:
    """The sha256 of files read in one run, by path and identity (device, inode, size, mtime, ctime).

    A build reads the previous output's files three times: early, once the lock is held, and
    when clearing the swapped-out output. Any write to a file changes its ctime, which no user
    command can set back, so an entry never outlives the bytes it describes. A file changed in
    the last two seconds is not remembered: a second write within the clock's granularity could
    leave its times as they were (git's "racy" case). On Windows, whose st_ctime is the creation
    time, nothing is remembered.
    """

    def __init__(self, settled_after: int = 2_000_000_000) -> None:
        """`settled_after`: how long ago (ns) a file must have changed for its digest to be remembered."""
        self._known: dict[tuple[str, int, int, int, int, int], str] = {}
        self._settled_after = settled_after

    def sha256(self, path: Path) -> str:
        """The file's digest, read once per run unless it changed."""
        info = path.stat()
        identity = (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        known = self._known.get(identity)
        if known is not None:
            return known
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        if os.name != "nt" and time.time_ns() - info.st_ctime_ns >= self._settled_after:
            self._known[identity] = digest.hexdigest()
        return digest.hexdigest()

    def unchanged(self, path: Path, digest: str) -> bool:
        """Whether a file still holds what the toolkit wrote: an edited file is the user's now."""
        try:
            return path.is_file() and not path.is_symlink() and self.sha256(path) == digest
        except OSError:
            return False


def write_manifest(folder: Path, command: str, digests: Digests | None = None) -> list[str]:
    """Record every file in the folder (path -> sha256) and the command that wrote it; returns the paths."""
    digests = digests or Digests()
    files: dict[str, str] = {}
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if rel in _OURS:
                continue
            files[rel] = digests.sha256(path)
    text = json.dumps({"generator": f"revmentor {__version__}", "command": command, "files": files}, indent=1,
                      sort_keys=True)
    _write_small(folder / MANIFEST, text + "\n")
    return list(files)


def _write_small(path: Path, text: str) -> None:
    """Write a small bookkeeping file. No fsync: the promise is about killed and failed runs,
    whose written data the kernel keeps; syncing every build would only slow it down."""
    path.write_text(text, encoding="utf-8")


# --- the swap ----------------------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where that is unavailable."""
    try:  # the running program's own symbols include libc's: no library search (which spawns ldconfig)
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def refilled_in_place(output: Path) -> bool:
    """Whether an output is refilled rather than replaced: a mount point cannot be renamed."""
    return output.is_dir() and not output.is_symlink() and os.path.ismount(output)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _inherit_group(staging: Path, output: Path) -> None:
    """Before anything is written: the previous output's group, and its setgid bit, so that what is
    made inside takes the group, as it would made in the folder itself (a 2775 folder shared with
    a team stays writable by the team all the way down)."""
    try:
        info = os.stat(output)
    except FileNotFoundError:
        return
    if info.st_gid != os.stat(staging).st_gid:
        with contextlib.suppress(PermissionError):
            os.chown(staging, -1, info.st_gid)
    if info.st_mode & stat.S_ISGID:
        os.chmod(staging, 0o700 | stat.S_ISGID)


def _take_place_of(staging: Path, output: Path) -> None:
    """Give the new output folder the previous one's owner, group and mode, or a new folder's mode."""
    try:
        info = os.stat(output)
    except FileNotFoundError:
        os.chmod(staging, 0o777 & ~_umask())
        return
    mine = os.stat(staging)
    if (info.st_uid, info.st_gid) != (mine.st_uid, mine.st_gid):
        with contextlib.suppress(PermissionError):  # another user's folder: keep at least its mode
            os.chown(staging, info.st_uid, info.st_gid)
    os.chmod(staging, stat.S_IMODE(info.st_mode))


def _refill(staging: Path, output: Path) -> Path:
    """Move the output's entries into a folder inside it, then the staged ones in; returns that folder.

    The phase file says which half a SIGKILL interrupted, for `_repair_refill`.
    """
    previous = Path(tempfile.mkdtemp(prefix=_INSIDE_OLD, dir=output))
    _write_small(previous / _PHASE, "out\n")
    for name in os.listdir(output):
        if name not in (staging.name, previous.name):
            os.rename(output / name, previous / name)
    _write_small(previous / _PHASE, "in\n")
    for name in os.listdir(staging):
        os.rename(staging / name, output / name)
    os.rmdir(staging)
    (previous / _PHASE).unlink()
    return previous


def _repair_refill(output: Path) -> None:
    """Finish or undo a refill a SIGKILL cut short: back to the old entries if the new ones had not
    started moving in, else on to the new ones."""
    for previous in output.glob(f"{_INSIDE_OLD}*"):
        phase = previous / _PHASE
        if not phase.is_file():
            continue
        if phase.read_text(encoding="utf-8").strip() == "out":
            for name in os.listdir(previous):
                if name != _PHASE and not os.path.lexists(output / name):
                    os.rename(previous / name, output / name)
        else:
            for staging in output.glob(f"{_INSIDE_NEW}*"):
                for name in os.listdir(staging):
                    if name != MARKER and not os.path.lexists(output / name):
                        os.rename(staging / name, output / name)
        phase.unlink()


def _swap_in(staging: Path, output: Path, *, atomic: bool = True) -> tuple[Path | None, Swap]:
    """Put staging in the output's place; returns where the previous output now is, if any, and how."""
    if not output.exists():
        os.rename(staging, output)
        return None, "new"
    if atomic and _exchange(staging, output):
        return staging, "exchange"
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}{_OLD}", dir=output.parent))
    os.rename(output, old)  # replaces the empty folder just made
    os.rename(staging, output)
    return old, "renames"


def remove_owned(folder: Path, digests: Digests | None = None) -> list[str]:
    """Delete a previous output file by file from its manifest; returns what had to be kept.

    The manifest goes last, so a run killed half-way through leaves a folder the next run
    still recognises and finishes clearing.
    """
    digests = digests or Digests()
    listed = read_manifest(folder)
    if listed is None:
        with contextlib.suppress(OSError):
            folder.rmdir()
        return sorted(os.listdir(folder)) if folder.exists() else []
    for name, digest in listed.items():
        path = folder / name
        if path.is_symlink() or digests.unchanged(path, digest):
            path.unlink()
    for root, _dirs, _files in os.walk(folder, topdown=False):
        if Path(root) != folder:
            with contextlib.suppress(OSError):
                Path(root).rmdir()
    remaining = foreign_files(folder, digests=digests)
    if remaining:
        return remaining
    for name in (MARKER, MANIFEST):
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()
    return []


def clean_leftovers(output: Path, digests: Digests | None = None) -> list[Problem]:
    """Repair and clear what killed runs left next to the output: staging folders, a previous output.

    A previous output parked by the two-rename fallback is put back when the output is missing.
    """
    parent = output.parent
    if not parent.is_dir():
        return []
    kept = []
    stagings = sorted(parent.glob(f".{_glob(output.name)}{_STAGING}*"))
    olds = sorted(parent.glob(f".{_glob(output.name)}{_OLD}*"))
    if output.is_dir() and not output.is_symlink():
        _repair_refill(output)
        stagings += sorted(output.glob(f"{_INSIDE_NEW}*"))
        olds += sorted(output.glob(f"{_INSIDE_OLD}*"))
    if not output.exists() and not output.is_symlink():
        for old in olds:
            if (old / MANIFEST).is_file():
                os.rename(old, output)
                olds.remove(old)
                break
    for leftover in stagings + olds:
        if not leftover.is_dir() or leftover.is_symlink():
            continue
        if (leftover / MARKER).is_file():
            shutil.rmtree(leftover)
        elif (leftover / MANIFEST).is_file() or not any(leftover.iterdir()):
            remaining = remove_owned(leftover, digests)
            if remaining:
                kept.append(_kept_problem(leftover, remaining))
    return kept


def _glob(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


def _kept_problem(folder: Path, remaining: list[str]) -> Problem:
    return Problem(_show(folder), f"kept this folder of an earlier build: it holds files revmentor did not write"
                   f" ({', '.join(remaining[:5])})", "move those files somewhere else and delete the folder",
                   warning=True)


@contextlib.contextmanager
def _locked(parent: Path) -> Iterator[None]:
    """One writer at a time next to an output: an advisory lock on the folder that holds it.

    Locking the folder itself leaves no lock file behind in the user's folder.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    fd = os.open(parent, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):  # a file system without locks (some network mounts): go on
            fcntl.flock(fd, fcntl.LOCK_EX)  # a second run waits for the first; released when fd closes
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def staged_output(
    output: str | os.PathLike[str],
    *,
    command: str,
    program_folder: Path | None = None,
    forbidden: Sequence[tuple[Path, str]] = (),
    inputs: Sequence[tuple[Path, str]] = (),
    atomic: bool = True,
    digests: Digests | None = None,
) -> Iterator[tuple[Path, Written]]:
    """Write a whole output folder: yields an empty staging folder, then swaps it in on success.

    On any error (or Ctrl-C) the staging folder is removed and the previous output is untouched.
    The `Written` record is filled in once the swap has happened. `command` is the command
    writing (a key of DEFAULT_OUTPUTS): an output another command wrote is never replaced;
    `inputs`, the files and folders the run read, are never replaced nor written into.
    """
    target = normalise(output)
    digests = digests or Digests()
    # Before creating anything: where the output is. Its files are checked once the lock is held.
    check_output(target, command=command, program_folder=program_folder, forbidden=forbidden, inputs=inputs,
                 files=False)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _os_error(target, error) from None
    written = Written(target)
    with _locked(target.parent):
        staging: Path | None = None
        try:
            written.warnings.extend(clean_leftovers(target, digests))
            check_output(target, command=command, program_folder=program_folder, forbidden=forbidden,
                         inputs=inputs, digests=digests)
            refill = refilled_in_place(target)
            with signals.held():  # a stop between making the folder and naming it would leave it behind
                staging = Path(tempfile.mkdtemp(prefix=_INSIDE_NEW if refill else f".{target.name}{_STAGING}",
                                                dir=target if refill else target.parent))
            if not refill:
                _inherit_group(staging, target)
            _write_small(staging / MARKER, json.dumps({"output": target.name, "pid": os.getpid()}) + "\n")
            yield staging, written
            written.files = write_manifest(staging, command)
            if not refill:
                _take_place_of(staging, target)
            signals.check()  # a stop signal whose exception a library swallowed: stop before the swap
            previous: Path | None
            with signals.held():
                if refill:
                    previous, written.swap = _refill(staging, target), "refill"
                else:
                    previous, written.swap = _swap_in(staging, target, atomic=atomic)
                staging = None
                with contextlib.suppress(FileNotFoundError):
                    (target / MARKER).unlink()
                signals.committed.append(_show(target))
                if previous is not None:
                    _move_os_files(previous, target)
                    written.warnings.extend(_clear_previous(previous, digests))
        except OSError as error:
            raise _os_error(target, error) from None
        finally:
            if staging is not None and staging.exists():
                with signals.held():
                    shutil.rmtree(staging, ignore_errors=True)


def _move_os_files(previous: Path, output: Path) -> None:
    """Move the OS metadata files of the swapped-out output into the same folders of the new one.

    One whose folder the new output lacks (or that would replace a file) stays where it is, and
    the previous output is then kept with a warning, as for any file the toolkit did not write.
    """
    for root, _dirs, names in os.walk(previous):
        for name in names:
            if not is_os_file(name):
                continue
            target = output / Path(root).relative_to(previous) / name
            with contextlib.suppress(OSError):
                if target.parent.is_dir() and not target.parent.is_symlink() and not os.path.lexists(target):
                    os.rename(Path(root) / name, target)


def _clear_previous(previous: Path, digests: Digests) -> list[Problem]:
    """Delete the swapped-out output. The new one is already in place, so a failure is a warning."""
    try:
        remaining = remove_owned(previous, digests)
    except OSError as error:
        return [Problem(_show(previous), f"the previous output could not be removed ({error.strerror}); the new"
                        " one is in place", "delete this folder by hand, or run the build again", warning=True)]
    return [_kept_problem(previous, remaining)] if remaining else []


def _os_error(output: Path, error: OSError) -> OutputFolderError:
    """A file-system failure while writing, said plainly; the previous output is still there."""
    where = error.filename or output
    reason = {
        errno.ENOSPC: ("the disk is full", "free some space and build again"),
        errno.EDQUOT: ("the disk quota is exceeded", "free some space and build again"),
        errno.EACCES: ("permission denied", "choose a folder you can write to with -o, or fix its permissions"),
        errno.EPERM: ("permission denied", "choose a folder you can write to with -o, or fix its permissions"),
        errno.EROFS: ("the file system is read-only", "choose a folder on a writable disk with -o"),
        errno.ENOTDIR: ("a part of the path is a file, not a folder", "choose a folder with -o"),
    }.get(error.errno or 0, (error.strerror or str(error), "check the output folder and build again"))
    return OutputFolderError(Problem(_show(Path(where)), f"cannot write the output: {reason[0]}; the previous"
                                     " output is unchanged", reason[1]))
