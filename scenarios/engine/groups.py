"""Calibration groups of the speed model: which fitted group a (hardware class, runtime, weight
format) uses, its efficiency factors and its band (the group lookup half of
:func:`scenarios.engine.speed.predict`; the roofline is the other half).

A group is (hardware class, runtime): its bandwidth efficiency ``e_bw``, compute efficiency ``e_c``
and per-layer overhead ``t_layer``; the format family (float / 8-bit / 4-bit) adds dequantisation
factors ``f_bw`` and ``f_c``.  ``python -m scenarios.calibration fit`` writes them to
``data/fitted_factors.json`` (plain JSON: this module never imports scipy).  A pair without
calibration rows takes the nearest calibrated group's factors and a wider band, and says so in
``basis`` / ``calibrated``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from scenarios.engine.catalog import HW_CLASSES
from scenarios.engine.columns import factorize
from scenarios.errors import VentureLabError

RUNTIMES: tuple[str, ...] = ("llama.cpp", "vllm", "tensorrt-llm", "executorch", "mlc", "pytorch", "onnxruntime",
                             "openvino", "qnn", "coreml")

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
    # llama.cpp for LLMs on server CPUs (its CPU kernels are what the published CPU rows measure);
    # the small non-LLM models default to ONNX Runtime there (scenarios/engine/small_models.py)
    "cpu-server": "llama.cpp",
    # vLLM on Gaudi (Intel's vLLM plugin for HPUs is the serving path Intel documents); llama.cpp on
    # Radeon cards (ROCm/Vulkan backends) and on GB10 desk boxes, like the other consumer/desk GPUs
    "gaudi": "vllm",
    "amd-consumer": "llama.cpp",
    "gb10": "llama.cpp",
}

# Weight format -> family for the dequantisation factors. Family, not format, keeps the
# parameter count small (3 families x 2 factors, one of each fixed at 1).
FORMAT_FAMILY = {
    "fp32": "float", "fp16": "float", "bf16": "float",
    "fp8": "8bit", "int8": "8bit", "q8_0": "8bit",
    "int4": "4bit", "q4_0": "4bit", "q4_k_m": "4bit", "mxfp4": "4bit", "nvfp4": "4bit", "w4a16": "4bit",
    # 5- and 6-bit k-quants run the same super-block dequantising kernels as q4_k_m (llama.cpp MMQ /
    # mul_mat_vec_q), so they share its family's factors; their bytes come from bits_per_weight
    "q5_k_m": "4bit", "q6_k": "4bit",
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
    # A board runs llama.cpp's CPU kernels on the server CPUs' FP32 SIMD path (peak_path): without
    # prefill rows of its own it borrows their compute efficiency, not a phone group's measured on
    # fp16/int8 (a Pi 5 held out was predicted on phone|executorch's 0.26 of peak: 66 % low)
    "cpu-sbc": ("phone", "cpu-server", "apple", "jetson", "nvidia-consumer"),
    "tpu": ("nvidia-datacenter", "amd", "nvidia-consumer"),
    "amd": ("nvidia-datacenter", "nvidia-consumer", "tpu"),
    # a server CPU's nearest measured software path is the other CPUs (board, phone cores)
    "cpu-server": ("cpu-sbc", "phone", "apple", "nvidia-consumer"),
    # Gaudi: another HBM datacenter accelerator behind vLLM; Radeon cards: GDDR consumer cards;
    # GB10: NVIDIA's CUDA software path on LPDDR unified memory (consumer cards, then Jetson's
    # unified LPDDR, then Apple's)
    "gaudi": ("nvidia-datacenter", "amd", "tpu", "nvidia-consumer"),
    "amd-consumer": ("nvidia-consumer", "amd", "gb10", "apple"),
    "gb10": ("nvidia-consumer", "jetson", "apple", "nvidia-datacenter"),
}

# The class each hw_class's accuracy is reported under (ARCHITECTURE 4.3; docs/methodology.md). Phones
# split by the runtime's compute path: see :func:`reporting_class`.
REPORTING_CLASS = {
    "nvidia-datacenter": "datacenter GPU", "amd": "datacenter GPU", "tpu": "datacenter GPU",
    "gaudi": "datacenter GPU",
    "nvidia-consumer": "consumer/desk GPU", "amd-consumer": "consumer/desk GPU", "gb10": "consumer/desk GPU",
    "apple": "Apple", "jetson": "edge", "cpu-sbc": "edge", "cpu-server": "server CPU",
}
# Phone runtimes by the compute path they run on (ARCHITECTURE 4.3): ExecuTorch's XNNPACK and
# llama.cpp run on the CPU cores, MLC on the GPU, QNN (Genie) on the Hexagon NPU, Core ML on Apple's
# Neural Engine (the peaks of each path: data/compute_paths.csv, scenarios/engine/compute_paths.py).
PHONE_PATH_BY_RUNTIME = {"executorch": "phone CPU", "llama.cpp": "phone CPU", "onnxruntime": "phone CPU",
                         "mlc": "phone GPU", "qnn": "phone NPU", "coreml": "phone NPU"}
# A phone's calibration group is its compute path, not its software (one efficiency set per path:
# the published phone rows are too few for one per runtime): llama.cpp's CPU kernels share the CPU
# path's group with ExecuTorch/XNNPACK, named after the path's reference runtime; GPU rows of other
# software (llama.cpp OpenCL, ExecuTorch Vulkan) are fitted in the mlc group
# (scenarios/calibration/phone_rows.py, docs/methodology.md "Phones by compute path").
# A runtime that shares a path's group may carry one factor of its own on the group's compute
# efficiency (the group's ``software_compute``): llama.cpp's CPU prompt processing on a phone reaches
# 14-17 % of the CPU path's int8 peak on two phones, ExecuTorch's 19-23 % on two others
# (data/validation/phone_measurements.csv), while both reach the same bandwidth on the one phone
# measured with both (Snapdragon 8 Elite Gen 5, 0.41-0.46 of its DRAM peak).
PHONE_GROUP_RUNTIME = {"llama.cpp": "executorch", "onnxruntime": "executorch"}
NEAREST_RUNTIME = {
    "llama.cpp": ("mlc", "executorch", "pytorch", "vllm", "tensorrt-llm"),
    "mlc": ("llama.cpp", "executorch", "tensorrt-llm", "vllm", "pytorch"),
    "executorch": ("mlc", "llama.cpp", "pytorch", "vllm", "tensorrt-llm"),
    "vllm": ("tensorrt-llm", "pytorch", "mlc", "llama.cpp", "executorch"),
    "tensorrt-llm": ("vllm", "pytorch", "mlc", "llama.cpp", "executorch"),
    "pytorch": ("vllm", "tensorrt-llm", "mlc", "llama.cpp", "executorch"),
    # CPU graph runtimes: nearest is another CPU path (llama.cpp's CPU kernels, then ExecuTorch/XNNPACK)
    "onnxruntime": ("openvino", "llama.cpp", "executorch", "pytorch", "mlc", "vllm", "tensorrt-llm"),
    "openvino": ("onnxruntime", "llama.cpp", "executorch", "pytorch", "mlc", "vllm", "tensorrt-llm"),
    # NPU runtimes: the other NPU runtime first (a dedicated matrix engine fed from shared LPDDR),
    # then the GPU path, then the CPU path
    "qnn": ("coreml", "mlc", "executorch", "llama.cpp", "pytorch", "vllm", "tensorrt-llm"),
    "coreml": ("qnn", "mlc", "executorch", "llama.cpp", "pytorch", "vllm", "tensorrt-llm"),
}

# Which peak a (runtime, format family) computes on. "fp8" means: the 8-bit tensor peak where the
# device has FP8 tensor cores (Hopper, Ada, Blackwell, MI300), else the fp16 peak (weight-only).
#  - llama.cpp CUDA prefill ("fp16_acc16"): the 16-bit tensor rate with FP16 accumulate, for float
#    AND quantised weights.  Float GEMMs go to cuBLAS with FP16 compute; 2023-24 builds dequantised
#    quantised weights to fp16 for the same cuBLAS call (batches > 32 on tensor-core GPUs), and the
#    int8 MMQ kernels of 2025 builds reach about half the int8 peak, i.e. the same rate.  Published
#    llama-bench pp512 on seven GeForce cards (data/calibration/inference_measurements.csv) run at
#    0.39-0.59 of this peak for F16, Q4_0 and Q4_K_M alike, where one int8 path (0.20-0.25) and one
#    FP32-accumulate fp16 path (up to 1.2: above its peak) cannot share an efficiency.  On GeForce
#    the catalog's fp16 column is the FP32-accumulate rate, half of this one.  Its Metal backend
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
    # ONNX Runtime (MLAS) and OpenVINO on CPUs: bf16 on the AMX / BFMMLA path (the fp16 column of a
    # cpu-server row), int8 on VNNI / AMX-INT8 / SMMLA; 4-bit weights are dequantised to int8 activations
    ("onnxruntime", "float"): "fp16", ("onnxruntime", "8bit"): "int8", ("onnxruntime", "4bit"): "int8",
    ("openvino", "float"): "fp16", ("openvino", "8bit"): "int8", ("openvino", "4bit"): "int8",
    # QNN on the Hexagon NPU: quantised models run on the HMX integer path (w4a16 / w8a16: 16-bit
    # activations, whose lower rate the fitted efficiency carries); float weights on its fp16 path.
    # Core ML on the Neural Engine computes in fp16 (weight-only 4-bit palettes are expanded), W8A8
    # int8 on A17 Pro / M4 and later.
    ("qnn", "float"): "fp16", ("qnn", "8bit"): "int8", ("qnn", "4bit"): "int8",
    ("coreml", "float"): "fp16", ("coreml", "8bit"): "int8", ("coreml", "4bit"): "fp16",
}
# Classes whose llama.cpp backend dequantises to half on the GPU ALUs (see above).
_GPU_ALU_DEQUANT_CLASSES = ("apple",)
# Classes whose llama.cpp backend is CUDA (see "fp16_acc16" above).
_CUDA_CLASSES = ("nvidia-consumer", "nvidia-datacenter", "jetson", "gb10")
# Classes where llama.cpp runs its CPU kernels: prompt processing on the FP32 SIMD rate for every
# format.  Its quantised dot products unpack each block to int8, multiply-add, convert and scale in
# FP32, about one FMA's work per weight, so published pp reaches 0.5-0.7 of the FP32 SIMD peak
# (Graviton3 Q6_K pp128, Threadripper PRO 5995WX Q4_0 pp512: inference_measurements.csv) but only
# 0.09-0.25 of the int8 instruction peak (SMMLA 8x, VPMADDUBSW 2x): one int8 efficiency cannot hold both.
CPU_SIMD_CLASSES = ("cpu-server", "cpu-sbc")

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
        # OpenVINO has no prefill row (its prefill borrows another group's e_c): its own e_c is the
        # rate at which a decode step dequantises weights on the AVX-512 units (speed.dequant_s), in
        # weight bytes per FLOP of the FP32 peak.  Start: about one core-cycle per 8-bit weight for
        # unpack, convert, scale and multiply-add against 64 FP32 FLOP per core-cycle: 1/64 = 0.016.
        "cpu-server|openvino": {"eff_bw": 0.7, "eff_compute": 0.016, "overhead_per_layer_s": 1e-4},
        "nvidia-datacenter|tensorrt-llm": {"eff_bw": 0.8, "eff_compute": 0.55,
                                           "overhead_per_layer_s": 4e-5},
    },
    "format_factors": {
        "bw": {"float": 1.0, "8bit": 0.9, "4bit": 0.8},
        "compute": {"float": 1.0, "8bit": 0.9, "4bit": 0.9},
        # the rate a CPU dequantises weights at in a decode step, relative to 8-bit (speed.dequant_s)
        "dequant": {"8bit": 1.0, "4bit": 1.0},
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


def group_runtime(hw_class: str, runtime: str) -> str:
    """The runtime a (class, runtime) pair's calibration group is named after: on a phone, the
    reference runtime of the runtime's compute path (``PHONE_GROUP_RUNTIME``), else the runtime."""
    return PHONE_GROUP_RUNTIME.get(runtime, runtime) if hw_class == "phone" else runtime


