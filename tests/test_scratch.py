"""Work folders (render/scratch.py): what a killed run left is cleared by the next, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.render.scratch import MARKER, work_folder


def test_a_work_folder_is_gone_at_the_end_even_when_the_run_fails(tmp_path: Path) -> None:
    with pytest.raises(ValueError), work_folder(tmp_path, "revmentor-docs-") as folder:
        (folder / "docs").mkdir()
        raise ValueError("a failed build")
    assert list(tmp_path.iterdir()) == []


def test_the_next_run_clears_a_killed_runs_folder_and_keeps_a_running_one_and_any_other(tmp_path: Path) -> None:
    killed = tmp_path / "revmentor-docs-killed"
    (killed / "docs").mkdir(parents=True)
    (killed / MARKER).write_text("4242\n", encoding="ascii")  # its run is gone: nobody holds the lock
    foreign = tmp_path / "revmentor-docs-mine"
    foreign.mkdir()
    (foreign / "notes.md").write_text("not the toolkit's\n", encoding="utf-8")

    with work_folder(tmp_path, "revmentor-docs-") as running:
        assert sorted(tmp_path.iterdir()) == sorted([foreign, running])
        with work_folder(tmp_path, "revmentor-docs-") as second:
            assert running.is_dir(), "a folder in use is never cleared"
            assert second != running
    assert list(tmp_path.iterdir()) == [foreign]
    assert (foreign / "notes.md").read_text(encoding="utf-8") == "not the toolkit's\n"
