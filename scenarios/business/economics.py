"""Unit economics and build-vs-buy for a :class:`~scenarios.business.scenario.Scenario`.

The engine (:mod:`scenarios.engine.serving`) says how fast one replica of the model runs on a
target and how many replicas a request rate needs. This module adds the business layer on
top: what each way of serving costs a month at a given volume, what the product earns, its
margin, when self-hosting beats an API, and how long the cash lasts.

Cost of serving one month at ``R`` requests (all options share one vectorised formula,
:func:`option_cost_usd_month`, so the tables, the charts and the Monte Carlo agree):

* API: ``R * usd_per_request`` with ``usd_per_request = (prompt_tokens * ((1 - h) * usd_per_m_input
  + h * usd_per_m_cached_input) + output_tokens * usd_per_m_output) / 1e6``, ``h`` the
  ``traffic.prefix_cache_hit`` (the full input price where the target quotes no cached one;
  per-input workloads: the quoted price per request); the ``traffic.batch_share`` of requests pays
  the target's batch prices instead (``usd_per_m_batch_input`` / ``_output``; the normal ones where
  it quotes none; cache hits at ``min(cached, batch input)``).
* Rented, owned or edge: replicas are sized for the peak hour and kept up all month:
  ``replicas = max(min_replicas, ceil(peak_rps / (replica_rps * peak_load_share)))`` with
  ``peak_rps = R / seconds_per_month * peak_factor``; each replica costs
  ``devices * usd_per_hour * 730`` (rented) or ``purchase / amortisation_months + devices *
  (hosting + power_w * pue * 730 h * usd_per_kwh / 1000)`` (owned, edge; ``purchase`` the
  ``node_purchase_usd`` of a whole server, else ``devices * purchase_usd``; power at nameplate,
  a conservative bound: idle GPUs still draw ~20% of it, LBNL via Uptime 2025).
* Phone: the user's device does the work: no serving cost to the company, if the model fits.

Break-even against an API (``a`` $ per request, ``c`` $ per replica-month, ``C`` requests a
replica serves in a month at the peak factor and peak_load_share, ``m`` minimum replicas): with
``r = c / (a C)`` < 1, self-hosting stays cheaper for every volume above
``V* = max(m, ceil(1 / (1 - r)) - 1) * c / a``; with ``r >= 1`` never (the derivation is in
docs/scenarios.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from scenarios.business.constraints import unmet

# the results live in results.py; importers of this module find them here too
from scenarios.business.results import (
    Capacity,
    OptionFigures,
    SanityWarning,
    ScenarioResult,
    UnitEconomics,
    Verdict,
)
from scenarios.business.scenario import Scenario, Target
from scenarios.errors import VentureLabError
from scenarios.units import fmt_grouped, fmt_number

# A volume in a verdict is a round figure a founder repeats: two significant digits (14B, 6.4B)
VOLUME_DIGITS = 2

HOURS_PER_MONTH = 730.0                 # 8760 h / 12
DAYS_PER_MONTH = 365.0 / 12.0           # 30.42
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
PROJECTION_MONTHS = 60                  # runway is reported up to five years
# A serving fleet past this many devices is flagged: it is the size of a frontier lab's whole
# research cluster (Meta's RSC, 16,000 A100s: ai.meta.com/blog/ai-rsc), not a startup's serving
# bill, and usually means a unit slip (requests a month typed as a day, a batch of 1).
MAX_SANE_DEVICES = 10_000
SELF_HOSTED = ("rented-gpu", "owned-gpu", "edge")


@dataclass(frozen=True)
class CostModel:
    """One serving option's cost structure (numbers only, so it vectorises)."""
    target_id: str
    kind: str
    label: str
    usd_per_request: float            # variable cost per request (API); 0 otherwise
    replica_requests_per_s: float     # expected capacity of one replica (inf: not capacity-bound)
    replica_requests_per_s_low: float
    replica_requests_per_s_high: float
    replica_usd_month: float          # cost of one replica kept up for a month
    devices_per_replica: int = 1
    min_replicas: int = 0
    feasible: bool = True
    note: str = ""


