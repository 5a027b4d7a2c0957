"""The `revmentor` command: a thin click layer over the toolkit's Python API.

Exit codes: 0 success, 1 a problem in the user's files or data, 2 a usage error.
Commands import heavy libraries only when they run, so `--help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from . import __version__
from .errors import Problem, StrictWarnings, ToolkitError

F = TypeVar("F", bound=Callable[..., Any])


def _print_problems(problems: list[Problem] | tuple[Problem, ...]) -> None:
    for problem in problems:
        click.echo(problem.format(), err=True)


def _report_warnings(warnings: tuple[Problem, ...], strict: bool) -> None:
    """Print warnings; with --strict they stop the command."""
    _print_problems(warnings)
    if warnings and strict:
        raise StrictWarnings(
            Problem(
                "",
                f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} and --strict is set",
                "fix the warnings above, or run without --strict",
            )
        )


def _guarded(command: F) -> F:
    """Turn toolkit errors into their messages and exit 1; never show a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ToolkitError as error:
            click.echo(error.format(), err=True)
            count = len(error.problems)
            if count > 1:
                click.echo(f"{count} problems found.", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was changed.", err=True)
            sys.exit(130)

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
@_guarded
def validate(path: str, strict: bool) -> None:
    """Check program.yaml and summarise the program.

    PATH is a program.yaml or the folder holding one (default: the current folder).
    Every problem in the file is listed at once, each with its line, column and fix.

    \b
    Examples:
      revmentor validate
      revmentor validate programs/finance/program.yaml --strict
    """
    from .validate import display_path, load_program

    loaded = load_program(path)
    _report_warnings(loaded.warnings, strict)
    click.echo(summary(loaded.program, display_path(loaded.file)))


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
    from .schema import schema_json

    click.echo(schema_json(indent))


@cli.command("build")
@click.argument("path", default=".", type=click.Path(dir_okay=True, file_okay=True))
@click.option("-o", "--output", type=click.Path(file_okay=True, dir_okay=True),
              help="Folder to write the site into (default: site/ in the program folder).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors, broken links between pages included.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems, no progress.")
@_guarded
def build_command(path: str, output: str | None, strict: bool, quiet: bool) -> None:
    """Build the handbook website from program.yaml and content/.

    The site is built beside the output folder and swapped in at the end: a build that fails
    or is interrupted leaves the previous site exactly as it was. The site works offline, from
    a folder or a zip, and loads nothing from other hosts.

    \b
    Examples:
      revmentor build
      revmentor build programs/finance -o public/finance --strict
    """
    from .build import build

    result = build(path, output, strict=strict, quiet=quiet, progress=click.echo)
    _print_problems(result.warnings)


@cli.command()
@click.argument("path", default=".", type=click.Path(dir_okay=True, file_okay=True))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@_guarded
def serve(path: str, port: int, host: str) -> None:
    """Preview the handbook in a browser, rebuilding it whenever a file changes.

    Watches program.yaml, content/, templates/ and mkdocs.yml. The preview is built in a
    temporary folder, never into site/; a program with an error is reported and the last
    good version stays on show.

    \b
    Examples:
      revmentor serve
      revmentor serve programs/finance --port 8001
    """
    from .preview import serve as run

    def report(error: ToolkitError) -> None:
        click.echo(error.format(), err=True)

    run(path, host=host, port=port, echo=click.echo, report=report)


def main() -> None:
    """Entry point of the console script and `python -m toolkit`."""
    cli(prog_name="revmentor")
