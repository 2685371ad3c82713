"""Cached runs of the games demo: cheat detection and the Q-learning agent."""

from __future__ import annotations

import streamlit as st

from models import games, games_rl

run_cheat = st.cache_data(show_spinner=False, max_entries=32)(games.run_cheat_detection)
run_grid = st.cache_data(show_spinner=False, max_entries=32)(games_rl.run_q_learning)