def _target_label(t: Target) -> str:
    if t.kind == "api":
        return f"API: {t.provider or ''} {t.api_model or ''}".strip()
    return f"{t.kind}: {t.hardware}"


def api_usd_per_request(scenario: Scenario, t: Target) -> float:
    """An API's price of one request: the ``traffic.batch_share`` of requests at the provider's
    batch prices (the normal ones where the target quotes none), the rest at the normal prices."""
    if scenario.workload == "per-input":
        return float(t.usd_per_request or 0.0)
    normal = _llm_usd_per_request(scenario, t.usd_per_m_input, t.usd_per_m_cached_input, t.usd_per_m_output)
    b = scenario.traffic.batch_share
    if b == 0:
        return normal
    batch_in = t.usd_per_m_input if t.usd_per_m_batch_input is None else t.usd_per_m_batch_input
    batch_out = t.usd_per_m_output if t.usd_per_m_batch_output is None else t.usd_per_m_batch_output
    # a cache hit in a batch pays the cached price, never more than the batch input price; the
    # providers that stack both discounts (Anthropic, OpenAI) charge less: this is the safe side
    cached = t.usd_per_m_cached_input
    batch_cached = batch_in if cached is None else min(cached, batch_in)
    batch = _llm_usd_per_request(scenario, batch_in, batch_cached, batch_out)
    return (1.0 - b) * normal + b * batch


def _llm_usd_per_request(scenario: Scenario, usd_per_m_input: float, usd_per_m_cached_input: float | None,
                         usd_per_m_output: float) -> float:
    """Prompt tokens at the input price, the ``prefix_cache_hit`` share of them at the cached-input
    price (the input price where none is quoted), output tokens at the output price."""
    tr = scenario.traffic
    cached = usd_per_m_input if usd_per_m_cached_input is None else usd_per_m_cached_input
    h = tr.prefix_cache_hit
    usd_per_m_prompt = (1.0 - h) * usd_per_m_input + h * cached
    return (tr.prompt_tokens * usd_per_m_prompt + tr.output_tokens * usd_per_m_output) / 1e6


def replica_usd_month(scenario: Scenario, t: Target, power_w_default: float | None = None) -> float:
    """Monthly cost of one replica (all its devices) of a self-hosted target."""
    n = t.devices_per_replica
    if t.kind == "rented-gpu":
        return n * t.usd_per_hour * HOURS_PER_MONTH
    if t.kind in ("owned-gpu", "edge"):
        op = scenario.operating
        power_w = t.power_w if t.power_w is not None else (power_w_default or 0.0)
        energy_usd = power_w * op.pue * HOURS_PER_MONTH * op.electricity_usd_per_kwh / 1000.0
        # an owned multi-GPU server is bought as one node, not as n separate devices
        purchase_usd = t.node_purchase_usd if t.node_purchase_usd is not None else n * t.purchase_usd
        return purchase_usd / t.amortisation_months + n * (t.hosting_usd_per_device_month + energy_usd)
    return 0.0


def cost_model(scenario: Scenario, t: Target, cap: Capacity | None,
               power_w_default: float | None = None) -> CostModel:
    """Build an option's cost structure from the scenario and the engine's capacity."""
    label = _target_label(t)
    if t.kind == "api":
        return CostModel(t.id, t.kind, label, api_usd_per_request(scenario, t),
                         math.inf, math.inf, math.inf, 0.0, 1, 0, True, "")
    if cap is None:
        raise VentureLabError(f"targets.{t.id}", "needs the engine's capacity estimate")
    if t.kind == "phone":
        return CostModel(t.id, t.kind, label, 0.0, math.inf, math.inf, math.inf, 0.0,
                         1, 0, cap.fits, cap.note)
    return CostModel(t.id, t.kind, label, 0.0, cap.requests_per_s, cap.requests_per_s_low,
                     cap.requests_per_s_high, replica_usd_month(scenario, t, power_w_default),
                     cap.devices_per_replica, t.min_replicas, cap.fits and cap.requests_per_s > 0,
                     cap.note)


