"""The one vectorised serving core: arrays of requests in, arrays of every output field out.

``estimate_inference`` (one request), ``estimate_inference_table`` (a DataFrame), the CLI's
``--from-csv``, the app and bench/engine.py all call :func:`serving_arrays`.  Bad rows do not raise:
they get a message in the ``error`` array and NaN outputs, and every other row still runs.

Time comes from :func:`scenarios.engine.speed.predict` (roofline with fitted efficiency factors); this
module supplies the work: FLOPs, bytes of weights and KV cache, memory, and turns times into
tokens/s, $, joules and battery.
"""

from __future__ import annotations

import numpy as np

from scenarios.engine import speed
from scenarios.engine.catalog import get_hardware, get_model, load_formats
from scenarios.errors import VentureLabError
from scenarios.engine.flops import decode_flops_per_token, expert_params, matmul_params, prefill_flops
from scenarios.engine.memory import (
    RUNTIME_OVERHEAD_GB,
    expert_only_format,
    split_weight_bytes,
    kv_cache_bytes,
    kv_values_per_token_per_layer,
    mean_cached_token_layers,
    model_arrays,
    working_memory_bytes,
)

# Runtimes that exist for a hardware class (ARCHITECTURE 4.2 names); others are refused with the list.
RUNTIMES_BY_CLASS = {
    "nvidia-datacenter": ("vllm", "tensorrt-llm", "llama.cpp", "pytorch", "mlc"),
    "nvidia-consumer": ("llama.cpp", "vllm", "tensorrt-llm", "pytorch", "mlc"),
    "jetson": ("mlc", "llama.cpp", "tensorrt-llm", "pytorch", "vllm"),
    "apple": ("llama.cpp", "mlc", "pytorch", "executorch"),
    "phone": ("executorch", "mlc", "llama.cpp"),
    "cpu-sbc": ("llama.cpp", "pytorch", "executorch"),
    "tpu": ("vllm", "pytorch"),
    "amd": ("vllm", "llama.cpp", "pytorch", "mlc"),
}
# NCCL all-reduce latency per call on one node (ASSUMED ~10 us small-message latency; NVIDIA NCCL
# tests report 5-20 us on NVLink/PCIe).  Tensor parallel does 2 all-reduces per layer (Megatron-LM,
# Shoeybi et al. 2019 s3).
ALLREDUCE_LATENCY_S = 10e-6
DEFAULTS = {"batch": 1, "prompt_tokens": 512, "output_tokens": 128, "devices": 1, "utilisation": 0.5}
LIMITS = {"batch": (1, 1_000_000), "prompt_tokens": (0, 100_000_000), "output_tokens": (0, 100_000_000),
          "devices": (1, 4096), "price_per_hour": (0, 10_000), "utilisation": (0.001, 1.0)}


class Indexed:
    """Many rows drawn from a few objects: ``items[index[i]]`` is row i's value.

    Sweeps pass models, hardware and formats this way so the core resolves each distinct value
    once (a plain list or array works too; it is factorised first).
    """

    def __init__(self, items, index):
        self.items = list(items)
        self.index = np.asarray(index, dtype=np.int64)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _length(v) -> int | None:
    if isinstance(v, Indexed):
        return len(v.index)
    if isinstance(v, (list, tuple, np.ndarray)):
        return len(v)
    return None


def _factorize(values, n: int):
    """(distinct values, row -> position) for a scalar, a sequence or an :class:`Indexed`."""
    if isinstance(values, Indexed):
        return values.items, values.index
    if _length(values) is None:
        return [values], np.zeros(n, dtype=np.int64)
    seen: dict = {}
    items: list = []
    inv = np.empty(n, dtype=np.int64)
    for i, v in enumerate(values):
        key = v if isinstance(v, (str, type(None), float, int)) else ("obj", id(v))
        k = seen.get(key)
        if k is None:
            k = seen[key] = len(items)
            items.append(v)
        inv[i] = k
    return items, inv


def _numbers(values, n: int) -> np.ndarray:
    if isinstance(values, Indexed):
        return np.array([np.nan if v is None else v for v in values.items], dtype=float)[values.index]
    if _length(values) is None:
        return np.full(n, np.nan if values is None else values, dtype=float)
    a = np.asarray(values)
    if a.dtype == object:
        a = np.array([np.nan if v is None else v for v in a], dtype=float)
    return a.astype(float)


