"""Programs k times the flagship's size, for the benches' scale series.

`scaled_program(k, folder)` writes a program folder whose program.yaml has k times the flagship's
training modules and check-ins, and whose content/ has k times its hand-written pages, each copy
renamed so that ids, titles and paths stay unique. The program is lengthened so that the extra
check-ins fit (at most 52, the
most program.yaml allows); everything else is the flagship's.

    python bench/scaled.py 4 /tmp/program-4x      # write one, to build or time by hand
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
MAX_CHECKINS = 52
"""program.yaml allows at most 52 check-ins (one a week for a year): the 16x program stops there."""


def scaled_program(k: int, folder: Path, source: Path = REPO) -> Path:
    """Write the flagship scaled k times into `folder`, a new or empty folder; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise SystemExit(f"{folder} is not empty: give a new folder for the scaled program")
    data: dict[str, Any] = yaml.safe_load((source / "program.yaml").read_text(encoding="utf-8"))
    if k > 1:
        modules = data["training"]
        data["training"] = modules + [
            {**module, "id": f"{module['id']}-{n}", "title": f"{module['title']} (part {n})"}
            for n in range(2, k + 1) for module in modules
        ]
        checkins = data["checkins"]
        sessions = checkins["sessions"]
        checkins["sessions"] = (sessions + [{**session, "title": f"{session['title']} (part {n})"}
                                            for n in range(2, k + 1) for session in sessions])[:MAX_CHECKINS]
        checkins["schedule"] = {**checkins["schedule"], "every_weeks": 1, "count": len(checkins["sessions"])}
        length = checkins["schedule"]["first_week"] + len(checkins["sessions"]) + 8
        data["program"]["duration_weeks"] = max(int(data["program"]["duration_weeks"]), length)
    (folder / "program.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for name in ("mkdocs.yml", "schema.json"):
        if (source / name).is_file():
            shutil.copyfile(source / name, folder / name)
    content = source / "content"
    target = folder / "content"
    shutil.copytree(content, target)
    for n in range(2, k + 1):
        for page in sorted(content.rglob("*.md")):
            rel = page.relative_to(content)
            if rel.parts[0] == "_includes":
                continue
            copy = target / rel.parent / f"{rel.stem}-{n}.md"
            text = page.read_text(encoding="utf-8")
            lines = text.splitlines(keepends=True)
            for i, line in enumerate(lines):
                if line.startswith("# "):
                    lines[i] = f"{line.rstrip()} (part {n})\n"
                    break
            copy.write_text("".join(lines), encoding="utf-8")
    return folder


if __name__ == "__main__":
    print(scaled_program(int(sys.argv[1]), Path(sys.argv[2])))
