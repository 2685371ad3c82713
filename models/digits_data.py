"""scikit-learn's bundled handwritten digits, read without importing ``sklearn.datasets``.

The overfitting and compression demos train on these 1,797 8x8 images. ``sklearn.datasets``
pulls in much of scikit-learn on import (about 1 s of CPU here), a fifth of a demo's 5 CPU-second
cold-start budget (issue 15), so the CSV that scikit-learn ships is parsed directly: the same
bytes and the same ``np.loadtxt`` call as ``load_digits`` (sklearn/datasets/_base.py), hence the
same arrays.
"""

from __future__ import annotations

import functools

import numpy as np


@functools.lru_cache(maxsize=1)
def digits_flat() -> tuple[np.ndarray, np.ndarray]:
    """(data: (1797, 64) float64 pixel values 0..16, target: (1797,) int), as ``load_digits``."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / "digits.csv.gz"
    if not path.is_file():  # a future scikit-learn may move the file: fall back to its loader
        from sklearn.datasets import load_digits

        d = load_digits()
        return d.data, d.target
    raw = np.loadtxt(path, delimiter=",")
    return raw[:, :-1], raw[:, -1].astype(int)
