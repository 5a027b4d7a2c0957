"""Fillable forms and pair packs: every check-in, the agreement, the surveys and the certificate.

Why this shape:
- Each form is an HTML template under `templates/forms/` laid out by the shared PDF stack
  (pdf.py) with WeasyPrint's PDF forms: inputs become fields named by their `name` and
  labelled for screen readers by their `title` (/TU), in reading order (which is also the
  tab order of a tagged PDF). Blank forms go into the handbook's downloads.
- Laying out a form costs about half a second, so a pair pack never lays out a page: each
  blank form is laid out once, and a pair's copy is the blank's bytes followed by a PDF
  incremental update that holds only the filled-in fields (what Acrobat appends when it saves
  a form). Saving the whole document again per pair with pikepdf ran at about 140 forms per
  CPU second, since every copy rewrites some 560 objects; the update runs at thousands.
  NeedAppearances makes readers draw the values in the form's own embedded font.
- WeasyPrint embeds the whole font of a field (380 KB for DejaVu Sans) so anything can be
  typed; `_shrink_field_fonts` keeps the glyphs on the pages plus Latin, Greek and Cyrillic,
  which cuts a form from about 450 KB to 140 KB and changes no pixel.
- WeasyPrint files every radio button as a field of its own that also sits under its group,
  which makes `progress.progress` appear in pypdf and confuses fillers. `finish_form` makes the
  buttons plain widgets of their group and gives the group a label naming every choice.
- A pairs file is checked as a whole before anything is made: every bad row is reported by
  its row number and nothing is written. Packs hold names, so they go to a private folder
  that may not lie inside the handbook site, and are written through output.py (staged,
  then swapped in).
WeasyPrint, pikepdf and fontTools are imported inside the functions that use them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import io
import json
import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .artifact import Artifact
from .errors import BuildError, OutputFolderError, PairsError, Problem

if TYPE_CHECKING:
    from .cache import RenderCache
    from .model import CheckinSession, Goal, Program
    from .validate import LoadedProgram

FOLDER = "forms"
"""Where the blank forms go inside the site."""
CALENDAR_FOLDER = "calendar"
"""Where the program's calendar goes inside the site."""
PACKS_FOLDER = "private/packs"
"""Default output of pair packs, inside the program folder (which `init` keeps out of git)."""

KIND_FORMS = "Check-in forms"
KIND_SURVEYS = "Surveys"
KIND_CALENDAR = "Calendar"

PROGRESS = ("Not started", "Started", "Making progress", "Nearly there", "Achieved")
"""The progress scale of a goal on a check-in form, lowest first."""
MIN_GOAL_SLOTS = 3
"""Goal rows on a form at least; a program with more goals gets a row for each."""
ACTION_ROWS = 5
"""Rows of the agreed-actions table."""

_KEY_VERSION = "forms-2"
"""Bump when `finish_form` changes what it does to a laid-out form: cached forms are then made again."""
_SEPARATOR = " | "
"""Splits a radio button's title into its question and its choice (see forms/macros.html.j2)."""
_READ_ONLY = 1
_PAIR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --- what the forms are -------------------------------------------------------------------


@dataclass(frozen=True)
class FormPlan:
    """One form to lay out: its name, template and what the template receives."""

    name: str
    """File name without .pdf, e.g. "checkin-3"; also names the form in pair packs."""
    template: str
    title: str
    """How the downloads page names it."""
    kind: str
    description: str
    context: dict[str, Any] = field(compare=False, repr=False)
    in_site: bool = True
    """Whether the blank form is offered in the handbook's downloads."""
    in_pack: bool = False
    """Whether every pair pack has a filled copy."""
    read_only: frozenset[str] = frozenset()
    """Fields a reader cannot change (the certificate's names)."""
    centred: frozenset[str] = frozenset()
    """Fields whose text is centred."""

    @property
    def path(self) -> str:
        """Where the blank form goes inside the site."""
        return f"{FOLDER}/{self.name}.pdf"


@dataclass(frozen=True)
class Checkin:
    """A scheduled check-in, as its form shows it."""

    number: int
    count: int
    week: int
    date: dt.date
    time: dt.time
    minutes: int
    session: CheckinSession


def goal_slots(program: Program) -> int:
    """Goal rows on a check-in form: enough for every goal of the program, and never fewer than three."""
    return max(MIN_GOAL_SLOTS, len(program.goals))


def for_mentee(goal: Goal) -> bool:
    """Whether the agreement lists a goal on the mentee's side: it benefits mentees, or no participant."""
    return "mentees" in goal.benefits or "mentors" not in goal.benefits


def for_mentor(goal: Goal) -> bool:
    """Whether the agreement lists a goal on the mentor's side: it benefits mentors."""
    return "mentors" in goal.benefits


def agreement_slots(program: Program) -> tuple[int, int]:
    """Goal rows on the agreement, mentee's side and mentor's: one per goal that can land there, three at least."""
    return (max(MIN_GOAL_SLOTS, sum(for_mentee(goal) for goal in program.goals)),
            max(MIN_GOAL_SLOTS, sum(for_mentor(goal) for goal in program.goals)))


