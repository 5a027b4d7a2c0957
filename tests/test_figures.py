"""The report's figures on their own (evaluation/figures.py): each rule, its wording, the privacy
threshold at one respondent and at none, and numbers as the report prints them. Responses are
built in memory, so this runs in a blink (and for every mutant of the module)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from toolkit.evaluation.figures import Report, compute, palette, plain, round_half_up, top_values, with_unit
from toolkit.evaluation.report import render_html
from toolkit.evaluation.responses import Response, Responses, read_responses
from toolkit.program.model import Program, Scale
from toolkit.program.validate import load_program

from conftest import program_yaml, write_program
from test_report import PROGRAM, SURVEY_QUESTIONS, write_csv

FEEDBACK = {
    "scales": [{"id": "three", "labels": ["No", "Maybe", "Yes"]},
               {"id": "four", "labels": ["Never", "Rarely", "Often", "Always"]},
               {"id": "yesno", "labels": ["No", "Yes"]}],
    "questions": [{"id": "ready", "text": "I am ready.", "scale": "three"},
                  {"id": "often", "text": "I use it.", "scale": "four"},
                  {"id": "story", "text": "Tell us one thing.", "kind": "text"},
                  {"id": "tried", "text": "I tried something new.", "scale": "yesno"}],
    "surveys": [{"id": "start", "title": "Start", "moment": "baseline", "week": 1, "audience": ["mentor", "mentee"],
                 "questions": ["ready", "often", "story", "tried"]},
                {"id": "end", "title": "End", "moment": "end", "week": 12, "audience": ["mentor", "mentee"],
                 "questions": ["ready", "often", "story", "tried"]}],
    "min_group_size": 2,
}
GOALS = [{"id": "ready", "title": "Ready", "description": "People are ready.", "measures": [
    {"metric": "Share ready", "unit": "%", "target": 50, "method": "Surveys", "question": "ready"},
    {"metric": "Mean use", "target": 3, "method": "Surveys", "question": "often"},
    {"metric": "Stories told", "target": 2, "method": "Surveys", "question": "tried", "statistic": "count",
     "when": ["end"]},
    {"metric": "Share with a story", "unit": "%", "target": 50, "method": "Surveys", "question": "tried",
     "when": ["end"]},
    {"metric": "Share using it", "unit": "%", "baseline": 80, "target": 40, "method": "Surveys", "question": "often"},
    {"metric": "Promotions", "target": 1, "method": "HR records", "id": "promotions"},
]}]


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Program:
    folder = write_program(tmp_path_factory.mktemp("figures") / "prog",
                           program_yaml(goals=GOALS, feedback=FEEDBACK, training=None, checkins=None))
    return load_program(folder).program


def answers(survey: str, role: str, rows: Iterable[dict[str, int | str]]) -> Iterator[Response]:
    for number, given in enumerate(rows):
        yield Response(f"{survey}-{role}-{number}", role, given)


def report(program: Program, **surveys: list[Response]) -> Report:
    return compute(program, Responses.of(surveys))


def stats(result: Report) -> dict[str, list[str]]:
    return {m.measure.metric: [f"{v.moment}:{v.stat.n}:{v.stat.text}" for v in m.values]
            for goal in result.goals for m in goal.measures}


def test_each_rule_gives_its_figure_in_the_words_the_report_prints(program: Program) -> None:
    start = [*answers("start", "mentor", [{"ready": 3, "often": 4}, {"ready": 1, "often": 3}]),
             *answers("start", "mentee", [{"ready": 2, "often": 1, "story": "  "}, {"ready": 3, "often": 2}])]
    end = [*answers("end", "mentor", [{"ready": 3, "often": 4, "story": "I ask", "tried": 2},
                                      {"ready": 2, "often": 3, "tried": 1}]),
           *answers("end", "mentee", [{"ready": 3, "often": 3, "story": "I try", "tried": 2},
                                      {"ready": 1, "often": 2, "tried": 1}])]
    result = report(program, start=start, end=end)
    assert stats(result) == {
        "Share ready": ["baseline:4:50.0%", "end:4:50.0%"],  # 3 of 3 ("Yes") only: a 3-point scale's top point
        "Mean use": ["baseline:4:2.50", "end:4:3.00"],
        "Stories told": ["end:4:2"],
        "Share with a story": ["end:4:50.0%"],
        "Share using it": ["baseline:4:50.0%", "end:4:75.0%"],  # 3 or 4 of 4: the top two points
        "Promotions": ["baseline:0:not given", "end:0:not given"],
    }
    measures = {m.measure.metric: m for goal in result.goals for m in goal.measures}
    assert {name: (m.rule, m.rule_text) for name, m in measures.items()} == {
        "Share ready": ("share", "share answering 'Yes' (3 of 3) to question 'ready'"),
        "Mean use": ("mean", "mean answer to question 'often', from 1 ('Never') to 4 ('Always')"),
        "Stories told": ("count", "respondents answering 'Yes' to question 'tried'"),
        "Share with a story": ("share", "share answering 'Yes' (2 of 2) to question 'tried'"),
        "Share using it": ("share", "share answering 'Often' or 'Always' (3 or 4 of 4) to question 'often'"),
        "Promotions": ("outside", "measured outside the surveys; its figures come from the figures file (measure,"
                       " when, value, source)"),
    }
    assert {name: m.status for name, m in measures.items()} == {
        "Share ready": "met", "Mean use": "met", "Stories told": "met", "Share with a story": "met",
        "Share using it": "not-met", "Promotions": "outside"}
    assert measures["Share using it"].lower_is_better and not measures["Share ready"].lower_is_better


def test_each_measure_is_drawn_on_its_natural_axis_and_the_goal_says_what_was_met(program: Program) -> None:
    start = list(answers("start", "mentor", [{"ready": 3, "often": 4}, {"ready": 1, "often": 3}]))
    end = list(answers("end", "mentor", [{"ready": 3, "often": 4, "story": "I ask", "tried": 2},
                                         {"ready": 2, "often": 1, "story": "I try", "tried": 1}]))
    (goal,) = report(program, start=start, end=end).goals
    charts = {m.measure.metric: m.chart for m in goal.measures}
    share = charts["Share ready"]
    assert share is not None and (share.low, share.high, share.target_x, share.baseline_x) == ("0%", "100%", 50.0, None)
    assert [(bar.label, bar.width, bar.text) for bar in share.bars] == [("Baseline", 50.0, "50.0%"), ("End", 50.0,
                                                                                                       "50.0%")]
    mean = charts["Mean use"]  # from 1 to 4: a mean of 3.5 sits five sixths of the way
    assert mean is not None and (mean.low, mean.high, mean.target_x) == ("1", "4", 66.67)
    assert [(bar.label, bar.width) for bar in mean.bars] == [("Baseline", 83.33), ("End", 50.0)]
    count = charts["Stories told"]  # from 0 to 1.1 times the largest of target and values
    assert count is not None and (count.low, count.high, count.target_x) == ("0", "2.2", 90.91)
    assert [(bar.label, bar.width, bar.text) for bar in count.bars] == [("End", 45.45, "1")]
    lower = charts["Share using it"]
    assert lower is not None and (lower.target_x, lower.baseline_x) == (40.0, 80.0)
    assert charts["Promotions"] is None
    statuses = {m.measure.metric: (m.status, m.status_text) for m in goal.measures}
    assert statuses == {
        "Share ready": ("met", "met at end"), "Mean use": ("not-met", "not met at end"),
        "Stories told": ("not-met", "not met at end"),
        "Share with a story": ("met", "met at end"), "Share using it": ("not-met", "not met at end"),
        "Promotions": ("outside", "measured outside the surveys: no figure given yet")}
    assert (goal.status, goal.status_text) == ("partly", "partly met: 2 of 5 measures met; 1 measured outside the"
                                                         " surveys, no figure given")


def test_a_goal_with_no_figure_yet_is_pending_and_a_hidden_one_says_why(program: Program) -> None:
    (pending,) = report(program).goals
    assert (pending.status, pending.status_text) == ("pending", "no figures yet: 5 not measured yet; 1 measured"
                                                                " outside the surveys, no figure given")
    (hidden,) = report(program, end=list(answers("end", "mentee", [{"ready": 3, "often": 4, "story": "x",
                                                                    "tried": 2}]))).goals
    assert [m.status for m in hidden.measures] == ["suppressed"] * 5 + ["outside"]
    assert hidden.status_text == ("no figures yet: 5 not shown (fewer than 2 responses: not shown); 1 measured"
                                  " outside the surveys, no figure given")
    alone = next(m for m in hidden.measures if m.status == "suppressed")
    assert alone.status_text == "fewer than 2 responses: not shown"


def test_the_colours_run_from_an_unfavourable_red_through_grey_to_a_favourable_teal() -> None:
    assert palette(2) == ["#cc594c", "#21738c"]
    assert palette(3) == ["#cc594c", "#9e9e9e", "#21738c"]
    assert palette(5) == ["#cc594c", "#b57c75", "#9e9e9e", "#608895", "#21738c"]
    assert palette(7) == ["#cc594c", "#bd7068", "#ad8783", "#9e9e9e", "#749098", "#4b8192", "#21738c"]


def test_rounding_is_half_up_on_the_exact_fraction() -> None:
    assert [round_half_up(Fraction(n, d), 2) for n, d in ((2345, 1000), (1, 3), (2, 3), (-1, 8), (5, 1))] == [
        2.35, 0.33, 0.67, -0.12, 5.0]
    assert round_half_up(Fraction(1, 2), 0) == 1.0 and round_half_up(Fraction(125, 1000), 2) == 0.13


def test_a_distribution_counts_every_point_of_the_scale(program: Program) -> None:
    end = list(answers("end", "mentor", [{"often": 4}, {"often": 4}, {"often": 1}, {"often": 3}]))
    rows = {(q.survey.id, q.question.id): q.rows for q in report(program, end=end).distributions}
    (everyone, mentors, mentees) = rows[("end", "often")]
    assert (everyone.key, everyone.group, everyone.n, everyone.suppressed, everyone.mean) == (
        "all", "All respondents", 4, False, "3.00")
    assert [(s.value, s.label, s.count, s.percent, s.x, s.width) for s in everyone.segments] == [
        (1, "Never", 1, "25.0%", 0.0, 25.0), (2, "Rarely", 0, "0.0%", 25.0, 0.0),
        (3, "Often", 1, "25.0%", 25.0, 25.0), (4, "Always", 2, "50.0%", 50.0, 50.0)]
    assert [segment.colour for segment in everyone.segments] == palette(4)
    assert (mentors.group, mentors.n, mentees.group, mentees.n, mentees.segments) == ("Mentor", 4, "Mentee", 0, ())
    assert rows[("start", "often")][0].segments == () and rows[("start", "often")][0].mean == ""


def test_participation_is_counted_per_survey_and_role_against_those_invited(program: Program) -> None:
    end = [*answers("end", "mentor", [{"ready": 1}] * 3), *answers("end", "mentee", [{"ready": 2}])]
    rows = compute(program, Responses.of({"end": end}), {"mentor": 8}).participation
    assert [(row.survey.id, row.role.id, row.responded, row.invited, row.rate) for row in rows] == [
        ("start", "mentor", 0, 8, "0.0%"), ("start", "mentee", 0, None, ""),
        ("end", "mentor", 3, 8, "37.5%"), ("end", "mentee", 1, None, "")]


def test_one_respondent_is_never_shown_and_an_empty_group_hides_nothing(program: Program) -> None:
    alone = report(program, end=list(answers("end", "mentor", [{"ready": 3, "often": 4, "story": "Only me"}])))
    assert stats(alone)["Share ready"] == ["baseline:0:no responses", "end:1:fewer than 2 responses: not shown"]
    assert all(row.suppressed for question in alone.distributions for row in question.rows if row.n)
    assert [group.suppressed for question in alone.texts for group in question.groups] == [False, True]
    both = report(program, end=list(answers("end", "mentor", [{"ready": 3}, {"ready": 1}])))
    assert stats(both)["Share ready"] == ["baseline:0:no responses", "end:2:50.0%"]
    rows = {(q.survey.id, q.question.id): [(r.key, r.n, r.suppressed) for r in q.rows] for q in both.distributions}
    assert rows[("end", "ready")] == [("all", 2, False), ("mentor", 2, False), ("mentee", 0, False)]


def test_a_change_from_baseline_to_end_is_given_per_role(program: Program) -> None:
    start = list(answers("start", "mentee", [{"ready": 1}, {"ready": 2}]))
    end = list(answers("end", "mentee", [{"ready": 3}, {"ready": 2}]))
    changes = {(c.question.id, c.role.id): c for c in report(program, start=start, end=end).changes}
    change = changes[("ready", "mentee")]
    assert (change.before_mean.text, change.after_mean.text, change.mean_change) == ("1.50", "2.50", "+1.00")
    assert (change.before_share.text, change.after_share.text, change.share_change) == ("0.0%", "50.0%",
                                                                                          "+50.0 points")
    assert changes[("ready", "mentor")].mean_change == "-"


@pytest.mark.parametrize("size, top", [(2, (2,)), (3, (3,)), (4, (3, 4)), (5, (4, 5)), (7, (6, 7))])
def test_the_top_of_a_scale_is_its_top_two_points_from_four_points_up(size: int, top: tuple[int, ...]) -> None:
    labels = tuple(f"point {n}" for n in range(1, size + 1))
    assert top_values(Scale(id="s", labels=labels)) == top


def test_numbers_print_plainly_with_their_unit() -> None:
    assert [plain(n) for n in (40.0, 2.5, 1_000_000.0, 0.0, 7)] == ["40", "2.5", "1000000", "0", "7"]
    assert [with_unit("40", unit) for unit in ("%", "points", None, "")] == [
        "40%", "40 points", "40", "40"]


def test_every_figure_of_two_identical_programs_is_identical(program: Program, tmp_path: Path) -> None:
    rows = [dict(zip(("ready", "often"), values, strict=True)) for values in itertools.product((1, 2, 3), (1, 4))]
    first = report(program, end=list(answers("end", "mentor", rows)))
    again = report(program, end=list(answers("end", "mentor", reversed(rows))))
    assert stats(first) == stats(again)


# --- the privacy threshold, at its edge ----------------------------------------------------------


@pytest.mark.parametrize("size", [4, 5, 6])  # min_group_size - 1, min_group_size, min_group_size + 1
def test_every_kind_of_figure_is_shown_from_the_minimum_group_size_and_hidden_below_it(
        size: int, tmp_path: Path) -> None:
    """Every group of every survey has exactly `size` respondents: measures (share, mean and count),
    changes from baseline to end, distributions and free-text answers all appear, or all are hidden."""
    folder = tmp_path / "responses"
    folder.mkdir()
    paths = []
    for survey, questions in SURVEY_QUESTIONS.items():
        roles = ["mentor", "mentee"] if survey == "pairs-midpoint" else ["mentor" if "mentor" in survey else "mentee"]
        header = ["respondent", *(["role"] if len(roles) > 1 else []), *questions]
        rows = [[f"{survey}-{role}-{n}", *([role] if len(roles) > 1 else []),
                 *(f"answer {n} of {role}" if question in ("change", "learned") else n % 5 + 1 for question in questions)]
                for role in roles for n in range(size)]
        paths.append(write_csv(folder / f"{survey}.csv", header, rows))
    program = load_program(write_program(tmp_path / "prog", PROGRAM)).program
    report = compute(program, read_responses(program, paths))
    hidden = size < report.min_group_size
    measures = [value.stat for goal in report.goals for measure in goal.measures for value in measure.values
                if measure.rule != "outside"]
    changes = [stat for change in report.changes
               for stat in (change.before_mean, change.after_mean, change.before_share, change.after_share)]
    distributions = [row for question in report.distributions for row in question.rows]
    texts = [group for question in report.texts for group in question.groups]
    assert len(measures) >= 8 and len(changes) == 8 and len(distributions) == 12 and len(texts) == 3
    assert [stat.suppressed for stat in measures + changes] == [hidden] * len(measures + changes)
    assert [stat.value is None for stat in measures + changes] == [hidden] * len(measures + changes)
    assert [row.suppressed for row in distributions] == [hidden] * len(distributions)
    assert [row.segments == () for row in distributions] == [hidden] * len(distributions)
    assert [group.suppressed for group in texts] == [hidden] * len(texts)
    page = render_html(report)
    assert ("answer 0 of mentee" in page) is not hidden
    assert ("answer 0 of mentor" in page) is not hidden


def test_figures_are_rounded_as_shown_and_counts_carry_their_unit(tmp_path: Path) -> None:
    goals = [{"id": "g", "title": "G", "description": "D.", "measures": [
        {"metric": "Share ready", "unit": "%", "target": 30, "method": "S", "question": "ready", "when": ["end"]},
        {"metric": "Mean use", "target": 1, "method": "S", "question": "often", "when": ["end"]},
        {"metric": "Stories", "unit": "stories", "target": 9, "method": "S", "question": "tried", "statistic": "count",
         "when": ["end"]},
        {"metric": "At midpoint", "target": 1, "method": "S", "question": "ready", "when": ["midpoint", "end"]},
    ]}]
    folder = write_program(tmp_path / "prog", program_yaml(goals=goals, feedback=FEEDBACK, training=None, checkins=None))
    program = load_program(folder).program
    end = list(answers("end", "mentor", [{"ready": 3, "often": 1, "story": "a", "tried": 2},
                                         {"ready": 1, "often": 2, "tried": 1},
                                         {"ready": 2, "often": 2}]))
    (goal,) = report(program, end=end).goals
    values = {m.measure.metric: [(v.moment, v.stat.value, v.stat.text) for v in m.values] for m in goal.measures}
    assert values == {
        "Share ready": [("end", 33.3, "33.3%")],
        "Mean use": [("end", 1.67, "1.67")],
        "Stories": [("end", 1.0, "1 stories")],
        "At midpoint": [("midpoint", None, "not asked at this moment"), ("end", 2.0, "2.00")],
    }
    assert [m.status for m in goal.measures] == ["met", "met", "not-met", "met"]
    assert goal.status_text == "partly met: 3 of 4 measures met"


def test_a_goal_is_met_only_when_every_measure_is(tmp_path: Path) -> None:
    def goal_of(target: int) -> tuple[str, str]:
        goals = [{"id": "g", "title": "G", "description": "D.", "measures": [
            {"metric": "Mean use", "target": target, "method": "S", "question": "often", "when": ["end"]}]}]
        folder = write_program(tmp_path / f"prog-{target}",
                               program_yaml(goals=goals, feedback=FEEDBACK, training=None, checkins=None))
        end = list(answers("end", "mentor", [{"often": 2}, {"often": 3}]))
        (goal,) = report(load_program(folder).program, end=end).goals
        return goal.status, goal.status_text

    assert goal_of(2) == ("met", "met: 1 of 1 measure met")
    assert goal_of(3) == ("not-met", "not met: 0 of 1 measure met")


def test_each_role_has_its_own_change(program: Program) -> None:
    start = [*answers("start", "mentee", [{"ready": 1}, {"ready": 2}]),
             *answers("start", "mentor", [{"ready": 3}, {"ready": 2}])]
    end = [*answers("end", "mentee", [{"ready": 3}, {"ready": 2}]), *answers("end", "mentor", [{"ready": 2}, {"ready": 1}])]
    changes = {(c.question.id, c.role.id): (c.mean_change, c.share_change)
               for c in report(program, start=start, end=end).changes}
    assert changes[("ready", "mentee")] == ("+1.00", "+50.0 points")
    assert changes[("ready", "mentor")] == ("-1.00", "-50.0 points")


# --- a group that answered as one ----------------------------------------------------------------

UNANIMOUS = "all answers the same: not shown"


def test_a_group_that_gave_one_answer_is_withheld_from_every_figure_made_of_it(program: Program) -> None:
    """Both mentors at the end answered 'Yes' and 'Always': a share of 100%, a mean of 3.00 or
    their distribution would tell each one's answer, and so would the pooled figures, by
    subtracting the mentees' shown ones. The mentees' own figures stay."""
    start = [*answers("start", "mentor", [{"ready": 3, "often": 4}, {"ready": 1, "often": 3}]),
             *answers("start", "mentee", [{"ready": 2, "often": 1}, {"ready": 3, "often": 2}])]
    end = [*answers("end", "mentor", [{"ready": 3, "often": 4}, {"ready": 3, "often": 4}]),
           *answers("end", "mentee", [{"ready": 2, "often": 1}, {"ready": 3, "often": 2}])]
    result = report(program, start=start, end=end)
    assert stats(result) == {
        "Share ready": ["baseline:4:50.0%", f"end:4:{UNANIMOUS}"],
        "Mean use": ["baseline:4:2.50", f"end:4:{UNANIMOUS}"],
        "Stories told": ["end:0:no responses"],
        "Share with a story": ["end:0:no responses"],
        "Share using it": ["baseline:4:50.0%", f"end:4:{UNANIMOUS}"],
        "Promotions": ["baseline:0:not given", "end:0:not given"],
    }
    (goal,) = result.goals
    assert [(m.status, m.status_text) for m in goal.measures][:2] == [("suppressed", UNANIMOUS)] * 2
    # no measure is decided, yet the baseline figures are shown: the goal says so, not "no figures yet"
    assert goal.status_text == f"not decided yet: 3 not shown ({UNANIMOUS}); 2 not measured yet; 1 measured outside" \
                               " the surveys, no figure given"
    rows = {(q.survey.id, q.question.id): [(r.key, r.suppressed, r.note, len(r.segments)) for r in q.rows]
            for q in result.distributions}
    assert rows[("end", "ready")] == [("all", True, UNANIMOUS, 0), ("mentor", True, UNANIMOUS, 0),
                                      ("mentee", False, "", 3)]
    assert rows[("start", "ready")] == [("all", False, "", 3), ("mentor", False, "", 3), ("mentee", False, "", 3)]
    changes = {(c.question.id, c.role.id): c for c in result.changes}
    mentors = changes[("ready", "mentor")]
    assert (mentors.before_mean.text, mentors.after_mean.text, mentors.mean_change) == ("2.00", UNANIMOUS, "-")
    assert (mentors.after_share.suppressed, mentors.after_share.value, mentors.share_change) == (True, None, "-")
    assert (changes[("ready", "mentee")].after_mean.text, changes[("ready", "mentee")].mean_change) == ("2.50", "+0.00")
    page = render_html(result)
    assert f'<span data-figure="distribution/end/ready/mentor" class="hidden">{UNANIMOUS}</span>' in page
    assert "every respondent of one of its groups gave the same answer" in page


def test_no_one_agreeing_is_withheld_like_everyone_agreeing(program: Program) -> None:
    end = list(answers("end", "mentor", [{"ready": 1, "often": 2}, {"ready": 1, "often": 2}]))
    assert stats(report(program, end=end))["Share ready"] == ["baseline:0:no responses", f"end:2:{UNANIMOUS}"]


def test_different_answers_that_count_alike_are_still_shown(program: Program) -> None:
    """'Often' and 'Always' are both a favourable answer, so the share is 100%, yet the
    distribution, also shown, says no more than that; only one answer given by all is withheld."""
    end = list(answers("end", "mentor", [{"often": 3}, {"often": 4}]))
    result = report(program, end=end)
    assert stats(result)["Share using it"] == ["baseline:0:no responses", "end:2:100.0%"]
    assert stats(result)["Mean use"] == ["baseline:0:no responses", "end:2:3.50"]


def test_a_small_group_says_it_is_small_before_it_says_it_agreed(program: Program) -> None:
    end = [*answers("end", "mentor", [{"ready": 3}]), *answers("end", "mentee", [{"ready": 3}, {"ready": 3}])]
    assert stats(report(program, end=end))["Share ready"] == ["baseline:0:no responses",
                                                              "end:3:fewer than 2 responses: not shown"]


def test_only_the_question_a_group_agreed_on_is_withheld(program: Program) -> None:
    end = list(answers("end", "mentor", [{"ready": 3, "often": 1}, {"ready": 3, "often": 4}]))
    result = stats(report(program, end=end))
    assert (result["Share ready"][-1], result["Mean use"][-1]) == (f"end:2:{UNANIMOUS}", "end:2:2.50")


def test_the_same_free_text_from_everyone_is_listed_as_text_is(program: Program) -> None:
    """Free text has no value to tell: it is shown under the size rule alone."""
    end = list(answers("end", "mentor", [{"story": "Nothing", "ready": 1}, {"story": "Nothing", "ready": 2}]))
    (question,) = report(program, end=end).texts
    assert [(group.survey.id, group.suppressed, group.answers) for group in question.groups] == [
        ("start", False, ()), ("end", False, ("Nothing", "Nothing"))]