def _resolve(values, n, getter, err, field):
    """Objects for ids/paths (once per distinct value); unknown ones mark their rows' errors."""
    items, inv = _factorize(values, n)
    objs, bad = [], np.zeros(len(items), dtype=bool)
    for k, v in enumerate(items):
        try:
            objs.append(getter(v if not isinstance(v, (np.str_,)) else str(v)))
        except VentureLabError as exc:
            objs.append(None)
            bad[k] = True
            rows = np.nonzero((inv == k) & (err == ""))[0]
            err[rows] = str(exc)
    return objs, inv, bad[inv], items


def _obj_array(items) -> np.ndarray:
    a = np.empty(len(items), dtype=object)
    a[:] = items
    return a


def serving_arrays(model, hardware, weights=None, kv_cache=None, runtime=None, batch=1, prompt_tokens=512,
                   output_tokens=128, devices=1, price_per_hour=None, utilisation=0.5,
                   factors=None, row_errors=None) -> dict[str, np.ndarray]:
    """Serving estimates for many requests at once (each argument a scalar, a 1-D sequence or an
    :class:`Indexed`).

    ``model`` / ``hardware`` are ids, paths, or ModelSpec / Hardware objects.  ``weights=None``
    means fp16, or bf16 where the device has no fp16 path; ``kv_cache=None`` the weights'
    activation dtype; ``runtime=None`` the usual one for the hardware class; ``price_per_hour=None``
    the catalog rental price (median of listings) where there is one.

    Returns a dict of arrays, one entry per output field (NaN where not meaningful), plus
    ``error`` (empty string for good rows), the resolved inputs and the speed model's ``basis``.
    ``row_errors`` lets a caller mark rows it already found bad (e.g. an unparsable cell).
    """
    lens = [x for x in (_length(v) for v in (model, hardware, weights, kv_cache, runtime, batch, prompt_tokens,
                                            output_tokens, devices, price_per_hour, utilisation)) if x is not None]
    n = max(lens) if lens else 1
    if any(x != n for x in lens):
        raise VentureLabError("inputs", f"all input arrays must have the same length ({n})", got=sorted(set(lens)))
    err = np.full(n, "", dtype=object) if row_errors is None else np.asarray(row_errors, dtype=object).copy()
    models, mi, bad_m, m_items = _resolve(model, n, get_model, err, "model")
    hws, hi, bad_h, h_items = _resolve(hardware, n, get_hardware, err, "hardware")
    okm = [m for m in models if m is not None] or [get_model("llama-2-7b")]
    okh = [h for h in hws if h is not None] or [get_hardware("nvidia-h100-sxm")]
    models = [m if m is not None else okm[0] for m in models]
    hws = [h if h is not None else okh[0] for h in hws]
    m = {k: v[mi] for k, v in model_arrays(models).items()}
    hw_class_u = np.array([h.hw_class for h in hws], dtype=object)
    hw_class = hw_class_u[hi]
    has_fp16_u = np.array([h.has_fp16 for h in hws])

    # numbers: validated in bulk, a bad value marks its row
    num = {}
    for name, value in (("batch", batch), ("prompt_tokens", prompt_tokens), ("output_tokens", output_tokens),
                        ("devices", devices), ("utilisation", utilisation), ("price_per_hour", price_per_hour)):
        arr = _numbers(value, n)
        lo, hi_ = LIMITS[name]
        nan_ok = name == "price_per_hour"
        badv = (~np.isfinite(arr) & ~(nan_ok & np.isnan(arr))) | (arr < lo) | (arr > hi_)
        if name in ("batch", "prompt_tokens", "output_tokens", "devices"):
            badv |= np.isfinite(arr) & (np.abs(arr - np.round(arr)) > 1e-9)
        for r in np.nonzero(badv & (err == ""))[0]:
            kind = "a whole number" if name in ("batch", "prompt_tokens", "output_tokens", "devices") else "a number"
            shown = arr[r] if _length(value) is None or isinstance(value, Indexed) else np.asarray(value, dtype=object)[r]
            err[r] = str(VentureLabError(name, f"must be {kind} in {lo:g}..{hi_:g}", got=shown))
        num[name] = np.where(badv, DEFAULTS.get(name, np.nan) if not nan_ok else np.nan, arr)
    B, P, O, N = num["batch"], num["prompt_tokens"], num["output_tokens"], num["devices"]
    util = num["utilisation"]

    # formats: weights default fp16 (bf16 where no fp16 path), KV default = activation dtype
    fmts = load_formats()
    fmt_names = list(fmts)
    fmt_pos = {f: i for i, f in enumerate(fmt_names)}
    fmt_bits = np.array([fmts[f].bits_per_weight for f in fmt_names])
    fmt_act = np.array([fmts[f].activation_dtype for f in fmt_names], dtype=object)

    def format_index(values, default_idx, field):
        items, inv = _factorize(values, n)
        names = [None if _missing(v) else str(v).strip().lower() for v in items]
        idx_u = np.array([-2 if v is None else fmt_pos.get(v, -1) for v in names], dtype=np.int64)
        idx = idx_u[inv]
        idx = np.where(idx == -2, default_idx, idx)
        for k in np.nonzero(idx_u == -1)[0]:
            rows = np.nonzero((inv == k) & (err == ""))[0]
            err[rows] = str(VentureLabError(field, "unknown weight format" if field == "weights" else
                                            "unknown KV-cache format", got=str(items[k]), accepted=fmts))
        return np.where(idx < 0, fmt_pos["fp16"], idx)

    w_default = np.where(has_fp16_u, fmt_pos["fp16"], fmt_pos["bf16"])[hi]
    wi = format_index(weights, w_default, "weights")
    act = fmt_act[wi]
    act = np.where((act == "fp16") & ~has_fp16_u[hi], "bf16", act)
    act_idx = np.array([fmt_pos[a] for a in ("fp32", "fp16", "bf16")])[
        np.where(act == "fp32", 0, np.where(act == "fp16", 1, 2))]
    kvi = format_index(kv_cache, act_idx, "kv_cache")
    w_ids = _obj_array(fmt_names)[wi]
    kv_ids = _obj_array(fmt_names)[kvi]
    bits = fmt_bits[wi]
    kv_bits = fmt_bits[kvi]
    act_bytes = np.where(act == "fp32", 4.0, 2.0)

    # runtime per class (checked once per distinct class x runtime)
    rt_items, rt_inv = _factorize(runtime, n)
    rt_names = [None if _missing(v) else str(v).strip().lower() for v in rt_items]
    cls_u = sorted(set(hw_class_u))
    cls_code = np.array([cls_u.index(c) for c in hw_class_u])[hi]
    pair = rt_inv * len(cls_u) + cls_code
    rt_row = np.empty(n, dtype=object)
    for code in np.unique(pair, return_inverse=True)[0]:   # (return_inverse avoids importing numpy.ma)
        rows = pair == code
        name, cls = rt_names[code // len(cls_u)], cls_u[code % len(cls_u)]
        if name is None:
            rt_row[rows] = speed.default_runtime(cls)
            continue
        rt_row[rows] = name
        if name not in RUNTIMES_BY_CLASS[cls]:
            bad_rows = rows & (err == "")
            err[bad_rows] = str(VentureLabError("runtime", f"not available on {cls} hardware", got=name,
                                                accepted=RUNTIMES_BY_CLASS[cls]))
            rt_row[rows] = speed.default_runtime(cls)
    rt = rt_row

    # model kind and context
    tok = m["token_model"]
    for r in np.nonzero(~tok & (err == ""))[0]:
        err[r] = str(VentureLabError("model", "is a per-input vision model: use estimate_vision "
                                     "(latency per image)", got=models[mi[r]].id))
    ctx = P + O
    # Beyond the trained context the model still runs (RoPE extrapolates, quality degrades): the
    # estimate is computed and flagged, not refused.
    within_context = ~((m["context"] > 0) & (ctx > m["context"]) & tok)

    # hardware arrays
    def hcol(attr):
        return np.array([float(getattr(h, attr) or 0.0) for h in hws])[hi]
    hsel = lambda values: np.asarray(values)[hi]
    bw = hcol("memory_bandwidth_gb_s") * 1e9
    usable = hcol("usable_memory_gb") * 1e9
    tdp = hcol("tdp_w")
    ic = hcol("interconnect_gb_s") * 1e9
    battery = hsel([float(h.battery_wh) if h.battery_wh else np.nan for h in hws])
    in_datacenter = hsel([h.category == "datacenter-gpu" for h in hws])
    fp8_cap = hsel(["fp8" in h.compute_formats for h in hws])
    fp4_cap = hsel(["nvfp4" in h.compute_formats or "mxfp4" in h.compute_formats for h in hws])
    cat_price = hsel([float(h.usd_per_hour) if h.usd_per_hour else np.nan for h in hws])
    overhead_gb = hsel([RUNTIME_OVERHEAD_GB[h.hw_class] for h in hws])

    # ---- MoE split: routed experts vs the rest.  MXFP4 checkpoints quantise only the routed experts
    # (attention, router, embeddings stay bf16: OpenAI gpt-oss model card), so that rule is applied.
    experts, k = m["experts"], m["experts_per_token"]
    moe = experts > 0
    e_size = expert_params(m)
    expert_only = expert_only_format(w_ids, moe)

    # ---- memory (whole replica; TP shards weights and KV over N devices, overhead is per device)
    w_bytes = split_weight_bytes(m["params"] - experts * e_size, experts * e_size, bits, expert_only)
    kv_bytes = kv_cache_bytes(m, ctx, B, kv_bits)
    acts = working_memory_bytes(m, B, np.maximum(P, 1.0), act_bytes, 0.0)
    working = acts + overhead_gb * 1e9 * N
    total = w_bytes + kv_bytes + working
    per_device = (w_bytes + kv_bytes + acts) / N + overhead_gb * 1e9
    fits = per_device <= usable
    room = usable - overhead_gb * 1e9
    need = np.where(room > 0, np.ceil((w_bytes + kv_bytes + acts) / np.maximum(room, 1.0)), np.inf)
    pow2 = 2.0 ** np.ceil(np.log2(np.maximum(need, 1.0)))
    devices_needed = np.where(need <= 8, pow2, np.ceil(need / 8.0) * 8.0)
    per_seq = kv_cache_bytes(m, ctx, 1.0, kv_bits) + working_memory_bytes(m, 1.0, np.maximum(P, 1.0), act_bytes, 0.0)
    max_batch = np.floor(np.maximum(room * N - w_bytes, 0.0) / np.maximum(per_seq, 1.0))

    # ---- work
    mm_params = matmul_params(m)
    shared = np.maximum(mm_params - k * e_size, 0.0)      # non-expert matmul weights (dense: all of them)

    def touched(tokens):   # expected distinct experts hit by `tokens` routed tokens (uniform routing)
        return experts * (1.0 - (1.0 - k / np.maximum(experts, 1.0)) ** np.maximum(tokens, 1.0))
    read_w_decode = split_weight_bytes(shared, touched(B) * e_size, bits, expert_only)
    read_w_prefill = split_weight_bytes(shared, touched(B * P) * e_size, bits, expert_only)
    kv_read = kv_values_per_token_per_layer(m) * mean_cached_token_layers(m, P, P + np.maximum(O, 1.0)) * kv_bits / 8.0
    pf = prefill_flops(m, P, B)
    df = decode_flops_per_token(m, P, O)

    # ---- tensor parallel: N devices' bandwidth and peaks, plus 2 all-reduces per layer
    sp = speed.predict(hw_class, rt, w_ids, prefill_flops=pf, decode_flops_per_token=df,
                       weight_bytes=read_w_decode, kv_bytes_read_per_token=kv_read,
                       bandwidth_bytes_s=bw * N, batch=B, layers=np.maximum(m["layers"], 1.0),
                       peak_fp32=hcol("peak_tflops_fp32") * 1e12 * N, peak_fp16=hcol("peak_tflops_fp16") * 1e12 * N,
                       peak_int8=hcol("peak_tops_int8") * 1e12 * N, fp8_capable=fp8_cap,
                       peak_int4=hcol("peak_tops_int4") * 1e12 * N, fp4_capable=fp4_cap, factors=factors)
    ring = np.where(N > 1, 2.0 * (N - 1.0) / N, 0.0)
    comm_decode = np.where(N > 1, 2.0 * m["layers"] * (ring * B * m["hidden"] * 2.0 / ic + ALLREDUCE_LATENCY_S), 0.0)
    comm_prefill = np.where((N > 1) & (P > 0),
                            2.0 * m["layers"] * (ring * B * P * m["hidden"] * 2.0 / ic + ALLREDUCE_LATENCY_S), 0.0)
    # MoE prefill reads (nearly) every expert: add the extra weight bytes beyond the decode set
    extra_prefill = np.where(moe & (P > 0), (read_w_prefill - read_w_decode)
                             / (bw * N * np.maximum(sp["eff_bw"], 1e-3)), 0.0)
    t_pf = {s: sp[f"prefill_s{s}"] + comm_prefill + extra_prefill for s in ("", "_low", "_high")}
    t_dec = {s: sp[f"decode_s_per_token{s}"] + comm_decode for s in ("", "_low", "_high")}

    has_p, has_o = P > 0, O > 0
    out = {"error": err}
    nan = np.nan
    for s, inv_s in (("", ""), ("_low", "_high"), ("_high", "_low")):
        out[f"prefill_tokens_per_s{s}"] = np.where(has_p, B * P / np.maximum(t_pf[inv_s], 1e-30), nan)
        out[f"ttft_ms{s}"] = np.where(has_p, 1000.0 * t_pf[s], nan)
        out[f"decode_tokens_per_s{s}"] = np.where(has_o, 1.0 / t_dec[inv_s], nan)
        out[f"throughput_tokens_per_s{s}"] = np.where(has_o, B / t_dec[inv_s], nan)
        out[f"tpot_ms{s}"] = np.where(has_o, 1000.0 * t_dec[s], nan)

    # ---- money and energy, per output token, at utilisation, prefill included
    from scenarios.engine.prices import operating_assumptions
    ops = operating_assumptions()
    price = np.where(np.isnan(num["price_per_hour"]), cat_price, num["price_per_hour"])
    pue = np.where(in_datacenter, ops["pue"].expected, 1.0)   # desks, laptops, boards, phones: no facility
    idle = ops["idle_power_fraction"].expected if "idle_power_fraction" in ops else 0.2
    tokens_out = B * O
    for s in ("", "_low", "_high"):
        busy_s = t_pf[s] + O * t_dec[s]
        dev_hours = N * busy_s / 3600.0 / util
        out[f"usd_per_million_tokens{s}"] = np.where(has_o & np.isfinite(price),
                                                     price * dev_hours / np.maximum(tokens_out, 1) * 1e6, nan)
        energy = tdp * N * busy_s * (1.0 + idle * (1.0 - util) / util) * pue
        out[f"energy_j_per_token{s}"] = np.where(has_o, energy / np.maximum(tokens_out, 1), nan)
        busy_energy = tdp * N * busy_s
        out[f"battery_pct_per_1k_tokens{s}"] = np.where(
            has_o & np.isfinite(battery), busy_energy / np.maximum(tokens_out, 1) * 1000.0
            / (battery * 3600.0) * 100.0, nan)
    out["electricity_usd_per_million_tokens"] = out["energy_j_per_token"] * 1e6 / 3.6e6 \
        * ops["electricity_usd_per_kwh"].expected
    out["co2_g_per_million_tokens"] = out["energy_j_per_token"] * 1e6 / 3.6e6 \
        * ops["grid_kg_co2_per_kwh"].expected * 1000.0

    # ---- roofline
    step_bytes = read_w_decode + B * kv_read
    out["arithmetic_intensity"] = B * df / np.maximum(step_bytes, 1.0)
    out["arithmetic_intensity_prefill"] = np.where(has_p, pf / np.maximum(read_w_prefill
                                                                           + kv_bytes, 1.0), nan)
    out["ridge_point"] = sp["peak_flops_used"] / (bw * N)
    out["bound_prefill"] = np.where(has_p, np.where(sp["prefill_compute_bound"], "compute", "bandwidth"), None)
    out["bound_decode"] = np.where(has_o, np.where(sp["decode_compute_bound"], "compute", "bandwidth"), None)

    gb = 1e9
    out.update({
        "weights_gb": w_bytes / gb, "kv_cache_gb": kv_bytes / gb, "working_memory_gb": working / gb,
        "total_memory_gb": total / gb, "memory_per_device_gb": per_device / gb, "usable_memory_gb": usable / gb,
        "fits": fits, "within_context": within_context, "devices_needed": np.where(np.isfinite(devices_needed), devices_needed, 1e6),
        "max_batch": max_batch,
        "prefill_flops": pf, "decode_flops_per_token": df, "weight_bytes_per_step": read_w_decode,
        "kv_bytes_per_token_read": kv_read, "comm_s_per_step": comm_decode,
        "eff_bw": sp["eff_bw"], "eff_compute": sp["eff_compute"], "calibrated": sp["calibrated"],
        "basis": sp["basis"], "price_per_hour_used": price, "pue_used": pue,
        # resolved inputs
        "model": np.where(bad_m, _obj_array([str(x) for x in m_items])[mi], _obj_array([x.id for x in models])[mi]),
        "hardware": np.where(bad_h, _obj_array([str(x) for x in h_items])[hi], _obj_array([x.id for x in hws])[hi]),
        "hw_class": hw_class,
        "hardware_obj": _obj_array(hws)[hi],
        "model_obj": _obj_array(models)[mi],
        "weights": w_ids, "kv_cache": kv_ids, "runtime": rt,
        "batch": B, "prompt_tokens": P, "output_tokens": O, "devices": N, "utilisation": util,
        "price_per_hour": num["price_per_hour"],
    })
    bad = err != ""
    if bad.any():
        for key, val in out.items():
            if key in ("error", "model", "hardware", "weights", "kv_cache", "runtime", "hw_class", "hardware_obj",
                       "model_obj"):
                continue
            if val.dtype == object:
                out[key] = np.where(bad, None, val)
            elif val.dtype == bool:
                out[key] = np.where(bad, False, val)
            else:
                out[key] = np.where(bad, np.nan, val)
    return out
