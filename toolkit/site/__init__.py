"""The handbook site: its pages (pages.py), the MkDocs adapter (mkdocs.py) and what MkDocs runs (hooks.py, theme_cache.py)."""
