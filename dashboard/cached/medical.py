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


@st.cache_data(show_spinner=False, max_entries=1)  # no arguments: one entry
def sample_csv() -> bytes:
    """The page's sample upload: the first 80 bundled biopsies, label ``diagnosis`` last."""
    from models.user_data import to_csv_bytes

    X, y, names = medical.load_cancer()
    return to_csv_bytes([*names, "diagnosis"],
                        [[*(float(f"{v:g}") for v in row), "malignant" if lab else "benign"] for row, lab in zip(X[:80], y[:80])])


def privacy_rows(data, seed: int):
    """The upload's rows the DP-SGD and FedAvg runs use: at most MAX_PRIVACY_ROWS, drawn at random."""
    return medical_privacy.privacy_rows((data.X, data.y, data.feature_names), seed)


def upload_delta(cfg: medical_privacy.DPConfig, n_rows: int) -> medical_privacy.DPConfig:
    """The DP run's config for an upload: delta below one over its rows (the usual rule; the
    built-in 1e-3 is for about 400 training rows)."""
    return replace(cfg, delta=min(cfg.delta, 0.5 / n_rows))


def dp_upload(cfg: medical_privacy.DPConfig, data) -> medical_privacy.DPResult:
    """DP-SGD on an upload's :func:`privacy_rows` (with :func:`upload_delta`), memoised in this
    session only."""
    from dashboard.user_upload import session_memo

    rows = privacy_rows(data, cfg.seed)
    cfg = upload_delta(cfg, len(rows[1]))
    return session_memo("med_dp", data.digest, (cfg, data.label), lambda: medical_privacy.run_dp(cfg, data=rows))


def fedavg_upload(cfg: medical_privacy.FedConfig, data) -> medical_privacy.FedResult:
    """FedAvg on an upload's :func:`privacy_rows`, memoised in this session only."""
    from dashboard.user_upload import session_memo

    return session_memo("med_fed", data.digest, (cfg, data.label),
                        lambda: medical_privacy.run_fedavg(cfg, data=privacy_rows(data, cfg.seed)))


def explain_upload(cfg: medical.ExplainConfig, data) -> medical.ExplainResult:
    """The explainability run on an upload, memoised in this session only (dashboard.user_upload)."""
    from dashboard.user_upload import session_memo

    return session_memo("med_explain", data.digest, (cfg, data.label),
                        lambda: medical.run_explain(cfg, data=(data.X, data.y, data.feature_names)))
