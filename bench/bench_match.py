"""Benchmark `revmentor match`: 1,000 x 1,000 and 5,000 x 5,000 (mentors x mentees), and 5,000 x
5,000 from an HR export with an applications export joined to it.

Each size runs in a fresh process so its peak memory (ru_maxrss) is its own. Printed beside
it, in the same run: scipy's linear_sum_assignment alone on a random dense square matrix of
the same size, so the ratio says what the toolkit adds to the bare solver. Targets: 2 s for
1,000 x 1,000, 15 s for 5,000 x 5,000 (with the applications too), peak memory under 2 GiB.

With applications, the roster is the HR export alone (ids, names, e-mails, levels, managers,
departments, time zones) and the applications (one per mentor and mentee, 2% of them sent
twice) carry the roles, the topics from the program's list, languages, times and the
self-assessment, joined by e-mail address: the row "+ applications" is what joining, checking
and scoring the styles add to the same cohort.

    python bench/bench_match.py            # both sizes, and 5,000 x 5,000 with applications
    python bench/bench_match.py 2000       # one size, mentors = mentees = 2000
    python bench/bench_match.py 2000+apps  # one size, with applications
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {1000: 2.0, 5000: 15.0}
MEMORY_TARGET_MB = 2048
TOPICS = [f"topic {i:02d}" for i in range(60)]
ZONES = ["Europe/London", "Europe/Paris", "Europe/Helsinki", "America/New_York", "America/Chicago",
         "America/Los_Angeles", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "UTC", "-3"]
LANGUAGES = ["English", "French", "Spanish", "German", "Hindi", "Japanese"]


def roster_csv(mentors: int, mentees: int, seed: int = 7) -> str:
    """A synthetic HR export: an organisation tree with executives who take no part, seniors, juniors."""
    rng = random.Random(seed)
    lines = ["id,name,email,role,level,department,manager_id,time_zone,offers,wants,languages,capacity"]
    executives = max(5, mentees // 50)
    ids: list[str] = []
    for i in range(executives):
        boss = "" if i == 0 else f"X{rng.randrange(i):05d}"
        lines.append(f"X{i:05d},Exec {i},x{i}@example.org,,10,Board,{boss},UTC,,,English,")
        ids.append(f"X{i:05d}")
    weights = [1 / (k + 1) for k in range(len(TOPICS))]
    seniors: list[str] = []
    for i in range(mentees):
        boss = rng.choice(ids[: executives] + seniors[-50:]) if seniors else ids[0]
        wants = "; ".join(sorted(set(rng.choices(TOPICS, weights, k=rng.randint(1, 3)))))
        languages = ";".join(["English", *rng.sample(LANGUAGES[1:], rng.randint(0, 1))])
        lines.append(f"S{i:05d},Senior {i},s{i}@example.org,mentee,{rng.randint(5, 9)},Dept {rng.randrange(25)},"
                     f"{boss},{rng.choice(ZONES)},,{wants},{languages},")
        seniors.append(f"S{i:05d}")
    for i in range(mentors):
        boss = rng.choice(seniors)
        offers = "; ".join(sorted(set(rng.choices(TOPICS, weights, k=rng.randint(2, 5)))))
        languages = ";".join(["English", *rng.sample(LANGUAGES[1:], rng.randint(0, 1))])
        capacity = rng.choices([1, 2, 3], [70, 25, 5])[0]
        lines.append(f"J{i:05d},Junior {i},j{i}@example.org,mentor,{rng.randint(1, 4)},Dept {rng.randrange(25)},"
                     f"{boss},{rng.choice(ZONES)},{offers},,{languages},{capacity}")
    body = lines[1:]
    rng.shuffle(body)  # an export is in no useful order
    return "\n".join([lines[0], *body]) + "\n"


ROLE, OFFERS, WANTS = 3, 8, 9
"""Columns of roster_csv that an applications export carries instead of the HR export."""
STYLE_ITEMS = ("show-first", "same-step-twice", "ask-first", "think-aloud", "say-it", "disagree-well", "know-who",
               "walk-the-site")
STYLES = ("demonstrator", "sounding-board", "straight-talker", "connector")


def split_export(roster: str, seed: int = 11) -> tuple[str, str]:
    """The same cohort as an HR export (no role, offers, wants, capacity) and an applications export
    by e-mail, with the flagship's self-assessment answered and 2% of applications sent twice."""
    rng = random.Random(seed)
    header, *rows = [line.split(",") for line in roster.splitlines()]
    keep = [i for i, name in enumerate(header) if name not in ("role", "offers", "wants", "capacity")]
    hr = [",".join(header[i] for i in keep)] + [",".join(row[i] for i in keep) for row in rows]
    columns = ["submitted", "email", "role", "offers", "wants", "languages", "availability", "capacity",
               *STYLE_ITEMS, "preferred_style"]
    applications = [",".join(columns)]
    times = ["Weekday mornings", "Weekday lunchtimes", "Weekday afternoons", "After an early shift"]
    for number, row in enumerate(rows):
        if not row[ROLE]:
            continue
        answers = [str(rng.randint(1, 5)) for _ in STYLE_ITEMS] if row[ROLE] == "mentor" else [""] * len(STYLE_ITEMS)
        wish = rng.choice([*STYLES, "no-preference"]) if row[ROLE] == "mentee" else ""
        line = [f"2027-01-{5 + number % 20:02d} 09:{number % 60:02d}", row[2], row[ROLE], f'"{row[OFFERS]}"',
                f'"{row[WANTS]}"', f'"{row[10]}"', f'"{"; ".join(rng.sample(times, 2))}"', row[11], *answers, wish]
        applications.append(",".join(line))
        if rng.random() < 0.02:  # sent again the next day, the later one is used
            applications.append(",".join([line[0].replace("2027-01-", "2027-02-"), *line[1:]]))
    return "\n".join(hr) + "\n", "\n".join(applications) + "\n"


