"""Cached calls of the demo lab's compression, NLP and recommendation models.

The only place these models are wrapped in Streamlit caches. Configs are passed as plain keyword
values (hashable, URL-shaped) and rebuilt into the models' frozen dataclasses here. Runs that report
progress (the live char-model training and the sweeps) take a ``progress`` callback and are
memoised in a process-wide store (see :class:`_ProgressStore` for why not st.cache_data), so a
first run shows progress and a repeat run with the same settings returns at once.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

Progress = Callable[[float, str], None] | None


class _ProgressStore:
    """A small process-wide memo for runs that report progress while they compute.

    st.cache_data records every Streamlit call made inside the cached function and replays it
    on a cache hit; a progress bar created outside the function cannot be replayed
    (CacheReplayClosureError). So runs with progress are memoised here instead: the first run
    with given settings reports progress, later runs (any session) return the stored result.
    """

    def __init__(self, max_entries: int = 64):
        import collections
        import threading

        self._data: "collections.OrderedDict[tuple, object]" = collections.OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: tuple):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        return None

    def put(self, key: tuple, value) -> None:
        with self._lock:
            self._data[key] = value
            while len(self._data) > self._max:
                self._data.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _store() -> _ProgressStore:
    return _ProgressStore()


def _key(name: str, knobs: dict) -> tuple:
    return (name, tuple(sorted(knobs.items())))


def _memo(name: str, compute: Callable[[Progress], object], progress: Progress, knobs: dict):
    key = _key(name, knobs)
    hit = _store().get(key)
    if hit is not None:
        return hit
    value = compute(progress)
    _store().put(key, value)
    return value


def is_cached(name: str, **knobs) -> bool:
    """Whether a progress-reporting run (a sweep) with these settings has already finished, so
    a reloaded link can show it without its button being pressed again."""
    return _store().get(_key(name, knobs)) is not None


# ----------------------------------------------------------------------------- compression


@st.cache_data(show_spinner=False, max_entries=32)
def compression(**knobs):
    from models.compression import CompressionConfig, run_compression

    return run_compression(CompressionConfig(**knobs))


@st.cache_data(show_spinner=False, max_entries=64)
def edge_projection(reference_model: str, **knobs):
    from models.compression import project_edge

    return project_edge(compression(**knobs), reference_model=reference_model)


def compression_sweep(progress: Progress = None, **knobs):
    from models.compression import CompressionConfig, run_sweep

    return _memo(
        "compression_sweep", lambda p: run_sweep(CompressionConfig(**knobs), progress=p), progress, knobs
    )


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


def char_lm(progress: Progress = None, **knobs):
    from models.char_transformer import TrainConfig, train_char_model

    return _memo("char_lm", lambda p: train_char_model(TrainConfig(**knobs), progress=p), progress, knobs)


def char_scaling(progress: Progress = None, **knobs):
    from models.char_transformer import TrainConfig, scaling_sweep

    return _memo("char_scaling", lambda p: scaling_sweep(TrainConfig(**knobs), progress=p), progress, knobs)


# ----------------------------------------------------------------------------- recommendation


@st.cache_data(show_spinner=False, max_entries=32)
def recommender(**knobs):
    from models.recommender import RecommenderConfig, run_recommender

    return run_recommender(RecommenderConfig(**knobs))


def sparsity_sweep(progress: Progress = None, **knobs):
    from models.recommender import RecommenderConfig
    from models.recommender import sparsity_sweep as sweep

    return _memo("sparsity_sweep", lambda p: sweep(RecommenderConfig(**knobs), progress=p), progress, knobs)
