"""Our `revmentor build` of the flagship against a truly bare `mkdocs build` of the same docs tree.

Comparisons alternate the builds in the same run so that the noisy machine affects all alike.
The bare build gets the very docs tree our build generates and the effective mkdocs.yml without
the toolkit's own MkDocs hook (whose `on_env` would import the toolkit, and pydantic with it):
no toolkit code runs in it. So the difference is our overhead: loading and checking
program.yaml, rendering the pages, assembling the tree, the manifest and the atomic swap, and,
when nothing changed, what reusing the previous site saves.
- cold: each build a fresh process, as a user runs it (start-up and imports included); our
  build rebuilds with nothing changed, and again after one content page was edited;
- warm: all in this process after a first build, as `serve` rebuilds (imports excluded).
Our build keeps MkDocs' compiled theme templates between builds, which bare MkDocs does not, so
a row runs our build with that cache off: the like-for-like cost of our own steps.
Targets: a no-change rebuild at most 0.5x bare MkDocs, one edited page at most 1.1x.
`--sizes 1,4,16` adds a scale series (bench/scaled.py: the flagship and programs with 4x and 16x
its modules, check-ins and pages): a clean build, a no-change rebuild and bare MkDocs for each,
side by side, so growth is visible.
`--engines` compares the two site engines (program.site_engine: mkdocs, zensical) on copies of
the program that differ only in that key: a clean build (no output, no render cache), a no-change
rebuild, and the bare tool (`mkdocs build` and `zensical build`) on the same assembled docs tree,
with Zensical's time as a multiple of MkDocs'. Prints figures; never asserts a timing.

    python bench/bench_site.py [--repeat 5] [--sizes 1,4,16] [--engines] [--no-anchor] [PROGRAM_FOLDER]
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


def timed(command: list[str], env: dict[str, str], cpu: list[float] | None = None, quiet: bool = False) -> float:
    """Wall time of one run; its CPU time (user + system) is appended to `cpu`. `quiet`: its
    stderr is dropped too (Zensical has no -q)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL if quiet else None)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


OURS, LIKE_FOR_LIKE, EDITED, BARE = "revmentor build", "  theme cache off", "  one page edited", "bare mkdocs build"
TARGETS = {OURS: 0.5, LIKE_FOR_LIKE: 0.5, EDITED: 1.1}
"""Our build's time as a multiple of bare MkDocs' (the issue's targets)."""
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
    for name in (OURS, LIKE_FOR_LIKE, EDITED):
        if name not in times:
            continue
        ratio = statistics.median(times[name]) / statistics.median(times[BARE])
        best = min(times[name]) / min(times[BARE])
        print(f"    {name.strip()}: {ratio:.2f}x bare MkDocs on medians, {best:.2f}x on minimums"
              f" (target: at most {TARGETS[name]}x)")


def bare_tree(program: str, work: Path) -> tuple[Path, int, str]:
    """The docs tree our build hands MkDocs, with its effective mkdocs.yml less the toolkit's hook;
    returns (that config, the number of pages, the program's name)."""
    from toolkit.outputs.family import render_family
    from toolkit.pipeline import FAMILIES, prepare_build
    from toolkit.render.cache import RenderCache
    from toolkit.site.mkdocs import Reach, assemble_docs, effective_config, write_config
    from toolkit.site.pages import handbook
    from toolkit.site.theme_cache import HOOKS

    planned = prepare_build(program)
    loaded = planned.loaded
    # Every site family's files as downloads (made once here, from a cache of their own).
    artifacts = [artifact for family in FAMILIES if family.destination == "site"
                 for artifact in render_family(family, loaded, planned.plans[family.name],
                                               RenderCache.beside(work / "made", family.name)).artifacts]
    book = handbook(loaded.program, loaded.folder, planned.downloads)
    tree = assemble_docs(loaded, book, work / "bare" / "docs", {item.path: item.data for item in artifacts},
                         Reach.of(loaded, work / "bare-site"))
    config, _, _ = effective_config(loaded, tree, work / "bare-site", strict=False)
    config["hooks"] = [hook for hook in config["hooks"] if hook != HOOKS]  # no toolkit code in the anchor
    path = work / "bare" / "mkdocs.yml"
    write_config(config, path)
    return path, sum(1 for page in tree.pages if page.endswith(".md")), loaded.program.program.name


