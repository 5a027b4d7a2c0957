"""Rendering, shared by every output: the Jinja environment factory, the PDF stack, the render cache, artifacts, text helpers."""
