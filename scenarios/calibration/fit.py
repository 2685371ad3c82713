"""Calibration of the speed model and of training MFU on published measurements.

``python -m scenarios.calibration fit`` reads ``data/calibration/inference_measurements.csv`` and
``data/calibration/training_runs.csv`` (copies of the project's reference data, with sources),
fits the few factors of :mod:`scenarios.engine.speed` by least squares on log(predicted / measured),
runs leave-one-hardware-out (LOHO: refit without a device, predict it), derives the bands from
the held-out residuals, writes ``data/fitted_factors.json`` and the calibration section of
``docs/methodology.md``. ``python -m scenarios.calibration check`` refits and compares with the
committed JSON without writing.

This module imports scipy (dev-time only); the engine reads the JSON through
:mod:`scenarios.engine.speed` and never imports this module at run time.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.engine import speed
from scenarios.engine.memory import (expert_only_format, matmul_param_count, routed_expert_param_count,
                              split_weight_bytes)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
INFERENCE_CSV = DATA / "calibration" / "inference_measurements.csv"
TRAINING_CSV = DATA / "calibration" / "training_runs.csv"
FACTORS_JSON = DATA / "fitted_factors.json"
METHODOLOGY_MD = ROOT / "docs" / "methodology.md"
BEGIN, END = "<!-- calibration:begin -->", "<!-- calibration:end -->"

# --- mapping of the measurement rows onto catalog ids ---------------------------------------
MODEL_IDS = {
    "Llama 2 7B": "llama-2-7b", "Llama 2 13B": "llama-2-13b",
    "gpt-oss-20b (MoE, 3.6B active)": "gpt-oss-20b", "Llama 3.1 8B": "llama-3.1-8b",
    "Llama 3.1 8B Instruct": "llama-3.1-8b", "Llama 3.2 3B": "llama-3.2-3b", "Qwen2.5 7B": "qwen2.5-7b",
    "Gemma 2 2B": "gemma-2-2b", "Gemma 2 9B": "gemma-2-9b", "Phi 3.5 mini 3.8B": "phi-3.5-mini",
    "SmolLM2 1.7B": "smollm2-1.7b", "GPT-J 6B": "gpt-j-6b",
}


def map_format(s: str) -> str:
    """'q4_k_m (ollama default)' -> 'q4_k_m'; MLC 'int4' (q4f16) -> catalog 'int4'."""
    return str(s).split(" ")[0].strip()


def map_runtime(software: str) -> str | None:
    """Runtime id of a row's software string; None for rows outside the product's runtimes."""
    s = software.lower()
    if "cpu only" in s:          # llama.cpp forced onto the CPU of an Apple GPU device: not a
        return None              # configuration the product estimates (Apple -> Metal GPU)
    if "tensorrt" in s:
        return "tensorrt-llm"
    if "mlc" in s:
        return "mlc"
    if "llama.cpp" in s:         # Metal, CUDA, Vulkan and Ollama (a llama.cpp wrapper)
        return "llama.cpp"
    return None


# Default context when a row does not state prompt/output lengths (Jetson AI Lab and Ollama rows):
# a short prompt and a few hundred output tokens -> average context ~128 tokens. KV reads at this
# context are < 3 % of the weight bytes for these models, so the assumption barely matters.
DEFAULT_CONTEXT_TOKENS = 128

# KV-cache element bytes assumed per row: TensorRT-LLM's FP8 tables only fit in 80 GB with an FP8
# KV cache (e.g. Llama-2-7B, batch 48, 4096 tokens: 50 GB in fp8, 100 GB in fp16); others fp16.
def kv_bytes_per_elem(weight_format: str, runtime: str) -> float:
    return 1.0 if (weight_format == "fp8" and runtime == "tensorrt-llm") else 2.0


# --- work (FLOPs and bytes) of a decoder forward ----------------------------------------------
@dataclass(frozen=True)
class Shape:
    """What the FLOP/byte count needs from a catalog model."""
    params: float          # parameters read per token (MoE: active)
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    tied: bool
    active_excludes_embedding: bool = False
    expert_params: float = 0.0   # routed-expert parameters read per token (MoE), else 0

    @property
    def matmul_params(self) -> float:
        # The input embedding is a gather (no FLOPs, one row read); untied models carry a separate
        # output matrix that IS multiplied. Tied models use the one matrix as the LM head.  Same
        # convention as the serving core: scenarios.engine.memory.matmul_param_count.
        return float(matmul_param_count(self.params, self.vocab, self.hidden, self.tied,
                                        self.active_excludes_embedding))

    def weight_bytes(self, weight_format: str, bits: float) -> float:
        """Bytes one forward reads. MXFP4 checkpoints (gpt-oss) quantise only the routed experts;
        attention, router and unembedding stay bf16 (OpenAI gpt-oss model card, 2025).  The rule
        lives in scenarios.engine.memory.split_weight_bytes (shared with the serving core)."""
        expert_only = bool(expert_only_format(weight_format, self.expert_params > 0))
        return float(split_weight_bytes(self.matmul_params - self.expert_params, self.expert_params,
                                         bits, expert_only))

    def kv_bytes_per_token(self, elem_bytes: float) -> float:
        return 2 * self.layers * self.kv_heads * self.head_dim * elem_bytes

    def prefill_flops(self, tokens):
        """2 * matmul params per token + causal attention (QK^T and AV, half the square)."""
        t = np.asarray(tokens, float)
        return 2 * self.matmul_params * t + 2 * self.layers * self.heads * self.head_dim * t * t

    def decode_flops(self, context):
        return 2 * self.matmul_params + 4 * self.layers * self.heads * self.head_dim * np.asarray(context, float)


def shape_from_catalog(m) -> Shape:
    def g(k):
        return getattr(m, k, None) if not isinstance(m, dict) else m.get(k)
    active = g("active_params_b")
    params = active if active is not None and np.isfinite(active) else g("params_b")
    head_dim = g("head_dim")
    if head_dim is None or not np.isfinite(head_dim):
        head_dim = g("hidden_size") / g("attention_heads")
    tied = g("tie_embeddings")
    tied = bool(tied) if tied is not None else False
    excl = bool(g("active_excludes_embedding") or False)
    experts, k = _num(g("num_experts")), _num(g("experts_per_token"))
    expert_params = 0.0
    if np.isfinite(experts) and np.isfinite(k) and experts > 1:
        # the k routed experts read per token, from total and active counts (the serving core's rule)
        total = g("params_b") * 1e9
        expert_params = k * float(routed_expert_param_count(total, float(params) * 1e9, experts, k,
                                                            g("vocab_size"), g("hidden_size"), tied, excl))
    return Shape(params=float(params) * 1e9, layers=int(g("layers")), hidden=int(g("hidden_size")),
                 heads=int(g("attention_heads")), kv_heads=int(g("kv_heads")), head_dim=int(head_dim),
                 vocab=int(g("vocab_size")), tied=tied, active_excludes_embedding=excl,
                 expert_params=expert_params)




# --- catalogs -----------------------------------------------------------------------------------
def _catalogs():
    """Hardware, model and format tables from the engine's catalog (data/*.csv)."""
    if DATA == ROOT / "data":
        from scenarios.engine import catalog# the engine's validated loader
        hw = {k: _hw_fields(v) for k, v in catalog.load_hardware().items()}
        mdl = dict(catalog.load_models())
        fmt = {k: float(v.bits_per_weight) for k, v in catalog.load_formats().items()}
        return hw, mdl, fmt
    # another data folder (tests, experiments): read the CSVs directly
    hdf = pd.read_csv(DATA / "hardware.csv")
    mdf = pd.read_csv(DATA / "models.csv")
    fdf = pd.read_csv(DATA / "formats.csv")
    hw = {r["id"]: _hw_fields(r) for r in hdf.to_dict("records")}
    mdl = {r["id"]: _model_fields(r) for r in mdf.to_dict("records")}
    fmt = dict(zip(fdf["id"], fdf["bits_per_weight"].astype(float)))
    return hw, mdl, fmt


