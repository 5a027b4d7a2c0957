"""The JSON Schema of program.yaml, generated from the models so that it cannot drift."""

from __future__ import annotations

import json
from typing import Any

from ..files.paths import data_dir, installed_from_wheel

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SHIPPED_SCHEMA = "schema.json"
"""The committed schema beside the packaged program.yaml (tests/test_schema.py keeps it equal to
`schema_json()`); `revmentor schema` and `init` print or copy it without importing pydantic."""


def program_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of program.yaml, descriptions taken from the docstrings."""
    from .model import Program  # pydantic and every model: only when the schema is made afresh

    schema = Program.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, "title": "program.yaml", **{k: v for k, v in schema.items() if k != "title"}}


def schema_json(indent: int = 2) -> str:
    """The schema as JSON text, keys in a stable order."""
    return json.dumps(program_schema(), indent=indent, ensure_ascii=False)


def shipped_schema_json(indent: int = 2) -> str:
    """`schema_json(indent)`, read from the wheel's schema.json when it is the default indent (a
    start-up of 0.1 s rather than 0.4 s); made afresh for any other indent, and always in a source
    checkout, whose schema.json may be stale or be the very file `revmentor schema > schema.json`
    has just emptied."""
    shipped = data_dir() / SHIPPED_SCHEMA
    if indent == 2 and installed_from_wheel() and shipped.is_file():
        return shipped.read_text(encoding="utf-8").removesuffix("\n")
    return schema_json(indent)
