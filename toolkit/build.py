"""`build`: the program in, the handbook site out, written atomically next to the old one.

Flow: load and check program.yaml -> warnings (fatal with strict) -> plan and render the
pages -> build the site with MkDocs into a staging folder -> swap it in. Any failure before
the swap leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import Problem, StrictWarnings, ToolkitError

if TYPE_CHECKING:
    from .validate import LoadedProgram

# toolkit/__init__.py imports this module at start-up: keep its top-level imports light
# (mkdocs, jinja2 and the rest load inside build()).

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    output: Path
    """The output folder (absolute)."""
    pages: int
    """Handbook pages built."""
    files: int
    """Files written in the output (all recorded in its manifest)."""
    seconds: float
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
    """Warnings from the program, the site (a broken link) and the output folder."""


def default_output(folder: Path) -> Path:
    """Where a build goes unless told otherwise: site/ in the program folder."""
    return folder / "site"


def build(
    path: str | os.PathLike[str] = ".",
    output: str | os.PathLike[str] | None = None,
    *,
    strict: bool = False,
    quiet: bool = False,
    progress: Progress | None = None,
    only: Literal["training"] | None = None,
) -> BuildResult:
    """Build the handbook site of a program (a program.yaml or its folder) into `output`.

    Raises ProgramError for a problem in program.yaml, BuildError (or OutputFolderError) when
    the site cannot be built or written; the previous output is then untouched. With `strict`,
    warnings are errors and a broken internal link fails the build. Progress lines go to
    `progress` (default: print) unless `quiet`. `only="training"` renders just the training
    pack and replaces the output's training/ folder with it; the rest of the output stays.
    """
    from .cache import RenderCache
    from .forms import site_artifacts
    from .handbook import Download, handbook
    from .output import check_output, normalise, staged_output
    from .site import build_site
    from .templating import use_disk_cache
    from .training import build_training
    from .validate import display_path, load_program

    started = time.monotonic()

    def say(line: str) -> None:
        if not quiet:
            (progress or print)(line)

    loaded = load_program(path)
    if strict and loaded.warnings:
        count = len(loaded.warnings)
        raise StrictWarnings([
            *(_as_error(w) for w in loaded.warnings),
            Problem("", f"{count} warning{'s' if count != 1 else ''} and --strict is set",
                    "fix the warnings above, or run without --strict"),
        ])
    target = normalise(output if output is not None else default_output(loaded.folder))
    check_output(target, program_folder=loaded.folder)
    use_disk_cache(RenderCache.beside(target, "templates").root)
    pack = build_training(loaded, RenderCache.beside(target, "training"))
    if only == "training":
        with staged_output(target, program_folder=loaded.folder) as (staging, written):
            _carry_over(target, staging, keep_out=TRAINING)
            for item in pack.artifacts:
                (staging / item.path).parent.mkdir(parents=True, exist_ok=True)
                (staging / item.path).write_bytes(item.data)
        seconds = time.monotonic() - started
        say(f"Training pack written to {_folder(display_path(written.output))} ({len(written.files)} files,"
            f" {seconds:.1f} s)")
        return BuildResult(written.output, 0, len(written.files), seconds,
                           (*loaded.warnings, *pack.warnings, *written.kept))
    artifacts, artifact_warnings = site_artifacts(loaded, RenderCache.beside(target, "forms"))
    artifacts = [*artifacts, *pack.artifacts]
    artifact_warnings = [*artifact_warnings, *pack.warnings]
    downloads = [Download(item.title, item.path, item.description, item.kind) for item in artifacts]
    book = handbook(loaded.program, loaded.folder, downloads=downloads)
    say(f"Generating {len(book.pages)} pages…")
    with staged_output(target, program_folder=loaded.folder) as (staging, written):
        say("Building site with MkDocs…")
        site = build_site(loaded, book, staging, strict=strict, extra_files={item.path: item.data for item in artifacts})
    seconds = time.monotonic() - started
    say(f"Site written to {_folder(display_path(written.output))} ({site.pages} pages, {seconds:.1f} s)")
    templates = _write_response_templates(loaded, say)
    warnings = (*loaded.warnings, *artifact_warnings, *site.warnings, *written.kept, *templates)
    return BuildResult(written.output, site.pages, len(written.files), seconds, warnings)


RESPONSE_TEMPLATES = Path("private") / "response-templates"
"""Where `build` puts an empty response file per survey, inside the program folder: private,
since filled-in copies hold what participants said, and never part of the site."""


def _write_response_templates(loaded: LoadedProgram, say: Progress) -> list[Problem]:
    """One empty `<survey-id>.csv` per survey for `revmentor report`. The site is built by now,
    so a folder that cannot take them (files of the user's in it, say) costs a warning only."""
    from .output import staged_output
    from .responses import response_templates
    from .validate import display_path

    files = response_templates(loaded.program)
    if not files:
        return []
    target = loaded.folder / RESPONSE_TEMPLATES
    try:
        with staged_output(target, program_folder=loaded.folder, kind="response-templates") as (staging, written):
            for name, data in files.items():
                (staging / name).write_bytes(data)
    except ToolkitError as error:
        return [
            replace(problem, warning=True, message=f"response templates not written: {problem.message}")
            for problem in error.problems
        ]
    count = f"{len(files)} survey{'s' if len(files) != 1 else ''}"
    say(f"Response templates written to {_folder(display_path(written.output))} ({count})")
    return list(written.kept)


TRAINING = "training"
"""The output's subfolder that holds the training pack."""


def _carry_over(previous: Path, staging: Path, keep_out: str) -> None:
    """Copy the previous output into the staging folder, all but the documents in `keep_out/`:
    a partial build (`--only training`) replaces the pack and leaves the site's pages, the
    handbook's own training pages included, as they were."""
    import shutil

    from .output import MANIFEST, is_os_file

    if not previous.is_dir():
        return
    for source in sorted(previous.rglob("*")):
        relative = source.relative_to(previous)
        pack_document = relative.parts[0] == keep_out and relative.suffix != ".html"
        # OS metadata is not the toolkit's to record: the swap moves it over as it is.
        if pack_document or relative.name == MANIFEST or is_os_file(relative.name) or not source.is_file():
            continue
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, staging / relative)


def _folder(shown: str) -> str:
    return shown if shown.endswith("/") else shown + "/"


def _as_error(problem: Problem) -> Problem:
    return Problem(problem.file, problem.message, problem.fix, problem.line, problem.column, problem.path)
