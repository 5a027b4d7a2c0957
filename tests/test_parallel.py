"""Documents rendered side by side in worker processes (toolkit/outputs/parallel.py): the same bytes in
the same order as one process, problems still located, and a stop ends every worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolkit.errors import BuildError
from toolkit.files.paths import display_path
from toolkit.outputs.forms.layout import FormsFamily
from toolkit.outputs.parallel import WORKERS_VARIABLE, Job, render_families
from toolkit.outputs.training import TrainerFamily, TrainingFamily
from toolkit.program.validate import load_program

from conftest import write_program


def _render(folder: Path, monkeypatch: pytest.MonkeyPatch, workers: int, forms: int = 3) -> list[tuple[str, bytes]]:
    """The training pack, the trainer's pack (the guide and deck) and the first `forms` blank forms, no
    cache, with this many processes."""
    monkeypatch.setenv(WORKERS_VARIABLE, str(workers))
    loaded = load_program(folder)
    training, trainer, blanks = TrainingFamily(), TrainerFamily(), FormsFamily()
    made = render_families(loaded, [Job(training, training.plan(loaded.program), None),
                                    Job(trainer, trainer.plan(loaded.program), None),
                                    Job(blanks, blanks.plan(loaded.program)[:forms], None)])
    return [(artifact.path, artifact.data) for family in made for artifact in family.artifacts]


def test_workers_make_the_same_files_in_the_same_order_as_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_program(tmp_path / "prog")
    alone = _render(folder, monkeypatch, 1)
    assert [path for path, _ in alone][:4] == ["training/orientation-handout.pdf", "training/schedule.pdf",
                                                "orientation-guide.pdf", "orientation-slides.pptx"]
    assert len(alone) == 2 + 2 + 3
    assert _render(folder, monkeypatch, 2) == alone


def test_a_problem_met_in_a_worker_comes_back_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_program(tmp_path / "prog", files={"templates/training/schedule.html.j2": "<p>{{ nonsense.value }}</p>\n"})
    with pytest.raises(BuildError) as caught:
        _render(folder, monkeypatch, 2, forms=1)
    shown = display_path(folder / "templates" / "training" / "schedule.html.j2")
    assert [(problem.file, problem.line, problem.message) for problem in caught.value.problems] == [
        (shown, 1, "undefined value in template: 'nonsense' is undefined")]


def _children(pid: int) -> list[int]:
    """The processes `pid` started (Linux)."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    return [int(child) for child in text.split()]


def _is_worker(pid: int) -> bool:
    """A pool's worker, not multiprocessing's resource tracker (which ends once its parent has)."""
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
                    reason="reads /proc; workers start only with two cores or more")
def test_sigterm_while_workers_render_ends_them_all_and_changes_nothing(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog")
    process = subprocess.Popen([sys.executable, "-m", "toolkit", "build", str(folder), "-q"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, WORKERS_VARIABLE: "2"})
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and process.poll() is None:
        workers = [child for child in _children(process.pid) if _alive(child) and _is_worker(child)]
        if len(workers) >= 2:
            break
        time.sleep(0.02)
    assert len(workers) >= 2, "the build never started its workers"
    time.sleep(0.5)  # they are importing or rendering
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (143, "Interrupted (SIGTERM); no output was changed.\n")
    assert [worker for worker in workers if _alive(worker)] == []
    assert not (folder / "site").exists()
