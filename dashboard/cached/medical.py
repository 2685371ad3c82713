"""Cached runs of the medical demo: explanations, differential privacy, federated learning, and
the accuracy-against-epsilon sweep.

Each wrapper is keyed on a frozen config dataclass, so a second run with the same settings (in
any session of this server) comes from the cache. The sweep runs point by point through cached
single runs and reports progress between points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from dashboard.cached.sweeps import mark_swept
from models import medical, medical_privacy

Progress = Callable[[float], None] | None


@st.cache_data(show_spinner=False, max_entries=64)
def run_explain(cfg: medical.ExplainConfig) -> medical.ExplainResult:
    return medical.run_explain(cfg)


@st.cache_data(show_spinner=False, max_entries=128)
def run_dp(cfg: medical_privacy.DPConfig) -> medical_privacy.DPResult:
    return medical_privacy.run_dp(cfg)


@st.cache_data(show_spinner=False, max_entries=64)
def run_fedavg(cfg: medical_privacy.FedConfig) -> medical_privacy.FedResult:
    return medical_privacy.run_fedavg(cfg)


def dp_sweep_key(cfg: medical_privacy.DPConfig) -> medical_privacy.DPConfig:
    """The settings an epsilon sweep depends on (every knob but the epsilon it sweeps)."""
    return replace(cfg, epsilon=1.0)


def dp_sweep(cfg: medical_privacy.DPConfig,
             progress: Progress = None) -> dict[float, medical_privacy.DPResult]:
    """Accuracy at every epsilon of :data:`models.medical_privacy.EPSILON_GRID`, other knobs fixed."""
    base = dp_sweep_key(cfg)
    out = {}
    grid = medical_privacy.EPSILON_GRID
    for i, eps in enumerate(grid):
        out[eps] = run_dp(replace(base, epsilon=eps))
        if progress:
            progress((i + 1) / len(grid))
    mark_swept("dp", base)
    return out
