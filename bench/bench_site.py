"""Our `revmentor build` of the flagship against a bare `mkdocs build` of the same docs tree.

Two comparisons, each alternating the builds in the same run so that the noisy machine affects
all alike. The bare build gets the very docs tree and effective mkdocs.yml our build generates,
so the difference is our overhead: loading and checking program.yaml, rendering the pages,
assembling the tree, the manifest and the atomic swap.
- cold: each build a fresh process, as a user runs it (start-up and imports included);
- warm: all in this process after a first build, as `serve` rebuilds (imports excluded).
Our build keeps MkDocs' compiled theme templates between builds, which bare MkDocs does not, so
a third row runs our build with that cache off: the like-for-like cost of our own steps.
Target: at most 25%. Prints figures; never asserts a timing.

    python bench/bench_site.py [--repeat 5] [PROGRAM_FOLDER]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall time of one run; its CPU time (user + system) is appended to `cpu`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


OURS, LIKE_FOR_LIKE, BARE = "revmentor build", "  theme cache off", "bare mkdocs build"
NO_THEME_CACHE = ("import toolkit.site.theme_cache as t; t.ThemeTemplates.on_env = lambda self, env, **kw: env;"
                  " from toolkit.cli import main; main()")
"""Our build with MkDocs compiling its theme templates every time, as a bare build does."""


def warm_times(program: str, work: Path, config: Path, repeat: int) -> dict[str, list[float]]:
    """All builds in this process, imports and caches warmed by a first run of each."""
    import logging

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from toolkit.pipeline import build
    from toolkit.site.theme_cache import ThemeTemplates

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    on_env = ThemeTemplates.on_env

    def ours() -> None:
        build(program, work / "ours-warm")

    def like_for_like() -> None:
        ThemeTemplates.on_env = lambda self, env, **kwargs: env  # type: ignore[method-assign]
        try:
            build(program, work / "ours-warm")
        finally:
            ThemeTemplates.on_env = on_env  # type: ignore[method-assign]

    def bare() -> None:
        mkdocs_build(load_config(str(config)))

    runs = ((OURS, ours), (LIKE_FOR_LIKE, like_for_like), (BARE, bare))
    for _, run in runs:
        run()
    times: dict[str, list[float]] = {name: [] for name, _ in runs}
    for _ in range(repeat):
        for name, run in runs:
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return times


def report(title: str, times: dict[str, list[float]]) -> None:
    print(f"  {title}")
    for name, values in times.items():
        print(f"    {name:18} median {statistics.median(values):.2f} s   min {min(values):.2f} s"
              f"   all {' '.join(f'{v:.2f}' for v in values)}")
    for name in (OURS, LIKE_FOR_LIKE):
        ratio = statistics.median(times[name]) / statistics.median(times[BARE])
        best = min(times[name]) / min(times[BARE])
        print(f"    {name.strip()}: overhead {ratio - 1:+.0%} on medians, {best - 1:+.0%} on minimums"
              " (target: at most +25%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", nargs="?", default=str(REPO), help="program folder (default: the flagship)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each build (default 5)")
    args = parser.parse_args()

    from toolkit.outputs.family import render_family
    from toolkit.pipeline import FAMILIES, prepare_build
    from toolkit.render.cache import RenderCache
    from toolkit.site.mkdocs import prepare
    from toolkit.site.pages import handbook

    # Byte-compiled, as `pip install` leaves a package: without it (PYTHONDONTWRITEBYTECODE, an
    # editable install) every fresh process compiles the toolkit's sources again, ~0.07 s that
    # MkDocs, compiled at its install, never pays.
    compileall.compile_dir(str(REPO / "toolkit"), quiet=1)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    work = Path(tempfile.mkdtemp(prefix="revmentor-bench-"))
    try:
        planned = prepare_build(args.program)
        loaded = planned.loaded
        # The very tree our build hands MkDocs: generated pages plus every site family's files as
        # downloads (made once here, from a cache of their own).
        artifacts = [artifact for family in FAMILIES if family.destination == "site"
                     for artifact in render_family(family, loaded, planned.plans[family.name],
                                                   RenderCache.beside(work / "made", family.name)).artifacts]
        book = handbook(loaded.program, loaded.folder, planned.downloads)
        config, _, tree, _ = prepare(loaded, book, work / "bare", work / "bare-site",
                                     extra_files={item.path: item.data for item in artifacts})
        arguments = ["build", args.program, "-o", str(work / "ours"), "-q"]
        commands = {
            OURS: [sys.executable, "-m", "toolkit", *arguments],
            LIKE_FOR_LIKE: [sys.executable, "-c", NO_THEME_CACHE, *arguments],
            BARE: [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
        }
        for command in commands.values():  # warm the file cache (and our render caches) for all
            timed(command, env)
        cold: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                cold[name].append(timed(command, env, cpu[name]))
        warm = warm_times(args.program, work, config, args.repeat)
        pages = sum(1 for page in tree.pages if page.endswith(".md"))
        print(f"{loaded.program.program.name}: {pages} pages, {args.repeat} runs of each, alternating")
        report("cold (fresh processes), wall time", cold)
        report("cold (fresh processes), CPU time (less sensitive to a busy machine)", cpu)
        report("warm (in-process)", warm)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
