"""Load and check a program: typed validation, then cross-checks, every problem located.

Pydantic checks each value's type; this module turns its errors into sentences a coordinator
can act on and adds what a schema cannot express: unique ids, references between sections,
dates inside the program, content files inside the program folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import email.policy
import os
import re
import types
import typing
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ProgramError, StrictWarnings, excerpt
from ..files.paths import CACHE_FOLDER, DEFAULT_OUTPUTS, PROGRAM_FILE, ascii_slug, display_path
from .languages import LANGUAGE_PATTERN, catalogue, unknown_language
from .loader import Document, KeyPath, format_path, load_yaml
from .model import (
    APPLICATION_FIELDS,
    FIRST_MEETING_GUIDE,
    PERSONAL_PLACEHOLDERS,
    PERSONAL_RECIPIENTS,
    PLACEHOLDER,
    PLACEHOLDERS,
    RECIPIENT_GROUPS,
    Program,
    SessionDay,
    made_plural,
)
from .schedule import format_date


@dataclass(frozen=True)
class LoadedProgram:
    """A checked program, where it came from, and the warnings found on the way."""

    program: Program
    file: Path
    """Absolute path of program.yaml."""
    folder: Path
    """Absolute path of the program folder: content/, templates/ and mkdocs.yml live here."""
    warnings: tuple[Problem, ...]
    document: Document


def unknown_round(loaded: LoadedProgram | None, number: int, fix: str) -> Problem | None:
    """A problem located at program.yaml's rotation when round `number` is not one of its rounds;
    None when it is, or when the program has no rotation (then every round is the whole program,
    as when a later cohort runs it again with --history)."""
    if loaded is None or loaded.program.rotation is None:
        return None
    count = len(loaded.program.rotation.rounds)
    if number <= count:
        return None
    return loaded.document.problem(("rotation", "rounds"), f"round {number} is not one of the program's {count}"
                                   f" round{'s' if count != 1 else ''}", fix)


def kept_back(folder: Path) -> list[tuple[Path, str]]:
    """The places of a program folder nothing published may come from, with their names: its
    private data, the default output folders and the render cache."""
    places = [("private", "private/"), (CACHE_FOLDER, f"{CACHE_FOLDER}/")]
    places += [(place, f"the output folder {place}/") for place in DEFAULT_OUTPUTS.values()
               if not place.startswith("private/")]
    return [(folder / place, name) for place, name in places]


def program_file(path: str | os.PathLike[str] = ".") -> Path:
    """program.yaml inside a folder, or the file itself."""
    path = Path(path)
    if path.is_dir():
        candidate = path / PROGRAM_FILE
        if not candidate.exists():
            raise ProgramError(
                Problem(
                    display_path(path),
                    f"this folder has no {PROGRAM_FILE}",
                    "name the program file or its folder, or run `revmentor init` here",
                )
            )
        return candidate
    return path


def load_program(path: str | os.PathLike[str] = ".", *, strict: bool = False) -> LoadedProgram:
    """Read and check a program (a program.yaml or the folder holding one).

    Raises ProgramError listing every problem found; warnings are returned, or with `strict`
    raised as StrictWarnings.
    """
    file = program_file(path)
    document = load_yaml(file, display_path(file))
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else f"'{excerpt(str(document.data))}'"
        raise ProgramError(
            document.problem(
                (),
                f"expected a mapping of sections (program:, goals:, ...) at the top, got {kind}",
                "start the file with `program:` at the left margin; see `revmentor schema`",
            )
        )
    folder = file.resolve().parent
    checker = _CrossChecker(document, folder)
    checker.run()
    problems = []
    try:
        program = Program.model_validate(document.data)
    except ValidationError as error:
        problems = _describe_all(document, error)
    problems = sorted(problems + checker.errors, key=_reading_order)
    if problems:
        raise ProgramError(problems)
    checker.moved_sessions(program)
    checker.training_runs(program)
    if checker.errors:
        raise ProgramError(sorted(checker.errors, key=_reading_order))
    StrictWarnings.check(checker.warnings, strict)
    return LoadedProgram(program, file.resolve(), folder, tuple(checker.warnings), document)


def _reading_order(problem: Problem) -> tuple[int, int]:
    return (problem.line or 0, problem.column or 0)


# --- pydantic errors into sentences -------------------------------------------------------


def _describe_all(document: Document, error: ValidationError) -> list[Problem]:
    """One problem per pydantic error, leaving out a list's length when its items are wrong."""
    items = error.errors()
    failing = {tuple(item["loc"][:-1]) for item in items if item["type"] != "too_short"}
    return [
        _describe(document, item)
        for item in items
        if not (item["type"] == "too_short" and any(loc[: len(item["loc"])] == tuple(item["loc"]) for loc in failing))
    ]


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _describe(document: Document, error: Any) -> Problem:
    loc = _user_path(document.data, error["loc"])
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    got = _got(value)
    message, fix = error["msg"], ""
    if kind == "missing":
        message = f"required key '{loc[-1]}' is missing"
        fix = f"add `{loc[-1]}:` here: {_field_doc(loc) or 'see `revmentor schema`'}"
        return document.problem(loc[:-1], message, fix)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        message = f"unknown key '{loc[-1]}'"
        fix = _did_you_mean(str(loc[-1]), allowed) or "allowed keys here: " + ", ".join(allowed)
        return document.problem(loc, message, fix, at_key=True)
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        message, fix = f"expected a whole number, got {got}", "write digits only, e.g. 12"
    elif kind in ("float_parsing", "float_type", "finite_number"):
        message, fix = f"expected a number, got {got}", "write a plain number such as 40; a unit goes in `unit`"
    elif kind in ("bool_parsing", "bool_type"):
        message, fix = f"expected true or false, got {got}", "write true or false"
    elif kind.startswith("date"):
        message, fix = f"expected a date like 2026-03-02, got {got}", "write the date as YYYY-MM-DD"
    elif kind.startswith("time"):
        message, fix = f"expected a clock time like 09:30, got {got}", "write HH:MM on the 24-hour clock, e.g. 13:30"
    elif kind == "literal_error":
        expected = ctx.get("expected", "")
        message = f"expected one of {expected}, got {got}"
        options = [option.strip(" '") for option in expected.replace(" or ", ", ").split(",")]
        fix = _did_you_mean(str(value), options) or f"write one of {expected}"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "above",
            "greater_than_equal": "at least",
            "less_than": "below",
            "less_than_equal": "at most",
        }[kind]
        limit = next(iter(ctx.values()))
        message, fix = f"expected a number {words} {limit}, got {got}", f"write a number {words} {limit}"
    elif kind == "string_type":
        message = f"expected text, got {got}"
        fix = "write the text after the colon; use `|` and indented lines for several paragraphs"
        if isinstance(value, dict):
            fix = "put the text in quotes: text that contains ': ' is read as a key and its value"
        elif value is None and len(loc) >= 2 and loc[-2] == "colours":
            message, fix = ("expected a colour written #rrggbb, got nothing",
                            "put the colour in quotes, e.g. \"#163f63\": after a space, # starts a comment in YAML")
    elif kind == "string_too_short":
        message, fix = "must not be empty", "write the text, or remove the key if it is optional"
    elif kind == "string_too_long":
        message, fix = f"is longer than {ctx.get('max_length')} characters", "shorten it"
    elif kind == "string_pattern_mismatch":
        if loc and loc[-1] == "language":
            message, fix = (
                f"expected a language code such as en or pt-BR, got {got}",
                "write a code such as en, fr or pt-BR",
            )
        elif len(loc) >= 2 and loc[-2] == "colours":
            message, fix = (
                f"expected a colour written #rrggbb, such as #163f63, got {got}",
                "write # and six hexadecimal digits (0-9, a-f), as colour pickers show it",
            )
        else:
            message = f"expected an id of lowercase letters, digits and hyphens, got {got}"
            fix = f"write it as '{_slug(str(value))}'"
    elif kind in ("tuple_type", "list_type"):
        message, fix = f"expected a list, got {got}", "write each item on its own line, starting with '- '"
    elif kind == "too_short":
        need = ctx.get("min_length", 1)
        message, fix = f"needs at least {need} item{'s' if need != 1 else ''}", "add the missing items"
    elif kind == "too_long":
        message, fix = f"has more than {ctx.get('max_length')} items", "remove some items"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message, fix = (
            f"expected a mapping of keys and values, got {got}",
            "write `key: value` lines indented under this key",
        )
    elif kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
        fix = getattr(ctx.get("error"), "fix", "") or "see the field's description in `revmentor schema`"
        if message.startswith("contains the control character"):
            fix = "delete it (retype the text if it was pasted from another program)"
    return document.problem(loc, message, fix)


