"""models/_split.py gives scikit-learn's train_test_split rows without importing sklearn.model_selection."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split as sk_split

from models._split import train_test_split


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("n, n_classes, test_size", [(569, 2, 0.3), (1797, 10, 0.25), (103, 7, 0.2), (40, 3, 0.5)])
def test_same_rows_as_sklearn(seed, n, n_classes, test_size):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = rng.integers(0, n_classes, n)
    for strat in (y, None):
        ours = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=strat)
        theirs = sk_split(X, y, test_size=test_size, random_state=seed, stratify=strat)
        for a, b in zip(ours, theirs):
            assert np.array_equal(a, b)


def test_dataframe_and_string_labels_as_sklearn():
    df = pd.DataFrame({"t": [f"s{i}" for i in range(60)], "k": ["a", "b", "c"] * 20})
    strat = df["k"] + "/x"
    ours = train_test_split(df, test_size=0.25, random_state=3, stratify=strat)
    theirs = sk_split(df, test_size=0.25, random_state=3, stratify=strat)
    for a, b in zip(ours, theirs):
        pd.testing.assert_frame_equal(a, b)


def test_one_member_class_gets_sklearns_error():
    with pytest.raises(ValueError, match="least populated class"):
        train_test_split(np.arange(10), test_size=0.3, random_state=0, stratify=[0] * 9 + [1])


def test_no_model_selection_import():
    code = ("import sys, numpy as np\nfrom models._split import train_test_split\n"
            "train_test_split(np.arange(20), test_size=0.3, random_state=0, stratify=np.arange(20) % 2)\n"
            "print('sklearn.model_selection' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