def checkins(program: Program) -> list[Checkin]:
    """Every scheduled check-in with its number, planned date and time."""
    dates = program.checkin_dates()
    if program.checkins is None:
        return []
    settings = program.checkins
    return [
        Checkin(number, len(dates), week, date, settings.time, settings.minutes, session)
        for number, (week, date, session) in enumerate(dates, start=1)
    ]


def plan_forms(program: Program) -> list[FormPlan]:
    """The forms of a program, in the order the downloads page lists them. Pure: it reads nothing."""
    forms = [
        FormPlan("agreement", "forms/agreement.html.j2", "Mentoring agreement", KIND_FORMS,
                 "fillable PDF: goals on both sides, meeting rhythm, ground rules, confidentiality",
                 {"checkins": checkins(program)}, in_pack=True),
    ]
    for checkin in checkins(program):
        forms.append(FormPlan(
            f"checkin-{checkin.number}", "forms/checkin.html.j2",
            f"Check-in {checkin.number} of {checkin.count}: {checkin.session.title}", KIND_FORMS,
            f"fillable PDF for week {checkin.week}: goals, agenda, reflection, agreed actions",
            {"checkin": checkin}, in_pack=True,
        ))
    questions = {question.id: question for question in program.feedback.questions}
    scales = {scale.id: scale for scale in program.feedback.scales}
    for survey in program.feedback.surveys:
        asked = [questions[qid] for qid in survey.questions if qid in questions]
        forms.append(FormPlan(
            f"survey-{survey.id}", "forms/survey.html.j2", survey.title, KIND_SURVEYS,
            f"fillable PDF survey for week {survey.week}",
            {"survey": survey, "questions": asked, "scales": scales,
             "audience": [program.role(role_id) for role_id in survey.audience]},
        ))
    forms.append(FormPlan(
        "certificate", "forms/certificate.html.j2", "Certificate of appreciation", KIND_FORMS,
        "for the mentor, with the names filled in", {}, in_site=False, in_pack=True,
        read_only=frozenset({"mentor_name", "mentee_name"}), centred=frozenset({"mentor_name", "mentee_name"}),
    ))
    return forms


def _context(program: Program) -> dict[str, Any]:
    """What every form template receives."""
    from .handbook import format_date, format_minutes

    info = program.program
    where = {
        "in-person": "in person",
        "remote": f"remote ({info.video_tool})" if info.video_tool else "remote",
        "hybrid": f"in person or remote ({info.video_tool})" if info.video_tool else "in person or remote",
    }[info.meeting_format]
    end = program.week_start(info.duration_weeks) + dt.timedelta(days=6)
    return {
        "program": program,
        "info": info,
        "terms": info.terminology,
        "date": format_date,
        "duration": format_minutes,
        "clock": lambda time: time.strftime("%H:%M"),
        "where": where,
        "end_date": end,
        "progress": PROGRESS,
        "goal_slots": goal_slots(program),
        "mentee_goal_slots": agreement_slots(program)[0],
        "mentor_goal_slots": agreement_slots(program)[1],
        "action_rows": ACTION_ROWS,
        "min_group_size": program.feedback.min_group_size,
    }


# --- laying the forms out -----------------------------------------------------------------


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
        return [Artifact(plan.path, self.blanks[plan.name], plan.title, plan.kind, plan.description)
                for plan in self.plans if plan.in_site and plan.name in self.blanks]


def make_forms(
    loaded: LoadedProgram,
    cache: RenderCache | None = None,
    *,
    include: Callable[[FormPlan], bool] = lambda plan: True,
    characters: str = "",
) -> FormSet:
    """Lay out the program's forms (those `include` selects), reusing cached ones whose inputs are unchanged.

    The fields' font keeps FIELD_CHARACTERS and any of `characters` (the names a pack will
    fill in) that it has. Raises BuildError with every problem of every form.
    """
    from .pdf import PdfRenderer

    program = loaded.program
    renderer = PdfRenderer(loaded.folder, program.program.paper_size)
    common = _context(program)
    made = FormSet()
    problems: list[Problem] = []
    extra = "".join(sorted({char for char in characters if not _in_field_characters(ord(char))}))
    for plan in plan_forms(program):
        if not include(plan):
            continue
        made.plans.append(plan)
        try:
            html = renderer.html(plan.template, {**common, **plan.context})
        except BuildError as error:
            problems.extend(error.problems)
            continue
        key = _key(renderer.key(html, forms=True), plan, extra)
        made.keys[plan.name] = key
        found = _lookup(cache, key)
        if found is not None:
            made.blanks[plan.name] = found[0]
            made.warnings.extend(found[1])
            made.reused.append(plan.name)
            continue
        try:
            rendered = renderer.render(plan.path, html, forms=True)
        except BuildError as error:
            problems.extend(error.problems)
            continue
        try:
            data = finish_form(rendered.data, read_only=plan.read_only, centred=plan.centred, characters=extra)
        except Exception as error:  # pikepdf or fontTools failing on an overridden template's output
            problems.append(Problem(plan.path, f"the laid-out form cannot be made fillable ({type(error).__name__}:"
                                    f" {error})", f"check the program folder's own {plan.template}, if it has one;"
                                    " otherwise report this as a bug in the toolkit"))
            continue
        if cache is not None:
            cache.put(key, data, rendered.reads, rendered.warnings)
        _remember(key, data, rendered.reads, rendered.warnings)
        made.blanks[plan.name] = data
        made.warnings.extend(rendered.warnings)
        made.rendered.append(plan.name)
    if problems:
        raise BuildError(problems)
    if cache is not None:
        cache.prune()
    return made


