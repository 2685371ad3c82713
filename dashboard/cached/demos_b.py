"""Cached calls of the demo lab's compression, NLP and recommendation models.

The only place these models are wrapped in Streamlit caches. Configs are passed as plain keyword
values (hashable, URL-shaped) and rebuilt into the models' frozen dataclasses here. Sweeps take a
``_progress`` callback (leading underscore: not part of the cache key), so a first run shows
progress and a repeat run with the same settings returns at once from the cache.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

Progress = Callable[[float, str], None] | None


@st.cache_resource(show_spinner=False)
def _sweeps_done() -> set:
    """Keys of sweeps already computed in this server process, so that a reloaded link shows a
    finished sweep without pressing its button again."""
    return set()


def sweep_done(key: tuple) -> bool:
    return key in _sweeps_done()


def mark_sweep_done(key: tuple) -> None:
    _sweeps_done().add(key)


# ----------------------------------------------------------------------------- compression

@st.cache_data(show_spinner=False, max_entries=32)
def compression(**knobs):
    from models.compression import CompressionConfig, run_compression

    return run_compression(CompressionConfig(**knobs))


@st.cache_data(show_spinner=False, max_entries=64)
def edge_projection(reference_model: str, **knobs):
    from models.compression import project_edge

    return project_edge(compression(**knobs), reference_model=reference_model)


@st.cache_data(show_spinner=False, max_entries=16)
def compression_sweep(_progress: Progress = None, **knobs):
    from models.compression import CompressionConfig, run_sweep

    return run_sweep(CompressionConfig(**knobs), progress=_progress)


# ----------------------------------------------------------------------------- NLP

@st.cache_data(show_spinner=False, max_entries=32)
def intent(**knobs):
    from models.nlp_intent import IntentConfig, run_intent

    return run_intent(IntentConfig(**knobs))


@st.cache_data(show_spinner=False, max_entries=256)
def intent_predict(text: str, **knobs):
    from models.nlp_intent import IntentConfig, predict_text

    return predict_text(IntentConfig(**knobs), text)


@st.cache_data(show_spinner=False)
def utterances():
    from models.nlp_intent import load_utterances

    return load_utterances()


@st.cache_data(show_spinner=False, max_entries=32)
def char_lm(_progress: Progress = None, **knobs):
    from models.char_transformer import TrainConfig, train_char_model

    return train_char_model(TrainConfig(**knobs), progress=_progress)


@st.cache_data(show_spinner=False, max_entries=16)
def char_scaling(_progress: Progress = None, **knobs):
    from models.char_transformer import TrainConfig, scaling_sweep

    return scaling_sweep(TrainConfig(**knobs), progress=_progress)


# ----------------------------------------------------------------------------- recommendation

@st.cache_data(show_spinner=False, max_entries=32)
def recommender(**knobs):
    from models.recommender import RecommenderConfig, run_recommender

    return run_recommender(RecommenderConfig(**knobs))


@st.cache_data(show_spinner=False, max_entries=16)
def sparsity_sweep(_progress: Progress = None, **knobs):
    from models.recommender import RecommenderConfig
    from models.recommender import sparsity_sweep as sweep

    return sweep(RecommenderConfig(**knobs), progress=_progress)
