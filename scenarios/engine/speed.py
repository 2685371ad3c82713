"""Speed model: turns work (FLOPs, bytes) into time, vectorised over numpy arrays.

Roofline with efficiency factors (Williams, Waterman & Patterson 2009, "Roofline: an insightful
visual performance model", CACM 52(4)); applied to LLM serving as in Pope et al. 2022,
"Efficiently Scaling Transformer Inference" (arXiv:2211.05102), section 2:

* prefill is compute-bound: ``t = max(F / (peak * e_c * f_c), W / (bw * e_bw * f_bw)) + L * t_layer``
* one decode step for a batch of ``B`` sequences reads the weights once and each sequence's KV
  cache once: ``t = max(W / (bw * e_bw * f_bw) + B * K / (bw * e_bw), B * f / (peak * e_c * f_c))
  + L * t_layer``; it is bandwidth-bound at small B and turns compute-bound as B grows.

``e_bw``, ``e_c`` and the per-layer, per-forward overhead ``t_layer`` (kernel launches and
synchronisation: visible as the gap between tg128 and bytes/bandwidth on fast devices) belong to a
*group* = (hardware class, runtime). ``f_bw`` and ``f_c`` depend only on the weight format's
family (float / 8-bit / 4-bit): the dequantisation cost. All of them are fitted by
``python -m scenarios.calibration fit`` and read from ``data/fitted_factors.json`` (plain JSON:
this module never imports scipy). A (class, runtime) pair without calibration rows takes the
nearest calibrated group's factors and a wider band, and says so in ``basis`` / ``calibrated``.

Everything here is arrays in, arrays out: the engine calls :func:`predict` once for a whole sweep.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from scenarios.errors import VentureLabError

RUNTIMES: tuple[str, ...] = ("llama.cpp", "vllm", "tensorrt-llm", "executorch", "mlc", "pytorch")

HW_CLASSES: tuple[str, ...] = (
    "nvidia-datacenter", "nvidia-consumer", "jetson", "apple", "phone", "cpu-sbc", "tpu", "amd",
)

# The usual serving software per hardware class (ARCHITECTURE.md 4.2 "runtime by hardware class").
#  - llama.cpp on Apple (Metal backend; the de-facto local runtime, and what the calibration rows
#    measure), on consumer GPUs (CUDA) and on CPUs / single-board computers (NEON);
#  - vLLM on datacenter GPUs (the common open-source server; TensorRT-LLM is the faster
#    NVIDIA-only option and is selectable), likewise on AMD (ROCm build) and TPU (vLLM TPU backend);
#  - ExecuTorch on phones (PyTorch's on-device runtime: XNNPACK / Core ML / QNN delegates);
#  - MLC LLM on Jetson: the Jetson AI Lab benchmarks (our calibration rows) use MLC because it is
#    the fastest LLM runtime there; TensorRT-LLM for Jetson is newer and less used.
_DEFAULT_RUNTIME = {
    "nvidia-datacenter": "vllm",
    "nvidia-consumer": "llama.cpp",
    "jetson": "mlc",
    "apple": "llama.cpp",
    "phone": "executorch",
    "cpu-sbc": "llama.cpp",
    "tpu": "vllm",
    "amd": "vllm",
}

# Weight format -> family for the dequantisation factors. Family, not format, keeps the
# parameter count small (3 families x 2 factors, one of each fixed at 1).
FORMAT_FAMILY = {
    "fp32": "float", "fp16": "float", "bf16": "float",
    "fp8": "8bit", "int8": "8bit", "q8_0": "8bit",
    "int4": "4bit", "q4_0": "4bit", "q4_k_m": "4bit", "mxfp4": "4bit", "nvfp4": "4bit",
}
FAMILIES = ("float", "8bit", "4bit")

# Nearest classes / runtimes, used when a (class, runtime) pair has no calibration rows.
# Same class with a similar runtime is tried before the same runtime on a similar class
# because memory systems (unified LPDDR vs HBM vs GDDR) drive decode efficiency most.
NEAREST_CLASS = {
    "nvidia-datacenter": ("nvidia-consumer", "amd", "tpu", "jetson", "apple"),
    "nvidia-consumer": ("nvidia-datacenter", "jetson", "amd", "apple"),
    "jetson": ("nvidia-consumer", "apple", "nvidia-datacenter", "phone", "cpu-sbc"),
    "apple": ("nvidia-consumer", "jetson", "phone", "cpu-sbc", "nvidia-datacenter"),
    # ExecuTorch (XNNPACK) and llama.cpp run on the phone's Arm CPU cores: a CPU board is the
    # nearest measured memory system and software path, before Apple's GPU.
    "phone": ("cpu-sbc", "apple", "jetson", "nvidia-consumer"),
    "cpu-sbc": ("phone", "apple", "jetson", "nvidia-consumer"),
    "tpu": ("nvidia-datacenter", "amd", "nvidia-consumer"),
    "amd": ("nvidia-datacenter", "nvidia-consumer", "tpu"),
}
NEAREST_RUNTIME = {
    "llama.cpp": ("mlc", "executorch", "pytorch", "vllm", "tensorrt-llm"),
    "mlc": ("llama.cpp", "executorch", "tensorrt-llm", "vllm", "pytorch"),
    "executorch": ("mlc", "llama.cpp", "pytorch", "vllm", "tensorrt-llm"),
    "vllm": ("tensorrt-llm", "pytorch", "mlc", "llama.cpp", "executorch"),
    "tensorrt-llm": ("vllm", "pytorch", "mlc", "llama.cpp", "executorch"),
    "pytorch": ("vllm", "tensorrt-llm", "mlc", "llama.cpp", "executorch"),
}

# Which peak a (runtime, format family) computes on. "fp8" means: the 8-bit tensor peak where the
# device has FP8 tensor cores (Hopper, Ada, Blackwell, MI300), else the fp16 peak (weight-only).
#  - llama.cpp CUDA runs quantised matmuls as int8 dot products (MMQ kernels: activations are
#    quantised to q8_1), so 8/4-bit prefill is bounded by the int8 peak; its Metal backend
#    dequantises to half and runs on the GPU ALUs (not the Neural Engine), so Apple uses the GPU
#    fp16 peak (= fp32 rate on M1/M2); on Arm CPUs it uses int8 sdot/i8mm.
#  - vLLM / TensorRT-LLM / PyTorch: fp16/bf16 tensor peak; W8A8 fp8/int8 on the 8-bit peak;
#    4-bit weight-only (AWQ/GPTQ, W4A16) dequantises to fp16.
#  - MLC (q4f16): fp16. ExecuTorch (XNNPACK, dynamically quantised int8 activations): int8.
_PEAK_PATH = {
    ("llama.cpp", "float"): "fp16", ("llama.cpp", "8bit"): "int8", ("llama.cpp", "4bit"): "int8",
    ("vllm", "float"): "fp16", ("vllm", "8bit"): "fp8", ("vllm", "4bit"): "fp16",
    ("tensorrt-llm", "float"): "fp16", ("tensorrt-llm", "8bit"): "fp8", ("tensorrt-llm", "4bit"): "fp16",
    ("pytorch", "float"): "fp16", ("pytorch", "8bit"): "fp16", ("pytorch", "4bit"): "fp16",
    ("mlc", "float"): "fp16", ("mlc", "8bit"): "fp16", ("mlc", "4bit"): "fp16",
    ("executorch", "float"): "fp16", ("executorch", "8bit"): "int8", ("executorch", "4bit"): "int8",
}
# Classes whose llama.cpp backend dequantises to half on the GPU ALUs (see above).
_GPU_ALU_DEQUANT_CLASSES = ("apple",)

# Assumed ridge point (FLOP per byte) when a device has no peak figure at all (e.g. a custom
# device file with bandwidth only): a labelled assumption, flagged in `basis`.
ASSUMED_RIDGE_FLOP_PER_BYTE = 20.0

# Factors used before the first fit and when data/fitted_factors.json is missing: rough values
# from published roofline fractions (decode ~60-80 % of bandwidth, prefill ~40-70 % of peak).
DEFAULT_FACTORS: dict[str, Any] = {
    "version": 1,
    "source": "built-in defaults (no fit)",
    "groups": {
        "apple|llama.cpp": {"eff_bw": 0.8, "eff_compute": 0.7, "overhead_per_layer_s": 1.5e-4},
        "nvidia-consumer|llama.cpp": {"eff_bw": 0.8, "eff_compute": 0.25, "overhead_per_layer_s": 7e-5},
        "jetson|mlc": {"eff_bw": 0.85, "eff_compute": 0.5, "overhead_per_layer_s": 1e-4},
        "cpu-sbc|llama.cpp": {"eff_bw": 0.7, "eff_compute": 0.5, "overhead_per_layer_s": 1e-4},
        "nvidia-datacenter|tensorrt-llm": {"eff_bw": 0.8, "eff_compute": 0.55,
                                           "overhead_per_layer_s": 4e-5},
    },
    "format_factors": {
        "bw": {"float": 1.0, "8bit": 0.9, "4bit": 0.8},
        "compute": {"float": 1.0, "8bit": 0.9, "4bit": 0.9},
    },
    # Multipliers on time (low, high) for a calibrated group, per metric.
    "bands": {"default": {"decode": [0.85, 1.2], "prefill": [0.75, 1.35]}},
    # Multipliers on time for a (class, runtime) without calibration rows.
    "uncalibrated_band": {"decode": [0.6, 1.8], "prefill": [0.4, 2.5]},
    "mfu": None,
}

_FACTORS_PATH = Path(__file__).resolve().parents[2] / "data" / "fitted_factors.json"


@lru_cache(maxsize=4)
def _load_factors_cached(path: str) -> dict[str, Any]:
    p = Path(path)
    if not p.exists():
        return DEFAULT_FACTORS
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:  # a broken file must say so, not guess
        raise VentureLabError("fitted_factors", f"cannot read {p}: {err}") from err
    if "groups" not in data or "format_factors" not in data:
        raise VentureLabError("fitted_factors", f"{p} lacks 'groups' or 'format_factors'")
    return data


def load_factors(path: str | Path | None = None) -> dict[str, Any]:
    """The fitted factors (``data/fitted_factors.json``), or the built-in defaults if not fitted yet."""
    return _load_factors_cached(str(path or _FACTORS_PATH))


def default_runtime(hw_class: str) -> str:
    """The usual serving software for a hardware class (see ``_DEFAULT_RUNTIME`` for why)."""
    if hw_class not in _DEFAULT_RUNTIME:
        raise VentureLabError("hw_class", "unknown hardware class", got=hw_class, accepted=HW_CLASSES)
    return _DEFAULT_RUNTIME[hw_class]


def resolve_group(hw_class: str, runtime: str, factors: Mapping[str, Any] | None = None,
                  metric: str = "decode", path: str | None = None) -> tuple[str, bool]:
    """Calibration group used for (hw_class, runtime): ``(group_key, calibrated)``.

    ``calibrated`` is False when the pair has no calibration rows for ``metric`` ("decode" or
    "prefill") and the nearest calibrated group stands in (nearest class first, then runtime).
    For prefill a stand-in calibrated on the same peak ``path`` (fp16 / int8 / ...) is preferred:
    a compute efficiency is only meaningful against the peak it was measured on.
    """
    if hw_class not in NEAREST_CLASS:
        raise VentureLabError("hw_class", "unknown hardware class", got=hw_class, accepted=HW_CLASSES)
    if runtime not in NEAREST_RUNTIME:
        raise VentureLabError("runtime", "unknown runtime", got=runtime, accepted=RUNTIMES)
    f = factors or load_factors()
    groups = f["groups"]

    def has(key: str) -> bool:
        g = groups.get(key)
        if g is None:
            return False
        n = g.get(f"n_{metric}")
        return True if n is None else n > 0  # defaults carry no counts: treat as usable

    exact = f"{hw_class}|{runtime}"
    candidates = [f"{c}|{r}" for c in (hw_class, *NEAREST_CLASS[hw_class])
                  for r in (runtime, *NEAREST_RUNTIME[runtime])]

    def on_path(key: str) -> bool:
        return path in groups[key].get("prefill_paths", (path,))

    if has(exact):
        # A group calibrated for prefill on another peak path (llama.cpp CUDA: int8 MMQ rows only)
        # does not know its efficiency on this one (cuBLAS fp16 for float weights): borrow from the
        # nearest group calibrated on this path, flagged uncalibrated (wider band).  Without one,
        # the group's own factor stays.
        if metric == "prefill" and path is not None and groups[exact].get("prefill_paths") and not on_path(exact):
            for key in candidates[1:]:
                if has(key) and groups[key].get("prefill_paths") and on_path(key):
                    return key, False
        return exact, groups[exact].get(f"n_{metric}") is not None
    if metric == "prefill" and path is not None:
        for key in candidates:
            if has(key) and on_path(key):
                return key, False
    for key in candidates:
        if has(key):
            return key, False
    # Last resort: any group (keeps every device estimable); flagged uncalibrated.
    return next(iter(groups)), False


def peak_path(hw_class: str, runtime: str, weight_format: str) -> str:
    """Which peak ('fp32', 'fp16', 'int8', 'fp8', 'fp4') a runtime computes on for a weight format."""
    if runtime not in RUNTIMES:
        raise VentureLabError("runtime", "unknown runtime", got=runtime, accepted=RUNTIMES)
    if hw_class not in HW_CLASSES:
        raise VentureLabError("hw_class", "unknown hardware class", got=hw_class, accepted=HW_CLASSES)
    fam = _family(weight_format)
    path = _PEAK_PATH[(runtime, fam)]
    if runtime == "llama.cpp" and path == "int8" and hw_class in _GPU_ALU_DEQUANT_CLASSES:
        path = "fp16"
    if weight_format == "fp32":
        path = "fp32"
    # Microscaled FP4 (NVFP4 / MXFP4) runs natively on Blackwell tensor cores under TensorRT-LLM /
    # vLLM ("fp4": the int4 column where the device has an fp4 path, else the 8-bit one, else fp16)
    if weight_format in ("nvfp4", "mxfp4") and runtime in ("tensorrt-llm", "vllm"):
        path = "fp4"
    return path


def _family(weight_format: str) -> str:
    try:
        return FORMAT_FAMILY[weight_format]
    except KeyError:
        raise VentureLabError("weight_format", "unknown weight format", got=weight_format,
                              accepted=sorted(FORMAT_FAMILY)) from None


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


def _str_arr(x, n: int) -> np.ndarray:
    a = np.asarray(x, dtype=object)
    return np.broadcast_to(a, (n,)) if a.ndim == 0 else a


def predict(hw_class, runtime, weight_format, *, prefill_flops, decode_flops_per_token, weight_bytes,
            kv_bytes_read_per_token, bandwidth_bytes_s, batch=1, layers=32, peak_flops=None,
            peak_fp32=None, peak_fp16=None, peak_int8=None, fp8_capable=False, peak_int4=None,
            fp4_capable=False,
            factors: Mapping[str, Any] | None = None, efficiency_override=None) -> dict[str, np.ndarray]:
    """Prefill and decode time for many requests at once.

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
        replacing the fitted group factors (format factors then set to 1) — used to compare with
        tools that take a flat efficiency (bench/llm_analysis_compare.py).

    Returns
    -------
    dict of arrays: prefill_s, prefill_s_low, prefill_s_high, decode_s_per_token (one step for the
    batch: each sequence gets one token), decode_s_per_token_low/_high, prefill_compute_bound,
    decode_compute_bound (bool), peak_flops_used, eff_bw, eff_compute, overhead_s,
    calibrated_decode, calibrated_prefill, calibrated (bool), basis (str: the group used, and
    "fallback" when it stands in for an uncalibrated pair).
    """
    f = factors or load_factors()
    arrays = [np.atleast_1d(np.asarray(v, dtype=float)) for v in
              (prefill_flops, decode_flops_per_token, weight_bytes, kv_bytes_read_per_token,
               bandwidth_bytes_s, batch, layers)]
    n = max(a.shape[0] for a in arrays)
    for name, s in (("hw_class", hw_class), ("runtime", runtime), ("weight_format", weight_format)):
        a = np.asarray(s, dtype=object)
        if a.ndim > 0:
            n = max(n, a.shape[0])
    pf, df, wb, kvb, bw, bsz, nl = (np.broadcast_to(a, (n,)).astype(float) for a in arrays)
    for name, a in (("prefill_flops", pf), ("decode_flops_per_token", df), ("weight_bytes", wb),
                    ("kv_bytes_read_per_token", kvb), ("batch", bsz), ("layers", nl)):
        if not np.all(np.isfinite(a)) or np.any(a < 0):
            raise VentureLabError(name, "must be finite and >= 0")
    if not np.all(np.isfinite(bw)) or np.any(bw <= 0):
        raise VentureLabError("bandwidth_bytes_s", "must be finite and > 0 (every device needs a "
                              "memory bandwidth, sourced or derived)")
    cls = _str_arr(hw_class, n)
    rt = _str_arr(runtime, n)
    fmt = _str_arr(weight_format, n)

    # Per-unique-combination lookups (few combinations, many rows).
    ucls, icls = np.unique(cls.astype(str), return_inverse=True)
    urt, irt = np.unique(rt.astype(str), return_inverse=True)
    ufmt, ifmt = np.unique(fmt.astype(str), return_inverse=True)
    code = (icls * len(urt) + irt) * len(ufmt) + ifmt
    ucode, inv = np.unique(code, return_inverse=True)
    m = len(ucode)
    e_bw_u, e_c_u, t_l_u = np.empty(m), np.empty(m), np.empty(m)
    f_bw_u, f_c_u = np.empty(m), np.empty(m)
    dlo_u, dhi_u, plo_u, phi_u = (np.empty(m) for _ in range(4))
    cal_d_u, cal_p_u = np.empty(m, bool), np.empty(m, bool)
    path_u = np.empty(m, dtype=object)
    basis_u = np.empty(m, dtype=object)
    bands = f.get("bands", {})
    unc = f.get("uncalibrated_band", DEFAULT_FACTORS["uncalibrated_band"])
    for j, c in enumerate(ucode):
        k_fmt = c % len(ufmt)
        k_rt = (c // len(ufmt)) % len(urt)
        k_cls = c // (len(ufmt) * len(urt))
        c_, r_, w_ = ucls[k_cls], urt[k_rt], ufmt[k_fmt]
        path_u[j] = peak_path(c_, r_, w_)
        gd, cal_d = resolve_group(c_, r_, f, "decode")
        gp, cal_p = resolve_group(c_, r_, f, "prefill", path_u[j])
        g_d, g_p = f["groups"][gd], f["groups"][gp]
        fam = _family(w_)
        if efficiency_override is not None:
            e_bw_u[j] = efficiency_override["eff_bw"]
            e_c_u[j] = efficiency_override["eff_compute"]
            t_l_u[j] = efficiency_override.get("overhead_per_layer_s", 0.0)
            f_bw_u[j] = f_c_u[j] = 1.0
        else:
            e_bw_u[j] = g_d["eff_bw"]
            e_c_u[j] = g_p["eff_compute"]
            t_l_u[j] = g_d["overhead_per_layer_s"]
            f_bw_u[j] = f["format_factors"]["bw"][fam]
            f_c_u[j] = f["format_factors"]["compute"][fam]
        bd = bands.get(gd, bands.get("default", DEFAULT_FACTORS["bands"]["default"]))
        bp = bands.get(gp, bands.get("default", DEFAULT_FACTORS["bands"]["default"]))
        dlo_u[j], dhi_u[j] = bd["decode"] if cal_d else unc["decode"]
        plo_u[j], phi_u[j] = bp["prefill"] if cal_p else unc["prefill"]
        cal_d_u[j], cal_p_u[j] = cal_d, cal_p
        own = f"{c_}|{r_}"
        if cal_d and cal_p:
            basis_u[j] = gd
        elif gd == own and gp == own:
            basis_u[j] = f"{own} (built-in default factors, not fitted)"
        else:
            basis_u[j] = (f"fallback for {c_}|{r_}: decode from {gd}"
                          f"{'' if cal_d else ' (uncalibrated)'}, prefill from {gp}"
                          f"{'' if cal_p else ' (uncalibrated)'}")

    e_bw, e_c, t_l = e_bw_u[inv], e_c_u[inv], t_l_u[inv]
    f_bw, f_c = f_bw_u[inv], f_c_u[inv]

    if peak_flops is not None:
        peak = _arr(peak_flops, n).copy()
    else:
        peak = select_peak_flops(path_u[inv], peak_fp32, peak_fp16, peak_int8, fp8_capable, peak_int4,
                                 fp4_capable)
    no_peak = ~(np.isfinite(peak) & (peak > 0))
    if np.any(no_peak):
        peak = np.where(no_peak, bw * ASSUMED_RIDGE_FLOP_PER_BYTE, peak)

    overhead = nl * t_l
    eff_bw_w = bw * e_bw * f_bw          # effective bytes/s on weights (dequant included)
    eff_bw_kv = bw * e_bw                # KV cache is read as stored, no dequant kernel
    eff_peak = peak * e_c * f_c

    t_pf_compute = pf / eff_peak
    t_pf_mem = np.where(pf > 0, wb / eff_bw_w, 0.0)
    prefill_s = np.maximum(t_pf_compute, t_pf_mem) + np.where(pf > 0, overhead, 0.0)
    t_dec_mem = wb / eff_bw_w + bsz * kvb / eff_bw_kv
    t_dec_compute = bsz * df / eff_peak
    decode_s = np.maximum(t_dec_mem, t_dec_compute) + overhead

    basis = basis_u[inv]
    if np.any(no_peak):
        basis = np.where(no_peak, basis + f"; no peak figure: assumed ridge "
                         f"{ASSUMED_RIDGE_FLOP_PER_BYTE:g} FLOP/byte", basis)
    return {
        "prefill_s": prefill_s,
        "prefill_s_low": prefill_s * plo_u[inv],
        "prefill_s_high": prefill_s * phi_u[inv],
        "decode_s_per_token": decode_s,
        "decode_s_per_token_low": decode_s * dlo_u[inv],
        "decode_s_per_token_high": decode_s * dhi_u[inv],
        "prefill_compute_bound": t_pf_compute >= t_pf_mem,
        "decode_compute_bound": t_dec_compute > t_dec_mem,
        "peak_flops_used": peak,
        "eff_bw": e_bw * f_bw,
        "eff_compute": e_c * f_c,
        "overhead_s": overhead,
        "calibrated_decode": cal_d_u[inv],
        "calibrated_prefill": cal_p_u[inv],
        "calibrated": cal_d_u[inv] & cal_p_u[inv] & ~no_peak,
        "basis": basis,
    }


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
    # log(mfu) = intercept[gen] + slope * x + curvature * x**2, x = log10(params_b)
    "intercept": {"ampere": float(np.log(0.4)), "volta": float(np.log(0.25)),
                  "tpu-v3": float(np.log(0.3))},
    "slope": 0.0, "curvature": 0.0, "x_center": 0.0,
    "band": [0.75, 1.35], "uncalibrated_band": [0.5, 1.6],
    "min": 0.05, "max": 0.75,
}


def mfu_for(generation_or_hardware, params_b, factors: Mapping[str, Any] | None = None):
    """Expected MFU and its band for training, by accelerator generation and model size.

    Parameters
    ----------
    generation_or_hardware : str or array of str
        A generation ('ampere', 'hopper', ...) or a hardware id (mapped by :func:`hw_generation`).
    params_b : float or array
        Model parameters in billions (MoE: active parameters).

    Returns
    -------
    dict of arrays: mfu, mfu_low, mfu_high, calibrated (bool), basis (str).
    MFU here counts model FLOPs = 6 N D + the attention term 12 * layers * hidden * seq per token
    (PaLM, Chowdhery et al. 2022 App. B), the same count the training estimate uses.
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
    known = set(m["intercept"])
    gens = np.array([x if x in known or x in GENERATION_FALLBACK else hw_generation(str(x)) for x in g],
                    dtype=object)
    used = np.array([x if x in known else GENERATION_FALLBACK.get(x, "ampere") for x in gens], dtype=object)
    used = np.array([x if x in known else next(iter(known)) for x in used], dtype=object)
    cal = gens == used
    x = np.log10(p) - m.get("x_center", 0.0)
    icpt = np.array([m["intercept"][u] for u in used])
    mfu = np.exp(icpt + m["slope"] * x + m["curvature"] * x ** 2)
    mfu = np.clip(mfu, m.get("min", 0.05), m.get("max", 0.75))
    lo = np.where(cal, m["band"][0], m["uncalibrated_band"][0])
    hi = np.where(cal, m["band"][1], m["uncalibrated_band"][1])
    basis = np.where(cal, "fitted: " + gens.astype(str),
                     "fallback: " + gens.astype(str) + " uses the " + used.astype(str) + " fit")
    return {"mfu": mfu, "mfu_low": np.clip(mfu * lo, 0.01, 0.95), "mfu_high": np.clip(mfu * hi, 0.01, 0.95),
            "calibrated": cal, "basis": basis}
