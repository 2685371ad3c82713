"""Speed model: turns work (FLOPs, bytes) into time, vectorised over numpy arrays.

Roofline with efficiency factors (Williams, Waterman & Patterson 2009, "Roofline: an insightful
visual performance model", CACM 52(4)); applied to LLM serving as in Pope et al. 2022,
"Efficiently Scaling Transformer Inference" (arXiv:2211.05102), section 2:

* prefill is compute-bound: ``t = max(F / (peak * e_c * f_c), W / (bw * e_bw * f_bw)) + L * t_layer``
* one decode step for a batch of ``B`` sequences reads the weights once and each sequence's KV
  cache once: ``t = max(W / (bw * e_bw * f_bw) + B * K / (bw * e_bw), B * f / (peak * e_c * f_c))
  + L * t_layer``; it is bandwidth-bound at small B and turns compute-bound as B grows.  On a CPU
  class a quantised step also dequantises every weight once on the vector units:
  ``t >= W / (peak_fp32 * e_c[decode group] * f_dq)`` (:func:`dequant_s`).

``e_bw``, ``e_c`` and the per-layer, per-forward overhead ``t_layer`` (kernel launches and
synchronisation: visible as the gap between tg128 and bytes/bandwidth on fast devices) belong to a
*group* = (hardware class, runtime). ``f_bw`` and ``f_c`` depend only on the weight format's
family (float / 8-bit / 4-bit): the dequantisation cost. All of them are fitted by
``python -m scenarios.calibration fit`` and read from ``data/fitted_factors.json`` (plain JSON:
this module never imports scipy). A (class, runtime) pair without calibration rows takes the
nearest calibrated group's factors and a wider band, and says so in ``basis`` / ``calibrated``.
Which group a row uses is the group lookup (scenarios/engine/groups.py); the times are the
roofline (:func:`roofline`); :func:`predict` runs one after the other.

Everything here is arrays in, arrays out: the engine calls :func:`predict` once for a whole sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

# The speed model's public names: the group lookup lives in scenarios/engine/groups.py, the
# roofline and the training MFU here; callers reach the whole model as ``speed.<name>``.
from scenarios.engine.groups import (
    CPU_SIMD_CLASSES,
    DEFAULT_FACTORS,
    FAMILIES,
    FORMAT_FAMILY,
    HW_CLASSES,
    NEAREST_CLASS,
    NEAREST_RUNTIME,
    RUNTIMES,
    GroupFactors,
    default_runtime,
    group_runtime,
    load_factors,
    lookup_groups,
    peak_path,
    resolve_group,
)
from scenarios.errors import VentureLabError

__all__ = ["DEFAULT_FACTORS", "FAMILIES", "FORMAT_FAMILY", "HW_CLASSES", "NEAREST_CLASS", "NEAREST_RUNTIME",
           "RUNTIMES", "GroupFactors", "CPU_SIMD_CLASSES", "default_runtime", "group_runtime", "load_factors",
           "lookup_groups", "peak_path",
           "resolve_group", "select_peak_flops", "SpeedPrediction", "roofline", "dequant_s", "predict", "hw_generation",
           "mfu_for", "mfu_log_terms", "PRECISIONS", "MfuPrediction", "DEFAULT_MFU", "GENERATION_FALLBACK", "ASSUMED_RIDGE_FLOP_PER_BYTE"]


# Assumed ridge point (FLOP per byte) when a device has no peak figure at all (e.g. a custom
# device file with bandwidth only): a labelled assumption, flagged in `basis`.
ASSUMED_RIDGE_FLOP_PER_BYTE = 20.0


def select_peak_flops(path, peak_fp32, peak_fp16, peak_int8, fp8_capable=False, peak_int4=None,
                      fp4_capable=False):
    """Peak ops/s for each row's path, falling back fp4 -> fp8 -> int8 -> fp16 -> fp32 where a figure
    is missing (NaN). FP8 needs ``fp8_capable`` (else the fp16 peak: weight-only 8-bit); FP4 needs
    ``fp4_capable`` for the int4 column, else it runs as FP8 where that exists."""
    path = np.asarray(path)
    n = path.shape[0]
    f32 = _arr(peak_fp32, n)
    f16 = _arr(peak_fp16, n)
    i8 = _arr(peak_int8, n)
    i4 = _arr(peak_int4, n)
    fp8 = np.broadcast_to(np.asarray(fp8_capable, dtype=bool), (n,))
    fp4 = np.broadcast_to(np.asarray(fp4_capable, dtype=bool), (n,))
    f16_or = np.where(np.isfinite(f16) & (f16 > 0), f16, f32)
    i8_or = np.where(np.isfinite(i8) & (i8 > 0), i8, f16_or)
    i4_or = np.where(np.isfinite(i4) & (i4 > 0), i4, i8_or)
    # FP8 tensor rate with FP32 accumulation (what TensorRT-LLM / vLLM / cuBLASLt FP8 GEMMs use) is
    # twice the 16-bit tensor rate with FP32 accumulation, which is the catalog's fp16 column.  On
    # datacenter parts that equals the int8 column (H100 989.5 -> 1979, L4 121 -> 242.5, B200, MI300X);
    # on GeForce Ada it is HALF the int8 / FP8-with-FP16-accumulate figure: RTX 4090 FP8 330.3 dense
    # with FP32 accumulate vs 660.6 with FP16 accumulate (NVIDIA Ada Lovelace architecture whitepaper
    # v2.1, Appendix A).  So the FP8 peak is 2 x the fp16 column where that is clearly (> 5 %) below
    # the 8-bit column, else the 8-bit column (datasheet rounding: L40S 362 x 2 = 724 vs 733).
    half_rate = np.isfinite(f16) & (f16 > 0) & (2.0 * f16_or < 0.95 * i8_or)
    fp8_peak = np.where(half_rate, 2.0 * f16_or, i8_or)
    out = np.where(path == "fp32", f32, f16_or)
    out = np.where(path == "int8", i8_or, out)
    # the 16-bit tensor rate with FP16 accumulate (llama.cpp CUDA, groups.py): 2 x the fp16 column
    # where that column is the half-rate FP32-accumulate figure (GeForce), else the fp16 column
    out = np.where(path == "fp16_acc16", np.where(half_rate, 2.0 * f16_or, f16_or), out)
    out = np.where(path == "fp8", np.where(fp8, fp8_peak, f16_or), out)
    out = np.where(path == "fp4", np.where(fp4, i4_or, np.where(fp8, fp8_peak, f16_or)), out)
    # fp32 rows whose fp32 figure is missing use the fp16 one
    out = np.where(np.isfinite(out) & (out > 0), out, f16_or)
    return out


def _arr(x, n: int) -> np.ndarray:
    if x is None:
        return np.full(n, np.nan)
    a = np.asarray(x, dtype=float)
    return np.broadcast_to(a, (n,)).astype(float, copy=False)


# ---------------------------------------------------------------------------------------------
# Roofline: times from work, peaks and the groups' factors.
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpeedPrediction:
    """Prefill and decode times for many rows, with their bands and what bound them."""

    prefill_s: np.ndarray                   # whole prefill of the batch
    prefill_s_low: np.ndarray
    prefill_s_high: np.ndarray
    decode_s_per_token: np.ndarray          # one decode step of the batch (each sequence one token)
    decode_s_per_token_low: np.ndarray
    decode_s_per_token_high: np.ndarray
    prefill_compute_bound: np.ndarray
    decode_compute_bound: np.ndarray
    peak_flops_used: np.ndarray
    eff_bw: np.ndarray                      # e_bw x f_bw
    eff_compute: np.ndarray                 # e_c x f_c
    overhead_s: np.ndarray                  # layers x t_layer per forward
    calibrated_decode: np.ndarray
    calibrated_prefill: np.ndarray
    calibrated: np.ndarray                  # both calibrated and the device has a peak figure
    basis: np.ndarray


@dataclass(frozen=True)
class _Work:
    prefill_flops: np.ndarray
    decode_flops_per_token: np.ndarray
    weight_bytes: np.ndarray
    kv_bytes_read_per_token: np.ndarray
    bandwidth_bytes_s: np.ndarray
    batch: np.ndarray
    layers: np.ndarray


def _work(n_strings: int, **arrays) -> _Work:
    """The work arrays broadcast to one length and checked (finite, >= 0; bandwidth > 0)."""
    a = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in arrays.items()}
    n = max([n_strings, *(v.shape[0] for v in a.values())])
    a = {k: np.broadcast_to(v, (n,)).astype(float) for k, v in a.items()}
    for name, v in a.items():
        if name != "bandwidth_bytes_s" and (not np.all(np.isfinite(v)) or np.any(v < 0)):
            raise VentureLabError(name, "must be finite and >= 0")
    bw = a["bandwidth_bytes_s"]
    if not np.all(np.isfinite(bw)) or np.any(bw <= 0):
        raise VentureLabError("bandwidth_bytes_s", "must be finite and > 0 (every device needs a "
                              "memory bandwidth, sourced or derived)")
    return _Work(**a)


def roofline(w: _Work, g: GroupFactors, peak: np.ndarray, no_peak: np.ndarray,
             simd_peak: np.ndarray | None = None) -> SpeedPrediction:
    """Times by the roofline of the module docstring, and the band multipliers applied."""
    overhead = w.layers * g.overhead_per_layer_s
    eff_bw_w = w.bandwidth_bytes_s * g.eff_bw * g.format_bw   # effective bytes/s on weights (dequant included)
    eff_bw_kv = w.bandwidth_bytes_s * g.eff_bw                # KV cache is read as stored, no dequant kernel
    eff_peak = peak * g.eff_compute * g.format_compute
    pf = w.prefill_flops
    t_pf_compute = pf / eff_peak
    t_pf_mem = np.where(pf > 0, w.weight_bytes / eff_bw_w, 0.0)
    prefill_s = np.maximum(t_pf_compute, t_pf_mem) + np.where(pf > 0, overhead, 0.0)
    t_dec_mem = w.weight_bytes / eff_bw_w + w.batch * w.kv_bytes_read_per_token / eff_bw_kv
    t_dec_compute = w.batch * w.decode_flops_per_token / eff_peak
    t_dequant = dequant_s(w.weight_bytes, g, simd_peak)
    decode_s = np.maximum(np.maximum(t_dec_mem, t_dec_compute), t_dequant) + overhead
    basis = g.basis
    if np.any(no_peak):
        basis = np.where(no_peak, basis + f"; no peak figure: assumed ridge "
                         f"{ASSUMED_RIDGE_FLOP_PER_BYTE:g} FLOP/byte", basis)
    return SpeedPrediction(
        prefill_s=prefill_s, prefill_s_low=prefill_s * g.prefill_band_low,
        prefill_s_high=prefill_s * g.prefill_band_high, decode_s_per_token=decode_s,
        decode_s_per_token_low=decode_s * g.decode_band_low, decode_s_per_token_high=decode_s * g.decode_band_high,
        prefill_compute_bound=t_pf_compute >= t_pf_mem,
        decode_compute_bound=np.maximum(t_dec_compute, t_dequant) > t_dec_mem,
        peak_flops_used=peak, eff_bw=g.eff_bw * g.format_bw, eff_compute=g.eff_compute * g.format_compute,
        overhead_s=overhead, calibrated_decode=g.calibrated_decode, calibrated_prefill=g.calibrated_prefill,
        calibrated=g.calibrated_decode & g.calibrated_prefill & ~no_peak, basis=basis)


def predict(hw_class, runtime, weight_format, *, prefill_flops, decode_flops_per_token, weight_bytes,
            kv_bytes_read_per_token, bandwidth_bytes_s, batch=1, layers=32, peak_flops=None,
            peak_fp32=None, peak_fp16=None, peak_int8=None, fp8_capable=False, peak_int4=None,
            fp4_capable=False,
            factors: Mapping[str, Any] | None = None, efficiency_override=None) -> SpeedPrediction:
    """Prefill and decode time for many requests at once: :func:`lookup_groups`, then :func:`roofline`.

    Parameters (arrays broadcast together; strings may be scalars)
    ----------
    hw_class, runtime, weight_format : str or array of str
        Calibration class (``HW_CLASSES``), serving software (``RUNTIMES``), weight format id.
    prefill_flops : FLOPs of the whole prefill of the batch (all sequences, attention included).
    decode_flops_per_token : FLOPs to generate one token of one sequence (2 * active params +
        attention over the current context).
    weight_bytes : bytes of weights read by one forward pass (MoE: active experts; the input
        embedding table is a gather and should be left out).
    kv_bytes_read_per_token : KV-cache bytes one sequence reads in one decode step (at the context
        length the caller averages over).
    bandwidth_bytes_s : memory bandwidth (bytes/s) of the device (x devices for tensor parallel).
    batch : sequences decoded together.
    layers : transformer layers (sets the fixed per-forward overhead).
    peak_flops : if given, used for every row (bypasses the peak choice; for comparisons).
    peak_fp32, peak_fp16, peak_int8 : device peaks (FLOP/s, OP/s; NaN where unknown); the peak a
        row uses follows :func:`peak_path`. ``fp8_capable`` marks devices with FP8 tensor cores;
        ``peak_int4`` / ``fp4_capable`` (NVFP4/MXFP4 tensor cores, Blackwell) are optional.
    factors : fitted factors (default: :func:`load_factors`).
    efficiency_override : optional dict ``{"eff_bw": x, "eff_compute": y, "overhead_per_layer_s": z}``
        replacing the fitted group factors (format factors then set to 1), for comparisons with
        tools that take a flat efficiency (bench/llm_analysis_compare.py).

    Returns a :class:`SpeedPrediction`; ``basis`` names the group used, and "fallback" when it
    stands in for an uncalibrated pair.
    """
    n_strings = max(np.atleast_1d(np.asarray(s, dtype=object)).shape[0] for s in (hw_class, runtime, weight_format))
    w = _work(n_strings, prefill_flops=prefill_flops, decode_flops_per_token=decode_flops_per_token,
              weight_bytes=weight_bytes, kv_bytes_read_per_token=kv_bytes_read_per_token,
              bandwidth_bytes_s=bandwidth_bytes_s, batch=batch, layers=layers)
    n = w.batch.shape[0]
    g = lookup_groups(hw_class, runtime, weight_format, n, factors, efficiency_override)
    if peak_flops is not None:
        peak = _arr(peak_flops, n).copy()
    else:
        peak = select_peak_flops(g.peak_path, peak_fp32, peak_fp16, peak_int8, fp8_capable, peak_int4, fp4_capable)
    no_peak = ~(np.isfinite(peak) & (peak > 0))
    if np.any(no_peak):
        peak = np.where(no_peak, w.bandwidth_bytes_s * ASSUMED_RIDGE_FLOP_PER_BYTE, peak)
    return roofline(w, g, peak, no_peak, _arr(peak_fp32, n))


def dequant_s(weight_bytes: np.ndarray, g: GroupFactors, simd_peak: np.ndarray | None) -> np.ndarray:
    """Time a decode step spends dequantising its weights on a CPU's SIMD units (0 elsewhere).

    A quantised decode step on a CPU unpacks every weight it reads once (whatever the batch) on the
    vector units, whose rate scales with cores x clock like the FP32 column: published OpenVINO
    int8 / int4 decode on three two-socket Xeons takes about the same core-cycles per weight on
    each (docs/methodology.md), where the memory roofline would have them apart by their DDR.
    ``g.dequant_rate``: weight bytes dequantised per FLOP of the FP32 peak (the decode group's e_c
    times the format's dequantising factor), so the step's weight bytes set the work."""
    wb = np.asarray(weight_bytes, dtype=float)
    if simd_peak is None:
        return np.zeros_like(wb)
    ok = g.dequant_on_cpu & np.isfinite(simd_peak) & (simd_peak > 0)
    rate = np.where(ok, simd_peak, 1.0) * g.dequant_rate
    return np.where(ok, wb / rate, 0.0)


# ---------------------------------------------------------------------------------------------
# Training: model FLOPs utilisation (MFU) by hardware generation and model size.
# ---------------------------------------------------------------------------------------------

# Hardware id (or class) -> accelerator generation. Generations without training rows borrow
# the nearest one (GENERATION_FALLBACK) with a wider band, and say so.
_GENERATION_PATTERNS = (
    ("v100", "volta"), ("t4", "turing"), ("a100", "ampere"), ("a10", "ampere"), ("a30", "ampere"),
    ("rtx-30", "ampere"), ("h100", "hopper"), ("h200", "hopper"), ("h800", "hopper"),
    ("gh200", "hopper"), ("b200", "blackwell"), ("b100", "blackwell"), ("gb200", "blackwell"),
    ("l40", "ada"), ("l4", "ada"), ("rtx-40", "ada"), ("tpu-v3", "tpu-v3"), ("tpu-v4", "tpu-v4"),
    ("tpu-v5", "tpu-v5"), ("mi300", "cdna3"), ("mi250", "cdna2"), ("jetson", "ampere-edge"),
)
GENERATION_FALLBACK = {
    "hopper": "ampere", "blackwell": "ampere", "ada": "ampere", "ampere-edge": "ampere",
    "turing": "volta", "tpu-v4": "tpu-v3", "tpu-v5": "tpu-v3", "cdna3": "ampere",
    "cdna2": "ampere", "other": "ampere", "volta": "ampere", "tpu-v3": "ampere", "ampere": "volta",
}


def hw_generation(hardware_id: str) -> str:
    """Accelerator generation of a catalog hardware id ('other' when not recognised)."""
    hid = hardware_id.lower()
    for pat, gen in _GENERATION_PATTERNS:
        if pat in hid:
            return gen
    return "other"


DEFAULT_MFU = {
    # log(mfu) = intercept[gen] + slope * x + peak_slope * x * log2(peak / peak_ref) + devices_slope * xd
    #            + moe + fp8, x = log10(params_b) - x_center, xd = log10(max(devices, devices_from) / devices_from)
    "intercept": {"ampere": float(np.log(0.4)), "volta": float(np.log(0.25)),
                  "tpu-v3": float(np.log(0.3))},
    "slope": 0.0, "peak_slope": 0.0, "devices_slope": 0.0, "moe": 0.0, "fp8": 0.0,
    "x_center": 0.0, "devices_from": 1.0, "peak_ref_tflops": 312.0,
    "band": [0.75, 1.35], "uncalibrated_band": [0.5, 1.6],
    "min": 0.05, "max": 0.75,
}
PRECISIONS = ("bf16", "fp8")


@dataclass(frozen=True)
class MfuPrediction:
    """Training MFU per row: expected, band, and which generation's fit it came from."""

    mfu: np.ndarray
    mfu_low: np.ndarray
    mfu_high: np.ndarray
    calibrated: np.ndarray     # the generation has its own fit (else a fallback generation's)
    basis: np.ndarray


def _mfu_generations(g: np.ndarray, known: set) -> tuple[np.ndarray, np.ndarray]:
    """(generation of each row, generation whose fit it uses)."""
    gens = np.array([x if x in known or x in GENERATION_FALLBACK else hw_generation(str(x)) for x in g],
                    dtype=object)
    used = np.array([x if x in known else GENERATION_FALLBACK.get(x, "ampere") for x in gens], dtype=object)
    used = np.array([x if x in known else next(iter(known)) for x in used], dtype=object)
    return gens, used


def mfu_log_terms(m: Mapping[str, Any], params_b, peak_tflops=None, devices=None, moe=False,
                  fp8=False) -> np.ndarray:
    """The terms of log(mfu) besides the generation's intercept (shared by the fit and the estimate).

    A model's size helps MFU more on a faster chip (small models cannot keep a fast chip busy:
    Llama 3 8B on H100 logs ~0.2 of peak, 405B ~0.36); more devices cost communication (Llama 3
    405B: 43 % on 8,192 GPUs, 41 % on 16,384); MoE routing and FP8 each move it by a fitted factor.
    The device term starts at ``devices_from``, the smallest count the evidence covers: below it the
    count does not move the MFU (nothing published measures that).  Unknown counts (None / NaN): 0.
    """
    # sizes outside the published runs' range take the nearest end's value (no extrapolation)
    lo_b, hi_b = m.get("params_range_b", (0.0, np.inf))
    p = np.clip(np.asarray(params_b, dtype=float), max(lo_b, 1e-12), hi_b)
    x = np.log10(p) - m.get("x_center", 0.0)
    pk = 0.0 if peak_tflops is None else np.log2(np.asarray(peak_tflops, float) / m.get("peak_ref_tflops", 312.0))
    d = np.asarray(np.nan if devices is None else devices, dtype=float)
    lo = m.get("devices_from", 1.0)
    xd = np.where(np.isfinite(d), np.log10(np.maximum(np.nan_to_num(d, nan=lo), lo) / lo), 0.0)
    return (m["slope"] * x + m.get("peak_slope", 0.0) * x * pk + m.get("devices_slope", 0.0) * xd
            + m.get("moe", 0.0) * np.asarray(moe, float) + m.get("fp8", 0.0) * np.asarray(fp8, float))


def mfu_for(generation_or_hardware, params_b, factors: Mapping[str, Any] | None = None, *,
            peak_tflops=None, devices=None, moe=False, fp8=False) -> MfuPrediction:
    """Expected MFU and its band for training, by accelerator generation, model size, chip peak,
    device count, MoE and precision.

    Parameters
    ----------
    generation_or_hardware : str or array of str
        A generation ('ampere', 'hopper', ...) or a hardware id (mapped by :func:`hw_generation`).
    params_b : float or array
        Model parameters in billions (MoE: active parameters).
    peak_tflops, devices, moe, fp8 : optional
        The chip's dense 16-bit peak, the device count, whether the model is MoE, FP8 training.

    Returns
    -------
    :class:`MfuPrediction` (arrays: mfu, mfu_low, mfu_high, calibrated, basis).
    MFU counts model FLOPs = 6 N D + the attention term 12 * layers * hidden * seq per token
    (PaLM, Chowdhery et al. 2022 App. B) over the dense 16-bit peak (also for FP8 runs, as
    DeepSeek-V3 and Meta state theirs), the same count the training estimate uses.
    """
    f = factors or load_factors()
    m = f.get("mfu") or DEFAULT_MFU
    p = np.atleast_1d(np.asarray(params_b, dtype=float))
    g = np.atleast_1d(np.asarray(generation_or_hardware, dtype=object))
    n = max(p.shape[0], g.shape[0])
    p = np.broadcast_to(p, (n,))
    g = np.broadcast_to(g, (n,))
    if not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise VentureLabError("params_b", "must be a finite number > 0")
    gens, used = _mfu_generations(g, set(m["intercept"]))
    cal = gens == used
    icpt = np.array([m["intercept"][u] for u in used])
    mfu = np.exp(icpt + mfu_log_terms(m, p, peak_tflops, devices, moe, fp8))
    mfu = np.clip(mfu, m.get("min", 0.05), m.get("max", 0.75))
    lo = np.where(cal, m["band"][0], m["uncalibrated_band"][0])
    hi = np.where(cal, m["band"][1], m["uncalibrated_band"][1])
    basis = np.where(cal, "fitted: " + gens.astype(str),
                     "fallback: " + gens.astype(str) + " uses the " + used.astype(str) + " fit")
    return MfuPrediction(mfu=mfu, mfu_low=np.clip(mfu * lo, 0.01, 0.95), mfu_high=np.clip(mfu * hi, 0.01, 0.95),
                         calibrated=cal, basis=basis)
