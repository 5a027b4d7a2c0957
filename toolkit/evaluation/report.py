"""The evaluation report: survey responses in, a standalone HTML report and its PDF out.

`prepare_report` reads and checks the response files and computes every figure (figures.py,
where the rules and the privacy threshold are); `render_html` lays them out through the
`report/report.html.j2` template (inline CSS and SVG, no external request); `render_pdf`
prints that same HTML; `write_report` puts both (or, with `pdf=False`, the HTML alone, and
WeasyPrint is never imported) in a private folder.

A response file named twice, directly, through a folder holding it, or through a link, is
read once with a warning: read twice, every respondent in it would look like one who
answered twice, and all of them would be left out.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import BuildError, Problem, ResponsesError, StrictWarnings
from ..files.output import staged_output
from ..files.paths import default_output, display_path
from ..program.model import Program
from ..program.validate import load_program
from ..render.pdf import PdfRenderer
from ..render.templating import environment, render
from .figures import MOMENT_NAMES, Report, compute, plain, with_unit
from .responses import TABLE_SUFFIXES, read_responses

COMMAND = "report"
TEMPLATE = "report/report.html.j2"
REPORT_HTML = "report.html"
REPORT_PDF = "report.pdf"


def render_html(report: Report, folder: Path | None = None) -> str:
    """The report as one standalone HTML page: inline CSS and SVG, every user string escaped."""
    env = environment(folder, "html")
    env.filters["plain_unit"] = lambda number, unit: with_unit(plain(number), unit)
    env.filters["basename"] = lambda path: Path(str(path)).name
    context: dict[str, Any] = {"report": report, "program": report.program, "moment_names": MOMENT_NAMES}
    return render(env, TEMPLATE, context, folder)


def render_pdf(html: str, folder: Path | None, paper_size: Literal["A4", "Letter"] = "A4") -> bytes:
    """The same HTML printed through the shared PDF stack (tagged PDF, nothing fetched from outside)."""
    return PdfRenderer(folder, paper_size).render(REPORT_PDF, html).data


@dataclass(frozen=True)
class PreparedReport:
    """A computed report, the program folder its templates come from, and the warnings on the way."""

    report: Report
    folder: Path
    warnings: tuple[Problem, ...]
    """The program's warnings, then every response row left out and every missing column."""
    sources: tuple[Path, ...] = ()
    """The response files and folders as given, absolute: the report is never written over or into one."""

    @property
    def inputs(self) -> tuple[tuple[Path, str], ...]:
        """The files and folders read, each with what it is, for the output writer."""
        return tuple((path, "the responses folder" if path.is_dir() else "the response file") for path in self.sources)


@dataclass(frozen=True)
class WrittenReport:
    """Where the report went and what was written."""

    folder: Path
    files: tuple[str, ...]
    warnings: tuple[Problem, ...]
    """Leftover folders of earlier runs kept because they hold files revmentor did not write."""


def prepare_report(
    program_path: str | os.PathLike[str],
    response_paths: Sequence[str | os.PathLike[str]],
    invited: Mapping[str, int] | None = None,
    *,
    strict: bool = False,
) -> PreparedReport:
    """Load the program and the response files, and compute every figure; writes nothing.

    Raises ProgramError or ResponsesError (every problem of every file) when something cannot
    be used; rows left out come back as warnings, or with `strict` stop it (StrictWarnings).
    """
    loaded = load_program(program_path)
    _check_invited(loaded.program, invited or {})
    files, twice = _expand(response_paths)
    responses = read_responses(loaded.program, files)
    report = compute(loaded.program, responses, invited)
    warnings = loaded.warnings + twice + responses.warnings
    StrictWarnings.check(warnings, strict)
    return PreparedReport(report, loaded.folder, warnings, tuple(Path(os.path.abspath(p)) for p in response_paths))


