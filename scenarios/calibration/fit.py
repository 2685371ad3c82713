"""Least-squares fit of the speed factors, leave-one-hardware-out (LOHO), and the whole fit.

The few factors of :mod:`scenarios.engine.speed` (per (hardware class, runtime) group: bandwidth and
compute efficiency, per-layer overhead; four format factors) are fitted by least squares on
log(predicted / measured) with weak priors.  LOHO refits without each device and predicts it; the
held-out residuals give the bands (:mod:`scenarios.calibration.bands`).  :func:`run_fit` does it all
and returns the factors written to ``data/fitted_factors.json`` with the tables of the report.

This module imports scipy (dev-time only); the engine reads the JSON through
:mod:`scenarios.engine.speed` and never imports the calibration at run time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios.calibration.bands import coverage_table, derive_bands
from scenarios.calibration.mfu import fit_mfu_with_bands, load_training
from scenarios.calibration.rows import DC_LLAMACPP_PREFILL_REASON, MANY_CORE_REASON, catalogs, kind_of, load_rows
from scenarios.calibration.work import (build_work, predict_rows, speed_ratio, subset, validate_excluded_rows,
                                        validate_max_batch_rows)
from scenarios.engine import speed

# --- parameters <-> factors ---------------------------------------------------------------------
PARAM_KEYS = ("eff_bw", "eff_compute", "overhead_per_layer_s")
# format factors fitted (float, and 8-bit for the dequantising rate, are the references at 1.0)
FMT_FREE = (("bw", "8bit"), ("bw", "4bit"), ("compute", "8bit"), ("compute", "4bit"), ("dequant", "4bit"))
# Weak log-normal priors (sd in natural log) keep groups with few rows physical: an efficiency
# near the built-in default unless the data say otherwise, never above 1.  A runtime's factor on a
# shared group's compute efficiency ("software") is the ratio of two compute efficiencies, each with
# sd 0.7: sd 0.7 x sqrt(2), about 1.0.
PRIOR_SD = {"eff_bw": 0.5, "eff_compute": 0.7, "overhead_per_layer_s": 1.0, "format": 0.3, "software": 1.0,
            "dequant": 0.3}
# a runtime's own factor on a shared group's compute efficiency (fit_phone_groups)
SOFTWARE_BOUNDS = (0.2, 2.0)
BOUNDS = {"eff_bw": (0.1, 1.0), "eff_compute": (0.02, 1.0), "overhead_per_layer_s": (1e-6, 2e-3),
          "format": (0.3, 1.2), "dequant": (0.5, 2.0)}


def groups_in(w: dict) -> list[str]:
    """The (hardware class | runtime) groups that have rows, sorted."""
    return sorted(set(f"{c}|{r}" for c, r in zip(w["hw_class"], w["runtime"])))


def counts(w: dict, group: str) -> dict:
    """Rows, devices and prefill peak paths of one group (stored with its factors)."""
    g = np.array([f"{c}|{r}" for c, r in zip(w["hw_class"], w["runtime"])]) == group
    kinds = np.array([kind_of(m) for m in w["metric"]])
    pre = g & np.isin(kinds, ["prefill", "throughput"])
    paths = sorted(set(speed.peak_path(c, r, f) for c, r, f in
                       zip(w["hw_class"][pre], w["runtime"][pre], w["format"][pre])))
    return {"n_decode": int(np.sum(g & np.isin(kinds, ["decode", "throughput"]))),
            "n_prefill": int(np.sum(pre)), "prefill_paths": paths,
            "n_rows": int(np.sum(g)), "devices": sorted(set(w["hardware"][g]))}


def _vec_to_factors(x, groups, base) -> dict:
    """The factors dict of a parameter vector (log values, groups first, then the format factors)."""
    f = {"version": 1, "groups": {},
         "format_factors": {"bw": {"float": 1.0}, "compute": {"float": 1.0}, "dequant": {"8bit": 1.0}},
         "bands": base.get("bands", speed.DEFAULT_FACTORS["bands"]),
         "uncalibrated_band": base.get("uncalibrated_band", speed.DEFAULT_FACTORS["uncalibrated_band"]),
         "mfu": base.get("mfu")}
    k = 0
    for g in groups:
        f["groups"][g] = {key: float(np.exp(x[k + j])) for j, key in enumerate(PARAM_KEYS)}
        f["groups"][g].update(base["groups_meta"][g])
        k += len(PARAM_KEYS)
    for kind, fam in FMT_FREE:
        f["format_factors"][kind][fam] = float(np.exp(x[k]))
        k += 1
    return f


def _start_and_priors(groups: list[str], formats: bool = True, software: int = 0) -> tuple[np.ndarray, ...]:
    """Start point, bounds and prior (mean, sd) of every parameter, in log space: the built-in
    defaults of each group (unknown groups start from apple|llama.cpp), then, with ``formats``, the
    format factors, then ``software`` runtime factors on a shared group's compute efficiency (prior 1:
    the group's own kernels)."""
    x0, lo, hi, prior_sd = [], [], [], []

    def add(value, key, bounds=None):
        x0.append(np.log(value))
        prior_sd.append(PRIOR_SD[key])
        lo.append(np.log((bounds or BOUNDS[key])[0]))
        hi.append(np.log((bounds or BOUNDS[key])[1]))
    for g in groups:
        d = speed.DEFAULT_FACTORS["groups"].get(g, speed.DEFAULT_FACTORS["groups"]["apple|llama.cpp"])
        for key in PARAM_KEYS:
            add(d[key], key)
    for kind, fam in FMT_FREE if formats else ():
        add(speed.DEFAULT_FACTORS["format_factors"][kind][fam], "dequant" if kind == "dequant" else "format")
    for _ in range(software):
        add(1.0, "software", SOFTWARE_BOUNDS)
    prior_mu, lo, hi = np.array(x0), np.array(lo), np.array(hi)
    return np.clip(prior_mu, lo + 1e-9, hi - 1e-9), lo, hi, prior_mu, np.array(prior_sd)


