"""Cached measurements of the training-speed demo, and the cost engine's projection of the same
model on GPUs and across data- and tensor-parallel devices.

Timings carry a ``nonce``: "measure again" bumps it, so a new measurement bypasses the cache.
The projection composes the measured model's shape (models/tiny_gpt.GPTConfig.hf_config) with
the engine's training step time (scenarios.engine.training), here rather than in models/, which
imports no engine code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import streamlit as st

from models import training_speed
from models.training_speed import SPEED_MODEL, SpeedConfig
from scenarios.engine.catalog import get_hardware, get_model, model_from_hf_config
from scenarios.engine.training import scaling_projection

Progress = Callable[[float], None] | None
DEMO_MODEL = "tiny-gpt"  # the engine's name for the measured model, described by its config


@st.cache_data(show_spinner=False, max_entries=16)
def run_bf16(cfg: SpeedConfig, nonce: int = 0) -> training_speed.Bf16Result:
    return training_speed.run_bf16(cfg)


@st.cache_data(show_spinner=False, max_entries=256)
def _time_point(cfg: SpeedConfig, batch: int, threads: int, dtype: str, nonce: int):
    return training_speed.time_steps(cfg.model, batch, threads, dtype, cfg.repeats, cfg.steps, cfg.seed)


def batch_thread_sweep(cfg: SpeedConfig, dtypes: tuple[str, ...], nonce: int = 0,
                       progress: Progress = None) -> list[training_speed.Timing]:
    """Every batch size x threads (x dtype) combination, each point timed and cached on its own."""
    combos = training_speed.sweep_combinations(dtypes)
    out = []
    for i, (b, th, d) in enumerate(combos):
        out.append(_time_point(cfg, b, th, d, nonce))
        if progress:
            progress((i + 1) / len(combos))
    return out


@st.cache_resource(show_spinner=False, max_entries=1)  # no arguments: one entry
def machine_info() -> training_speed.MachineInfo:
    return training_speed.machine_info()


@st.cache_data(show_spinner=False, max_entries=1)  # no arguments: one entry
def bf16_rounding_examples() -> list[tuple[float, float, float]]:
    return training_speed.bf16_rounding_examples()


@dataclass(frozen=True)
class ScalingRow:
    """One device count of the engine's scaling projection (scenarios.engine.training.scaling_projection)."""

    devices: int
    step_s: float          # one training step, seconds
    comm_s: float          # of which communication between devices, seconds
    tokens_per_s: float    # all devices together
    speedup: float         # tokens_per_s over one device's
    efficiency: float      # speedup / devices


def _rows(frame) -> tuple[ScalingRow, ...]:
    return tuple(ScalingRow(devices=int(r["devices"]), step_s=float(r["step_s"]), comm_s=float(r["comm_s"]),
                            tokens_per_s=float(r["tokens_per_s"]), speedup=float(r["speedup"]),
                            efficiency=float(r["efficiency"])) for r in frame.to_dict("records"))


@dataclass(frozen=True)
class EngineProjection:
    model: str                      # DEMO_MODEL or a catalog model id
    hardware: str
    engine_params: float            # parameters as the engine counts them from the config
    tokens_per_device_step: int
    gpu_tokens_per_s: float         # one device, from the engine's step time
    mfu_used: float                 # model FLOPs utilisation the engine assumed
    data: tuple[ScalingRow, ...] = ()     # data parallelism over 1..N devices
    tensor: tuple[ScalingRow, ...] = ()   # tensor (model) parallelism over 1..N devices


def project_training(model: str = DEMO_MODEL, hardware: str = "nvidia-h100-sxm",
                     devices: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64),
                     tokens_per_device_step: int | None = None) -> EngineProjection:
    """Ask the cost engine (scenarios.engine.training) how this model trains on ``hardware`` devices.

    The demo's own model goes in as a Hugging Face style config (``GPTConfig.hf_config``), so
    the engine prices the very shapes measured on this CPU; a catalog id shows a real-sized model.
    """
    if model == DEMO_MODEL:
        spec = model_from_hf_config(SPEED_MODEL.hf_config(), DEMO_MODEL)
        default_tokens = SpeedConfig().batch_size * SPEED_MODEL.block_size
    else:
        spec = get_model(model)
        default_tokens = 4 * 4096  # 4 sequences of 4k tokens per device
    tokens = default_tokens if tokens_per_device_step is None else tokens_per_device_step
    data = scaling_projection(spec, hardware, list(devices), "data", tokens)
    tensor = scaling_projection(spec, hardware, list(devices), "tensor", tokens)
    one = scaling_projection(spec, hardware, [1], "data", tokens).iloc[0]
    # The MFU the engine assumed, recovered from its one-device step: step = 6 N t / (peak * MFU).
    peak = get_hardware(hardware).peak_tflops_fp16 * 1e12
    mfu = 6.0 * spec.active_params * tokens / (peak * float(one["step_s"]))
    return EngineProjection(model=model, hardware=hardware, engine_params=float(spec.params),
                            tokens_per_device_step=int(tokens), gpu_tokens_per_s=float(one["tokens_per_s"]),
                            mfu_used=float(mfu), data=_rows(data), tensor=_rows(tensor))


@st.cache_data(show_spinner=False, max_entries=64)
def engine_projection(model: str, hardware: str, devices: tuple[int, ...],
                      tokens_per_device_step: int | None) -> EngineProjection:
    """The cost engine's data- and tensor-parallel scaling, and its one-device GPU throughput."""
    return project_training(model, hardware, devices, tokens_per_device_step)