_MEMORY: OrderedDict[str, tuple[bytes, dict[str, str], tuple[Problem, ...]]] = OrderedDict()
_MEMORY_SIZE = 64
"""Finished forms kept in memory by key, for the rebuilds of `serve` and many builds in one process."""


def _lookup(cache: RenderCache | None, key: str) -> tuple[bytes, tuple[Problem, ...]] | None:
    """A finished form from the render cache, or from memory (then also put in the cache)."""
    hit = cache.get(key) if cache is not None else None
    if hit is not None:
        return hit.data, hit.warnings
    entry = _MEMORY.get(key)
    if entry is None:
        return None
    data, reads, warnings = entry
    for path, digest in reads.items():
        try:
            if hashlib.sha256(Path(path).read_bytes()).hexdigest() != digest:
                return None
        except OSError:
            return None
    _MEMORY.move_to_end(key)
    if cache is not None:
        cache.put(key, data, reads, warnings)
    return data, warnings


def _remember(key: str, data: bytes, reads: dict[str, str], warnings: tuple[Problem, ...]) -> None:
    _MEMORY[key] = (data, dict(reads), warnings)
    while len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)


def _key(layout_key: str, plan: FormPlan, characters: str) -> str:
    digest = hashlib.sha256()
    for part in (_KEY_VERSION, __version__, layout_key, ",".join(sorted(plan.read_only)), ",".join(sorted(plan.centred)),
                 characters):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def finish_form(data: bytes, *, read_only: frozenset[str] = frozenset(), centred: frozenset[str] = frozenset(),
                characters: str = "") -> bytes:
    """Tidy a form as WeasyPrint wrote it: radio buttons as widgets of their group, labels, flags.

    Each radio button's title is "question | n of N | choice" (forms/macros.html.j2): the group
    is labelled with the question and its choices, each button with the question and its choice.
    """
    import pikepdf

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
                    kid.TU = pikepdf.String(f"{question}: {choice} ({place})")
                    choices.append(choice)
                for key in ("/T", "/FT"):
                    if key in kid:
                        del kid[key]
            if question:
                group.TU = pikepdf.String(f"{question} (choose one: {', '.join(choices)})")
        form.Fields = pikepdf.Array([f for f in form.Fields if f.objgen not in kids])
        for item in form.Fields:
            name = str(item.get("/T", ""))
            if name in read_only:
                item.Ff = int(item.get("/Ff", 0)) | _READ_ONLY
            if name in centred:
                item.Q = 1
        form.NeedAppearances = True
        _shrink_field_fonts(pdf, characters)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


FIELD_CHARACTERS = (
    (0x0020, 0x007E), (0x00A0, 0x036F), (0x0370, 0x03FF), (0x0400, 0x052F), (0x1E00, 0x1EFF),
    (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0xFB00, 0xFB06),
)
"""What a field's font keeps beyond the glyphs printed on the page: Latin (with Vietnamese),
Greek and Cyrillic letters, combining accents, punctuation, currency and letter-like symbols."""


def _shrink_field_fonts(pdf: Any, characters: str = "") -> None:
    """Embed only the characters a field will hold, not the whole font.

    WeasyPrint embeds every glyph of a field's font (DejaVu Sans: 6,253 glyphs, about 380 KB
    compressed) so that anything can be typed. Keeping the glyphs printed on the pages,
    FIELD_CHARACTERS and `characters` (a pack's names in other scripts), at their original
    glyph ids, makes every form about 300 KB smaller, and changes no pixel of the page.
    """
    for font, file in _field_fonts(pdf):
        if file is None:
            continue
        data = _subset_font(bytes(file.read_bytes()), frozenset(_glyphs_shown(pdf, font)),
                            frozenset(ord(char) for char in characters))
        if data is not None:
            file.write(data)
            file.Length1 = len(data)


def _field_fonts(pdf: Any) -> Iterator[tuple[Any, Any]]:
    """(font, its embedded TrueType stream or None) for every font a field's /DA names."""
    form = pdf.Root.AcroForm
    resources = form.get("/DR")
    fonts = resources.get("/Font") if resources is not None else None
    if fonts is None:
        return
    names = {match for item in _all_fields(form)
             for match in re.findall(r"/([^\s/]+)\s+[\d.]+\s+Tf", str(item.get("/DA", "")))}
    for name in sorted(names):
        font = fonts.get("/" + name)
        if font is None:
            continue
        descriptor = font.DescendantFonts[0].get("/FontDescriptor") if "/DescendantFonts" in font else None
        yield font, descriptor.get("/FontFile2") if descriptor is not None else None


def _all_fields(form: Any) -> Iterator[Any]:
    stack = list(form.get("/Fields", []))
    while stack:
        item = stack.pop()
        yield item
        stack.extend(item.get("/Kids", []))