def fit_inference(w: dict, base: dict | None = None) -> dict:
    """Least squares on log(pred/measured) with weak priors; returns a factors dict.

    Phone rows come second (:func:`fit_phone_groups`): the other groups and the format factors are
    fitted without them, so adding phone measurements leaves every other group's figures as they
    were, and each phone path fits only its own three factors."""
    phone = w["hw_class"] == "phone"
    if phone.any() and (~phone).any():
        return fit_phone_groups(subset(w, phone), _fit_all(subset(w, ~phone), base))
    return _fit_all(w, base)


def software_in(w: dict) -> list[tuple[str, str]]:
    """(group, runtime) pairs of rows asked through a runtime other than their group's own (llama.cpp
    CPU rows in a phone's CPU group): each gets a compute factor of its own, sorted."""
    return sorted(set((f"{c}|{g}", r) for c, g, r in zip(w["hw_class"], w["runtime"], w["engine_runtime"]) if g != r))


def fit_phone_groups(wp: dict, f: dict) -> dict:
    """The phone groups' factors on the phone rows, every other factor of ``f`` held fixed; a runtime
    sharing a group (:func:`software_in`) adds one factor on the group's compute efficiency."""
    from scipy.optimize import least_squares
    groups, software = groups_in(wp), software_in(wp)
    n_group = len(groups) * len(PARAM_KEYS)
    x0, lo, hi, mu, sd = _start_and_priors(groups, formats=False, software=len(software))

    def with_groups(x) -> dict:
        out = {**f, "groups": dict(f["groups"])}
        for i, g in enumerate(groups):
            vals = np.exp(x[i * len(PARAM_KEYS):(i + 1) * len(PARAM_KEYS)])
            out["groups"][g] = {**dict(zip(PARAM_KEYS, map(float, vals))), **counts(wp, g)}
        for j, (g, rt) in enumerate(software):
            sw = out["groups"][g].setdefault("software_compute", {})
            sw[rt] = float(np.exp(x[n_group + j]))
        return out

    def resid(x):
        r = speed_ratio(wp["metric"], predict_rows(wp, with_groups(x))["pred"], wp["measured"])
        return np.concatenate([r, (x - mu) / sd])

    sol = least_squares(resid, x0, bounds=(lo, hi), method="trf",
                        xtol=1e-10, ftol=1e-10)
    return with_groups(sol.x)


