"""Cold and cached run time and peak memory of the compression, NLP and recommendation demos at
their default settings, plus the on-demand sweeps.

    python -m bench.demo_compression_nlp_recommendation   # prints a table and rewrites the
                                      # '## Demo lab: compression, NLP, recommendation' section of bench/RESULTS.md

Each demo runs in a fresh subprocess, so "cold" includes importing torch / scikit-learn /
onnxruntime, and the call goes through the dashboard's own cache wrappers
(dashboard/cached/compression.py, nlp.py, recommendation.py; Streamlit caches in bare mode) so that the second, "cached" call is
what a user gets on a repeat visit. Reported per demo:

* wall seconds, cold (imports + first call) and compute only (first call), and the cached call;
* CPU seconds of the process for the first call (user + system): on a busy shared machine the wall
  time stretches with the load while CPU time stays close to what an idle core would need;
* peak resident memory of the process (ru_maxrss).

Target: a cold run of the default settings within 5 s on 2 cores.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.results_file import replace_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Demo lab: compression, NLP, recommendation"

# (label, python call on the cached module `c`, is a sweep)
CASES = [
    ("compression, defaults (train teacher + 6 variants, ONNX, int8, latency)", "cc.compression()", False),
    ("compression: edge projection (engine, 5 variants x 4 devices)",
     "cc.edge_projection(reference_model='resnet-50')", False),
    ("NLP: intent + sentiment classifiers, defaults", "cn.intent(seed=0, train_langs='both', ngram_max=3, c=10.0)",
     False),
    ("NLP: char transformer, defaults (200 steps, live)", "cn.char_lm(seed=0, n_layer=2, n_embd=32, steps=200, "
     "learning_rate=0.003, eval_every=20)", False),
    ("recommendation, defaults (ALS + baselines + top-k)", "cr.recommender()", False),
    ("sweep: pruning x7 x2 methods + L1 x5", "cc.compression_sweep()", True),
    ("sweep: char transformer scaling, 4 widths x 200 steps", "cn.char_scaling(seed=0, n_layer=2, steps=200, "
     "learning_rate=0.003, eval_every=20)", True),
    ("sweep: recommendation error vs density, 7 densities", "cr.sparsity_sweep()", True),
]

CHILD = r"""
import json, logging, resource, sys, time, warnings
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
t0 = time.perf_counter()
from dashboard.cached import compression as cc, nlp as cn, recommendation as cr
call = sys.argv[1]
t1 = time.perf_counter(); r0 = resource.getrusage(resource.RUSAGE_SELF)
eval(call)
t2 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_SELF)
eval(call)
t3 = time.perf_counter()
# new settings in the now-warm process (imports and first-use costs paid): what a user waits
# when changing a knob on a running server
eval(call.replace("(", "(seed=7, ", 1).replace(", )", ")") if "seed=" not in call else call.replace("seed=0", "seed=7"))
t4 = time.perf_counter()
print(json.dumps({
    "import_s": t1 - t0, "first_s": t2 - t1, "cached_s": t3 - t2, "warm_new_s": t4 - t3,
    "first_cpu_s": (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run_case(call: str) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, call], cwd=ROOT, capture_output=True, text=True,
                         timeout=900, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["process_s"] = wall
    return res


def write_results(rows: list[tuple[str, bool, dict]], load_before: float, load_after: float) -> str:
    lines = [
        SECTION, "",
        f"Measured by `python -m bench.demo_compression_nlp_recommendation` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs; load average "
        f"{load_before:.1f} before, {load_after:.1f} after: a shared machine, so wall times are inflated; "
        "CPU seconds are the better guide to an idle 2-core machine). Each row is a fresh process; the call "
        "goes through dashboard/cached/ (compression, nlp, recommendation).",
        "",
        "| demo | cold wall, imports + run (s) | run only, wall (s) | run only, CPU (s) | cached repeat (s) "
        "| new seed, warm process (s) | peak memory (MB) | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, sweep, r in rows:
        target = "on demand, with progress; cached" if sweep else "< 5 s cold on 2 cores"
        lines.append(f"| {label} | {r['import_s'] + r['first_s']:.2f} | {r['first_s']:.2f} | {r['first_cpu_s']:.2f} "
                     f"| {r['cached_s']:.4f} | {r['warm_new_s']:.2f} | {r['peak_rss_mb']:.0f} | {target} |")
    lines += ["", "\"run only\" is the first call in a fresh process, so it still includes importing torch, "
              "onnxruntime and scikit-learn (they load lazily inside the models) and torch's first-use "
              "set-up; \"new seed, warm process\" is the same demo with another seed once those are paid, "
              "which is what changing a knob on a running server costs.", "", "Imports alone (torch, scikit-learn, onnxruntime, Streamlit's cache module) are part of "
              "\"cold wall\"; in the app they are paid once per server process, not per page visit. "
              "torch and BLAS run on one thread inside the demos (see models/torch_threads.py "
              "and models/_threads.py): on this shared machine a second thread made a 600-step MLP training "
              "9x slower (48 s vs 5.6 s)."]
    text = "\n".join(lines) + "\n"
    replace_section(SECTION, text, RESULTS)
    return text


def main() -> None:
    only_defaults = "--defaults-only" in sys.argv
    load_before = os.getloadavg()[0]
    rows = []
    for label, call, sweep in CASES:
        if sweep and only_defaults:
            continue
        r = run_case(call)
        rows.append((label, sweep, r))
        print(f"{label}: cold {r['import_s'] + r['first_s']:.2f} s, run {r['first_s']:.2f} s "
              f"(cpu {r['first_cpu_s']:.2f}), cached {r['cached_s']:.4f} s, new seed warm {r['warm_new_s']:.2f} s, "
              f"peak {r['peak_rss_mb']:.0f} MB",
              flush=True)
    print(write_results(rows, load_before, os.getloadavg()[0]))


if __name__ == "__main__":
    main()
