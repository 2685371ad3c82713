"""Phones by compute path: the engine against published on-device LLM measurements, per path.

data/validation/phone_measurements.csv holds published speeds of LLMs on phones (ExecuTorch,
llama.cpp, MLC, Qualcomm Genie / QNN, Core ML, LiteRT-LM), each row with the compute path its
runtime ran on (``path``: the CPU cores, the GPU or the NPU), what was measured, the source with its
date and a ``verified`` flag.  Since issue 10 each phone path has its own peaks
(data/compute_paths.csv) and its own calibration group: the calibration fits four in five
configurations (scenarios/calibration/phone_rows.py) and this check asks the engine, as fitted, the
fifth it never saw (the external validation), and says which rows it cannot ask and why.

    python -m scenarios.calibration.phones           # print the tables
    python -m scenarios.calibration.phones --write   # also update docs/methodology.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from scenarios.calibration import external
from scenarios.calibration.phone_rows import DECODE_TOKENS, HELD_OUT, HOLD_OUT_EVERY, KEPT_OUT, load_phone_rows

ROOT = Path(__file__).resolve().parents[2]
PHONE_CSV = ROOT / "data" / "validation" / "phone_measurements.csv"
PATHS = ("cpu", "gpu", "npu")
PATH_NAMES = {"cpu": "CPU cores", "gpu": "GPU", "npu": "NPU"}
BEGIN, END = "<!-- phones:begin -->", "<!-- phones:end -->"
METRICS = (*external.METRICS, "ttft_ms")


def load_phones(path: Path = PHONE_CSV) -> pd.DataFrame:
    """The phone rows; refuses a file whose columns, paths or metrics are not the ones this check reads."""
    df = pd.read_csv(path)
    needed = {*external.REQUEST_COLUMNS, "path", "metric", "value", "software", "measured", "source", "verified"}
    missing = needed - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    bad_paths = sorted(set(df["path"]) - set(PATHS))
    if bad_paths:
        raise ValueError(f"{path}: unknown path(s) {bad_paths}; accepted: {PATHS}")
    bad = sorted(set(df["metric"]) - set(METRICS))
    if bad:
        raise ValueError(f"{path}: unknown metric(s) {bad}")
    return df


def evaluate(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every row with ``reason`` ('' when asked), ``held_out`` and, for asked rows (fitted and held
    out), the prediction, band and error of :func:`scenarios.calibration.external.evaluate` asked
    through the runtime of the row's compute path (``asked_runtime``)."""
    df = load_phones() if df is None else df
    rows = load_phone_rows(df)
    out = df.assign(asked_runtime=rows["runtime"].to_numpy(), held_out=rows["why_excluded"].eq(HELD_OUT).to_numpy(),
                    reason=rows["why_excluded"].where(rows["why_excluded"] != HELD_OUT, "").to_numpy())
    # rows kept out of the fit for a stated condition are asked too (an out-of-sample check)
    kept = out["reason"].str.startswith(KEPT_OUT)
    asked = (out["reason"] == "") | kept
    request = out[asked].assign(runtime=out.loc[asked, "asked_runtime"],
                                output_tokens=rows.loc[asked.to_numpy(), "output_tokens"].to_numpy()).reset_index(drop=True)
    ev = external.evaluate(request)
    ev.index = out.index[asked]
    ttft = ev["metric"] == "ttft_ms"      # a time: its band is [low, high] of the time itself
    ev.loc[ttft, "inside_band"] = (ev["low"] <= ev["value"]) & (ev["value"] <= ev["high"])
    for col in ("predicted", "low", "high", "err_pct", "inside_band", "basis", "error"):
        out.loc[asked, col] = ev[col]
    refused = asked & out["error"].fillna("").astype(str).ne("")
    out.loc[refused, "reason"] = "the engine refuses it: " + out.loc[refused, "error"].astype(str)
    out["answered"] = out["reason"] == ""
    out["out_of_sample"] = kept & ~refused
    return out


def kept_out_table(ev: pd.DataFrame) -> pd.DataFrame:
    """The rows kept out of the fit for a stated condition, as the fitted engine predicts them."""
    sel = ev[ev["out_of_sample"]]
    return pd.DataFrame({
        "phone": sel["hardware"], "model": sel["model"], "weights": sel["weights"], "runtime": sel["runtime"],
        "path": sel["path"], "metric": sel["metric"].str.replace("_tokens_per_s", ""), "measured": sel["value"],
        "predicted": sel["predicted"].astype(float).round(1), "err_pct": sel["err_pct"].astype(float).round(0),
        "condition": sel["reason"].str.removeprefix(KEPT_OUT).str.split(":").str[0]}).reset_index(drop=True)


def path_table(ev: pd.DataFrame) -> pd.DataFrame:
    """Per path, runtime (as published) and metric over the held-out rows the engine answers: rows,
    phones, median signed and absolute error %, share inside the band."""
    ok = ev[ev["answered"] & ev["held_out"]].assign(
        abs_err=lambda d: d["err_pct"].astype(float).abs(), metric=lambda d: d["metric"].str.replace("_tokens_per_s", ""))
    t = ok.groupby(["path", "runtime", "metric"]).agg(
        rows=("value", "size"), phones=("hardware", "nunique"),
        median_signed_err_pct=("err_pct", "median"), median_abs_err_pct=("abs_err", "median"),
        inside_band_pct=("inside_band", "mean")).reset_index()
    t["inside_band_pct"] = 100.0 * t["inside_band_pct"].astype(float)
    return t


