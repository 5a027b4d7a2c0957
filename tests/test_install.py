"""Installing on a stock machine: the README's quick start as written, and a missing system library said plainly."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_readme import quick_start_commands

from conftest import REPO


def test_a_system_library_weasyprint_cannot_load_is_one_located_line_with_the_packages() -> None:
    """The OSError is cffi's own, for a library that is not there, as WeasyPrint gets it without Pango."""
    import cffi

    from toolkit.render.pdf import missing_library

    with pytest.raises(OSError) as caught:
        cffi.FFI().dlopen("libpango-1.0-0-not-installed")
    assert missing_library(caught.value).format() == (
        "WeasyPrint, which lays out every PDF, cannot load the system library libpango-1.0-0-not-installed: Pango and"
        " the libraries it uses are not installed\n"
        "  fix: install them (Debian, Ubuntu: sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0;"
        " macOS: brew install pango), then build again; see the README's Quick start")


def test_the_readme_names_the_python_version_and_the_system_packages_the_quick_start_needs() -> None:
    from toolkit.render.pdf import SYSTEM_PACKAGES

    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert f"sudo apt install python3-venv {SYSTEM_PACKAGES}" in section
    assert "Python 3.11" in section
    requires = re.search(r'requires-python = ">=(\d+\.\d+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert requires is not None and requires.group(1) == "3.11"


@pytest.mark.slow
def test_the_quick_start_line_works_as_written_in_a_fresh_venv(tmp_path: Path) -> None:
    """The README's first command, run by a shell in a copy of the repository with nothing installed in
    its venv. The venv sees this Python's packages (--system-site-packages), so the test stays offline
    and fast; the toolkit itself is installed into it from the copy, and its `revmentor` builds."""
    install_and_build, _ = quick_start_commands()
    assert install_and_build.startswith("python3 -m venv .venv && ")
    line = install_and_build.replace("python3 -m venv .venv", f"{sys.executable} -m venv --system-site-packages .venv", 1)
    copy = tmp_path / "revmentor"
    archive = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True).stdout
    for name in filter(None, archive.decode("utf-8").split("\0")):
        source = REPO / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy / name)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(["sh", "-c", line], cwd=copy, env={**env, "NO_COLOR": "1"}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    where = subprocess.run([str(copy / ".venv/bin/python"), "-c", "import toolkit; print(toolkit.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(copy / ".venv/lib/")), "revmentor runs from the venv, not from this checkout"
    assert "Site written to site/" in done.stdout
    assert (copy / "site/index.html").is_file() and (copy / "site/training").is_dir()
