"""scikit-learn's ``train_test_split`` (shuffled, optionally stratified) without importing
``sklearn.model_selection``, which pulls scipy.stats: about 1.1 CPU-seconds of a demo's 5 s
cold-start budget (issue 15; bench/demo_cold_start.py).

The same draws from the same ``np.random.RandomState(seed)`` in the same order as scikit-learn
1.x's ``ShuffleSplit`` / ``StratifiedShuffleSplit._iter_indices`` and ``utils.extmath._approximate_mode``,
so a seed gives the same rows as before; tests/models/test_split.py checks that against
scikit-learn. Inputs scikit-learn would reject (a class with one member, a split too small to
hold every class) go to scikit-learn itself, so its error messages are unchanged.
"""

from __future__ import annotations

import math

import numpy as np


def _approximate_mode(class_counts: np.ndarray, n_draws: int, rng) -> np.ndarray:
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need_to_add = int(n_draws - floored.sum())
    if need_to_add > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add_now = min(len(inds), need_to_add)
            floored[rng.choice(inds, size=add_now, replace=False)] += 1
            need_to_add -= add_now
            if need_to_add == 0:
                break
    return floored.astype(int)


def _stratified(y, n_train: int, n_test: int, rng):
    classes, y_indices = np.unique(y, return_inverse=True)
    class_counts = np.bincount(y_indices)
    class_indices = np.split(np.argsort(y_indices, kind="stable"), np.cumsum(class_counts)[:-1])
    n_i = _approximate_mode(class_counts, n_train, rng)
    t_i = _approximate_mode(class_counts - n_i, n_test, rng)
    train: list = []
    test: list = []
    for i in range(len(classes)):
        perm = class_indices[i].take(rng.permutation(class_counts[i]), mode="clip")
        train.extend(perm[: n_i[i]])
        test.extend(perm[n_i[i]: n_i[i] + t_i[i]])
    return rng.permutation(train), rng.permutation(test)


def _take(a, idx):
    return a.iloc[idx] if hasattr(a, "iloc") else np.asarray(a)[idx]


def train_test_split(*arrays, test_size: float, random_state: int, stratify=None) -> list:
    """``sklearn.model_selection.train_test_split(*arrays, test_size=..., random_state=...,
    stratify=...)`` for a float ``test_size`` and an int seed: [a_train, a_test, b_train, ...]."""
    n = len(arrays[0])
    n_test = math.ceil(test_size * n)
    n_train = n - n_test
    y = None if stratify is None else np.asarray(stratify)
    if y is not None:
        counts = np.unique(y, return_counts=True)[1]
        if counts.min() < 2 or min(n_train, n_test) < len(counts) or n_train <= 0:
            from sklearn.model_selection import train_test_split as sk_split

            return sk_split(*arrays, test_size=test_size, random_state=random_state, stratify=stratify)
    rng = np.random.RandomState(random_state)
    if y is None:
        perm = rng.permutation(n)
        train, test = perm[n_test: n_test + n_train], perm[:n_test]
    else:
        train, test = _stratified(y, n_train, n_test, rng)
    return [part for a in arrays for part in (_take(a, train), _take(a, test))]
