"""How wrong the scenario's figures may be: a vectorised Monte Carlo and a tornado.

Uncertain inputs and how each is drawn (triangular: lowest, most likely, highest, so each
range reads as "no less than / no more than", which is how founders state them):

* ``traffic``: multiplier on requests (and on the users who pay), from the scenario's range;
* ``efficiency``: multiplier on a replica's throughput, from the engine's own low / high band
  (which held-out calibration residuals justify, see docs/methodology.md);
* ``hardware_price`` and ``api_price``: multipliers on the device and API prices;
* ``utilisation``: the share of capacity used at peak, absolute, most likely at the
  scenario's value.

Every sample goes through :func:`scenarios.business.economics.option_cost_usd_month`, the same
formula as the point estimate, with numpy arrays instead of scalars: 10,000 samples take a
few milliseconds (bench/scenarios.py).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from scenarios.business.economics import (CostModel, option_cost_usd_month, requests_per_month,
                                 revenue_per_request)
from scenarios.business.scenario import Scenario

INPUTS = ("traffic", "efficiency", "hardware_price", "api_price", "utilisation")


@dataclass(frozen=True)
class Band:
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True)
class InputRange:
    name: str
    low: float
    mode: float
    high: float


@dataclass(frozen=True)
class MonteCarloResult:
    n: int
    seed: int
    inputs: tuple[InputRange, ...]
    cost_usd_month: Band                # serving target, this month
    margin: Band                        # gross margin, this month
    options_usd_month: dict[str, Band]  # every feasible option's monthly cost today
    cost_samples: np.ndarray
    margin_samples: np.ndarray
    fan_months: tuple[int, ...]
    fan_cost: tuple[Band, ...]          # serving cost per month with growth


@dataclass(frozen=True)
class TornadoBar:
    name: str
    low: float
    high: float
    margin_at_low: float
    margin_at_high: float

    @property
    def swing(self) -> float:
        return abs(self.margin_at_high - self.margin_at_low)


def input_ranges(scenario: Scenario, serving: CostModel) -> tuple[InputRange, ...]:
    u = scenario.uncertainty
    util = scenario.operating.utilisation
    cap = serving.replica_requests_per_s
    if np.isfinite(cap) and cap > 0:
        eff = (serving.replica_requests_per_s_low / cap, 1.0, serving.replica_requests_per_s_high / cap)
    else:
        eff = (1.0, 1.0, 1.0)
    return (
        InputRange("traffic", u.traffic[0], 1.0, u.traffic[1]),
        InputRange("efficiency", min(eff[0], 1.0), 1.0, max(eff[2], 1.0)),
        InputRange("hardware_price", u.hardware_price[0], 1.0, u.hardware_price[1]),
        InputRange("api_price", u.api_price[0], 1.0, u.api_price[1]),
        InputRange("utilisation", u.utilisation[0], float(np.clip(util, *u.utilisation)), u.utilisation[1]),
    )


def _draw(rng: np.random.Generator, r: InputRange, n: int) -> np.ndarray:
    lo, mode, hi = r.low, min(max(r.mode, r.low), r.high), r.high
    if hi - lo <= 1e-12:
        return np.full(n, mode)
    return rng.triangular(lo, mode, hi, n)


def _cost_and_margin(scenario: Scenario, cm: CostModel, values: dict[str, np.ndarray],
                     months: np.ndarray | None = None):
    tr = scenario.traffic
    req = requests_per_month(scenario) * values["traffic"]
    if months is not None:  # (n, 1) * (months,) -> (n, months)
        req = req[:, None] * (1.0 + tr.monthly_growth) ** months[None, :]
        values = {k: v[:, None] for k, v in values.items()}
    cost = option_cost_usd_month(cm, req, peak_factor=tr.peak_factor,
                                 utilisation=values["utilisation"], capacity_mult=values["efficiency"],
                                 hardware_price_mult=values["hardware_price"],
                                 api_price_mult=values["api_price"])
    revenue = req * revenue_per_request(scenario)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(revenue > 0, (revenue - cost) / revenue, np.nan)
    return cost, margin


def _band(x: np.ndarray, axis=None) -> Band | list[Band]:
    with warnings.catch_warnings():  # all-NaN (no revenue, so no margin) gives NaN bands: fine
        warnings.simplefilter("ignore", RuntimeWarning)
        p = np.nanpercentile(x, [10, 50, 90], axis=axis)
    if axis is None:
        return Band(float(p[0]), float(p[1]), float(p[2]))
    return [Band(float(a), float(b), float(c)) for a, b, c in zip(*p)]


def monte_carlo(scenario: Scenario, models: dict[str, CostModel], n: int = 10_000, seed: int = 0,
                fan_months: int = 24) -> MonteCarloResult:
    """P10 / P50 / P90 of the serving target's monthly cost and gross margin."""
    serving = models[scenario.serving_target]
    ranges = input_ranges(scenario, serving)
    rng = np.random.default_rng(seed)
    values = {r.name: _draw(rng, r, n) for r in ranges}
    cost, margin = _cost_and_margin(scenario, serving, values)
    options = {}
    for tid, cm in models.items():
        if not cm.feasible:
            continue  # an option that cannot serve the model has no cost to spread
        ranges_cm = {r.name: r for r in input_ranges(scenario, cm)}
        # each option keeps its own engine band, sampled with the same quantiles (common random
        # numbers: the options' bands are comparable draw for draw)
        eff = ranges_cm["efficiency"]
        base = ranges[1]
        if base.high - base.low > 1e-12:
            q = (values["efficiency"] - base.low) / (base.high - base.low)
        else:
            q = rng.random(n)
        v = dict(values, efficiency=eff.low + q * (eff.high - eff.low))
        options[tid] = _band(_cost_and_margin(scenario, cm, v)[0])
    months = np.arange(fan_months + 1)
    fan_cost, _ = _cost_and_margin(scenario, serving, values, months)
    return MonteCarloResult(n, seed, ranges, _band(cost), _band(margin), options, cost, margin,
                            tuple(int(m) for m in months), tuple(_band(fan_cost, axis=0)))


def tornado(scenario: Scenario, models: dict[str, CostModel]) -> list[TornadoBar]:
    """Gross margin with each input at its low and high end, the others at their most likely
    value; sorted by swing, largest first."""
    serving = models[scenario.serving_target]
    ranges = input_ranges(scenario, serving)
    base = {r.name: np.array([r.mode, r.mode]) for r in ranges}
    bars = []
    for r in ranges:
        values = dict(base, **{r.name: np.array([r.low, r.high])})
        _, margin = _cost_and_margin(scenario, serving, values)
        bars.append(TornadoBar(r.name, r.low, r.high, float(margin[0]), float(margin[1])))
    return sorted(bars, key=lambda b: -np.nan_to_num(b.swing))