# ---------------------------------------------------------------------------------------
# The one cost formula (numpy-broadcasting: scalars or arrays of samples)
# ---------------------------------------------------------------------------------------
def replicas_needed(cm: CostModel, requests_per_month, peak_factor, peak_load_share,
                    capacity_mult=1.0):
    """Replicas sized for the peak hour: max(min_replicas, ceil(peak_rps / usable capacity))."""
    peak_rps = np.asarray(requests_per_month, dtype=float) / SECONDS_PER_MONTH * peak_factor
    usable = cm.replica_requests_per_s * np.asarray(capacity_mult, dtype=float) * peak_load_share
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.ceil(np.where(usable > 0, peak_rps / usable, np.inf) - 1e-9)
    return np.maximum(cm.min_replicas, n)


def option_cost_usd_month(cm: CostModel, requests_per_month, *, peak_factor: float,
                          peak_load_share, capacity_mult=1.0, hardware_price_mult=1.0,
                          api_price_mult=1.0):
    """Monthly cost of serving ``requests_per_month`` with option ``cm`` (broadcasts)."""
    r = np.asarray(requests_per_month, dtype=float)
    if cm.kind == "api":
        return r * cm.usd_per_request * api_price_mult
    if cm.kind == "phone":
        return np.zeros(np.broadcast(r, np.asarray(capacity_mult)).shape) if cm.feasible \
            else np.full(r.shape, np.nan)
    if not cm.feasible:
        return np.full(np.broadcast(r, np.asarray(capacity_mult)).shape, np.nan)
    n = replicas_needed(cm, r, peak_factor, peak_load_share, capacity_mult)
    return n * cm.replica_usd_month * hardware_price_mult


def requests_per_month(scenario: Scenario) -> float:
    return scenario.traffic.requests_per_day * DAYS_PER_MONTH


def revenue_usd_month(scenario: Scenario, scale=1.0):
    """What the product earns a month today, times ``scale`` (growth, a Monte Carlo traffic draw:
    users and their requests move together). Per-request pricing earns from requests; a
    subscription from its users, whatever their traffic (1,500 subscribers at $39 earn $58,500 a
    month even before they send a request)."""
    p = scenario.pricing
    if p.model == "per-request":
        today = float(p.usd_per_request) * requests_per_month(scenario)
    else:
        today = float(p.usd_per_user_month) * scenario.traffic.monthly_active_users
    return today * np.asarray(scale, dtype=float)


def tokens_per_request(scenario: Scenario) -> int:
    return scenario.traffic.prompt_tokens + scenario.traffic.output_tokens


def break_even_vs_api(api: CostModel, cm: CostModel, *, peak_factor: float,
                      peak_load_share: float) -> float | None:
    """Requests a month above which ``cm`` is always cheaper than ``api`` (None: never).

    Closed form of the step-function crossing (module docstring); 0.0 when the option has no
    running cost (a phone).
    """
    if not cm.feasible:
        return None
    if cm.kind == "phone" or cm.replica_usd_month == 0:
        return 0.0
    a = api.usd_per_request
    c = cm.replica_usd_month
    capacity = cm.replica_requests_per_s * peak_load_share / peak_factor * SECONDS_PER_MONTH
    if a <= 0 or capacity <= 0:
        return None
    r = c / (a * capacity)
    if r >= 1:
        return None
    k_star = math.ceil(1.0 / (1.0 - r) - 1e-12)
    return max(cm.min_replicas, k_star - 1) * c / a


