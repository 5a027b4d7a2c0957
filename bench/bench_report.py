"""Benchmark `revmentor report` on many responses: 100,000 and 1,000,000 rows by default.

The flagship program's surveys get synthetic response files (rows split evenly over the
surveys, scale answers at random, one respondent in a hundred writing free text). Each size
runs in a fresh process so its peak memory (ru_maxrss) is its own, and prints, side by side:
- the table reader alone (`files.tables.read_table` on every file): the floor the report's own
  code stands on;
- `prepare_report` (read, check, tally, compute) and `write_report(pdf=False)`, i.e.
  `revmentor report --no-pdf`.
Targets: 1,000,000 rows in under a minute and within a few hundred MB above the reader.

    python bench/bench_report.py             # both sizes
    python bench/bench_report.py 250000      # one size
    python bench/bench_report.py 20000 --pdf # with the PDF (slow: WeasyPrint)
    python bench/bench_report.py 1000000 --one-file   # every row in one survey's file
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIZES = (100_000, 1_000_000)


def write_responses(folder: Path, rows: int, seed: int = 3, one_file: bool = False) -> list[Path]:
    """One CSV per flagship survey, `rows` rows in all (or all of them in the first survey's file)."""
    from toolkit.evaluation.responses import template_header
    from toolkit.program.validate import load_program

    program = load_program(REPO).program
    scales = {scale.id: len(scale.labels) for scale in program.feedback.scales}
    questions = {question.id: question for question in program.feedback.questions}
    surveys = program.feedback.surveys[:1] if one_file else program.feedback.surveys
    rng = random.Random(seed)
    paths = []
    for number, survey in enumerate(surveys):
        header = template_header(survey)
        lines = [",".join(header)]
        for i in range(rows // len(surveys) + (number < rows % len(surveys))):
            cells = [f"{survey.id[:3]}{i:07d}"]
            if len(survey.audience) > 1:
                cells.append(rng.choice(survey.audience))
            for question_id in survey.questions:
                question = questions[question_id]
                if question.kind == "text":
                    cells.append(f"answer {i}" if rng.random() < 0.01 else "")
                else:
                    cells.append(str(rng.randint(1, scales[question.scale or ""])))
            lines.append(",".join(cells))
        path = folder / f"{survey.id}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def child(mode: str, folder: str, pdf: bool) -> None:
    """Run one measurement in this (fresh) process and print it as JSON."""
    paths = sorted(Path(folder).glob("*.csv"))
    start = time.perf_counter()
    if mode == "reader":
        from toolkit.files.tables import read_table

        rows = sum(len(read_table(path, what="responses", ragged_rows="keep").rows) for path in paths)
        result: dict[str, object] = {"rows": rows}
    else:
        import toolkit as api

        prepared = api.prepare_report(REPO, [folder])
        computed = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as out:  # never inside the responses folder: the report refuses that
            written = api.write_report(prepared, Path(out) / "report", pdf=pdf)
        result = {"rows": prepared.report.used + prepared.report.left_out, "compute_s": round(computed, 2),
                  "files": list(written.files)}
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


def measure(mode: str, folder: Path, pdf: bool) -> dict[str, object]:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(folder), *(["--pdf"] if pdf else [])],
                          capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        sys.exit(f"the {mode} run failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2], "--pdf" in argv)
        return
    pdf = "--pdf" in argv
    one_file = "--one-file" in argv
    sizes = [int(a) for a in argv if a.isdigit()] or list(SIZES)
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_responses(folder, size, one_file=one_file)
            megabytes = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
            reader = measure("reader", folder, pdf)
            report = measure("report", folder, pdf)
            files = "1 file" if one_file else f"{len(list(folder.glob('*.csv')))} files"
            print(f"{size:>9,} rows in {files} ({megabytes:.0f} MB of CSV): reader alone {reader['seconds']} s,"
                  f" {reader['peak_mb']} MB peak | report{'' if pdf else ' --no-pdf'} {report['seconds']} s"
                  f" (read + figures {report['compute_s']} s), {report['peak_mb']} MB peak")


if __name__ == "__main__":
    main(sys.argv[1:])
