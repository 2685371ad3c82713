"""Training MFU (model FLOPs utilisation) fitted on published training runs.

``data/calibration/training_runs.csv`` gives accelerator-hours per run; MFU = model FLOPs /
(accelerator-hours x 3600 x dense fp16/bf16 peak).  The fit is log MFU = a[generation] + b x + c x^2
with x = log10(params_b) - centre; leave-one-run-out residuals give its band.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.calibration.bands import UNCAL_WIDEN, band_from
from scenarios.calibration.rows import TRAINING_CSV
from scenarios.engine import speed

# Shapes of the training-run models not in the serving catalog (layers, d_model; all trained at
# 2048-token sequences): LLaMA arXiv:2302.13971 Table 2; Pythia arXiv:2304.01373 Table 1;
# GPT-3 arXiv:2005.14165 Table 2.1; OPT arXiv:2205.01068 Table 1; Gopher arXiv:2112.11446 Table 1.
TRAINING_SHAPES = {
    "LLaMA-7B": (32, 4096), "LLaMA-13B": (40, 5120), "LLaMA-33B": (60, 6656), "LLaMA-65B": (80, 8192),
    "GPT-3 175B": (96, 12288), "OPT-175B": (96, 12288), "Gopher 280B": (80, 16384),
    "Pythia-70M": (6, 512), "Pythia-160M": (12, 768), "Pythia-410M": (24, 1024), "Pythia-1B": (16, 2048),
    "Pythia-1.4B": (24, 2048), "Pythia-2.8B": (32, 2560), "Pythia-6.9B": (32, 4096), "Pythia-12B": (36, 5120),
}
TRAINING_SEQ_LEN = 2048
MFU_CENTER_LOG10_B = 0.5     # centre x = log10(params_b) at ~3B so intercept and slope decouple


def training_model_flops(params_b: float, tokens_b: float, layers: int, hidden: int,
                         seq: int = TRAINING_SEQ_LEN) -> float:
    """6 N D + 12 L H S D (PaLM arXiv:2204.02311 App. B: attention FLOPs per token 12 L H S... with
    the causal-mask saving ignored, as PaLM does)."""
    return 6 * params_b * 1e9 * tokens_b * 1e9 + 12 * layers * hidden * seq * tokens_b * 1e9


def load_training(hw: dict, path: Path = TRAINING_CSV) -> pd.DataFrame:
    df = pd.read_csv(path)
    recs = []
    for r in df.to_dict("records"):
        L, H = TRAINING_SHAPES[r["model"]]
        flops = training_model_flops(r["params_b"], r["tokens_b"], L, H)
        peak = hw[r["hardware"]]["fp16"]
        mfu = flops / (r["accelerator_hours"] * 3600 * peak)
        recs.append({"model": r["model"], "params_b": r["params_b"], "hardware": r["hardware"],
                     "generation": speed.hw_generation(r["hardware"]), "model_flops": flops,
                     "accelerator_hours": r["accelerator_hours"], "mfu": mfu})
    return pd.DataFrame(recs)


def fit_mfu(tr: pd.DataFrame) -> dict:
    """log mfu = a[generation] + b x + c x^2, x = log10(params_b) - centre. Least squares."""
    gens = sorted(tr["generation"].unique())
    x = np.log10(tr["params_b"].to_numpy()) - MFU_CENTER_LOG10_B
    cols = [(tr["generation"] == g).to_numpy(float) for g in gens] + [x, x ** 2]
    A = np.column_stack(cols)
    y = np.log(tr["mfu"].to_numpy())
    # a tiny ridge on the curvature keeps it finite when sizes barely spread
    reg = np.zeros((1, A.shape[1]))
    reg[0, -1] = 0.1
    coef, *_ = np.linalg.lstsq(np.vstack([A, reg]), np.concatenate([y, [0.0]]), rcond=None)
    return {"intercept": {g: float(coef[i]) for i, g in enumerate(gens)}, "slope": float(coef[-2]),
            "curvature": float(coef[-1]), "x_center": MFU_CENTER_LOG10_B}


def mfu_loo(tr: pd.DataFrame) -> pd.DataFrame:
    """Leave-one-run-out MFU error (a run of a generation with a single run falls back to ampere)."""
    out = []
    for i in range(len(tr)):
        rest = tr.drop(index=tr.index[i])
        m = fit_mfu(rest)
        f = {"mfu": {**speed.DEFAULT_MFU, **m}, "groups": {}, "format_factors": {}}
        r = tr.iloc[i]
        p = speed.mfu_for(r["generation"], r["params_b"], f)
        out.append({"model": r["model"], "generation": r["generation"], "measured": r["mfu"],
                    "pred": float(p.mfu[0]), "calibrated": bool(p.calibrated[0])})
    df = pd.DataFrame(out)
    df["log_ratio"] = np.log(df["pred"] / df["measured"])
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
    m["flops_convention"] = "6*N*D + 12*layers*hidden*seq*D (PaLM App. B); peak = dense fp16/bf16"
    return m, loo
