"""External check: the engine against published measurements that the calibration never saw.

data/validation/external_measurements.csv holds published prefill / decode speeds on hardware,
models, formats and software builds that are NOT rows of data/calibration/ (each row: exact source
URL, what was measured, a ``verified`` flag).  Nothing here is fitted: the rows only measure how far
the estimator is off out of sample, per hardware class, runtime and metric.

    python -m scenarios.calibration.external           # print the error table
    python -m scenarios.calibration.external --write   # also update docs/methodology.md and bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.units import fmt_grouped

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL_CSV = ROOT / "data" / "validation" / "external_measurements.csv"
METHODOLOGY = ROOT / "docs" / "methodology.md"
RESULTS = ROOT / "bench" / "RESULTS.md"
REQUEST_COLUMNS = ("model", "hardware", "weights", "runtime", "batch", "prompt_tokens", "output_tokens")
METRICS = ("decode_tokens_per_s", "prefill_tokens_per_s")
BEGIN, END = "<!-- external-validation:begin -->", "<!-- external-validation:end -->"


def load_external(path: Path = EXTERNAL_CSV) -> pd.DataFrame:
    """The external rows; every column the check needs must be there."""
    df = pd.read_csv(path)
    needed = {*REQUEST_COLUMNS, "metric", "value", "software", "measured", "source", "verified"}
    missing = needed - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    bad = sorted(set(df["metric"]) - set(METRICS))
    if bad:
        raise ValueError(f"{path}: unknown metric(s) {bad}; accepted: {METRICS}")
    return df


def evaluate(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per measurement: prediction, band, signed error % (pred / measured - 1), inside band,
    and the calibration basis the estimate used."""
    from scenarios.engine.serving import estimate_inference_table  # lazy: keeps `--help` light
    df = load_external() if df is None else df
    est = estimate_inference_table(df[list(REQUEST_COLUMNS)])
    out = df.copy()
    idx = np.arange(len(df))
    metric = df["metric"].to_numpy()
    out["predicted"] = [est.iloc[i][m] for i, m in zip(idx, metric)]
    out["low"] = [est.iloc[i][f"{m}_low"] for i, m in zip(idx, metric)]
    out["high"] = [est.iloc[i][f"{m}_high"] for i, m in zip(idx, metric)]
    from scenarios.engine.catalog import get_hardware
    out["hw_class"] = [get_hardware(h).hw_class for h in df["hardware"]]
    out["basis"] = est["basis"].to_numpy()
    out["calibrated"] = est["calibrated"].to_numpy()
    out["error"] = est["error"].to_numpy()
    out["err_pct"] = 100.0 * (out["predicted"].astype(float) / out["value"].astype(float) - 1.0)
    out["inside_band"] = (out["low"] <= out["value"]) & (out["value"] <= out["high"])
    return out


def summary(ev: pd.DataFrame) -> dict:
    """Headline numbers: rows, median |error| %, share inside the band, by metric too."""
    a = ev["err_pct"].abs()
    res = {"rows": int(len(ev)), "median_abs_err_pct": float(a.median()),
           "inside_band_share": float(ev["inside_band"].mean()),
           "hardware": int(ev["hardware"].nunique()), "models": int(ev["model"].nunique())}
    for m in METRICS:
        sel = ev["metric"] == m
        res[f"{m}_rows"] = int(sel.sum())
        res[f"{m}_median_abs_err_pct"] = float(a[sel].median()) if sel.any() else float("nan")
    return res


def group_table(ev: pd.DataFrame) -> pd.DataFrame:
    g = ev.assign(abs_err=ev["err_pct"].abs(), metric=ev["metric"].str.replace("_tokens_per_s", ""))
    t = g.groupby(["hw_class", "runtime", "metric"]).agg(
        rows=("value", "size"), devices=("hardware", "nunique"),
        median_signed_err_pct=("err_pct", "median"), median_abs_err_pct=("abs_err", "median"),
        max_abs_err_pct=("abs_err", "max"), inside_band_pct=("inside_band", "mean")).reset_index()
    t["inside_band_pct"] = 100.0 * t["inside_band_pct"]
    return t


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        return fmt_grouped(v, 1 if abs(v) < 1e5 else 0)
    return str(v)