def _glyphs_shown(pdf: Any, font: Any) -> set[int]:
    """Glyph ids a two-byte (Identity-H) font shows in the pages' text, their form XObjects included."""
    import pikepdf

    shown: set[int] = set()
    seen: set[tuple[int, int]] = set()

    def visit(content: Any, resources: Any) -> None:
        fonts = resources.get("/Font", {}) if resources is not None else {}
        names = {str(key) for key, value in fonts.items() if value.objgen == font.objgen}
        current = ""
        for instruction in pikepdf.parse_content_stream(content):
            operands, op = instruction.operands, str(instruction.operator)
            if op == "Tf":
                current = str(operands[0])
            elif op in ("Tj", "TJ", "'", '"') and current in names:
                items = operands[0] if op == "TJ" else [operands[-1]]
                for item in items:
                    if isinstance(item, pikepdf.String):
                        raw = bytes(item)
                        shown.update(int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2))
            elif op == "Do":
                xobject = resources.get("/XObject", {}).get(str(operands[0])) if resources is not None else None
                if xobject is not None and xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                    seen.add(xobject.objgen)
                    visit(xobject, xobject.get("/Resources", resources))

    for page in pdf.pages:
        visit(page.obj, page.obj.get("/Resources"))
    return shown


_SUBSETS: dict[tuple[str, frozenset[int], frozenset[int]], bytes | None] = {}
_FONTS: dict[str, tuple[dict[int, int], int] | None] = {}
"""Font digest -> (character code -> glyph id, glyph count), or None for a font fontTools cannot read."""


def _subset_font(data: bytes, shown: frozenset[int], extra: frozenset[int] = frozenset()) -> bytes | None:
    """The font with only FIELD_CHARACTERS, the `extra` codes and the `shown` glyphs, at the same glyph ids.

    None if the font cannot be read. Remembered per font and glyph set, so the forms of one
    build share one subset whenever their pages show nothing outside FIELD_CHARACTERS.
    """
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont, TTLibError  # type: ignore[import-untyped]

    digest = hashlib.sha256(data).hexdigest()
    if digest not in _FONTS:
        try:
            font = TTFont(io.BytesIO(data))
            best = font.getBestCmap() or {}
            index = {glyph: gid for gid, glyph in enumerate(font.getGlyphOrder())}
        except (TTLibError, OSError, ValueError, KeyError, AssertionError):
            _FONTS[digest] = None
        else:
            _FONTS[digest] = ({code: index[glyph] for code, glyph in best.items() if glyph in index}, len(index))
    known = _FONTS[digest]
    if known is None:
        return None
    cmap, count = known
    codes = sorted(code for code in cmap if _in_field_characters(code) or code in extra)
    kept = {cmap[code] for code in codes}
    more = frozenset(gid for gid in shown if gid not in kept and gid < count)
    key = (digest, frozenset(codes) if extra else frozenset(), more)
    if key not in _SUBSETS:
        options = subset.Options()
        options.retain_gids = True
        options.hinting = False
        options.notdef_outline = True
        options.layout_features = []
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        options.drop_tables += ["DSIG", "FFTM", "MATH", "GSUB", "GPOS", "GDEF", "kern"]
        subsetter = subset.Subsetter(options)
        out = io.BytesIO()
        try:
            with _quiet_fonttools():
                font = TTFont(io.BytesIO(data))
                subsetter.populate(unicodes=codes, gids=sorted(more))
                subsetter.subset(font)
                font.save(out)
        except (TTLibError, OSError, ValueError, KeyError, AssertionError):
            _SUBSETS[key] = None
        else:
            _SUBSETS[key] = out.getvalue()
    return _SUBSETS[key]


def field_characters(data: bytes) -> frozenset[str] | None:
    """The characters every field font of a finished form can show; None if a font cannot be read."""
    import pikepdf
    from fontTools.ttLib import TTFont, TTLibError

    found: frozenset[str] | None = None
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for _, file in _field_fonts(pdf):
            if file is None:
                return None
            try:
                cmap = TTFont(io.BytesIO(bytes(file.read_bytes()))).getBestCmap() or {}
            except (TTLibError, OSError, ValueError, KeyError, AssertionError):
                return None
            codes = frozenset(chr(code) for code in cmap)
            found = codes if found is None else found & codes
    return found


def _in_field_characters(code: int) -> bool:
    return any(low <= code <= high for low, high in FIELD_CHARACTERS)


@contextlib.contextmanager
def _quiet_fonttools() -> Iterator[None]:
    """fontTools logs each table it drops as a warning: nothing a user needs to see."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def form_fields(data: bytes) -> dict[str, str]:
    """Field name -> label (/TU) of a finished form, in the order of the form's fields."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {str(f.T): str(f.get("/TU", "")) for f in pdf.Root.AcroForm.Fields if "/T" in f}


# --- the site's files ---------------------------------------------------------------------


def calendar_path(program: Program) -> str:
    """Where the program's calendar goes inside the site, e.g. calendar/crosswise.ics."""
    slug = re.sub(r"[^a-z0-9]+", "-", program.program.name.lower()).strip("-") or "program"
    return f"{CALENDAR_FOLDER}/{slug}.ics"


