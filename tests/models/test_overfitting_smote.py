"""The overfitting demo's numpy SMOTE gives imbalanced-learn's images without importing it (issue 15)."""

import subprocess
import sys

import numpy as np
import pytest

from models import overfitting as o


def _imblearn_smote(images, labels, seed, factor=3):
    SMOTE = pytest.importorskip("imblearn.over_sampling").SMOTE
    counts = np.bincount(labels, minlength=10)
    k = int(max(1, min(5, counts[counts > 0].min() - 1)))
    target = {c: int(n * factor) for c, n in enumerate(counts) if n > 1}
    X, y = SMOTE(sampling_strategy=target, k_neighbors=k, random_state=seed).fit_resample(
        images.reshape(len(images), -1), labels)
    return X.reshape(-1, 8, 8).astype(np.float32), y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_images_as_imblearn(seed):
    train = o._data(o.OverfitConfig(seed=seed))[0]
    ours, theirs = o.smote(*train, seed), _imblearn_smote(*train, seed)
    assert np.array_equal(ours[1], theirs[1])
    assert np.array_equal(ours[0], theirs[0])


def test_default_run_imports_no_sklearn():
    code = ("import sys\nfrom models import overfitting as o\n"
            "o.run_variant(o.OverfitConfig(epochs=10), 'synthetic')\n"
            "print(sorted(m for m in ('sklearn', 'imblearn', 'torch._dynamo') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
