"""What the theme would copy into every site though no page of this one uses it: left out.

Material ships source maps for its scripts and stylesheets (a browser fetches them only for its
developer tools) and search support for thirty-odd languages, of which the search worker loads
only those of the program's language. Together they were 39 % of the flagship's 5.6 MB site.
`ThemeFiles` is a plugin object the site adapter adds to its own MkDocs run (never to
mkdocs.yml): the theme's source maps are not copied, nor the search-language files the search
plugin's `lang` does not name, and the `sourceMappingURL` comments that pointed at the maps are
taken out. A file of the program's own (in content/ or the theme's custom_dir) is never touched.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

LUNR = "assets/javascripts/lunr/"
"""Where Material keeps the search languages; its worker loads from here what `lang` needs."""
_MAPPED = re.compile(r"^assets/(?:javascripts|stylesheets)/.+\.(?:js|css)$")
_MAP_COMMENT = re.compile(rb"\n?(?://# sourceMappingURL=[^\n]*\.map|/\*# sourceMappingURL=[^\n]*\.map\s*\*/)\s*$")


def search_files(languages: Sequence[str]) -> set[str]:
    """The files under lunr/ Material's search worker loads for these languages (its own rule:
    nothing for English alone; the stemmer support, each other language's file, the multi-language
    file for more than one; a word splitter for Japanese, Hindi and Thai)."""
    needed = {f"{LUNR}min/lunr.{language}.min.js" for language in languages if language != "en"}
    if "ja" in languages:
        needed.add(f"{LUNR}tinyseg.js")
    if {"hi", "th"} & set(languages):
        needed.add(f"{LUNR}wordcut.js")
    if len(languages) > 1:
        needed.add(f"{LUNR}min/lunr.multi.min.js")
    if needed:
        needed.add(f"{LUNR}min/lunr.stemmer.support.min.js")
    return needed


def _search_languages(config: Any) -> list[str] | None:
    """The search plugin's languages (set by its on_config), or None when there is no such plugin."""
    for plugin in config.plugins.values():
        if type(plugin).__name__ == "SearchPlugin":
            languages = plugin.config.get("lang") or ["en"]
            return [str(language) for language in languages]
    return None


class ThemeFiles:
    """A MkDocs plugin object (events only) that leaves out the theme's files no page uses."""

    def __init__(self) -> None:
        self.unmapped: list[str] = []

    def on_files(self, files: Any, *, config: Any) -> Any:
        """MkDocs event: drop the theme's source maps and unused search languages from the site."""
        own = [os.path.abspath(folder) for folder in (config.docs_dir, config.theme.custom_dir) if folder]
        languages = _search_languages(config)
        keep = search_files(languages) if languages is not None else None
        for file in list(files):
            source = os.path.abspath(file.abs_src_path or "")
            if any(os.path.commonpath([source, folder]) == folder for folder in own):
                continue
            uri = file.src_uri
            if uri.startswith("assets/") and uri.endswith(".map"):
                files.remove(file)
                if _MAPPED.match(uri.removesuffix(".map")):
                    self.unmapped.append(uri.removesuffix(".map"))
            elif keep is not None and uri.startswith(LUNR) and uri not in keep:
                files.remove(file)
        return files

    def on_post_build(self, *, config: Any) -> None:
        """MkDocs event: the comments that pointed at a left-out map are taken out of its file."""
        for uri in self.unmapped:
            path = Path(config.site_dir) / uri
            try:
                data = path.read_bytes()
            except OSError:
                continue
            trimmed = _MAP_COMMENT.sub(b"\n", data, count=1)
            if trimmed != data:
                path.write_bytes(trimmed)
