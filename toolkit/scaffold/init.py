"""`revmentor init`: a new program folder from a preset or the flagship, never over a user's file.

Presets are packaged data (toolkit/presets/<id>/program.yaml and welcome.md, listed in
toolkit/presets/index.yaml). Their program.yaml holds the token __ORGANISATION__ wherever the
organisation's name belongs. The flagship names its own organisation (Calder Vale Logistics,
"Calder Vale" for short); a copy gets the new organisation's name in those places instead, so
its handbook speaks of the reader's organisation. Its contact address stays an example
(crosswise@caldervale.example) for the coordinator to replace, like the program's name.

Filling it never pastes user text into YAML: every scalar that holds the organisation's name,
and program.start_date, is re-emitted by PyYAML's own emitter at its place in the file, so
comments and layout survive and an organisation called `Acme: "Ltd" #1` or `{{ 7*7 }}` reads
back exactly. The result is checked against a plain re-read of the data
before anything is written.

The folder is assembled in memory, validated, staged in a temporary folder and only then
moved in; if any file it would create already exists, nothing is written at all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import OutputFolderError, Problem, ToolkitError, UsageError
from ..files import signals
from ..files.paths import PROGRAM_FILE, data_dir, display_path

# program.schema and program.validate (pydantic and every model) load inside the functions that
# need them, so `revmentor presets` and `init --preset`'s argument check start in a blink.

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
ORGANISATION = "__ORGANISATION__"
"""Token in a preset's program.yaml and welcome page, replaced by the organisation's name."""
START_DATE = "__START_DATE__"
"""Token in a welcome page, replaced by the start date written out in words."""
DEFAULT_ORGANISATION = "Your organisation"
FLAGSHIP_NAMES = ("Calder Vale Logistics", "Calder Vale")
"""How the flagship's program.yaml and content name its organisation, longest first."""
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML has it (15 times faster); its marks count characters, as PyYAML's do."""
LEAD_WEEKS = 4
"""The default start date is the first Monday at least this many weeks away: time to recruit."""

GITIGNORE = """\
# Made by `revmentor init`.
# Generated output: `revmentor build` remakes it at any time.
/site/
/build/
/.revmentor-cache/
# Pair packs, match reports, rosters, HR exports, pairs files and survey responses carry names,
# e-mail addresses and answers: never commit them. Any spreadsheet counts, whatever its name or case.
/private/
/[Rr][Ee][Ss][Pp][Oo][Nn][Ss][Ee][Ss]/
*.[Cc][Ss][Vv]
*.[Tt][Ss][Vv]
*.[Xx][Ll][Ss]
*.[Xx][Ll][Ss][Xx]
*.[Xx][Ll][Ss][Mm]
*.[Oo][Dd][Ss]
"""


@dataclass(frozen=True)
class Preset:
    """One packaged preset: its id, the field it is written for and a one-line description."""

    id: str
    field: str
    line: str

    @property
    def folder(self) -> Path:
        return PRESETS_DIR / self.id


def presets() -> list[Preset]:
    """The packaged presets, in the order `revmentor presets` lists them."""
    with (PRESETS_DIR / "index.yaml").open(encoding="utf-8") as stream:
        entries = yaml.safe_load(stream)
    return [Preset(str(e["id"]), str(e["field"]), str(e["line"])) for e in entries]


def preset(name: str) -> Preset:
    """The preset with this id; KeyError when there is none (the CLI turns it into a usage error)."""
    for candidate in presets():
        if candidate.id == name:
            return candidate
    raise KeyError(name)


def default_start(today: dt.date) -> dt.date:
    """The first Monday at least LEAD_WEEKS weeks after today."""
    earliest = today + dt.timedelta(weeks=LEAD_WEEKS)
    return earliest + dt.timedelta(days=(7 - earliest.weekday()) % 7)


