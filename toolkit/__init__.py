"""Reverse-mentoring program toolkit: program.yaml in, handbook, training pack, forms and pairs out.

The public Python API, one shape for every command: `prepare_X` reads and checks its inputs and
writes nothing; `write_X` writes, into the default private folder unless told otherwise, and
says nothing unless given a `progress` callback. Every error is a `ToolkitError` whose
`problems` are located messages with their fix.

This facade is lazy: importing `toolkit` loads none of its modules, so `revmentor --help` starts
in a blink; each name loads its module on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .errors import (
        BuildError,
        OutputFolderError,
        PairsError,
        Problem,
        ProgramError,
        ResponsesError,
        RosterError,
        StrictWarnings,
        ToolkitError,
        UsageError,
    )
    from .evaluation.collect import PreparedCollect, WrittenCollect, prepare_collect, write_collect
    from .evaluation.report import PreparedReport, WrittenReport, prepare_report, write_report
    from .outputs.comms import CommsResult, PreparedComms, prepare_comms, write_comms
    from .outputs.forms.packs import PacksResult, PreparedPacks, prepare_packs, write_packs
    from .pairing.matching import MatchResult, find_program, prepare_match
    from .pairing.pairs import Pair, read_history, read_pairs
    from .pairing.report import WrittenMatch, write_match
    from .pipeline import BuildResult, PreparedBuild, build, family_names, prepare_build, write_build
    from .preview import serve
    from .program.schema import program_schema, schema_json, shipped_schema_json
    from .program.validate import LoadedProgram, load_program
    from .scaffold.init import (
        DEFAULT_ORGANISATION,
        PreparedInit,
        default_start,
        long_date,
        organisation_name,
        prepare_init,
        presets,
        write_init,
    )

_LAZY = {
    "BuildResult": "pipeline", "PreparedBuild": "pipeline", "build": "pipeline", "family_names": "pipeline",
    "prepare_build": "pipeline", "write_build": "pipeline",
    "BuildError": "errors", "OutputFolderError": "errors", "PairsError": "errors", "Problem": "errors",
    "ProgramError": "errors", "ResponsesError": "errors", "RosterError": "errors", "StrictWarnings": "errors",
    "ToolkitError": "errors", "UsageError": "errors",
    "PreparedCollect": "evaluation.collect", "WrittenCollect": "evaluation.collect",
    "prepare_collect": "evaluation.collect", "write_collect": "evaluation.collect",
    "PreparedReport": "evaluation.report", "WrittenReport": "evaluation.report",
    "prepare_report": "evaluation.report", "write_report": "evaluation.report",
    "CommsResult": "outputs.comms", "PreparedComms": "outputs.comms", "prepare_comms": "outputs.comms",
    "write_comms": "outputs.comms",
    "PacksResult": "outputs.forms.packs", "PreparedPacks": "outputs.forms.packs",
    "prepare_packs": "outputs.forms.packs", "write_packs": "outputs.forms.packs",
    "MatchResult": "pairing.matching", "find_program": "pairing.matching", "prepare_match": "pairing.matching",
    "Pair": "pairing.pairs", "read_history": "pairing.pairs", "read_pairs": "pairing.pairs",
    "WrittenMatch": "pairing.report", "write_match": "pairing.report",
    "serve": "preview",
    "program_schema": "program.schema", "schema_json": "program.schema",
    "shipped_schema_json": "program.schema",
    "LoadedProgram": "program.validate", "load_program": "program.validate",
    "DEFAULT_ORGANISATION": "scaffold.init", "PreparedInit": "scaffold.init", "default_start": "scaffold.init",
    "long_date": "scaffold.init", "organisation_name": "scaffold.init", "prepare_init": "scaffold.init",
    "presets": "scaffold.init", "write_init": "scaffold.init",
}  # fmt: skip
"""Public name -> the module (under toolkit) that defines it."""

__all__ = [
    "DEFAULT_ORGANISATION",
    "BuildError",
    "BuildResult",
    "CommsResult",
    "LoadedProgram",
    "MatchResult",
    "OutputFolderError",
    "PacksResult",
    "Pair",
    "PairsError",
    "PreparedBuild",
    "PreparedCollect",
    "PreparedComms",
    "PreparedInit",
    "PreparedPacks",
    "PreparedReport",
    "Problem",
    "ProgramError",
    "ResponsesError",
    "RosterError",
    "StrictWarnings",
    "ToolkitError",
    "UsageError",
    "WrittenCollect",
    "WrittenMatch",
    "WrittenReport",
    "__version__",
    "build",
    "default_start",
    "family_names",
    "find_program",
    "load_program",
    "long_date",
    "organisation_name",
    "prepare_build",
    "prepare_collect",
    "prepare_comms",
    "prepare_init",
    "prepare_match",
    "prepare_packs",
    "prepare_report",
    "presets",
    "program_schema",
    "read_history",
    "read_pairs",
    "schema_json",
    "serve",
    "shipped_schema_json",
    "write_build",
    "write_collect",
    "write_comms",
    "write_init",
    "write_match",
    "write_packs",
    "write_report",
]


def __getattr__(name: str) -> Any:
    """Load a public name's module on first use (numpy, scipy, WeasyPrint, MkDocs load only with theirs)."""
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
