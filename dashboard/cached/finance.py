"""Cached runs of the finance demo: fraud with class imbalance, credit reasons, the fraud-rate sweep.

Each wrapper is keyed on a frozen config dataclass, so a second run with the same settings (in
any session of this server) comes from the cache. The sweep runs point by point through cached
single runs and reports progress between points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from dashboard.cached.sweeps import grid_sweep
from models import credit, fraud
from scenarios.engine.serving_at_rate import RateComparison, compare_at_rate

Progress = Callable[[float], None] | None
FRAUD_RATES = (0.001, 0.002, 0.005, 0.01, 0.02)


run_fraud = st.cache_data(show_spinner=False, max_entries=64)(fraud.run_fraud)
run_credit = st.cache_data(show_spinner=False, max_entries=64)(credit.run_credit)


def fraud_sweep_key(cfg: fraud.FraudConfig) -> fraud.FraudConfig:
    """The settings a fraud-rate sweep depends on (every knob but the rate it sweeps)."""
    return replace(cfg, fraud_rate=0.005)


def fraud_rate_sweep(cfg: fraud.FraudConfig, progress: Progress = None) -> dict[float, fraud.FraudResult]:
    """The fraud demo at every rate of :data:`FRAUD_RATES`, other knobs fixed."""
    return grid_sweep("fraud", run_fraud, fraud_sweep_key(cfg), "fraud_rate", FRAUD_RATES, progress)

# The fraud question's candidates (ARCHITECTURE 4.3 server CPUs, an L4) and the hosted scoring API
SCORING_HARDWARE = ("aws-c7i-8xlarge", "aws-c7a-8xlarge", "aws-c7g-8xlarge", "aws-c8g-8xlarge", "gcp-c4-standard-32",
                    "nvidia-l4")


@st.cache_data(show_spinner=False, max_entries=32)
def scoring_at_rate(model: str, rate_per_s: float, latency_ms: float) -> RateComparison:
    """The cost engine's comparison of self-hosted devices and the scoring API at a request rate."""
    return compare_at_rate(model, list(SCORING_HARDWARE), rate_per_s, latency_ms)


@st.cache_data(show_spinner=False, max_entries=1)  # no arguments: one entry
def sample_csv() -> bytes:
    """The page's sample upload: 2,000 generated transactions, 2 % fraud, label ``is_fraud`` last."""
    from models.user_data import to_csv_bytes

    X, y = fraud.make_transactions(2_000, 0.02, seed=0, signal_strength=1.5)
    # numbers, not text: a negative number written as text would be quoted as a formula cell
    return to_csv_bytes([*fraud.FEATURES, "is_fraud"], [[*(float(f"{v:.4g}") for v in row), int(lab)] for row, lab in zip(X, y)])


def fraud_upload(cfg: fraud.FraudConfig, data) -> fraud.FraudResult:
    """The four imbalance methods on an upload, memoised in this session only (dashboard.user_upload)."""
    from dashboard.user_upload import session_memo

    return session_memo("fin_fraud", data.digest, (cfg, data.label), lambda: fraud.run_fraud(cfg, data=(data.X, data.y)))
