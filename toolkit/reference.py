"""The README's program.yaml and CLI references, generated so that they cannot drift.

`python -m toolkit.reference` rewrites the marked sections of README.md; a test fails when
they are out of date.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from .cli import cli
from .program.model import Program


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(arg) for arg in args if arg is not type(None)]
        return " or ".join(names)
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if origin is typing.Literal:
        return " \\| ".join(f"`{arg}`" for arg in args)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return {
        "str": "text",
        "int": "whole number",
        "float": "number",
        "bool": "true/false",
        "date": "date (YYYY-MM-DD)",
        "time": "time (HH:MM)",
    }.get(getattr(annotation, "__name__", ""), str(annotation))


def _models(model: type[BaseModel], seen: list[type[BaseModel]]) -> list[type[BaseModel]]:
    """Every model reachable from `model`, in the order a reader meets them."""
    if model in seen:
        return seen
    seen.append(model)
    for info in model.model_fields.values():
        for inner in _inner_models(info.annotation):
            _models(inner, seen)
    return seen


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _inner_models(arg)]


def program_reference() -> str:
    """One table per section of program.yaml: key, type, required or default, description."""
    parts = []
    for model in _models(Program, []):
        rows = ["| key | type | required / default | description |", "|---|---|---|---|"]
        for name, info in model.model_fields.items():
            if info.is_required():
                need = "required"
            else:
                default = info.get_default(call_default_factory=True)
                need = "—" if default in (None, ()) or isinstance(default, BaseModel) else f"`{_plain(default)}`"
            description = (info.description or "").replace("|", "\\|").replace("\n", " ")
            rows.append(f"| `{name}` | {_type_name(info.annotation)} | {need} | {description} |")
        doc = (model.__doc__ or "").strip().splitlines()[0]
        parts.append(f"#### {model.__name__}\n\n{doc}\n\n" + "\n".join(rows))
    return "\n\n".join(parts)


def _plain(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def cli_reference() -> str:
    """`revmentor COMMAND --help` for every command, as the user sees it."""
    parts = []
    context = click.Context(cli, info_name="revmentor", **{**cli.context_settings, "terminal_width": 100})
    parts.append("```text\n$ revmentor --help\n" + cli.get_help(context) + "\n```")
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert command is not None
        sub = click.Context(command, info_name=name, parent=context)
        parts.append(f"```text\n$ revmentor {name} --help\n" + command.get_help(sub) + "\n```")
    return "\n\n".join(parts)


def render_readme(text: str) -> str:
    """README text with every generated section brought up to date."""
    markers: dict[str, Callable[[], str]] = {"program-reference": program_reference, "cli-reference": cli_reference}
    for marker, generate in markers.items():
        begin, end = f"<!-- begin {marker} -->", f"<!-- end {marker} -->"
        if begin not in text or end not in text:
            continue
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{generate()}\n{end}{tail}"
    return text


def main() -> None:
    """Rewrite README.md's generated sections in place."""
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    readme.write_text(render_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
