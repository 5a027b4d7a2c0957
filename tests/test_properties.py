"""Random mutations of a program never produce a traceback: it validates (and builds), or gets located errors."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import ProgramError, ToolkitError, build, load_program
from toolkit.program.loader import load_yaml, parse_yaml

from conftest import MINIMAL, REPO

FLAGSHIP: dict[str, Any] = load_yaml(REPO / "program.yaml").data

REPLACEMENTS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(min_size=5_000, max_size=30_000, alphabet="ab\u00e9\u4e2d\U0001f600 <>{}%"),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
    st.integers(min_value=1, max_value=60).map(lambda depth: _nested(depth)),
)


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in the document, so a mutation can hit any of them."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, prefix + (index,))
    return found


PATHS = _paths(FLAGSHIP)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _mutate(data: dict[str, Any], path: tuple[Any, ...], action: str, replacement: Any) -> dict[str, Any]:
    mutated = copy.deepcopy(data)
    parent: Any = mutated
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "remove":
        del parent[last]
    elif action == "rename" and isinstance(parent, dict):
        parent[f"{last}x"] = parent.pop(last)
    else:
        parent[last] = replacement
    return mutated


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(["remove", "rename", "replace"]), REPLACEMENTS),
        min_size=1,
        max_size=3,
    )
)
def test_mutated_flagship_validates_or_gets_located_errors(tmp_path: Path, mutations: list[Any]) -> None:
    data = FLAGSHIP
    for path, action, replacement in mutations:
        try:
            data = _mutate(data, path, action, replacement)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or retyped this path
    folder = tmp_path / "program"
    folder.mkdir(exist_ok=True)
    (folder / "content").mkdir(exist_ok=True)
    (folder / "program.yaml").write_text(yaml.dump(data, Dumper=DUMPER, allow_unicode=True), encoding="utf-8")
    try:
        load_program(folder)
    except ProgramError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file.endswith("program.yaml")
            assert problem.message and problem.fix
            assert problem.line is not None and problem.column is not None, problem


SMALL: dict[str, Any] = parse_yaml(MINIMAL, "program.yaml").data


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(_paths(SMALL)), st.sampled_from(["remove", "replace"]), REPLACEMENTS),
        min_size=0,  # the unmutated program is an example too: it must build
        max_size=2,
    )
)
def test_mutated_program_builds_or_gets_located_errors(tmp_path_factory: pytest.TempPathFactory, mutations: list[Any]) -> None:
    """The whole build, not only validation: site, training pack, forms and calendar."""
    data = SMALL
    for path, action, replacement in mutations:
        try:
            data = _mutate(data, path, action, replacement)
        except (KeyError, IndexError, TypeError):
            continue
    folder = tmp_path_factory.mktemp("program")
    (folder / "program.yaml").write_text(yaml.dump(data, Dumper=DUMPER, allow_unicode=True), encoding="utf-8")
    try:
        result = build(folder, folder.parent / f"{folder.name}-site")
        assert (result.output / "index.html").is_file()
    except ToolkitError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.message and problem.fix and problem.file, error.format()
            if isinstance(error, ProgramError):  # a problem in program.yaml: always at a line and column
                assert problem.line is not None and problem.column is not None, problem
