"""Training-speed demo: structure of the measurements, bf16 memory and numerics, engine projection.

Timings are not asserted (they depend on the machine and its load; bench/demos_c.py records
them). What is asserted is physics and arithmetic that hold on any machine: bf16 stores
activations in fewer bytes, rounds to about 3 significant digits, keeps gradients pointing the
same way, and the engine's data-parallel speed-up grows with devices while tensor parallelism of
a tiny model does not pay. The token data assume a fixed random bigram language (8 successors
per token), so the best achievable loss is about ln 8 = 2.08 nats.
"""

from __future__ import annotations

import math

import pytest

from models.training_speed import (
    DEMO_MODEL,
    SpeedConfig,
    TinyGPTConfig,
    bf16_rounding_examples,
    bigram_batches,
    build_model,
    engine_projection,
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
    cfg = TinyGPTConfig()
    assert sum(p.numel() for p in build_model(cfg).parameters()) == cfg.params


def test_timings_have_one_entry_per_repeat_and_positive_throughput(bf16):
    for tm in (bf16.fp32, bf16.bf16):
        assert len(tm.step_s) == FAST.repeats and all(s > 0 for s in tm.step_s)
        assert tm.median_samples_per_s > 0 and tm.achieved_gflop_s > 0
        assert tm.tokens_per_step == FAST.batch_size * FAST.model.seq_len
    assert bf16.speedup > 0  # faster or slower depends on the CPU: shown, not asserted


def test_bf16_keeps_fewer_activation_bytes(bf16):
    ratio = bf16.saved_activation_bytes_bf16 / bf16.saved_activation_bytes_fp32
    # Linear inputs are stored in 2 bytes instead of 4; norms, softmax and the loss stay fp32.
    assert 0.4 < ratio < 0.9, ratio


def test_activation_memory_grows_linearly_with_batch():
    a, b = (saved_activation_bytes(TinyGPTConfig(), n, "fp32") for n in (4, 8))
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
    a = bigram_batches(TinyGPTConfig(), 2, 1, seed=0)[0][0]
    b = bigram_batches(TinyGPTConfig(), 2, 1, seed=1)[0][0]
    assert a.shape == (2, TinyGPTConfig().seq_len) and not (a == b).all()


def test_timing_restores_the_thread_setting():
    import torch

    before = torch.get_num_threads()
    time_steps(TinyGPTConfig(), 2, 1, "fp32", repeats=1, steps=1)
    assert torch.get_num_threads() == before


def test_sweep_points_cover_every_batch_and_thread_combination():
    pts = sweep_combinations(("fp32", "bf16"), batch_sizes=(1, 4), threads=(1, 2))
    assert len(pts) == 8 and len(set(pts)) == 8


def test_engine_projection_for_the_demo_model():
    p = engine_projection(DEMO_MODEL, "nvidia-h100-sxm", (1, 2, 4, 8, 16))
    data = {r["devices"]: r for r in p.data}
    tensor = {r["devices"]: r for r in p.tensor}
    assert data[1]["speedup"] == pytest.approx(1.0)
    assert data[2]["speedup"] < data[4]["speedup"] < data[8]["speedup"]   # more devices, more throughput
    assert all(r["efficiency"] <= 1.0 + 1e-9 for r in p.data)
    assert tensor[8]["speedup"] < 1.0  # splitting a 0.1M-parameter model only adds communication
    assert p.gpu_tokens_per_s > 0 and 0 < p.mfu_used <= 1
    assert p.engine_params == pytest.approx(TinyGPTConfig().params, rel=0.05)


def test_engine_projection_for_a_catalog_model_favours_tensor_parallel_more():
    p = engine_projection("llama-3-8b", "nvidia-h100-sxm", (1, 8))
    assert p.tensor[-1]["speedup"] > 1.0


def test_bad_speed_config_raises_a_clear_error():
    with pytest.raises(VentureLabError, match="threads"):
        run_bf16(SpeedConfig(threads=999))
