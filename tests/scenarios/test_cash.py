"""The cash curve (scenarios/business/cash.py) against sums done by hand: a scenario served by an
API (cost linear in traffic, so every figure has a closed form), hand-made capacities so the
engine's speed model does not enter."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenarios.business.cash import cash_curve
from scenarios.business.economics import cost_models, evaluate
from scenarios.business.scenario import from_dict
from scenarios.business.uncertainty import monte_carlo
from tests.scenarios.conftest import golden_capacities, golden_dict

REQ_MONTH = 10_000 * 365 / 12            # 304,166.67 requests a month
API_USD_PER_REQUEST = 0.0008             # (1000 * 0.5 + 200 * 1.5) / 1e6
PRICE_USD_PER_REQUEST = 0.002
FIXED_USD_MONTH = 30_000
CASH_USD = 100_000
NO_SPREAD = {"traffic": [1, 1], "hardware_price": [1, 1], "api_price": [1, 1], "peak_load_share": [0.5, 0.5]}


def _api_scenario(growth: float = 0.0, uncertainty: dict | None = None):
    d = golden_dict()
    d["serving_target"] = "api"
    d["pricing"] = {"model": "per-request", "usd_per_request": PRICE_USD_PER_REQUEST}
    d["traffic"]["monthly_growth"] = growth
    d["uncertainty"] = uncertainty or NO_SPREAD
    return from_dict(d)


def _curve(scenario, samples: int = 10_000):
    return cash_curve(scenario, cost_models(scenario, golden_capacities()), samples=samples, seed=0)


def _hand_cash_usd(months: int, growth: float, traffic: float = 1.0) -> np.ndarray:
    """cash[m] = cash - sum_{k<=m} (fixed + R t g^k (api - price)), g^k summed as a geometric series."""
    m = np.arange(months + 1)
    growth_sum = (m + 1) if growth == 0 else ((1 + growth) ** (m + 1) - 1) / growth
    return CASH_USD - (m + 1) * FIXED_USD_MONTH \
        - REQ_MONTH * traffic * (API_USD_PER_REQUEST - PRICE_USD_PER_REQUEST) * growth_sum


def test_flat_business_burns_the_same_every_month_and_runs_out_in_month_3():
    c = _curve(_api_scenario())
    # burn = 30,000 + 243.33 - 608.33 = 29,635 a month: 70,365, 40,730, 11,095, then -18,540
    assert c.cash_usd[:4] == pytest.approx([70_365, 40_730, 11_095, -18_540], abs=0.01)
    assert c.cash_usd == pytest.approx(_hand_cash_usd(60, 0.0))
    assert c.runway_months == 3
    assert len(c.months) == 61 and c.months[-1] == 60


def test_growth_compounds_revenue_and_api_cost_as_a_geometric_series():
    c = _curve(_api_scenario(growth=0.1))
    assert c.cash_usd == pytest.approx(_hand_cash_usd(60, 0.1), rel=1e-9)


def test_runway_is_the_one_the_unit_economics_report():
    scenario = _api_scenario(growth=0.1)
    assert _curve(scenario).runway_months == evaluate(scenario, golden_capacities()).unit.runway_months


def test_without_spread_the_band_is_the_line():
    c = _curve(_api_scenario(growth=0.05))
    for edge in (c.cash_usd_p10, c.cash_usd_p50, c.cash_usd_p90):
        assert edge == pytest.approx(c.cash_usd, rel=1e-12)


def test_band_edges_are_the_traffic_triangle_quantiles():
    """Traffic alone spreads (triangle 0.8, 1.0, 1.2). Each request earns more than it costs, so
    cash rises with traffic and its P10 is the traffic's P10: 0.8 + sqrt(0.1 * 0.4 * 0.2) = 0.8894,
    its P90 1.2 - sqrt(0.1 * 0.4 * 0.2) = 1.1106 (the triangle's inverse CDF)."""
    c = _curve(_api_scenario(uncertainty=dict(NO_SPREAD, traffic=[0.8, 1.2])))
    half = math.sqrt(0.1 * 0.4 * 0.2)
    m = 24
    # back out the traffic multiplier each band edge implies at month m; 10,000 draws: within 1%
    per_traffic = (_hand_cash_usd(m, 0.0, 1.0) - _hand_cash_usd(m, 0.0, 0.0))[m]
    implied = lambda cash: (cash[m] - _hand_cash_usd(m, 0.0, 0.0)[m]) / per_traffic  # noqa: E731
    assert implied(c.cash_usd_p10) == pytest.approx(0.8 + half, rel=0.01)
    assert implied(c.cash_usd_p50) == pytest.approx(1.0, rel=0.01)
    assert implied(c.cash_usd_p90) == pytest.approx(1.2 - half, rel=0.01)
    assert np.all(c.cash_usd_p10 <= c.cash_usd_p50) and np.all(c.cash_usd_p50 <= c.cash_usd_p90)


def test_band_uses_the_monte_carlo_draws_of_the_cost_band():
    """Month 0's serving cost in each draw is the Monte Carlo's own cost sample, so the cash at
    month 0 from the same n and seed is funding - fixed - cost + revenue, draw for draw."""
    scenario = from_dict(dict(golden_dict(), pricing={"model": "per-request", "usd_per_request": 0.01}))
    models = cost_models(scenario, golden_capacities())
    mc = monte_carlo(scenario, models, n=2_000, seed=7)
    c = cash_curve(scenario, models, samples=mc.n, seed=mc.seed, months=3)
    # margin = (revenue - cost) / revenue, so cash[0] = cash - fixed + margin * revenue per draw;
    # revenue per draw is price * requests * traffic draw, recovered from cost and margin
    revenue = mc.cost_samples / (1 - mc.margin_samples)
    month0 = CASH_USD - FIXED_USD_MONTH - mc.cost_samples + revenue
    assert c.cash_usd_p10[0] == pytest.approx(np.percentile(month0, 10), rel=1e-9)
    assert c.cash_usd_p90[0] == pytest.approx(np.percentile(month0, 90), rel=1e-9)


def test_arrays_are_read_only():
    c = _curve(_api_scenario(), samples=100)
    with pytest.raises(ValueError):
        c.cash_usd[0] = 0.0
