"""The handbook's pictures, drawn from a program without building a site: today's mark, escaping."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from toolkit.program.validate import load_program
from toolkit.site.pages import _events
from toolkit.site.pictures import measures, timeline

from conftest import program_yaml


def test_today_is_marked_and_said_while_the_program_runs(make_program: Callable[..., Path]) -> None:
    program = load_program(make_program()).program  # starts Mon 4 Jan 2027, 12 weeks
    running = timeline(program, _events(program), dt.date(2027, 1, 20))
    assert '<text class="rm-today-label"' in running
    assert re.search(r"<desc[^>]*>.*Today, Wed 20 Jan 2027, is in week 3\.</desc>", running)
    for day in (dt.date(2026, 12, 31), dt.date(2027, 3, 29)):
        assert "Today" not in timeline(program, _events(program), day)


def test_a_picture_escapes_what_the_program_says_and_has_no_blank_line(make_program: Callable[..., Path]) -> None:
    text = program_yaml(goals=[{"id": "g", "title": 'Fix "this" & <b>that</b>', "description": "D.",
                                "measures": [{"metric": "Share of <i>time</i>", "target": 5, "method": "Count"}]}])
    program = load_program(make_program(text)).program
    picture = measures(program.goals[0])
    assert "<b>" not in picture and "<i>" not in picture
    assert '<title id="rm-goal-g-title">Fix &#34;this&#34; &amp; &lt;b&gt;that&lt;/b&gt;: each measure' in picture
    assert "Share of &lt;i&gt;time&lt;/i&gt;: target 5; the baseline is still to be measured." in picture
    assert "\n\n" not in picture and "\n\n" not in timeline(program, _events(program))
