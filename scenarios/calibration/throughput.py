"""Fit of the continuous-batching factors on published throughput-at-concurrency measurements.

``data/calibration/throughput_measurements.csv`` holds serving-engine maintainers' and independent
benchmarkers' throughput at many sequences in flight (source and date per row).  Each row is
predicted by the engine's own batching model (scenarios/engine/batching.py) at the row's
concurrency, or, for rows run at the engine's own best concurrency (``max``), at the concurrency
``--batch max`` picks.  Two factors per runtime family (``eta_kv``, ``eta_compute``) are chosen on
a grid; the band is the spread of the leave-one-hardware-out residuals.

    python -m scenarios.calibration batching        # writes data/batching_factors.json + docs
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios.calibration.rows import DATA
from scenarios.engine import batching
from scenarios.engine.concurrency import best_concurrency
from scenarios.engine.serving_core import ALLREDUCE_LATENCY_S, work_stage
from scenarios.engine.serving_inputs import resolve_requests

THROUGHPUT_CSV = DATA / "calibration" / "throughput_measurements.csv"
GRID = np.geomspace(0.2, 1.6, 24)
# Share of held-out rows the band covers: the 8th to 92nd percentile of measured / predicted.
BAND_QUANTILES = (0.08, 0.92)
MIN_DEVICES_PER_FAMILY = 2


def load_rows(path=THROUGHPUT_CSV) -> pd.DataFrame:
    """The measurement rows with the concurrency each is predicted at (``max`` resolved)."""
    df = pd.read_csv(path, dtype={"concurrency": str})
    is_max = df["concurrency"].str.strip().str.lower() == "max"
    best = best_concurrency(df["model"].tolist(), df["hardware"].tolist(), df["weights"].tolist(),
                            df["kv_cache"].tolist(), df["runtime"].tolist(), df["prompt_tokens"].to_numpy(float),
                            df["output_tokens"].to_numpy(float), df["devices"].to_numpy(float))
    given = pd.to_numeric(df["concurrency"].where(~is_max), errors="coerce").to_numpy(float)
    return df.assign(concurrency_used=np.where(is_max, best, given), at_max=is_max.to_numpy())


def _requests(df: pd.DataFrame):
    r = resolve_requests(df["model"].tolist(), df["hardware"].tolist(), df["weights"].tolist(),
                         df["kv_cache"].tolist(), df["runtime"].tolist(), df["concurrency_used"].to_numpy(float),
                         df["prompt_tokens"].to_numpy(float), df["output_tokens"].to_numpy(float),
                         df["devices"].to_numpy(float), None, 0.5, None)
    bad = [str(e) for e in r.error if e is not None]
    if bad:
        raise ValueError(f"throughput rows the engine cannot run: {bad[:3]}")
    return r, work_stage(r)


def predict(df: pd.DataFrame, batching_factors: dict, prepared=None) -> np.ndarray:
    """Predicted value of each row (its metric's unit) under ``batching_factors``."""
    r, w = prepared or _requests(df)
    decode_only = (df["metric"] == "decode_tokens_per_s_at_batch").to_numpy()
    pf = np.where(decode_only, 0.0, w.prefill_flops / np.maximum(r.batch, 1.0))
    ss = batching.from_requests(r, w, None, ALLREDUCE_LATENCY_S, batching_factors, prefill_flops_per_seq=pf)
    return ss.throughput_tokens_per_s[0]


def _factors(eta_kv: dict, eta_c: dict, band=(1.0, 1.0), basis="") -> dict:
    return {"eta_kv": eta_kv, "eta_compute": eta_c, "band": list(band), "basis": basis}


def grid_log_ratios(df: pd.DataFrame) -> np.ndarray:
    """log(predicted / measured) of every row for every (eta_kv, eta_compute) grid point:
    shape (len(GRID)**2, rows).  A fit on any subset of rows is then an argmin."""
    prepared = _requests(df)
    runtimes = sorted(df["runtime"].unique())
    out = []
    for kv in GRID:
        for c in GRID:
            f = _factors({rt: kv for rt in runtimes} | {"default": kv}, {rt: c for rt in runtimes} | {"default": c})
            out.append(np.log(predict(df, f, prepared) / df["value"].to_numpy(float)))
    return np.array(out)


def _best(lr: np.ndarray, rows: np.ndarray) -> int:
    """Grid point with the least mean |log ratio| over ``rows`` (bool mask)."""
    return int(np.argmin(np.mean(np.abs(lr[:, rows]), axis=1)))


def fit_on(df: pd.DataFrame, lr: np.ndarray, rows: np.ndarray) -> dict[str, tuple[int, bool]]:
    """Per runtime family its grid point fitted on ``rows`` (and whether it had rows of its own;
    a family measured on fewer than MIN_DEVICES_PER_FAMILY devices takes the pooled fit, key
    'default': two factors on one device would fit that device's quirks, untested by LOHO)."""
    out = {"default": (_best(lr, rows), False)}
    for rt in sorted(df["runtime"].unique()):
        own = rows & (df["runtime"] == rt).to_numpy()
        enough = df.loc[own, "hardware"].nunique() >= MIN_DEVICES_PER_FAMILY
        out[rt] = (_best(lr, own), True) if enough else (out["default"][0], False)
    return out


def leave_one_hardware_out(df: pd.DataFrame, lr: np.ndarray) -> pd.DataFrame:
    """Each row predicted with factors fitted without its hardware: log ratio, own-family flag."""
    res = np.full(len(df), np.nan)
    own = np.zeros(len(df), bool)
    rts = df["runtime"].to_numpy()
    for hw in df["hardware"].unique():
        held = (df["hardware"] == hw).to_numpy()
        fit = fit_on(df, lr, ~held)
        for i in np.nonzero(held)[0]:
            g, has = fit.get(rts[i], fit["default"])
            res[i], own[i] = lr[g, i], has
    return df.assign(loho_log_ratio=res, loho_own_family=own)


def run_fit(df: pd.DataFrame | None = None) -> tuple[dict, pd.DataFrame]:
    """The fitted factors (for data/batching_factors.json) and the rows with their LOHO residuals."""
    df = load_rows() if df is None else df
    lr = grid_log_ratios(df)
    every = np.ones(len(df), bool)
    fit = fit_on(df, lr, every)
    n = len(GRID)
    eta_kv = {rt: float(GRID[g // n]) for rt, (g, _) in fit.items()}
    eta_c = {rt: float(GRID[g % n]) for rt, (g, _) in fit.items()}
    lo_df = leave_one_hardware_out(df, lr)
    ratio = np.exp(-lo_df["loho_log_ratio"].to_numpy())           # measured / predicted
    band = tuple(float(np.quantile(ratio, q)) for q in BAND_QUANTILES)
    basis = (f"fitted on {len(df)} throughput rows ({df['hardware'].nunique()} devices, "
             f"{df['runtime'].nunique()} runtimes); band = {BAND_QUANTILES[0]:.0%}-{BAND_QUANTILES[1]:.0%} "
             "quantiles of leave-one-hardware-out measured / predicted")
    f = _factors(eta_kv, eta_c, band, basis)
    pred = predict(df, f)
    lo_df = lo_df.assign(predicted=pred, loho_pred=df["value"].to_numpy(float) * np.exp(lo_df["loho_log_ratio"]))
    return f, lo_df


# --- report ---------------------------------------------------------------------------------------
BEGIN, END = "<!-- throughput:begin -->", "<!-- throughput:end -->"


def per_hardware(lo_df: pd.DataFrame, band) -> pd.DataFrame:
    """LOHO median |pred / meas - 1|, band coverage and high/low ratio per hardware."""
    ratio = lo_df["value"] / lo_df["loho_pred"]
    d = lo_df.assign(err=np.abs(np.exp(lo_df["loho_log_ratio"]) - 1.0) * 100.0,
                     inside=(ratio >= band[0]) & (ratio <= band[1]))
    rows = [{"hardware": "all", "runtimes": ", ".join(sorted(d["runtime"].unique())), "rows": len(d),
             "LOHO median abs err %": float(d["err"].median()), "inside band %": float(d["inside"].mean() * 100)}]
    for hw, g in d.groupby("hardware"):
        rows.append({"hardware": hw, "runtimes": ", ".join(sorted(g["runtime"].unique())), "rows": len(g),
                     "LOHO median abs err %": float(g["err"].median()), "inside band %": float(g["inside"].mean() * 100)})
    out = pd.DataFrame(rows)
    out["band high / low"] = band[1] / band[0]
    return out


def methodology_section(f: dict, lo_df: pd.DataFrame) -> str:
    """The throughput-calibration section of docs/methodology.md (between its markers)."""
    from scenarios.calibration.report import _table
    fac = pd.DataFrame([{"runtime family": rt, "eta_kv": f["eta_kv"][rt], "eta_compute": f["eta_compute"][rt]}
                        for rt in sorted(f["eta_kv"])])
    src = (lo_df.groupby(["source_url", "runtime"]).agg(rows=("value", "size"), date=("date", "first"),
                                                       devices=("hardware", "nunique")).reset_index())
    return "\n\n".join([
        BEGIN,
        ("Generated by `python -m scenarios.calibration batching` from "
         "`data/calibration/throughput_measurements.csv`; do not edit by hand."),
        f"**Fitted batching factors** ({f['basis']}; band on throughput: "
        f"{f['band'][0]:.3f}–{f['band'][1]:.3f} × expected):\n\n" + _table(fac),
        ("**Leave-one-hardware-out error per hardware** (each row predicted with factors fitted without its "
         "device; a runtime family without other devices falls back to the pooled fit):\n\n"
         + _table(per_hardware(lo_df, f["band"]))),
        "**Sources:**\n\n" + _table(src),
        END])


def write_methodology(section: str, path=None) -> None:
    """Replace the text between the throughput markers of docs/methodology.md (append if absent)."""
    from scenarios.calibration.report import METHODOLOGY_MD
    p = path or METHODOLOGY_MD
    text = p.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    p.write_text(text, encoding="utf-8")