def verdict(scenario: Scenario, options: list[OptionFigures], models: dict[str, CostModel]) -> Verdict:
    """The one line a founder remembers, computed from the options that may be recommended: those
    that run the model and meet every limit and constraint (OptionFigures.eligible)."""
    ok = [o for o in options if o.eligible]
    apis = [o for o in ok if o.kind == "api"]
    selfs = [o for o in ok if o.kind != "api"]
    if apis and selfs:
        return _api_or_self(scenario, min(apis, key=lambda o: o.usd_month), selfs)
    if not ok:
        return _none_meets(options)
    best = min(ok, key=lambda o: o.usd_month)
    return Verdict("cheapest", {"option": best.label, "usd": fmt_grouped(best.usd_month)},
                   f"{best.label} is the cheapest way to serve today's volume: "
                   f"{fmt_grouped(best.usd_month)} USD a month.")


def _none_meets(options: list[OptionFigures]) -> Verdict:
    """No option can be recommended: none runs the model, or none that runs it meets the limits."""
    blocked = [o for o in options if o.feasible and o.usd_month is not None]
    if not blocked:
        return Verdict("none_fits", {}, "No target can serve this model: change the model or targets.")
    reasons = "; ".join(dict.fromkeys(r for o in blocked for r in o.unmet))
    return Verdict("none_meets", {"reasons": reasons},
                   f"No option meets the limits and constraints ({reasons}): relax them or add a "
                   f"target that meets them.")


def _api_or_self(scenario: Scenario, api: OptionFigures, selfs: list[OptionFigures]) -> Verdict:
    """The cheapest API against the self-hosted option that beats it at the lowest volume."""
    llm = scenario.workload == "llm"
    tpr = tokens_per_request(scenario) if llm else 1
    unit = "tokens" if llm else "requests"
    now = requests_per_month(scenario)
    be = [(o.break_even_requests_month, o) for o in selfs if o.break_even_requests_month is not None]
    if not be:
        return Verdict("api_always", {"api": api.label},
                       f"Stay on the API ({api.label}): no self-hosted option gets cheaper at "
                       f"any volume.")
    v, best = min(be, key=lambda x: x[0])
    params = {"api": api.label, "option": best.label, "volume": fmt_number(v * tpr, VOLUME_DIGITS),
              "unit": unit, "now": fmt_number(now * tpr, VOLUME_DIGITS), "ratio": f"{v / now:.1f}" if now else "-"}
    if v == 0:
        return Verdict("self_free", params,
                       f"Serve on {best.label}: it costs the company nothing per request, "
                       f"against {fmt_grouped(api.usd_month)} USD a month on the API today.")
    if now < v:
        return Verdict("api_until", params,
                       f"Stay on the API until about {params['volume']} {unit} a month "
                       f"({params['ratio']}x today's {params['now']}); above that "
                       f"{best.label} is cheaper.")
    return Verdict("self_now", params,
                   f"Self-host on {best.label}: above about {params['volume']} {unit} a month "
                   f"it beats the API, and today's volume is {params['now']}.")


def sanity_warnings(options: list[OptionFigures]) -> tuple[SanityWarning, ...]:
    """A warning for every option whose fleet at today's volume is past MAX_SANE_DEVICES."""
    out = []
    for o in options:
        if o.devices is not None and o.devices > MAX_SANE_DEVICES:
            params = {"option": o.label, "devices": fmt_grouped(o.devices),
                      "limit": fmt_grouped(MAX_SANE_DEVICES)}
            out.append(SanityWarning(
                "fleet", o.target_id, params,
                f"{o.label} needs {params['devices']} devices at today's volume, more than "
                f"{params['limit']}: check traffic.requests_per_day and the target's batch."))
    return tuple(out)


