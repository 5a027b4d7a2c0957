"""The report's figures: checked responses in, every figure out, small groups suppressed. Pure, no I/O.

How a measure's observed value is computed from its question (`RULES`, also in the report):
- a scale question with unit "%": the share of respondents answering in the top two points of
  the scale (the top point only on a scale of three or fewer points), in percent;
- any other scale question: the mean answer, the scale's labels valued 1 to n;
- a text question: the number of respondents who wrote an answer (with unit "%", their share
  of the respondents of the surveys that ask it);
- a measure without a question is measured outside the surveys and only listed.
Responses of every survey held at one moment that asks the question are pooled. A measure's
status is read at the latest moment it names (`when`) after the baseline that has responses:
met when the value, rounded as shown, reaches the target (or falls to it, when the target is
below the baseline: lower is better).

Privacy: a figure is shown only when every group it is made of (the respondents of one role
in one survey) has at least `feedback.min_group_size` answers; otherwise it reads "fewer than N
responses: not shown". Requiring it of every group, not just of the total, means a hidden
group's answers can never be worked out by subtracting one shown figure from another.
A group whose answers to a scale question are all the same value is withheld the same way
("all answers the same: not shown"): its share (100% or 0%), mean or distribution would tell
each member's answer, however large the group. Free-text answers follow the size rule, are
listed in alphabetical order rather than the order they were given, and never carry a
respondent id or role.

The figures are computed from counts (`responses.Tally`), and `Report` holds figures only:
no response, respondent or count of a withheld group. It is all the report template is
given, so a program's own template (templates/report/report.html.j2) cannot print more than
the packaged one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from ..program.model import Goal, Measure, Program, Question, Role, Scale, Survey
from .responses import GroupKey, Responses, Tally

MOMENTS = ("baseline", "midpoint", "end")
MOMENT_NAMES = {"baseline": "Baseline", "midpoint": "Midpoint", "end": "End"}

Rule = Literal["share", "mean", "count", "outside"]
RULES: dict[Rule, str] = {
    "share": "the share of respondents answering in the top two points of the scale (the top point only on a"
    " scale of three or fewer points), in percent",
    "mean": "the mean answer, the scale's labels valued 1 (lowest) to n (highest)",
    "count": "the number of respondents who wrote an answer (with unit %: their share of the survey's respondents)",
    "outside": "measured outside the surveys; its figures come from the figures file (measure, when, value, source)",
}
"""How a measure's observed value comes from its question, by kind of measure."""


def suppressed_note(size: int) -> str:
    """The note shown in place of a figure over too few respondents."""
    return f"fewer than {size} responses: not shown"


UNANIMOUS_NOTE = "all answers the same: not shown"
"""The note shown in place of a figure over a group that gave one answer, which would tell each one's answer."""


# --- numbers -------------------------------------------------------------------------------


