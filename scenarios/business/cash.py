"""Cash in the bank month by month, with the Monte Carlo's P10-P90 band around it.

The deterministic line is :func:`scenarios.business.economics.projection`'s ``cash`` (every input
at its most likely value), the same series the runway is read from. The band runs each Monte
Carlo draw (:mod:`scenarios.business.uncertainty`: the same uniforms from the same ``n`` and
``seed``, so the same samples as the cost and margin bands) through the same month-by-month sum:

    cash[m] = funding - sum_{k <= m} (fixed + serving[k] - revenue[k])

with ``serving[k]`` from :func:`~scenarios.business.economics.option_cost_usd_month` at the draw's
traffic x growth^k, efficiency, peak load share and prices, and ``revenue[k]`` from
:func:`~scenarios.business.economics.revenue_usd_month` at the draw's traffic x growth^k (users
and requests move together). Month ``m`` is the end of month ``m``: month 0 has already paid one
month's burn, as in the projection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenarios.business.economics import (
    PROJECTION_MONTHS,
    CostModel,
    cost_models,
    option_cost_usd_month,
    projection,
    requests_per_month,
    revenue_usd_month,
)
from scenarios.business.runner import FullRun, power_defaults
from scenarios.business.scenario import Scenario
from scenarios.business.uncertainty import input_quantiles, input_ranges, triangular_ppf


@dataclass(frozen=True)
class CashCurve:
    """Cash at the end of each month (USD); arrays of ``len(months)``, read-only. P10/P50/P90 are
    taken month by month across the draws, so a band's edge is not one draw's path."""
    months: np.ndarray            # 0 .. horizon
    cash_usd: np.ndarray          # deterministic: inputs at their most likely value
    cash_usd_p10: np.ndarray
    cash_usd_p50: np.ndarray
    cash_usd_p90: np.ndarray
    runway_months: int | None     # first month the deterministic cash is below zero (None: never)
    samples: int                  # Monte Carlo draws behind the band


def _frozen(x) -> np.ndarray:
    a = np.array(x, dtype=float)
    a.setflags(write=False)
    return a


def sampled_cash_usd(scenario: Scenario, serving: CostModel, months: np.ndarray,
                     draws: dict[str, np.ndarray]) -> np.ndarray:
    """Cash at the end of each month for each draw: (samples, months)."""
    tr = scenario.traffic
    col = {name: v[:, None] for name, v in draws.items()}   # (n, 1) against (months,)
    scale = col["traffic"] * (1.0 + tr.monthly_growth) ** months[None, :]
    serving_usd = option_cost_usd_month(
        serving, requests_per_month(scenario) * scale, peak_factor=tr.peak_factor,
        peak_load_share=col["peak_load_share"], capacity_mult=col["efficiency"],
        hardware_price_mult=col["hardware_price"], api_price_mult=col["api_price"])
    burn_usd = scenario.fixed_costs.total_usd_month + serving_usd - revenue_usd_month(scenario, scale)
    return scenario.funding.cash_usd - np.cumsum(burn_usd, axis=1)


def cash_curve(scenario: Scenario, models: dict[str, CostModel], *, samples: int, seed: int,
               months: int = PROJECTION_MONTHS) -> CashCurve:
    """The serving target's cash curve over ``months`` (the runway's horizon) with its band, from
    the Monte Carlo's ``samples`` draws at ``seed`` (pass the run's ``MonteCarloResult.n`` and
    ``.seed`` to band the figures the pages already show)."""
    serving = models[scenario.serving_target]
    point = np.asarray(projection(scenario, serving, months)["cash"], dtype=float)
    ranges = input_ranges(scenario, serving)
    quantiles = input_quantiles(ranges, samples, seed)
    draws = {name: triangular_ppf(quantiles[name], r) for name, r in ranges.items()}
    m = np.arange(months + 1)
    p10, p50, p90 = np.percentile(sampled_cash_usd(scenario, serving, m, draws), [10, 50, 90], axis=0)
    below = np.nonzero(point < 0)[0]
    return CashCurve(_frozen(m), _frozen(point), _frozen(p10), _frozen(p50), _frozen(p90),
                     int(below[0]) if below.size else None, samples)


def cash_for_run(scenario: Scenario, full: FullRun) -> CashCurve:
    """The cash curve of a finished run: its capacities priced again (no engine call) and its
    Monte Carlo's draws (``full.monte_carlo.n`` and ``.seed``)."""
    caps = {c.target_id: c for c in full.result.capacities}
    models = cost_models(scenario, caps, power_defaults(scenario))
    return cash_curve(scenario, models, samples=full.monte_carlo.n, seed=full.monte_carlo.seed)
