"""Benchmark the training pack of the flagship program: the whole pack clean, each document, and a
rebuild with nothing changed. Target: that rebuild takes at most 10% of a clean build.

Whole-pack runs each happen in a fresh process, as `revmentor build` would run them, so a clean
build pays for importing WeasyPrint and python-pptx and a rebuild shows that it does not. Each is
run several times and the median printed: these VMs are noisy, compare the ratios.

    python bench/bench_training.py          # 3 runs of each
    python bench/bench_training.py 5        # 5 runs of each
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
TARGET = 0.10

WORKER = """
import json, sys, time
start = time.perf_counter()
from toolkit.render.cache import RenderCache
from toolkit.outputs.training import render_trainer, render_training
from toolkit.program.validate import load_program
loaded = load_program(sys.argv[1])
loading = time.perf_counter() - start
start = time.perf_counter()
# The whole pack: the site's part (handouts, schedule) and the trainer's (guides, decks, materials).
packs = [render(loaded, RenderCache(f"{sys.argv[2]}/{name}") if sys.argv[2] != "-" else None)
         for name, render in (("training", render_training), ("trainer", render_trainer))]
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"weasyprint", "pptx"})
print(json.dumps({"pack": time.perf_counter() - start, "load": loading,
                  "rendered": sum(len(pack.rendered) for pack in packs), "reused": sum(len(pack.reused) for pack in packs),
                  "bytes": sum(len(a.data) for pack in packs for a in pack.artifacts), "heavy": heavy}))
