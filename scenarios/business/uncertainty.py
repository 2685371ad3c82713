"""How wrong the scenario's figures may be: a vectorised Monte Carlo and a tornado.

Uncertain inputs and how each is drawn (triangular: lowest, most likely, highest, so each
range reads as "no less than / no more than", which is how founders state them):

* ``traffic``: multiplier on requests (and on the users who pay), from the scenario's range;
* ``efficiency``: multiplier on a replica's throughput, from the engine's own low / high band
  (which held-out calibration residuals justify, see docs/methodology.md);
* ``hardware_price`` and ``api_price``: multipliers on the device and API prices;
* ``utilisation``: the share of capacity used at peak, absolute, most likely at the
  scenario's value.

Each input is a :class:`~scenarios.units.Range` (low, most likely, high); each result band is a
Range too, read as P10 / P50 / P90 (``expected`` is the median of the samples).

Every sample goes through :func:`scenarios.business.economics.option_cost_usd_month`, the same
formula as the point estimate, with numpy arrays instead of scalars: 10,000 samples take a
few milliseconds (bench/scenarios.py).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from scenarios.business.economics import (CostModel, option_cost_usd_month, requests_per_month,
                                          revenue_usd_month)
from scenarios.business.scenario import Scenario
from scenarios.units import Range

INPUTS = ("traffic", "efficiency", "hardware_price", "api_price", "utilisation")


@dataclass(frozen=True)
class MonteCarloResult:
    """P10 / P50 / P90 bands as Ranges; a band is None where no sample has a finite value (a
    gross margin without revenue)."""
    n: int
    seed: int
    inputs: dict[str, Range]                   # name -> (low, most likely, high), in INPUTS order
    cost_usd_month: Range | None               # serving target, this month
    margin: Range | None                       # gross margin, this month
    options_usd_month: dict[str, Range | None]  # every feasible option's monthly cost today
    cost_samples: np.ndarray
    margin_samples: np.ndarray
    fan_months: tuple[int, ...]
    fan_cost: tuple[Range | None, ...]         # serving cost per month with growth


@dataclass(frozen=True)
class TornadoBar:
    """The gross margin with one input at each end of its range, the others most likely."""
    name: str
    input: Range
    margin_at_low: float
    margin_at_high: float

    @property
    def swing(self) -> float:
        return abs(self.margin_at_high - self.margin_at_low)


def _triangle(name: str, low: float, most_likely: float, high: float) -> Range:
    """A scenario's (low, high) with its most likely value inside it (a traffic range of
    1.2-1.5 says the most likely traffic is at least 1.2x the plan)."""
    return Range(low, min(max(most_likely, low), high), high, f"uncertainty.{name}")


def input_ranges(scenario: Scenario, serving: CostModel) -> dict[str, Range]:
    u = scenario.uncertainty
    cap = serving.replica_requests_per_s
    if np.isfinite(cap) and cap > 0:
        eff = (serving.replica_requests_per_s_low / cap, serving.replica_requests_per_s_high / cap)
    else:
        eff = (1.0, 1.0)
    return {
        "traffic": _triangle("traffic", u.traffic[0], 1.0, u.traffic[1]),
        "efficiency": _triangle("efficiency", min(eff[0], 1.0), 1.0, max(eff[1], 1.0)),
        "hardware_price": _triangle("hardware_price", u.hardware_price[0], 1.0, u.hardware_price[1]),
        "api_price": _triangle("api_price", u.api_price[0], 1.0, u.api_price[1]),
        "utilisation": _triangle("utilisation", u.utilisation[0], scenario.operating.utilisation,
                                 u.utilisation[1]),
    }


def _draw(rng: np.random.Generator, r: Range, n: int) -> np.ndarray:
    if r.width <= 1e-12:
        return np.full(n, r.expected)
    return rng.triangular(r.low, r.expected, r.high, n)


def _cost_and_margin(scenario: Scenario, cm: CostModel, values: dict[str, np.ndarray],
                     months: np.ndarray | None = None):
    tr = scenario.traffic
    scale = values["traffic"]               # users and their requests move together
    if months is not None:  # (n, 1) * (months,) -> (n, months)
        scale = scale[:, None] * (1.0 + tr.monthly_growth) ** months[None, :]
        values = {k: v[:, None] for k, v in values.items()}
    req = requests_per_month(scenario) * scale
    cost = option_cost_usd_month(cm, req, peak_factor=tr.peak_factor,
                                 utilisation=values["utilisation"], capacity_mult=values["efficiency"],
                                 hardware_price_mult=values["hardware_price"],
                                 api_price_mult=values["api_price"])
    revenue = revenue_usd_month(scenario, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(revenue > 0, (revenue - cost) / revenue, np.nan)
    return cost, margin


def _range(p10: float, p50: float, p90: float) -> Range | None:
    if not all(np.isfinite((p10, p50, p90))):
        return None
    # percentiles of one sample set are ordered up to the last bit of interpolation
    return Range(p10, min(max(p50, p10), p90), max(p90, p10), "percentiles")


def _band(x: np.ndarray) -> Range | None:
    with warnings.catch_warnings():  # all-NaN (no revenue, so no margin): no band
        warnings.simplefilter("ignore", RuntimeWarning)
        p = np.nanpercentile(x, [10, 50, 90])
    return _range(*(float(v) for v in p))


def _bands(x: np.ndarray) -> tuple[Range | None, ...]:
    """One band per column of ``x`` (samples x months)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        p = np.nanpercentile(x, [10, 50, 90], axis=0)
    return tuple(_range(float(a), float(b), float(c)) for a, b, c in zip(*p))


