"""The `revmentor` command: a thin click layer over the toolkit's Python API (the `toolkit` facade).

Each command parses its arguments, calls the API's `prepare_X` and `write_X`, and prints what
they return. Defaults (output folders), --strict and every check live in the API.
Exit codes: 0 success, 1 a problem in the user's files or data, 2 a usage error. The facade is
lazy, so `--help` imports nothing heavy.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

import toolkit as api

from ._version import __version__
from .errors import Problem, ToolkitError, UsageError, format_problems, visible
from .files import signals
from .files.paths import display_path
from .progress import Reporter

F = TypeVar("F", bound=Callable[..., Any])


def say(text: str, err: bool = False) -> None:
    """Print a line; names, ids and answers from the user's files in it show hidden characters
    escaped (an ESC from a roster cell would rewrite the terminal). Every line goes through here."""
    click.echo(visible(text), err=err)


def _reporter(quiet: bool) -> Reporter:
    """Progress for one command: stage lines, a rewritten counter in a terminal, a closing summary;
    nothing with -q. Used as `with _reporter(quiet) as report:`."""
    return Reporter(sys.stdout, quiet=quiet)


def _quiet(command: F) -> F:
    """The -q option every long command has."""
    return click.option("-q", "--quiet", is_flag=True, help="Print only problems, no progress.")(command)


def _print_problems(problems: Sequence[Problem]) -> None:
    if problems:
        say(format_problems(problems), err=True)


def _guarded(command: F) -> F:
    """Turn toolkit errors into their messages and exit 1; never show a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with signals.running():
                return command(*args, **kwargs)
        except UsageError as error:
            raise click.UsageError(error.format()) from None
        except ToolkitError as error:
            came = signals.stop_that_came()
            if came is not None:  # a library swallowed the interrupt, then failed: the stop is the cause
                say(signals.stopped_line(came), err=True)
                sys.exit(signals.exit_code(came))
            say(error.format(), err=True)
            count = len(error.errors)
            if count > 1:
                say(f"{count} problems found.", err=True)
            sys.exit(1)
        except KeyboardInterrupt as stop:
            say(signals.stopped_line(stop), err=True)
            sys.exit(signals.exit_code(stop))

    wrapper.__name__ = command.__name__
    wrapper.__doc__ = command.__doc__
    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="revmentor")
def cli() -> None:
    """Run a reverse-mentoring program from one file, program.yaml.

    \b
    Examples:
      revmentor validate              check ./program.yaml and summarise it
      revmentor build                 build the handbook site into ./site
      revmentor schema > schema.json  the JSON Schema, for editors

    Errors name the file, line and column, what is wrong and how to fix it.
    Exit codes: 0 success, 1 a problem in your files, 2 a usage error.
    """


@cli.command()
@click.argument("path", default=".", type=click.Path(dir_okay=True, file_okay=True))
@click.option("--strict", is_flag=True, help="Treat warnings (a goal with no measure, ...) as errors.")
@_quiet
@_guarded
def validate(path: str, strict: bool, quiet: bool) -> None:
    """Check program.yaml and summarise the program.

    PATH is a program.yaml or the folder holding one (default: the current folder).
    Every problem in the file is listed at once, each with its line, column and fix.

    \b
    Examples:
      revmentor validate
      revmentor validate programs/finance/program.yaml --strict
    """
    loaded = api.load_program(path, strict=strict)
    _print_problems(loaded.warnings)
    if not quiet:
        say(summary(loaded.program, display_path(loaded.file)))


def summary(program: Any, file: str) -> str:
    """The short summary `validate` prints on success."""
    hours, minutes = divmod(program.training_minutes, 60)
    checkins = program.checkin_weeks
    lines = [
        f"{file}: {program.program.name} ({program.program.organisation}) is valid.",
        f"  starts {program.program.start_date.isoformat()}, runs {program.program.duration_weeks} weeks,"
        f" {program.program.rollout}, {program.program.meeting_format}",
        f"  goals: {len(program.goals)}, measures: {sum(len(g.measures) for g in program.goals)}",
        f"  roles: {len(program.roles)} ({', '.join(role.id for role in program.roles)})",
        f"  training modules: {len(program.training)}, {hours} h {minutes:02d} min in all",
        f"  check-ins: {len(checkins)}" + (f" (weeks {', '.join(map(str, checkins))})" if checkins else ""),
        *([f"  rounds: {len(program.rotation.rounds)} (weeks "
           + ", ".join(f"{r.start_week} to {r.end_week}" for r in program.rotation.rounds) + ")"]
          if program.rotation else []),
        f"  checklist items: {len(program.checklist)} ({sum(item.done for item in program.checklist)} done)",
        f"  challenges: {len(program.challenges)}, surveys: {len(program.feedback.surveys)}",
    ]
    return "\n".join(lines)


