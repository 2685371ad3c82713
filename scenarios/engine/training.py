"""Training and fine-tuning estimates: FLOPs, accelerator-hours at a fitted MFU, wall clock, cost,
energy, CO2, memory per device (mixed-precision Adam, ZeRO 0-3, activation checkpointing), LoRA and
QLoRA, and a data / tensor parallel scaling projection.

MFU by hardware generation and model size comes from :func:`scenarios.engine.speed.mfu_for` (fitted on
published runs by scenarios/calibration/fit.py); a caller may override it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scenarios.engine import speed
from scenarios.engine.assumption import Assumption, result_dict
from scenarios.engine.catalog import Hardware, get_hardware, get_model
from scenarios.engine.flops import chinchilla_optimal, training_flops  # noqa: F401  (re-exported)
from scenarios.engine.memory import (
    RUNTIME_OVERHEAD_GB,
    lora_params,
    training_activation_bytes,
    training_state_bytes,
)
from scenarios.errors import VentureLabError
from scenarios.units import parse_number

# QLoRA stores the frozen base in 4-bit NormalFloat with double quantisation: 4 + 0.127 bits per
# parameter (Dettmers et al. 2023, arXiv:2305.14314 s3 'Double Quantization').
NF4_DQ_BITS = 4.127
# LoRA adapters: bf16 weights (2) + bf16 grads (2) + fp32 Adam m and v (8) = 12 bytes per adapter
# parameter (no fp32 master copy: QLoRA keeps adapters in the 16-bit compute dtype).
ADAPTER_BYTES = 12.0
# Inter-node bandwidth per GPU when data parallel spans nodes (> 8 devices): 400 Gbit/s InfiniBand
# NDR per GPU = 50 GB/s (DGX H100 reference architecture).  ASSUMED for every class.
INTER_NODE_GB_S = 50.0


@dataclass(frozen=True)
class TrainingRequest:
    model: str
    hardware: str
    tokens: float
    devices: int = 1
    mfu: float | None = None
    price_per_hour: float | None = None
    zero_stage: int = 1
    activation_checkpointing: bool = True
    micro_batch: int = 1
    seq_len: int | None = None
    tensor_parallel: int = 1
    precision: str = "bf16"


@dataclass(frozen=True)
class TrainingEstimate:
    training_flops: float
    accelerator_hours: float
    accelerator_hours_low: float
    accelerator_hours_high: float
    wall_clock_days: float
    wall_clock_days_low: float
    wall_clock_days_high: float
    cost_usd: float | None
    cost_usd_low: float | None
    cost_usd_high: float | None
    energy_kwh: float
    energy_kwh_low: float
    energy_kwh_high: float
    co2_kg: float
    co2_kg_low: float
    co2_kg_high: float
    memory_per_device_gb: float
    fits: bool
    mfu_used: float
    mfu_low: float
    mfu_high: float
    mfu_calibrated: bool
    inputs: dict
    assumptions: tuple[Assumption, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return result_dict(self)


def _training_peak(hw: Hardware) -> float:
    """Mixed-precision training runs on the 16-bit tensor peak (fp16 or bf16)."""
    return hw.peak_tflops_fp16 * 1e12


def _precision(value, hw: Hardware) -> bool:
    """True for FP8 training (the hardware must list fp8 among its compute formats)."""
    if value not in speed.PRECISIONS:
        raise VentureLabError("precision", "is not a training precision", got=value, accepted=speed.PRECISIONS)
    if value == "fp8" and "fp8" not in hw.compute_formats:
        raise VentureLabError("precision", f"fp8 is not a compute format of {hw.id}", got=value,
                              accepted=("bf16",))
    return value == "fp8"


def _mfu(hw: Hardware, active_params_b: float, override, devices: int = 1, moe: bool = False,
         fp8: bool = False) -> tuple[float, float, float, bool, str]:
    """MFU over the dense 16-bit peak (FP8 runs included: the fit's fp8 effect carries the gain)."""
    if override is not None:
        mfu = parse_number(override, "mfu", minimum=0.001, maximum=1.0)
        return mfu, mfu, mfu, True, "given by the user"
    r = speed.mfu_for(hw.id, active_params_b, peak_tflops=hw.peak_tflops_fp16, devices=devices, moe=moe, fp8=fp8)
    return float(r.mfu[0]), float(r.mfu_low[0]), float(r.mfu_high[0]), bool(r.calibrated[0]), str(r.basis[0])


@dataclass(frozen=True)
class _TrainingSetup:
    """A training request's numbers, checked, with the defaults filled in."""

    tokens: float
    devices: int
    zero_stage: int
    micro_batch: int
    tensor_parallel: int
    seq_len: int
    price_per_hour: float | None      # given, else the catalog's rental price, else None


def _training_setup(req: TrainingRequest, m, hw: Hardware) -> _TrainingSetup:
    if not m.layers or not m.hidden_size:
        raise VentureLabError("model", "needs layers and hidden_size for a training estimate", got=m.id)
    tokens = parse_number(req.tokens, "tokens", minimum=0, maximum=1e16)
    n_dev = parse_number(req.devices, "devices", integer=True, minimum=1, maximum=1_000_000)
    zero = parse_number(req.zero_stage, "zero_stage", integer=True, minimum=0, maximum=3)
    mb = parse_number(req.micro_batch, "micro_batch", integer=True, minimum=1, maximum=65536)
    tp = parse_number(req.tensor_parallel, "tensor_parallel", integer=True, minimum=1, maximum=n_dev)
    if n_dev % tp:
        raise VentureLabError("tensor_parallel", "must divide devices", got=tp)
    seq = parse_number(req.seq_len if req.seq_len is not None else min(m.context_length or 2048, 4096),
                       "seq_len", integer=True, minimum=1, maximum=10_000_000)
    if not isinstance(req.activation_checkpointing, (bool, np.bool_)):
        raise VentureLabError("activation_checkpointing", "must be true or false", got=req.activation_checkpointing)
    price = parse_number(req.price_per_hour, "price_per_hour", minimum=0, maximum=1e4, allow_none=True)
    if price is None and hw.usd_per_hour:
        price = hw.usd_per_hour
    return _TrainingSetup(tokens, n_dev, zero, mb, tp, seq, price)


def _training_memory_gb(m, hw: Hardware, s: _TrainingSetup, checkpointing: bool) -> float:
    """Weights, gradients and Adam states under ZeRO over the data-parallel group, sharded by tensor
    parallel, plus activations and the runtime overhead, per device."""
    states = float(training_state_bytes(m.params, s.devices // s.tensor_parallel, s.zero_stage)) / s.tensor_parallel
    acts = float(training_activation_bytes(s.seq_len, s.micro_batch, m.hidden_size, m.attention_heads or 1, m.layers,
                                           checkpointing, s.tensor_parallel))
    return (states + acts) / 1e9 + RUNTIME_OVERHEAD_GB[hw.hw_class]


def _training_assumptions(req: TrainingRequest, hw: Hardware, s: _TrainingSetup, peak: float, mfu: float,
                          basis: str, pue: float) -> tuple[Assumption, ...]:
    from scenarios.engine.prices import operating_assumptions
    ops = operating_assumptions()
    return (
        Assumption("flops", "6 N D + 12 L (H Q) T D", "FLOPs", "Kaplan et al. 2020; PaLM (Chowdhery et al. 2022) App. B"),
        Assumption("peak", peak, "FLOP/s per device (16-bit dense)", hw.source),
        Assumption("mfu", mfu, "share of peak", basis),
        Assumption("optimizer_memory", 16, "bytes per parameter before ZeRO", "ZeRO (Rajbhandari et al. 2020) s3.1"),
        Assumption("activations", "s b h (34 + 5 a s / h) per layer" + (", checkpointed" if
                   req.activation_checkpointing else ""), "bytes", "Korthikanti et al. 2022 arXiv:2205.05198"),
        Assumption("power", hw.tdp_w, "W per device", "data/hardware.csv tdp_w"),
        Assumption("pue", pue, "", ops["pue"].source),
        Assumption("grid_intensity", ops["grid_kg_co2_per_kwh"].expected, "kg CO2/kWh",
                   ops["grid_kg_co2_per_kwh"].source),
        Assumption("price_per_hour", s.price_per_hour, "USD per device-hour",
                   "given by the user" if req.price_per_hour is not None else (hw.price_source or "no price")),
        Assumption("seq_len", s.seq_len, "tokens", "given" if req.seq_len is not None else "min(context, 4096)"),
    )


def estimate_training(req: TrainingRequest) -> TrainingEstimate:
    """Pre-training estimate for ``tokens`` tokens on ``devices`` accelerators."""
    if not isinstance(req, TrainingRequest):
        raise VentureLabError("request", "must be a TrainingRequest", got=type(req).__name__)
    m = get_model(req.model)
    hw = get_hardware(req.hardware)
    s = _training_setup(req, m, hw)
    q_dim = (m.attention_heads or 0) * (m.head_dim or (m.hidden_size // max(m.attention_heads or 1, 1)))
    flops = float(training_flops(m.active_params, s.tokens, m.layers, q_dim, s.seq_len))
    fp8 = _precision(req.precision, hw)
    moe = bool(m.active_params and m.params and m.active_params < m.params)
    mfu, mfu_lo, mfu_hi, cal, basis = _mfu(hw, m.active_params / 1e9, req.mfu, s.devices, moe, fp8)
    peak = _training_peak(hw)
    hours = [flops / (peak * x) / 3600.0 for x in (mfu, mfu_hi, mfu_lo)]    # expected, low, high
    from scenarios.engine.prices import operating_assumptions
    ops = operating_assumptions()
    pue = ops["pue"].expected if hw.category == "datacenter-gpu" else 1.0
    grid = ops["grid_kg_co2_per_kwh"].expected
    kwh = [h * hw.tdp_w / 1000.0 * pue for h in hours]
    days = [h / s.devices / 24.0 for h in hours]
    cost = [None if s.price_per_hour is None else h * s.price_per_hour for h in hours]
    mem_gb = _training_memory_gb(m, hw, s, req.activation_checkpointing)
    return TrainingEstimate(
        training_flops=flops, accelerator_hours=hours[0], accelerator_hours_low=hours[1],
        accelerator_hours_high=hours[2], wall_clock_days=days[0], wall_clock_days_low=days[1],
        wall_clock_days_high=days[2], cost_usd=cost[0], cost_usd_low=cost[1], cost_usd_high=cost[2],
        energy_kwh=kwh[0], energy_kwh_low=kwh[1], energy_kwh_high=kwh[2],
        co2_kg=kwh[0] * grid, co2_kg_low=kwh[1] * grid, co2_kg_high=kwh[2] * grid,
        memory_per_device_gb=mem_gb, fits=mem_gb <= hw.usable_memory_gb, mfu_used=mfu, mfu_low=mfu_lo,
        mfu_high=mfu_hi, mfu_calibrated=cal,
        inputs={"model": m.id, "hardware": hw.id, "tokens": s.tokens, "devices": s.devices, "mfu": req.mfu,
                "price_per_hour": req.price_per_hour, "zero_stage": s.zero_stage,
                "activation_checkpointing": bool(req.activation_checkpointing), "micro_batch": s.micro_batch,
                "seq_len": s.seq_len, "tensor_parallel": s.tensor_parallel, "precision": req.precision},
        assumptions=_training_assumptions(req, hw, s, peak, mfu, basis, pue))


@dataclass(frozen=True)
class FinetuneEstimate:
    method: str
    weights_gb: float
    trainable_params: float
    adapter_and_optimizer_gb: float
    activations_gb: float
    overhead_gb: float
    memory_gb: float
    fits: bool
    hours: float | None
    hours_low: float | None
    hours_high: float | None
    inputs: dict
    assumptions: tuple[Assumption, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return result_dict(self)


def _finetune_bytes(m, method: str, rank: int, targets: str) -> tuple[float, float, float]:
    """(base weights, trainable parameters, trainable weights + grads + optimizer) in bytes."""
    if method == "full":
        return m.params * 2.0, m.params, m.params * 14.0     # grads (2) + fp32 master, m, v (12)
    trainable = lora_params(m, rank, targets)
    return m.params * (2.0 if method == "lora" else NF4_DQ_BITS / 8.0), trainable, trainable * ADAPTER_BYTES


def _finetune_hours(m, hw: Hardware, method: str, tokens, mfu) -> tuple[float, float, float]:
    """Device-hours expected, low, high: 6 N (full) or 4 N (adapters) FLOPs per token at the MFU."""
    d = parse_number(tokens, "tokens", minimum=0, maximum=1e15)
    per_token = 6.0 if method == "full" else 4.0
    flops = per_token * m.active_params * d
    mfu_e, mfu_lo, mfu_hi, _, _ = _mfu(hw, m.active_params / 1e9, mfu)
    peak = _training_peak(hw)
    return tuple(flops / (peak * x) / 3600.0 for x in (mfu_e, mfu_hi, mfu_lo))


def finetune_memory(model: str, hardware: str, method: str = "lora", rank: int = 16, seq_len: int = 512,
                    micro_batch: int = 1, targets: str = "all-linear", tokens: float | None = None,
                    activation_checkpointing: bool = True, mfu: float | None = None) -> FinetuneEstimate:
    """Memory (and, with ``tokens``, time) to fine-tune on one device.

    full: mixed-precision Adam, 16 bytes/parameter (ZeRO stage 0).  lora: frozen 16-bit base + adapters
    (Hu et al. 2021).  qlora: frozen NF4 base with double quantisation (4.127 bits) + 16-bit adapters
    (Dettmers et al. 2023).  Time: forward 2N + backward 2N (activation gradients; frozen weights get
    no weight gradient) = 4 N per token for LoRA/QLoRA, 6 N for full, at the training MFU; QLoRA's
    dequantisation is charged by the MFU band, not a separate factor.
    """
    m = get_model(model)
    hw = get_hardware(hardware)
    if method not in ("full", "lora", "qlora"):
        raise VentureLabError("method", "unknown fine-tuning method", got=method, accepted=("full", "lora", "qlora"))
    if targets not in ("all-linear", "attention"):
        raise VentureLabError("targets", "unknown LoRA targets", got=targets, accepted=("all-linear", "attention"))
    r = parse_number(rank, "rank", integer=True, minimum=1, maximum=65536)
    seq = parse_number(seq_len, "seq_len", integer=True, minimum=1, maximum=10_000_000)
    mb = parse_number(micro_batch, "micro_batch", integer=True, minimum=1, maximum=65536)
    if not m.layers or not m.hidden_size:
        raise VentureLabError("model", "needs layers and hidden_size for a fine-tuning estimate", got=m.id)
    weights, trainable, adapter = _finetune_bytes(m, method, r, targets)
    acts = float(training_activation_bytes(seq, mb, m.hidden_size, m.attention_heads or 1, m.layers,
                                           activation_checkpointing))
    overhead = RUNTIME_OVERHEAD_GB[hw.hw_class]
    total = (weights + adapter + acts) / 1e9 + overhead
    hours, lo, hi = (None, None, None) if tokens is None else _finetune_hours(m, hw, method, tokens, mfu)
    assumptions = (
        Assumption("base_weights", {"full": 16, "lora": 16, "qlora": NF4_DQ_BITS}[method], "bits/parameter",
                   "QLoRA (Dettmers et al. 2023) s3" if method == "qlora" else "bf16"),
        Assumption("adapter_bytes", ADAPTER_BYTES if method != "full" else 16, "bytes/trainable parameter",
                   "bf16 weights + grads, fp32 Adam m and v" if method != "full" else "ZeRO s3.1"),
        Assumption("lora_targets", targets, "", "QLoRA s4 adapts all linear layers; LoRA paper q and v"),
    )
    return FinetuneEstimate(method=method, weights_gb=weights / 1e9, trainable_params=trainable,
                            adapter_and_optimizer_gb=adapter / 1e9, activations_gb=acts / 1e9, overhead_gb=overhead,
                            memory_gb=total, fits=total <= hw.usable_memory_gb, hours=hours, hours_low=lo,
                            hours_high=hi,
                            inputs={"model": m.id, "hardware": hw.id, "method": method, "rank": r, "seq_len": seq,
                                    "micro_batch": mb, "targets": targets, "tokens": tokens},
                            assumptions=assumptions)


def scaling_projection(model: str, hardware: str, devices: list[int], parallelism: str = "data",
                       tokens_per_device_step: int = 4 * 4096, mfu: float | None = None):
    """Speed-up and efficiency of training on 1..N devices (a pandas DataFrame).

    data: each step all-reduces the 16-bit gradients (2 N bytes) with a ring, 2 (n-1)/n of it per
    device, over NVLink/PCIe within 8 devices and ``INTER_NODE_GB_S`` beyond, not overlapped with
    compute (an upper bound on the cost).  tensor: 4 all-reduces per layer per step (2 forward, 2
    backward; Megatron-LM, Shoeybi et al. 2019 s3) of tokens x hidden x 2 bytes.
    """
    import pandas as pd
    m = get_model(model)
    hw = get_hardware(hardware)
    if parallelism not in ("data", "tensor"):
        raise VentureLabError("parallelism", "unknown parallelism", got=parallelism, accepted=("data", "tensor"))
    ns = [parse_number(d, "devices", integer=True, minimum=1, maximum=1_000_000) for d in devices]
    if not ns:
        raise VentureLabError("devices", "give at least one device count")
    t = parse_number(tokens_per_device_step, "tokens_per_device_step", integer=True, minimum=1)
    mfu_e = _mfu(hw, m.active_params / 1e9, mfu)[0]
    t_compute = 6.0 * m.active_params * t / (_training_peak(hw) * mfu_e)
    rows = []
    for n in ns:
        bw = (hw.interconnect_gb_s if n <= 8 else min(hw.interconnect_gb_s, INTER_NODE_GB_S)) * 1e9
        ring = 2.0 * (n - 1) / n
        if parallelism == "data":
            comm = ring * 2.0 * m.params / bw if n > 1 else 0.0
            step = t_compute + comm
            tokens_per_s = n * t / step
        else:
            comm = 4.0 * (m.layers or 1) * (ring * t * (m.hidden_size or 0) * 2.0 / bw + 10e-6) if n > 1 else 0.0
            step = t_compute / n + comm
            tokens_per_s = t / step
        base = t / t_compute
        rows.append({"devices": n, "parallelism": parallelism, "step_s": step, "comm_s": comm,
                     "tokens_per_s": tokens_per_s, "speedup": tokens_per_s / base,
                     "efficiency": tokens_per_s / base / n})
    return pd.DataFrame(rows)