# --- filling placeholders -----------------------------------------------------------------

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: dt.date) -> str:
    """"Monday 1 March 2027", whatever the machine's locale."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def markdown_literal(text: str) -> str:
    """A name shown literally in a Markdown page init writes: punctuation backslash-escaped, HTML
    characters as entities, so the user can still read and edit the page (unlike the template
    layer's `escape_markdown`, which writes for MkDocs only)."""
    escaped = "".join("\\" + c if c in "\\`*_{}[]()#+-.!|~" else c for c in text)
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class _Replacement:
    start: int
    end: int
    value: Any
    indent: int
    """Indentation of the parent block: continuation lines go two columns further in."""
    block: bool
    """The original was a block scalar (| or >): keep it folded if the new value allows."""


def _splice(text: str, replacement: _Replacement) -> str:
    """`text` with one scalar's span replaced by the new value as PyYAML emits it.

    The value is dumped as a one-item list, whose item sits at indentation 2; its continuation
    lines are moved to two columns inside the parent block. A block scalar's span runs on to
    the next key, so the span's trailing line breaks are kept.
    """
    value = replacement.value
    style = ">" if replacement.block and isinstance(value, str) else None
    pad = " " * (replacement.indent + 2)
    width = max(40, 90 - len(pad))
    dumped = yaml.safe_dump([value], default_style=style, width=width, allow_unicode=True)
    first, *rest = dumped.removesuffix("\n").removeprefix("- ").split("\n")
    if first == ">" and _refoldable(value):
        # PyYAML's folding overshoots its width; one paragraph is re-wrapped here instead,
        # each break replacing exactly one space (which is what folding reads back).
        header = ">" if value.endswith("\n") else ">-"
        lines = textwrap.wrap(value.rstrip("\n"), width, break_long_words=False, break_on_hyphens=False)
        emitted = "\n".join([header] + [pad + line for line in lines])
    else:
        emitted = "\n".join([first] + [pad + line.removeprefix("  ") if line else "" for line in rest])
    original = text[replacement.start : replacement.end]
    trailing = original[len(original.rstrip()) :]
    return text[: replacement.start] + emitted + trailing + text[replacement.end :]


def _refoldable(value: str) -> bool:
    """One paragraph with single spaces only, so folding at any space reads back the same."""
    core = value.removesuffix("\n")
    return bool(core) and core == core.strip() and not any(c in core for c in "\n\t\r") and "  " not in core


def _plain(node: Node) -> Any:
    """A composed node as plain data, every scalar kept as its text (as the toolkit's loader does)."""
    if isinstance(node, MappingNode):
        return {_plain(key): _plain(value) for key, value in node.value}
    if isinstance(node, SequenceNode):
        return [_plain(item) for item in node.value]
    return node.value


def fill(
    text: str, organisation: str, start: dt.date | None, source: str, names: tuple[str, ...] = (ORGANISATION,)
) -> str:
    """program.yaml text with the organisation and start date filled in, layout and comments kept.

    Scalars holding one of `names` (the preset token, or the flagship's own organisation) get
    the organisation spliced into their value, and comments are renamed the same way;
    program.organisation and program.start_date are set whatever they held.
    """
    root = yaml.compose(text, Loader=_Loader)
    if not isinstance(root, MappingNode):
        raise ToolkitError(Problem(source, "is not a program (no mapping at the top)", "reinstall the toolkit"))
    replacements: list[_Replacement] = []
    expected_changes: list[tuple[tuple[Any, ...], Any]] = []

    def visit(node: Node, indent: int, path: tuple[Any, ...]) -> None:
        if isinstance(node, MappingNode):
            for key, value in node.value:
                visit(value, key.start_mark.column, (*path, key.value))
        elif isinstance(node, SequenceNode):
            for number, item in enumerate(node.value):
                visit(item, node.start_mark.column, (*path, number))
        elif isinstance(node, ScalarNode):
            new: Any = None
            if path == ("program", "start_date") and start is not None:
                new = start
            elif path == ("program", "organisation"):
                new = organisation
            elif any(name in node.value for name in names):
                new = _renamed(node.value, names, organisation)
            if new is not None:
                block = node.style in ("|", ">")
                replacements.append(_Replacement(node.start_mark.index, node.end_mark.index, new, indent, block))
                expected_changes.append((path, new.isoformat() if isinstance(new, dt.date) else new))

    visit(root, 0, ())
    for replacement in sorted(replacements, key=lambda r: r.start, reverse=True):
        text = _splice(text, replacement)
    one_line = " ".join(organisation.split())  # a comment ends at a line break: keep the name in it
    text = "".join(_renamed(line, names, one_line) if line.lstrip().startswith("#") else line
                   for line in text.splitlines(keepends=True))

    expected = _plain(root)
    try:
        again = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        again = None
    for path, value in expected_changes:
        parent = expected
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = value
    if again is None or _plain(again) != expected:
        raise ToolkitError(
            Problem(
                source,
                f"filling in the organisation {organisation!r} did not read back as written",
                "try a plainer organisation name, and report this as a bug in the toolkit",
            )
        )
    return text


def _renamed(text: str, names: tuple[str, ...], organisation: str) -> str:
    """`text` with every one of `names` replaced by the organisation in one pass (so a new name
    that contains an old one is left alone), a possessive ("Calder Vale Logistics' programme")
    made the new name's ("Acme's programme")."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))

    def replace(match: re.Match[str]) -> str:
        if match[2] and match[1].endswith(("s", "S")):
            return organisation + ("'" if organisation.endswith(("s", "S")) else "'s")
        return organisation + (match[2] or "")

    return re.sub(f"({alternatives})('(?!s))?", replace, text)


def _set_site_name(text: str, name: str) -> str:
    """mkdocs.yml with site_name set; the rest (comments, !!python/name tags) untouched."""
    root = yaml.compose(text, Loader=_Loader) if text.strip() else None
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if key.value == "site_name" and isinstance(value, ScalarNode):
                block = value.style in ("|", ">")
                return _splice(text, _Replacement(value.start_mark.index, value.end_mark.index, name, 0, block))
    line = yaml.safe_dump({"site_name": name}, allow_unicode=True, width=10_000)
    return line + text


# --- planning and writing the folder ------------------------------------------------------


def _schema_text() -> str:
    from ..program.schema import shipped_schema_json

    return shipped_schema_json(2) + "\n"


def plan(preset_id: str | None, organisation: str, start: dt.date) -> dict[str, bytes]:
    """Every file init creates, by path relative to the new folder. Reads packaged data only."""
    defaults = data_dir()
    files: dict[str, str] = {}
    names: tuple[str, ...] = (ORGANISATION,)
    literal = markdown_literal(organisation)
    if preset_id is None:
        source, names = defaults / PROGRAM_FILE, FLAGSHIP_NAMES
        files.update(_content(defaults / "content", lambda text: _renamed(text, names, literal)))
    else:
        folder = preset(preset_id).folder
        source = folder / PROGRAM_FILE
        welcome = (folder / "welcome.md").read_text(encoding="utf-8")
        welcome = welcome.replace(ORGANISATION, literal)
        files["content/welcome.md"] = welcome.replace(START_DATE, long_date(start))
        # The preset's guides and includes, written for its field.
        files.update(_content(folder / "content", lambda text: text.replace(ORGANISATION, literal)))
    program_text = fill(source.read_text(encoding="utf-8"), organisation, start, str(source), names)
    mkdocs = defaults / "mkdocs.yml"
    mkdocs_text = mkdocs.read_text(encoding="utf-8") if mkdocs.is_file() else ""
    ordered = {
        PROGRAM_FILE: program_text,
        "mkdocs.yml": _set_site_name(mkdocs_text, _program_name(program_text)),
        "schema.json": _schema_text(),  # program.yaml's first line points editors at it
        ".gitignore": GITIGNORE,
        **files,
    }
    return {path: text.encode("utf-8") for path, text in ordered.items()}


def _content(content: Path, named: Callable[[str], str]) -> dict[str, str]:
    """The pages of a packaged content/ folder, by their path in the new program, with the
    organisation's name put in by `named`."""
    return {"content/" + path.relative_to(content).as_posix(): named(path.read_text(encoding="utf-8"))
            for path in sorted(content.rglob("*")) if path.is_file() and not path.name.startswith(".")}


def _program_name(text: str) -> str:
    root = yaml.compose(text, Loader=_Loader)
    return str(_plain(root)["program"]["name"]).strip() if root is not None else ""


def conflicts(target: Path, paths: list[str]) -> list[Path]:
    """Existing files (or files where a folder must go) that writing `paths` would replace."""
    found: list[Path] = []
    for relative in paths:
        parts = relative.split("/")
        for depth in range(1, len(parts)):
            parent = target.joinpath(*parts[:depth])
            if parent.exists() and not parent.is_dir():
                found.append(parent)
                break
        else:
            path = target / relative
            if path.exists() or path.is_symlink():
                found.append(path)
    return sorted(set(found))


def create(target: Path, files: dict[str, bytes], check: Callable[[Path], None] | None = None) -> list[Path]:
    """Write `files` under `target`, all or nothing, never replacing an existing file.

    Everything is written to a staging folder first (on the same file system, so the final
    moves are renames), `check` runs on it, and only then is it moved into place.
    """
    if target.exists() and not target.is_dir():
        raise OutputFolderError(
            Problem(display_path(target), "is a file, not a folder", "name a new or existing folder for the program")
        )
    clashes = conflicts(target, list(files))
    if clashes:
        raise OutputFolderError(
            [
                Problem(
                    display_path(path),
                    "already exists; init never overwrites a file, so nothing was written",
                    "move it out of the way, or start the program in a new folder: revmentor init NEW-FOLDER",
                )
                for path in clashes
            ]
        )
    existed = target.is_dir()
    parent = target if existed else target.parent
    missing = [folder for folder in (parent, *parent.parents) if not folder.exists()]  # deepest first
    parent.mkdir(parents=True, exist_ok=True)
    finished = False
    staging: Path | None = None
    try:
        with signals.held():  # a stop between making the folder and naming it would leave it behind
            staging = Path(tempfile.mkdtemp(prefix=".revmentor-init-", dir=parent))
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp's 0700 would otherwise become the new folder's mode
        for relative, data in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if check is not None:
            check(staging)
        if existed:
            _move_in(staging, target, sorted(files))
        else:
            os.rename(staging, target)
        finished = True
        return [target / relative for relative in files]
    finally:
        if staging is not None and staging.exists():
            with signals.held():
                shutil.rmtree(staging, ignore_errors=True)
        for folder in [] if finished else missing:  # the parents init made for a folder it never made
            try:
                folder.rmdir()
            except OSError:
                break


def _move_in(staging: Path, target: Path, paths: list[str]) -> None:
    """Move staged files into an existing folder: a whole new subfolder at once where possible."""
    if conflicts(target, paths):  # something appeared while we were staging
        raise OutputFolderError(
            Problem(display_path(target), "changed while init was running; nothing was written", "run init again")
        )
    moved: set[str] = set()
    for relative in paths:
        top = relative.split("/")[0]
        if top in moved:
            continue
        if not (target / top).exists():
            os.rename(staging / top, target / top)
            moved.add(top)
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging / relative, destination)