def _md(df: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(_fmt(v).replace("|", "\\|") for v in r.to_numpy()) + " |")
    return "\n".join(lines)


# What the external rows say about the estimate (docs/methodology.md, below the tables)
MISSES = """**What the misses say.** Software builds move llama.cpp speeds by tens of percent, and the
estimate stands for current builds. The Dec 2023 builds on A100 / H100 decode Llama 2 7B Q4_0 at
~135 tok/s, a quarter of what the bandwidth allows, and prefill at 4–13 % of the tensor peak (no
CUDA graphs, no int8 tensor-core MMQ yet), so the estimate is high there (llama.cpp on datacenter
GPUs has no calibration rows: it borrows the TensorRT-LLM / consumer llama.cpp factors and the
uncalibrated band). The one 2025 datacenter row (V100, scoreboard build) decodes within 5 % and
prefills 17 % slower than estimated. On the RTX 4090 the 2025 scoreboard build decodes at 186 tok/s,
25 % above the Dec 2023 build of the same model in the same benchmark repo (149 tok/s); the estimate
(149) sits at the older build. The calibrated bands are leave-one-hardware-out residuals of one software era per
group and are narrow (Apple prefill ×0.95–1.09), so rows from other builds fall outside them more
often. Gemma 2 on Jetson decodes slower than its bytes predict (large tied vocabulary, 256-dim heads),
as in the calibration rows. On the Graviton4 instance, Arm's published sample run (late-2024 build with
the repacked AArch64 Q4_0 kernels, 64 threads) decodes Llama 3.1 8B at 61.6 tok/s, the estimate 18 % below,
inside the band (it reads weights at 0.73 of the instance's pro-rata share of the socket's DDR5 bandwidth, the
estimate at 0.59); its prefill figure times one 14-token prompt, where the estimate charges a
full read of the weights, and is outside. Changes made because of this check, all by class / runtime / format (no
row fitted): the FP8 peak of GeForce Ada, and prefill efficiency borrowed only from a group measured
on the same peak path (llama.cpp CUDA float weights were charged the int8-MMQ efficiency: −74 % on
the RTX 4090 F16 row). Since the consumer calibration rows of five GeForce cards (2026-12), llama.cpp
CUDA prefill of every format runs on one peak, the 16-bit tensor rate with FP16 accumulate
(`fp16_acc16`, scenarios/engine/groups.py), with the group's own efficiency: that RTX 4090 F16 row is
−10 % and the consumer prefill rows here 14 % (median, was 23 %). The Dec 2023 datacenter rows (A100 80GB,
H100 PCIe) borrowed the consumer efficiency until 2026-12 (decode +28 %, prefill 1.9–4.1× too fast); since then
llama.cpp decode on datacenter GPUs is its own group, fitted on LLaMA-1 13B rows of the same README's Dec 2023
table on the same two GPUs (another model and table, same setup: these decode rows are no longer independent of
the fit) and within 8 % here. Its prefill stays borrowed and 1.8–3.8× too fast: that build spends a bandwidth-bound
share beyond its GEMMs the roofline does not carry (the 13B prefill rows are the fit report's out-of-sample check).
Tried and not kept: exempting
llama.cpp CUDA decode from the 4-bit bandwidth factor (fitted mostly on Metal): consumer in-sample
decode error 14 → 8 %, but overall LOHO decode 7.3 → 7.5 % and external in-band share 82 → 77 %."""


