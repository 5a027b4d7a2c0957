"""Break the project's promises one at a time and see whether the tests notice.

Each break is a small change to a copy of the repository, aimed at one promise (atomic output,
privacy of rosters, located errors, fillable fields, k-anonymity, Excel safety, escaping,
deterministic matching, ...), together with the tests that ought to catch it. The harness
checks that those tests pass on the copy as it is, applies the break, runs them again, prints
CAUGHT or MISSED, and restores the file before the next. It never touches this checkout. Run it by hand, not in CI:

    python bench/mutations.py            # every break (a few minutes)
    python bench/mutations.py --list     # what they are
    python bench/mutations.py NAME ...   # some of them

A break that is missed means a promise no test holds: add the test that would have failed.
Exit status: 0 when every break was caught, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEFT_OUT = {".git", ".revmentor-cache", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "mutants",
            "__pycache__"}
LEFT_OUT_AT_THE_TOP = {"site", "private"}
"""The flagship's own outputs; toolkit/site/ is code and is copied."""


@dataclass(frozen=True)
class Break:
    """One deliberate break: `old` (found exactly once in `file`) becomes `new`."""

    name: str
    promise: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    """pytest arguments: files, node ids, or `-k EXPRESSION` pairs."""


BREAKS = (
    Break("no-atomic-exchange", "a build swaps its output in with one atomic step",
          "toolkit/files/output.py", "    if atomic and _exchange(staging, output):",
          "    if False and atomic and _exchange(staging, output):",
          ("tests/test_output.py", "-k", "atomic")),
    Break("foreign-files-unchecked", "a file revmentor did not write stops the command",
          "toolkit/files/output.py", "    foreign = foreign_files(output, os_files=False, digests=digests) if files else []",
          "    foreign = []", ("tests/test_output_guard.py", "tests/test_output.py", "-k", "not sigkill")),
    Break("other-commands-output-replaced", "one command never replaces another's output",
          "toolkit/files/output.py", "    if existing is not None and existing != command:", "    if False:",
          ("tests/test_output_guard.py",)),
    Break("staging-left-behind", "a failed write leaves no staging folder",
          "toolkit/files/output.py", "                shutil.rmtree(staging, ignore_errors=True)", "                pass",
          ("tests/test_output.py", "-k", "error_while_writing")),
    Break("packs-in-the-site", "pair packs (names) never go into the public site",
          "toolkit/outputs/forms/packs.py",
          '    forbidden = [(default_output(loaded.folder, "site"), "the handbook site, which is public")]',
          "    forbidden: list[tuple[Path, str]] = []", ("tests/test_forms.py", "-k", "never_go_into_the_site")),
    Break("private-folder-published", "no name from a roster or pairs file reaches the site",
          "toolkit/site/mkdocs.py", '    content = folder / "content"', "    content = folder",
          ("tests/test_forms.py", "-k", "no_name")),
    Break("error-without-location", "every located error names its line and column",
          "toolkit/program/validate.py",
          "        message, fix = f\"is longer than {ctx.get('max_length')} characters\", \"shorten it\"",
          "        return Problem(document.file, f\"is longer than {ctx.get('max_length')} characters\", \"shorten it\")",
          ("tests/test_validate.py", "tests/test_properties.py", "-k", "long or mutated_flagship")),
    Break("fields-read-only", "every field a pair fills in can be typed into",
          "toolkit/outputs/forms/layout.py", "            if name in read_only:", "            if True:",
          ("tests/test_forms.py", "-k", "takes_a_value")),
    Break("small-group-shown", "no figure over fewer than min_group_size respondents",
          "toolkit/evaluation/figures.py", "        return any(0 < size < self.size for size in sizes)",
          "        return any(0 < size < self.size - 1 for size in sizes)",
          ("tests/test_figures.py", "-k", "minimum_group_size")),
    Break("full-group-hidden", "a group of exactly min_group_size is shown",
          "toolkit/evaluation/figures.py", "        return any(0 < size < self.size for size in sizes)",
          "        return any(0 < size <= self.size for size in sizes)",
          ("tests/test_figures.py", "-k", "minimum_group_size")),
    Break("formulas-in-excel", "CSV and XLSX cells never run as formulas in Excel",
          "toolkit/files/tables.py", "    return \"'\" + text if text.startswith(FORMULA_STARTS) else text",
          "    return text", ("tests/test_matching.py", "tests/test_report.py", "-k", "excel or formula")),
    Break("markdown-unescaped", "program text is shown as typed, never as Markdown or HTML",
          "toolkit/render/templating.py", "    line = _INLINE_RE.sub(lambda match: _INLINE[match.group(0)], line)",
          "    pass", ("tests/test_site.py", "-k", "escaped")),
    Break("html-unescaped", "text in HTML documents is escaped",
          "toolkit/render/templating.py", '        "autoescape": output == "html",', '        "autoescape": False,',
          ("tests/test_report.py", "-k", "inert")),
    Break("pairs-follow-row-order", "the same roster gives the same pairs, whatever its row order",
          "toolkit/pairing/roster.py",
          "    mentors = tuple(sorted((p for p in people if p.role == MENTOR), key=lambda p: p.id))",
          "    mentors = tuple(p for p in people if p.role == MENTOR)", ("tests/test_matching.py", "-k", "row_order")),
    Break("manager-as-mentor", "no one is paired with someone up their management chain",
          "toolkit/pairing/assignment.py", "            return _allowed(self.chain, n, m)",
          "            return np.ones((len(n), len(m)), dtype=bool)", ("tests/test_matching.py",)),
    Break("history-ignored", "a later round never repeats an earlier round's pair",
          "toolkit/pairing/matching.py",
          "            earlier.extend((row.mentor_id, row.mentee_id) for row in read_history(path))",
          "            read_history(path)", ("tests/test_matching.py", "-k", "history")),
    Break("notes-in-the-handout", "facilitator notes never reach the participant handout",
          "templates/training/handout.html.j2",
          "<td><strong>{{ item.activity.title }}</strong>",
          "<td><strong>{{ item.activity.title }}</strong>{{ item.activity.facilitator_notes or '' }}",
          ("tests/test_training.py", "-k", "facilitator")),
    Break("calendar-in-utc", "calendar events keep their wall-clock time across a daylight-saving change",
          "toolkit/outputs/calendar.py",
          "                     dt.datetime.combine(date, time, tzinfo=zone), length.max,",
          "                     dt.datetime.combine(date, time, tzinfo=dt.UTC), length.max,",
          ("tests/test_ics.py",)),
    Break("pair-ids-restart", "pair ids, pack folders and calendar UIDs never repeat from one round to the next",
          "toolkit/pairing/matching.py",
          '    return f"R{round_number}-P{number:0{width}d}"',
          '    return f"P{number:0{width}d}"', ("tests/test_rounds.py",)),
    Break("closed-dates-ignored", "a session on a closed date moves to the next open day, and validate says so",
          "toolkit/program/model.py",
          "        closed = self.closure(planned)",
          "        closed = None", ("tests/test_schedule.py",)),
)