def write_report(prepared: PreparedReport, output: str | os.PathLike[str] | None = None, *,
                 pdf: bool = True) -> WrittenReport:
    """Write report.html (and report.pdf) into a private output folder, replaced as a whole
    (default: private/report in the program folder).

    The folder may not be the program folder, lie in content/ or in the handbook site, nor hold
    or lie inside the responses read; on any failure the previous report is left as it was.
    """
    output = output if output is not None else default_output(prepared.folder, COMMAND)
    html = render_html(prepared.report, prepared.folder)
    document = render_pdf(html, prepared.folder, prepared.report.program.program.paper_size) if pdf else None
    forbidden = [(default_output(prepared.folder, "site"), "the handbook site, which is public")]
    with staged_output(output, command=COMMAND, program_folder=prepared.folder, forbidden=forbidden,
                       inputs=prepared.inputs) as (staging, written):
        (staging / REPORT_HTML).write_text(html, encoding="utf-8")
        if document is not None:
            (staging / REPORT_PDF).write_bytes(document)
    return WrittenReport(written.output, tuple(written.files), tuple(written.warnings))


_READ_ONCE = "name each response file and folder once (a folder stands for the .csv and .xlsx files directly inside it)"


def _identity(path: Path) -> tuple[int, int] | str:
    """What makes two names one file (or folder): device and inode, through links; the name when it cannot be read."""
    try:
        status = path.stat()
    except OSError:
        return str(path)
    return status.st_dev, status.st_ino


def _folder_name(path: Path) -> str:
    shown = display_path(path)
    return shown if shown.endswith(("/", os.sep)) else shown + "/"


def _expand(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Path], tuple[Problem, ...]]:
    """Response files as given, a folder standing for the CSV and XLSX files directly inside it;
    a file (or folder) given twice, under any name, is kept once, with a warning."""
    files: dict[tuple[int, int] | str, tuple[Path, Path | None]] = {}
    """File identity -> (the file, the folder it was found in, if any), in the order given."""
    folders: dict[tuple[int, int] | str, Path] = {}
    warnings: list[Problem] = []

    def add(file: Path, folder: Path | None) -> None:
        identity = _identity(file)
        if identity not in files:
            files[identity] = (file, folder)
            return
        earlier, earlier_folder = files[identity]
        shown = display_path(file)
        if display_path(earlier) == shown:
            inside = folder or earlier_folder
            message = f"given twice{f' (also inside {_folder_name(inside)})' if inside else ''}; it is read once"
        else:
            message = f"the same file as {display_path(earlier)}; it is read once"
        warnings.append(Problem(shown, message, _READ_ONCE, warning=True))

    for given in map(Path, paths):
        if not given.is_dir():
            add(given, None)
            continue
        identity = _identity(given)
        if identity in folders:
            earlier = folders[identity]
            same = ("given twice" if display_path(earlier) == display_path(given)
                    else f"the same folder as {_folder_name(earlier)}")
            warnings.append(Problem(_folder_name(given), f"{same}; it is read once", _READ_ONCE, warning=True))
            continue
        folders[identity] = given
        inside = sorted(p for p in given.iterdir() if p.suffix.lower() in TABLE_SUFFIXES and not p.name.startswith(
            (".", "~$")))
        if not inside:
            raise ResponsesError(Problem(display_path(given), "this folder holds no .csv or .xlsx response file",
                                         "export the survey responses into it, or name the files themselves"))
        for file in inside:
            add(file, given)
    return [file for file, _ in files.values()], tuple(warnings)


def _check_invited(program: Program, invited: Mapping[str, int]) -> None:
    roles = [role.id for role in program.roles]
    for role_id, count in invited.items():
        if role_id not in roles:
            raise BuildError(Problem("--invited", f"unknown role '{role_id}'", f"use one of: {', '.join(roles)}"))
        if count < 0:
            raise BuildError(Problem("--invited", f"{role_id}={count}: a count cannot be negative",
                                     "give the number of people invited, e.g. mentor=12"))
