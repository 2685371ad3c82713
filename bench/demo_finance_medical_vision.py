"""Cold and cached run time and peak memory of the finance, medical and vision demos.

Each demo runs in a fresh interpreter (so "cold" includes importing scikit-learn / torch /
opacus / imbalanced-learn / captum, as a first visitor to a fresh server pays), through the same
st.cache_data wrapper the page uses; the second call with the same config is the "cached" time.
Peak memory is the process's maximum resident set size (resource.getrusage), which includes the
interpreter and the libraries. Results replace this area's section of bench/RESULTS.md.

Run: ``python -m bench.demo_finance_medical_vision`` (about a minute on 2 cores).
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
SECTION = "## Demo lab: finance, medical, vision"

DEMOS = {
    "finance: fraud, 4 methods (defaults)": "cf.run_fraud(fraud.FraudConfig())",
    "finance: credit reasons (defaults)": "cf.run_credit(credit.CreditConfig())",
    "medical: explainability (defaults)": "cm.run_explain(medical.ExplainConfig())",
    "medical: DP-SGD at epsilon=1 + no-privacy reference": "(cm.run_dp(mp.DPConfig()), cm.run_dp(mp.DPConfig(epsilon=math.inf)))",
    "medical: FedAvg, 5 hospitals, 30 rounds": "cm.run_fedavg(mp.FedConfig())",
    "medical: whole page defaults (explain + DP pair + FedAvg)":
        "(cm.run_explain(medical.ExplainConfig()), cm.run_dp(mp.DPConfig()), cm.run_dp(mp.DPConfig(epsilon=math.inf)),"
        " cm.run_fedavg(mp.FedConfig()))",
    "vision: 3 CNNs trained + corruptions + FGSM/PGD + saliency": "cv.run_vision(vr.VisionConfig())",
    "sweep: DP accuracy vs epsilon (7 budgets)": "cm.dp_sweep(mp.DPConfig())",
    "sweep: fraud recall vs fraud rate (5 rates)": "cf.fraud_rate_sweep(fraud.FraudConfig())",
}

CHILD = r"""
import json, logging, math, resource, sys, time, warnings
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
t0 = time.perf_counter()
from dashboard.cached import finance as cf, medical as cm, vision as cv
from models import credit, fraud, medical, vision_robustness as vr
from models import medical_privacy as mp
t1 = time.perf_counter()
expr = sys.argv[1]
u0 = resource.getrusage(resource.RUSAGE_SELF)
eval(expr)
t2 = time.perf_counter()
u1 = resource.getrusage(resource.RUSAGE_SELF)
eval(expr)
t3 = time.perf_counter()
cpu = (u1.ru_utime + u1.ru_stime) - (u0.ru_utime + u0.ru_stime)
print(json.dumps({"import_s": t1 - t0, "cold_s": t2 - t1, "cold_cpu_s": cpu, "cached_s": t3 - t2,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(expr: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, expr], cwd=ROOT, capture_output=True, text=True,
                         check=True, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    rows = []
    for name, expr in DEMOS.items():
        r = measure(expr)
        rows.append((name, r))
        print(f"{name:62s} cold {r['cold_s']:6.2f} s (cpu {r['cold_cpu_s']:5.2f} s)  cached {r['cached_s'] * 1000:7.1f} ms  "
              f"peak {r['peak_rss_mb']:6.0f} MB", flush=True)
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    lines = [SECTION, "",
             f"`python -m bench.demo_finance_medical_vision`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
             f"1-min load average {load:.1f} at the end (the box is shared: cold times scale with load).",
             "Cold = first call in a fresh interpreter, lazy imports of torch / opacus / imblearn included;"
             " cold CPU = user + system CPU seconds of that call (the models run on one thread, so this is"
             " about the wall time on an idle core); cached = the same call again (st.cache_data)."
             " Peak = max RSS of the process.", "",
             "| demo | cold wall (s) | cold CPU (s) | cached (ms) | peak RSS (MB) |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {n} | {r['cold_s']:.2f} | {r['cold_cpu_s']:.2f} | {r['cached_s'] * 1000:.1f} | "
              f"{r['peak_rss_mb']:.0f} |" for n, r in rows]
    section = "\n".join(lines) + "\n\n"
    replace_section(SECTION, section)
    print("wrote bench/RESULTS.md")


if __name__ == "__main__":
    main()
