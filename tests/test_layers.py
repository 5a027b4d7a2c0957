"""The package's layers: each folder one layer, imports only downward, no import circle.

The map is the README's (Developing): cli -> the API facade (toolkit/__init__.py) -> pipeline
and preview -> site, outputs and scaffold -> pairing and evaluation -> render -> program ->
files -> errors. Every import counts, at module level, inside a function or for type checking.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "toolkit"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("toolkit.__main__", "toolkit.reference"),
    ("toolkit.cli",),
    ("toolkit",),
    ("toolkit.pipeline", "toolkit.preview"),
    ("toolkit.site", "toolkit.outputs", "toolkit.scaffold"),
    ("toolkit.pairing", "toolkit.evaluation"),
    ("toolkit.render",),
    ("toolkit.program",),
    ("toolkit.files", "toolkit.progress"),
    ("toolkit.errors", "toolkit._version"),
)
"""Top to bottom. A package (toolkit.outputs) stands for every module inside it."""

SIDEWAYS = {
    ("toolkit.preview", "toolkit.pipeline"),  # serve rebuilds with build
    ("toolkit.evaluation", "toolkit.pairing"),  # collect counts every pair of the pairs file
}
"""Imports between two units of one layer, each for a reason given here."""


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def unit(module: str) -> str:
    """The layer entry a module belongs to: its package in LAYERS, or itself."""
    for layer in LAYERS:
        for entry in layer:
            if module == entry or (entry != "toolkit" and module.startswith(entry + ".")):
                return entry
    raise AssertionError(f"{module} is in no layer: add it to LAYERS (and to the README's map)")


def depth(module: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if unit(module) in layer)


def imports(module: str, source: str | None = None) -> Iterator[tuple[str, int]]:
    """(imported toolkit module, line) for every import in a module (or in `source` as if it were
    that module), resolved to module names."""
    path = MODULES.get(module, PACKAGE / "missing.py")
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name in MODULES and name != module:
                yield name, node.lineno


def upward_imports(module: str, source: str | None = None) -> list[str]:
    """Imports of a module that run sideways or up, each as `file:line: module imports module`."""
    found = []
    for imported, line in imports(module, source):
        here, there = unit(module), unit(imported)
        if here == there or (here, there) in SIDEWAYS:
            continue
        if depth(imported) <= depth(module):
            found.append(f"{MODULES[module].relative_to(REPO)}:{line}: {module} imports {imported}")
    return found


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        unit(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_downward_only(module: str) -> None:
    assert upward_imports(module) == []


def test_no_import_circle() -> None:
    graph = {module: sorted({name for name, _ in imports(module)}) for module in MODULES}
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for imported in graph[module]:
            if state.get(imported) == 1:
                circles.append([*path[path.index(imported):], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_checker_sees_an_upward_or_sideways_import() -> None:
    """The rule can fail: an import up from files/, sideways from site/ to outputs/, or a lazy one."""
    lazy = "def f():\n    from ..render.cache import RenderCache\n"
    assert upward_imports("toolkit.files.output", lazy) == [
        "toolkit/files/output.py:2: toolkit.files.output imports toolkit.render.cache"]
    assert upward_imports("toolkit.site.pages", "from ..outputs import training\n") == [
        "toolkit/site/pages.py:1: toolkit.site.pages imports toolkit.outputs",
        "toolkit/site/pages.py:1: toolkit.site.pages imports toolkit.outputs.training"]
    assert upward_imports("toolkit.outputs.forms.packs", "from ...pairing.pairs import Pair\n") == []