def _user_path(data: Any, loc: Sequence[Any]) -> KeyPath:
    """The key path the user wrote, out of a pydantic location.

    pydantic adds names of union branches and validators ('function-after[...]') to locations;
    users never see them. A part is the user's own when it is a key of the data there, so a
    key such as 'k[0' that the user wrote is kept and reported like any other.
    """
    path: list[str | int] = []
    for part in loc:
        inside = (isinstance(data, dict) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data))
        if inside:
            data = data[part]
        elif _is_branch(part):
            continue
        else:
            data = None
        path.append(part)
    return tuple(path)


def _is_branch(part: Any) -> bool:
    """A union branch's or validator's name, which pydantic puts in locations."""
    return isinstance(part, str) and ("[" in part or part in {"function-after", "tagged-union"})


def _slug(text: str) -> str:
    return ascii_slug(text, "my-id")


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _model_at(loc: KeyPath) -> type[BaseModel] | None:
    """The model class that validates the mapping at `loc`, following the type annotations."""
    current: Any = Program
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """The model inside Optional[...], tuple[..., ...] or Annotated[...], if any."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, tuple, list):
        for arg in typing.get_args(annotation):
            inner = _unwrap(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return annotation


def _allowed_keys(loc: KeyPath) -> list[str]:
    model = _model_at(loc)
    return list(model.model_fields) if model else []


def _field_doc(loc: KeyPath) -> str:
    model = _model_at(loc[:-1])
    info = model.model_fields.get(str(loc[-1])) if model else None
    return (info.description or "") if info else ""


# --- cross-checks -------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    """A number as written in the raw document (plain scalars are text there), or None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # not NaN


