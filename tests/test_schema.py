"""`revmentor schema` is a valid JSON Schema that accepts the flagship and rejects broken files."""

from __future__ import annotations

import json

import jsonschema
import pytest

from toolkit.program.loader import load_yaml, parse_yaml
from toolkit.program.schema import program_schema, schema_json

from conftest import MINIMAL, REPO


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = program_schema()
    jsonschema.Draft202012Validator.check_schema(schema)  # valid against the meta-schema
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def editor_view(text: str) -> object:
    """What an editor's YAML language server sees: YAML 1.2 core types."""
    return parse_yaml(text, "p.yaml", core_schema=True).data


def test_schema_accepts_the_flagship_as_an_editor_reads_it(validator: jsonschema.Draft202012Validator) -> None:
    data = load_yaml(REPO / "program.yaml", core_schema=True).data
    assert list(validator.iter_errors(data)) == []


def test_schema_accepts_the_minimal_program(validator: jsonschema.Draft202012Validator) -> None:
    assert list(validator.iter_errors(editor_view(MINIMAL))) == []


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("target: 60", "target: high", ["goals", 0, "measures", 0, "target"]),
        ("  name: Bridge", "  nme: Bridge", ["program"]),  # a required key missing, an unknown one there
        ('start_time: "09:30"', 'start_time: "9.30"', ["training", 0, "start_time"]),
        ("minutes: 15}", "minutes: 0}", ["training", 0, "agenda", 0, "minutes"]),
        ("meeting_format: in-person", "meeting_format: online", ["program", "meeting_format"]),
        ("  - id: digital", "  - id: Digital", ["goals", 0, "id"]),
    ],
)
def test_schema_rejects_broken_programs(
    validator: jsonschema.Draft202012Validator, old: str, new: str, where: list[object]
) -> None:
    errors = list(validator.iter_errors(editor_view(MINIMAL.replace(old, new))))
    assert {tuple(error.absolute_path) for error in errors} == {tuple(where)}


def test_the_committed_schema_json_is_up_to_date() -> None:
    """The flagship's editor modeline points at schema.json; regenerate it with `revmentor schema`."""
    assert (REPO / "schema.json").read_text(encoding="utf-8") == schema_json() + "\n"
    assert (
        (REPO / "program.yaml")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=./schema.json\n")
    )


def test_every_field_has_a_description() -> None:
    for name, definition in program_schema()["$defs"].items():
        for key, prop in definition.get("properties", {}).items():
            assert prop.get("description"), f"{name}.{key} has no docstring"
    assert json.loads(schema_json())["description"]
