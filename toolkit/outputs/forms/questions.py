"""The application form's questions as plain text, to set up the same form in a survey tool.

Why plain text: it is pasted, question by question, into Microsoft Forms, Google Forms or any
other survey tool, and read by the coordinator who does it; a PDF or a page would only be in the
way. Each question carries the column name its export must have (or keeps its text as the
column's heading: `revmentor match --applications` finds a column by either), its kind and its
choices, so the export joins to the roster without editing. It holds no personal data, so the
handbook's downloads offer it beside the blank form (forms/application-questions.txt).
"""

from __future__ import annotations

import textwrap

from ...pairing.applications import Question, application_questions
from ...program.model import Program

FILE = "application-questions.txt"
"""Its name beside the blank forms."""
_WIDTH = 96
_KINDS = {
    "text": "short text",
    "one": "one choice",
    "several": "several choices (an export lists them separated by semicolons or commas)",
    "tick": "one choice: Yes or No",
    "scale": "one choice on the scale",
}


def application_text(program: Program) -> str:
    """The questions, in the form's order, grouped by who answers them, with the scoring of the self-assessment."""
    questions = application_questions(program)
    application = program.application
    if application is None:
        return ""
    info, terms = program.program, program.program.terminology
    title = f"{info.name}: the application form's questions, for a survey tool"
    lines = [title, "=" * len(title), ""]
    lines += _wrap(
        "Ask these questions in this order, with these choices. Give each question's column in the export the"
        " name shown in [brackets], or keep the question's words as its heading: `revmentor match --applications`"
        " finds a column by either. Export the answers as CSV or Excel (.xlsx), with the time each was submitted"
        " if the tool records it: of two applications from one person, the later is used."
        " The blank PDF form (application.pdf) asks the same questions, in fields of the same names.")
    role = next(q for q in questions if q.column == "role")
    number = 0
    for side, heading in (("", "Everyone"), ("mentor", f"Those who apply as {terms.mentor}"),
                          ("mentee", f"Those who apply as {terms.mentee}")):
        asked = [q for q in questions if q.side == side]
        if not asked:
            continue
        lines += ["", heading, "-" * len(heading)]
        if side:
            words = dict(role.choices)[side]
            lines += _wrap(f"(In a survey tool: a section shown only when \"{role.text}\" is answered \"{words}\".)")
        statements = [q for q in asked if q.kind == "scale"]
        for question in asked:
            if question.kind == "scale" and question is not statements[0]:
                continue
            if question.kind == "scale":
                lines += [""] + _scale(statements, number)
                number += len(statements)
                continue
            number += 1
            lines += [""] + _question(number, question)
    assessment = application.self_assessment
    if assessment is not None:
        heading = "How the self-assessment is scored"
        lines += ["", heading, "-" * len(heading)]
        lines += _wrap("Each statement points to one style. A mentor's style is the one whose statements they rated"
                       " highest on average (several when tied); a pair whose mentor has the style the mentee asked"
                       " for scores matching.weights.style more.")
        by_style = {style.id: [item.id for item in assessment.items if item.style == style.id]
                    for style in assessment.styles}
        for style in assessment.styles:
            statements_of = ", ".join(f"[{item}]" for item in by_style[style.id]) or "no statement"
            lines += [""] + _wrap(f"{style.name}: {style.description} Statements: {statements_of}.", "  ")
    return "\n".join(lines) + "\n"


def _question(number: int, question: Question) -> list[str]:
    head = f"{number}. {question.text}  [{question.column}]" + ("  (required)" if question.required else "")
    lines = _wrap(head, "", "   ")
    kind = _KINDS[question.kind]
    lines += _wrap(kind[0].upper() + kind[1:] + (f". {question.hint}" if question.hint else "."), "   ", "   ")
    lines += [f"   - {words}" for _, words in question.choices]
    return lines


def _scale(statements: list[Question], before: int) -> list[str]:
    """The self-assessment's statements: one question each, or rows of one grid, on one scale."""
    scale = ", ".join(f"{words} ({value})" for value, words in statements[0].choices)
    lines = _wrap(f"Statements {before + 1} to {before + len(statements)}: each is one choice on the scale {scale}"
                  " (a grid or Likert question, one row per statement; an export may hold the words or the"
                  " numbers).", "", "   ")
    for offset, question in enumerate(statements, start=1):
        lines += _wrap(f"{before + offset}. {question.text}  [{question.column}]", "   ", "      ")
    return lines


def _wrap(text: str, first: str = "", rest: str | None = None) -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent=first, subsequent_indent=first if rest is None else rest,
                         break_on_hyphens=False, break_long_words=False) or [""]