def _fit_all(w: dict, base: dict | None = None) -> dict:
    """Every group and the format factors in one least-squares fit."""
    from scipy.optimize import least_squares

    base = dict(base or {})
    groups = groups_in(w)
    base["groups_meta"] = {g: counts(w, g) for g in groups}
    x0, lo, hi, prior_mu, prior_sd = _start_and_priors(groups)

    def resid(x):
        f = _vec_to_factors(x, groups, base)
        p = predict_rows(w, f)["pred"]
        r = speed_ratio(w["metric"], p, w["measured"])
        return np.concatenate([r, (x - prior_mu) / prior_sd])

    sol = least_squares(resid, x0, bounds=(lo, hi), method="trf", x_scale=1.0, xtol=1e-10, ftol=1e-10)
    return _vec_to_factors(sol.x, groups, base)


def loho(w: dict, base: dict | None = None) -> pd.DataFrame:
    """Leave-one-hardware-out: refit without each device, predict its rows."""
    recs = []
    for h in sorted(set(w["hardware"])):
        keep = w["hardware"] != h
        wk = subset(w, keep)
        f = fit_inference(wk, base)
        wh = subset(w, ~keep)
        p = predict_rows(wh, f)
        for i in range(len(wh["metric"])):
            recs.append({"hardware": h, "hw_class": wh["hw_class"][i], "runtime": wh["runtime"][i],
                         "software": wh["engine_runtime"][i],
                         "format": wh["format"][i], "metric": wh["metric"][i], "batch": wh["batch"][i],
                         "measured": wh["measured"][i], "pred": p["pred"][i],
                         "calibrated": bool(p["calibrated_decode"][i] if kind_of(wh["metric"][i]) == "decode"
                                            else p["calibrated_prefill"][i])})
    df = pd.DataFrame(recs)
    df["log_ratio"] = speed_ratio(df["metric"].to_numpy(), df["pred"].to_numpy(), df["measured"].to_numpy())
    df["kind"] = df["metric"].map(kind_of)
    return df


# --- the whole fit ----------------------------------------------------------------------------------
def err_pct(lr) -> float:
    """Median absolute error of the speed, in % (|pred/measured - 1|), from log ratios."""
    lr = np.asarray(lr, dtype=float)
    return float(np.median(np.abs(np.exp(lr) - 1)) * 100) if len(lr) else float("nan")


def insample_table(w: dict, f: dict) -> pd.DataFrame:
    """Every used row predicted with the factors fitted on all rows."""
    ins = predict_rows(w, f)
    insample = pd.DataFrame({"hardware": w["hardware"], "hw_class": w["hw_class"], "runtime": w["runtime"],
                             "format": w["format"], "metric": w["metric"], "batch": w["batch"],
                             "measured": w["measured"], "pred": ins["pred"]})
    insample["log_ratio"] = speed_ratio(insample["metric"].to_numpy(), insample["pred"].to_numpy(),
                                        insample["measured"].to_numpy())
    insample["kind"] = insample["metric"].map(kind_of)
    return insample


def run_fit() -> tuple[dict, dict]:
    """Fit everything. Returns (factors for the JSON, report tables for the methodology page)."""
    hw, models = catalogs()
    rows = load_rows()
    w = build_work(rows, hw, models)
    f = fit_inference(w)
    insample = insample_table(w, f)
    lo_df = loho(w)
    f["bands"], f["uncalibrated_band"] = bands_by_family(lo_df, insample, groups_in(w))
    tr = load_training(hw)
    f["mfu"], loo = fit_mfu_with_bands(tr)
    f["version"] = 1
    f["source"] = ("python -m scenarios.calibration fit on data/calibration/inference_measurements.csv "
                   "and data/calibration/training_runs.csv")
    f["summary"] = summarise(lo_df, insample, f)
    f = _round(f)
    report = {"insample": insample, "loho": lo_df, "rows": rows, "training": tr, "mfu_loo": loo,
              "max_rows": validate_max_batch_rows(rows, hw, models, f),
              "many_core_rows": validate_excluded_rows(rows, hw, models, f, MANY_CORE_REASON),
              "dc_llamacpp_prefill_rows": validate_excluded_rows(rows, hw, models, f, DC_LLAMACPP_PREFILL_REASON)}
    return f, report


