"""How problems are printed: hidden characters made visible, and a long list cut short."""

from __future__ import annotations

import pytest

from toolkit.errors import Problem, RosterError, StrictWarnings, character_name, visible


@pytest.mark.parametrize("text, shown", [
    ("Ann Lee", "Ann Lee"),
    ("Zoë, Łukasz, 李雷, José\u200d", "Zoë, Łukasz, 李雷, José\\u200d"),
    ("red\x1b[31m", "red\\x1b[31m"),
    ("title\x1b]0;owned\x07", "title\\x1b]0;owned\\x07"),
    ("E\u200b12", "E\\u200b12"),
    ("\ufeffid", "\\ufeffid"),
    ("E\u00a012", "E\\xa012"),
    ("abc\u202edcba", "abc\\u202edcba"),
    ("tag\U000e0041", "tag\\U000e0041"),
    ("a\tb\rc", "a\\x09b\\x0dc"),
    ("two\nlines", "two\nlines"),
    ("csi\x9b2J", "csi\\x9b2J"),
])
def test_hidden_characters_are_shown_as_their_escapes(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_a_problem_escapes_what_came_from_the_user_everywhere_it_is_printed() -> None:
    problem = Problem("ros\x1bter.csv", "id 'E\u200b12' is unknown", "did you mean 'E12\u00a0'?", 3, path="k\x07")
    assert problem.format() == "ros\\x1bter.csv:3: k\\x07: id 'E\\u200b12' is unknown\n  fix: did you mean 'E12\\xa0'?"


def test_character_names_say_what_the_character_is() -> None:
    assert character_name("\u200b") == "U+200B ZERO WIDTH SPACE"
    assert character_name("\x1b") == "U+001B ESCAPE"
    assert character_name("\x01") == "U+0001 CONTROL CHARACTER"


def problems(count: int, warning: bool = False) -> list[Problem]:
    return [Problem("roster.csv", f"row {n}: bad", "fix it", n, warning=warning) for n in range(2, count + 2)]


def test_twenty_problems_are_printed_in_full_and_the_rest_counted() -> None:
    assert RosterError(problems(20)).format().count("\n") == 39
    lines = RosterError(problems(25)).format().split("\n")
    assert len(lines) == 41
    assert lines[-3:] == ["roster.csv:21: row 21: bad", "  fix: fix it",
                          "... and 5 more problems, not shown: fix these and run again"]
    assert RosterError(problems(21)).format().endswith("\n... and 1 more problem, not shown: fix these and run again")


def test_strict_always_says_it_stopped_the_run_after_the_warnings_shown() -> None:
    with pytest.raises(StrictWarnings) as caught:
        StrictWarnings.check(problems(30, warning=True), strict=True)
    assert caught.value.format().split("\n")[-3:] == [
        "... and 10 more warnings, not shown: fix these and run again",
        "30 warnings and --strict is set",
        "  fix: fix the warnings above, or run without --strict"]