def bench_program() -> object:
    """The flagship program with the bench's topic list and the default matching settings."""
    from toolkit.files.paths import data_dir
    from toolkit.program.model import Matching
    from toolkit.program.validate import load_program

    program = load_program(data_dir() / "program.yaml").program
    assert program.application is not None
    application = program.application.model_copy(update={"topics": tuple(TOPICS), "languages": tuple(LANGUAGES)})
    return program.model_copy(update={"application": application, "matching": Matching()})


def one(size: int, applications: bool = False) -> dict[str, object]:
    """Run one size in this process: time each phase, then measure the bare solver."""
    import numpy as np

    from toolkit.pairing.matching import prepare_match
    from toolkit.pairing.report import write_match

    with tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "roster.csv"
        text = roster_csv(size, size)
        program = None
        export = None
        if applications:
            text, joined = split_export(text)
            export = Path(folder) / "applications.csv"
            export.write_text(joined, encoding="utf-8")
            program = bench_program()
        roster.write_text(text, encoding="utf-8")
        start, cpu = time.perf_counter(), time.process_time()
        result = prepare_match(roster, program, applications=export)  # type: ignore[arg-type]
        matched, cpu = time.perf_counter(), time.process_time() - cpu
        write_match(result, Path(folder) / "out")
        written = time.perf_counter()
    peak_match = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from scipy.optimize import linear_sum_assignment

    cost = np.random.default_rng(1).random((size, size))
    solver_start = time.perf_counter()
    linear_sum_assignment(cost, maximize=True)
    solver = time.perf_counter() - solver_start
    applied = result.roster.applied
    return {
        "size": size, "match_s": matched - start, "cpu_s": cpu, "phases": result.timings, "write_s": written - matched, "solver_s": solver,
        "peak_mb": peak_match, "pairs": len(result.pairs), "unmatched": len(result.unmatched),
        "slots": sum(p.capacity for p in result.roster.mentors),
        "joined": applied.used if applied else 0, "duplicates": applied.duplicates if applied else 0,
        "styled": sum(1 for pair in result.pairs if any(r.startswith("mentor's style as asked") for r in pair.reasons)),
    }


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        size, _, apps = sys.argv[2].partition("+")
        print(json.dumps(one(int(size), apps == "apps")))
        return
    runs = sys.argv[1:] or ["1000", "5000", "5000+apps"]
    print(f"{'mentors x mentees':>24} {'match':>8} {'cpu':>7} {'target':>7} {'vs target':>9} {'write':>7}"
          f" {'bare LSA':>9} {'match/LSA':>9} {'peak RSS':>10} {'vs 2 GiB':>8} {'pairs':>6} {'unmatched':>9}")
    phases = []
    for arg in runs:
        size = int(arg.partition("+")[0])
        out = subprocess.run([sys.executable, __file__, "--one", arg], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        target = TARGETS.get(size)
        target_text = f"{target:>6.0f}s" if target else f"{'-':>7}"
        ratio_text = f"{r['match_s'] / target:>9.2f}" if target else f"{'-':>9}"
        label = f"{size:>8,} x {size:<8,}" + (" + apps" if arg.endswith("+apps") else "       ")
        print(f"{label} {r['match_s']:>7.2f}s {r['cpu_s']:>6.2f}s {target_text}"
              f" {ratio_text} {r['write_s']:>6.2f}s {r['solver_s']:>8.2f}s"
              f" {r['match_s'] / r['solver_s']:>9.1f} {r['peak_mb']:>8.0f}MB {r['peak_mb'] / MEMORY_TARGET_MB:>8.2f}"
              f" {r['pairs']:>6} {r['unmatched']:>9}")
        joined = (f"; {r['joined']:,} applications joined ({r['duplicates']:,} earlier ones of the same person left"
                  f" out), {r['styled']:,} pairs with the style asked for") if r["joined"] else ""
        phases.append(f"  {arg}: " + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in r["phases"].items())
                      + f"; {r['slots']:,} mentor places" + joined)
    print("phases (wall):")
    print("\n".join(phases))
    print("match: read and check the roster (and join the applications), rules, scores, assignment, reasons (no files"
          " written); write: pairs.csv, pairs.xlsx, match-report.html.")
    print("bare LSA: scipy linear_sum_assignment alone on a random dense float64 square matrix of the same size.")
    print("peak RSS: ru_maxrss of a fresh process after match and write, read before the bare-LSA run.")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times stretch"
          " with it; cpu is the process's own CPU time)")


if __name__ == "__main__":
    main()
