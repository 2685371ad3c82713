"""Cached adoption prices: a demo's measured effect priced in its domain's preset, or in the
scenario the Scenarios page has open (keyed by its YAML text, as dashboard.cached.scenarios is)."""

from __future__ import annotations

import streamlit as st

from scenarios.business.adopt import TECHNIQUES, Adoption, price
from scenarios.business.scenario import load_preset, parse_text


@st.cache_data(show_spinner=False, max_entries=256)
def in_preset(technique: str, measured: tuple[tuple[str, float], ...]) -> Adoption:
    """``technique`` with the ``measured`` (name, number) pairs, priced in its domain's preset."""
    return price(technique, dict(measured), load_preset(TECHNIQUES[technique].preset))


@st.cache_data(show_spinner=False, max_entries=64)
def in_scenario(technique: str, measured: tuple[tuple[str, float], ...], yaml_text: str) -> Adoption:
    """The same, priced in the scenario written as ``yaml_text``."""
    return price(technique, dict(measured), parse_text(yaml_text))