def reporting_class(hw_class: str, runtime: str) -> str:
    """The ARCHITECTURE 4.3 reporting class of a (hardware class, runtime) pair."""
    if hw_class == "phone":
        if runtime not in PHONE_PATH_BY_RUNTIME:
            raise VentureLabError("runtime", "no phone compute path for this runtime", got=runtime,
                                  accepted=tuple(PHONE_PATH_BY_RUNTIME))
        return PHONE_PATH_BY_RUNTIME[runtime]
    if hw_class not in REPORTING_CLASS:
        raise VentureLabError("hw_class", "unknown hardware class", got=hw_class, accepted=HW_CLASSES)
    return REPORTING_CLASS[hw_class]


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
    runtime = group_runtime(hw_class, runtime)
    f = factors or load_factors()
    groups = f["groups"]

    def has(key: str) -> bool:
        g = groups.get(key)
        if g is None:
            return False
        n = g.get(f"n_{metric}")
        return True if n is None else n > 0  # defaults carry no counts: treat as usable

    exact = f"{hw_class}|{runtime}"
    candidates = [f"{c}|{group_runtime(c, r)}" for c in (hw_class, *NEAREST_CLASS[hw_class])
                  for r in (runtime, *NEAREST_RUNTIME[runtime])]

    def on_path(key: str) -> bool:
        return path in groups[key].get("prefill_paths", (path,))

    if has(exact):
        # A group calibrated for prefill on another peak path (e.g. TensorRT-LLM rows on fp16/fp8
        # only, asked for fp4) does not know its efficiency on this one: borrow from the
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
    """Which peak ('fp32', 'fp16', 'fp16_acc16', 'int8', 'fp8', 'fp4') a runtime computes on for a weight format."""
    if runtime not in RUNTIMES:
        raise VentureLabError("runtime", "unknown runtime", got=runtime, accepted=RUNTIMES)
    if hw_class not in HW_CLASSES:
        raise VentureLabError("hw_class", "unknown hardware class", got=hw_class, accepted=HW_CLASSES)
    fam = _family(weight_format)
    path = _PEAK_PATH[(runtime, fam)]
    if runtime == "llama.cpp" and path == "int8" and hw_class in _GPU_ALU_DEQUANT_CLASSES:
        path = "fp16"
    if runtime == "llama.cpp" and hw_class in _CUDA_CLASSES:
        # bf16 GEMMs accumulate in FP32 (no FP16-accumulate bf16 path): the plain fp16 column
        path = "fp16" if weight_format == "bf16" else "fp16_acc16"
    if weight_format == "fp32" or (runtime == "llama.cpp" and hw_class in CPU_SIMD_CLASSES):
        path = "fp32"
    # QNN's weight-only 4-bit (AI Hub precision 'w4': fp16 activations) computes on the HMX fp16
    # path; w4a16 (16-bit integer activations) stays on the integer path
    if runtime == "qnn" and weight_format == "int4":
        path = "fp16"
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