def coverage_table(ev: pd.DataFrame) -> pd.DataFrame:
    """Per path: rows collected, phones, rows fitted, rows held out, and the rows not asked by reason."""
    rows = []
    for path in PATHS:
        sel = ev[ev["path"] == path]
        reasons = sel.loc[~sel["answered"], "reason"].value_counts()
        rows.append({"path": PATH_NAMES[path], "rows": len(sel), "phones": sel["hardware"].nunique(),
                     "fitted": int((sel["answered"] & ~sel["held_out"]).sum()),
                     "held out": int((sel["answered"] & sel["held_out"]).sum()),
                     "not asked": "; ".join(f"{n} × {why}" for why, n in reasons.items()) or "none"})
    return pd.DataFrame(rows)


def _held_out(ev: pd.DataFrame, path: str, kind: str) -> str:
    metrics = ("decode_tokens_per_s",) if kind == "decode" else ("prefill_tokens_per_s", "ttft_ms")
    sel = ev[ev["answered"] & ev["held_out"] & (ev["path"] == path) & ev["metric"].isin(metrics)]
    if not len(sel):
        return f"{kind} no held-out row"
    return (f"{kind} {sel['err_pct'].astype(float).abs().median():.0f} % over {len(sel)} rows "
            f"({sel['inside_band'].astype(bool).mean() * 100:.0f} % inside the band)")


def methodology_section(ev: pd.DataFrame) -> str:
    lines = [f"- **{PATH_NAMES[p]}**: {_held_out(ev, p, 'decode')}; {_held_out(ev, p, 'prefill')}" for p in PATHS]
    held = ev[ev["answered"] & ev["held_out"]]
    return f"""{BEGIN}
## Phones by compute path (published on-device measurements)

_Written by `python -m scenarios.calibration.phones --write`; rows, sources and dates in
data/validation/phone_measurements.csv; each phone's path peaks in data/compute_paths.csv._

{len(ev)} published measurements of LLMs on {ev['hardware'].nunique()} phone chips, each with the compute path its
runtime ran on. Each path computes on its own peaks (ARCHITECTURE 4.3): ExecuTorch (XNNPACK) and
llama.cpp on the CPU cores (int8 / fp16 SIMD peaks derived from clocks and 128-bit pipes per core,
over the cores ExecuTorch's default threads use: little Cortex-A5x cores left out), MLC on the GPU
(the catalog's GPU peaks), QNN / Genie on the Hexagon NPU and Core ML on Apple's Neural Engine (their
TOPS); decode stays bound by the shared memory's bandwidth. QNN's weight-only int4 (AI Hub 'w4',
fp16 activations) computes on the NPU's fp16 path, w4a16 on its integer path, and a QNN decode step
reads the KV cache of its whole static window (4096 tokens, AI Hub's compiled context). A
phone's calibration group is its path: `phone|executorch` (CPU: ExecuTorch and llama.cpp CPU rows,
llama.cpp asked as itself with a compute factor of its own on the group's prefill efficiency),
`phone|mlc` (GPU: MLC, llama.cpp OpenCL and ExecuTorch Vulkan rows), `phone|qnn` (NPU). Core ML has
no row of a catalog model yet: it borrows decode from the NPU group and prefill from the nearest group
on its fp16 path (the GPU's), flagged uncalibrated with the fallback band, and that prefill is likely
several times too fast: the published Core ML rows of models outside the catalog (Gemma 4 E2B on an
A17 Pro: 175 prompt tokens/s) imply a few per cent of the Neural Engine's fp16 peak.
Leave-one-hardware-out figures per class are in the calibration section above.

**Held out, never fitted**: one configuration (model, phone, weights, runtime, path) in
{HOLD_OUT_EVERY}, chosen by the CRC-32 of its identity (`scenarios/calibration/phone_rows.py`), {len(held)} rows
the engine answers. Median absolute error (predicted / measured − 1) and share inside the stated band
(a decode speed published without its length is asked at {DECODE_TOKENS} generated tokens):

{chr(10).join(lines)}

What each path holds, what is fitted, held out, and what cannot be asked:

{external._md(coverage_table(ev))}

Held-out rows by path, published runtime and metric:

{external._md(path_table(ev))}

Rows kept out of the fit because they were measured under a condition the engine does not model
(reasons in `scenarios/calibration/phone_rows.py`), predicted by the fitted engine as an
out-of-sample check:

{external._md(kept_out_table(ev))}
{END}"""


def write_methodology(ev: pd.DataFrame, path: Path = external.METHODOLOGY) -> None:
    external.write_marked_section(methodology_section(ev), BEGIN, END, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scenarios.calibration.phones", description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="update docs/methodology.md")
    args = ap.parse_args(argv)
    ev = evaluate()
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(coverage_table(ev).to_string(index=False))
        print(path_table(ev).to_string(index=False))
    if args.write:
        write_methodology(ev)
    return 0


if __name__ == "__main__":
    sys.exit(main())
