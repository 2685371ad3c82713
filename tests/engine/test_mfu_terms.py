"""The terms of log(MFU) besides the generation's intercept (scenarios.engine.speed.mfu_log_terms),
one at a time on hand-made coefficient tables: model size (clipped to the evidence), size x chip
peak, device count from ``devices_from`` on (unknown counts add nothing), MoE and FP8."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenarios.engine.speed import mfu_log_terms


def test_size_term_is_the_slope_times_log10_params_around_the_centre():
    assert mfu_log_terms({"slope": 0.5}, 100.0) == pytest.approx(0.5 * 2.0)           # x_center defaults to 0
    assert mfu_log_terms({"slope": 0.5, "x_center": 1.0}, 100.0) == pytest.approx(0.5)
    assert mfu_log_terms({"slope": 0.5, "x_center": 1.0}, [1.0, 10.0, 1000.0]).tolist() == \
        pytest.approx([-0.5, 0.0, 1.0])


def test_sizes_outside_the_evidence_take_the_nearest_end():
    m = {"slope": 1.0, "params_range_b": (1.0, 100.0)}
    assert mfu_log_terms(m, [0.01, 1.0, 10.0, 100.0, 1e5]).tolist() == pytest.approx([0.0, 0.0, 1.0, 2.0, 2.0])
    # no range: every size counts, down to a floor that keeps log10 finite
    assert mfu_log_terms({"slope": 1.0}, 1e-3) == pytest.approx(-3.0)
    assert math.isfinite(float(mfu_log_terms({"slope": 1.0}, 0.0)))


def test_size_helps_more_on_a_faster_chip():
    m = {"slope": 0.0, "peak_slope": 0.25}
    # log2(peak / 312 TFLOP/s, the A100 reference by default) x log10(params)
    assert mfu_log_terms(m, 100.0, peak_tflops=624.0) == pytest.approx(0.25 * 2.0 * 1.0)
    assert mfu_log_terms(m, 100.0, peak_tflops=156.0) == pytest.approx(0.25 * 2.0 * -1.0)
    assert mfu_log_terms({**m, "peak_ref_tflops": 1000.0}, 100.0, peak_tflops=4000.0) == pytest.approx(0.25 * 2 * 2)
    assert mfu_log_terms(m, 100.0) == 0.0                                           # no peak: no term
    assert mfu_log_terms({"slope": 1.0}, 100.0, peak_tflops=624.0) == pytest.approx(2.0)   # no peak_slope: 0


def test_device_term_starts_at_devices_from():
    m = {"slope": 0.0, "devices_slope": -0.2, "devices_from": 100.0}
    got = mfu_log_terms(m, 10.0, devices=[1, 100, 1000, 10000])
    assert got.tolist() == pytest.approx([0.0, 0.0, -0.2, -0.4])
    # unknown counts add nothing, in a list or alone
    got = mfu_log_terms(m, 10.0, devices=[1000, None, float("nan")])
    assert got.tolist() == pytest.approx([-0.2, 0.0, 0.0])
    assert mfu_log_terms(m, 10.0, devices=None) == 0.0
    # devices_from defaults to 1
    assert mfu_log_terms({"slope": 0.0, "devices_slope": -0.2}, 10.0, devices=100) == pytest.approx(-0.4)
    assert mfu_log_terms({"slope": 0.0}, 10.0, devices=100) == 0.0                  # no devices_slope: 0


def test_moe_and_fp8_shift_by_their_fitted_factors():
    m = {"slope": 0.0, "moe": 0.1, "fp8": 0.05}
    assert mfu_log_terms(m, 10.0) == 0.0
    assert mfu_log_terms(m, 10.0, moe=True) == pytest.approx(0.1)
    assert mfu_log_terms(m, 10.0, fp8=True) == pytest.approx(0.05)
    assert mfu_log_terms(m, [10.0, 10.0], moe=[True, False], fp8=[True, True]).tolist() == pytest.approx([0.15, 0.05])
    assert mfu_log_terms({"slope": 0.0}, 10.0, moe=True, fp8=True) == 0.0


def test_terms_add():
    m = {"slope": 0.1, "x_center": 1.0, "peak_slope": 0.2, "peak_ref_tflops": 312.0, "devices_slope": -0.15,
         "devices_from": 10.0, "moe": 0.3, "fp8": 0.04, "params_range_b": (0.1, 1000.0)}
    x, pk, xd = math.log10(70.0) - 1.0, math.log2(989.5 / 312.0), math.log10(1000.0 / 10.0)
    expected = 0.1 * x + 0.2 * x * pk - 0.15 * xd + 0.3 + 0.04
    got = mfu_log_terms(m, np.array([70.0]), peak_tflops=989.5, devices=1000, moe=True, fp8=True)
    assert got.tolist() == pytest.approx([expected], rel=1e-12)