def bands_by_family(lo_df: pd.DataFrame, insample: pd.DataFrame, groups: list[str]) -> tuple[dict, dict]:
    """The bands of :func:`derive_bands`, phone groups apart: each phone group's band comes from the
    phone rows' held-out residuals (pooled among phones), so adding phone rows leaves every other
    group's band as it was. The fallback band takes every held-out row predicted on borrowed factors,
    phones included: it is the band of a borrowed path anywhere, and with phones out it rested on 4
    prefill rows (a phone bf16 prefill on a borrowed fp16 path fell outside it)."""
    phone_lo, phone_in = lo_df["hw_class"] == "phone", insample["hw_class"] == "phone"
    phone_groups = [g for g in groups if g.startswith("phone|")]
    bands, unc = derive_bands(lo_df[~phone_lo], insample[~phone_in], [g for g in groups if g not in phone_groups],
                              fallback_lo=lo_df)
    if phone_groups:
        bands.update(derive_bands(lo_df[phone_lo], insample[phone_in], phone_groups)[0])
    return bands, unc


def summarise(lo_df: pd.DataFrame, insample: pd.DataFrame, f: dict) -> dict:
    """The headline numbers (also asserted by tests/calibration); the LOHO ones also over the rows
    that are not phones (the calibration set before the phone rows joined it), so what the phone
    rows move stays visible."""
    cov = coverage_table(lo_df, f)
    decode_b1_ins = (insample["batch"] == 1) & (insample["metric"] == "decode_tokens_per_s")
    without = _loho_headline(cov[cov["hw_class"] != "phone"])
    return {
        **_loho_headline(cov),
        "insample_median_abs_err_decode_b1_pct": err_pct(insample[decode_b1_ins]["log_ratio"]),
        "insample_median_abs_err_prefill_pct": err_pct(insample[insample["kind"] == "prefill"]["log_ratio"]),
        "min_class_band_coverage_pct": float(cov.groupby("hw_class")["inside"].mean().min() * 100),
        "max_group_median_high_over_low_calibrated": _max_group_hol(cov[cov["calibrated"]]),
        "max_group_median_high_over_low_fallback": _max_group_hol(cov[~cov["calibrated"]]),
        "rows_used": int(len(insample)),
        **{f"{k}_without_phones": v for k, v in without.items()},
    }


def _loho_headline(cov: pd.DataFrame) -> dict:
    """Batch-1 decode and prefill LOHO error, band coverage and median high/low of held-out rows
    (a :func:`coverage_table`)."""
    dec = cov[(cov["batch"] == 1) & (cov["metric"] == "decode_tokens_per_s")]
    return {"loho_median_abs_err_decode_b1_pct": err_pct(dec["log_ratio"]),
            "loho_median_abs_err_prefill_pct": err_pct(cov[cov["kind"] == "prefill"]["log_ratio"]),
            "loho_band_coverage_pct": float(cov["inside"].mean() * 100),
            "median_band_high_over_low": float(cov["high_over_low"].median())}


def _max_group_hol(cov: pd.DataFrame) -> float:
    """The widest group's median high/low band ratio (0 when no row)."""
    if not len(cov):
        return 0.0
    return float(cov.groupby(cov["hw_class"] + "|" + cov["runtime"])["high_over_low"].median().max())


def _round(o, nd=6):
    if isinstance(o, float):
        return float(f"{o:.{nd}g}")
    if isinstance(o, dict):
        return {k: _round(v, nd) for k, v in o.items()}
    if isinstance(o, list):
        return [_round(v, nd) for v in o]
    return o


def compare_factors(a: dict, b: dict, rtol: float = 0.02, path: str = "") -> list[str]:
    """Differences beyond rtol between two factor dicts (numbers only)."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: missing on one side")
            else:
                out += compare_factors(a[k], b[k], rtol, f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)} != {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            out += compare_factors(x, y, rtol, f"{path}[{i}]")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if not np.isclose(a, b, rtol=rtol, atol=1e-9):
            out.append(f"{path}: {a} != {b}")
    elif a != b:
        out.append(f"{path}: {a!r} != {b!r}")
    return out
