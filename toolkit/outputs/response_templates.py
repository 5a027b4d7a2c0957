"""Empty response files, one per survey, for the coordinator to fill from their survey tool.

A private family: the files are written into `private/response-templates/` of the program
folder, never into the site, since filled-in copies hold what participants said. Each file is
named after its survey and has the header `revmentor report` reads (evaluation/responses.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..evaluation.responses import template_header
from ..files.tables import csv_bytes
from ..program.model import Program
from ..program.validate import LoadedProgram
from ..render.artifact import Artifact, PlannedFile, Rendered
from ..render.cache import RenderCache
from .family import OutputFamily


def response_templates(program: Program) -> dict[str, bytes]:
    """An empty response file per survey, `<survey-id>.csv`: its name ties it to its survey.

    Written by the shared table writer: UTF-8 with BOM and CRLF, as Excel opens it, every
    cell made safe against formulas.
    """
    return {f"{survey.id}.csv": csv_bytes(template_header(survey), []) for survey in program.feedback.surveys}


class ResponseTemplatesFamily(OutputFamily):
    """One empty `<survey-id>.csv` per survey, for `revmentor report`."""

    name = "response-templates"
    label = "Response templates"
    destination = "private"

    def plan(self, program: Program) -> list[PlannedFile]:
        return [PlannedFile(f"{survey.id}.csv", f"{survey.title}: responses", part="responses", topic=survey.id)
                for survey in program.feedback.surveys]

    def count(self, files: int) -> str:
        return f"{files} survey{'s' if files != 1 else ''}"

    def render(self, loaded: LoadedProgram, planned: Sequence[PlannedFile], cache: RenderCache | None) -> Rendered:
        files = response_templates(loaded.program)
        return Rendered([Artifact(item.path, files[item.path]) for item in planned],
                        rendered=[item.path for item in planned])