def _str_arr(x, n: int) -> np.ndarray:
    a = np.asarray(x, dtype=object)
    return np.broadcast_to(a, (n,)) if a.ndim == 0 else a


# ---------------------------------------------------------------------------------------------
# Group lookup: which calibration group each row uses, with its factors and band.
# ---------------------------------------------------------------------------------------------
def _column(dtype=float):
    """A :class:`GroupFactors` field holding one value per row, of ``dtype``."""
    return field(metadata={"dtype": dtype})


@dataclass(frozen=True)
class GroupFactors:
    """Per-row factors of the calibration groups the rows use (see the module docstring)."""

    eff_bw: np.ndarray = _column()                 # e_bw: share of peak bandwidth (the decode group's)
    eff_compute: np.ndarray = _column()            # e_c: share of peak compute (the prefill group's)
    overhead_per_layer_s: np.ndarray = _column()   # t_layer (the decode group's)
    format_bw: np.ndarray = _column()              # f_bw: dequantisation factor of the format family
    format_compute: np.ndarray = _column()         # f_c
    decode_band_low: np.ndarray = _column()        # multipliers on decode time
    decode_band_high: np.ndarray = _column()
    prefill_band_low: np.ndarray = _column()       # multipliers on prefill time
    prefill_band_high: np.ndarray = _column()
    calibrated_decode: np.ndarray = _column(bool)
    calibrated_prefill: np.ndarray = _column(bool)
    peak_path: np.ndarray = _column(object)        # which peak each row computes on (:func:`peak_path`)
    basis: np.ndarray = _column(object)            # the group used, or "fallback for ..." with its sources
    dequant_rate: np.ndarray = _column()           # weight bytes a CPU dequantises per FLOP of its FP32 peak in
                                                   # a decode step: the decode group's e_c x the format's factor
    dequant_on_cpu: np.ndarray = _column(bool)     # a quantised format on a CPU class: a decode step
                                                   # dequantises every weight


