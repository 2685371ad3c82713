"""The queueing approximation (scenarios/engine/queueing.py) against a small discrete-event
simulation of the same replica (tests/engine/des.py): p50 within 10 %, p99 within 20 %, for TTFT
and end-to-end latency, at loads where the replica's concurrency cap does not bind."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.engine import batching, queueing
from scenarios.engine.serving_core import work_stage
from scenarios.engine.serving_inputs import resolve_requests
from tests.engine.des import simulate

CASES = [  # model, hardware, weights, prompt, output, rate per s, concurrency cap
    ("llama-3.1-8b", "nvidia-h100-sxm", "fp16", 512, 128, 2.0, 256),
    ("llama-3.1-8b", "nvidia-h100-sxm", "fp16", 512, 128, 20.0, 256),
    ("llama-3.1-70b", "nvidia-h200-sxm", "fp8", 1000, 200, 1.0, 128),
    ("llama-3.1-8b", "nvidia-l40s", "fp8", 1000, 300, 3.0, 64),
    ("llama-3.1-8b", "nvidia-h100-sxm", "fp16", 2000, 200, 4.0, 256),
]


def _step_model(model, hardware, weights, prompt, output):
    r = resolve_requests([model], [hardware], [weights], None, None, [64], [prompt], [output], 1, None, 0.5)
    return batching.step_model(r, work_stage(r))


@pytest.mark.parametrize("case", CASES, ids=[f"{c[1]}-{c[3]}/{c[4]}@{c[5]:g}" for c in CASES])
def test_queueing_figures_agree_with_the_simulation(case):
    model, hardware, weights, prompt, output, rate, cap = case
    sm = _step_model(model, hardware, weights, prompt, output)
    approx = queueing.latency_under_load(sm, cap, rate, prompt, output)
    assert approx.stable[0]
    ttft, e2e = simulate(sm, 0, cap, rate, prompt, output, n_requests=3000, seed=1)
    for q, tol in ((0.5, 0.10), (0.99, 0.20)):
        assert approx.ttft_s[q][0] == pytest.approx(np.quantile(ttft, q), rel=tol), q
        assert approx.e2e_s[q][0] == pytest.approx(np.quantile(e2e, q), rel=tol), q


def test_more_rate_never_lowers_latency_and_past_capacity_is_unstable():
    sm = _step_model("llama-3.1-8b", "nvidia-h100-sxm", "fp16", 512, 128)
    rates = np.array([0.5, 2.0, 8.0, 20.0, 40.0, 1e5])
    out = queueing.latency_under_load(sm, 256, rates, 512, 128)
    for q in queueing.PERCENTILES:
        assert np.all(np.diff(out.e2e_s[q]) >= 0) and np.all(np.diff(out.ttft_s[q]) >= 0)
    assert out.stable[0] and not out.stable[-1] and np.isinf(out.e2e_s[0.5][-1])


def test_log_normal_spread_widens_the_tail_not_the_median_much():
    sm = _step_model("llama-3.1-8b", "nvidia-h100-sxm", "fp16", 512, 128)
    fixed = queueing.latency_under_load(sm, 256, 4.0, 512, 128)
    spread = queueing.latency_under_load(sm, 256, 4.0, 512, 128, length_sigma=0.8)
    assert spread.e2e_s[0.99][0] > 1.5 * fixed.e2e_s[0.99][0]
    assert spread.e2e_s[0.5][0] == pytest.approx(fixed.e2e_s[0.5][0], rel=0.5)
