"""Benchmark `revmentor match`: 1,000 x 1,000 and 5,000 x 5,000 (mentors x mentees).

Each size runs in a fresh process so its peak memory (ru_maxrss) is its own. Printed beside
it, in the same run: scipy's linear_sum_assignment alone on a random dense square matrix of
the same size, so the ratio says what the toolkit adds to the bare solver. Targets: 2 s for
1,000 x 1,000, 15 s for 5,000 x 5,000, peak memory under 2 GiB.

    python bench/bench_match.py            # both sizes
    python bench/bench_match.py 2000       # one size, mentors = mentees = 2000
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


def one(size: int) -> dict[str, object]:
    """Run one size in this process: time each phase, then measure the bare solver."""
    import numpy as np

    from toolkit.matching import match, write_match

    with tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "roster.csv"
        roster.write_text(roster_csv(size, size), encoding="utf-8")
        start, cpu = time.perf_counter(), time.process_time()
        result = match(roster)
        matched, cpu = time.perf_counter(), time.process_time() - cpu
        write_match(result, Path(folder) / "out")
        written = time.perf_counter()
    peak_match = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from scipy.optimize import linear_sum_assignment

    cost = np.random.default_rng(1).random((size, size))
    solver_start = time.perf_counter()
    linear_sum_assignment(cost, maximize=True)
    solver = time.perf_counter() - solver_start
    return {
        "size": size, "match_s": matched - start, "cpu_s": cpu, "phases": result.timings, "write_s": written - matched, "solver_s": solver,
        "peak_mb": peak_match, "pairs": len(result.pairs), "unmatched": len(result.unmatched),
        "slots": sum(p.capacity for p in result.roster.mentors),
    }


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]))))
        return
    sizes = [int(arg) for arg in sys.argv[1:]] or [1000, 5000]
    print(f"{'mentors x mentees':>18} {'match':>8} {'cpu':>7} {'target':>7} {'vs target':>9} {'write':>7}"
          f" {'bare LSA':>9} {'match/LSA':>9} {'peak RSS':>10} {'vs 2 GiB':>8} {'pairs':>6} {'unmatched':>9}")
    phases = []
    for size in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        target = TARGETS.get(size)
        target_text = f"{target:>6.0f}s" if target else f"{'-':>7}"
        ratio_text = f"{r['match_s'] / target:>9.2f}" if target else f"{'-':>9}"
        print(f"{size:>8,} x {size:<8,} {r['match_s']:>7.2f}s {r['cpu_s']:>6.2f}s {target_text}"
              f" {ratio_text} {r['write_s']:>6.2f}s {r['solver_s']:>8.2f}s"
              f" {r['match_s'] / r['solver_s']:>9.1f} {r['peak_mb']:>8.0f}MB {r['peak_mb'] / MEMORY_TARGET_MB:>8.2f}"
              f" {r['pairs']:>6} {r['unmatched']:>9}")
        phases.append(f"  {size:,}: " + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in r["phases"].items())
                      + f"; {r['slots']:,} mentor places")
    print("phases (wall):")
    print("\n".join(phases))
    print("match: read and check the roster, rules, scores, assignment, reasons (no files written);"
          " write: pairs.csv, pairs.xlsx, match-report.html.")
    print("bare LSA: scipy linear_sum_assignment alone on a random dense float64 square matrix of the same size.")
    print("peak RSS: ru_maxrss of a fresh process after match and write, read before the bare-LSA run.")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times stretch"
          " with it; cpu is the process's own CPU time)")


if __name__ == "__main__":
    main()
