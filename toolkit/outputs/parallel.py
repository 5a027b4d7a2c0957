"""The site families' documents rendered side by side, in a process pool sized to the cores.

Why: about 86 % of a clean build is independent documents (training guides, handouts, decks,
blank forms), each laid out by WeasyPrint or python-pptx in pure Python, so one process used
one core. `render_families` takes the families the render cache cannot serve whole, cuts those
whose documents are independent (`OutputFamily.parts`) into contiguous runs of their planned
files, renders the runs in worker processes and joins them again in plan order, so the output,
its warnings and its problems are those of a render in one process, byte for byte.

- Workers start with "spawn", never a bare fork of a process that may hold threads, locks and
  open files (and, unlike "forkserver", spawn makes no socket folder in the temporary folder);
  each imports the toolkit and WeasyPrint itself, on its own core.
- Each worker renders through the same render cache (its writes are atomic), and errors come
  back as their located problems (an exception's pickle would keep only its text).
- Stop signals: workers ignore Ctrl-C and SIGHUP (the terminal sends them to the whole group);
  the main process gets them, as before, and its `finally` ends every worker before the stop
  goes on, so nothing is left running and the previous output is untouched.
- With one core, or a single run to make, everything is rendered here, as before.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..errors import BuildError, Problem, ToolkitError
from ..program.validate import LoadedProgram
from ..render.artifact import PlannedFile, Rendered
from ..render.cache import RenderCache
from .family import OutputFamily, cached_family, keep_family

WORKERS_VARIABLE = "REVMENTOR_WORKERS"
"""Set to a number to choose how many processes render (1: all in this one)."""


@dataclass(frozen=True)
class Job:
    """One family to render: what it plans and the cache it renders through."""

    family: OutputFamily
    planned: list[PlannedFile]
    cache: RenderCache | None


def workers() -> int:
    """How many processes render: REVMENTOR_WORKERS, else the cores this process may use."""
    chosen = os.environ.get(WORKERS_VARIABLE, "")
    if chosen.strip().isdigit() and int(chosen) > 0:
        return int(chosen)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def render_families(loaded: LoadedProgram, jobs: Sequence[Job]) -> list[Rendered]:
    """Every job's family rendered (from the render cache when none of its inputs changed), in job
    order; BuildError with every problem of every family, in plan order, if any failed."""
    results: list[Rendered | None] = []
    keys: list[str | None] = []
    for job in jobs:
        found, key = cached_family(job.family, loaded, job.planned, job.cache)
        results.append(found)
        keys.append(key)
    to_make = [index for index, found in enumerate(results) if found is None]
    count = workers()
    runs: list[tuple[int, list[PlannedFile]]] = []
    for index in to_make:
        job = jobs[index]
        pieces = min(count, len(job.planned)) if job.family.parts and count > 1 else 1
        runs += [(index, part) for part in _contiguous(job.planned, pieces)]
    made = _render_runs(loaded, jobs, runs, count)
    problems: list[Problem] = []
    for index in to_make:
        parts = [outcome for (run_index, _), outcome in zip(runs, made, strict=True) if run_index == index]
        failed = [problem for outcome in parts if isinstance(outcome, list) for problem in outcome]
        if failed:
            problems += [problem for problem in failed if problem not in problems]
            continue
        joined = _join([outcome for outcome in parts if isinstance(outcome, Rendered)])
        keep_family(jobs[index].cache, keys[index], joined)
        results[index] = joined
    if problems:
        raise BuildError(problems)
    return [result for result in results if result is not None]


def _contiguous(planned: list[PlannedFile], pieces: int) -> list[list[PlannedFile]]:
    """`planned` cut into `pieces` runs of nearly equal length, in order."""
    size, extra = divmod(len(planned), pieces)
    runs, start = [], 0
    for piece in range(pieces):
        end = start + size + (1 if piece < extra else 0)
        runs.append(planned[start:end])
        start = end
    return [run for run in runs if run]


def _join(parts: Sequence[Rendered]) -> Rendered:
    joined = Rendered()
    for part in parts:
        joined.artifacts += part.artifacts
        joined.warnings += [warning for warning in part.warnings if warning not in joined.warnings]
        joined.rendered += part.rendered
        joined.reused += part.reused
        joined.keys.update(part.keys)
    return joined


Outcome = Rendered | list[Problem]


def render_run(family: OutputFamily, loaded: LoadedProgram, planned: list[PlannedFile],
               cache: RenderCache | None) -> tuple[Outcome, set[str]]:
    """One run of a family's files, in whichever process: its Rendered, or its problems; and the
    cache entries it used (a worker's cache is a copy: the main one must not prune them)."""
    try:
        outcome: Outcome = family.render(loaded, planned, cache)
    except ToolkitError as error:
        outcome = error.problems
    return outcome, set(cache.used) if cache is not None else set()


def _render_runs(loaded: LoadedProgram, jobs: Sequence[Job], runs: list[tuple[int, list[PlannedFile]]],
                 count: int) -> list[Outcome]:
    if count <= 1 or len(runs) <= 1:
        return [render_run(jobs[index].family, loaded, part, jobs[index].cache)[0] for index, part in runs]
    context = multiprocessing.get_context("spawn")
    try:
        pool = ProcessPoolExecutor(max_workers=min(count, len(runs)), mp_context=context, initializer=_quiet_worker)
    except (OSError, NotImplementedError, ImportError):  # no working semaphores (a locked-down container)
        return _render_runs(loaded, jobs, runs, 1)
    try:
        # Longest runs first, so the last to start is a short one; the results keep run order.
        order = sorted(range(len(runs)), key=lambda at: -len(runs[at][1]))
        futures: dict[int, Future[tuple[Outcome, set[str]]]] = {
            at: pool.submit(render_run, jobs[runs[at][0]].family, loaded, runs[at][1], jobs[runs[at][0]].cache)
            for at in order}
        outcomes = []
        for at in range(len(runs)):
            outcome, used = futures[at].result()
            cache = jobs[runs[at][0]].cache
            if cache is not None:
                cache.used |= used
            outcomes.append(outcome)
    except BaseException:  # a stop signal (Interrupted) or a worker that died: end them all, now
        _end(pool)
        raise
    pool.shutdown(wait=True)
    return outcomes


def _quiet_worker() -> None:
    """In each worker: the terminal's Ctrl-C and hang-up are the main process's to act on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _end(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down without waiting, its workers ended at once (Python 3.14 has
    `terminate_workers()`; before it the pool's processes are only reachable this way)."""
    processes: dict[Any, Any] = dict(getattr(pool, "_processes", None) or {})
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        process.terminate()
    for process in processes.values():
        process.join(5)
