"""Scenario benchmarks.

    python -m bench.scenarios     # prints the numbers and rewrites '## Scenarios' in bench/RESULTS.md

* Monte Carlo: 10,000 samples for one scenario (target < 0.5 s), for every preset; the
  Monte Carlo alone (what the target is about) and the whole `run()` (engine capacity per
  target + economics + Monte Carlo + tornado).
* Compare page: AppTest rerun time after the selection changes, cold (scenarios not yet
  computed in this process) and warm (cached), with 2 and 4 scenarios.
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from bench.results_file import replace_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def _timed(fn, repeats: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return wall, cpu


def monte_carlo_times(repeats: int = 7) -> list[dict]:
    from scenarios.business.economics import cost_models
    from scenarios.business.scenario import load_preset, preset_ids
    from scenarios.business.runner import capacities, power_defaults, run
    from scenarios.business.uncertainty import monte_carlo, tornado

    rows = []
    for pid in preset_ids():
        s = load_preset(pid)
        models = cost_models(s, capacities(s), power_defaults(s))
        monte_carlo(s, models, n=10_000)  # warm numpy
        wall, cpu = _timed(lambda: monte_carlo(s, models, n=10_000, seed=1), repeats)
        twall, _ = _timed(lambda: tornado(s, models), repeats)
        rwall, rcpu = _timed(lambda: run(s, samples=10_000), 3)
        rows.append({"preset": pid, "options": len(models), "mc_median_s": statistics.median(wall),
                     "mc_cpu_s": statistics.median(cpu), "tornado_s": statistics.median(twall),
                     "run_median_s": statistics.median(rwall), "run_cpu_s": statistics.median(rcpu)})
    return rows


def compare_rerun_times(repeats: int = 5) -> dict:
    from streamlit.testing.v1 import AppTest

    os.environ.setdefault("VENTURE_LAB_SCENARIO_DIR", tempfile.mkdtemp(prefix="bench-scn-"))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("dashboard/pages/compare.py").run()
    out = {}
    sets = {2: [["nlp", "finance"], ["medical", "speech"]],
            4: [["nlp", "finance", "games", "vision"], ["medical", "speech", "recommendation", "customer-service"]]}
    for n, (a, b) in sets.items():
        t0 = time.perf_counter()
        at.multiselect(key="cmpr_ids").set_value(a).run()
        cold_a = time.perf_counter() - t0
        t0 = time.perf_counter()
        at.multiselect(key="cmpr_ids").set_value(b).run()
        cold_b = time.perf_counter() - t0
        warm = []
        for i in range(repeats):
            t0 = time.perf_counter()
            at.multiselect(key="cmpr_ids").set_value(a if i % 2 == 0 else b).run()
            warm.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
        out[n] = {"cold_s": statistics.median([cold_a, cold_b]), "warm_median_s": statistics.median(warm)}
    return out


def write_results(mc: list[dict], cmp: dict) -> str:
    worst = max(mc, key=lambda r: r["mc_median_s"])
    lines = [
        "## Scenarios", "",
        f"Measured by `python -m bench.scenarios` on {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC "
        f"({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}: a shared machine, so CPU time is given next to wall time).", "",
        "Monte Carlo, 10,000 samples of one scenario (target < 0.5 s): the serving target's cost and margin, "
        "every option's cost band and a 24-month fan, vectorised numpy. `run()` adds the engine's capacity "
        "per target, the economics and the tornado.", "",
        "| preset | options | Monte Carlo 10k: wall (median of 7) | CPU | tornado | whole `run()` wall | CPU |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in mc:
        lines.append(f"| {r['preset']} | {r['options']} | {r['mc_median_s'] * 1000:.1f} ms | {r['mc_cpu_s'] * 1000:.1f} ms "
                     f"| {r['tornado_s'] * 1000:.2f} ms | {r['run_median_s'] * 1000:.0f} ms | {r['run_cpu_s'] * 1000:.0f} ms |")
    lines += ["", f"Slowest Monte Carlo: {worst['preset']}, {worst['mc_median_s'] * 1000:.1f} ms "
              f"({'meets' if worst['mc_median_s'] < 0.5 else 'misses'} the 0.5 s target).", "",
              "Compare page rerun after the selection changes (AppTest, from the entrypoint; includes the "
              "router and sidebar). Cold: the scenarios are computed for the first time in this process "
              "(engine + 10k-sample Monte Carlo each); warm: switching back to a selection already computed "
              "(cached by scenario file text).", "",
              "| scenarios compared | cold rerun | warm rerun (median of 5) |", "|---|---|---|"]
    for n, v in cmp.items():
        lines.append(f"| {n} | {v['cold_s']:.2f} s | {v['warm_median_s'] * 1000:.0f} ms |")
    text = "\n".join(lines) + "\n"
    replace_section("## Scenarios", text, RESULTS)
    return text


def main() -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    mc = monte_carlo_times()
    cmp = compare_rerun_times()
    print(write_results(mc, cmp))


if __name__ == "__main__":
    main()
