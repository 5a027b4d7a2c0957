"""The pipeline behind `build`. The program in, the handbook site with every output family's files out.

load and check program.yaml -> plan every family (pure) -> make the handbook's pages, the
Downloads page from those plans -> render each family (from the render cache when none of its
inputs changed) -> build the site with its engine (program.site_engine: MkDocs or Zensical)
into a staging folder -> swap it in -> write the private families (the trainer's pack, the
response templates) beside the program. The private families are rendered with the site's (side
by side, through the render cache), so a document that cannot be made fails the build before
anything is written. Any failure before the swap leaves the previous output exactly as it was.

`FAMILIES` is the one list of output families: `--only` choices come from it, and adding an
output is one module under outputs/ and one entry here.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import Problem, ToolkitError, UsageError
from .files.output import MANIFEST, Digests, Swap, check_output, is_os_file, normalise, staged_output
from .files.paths import default_output, display_path
from .outputs.calendar import CalendarFamily
from .outputs.family import OutputFamily
from .outputs.forms.layout import FormsFamily
from .outputs.parallel import Job, render_families
from .outputs.response_templates import ResponseTemplatesFamily
from .outputs.training import TrainerFamily, TrainingFamily
from .program.validate import LoadedProgram, load_program
from .progress import status, wrote
from .render.artifact import PlannedFile, Rendered
from .render.cache import RenderCache, output_cache
from .site import mkdocs, zensical
from .site.pages import handbook

Progress = Callable[[str], None]
ENGINES = {"mkdocs": "MkDocs", "zensical": "Zensical"}
"""The site engines (program.site_engine), each a module of site/ with one `build_site`, by its name as shown."""
SITE = "site"
"""The command that writes the output folder, as its manifest records it."""

FAMILIES: tuple[OutputFamily, ...] = (TrainingFamily(), FormsFamily(), CalendarFamily(), ResponseTemplatesFamily(),
                                      TrainerFamily())
"""Every output family, in the order they are rendered."""


def family_names() -> tuple[str, ...]:
    """The families `build --only` can rebuild on their own."""
    return tuple(family.name for family in FAMILIES)


@dataclass(frozen=True)
class PreparedBuild:
    """A checked program and every family's planned files: all a build needs before it renders."""

    loaded: LoadedProgram
    plans: dict[str, list[PlannedFile]]
    """Family name -> the files it will make, for every family."""
    strict: bool = False
    only: str | None = None
    """The one family to rebuild, or None for everything."""

    @property
    def downloads(self) -> list[PlannedFile]:
        """What the handbook's Downloads page offers: every site family's planned files."""
        return [item for family in FAMILIES if family.destination == "site" for item in self.plans[family.name]]


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
    swap: Swap = "new"
    """How the new output took the previous one's place: "exchange" is one atomic step."""


def prepare_build(path: str | os.PathLike[str] = ".", *, strict: bool = False, only: str | None = None) -> PreparedBuild:
    """Load and check a program (a program.yaml or its folder) and plan every family; writes nothing.

    Raises ProgramError for a problem in program.yaml; with `strict`, StrictWarnings for any
    warning; UsageError for an `only` that names no family; BuildError when the program's
    site engine is Zensical and it is not installed, or mkdocs.yml asks for what it would not do.
    """
    if only is not None and only not in family_names():
        raise UsageError(f"there is no output family '{only}'; choose one of {', '.join(family_names())}")
    loaded = load_program(path, strict=strict)
    if only is None and loaded.program.program.site_engine == "zensical":
        zensical.check_engine(loaded)  # installed, and mkdocs.yml fit for it: before anything is rendered
    plans = {family.name: family.plan(loaded.program) for family in FAMILIES}
    return PreparedBuild(loaded, plans, strict, only)


def write_build(
    prepared: PreparedBuild,
    output: str | os.PathLike[str] | None = None,
    *,
    progress: Progress | None = None,
    cache: Path | None = None,
) -> BuildResult:
    """Render and write a prepared build into `output` (default: site/ in the program folder).

    Raises BuildError (or OutputFolderError) when the site cannot be built or written; the
    previous output is then untouched. With the build's `strict`, a broken internal link fails
    it. Progress lines go to `progress`, if given. With `only`, just that family is rendered: a
    site family's files replace its folder in the output and the rest of the output stays.
    `cache` is the render cache to use instead of the output's own (`serve` uses the site's).
    """
    started = time.monotonic()
    say = progress or (lambda line: None)
    loaded = prepared.loaded
    chosen = [family for family in FAMILIES if prepared.only in (None, family.name)]
    target = normalise(output if output is not None else default_output(loaded.folder, SITE))
    warnings = list(loaded.warnings)
    private_made: dict[str, Rendered] = {}
    if any(family.destination == SITE for family in chosen):
        result, private_made = _write_site(prepared, chosen, target, say, started, cache)
        warnings += result.warnings
    else:  # `only` a private family: the site is left alone
        private = chosen[0]
        result = BuildResult(default_output(loaded.folder, private.name), 0, len(prepared.plans[private.name]), 0.0)
    for family in chosen:
        if family.destination == "private":
            warnings += _write_private(family, loaded, prepared.plans[family.name], say, private_made.get(family.name))
    return replace(result, seconds=time.monotonic() - started, warnings=tuple(warnings))


