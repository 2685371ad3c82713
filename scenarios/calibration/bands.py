"""Bands: the low-high range each estimate states, drawn from held-out residuals.

Every band is fitted on leave-one-hardware-out (LOHO) residuals so that about 85 % of held-out
measurements fall inside (the central 85 %: 7.5th-92.5th percentile).  Per (hardware class,
runtime) group and kind (decode, prefill):

* calibrated rows (the group kept other devices when one was held out): the group's own held-out
  residuals when it has at least ``MIN_LOHO_ROWS``; else the pooled calibrated band stretched to
  the extremes of the group's own held-out and in-sample residuals (a handful of rows cannot place
  a percentile, and a group fitted on one device has no held-out row of its own: holding the
  device out removes the group, so its in-sample spread is the only trace of its own scatter);
* fallback rows (the whole group held out, predicted from another group's factors) and pairs with
  no rows: the central 85 % of all fallback residuals of the kind, each side at least 1.5x the
  pooled calibrated band and half the other side (:func:`fallback_from`), no longer symmetric at
  the widest side.

:func:`coverage_table` checks how many held-out
rows fall inside.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BAND_Q = (0.075, 0.925)     # central 85 % of held-out residuals
MIN_HALF_WIDTH = 0.05       # never claim better than +-5 % (and always include the point estimate)
UNCAL_WIDEN = 1.5           # training MFU: an uncalibrated band is at least 1.5x a calibrated one (in log)
MIN_LOHO_ROWS = 8           # fewer held-out rows than this: pooled band stretched to the group's extremes
KINDS = {"decode": ("decode", "throughput"), "prefill": ("prefill",)}


def band_from(lr: np.ndarray, q: tuple[float, float] = BAND_Q) -> list[float]:
    """Time multipliers (low, high) from log(pred speed / measured speed) residuals.

    The split-conformal order statistics (the floor((n+1) q_lo)-th and ceil((n+1) q_hi)-th of n):
    a new row drawn like these falls inside with probability >= q_hi - q_lo, where a plain
    percentile of n residuals would cover less than that on rows it has not seen.
    """
    x = np.sort(np.asarray(lr, dtype=float))
    n = len(x)
    lo = x[min(max(int(np.floor((n + 1) * q[0])), 1), n) - 1]
    hi = x[min(max(int(np.ceil((n + 1) * q[1])), 1), n) - 1]
    return [float(np.exp(min(lo, -MIN_HALF_WIDTH))), float(np.exp(max(hi, MIN_HALF_WIDTH)))]


def group_band(own: np.ndarray, pooled: list[float], in_sample: np.ndarray = np.empty(0)) -> tuple[list[float], str]:
    """A group's band from its own held-out residuals, or the pooled band stretched to them (and
    to its in-sample residuals, where given)."""
    if len(own) >= MIN_LOHO_ROWS:
        return band_from(own), f"{len(own)} held-out rows of this group (central 85 %)"
    every = np.concatenate([own, in_sample])
    if not len(every):
        return list(pooled), "pooled held-out rows (no row of this group)"
    b = [min(pooled[0], float(np.exp(every.min()))), max(pooled[1], float(np.exp(every.max())))]
    return b, (f"pooled held-out rows, stretched to this group's {len(own)} held-out and "
               f"{len(in_sample)} in-sample rows")


def _rounded(b: list[float]) -> list[float]:
    """4 decimals, rounded outward so the rows a band was drawn to cover stay inside it."""
    return [float(np.floor(b[0] * 1e4) / 1e4), float(np.ceil(b[1] * 1e4) / 1e4)]


def derive_bands(lo_df: pd.DataFrame, insample: pd.DataFrame, groups: list[str],
                 fallback_lo: pd.DataFrame | None = None) -> tuple[dict, dict]:
    """Per-group bands (decode, prefill) and the fallback band (pooled and per class), from LOHO
    residuals (in-sample ones only for groups with too few held-out rows, see the module doc).
    ``fallback_lo``: the held-out rows whose fallback residuals set the fallback band (default
    ``lo_df``'s own)."""
    fallback_lo = lo_df if fallback_lo is None else fallback_lo
    lo_df = lo_df.assign(group=lo_df["hw_class"] + "|" + lo_df["runtime"])
    insample = insample.assign(group=insample["hw_class"] + "|" + insample["runtime"])
    bands, unc = {}, {}
    for kind, kinds in KINDS.items():
        rows = lo_df[lo_df["kind"].isin(kinds)]
        cal = rows[rows["calibrated"]]
        fb = fallback_lo[fallback_lo["kind"].isin(kinds) & ~fallback_lo["calibrated"]]
        pooled = band_from(cal["log_ratio"].to_numpy()) if len(cal) else [0.8, 1.25]
        ins = insample[insample["kind"].isin(kinds)]
        for g in groups:
            b, basis = group_band(cal[cal["group"] == g]["log_ratio"].to_numpy(), pooled,
                                  ins[ins["group"] == g]["log_ratio"].to_numpy())
            bands.setdefault(g, {})[kind] = _rounded(b)
            bands[g][f"{kind}_basis"] = basis
        unc[kind] = _rounded(fallback_from(fb["log_ratio"].to_numpy(), pooled))
        unc[f"{kind}_basis"] = (f"{len(fb)} held-out rows predicted from another group's factors (class or "
                                f"runtime held out entirely), central 85 %, each side at least "
                                f"{UNCAL_WIDEN}x the pooled calibrated band's wider side and half the other side (log)")
    return bands, unc


def fallback_from(fb: np.ndarray, pooled: list[float]) -> list[float]:
    """The fallback band: the central 85 % of the fallback residuals; each side at least
    ``UNCAL_WIDEN`` x the pooled calibrated band's wider side and at least half the other side (in
    log).  The held-out fallback rows miss one way (a whole class held out: prefill 1.1-3.6x too
    fast), while a borrowed path in a class that has rows misses the other way too (the external
    check's llama.cpp CUDA fp16 prefill rows on an RTX 4090 run up to 40 % faster than predicted),
    so the short side keeps half the long side's width rather than none of it."""
    half = UNCAL_WIDEN * max(-np.log(pooled[0]), np.log(pooled[1]))
    lo, hi = np.log(band_from(fb)) if len(fb) else (0.0, 0.0)
    lo, hi = min(lo, -half, -0.5 * hi), max(hi, half, -0.5 * lo)
    return [float(np.exp(lo)), float(np.exp(hi))]


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
