"""Phones by compute path: the engine against published on-device LLM measurements it never saw.

data/validation/phone_measurements.csv holds published speeds of LLMs on phones (ExecuTorch,
llama.cpp, MLC, Qualcomm Genie / QNN, Core ML, LiteRT-LM), each row with the compute path its
runtime ran on (``path``: the CPU cores, the GPU or the NPU), what was measured, the source with its
date and a ``verified`` flag. Nothing is fitted on these rows. The check says how far the engine is
off on each path today, and which rows it cannot ask at all: the engine keeps one compute figure per
phone, the same for every runtime, and has no NPU runtime (issue 10).

    python -m scenarios.calibration.phones           # print the tables
    python -m scenarios.calibration.phones --write   # also update docs/methodology.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from scenarios.calibration import external

ROOT = Path(__file__).resolve().parents[2]
PHONE_CSV = ROOT / "data" / "validation" / "phone_measurements.csv"
PATHS = ("cpu", "gpu", "npu")
PATH_NAMES = {"cpu": "CPU cores", "gpu": "GPU", "npu": "NPU"}
BEGIN, END = "<!-- phones:begin -->", "<!-- phones:end -->"
DECODE_TOKENS = 128     # generated tokens a decode row without a published length is asked at


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
    bad = sorted(set(df["metric"]) - {*external.METRICS, "ttft_ms"})
    if bad:
        raise ValueError(f"{path}: unknown metric(s) {bad}")
    return df


def why_not_asked(df: pd.DataFrame) -> pd.Series:
    """Per row, why the engine is not asked it ('' where it is): a TTFT row (this check compares
    speeds), a phone, model or weight format the catalog lacks."""
    from scenarios.engine.catalog import load_formats, load_hardware, load_models
    hardware, models, formats = load_hardware(), load_models(), load_formats()
    reasons = []
    for r in df.itertuples():
        if r.metric not in external.METRICS:
            reasons.append("time to first token (this check compares speeds)")
        elif r.hardware not in hardware:
            reasons.append("phone not in the catalog")
        elif r.model not in models:
            reasons.append("model not in the catalog")
        elif r.weights not in formats:
            reasons.append("weight format not in the catalog")
        elif r.metric == "prefill_tokens_per_s" and r.prompt_tokens <= 0:
            reasons.append("prompt length not published")
        else:
            reasons.append("")
    return pd.Series(reasons, index=df.index)


def evaluate(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every row, with ``reason`` ('' when asked) and, for asked rows the engine answers, the
    prediction, band and error of :func:`scenarios.calibration.external.evaluate`. A runtime the
    engine refuses on a phone (no NPU path) becomes the row's reason."""
    df = load_phones() if df is None else df
    out = df.assign(reason=why_not_asked(df))
    asked = out["reason"] == ""
    request = out[asked].reset_index(drop=True)
    # a decode speed published without its length is asked at DECODE_TOKENS generated tokens
    request["output_tokens"] = request["output_tokens"].where(request["output_tokens"] > 0, DECODE_TOKENS)
    ev = external.evaluate(request)
    ev.index = out.index[asked]
    for col in ("predicted", "low", "high", "err_pct", "inside_band", "basis", "error"):
        out.loc[asked, col] = ev[col]
    refused = asked & out["error"].fillna("").astype(str).ne("")
    out.loc[refused, "reason"] = "runtime " + out.loc[refused, "runtime"] + " not available on phones in the engine"
    out["answered"] = out["reason"] == ""
    return out


def path_table(ev: pd.DataFrame) -> pd.DataFrame:
    """Per path, runtime and metric over the answered rows: rows, phones, median signed and absolute
    error %, share inside the band."""
    ok = ev[ev["answered"]].assign(abs_err=lambda d: d["err_pct"].astype(float).abs(),
                                   metric=lambda d: d["metric"].str.replace("_tokens_per_s", ""))
    t = ok.groupby(["path", "runtime", "metric"]).agg(
        rows=("value", "size"), phones=("hardware", "nunique"),
        median_signed_err_pct=("err_pct", "median"), median_abs_err_pct=("abs_err", "median"),
        inside_band_pct=("inside_band", "mean")).reset_index()
    t["inside_band_pct"] = 100.0 * t["inside_band_pct"].astype(float)
    return t


def coverage_table(ev: pd.DataFrame) -> pd.DataFrame:
    """Per path: rows collected, phones, rows the engine answers, and the rows it cannot by reason."""
    rows = []
    for path in PATHS:
        sel = ev[ev["path"] == path]
        reasons = sel.loc[~sel["answered"], "reason"].value_counts()
        rows.append({"path": PATH_NAMES[path], "rows": len(sel), "phones": sel["hardware"].nunique(),
                     "answered": int(sel["answered"].sum()),
                     "not asked or refused": "; ".join(f"{n} × {why}" for why, n in reasons.items()) or "none"})
    return pd.DataFrame(rows)


def _median_abs(ev: pd.DataFrame, path: str, metric: str) -> str:
    sel = ev[ev["answered"] & (ev["path"] == path) & (ev["metric"] == metric)]
    return f"{sel['err_pct'].astype(float).abs().median():.0f} % over {len(sel)} rows" if len(sel) else "no rows"


def _signed(ev: pd.DataFrame, metric: str, path: str | None = None) -> str:
    sel = ev[ev["answered"] & (ev["metric"] == metric) & ((ev["path"] == path) if path else True)]
    return f"{sel['err_pct'].astype(float).median():+.0f} % ({len(sel)} rows)"


def methodology_section(ev: pd.DataFrame) -> str:
    dec, pre = "decode_tokens_per_s", "prefill_tokens_per_s"
    lines = [f"- **{PATH_NAMES[p]}**: decode {_median_abs(ev, p, dec)}, prefill {_median_abs(ev, p, pre)}"
             for p in PATHS]
    return f"""{BEGIN}
## Phones by compute path (published measurements the engine never saw)

_Written by `python -m scenarios.calibration.phones --write`; rows, sources and dates in
data/validation/phone_measurements.csv (not used by any fit)._

{len(ev)} published measurements of LLMs on {ev['hardware'].nunique()} phone chips, each with the compute path its
runtime ran on. The engine has one compute figure per phone whatever the runtime, so a path it does
not model shows up here as a systematic error (a decode speed published without its length is
asked at {DECODE_TOKENS} generated tokens). Median absolute error (predicted / measured − 1) of the
rows it answers:

{chr(10).join(lines)}

What each path holds and what cannot be asked yet:

{external._md(coverage_table(ev))}

By path, runtime and metric (answered rows):

{external._md(path_table(ev))}

**What it says.** Decode is bandwidth-bound: on the rows answered the engine is off by a median
{_signed(ev, "decode_tokens_per_s")} there. Prefill is compute-bound and is charged the phone GPU's fp16 peak
whatever the runtime, so on the CPU cores (ExecuTorch with XNNPACK, llama.cpp) it is off by a
median {_signed(ev, "prefill_tokens_per_s", "cpu")}, and the battery per 1,000 prompt tokens comes out too low in
proportion. NPU runtimes (Qualcomm Genie / QNN) cannot be asked at all. These rows are kept out of
every fit so that the per-path compute figures of issue 10 can be judged on them.
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
