"""Laying the forms out: each blank form once, with WeasyPrint's PDF forms, then made tidy for fillers.

Why this shape:
- Each form is an HTML template under `templates/forms/` laid out by the shared PDF stack
  (render/pdf.py) with WeasyPrint's PDF forms: inputs become fields named by their `name` and
  labelled for screen readers by their `title` (/TU), in reading order (which is also the
  tab order of a tagged PDF). Blank forms go into the handbook's downloads.
- Laying out a form costs about half a second, so a pair pack never lays out a page: it fills
  the blank (filling.py).
- WeasyPrint files every radio button as a field of its own that also sits under its group,
  which makes `progress.progress` appear in pypdf and confuses fillers. `finish_form` makes the
  buttons plain widgets of their group and gives the group a label naming every choice.
WeasyPrint and pikepdf are imported inside the functions that use them.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..._version import __version__
from ...errors import BuildError, Problem
from ...evaluation.identity import INFO_KEY, form_identity
from ...program.model import Program
from ...program.validate import LoadedProgram
from ...render.artifact import Artifact, PlannedFile, Rendered
from ...render.cache import RenderCache
from ...render.i18n import translator
from ...render.pdf import PdfRenderer
from ..family import OutputFamily
from .fonts import FontSubsets, in_field_characters, shrink_field_fonts
from .plan import APPLICATION, FOLDER, GROUP_APPLYING, FormPlan, form_context, plan_forms
from .questions import FILE as QUESTIONS_FILE
from .questions import application_text

_KEY_VERSION = "forms-3"
"""Bump when `finish_form` changes what it does to a laid-out form: cached forms are then made again."""
_SEPARATOR = " | "
"""Splits a radio button's title into its question and its choice (see forms/macros.html.j2)."""
_READ_ONLY = 1


@dataclass
class FormSet:
    """Blank forms made for a program: the site's downloads and the forms pair packs fill."""

    blanks: dict[str, bytes] = field(default_factory=dict)
    """Form name -> the blank PDF."""
    plans: list[FormPlan] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    """Names laid out by WeasyPrint in this run."""
    reused: list[str] = field(default_factory=list)
    """Names taken unchanged from the render cache."""
    keys: dict[str, str] = field(default_factory=dict)
    """Form name -> its render-cache key."""

    def artifacts(self) -> list[Artifact]:
        """The blank forms the site offers, in plan order."""
        return [Artifact(plan.path, self.blanks[plan.name]) for plan in self.plans
                if plan.in_site and plan.name in self.blanks]


def make_forms(
    loaded: LoadedProgram,
    cache: RenderCache | None = None,
    *,
    include: Callable[[FormPlan], bool] = lambda plan: True,
    characters: str = "",
    round_number: int | None = None,
) -> FormSet:
    """Lay out the program's forms (those `include` selects), reusing cached ones whose inputs are unchanged;
    with `round_number`, a round's forms for its pair packs (plan.py's `plan_forms`).

    The fields' font keeps FIELD_CHARACTERS and any of `characters` (the names a pack will
    fill in) that it has. Raises BuildError with every problem of every form.
    """
    program = loaded.program
    renderer = PdfRenderer(loaded.folder, program.program.paper_size,
                           templates=cache.templates if cache is not None else None, language=program.program.language)
    common = form_context(program, round_number)
    subsets = FontSubsets()
    made = FormSet()
    problems: list[Problem] = []
    extra = "".join(sorted({char for char in characters if not in_field_characters(ord(char))}))
    for plan in plan_forms(program, round_number):
        if not include(plan):
            continue
        made.plans.append(plan)
        try:
            html = renderer.html(plan.template, {**common, **plan.context})
        except BuildError as error:  # both certificates share a template: say its problem once
            problems.extend(problem for problem in error.problems if problem not in problems)
            continue
        identity = form_identity(program, plan.name, round_number).text()
        key = _key(renderer.key(html, forms=True), plan,
                   extra + "\0" + identity + "\0" + translator(program.program.language).digest)
        made.keys[plan.name] = key
        found = cache.get(key) if cache is not None else None
        if found is not None:
            made.blanks[plan.name] = found.data
            made.warnings.extend(found.warnings)
            made.reused.append(plan.name)
            continue
        try:
            rendered = renderer.render(plan.path, html, forms=True)
        except BuildError as error:
            problems.extend(error.problems)
            continue
        try:
            data = finish_form(rendered.data, read_only=plan.read_only, centred=plan.centred, characters=extra,
                               subsets=subsets, identity=identity, language=program.program.language)
        except Exception as error:  # pikepdf or fontTools failing on an overridden template's output
            problems.append(Problem(plan.path, f"the laid-out form cannot be made fillable ({type(error).__name__}:"
                                    f" {error})", f"check the program folder's own {plan.template}, if it has one;"
                                    " otherwise report this as a bug in the toolkit"))
            continue
        if cache is not None:
            cache.put(key, data, rendered.reads, rendered.warnings)
        made.blanks[plan.name] = data
        made.warnings.extend(rendered.warnings)
        made.rendered.append(plan.name)
    if problems:
        raise BuildError(problems)
    return made