def program_stamp(loaded: LoadedProgram) -> dt.datetime:
    """When the program last changed: the calendar's DTSTAMP, so the same file gives the same bytes."""
    try:
        return dt.datetime.fromtimestamp(loaded.file.stat().st_mtime, dt.UTC)
    except OSError:
        return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def calendar_artifact(loaded: LoadedProgram, data: bytes | None = None) -> Artifact:
    """The program's calendar (.ics) for the downloads page: every check-in and training session
    (`data`: the calendar already made, from the render cache)."""
    from .ics import program_calendar

    program = loaded.program
    if data is None:
        data = program_calendar(program, program_stamp(loaded))
    return Artifact(calendar_path(program), data, f"{program.program.name} calendar", KIND_CALENDAR,
                    "every check-in and training session, to import into Outlook, Google or Apple Calendar;"
                    " importing it again updates the events")


def site_artifacts(loaded: LoadedProgram, cache: RenderCache | None = None) -> tuple[list[Artifact], list[Problem]]:
    """The blank forms and the program's calendar for the handbook site, and warnings from making them.

    With a cache and no input changed since the last build, everything comes from the cache
    without rendering a template: a rebuild of an unchanged program costs almost nothing here.
    """
    from .cache import inputs_digest

    index_key = ""
    if cache is not None:
        stamp = program_stamp(loaded).isoformat()
        index_key = inputs_digest(loaded, f"site-forms-{_KEY_VERSION}-{stamp}", _LIBRARIES)
        unchanged = _unchanged_site_artifacts(loaded, cache, index_key)
        if unchanged is not None:
            cache.prune()
            return unchanged
    made = make_forms(loaded, cache, include=lambda plan: plan.in_site)
    calendar = calendar_artifact(loaded)
    if cache is not None:
        calendar_key = hashlib.sha256(f"{index_key}-calendar".encode()).hexdigest()
        cache.put(calendar_key, calendar.data, {})
        index = {"forms": made.keys, "calendar": calendar_key}
        cache.put(index_key, json.dumps(index, sort_keys=True).encode("utf-8"), {})
    return [*made.artifacts(), calendar], made.warnings


_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "pikepdf", "icalendar", "jinja2")
"""Libraries whose version changes the blank forms or the calendar."""


def _unchanged_site_artifacts(
    loaded: LoadedProgram, cache: RenderCache, index_key: str
) -> tuple[list[Artifact], list[Problem]] | None:
    """The site's forms and calendar from the cache when no input changed and every file is still there."""
    index = cache.get(index_key)
    if index is None:
        return None
    try:
        entry = json.loads(index.data)
        keys, calendar_key = dict(entry["forms"]), str(entry["calendar"])
    except (ValueError, KeyError, TypeError):
        return None
    made = FormSet(plans=[plan for plan in plan_forms(loaded.program) if plan.in_site])
    for plan in made.plans:
        hit = cache.get(keys[plan.name]) if plan.name in keys else None
        if hit is None:
            return None
        made.blanks[plan.name] = hit.data
        made.warnings.extend(hit.warnings)
        made.reused.append(plan.name)
    calendar = cache.get(calendar_key)
    if calendar is None:
        return None
    return [*made.artifacts(), calendar_artifact(loaded, calendar.data)], made.warnings


# --- pairs files --------------------------------------------------------------------------

PAIRS_COLUMNS = ("pair_id", "mentor_id", "mentor_name", "mentor_email", "mentee_id", "mentee_name", "mentee_email",
                 "score", "reasons")
"""Columns of pairs.csv as `revmentor match` writes it."""
REQUIRED_COLUMNS = ("pair_id", "mentor_name", "mentee_name")
"""Columns pair packs need; the others may be missing, and extra columns are ignored."""
GOALS_COLUMN = "goals"
"""Optional column: the pair's goals as program goal ids separated by semicolons."""


@dataclass(frozen=True)
class Pair:
    """One row of a pairs file: who is paired with whom, and the goals they work on."""

    row: int
    """The row number a spreadsheet shows (the header is row 1)."""
    pair_id: str
    mentor_name: str
    mentee_name: str
    goals: tuple[str, ...]
    """Ids of the program goals the pair works on."""
    mentor_id: str = ""
    mentee_id: str = ""


def default_goals(program: Program) -> tuple[str, ...]:
    """A pair's goals when the pairs file names none: every goal that benefits mentors or mentees."""
    personal = tuple(goal.id for goal in program.goals if {"mentors", "mentees"} & set(goal.benefits))
    return personal or tuple(goal.id for goal in program.goals)


