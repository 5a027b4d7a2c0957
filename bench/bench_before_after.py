"""A change's cost, side by side: `revmentor build` of the flagship from another checkout and from this
one, alternating fresh processes in one run, each with its own warm render cache. Prints wall and
CPU medians and minimums and their ratios; never asserts a timing.

    git worktree add /tmp/before HEAD~1      # the checkout to compare with
    python bench/bench_before_after.py /tmp/before [--repeat 8] [-- build options, e.g. --only training]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="the other checkout (a git worktree)")
    parser.add_argument("--repeat", type=int, default=8, help="builds of each (default 8)")
    parser.add_argument("options", nargs="*", help="extra options for `revmentor build`, after --")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": REPO}
    for tree in trees.values():  # byte-compiled, as `pip install` leaves a package
        compileall.compile_dir(str(tree / "toolkit"), quiet=1)
    work = Path(tempfile.mkdtemp(prefix="revmentor-before-after-"))

    def command(name: str) -> tuple[list[str], dict[str, str]]:
        tree = trees[name]
        return ([sys.executable, "-m", "toolkit", "build", str(tree), "-o", str(work / name), "-q", *args.options],
                {**os.environ, "PYTHONPATH": str(tree), "NO_MKDOCS_2_WARNING": "1"})

    wall: dict[str, list[float]] = {name: [] for name in trees}
    cpu: dict[str, list[float]] = {name: [] for name in trees}
    for name in trees:  # fill each render cache and the file cache
        cmd, env = command(name)
        subprocess.run(cmd, env=env, check=True, cwd=trees[name], stdout=subprocess.DEVNULL)
    for _ in range(args.repeat):
        for name in trees:
            cmd, env = command(name)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, cwd=trees[name], stdout=subprocess.DEVNULL)
            wall[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    for name in trees:
        print(f"{name:7} wall median {statistics.median(wall[name]):.2f} s, min {min(wall[name]):.2f} s;"
              f"  CPU median {statistics.median(cpu[name]):.2f} s, min {min(cpu[name]):.2f} s")
    print(f"after / before, CPU: medians {statistics.median(cpu['after']) / statistics.median(cpu['before']):.3f},"
          f" minimums {min(cpu['after']) / min(cpu['before']):.3f}")


if __name__ == "__main__":
    main()