def methodology_section(ev: pd.DataFrame) -> str:
    s = summary(ev)
    rows = ev[["hardware", "model", "weights", "runtime", "software", "metric", "value", "predicted", "low",
               "high", "err_pct", "inside_band", "verified"]].copy()
    rows["metric"] = rows["metric"].str.replace("_tokens_per_s", "")
    rows = rows.rename(columns={"value": "measured", "err_pct": "err %", "inside_band": "in band"})
    return f"""{BEGIN}
## External validation (published measurements the fit never saw)

_Written by `python -m scenarios.calibration.external --write`; rows and sources in
data/validation/external_measurements.csv (not used by any fit)._

{s['rows']} measurements on {s['hardware']} devices and {s['models']} models: llama.cpp CUDA
(2023-2025 builds) on RTX 4090, A100, H100 PCIe and V100, llama.cpp Metal on M3, M3 Max and M4,
MLC on the RTX 4090 and the Jetson Orin Nano Super, llama.cpp's CPU kernels on a 64-core Graviton4
instance (AWS r8g.16xlarge: no calibration row on it; the class's llama.cpp rows are a 32-core
Graviton3 and a Threadripper). Error = predicted / measured − 1.

- Median absolute error: **{s['median_abs_err_pct']:.1f} %** (decode {s['decode_tokens_per_s_median_abs_err_pct']:.1f} %
  over {s['decode_tokens_per_s_rows']} rows, prefill {s['prefill_tokens_per_s_median_abs_err_pct']:.1f} % over
  {s['prefill_tokens_per_s_rows']} rows)
- Measurements inside the stated low–high band: **{100 * s['inside_band_share']:.0f} %**

By hardware class, runtime and metric:

{_md(group_table(ev))}

Every row:

{_md(rows)}

{MISSES}
{END}"""


def write_methodology(ev: pd.DataFrame, path: Path = METHODOLOGY) -> None:
    write_marked_section(methodology_section(ev), BEGIN, END, path)


def write_marked_section(section: str, begin: str, end: str, path: Path = METHODOLOGY) -> None:
    """Replace the text between ``begin`` and ``end`` in docs/methodology.md with ``section`` (which
    carries both markers), or insert it before the known-limits chapter the first time."""
    text = path.read_text(encoding="utf-8")
    if begin in text and end in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _m: section, text, flags=re.S)
    else:
        marker = "\n## 5. Known limits of the engine"
        text = text.replace(marker, "\n" + section + "\n\n" + marker.lstrip("\n"), 1) if marker in text \
            else text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def results_subsection(ev: pd.DataFrame) -> str:
    s = summary(ev)
    return f"""### External validation (published measurements not in the calibration set)

`python -m scenarios.calibration.external` over data/validation/external_measurements.csv
({s['rows']} rows, {s['hardware']} devices, {s['models']} models; full table in docs/methodology.md):
median absolute error **{s['median_abs_err_pct']:.1f} %** (decode {s['decode_tokens_per_s_median_abs_err_pct']:.1f} %,
prefill {s['prefill_tokens_per_s_median_abs_err_pct']:.1f} %), **{100 * s['inside_band_share']:.0f} %** inside the
stated low–high band. Largest misses: llama.cpp builds from 2023 on A100 / H100 (the estimate stands
for current builds).
"""


def write_results(ev: pd.DataFrame, path: Path = RESULTS) -> None:
    """Put the sub-section at the end of the '## Cost engine' section (kept by bench/engine.py)."""
    sub = results_subsection(ev).rstrip("\n")
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n## Cost engine\n"
    sec = re.compile(r"(## Cost engine\n.*?)(?=\n## |\Z)", re.S)
    m = sec.search(text)
    if m is None:
        text = text.rstrip("\n") + "\n\n## Cost engine\n\n" + sub + "\n"
    else:
        body = re.sub(r"\n### External validation.*?(?=\n### |\Z)", "", m.group(1), flags=re.S).rstrip("\n")
        text = text[:m.start()] + body + "\n\n" + sub + "\n" + text[m.end():]
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scenarios.calibration.external", description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="update docs/methodology.md and bench/RESULTS.md")
    args = ap.parse_args(argv)
    ev = evaluate()
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(group_table(ev).to_string(index=False))
    print(summary(ev))
    if args.write:
        write_methodology(ev)
        write_results(ev)
    return 0


if __name__ == "__main__":
    sys.exit(main())