def read_pairs(path: str | os.PathLike[str], program: Program) -> tuple[Pair, ...]:
    """Read and check a pairs file (CSV or XLSX) against the program.

    Raises PairsError listing every problem, each with its row number and fix.
    """
    from .errors import RosterError
    from .tables import read_table

    try:
        table = read_table(path, what="pairs file")
    except RosterError as failure:
        raise PairsError(failure.problems) from None
    columns = {name.strip().casefold(): index for index, name in reversed(list(enumerate(table.header))) if name}
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        found = ", ".join(f"'{name}'" for name in table.header if name) or "none"
        raise PairsError(Problem(
            table.file, f"row 1: missing column{plural} {', '.join(repr(name) for name in missing)};"
            f" the columns found are: {found}",
            "use the pairs file `revmentor match` writes, or give it the columns " + ", ".join(REQUIRED_COLUMNS)
            + " (see the README's section on pair packs)", 1))
    if not table.rows:
        raise PairsError(Problem(table.file, "has a header row but no pairs", "add one row per pair below the header",
                                 1))
    known = [goal.id for goal in program.goals]
    fallback = default_goals(program)
    problems: list[Problem] = []
    pairs: list[Pair] = []
    first_row: dict[str, int] = {}

    def error(row: int, message: str, fix: str) -> None:
        problems.append(Problem(table.file, f"row {row}: {message}", fix, row))

    for row, cells in table.rows:
        def cell(name: str, cells: tuple[str, ...] = cells) -> str:
            index = columns.get(name)
            return " ".join(cells[index].split()) if index is not None else ""

        pair_id = cell("pair_id")
        if not pair_id:
            error(row, "pair_id is empty", "give every pair an id such as P001, or delete the row")
        elif not _PAIR_ID.match(pair_id):
            error(row, f"pair_id '{_shown(pair_id)}' cannot name a folder",
                  "use letters, digits, '-', '_' and '.' only, starting with a letter or digit, at most 60"
                  " characters (e.g. P001)")
        elif pair_id.casefold() in first_row:
            error(row, f"pair_id '{pair_id}' is already used on row {first_row[pair_id.casefold()]}",
                  "give every pair its own id; remove or merge the repeated row")
        else:
            first_row[pair_id.casefold()] = row
        names = {}
        for column in ("mentor_name", "mentee_name"):
            name = cell(column)
            if not name:
                error(row, f"{column} is empty", f"write the {column.split('_')[0]}'s name, or delete the row")
            elif len(name) > 200:
                error(row, f"{column} is {len(name)} characters long", "shorten it to at most 200 characters")
            elif _CONTROL.search(name):
                error(row, f"{column} '{_shown(name)}' holds a control character", "retype the name: it may have"
                      " been pasted with an invisible character")
            names[column] = name
        goals: list[str] = []
        goals_text = cell(GOALS_COLUMN)
        for goal_id in (part.strip() for part in re.split(r"[;,]", goals_text)):
            if not goal_id:
                continue
            if goal_id not in known:
                close = difflib.get_close_matches(goal_id, known, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'? " if close else ""
                error(row, f"goals: unknown goal '{_shown(goal_id)}'",
                      f"{hint}use the ids of program.yaml's goals, separated by semicolons: {', '.join(known)}")
            elif goal_id not in goals:
                goals.append(goal_id)
        pairs.append(Pair(row, pair_id, names["mentor_name"], names["mentee_name"],
                          tuple(goals) if goals_text else fallback, cell("mentor_id"), cell("mentee_id")))
    if problems:
        raise PairsError(problems)
    return tuple(pairs)


def _shown(text: str) -> str:
    """A user's value quoted back to them: control characters made visible, length capped."""
    text = _CONTROL.sub(lambda match: f"\\x{ord(match.group(0)):02x}", text)
    return text if len(text) <= 60 else text[:57] + "..."


# --- filling --------------------------------------------------------------------------------


class FormFiller:
    """A blank form read once; each `fill` returns a copy with text fields filled in.

    A copy is the blank's bytes followed by a PDF incremental update (ISO 32000-1, 7.5.6):
    the filled fields' objects with their new values, and a cross-reference section pointing
    at them. Nothing of the blank is parsed or written again, so a fill costs microseconds
    and the copy is the blank plus a kilobyte or two. Every PDF reader applies such updates
    (it is how Acrobat saves a filled form); NeedAppearances, set by `finish_form`, makes
    readers draw the values.
    """

    def __init__(self, blank: bytes) -> None:
        import pikepdf

        self._blank = blank if blank.endswith(b"\n") else blank + b"\n"
        starts = re.findall(rb"startxref\s+(\d+)", blank[-1024:])
        if not starts:
            raise ValueError("not a PDF: no startxref")
        self._previous = int(starts[-1])
        self._xref_stream = not blank[self._previous:self._previous + 4].startswith(b"xref")
        self._fields: dict[str, tuple[int, int, bytes]] = {}
        extra: list[tuple[int, int, bytes]] = []
        with pikepdf.open(io.BytesIO(blank)) as pdf:
            trailer = pdf.trailer
            self._size = int(trailer.Size)
            self._trailer = b" /Root %d %d R" % trailer.Root.objgen
            if "/Info" in trailer and trailer.Info.is_indirect:
                self._trailer += b" /Info %d %d R" % trailer.Info.objgen
            ids = trailer.get("/ID")
            self._first_id = bytes(ids[0]) if ids is not None and len(ids) == 2 else hashlib.md5(blank).digest()  # noqa: S324 - an id, not security
            form = pdf.Root.AcroForm
            for item in form.Fields:
                if "/T" in item and item.is_indirect and item.get("/FT") == "/Tx":
                    self._fields[str(item.T)] = (*item.objgen, _without(item, "/V"))
            if not bool(form.get("/NeedAppearances", False)):
                holder = form if form.is_indirect else pdf.Root
                if holder is form:
                    body = _without(form, "/NeedAppearances") + b" /NeedAppearances true >>"
                else:
                    inner = pikepdf.Dictionary({**dict(form.items()), "/NeedAppearances": True})
                    body = _without(pdf.Root, "/AcroForm") + b" /AcroForm " + bytes(inner.unparse(resolved=True)) + b" >>"
                extra.append((*holder.objgen, body))
        self._extra = extra

    @property
    def fields(self) -> list[str]:
        """Names of the text fields `fill` can set."""
        return list(self._fields)

    def fill(self, values: Mapping[str, str]) -> bytes:
        """The form with these text fields filled in; names the form does not have are ignored."""
        objects = list(self._extra)
        for name, value in values.items():
            found = self._fields.get(name)
            if found is not None:
                number, generation, head = found
                objects.append((number, generation, head + b" /V " + pdf_string(value) + b" >>"))
        return self._blank + self._update(sorted(objects))

    def _update(self, objects: list[tuple[int, int, bytes]]) -> bytes:
        """An incremental update section holding `objects` (number, generation, body)."""
        out = bytearray()
        base = len(self._blank)
        entries: list[tuple[int, int, int]] = []
        for number, generation, body in objects:
            entries.append((number, base + len(out), generation))
            out += b"%d %d obj\n%s\nendobj\n" % (number, generation, body)
        last_id = hashlib.md5(bytes(out)).digest()  # noqa: S324 - an id, not security
        ids = b"[<%s> <%s>]" % (self._first_id.hex().encode(), last_id.hex().encode())
        xref_at = base + len(out)
        if self._xref_stream:
            number = self._size
            entries.append((number, xref_at, 0))
            entries.sort()
            rows = b"".join(b"\x01" + offset.to_bytes(4, "big") + generation.to_bytes(2, "big")
                            for _, offset, generation in entries)
            index = b" ".join(b"%d 1" % entry[0] for entry in entries)
            out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s]%s /ID %s /Prev %d /Length %d >>\n"
                    b"stream\n%s\nendstream\nendobj\n" % (number, number + 1, index, self._trailer, ids,
                                                           self._previous, len(rows), rows))
        else:
            entries.sort()
            out += b"xref\n" + b"".join(b"%d 1\n%010d %05d n \n" % (number, offset, generation)
                                         for number, offset, generation in entries)
            size = max(self._size, entries[-1][0] + 1) if entries else self._size
            out += b"trailer\n<< /Size %d%s /ID %s /Prev %d >>\n" % (size, self._trailer, ids, self._previous)
        out += b"startxref\n%d\n%%%%EOF\n" % xref_at
        return bytes(out)

    def close(self) -> None:
        """Kept for symmetry with file-like objects: the blank is held as bytes, nothing is open."""


