"""Work of each calibration row (FLOPs, bytes read, layers, batch) and the speeds it predicts.

The work comes from the serving core itself: each used row is turned into the serving request it
measured (:func:`row_request`) and :func:`served_work` reads the FLOPs and bytes the core charges
for it, so the factors are fitted on exactly the work the estimates divide by them (sliding
windows, latent attention, MoE routing and expert-only formats included).  :func:`build_work` adds
the device figures of the roofline; :func:`predict_rows` turns one vectorised
:func:`scenarios.engine.speed.predict` call into each row's metric (tokens/s, TTFT in ms,
static-batching throughput); :func:`validate_max_batch_rows` predicts the 'max'-batch rows the
fit leaves out, as an out-of-sample check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.calibration.rows import DEFAULT_CONTEXT_TOKENS, kv_format, num
from scenarios.engine import speed
from scenarios.engine.compute_paths import numa_node_share, path_peaks
from scenarios.engine.serving_core import serving_arrays


# --- work of a request, as serving computes it ----------------------------------------------------
@dataclass(frozen=True)
class ServedWork:
    """Work the serving core charges, one entry per request (arrays)."""

    prefill_flops: np.ndarray            # FLOPs of the whole prefill of the batch (attention included)
    decode_flops_per_token: np.ndarray   # FLOPs per generated token of one sequence, mean over the output
    weight_bytes_per_step: np.ndarray    # weight bytes one decode step of the batch reads
    kv_bytes_per_token_read: np.ndarray  # KV bytes one sequence reads per generated token, mean over the output
    kv_cache_bytes: np.ndarray           # KV cache of the batch at prompt + output tokens
    weights_bytes: np.ndarray            # stored weights (every parameter once)


def served_work(model, hardware, weights, kv_cache, runtime, batch, prompt_tokens, output_tokens) -> ServedWork:
    """The work of serving requests (each argument a scalar or a sequence), from the one serving
    core :func:`scenarios.engine.serving_core.serving_arrays`; raises on a request it refuses."""
    out = serving_arrays(model, hardware, weights=weights, kv_cache=kv_cache, runtime=runtime, batch=batch,
                         prompt_tokens=prompt_tokens, output_tokens=output_tokens)
    refused = [e for e in out.error if e is not None]
    if refused:
        raise refused[0]
    return ServedWork(prefill_flops=out.prefill_flops, decode_flops_per_token=out.decode_flops_per_token,
                      weight_bytes_per_step=out.weight_bytes_per_step,
                      kv_bytes_per_token_read=out.kv_bytes_per_token_read,
                      kv_cache_bytes=out.kv_cache_gb * 1e9, weights_bytes=out.weights_gb * 1e9)


def row_request(r) -> dict:
    """The serving request a measurement row measured (a row of :func:`load_rows` with ``use``).

    Rows without prompt/output lengths (Jetson AI Lab, Ollama) are read as no prompt and
    2 x DEFAULT_CONTEXT_TOKENS generated tokens: decode over a context that averages ~128 tokens.
    """
    p, o = num(r["prompt_tokens"]), num(r["output_tokens"])
    if not np.isfinite(p):
        p, o = 0.0, 2.0 * DEFAULT_CONTEXT_TOKENS
    return {"model": r["model_id"], "hardware": r["hardware"], "weights": r["format_id"],
            "kv_cache": kv_format(r["format_id"], r["runtime"]), "runtime": r["runtime"],
            "batch": float(r["batch_size"]), "prompt_tokens": p, "output_tokens": o}


def requests_of(rows: pd.DataFrame) -> pd.DataFrame:
    """One request per row (columns named like :class:`scenarios.engine.serving.InferenceRequest`)."""
    return pd.DataFrame([row_request(r) for r in rows.to_dict("records")],
                        columns=["model", "hardware", "weights", "kv_cache", "runtime", "batch",
                                 "prompt_tokens", "output_tokens"])


def work_of(req: pd.DataFrame) -> ServedWork:
    """:func:`served_work` of a table of requests (one vectorised call)."""
    return served_work(*(req[c].to_numpy() for c in ("model", "hardware", "weights", "kv_cache", "runtime",
                                                      "batch", "prompt_tokens", "output_tokens")))


def build_work(df: pd.DataFrame, hw: dict, models: dict) -> dict:
    """Arrays for two predict() calls per row (prefill part, decode part) and the metric maths."""
    rows = df[df["use"]].reset_index(drop=True)
    req = requests_of(rows)
    work = work_of(req)
    dev = [hw[h] for h in rows["hardware"]]
    w = {"p_flops": work.prefill_flops, "d_flops": work.decode_flops_per_token,
         "wbytes": work.weight_bytes_per_step, "kvb": work.kv_bytes_per_token_read,
         "batch": req["batch"].to_numpy(float), "prompt": req["prompt_tokens"].to_numpy(float),
         "output": req["output_tokens"].to_numpy(float),
         "layers": np.array([float(models[m].layers) for m in rows["model_id"]]),
         "measured": rows["value"].to_numpy(float)}
    for key in ("bw", "fp32", "fp16", "int8"):
        w[key] = np.array([h[key] for h in dev], dtype=float)
    # a phone row computes on its runtime's compute path (data/compute_paths.csv), as every estimate does
    w["fp32"], w["fp16"], w["int8"], _ = path_peaks(rows["hardware"].to_numpy(), rows["runtime"].to_numpy(),
                                                   w["fp32"], w["fp16"], w["int8"], w["int8"])
    # OpenVINO's latency hint on a multi-socket row: one socket's bandwidth and peaks, as every estimate
    share = numa_node_share(rows["hardware"].to_numpy(), rows["runtime"].to_numpy())
    for key in ("bw", "fp32", "fp16", "int8"):
        w[key] = w[key] * share
    w["fp8"] = np.array([h["fp8"] for h in dev], dtype=bool)
    w["hw_class"] = np.array([h["hw_class"] for h in dev], dtype=object)
    # the runtime each row is asked through, and the group it calibrates (a phone's path group)
    w["engine_runtime"] = rows["runtime"].to_numpy(dtype=object)
    w["runtime"] = np.array([speed.group_runtime(c, r) for c, r in zip(w["hw_class"], w["engine_runtime"])],
                            dtype=object)
    w["format"] = rows["format_id"].to_numpy(dtype=object)
    w["metric"] = rows["metric"].to_numpy(dtype=object)
    w["hardware"] = rows["hardware"].to_numpy(dtype=object)
    w["rows"] = rows
    return w


def predict_rows(w: dict, factors: dict) -> dict:
    """Predicted value (in the row's metric unit) with low/high, for every row of ``w``."""
    common = dict(kv_bytes_read_per_token=w["kvb"], bandwidth_bytes_s=w["bw"], layers=w["layers"],
                  peak_fp32=w["fp32"], peak_fp16=w["fp16"], peak_int8=w["int8"], fp8_capable=w["fp8"],
                  factors=factors, weight_bytes=w["wbytes"], decode_flops_per_token=w["d_flops"])
    r = speed.predict(w["hw_class"], w["engine_runtime"], w["format"], prefill_flops=w["p_flops"],
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


def subset(w: dict, mask) -> dict:
    """The work arrays of the rows where ``mask`` is true (for leave-one-hardware-out)."""
    out = {}
    for k, v in w.items():
        if k == "rows":
            out[k] = v[mask].reset_index(drop=True)
        elif isinstance(v, np.ndarray):
            out[k] = v[mask]
        else:
            out[k] = v
    return out


# --- validation on the 'max'-batch rows (not fitted) ---------------------------------------------
MAX_BATCH_CAP = 2048          # assumed scheduler cap (trtllm-bench style max_batch_size)
KV_MEMORY_FRACTION = 0.9      # share of memory left after weights given to the KV cache


def _max_batch_requests(sel: pd.DataFrame, hw: dict) -> pd.DataFrame:
    """The 'max'-batch rows as requests at the batch that fills memory: min(cap, KV room / KV cache
    of one sequence at prompt + output), KV room = a share of memory minus the weights."""
    req = requests_of(sel.assign(batch_size=1))
    one = work_of(req)
    mem = np.array([hw[h]["mem"] for h in req["hardware"]])
    room = mem * KV_MEMORY_FRACTION - one.weights_bytes
    return req.assign(batch=np.maximum(1.0, np.minimum(MAX_BATCH_CAP, room // one.kv_cache_bytes)))


def validate_max_batch_rows(rows: pd.DataFrame, hw: dict, models: dict, factors: dict) -> pd.DataFrame:
    """Predict the 'max'-batch throughput rows at the batch that fills memory (capped), as a check.

    Not part of the fit: the benchmark's batch is unknown. Throughput = B * output / (prefill of
    B prompts + output decode steps), as for the fitted static-batching rows.
    """
    sel = rows[(rows["batch_size"].astype(str) == "max") & rows["model_id"].notna()]
    if not len(sel):
        return pd.DataFrame()
    req = _max_batch_requests(sel, hw)
    w = build_work(sel.assign(batch_size=req["batch"].to_numpy(), use=True), hw, models)
    d = _with_prediction(req.rename(columns={"weights": "format", "prompt_tokens": "prompt", "output_tokens": "output"}),
                         w, factors)
    return d[["hardware", "model", "format", "prompt", "output", "batch", "measured", "pred", "err_pct"]]


# --- check on rows left out of the fit for a stated reason (many-core Ollama, llama.cpp DC prefill) ---
def validate_excluded_rows(rows: pd.DataFrame, hw: dict, models: dict, factors: dict,
                           reason_prefix: str) -> pd.DataFrame:
    """Predict the rows left out for ``reason_prefix`` (e.g. Ollama on a many-core server CPU) with
    the fitted factors, as an out-of-sample check of what the roofline misses there."""
    sel = rows[rows["why_excluded"].str.startswith(reason_prefix) & rows["model_id"].notna()]
    if not len(sel):
        return pd.DataFrame()
    w = build_work(sel.assign(use=True), hw, models)
    return _with_prediction(pd.DataFrame({"hardware": w["hardware"], "model": w["rows"]["model_id"],
                                          "format": w["format"], "metric": w["metric"]}), w, factors)


def _with_prediction(d: pd.DataFrame, w: dict, factors: dict) -> pd.DataFrame:
    """``d`` (one row per work row) with the measured value, the fitted prediction and how much too
    fast or slow it is (err_pct, predicted / measured - 1 in %)."""
    d = d.assign(measured=w["measured"], pred=predict_rows(w, factors)["pred"])
    return d.assign(err_pct=(d["pred"] / d["measured"] - 1) * 100)
