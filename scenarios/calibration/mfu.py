"""Training MFU (model FLOPs utilisation) fitted on published training runs.

``data/calibration/training_runs.csv`` gives, per run, accelerator-hours (model cards, papers) or
a reported MFU (throughput papers).  MFU = model FLOPs / (accelerator-hours x 3600 x dense 16-bit
peak).  The fit (:func:`scenarios.engine.speed.mfu_log_terms`) is

    log MFU = a[generation] + b x + c x log2(peak / 312 TFLOP/s) + d xd + e moe + f fp8 + g reported

d comes from runs of one model at several device counts (Llama 3.1 405B on 8,192 and 16,384 GPUs),
not from the spread across teams.
with x = log10(active params_b) - 1 (sizes outside the runs' 0.07-540B held at the nearest end) and xd = log10(devices / 8,192) above 8,192 devices, else 0.  ``reported`` marks runs that
state a throughput MFU rather than wall-clock hours: those leave out restarts, evaluation and
stalls (Llama 3.1 405B: 41-43 % reported, 36 % from the card's GPU-hours), so the estimate, which
answers GPU-hours, uses g = 0.  The effects other than the intercepts shrink toward 0 (a ridge):
no effect unless the runs show one.  Leave-one-run-out residuals give the band and the error.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.calibration.bands import UNCAL_WIDEN, band_from
from scenarios.calibration.rows import TRAINING_CSV
from scenarios.engine import speed

MFU_CENTER_LOG10_B = 1.0        # centre x = log10(params_b) at 10B so intercepts and slopes decouple
PEAK_REF_TFLOPS = 312.0         # A100 dense bf16: the peak term is 0 on the best-sampled generation
EFFECTS = ("slope", "peak_slope", "devices_slope", "moe", "fp8", "reported")
RIDGE = 2.0                     # weight of the shrink-to-0 prior on each effect (prior sd ~0.7 in log:
#                                 within about 2x unless the runs say otherwise)


def training_model_flops(params_b: float, tokens_b: float, layers: float, hidden: float,
                         seq: float) -> float:
    """6 N D + 12 L H S D (PaLM arXiv:2204.02311 App. B: attention FLOPs per token 12 L H S, with
    the causal-mask saving ignored, as PaLM does)."""
    return 6 * params_b * 1e9 * tokens_b * 1e9 + 12 * layers * hidden * seq * tokens_b * 1e9


def _run_mfu(r: dict, peak_flops: float) -> tuple[float, float]:
    """(model FLOPs, MFU) of one run: from its hours where given, else its reported MFU."""
    if pd.notna(r["accelerator_hours"]):
        flops = training_model_flops(r["params_b"], r["tokens_b"], r["layers"], r["d_model"], r["seq_len"])
        return flops, flops / (r["accelerator_hours"] * 3600 * peak_flops)
    return float("nan"), float(r["reported_mfu"])


def load_training(hw: dict, path: Path = TRAINING_CSV) -> pd.DataFrame:
    df = pd.read_csv(path)
    recs = []
    for r in df.to_dict("records"):
        peak = hw[r["hardware"]]["fp16"]
        flops, mfu = _run_mfu(r, peak)
        recs.append({"model": r["model"], "model_key": str(r["model"]).split(" (")[0], "params_b": r["params_b"], "hardware": r["hardware"],
                     "generation": speed.hw_generation(r["hardware"]), "peak_tflops": peak / 1e12,
                     "devices": r["num_accelerators"], "moe": bool(r["moe"]), "fp8": r["precision"] == "fp8",
                     "reported": bool(pd.isna(r["accelerator_hours"])), "model_flops": flops,
                     "accelerator_hours": r["accelerator_hours"], "mfu": mfu})
    return pd.DataFrame(recs)


def _effect_columns(tr: pd.DataFrame, d_from: float) -> np.ndarray:
    """One column per effect: each effect's log-MFU term at coefficient 1."""
    base = {**speed.DEFAULT_MFU, "x_center": MFU_CENTER_LOG10_B, "devices_from": d_from,
            "peak_ref_tflops": PEAK_REF_TFLOPS}
    cols = []
    for e in EFFECTS[:-1]:
        m = {**base, **{k: 0.0 for k in EFFECTS}, e: 1.0}
        cols.append(speed.mfu_log_terms(m, tr["params_b"], tr["peak_tflops"], tr["devices"],
                                        tr["moe"].to_numpy(float), tr["fp8"].to_numpy(float)))
    cols.append(tr["reported"].to_numpy(float))
    return np.column_stack(cols)


def _paired(tr: pd.DataFrame) -> list[pd.DataFrame]:
    """Runs of one model at several device counts."""
    return [g for _, g in tr[tr["devices"].notna()].groupby("model_key") if g["devices"].nunique() > 1]


def devices_from(tr: pd.DataFrame) -> float:
    """The smallest device count of a paired run: the device term starts there (1 with no pairs)."""
    pairs = _paired(tr)
    return float(min(g["devices"].min() for g in pairs)) if pairs else 1.0


