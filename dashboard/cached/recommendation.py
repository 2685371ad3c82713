"""Cached runs of the recommendation demo and its error-against-density sweep (memoised with its
progress in dashboard.cached.sweeps)."""

from __future__ import annotations

import streamlit as st

from dashboard.cached.sweeps import Progress, memo


@st.cache_data(show_spinner=False, max_entries=32)
def recommender(**knobs):
    from models.recommender import RecommenderConfig, run_recommender

    return run_recommender(RecommenderConfig(**knobs))


def sparsity_sweep(progress: Progress = None, **knobs):
    from models.recommender import RecommenderConfig
    from models.recommender import sparsity_sweep as sweep

    return memo("sparsity_sweep", lambda p: sweep(RecommenderConfig(**knobs), progress=p), progress, knobs)