def evaluate(scenario: Scenario, capacities: dict[str, Capacity],
             power_w_defaults: dict[str, float] | None = None) -> ScenarioResult:
    """All figures of a scenario, given the engine's capacity per target.

    ``capacities`` comes from :func:`scenarios.business.runner.capacities` (the engine); tests
    pass hand-made ones so the business arithmetic can be checked by hand.
    """
    models = cost_models(scenario, capacities, power_w_defaults)
    tr = scenario.traffic
    now = requests_per_month(scenario)
    tokens_now = now * tokens_per_request(scenario) if scenario.workload == "llm" else 0.0
    unmet_by_target = {t.id: unmet(scenario, t, capacities.get(t.id)) for t in scenario.targets}
    options = [option_figures(scenario, models, t.id, unmet_by_target) for t in scenario.targets]

    serving = models[scenario.serving_target]
    if not serving.feasible:
        raise VentureLabError("serving_target", f"{serving.label} cannot serve this model "
                              f"({serving.note or 'does not fit'}); choose another target",
                              got=scenario.serving_target)
    proj = projection(scenario, serving)
    serving_usd = proj["serving"][0]
    revenue = proj["revenue"][0]
    fixed = scenario.fixed_costs.total_usd_month
    users = tr.monthly_active_users
    serving_opt = next(o for o in options if o.target_id == scenario.serving_target)
    be_req, be_users = break_even_volume(scenario, serving)
    runway = next((m for m, c in zip(proj["month"], proj["cash"]) if c < 0), None)
    unit = UnitEconomics(
        serving_target=scenario.serving_target, requests_month=now, tokens_month=tokens_now,
        users=users, peak_requests_per_s=now / SECONDS_PER_MONTH * tr.peak_factor,
        devices_at_peak=_devices_at_peak(capacities.get(scenario.serving_target), serving_opt),
        serving_usd_month=serving_usd, revenue_usd_month=revenue,
        cost_per_request_usd=serving_usd / now if now else 0.0,
        cost_per_user_usd=serving_usd / users,
        gross_margin=(revenue - serving_usd) / revenue if revenue > 0 else None,
        fixed_usd_month=fixed, burn_usd_month=fixed + serving_usd - revenue,
        break_even_requests_month=be_req,
        break_even_users=be_users,
        runway_months=runway, default_alive=runway is None)
    return ScenarioResult(scenario.id, unit, tuple(options), verdict(scenario, options, models),
                          proj, cost_curves(scenario, models), tuple(capacities.values()),
                          sanity_warnings(options))


def option_figures(scenario: Scenario, models: dict[str, CostModel], target_id: str,
                   unmet_by_target: dict[str, tuple[str, ...]] | None = None) -> OptionFigures:
    """One option at today's volume: its cost, replicas, devices, break-even against the cheapest
    API that meets the limits and constraints, and what it does not meet (constraints.unmet)."""
    unmet_by_target = unmet_by_target or {}
    op, tr = scenario.operating, scenario.traffic
    now = requests_per_month(scenario)
    tokens_now = now * tokens_per_request(scenario) if scenario.workload == "llm" else 0.0
    apis = [m for m in models.values() if m.kind == "api" and not unmet_by_target.get(m.target_id)]
    cheapest_api = min(apis, key=lambda m: m.usd_per_request) if apis else None
    cm = models[target_id]
    cost = float(option_cost_usd_month(cm, now, peak_factor=tr.peak_factor, peak_load_share=op.peak_load_share))
    replicas = None
    if cm.kind in SELF_HOSTED and cm.feasible:
        replicas = int(replicas_needed(cm, now, tr.peak_factor, op.peak_load_share))
    be = None
    if cheapest_api is not None and cm.kind != "api":
        be = break_even_vs_api(cheapest_api, cm, peak_factor=tr.peak_factor, peak_load_share=op.peak_load_share)
    ok = cm.feasible and math.isfinite(cost)
    return OptionFigures(
        target_id, cm.kind, cm.label, cm.feasible, cm.note, replicas,
        replicas * cm.devices_per_replica if replicas is not None else None,
        cost if ok else None, cost / now if ok and now else None,
        cost / tokens_now * 1e6 if ok and tokens_now else None, be,
        cm.replica_requests_per_s if math.isfinite(cm.replica_requests_per_s) else None,
        unmet_by_target.get(target_id, ()))


def _devices_at_peak(cap: Capacity | None, opt: OptionFigures) -> int | None:
    """The engine's count where it gave one (its devices_for_rate), else the cost formula's."""
    if cap is not None and cap.devices_at_peak is not None:
        return cap.devices_at_peak
    return opt.devices


