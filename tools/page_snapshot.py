"""Record (or check) the figures every page shows on its defaults.

    python -m tools.page_snapshot write    # regenerate tests/snapshots/pages.json (make snapshot)
    python -m tools.page_snapshot check

Each page is opened from the entrypoint with Streamlit's AppTest, as tests/app does, in English
and on its built-in defaults; the record is every metric card (label, value, delta) and every
table's cells.  A refactor keeps these identical (numbers in tables to 1e-6 relative: the demo
models are seeded, the engine is deterministic); a change that moves figures on purpose
regenerates the file with ``make snapshot`` and says why in the commit.
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
    old = json.loads(path.read_text(encoding="utf-8"))
    return differences(old, records(), "", None, limit, rel_tol=REL_TOL)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], "tools.page_snapshot", write, compare, "pages", SNAPSHOT))
