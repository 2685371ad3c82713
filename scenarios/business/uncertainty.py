"""How wrong the scenario's figures may be: a vectorised Monte Carlo and a tornado.

Uncertain inputs and how each is drawn (triangular: lowest, most likely, highest, so each
range reads as "no less than / no more than", which is how founders state them):

* ``traffic``: multiplier on requests (and on the users who pay), from the scenario's range;
* ``efficiency``: multiplier on a replica's throughput, from the engine's own low / high band
  (which held-out calibration residuals justify, see docs/methodology.md), most likely 1 (the
  engine's expected figure); every option draws from its own band's triangle, at the serving
  target's quantiles;
* ``hardware_price`` and ``api_price``: multipliers on the device and API prices;
* ``peak_load_share``: the share of capacity used at peak, absolute, most likely at the
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

from scenarios.business.economics import (
    CostModel,
    option_cost_usd_month,
    requests_per_month,
    revenue_usd_month,
)
from scenarios.business.scenario import Scenario
from scenarios.units import Range

INPUTS = ("traffic", "efficiency", "hardware_price", "api_price", "peak_load_share")


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
    efficiency_samples: dict[str, np.ndarray]  # every feasible option's capacity multiplier draws
    point_cost_usd_month: float                # the deterministic headline (inputs at their mode)
    point_percentile: int | None               # where that headline sits among the samples


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
        "peak_load_share": _triangle("peak_load_share", u.peak_load_share[0], scenario.operating.peak_load_share,
                                 u.peak_load_share[1]),
    }


def triangular_ppf(u: np.ndarray, r: Range) -> np.ndarray:
    """The triangular distribution's inverse CDF at quantiles ``u``: the same arithmetic as
    numpy's ``Generator.triangular`` (numpy/random/src/distributions/distributions.c,
    random_triangular), so a draw through it equals numpy's own draw from the same uniforms."""
    if r.width <= 1e-12:
        return np.full(np.shape(u), r.expected)
    left_base = r.expected - r.low
    left = r.low + np.sqrt(u * (left_base * r.width))
    right = r.high - np.sqrt((1.0 - u) * ((r.high - r.expected) * r.width))
    return np.where(u <= left_base / r.width, left, right)


def input_quantiles(ranges: dict[str, Range], n: int, seed: int) -> dict[str, np.ndarray]:
    """The Monte Carlo's uniforms: one row per input, in ``ranges``' order (INPUTS), from
    ``seed``. :func:`triangular_ppf` turns each into its input's draws, so any figure computed
    from the same ``n`` and ``seed`` (the cash curve, scenarios/business/cash.py) sees the very
    samples the cost and margin bands were computed from."""
    return dict(zip(ranges, np.random.default_rng(seed).random((len(ranges), n))))


def _cost_and_margin(scenario: Scenario, cm: CostModel, values: dict[str, np.ndarray],
                     months: np.ndarray | None = None):
    tr = scenario.traffic
    scale = values["traffic"]               # users and their requests move together
    if months is not None:  # (n, 1) * (months,) -> (n, months)
        scale = scale[:, None] * (1.0 + tr.monthly_growth) ** months[None, :]
        values = {k: v[:, None] for k, v in values.items()}
    req = requests_per_month(scenario) * scale
    cost = option_cost_usd_month(cm, req, peak_factor=tr.peak_factor,
                                 peak_load_share=values["peak_load_share"], capacity_mult=values["efficiency"],
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
                  quantiles: np.ndarray) -> tuple[dict[str, Range | None], dict[str, np.ndarray]]:
    """Every feasible option's cost band and its efficiency draws. Each option draws from its own
    engine band's triangle, at the same quantiles as the serving target (common random numbers:
    the options' bands are comparable draw for draw, and each keeps its documented mode)."""
    bands, efficiency = {}, {}
    for tid, cm in models.items():
        if not cm.feasible:
            continue  # an option that cannot serve the model has no cost to spread
        efficiency[tid] = triangular_ppf(quantiles, input_ranges(scenario, cm)["efficiency"])
        bands[tid] = _band(_cost_and_margin(scenario, cm, dict(values, efficiency=efficiency[tid]))[0])
    return bands, efficiency


def monte_carlo(scenario: Scenario, models: dict[str, CostModel], n: int = 10_000, seed: int = 0,
                fan_months: int = 24) -> MonteCarloResult:
    """P10 / P50 / P90 of the serving target's monthly cost and gross margin."""
    serving = models[scenario.serving_target]
    ranges = input_ranges(scenario, serving)
    quantiles = input_quantiles(ranges, n, seed)
    values = {name: triangular_ppf(quantiles[name], r) for name, r in ranges.items()}
    cost, margin = _cost_and_margin(scenario, serving, values)
    options, efficiency = _option_bands(scenario, models, values, quantiles["efficiency"])
    months = np.arange(fan_months + 1)
    fan_cost, _ = _cost_and_margin(scenario, serving, values, months)
    point = _point_cost(scenario, serving, ranges)
    return MonteCarloResult(n, seed, ranges, _band(cost), _band(margin), options, cost, margin,
                            tuple(int(m) for m in months), _bands(fan_cost), efficiency,
                            point, _percentile_of(cost, point))


def _point_cost(scenario: Scenario, serving: CostModel, ranges: dict[str, Range]) -> float:
    """The deterministic headline: the serving cost with every input at its most likely value."""
    values = {name: np.array([r.expected]) for name, r in ranges.items()}
    return float(_cost_and_margin(scenario, serving, values)[0][0])


def _percentile_of(samples: np.ndarray, point: float) -> int | None:
    """Where ``point`` sits among ``samples``, in whole percent (ties count half, so a cost every
    sample shares sits at the 50th). Self-hosted cost is a step function of the inputs (replica
    counts round up), so the point at the most likely inputs need not be the median."""
    finite = samples[np.isfinite(samples)]
    if finite.size == 0 or not np.isfinite(point):
        return None
    tol = 1e-9 * max(abs(point), 1.0)
    below = np.count_nonzero(finite < point - tol)
    ties = np.count_nonzero(np.abs(finite - point) <= tol)
    return round(100.0 * (below + ties / 2.0) / finite.size)


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