def _without(item: Any, key: str) -> bytes:
    """A dictionary's PDF text without `key`, its closing `>>` left off, ready for more entries."""
    import pikepdf

    copy = pikepdf.Dictionary({k: v for k, v in item.items() if k != key})
    text = bytes(copy.unparse(resolved=True)).rstrip()
    return text[:-2].rstrip() if text.endswith(b">>") else text


def pdf_string(text: str) -> bytes:
    """A PDF text string: a literal for printable ASCII, else UTF-16BE with a byte order mark, in hex."""
    if all(32 <= ord(char) < 127 for char in text):
        return b"(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii") + b")"
    return b"<feff" + text.encode("utf-16-be").hex().encode("ascii") + b">"


def pair_goals(program: Program, pair: Pair) -> list[Goal]:
    """A pair's goals, in the order the pairs file (or the program) lists them."""
    goals: dict[str, Goal] = {goal.id: goal for goal in program.goals}
    return [goals[goal_id] for goal_id in pair.goals if goal_id in goals]


def pair_values(program: Program, pair: Pair, form: str) -> dict[str, str]:
    """What a pair pack fills in on one form: names, the pair's id, planned date and goals.

    Check-in forms review all of the pair's goals; the agreement puts each goal on the side
    it benefits (a goal for both sides on both).
    """
    from .handbook import format_date

    if form == "certificate":
        return {"mentor_name": pair.mentor_name, "mentee_name": pair.mentee_name}
    values = {"pair_id": pair.pair_id, "mentor_name": pair.mentor_name, "mentee_name": pair.mentee_name}
    goals = pair_goals(program, pair)
    if form.startswith("checkin-"):
        number = int(form.removeprefix("checkin-"))
        dates = program.checkin_dates()
        if 0 < number <= len(dates):
            values["meeting_date"] = format_date(dates[number - 1][1])
        values.update({f"goal_{slot}": goal.title for slot, goal in enumerate(goals, start=1)})
    elif form == "agreement":
        mentee = [goal for goal in goals if for_mentee(goal)]
        mentor = [goal for goal in goals if for_mentor(goal)]
        values.update({f"mentee_goal_{slot}": goal.title for slot, goal in enumerate(mentee, start=1)})
        values.update({f"mentor_goal_{slot}": goal.title for slot, goal in enumerate(mentor, start=1)})
    return values


def pack_folder(pair: Pair) -> str:
    """A pair's folder inside the packs folder: its id."""
    return pair.pair_id


