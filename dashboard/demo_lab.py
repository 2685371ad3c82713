"""UI pieces the demo lab pages share (the cross-page ones live in dashboard/ui.py)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.cached.sweeps import is_cached
from dashboard.i18n import t
from dashboard.ui import explain_errors


def on_demand_sweep(name: str, run: Callable, knobs: dict, *, button: str, key: str, hint: str):
    """A sweep run by a button press, with a progress bar; ``None`` (and ``hint`` shown) until
    pressed. A sweep that already finished with these ``knobs`` (cached under ``name`` in
    dashboard.cached.sweeps) shows without a press, so a shared link reopens with it."""
    if not (st.button(button, key=key) or is_cached(name, **knobs)):
        st.caption(hint)
        return None
    bar = st.progress(0.0, text=t("demo.sweep_running"))
    with explain_errors():
        out = run(progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg), **knobs)
    bar.empty()
    return out
