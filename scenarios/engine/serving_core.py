"""The one vectorised serving core: arrays of requests in, :class:`ServingColumns` out.

``estimate_inference`` (one request), ``estimate_inference_table`` (a DataFrame), the CLI's
``--from-csv``, the app and bench/engine.py all call :func:`serving_arrays`.  Bad rows do not raise:
they carry their :class:`~scenarios.errors.VentureLabError` in the ``error`` column and NaN outputs,
and every other row still runs.

The work is a pipeline of short stages, each reading the typed results of the ones before:

    resolve inputs (serving_inputs.py) -> memory -> work -> times -> money -> roofline

Time comes from :func:`scenarios.engine.speed.predict` (roofline with fitted efficiency factors); this
module supplies the work (FLOPs, bytes of weights and KV cache), the memory, and turns times into
tokens/s, $, joules and battery.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from scenarios.engine import batching, replica_split, speculative, speed
from scenarios.engine.compute_paths import QNN_CONTEXT_TOKENS
from scenarios.engine.estimate import BAND_SUFFIXES, RECORD_COLUMNS, ServingColumns
from scenarios.engine.flops import decode_flops_per_token, prefill_flops
from scenarios.engine.memory import (
    kv_cache_bytes,
    kv_values_per_token_per_layer,
    mean_cached_token_layers,
    split_weight_bytes,
    working_memory_bytes,
)
from scenarios.engine.serving_inputs import ResolvedRequests, resolve_requests

# NCCL all-reduce latency per call on one node (ASSUMED ~10 us small-message latency; NVIDIA NCCL
# tests report 5-20 us on NVLink/PCIe).  Tensor parallel does 2 all-reduces per layer (Megatron-LM,
# Shoeybi et al. 2019 s3).
ALLREDUCE_LATENCY_S = 10e-6
# Columns left as they are on error rows: they say which request the row was.
_KEPT_ON_ERROR = ("error", "model", "hardware", "weights", "kv_cache", "runtime", *RECORD_COLUMNS)


@dataclass(frozen=True)
class Memory:
    """What one replica holds (bytes), and whether and how it fits."""

    weights: np.ndarray            # the stored checkpoint, every parameter once
    kv_cache: np.ndarray           # batch x (prompt + output) tokens
    activations: np.ndarray        # one forward's peak activations + logits
    working: np.ndarray            # activations + runtime overhead on every device
    per_device: np.ndarray         # tensor parallel shards weights, KV and activations over N
    fits: np.ndarray
    devices_needed: np.ndarray     # inf where even an empty device has no room
    max_batch: np.ndarray
    within_context: np.ndarray


@dataclass(frozen=True)
class Work:
    """What the roofline charges: FLOPs and the bytes each step reads."""

    prefill_flops: np.ndarray              # whole prefill of the batch
    decode_flops_per_token: np.ndarray     # one token of one sequence, mean context
    weight_bytes_per_step: np.ndarray      # weights one decode step of the batch reads
    weight_bytes_prefill: np.ndarray       # weights the prefill reads (MoE: nearly every expert)
    kv_bytes_per_token_read: np.ndarray    # KV one sequence reads per decode step, mean context


@dataclass(frozen=True)
class Times:
    """Seconds per prefill and per decode step, expected / low / high (in BAND_SUFFIXES order)."""

    prediction: speed.SpeedPrediction      # the roofline on the N devices, before communication
    comm_s_per_step: np.ndarray            # the split's communication of one decode step
    prefill_s: tuple[np.ndarray, np.ndarray, np.ndarray]
    decode_s: tuple[np.ndarray, np.ndarray, np.ndarray]
    spec_multiplier: np.ndarray            # decode time per token with speculation / without (1: none)


def held_weight_bytes(r: ResolvedRequests) -> tuple[np.ndarray, np.ndarray]:
    """Weight bytes one replica holds: the model at its true bits plus a speculative draft's, and
    the extra copies expert parallel keeps of the shared weights on every device (replica_split.py)."""
    m = r.m
    weights = split_weight_bytes(m.params - m.experts * r.expert_params, m.experts * r.expert_params,
                                 r.bits, r.expert_only) + r.spec.draft_params * r.bits / 8.0
    copies = np.where(replica_split.expert_rows(r), (r.devices - 1.0) * replica_split.shared_weight_bytes(r), 0.0)
    return weights, copies


def memory_stage(r: ResolvedRequests) -> Memory:
    """Weights at their true bits, KV by attention type, working memory; fit per device."""
    m, B, P, N = r.m, r.batch, r.prompt_tokens, r.devices
    ctx = P + r.output_tokens
    weights, copies = held_weight_bytes(r)
    kv = kv_cache_bytes(m, ctx, B, r.kv_bits)
    acts = working_memory_bytes(m, B, np.maximum(P, 1.0), r.act_bytes, 0.0)
    overhead = r.hw.overhead_gb * 1e9
    room = r.hw.usable_bytes - overhead
    need = np.where(room > 0, np.ceil((weights + kv + acts) / np.maximum(room, 1.0)), np.inf)
    # whole nodes: 1, 2, 4 or 8 devices, then multiples of 8
    pow2 = 2.0 ** np.ceil(np.log2(np.maximum(need, 1.0)))
    per_seq = kv_cache_bytes(m, ctx, 1.0, r.kv_bits) + working_memory_bytes(m, 1.0, np.maximum(P, 1.0),
                                                                             r.act_bytes, 0.0)
    per_device = (weights + copies + kv + acts) / N + overhead
    return Memory(
        weights=weights, kv_cache=kv, activations=acts, working=acts + overhead * N, per_device=per_device,
        fits=per_device <= r.hw.usable_bytes,
        devices_needed=np.where(need <= 8, pow2, np.ceil(need / 8.0) * 8.0),
        max_batch=np.floor(np.maximum(room * N - weights - copies, 0.0) / np.maximum(per_seq, 1.0)),
        # Beyond the trained context the model still runs (RoPE extrapolates, quality degrades): the
        # estimate is computed and flagged, not refused.
        within_context=~((m.context > 0) & (ctx > m.context) & m.token_model))


def work_stage(r: ResolvedRequests) -> Work:
    """FLOPs and bytes read.  MoE: the shared weights plus the experts a step touches."""
    m, B, P = r.m, r.batch, r.prompt_tokens
    stop = P + np.maximum(r.output_tokens, 1.0)
    token_layers = mean_cached_token_layers(m, P, stop)
    # QNN: every decode step reads the KV of its static window (compute_paths.QNN_CONTEXT_TOKENS)
    window = np.maximum(QNN_CONTEXT_TOKENS, stop)
    token_layers = np.where(r.runtime == "qnn", mean_cached_token_layers(m, window - 1.0, window), token_layers)
    kv_read = kv_values_per_token_per_layer(m) * token_layers * r.kv_bits / 8.0
    cached = 1.0 - r.prefix_cache_hit          # prompt tokens found in the prefix cache are not prefilled
    return Work(
        prefill_flops=prefill_flops(m, P, B) * cached,
        decode_flops_per_token=decode_flops_per_token(m, P, r.output_tokens),
        weight_bytes_per_step=replica_split.step_weight_bytes(r, B),
        weight_bytes_prefill=replica_split.step_weight_bytes(r, B * P * cached),
        kv_bytes_per_token_read=kv_read)


def _roofline(r: ResolvedRequests, w: Work, v: replica_split.DeviceView, decode_flops, factors):
    hw, N = r.hw, replica_split.compute_devices(r)
    return speed.predict(r.hw_class, r.runtime, r.weights, prefill_flops=v.prefill_flops,
                         decode_flops_per_token=decode_flops, weight_bytes=v.weight_bytes,
                         kv_bytes_read_per_token=w.kv_bytes_per_token_read, bandwidth_bytes_s=hw.bandwidth_bytes_s * N,
                         batch=v.batch, layers=np.maximum(r.m.layers, 1.0), peak_fp32=hw.peak_fp32 * N,
                         peak_fp16=hw.peak_fp16 * N, peak_int8=hw.peak_int8 * N, fp8_capable=hw.fp8_capable,
                         peak_int4=hw.peak_int4 * N, fp4_capable=hw.fp4_capable, factors=factors)


def times_stage(r: ResolvedRequests, w: Work, factors=None) -> Times:
    """Roofline times of the busiest device set under each row's split, plus the split's
    communication (scenarios/engine/replica_split.py: tensor parallel's all-reduces, the layer /
    pipeline hand-offs, expert parallel's all-to-all) and MoE prefill's extra expert reads; with
    speculative decoding each decode step's time x the speculative multiplier
    (scenarios/engine/speculative.py).  A cached prompt prefix is neither computed nor sent."""
    m, P, hw = r.m, r.prompt_tokens, r.hw
    N = replica_split.compute_devices(r)
    v = replica_split.device_view(r, w)
    sp = _roofline(r, w, v, w.decode_flops_per_token, factors)
    comm_decode, comm_prefill = replica_split.comm_s(r, v, P * (1.0 - r.prefix_cache_hit), ALLREDUCE_LATENCY_S)
    comm_prefill = np.where(P > 0, comm_prefill, 0.0)
    moe = m.experts > 0
    extra_prefill = np.where(moe & (P > 0), (v.weight_bytes_prefill - v.weight_bytes)
                             / (hw.bandwidth_bytes_s * N * np.maximum(sp.eff_bw, 1e-3)), 0.0)
    prefill = tuple(t + comm_prefill + extra_prefill for t in (sp.prefill_s, sp.prefill_s_low, sp.prefill_s_high))
    decode = tuple(t + comm_decode for t in (sp.decode_s_per_token, sp.decode_s_per_token_low,
                                             sp.decode_s_per_token_high))
    mult = np.ones_like(decode[0])
    if speculative.any_speculation(r):
        verify = _roofline(r, w, v, speculative.verify_work(r, w).decode_flops_per_token, factors)
        mult = speculative.time_per_token_multiplier(r.spec, decode[0], verify.decode_s_per_token + comm_decode)
        decode = tuple(t * mult for t in decode)
    return Times(prediction=sp, comm_s_per_step=comm_decode, prefill_s=prefill, decode_s=decode, spec_multiplier=mult)


def steady_stage(r: ResolvedRequests, w: Work, factors=None) -> tuple[batching.SteadyState, np.ndarray]:
    """Continuous batching under each row's split, on the prompt tokens the prefix cache leaves,
    with speculation's multiplier at that concurrency (returned too: 1 without speculation)."""
    rp = replace(r, prompt_tokens=r.prompt_tokens * (1.0 - r.prefix_cache_hit)) if r.prefix_cache_hit.any() else r
    ss = replica_split.steady_state(rp, w, factors, ALLREDUCE_LATENCY_S)
    if speculative.any_speculation(r):
        verify = replica_split.steady_state(rp, speculative.verify_work(r, w), factors, ALLREDUCE_LATENCY_S)
        return speculative.apply_to_steady(r, ss, verify)
    return ss, np.ones_like(r.batch)


def speed_columns(r: ResolvedRequests, t: Times, b: batching.SteadyState) -> dict[str, np.ndarray]:
    """Tokens/s and latencies (NaN without a prompt / without output); a speed's low end comes
    from the time's high end.  Batch 1 is one request alone; batch > 1 is the steady state of
    continuous batching at that concurrency (scenarios/engine/batching.py, ARCHITECTURE 4.3), or
    static batches (prefill of the batch, then its decode) on runtimes without it."""
    B, P, O = r.batch, r.prompt_tokens, r.output_tokens
    has_p, has_o = P > 0, O > 0
    one, cont = B <= 1, b.continuous
    out = {}
    for i, (s, inv) in enumerate(zip(BAND_SUFFIXES, (0, 2, 1))):
        static_thr = B * O / np.maximum(t.prefill_s[inv] + O * t.decode_s[inv], 1e-30)
        thr = np.where(one, B / t.decode_s[inv], np.where(cont, b.throughput_tokens_per_s[i], static_thr))
        ttft = np.where(one | ~cont, t.prefill_s[i], b.ttft_s[i])
        tpot = np.where(one | ~cont, t.decode_s[i], b.step_s[i])
        out[f"prefill_tokens_per_s{s}"] = np.where(has_p, B * P / np.maximum(t.prefill_s[inv], 1e-30), np.nan)
        out[f"ttft_ms{s}"] = np.where(has_p, 1000.0 * ttft, np.nan)
        out[f"decode_tokens_per_s{s}"] = np.where(has_o, 1.0 / t.decode_s[inv], np.nan)
        out[f"throughput_tokens_per_s{s}"] = np.where(has_o, thr, np.nan)
        out[f"tpot_ms{s}"] = np.where(has_o, 1000.0 * tpot, np.nan)
    return out


def money_columns(r: ResolvedRequests, t: Times, speeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """$, energy and battery per output token at the utilisation, the prefill included.

    Paid device-hours are busy time / utilisation; energy adds the idle draw of the unpaid share and
    the facility overhead (PUE) in a datacenter (scenarios/engine/prices.py operating assumptions).
    At batch > 1 the busy time per output token is 1 / the steady-state throughput.
    """
    from scenarios.engine.prices import operating_assumptions
    ops = operating_assumptions()
    B, O, N, util, hw = r.batch, r.output_tokens, r.devices, r.utilisation, r.hw
    has_o, tokens_out = O > 0, np.maximum(B * O, 1)
    price = np.where(np.isnan(r.price_per_hour), hw.catalog_usd_per_hour, r.price_per_hour)
    pue = np.where(hw.in_datacenter, ops["pue"].expected, 1.0)   # desks, laptops, boards, phones: no facility
    idle = ops["idle_power_fraction"].expected if "idle_power_fraction" in ops else 0.2
    out = {"price_per_hour_used": price, "pue_used": pue}
    for i, s in enumerate(BAND_SUFFIXES):
        busy_s = np.where(B <= 1, t.prefill_s[i] + O * t.decode_s[i],
                          tokens_out / speeds[f"throughput_tokens_per_s{BAND_SUFFIXES[(0, 2, 1)[i]]}"])
        dev_hours = N * busy_s / 3600.0 / util
        out[f"usd_per_million_tokens{s}"] = np.where(has_o & np.isfinite(price), price * dev_hours / tokens_out * 1e6,
                                                     np.nan)
        energy = hw.tdp_w * N * busy_s * (1.0 + idle * (1.0 - util) / util) * pue
        out[f"energy_j_per_token{s}"] = np.where(has_o, energy / tokens_out, np.nan)
        battery_share = hw.tdp_w * N * busy_s / tokens_out * 1000.0 / (hw.battery_wh * 3600.0) * 100.0
        out[f"battery_pct_per_1k_tokens{s}"] = np.where(has_o & np.isfinite(hw.battery_wh), battery_share, np.nan)
    kwh_per_million = out["energy_j_per_token"] * 1e6 / 3.6e6
    out["electricity_usd_per_million_tokens"] = kwh_per_million * ops["electricity_usd_per_kwh"].expected
    out["co2_g_per_million_tokens"] = kwh_per_million * ops["grid_kg_co2_per_kwh"].expected * 1000.0
    return out


def roofline_columns(r: ResolvedRequests, mem: Memory, w: Work, t: Times) -> dict[str, np.ndarray]:
    """Where the workload sits against the device's ridge point, and which limit binds."""
    has_p, has_o = r.prompt_tokens > 0, r.output_tokens > 0
    step_bytes = w.weight_bytes_per_step + r.batch * w.kv_bytes_per_token_read
    prefill_bytes = w.weight_bytes_prefill + mem.kv_cache
    return {
        "arithmetic_intensity": r.batch * w.decode_flops_per_token / np.maximum(step_bytes, 1.0),
        "arithmetic_intensity_prefill": np.where(has_p, w.prefill_flops / np.maximum(prefill_bytes, 1.0), np.nan),
        "ridge_point": t.prediction.peak_flops_used / (r.hw.bandwidth_bytes_s * replica_split.compute_devices(r)),
        "bound_prefill": np.where(has_p, np.where(t.prediction.prefill_compute_bound, "compute", "bandwidth"), None),
        "bound_decode": np.where(has_o, np.where(t.prediction.decode_compute_bound, "compute", "bandwidth"), None),
    }


def memory_columns(r: ResolvedRequests, mem: Memory) -> dict[str, np.ndarray]:
    """The memory stage in GB (1e9 bytes), as the output fields name it."""
    gb = 1e9
    return {
        "weights_gb": mem.weights / gb, "kv_cache_gb": mem.kv_cache / gb, "working_memory_gb": mem.working / gb,
        "total_memory_gb": (mem.weights + mem.kv_cache + mem.working) / gb,
        "memory_per_device_gb": mem.per_device / gb, "usable_memory_gb": r.hw.usable_bytes / gb,
        "fits": mem.fits, "within_context": mem.within_context,
        # no device of this kind has room even for the runtime: an unreachable count, stated as 1e6
        "devices_needed": np.where(np.isfinite(mem.devices_needed), mem.devices_needed, 1e6),
        "max_batch": mem.max_batch,
    }


def _blank_error_rows(columns: dict[str, np.ndarray], bad: np.ndarray) -> dict[str, np.ndarray]:
    """Error rows show no figures: None, False or NaN by the column's type."""
    if not bad.any():
        return columns
    out = {}
    for key, val in columns.items():
        if key in _KEPT_ON_ERROR:
            out[key] = val
        elif val.dtype == object:
            out[key] = np.where(bad, None, val)
        elif val.dtype == bool:
            out[key] = np.where(bad, False, val)
        else:
            out[key] = np.where(bad, np.nan, val)
    return out


def serving_arrays(model, hardware, weights=None, kv_cache=None, runtime=None, batch=1, prompt_tokens=512,
                   output_tokens=128, devices=1, price_per_hour=None, utilisation=0.5,
                   factors=None, row_errors=None, parallel=None, prefix_cache_hit=None, speculative=None,
                   spec_acceptance=None) -> ServingColumns:
    """Serving estimates for many requests at once (each argument a scalar, a 1-D sequence or an
    :class:`~scenarios.engine.serving_inputs.Indexed`).

    ``model`` / ``hardware`` are ids, paths, or ModelSpec / Hardware objects.  ``weights=None``
    means fp16, or bf16 where the device has no fp16 path; ``kv_cache=None`` the weights'
    activation dtype; ``runtime=None`` the usual one for the hardware class; ``price_per_hour=None``
    the catalog rental price (median of listings) where there is one.

    Returns :class:`ServingColumns`: one array per output field (NaN where not meaningful), the
    resolved inputs, and ``error`` (a VentureLabError per bad row, None for good rows).
    ``row_errors`` lets a caller mark rows it already found bad (e.g. an unparsable cell) with
    their VentureLabError.  ``parallel`` (tp, pp, layer, ep; None: the runtime's default),
    ``prefix_cache_hit`` (0-1), ``speculative`` (none, eagle, mtp, draft:MODEL_ID) and
    ``spec_acceptance`` (0-1; None: the method's published figure) are ARCHITECTURE 4.3's options.
    """
    r = resolve_requests(model, hardware, weights, kv_cache, runtime, batch, prompt_tokens, output_tokens,
                         devices, price_per_hour, utilisation, row_errors, parallel, prefix_cache_hit, speculative,
                         spec_acceptance)
    mem = memory_stage(r)
    w = work_stage(r)
    t = times_stage(r, w, factors)
    steady, steady_mult = steady_stage(r, w, factors)
    speeds = speed_columns(r, t, steady)
    spec_mult = np.where((r.batch > 1) & steady.continuous, steady_mult, t.spec_multiplier)
    columns = {
        "model": r.model_id, "hardware": r.hardware_id, "weights": r.weights, "kv_cache": r.kv_cache,
        "runtime": r.runtime, "batch": r.batch, "prompt_tokens": r.prompt_tokens, "output_tokens": r.output_tokens,
        "devices": r.devices, "price_per_hour": r.price_per_hour, "utilisation": r.utilisation,
        "parallel": r.parallel, "prefix_cache_hit": r.prefix_cache_hit, "speculative": r.spec.method,
        "spec_acceptance": r.spec.acceptance, "spec_draft_tokens": r.spec.draft_tokens,
        "spec_draft_cost": r.spec.draft_cost, "spec_speedup": 1.0 / spec_mult,
        "hw_class": r.hw_class, "hardware_obj": r.hardware_obj, "model_obj": r.model_obj, "error": r.error,
        **memory_columns(r, mem), **speeds, **money_columns(r, t, speeds),
        **roofline_columns(r, mem, w, t),
        "prefill_flops": w.prefill_flops, "decode_flops_per_token": w.decode_flops_per_token,
        "weight_bytes_per_step": w.weight_bytes_per_step, "kv_bytes_per_token_read": w.kv_bytes_per_token_read,
        "comm_s_per_step": t.comm_s_per_step, "eff_bw": t.prediction.eff_bw, "eff_compute": t.prediction.eff_compute,
        "calibrated": t.prediction.calibrated, "basis": t.prediction.basis,
    }
    return ServingColumns(**_blank_error_rows(columns, r.bad))