def _date(value: Any) -> dt.date | None:
    """A date as written in the raw document (text there), or None."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _week(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _CrossChecker:
    """What a per-field schema cannot see: ids, references, weeks, files.

    It reads the raw data, defensively, so that it runs even when some values have the
    wrong type: the user sees a dangling reference and a wrong type in the same run.
    """

    def __init__(self, document: Document, folder: Path) -> None:
        self.doc, self.folder = document, folder
        self.data: dict[str, Any] = document.data
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, path: KeyPath, message: str, fix: str) -> None:
        self.errors.append(self.doc.problem(path, message, fix))

    def warn(self, path: KeyPath, message: str, fix: str) -> None:
        self.warnings.append(self.doc.problem(path, message, fix, warning=True))

    def value(self, path: KeyPath) -> Any:
        current: Any = self.data
        for part in path:
            if isinstance(part, int):
                current = current[part] if isinstance(current, list) and part < len(current) else None
            else:
                current = current.get(part) if isinstance(current, dict) else None
        return current

    def items(self, *section: str) -> list[tuple[KeyPath, dict[str, Any]]]:
        """The mappings of a list section with their paths; anything else is pydantic's to report."""
        found = self.value(section)
        if not isinstance(found, list):
            return []
        return [(section + (i,), item) for i, item in enumerate(found) if isinstance(item, dict)]

    def texts(self, path: KeyPath) -> list[tuple[KeyPath, str]]:
        found = self.value(path)
        if isinstance(found, str):
            return [(path, found)]
        if not isinstance(found, list):
            return []
        return [(path + (i,), item) for i, item in enumerate(found) if isinstance(item, str)]

    def ids(self, *section: str, noun: str) -> list[str]:
        """Ids of a section, reporting duplicates."""
        first: dict[str, KeyPath] = {}
        for path, item in self.items(*section):
            item_id = _text(item.get("id"))
            if item_id is None:
                continue
            if item_id in first:
                self.error(
                    path + ("id",),
                    f"duplicate {noun} id '{item_id}' (already used by {format_path(first[item_id])})",
                    f"give each {noun} its own id",
                )
            else:
                first[item_id] = path
        return list(first)

    def run(self) -> None:
        goals = self.ids("goals", noun="goal")
        roles = self.ids("roles", noun="role")
        phases = self.ids("phases", noun="phase")
        self.ids("training", noun="module")
        self.ids("checklist", noun="checklist item")
        scales = self.ids("feedback", "scales", noun="scale")
        questions = self.ids("feedback", "questions", noun="question")
        self.ids("feedback", "surveys", noun="survey")
        del goals

        self.time_zone()
        self.language()
        self.plurals()
        self.file(("program", "slide_template"), ".pptx")
        self.file(("program", "logo"), ".png")  # [decks]
        measure_ids: dict[str, KeyPath] = {}
        for path, goal in self.items("goals"):
            if not goal.get("measures"):
                self.warn(
                    path,
                    f"goal '{goal.get('id')}' has no measures",
                    "add a measure so the program can tell whether it is working",
                )
            for measure_path, measure in self.items(*path, "measures"):  # type: ignore[arg-type]
                self.ref(measure_path + ("question",), questions, "question")
                self.measure_figures(measure_path, measure)
                self.measure_statistic(measure_path, measure, roles, measure_ids)
        for path, _ in self.items("roles"):
            self.file(path + ("content",), ".md")
        for path, phase in self.items("phases"):
            start, end = _week(phase.get("start_week")), _week(phase.get("end_week"))
            if start is not None and end is not None and end < start:
                self.error(
                    path + ("end_week",),
                    f"phase '{phase.get('id')}' ends (week {end}) before it starts (week {start})",
                    "make end_week at least start_week",
                )
        for path, module in self.items("training"):
            self.before_the_end(path + ("week",), f"module '{module.get('id')}'")
            self.refs(path + ("audience",), roles, "role")
            if not module.get("objectives"):
                self.warn(
                    path, f"module '{module.get('id')}' has no objectives", "add what participants can do by the end"
                )
            self.file(path + ("content",), ".md")
            # Printed in the guide only: it may sit in private/ unless the guides are published.
            if self.value(("program", "trainer_files")) == "public":
                self.file(path + ("trainer_content",), ".md", published="a published guide prints")
            else:
                self.file(path + ("trainer_content",), ".md", published="")
        for path, _ in self.items("checklist"):
            self.ref(path + ("owner",), roles, "role")
            self.ref(path + ("phase",), phases, "phase")
        for path, _ in self.items("recognition"):
            self.ref(path + ("phase",), phases, "phase")
        for path, question in self.items("feedback", "questions"):
            if question.get("kind", "scale") == "scale" and question.get("scale") is None:
                self.error(
                    path,
                    f"scale question '{question.get('id')}' names no scale",
                    "add `scale:` with the id of one of feedback.scales",
                )
            self.ref(path + ("scale",), scales, "scale")
        for path, survey in self.items("feedback", "surveys"):
            self.before_the_end(path + ("week",), f"survey '{survey.get('id')}'")
            self.refs(path + ("audience",), roles, "role")
            self.refs(path + ("questions",), questions, "question")
        self.activities()
        self.checkins()
        self.rotation()
        self.closed_dates()
        self.unused_roles()
        self.file(("confidentiality", "content"), ".md")
        if not self.value(("confidentiality", "concerns")):
            self.warn(
                ("confidentiality",) if isinstance(self.value(("confidentiality",)), dict) else (),
                "confidentiality.concerns is missing: with no route for each kind of concern, the handbook and"
                " every form can only send people to the coordinator",
                "add confidentiality.concerns: each kind of concern (safety and safeguarding, harassment,"
                " wellbeing, the program itself) with whom to contact",
            )
        self.surveys_and_certificates()
        self.communications(roles)
        self.survey_exports()
        self.distinct(("matching", "levels"), "band")
        self.application(scales)
        meeting = self.value(("program", "meeting_format"))
        if meeting in ("remote", "hybrid") and not self.value(("program", "video_tool")):
            self.warn(
                ("program", "meeting_format"),
                f"{meeting} pairs meet over video but no video_tool is named",
                "add `video_tool:` (e.g. Microsoft Teams) so the handbook can tell pairs how to meet",
            )

    def measure_figures(self, path: KeyPath, measure: dict[str, Any]) -> None:
        """A baseline or target the report could never show, for its unit and survey question.

        The report reads a measure of a scale question as the share answering in the top two
        points when its unit is "%", and as the mean answer (1 to n) otherwise: a target of 40
        without the unit, or a unit "% agree", would give a figure that can never meet it. A
        measure taken outside the surveys may be any number: it is not checked.
        """
        unit = (_text(measure.get("unit")) or "").strip()
        question_id = _text(measure.get("question"))
        question = next((q for _, q in self.items("feedback", "questions") if q.get("id") == question_id), None)
        points = None
        if question is not None and question.get("kind", "scale") == "scale":
            scale = next((s for _, s in self.items("feedback", "scales") if s.get("id") == question.get("scale")), None)
            labels = scale.get("labels") if scale is not None else None
            points = len(labels) if isinstance(labels, list) and labels else None
        statistic = _text(measure.get("statistic"))
        if statistic is not None and question is not None and points is not None:
            unit = {"share": "%", "mean": "", "count": ""}.get(statistic, unit)
            if statistic == "count":
                points = None
        elif points is not None and unit != "%" and ("%" in unit or "percent" in unit.casefold()):
            self.warn(path + ("unit",), f"unit '{unit}' is not read as a percentage: the report will show the mean"
                      f" answer to question '{question_id}' (1 to {points})",
                      "write unit: '%' for the share answering in the top two points of the scale")
            return
        for key in ("baseline", "target"):
            value = _number(measure.get(key))
            if value is None:
                continue
            if unit == "%" and question is not None and not 0 <= value <= 100:  # a share of respondents
                self.warn(path + (key,), f"{key} {value:g} is not a percentage from 0 to 100",
                          f"write the {key} as a percentage, e.g. 60 for 60%")
            elif points is not None and unit != "%" and not 1 <= value <= points:
                self.warn(path + (key,), f"{key} {value:g} can never be shown: without unit '%' the report gives the"
                          f" mean answer to question '{question_id}', from 1 to {points}",
                          f"write a {key} from 1 to {points}, or set unit: '%' to measure the share answering in the"
                          " top two points")

    def measure_statistic(self, path: KeyPath, measure: dict[str, Any], roles: list[str],
                          seen: dict[str, KeyPath]) -> None:
        """A measure that could pass by accident: a count of free text ("n/a" would count), a count
        over a scale that is not yes/no, a statistic with no question, a role the question's surveys
        never ask; and measure ids that are not unique (the figures file names measures by them)."""
        measure_id = _text(measure.get("id"))
        if measure_id is not None:
            if measure_id in seen:
                self.error(path + ("id",), f"measure id '{measure_id}' is used twice (also"
                           f" {format_path(seen[measure_id])})", "give each measure an id of its own")
            seen.setdefault(measure_id, path)
        statistic = _text(measure.get("statistic"))
        question_id = _text(measure.get("question"))
        role = _text(measure.get("role"))
        if question_id is None:
            for key, what in (("statistic", "a statistic"), ("role", "a role")):
                if measure.get(key) is not None:
                    self.error(path + (key,), f"{what} needs a survey question, and this measure has none",
                               "add `question:` with the question that supplies it, or remove"
                               f" `{key}:` (a figure gathered outside the surveys comes in through the report's"
                               " figures file)")
            return
        question = next((q for _, q in self.items("feedback", "questions") if q.get("id") == question_id), None)
        if question is None:
            return
        if question.get("kind", "scale") == "text":
            self.error(path + ("question",), f"question '{question_id}' is free text, which cannot back a numeric"
                       " target: every answer would count, 'n/a' and 'none' included",
                       "take the figure from a scale question (a yes/no question, a scale of two labels such as"
                       " [No, Yes], with statistic: count), or remove `question:` and enter the figure you counted"
                       " in the report's figures file")
            return
        scale = next((s for _, s in self.items("feedback", "scales") if s.get("id") == question.get("scale")), None)
        labels = scale.get("labels") if scale is not None else None
        if statistic == "count" and isinstance(labels, list) and len(labels) != 2:
            self.error(path + ("statistic",), f"a count needs a yes/no question, and question '{question_id}' has a"
                       f" scale of {len(labels)} points", "write statistic: share (the share answering in the top"
                       " points) or mean, or ask a yes/no question (a scale of two labels such as [No, Yes])")
        if role is None:
            return
        if role not in roles:
            self.ref(path + ("role",), roles, "role")
            return
        moments = measure.get("when") or ["baseline", "end"]
        asking = [survey for _, survey in self.items("feedback", "surveys")
                  if question_id in (survey.get("questions") or []) and survey.get("moment") in moments]
        if asking and not any(role in (survey.get("audience") or []) for survey in asking):
            self.error(path + ("role",), f"no survey that asks question '{question_id}' at the measure's moments"
                       f" ({', '.join(map(str, moments))}) goes to role '{role}'",
                       "name a role the surveys go to: " + ", ".join(sorted({str(r) for survey in asking
                                                                             for r in survey.get("audience") or []})))

    def before_the_end(self, path: KeyPath, what: str) -> None:
        """Training and surveys may come before week 1 (preparation), never after the last week."""
        week, duration = _week(self.value(path)), _week(self.value(("program", "duration_weeks")))
        if week is not None and duration is not None and week > duration:
            self.error(path, f"{what} is in week {week}, after the program ends (week {duration})",
                       "move it into the program, or lengthen program.duration_weeks")

    def ref(self, path: KeyPath, known: list[str], noun: str) -> None:
        """The id at `path`, if any, must be one of `known`."""
        value = _text(self.value(path))
        if value is None or value in known:
            return
        hint = _did_you_mean(value, known)
        listing = f"known {noun}s: {', '.join(known)}" if known else f"define the {noun}s first"
        self.error(path, f"unknown {noun} '{value}'", f"{hint} {listing}" if hint else listing)

    def refs(self, path: KeyPath, known: list[str], noun: str) -> None:
        for item_path, _ in self.texts(path):
            self.ref(item_path, known, noun)

    def time_zone(self) -> None:
        name = _text(self.value(("program", "time_zone")))
        if name is None:
            return
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.error(
                ("program", "time_zone"),
                f"unknown time zone '{name}'",
                "write an IANA name such as Europe/London, America/New_York or UTC",
            )

    def language(self) -> None:
        """A language the toolkit has a catalogue for (languages.py); a malformed code is pydantic's to report."""
        code = _text(self.value(("program", "language")))
        if code is None or not re.fullmatch(LANGUAGE_PATTERN, code) or catalogue(code) is not None:
            return
        message, fix = unknown_language(code)
        self.error(("program", "language"), message, fix)

    def plurals(self) -> None:
        """A program in a language whose plurals the toolkit cannot make is asked for its sides' plurals."""
        code = _text(self.value(("program", "language"))) or "en"
        if code.lower().startswith("en") or catalogue(code) is None:
            return
        terms = self.value(("program", "terminology"))
        terms = terms if isinstance(terms, dict) else {}
        for side, key in (("mentor", "mentors"), ("mentee", "mentees")):
            name = _text(terms.get(side)) or side.capitalize()
            if _text(terms.get(key)) is None:
                made = made_plural(name, code)
                where = ("program", "terminology", side) if side in terms else ("program", "language")
                self.warn(where, f"no plural for '{name}': the toolkit would write '{made}' where it names several",
                          f"write the plural as program.terminology.{key}, e.g. {key}: {made}")

    def file(self, path: KeyPath, suffix: str, published: str = "a page includes") -> None:
        """A referenced file must exist, have the right type and lie inside the program folder (and,
        when what shows it is `published`, e.g. "a page includes", outside what the program keeps
        back; "" for a file only private outputs show)."""
        value = _text(self.value(path))
        if value is None:
            return
        if Path(value).is_absolute():
            self.error(
                path,
                f"'{value}' is an absolute path",
                "give a path relative to the program folder, e.g. content/extra.md",
            )
            return
        target = (self.folder / value).resolve()
        kept = next((name for place, name in kept_back(self.folder) if target.is_relative_to(place)), None)
        if not target.is_relative_to(self.folder):
            self.error(
                path,
                f"'{value}' lies outside the program folder",
                "move the file into the program folder and give its relative path",
            )
        elif kept and published:
            self.error(
                path,
                f"'{value}' is inside {kept}, and what {published} is published",
                "move the file into content/ (content/_includes/ keeps it off the nav)",
            )
        elif not target.is_file():
            self.error(
                path,
                f"file '{value}' does not exist",
                "create it, or correct the path: it is relative to the folder holding program.yaml",
            )
        elif target.suffix.lower() != suffix:
            self.error(path, f"'{value}' is not a {suffix} file", f"name a {suffix} file")

    def checkins(self) -> None:
        schedule = self.value(("checkins", "schedule"))
        duration = _week(self.value(("program", "duration_weeks")))
        if not isinstance(schedule, dict) or duration is None:
            return
        path: KeyPath = ("checkins", "schedule")
        if isinstance(schedule.get("weeks"), list):
            weeks = [(path + ("weeks", i), _week(w)) for i, w in enumerate(schedule["weeks"])]
        else:
            first, every, count = (_week(schedule.get(k)) for k in ("first_week", "every_weeks", "count"))
            if first is None or every is None or count is None or not 0 < count <= 52:
                return
            weeks = [(path, first + i * every) for i in range(count)]
        previous = None
        for number, (week_path, week) in enumerate(weeks, start=1):
            if week is None:
                continue
            if not 1 <= week <= duration:
                self.error(
                    week_path,
                    f"check-in {number} falls in week {week}, outside the program (weeks 1 to {duration})",
                    "move it inside the program, or lengthen program.duration_weeks",
                )
            elif previous is not None and week <= previous:
                self.error(
                    week_path,
                    f"check-in {number} (week {week}) does not come after check-in {number - 1} (week {previous})",
                    "list the weeks in increasing order, each once",
                )
            previous = week
        sessions = self.value(("checkins", "sessions"))
        if isinstance(sessions, list) and len(sessions) != len(weeks):
            count = len(sessions)
            self.error(
                ("checkins", "sessions"),
                f"the schedule has {len(weeks)} check-ins but {count} session{'s are' if count != 1 else ' is'} described",
                "describe one session per scheduled check-in, in order",
            )

    def distinct(self, path: KeyPath, noun: str, one_cell: bool = False) -> None:
        """Each text of the list at `path` once (ignoring case and spaces); with `one_cell`, none
        holding a comma or semicolon, which separate the items of a list in one spreadsheet cell."""
        first: dict[str, KeyPath] = {}
        for item_path, text in self.texts(path):
            if one_cell and ("," in text or ";" in text):
                self.error(item_path, f"{noun} '{excerpt(text)}' holds a comma or semicolon, which separate {noun}s in"
                           " one cell of an export", "write it without them: 'and' or 'or' instead, or two items")
            key = " ".join(text.split()).casefold()
            if key in first:
                self.error(item_path, f"{noun} '{excerpt(text)}' is listed twice (also {format_path(first[key])})",
                           f"list each {noun} once")
            else:
                first[key] = item_path

    def application(self, scales: list[str]) -> None:
        """The application form: its lists of choices, and a self-assessment whose statements each
        point to a style, each style pointed to, answered on a known scale."""
        section: KeyPath = ("application",)
        if not isinstance(self.value(section), dict):
            return
        self.distinct(section + ("topics",), "topic", one_cell=True)
        self.distinct(section + ("languages",), "language", one_cell=True)
        self.distinct(section + ("availability",), "time", one_cell=True)
        assessment = section + ("self_assessment",)
        if not isinstance(self.value(assessment), dict):
            return
        self.ref(assessment + ("scale",), scales, "scale")
        styles = self.ids(*assessment, "styles", noun="style")  # type: ignore[arg-type]
        self.ids(*assessment, "items", noun="statement")  # type: ignore[arg-type]
        used = set()
        for path, item in self.items(*assessment, "items"):  # type: ignore[arg-type]
            self.ref(path + ("style",), styles, "style")
            used.add(item.get("style"))
            if item.get("id") in APPLICATION_FIELDS:
                self.error(path + ("id",), f"statement id '{item['id']}' is also the application form's field"
                           f" '{item['id']}'", f"give the statement another id, e.g. '{item['id']}-statement'")
        for path, style in self.items(*assessment, "styles"):  # type: ignore[arg-type]
            if isinstance(style.get("id"), str) and style["id"] not in used:
                self.warn(path, f"style '{style['id']}' has no statement, so no mentor can be found to have it",
                          f"add a statement with `style: {style['id']}` to the self-assessment, or remove the style")

    def unused_roles(self) -> None:
        used = {text for path, _ in self.items("training") for _, text in self.texts(path + ("audience",))}
        used |= {text for path, _ in self.items("checklist") for _, text in self.texts(path + ("owner",))}
        used |= {text for path, _ in self.items("feedback", "surveys") for _, text in self.texts(path + ("audience",))}
        for path, role in self.items("roles"):
            if isinstance(role.get("id"), str) and role["id"] not in used:
                self.warn(
                    path,
                    f"role '{role['id']}' is not referred to by any module, checklist item or survey",
                    "give it a module, a checklist item or a survey, or remove it",
                )

    # --- rounds, closed dates and sessions moved off them --------------------------------

    def checkin_weeks(self) -> list[tuple[KeyPath, int | None]]:
        """The check-ins' weeks as written, each with where it is written (the schedule, for a rhythm)."""
        schedule = self.value(("checkins", "schedule"))
        path: KeyPath = ("checkins", "schedule")
        if not isinstance(schedule, dict):
            return []
        if isinstance(schedule.get("weeks"), list):
            return [(path + ("weeks", i), _week(w)) for i, w in enumerate(schedule["weeks"])]
        first, every, count = (_week(schedule.get(k)) for k in ("first_week", "every_weeks", "count"))
        if first is None or every is None or count is None or not 0 < count <= 52:
            return []
        return [(path, first + i * every) for i in range(count)]

    def rotation(self) -> None:
        """Rounds run in order inside the program without overlapping, each with a check-in of its own,
        and every check-in is in a round (a check-in in none would be in no pair's pack)."""
        duration = _week(self.value(("program", "duration_weeks")))
        rounds = self.items("rotation", "rounds")
        if duration is None or not rounds:
            return
        checkins = [week for _, week in self.checkin_weeks() if week is not None]
        spans: list[tuple[int, int]] = []
        previous: tuple[int, int, int] | None = None
        for number, (path, item) in enumerate(rounds, start=1):
            start, end = _week(item.get("start_week")), _week(item.get("end_week"))
            if start is None or end is None:
                continue
            name = f"round {number} (weeks {start} to {end})"
            if end < start:
                self.error(path + ("end_week",), f"round {number} ends (week {end}) before it starts (week {start})",
                           "make end_week at least start_week")
                continue
            if start < 1 or end > duration:
                self.error(path + ("start_week" if start < 1 else "end_week",),
                           f"{name} lies outside the program (weeks 1 to {duration})",
                           f"keep every round within weeks 1 to {duration}, or lengthen program.duration_weeks")
            elif previous is not None and start <= previous[2]:
                before, first, last = previous
                if start < first:
                    self.error(path + ("start_week",), f"{name} starts before round {before} (weeks {first} to {last})",
                               "list the rounds in the order they run")
                else:
                    self.error(path + ("start_week",), f"{name} overlaps round {before} (weeks {first} to {last})",
                               f"start round {number} after round {before} ends, in week {last + 1} or later")
            elif checkins and not any(start <= week <= end for week in checkins):
                self.error(path, f"{name} holds no check-in (the check-ins are in weeks"
                           f" {', '.join(map(str, checkins))})",
                           f"schedule a check-in in weeks {start} to {end}, or change the round's weeks")
            spans.append((start, end))
            previous = (number, start, end)
        if len(spans) != len(rounds):
            return
        for number, (path, week) in enumerate(self.checkin_weeks(), start=1):
            if week is not None and 1 <= week <= duration and not any(a <= week <= b for a, b in spans):
                self.error(path, f"check-in {number} (week {week}) is in no round, so no pair pack would hold it",
                           f"move it into a round, or widen a round of rotation.rounds to take in week {week}")

    def closed_dates(self) -> None:
        for path, item in self.items("program", "closed_dates"):
            start, end = _date(item.get("start")), _date(item.get("end"))
            if start is not None and end is not None and end < start:
                self.error(path + ("end",), f"closed dates '{item.get('name')}' end ({end.isoformat()}) before they"
                           f" start ({start.isoformat()})", "make end the last closed day, on or after start")

    def moved_sessions(self, program: Program) -> None:
        """A warning for every check-in and module that falls on a closed date: when it is held instead."""
        def warn(path: KeyPath, what: str, day: SessionDay, fix: str) -> None:
            assert day.closed is not None
            self.warn(path, f"{what} falls on {format_date(day.planned)}, {day.closed.name}, a closed date: it moves"
                      f" to {format_date(day.date)}", fix)

        if program.checkins is not None:
            written = self.checkin_weeks()
            days = program.checkin_days()
            for number, (day, session) in enumerate(zip(days, program.checkins.sessions, strict=False), start=1):
                if day.closed is not None:
                    path = written[number - 1][0] if number <= len(written) else ("checkins", "schedule")
                    warn(path, f"check-in {number} ({session.title})", day,
                         "nothing to do if that day suits; otherwise move the check-in to another week, or change"
                         " checkins.weekday")
        for index, module in enumerate(program.training):
            day = program.module_day(module)
            if day.closed is not None:
                warn(("training", index, "week"), f"module '{module.id}'", day,
                     "nothing to do if that day suits; otherwise change the module's week or weekday")

    # --- survey tools' exports (evaluation/responses.py) -------------------------------------

    def survey_exports(self) -> None:
        """Each column an export names holds one of the survey's questions, or role, respondent or ignore."""
        for path, survey in self.items("feedback", "surveys"):
            asked = [text for _, text in self.texts(path + ("questions",))]
            allowed = [*asked, *EXPORT_HOLDS]
            seen: dict[str, int] = {}
            for column_path, column in self.items(*path, "export", "columns"):  # type: ignore[arg-type]
                holds = _text(column.get("holds"))
                if holds is not None and holds not in allowed:
                    self.error(column_path + ("holds",), f"'{holds}' is not a question of survey"
                               f" '{survey.get('id')}'", f"write one of: {', '.join(allowed)}")
                header = _text(column.get("header"))
                if header is None:
                    continue
                key = " ".join(header.split()).casefold()
                if key in seen:
                    self.error(column_path + ("header",), f"header '{header}' is tied twice (also"
                               f" export.columns[{seen[key]}])", "keep one entry per column")
                seen.setdefault(key, column_path[-1] if isinstance(column_path[-1], int) else 0)

    # --- [trainer] activities, materials and training sessions ------------------------------

    def activities(self) -> None:
        """Materials an activity names must exist; an activity other than a break needs instructions;
        a module needs trainers and a room."""
        materials = self.ids("materials", noun="material")
        modules = self.items("training")
        runs = sum(1 + len(m.get("sessions") or []) if isinstance(m.get("sessions") or [], list) else 1
                   for _, m in modules)
        for path, module in modules:
            name = f"module '{module.get('id')}'"
            if runs < 2:
                pass  # one session cannot clash with another: who and where are the coordinator's to add
            elif not module.get("trainers"):
                self.warn(path, f"{name} names no trainers",
                          "add `trainers:` with who delivers it (and anyone else it needs in the room)")
            if runs >= 2 and not module.get("room"):
                self.warn(path, f"{name} names no room", "add `room:` with where it is held, or the video meeting")
            for activity_path, activity in self.items(*path, "agenda"):  # type: ignore[arg-type]
                self.refs(activity_path + ("materials",), materials, "material")
                steps = activity.get("steps")
                timed = [_number(step.get("minutes")) for step in steps if isinstance(step, dict)] \
                    if isinstance(steps, list) else []
                total = sum(m for m in timed if m is not None)
                minutes = _number(activity.get("minutes"))
                if minutes is not None and total > minutes:
                    self.warn(activity_path + ("steps",), f"the steps of activity '{activity.get('title')}' of {name}"
                              f" take {total:g} minutes, but the activity has {minutes:g}",
                              "shorten the steps, or give the activity more minutes")
                if activity.get("kind") != "break" and not any(
                        activity.get(key) for key in ("steps", "script", "facilitator_notes")):
                    self.warn(activity_path, f"activity '{activity.get('title')}' of {name} has no instructions",
                              "add `steps:` (what to do, in order), a `script:` for a talk, or `facilitator_notes:`")
        for path, material in self.items("materials"):
            kind, title = material.get("kind"), material.get("title")
            needs = {"cards": "cards", "brief": "sides", "worksheet": "fields", "text": "text"}.get(str(kind))
            if needs and not material.get(needs):
                self.error(path, f"material '{material.get('id')}' ({title}) is a {kind} with no {needs}",
                           f"add `{needs}:` to it, or change its kind")
            if kind == "self-assessment" and not self.value(("application", "self_assessment")):
                self.error(path + ("kind",), f"material '{material.get('id')}' is the self-assessment, but"
                           " application.self_assessment is missing",
                           "add application.self_assessment with its styles and statements")

    def training_runs(self, program: Program) -> None:
        """The same trainer, room or audience in two overlapping sessions is an error naming both;
        group work that cannot give everyone a turn in its minutes is a warning."""
        runs = []
        for index, module in enumerate(program.training):
            for run in program.module_runs(module):
                path: KeyPath = ("training", index) if run.number == 1 else ("training", index, "sessions",
                                                                                run.number - 2)
                runs.append((path, module, run))
                for number, activity in enumerate(module.agenda):
                    if activity.groups is None or run.participants is None:
                        continue
                    needed = activity.groups.minutes_needed(run.participants)
                    if needed > activity.minutes:
                        self.warn(("training", index, "agenda", number, "groups"),
                                  f"activity '{activity.title}' of module '{module.id}' needs {needed} minutes to give"
                                  f" each of the {run.participants} participants their turn, but has {activity.minutes}",
                                  "give it more minutes, bigger groups, shorter turns or more stations, or run the"
                                  " module more than once (sessions:)")
        for later, (path, module, run) in enumerate(runs):
            for first_path, first_module, first_run in runs[:later]:
                if not (first_run.start < run.end and run.start < first_run.end):
                    continue
                clashes = [f"trainer '{name}'" for name in run.trainers if name in first_run.trainers]
                if run.room and run.room == first_run.room:
                    clashes.append(f"room '{run.room}'")
                if first_module.id != module.id:
                    clashes += [f"audience '{role}'" for role in module.audience if role in first_module.audience]
                for clash in clashes:
                    self.error(path, f"{clash} is booked into two overlapping sessions: {_run_text(module, run)}"
                               f" and {_run_text(first_module, first_run)} ({format_path(first_path)})",
                               "move one session to another day or time, or give it another trainer or room")

    # --- surveys, certificates and colours (forms/survey.html.j2, forms/certificate.html.j2) ------

    def surveys_and_certificates(self) -> None:
        """Question ids that would clash with a survey's own fields, colours too light for text on
        white, and a certificate promised with no one named to sign it."""
        for path, question in self.items("feedback", "questions"):
            if question.get("id") in RESPONSE_COLUMNS:
                self.error(path + ("id",), f"question id '{question['id']}' is taken: surveys and their response"
                           f" files use '{question['id']}' for a column of their own",
                           f"give the question another id, e.g. '{question['id']}-question', and use it in the surveys")
        for key in ("primary", "accent"):
            where: KeyPath = ("program", "colours", key)
            colour = _text(self.value(where))
            if colour is None or not _HEX_COLOUR.fullmatch(colour):
                continue
            ratio = contrast_with_white(colour)
            if ratio < MIN_CONTRAST:
                shade = darker(colour)
                self.warn(where, f"colour '{colour}' has a contrast of only {_floor(ratio)}:1 with white, so text set"
                          f" in it is hard to read (WCAG AA asks for {MIN_CONTRAST:g}:1)",
                          f"choose a darker shade, such as {shade}, which has {_floor(contrast_with_white(shade))}:1")
        if isinstance(self.value(("program", "sponsor")), dict):
            return
        for path, item in self.items("recognition"):
            words = " ".join(text for text in (_text(item.get("title")), _text(item.get("description"))) if text)
            if "certificate" in words.casefold():
                self.warn(path, f"'{_text(item.get('title')) or 'recognition'}' promises a certificate, but no sponsor"
                          " is named to sign the certificates in the pair packs",
                          "add `sponsor:` under `program:` with the signer's `title` (e.g. Chief Executive Officer)"
                          " and `name`; both are printed under the signature line")
                return


    # --- communications: recipients, timing and placeholders (issue 19) ----------------------

    def communications(self, roles: list[str]) -> None:
        """Each message goes to known recipients, is timed from something the program has, and
        uses only the placeholders its recipients and timing can fill; an unknown placeholder is
        pointed at on the line of the subject or body that holds it."""
        section: KeyPath = ("communications",)
        if not isinstance(self.value(section), dict):
            return
        self.ids(*section, "messages", noun="message")  # type: ignore[arg-type]
        sender = _text(self.value(section + ("sender",)))
        if sender is not None and not _one_address(sender):
            self.error(section + ("sender",), f"sender '{excerpt(sender)}' is not one e-mail address",
                       "write one address on one line, e.g. mentoring@example.org or"
                       " \"Mentoring team <mentoring@example.org>\" (in quotes)")
        known = roles + [group for group in RECIPIENT_GROUPS if group not in roles]
        modules = [t for p, m in self.items("training") if (t := _text(m.get("id")))]
        surveys = [t for p, s in self.items("feedback", "surveys") if (t := _text(s.get("id")))]
        for path, message in self.items(*section, "messages"):  # type: ignore[arg-type]
            self.refs(path + ("to",), known, "recipient")
            to = {text for _, text in self.texts(path + ("to",))}
            found = message.get("when")
            when: dict[str, Any] = found if isinstance(found, dict) else {}
            self.ref(path + ("when", "module"), modules, "module")
            self.ref(path + ("when", "survey"), surveys, "survey")
            if when.get("event") == "checkins" and not self.value(("checkins",)):
                self.error(path + ("when", "event"), "the message is timed from each check-in, but the program has"
                           " no check-ins", "add a checkins: section, or time the message by `week:`")
            if "sponsor" in to and not isinstance(self.value(("program", "sponsor")), dict):
                self.warn(path + ("to",), "the message goes to the sponsor, but program.sponsor is not given",
                          "add `sponsor:` under `program:` with their title and name")
            for key in ("subject", "body"):
                self.placeholders(path + (key,), to, when)

    def placeholders(self, path: KeyPath, to: set[str], when: dict[str, Any]) -> None:
        text = _text(self.value(path))
        if text is None:
            return
        personal = bool(to) and to <= set(PERSONAL_RECIPIENTS)
        reported: set[str] = set()
        for match in PLACEHOLDER.finditer(text):
            name = match.group(1)
            if name is None or name in reported:
                continue
            reported.add(name)
            problem = None
            if name not in PLACEHOLDERS:
                hint = _did_you_mean(name, PLACEHOLDERS).replace("'", "")
                hint = hint.replace("did you mean ", "did you mean {").replace("?", "}?") if hint else ""
                problem = (f"unknown placeholder {{{name}}}",
                           (hint + " " if hint else "") + "the placeholders are "
                           + ", ".join(f"{{{known}}}" for known in PLACEHOLDERS) + "; write {{ and }} for a brace")
            elif name in PERSONAL_PLACEHOLDERS and not personal:
                problem = (f"placeholder {{{name}}} is filled from the pairs file, but the message goes to "
                           + ", ".join(sorted(to - set(PERSONAL_RECIPIENTS))),
                           "use it only in messages to mentor, mentee or pairs, or write the text without it")
            elif name.startswith(("module_", "survey_")) and not when.get(name.split("_")[0]):
                kind = name.split("_")[0]
                problem = (f"placeholder {{{name}}} needs a message timed from a {kind}",
                           f"time the message with `when: {{{kind}: <id>}}`, or remove the placeholder")
            elif name == "first_meeting_url" and not (self.folder / FIRST_MEETING_GUIDE).is_file():
                problem = (f"placeholder {{{name}}} links to {FIRST_MEETING_GUIDE}, which the program folder does"
                           " not have", f"write the guide as {FIRST_MEETING_GUIDE}, or remove the placeholder")
            if problem is not None:
                self.errors.append(self._at_placeholder(path, match.group(0), *problem))

    def _at_placeholder(self, path: KeyPath, token: str, message: str, fix: str) -> Problem:
        """A problem on the line and column of `token` inside the (multi-line) value at `path`."""
        problem = self.doc.problem(path, message, fix)
        lines = self.doc.lines
        if problem.line is None or not lines:
            return problem
        for number in range(problem.line, min(len(lines), problem.line + 2000) + 1):
            start = (problem.column or 1) - 1 if number == problem.line else 0
            column = lines[number - 1].find(token, start)
            if column >= 0:
                return dataclasses.replace(problem, line=number, column=column + 1)
        return problem