def _group_basis(own: str, decode_group: str, cal_d: bool, prefill_group: str, cal_p: bool) -> str:
    if cal_d and cal_p:
        return decode_group
    if decode_group == own and prefill_group == own:
        return f"{own} (built-in default factors, not fitted)"
    return (f"fallback for {own}: decode from {decode_group}{'' if cal_d else ' (uncalibrated)'}, "
            f"prefill from {prefill_group}{'' if cal_p else ' (uncalibrated)'}")


def software_compute(group: Mapping[str, Any], runtime: str) -> float:
    """The factor a runtime's own kernels put on a shared group's compute efficiency (1 for the
    group's reference runtime and for a runtime the group has no fitted factor for)."""
    return float(group.get("software_compute", {}).get(runtime, 1.0))


def _one_group(hw_class: str, runtime: str, weight_format: str, f: Mapping[str, Any],
               efficiency_override) -> tuple:
    """The factors of one (class, runtime, format), in :class:`GroupFactors` field order."""
    path = peak_path(hw_class, runtime, weight_format)
    gd, cal_d = resolve_group(hw_class, runtime, f, "decode")
    gp, cal_p = resolve_group(hw_class, runtime, f, "prefill", path)
    fam = _family(weight_format)
    if efficiency_override is not None:
        eff = (efficiency_override["eff_bw"], efficiency_override["eff_compute"],
               efficiency_override.get("overhead_per_layer_s", 0.0), 1.0, 1.0)
        # the override replaces every fitted factor, the dequantising rate too: no dequantising term
        eff_cd, factor, dequant = 1.0, 1.0, False
    else:
        g_d, g_p = f["groups"][gd], f["groups"][gp]
        factor = software_compute(g_p, runtime)
        eff_cd = g_d["eff_compute"] * f["format_factors"].get("dequant", {}).get(fam, 1.0)
        eff = (g_d["eff_bw"], g_p["eff_compute"] * factor, g_d["overhead_per_layer_s"],
               f["format_factors"]["bw"][fam], f["format_factors"]["compute"][fam])
        dequant = hw_class in CPU_SIMD_CLASSES and fam in ("8bit", "4bit")
    bands = f.get("bands", {})
    default_band = bands.get("default", DEFAULT_FACTORS["bands"]["default"])
    unc = f.get("uncalibrated_band", DEFAULT_FACTORS["uncalibrated_band"])
    d_lo, d_hi = bands.get(gd, default_band)["decode"] if cal_d else unc["decode"]
    p_lo, p_hi = bands.get(gp, default_band)["prefill"] if cal_p else unc["prefill"]
    own = f"{hw_class}|{group_runtime(hw_class, runtime)}"
    basis = _group_basis(own, gd, cal_d, gp, cal_p)
    if factor != 1.0:
        basis += f"; {runtime}'s own compute factor {factor:.2f} on {gp}'s prefill efficiency"
    if dequant:
        basis += (f"; a decode step dequantises every weight on the SIMD units ({eff_cd:.3g} weight bytes "
                  "per FLOP of the FP32 peak)")
    return (*eff, d_lo, d_hi, p_lo, p_hi, cal_d, cal_p, path, basis, eff_cd, dequant)


