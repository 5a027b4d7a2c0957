"""The JSON Schema of program.yaml, generated from the models so that it cannot drift."""

from __future__ import annotations

import json
from typing import Any

from .model import Program

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def program_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of program.yaml, descriptions taken from the docstrings."""
    schema = Program.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, "title": "program.yaml", **{k: v for k, v in schema.items() if k != "title"}}


def schema_json(indent: int = 2) -> str:
    """The schema as JSON text, keys in a stable order."""
    return json.dumps(program_schema(), indent=indent, ensure_ascii=False)
