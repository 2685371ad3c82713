"""Cached calls for the games, speech, overfitting and training-speed demos (the only st.cache_* of
this area).

Every wrapper is keyed on a frozen config dataclass, so a second run with the same settings (in
any session of this server) comes from the cache. Runs made of several models (the overfitting
variants, every sweep) are cached point by point and report progress between points, outside
the cached functions (Streamlit cannot replay elements drawn inside a cached call). A finished
sweep is remembered by :func:`mark_swept`, so a reloaded link whose sweep already ran shows it
again without a click. Timing measurements carry a ``nonce``: "measure again" bumps it.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from models import games, games_rl, overfitting, speech, training_speed

Progress = Callable[[float], None] | None


@st.cache_data(show_spinner=False, max_entries=32)
def run_cheat(cfg: games.CheatConfig) -> games.CheatResult:
    return games.run_cheat_detection(cfg)


@st.cache_data(show_spinner=False, max_entries=32)
def run_grid(cfg: games_rl.GridConfig) -> games_rl.GridResult:
    return games_rl.run_q_learning(cfg)


@st.cache_data(show_spinner=False, max_entries=16)
def run_kws(cfg: speech.KwsConfig) -> speech.KwsResult:
    return speech.run_kws(cfg)


@st.cache_data(show_spinner=False, max_entries=256)
def _ovf_variant(cfg: overfitting.OverfitConfig, variant: str) -> overfitting.FitResult:
    return overfitting.run_variant(cfg, variant)


def run_overfitting(cfg: overfitting.OverfitConfig, progress: Progress = None) -> overfitting.OverfitResult:
    """The default run, one cached model per variant (progress is reported between them)."""
    fits = {}
    for i, v in enumerate(overfitting.VARIANTS):
        fits[v] = _ovf_variant(cfg, v)
        if progress:
            progress((i + 1) / len(overfitting.VARIANTS))
    return overfitting.assemble(cfg, fits)


@st.cache_data(show_spinner=False, max_entries=128)
def _ovf_lc_point(cfg: overfitting.OverfitConfig, n: int) -> list[dict]:
    return overfitting.learning_curve_point(cfg, n)


@st.cache_data(show_spinner=False, max_entries=128)
def _ovf_ms_point(cfg: overfitting.OverfitConfig, width: int) -> list[dict]:
    return overfitting.model_size_point(cfg, width)


@st.cache_data(show_spinner=False, max_entries=128)
def _ovf_cv_fold(cfg: overfitting.OverfitConfig, k: int, fold: int) -> list[dict]:
    return overfitting.cv_fold(cfg, k, fold)


def learning_curve(cfg: overfitting.OverfitConfig, progress: Progress = None) -> list[dict]:
    return overfitting.sweep_points(overfitting.LC_SIZES, lambda n: _ovf_lc_point(cfg, n), progress)


def model_size_sweep(cfg: overfitting.OverfitConfig, progress: Progress = None) -> list[dict]:
    return overfitting.sweep_points(overfitting.MS_WIDTHS, lambda w: _ovf_ms_point(cfg, w), progress)


def cross_validate(cfg: overfitting.OverfitConfig, k: int, progress: Progress = None) -> list[dict]:
    return overfitting.sweep_points(range(k), lambda f: _ovf_cv_fold(cfg, k, f), progress)


@st.cache_data(show_spinner=False, max_entries=16)
def run_bf16(cfg: training_speed.SpeedConfig, nonce: int = 0) -> training_speed.Bf16Result:
    return training_speed.run_bf16(cfg)


@st.cache_data(show_spinner=False, max_entries=256)
def _time_point(cfg: training_speed.SpeedConfig, batch: int, threads: int, dtype: str, nonce: int):
    return training_speed.time_steps(cfg.model, batch, threads, dtype, cfg.repeats, cfg.steps, cfg.seed)


def batch_thread_sweep(cfg: training_speed.SpeedConfig, dtypes: tuple[str, ...], nonce: int = 0,
                       progress: Progress = None) -> list[training_speed.Timing]:
    """Every batch size x threads (x dtype) combination, each point timed and cached on its own."""
    combos = training_speed.sweep_combinations(dtypes)
    out = []
    for i, (b, th, d) in enumerate(combos):
        out.append(_time_point(cfg, b, th, d, nonce))
        if progress:
            progress((i + 1) / len(combos))
    return out


@st.cache_resource(show_spinner=False)
def machine_info() -> training_speed.MachineInfo:
    return training_speed.machine_info()


@st.cache_data(show_spinner=False)
def bf16_rounding_examples() -> list[tuple[float, float, float]]:
    return training_speed.bf16_rounding_examples()


@st.cache_data(show_spinner=False, max_entries=64)
def engine_projection(model: str, hardware: str, devices: tuple[int, ...], tokens_per_device_step: int):
    """The cost engine's data- and tensor-parallel scaling, and its one-device GPU throughput."""
    return training_speed.engine_projection(model, hardware, devices, tokens_per_device_step)


# ----------------------------------------------------------------------------- sweeps
@st.cache_resource(show_spinner=False)
def _swept() -> set:
    """Sweep keys that have completed in this server process (so their results are cached)."""
    return set()


def sweep_done(*key) -> bool:
    return key in _swept()


def mark_swept(*key) -> None:
    _swept().add(key)