"""


def whole_pack(program: Path, cache: str) -> dict[str, Any]:
    """One build of the pack in a fresh Python process: the pack's own time (WeasyPrint and
    python-pptx imports included) and, apart, importing the toolkit and loading program.yaml."""
    result = subprocess.run([sys.executable, "-c", WORKER, str(program), cache], capture_output=True, text=True,
                            check=True, cwd=REPO)
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(run[key]) for run in runs)


def per_document(program: Path) -> list[tuple[str, float]]:
    """Each document made on its own in this process, after a warm-up, with nothing cached."""
    from toolkit.outputs.slides import deck_spec, render_deck
    from toolkit.outputs.training import GUIDE, HANDOUT, SCHEDULE, SCHEDULE_FILE, _Maker, module_files
    from toolkit.program.schedule import training_schedule
    from toolkit.program.validate import load_program

    loaded = load_program(program)
    maker = _Maker(loaded, None)
    maker.renderer.render("warm-up", "<html lang=en><title>w</title><p>warm <b>up</b></p></html>")
    render_deck(deck_spec(loaded.program, loaded.program.training[0]), None)
    timings = []
    for module in loaded.program.training:
        files = module_files(module)
        context = maker.module_context(module)
        for path, template in ((files.guide, GUIDE), (files.handout, HANDOUT)):
            start = time.perf_counter()
            maker.renderer.render(path, maker.renderer.html(template, context))
            timings.append((path, time.perf_counter() - start))
        start = time.perf_counter()
        render_deck(deck_spec(loaded.program, module), None)
        timings.append((files.slides, time.perf_counter() - start))
    start = time.perf_counter()
    html = maker.renderer.html(SCHEDULE, {**maker.common, "schedule": training_schedule(loaded.program)})
    maker.renderer.render(SCHEDULE_FILE, html)
    timings.append((SCHEDULE_FILE, time.perf_counter() - start))
    return timings


def deck_step(program: Path, runs: int) -> None:
    """The deck step on its own: the slides planned (deck_spec), then drawn and fitted (render_deck),
    per module, median of `runs` after a warm-up; with the slides drawn and the share of
    continuation slides a long list needed."""
    import io

    from pptx import Presentation

    from toolkit.outputs.slides import deck_spec, render_deck
    from toolkit.program.validate import load_program

    loaded = load_program(program)
    render_deck(deck_spec(loaded.program, loaded.program.training[0]), None)  # warm-up: imports, font metrics
    print("The deck step, each flagship deck (median of runs, in one process):")
    total_plan = total_draw = 0.0
    for module in loaded.program.training:
        plans, draws = [], []
        for _ in range(runs):
            start = time.perf_counter()
            spec = deck_spec(loaded.program, module)
            plans.append(time.perf_counter() - start)
            start = time.perf_counter()
            data = render_deck(spec, None)
            draws.append(time.perf_counter() - start)
        slides = len(Presentation(io.BytesIO(data)).slides)
        plan, draw = statistics.median(plans), statistics.median(draws)
        total_plan, total_draw = total_plan + plan, total_draw + draw
        print(f"  {module.id + '-slides.pptx':<40} {draw:6.3f} s drawn, {plan * 1000:5.1f} ms planned;"
              f" {slides} slides ({slides - len(spec.slides)} continued), {len(data) / 1000:.0f} KB,"
              f" {draw / slides * 1000:.0f} ms a slide")
    print(f"  {'all decks':<40} {total_draw:6.3f} s drawn, {total_plan * 1000:5.1f} ms planned\n")


def main(runs: int) -> None:
    from toolkit.program.validate import load_program

    print(f"Training pack of {REPO / 'program.yaml'}; median of {runs} runs, each in a fresh process\n")
    with tempfile.TemporaryDirectory() as folder:
        program = Path(folder) / "program"  # a copy, so that one module can be edited
        program.mkdir()
        shutil.copy2(REPO / "program.yaml", program / "program.yaml")
        shutil.copytree(REPO / "content", program / "content")
        cache = str(Path(folder) / "cache")
        clean = [whole_pack(program, "-") for _ in range(runs)]
        whole_pack(program, cache)  # fill the cache
        warm = [whole_pack(program, cache) for _ in range(runs)]
        text = (program / "program.yaml").read_text(encoding="utf-8")
        first = load_program(program).program.training[0]
        edited = []
        for run in range(runs):
            changed = text.replace(f"summary: >\n      {first.summary[:30]}",
                                   f"summary: >\n      (edit {run}) {first.summary[:30]}", 1)
            assert changed != text, "the first module's summary was not found"
            (program / "program.yaml").write_text(changed, encoding="utf-8")
            edited.append(whole_pack(program, cache))
    clean_s, warm_s, load_s = median(clean, "pack"), median(warm, "pack"), median(clean + warm, "load")
    print(f"{'clean build of the pack':<40} {clean_s:7.2f} s  ({clean[0]['rendered']} files rendered,"
          f" {clean[0]['bytes'] / 1e6:.1f} MB, imports {', '.join(clean[0]['heavy'])})")
    print(f"{'rebuild, nothing changed':<40} {warm_s:7.2f} s  ({warm[0]['rendered']} rendered,"
          f" {warm[0]['reused']} reused, imports {', '.join(warm[0]['heavy']) or 'neither WeasyPrint nor pptx'})")
    edit_s = median(edited, "pack")
    print(f"{'rebuild, one module summary edited':<40} {edit_s:7.2f} s  ({edited[0]['rendered']} rendered,"
          f" {edited[0]['reused']} reused)")
    ratio = warm_s / clean_s
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"{'ratio rebuild / clean':<40} {ratio:7.1%}   ({verdict} the target of at most {TARGET:.0%})")
    print(f"{'(importing the toolkit, loading program)':<40} {load_s:7.2f} s  (paid by both; with it the ratio is"
          f" {(warm_s + load_s) / (clean_s + load_s):.1%})\n")

    deck_step(REPO, runs)
    print("Each document on its own (in one process, fonts and stylesheet already loaded):")
    timings = per_document(REPO)
    for path, seconds in timings:
        print(f"  {path:<40} {seconds:6.2f} s")
    total = sum(seconds for _, seconds in timings)
    pdfs = [s for p, s in timings if p.endswith(".pdf")]
    decks = [s for p, s in timings if p.endswith(".pptx")]
    print(f"  {'sum':<40} {total:6.2f} s  (PDF mean {statistics.mean(pdfs):.2f} s, deck mean"
          f" {statistics.mean(decks):.2f} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
