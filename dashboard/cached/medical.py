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

from dashboard.cached.sweeps import grid_sweep
from models import medical, medical_privacy

Progress = Callable[[float], None] | None


run_explain = st.cache_data(show_spinner=False, max_entries=64)(medical.run_explain)
run_dp = st.cache_data(show_spinner=False, max_entries=128)(medical_privacy.run_dp)
run_fedavg = st.cache_data(show_spinner=False, max_entries=64)(medical_privacy.run_fedavg)


def dp_sweep_key(cfg: medical_privacy.DPConfig) -> medical_privacy.DPConfig:
    """The settings an epsilon sweep depends on (every knob but the epsilon it sweeps)."""
    return replace(cfg, epsilon=1.0)


def dp_sweep(cfg: medical_privacy.DPConfig,
             progress: Progress = None) -> dict[float, medical_privacy.DPResult]:
    """Accuracy at every epsilon of :data:`models.medical_privacy.EPSILON_GRID`, other knobs fixed."""
    return grid_sweep("dp", run_dp, dp_sweep_key(cfg), "epsilon", medical_privacy.EPSILON_GRID, progress)
