"""MkDocs' theme templates kept compiled between builds, in the output's render cache.

MkDocs compiles the forty-odd Material templates on every build, a quarter of a second that a
cold build would otherwise pay each time. `ThemeTemplates` is a plugin object the site adapter
adds to its own MkDocs run (never to mkdocs.yml), so a bare `mkdocs build` of the same config
compiles as it always does.

Jinja keys a compiled template by its name and file and checks its source before use, but not
the environment, whose options are compiled in, and which evaluates a filter applied to a
constant at compile time. So each environment's templates go in a folder named by a digest of
its options, and a plugin or hook that adds a finalize function, an autoescape function, an
extension, a filter or a test of its own turns the cache off (`theme_fingerprint`). The check
runs as each template is loaded: a plugin may still change the environment after `on_env`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.tests import TESTS as DEFAULT_TESTS

from ..render.templating import TemplateCache

TRUSTED_MODULES = ("mkdocs", "material")
"""Besides Jinja's own, where the filters and tests of a theme environment whose compiled
templates may be kept come from: MkDocs' and Material's, which give the same result for the
same input."""
HOOKS = str(Path(__file__).with_name("hooks.py"))
"""The handbook's own hooks (MkDocs names a hook's module by its path): its `striptags` is as pure."""


def theme_fingerprint(env: Environment) -> str | None:
    """What the compiled code of `env`'s templates depends on, as a digest; None if that cannot
    be pinned down, and its templates must be compiled every time."""
    if env.finalize is not None or not isinstance(env.autoescape, bool):
        return None
    if any(not key.startswith("jinja2.") for key in env.extensions):
        return None
    functions = []
    for kind, table, defaults in (("filter", env.filters, DEFAULT_FILTERS), ("test", env.tests, DEFAULT_TESTS)):
        for name, function in sorted(table.items()):
            module = getattr(function, "__module__", None) or ""
            if defaults.get(name) is not function and module.partition(".")[0] not in TRUSTED_MODULES \
                    and module != HOOKS:
                return None
            functions.append((kind, name, module, getattr(function, "__qualname__", ""),
                              str(getattr(function, "jinja_pass_arg", ""))))
    options = (
        sorted(env.extensions), env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
        env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
        env.keep_trailing_newline, env.optimized, env.is_async, env.autoescape,
        getattr(env, "newstyle_gettext", None), sorted((key, repr(value)) for key, value in env.policies.items()),
        functions,
    )
    return hashlib.sha256(repr(options).encode()).hexdigest()[:16]


class _FingerprintedCache(BytecodeCache):
    """Compiled theme templates in `<folder>/theme-<fingerprint>/`, the environment checked at every load."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _cache(self, env: Environment) -> TemplateCache | None:
        fingerprint = theme_fingerprint(env)
        return None if fingerprint is None else TemplateCache(self.folder / f"theme-{fingerprint}")

    def load_bytecode(self, bucket: Any) -> None:
        cache = self._cache(bucket.environment)
        if cache is not None:
            cache.load_bytecode(bucket)

    def dump_bytecode(self, bucket: Any) -> None:
        cache = self._cache(bucket.environment)
        if cache is not None:
            cache.dump_bytecode(bucket)


class ThemeTemplates:
    """A MkDocs plugin object (events only) that gives the theme's environment the cache above."""

    def __init__(self, folder: Path) -> None:
        self.cache = _FingerprintedCache(folder)

    def on_env(self, env: Environment, **kwargs: Any) -> Environment:
        """MkDocs event: the theme's Jinja environment, before any page is rendered."""
        if theme_fingerprint(env) is not None:
            env.bytecode_cache = self.cache
        return env