def _get(o, k):
    return o[k] if isinstance(o, dict) else getattr(o, k)


def _num(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return v


def _hw_fields(h) -> dict:
    cf = _get(h, "compute_formats")
    cf = "|".join(cf) if isinstance(cf, (tuple, list)) else str(cf)
    return {
        "hw_class": _get(h, "hw_class"),
        "bw": _num(_get(h, "memory_bandwidth_gb_s")) * 1e9,
        "fp32": _num(_get(h, "peak_tflops_fp32")) * 1e12,
        "fp16": _num(_get(h, "peak_tflops_fp16")) * 1e12,
        "int8": _num(_get(h, "peak_tops_int8")) * 1e12,
        "fp8": "fp8" in cf.split("|"),
        "mem": _num(_get(h, "memory_gb")) * 1e9,
    }


def _model_fields(r: dict) -> dict:
    out = dict(r)
    out["id"] = r["id"]
    for flag in ("tie_embeddings", "active_excludes_embedding"):
        out[flag] = str(r.get(flag)).lower() == "true"
    for k in ("active_params_b", "head_dim"):
        v = _num(r.get(k))
        out[k] = v if np.isfinite(v) else None
    return out


# --- measurement rows -> work arrays -------------------------------------------------------------
FIT_METRICS = ("decode_tokens_per_s", "prefill_tokens_per_s", "ttft_ms",
               "throughput_tokens_per_s", "throughput_tokens_per_s_per_gpu")


def load_rows(path: Path = INFERENCE_CSV) -> pd.DataFrame:
    """All measurement rows with the catalog ids, a `use` flag and a `why_excluded` reason."""
    df = pd.read_csv(path)
    df["model_id"] = df["model"].map(MODEL_IDS)
    df["format_id"] = df["weight_format"].map(map_format)
    df["runtime"] = df["software"].map(map_runtime)
    why = pd.Series("", index=df.index)
    why[df["runtime"].isna()] = "llama.cpp forced to the CPU on an Apple GPU device (-ngl 0)"
    why[df["batch_size"].astype(str) == "max"] = ("batch 'max' (in-flight batching at the runtime's "
                                                  "best batch): batch unknown")
    why[df["metric"] == "throughput_samples_per_s"] = "MLPerf samples/s: token counts per sample unknown"
    why[df["model_id"].isna() & (why == "")] = "model not in the catalog"
    df["why_excluded"] = why
    df["use"] = why == ""
    return df


def build_work(df: pd.DataFrame, hw: dict, models: dict, fmt_bits: dict) -> dict:
    """Arrays for two predict() calls per row (prefill part, decode part) and the metric maths."""
    rows = df[df["use"]].reset_index(drop=True)
    n = len(rows)
    w = {k: np.zeros(n) for k in ("p_flops", "d_flops", "wbytes", "kvb", "bw", "fp32", "fp16", "int8",
                                  "batch", "layers", "prompt", "output", "measured")}
    w["fp8"] = np.zeros(n, bool)
    for i, r in rows.iterrows():
        h = hw[r["hardware"]]
        sh = shape_from_catalog(models[r["model_id"]])
        bits = fmt_bits[r["format_id"]]
        b = float(r["batch_size"])
        p = _num(r["prompt_tokens"])
        o = _num(r["output_tokens"])
        if not np.isfinite(p):
            p, o = 0.0, 2.0 * DEFAULT_CONTEXT_TOKENS
        ctx = p + o / 2.0
        w["p_flops"][i] = b * sh.prefill_flops(p)
        w["d_flops"][i] = sh.decode_flops(ctx)
        w["wbytes"][i] = sh.weight_bytes(r["format_id"], bits)
        w["kvb"][i] = sh.kv_bytes_per_token(kv_bytes_per_elem(r["format_id"], r["runtime"])) * ctx
        w["bw"][i], w["fp32"][i], w["fp16"][i], w["int8"][i] = h["bw"], h["fp32"], h["fp16"], h["int8"]
        w["fp8"][i] = h["fp8"]
        w["batch"][i], w["layers"][i], w["prompt"][i], w["output"][i] = b, sh.layers, p, o
        w["measured"][i] = float(r["value"])
    w["hw_class"] = np.array([hw[h]["hw_class"] for h in rows["hardware"]], dtype=object)
    w["runtime"] = rows["runtime"].to_numpy(dtype=object)
    w["format"] = rows["format_id"].to_numpy(dtype=object)
    w["metric"] = rows["metric"].to_numpy(dtype=object)
    w["hardware"] = rows["hardware"].to_numpy(dtype=object)
    w["rows"] = rows
    return w


def kind_of(metric: str) -> str:
    """'decode', 'prefill' or 'throughput': which band applies."""
    if metric == "decode_tokens_per_s":
        return "decode"
    if metric in ("prefill_tokens_per_s", "ttft_ms"):
        return "prefill"
    return "throughput"


def predict_rows(w: dict, factors: dict) -> dict:
    """Predicted value (in the row's metric unit) with low/high, for every row of ``w``."""
    common = dict(kv_bytes_read_per_token=w["kvb"], bandwidth_bytes_s=w["bw"], layers=w["layers"],
                  peak_fp32=w["fp32"], peak_fp16=w["fp16"], peak_int8=w["int8"], fp8_capable=w["fp8"],
                  factors=factors, weight_bytes=w["wbytes"], decode_flops_per_token=w["d_flops"])
    r = speed.predict(w["hw_class"], w["runtime"], w["format"], prefill_flops=w["p_flops"],
                      batch=w["batch"], **common)
    met = w["metric"]
    out = np.full(len(met), np.nan)
    lo = np.full(len(met), np.nan)
    hi = np.full(len(met), np.nan)
    d = met == "decode_tokens_per_s"
    out[d], lo[d], hi[d] = (1 / r.decode_s_per_token[d], 1 / r.decode_s_per_token_high[d],
                            1 / r.decode_s_per_token_low[d])
    p = met == "prefill_tokens_per_s"
    out[p], lo[p], hi[p] = (w["prompt"][p] / r.prefill_s[p], w["prompt"][p] / r.prefill_s_high[p],
                            w["prompt"][p] / r.prefill_s_low[p])
    t = met == "ttft_ms"
    out[t], lo[t], hi[t] = 1e3 * r.prefill_s[t], 1e3 * r.prefill_s_low[t], 1e3 * r.prefill_s_high[t]
    q = np.isin(met, ["throughput_tokens_per_s", "throughput_tokens_per_s_per_gpu"])
    # static batching: prefill of the batch, then `output` decode steps at the mean context
    total = r.prefill_s + w["output"] * r.decode_s_per_token
    total_lo = r.prefill_s_low + w["output"] * r.decode_s_per_token_low
    total_hi = r.prefill_s_high + w["output"] * r.decode_s_per_token_high
    tok = w["batch"] * w["output"]
    out[q], lo[q], hi[q] = tok[q] / total[q], tok[q] / total_hi[q], tok[q] / total_lo[q]
    return {"pred": out, "low": lo, "high": hi, "calibrated_decode": r.calibrated_decode,
            "calibrated_prefill": r.calibrated_prefill, "basis": r.basis}


def speed_ratio(metric, pred, measured):
    """log(predicted speed / measured speed) (ttft is a time: inverted)."""
    lr = np.log(pred / measured)
    return np.where(metric == "ttft_ms", -lr, lr)


# --- parameters <-> factors ---------------------------------------------------------------------
PARAM_KEYS = ("eff_bw", "eff_compute", "overhead_per_layer_s")
FMT_FREE = (("bw", "8bit"), ("bw", "4bit"), ("compute", "8bit"), ("compute", "4bit"))
# Weak log-normal priors (sd in natural log) keep groups with few rows physical: an efficiency
# near the built-in default unless the data say otherwise, never above 1.
PRIOR_SD = {"eff_bw": 0.5, "eff_compute": 0.7, "overhead_per_layer_s": 1.0, "format": 0.3}
BOUNDS = {"eff_bw": (0.1, 1.0), "eff_compute": (0.02, 1.0), "overhead_per_layer_s": (1e-6, 2e-3),
          "format": (0.3, 1.2)}


def groups_in(w: dict) -> list[str]:
    return sorted(set(f"{c}|{r}" for c, r in zip(w["hw_class"], w["runtime"])))


def counts(w: dict, group: str) -> dict:
    g = np.array([f"{c}|{r}" for c, r in zip(w["hw_class"], w["runtime"])]) == group
    kinds = np.array([kind_of(m) for m in w["metric"]])
    pre = g & np.isin(kinds, ["prefill", "throughput"])
    paths = sorted(set(speed.peak_path(c, r, f) for c, r, f in
                       zip(w["hw_class"][pre], w["runtime"][pre], w["format"][pre])))
    return {"n_decode": int(np.sum(g & np.isin(kinds, ["decode", "throughput"]))),
            "n_prefill": int(np.sum(pre)), "prefill_paths": paths,
            "n_rows": int(np.sum(g)), "devices": sorted(set(w["hardware"][g]))}


def _vec_to_factors(x, groups, base) -> dict:
    f = {"version": 1, "groups": {}, "format_factors": {"bw": {"float": 1.0}, "compute": {"float": 1.0}},
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


def fit_inference(w: dict, base: dict | None = None) -> dict:
    """Least squares on log(pred/measured) with weak priors; returns a factors dict."""
    from scipy.optimize import least_squares

    base = dict(base or {})
    groups = groups_in(w)
    base["groups_meta"] = {g: counts(w, g) for g in groups}
    x0, lo, hi, prior_mu, prior_sd = [], [], [], [], []
    for g in groups:
        d = speed.DEFAULT_FACTORS["groups"].get(g, speed.DEFAULT_FACTORS["groups"]["apple|llama.cpp"])
        for key in PARAM_KEYS:
            x0.append(np.log(d[key]))
            prior_mu.append(np.log(d[key]))
            prior_sd.append(PRIOR_SD[key])
            lo.append(np.log(BOUNDS[key][0]))
            hi.append(np.log(BOUNDS[key][1]))
    for kind, fam in FMT_FREE:
        v = speed.DEFAULT_FACTORS["format_factors"][kind][fam]
        x0.append(np.log(v))
        prior_mu.append(np.log(v))
        prior_sd.append(PRIOR_SD["format"])
        lo.append(np.log(BOUNDS["format"][0]))
        hi.append(np.log(BOUNDS["format"][1]))
    x0, lo, hi = np.clip(np.array(x0), np.array(lo) + 1e-9, np.array(hi) - 1e-9), np.array(lo), np.array(hi)
    prior_mu, prior_sd = np.array(prior_mu), np.array(prior_sd)

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
        wk = _subset(w, keep)
        f = fit_inference(wk, base)
        wh = _subset(w, ~keep)
        p = predict_rows(wh, f)
        for i in range(len(wh["metric"])):
            recs.append({"hardware": h, "hw_class": wh["hw_class"][i], "runtime": wh["runtime"][i],
                         "format": wh["format"][i], "metric": wh["metric"][i], "batch": wh["batch"][i],
                         "measured": wh["measured"][i], "pred": p["pred"][i],
                         "calibrated": bool(p["calibrated_decode"][i] if kind_of(wh["metric"][i]) == "decode"
                                            else p["calibrated_prefill"][i])})
    df = pd.DataFrame(recs)
    df["log_ratio"] = speed_ratio(df["metric"].to_numpy(), df["pred"].to_numpy(), df["measured"].to_numpy())
    df["kind"] = df["metric"].map(kind_of)
    return df


def _subset(w: dict, mask) -> dict:
    out = {}
    for k, v in w.items():
        if k == "rows":
            out[k] = v[mask].reset_index(drop=True)
        elif isinstance(v, np.ndarray):
            out[k] = v[mask]
        else:
            out[k] = v
    return out


# --- bands from held-out residuals ----------------------------------------------------------------
BAND_Q = (0.05, 0.95)       # central 90 % of held-out residuals
MIN_HALF_WIDTH = 0.05       # never claim better than +-5 %
UNCAL_WIDEN = 1.5           # an uncalibrated band is at least 1.5x a calibrated one (in log)
MIN_LOHO_ROWS = 8           # fewer held-out calibrated rows than this: pool with other groups


def _band_from(lr: np.ndarray) -> list[float]:
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
        pooled = _band_from(cal["log_ratio"].to_numpy()) if len(cal) else [0.8, 1.25]
        for g in groups:
            own = cal[cal["group"] == g]["log_ratio"].to_numpy()
            ins = insample[(insample["group"] == g) & (insample["kind"] == kind)]["log_ratio"].to_numpy()
            if len(own) >= MIN_LOHO_ROWS:
                b = _band_from(own)
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


# --- training MFU ---------------------------------------------------------------------------------
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


# --- validation on the 'max'-batch rows (not fitted) ---------------------------------------------
MAX_BATCH_CAP = 2048          # assumed scheduler cap (trtllm-bench style max_batch_size)
KV_MEMORY_FRACTION = 0.9      # share of memory left after weights given to the KV cache


def validate_max_batch_rows(rows: pd.DataFrame, hw: dict, models: dict, fmt_bits: dict,
                            factors: dict) -> pd.DataFrame:
    """Predict the 'max'-batch throughput rows at the batch that fills memory (capped), as a check.

    Not part of the fit: the benchmark's batch is unknown. Batch = min(cap, KV room / (prompt +
    output) tokens); throughput = B * output / (prefill of B prompts + output decode steps).
    """
    sel = rows[(rows["batch_size"].astype(str) == "max") & rows["model_id"].notna()].copy()
    if not len(sel):
        return pd.DataFrame()
    recs = []
    for r in sel.itertuples():
        h = hw[r.hardware]
        sh = shape_from_catalog(models[r.model_id])
        bits = fmt_bits[r.format_id]
        kv_tok = sh.kv_bytes_per_token(kv_bytes_per_elem(r.format_id, r.runtime))
        p, o = float(r.prompt_tokens), float(r.output_tokens)
        room = h["mem"] * KV_MEMORY_FRACTION - sh.weight_bytes(r.format_id, bits)
        b = float(max(1, min(MAX_BATCH_CAP, room // (kv_tok * (p + o)))))
        recs.append({"hardware": r.hardware, "model": r.model_id, "format": r.format_id, "runtime": r.runtime,
                     "prompt": p, "output": o, "batch": b, "measured": float(r.value),
                     "p_flops": b * sh.prefill_flops(p), "d_flops": sh.decode_flops(p + o / 2),
                     "wbytes": sh.weight_bytes(r.format_id, bits), "kvb": kv_tok * (p + o / 2),
                     "bw": h["bw"], "fp32": h["fp32"], "fp16": h["fp16"], "int8": h["int8"], "fp8": h["fp8"],
                     "layers": sh.layers, "hw_class": h["hw_class"]})
    d = pd.DataFrame(recs)
    r = speed.predict(d["hw_class"].to_numpy(object), d["runtime"].to_numpy(object), d["format"].to_numpy(object),
                      prefill_flops=d["p_flops"], decode_flops_per_token=d["d_flops"], weight_bytes=d["wbytes"],
                      kv_bytes_read_per_token=d["kvb"], bandwidth_bytes_s=d["bw"], batch=d["batch"],
                      layers=d["layers"], peak_fp32=d["fp32"], peak_fp16=d["fp16"], peak_int8=d["int8"],
                      fp8_capable=d["fp8"].to_numpy(bool), factors=factors)
    total = r.prefill_s + d["output"].to_numpy() * r.decode_s_per_token
    d["pred"] = d["batch"] * d["output"] / total
    d["err_pct"] = (d["pred"] / d["measured"] - 1) * 100
    return d[["hardware", "model", "format", "prompt", "output", "batch", "measured", "pred", "err_pct"]]


# --- the whole fit ----------------------------------------------------------------------------------
def _err_pct(lr: np.ndarray) -> float:
    """Median absolute error of the speed, in % (|pred/measured - 1|)."""
    return float(np.median(np.abs(np.exp(lr) - 1)) * 100) if len(lr) else float("nan")


def run_fit(verbose: bool = False) -> tuple[dict, dict]:
    """Fit everything. Returns (factors for the JSON, report tables for the methodology page)."""
    hw, models, fmt = _catalogs()
    rows = load_rows()
    w = build_work(rows, hw, models, fmt)
    f = fit_inference(w)
    ins = predict_rows(w, f)
    insample = pd.DataFrame({"hardware": w["hardware"], "hw_class": w["hw_class"], "runtime": w["runtime"],
                             "format": w["format"], "metric": w["metric"], "batch": w["batch"],
                             "measured": w["measured"], "pred": ins["pred"]})
    insample["log_ratio"] = speed_ratio(insample["metric"].to_numpy(), insample["pred"].to_numpy(),
                                        insample["measured"].to_numpy())
    insample["kind"] = insample["metric"].map(kind_of)
    lo_df = loho(w)
    groups = groups_in(w)
    bands, unc = derive_bands(lo_df, insample, groups)
    f["bands"] = bands
    f["uncalibrated_band"] = unc
    tr = load_training(hw)
    m = fit_mfu(tr)
    loo = mfu_loo(tr)
    cal_lr = loo[loo["calibrated"]]["log_ratio"].to_numpy()
    unc_lr = loo[~loo["calibrated"]]["log_ratio"].to_numpy()
    m_band = _band_from(-cal_lr)  # mfu is a speed: time multipliers -> invert for mfu below
    m["band"] = [round(1 / m_band[1], 4), round(1 / m_band[0], 4)]
    wide = np.concatenate([cal_lr * UNCAL_WIDEN, unc_lr]) if len(unc_lr) else cal_lr * UNCAL_WIDEN
    ub = _band_from(-wide)
    m["uncalibrated_band"] = [round(min(1 / ub[1], m["band"][0]), 4), round(max(1 / ub[0], m["band"][1]), 4)]
    m["min"], m["max"] = speed.DEFAULT_MFU["min"], speed.DEFAULT_MFU["max"]
    m["flops_convention"] = "6*N*D + 12*layers*hidden*seq*D (PaLM App. B); peak = dense fp16/bf16"
    f["mfu"] = m
    f["version"] = 1
    f["source"] = ("python -m scenarios.calibration fit on data/calibration/inference_measurements.csv "
                   "and data/calibration/training_runs.csv")
    f["summary"] = summarise(lo_df, insample, f)
    f = _round(f)
    report = {"insample": insample, "loho": lo_df, "rows": rows, "training": tr, "mfu_loo": loo,
              "max_rows": validate_max_batch_rows(rows, hw, models, fmt, f)}
    return f, report


def summarise(lo_df: pd.DataFrame, insample: pd.DataFrame, f: dict) -> dict:
    """The headline numbers (also asserted by tests/calibration)."""
    cov = coverage_table(lo_df, f)
    b1 = lo_df["batch"] == 1
    return {
        "loho_median_abs_err_decode_b1_pct": _err_pct(lo_df[b1 & (lo_df["metric"] == "decode_tokens_per_s")]["log_ratio"].to_numpy()),
        "loho_median_abs_err_prefill_pct": _err_pct(lo_df[lo_df["kind"] == "prefill"]["log_ratio"].to_numpy()),
        "insample_median_abs_err_decode_b1_pct": _err_pct(insample[(insample["batch"] == 1) & (insample["metric"] == "decode_tokens_per_s")]["log_ratio"].to_numpy()),
        "insample_median_abs_err_prefill_pct": _err_pct(insample[insample["kind"] == "prefill"]["log_ratio"].to_numpy()),
        "loho_band_coverage_pct": float(cov["inside"].mean() * 100),
        "median_band_high_over_low": float(cov["high_over_low"].median()),
        "rows_used": int(len(insample)),
    }


def _round(o, nd=6):
    if isinstance(o, float):
        return float(f"{o:.{nd}g}")
    if isinstance(o, dict):
        return {k: _round(v, nd) for k, v in o.items()}
    if isinstance(o, list):
        return [_round(v, nd) for v in o]
    return o


# --- methodology section ------------------------------------------------------------------------------
def _table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in df.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in r) + " |")
    return "\n".join(lines)


def _cell(v) -> str:
    if isinstance(v, float):
        return "—" if not np.isfinite(v) else (f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}")
    return str(v).replace("|", "\\|")  # a group key "class|runtime" must not split the table


def error_table(insample: pd.DataFrame, lo_df: pd.DataFrame) -> pd.DataFrame:
    out = []
    for cls in sorted(insample["hw_class"].unique()):
        for kind in ("decode", "prefill", "throughput"):
            a = insample[(insample["hw_class"] == cls) & (insample["kind"] == kind)]
            b = lo_df[(lo_df["hw_class"] == cls) & (lo_df["kind"] == kind)]
            if not len(a):
                continue
            out.append({"class": cls, "metric": kind, "rows": len(a),
                        "devices": b["hardware"].nunique(),
                        "in-sample median abs err %": _err_pct(a["log_ratio"].to_numpy()),
                        "LOHO median abs err %": _err_pct(b["log_ratio"].to_numpy()),
                        "LOHO max abs err %": float(np.max(np.abs(np.exp(b["log_ratio"]) - 1)) * 100),
                        "LOHO rows on fallback factors": int((~b["calibrated"]).sum())})
    return pd.DataFrame(out)


def methodology_section(f: dict, rep: dict) -> str:
    s = f["summary"]
    g = pd.DataFrame([{"group (class / runtime)": k, "eff_bw": v["eff_bw"],
                       "eff_compute": v["eff_compute"] if v["n_prefill"] else "— (borrowed)",
                       "overhead µs/layer": v["overhead_per_layer_s"] * 1e6, "decode rows": v["n_decode"],
                       "prefill rows": v["n_prefill"], "prefill peak paths": ", ".join(v["prefill_paths"]) or "—",
                       "devices": len(v["devices"]),
                       "decode band (time ×)": f"{f['bands'][k]['decode'][0]:.2f}–{f['bands'][k]['decode'][1]:.2f}",
                       "prefill band (time ×)": (f"{f['bands'][k]['prefill'][0]:.2f}–{f['bands'][k]['prefill'][1]:.2f}"
                                                 if v["n_prefill"] else "uncalibrated")}
                      for k, v in f["groups"].items()])
    n_used = sum(3 if v["n_prefill"] else 2 for v in f["groups"].values()) + len(FMT_FREE)
    ff = f["format_factors"]
    fmt_t = pd.DataFrame([{"format family": fam, "bandwidth factor f_bw": ff["bw"][fam],
                           "compute factor f_c": ff["compute"][fam]} for fam in speed.FAMILIES])
    m = f["mfu"]
    mfu_t = pd.DataFrame([{"generation": k, "MFU at 3B params": float(np.exp(v))} for k, v in m["intercept"].items()])
    tr = rep["training"].merge(rep["mfu_loo"][["model", "pred", "calibrated"]], on="model")
    tr_t = pd.DataFrame({"run": tr["model"], "hardware": tr["hardware"], "MFU (measured)": tr["mfu"],
                         "MFU leave-one-out": tr["pred"], "fallback": ~tr["calibrated"]})
    excl = rep["rows"][~rep["rows"]["use"]].groupby("why_excluded").size().reset_index(name="rows")
    u = f["uncalibrated_band"]
    lo = rep["loho"]
    worst = lo.assign(err=np.abs(np.exp(lo["log_ratio"]) - 1) * 100).sort_values("err", ascending=False).head(8)
    worst_t = worst[["hardware", "format", "metric", "batch", "measured", "pred", "calibrated", "err"]].rename(
        columns={"err": "abs err %", "calibrated": "own group calibrated"})
    parts = [
        "## Calibration (fitted speed factors, MFU, error and bands)",
        "",
        "_Written by `python -m scenarios.calibration fit`; do not edit by hand._",
        "",
        "**Model.** Roofline per group g = (hardware class, runtime) and format family φ:",
        "prefill `t = max(F/(peak·e_c[g]·f_c[φ]), W/(bw·e_bw[g]·f_bw[φ])) + L·τ[g]`; one decode step of a",
        "batch B `t = max(W/(bw·e_bw·f_bw) + B·K/(bw·e_bw), B·f/(peak·e_c·f_c)) + L·τ[g]`, with F, f the",
        "FLOPs (2·matmul params per token + causal attention), W the weight bytes one forward reads",
        "(MoE: active experts; MXFP4 checkpoints: experts at 4.25 bits, the rest bf16), K the KV bytes one",
        "sequence reads, L the layers and τ a per-layer, per-forward overhead (kernel launches). The peak is",
        "the one the runtime computes on (`scenarios.engine.speed.peak_path`: llama.cpp CUDA quantised → int8 MMQ,",
        "Metal → GPU fp16/fp32 ALUs, FP8 where the device has FP8 tensor cores).",
        "",
        f"**Parameters: {n_used}** — e_bw, e_c and τ per calibrated group (e_c only where the group has",
        "prefill rows) and four format factors (float is the reference, 1.0). Fitted by least squares on",
        "log(predicted/measured) with weak log-normal priors (sd 0.5–1.0) towards the built-in defaults",
        "(`scenarios.engine.speed.DEFAULT_FACTORS`), bounds e ≤ 1. No per-device or per-model factor.",
        "",
        _table(g),
        "",
        _table(fmt_t),
        "",
        "A group with no prefill rows (Jetson/MLC, Raspberry Pi) takes its prefill efficiency from the",
        "nearest group calibrated on the same peak path (a compute efficiency is only meaningful against",
        "the peak it was measured on) and is flagged uncalibrated for prefill; so does a group whose",
        "prefill rows are all on another path (llama.cpp CUDA float weights run on cuBLAS fp16, its rows",
        "measured the int8 MMQ path). A (class, runtime) pair",
        "without rows (vLLM anywhere, phones, TPU, AMD, llama.cpp on datacenter GPUs) takes the nearest",
        "group (`scenarios.engine.speed.resolve_group`: same class first, then the same runtime on the nearest",
        "class) and the uncalibrated band: decode time "
        f"×{u['decode'][0]:.2f}–{u['decode'][1]:.2f}, prefill time ×{u['prefill'][0]:.2f}–{u['prefill'][1]:.2f} "
        "(from held-out rows predicted on another group's factors, symmetric in log, at least 1.5× the",
        "calibrated width).",
        "The estimate's `basis`/`calibrated` fields say which applied.",
        "",
        "### Error per hardware class: in-sample and leave-one-hardware-out (LOHO)",
        "",
        "LOHO refits all factors without one device's rows and predicts that device. When the device",
        "is the only one of its group, its group has no data left and the fallback group stands in, so",
        "those rows measure the error on an unseen class/runtime, not on a new device of a known class.",
        "",
        _table(error_table(rep["insample"], rep["loho"])),
        "",
        f"- LOHO median absolute error, batch-1 decode tokens/s: **{s['loho_median_abs_err_decode_b1_pct']:.1f} %** (target ≤ 12 %)",
        f"- LOHO median absolute error, prefill tokens/s (incl. TTFT rows): **{s['loho_median_abs_err_prefill_pct']:.1f} %** (target ≤ 25 %)",
        f"- In-sample: decode {s['insample_median_abs_err_decode_b1_pct']:.1f} %, prefill {s['insample_median_abs_err_prefill_pct']:.1f} %",
        f"- Held-out rows inside the stated low–high band: **{s['loho_band_coverage_pct']:.0f} %** (target ≥ 80 %);"
        f" median high/low ratio **{s['median_band_high_over_low']:.2f}** (target ≤ 1.6)",
        "",
        "Largest held-out errors:",
        "",
        _table(worst_t),
        "",
        "**Bands.** Per group and metric the band is the 5th–95th percentile of the group's LOHO",
        "residuals when it has ≥ 8 held-out rows on its own factors; otherwise the pooled calibrated",
        "held-out band, widened to cover the group's own in-sample residuals. Minimum ±5 %. The",
        "coverage above is measured on the same held-out residuals the bands were drawn from (the",
        "prediction is held out, the band's width is not), so read it as a consistency check; the",
        "'max'-batch rows below are the out-of-sample check.",
        "",
        "### Rows used and excluded",
        "",
        f"{s['rows_used']} of {len(rep['rows'])} rows are fitted. Throughput rows with an explicit batch",
        "(TensorRT-LLM static batching) are fitted as prefill of the batch + `output` decode steps at",
        "the mean context; TTFT rows as batch-1 prefill. Rows without prompt/output lengths (Jetson AI",
        f"Lab, Ollama) assume a mean context of {DEFAULT_CONTEXT_TOKENS} tokens. KV cache is fp16 except",
        "TensorRT-LLM FP8 rows (fp8: the only way those batches fit in 80 GB). Excluded:",
        "",
        _table(excl),
        "",
        "**Check on the excluded 'max'-batch rows** (TensorRT-LLM 1.0, in-flight batching; not fitted).",
        f"Batch assumed = min({MAX_BATCH_CAP}, KV room / (prompt + output)), KV room = "
        f"{KV_MEMORY_FRACTION:.0%} of memory minus weights:",
        "",
        _table(rep["max_rows"]) if len(rep["max_rows"]) else "(none)",
        "",
        "Model names map to catalog ids as in `scenarios.calibration.fit.MODEL_IDS`; `int4` (MLC q4f16) maps",
        "to the catalog's `int4`; Ollama's default tags to `q4_k_m` (Llama 3.x) and `q4_0` (Llama 2).",
        "Hardware ids are the catalog's.",
        "",
        "### Training MFU",
        "",
        "MFU = model FLOPs / (accelerator-hours · 3600 · dense fp16/bf16 peak), model FLOPs =",
        "6·N·D + 12·L·H·S·D (PaLM, arXiv:2204.02311 App. B; S = 2048 for every run here). Fit:",
        f"log MFU = a[generation] + b·x + c·x², x = log10(params_b) − {MFU_CENTER_LOG10_B}; "
        f"b = {m['slope']:.3f}, c = {m['curvature']:.3f} ({len(m['intercept']) + 2} parameters).",
        "Generations without runs (Hopper, Blackwell, Ada, TPU v4/v5, MI300) use the Ampere fit and the",
        f"wider band; MFU band ×{m['band'][0]:.2f}–{m['band'][1]:.2f} (leave-one-run-out, 5th–95th pct),",
        f"uncalibrated ×{m['uncalibrated_band'][0]:.2f}–{m['uncalibrated_band'][1]:.2f}.",
        "",
        _table(mfu_t),
        "",
        _table(tr_t),
        "",
        "**Known limits.** One device each for consumer NVIDIA, Jetson and Raspberry Pi, two",
        "datacenter GPUs and one runtime per class: efficiency of vLLM, ExecuTorch, PyTorch, phones,",
        "TPUs and AMD is borrowed, not measured. Several llama.cpp rows were transcribed from secondary",
        "copies. Overheads per layer absorb everything not proportional to bytes or FLOPs (sampling,",
        "synchronisation), so very small models on fast GPUs are the least certain.",
    ]
    return "\n".join(parts)


def write_methodology(text: str, path: Path = METHODOLOGY_MD) -> None:
    """Replace the text between the calibration markers (create the file if needed)."""
    if path.exists():
        doc = path.read_text(encoding="utf-8")
    else:
        doc = f"# Methodology\n\n{BEGIN}\n{END}\n"
    if BEGIN not in doc or END not in doc:
        doc = doc.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    pre, rest = doc.split(BEGIN, 1)
    _, post = rest.split(END, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{pre}{BEGIN}\n{text}\n{END}{post}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scenarios.calibration",
                                 description="Fit the speed factors and MFU on the calibration data.")
    ap.add_argument("command", choices=["fit", "check"],
                    help="fit: write data/fitted_factors.json and docs/methodology.md; check: compare only")
    args = ap.parse_args(argv)
    f, rep = run_fit()
    if args.command == "check":
        old = json.loads(FACTORS_JSON.read_text(encoding="utf-8"))
        bad = compare_factors(old, f)
        print("fitted factors match the committed JSON" if not bad else "\n".join(bad))
        return 1 if bad else 0
    FACTORS_JSON.write_text(json.dumps(f, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    write_methodology(methodology_section(f, rep))
    print(json.dumps(f["summary"], indent=1))
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
