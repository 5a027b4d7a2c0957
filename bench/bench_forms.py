"""Benchmark pair packs: 1,000 pairs x 6 check-in forms filled in, against laying each form out from HTML.

The toolkit lays each blank form out once with WeasyPrint and then only sets field values per
pair with pikepdf. The alternative, laying out every pair's form from its HTML with the values
in it, is timed on a sample of forms and extrapolated (printed as such): 6,000 layouts would
take the better part of an hour. Then the whole `revmentor forms` run for 1,000 pairs (every
check-in, the agreement, both certificates and the calendar, written to disk) is timed end to end.
Target: at least 100 pre-filled forms a second. These VMs are noisy: compare the ratios.

    python bench/bench_forms.py              # 1,000 pairs, 20 layouts sampled
    python bench/bench_forms.py 200 10       # 200 pairs, 10 layouts sampled
"""

from __future__ import annotations

import html
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 100.0
"""Pre-filled forms a second, on one core of this 2-core machine."""

FIRST = ("Zoë", "Ann", "Björn", "Chidi", "Dmitri", "Élodie", "Farah", "Grace", "Hiroshi", "Iñaki", "Jana", "Kwame")
LAST = ("Ōkubo", "Lee", "Ångström", "Okafor", "Sokolov", "Dubois", "Haddad", "Hopper", "Tanaka", "Etxeberria", "Nováková")


def name(n: int) -> str:
    return f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]}-{n}"


def write_pairs(path: Path, count: int) -> None:
    lines = ["pair_id,mentor_id,mentor_name,mentor_email,mentee_id,mentee_name,mentee_email,score,reasons"]
    for n in range(1, count + 1):
        lines.append(f"P{n:04d},M{n},{name(2 * n)},m{n}@example.com,L{n},{name(2 * n + 1)},l{n}@example.com,3.5,"
                     "shared topics: AI tools")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def with_values(page: str, values: dict[str, str]) -> str:
    """A form's HTML with the pair's values in it, as laying out each pair's form would need."""
    for field, value in values.items():
        escaped = html.escape(value, quote=True)
        page = re.sub(rf'(<input type="text" name="{field}")', rf'\1 value="{escaped}"', page)
        page = re.sub(rf'(<textarea name="{field}"[^>]*>)(</textarea>)', rf"\1{escaped}\2", page)
    return page


