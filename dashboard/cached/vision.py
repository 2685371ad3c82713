"""Cached runs of the vision demo: the trained CNNs, their robustness evaluation, and the cost
engine's per-frame latency of the same network on edge devices."""

from __future__ import annotations

import streamlit as st

from dashboard.public_text import error_text

from models import vision_robustness
from scenarios.engine.catalog import load_hardware
from scenarios.engine.serving import estimate_vision
from scenarios.errors import VentureLabError

EDGE_TARGETS = ("nvidia-jetson-orin-nano-8gb", "nvidia-jetson-orin-nx-16gb", "nvidia-jetson-agx-orin-64gb",
                "raspberry-pi-5", "qualcomm-snapdragon-8-gen-3", "apple-a17-pro", "google-tensor-g3")


@st.cache_resource(show_spinner=False, max_entries=8)
def _trained_vision(key: vision_robustness.VisionConfig) -> dict:
    """Trained CNNs (torch modules: a resource, not data), shared while only the saliency image or
    PGD steps change, so those knobs re-evaluate in a fraction of a second instead of retraining."""
    return vision_robustness.train_recipes(key)


@st.cache_data(show_spinner=False, max_entries=16)
def run_vision(cfg: vision_robustness.VisionConfig) -> vision_robustness.VisionResult:
    key = vision_robustness.training_key(cfg)
    return vision_robustness.run_vision(cfg, trained=_trained_vision(key))


@st.cache_data(show_spinner=False, max_entries=64)
def edge_latency(gflops_per_input: float, hardware: tuple[str, ...], weights: str,
                 reference_model: str = "yolov8n") -> list[dict]:
    """Per-frame latency from the cost engine for the demo's CNN (``model="custom"`` with its
    measured FLOPs) and a catalog detector, one row per device and model. A device the engine
    refuses gets a row with its ``error`` instead, so one bad device does not hide the others."""
    rows = []
    for hw in hardware:
        for model, gf in (("custom", gflops_per_input), (reference_model, None)):
            try:
                est = estimate_vision(model=model, hardware=hw, weights=weights, gflops_per_input=gf)
            except VentureLabError as err:
                rows.append({"device": hw, "model": model, "error": error_text(err)})
                continue
            rows.append({"device": hw, "model": model, "latency_ms": est.latency_ms,
                         "low": est.latency_ms_low, "high": est.latency_ms_high,
                         "inputs_per_s": est.inputs_per_s, "bound": est.bound,
                         "energy_j_per_input": est.energy_j_per_input, "runtime": est.runtime,
                         "assumptions": [(a.name, str(a.value), a.unit, a.source) for a in est.assumptions]})
    return rows


# a few id tuples per page layout: small dicts, bounded all the same
@st.cache_data(show_spinner=False, max_entries=32)
def hardware_names(ids: tuple[str, ...]) -> dict[str, str]:
    """Display names of catalog devices (an id the catalog lacks shows as itself)."""
    hw = load_hardware()
    return {i: hw[i].name if i in hw else i for i in ids}
