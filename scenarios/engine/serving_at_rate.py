"""A per-input model served at a request rate within a latency limit: self-hosted devices side by
side with a hosted scoring API, with the cost per month ("fraud scoring at 2,000 requests/s within
50 ms: CPU, L4 or API?", ARCHITECTURE 4.3 non-LLM models).

For each device: the batch (1, 8, 64 or 512 inputs per call) with the most inputs/s whose latency
plus the time to fill the batch at the rate (``batch / rate``) stays within the limit; then the
devices needed, ``ceil(rate / inputs_per_s)``, and their cost, ``devices x usd_per_hour x 730 h``.
The band uses the pessimistic and optimistic inputs/s.  A CPU instance is also priced at the size
that the rate needs: cloud on-demand prices scale linearly with vCPUs inside an instance family
(AWS c7g.xlarge $0.1445 = 1/8 of c7g.8xlarge), so ``vcpus_needed`` (rounded up to a power of two,
at least 2) costs ``vcpus_needed / vcpus x usd_per_hour``.  The API costs
``rate x 730 h x 3600 s x usd_per_prediction`` (data/scoring_api_prices.csv, with its date).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scenarios.engine.catalog import get_hardware
from scenarios.engine.small_models import cpu_paths, estimate_small_model
from scenarios.errors import VentureLabError
from scenarios.units import parse_number

HOURS_PER_MONTH = 730.0          # 8,760 h / 12, as scenarios/business/economics.py
BATCHES = (1, 8, 64, 512)
API_PRICES = Path(__file__).resolve().parents[2] / "data" / "scoring_api_prices.csv"


@dataclass(frozen=True)
class RateOption:
    """One way to serve the rate: a device type (``kind`` "self-hosted") or an API (``kind`` "api")."""

    option: str
    kind: str
    batch: int | None
    latency_ms: float | None
    latency_ms_high: float | None
    meets_latency: bool | None            # None: the API publishes no latency
    inputs_per_s_per_device: float | None
    devices_needed: int | None
    devices_needed_high: int | None       # with the pessimistic inputs/s
    usd_per_month: float | None
    usd_per_month_low: float | None
    usd_per_month_high: float | None
    vcpus_needed: int | None              # CPUs: the instance size the rate needs
    usd_per_month_right_sized: float | None
    price_source: str
    note: str


@dataclass(frozen=True)
class RateComparison:
    model: str
    rate_per_s: float
    latency_ms_limit: float
    options: tuple[RateOption, ...]
    cheapest: str | None                  # the cheapest option that meets the limit (right-sized CPUs)

    def to_dict(self) -> dict:
        from dataclasses import asdict
        return asdict(self)


@lru_cache(maxsize=1)
def api_prices() -> dict[str, dict]:
    with open(API_PRICES, newline="", encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def _best_batch(model: str, hw_id: str, rate: float, limit_ms: float, runtime, weights):
    """(estimate, batch) with the most inputs/s within the limit, or the batch-1 estimate and None."""
    best, first = None, None
    for b in BATCHES:
        est = estimate_small_model(model, hw_id, weights=weights, runtime=runtime, batch=b)
        first = first or est
        if est.latency_ms + 1e3 * b / rate <= limit_ms and (best is None or est.inputs_per_s > best[0].inputs_per_s):
            best = (est, b)
    return best or (first, None)


def _right_size(hw, devices_needed: int, ips: float, rate: float, usd_h: float | None):
    """(vcpus needed, $ per month at that size) for a CPU instance; (None, None) otherwise."""
    if hw.id not in cpu_paths() or usd_h is None or hw.usd_per_hour is None:
        return None, None
    vcpus = 2 * int(cpu_paths()[hw.id]["physical_cores"]) if "c7i" in hw.id or "c4-" in hw.id else \
        int(cpu_paths()[hw.id]["physical_cores"])
    need = max(2, 2 ** math.ceil(math.log2(max(1e-9, rate / ips * vcpus))))
    if need >= vcpus:
        return devices_needed * vcpus, devices_needed * usd_h * HOURS_PER_MONTH
    return need, need / vcpus * usd_h * HOURS_PER_MONTH


def _device_option(model, hw_id, rate, limit_ms, runtime, weights) -> RateOption:
    hw = get_hardware(hw_id)
    est, batch = _best_batch(model, hw_id, rate, limit_ms, runtime, weights)
    ok = batch is not None
    n = math.ceil(rate / est.inputs_per_s)
    n_hi = math.ceil(rate / est.inputs_per_s_low)
    n_lo = math.ceil(rate / est.inputs_per_s_high)
    usd_h = est.price_per_hour_used
    cost = (None, None, None) if usd_h is None else tuple(k * usd_h * HOURS_PER_MONTH for k in (n_lo, n, n_hi))
    vcpus, right = _right_size(hw, n, est.inputs_per_s, rate, usd_h)
    note = "" if ok else f"no batch of {', '.join(map(str, BATCHES))} meets {limit_ms:g} ms"
    return RateOption(hw.id, "self-hosted", batch if ok else 1, est.latency_ms, est.latency_ms_high, ok,
                      est.inputs_per_s, n, n_hi, *cost, vcpus, right,
                      hw.price_source if usd_h == hw.usd_per_hour else "given price", note)


def _api_option(api_id: str, rate: float) -> RateOption:
    prices = api_prices()
    if api_id not in prices:
        raise VentureLabError("api", "no such scoring API price", got=api_id, accepted=sorted(prices))
    p = prices[api_id]
    per_month = rate * HOURS_PER_MONTH * 3600.0
    hi, lo = float(p["usd_per_prediction"]), float(p["usd_per_prediction_low"] or p["usd_per_prediction"])
    return RateOption(api_id, "api", None, None, None, None, None, None, None, per_month * hi, per_month * lo,
                      per_month * hi, None, None, f"{p['source']} (as of {p['as_of']})",
                      f"{p['provider']} {p['product']}: ${hi:g} per prediction; latency not published")


def compare_at_rate(model: str, hardware: list[str], rate_per_s, latency_ms_limit,
                    apis: tuple[str, ...] = ("stripe-radar-fraud-teams",), runtime: str | None = None,
                    weights: str | None = None) -> RateComparison:
    """Every device in ``hardware`` and every API in ``apis`` serving ``rate_per_s`` inputs/s."""
    rate = parse_number(rate_per_s, "rate", minimum=1e-6, maximum=1e9)
    limit = parse_number(latency_ms_limit, "latency_ms", minimum=1e-3, maximum=1e7)
    if rate <= 0 or limit <= 0:
        raise VentureLabError("rate", "must be positive", got=rate)
    opts = [_device_option(model, h, rate, limit, runtime, weights) for h in hardware]
    opts += [_api_option(a, rate) for a in apis]

    def monthly(o: RateOption) -> float:
        v = o.usd_per_month_right_sized if o.usd_per_month_right_sized is not None else o.usd_per_month
        return math.inf if v is None else v

    ok = [o for o in opts if o.meets_latency is not False and o.usd_per_month is not None]
    cheapest = min(ok, key=monthly).option if ok else None
    return RateComparison(model, rate, limit, tuple(opts), cheapest)
