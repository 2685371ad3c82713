"""The estimator checks itself: this machine measured with the engine's own probe
(scenarios.engine.local_probe, the `calibrate-local` command) and the demo lab's small torch MLPs
timed here (models.latency_check), composed into the engine's prediction next to the measurement.
Composed here, not in models/, which imports no engine code."""

from __future__ import annotations

import streamlit as st

from models.latency_check import LatencyConfig, measure
from scenarios.engine import local_probe, small_models


@st.cache_resource(show_spinner=False, max_entries=1)  # no arguments: one entry
def this_machine():
    """(probe result, device record): measured once per server process (a few seconds)."""
    r = local_probe.probe()
    return r, local_probe.hardware_of(r)


@st.cache_data(show_spinner=False, max_entries=4)
def self_check(nonce: int = 0) -> list[small_models.SelfCheckRow]:
    _, hw = this_machine()
    timings = measure(LatencyConfig())
    return small_models.self_check(hw, [(m.name, m.gflops_per_input, m.params, m.latency_ms) for m in timings])
