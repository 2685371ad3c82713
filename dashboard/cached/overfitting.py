"""Cached runs of the overfitting demo: one cached model per variant, and the learning-curve,
model-size and cross-validation sweeps, cached point by point.

Progress is reported between points, outside the cached functions (Streamlit cannot replay
elements drawn inside a cached call); the page records a finished sweep with
dashboard.cached.sweeps.mark_swept.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from models import overfitting

Progress = Callable[[float], None] | None


_variant = st.cache_data(show_spinner=False, max_entries=256)(overfitting.run_variant)


def run_overfitting(cfg: overfitting.OverfitConfig, progress: Progress = None) -> overfitting.OverfitResult:
    """The default run, one cached model per variant (progress is reported between them)."""
    fits = {}
    for i, v in enumerate(overfitting.VARIANTS):
        fits[v] = _variant(cfg, v)
        if progress:
            progress((i + 1) / len(overfitting.VARIANTS))
    return overfitting.assemble(cfg, fits)


_learning_curve_point = st.cache_data(show_spinner=False, max_entries=128)(overfitting.learning_curve_point)
_model_size_point = st.cache_data(show_spinner=False, max_entries=128)(overfitting.model_size_point)
_cv_fold = st.cache_data(show_spinner=False, max_entries=128)(overfitting.cv_fold)


def learning_curve(cfg: overfitting.OverfitConfig, progress: Progress = None) -> list[dict]:
    return overfitting.sweep_points(overfitting.LC_SIZES, lambda n: _learning_curve_point(cfg, n), progress)


def model_size_sweep(cfg: overfitting.OverfitConfig, progress: Progress = None) -> list[dict]:
    return overfitting.sweep_points(overfitting.MS_WIDTHS, lambda w: _model_size_point(cfg, w), progress)


def cross_validate(cfg: overfitting.OverfitConfig, k: int, progress: Progress = None) -> list[dict]:
    return overfitting.sweep_points(range(k), lambda f: _cv_fold(cfg, k, f), progress)
