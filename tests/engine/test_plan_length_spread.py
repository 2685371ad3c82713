"""A log-normal spread of prompt and output lengths (the Python API's and the Capacity planner's
option, issue 11): the same configuration's latency tail grows with the spread, a spread never makes
a plan cheaper, and a spread outside its range is the one-line error."""

from __future__ import annotations

import pytest

from scenarios.engine.plan import PlanRequest, plan
from scenarios.engine.plan_curve import latency_against_rate
from scenarios.errors import VentureLabError

BASE = {"model": "llama-3.1-8b", "rate_per_s": 4.0, "prompt_tokens": 1024, "output_tokens": 256,
        "hardware": ("nvidia-l4",), "max_devices": 1}


def _curve(sigma: float):
    best = plan(PlanRequest(**BASE)).best
    req = PlanRequest(**BASE, length_sigma=sigma)
    return latency_against_rate(req, best["hardware"], best["weights"], best["runtime"],
                                best["devices_per_replica"], best["concurrency_per_replica"])


def test_a_spread_lengthens_the_tail_of_the_same_configuration():
    fixed, spread = _curve(0.0), _curve(0.8)
    i = len(fixed.rate_per_s) // 2              # a moderate load on the same replica
    assert spread.e2e_ms[0.99][i] > 1.2 * fixed.e2e_ms[0.99][i]
    assert spread.ttft_ms[0.99][i] > fixed.ttft_ms[0.99][i]


@pytest.mark.parametrize("ttft_ms", [500.0, 2000.0])
def test_a_spread_never_makes_the_plan_cheaper(ttft_ms):
    fixed = plan(PlanRequest(**{**BASE, "hardware": None}, ttft_ms=ttft_ms, e2e_ms=20_000.0))
    spread = plan(PlanRequest(**{**BASE, "hardware": None}, ttft_ms=ttft_ms, e2e_ms=20_000.0, length_sigma=1.0))
    assert fixed.best is not None
    assert spread.best is None or spread.best["usd_per_hour"] >= fixed.best["usd_per_hour"] * (1 - 1e-9)
    assert spread.to_dict()["inputs"]["length_sigma"] == 1.0


@pytest.mark.parametrize("sigma", [-0.1, 2.5, float("nan")])
def test_a_spread_outside_its_range_names_the_field(sigma):
    with pytest.raises(VentureLabError, match="length_sigma"):
        plan(PlanRequest(**BASE, length_sigma=sigma))