def _option_bands(scenario: Scenario, models: dict[str, CostModel], values: dict[str, np.ndarray],
                  base: Range, rng: np.random.Generator, n: int) -> dict[str, Range | None]:
    """Every feasible option's cost band; each keeps its own engine band, sampled with the same
    quantiles (common random numbers: the options' bands are comparable draw for draw)."""
    options = {}
    for tid, cm in models.items():
        if not cm.feasible:
            continue  # an option that cannot serve the model has no cost to spread
        if base.width > 1e-12:
            q = (values["efficiency"] - base.low) / base.width
        else:   # the serving target has no band: draw this option's quantiles afresh
            q = rng.random(n)
        eff = input_ranges(scenario, cm)["efficiency"]
        v = dict(values, efficiency=eff.low + q * eff.width)
        options[tid] = _band(_cost_and_margin(scenario, cm, v)[0])
    return options


def monte_carlo(scenario: Scenario, models: dict[str, CostModel], n: int = 10_000, seed: int = 0,
                fan_months: int = 24) -> MonteCarloResult:
    """P10 / P50 / P90 of the serving target's monthly cost and gross margin."""
    serving = models[scenario.serving_target]
    ranges = input_ranges(scenario, serving)
    rng = np.random.default_rng(seed)
    values = {name: _draw(rng, r, n) for name, r in ranges.items()}
    cost, margin = _cost_and_margin(scenario, serving, values)
    options = _option_bands(scenario, models, values, ranges["efficiency"], rng, n)
    months = np.arange(fan_months + 1)
    fan_cost, _ = _cost_and_margin(scenario, serving, values, months)
    return MonteCarloResult(n, seed, ranges, _band(cost), _band(margin), options, cost, margin,
                            tuple(int(m) for m in months), _bands(fan_cost))


def tornado(scenario: Scenario, models: dict[str, CostModel]) -> list[TornadoBar]:
    """Gross margin with each input at its low and high end, the others at their most likely
    value; sorted by swing, largest first."""
    serving = models[scenario.serving_target]
    ranges = input_ranges(scenario, serving)
    base = {name: np.array([r.expected, r.expected]) for name, r in ranges.items()}
    bars = []
    for name, r in ranges.items():
        values = dict(base, **{name: np.array([r.low, r.high])})
        _, margin = _cost_and_margin(scenario, serving, values)
        bars.append(TornadoBar(name, r, float(margin[0]), float(margin[1])))
    return sorted(bars, key=lambda b: -np.nan_to_num(b.swing))
