"""Compression demo: each technique moves its metric the way the page says, on three seeds.

Data: scikit-learn's bundled 8x8 digits (real images, no generator). Thresholds are the demo's
targets (int8 >= 3x smaller in serialized bytes with accuracy within 2 points; 50% pruning
within 2 points) plus margins measured on these seeds (see each test).
"""

from __future__ import annotations

import numpy as np
import pytest

from models.compression import (
    CompressionConfig,
    load_digits_split,
    onnx_bytes,
    onnx_predict,
    run_compression,
)
from scenarios.errors import VentureLabError

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def results():
    # latency_repeats kept small: tests check sizes and accuracy, not speed (bench/ does speed)
    return {s: run_compression(CompressionConfig(seed=s, latency_repeats=10)) for s in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_teacher_beats_the_majority_baseline_by_80_points(results, seed):
    r = results[seed]
    assert r.variant("fp32").accuracy - r.majority_baseline_accuracy > 0.80


@pytest.mark.parametrize("seed", SEEDS)
def test_int8_is_at_least_3x_smaller_with_accuracy_within_2_points(results, seed):
    fp32, int8 = results[seed].variant("fp32"), results[seed].variant("int8")
    assert fp32.size_bytes / int8.size_bytes >= 3.0
    assert abs(int8.accuracy - fp32.accuracy) <= 0.02
    assert int8.weights_format == "int8"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("variant", ["pruned-unstructured", "pruned-structured"])
def test_half_pruning_keeps_accuracy_within_2_points(results, seed, variant):
    r = results[seed]
    assert r.config.prune_amount == 0.5
    assert abs(r.variant(variant).accuracy - r.variant("fp32").accuracy) <= 0.02


@pytest.mark.parametrize("seed", SEEDS)
def test_unstructured_zeros_shrink_the_download_not_the_dense_file(results, seed):
    fp32, un = results[seed].variant("fp32"), results[seed].variant("pruned-unstructured")
    assert un.size_bytes == fp32.size_bytes  # dense storage keeps every zero
    assert 0.45 <= un.sparsity <= 0.55  # biases are not pruned
    assert un.download_bytes < 0.75 * fp32.download_bytes  # but zeros compress (measured ~0.6)
    assert un.gflops_per_input == fp32.gflops_per_input


@pytest.mark.parametrize("seed", SEEDS)
def test_structured_pruning_really_removes_bytes_and_flops(results, seed):
    fp32, st = results[seed].variant("fp32"), results[seed].variant("pruned-structured")
    assert st.size_bytes < 0.5 * fp32.size_bytes
    assert st.gflops_per_input < 0.5 * fp32.gflops_per_input
    assert st.accuracy_before_finetune <= st.accuracy + 0.005  # fine-tuning wins accuracy back


@pytest.mark.parametrize("seed", SEEDS)
def test_l1_penalty_makes_at_least_40pct_exact_zeros_within_3_points(results, seed):
    r = results[seed]
    sparse = r.variant("l1-sparse")
    assert sparse.sparsity >= 0.40  # measured ~0.57 at lambda 0.3
    assert sparse.accuracy >= r.variant("fp32").accuracy - 0.03


@pytest.mark.parametrize("seed", SEEDS)
def test_distillation_helps_a_student_with_scarce_labels(results, seed):
    r = results[seed]
    plain, distilled = r.variant("student"), r.variant("student-distilled")
    assert r.config.student_label_fraction == 0.1
    assert distilled.accuracy - plain.accuracy >= 0.005  # measured +1.1 to +2.6 points
    assert distilled.size_bytes < r.variant("fp32").size_bytes / 10


def test_hand_built_onnx_graph_reproduces_the_numpy_forward_pass():
    rng = np.random.default_rng(0)
    weights = [
        (rng.normal(size=(64, 16)).astype(np.float32), rng.normal(size=16).astype(np.float32)),
        (rng.normal(size=(16, 10)).astype(np.float32), rng.normal(size=10).astype(np.float32)),
    ]
    X = load_digits_split(0, 0.3)[1][:20]
    expected = np.maximum(X @ weights[0][0] + weights[0][1], 0) @ weights[1][0] + weights[1][1]
    np.testing.assert_allclose(onnx_predict(onnx_bytes(weights), X), expected, rtol=1e-4, atol=1e-4)


def test_same_seed_gives_the_same_models():
    small = CompressionConfig(seed=3, hidden_units=32, epochs=3, student_hidden_units=8, latency_repeats=10)
    a, b = run_compression(small), run_compression(small)
    assert [(v.accuracy, v.size_bytes, v.nonzero_params) for v in a.variants] == [
        (v.accuracy, v.size_bytes, v.nonzero_params) for v in b.variants
    ]


@pytest.mark.parametrize(
    ("field", "value"), [("prune_amount", 1.5), ("hidden_units", 2), ("distill_alpha", -1)]
)
def test_bad_settings_raise_a_clear_error(field, value):
    with pytest.raises(VentureLabError, match=field):
        run_compression(CompressionConfig(**{field: value}))
