"""Benchmark `revmentor collect` on many returned forms: 1,000 by default.

The flagship program's pair-pack forms are laid out once (the slow part, not measured), a pack
is filled for enough pairs, and each returned form is filled in with pikepdf the way a PDF
reader saves one: a pair record with its date, minutes, a goal's progress and an action; each
side's pulse with its two ratings. Then it prints, side by side:
- pikepdf alone opening every file and listing its fields: the floor collect stands on;
- `prepare_collect` (identify, read, check every file) and `write_collect` (tracker, responses,
  progress page).
Target: 1,000 returned forms read in under 10 s on the CI machine (2 cores). Both wall-clock and
CPU seconds (the pool of reader processes included) are printed: on a shared machine the wall
clock also counts other people's work.

    python bench/bench_collect.py          # 1,000 forms
    python bench/bench_collect.py 5000     # another number
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FORMS = 1000


def _fill(data: bytes, texts: dict[str, str], radios: dict[str, int]) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for item in pdf.Root.AcroForm.Fields:
            name = str(item.get("/T", ""))
            if name in texts:
                item.V = pikepdf.String(texts[name])
            if name in radios:
                state = next(key for key in item.Kids[radios[name]].AP.N if key != "/Off")
                item.V = pikepdf.Name(state)
                for index, kid in enumerate(item.Kids):
                    kid.AS = pikepdf.Name(state if index == radios[name] else "/Off")
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def returned_forms(folder: Path, count: int) -> int:
    """Write `count` filled-in returned forms (pair records and pulses, a third each) into `folder`."""
    from toolkit.outputs.forms.layout import make_forms
    from toolkit.outputs.forms.packs import pack_files
    from toolkit.pairing.pairs import Pair
    from toolkit.program.validate import load_program

    loaded = load_program(REPO)
    blanks = make_forms(loaded, include=lambda plan: plan.in_pack and not plan.name.startswith("certificate-")
                        and plan.name != "agreement", round_number=1 if loaded.program.rotation else None).blanks
    checkins = len([name for name in blanks if name.startswith("checkin-")])
    per_pair = 3 * checkins
    pairs = [Pair(row, f"R1-P{row:04d}", f"Mentor {row}", f"Mentee {row}") for row in range(1, count // per_pair + 2)]
    written = 0
    for rel, data in pack_files(loaded, pairs, blanks, calendar=False):
        if written == count:
            break
        if not rel.endswith(".pdf"):  # the pack's message drafts and calendars
            continue
        if "pulse" in rel:
            data = _fill(data, {"contact_how": "Teams"}, {"working": written % 5, "comfortable": 3})
        else:
            data = _fill(data, {"meeting_minutes": "45", "action_1": "Try the new dashboard", "mentor_signature": "M"},
                         {"mentee_goal_1_progress": written % 5})
        (folder / f"returned-{written:05d}.pdf").write_bytes(data)
        written += 1
    return written


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (collect's pool of readers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main(count: int) -> None:
    import pikepdf

    import toolkit as api

    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "returned"
        folder.mkdir()
        made = time.perf_counter()
        written = returned_forms(folder, count)
        print(f"{written} returned forms made in {time.perf_counter() - made:.1f} s (not measured)")
        files = sorted(folder.iterdir())
        clock, cpu = time.perf_counter(), cpu_seconds()
        fields = 0
        for path in files:
            with pikepdf.open(io.BytesIO(path.read_bytes())) as pdf:
                fields += len(pdf.Root.AcroForm.Fields)
        floor = (time.perf_counter() - clock, cpu_seconds() - cpu)
        clock, cpu = time.perf_counter(), cpu_seconds()
        prepared = api.prepare_collect(REPO, [folder], as_of=dt.date(2099, 1, 1))
        read = (time.perf_counter() - clock, cpu_seconds() - cpu)
        clock, cpu = time.perf_counter(), cpu_seconds()
        api.write_collect(prepared, Path(temp) / "collected")
        wrote = (time.perf_counter() - clock, cpu_seconds() - cpu)
        records = len(prepared.collected.records) + len(prepared.collected.pulses)
        print("                                        wall s   CPU s")
        print(f"pikepdf alone, open and list fields:  {floor[0]:7.2f} {floor[1]:7.2f}")
        print(f"prepare_collect (identify and read):  {read[0]:7.2f} {read[1]:7.2f}  ({records} records)")
        print(f"write_collect (tracker, page):        {wrote[0]:7.2f} {wrote[1]:7.2f}")
        total = (read[0] + wrote[0], read[1] + wrote[1])
        print(f"collect, {written} forms: {total[0]:.2f} s wall, {total[1]:.2f} s CPU"
              f" ({written / total[1]:,.0f} forms per CPU second;"
              f" {'under' if total[0] < 10 else 'OVER'} the 10 s target by the wall clock)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else FORMS)
