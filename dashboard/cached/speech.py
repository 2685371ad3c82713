"""Cached run of the speech demo: the keyword spotter, plain and noise-augmented."""

from __future__ import annotations

import streamlit as st

from models import speech

run_kws = st.cache_data(show_spinner=False, max_entries=16)(speech.run_kws)
