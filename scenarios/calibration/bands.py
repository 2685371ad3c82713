"""Bands: the low-high range each estimate states, drawn from held-out residuals.

Per (hardware class, runtime) group and metric the band is the 5th-95th percentile of the
group's leave-one-hardware-out residuals when it has enough of them, else the pooled calibrated
band widened to the group's own in-sample residuals; pairs without rows get the wider
uncalibrated band.  :func:`coverage_table` checks how many held-out rows fall inside.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BAND_Q = (0.05, 0.95)       # central 90 % of held-out residuals
MIN_HALF_WIDTH = 0.05       # never claim better than +-5 %
UNCAL_WIDEN = 1.5           # an uncalibrated band is at least 1.5x a calibrated one (in log)
MIN_LOHO_ROWS = 8           # fewer held-out calibrated rows than this: pool with other groups


def band_from(lr: np.ndarray) -> list[float]:
    """Time multipliers (low, high) from log(pred speed / measured speed) residuals."""
    lo, hi = np.quantile(lr, BAND_Q)
    return [float(np.exp(min(lo, -MIN_HALF_WIDTH))), float(np.exp(max(hi, MIN_HALF_WIDTH)))]


def derive_bands(lo_df: pd.DataFrame, insample: pd.DataFrame, groups: list[str]) -> tuple[dict, dict]:
    """Per-group bands (decode, prefill) and the uncalibrated band, from LOHO residuals."""
    lo_df = lo_df.assign(group=lo_df["hw_class"] + "|" + lo_df["runtime"])
    insample = insample.assign(group=insample["hw_class"] + "|" + insample["runtime"])
    bands, unc = {}, {}
    for kind in ("decode", "prefill"):
        cal = lo_df[(lo_df["kind"] == kind) & lo_df["calibrated"]]
        pooled = band_from(cal["log_ratio"].to_numpy()) if len(cal) else [0.8, 1.25]
        for g in groups:
            own = cal[cal["group"] == g]["log_ratio"].to_numpy()
            ins = insample[(insample["group"] == g) & (insample["kind"] == kind)]["log_ratio"].to_numpy()
            if len(own) >= MIN_LOHO_ROWS:
                b = band_from(own)
                basis = f"{len(own)} held-out rows of this group"
            else:
                b = list(pooled)
                if len(ins):
                    b = [min(b[0], float(np.exp(ins.min()))), max(b[1], float(np.exp(ins.max())))]
                basis = (f"pooled held-out rows of calibrated groups ({len(cal)}), widened to this "
                         f"group's {len(ins)} in-sample residuals")
            bands.setdefault(g, {})[kind] = [round(b[0], 4), round(b[1], 4)]
            bands[g][f"{kind}_basis"] = basis
        fb = lo_df[(lo_df["kind"] == kind) & ~lo_df["calibrated"]]["log_ratio"].to_numpy()
        # symmetric in log: a stand-in group can be off either way, and a handful of rows cannot
        # tell which
        half = UNCAL_WIDEN * max(-np.log(pooled[0]), np.log(pooled[1]))
        if len(fb):
            half = max(half, float(np.max(np.abs(np.quantile(fb, BAND_Q)))))
        unc[kind] = [round(float(np.exp(-half)), 4), round(float(np.exp(half)), 4)]
        unc[f"{kind}_basis"] = (f"{len(fb)} held-out rows predicted from another group's factors "
                                f"(class or runtime held out entirely), symmetric in log, at least "
                                f"{UNCAL_WIDEN}x the pooled calibrated band")
    return bands, unc


def band_for_row(factors: dict, group: str, kind: str, calibrated: bool) -> list[float]:
    if kind == "throughput":
        kind = "decode"
    if not calibrated:
        return factors["uncalibrated_band"][kind]
    return factors["bands"].get(group, factors["bands"].get("default"))[kind]


def coverage_table(lo_df: pd.DataFrame, factors: dict) -> pd.DataFrame:
    """Each held-out row with the band the product would state for it, and whether it holds."""
    rows = []
    for r in lo_df.itertuples():
        g = f"{r.hw_class}|{r.runtime}"
        lo, hi = band_for_row(factors, g, r.kind, r.calibrated)
        # time = 1/speed: the speed band is [pred/hi, pred/lo]; ttft is a time: [pred*lo, pred*hi]
        ratio = np.exp(r.log_ratio)  # predicted speed / measured speed
        inside = (lo <= ratio <= hi)
        rows.append({"inside": inside, "high_over_low": hi / lo})
    return pd.concat([lo_df.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