def round_half_up(value: Fraction, digits: int) -> float:
    """Round as people do (2.345 -> 2.35), exactly, on the fraction itself."""
    scale: int = 10**digits
    shifted = value * scale + Fraction(1, 2)
    return (shifted.numerator // shifted.denominator) / scale


def plain(number: float) -> str:
    """A number as written in program.yaml: 29 not 29.0, 2.6 as 2.6."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def with_unit(text: str, unit: str | None) -> str:
    """A figure and its unit: 73.3%, 3.87 points out of 5."""
    if not unit:
        return text
    return text + unit if unit.strip() == "%" else f"{text} {unit.strip()}"


def top_values(scale: Scale) -> tuple[int, ...]:
    """The scale values that count as a favourable answer: the top two, or the top one on a short scale."""
    size = len(scale.labels)
    return tuple(range(size - 1, size + 1)) if size >= 4 else (size,)


# --- figures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stat:
    """A figure over some groups of respondents: its value, or why there is none."""

    n: int
    """Respondents it is computed over."""
    value: float | None
    """Rounded as shown; None when there were no answers or the figure is suppressed."""
    suppressed: bool = False
    text: str = ""
    """The figure as shown, unit included, or the reason it is not."""


@dataclass(frozen=True)
class MomentValue:
    """A measure's observed value at one moment."""

    moment: str
    surveys: tuple[str, ...]
    """Ids of the surveys of that moment that ask the measure's question."""
    stat: Stat
    source: str = ""
    """Where a figure gathered outside the surveys comes from, as the figures file says."""


@dataclass(frozen=True)
class MeasureResult:
    """A goal's measure against its baseline and target."""

    goal: Goal
    index: int
    measure: Measure
    rule: Rule
    rule_text: str
    """The rule applied to this measure, with the scale points spelled out."""
    values: tuple[MomentValue, ...]
    status: Literal["met", "not-met", "pending", "suppressed", "outside"]
    status_text: str
    lower_is_better: bool
    chart: Chart | None


@dataclass(frozen=True)
class GoalResult:
    """A goal, its measures, and whether its survey measures are met."""

    goal: Goal
    measures: tuple[MeasureResult, ...]
    status: Literal["met", "partly", "not-met", "pending"]
    status_text: str


@dataclass(frozen=True)
class Participation:
    """How many of one role answered one survey."""

    survey: Survey
    role: Role
    responded: int
    invited: int | None
    rate: str
    """Responded as a share of invited, e.g. "75.0%", or "" when the number invited is not known."""


@dataclass(frozen=True)
class Change:
    """One role's answers to one question at the baseline and at the end."""

    question: Question
    role: Role
    before_mean: Stat
    after_mean: Stat
    mean_change: str
    before_share: Stat
    after_share: Stat
    share_change: str
    """In percentage points."""


@dataclass(frozen=True)
class Segment:
    """One scale point of a distribution bar (SVG units: the bar is 100 wide)."""

    value: int
    label: str
    count: int
    percent: str
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Distribution:
    """How one group answered one scale question of one survey."""

    group: str
    """"All respondents" or a role's name."""
    key: str
    """"all" or the role id: part of the figure's id in the HTML."""
    n: int
    suppressed: bool
    segments: tuple[Segment, ...]
    mean: str
    note: str = ""
    """Why it is not shown, when suppressed."""


@dataclass(frozen=True)
class QuestionDistributions:
    """A scale question of a survey: every respondent, then each role when the survey has several."""

    survey: Survey
    question: Question
    scale: Scale
    rows: tuple[Distribution, ...]


@dataclass(frozen=True)
class TextGroup:
    """The free-text answers to a question in one survey, in alphabetical order."""

    survey: Survey
    answers: tuple[str, ...]
    suppressed: bool


@dataclass(frozen=True)
class TextQuestion:
    """A free-text question and its answers, survey by survey."""

    question: Question
    groups: tuple[TextGroup, ...]


@dataclass(frozen=True)
class Bar:
    """One bar of a measure chart (SVG units: the plot is 100 wide)."""

    label: str
    width: float
    text: str


@dataclass(frozen=True)
class Chart:
    """A measure's bars per moment with its baseline and target marks."""

    low: str
    high: str
    bars: tuple[Bar, ...]
    target_x: float
    baseline_x: float | None


@dataclass(frozen=True)
class FileAccount:
    """What became of one response file's rows: counts and reasons, as the report lists them."""

    file: str
    survey: str
    rows: int
    used: int
    left_out: Mapping[str, int]
    """Reason -> rows left out for it."""


@dataclass(frozen=True)
class Report:
    """Every figure of the evaluation report, ready to lay out."""

    program: Program
    min_group_size: int
    suppressed_note: str
    unanimous_note: str
    goals: tuple[GoalResult, ...]
    participation: tuple[Participation, ...]
    changes: tuple[Change, ...]
    distributions: tuple[QuestionDistributions, ...]
    texts: tuple[TextQuestion, ...]
    files: tuple[FileAccount, ...]
    """What became of each response file's rows."""
    rules: Mapping[Rule, str]
    used: int
    """Responses used across all surveys."""
    left_out: int
    """Rows left out across all files."""


class _Figures:
    """Computes figures over (survey, role) groups, suppressing any figure that has a small or unanimous group."""

    def __init__(self, program: Program, responses: Responses) -> None:
        self.program = program
        self.size = program.feedback.min_group_size
        self.note = suppressed_note(self.size)
        self.responses = responses
        self.surveys = {survey.id: survey for survey in program.feedback.surveys}
        self.questions = {question.id: question for question in program.feedback.questions}
        self.scales = {scale.id: scale for scale in program.feedback.scales}
        self.outside: dict[tuple[str, int], dict[str, tuple[float, str]]] = {}
        """(goal id, measure index) -> moment -> (value, source), from the figures file."""
        for given in responses.outside:
            self.outside.setdefault((given.goal, given.index), {})[given.moment] = (given.value, given.source)

    def groups(self, surveys: Sequence[Survey], role: str | None = None) -> dict[GroupKey, Tally]:
        """The tallies of each (survey, role) group that has responses, optionally of one role only."""
        wanted = {survey.id for survey in surveys}
        return {key: tally for key, tally in self.responses.groups.items()
                if key[0] in wanted and (role is None or key[1] == role) and tally.respondents}

    @staticmethod
    def counts(groups: Mapping[GroupKey, Tally], question: str) -> dict[GroupKey, Counter[int]]:
        """Each group's answers to a scale question: value -> respondents."""
        return {key: tally.scale.get(question, Counter()) for key, tally in groups.items()}

    def hidden(self, sizes: Iterable[int]) -> bool:
        """True when any group that has answers is smaller than the minimum group size."""
        return any(0 < size < self.size for size in sizes)

    def withheld(self, counts: Iterable[Counter[int]]) -> str:
        """Why a figure over these groups' scale answers is not shown ("" when it is)."""
        counts = list(counts)
        if self.hidden(c.total() for c in counts):
            return self.note
        if any(sum(1 for n in c.values() if n) == 1 for c in counts):
            return UNANIMOUS_NOTE
        return ""

    def _shown(self, counts: Mapping[GroupKey, Counter[int]]) -> tuple[Counter[int], Stat | None]:
        """All groups' answers together, and the figure to show instead when there are none or too few."""
        total: Counter[int] = sum(counts.values(), Counter())
        n = total.total()
        if n == 0:
            return total, Stat(0, None, text="no responses")
        withheld = self.withheld(counts.values())
        return total, Stat(n, None, suppressed=True, text=withheld) if withheld else None

    def stat(self, counts: Mapping[GroupKey, Counter[int]], rule: Rule, scale: Scale, unit: str | None = None) -> Stat:
        """A share or mean over groups' answers to a scale question."""
        total, unshown = self._shown(counts)
        n = total.total()
        if unshown:
            return unshown
        if rule == "share":
            top = top_values(scale)
            value = round_half_up(Fraction(100 * sum(total[v] for v in top), n), 1)
            return Stat(n, value, text=with_unit(f"{value:.1f}", "%"))
        value = round_half_up(Fraction(sum(v * c for v, c in total.items()), n), 2)
        return Stat(n, value, text=with_unit(f"{value:.2f}", unit))

    def yes(self, counts: Mapping[GroupKey, Counter[int]], scale: Scale, unit: str | None) -> Stat:
        """Respondents answering the top point of a yes/no scale ("Yes"), withheld like any scale figure."""
        total, unshown = self._shown(counts)
        n = total.total()
        if unshown:
            return unshown
        count = sum(total[v] for v in top_values(scale))
        return Stat(n, float(count), text=with_unit(str(count), None if (unit or "").strip() == "%" else unit))

    def count(self, groups: Mapping[GroupKey, Tally], question: str, unit: str | None) -> Stat:
        """Respondents who wrote an answer to a text question (with unit %, their share of the respondents)."""
        sizes = [tally.respondents for tally in groups.values()]
        n = sum(sizes)
        if n == 0:
            return Stat(0, None, text="no responses")
        if self.hidden(sizes):
            return Stat(n, None, suppressed=True, text=self.note)
        count = sum(len(tally.texts.get(question, ())) for tally in groups.values())
        if (unit or "").strip() == "%":
            share = round_half_up(Fraction(100 * count, n), 1)
            return Stat(n, share, text=with_unit(f"{share:.1f}", "%"))
        return Stat(n, float(count), text=with_unit(str(count), unit))


def _rule(measure: Measure, question: Question | None) -> Rule:
    if question is None:
        return "outside"
    if measure.statistic is not None:
        return measure.statistic
    if question.kind == "text":
        return "count"
    return "share" if (measure.unit or "").strip() == "%" else "mean"


def _rule_text(rule: Rule, question: Question | None, scale: Scale | None, measure_unit: str | None) -> str:
    if rule == "outside" or question is None:
        return RULES["outside"]
    if rule == "share" and scale is not None:
        top = top_values(scale)
        labels = " or ".join(f"'{scale.labels[v - 1]}'" for v in top)
        points = " or ".join(str(v) for v in top)
        return f"share answering {labels} ({points} of {len(scale.labels)}) to question '{question.id}'"
    if rule == "mean" and scale is not None:
        return f"mean answer to question '{question.id}', from 1 ('{scale.labels[0]}') to {len(scale.labels)}" \
               f" ('{scale.labels[-1]}')"
    if scale is not None:
        labels = " or ".join(f"'{scale.labels[v - 1]}'" for v in top_values(scale))
        return f"respondents answering {labels} to question '{question.id}'"
    if (measure_unit or "").strip() == "%":
        return f"share of respondents who answered question '{question.id}'"
    return f"respondents who answered question '{question.id}'"


def _measure(figures: _Figures, goal: Goal, index: int, measure: Measure) -> MeasureResult:
    question = figures.questions.get(measure.question or "")
    scale = figures.scales.get(question.scale or "") if question else None
    rule = _rule(measure, question)
    lower = measure.baseline is not None and measure.target < measure.baseline
    moments = [m for m in MOMENTS if m in measure.when]
    values = []
    if question is None:
        given = figures.outside.get((goal.id, index), {})
        for moment in moments:
            if moment in given:
                value, source = given[moment]
                values.append(MomentValue(moment, (), Stat(1, value, text=with_unit(plain(value), measure.unit)),
                                          source))
            else:
                values.append(MomentValue(moment, (), Stat(0, None, text="not given")))
    else:
        for moment in moments:
            surveys = [s for s in figures.surveys.values() if s.moment == moment and question.id in s.questions
                       and (measure.role is None or measure.role in s.audience)]
            if not surveys:
                values.append(MomentValue(moment, (), Stat(0, None, text="not asked at this moment")))
                continue
            groups = figures.groups(surveys, measure.role)
            if scale is None:
                stat = figures.count(groups, question.id, measure.unit)
            elif rule == "count":
                stat = figures.yes(figures.counts(groups, question.id), scale, measure.unit)
            else:
                stat = figures.stat(figures.counts(groups, question.id), rule, scale, measure.unit)
            values.append(MomentValue(moment, tuple(s.id for s in surveys), stat))
    status, status_text = _status(figures, measure, rule, values, lower)
    rule_text = _rule_text(rule, question, scale, measure.unit)
    return MeasureResult(goal, index, measure, rule, rule_text, tuple(values), status, status_text, lower,
                         _chart(measure, rule, scale, values))


def _status(figures: _Figures, measure: Measure, rule: Rule, values: Sequence[MomentValue],
            lower: bool) -> tuple[Literal["met", "not-met", "pending", "suppressed", "outside"], str]:
    """Met or not at the latest moment after the baseline (or the only moments named) with responses."""
    if rule == "outside" and not any(v.stat.value is not None for v in values):
        return "outside", "measured outside the surveys: no figure given yet"
    later = [v for v in values if v.moment != "baseline"] or list(values)
    answered = [v for v in later if v.stat.n > 0]
    if not answered:
        return "pending", "not measured yet"
    latest = answered[-1]
    if latest.stat.suppressed or latest.stat.value is None:
        return "suppressed", latest.stat.text
    at = MOMENT_NAMES[latest.moment].lower()
    met = latest.stat.value <= measure.target if lower else latest.stat.value >= measure.target
    return ("met", f"met at {at}") if met else ("not-met", f"not met at {at}")


def _chart(measure: Measure, rule: Rule, scale: Scale | None, values: Sequence[MomentValue]) -> Chart | None:
    """Bars per moment on the measure's natural axis: 0-100%, 1-n, or 0 up to the largest count."""
    shown = [v for v in values if v.stat.value is not None]
    if rule == "outside" and not shown:
        return None
    percent = rule == "share" or ((measure.unit or "").strip() == "%" and rule != "count")
    if percent:
        low, high = 0.0, 100.0
    elif rule == "mean" and scale is not None:
        low, high = 1.0, float(len(scale.labels))
    else:
        numbers = [measure.target, measure.baseline or 0.0] + [v.stat.value or 0.0 for v in shown]
        low, high = 0.0, float(max(numbers) or 1) * 1.1

    def x(value: float) -> float:
        return round(100 * min(max((value - low) / (high - low), 0.0), 1.0), 2)

    bars = tuple(Bar(MOMENT_NAMES[v.moment], x(v.stat.value or low), v.stat.text) for v in shown)
    baseline = x(measure.baseline) if measure.baseline is not None else None
    unit = "%" if percent else None
    return Chart(with_unit(plain(low), unit), with_unit(plain(round(high, 2)), unit), bars, x(measure.target), baseline)


def _goal(figures: _Figures, goal: Goal) -> GoalResult:
    """Met when every measure with a figure (from the surveys or the figures file) is met; the others are
    counted, not guessed."""
    measures = tuple(_measure(figures, goal, index, measure) for index, measure in enumerate(goal.measures))
    decided = [m for m in measures if m.status in ("met", "not-met")]
    met = sum(1 for m in decided if m.status == "met")
    details = [f"{met} of {len(decided)} measure{'s' if len(decided) != 1 else ''} met"] if decided else []
    for reason in dict.fromkeys(m.status_text for m in measures if m.status == "suppressed"):
        count = sum(1 for m in measures if m.status == "suppressed" and m.status_text == reason)
        details.append(f"{count} not shown ({reason})")
    for status, words in (("pending", "not measured yet"), ("outside", "measured outside the surveys, no figure given")):
        count = sum(1 for m in measures if m.status == status)
        if count:
            details.append(f"{count} {words}")
    state: Literal["met", "partly", "not-met", "pending"]
    if not decided:
        # "no figures yet" would contradict a figure shown below it (a baseline, a figure withheld is none)
        shown = any(v.stat.value is not None for m in measures for v in m.values)
        state, head = "pending", "not decided yet" if shown else "no figures yet"
    elif met == len(decided):
        state, head = "met", "met"
    else:
        state, head = ("partly", "partly met") if met else ("not-met", "not met")
    return GoalResult(goal, measures, state, head + (": " + "; ".join(details) if details else ""))


def _participation(figures: _Figures, invited: Mapping[str, int]) -> list[Participation]:
    rows = []
    for survey in figures.surveys.values():
        for role_id in survey.audience:
            tally = figures.responses.groups.get((survey.id, role_id))
            responded = tally.respondents if tally else 0
            asked = invited.get(role_id)
            rate = f"{round_half_up(Fraction(100 * responded, asked), 1):.1f}%" if asked else ""
            rows.append(Participation(survey, figures.program.role(role_id), responded, asked, rate))
    return rows


def _changes(figures: _Figures) -> list[Change]:
    changes = []
    for question in figures.questions.values():
        if question.kind != "scale":
            continue
        scale = figures.scales[question.scale or ""]
        before_surveys = [s for s in figures.surveys.values() if s.moment == "baseline" and question.id in s.questions]
        after_surveys = [s for s in figures.surveys.values() if s.moment == "end" and question.id in s.questions]
        for role in figures.program.roles:
            before = [s for s in before_surveys if role.id in s.audience]
            after = [s for s in after_surveys if role.id in s.audience]
            if not before or not after:
                continue
            b = figures.counts(figures.groups(before, role.id), question.id)
            a = figures.counts(figures.groups(after, role.id), question.id)
            bm, am = figures.stat(b, "mean", scale), figures.stat(a, "mean", scale)
            bs, as_ = figures.stat(b, "share", scale), figures.stat(a, "share", scale)
            changes.append(Change(question, role, bm, am, _delta(bm, am, "{:+.2f}"), bs, as_,
                                  _delta(bs, as_, "{:+.1f} points")))
    return changes


def _delta(before: Stat, after: Stat, form: str) -> str:
    if before.value is None or after.value is None:
        return "-"
    return form.format(round(after.value - before.value, 2))


_LOW, _MID, _HIGH = (0.80, 0.35, 0.30), (0.62, 0.62, 0.62), (0.13, 0.45, 0.55)


def palette(size: int) -> list[str]:
    """Colours from an unfavourable red through grey to a favourable teal, one per scale point."""
    colours = []
    for i in range(size):
        t = i / (size - 1)
        start, end, u = (_LOW, _MID, t * 2) if t <= 0.5 else (_MID, _HIGH, t * 2 - 1)
        rgb = [a + (b - a) * u for a, b in zip(start, end, strict=True)]
        colours.append("#" + "".join(f"{round(c * 255):02x}" for c in rgb))
    return colours


def _distribution(figures: _Figures, scale: Scale, counts: Mapping[GroupKey, Counter[int]], name: str,
                  key: str) -> Distribution:
    total: Counter[int] = sum(counts.values(), Counter())
    n = total.total()
    if n == 0:
        return Distribution(name, key, 0, False, (), "")
    withheld = figures.withheld(counts.values())
    if withheld:
        return Distribution(name, key, n, True, (), "", withheld)
    segments, x = [], 0.0
    for value, (label, colour) in enumerate(zip(scale.labels, palette(len(scale.labels)), strict=True), start=1):
        count = total[value]
        share = Fraction(100 * count, n)
        width = float(share)
        segments.append(Segment(value, label, count, f"{round_half_up(share, 1):.1f}%", round(x, 3),
                                round(width, 3), colour))
        x += width
    mean = round_half_up(Fraction(sum(v * c for v, c in total.items()), n), 2)
    return Distribution(name, key, n, False, tuple(segments), f"{mean:.2f}")


def _distributions(figures: _Figures) -> list[QuestionDistributions]:
    result = []
    for survey in figures.surveys.values():
        for question_id in survey.questions:
            question = figures.questions[question_id]
            if question.kind != "scale":
                continue
            scale = figures.scales[question.scale or ""]
            rows = [_distribution(figures, scale, figures.counts(figures.groups([survey]), question_id),
                                  "All respondents", "all")]
            if len(survey.audience) > 1:
                for role_id in survey.audience:
                    counts = figures.counts(figures.groups([survey], role_id), question_id)
                    rows.append(_distribution(figures, scale, counts, figures.program.role(role_id).name, role_id))
            result.append(QuestionDistributions(survey, question, scale, tuple(rows)))
    return result


def _texts(figures: _Figures) -> list[TextQuestion]:
    result = []
    for question in figures.questions.values():
        if question.kind != "text":
            continue
        groups = []
        for survey in figures.surveys.values():
            if question.id not in survey.questions:
                continue
            tallies = figures.groups([survey]).values()
            sizes = [tally.respondents for tally in tallies]
            answers = [answer for tally in tallies for answer in tally.texts.get(question.id, ())]
            if figures.hidden(sizes):
                groups.append(TextGroup(survey, (), True))
            else:
                groups.append(TextGroup(survey, tuple(sorted(answers, key=lambda a: (a.casefold(), a))), False))
        result.append(TextQuestion(question, tuple(groups)))
    return result


def compute(program: Program, responses: Responses, invited: Mapping[str, int] | None = None) -> Report:
    """Every figure of the report from checked responses. Pure: it reads and writes nothing."""
    figures = _Figures(program, responses)
    return Report(
        program=program,
        min_group_size=figures.size,
        suppressed_note=figures.note,
        unanimous_note=UNANIMOUS_NOTE,
        goals=tuple(_goal(figures, goal) for goal in program.goals),
        participation=tuple(_participation(figures, invited or {})),
        changes=tuple(_changes(figures)),
        distributions=tuple(_distributions(figures)),
        texts=tuple(_texts(figures)),
        files=tuple(FileAccount(f.file, f.survey, f.rows, f.used, dict(f.left_out)) for f in responses.files),
        rules=RULES,
        used=responses.used,
        left_out=responses.left_out,
    )
