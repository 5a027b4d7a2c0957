"""Helpers for the site, output and browser tests: a fuller inline program, file hashes, HTML assets."""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import IO

import pytest

from conftest import copy_flagship, program_yaml
from conftest import write_program as write_folder

# A program that exercises every page: two modules, phases, check-ins, checklist, FAQ,
# an include, hostile text in a goal, and a facilitator note that must never be published.
PROGRAM = program_yaml(
    program={"summary": "Leaders learn digital habits from junior colleagues.\n\nJunior colleagues see how decisions"
                        " are made.\n", "start_date": "2026-03-02", "contact": "bridge@acme.example",
             "terminology": {"mentor": "Digital mentor", "mentee": "Leader"}},
    goals=[{"id": "digital", "title": "<script>alert(1)</script> Digital confidence",
            "description": "Literal {{ 7*7 }} and [x](javascript:alert(1)) and <img src=x onerror=alert(2)>",
            "measures": [{"metric": "Leaders confident with AI tools", "unit": "%", "baseline": 20, "target": 60,
                          "method": "Survey"}]}],
    roles=[{"id": "mentor", "name": "Digital mentor", "summary": "Shares what they know.",
            "time_commitment": "1 hour a fortnight", "content": "content/_includes/mentor-notes.md"},
           {"id": "mentee", "name": "Leader", "summary": "Comes with questions.", "time_commitment": "1 hour a fortnight"}],
    phases=[{"id": "launch", "name": "Launch", "start_week": 1, "end_week": 2, "description": "Kick-off and training."}],
    training=[
        {"id": "orientation", "title": "Orientation", "summary": "What the program is and how it runs.",
         "audience": ["mentor", "mentee"], "week": 1, "start_time": "09:30", "objectives": ["Know the program"],
         "key_points": ["Listen first"],
         "trainers": ["Sam Okoro"], "room": "Room 2",
         "agenda": [{"title": "Welcome", "kind": "talk", "minutes": 15, "script": "Welcome, everyone."},
                    {"title": "Pairs meet", "kind": "exercise", "minutes": 30,
                     "facilitator_notes": "SECRET-NOTE-FOR-TRAINERS"}]},
        {"id": "feedback-skills", "title": "Giving upward feedback", "summary": "How to tell a leader something hard.",
         "audience": ["mentor"], "week": 2, "start_time": "14:00", "objectives": ["Give one piece of feedback"],
         "trainers": ["Sam Okoro"], "room": "Room 5",
         "agenda": [{"title": "Practice", "kind": "role-play", "minutes": 60, "steps": ["Pairs practise"]}]},
    ],
    checkins={"sessions": [{"title": "Start", "purpose": "Agree goals", "prompts": ["What do you want to learn"],
                            "questions": ["What went well"]},
                           {"title": "Middle", "purpose": "Review"}, {"title": "End", "purpose": "Close"}]},
    checklist=[{"id": "rotate", "strategy": "Rotate pairs", "why": "Fresh views", "owner": "mentor", "phase": "launch",
                "done": True},
               {"id": "brief", "strategy": "Brief managers", "why": "They give the time", "owner": "mentee",
                "phase": "launch"}],
    challenges=[{"concern": "Leaders are too busy", "response": "Sessions are short and booked early."}],
    faq=[{"question": "How long does it last", "answer": "Twelve weeks."}],
)

INCLUDE = """\
## Notes from the trial

Mentors found it easier to start with a demonstration.
"""

PAGES = [
    "index.html",
    "goals.html",
    "roles/index.html",
    "roles/mentor.html",
    "roles/mentee.html",
    "timeline.html",
    "training/index.html",
    "training/orientation.html",
    "training/feedback-skills.html",
    "checkins.html",
    "guides/confidentiality.html",
    "checklist.html",
    "challenges.html",
    "faq.html",
    "downloads.html",
]


def write_program(folder: Path, text: str = PROGRAM, files: dict[str, str] | None = None) -> Path:
    """A program folder with program.yaml, the include it names, and any extra files by relative path."""
    return write_folder(folder, text, {"content/_includes/mentor-notes.md": INCLUDE, **(files or {})})


def hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder, by relative path."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


class AssetFinder(HTMLParser):
    """Every URL a page loads by itself: scripts, stylesheets, icons, images, frames, media."""

    LOADING = frozenset({("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
               ("audio", "src"), ("embed", "src"), ("object", "data"), ("img", "srcset"), ("source", "srcset")})
    LINK_RELS = frozenset({"stylesheet", "icon", "preload", "preconnect", "dns-prefetch", "manifest", "modulepreload",
                 "apple-touch-icon", "prefetch"})

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if (tag, name) in self.LOADING:
                self.urls.append(value)
        if tag == "link" and set(values.get("rel", "").split()) & self.LINK_RELS:
            self.urls.append(values.get("href", ""))
        if "style" in values:
            self.inline_styles.append(values["style"])


def external_assets(site: Path) -> dict[str, list[str]]:
    """Pages that load something from another host (http, https or protocol-relative URLs)."""
    found: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        finder = AssetFinder()
        finder.feed(page.read_text(encoding="utf-8"))
        bad = [u for u in finder.urls if u.strip().lower().startswith(("http:", "https:", "//"))]
        bad += [s for s in finder.inline_styles if "url(http" in s or "url(//" in s]
        if bad:
            found[page.relative_to(site).as_posix()] = bad
    return found


_FLAGSHIP: dict[str, Path] = {}


def flagship_site(factory: pytest.TempPathFactory) -> Path:
    """The flagship program's site, built once per test session into a temporary folder."""
    if "site" not in _FLAGSHIP:
        from toolkit.pipeline import build

        work = factory.mktemp("flagship")
        _FLAGSHIP["folder"] = copy_flagship(work / "crosswise")
        build(_FLAGSHIP["folder"], work / "site", strict=True)
        _FLAGSHIP["site"] = work / "site"
    return _FLAGSHIP["site"]


def flagship_folder(factory: pytest.TempPathFactory) -> Path:
    """The copy of the flagship program `flagship_site` built: its private/ outputs are in it."""
    flagship_site(factory)
    return _FLAGSHIP["folder"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_without_color() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1"}


class Watched:
    """A running command's output, read as it comes, so a test waits for a line instead of sleeping."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: dict[str, list[str]] = {"out": [], "err": []}
        self._changed = threading.Condition()
        self._readers = [threading.Thread(target=self._read, args=(name, stream), daemon=True)
                         for name, stream in (("out", process.stdout), ("err", process.stderr)) if stream]
        for reader in self._readers:
            reader.start()

    def _read(self, name: str, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines[name].append(line)
                self._changed.notify_all()

    def wait_for(self, text: str, stream: str = "out", seconds: float = 120.0) -> str:
        """The first line of `stream` holding `text`, once the command has printed it."""
        deadline = time.monotonic() + seconds
        with self._changed:
            while True:
                found = next((line for line in self.lines[stream] if text in line), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not any(r.is_alive() for r in self._readers)):
                    raise AssertionError(f"the command never printed {text!r}; it printed {self.lines!r}")
                self._changed.wait(min(left, 1.0))

    def count(self, text: str, stream: str = "out") -> int:
        with self._changed:
            return sum(text in line for line in self.lines[stream])

    def finish(self, signal_number: int, seconds: float = 60.0) -> tuple[str, str]:
        """Send a signal, wait for the command to end, and return all it printed."""
        self.process.send_signal(signal_number)
        self.process.wait(timeout=seconds)
        for reader in self._readers:
            reader.join(timeout=seconds)
        return "".join(self.lines["out"]), "".join(self.lines["err"])