def cost_models(scenario: Scenario, capacities: dict[str, Capacity],
                power_w_defaults: dict[str, float] | None = None) -> dict[str, CostModel]:
    power_w_defaults = power_w_defaults or {}
    return {t.id: cost_model(scenario, t, capacities.get(t.id), power_w_defaults.get(t.id))
            for t in scenario.targets}


def projection(scenario: Scenario, serving: CostModel, months: int = PROJECTION_MONTHS,
               traffic_mult=1.0) -> dict[str, list[float]]:
    """Month-by-month traffic, serving cost, revenue and cash with the scenario's growth."""
    tr, op = scenario.traffic, scenario.operating
    m = np.arange(months + 1)
    req = requests_per_month(scenario) * traffic_mult * (1.0 + tr.monthly_growth) ** m
    serving = option_cost_usd_month(serving, req, peak_factor=tr.peak_factor, peak_load_share=op.peak_load_share)
    revenue = revenue_usd_month(scenario, traffic_mult * (1.0 + tr.monthly_growth) ** m)
    burn = scenario.fixed_costs.total_usd_month + serving - revenue
    cash = scenario.funding.cash_usd - np.cumsum(burn)
    return {"month": m.tolist(), "requests": req.tolist(), "serving": serving.tolist(),
            "revenue": revenue.tolist(), "cash": cash.tolist()}


def break_even_volume(scenario: Scenario, serving: CostModel) -> tuple[float | None, float | None]:
    """(requests a month, users) from which gross profit covers the fixed costs and keeps
    covering them; (None, None): never, e.g. when each request costs more than it earns.

    Users and requests grow together (requests per user fixed at today's), so the search runs
    over a scale of today's business: the price's own driver (requests for per-request pricing,
    users for a subscription) on a fine geometric grid (0.1% steps) because self-hosted cost is a
    step function of volume; the point found is within 0.1% of the exact crossing. Requests are
    None where there is no traffic to scale (a subscription whose users send none yet).
    """
    tr, op = scenario.traffic, scenario.operating
    per_request = scenario.pricing.model == "per-request"
    driver_now = requests_per_month(scenario) if per_request else float(tr.monthly_active_users)
    if driver_now <= 0 or float(revenue_usd_month(scenario)) <= 0:
        return None, None
    grid = np.geomspace(1.0, 1e14, 32_000) / driver_now           # scale of today's business
    requests = requests_per_month(scenario) * grid
    profit = revenue_usd_month(scenario, grid) - option_cost_usd_month(
        serving, requests, peak_factor=tr.peak_factor, peak_load_share=op.peak_load_share) \
        - scenario.fixed_costs.total_usd_month
    ok = profit >= 0
    if not ok[-1]:
        return None, None
    bad = np.nonzero(~ok)[0]
    scale = float(grid[0] if bad.size == 0 else grid[bad[-1] + 1])
    req = requests_per_month(scenario) * scale
    return (req if req > 0 else None), tr.monthly_active_users * scale


def cost_curves(scenario: Scenario, models: dict[str, CostModel], n: int = 120,
                lo_mult: float = 0.01, hi_mult: float = 100.0) -> dict[str, Any]:
    """Monthly cost against volume for each option (build-vs-buy chart data)."""
    tr, op = scenario.traffic, scenario.operating
    now = max(requests_per_month(scenario), 1.0)
    grid = np.geomspace(now * lo_mult, now * hi_mult, n)
    curves = {tid: option_cost_usd_month(cm, grid, peak_factor=tr.peak_factor,
                                         peak_load_share=op.peak_load_share).tolist()
              for tid, cm in models.items()}
    tpr = tokens_per_request(scenario) if scenario.workload == "llm" else None
    return {"requests_month": grid.tolist(),
            "tokens_month": (grid * tpr).tolist() if tpr else None,
            "usd_month": curves, "labels": {tid: cm.label for tid, cm in models.items()}}