@cli.command()
@click.option("--indent", default=2, show_default=True, help="Indentation of the JSON output.")
@_guarded
def schema(indent: int) -> None:
    """Print the JSON Schema of program.yaml.

    Editors with a YAML language server (VS Code's YAML extension, for one) complete and
    check program.yaml against it; put this line at the top of the file:

    \b
      # yaml-language-server: $schema=schema.json

    \b
    Example:
      revmentor schema > schema.json
    """
    say(api.shipped_schema_json(indent))


class _FamilyType(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.2
    """An output family's name, as pipeline.py lists them (read when the option is used or shown)."""

    name = "FAMILY"

    def get_metavar(self, *args: Any, **kwargs: Any) -> str:
        return "[" + "|".join(api.family_names()) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        names = api.family_names()
        if value in names:
            return value
        self.fail(f"'{value}' is not an output family; choose one of {', '.join(names)}", param, ctx)


@cli.command("build")
@click.argument("path", default=".", type=click.Path(dir_okay=True, file_okay=True))
@click.option("-o", "--output", type=click.Path(file_okay=True, dir_okay=True),
              help="Folder to write the site into (default: site/ in the program folder).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors, broken links between pages included.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems, no progress.")
@click.option("--only", type=_FamilyType(),
              help="Rebuild just one output family: its files replace its folder in the output (training: the"
              " training pack in training/), and the rest of the output stays as it was.")
@_guarded
def build_command(path: str, output: str | None, strict: bool, quiet: bool, only: str | None) -> None:
    """Build the handbook website, training pack, blank forms and calendar.

    PATH is a program.yaml or the folder holding one (default: the current folder). Everything
    is built beside the output folder and swapped in at the end: a build that fails or is
    interrupted leaves the previous output exactly as it was. The site works offline, from a
    folder or a zip, and loads nothing from other hosts. Documents whose inputs did not
    change are reused from .revmentor-cache/ beside the output.

    \b
    Examples:
      revmentor build
      revmentor build programs/finance -o public/finance --strict
      revmentor build --only training
    """
    with _reporter(quiet) as report:
        report.status("Checking program.yaml…")
        prepared = api.prepare_build(path, strict=strict, only=only)
        result = api.write_build(prepared, output, progress=report)
        _print_problems(result.warnings)


@cli.command()
@click.argument("path", default=".", type=click.Path(dir_okay=True, file_okay=True))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the browser once it is built.")
@_quiet
@_guarded
def serve(path: str, port: int, host: str, open_browser: bool, quiet: bool) -> None:
    """Preview the handbook in a browser, rebuilding it whenever a file changes.

    Watches program.yaml, content/, templates/ and mkdocs.yml, and open pages reload
    themselves after each rebuild. The preview is built in a temporary folder, never into
    site/, with site/'s render cache, so a serve after a build starts fast; a program with
    an error is reported and the last good version stays on show. The port is checked first.

    \b
    Examples:
      revmentor serve
      revmentor serve programs/finance --port 8001 --open
    """

    def report(error: ToolkitError) -> None:
        say(error.format(), err=True)

    api.serve(path, host=host, port=port, echo=_reporter(quiet), report=report, open_browser=open_browser)


@cli.command("match")
@click.argument("roster", type=click.Path())
@click.option("--program", "program_path", type=click.Path(),
              help="program.yaml, or the folder holding it (default: ./program.yaml if there, else the default"
              " matching settings).")
@click.option("--history", multiple=True, type=click.Path(), metavar="PAIRS_CSV",
              help="pairs.csv of an earlier round: its pairs are never made again. Repeat for each round.")
@click.option("--round", "round_number", type=click.IntRange(1, 99), metavar="N",
              help="The round this is, checked against --history (round N takes the pairs.csv of the N-1 rounds"
              " before it) and the program's rotation; its pair ids say it (R2-P001).")
@click.option("--sheet", help="Worksheet of an .xlsx roster (default: the first).")
@click.option("--applications", "applications", type=click.Path(), metavar="FILE",
              help="Applications export (CSV or XLSX: the application form's answers), joined to the roster by"
              " employee id or e-mail address: each applicant's role, topics and answers replace the roster's.")
@click.option("--header-row", type=click.IntRange(min=1), metavar="N",
              help="The roster's header row, as the spreadsheet numbers it (default: found among the first rows).")
@click.option("-o", "--output", type=click.Path(),
              help="Private folder for pairs.csv, pairs.xlsx and match-report.html (default: private/match in"
              " the program folder, private/match-round-N for round N, that is with N-1 --history files; never"
              " inside the site, nor where the roster or a history file is).")
@click.option("--strict", is_flag=True, help="Treat roster warnings (a manager id found nowhere) as errors.")
@_quiet
@_guarded
def match_command(roster: str, program_path: str | None, history: tuple[str, ...], round_number: int | None,
                  sheet: str | None, applications: str | None, header_row: int | None, output: str | None,
                  strict: bool, quiet: bool) -> None:
    """Pair mentors with mentees from a roster, with the reasons for every pair.

    ROSTER is a CSV (UTF-8, comma or semicolon separated) or XLSX export, one row per person;
    program.yaml's `matching` section names its columns and sets the rules. With
    --applications it may be a plain HR export (ids, names, e-mails, levels, managers,
    departments): the applications say who takes part, as what, and what they offer or want.
    Every pair keeps the hard rules; among those, the pairing makes the most pairs, then the
    best total score. Everyone left unmatched is listed with the reason. A bad roster or
    application is reported row by row and nothing is written.

    \b
    Examples:
      revmentor match roster.csv
      revmentor match hr-export.xlsx --sheet Participants --program programs/finance
      revmentor match roster.csv --history private/match/pairs.csv --round 2
      revmentor match hr-export.xlsx --applications applications.csv
    """
    loaded = api.find_program(program_path)
    if loaded is None and not quiet:
        say("No program.yaml here: using the default matching settings (see the README).", err=True)
    result = api.prepare_match(roster, loaded, history, sheet=sheet, strict=strict, round_number=round_number,
                               applications=applications, header_row=header_row)
    for note in [] if quiet else result.notes:
        say(note, err=True)
    _print_problems(result.warnings)
    written = api.write_match(result, output)
    _print_problems(written.warnings)
    out = _reporter(quiet)
    mentees = len(result.roster.mentees)
    mean = f"{result.total_score / len(result.pairs):.2f}" if result.pairs else "none"
    out(f"Paired {len(result.pairs)} of {mentees} mentee{'s' if mentees != 1 else ''} from"
               f" {result.roster.file}; mean score {mean} of a possible {result.max_score:g}.")
    if result.unmatched:
        out(f"Unmatched ({len(result.unmatched)}):")
        for item in result.unmatched[:10]:
            who = item.person
            out(f"  {who.role} {who.name or who.id} ({who.id}): {item.reason}")
        if len(result.unmatched) > 10:
            out(f"  ... and {len(result.unmatched) - 10} more: see match-report.html")
    if result.free_places_note:
        out(result.free_places_note)
    waiting = len(result.waiting_for_consent)
    if waiting:
        out(f"{waiting} pair{'s wait' if waiting != 1 else ' waits'} for the mentor's line manager to agree: see"
            " match-report.html.")
    names = ", ".join(Path(file).name for file in written.files)
    which = f" (round {result.round})" if result.round > 1 else ""
    out(f"Wrote {display_path(written.output)}{which}: {names}")


@cli.command("comms")
@click.argument("path", default=".", type=click.Path(dir_okay=True, file_okay=True))
@click.option("--pairs", "pairs_file", type=click.Path(),
              help="A pairs file (as `revmentor match` writes it): adds a draft per message and person, and their"
              " rows in the mail-merge file.")
@click.option("-o", "--output", type=click.Path(file_okay=True, dir_okay=True),
              help="Private folder for the files (default: private/comms in the program folder; never inside the"
              " site).")
@_quiet
@_guarded
def comms_command(path: str, pairs_file: str | None, output: str | None, quiet: bool) -> None:
    """Write the coordinator's send calendar, mail-merge file and message drafts.

    PATH is a program.yaml or the folder holding one (default: the current folder). From the
    program's communications plan: send-calendar.ics (an event and an alarm for every send),
    mail-merge.csv (for Outlook or Word mail merge, every placeholder filled in) and drafts/
    (an .eml draft of each message to a group: staff, line managers, the sponsor). Run it
    before there are pairs, for the invitation and the briefs; with --pairs, each pair's
    folder gets a ready-to-send draft of every message to each of the two. `revmentor forms`
    puts the same files in the pair packs.

    \b
    Examples:
      revmentor comms
      revmentor comms --pairs private/match/pairs.csv
    """
    result = api.write_comms(api.prepare_comms(path, pairs_file), output)
    _print_problems(result.warnings)
    out = _reporter(quiet)
    out(f"Wrote {display_path(result.output)}: {result.sends} send{'s' if result.sends != 1 else ''},"
        f" {result.files} file{'s' if result.files != 1 else ''}")


@cli.command("forms")
@click.argument("path", default=".", type=click.Path(dir_okay=True, file_okay=True))
@click.option("--pairs", "pairs_file", required=True, type=click.Path(),
              help="The pairs file (pairs.csv or .xlsx, as `revmentor match` writes it).")
@click.option("--round", "round_number", type=click.IntRange(1, 99), metavar="N",
              help="The round the pairs are of: its check-ins and dates go in the packs (default: the round"
              " their ids say, R2-P001, else 1); checked against the ids and the program's rotation.")
@click.option("-o", "--output", type=click.Path(file_okay=True, dir_okay=True),
              help="Private folder for the packs (default: private/packs in the program folder, private/packs-round-N"
              " for round N; never inside the site).")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems, no progress.")
@_guarded
def forms_command(path: str, pairs_file: str, round_number: int | None, output: str | None, quiet: bool) -> None:
    """Write a pack for every pair: their forms filled in, certificates and calendars.

    PATH is a program.yaml or the folder holding one (default: the current folder). Each
    pair's folder holds the mentoring agreement, the pair record of every check-in of the
    pair's round and a private pulse per side and check-in, with the pair's names and dates
    filled in (and each side's own goals, when the pairs file gives them), a certificate for
    each side with the names and planned hours, and a calendar (.ics) for each of the two:
    the round's check-ins and their own side's training. The pairs file is checked first:
    every bad row is listed and nothing is written. The output folder is replaced as a whole.
    Blank forms are in the handbook's downloads (`revmentor build`). With a communications
    plan, each pair's folder also holds an .eml draft of every message to each of the two, and
    communications/ the send calendar, the mail-merge file and drafts for groups.

    \b
    Examples:
      revmentor forms --pairs private/match/pairs.csv
      revmentor forms --pairs private/match-round-2/pairs.csv --round 2
      revmentor forms programs/finance --pairs pairs.xlsx -o private/finance-packs
    """
    with _reporter(quiet) as report:
        report.status("Checking program.yaml and the pairs file…")
        prepared = api.prepare_packs(path, pairs_file, round_number)
        result = api.write_packs(prepared, output, progress=report)
        _print_problems(result.warnings)


def _invited(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, int]:
    """`--invited mentor=12` as {"mentor": 12}; anything else is a usage error."""
    counts: dict[str, int] = {}
    for value in values:
        role, _, count = value.partition("=")
        if not role.strip() or not count.strip().isdigit():
            raise click.BadParameter(f"'{value}' is not ROLE=COUNT; write e.g. --invited mentor=12")
        counts[role.strip()] = int(count)
    return counts


@cli.command("report")
@click.argument("responses", nargs=-1, required=True, type=click.Path())
@click.option("--program", "program_path", default=".", show_default=True, type=click.Path(),
              help="program.yaml, or the folder holding it.")
@click.option("-o", "--output", type=click.Path(),
              help="Private folder to write report.html and report.pdf into (default: private/report in the"
              " program folder; never inside the site).")
@click.option("--invited", multiple=True, callback=_invited, metavar="ROLE=COUNT",
              help="How many of a role were invited, for response rates; repeat per role.")
@click.option("--no-pdf", is_flag=True, help="Write report.html only: fast, and no PDF library is loaded.")
@click.option("--strict", is_flag=True, help="Stop, writing nothing, if any response row had to be left out.")
@_quiet
@_guarded
def report_command(responses: tuple[str, ...], program_path: str, output: str | None, invited: dict[str, int],
                   no_pdf: bool, strict: bool, quiet: bool) -> None:
    """Write the evaluation report from survey responses: HTML and PDF.

    RESPONSES are CSV or XLSX files exported from your survey tool (or folders of them), one
    survey per file: name each after its survey (mentor-end.csv) or add a `survey` column.
    Columns: `respondent` (an opaque id), `role` (when a survey has several audiences) and
    one column per question id. Rows with a problem are listed by file and row, left out
    and counted; figures over fewer than feedback.min_group_size respondents are not shown.

    \b
    Examples:
      revmentor report responses/
      revmentor report mentor-end.csv mentee-end.xlsx --invited mentor=12 --invited mentee=12
      revmentor report responses/ --program programs/finance -o private/finance-report
    """
    with _reporter(quiet) as out:
        out.status("Reading the responses…")
        prepared = api.prepare_report(program_path, responses, invited, strict=strict)
        _print_problems(prepared.warnings)
        out.status("Writing the report…" if no_pdf else "Writing the report and its PDF…")
        written = api.write_report(prepared, output, pdf=not no_pdf)
        _print_problems(written.warnings)
        report = prepared.report
        left_out = report.left_out
        out(f"Wrote the report to {display_path(written.folder)}: {', '.join(written.files)}")
        out(f"  responses used: {report.used}; rows left out: {left_out}"
                   + (" (listed above)" if left_out else ""))
        for goal in report.goals:
            out(f"  {goal.goal.id}: {goal.status_text}")


class _DateType(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.2
    """A calendar date written YYYY-MM-DD, and nothing looser."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        self.fail(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2027-03-01", param, ctx)


class _PresetType(click.ParamType):  # type: ignore[type-arg]
    """The id of a packaged preset; an unknown one is a usage error that lists them all."""

    name = "NAME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        ids = [p.id for p in api.presets()]
        name = str(value).strip().lower().replace("_", "-").replace(" ", "-")
        if name in ids:
            return name
        close = difflib.get_close_matches(name, ids, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.fail(f"unknown preset '{value}'{hint}; choose one of {', '.join(ids)}", param, ctx)


def _organisation(value: str) -> str:
    """The organisation's name as the API accepts it; anything else is a usage error."""
    try:
        return api.organisation_name(value)
    except UsageError as error:
        raise click.BadParameter(error.format()) from None


def _check_organisation(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return None if value is None else _organisation(value)


def _check_folder(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    if value.exists() and not value.is_dir():
        raise click.BadParameter(f"'{value}' is a file; name a new folder, or an existing one, for the program")
    return value


def _interactive() -> bool:
    """Whether there is someone to ask: prompts need a terminal (CI has no stdin)."""
    return sys.stdin is not None and sys.stdin.isatty()


@cli.command("collect")
@click.argument("folders", nargs=-1, required=True, type=click.Path(), metavar="FOLDER...")
@click.option("--program", "program_path", default=".", show_default=True, type=click.Path(),
              help="program.yaml, or the folder holding it.")
@click.option("--as-of", "as_of", type=_DateType(), metavar="YYYY-MM-DD",
              help="The day progress is counted to: check-ins due, overdue pairs (default: today).")
@click.option("--pairs", "pairs_file", type=click.Path(),
              help="The pairs file the packs were made from (pairs.csv from `revmentor match`): every pair is"
              " counted, those that returned nothing included.")
@click.option("-o", "--output", type=click.Path(),
              help="Private folder for tracker.xlsx, progress.html and responses/ (default: private/collect in"
              " the program folder; never inside the site nor a folder read).")
@click.option("--strict", is_flag=True, help="Stop, writing nothing, if any file could not be used.")
@_quiet
@_guarded
def collect_command(folders: tuple[str, ...], program_path: str, as_of: Any, pairs_file: str | None,
                    output: str | None, strict: bool, quiet: bool) -> None:
    """Read the forms pairs returned and write the tracker, survey responses and a progress page.

    FOLDER... are the folders (and subfolders) where returned forms were saved, or the files
    themselves. Each PDF is known by the identity revmentor wrote into it (form, program,
    round, check-in, pair), never by its file name, and read by its fields: pair records,
    pulses, agreements and surveys. A meetings.csv (columns pair, checkin, date) adds
    meetings kept by hand. Files are never changed.

    Every file that cannot be used is listed with what to do: not one of this program's forms,
    another program's, printed, scanned or flattened ("needs entering by hand"), encrypted,
    damaged, or the same form twice (the later one wins). Writes tracker.xlsx, progress.html
    (check-ins held against planned, overdue pairs, pulses asking for contact, goal progress)
    and responses/<survey>.csv, ready for `revmentor report`.

    \b
    Examples:
      revmentor collect returned/
      revmentor collect inbox/ scans/ --as-of 2027-03-15 --pairs private/match/pairs.csv
      revmentor collect returned/ --program programs/finance -o private/finance-collect
    """
    prepared = api.prepare_collect(program_path, folders, as_of=as_of, strict=strict, pairs=pairs_file)
    _print_problems(prepared.warnings)
    written = api.write_collect(prepared, output)
    _print_problems(written.warnings)
    top = sorted({name.split("/", 1)[0] + ("/" if "/" in name else "") for name in written.files})
    out = _reporter(quiet)
    out(f"Wrote {', '.join(top)} to {display_path(written.folder)}")
    from .evaluation.collect import summary_lines

    for line in summary_lines(prepared.collected):
        out(line)


@cli.command()
@click.argument("folder", metavar="[DIR]", default=".", type=click.Path(path_type=Path), callback=_check_folder)
@click.option("--preset", type=_PresetType(), help="Start from an industry preset (see `revmentor presets`).")
@click.option("--organisation", "--organization", "organisation", callback=_check_organisation,
              help="Your organisation's name.")
@click.option("--start", type=_DateType(), help="The day week 1 begins. Default: a Monday at least 4 weeks away.")
@click.option("--no-input", is_flag=True, help="Ask nothing; use the defaults for anything not given.")
@_quiet
@_guarded
def init(folder: Path, preset: str | None, organisation: str | None, start: Any, no_input: bool, quiet: bool) -> None:
    """Create a program folder: program.yaml, content/, mkdocs.yml, schema.json and .gitignore.

    DIR is created if needed (default: the current folder). Without --preset the folder
    holds the flagship example program, your organisation named wherever it names its
    own. Whatever is not given on the command line is asked
    for at a terminal; with --no-input, or with no terminal, defaults are used. init never
    overwrites a file: if any file it would create exists, it names it and writes nothing.

    \b
    Examples:
      revmentor init
      revmentor init st-marys --preset healthcare --organisation "St Mary's Hospital"
      revmentor init programs/finance --preset finance --start 2027-03-01 --no-input
    """
    ask = not no_input and _interactive()
    if preset is None and ask:
        say("Presets: " + ", ".join(p.id for p in api.presets()) + " (see `revmentor presets`).")
        answer = click.prompt(
            "Preset (leave empty for the flagship example)", default="", show_default=False,
            value_proc=lambda text: _PresetType().convert(text, None, None) if text.strip() else "",
        )
        preset = answer or None
    if organisation is None and ask:
        organisation = click.prompt("Organisation", default=api.DEFAULT_ORGANISATION, value_proc=_organisation)
    if start is None and ask:
        fallback = api.default_start(dt.date.today())
        start = click.prompt("Start date", default=fallback.isoformat(), type=_DateType())
    prepared = api.prepare_init(folder, preset, organisation or api.DEFAULT_ORGANISATION, start)
    written = api.write_init(prepared)
    out = _reporter(quiet)
    organisation, start = prepared.organisation, prepared.start
    where = display_path(folder)
    source = f"the {preset} preset" if preset else "the flagship example"
    out(f"Created a program from {source} in {where}, for {organisation}, starting {api.long_date(start)}:")
    for path in written:
        out(f"  {display_path(path)}")
    out(
        f"Next: edit {display_path(folder / 'program.yaml')} (every page and form comes from it), then run\n"
        f"  revmentor validate {where}\n"
        f"  revmentor build {where}"
    )


@cli.command("presets")
@_guarded
def presets_command() -> None:
    """List the industry presets `revmentor init --preset NAME` starts from.

    Each is a complete program written for its field (goals and measures, roles, training
    modules, check-ins, challenges), meant to be edited rather than written from nothing.

    \b
    Examples:
      revmentor presets
      revmentor init my-program --preset nonprofit
    """
    listed = api.presets()
    width = max(len(p.id) for p in listed)
    for item in listed:
        say(f"{item.id.ljust(width)}  {item.line}")
    say("Without --preset, init copies the flagship example: a logistics company's six-month pilot.")


def main() -> None:
    """The CLI itself; the console script and `python -m toolkit` run it through toolkit.__main__,
    which first turns stop signals into a clean exit."""
    cli(prog_name="revmentor")
