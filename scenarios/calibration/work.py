"""Work of each calibration row (FLOPs, bytes read, layers, batch) and the speeds it predicts.

:func:`build_work` turns the used measurement rows into the arrays of one vectorised
:func:`scenarios.engine.speed.predict` call; :func:`predict_rows` turns its times into each row's
metric (tokens/s, TTFT in ms, static-batching throughput); :func:`validate_max_batch_rows` predicts
the 'max'-batch rows the fit leaves out, as an out-of-sample check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.calibration.rows import DEFAULT_CONTEXT_TOKENS, kv_bytes_per_elem, num
from scenarios.engine import speed
from scenarios.engine.memory import (expert_only_format, matmul_param_count, routed_expert_param_count,
                                     split_weight_bytes)


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
    experts, k = num(g("num_experts")), num(g("experts_per_token"))
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
        p = num(r["prompt_tokens"])
        o = num(r["output_tokens"])
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
    out[d], lo[d], hi[d] = (1 / r["decode_s_per_token"][d], 1 / r["decode_s_per_token_high"][d],
                            1 / r["decode_s_per_token_low"][d])
    p = met == "prefill_tokens_per_s"
    out[p], lo[p], hi[p] = (w["prompt"][p] / r["prefill_s"][p], w["prompt"][p] / r["prefill_s_high"][p],
                            w["prompt"][p] / r["prefill_s_low"][p])
    t = met == "ttft_ms"
    out[t], lo[t], hi[t] = 1e3 * r["prefill_s"][t], 1e3 * r["prefill_s_low"][t], 1e3 * r["prefill_s_high"][t]
    q = np.isin(met, ["throughput_tokens_per_s", "throughput_tokens_per_s_per_gpu"])
    # static batching: prefill of the batch, then `output` decode steps at the mean context
    total = r["prefill_s"] + w["output"] * r["decode_s_per_token"]
    total_lo = r["prefill_s_low"] + w["output"] * r["decode_s_per_token_low"]
    total_hi = r["prefill_s_high"] + w["output"] * r["decode_s_per_token_high"]
    tok = w["batch"] * w["output"]
    out[q], lo[q], hi[q] = tok[q] / total[q], tok[q] / total_hi[q], tok[q] / total_lo[q]
    return {"pred": out, "low": lo, "high": hi, "calibrated_decode": r["calibrated_decode"],
            "calibrated_prefill": r["calibrated_prefill"], "basis": r["basis"]}


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
    total = r["prefill_s"] + d["output"].to_numpy() * r["decode_s_per_token"]
    d["pred"] = d["batch"] * d["output"] / total
    d["err_pct"] = (d["pred"] / d["measured"] - 1) * 100
    return d[["hardware", "model", "format", "prompt", "output", "batch", "measured", "pred", "err_pct"]]