def pack_files(
    loaded: LoadedProgram,
    pairs: Sequence[Pair],
    blanks: Mapping[str, bytes],
    *,
    calendar: bool = True,
) -> Iterator[tuple[str, bytes]]:
    """Every file of every pair pack as (path inside the packs folder, bytes), pair by pair.

    Each blank form is opened once; per pair only its field values change.
    """
    from .ics import CalendarPair, program_calendar

    program = loaded.program
    stamp = program_stamp(loaded)
    fillers = {name: FormFiller(data) for name, data in blanks.items()}
    try:
        for pair in pairs:
            folder = pack_folder(pair)
            for name, filler in fillers.items():
                yield f"{folder}/{pair.pair_id}-{name}.pdf", filler.fill(pair_values(program, pair, name))
            if calendar:
                who = CalendarPair(pair.pair_id, pair.mentor_name, pair.mentee_name)
                yield f"{folder}/{pair.pair_id}-calendar.ics", program_calendar(program, stamp, who)
    finally:
        for filler in fillers.values():
            filler.close()


@dataclass(frozen=True)
class PacksResult:
    """What `write_packs` produced."""

    output: Path
    """The packs folder (absolute)."""
    pairs: int
    files: int
    """Files written (all recorded in the folder's manifest)."""
    seconds: float
    warnings: tuple[Problem, ...] = ()


def default_packs_output(folder: Path) -> Path:
    """Where pair packs go unless told otherwise: private/packs in the program folder."""
    return folder / PACKS_FOLDER


def write_packs(
    path: str | os.PathLike[str],
    pairs_file: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> PacksResult:
    """Write a pack per pair (filled check-in forms and agreement, certificate, calendar) into `output`.

    The pairs file is checked first (PairsError lists every bad row, and nothing is written).
    The output folder is replaced as a whole; it may not be the program folder, lie inside
    content/ or the handbook site, or contain the pairs file.
    """
    from .cache import RenderCache
    from .output import check_output, normalise, staged_output
    from .validate import display_path, load_program

    started = time.monotonic()
    say = progress or (lambda line: None)
    loaded = load_program(path)
    pairs = read_pairs(pairs_file, loaded.program)
    target = normalise(output if output is not None else default_packs_output(loaded.folder))
    source = Path(os.path.abspath(pairs_file))
    if source.is_relative_to(target):
        raise OutputFolderError(Problem(
            display_path(target), f"the pairs file {display_path(source)} lies inside the output folder, which is"
            " replaced as a whole", "move the pairs file out of it, or choose another output folder with -o"))
    forbidden = [(loaded.folder / "site", "the handbook site, which is public")]
    check_output(target, program_folder=loaded.folder, forbidden=forbidden)
    say(f"Preparing {len([p for p in plan_forms(loaded.program) if p.in_pack])} forms…")
    texts = [text for pair in pairs for text in (pair.pair_id, pair.mentor_name, pair.mentee_name)]
    characters = "".join(sorted(set("".join([*texts, *(goal.title for goal in loaded.program.goals)]))))
    made = make_forms(loaded, RenderCache.beside(target, "forms"), include=lambda plan: plan.in_pack,
                      characters=characters)
    unshown = _unshown_names(made, pairs, display_path(source))
    say(f"Filling them in for {len(pairs)} pair{'s' if len(pairs) != 1 else ''}…")
    with staged_output(target, program_folder=loaded.folder, forbidden=forbidden, kind="packs") as (staging, written):
        made_folders: set[str] = set()
        for rel, data in pack_files(loaded, pairs, made.blanks):
            folder = rel.rsplit("/", 1)[0]
            if folder not in made_folders:
                (staging / folder).mkdir(parents=True, exist_ok=True)
                made_folders.add(folder)
            (staging / rel).write_bytes(data)
    seconds = time.monotonic() - started
    shown = display_path(written.output)
    say(f"Pair packs written to {shown if shown.endswith('/') else shown + '/'} ({len(pairs)} pairs,"
        f" {len(written.files)} files, {seconds:.1f} s)")
    return PacksResult(written.output, len(pairs), len(written.files), seconds,
                       (*made.warnings, *unshown, *written.kept))


def _unshown_names(made: FormSet, pairs: Sequence[Pair], file: str) -> list[Problem]:
    """Warnings for names with letters the forms' font does not have (they would print as blanks)."""
    shown: frozenset[str] | None = None
    for data in made.blanks.values():
        characters = field_characters(data)
        if characters is not None:
            shown = characters if shown is None else shown & characters
    if shown is None:
        return []
    warnings = []
    for pair in pairs:
        for column, name in (("mentor_name", pair.mentor_name), ("mentee_name", pair.mentee_name)):
            missing = sorted({char for char in name if char not in shown and not char.isspace()})
            if missing:
                warnings.append(Problem(
                    file, f"row {pair.row}: {column} '{_shown(name)}' has letters the forms' font cannot show"
                    f" ({', '.join(missing)}); they would print as blanks",
                    "write the name in by hand, or give the form fields a font that has them: set font-family for"
                    " input and textarea in templates/forms/forms.css in the program folder", pair.row,
                    warning=True))
    return warnings


__all__ = [
    "ACTION_ROWS",
    "FIELD_CHARACTERS",
    "PAIRS_COLUMNS",
    "PROGRESS",
    "REQUIRED_COLUMNS",
    "FormFiller",
    "FormPlan",
    "FormSet",
    "PacksResult",
    "Pair",
    "calendar_artifact",
    "field_characters",
    "finish_form",
    "form_fields",
    "make_forms",
    "pack_files",
    "pair_values",
    "pdf_string",
    "plan_forms",
    "read_pairs",
    "site_artifacts",
    "write_packs",
]
