"""`venture-lab plan` benchmark: configurations searched per second on one core.

    python -m bench.plan            # prints the numbers and rewrites the '## Capacity planner' section of bench/RESULTS.md
    python -m bench.plan --quick    # fewer repeats, prints only

The default search (every device with a rental price x weight formats x continuous-batching
runtimes x 1-8 devices per replica x 22 concurrencies) for Llama 3.1 8B at 20 requests/s, prompt
512, output 256, TTFT p90 <= 1 s, TPOT <= 50 ms, through ``scenarios.engine.plan.plan``: the
steady state of every configuration, the cost-ordered percentile check, the Pareto front and the
infeasible reasons.  Pinned to one core where the OS allows it.  Target: >= 10,000 configurations
in under 1 s.
"""

from __future__ import annotations

import os
import platform
import sys
import time

from bench.results_file import replace_section

HEADING = "## Capacity planner"


def measure(repeats: int = 5) -> dict:
    from scenarios.engine.plan import PlanRequest, plan
    req = PlanRequest(model="llama-3.1-8b", rate_per_s=20.0, prompt_tokens=512, output_tokens=256, ttft_ms=1000.0,
                      tpot_ms=50.0)
    plan(req)                                    # warm: catalogs and factors are read once per process
    times, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        res = plan(req)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {"configurations": res.configurations, "best_s": min(times), "median_s": sorted(times)[len(times) // 2],
            "cpu_s": min(cpu), "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan"),
            "candidates": len(res.candidates), "infeasible": len(res.infeasible),
            "best": f"{res.best['replicas']} x {res.best['devices_per_replica']} {res.best['hardware']} "
                    f"({res.best['weights']}, {res.best['runtime']})"}


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (argv or sys.argv[1:])
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    r = measure(2 if quick else 5)
    text = (f"{HEADING}\n\n`python -m bench.plan` ({platform.processor() or platform.machine()}, one core, "
            f"Python {platform.python_version()}): `plan` for Llama 3.1 8B at 20 requests/s, prompt 512, output 256, "
            f"TTFT p90 <= 1 s, TPOT <= 50 ms over the default search space.\n\n"
            f"Wall time counts other processes on a shared machine (load average {r['load']:.1f} during the run); "
            f"CPU time is the process's own.\n\n"
            f"| configurations | best wall (s) | median wall (s) | best CPU (s) | target | Pareto candidates | "
            f"infeasible pairs | best |\n"
            f"|---|---|---|---|---|---|---|---|\n"
            f"| {r['configurations']:,} | {r['best_s']:.3f} | {r['median_s']:.3f} | {r['cpu_s']:.3f} | "
            f">= 10,000 in < 1 s | "
            f"{r['candidates']} | {r['infeasible']} | {r['best']} |\n")
    print(text)
    if not quick:
        replace_section(HEADING, text)
    return 0 if r["configurations"] >= 10_000 and min(r["best_s"], r["cpu_s"]) < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
