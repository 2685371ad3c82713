"""The digits loader the compression and overfitting demos share: the arrays of scikit-learn's
``load_digits``, without importing ``sklearn.datasets`` (cold-start budget, issue 15)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from models.digits_data import digits_flat

CHILD = ("import sys\nfrom models.compression.training import load_digits_split\n"
         "load_digits_split(0, 0.25)\nprint('sklearn.datasets' in sys.modules)")


def test_digits_equal_scikit_learns_loader():
    from sklearn.datasets import load_digits

    d = load_digits()
    data, target = digits_flat()
    assert np.array_equal(data, d.data) and np.array_equal(target, d.target)


def test_compression_split_does_not_import_sklearn_datasets():
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