def _key(layout_key: str, plan: FormPlan, characters: str) -> str:
    digest = hashlib.sha256()
    for part in (_KEY_VERSION, __version__, layout_key, ",".join(sorted(plan.read_only)), ",".join(sorted(plan.centred)),
                 characters):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def finish_form(data: bytes, *, read_only: frozenset[str] = frozenset(), centred: frozenset[str] = frozenset(),
                characters: str = "", subsets: FontSubsets | None = None, identity: str = "",
                language: str = "en") -> bytes:
    """Tidy a form as WeasyPrint wrote it: radio buttons as widgets of their group, labels, flags;
    and write its `identity` (evaluation/identity.py) into its document information, for `collect`.
    The labels are written in `language` (the program's).

    Each radio button's title is "question | n of N | choice" (forms/macros.html.j2): the group
    is labelled with the question and its choices, each button with the question and its choice.
    """
    import pikepdf

    t = translator(language)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        form = pdf.Root.AcroForm
        kids: set[tuple[int, int]] = set()
        for group in form.Fields:
            if "/Kids" not in group:
                continue
            question, choices = "", []
            for kid in group.Kids:
                kids.add(kid.objgen)
                parts = str(kid.get("/TU", "")).split(_SEPARATOR)
                if len(parts) >= 3:
                    question, place, choice = _SEPARATOR.join(parts[:-2]), parts[-2], parts[-1]
                    kid.TU = pikepdf.String(t._("%(question)s: %(choice)s (%(place)s)", question=question,
                                                choice=choice, place=place))
                    choices.append(choice)
                for key in ("/T", "/FT"):
                    if key in kid:
                        del kid[key]
            if question:
                group.TU = pikepdf.String(t._("%(question)s (choose one: %(choices)s)", question=question,
                                              choices=", ".join(choices)))
        form.Fields = pikepdf.Array([f for f in form.Fields if f.objgen not in kids])
        for item in form.Fields:
            name = str(item.get("/T", ""))
            if name in read_only:
                item.Ff = int(item.get("/Ff", 0)) | _READ_ONLY
            if name in centred:
                item.Q = 1
        form.NeedAppearances = True
        shrink_field_fonts(pdf, subsets or FontSubsets(), characters)
        if identity:
            pdf.docinfo[INFO_KEY] = pikepdf.String(identity)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


class FormsFamily(OutputFamily):
    """The blank forms the handbook offers: the agreement, every check-in and every survey."""

    name = FOLDER
    label = "Blank forms"
    libraries = ("weasyprint", "pydyf", "fonttools", "pikepdf", "jinja2")
    version = _KEY_VERSION
    parts = True  # each document on its own: parallel.py may split them between processes

    def inputs(self, loaded: LoadedProgram) -> tuple[str, ...]:
        return (translator(loaded.program.program.language).digest,)  # the words come from the catalogue

    def plan(self, program: Program) -> list[PlannedFile]:
        planned = [PlannedFile(plan.path, plan.title, plan.group, plan.description, "form", plan.name)
                   for plan in plan_forms(program) if plan.in_site]
        if program.application is not None:  # beside the blank application form: its questions for a survey tool
            planned.append(PlannedFile(f"{FOLDER}/{QUESTIONS_FILE}", "Application questions, for a survey tool",
                                       GROUP_APPLYING, "the same questions and choices as plain text, with the column"
                                       " name each answer needs", "questions", APPLICATION))
        return planned

    def render(self, loaded: LoadedProgram, planned: Sequence[PlannedFile], cache: RenderCache | None) -> Rendered:
        names = {item.topic for item in planned if item.part == "form"}
        made = make_forms(loaded, cache, include=lambda plan: plan.name in names)
        paths = {plan.name: plan.path for plan in made.plans}
        texts = {item.path: application_text(loaded.program).encode("utf-8") for item in planned
                 if item.part == "questions"}
        return Rendered([Artifact(item.path, texts[item.path] if item.path in texts else made.blanks[item.topic])
                         for item in planned], made.warnings,
                        [paths[name] for name in made.rendered] + list(texts), [paths[name] for name in made.reused],
                        {paths[name]: key for name, key in made.keys.items()})
