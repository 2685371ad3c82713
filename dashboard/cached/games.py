"""Cached runs of the games demo: cheat detection and the Q-learning agent."""

from __future__ import annotations

import streamlit as st

from models import games, games_rl


@st.cache_data(show_spinner=False, max_entries=32)
def run_cheat(cfg: games.CheatConfig) -> games.CheatResult:
    return games.run_cheat_detection(cfg)


@st.cache_data(show_spinner=False, max_entries=32)
def run_grid(cfg: games_rl.GridConfig) -> games_rl.GridResult:
    return games_rl.run_q_learning(cfg)
