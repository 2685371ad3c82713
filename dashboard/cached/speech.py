"""Cached run of the speech demo: the keyword spotter, plain and noise-augmented."""

from __future__ import annotations

import streamlit as st

from models import speech


@st.cache_data(show_spinner=False, max_entries=16)
def run_kws(cfg: speech.KwsConfig) -> speech.KwsResult:
    return speech.run_kws(cfg)
