"""Training-speed demo: structure of the measurements, bf16 memory and numerics.

Timings are not asserted (they depend on the machine and its load;
bench/demo_games_speech_overfitting_speed.py records them). What is asserted is physics and
arithmetic that hold on any machine: bf16 stores activations in fewer bytes, rounds to about 3
significant digits and keeps gradients pointing the same way. The token data assume a fixed
random bigram language (8 successors per token), so the best achievable loss is about
ln 8 = 2.08 nats. (The engine's projection of the same model is tested with the page that shows
it, tests/app/test_demo_training_speed.py.)
"""

from __future__ import annotations

import math

import pytest

from models.tiny_gpt import build_gpt
from models.training_speed import (
    SPEED_MODEL,
    SpeedConfig,
    bf16_rounding_examples,
    bigram_batches,
    run_bf16,
    saved_activation_bytes,
    sweep_combinations,
    time_steps,
)
from scenarios.errors import VentureLabError

FAST = SpeedConfig(batch_size=8, repeats=2, steps=1, numerics_steps=15)


@pytest.fixture(scope="module")
def bf16():
    return run_bf16(FAST)


def test_parameter_count_formula_matches_the_torch_model():
    assert sum(p.numel() for p in build_gpt(SPEED_MODEL).parameters()) == SPEED_MODEL.n_params


def test_timings_have_one_entry_per_repeat_and_positive_throughput(bf16):
    for tm in (bf16.fp32, bf16.bf16):
        assert len(tm.step_s) == FAST.repeats and all(s > 0 for s in tm.step_s)
        assert tm.median_samples_per_s > 0 and tm.achieved_gflop_s > 0
        assert tm.tokens_per_step == FAST.batch_size * FAST.model.block_size
    assert bf16.speedup > 0  # faster or slower depends on the CPU: shown, not asserted


def test_bf16_keeps_fewer_activation_bytes(bf16):
    ratio = bf16.saved_activation_bytes_bf16 / bf16.saved_activation_bytes_fp32
    # Linear inputs are stored in 2 bytes instead of 4; norms, softmax and the loss stay fp32.
    assert 0.4 < ratio < 0.9, ratio


def test_activation_memory_grows_linearly_with_batch():
    a, b = (saved_activation_bytes(SPEED_MODEL, n, "fp32") for n in (4, 8))
    assert b == pytest.approx(2 * a, rel=0.02)


def test_bf16_numerics_differ_a_little_and_point_the_same_way(bf16):
    assert bf16.loss_fp32 == pytest.approx(math.log(256), rel=0.02)  # untrained: uniform guess
    assert abs(bf16.loss_bf16 - bf16.loss_fp32) < 0.05
    assert 0 < bf16.grad_rel_error < 0.1
    assert bf16.grad_cosine > 0.99


def test_both_precisions_learn_in_the_short_run(bf16):
    for curve in (bf16.curve_fp32, bf16.curve_bf16):
        assert curve[-1] < curve[0] - 0.1  # 15 steps of batch 8: about 0.2 nats measured


def test_bf16_rounds_to_about_three_significant_digits():
    for _value, _stored, rel in bf16_rounding_examples():
        assert rel <= 2 ** -8 + 1e-12  # unit roundoff of an 8-bit significand
    assert bf16_rounding_examples()[0][1] == 1.0  # 1.001 is not representable: it rounds to 1


def test_bigram_language_is_the_same_for_every_seed_and_batches_differ():
    a = bigram_batches(SPEED_MODEL, 2, 1, seed=0)[0][0]
    b = bigram_batches(SPEED_MODEL, 2, 1, seed=1)[0][0]
    assert a.shape == (2, SPEED_MODEL.block_size) and not (a == b).all()


def test_timing_restores_the_thread_setting():
    import torch

    before = torch.get_num_threads()
    time_steps(SPEED_MODEL, 2, 1, "fp32", repeats=1, steps=1)
    assert torch.get_num_threads() == before


def test_sweep_points_cover_every_batch_and_thread_combination():
    pts = sweep_combinations(("fp32", "bf16"), batch_sizes=(1, 4), threads=(1, 2))
    assert len(pts) == 8 and len(set(pts)) == 8


def test_bad_speed_config_raises_a_clear_error():
    with pytest.raises(VentureLabError, match="threads"):
        run_bf16(SpeedConfig(threads=999))