def edit_a_page(program: str) -> Path:
    """A hand-written page of the program, to edit between builds (a line appended each time)."""
    pages = sorted((Path(program) / "content").rglob("*.md"))
    return next(page for page in pages if "_includes" not in page.parts)


def scale_series(sizes: list[int], work: Path, env: dict[str, str]) -> None:
    """For each size: one clean build (no output, no cache), no-change rebuilds and bare MkDocs."""
    from scaled import scaled_program

    print("scale series: k x the flagship's modules, check-ins (at most 52) and pages; wall / CPU seconds")
    print(f"  {'k':>3} {'pages':>6} {'clean':>15} {'no change':>15} {'bare mkdocs':>15} {'no change/bare':>15}")
    for k in sizes:
        folder = scaled_program(k, work / f"program-{k}x")
        config, pages, _ = bare_tree(str(folder), work / f"bare-{k}x")
        output = work / f"site-{k}x"
        ours = [sys.executable, "-m", "toolkit", "build", str(folder), "-o", str(output), "-q"]
        bare = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)]
        clean_cpu: list[float] = []
        clean = timed(ours, env, clean_cpu)
        again: dict[str, list[float]] = {"ours": [], "bare": []}
        cpu: dict[str, list[float]] = {"ours": [], "bare": []}
        timed(bare, env)
        for _ in range(3):
            again["ours"].append(timed(ours, env, cpu["ours"]))
            again["bare"].append(timed(bare, env, cpu["bare"]))
        ours_median, bare_median = statistics.median(again["ours"]), statistics.median(again["bare"])
        print(f"  {k:>3} {pages:>6} {clean:>7.2f} /{clean_cpu[0]:>6.2f} {ours_median:>7.2f} /"
              f"{statistics.median(cpu['ours']):>6.2f} {bare_median:>7.2f} /{statistics.median(cpu['bare']):>6.2f}"
              f" {ours_median / bare_median:>14.2f}x")