def copy_repository(target: Path) -> None:
    """The working tree as it is (committed or not), without outputs and caches."""
    def ignored(folder: str, names: list[str]) -> list[str]:
        top = Path(folder) == REPO
        return [name for name in names if name in LEFT_OUT or (top and name in LEFT_OUT_AT_THE_TOP)]

    shutil.copytree(REPO, target, ignore=ignored, symlinks=True)


def run_tests(copy: Path, tests: tuple[str, ...]) -> tuple[int, float, str]:
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1", "CI": "true"}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                            cwd=copy, env=env, capture_output=True, text=True, check=False)
    last = (result.stdout.strip().splitlines() or [""])[-1]
    return result.returncode, time.monotonic() - started, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="breaks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the breaks and the promise each tests")
    args = parser.parse_args()
    chosen = [b for b in BREAKS if not args.names or b.name in args.names]
    unknown = set(args.names) - {b.name for b in BREAKS}
    if unknown:
        parser.error(f"no break named {', '.join(sorted(unknown))}; see --list")
    if args.list:
        for item in chosen:
            print(f"{item.name:32} {item.promise}")
        return 0
    missed = 0
    with tempfile.TemporaryDirectory(prefix="revmentor-mutations-") as work:
        copy = Path(work) / "repo"
        copy_repository(copy)
        print(f"{len(chosen)} breaks, each against the tests meant to catch it, which first pass unbroken\n")
        passing: set[tuple[str, ...]] = set()
        for item in chosen:
            path = copy / item.file
            original = path.read_text(encoding="utf-8")
            if original.count(item.old) != 1:
                print(f"{'STALE':7} {item.name:32} the line to break is no longer in {item.file}: update the break")
                missed += 1
                continue
            if item.tests not in passing:  # else a "caught" would only say the tests fail anyway
                code, seconds, last = run_tests(copy, item.tests)
                if code != 0:
                    print(f"{'FAILING':7} {item.name:32} its tests fail with nothing broken ({last}): fix them first")
                    missed += 1
                    continue
                passing.add(item.tests)
            path.write_text(original.replace(item.old, item.new), encoding="utf-8")
            try:
                code, seconds, last = run_tests(copy, item.tests)
            finally:
                path.write_text(original, encoding="utf-8")
            caught = code != 0
            missed += not caught
            print(f"{'CAUGHT' if caught else 'MISSED':7} {item.name:32} {seconds:5.1f} s  {item.promise}"
                  + ("" if caught else f"  ({last})"))
    print(f"\n{len(chosen) - missed} of {len(chosen)} breaks caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
