"""Cached engine calls of the atlas pages (atlas, domain, opportunity). The only st.cache_* here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scenarios.atlas import opportunity, workloads
from scenarios.atlas.domains import Atlas, load_atlas


@st.cache_resource(max_entries=1)  # no arguments: one entry
def atlas() -> Atlas:
    """The validated atlas content (data/domains.yaml, data/challenges.yaml)."""
    return load_atlas()


@st.cache_resource(max_entries=1)  # no arguments: one entry
def opportunity_defaults() -> opportunity.OpportunityDefaults:
    return opportunity.load_defaults()


# one per preset (the catalog has a few dozen); the bound keeps a growing catalog in check
@st.cache_data(show_spinner=False, max_entries=128)
def preset_result(preset_id: str) -> workloads.PresetResult:
    """One workload preset through the cost engine (raises VentureLabError on bad input)."""
    return workloads.run_preset(preset_id)


@st.cache_data(show_spinner=False, max_entries=1)  # no arguments: one entry
def headline_compute_scores() -> tuple[dict[str, float], dict[str, float | None]]:
    """Compute-cost score per domain from its headline preset's $ per 1k tasks.

    Returns (scores, usd_per_1k_tasks), both by domain id.
    """
    defaults = opportunity.load_defaults()
    scores, usd = {}, {}
    for domain in load_atlas().domains:
        result = workloads.run_preset(domain.headline_preset)
        usd[domain.id] = result.usd_per_1k_tasks
        scores[domain.id] = round(opportunity.compute_cost_score(
            result.usd_per_1k_tasks, defaults.usd_at_zero, defaults.decades_per_point), 2)
    return scores, usd


# weights come from sliders (any user, any value): bounded, the default weights stay shared
@st.cache_data(show_spinner=False, max_entries=64)
def ranking(scores: pd.DataFrame, weights: tuple[tuple[str, float], ...]) -> opportunity.Ranking:
    d = opportunity.load_defaults()
    return opportunity.rank_domains(scores, dict(weights), d.criteria)


# a Monte Carlo table per weights/seed (the largest result here): fewer entries, and an hour's ttl
@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def robustness(scores: pd.DataFrame, weights: tuple[tuple[str, float], ...], n_samples: int,
               concentration: float, seed: int) -> opportunity.Robustness:
    d = opportunity.load_defaults()
    return opportunity.robustness(scores, dict(weights), d.criteria, n_samples=n_samples,
                                  concentration=concentration, seed=seed, top_k=3)
