"""Record (or check) the figures every page shows on its defaults.

    python -m tools.page_snapshot write    # regenerate tests/snapshots/pages.json (make snapshot)
    python -m tools.page_snapshot check

Each page is opened from the entrypoint with Streamlit's AppTest, as tests/app does, in English
and on its built-in defaults; the record is every metric card (label, value, delta) and every
table's cells.  A refactor keeps the engine's pages identical (numbers to 1e-6 relative: the engine
is deterministic); a change that moves figures on purpose regenerates the file with ``make
snapshot`` and says why in the commit.

The demo pages (``demo_*``) train small models live. They are seeded, so one machine repeats its
figures exactly, but another CPU takes other float kernels (AVX2, AVX-512, AMX in MKL and oneDNN)
and a model trained on a few hundred examples lands a few test examples apart: the speech demo
read 88 % on the machine that recorded the snapshot, 92 % on a Sapphire Rapids runner and 90 % with
torch held to AVX2. So on those pages the text around the numbers must match exactly and each
number must stay within :func:`demo_close` of the recorded one (8 for percent and points, 0.08
for a share, or 25 %, whichever is wider): a demo that breaks (accuracy at chance, a sign flipped, a row gone) still
fails the check; a different CPU does not.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

from tools.cli_snapshot import differences, main

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "snapshots" / "pages.json"
REL_TOL = 1e-6
# Prices are shown with their age (scenarios/business/price_age.py): the record ages them on one
# fixed day, so it does not change with the calendar.
SNAPSHOT_TODAY = "2026-12-07"
# Figures measured on this computer's clock (the training-speed demo, the int8 latency here, the
# vision demo's training time) differ run to run by nature: recorded as "<measured>", not compared.
MEASURED = re.compile(r"latency here|per second|GFLOP/s|speed vs|training time", re.IGNORECASE)


def _cell(v):
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            v = str(v)
    if isinstance(v, float):
        return None if not math.isfinite(v) else v
    if isinstance(v, (int, bool, str)) or v is None:
        return v
    return str(v)


def page_figures(page_path: str) -> dict:
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(page_path).run()
    metrics = [[m.label, "<measured>", "<measured>"] if MEASURED.search(m.label) else [m.label, m.value, m.delta]
               for m in at.metric]
    tables = []
    for df_el in list(at.dataframe) + list(at.table):
        df = df_el.value
        timed = [bool(MEASURED.search(str(c))) for c in df.columns]
        tables.append({"columns": [str(c) for c in df.columns],
                       "rows": [["<measured>" if t else _cell(v) for t, v in zip(timed, row)]
                                for row in df.itertuples(index=False)]})
    return {"metrics": metrics, "tables": tables,
            "errors": [e.value for e in at.error] + [str(e.value) for e in at.exception]}


def records() -> dict:
    """Every page's figures, with empty folders of saved devices and scenarios, so what a
    machine has saved (or a test left behind) never enters the record, and prices aged on
    SNAPSHOT_TODAY."""
    import os
    import tempfile

    from dashboard.navigation import all_pages
    from scenarios.business.price_age import TODAY_ENV
    from scenarios.business.store import DEVICE_DIR_ENV, SCENARIO_DIR_ENV
    saved_env = {k: os.environ.get(k) for k in (DEVICE_DIR_ENV, SCENARIO_DIR_ENV, TODAY_ENV)}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[DEVICE_DIR_ENV] = os.path.join(tmp, "devices")
        os.environ[SCENARIO_DIR_ENV] = os.path.join(tmp, "scenarios")
        os.environ[TODAY_ENV] = SNAPSHOT_TODAY
        try:
            return {spec.path: page_figures(spec.path) for spec in all_pages()}
        finally:
            for k, v in saved_env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def write(path: Path = SNAPSHOT) -> int:
    rec = records()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rec, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(rec)


def compare(path: Path = SNAPSHOT, limit: int = 50) -> list[str]:
    old, new = json.loads(path.read_text(encoding="utf-8")), records()
    out: list[str] = []
    for page in sorted(set(old) | set(new)):
        if page not in old or page not in new:
            out.append(f".{page}: {'missing now' if page not in new else 'new page'}")
        elif _is_demo(page):
            _demo_differences(old[page], new[page], f".{page}", out, limit)
        else:
            differences(old[page], new[page], f".{page}", out, limit, rel_tol=REL_TOL)
    return out[:limit]


def _is_demo(page: str) -> bool:
    return Path(page).name.startswith("demo_")


_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def demo_close(old: float, new: float, in_points: bool = False) -> bool:
    """Within the demo tolerance: 8 for percent and points (``in_points``, or any figure above 1),
    0.08 for a share up to 1, or 25 % of the recorded figure, whichever is wider."""
    absolute = 8.0 if in_points or abs(old) > 1 else 0.08
    return abs(new - old) <= max(absolute, 0.25 * abs(old))


def _numbers(text: str) -> tuple[str, list[float]]:
    """A string's text with each number replaced by '#', and the numbers."""
    found = [float(m.replace(",", "")) for m in _NUMBER.findall(text)]
    return _NUMBER.sub("#", text), found


def _demo_differences(old, new, where: str, out: list[str], limit: int) -> None:
    """:func:`differences` for a trained demo's figures: same structure and text, numbers within
    :func:`demo_close`."""
    if len(out) >= limit:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for k in sorted(set(old) | set(new)):
            if k not in old or k not in new:
                out.append(f"{where}.{k}: {'missing now' if k not in new else 'new field'}")
            else:
                _demo_differences(old[k], new[k], f"{where}.{k}", out, limit)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            out.append(f"{where}: length {len(old)} -> {len(new)}")
        for i, (a, b) in enumerate(zip(old, new)):
            _demo_differences(a, b, f"{where}[{i}]", out, limit)
    elif isinstance(old, str) and isinstance(new, str):
        (text_a, nums_a), (text_b, nums_b) = _numbers(old), _numbers(new)
        in_points = bool(re.search(r"%|\bpts?\b|\bpoints?\b", old))
        if text_a != text_b or len(nums_a) != len(nums_b) or not all(
                demo_close(a, b, in_points) for a, b in zip(nums_a, nums_b)):
            out.append(f"{where}: {old!r} -> {new!r} (demo: beyond the tolerance)")
    elif (isinstance(old, (int, float)) and isinstance(new, (int, float))
          and not isinstance(old, bool) and not isinstance(new, bool)):
        if not demo_close(old, new):
            out.append(f"{where}: {old!r} -> {new!r} (demo: beyond the tolerance)")
    elif old != new:
        out.append(f"{where}: {old!r} -> {new!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], "tools.page_snapshot", write, compare, "pages", SNAPSHOT))