def _one_address(text: str) -> bool:
    """Whether `text` is one e-mail address, with or without a name, as a From header holds it."""
    if "\n" in text or "\r" in text or text.count("@") != 1:
        return False
    header = email.policy.SMTP.header_factory("From", text)
    addresses: tuple[Any, ...] = tuple(getattr(header, "addresses", ()))
    return not header.defects and len(addresses) == 1 and bool(addresses[0].domain)


EXPORT_HOLDS = ("role", "respondent", "ignore")
"""What an export column may hold besides a question (`Survey.export.columns[].holds`)."""
RESPONSE_COLUMNS = ("respondent", "role", "survey")
"""Columns of a survey's response file that are not questions (evaluation/responses.py); `role` is also
the survey form's field for the respondent's role."""
MIN_CONTRAST = 4.5
"""WCAG 2 AA's contrast for body text, against the white of the page."""
_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def _run_text(module: Any, run: Any) -> str:
    """"module 'x' (Tue 9 Jun 2026, 09:30-12:40)": a session as `validate` names it."""
    when = f"{format_date(run.date)}, {run.start:%H:%M}-{run.end:%H:%M}"
    return f"module '{module.id}'{f' run {run.number}' if run.number > 1 else ''} ({when})"


def _floor(ratio: float) -> str:
    """A contrast ratio to one decimal, rounded down, so 4.46 never reads as the 4.5 it misses."""
    return f"{int(ratio * 10) / 10:.1f}"


def _luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a #rrggbb colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    """WCAG 2's contrast ratio of a #rrggbb colour against white: 1 (white) to 21 (black)."""
    return 1.05 / (_luminance(colour) + 0.05)


def darker(colour: str) -> str:
    """The lightest shade of a colour (each channel scaled by one factor) with the contrast WCAG AA asks on white."""
    channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    for step in range(100, -1, -1):
        shade = "#" + "".join(f"{round(c * step / 100):02x}" for c in channels)
        if contrast_with_white(shade) >= MIN_CONTRAST:
            return shade
    return "#000000"
