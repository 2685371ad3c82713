"""Cached calls for the finance, medical and vision demos (the only st.cache_* of this area).

Each wrapper is keyed on a frozen config dataclass, so a second run with the same settings (in
any session of this server) comes from the cache. Sweeps run point by point through cached
single runs, reporting progress through a callback, and are remembered in :func:`_swept` so a
reloaded link whose sweep already ran shows it again without a click.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from models import credit, fraud, medical, medical_privacy, vision_robustness

Progress = Callable[[float], None] | None


@st.cache_data(show_spinner=False, max_entries=64)
def run_fraud(cfg: fraud.FraudConfig) -> fraud.FraudResult:
    return fraud.run_fraud(cfg)


@st.cache_data(show_spinner=False, max_entries=64)
def run_credit(cfg: credit.CreditConfig) -> credit.CreditResult:
    return credit.run_credit(cfg)


@st.cache_data(show_spinner=False, max_entries=64)
def run_explain(cfg: medical.ExplainConfig) -> medical.ExplainResult:
    return medical.run_explain(cfg)


@st.cache_data(show_spinner=False, max_entries=128)
def run_dp(cfg: medical_privacy.DPConfig) -> medical_privacy.DPResult:
    return medical_privacy.run_dp(cfg)


@st.cache_data(show_spinner=False, max_entries=64)
def run_fedavg(cfg: medical_privacy.FedConfig) -> medical_privacy.FedResult:
    return medical_privacy.run_fedavg(cfg)


@st.cache_resource(show_spinner=False, max_entries=8)
def _trained_vision(key: vision_robustness.VisionConfig) -> dict:
    """Trained CNNs (torch modules: a resource, not data), shared while only the saliency image or
    PGD steps change, so those knobs re-evaluate in a fraction of a second instead of retraining."""
    return vision_robustness.train_recipes(key)


@st.cache_data(show_spinner=False, max_entries=16)
def run_vision(cfg: vision_robustness.VisionConfig) -> vision_robustness.VisionResult:
    key = vision_robustness.training_key(cfg)
    return vision_robustness.run_vision(cfg, trained=_trained_vision(key))


# ----------------------------------------------------------------------------- sweeps
@st.cache_resource(show_spinner=False)
def _swept() -> set:
    """Sweep keys that have completed in this server process (so their points are cached)."""
    return set()


def sweep_done(kind: str, cfg) -> bool:
    return (kind, cfg) in _swept()


def dp_sweep(cfg: medical_privacy.DPConfig, progress: Progress = None) -> dict[float, medical_privacy.DPResult]:
    """Accuracy at every epsilon of :data:`models.medical_privacy.EPSILON_GRID`, other knobs fixed."""
    base = replace(cfg, epsilon=1.0)
    out = {}
    grid = medical_privacy.EPSILON_GRID
    for i, eps in enumerate(grid):
        out[eps] = run_dp(replace(base, epsilon=eps))
        if progress:
            progress((i + 1) / len(grid))
    _swept().add(("dp", base))
    return out


def dp_sweep_key(cfg: medical_privacy.DPConfig) -> medical_privacy.DPConfig:
    return replace(cfg, epsilon=1.0)


FRAUD_RATES = (0.001, 0.002, 0.005, 0.01, 0.02)


def fraud_rate_sweep(cfg: fraud.FraudConfig, progress: Progress = None) -> dict[float, fraud.FraudResult]:
    base = replace(cfg, fraud_rate=0.005)
    out = {}
    for i, rate in enumerate(FRAUD_RATES):
        out[rate] = run_fraud(replace(base, fraud_rate=rate))
        if progress:
            progress((i + 1) / len(FRAUD_RATES))
    _swept().add(("fraud", base))
    return out


def fraud_sweep_key(cfg: fraud.FraudConfig) -> fraud.FraudConfig:
    return replace(cfg, fraud_rate=0.005)


# ----------------------------------------------------------------------------- cost engine
EDGE_TARGETS = ("nvidia-jetson-orin-nano-8gb", "nvidia-jetson-orin-nx-16gb", "nvidia-jetson-agx-orin-64gb",
                "raspberry-pi-5", "qualcomm-snapdragon-8-gen-3", "apple-a17-pro", "google-tensor-g3")


@st.cache_data(show_spinner=False, max_entries=64)
def edge_latency(gflops_per_input: float, hardware: tuple[str, ...], weights: str,
                 reference_model: str = "yolov8n") -> list[dict] | None:
    """Per-frame latency from the cost engine for our CNN ("custom") and a catalog detector.

    Returns None when this build of the engine has no ``estimate_vision`` yet.
    """
    try:
        from scenarios.engine.serving import estimate_vision
    except ImportError:
        return None
    rows = []
    for hw in hardware:
        for model, gf in (("custom", gflops_per_input), (reference_model, None)):
            try:
                est = estimate_vision(model=model, hardware=hw, weights=weights, gflops_per_input=gf)
            except Exception as err:  # noqa: BLE001 - one bad device must not hide the others
                rows.append({"device": hw, "model": model, "error": str(err)})
                continue
            rows.append({"device": hw, "model": model, "latency_ms": est.latency_ms,
                         "low": getattr(est, "latency_ms_low", None), "high": getattr(est, "latency_ms_high", None),
                         "inputs_per_s": est.inputs_per_s, "bound": getattr(est, "bound", None),
                         "energy_j_per_input": getattr(est, "energy_j_per_input", None),
                         "runtime": getattr(est, "runtime", None),
                         "assumptions": [(a.name, str(a.value), a.unit, a.source)
                                         for a in getattr(est, "assumptions", ())]})
    return rows


@st.cache_data(show_spinner=False)
def hardware_names(ids: tuple[str, ...]) -> dict[str, str]:
    try:
        from scenarios.engine.catalog import load_hardware

        hw = load_hardware()
        return {i: hw[i].name if i in hw else i for i in ids}
    except Exception:  # noqa: BLE001 - catalog not merged yet: fall back to ids
        return {i: i for i in ids}