def lookup_groups(hw_class, runtime, weight_format, n: int, factors: Mapping[str, Any] | None = None,
                  efficiency_override=None) -> GroupFactors:
    """Factors for ``n`` rows of (class, runtime, format), looked up once per distinct combination.

    ``efficiency_override`` (``{"eff_bw", "eff_compute", "overhead_per_layer_s"}``) replaces the
    fitted efficiencies and sets the format factors to 1; the bands still come from the groups.
    """
    f = factors or load_factors()
    keys = [factorize(_str_arr(v, n)) for v in (hw_class, runtime, weight_format)]
    (ucls, icls), (urt, irt), (ufmt, ifmt) = [([str(u) for u in uniq], inv) for uniq, inv in keys]
    code = (icls * len(urt) + irt) * len(ufmt) + ifmt
    ucode, inv = np.unique(code, return_inverse=True)
    per_combo = [_one_group(ucls[c // (len(ufmt) * len(urt))], urt[(c // len(ufmt)) % len(urt)],
                            ufmt[c % len(ufmt)], f, efficiency_override) for c in ucode]
    columns = list(zip(*per_combo)) if per_combo else [()] * len(fields(GroupFactors))
    out = {}
    for spec, values in zip(fields(GroupFactors), columns):
        dtype = spec.metadata["dtype"]
        out[spec.name] = np.array(values, dtype=dtype)[inv] if len(values) else np.empty(0, dtype=dtype)
    return GroupFactors(**out)
