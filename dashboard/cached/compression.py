"""Cached runs of the compression demo, and the cost engine's projection of its variants onto
edge and mobile devices.

The projection composes the model's measured result (FLOPs, parameters and weight format of
each variant, models/compression) with the engine's latency estimate (scenarios.engine), here
rather than in models/, which imports no engine code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import streamlit as st

from dashboard.cached.sweeps import Progress, memo
from models.compression import CompressionConfig, CompressionResult, run_compression, run_sweep
from scenarios.engine.catalog import get_model, load_formats
from scenarios.engine.serving import estimate_vision
from scenarios.errors import VentureLabError

EDGE_HARDWARE = (
    "nvidia-jetson-orin-nano-8gb",
    "raspberry-pi-5",
    "qualcomm-snapdragon-8-gen-3",
    "apple-a17-pro",
)
REFERENCE_MODELS = ("this-mlp", "mobilenet-v3-large", "resnet-50", "yolov8n")
PROJECTED_VARIANTS = ("fp32", "int8", "pruned-unstructured", "pruned-structured", "student-distilled")


@dataclass(frozen=True)
class EdgeProjection:
    """The cost engine's latency band for one variant on one device."""

    variant: str
    hardware: str
    reference_model: str
    gflops_per_input: float
    weights_format: str
    weights_mb: float  # reference parameters x the variant's share kept x bits per weight
    latency_ms: float
    latency_ms_low: float
    latency_ms_high: float
    runtime: str
    bound: str  # "compute" | "bandwidth"
    fits: bool


def project_edge(
    result: CompressionResult, hardware: Sequence[str] = EDGE_HARDWARE, reference_model: str = "resnet-50"
) -> tuple[EdgeProjection, ...]:
    """Project each variant's latency and weight memory onto edge and mobile devices.

    With ``reference_model="this-mlp"`` the measured FLOPs of the demo MLP go to the engine as
    ``model="custom"``. With a catalog vision model, the technique's measured *ratios* (FLOPs kept,
    parameters kept, weight format) are applied to that model: "what would the same compression
    do to a production-sized network". Unstructured sparsity keeps the dense FLOPs because dense
    kernels multiply the zeros anyway (speed-ups need sparse kernels or 2:4 hardware support).
    """
    if reference_model not in REFERENCE_MODELS:
        raise VentureLabError("reference_model", "unknown", got=reference_model, accepted=REFERENCE_MODELS)
    base = result.variant("fp32")
    bits = {f.id: f.bits_per_weight for f in load_formats().values()}
    out = []
    for name in PROJECTED_VARIANTS:
        v = result.variant(name)
        flops_ratio = v.gflops_per_input / base.gflops_per_input
        params_ratio = v.params / base.params
        if reference_model == "this-mlp":
            model, gflops, n_params = "custom", v.gflops_per_input, float(v.params)
        else:
            spec = get_model(reference_model)
            model, gflops, n_params = spec.id, spec.gflops_per_input * flops_ratio, spec.params * params_ratio
        for hw in hardware:
            est = estimate_vision(model, hw, weights=v.weights_format, gflops_per_input=gflops)
            out.append(EdgeProjection(
                variant=name, hardware=hw, reference_model=reference_model, gflops_per_input=gflops,
                weights_format=v.weights_format, weights_mb=n_params * bits[v.weights_format] / 8 / 1e6,
                latency_ms=est.latency_ms, latency_ms_low=est.latency_ms_low,
                latency_ms_high=est.latency_ms_high,
                runtime=est.runtime, bound=est.bound, fits=bool(est.fits)))
    return tuple(out)


@st.cache_data(show_spinner=False, max_entries=32)
def compression(**knobs) -> CompressionResult:
    """The demo on the page's knobs (keyword values, hashable and URL-shaped)."""
    return run_compression(CompressionConfig(**knobs))


@st.cache_data(show_spinner=False, max_entries=64)
def edge_projection(reference_model: str, **knobs) -> tuple[EdgeProjection, ...]:
    return project_edge(compression(**knobs), reference_model=reference_model)


def compression_sweep(progress: Progress = None, **knobs):
    """Accuracy and size against pruning amount and L1 strength, memoised with its progress."""
    return memo("compression_sweep", lambda p: run_sweep(CompressionConfig(**knobs), progress=p),
                progress, knobs)