def _write_site(prepared: PreparedBuild, chosen: Sequence[OutputFamily], target: Path, say: Progress,
                started: float, cache_folder: Path | None = None) -> tuple[BuildResult, dict[str, Rendered]]:
    """Render the chosen families and write the output: the whole site, or with `only` one
    family's folder swapped into the previous output. The chosen private families are rendered
    too, and returned by name for `_write_private` once the site is in place."""
    loaded = prepared.loaded
    digests = Digests()
    check_output(target, command=SITE, program_folder=loaded.folder, digests=digests)
    cache = cache_folder or output_cache(target)
    templates = cache / "templates"
    book = None
    if prepared.only is None:
        book = handbook(loaded.program, loaded.folder, prepared.downloads, templates)
        say(f"Generating {len(book.pages)} pages…")
    # The site families' documents, rendered side by side in worker processes (outputs/parallel.py);
    # the progress lines follow, one per family, in FAMILIES order.
    site_families = [family for family in chosen if family.destination == SITE]
    private_families = [family for family in chosen if family.destination != SITE and prepared.plans[family.name]]
    families = site_families + private_families
    status(say, "; ".join(f"{family.label}: {family.count(len(prepared.plans[family.name]))}"
                          for family in families) + "…")
    made_all = render_families(loaded, [Job(family, prepared.plans[family.name],
                                            RenderCache(cache / family.name, templates)) for family in families])
    for family, made in zip(families, made_all, strict=True):
        say(f"{family.label}: {family.count(len(made.artifacts))} ({len(made.rendered)} made,"
            f" {len(made.reused)} from the cache)")
    rendered = made_all[:len(site_families)]
    private = {family.name: made for family, made in zip(private_families, made_all[len(site_families):], strict=True)}
    warnings = [warning for made in made_all for warning in made.warnings]
    files = {item.path: item.data for made in rendered for item in made.artifacts}
    staged = staged_output(target, command=SITE, program_folder=loaded.folder, digests=digests)
    if book is None:
        family = chosen[0]
        with staged as (staging, written):
            _carry_over(target, staging, keep_out=family.name)
            for path, data in files.items():
                (staging / path).parent.mkdir(parents=True, exist_ok=True)
                (staging / path).write_bytes(data)
        say(f"{family.label} written to {_folder(display_path(written.output))} ({len(written.files)} files,"
            f" {time.monotonic() - started:.1f} s)")
        wrote(say, _folder(display_path(written.output / family.name)), _what(family, len(files)))
        return (BuildResult(written.output, 0, len(written.files), 0.0, (*warnings, *written.warnings), written.swap),
                private)
    with staged as (staging, written):
        name = loaded.program.program.site_engine
        engine = zensical if name == "zensical" else mkdocs
        say(f"Building site with {ENGINES[name]}…")
        site = engine.build_site(loaded, book, staging, strict=prepared.strict, extra_files=files, templates=templates,
                          output=target, work=cache)
    say(f"Site written to {_folder(display_path(written.output))} ({site.pages} pages,"
        f" {time.monotonic() - started:.1f} s)")
    wrote(say, _folder(display_path(written.output)), f"the handbook, {site.pages} pages")
    for made, family in zip(rendered, [f for f in chosen if f.destination == SITE], strict=True):
        wrote(say, _folder(display_path(written.output / family.name)), _what(family, len(made.artifacts)))
    return (BuildResult(written.output, site.pages, len(written.files), 0.0,
                        (*warnings, *site.warnings, *written.warnings), written.swap), private)


def build(
    path: str | os.PathLike[str] = ".",
    output: str | os.PathLike[str] | None = None,
    *,
    strict: bool = False,
    only: str | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build a program's handbook site with every family's files: `prepare_build`, then `write_build`."""
    return write_build(prepare_build(path, strict=strict, only=only), output, progress=progress)


def _write_private(family: OutputFamily, loaded: LoadedProgram, planned: Sequence[PlannedFile],
                   say: Progress, made: Rendered | None = None) -> list[Problem]:
    """A private family's files (`made` with the site's, else rendered here) in `private/<name>/`
    of the program folder. The site is built by now, so a folder that cannot take them (files of
    the user's in it, say) costs a warning only."""
    if not planned:
        return []
    target = default_output(loaded.folder, family.name)
    try:
        if made is None:
            made = family.render(loaded, planned, None)
        with staged_output(target, command=family.name, program_folder=loaded.folder) as (staging, written):
            for item in made.artifacts:
                (staging / item.path).write_bytes(item.data)
    except ToolkitError as error:
        return [replace(problem, warning=True, message=f"{family.name.replace('-', ' ')} not written: {problem.message}")
                for problem in error.problems]
    say(f"{family.label} written to {_folder(display_path(written.output))} ({family.count(len(planned))})")
    wrote(say, _folder(display_path(written.output)), _what(family, len(planned), family.note(loaded.program)))
    return list(written.warnings)


def _carry_over(previous: Path, staging: Path, keep_out: str) -> None:
    """Copy the previous output into the staging folder, all but the documents in `keep_out/`:
    a partial build (`--only training`) replaces the family's files and leaves the site's pages,
    the handbook's own pages in that folder included, as they were."""
    if not previous.is_dir():
        return
    for source in sorted(previous.rglob("*")):
        relative = source.relative_to(previous)
        family_file = relative.parts[0] == keep_out and relative.suffix != ".html"
        # OS metadata is not the toolkit's to record: the swap moves it over as it is.
        if family_file or relative.name == MANIFEST or is_os_file(relative.name) or not source.is_file():
            continue
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, staging / relative)


def _what(family: OutputFamily, files: int, note: str = "") -> str:
    """An output family's line in the closing summary: "training pack, 13 files", with its note."""
    return f"{family.label[0].lower()}{family.label[1:]}, {family.count(files)}{f' ({note})' if note else ''}"


def _folder(shown: str) -> str:
    return shown if shown.endswith("/") else shown + "/"