def organisation_name(value: str) -> str:
    """The organisation's name as it will appear: one line of ordinary text, at most 200 characters.

    Raises UsageError saying what is wrong with it.
    """
    name = value.strip()
    if not name:
        raise UsageError("the organisation's name is empty; give it, e.g. --organisation 'Acme Health'")
    if any(ord(c) < 32 or ord(c) == 127 or c in "\x85\u2028\u2029" for c in name):
        raise UsageError("the organisation's name must be one line with no control characters")
    if len(name) > 200:
        raise UsageError("the organisation's name is longer than 200 characters; shorten it")
    return name


@dataclass(frozen=True)
class PreparedInit:
    """A new program folder, planned: where it goes and every file it will hold."""

    folder: Path
    preset: str | None
    organisation: str
    start: dt.date
    files: dict[str, bytes]
    """Path relative to the folder -> the file's bytes."""


def prepare_init(folder: str | os.PathLike[str], preset_id: str | None = None,
                 organisation: str = DEFAULT_ORGANISATION, start: dt.date | None = None) -> PreparedInit:
    """Plan a new program folder from a preset (None: the flagship); writes nothing.

    `start` defaults to the first Monday at least four weeks away. Raises UsageError for an
    unknown preset or an organisation name that cannot be used.
    """
    name = organisation_name(organisation)
    known = [p.id for p in presets()]
    if preset_id is not None and preset_id not in known:
        raise UsageError(f"unknown preset '{preset_id}'; choose one of {', '.join(known)}")
    start = start if start is not None else default_start(dt.date.today())
    return PreparedInit(Path(folder), preset_id, name, start, plan(preset_id, name, start))


def write_init(prepared: PreparedInit) -> list[Path]:
    """Create the program folder, all or nothing, never over an existing file; returns the files made.

    The program is checked with --strict rules before it is moved in.
    """
    target = prepared.folder

    def check(staged: Path) -> None:
        try:
            from ..program.validate import load_program

            problems = list(load_program(staged).warnings)
        except ToolkitError as error:
            problems = error.problems
        if problems:  # a packaged preset that does not pass its own checks: a bug, shown where it would be
            shown, meant = display_path(staged), display_path(target)
            raise ToolkitError(
                [replace(problem, file=problem.file.replace(shown, meant, 1)) for problem in problems]
                + [
                    Problem(
                        "",
                        "the new program did not pass its own checks, so nothing was written",
                        "this is a bug in the toolkit: please report it with the command you ran",
                    )
                ]
            )

    return create(target, prepared.files, check)
