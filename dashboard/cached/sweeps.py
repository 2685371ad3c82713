"""What the demo pages remember per server process besides st.cache_data: runs that report
progress while they compute, and which on-demand sweeps have finished.

A sweep's points are cached one by one (st.cache_data in the concept modules); the set here
records that a sweep with given settings completed, so a reloaded link whose sweep already ran
shows it again without a click. Keys start with the sweep's kind ("fraud", "dp", "cv", ...),
so the pages share one set without clashing.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import replace
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
        self._data: collections.OrderedDict[tuple, object] = collections.OrderedDict()
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


@st.cache_resource(show_spinner=False, max_entries=1)  # one store per process; it bounds itself (64 runs)
def _store() -> _ProgressStore:
    return _ProgressStore()


def _key(name: str, knobs: dict) -> tuple:
    return (name, tuple(sorted(knobs.items())))


def memo(name: str, compute: Callable[[Progress], object], progress: Progress, knobs: dict):
    """``compute(progress)`` once per (name, knobs) in this server process; later calls return it."""
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


@st.cache_resource(show_spinner=False, max_entries=1)  # one per process; it bounds itself
def _swept() -> _ProgressStore:
    """Sweep keys that have completed in this server process (so their points are cached): the
    last 512, so a stream of distinct sweeps cannot grow it without limit (an evicted key only
    means the sweep is run again, its points mostly still cached)."""
    return _ProgressStore(max_entries=512)


def sweep_done(*key) -> bool:
    return _swept().get(key) is not None


def mark_swept(*key) -> None:
    _swept().put(key, True)


def grid_sweep(kind: str, run: Callable, base, field: str, grid,
               progress: Callable[[float], None] | None = None) -> dict:
    """``run(base with field = value)`` for every value of ``grid``, reporting the share done
    after each point; then marks the sweep ``(kind, base)`` done.

    ``run`` is a cached single run, so each point is cached on its own and a rerun with other
    knobs reuses whichever points it shares."""
    out = {}
    for i, value in enumerate(grid):
        out[value] = run(replace(base, **{field: value}))
        if progress:
            progress((i + 1) / len(grid))
    mark_swept(kind, base)
    return out
