"""Atlas area timings: robustness sampling, all workload presets through the engine, and the
rerun time of the three pages (AppTest). Writes nothing; prints a Markdown table for
bench/RESULTS.md ("## Atlas").

    python -m bench.atlas
"""

from __future__ import annotations

import os
import statistics
import time

import pandas as pd


def _best_median(fn, repeat: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    from scenarios.atlas import opportunity, workloads

    d = opportunity.load_defaults()
    scores = d.scores.assign(**{"compute-cost": pd.Series(d.fallback_compute_scores)})
    rows = []
    for n in (5_000, 20_000, 200_000):
        best, med = _best_median(lambda n=n: opportunity.robustness(scores, d.default_weights(), d.criteria,
                                                                    n_samples=n, concentration=20, seed=0))
        rows.append((f"robustness, {n:,} weight draws x 9 domains", f"{best * 1e3:.1f} ms / {med * 1e3:.1f} ms"))

    ids = sorted(workloads.load_presets())
    best, med = _best_median(lambda: [workloads.run_preset(p) for p in ids], repeat=3)
    rows.append((f"all {len(ids)} workload presets through the engine", f"{best * 1e3:.0f} ms / {med * 1e3:.0f} ms"))

    from tests.app.conftest import open_page

    for page, query, key, value in [
        ("dashboard/pages/atlas.py", None, "atlas_domain", "finance"),
        ("dashboard/pages/domain.py", {"dom_id": "medical"}, "dom_id", "finance"),
        ("dashboard/pages/opportunity.py", None, "opp_w_market_pull", 50),
    ]:
        t0 = time.perf_counter()
        at = open_page(page, "en", query)
        cold = time.perf_counter() - t0
        reruns = []
        for i in range(5):
            widget = at.slider(key=key) if key.startswith("opp_") else at.selectbox(key=key)
            t0 = time.perf_counter()
            widget.set_value(value if i % 2 == 0 else (25 if key.startswith("opp_") else "nlp")).run()
            reruns.append(time.perf_counter() - t0)
        rows.append((f"{page.split('/')[-1]}: first open (entrypoint + page) / median rerun after an input change",
                     f"{cold * 1e3:.0f} ms / {statistics.median(reruns) * 1e3:.0f} ms"))

    load = os.getloadavg()[0]
    print(f"Measured by `python -m bench.atlas` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
          f"({os.cpu_count()} CPUs, load average {load:.1f}).\n")
    print("| what | best / median |\n|---|---|")
    for what, value in rows:
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
