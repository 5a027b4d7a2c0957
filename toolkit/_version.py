"""The toolkit's version: one place, read by the package, the CLI and the files it writes."""

__version__ = "0.1.0"