def devices_slope_within_runs(tr: pd.DataFrame) -> float:
    """d log MFU / d log10 devices from runs of the same model at different device counts (only
    these separate the device count from who ran the cluster: across teams, big clusters come
    with better engineering, MegaScale's 55 % on 12,288 GPUs).  0 when no model has two counts."""
    slopes = [np.polyfit(np.log10(g["devices"].to_numpy(float)), np.log(g["mfu"].to_numpy()), 1)[0]
              for g in _paired(tr)]
    return float(np.mean(slopes)) if slopes else 0.0


def fit_mfu(tr: pd.DataFrame) -> dict:
    """Least squares on log MFU: an intercept per generation, the effects with a ridge toward 0;
    the device-count slope is taken from within-model pairs and held fixed."""
    gens = sorted(tr["generation"].unique())
    d_from = devices_from(tr)
    cols = _effect_columns(tr, d_from)
    d_slope = devices_slope_within_runs(tr)
    free = [i for i, e in enumerate(EFFECTS) if e != "devices_slope"]
    A = np.column_stack([(tr["generation"] == g).to_numpy(float) for g in gens] + [cols[:, free]])
    y = np.log(tr["mfu"].to_numpy()) - d_slope * cols[:, EFFECTS.index("devices_slope")]
    reg = np.zeros((len(free), A.shape[1]))
    reg[:, len(gens):] = np.eye(len(free)) * np.sqrt(RIDGE)
    coef, *_ = np.linalg.lstsq(np.vstack([A, reg]), np.concatenate([y, np.zeros(len(free))]), rcond=None)
    out = {"intercept": {g: float(coef[i]) for i, g in enumerate(gens)}, "x_center": MFU_CENTER_LOG10_B,
           "devices_from": d_from, "peak_ref_tflops": PEAK_REF_TFLOPS,
           "devices_slope": d_slope,
           "params_range_b": [float(tr["params_b"].min()), float(tr["params_b"].max())]}
    out.update({EFFECTS[j]: float(coef[len(gens) + i]) for i, j in enumerate(free)})
    return out


def _predict(m: dict, r: pd.Series) -> tuple[float, bool]:
    p = speed.mfu_for(r["generation"], r["params_b"], {"mfu": {**speed.DEFAULT_MFU, **m}},
                      peak_tflops=r["peak_tflops"], devices=r["devices"], moe=r["moe"], fp8=r["fp8"])
    # a reported (throughput) MFU is compared with the fit's throughput MFU, not its GPU-hours one
    return float(p.mfu[0]) * (float(np.exp(m["reported"])) if r["reported"] else 1.0), bool(p.calibrated[0])


def mfu_loo(tr: pd.DataFrame) -> pd.DataFrame:
    """Leave-one-run-out MFU error (a run of a generation with a single run falls back to another).
    hours_error = predicted GPU-hours / published - 1 = measured MFU / predicted MFU - 1."""
    out = []
    for i in range(len(tr)):
        m = fit_mfu(tr.drop(index=tr.index[i]))
        r = tr.iloc[i]
        pred, cal = _predict(m, r)
        out.append({"model": r["model"], "generation": r["generation"], "measured": r["mfu"],
                    "pred": pred, "calibrated": cal, "reported": bool(r["reported"])})
    df = pd.DataFrame(out)
    df["log_ratio"] = np.log(df["pred"] / df["measured"])
    df["hours_error"] = df["measured"] / df["pred"] - 1
    return df


def fit_mfu_with_bands(tr: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """The MFU fit on every run, with its calibrated and uncalibrated bands (MFU multipliers) from
    leave-one-run-out residuals; also returns those residuals for the report."""
    m = fit_mfu(tr)
    loo = mfu_loo(tr)
    cal_lr = loo[loo["calibrated"]]["log_ratio"].to_numpy()
    unc_lr = loo[~loo["calibrated"]]["log_ratio"].to_numpy()
    m_band = band_from(-cal_lr)  # mfu is a speed: time multipliers -> invert for mfu below
    m["band"] = [round(1 / m_band[1], 4), round(1 / m_band[0], 4)]
    wide = np.concatenate([cal_lr * UNCAL_WIDEN, unc_lr]) if len(unc_lr) else cal_lr * UNCAL_WIDEN
    ub = band_from(-wide)
    m["uncalibrated_band"] = [round(min(1 / ub[1], m["band"][0]), 4), round(max(1 / ub[0], m["band"][1]), 4)]
    m["min"], m["max"] = speed.DEFAULT_MFU["min"], speed.DEFAULT_MFU["max"]
    m["flops_convention"] = ("6*N*D + 12*layers*hidden*seq*D (PaLM App. B); peak = dense fp16/bf16, "
                             "FP8 runs too; 'reported' = throughput MFU over wall-clock MFU (not applied "
                             "to estimates)")
    m["loo_median_abs_hours_error_pct"] = float(np.median(np.abs(loo["hours_error"])) * 100)
    return m, loo
