"""Seeded Monte Carlo: reproducible, ordered bands, sensible responses; tornado ordering."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.business.economics import cost_models
from scenarios.business.uncertainty import monte_carlo, tornado
from tests.scenarios.conftest import golden_capacities


@pytest.fixture
def models(golden):
    return cost_models(golden, golden_capacities())


def test_same_seed_same_percentiles(golden, models):
    a = monte_carlo(golden, models, n=10_000, seed=7)
    b = monte_carlo(golden, models, n=10_000, seed=7)
    assert a.cost_usd_month == b.cost_usd_month and a.margin == b.margin


def test_percentiles_stable_across_seeds(golden, models):
    """With 10,000 samples the P50 of the margin moves by well under a point between seeds."""
    p50 = [monte_carlo(golden, models, n=10_000, seed=s).margin.expected for s in range(3)]
    assert max(p50) - min(p50) < 0.01


def test_bands_are_ordered(golden, models):
    mc = monte_carlo(golden, models, n=10_000, seed=1)
    for band in (mc.cost_usd_month, mc.margin, *mc.options_usd_month.values(), *mc.fan_cost):
        assert band.low <= band.expected <= band.high
    assert mc.cost_samples.shape == (10_000,)
    assert len(mc.fan_cost) == len(mc.fan_months) == 25


def test_api_cost_band_follows_traffic_and_price_ranges(golden, models):
    mc = monte_carlo(golden, models, n=20_000, seed=3)
    api = mc.options_usd_month["api"]
    point = 10_000 * 365 / 12 * 0.0008
    # product of two triangular multipliers with modes at 1: the median lies near the point
    assert api.low < point < api.high
    assert api.expected == pytest.approx(point, rel=0.15)


def test_rented_cost_is_whole_replicas(golden, models):
    mc = monte_carlo(golden, models, n=5_000, seed=0)
    # 1 replica at any sampled traffic (peak 0.32 req/s < 5 * 0.4 * 0.8): price range only
    assert 1460 * 0.8 - 1e-6 <= mc.cost_usd_month.low <= mc.cost_usd_month.high <= 1460 * 1.25 + 1e-6


def test_tornado_sorted_and_traffic_moves_a_fixed_cost_margin_most(golden, models):
    bars = tornado(golden, models)
    swings = [b.swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    # serving is a fixed 1460/month at these volumes; revenue scales with traffic, price moves
    # only the 1460, so traffic and hardware price are the top two, api price does nothing
    assert bars[0].name == "traffic"
    assert {b.name: b.swing for b in bars}["api_price"] == pytest.approx(0.0)
    assert not any(np.isnan(b.swing) for b in bars)


def test_inputs_are_ranges_with_the_most_likely_value_inside(golden, models):
    # a founder sure traffic beats the plan states 1.2-1.5: the most likely draw is 1.2, not 1.0
    sure = golden.replace(uncertainty={"traffic": [1.2, 1.5]})
    ranges = monte_carlo(sure, cost_models(sure, golden_capacities()), n=1_000, seed=0).inputs
    assert list(ranges) == ["traffic", "efficiency", "hardware_price", "api_price", "peak_load_share"]
    assert ranges["traffic"].as_tuple() == (1.2, 1.2, 1.5)
    assert ranges["peak_load_share"].expected == golden.operating.peak_load_share


def test_no_revenue_gives_no_margin_band(golden, models):
    free = golden.replace(pricing={"model": "subscription", "usd_per_user_month": 0})
    mc = monte_carlo(free, cost_models(free, golden_capacities()), n=1_000, seed=0)
    assert mc.margin is None and mc.cost_usd_month is not None


def _documented_efficiency(cap) -> tuple[float, float, float]:
    """uncertainty.py's docstring: a triangle over the engine's own low / high throughput band,
    most likely at the engine's expected value (a multiplier of 1)."""
    lo, hi = cap.requests_per_s_low / cap.requests_per_s, cap.requests_per_s_high / cap.requests_per_s
    return min(lo, 1.0), 1.0, max(hi, 1.0)


@pytest.mark.parametrize("preset", ["recommendation", "finance"])
def test_every_option_draws_efficiency_from_its_documented_triangle(preset):
    """Serving and non-serving options alike (finance serves on an API, so every self-hosted
    option there is a non-serving one)."""
    from scipy import stats

    from scenarios.business.runner import run
    from scenarios.business.scenario import load_preset

    full = run(load_preset(preset), samples=20_000, seed=5)
    draws = full.monte_carlo.efficiency_samples
    checked = 0
    for cap in full.result.capacities:
        if not cap.fits or not np.isfinite(cap.requests_per_s) or cap.requests_per_s <= 0:
            continue
        lo, mode, hi = _documented_efficiency(cap)
        if hi - lo < 1e-9:
            continue
        x = draws[cap.target_id]
        dist = stats.triang((mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
        assert stats.kstest(x, dist.cdf).pvalue > 0.01, cap.target_id
        for q in (0.1, 0.5, 0.9):
            assert np.quantile(x, q) == pytest.approx(dist.ppf(q), rel=0.02), (cap.target_id, q)
        checked += 1
    assert checked >= 2