def engines(program: str, repeat: int, work: Path, env: dict[str, str]) -> None:
    """MkDocs and Zensical side by side: clean build, no-change rebuild, bare tool on the same tree."""
    import re

    import yaml

    from toolkit.pipeline import prepare_build
    from toolkit.site.mkdocs import CONFIG_FILE, read_config
    from toolkit.site.zensical import command, zensical_config

    config, pages, title = bare_tree(program, work / "engines")
    bare_folder = config.parent
    loaded = prepare_build(program).loaded
    zensical_file = bare_folder / f"zensical-{CONFIG_FILE}"
    effective = zensical_config(read_config(config), loaded, bare_folder)
    effective["site_dir"] = "zensical-site"
    zensical_file.write_text(yaml.safe_dump(effective, sort_keys=False, allow_unicode=True), encoding="utf-8")
    bare = {"mkdocs": [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
            "zensical": [*command(zensical_file), "--clean"]}  # its cache cleared, as our fresh work folder has none
    builds: dict[str, list[str]] = {}
    outputs: dict[str, Path] = {}
    for engine in ("mkdocs", "zensical"):
        copy = work / f"program-{engine}"
        shutil.copytree(program, copy, ignore=shutil.ignore_patterns("site", ".revmentor-cache", "private", ".git"))
        text = re.sub(r"^  site_engine:.*\n", "", (copy / "program.yaml").read_text(encoding="utf-8"), flags=re.M)
        text = re.sub(r"^program:\n", f"program:\n  site_engine: {engine}\n", text, count=1, flags=re.M)
        (copy / "program.yaml").write_text(text, encoding="utf-8")
        outputs[engine] = work / f"out-{engine}"
        builds[engine] = [sys.executable, "-m", "toolkit", "build", str(copy), "-o", str(outputs[engine]), "-q"]
    rows = ("clean build", "no-change rebuild", "bare tool")
    times: dict[str, dict[str, list[float]]] = {engine: {row: [] for row in rows} for engine in builds}
    for engine in builds:  # warm the file cache for both
        timed(bare[engine], env, quiet=True)
    for _ in range(repeat):
        for engine, build in builds.items():
            shutil.rmtree(outputs[engine], ignore_errors=True)
            shutil.rmtree(work / ".revmentor-cache" / outputs[engine].name, ignore_errors=True)
            times[engine]["clean build"].append(timed(build, env))
            times[engine]["no-change rebuild"].append(timed(build, env))
            times[engine]["bare tool"].append(timed(bare[engine], env, quiet=True))
    print(f"{title}: {pages} pages, the two site engines, {repeat} runs of each, alternating; median wall seconds")
    print(f"  {'':18} {'mkdocs':>9} {'zensical':>9} {'zensical/mkdocs':>16}")
    for row in rows:
        mkdocs, zensical = (statistics.median(times[engine][row]) for engine in ("mkdocs", "zensical"))
        print(f"  {row:18} {mkdocs:>9.2f} {zensical:>9.2f} {zensical / mkdocs:>15.2f}x")
    for engine in builds:
        share = statistics.median(times[engine]["no-change rebuild"]) / statistics.median(times[engine]["bare tool"])
        print(f"  {engine}: a no-change rebuild is {share:.2f}x its bare tool")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", nargs="?", default=str(REPO), help="program folder (default: the flagship)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each build (default 5)")
    parser.add_argument("--sizes", default="", help="a scale series of these sizes, e.g. 1,4,16 (default: none)")
    parser.add_argument("--engines", action="store_true", help="MkDocs and Zensical side by side")
    parser.add_argument("--no-anchor", action="store_true", help="only the scale series (or the engines)")
    args = parser.parse_args()

    # Byte-compiled, as `pip install` leaves a package: without it (PYTHONDONTWRITEBYTECODE, an
    # editable install) every fresh process compiles the toolkit's sources again, ~0.07 s that
    # MkDocs, compiled at its install, never pays.
    compileall.compile_dir(str(REPO / "toolkit"), quiet=1)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    work = Path(tempfile.mkdtemp(prefix="revmentor-bench-"))
    try:
        if not args.no_anchor:
            anchor(args.program, args.repeat, work, env)
        if args.sizes:
            scale_series([int(size) for size in args.sizes.split(",")], work, env)
        if args.engines:
            engines(args.program, args.repeat, work, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def anchor(program: str, repeat: int, work: Path, env: dict[str, str]) -> None:
    """Our builds of one program against bare MkDocs of its tree, cold and warm."""
    # The edited page is a copy's, never the user's program.
    copy = work / "program"
    shutil.copytree(program, copy, ignore=shutil.ignore_patterns("site", ".revmentor-cache", "private", ".git"))
    program = str(copy)
    config, pages, title = bare_tree(program, work)
    page = edit_a_page(program)
    arguments = ["build", program, "-o", str(work / "ours"), "-q"]
    commands = {
        OURS: [sys.executable, "-m", "toolkit", *arguments],
        LIKE_FOR_LIKE: [sys.executable, "-c", NO_THEME_CACHE, *arguments],
        BARE: [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
    }
    for command in commands.values():  # warm the file cache (and our render caches) for all
        timed(command, env)
    cold: dict[str, list[float]] = {name: [] for name in (*commands, EDITED)}
    cpu: dict[str, list[float]] = {name: [] for name in cold}
    for run in range(repeat):
        for name, command in commands.items():
            cold[name].append(timed(command, env, cpu[name]))
        with page.open("a", encoding="utf-8") as stream:
            stream.write(f"\nEdited for run {run + 1}.\n")
        cold[EDITED].append(timed(commands[OURS], env, cpu[EDITED]))
        timed(commands[OURS], env)  # back to a no-change rebuild for the next round
    warm = warm_times(program, work, config, repeat)
    print(f"{title}: {pages} pages, {repeat} runs of each, alternating")
    report("cold (fresh processes), wall time", cold)
    report("cold (fresh processes), CPU time (less sensitive to a busy machine)", cpu)
    report("warm (in-process)", warm)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
