"""The product reads only its own data/ copies: no source string names the reference folder
(../shared) as where a number was read.  data/README.md may say where a file was *copied from*
(history), and YAML comments are not shown to users, so both are skipped."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = re.compile(r"(\.\./|/work/|\b)shared/data\b")
FILES = sorted(p for area in ("scenarios", "dashboard", "models", "data") for p in (ROOT / area).rglob("*")
               if p.suffix in {".py", ".yaml", ".yml", ".csv", ".json", ".toml"} and p.is_file())


def _visible_lines(path: Path):
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        stripped = line.lstrip()
        if path.suffix in {".yaml", ".yml", ".toml", ".py"} and stripped.startswith("#"):
            continue
        yield n, line


def test_the_scan_sees_the_presets():
    assert any(p.parent.name == "presets" for p in FILES)


def test_no_source_string_points_at_the_shared_folder():
    bad = [f"{p.relative_to(ROOT)}:{n}: {line.strip()[:100]}" for p in FILES for n, line in _visible_lines(p)
           if SHARED.search(line)]
    assert not bad, "these name shared/data; say the data/ copy instead (keep the upstream source):\n" + \
        "\n".join(bad)