def main() -> None:
    pairs_count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    samples = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    from toolkit.outputs.forms.filling import FormFiller
    from toolkit.outputs.forms.layout import make_forms
    from toolkit.outputs.forms.packs import pair_values, prepare_packs, write_packs
    from toolkit.outputs.forms.plan import form_context, plan_forms
    from toolkit.pairing.pairs import read_pairs
    from toolkit.program.validate import load_program
    from toolkit.render.pdf import PdfRenderer

    loaded = load_program(REPO / "program.yaml")
    program = loaded.program
    checkins = [plan for plan in plan_forms(program) if plan.name.startswith("checkin-")]
    print(f"Flagship program: {len(checkins)} check-ins; {pairs_count:,} pairs; {os.cpu_count()} CPUs;"
          f" load average {os.getloadavg()[0]:.1f}")

    with tempfile.TemporaryDirectory(prefix="revmentor-bench-forms-") as work:
        root = Path(work)
        pairs_file = root / "pairs.csv"
        write_pairs(pairs_file, pairs_count)
        pairs = read_pairs(pairs_file, program)

        # 1. Lay out the blank check-in forms once (WeasyPrint), as the toolkit does.
        started = time.perf_counter()
        made = make_forms(loaded, None, include=lambda plan: plan.name.startswith("checkin-"))
        layout_once = time.perf_counter() - started
        size = statistics.mean(len(data) for data in made.blanks.values())
        print(f"\nLaid out {len(made.blanks)} blank check-in forms once: {layout_once:.2f} s"
              f" ({layout_once / len(made.blanks):.2f} s a form, the first with WeasyPrint's start-up);"
              f" {size / 1024:.0f} KB a form")

        # 2. Fill them in: every pair, every check-in (pikepdf, in memory).
        fillers = {plan.name: FormFiller(made.blanks[plan.name]) for plan in checkins}
        filled = 0
        total_bytes = 0
        started = time.perf_counter()
        cpu = time.process_time()
        for pair in pairs:
            for plan in checkins:
                total_bytes += len(fillers[plan.name].fill(pair_values(program, pair, plan.name)))
                filled += 1
        fill_seconds = time.perf_counter() - started
        fill_cpu = time.process_time() - cpu
        fill_rate = filled / fill_seconds
        print(f"Filled {filled:,} check-in forms ({pairs_count:,} pairs x {len(checkins)}): {fill_seconds:.1f} s"
              f" wall, {fill_cpu:.1f} s CPU -> {fill_rate:.0f} forms/s ({filled / fill_cpu:.0f} per CPU second);"
              f" {total_bytes / 1e6:.0f} MB")

        # 2b. For comparison: setting /V with pikepdf and saving the whole document per pair.
        import io

        import pikepdf

        plan = checkins[0]
        sample = min(300, filled)
        with pikepdf.open(io.BytesIO(made.blanks[plan.name])) as pdf:
            by_name = {str(f.T): f for f in pdf.Root.AcroForm.Fields if "/T" in f}
            started = time.perf_counter()
            for n in range(sample):
                for field, value in pair_values(program, pairs[n % len(pairs)], plan.name).items():
                    by_name[field].V = pikepdf.String(value)
                pdf.save(io.BytesIO(), deterministic_id=True)
            save_rate = sample / (time.perf_counter() - started)
        print(f"For comparison, pikepdf setting /V and saving the whole form per pair: {sample} forms ->"
              f" {save_rate:.0f} forms/s (the incremental update is {fill_rate / save_rate:.0f}x faster)")

        # 3. The alternative: lay out each pair's form from HTML with its values. Sampled, then extrapolated.
        renderer = PdfRenderer(loaded.folder, program.program.paper_size)
        common = form_context(program)
        renderer.render("warm-up", renderer.html(checkins[0].template, {**common, **checkins[0].context}), forms=True)
        times = []
        for n in range(samples):
            plan = checkins[n % len(checkins)]
            page = with_values(renderer.html(plan.template, {**common, **plan.context}),
                               pair_values(program, pairs[n % len(pairs)], plan.name))
            started = time.perf_counter()
            renderer.render(plan.path, page, forms=True)
            times.append(time.perf_counter() - started)
        per_layout = statistics.mean(times)
        layout_rate = 1 / per_layout
        extrapolated = per_layout * filled
        print(f"Laying out each pair's form from HTML: {samples} sampled, {per_layout:.3f} s a form (median"
              f" {statistics.median(times):.3f} s) -> {layout_rate:.1f} forms/s; {filled:,} forms would take"
              f" {extrapolated / 60:.0f} min (EXTRAPOLATED from the {samples} samples, not run)")
        print(f"Ratio: filling is {fill_rate / layout_rate:.0f}x faster than laying out each form"
              f" ({fill_seconds + layout_once:.1f} s against an extrapolated {extrapolated:.0f} s)")
        verdict = "met" if fill_rate >= TARGET else "NOT met"
        print(f"Target {TARGET:.0f} pre-filled forms/s: {verdict} ({fill_rate:.0f}/s)")

        # 4. The pair calendars (ics.program_calendar, icalendar), which every pack also holds.
        from toolkit.outputs.calendar import CalendarPair, program_calendar, program_stamp, time_zone

        sample = min(100, len(pairs))
        started = time.perf_counter()
        cpu = time.process_time()
        zone = time_zone(program)  # made once per run, as pack_files does
        for pair in pairs[:sample]:
            program_calendar(program, program_stamp(loaded), CalendarPair(pair.pair_id, pair.mentor_name,
                                                                           pair.mentee_name), zone)
        calendar_ms = (time.process_time() - cpu) / sample * 1000
        print(f"Pair calendars: {sample} made, {calendar_ms:.1f} ms CPU each"
              f" ({(time.perf_counter() - started) / sample * 1000:.1f} ms wall), against"
              f" {1000 / (filled / fill_cpu):.2f} ms CPU for a filled form")

        # 5. End to end, as `revmentor forms --pairs pairs.csv -o packs` runs: every pack written to disk.
        program_copy = root / "program"
        program_copy.mkdir()
        shutil.copy(REPO / "program.yaml", program_copy / "program.yaml")
        for folder in ("content", "templates"):
            if (REPO / folder).is_dir():
                shutil.copytree(REPO / folder, program_copy / folder)
        for label in ("clean, forms laid out", "again, forms from the cache"):
            started = time.perf_counter()
            cpu = time.process_time()
            result = write_packs(prepare_packs(program_copy, pairs_file), root / "packs")
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu
            size = sum(f.stat().st_size for f in (root / "packs").rglob("*") if f.is_file())
            pdfs = result.pairs * (len(checkins) + 2)
            print(f"revmentor forms ({label}): {result.pairs:,} packs, {result.files:,} files, {size / 1e9:.2f} GB"
                  f" in {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU -> {pdfs / seconds:.0f} filled PDFs/s written"
                  f" ({pdfs / cpu_seconds:.0f} per CPU second)")
        print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

if __name__ == "__main__":
    main()
