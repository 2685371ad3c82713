"""A self-hosted target whose ``batch`` is ``auto``: its concurrency and capacity from the plan.

``venture-lab plan`` (scenarios/engine/plan.py, ARCHITECTURE 4.3) is asked about the target's own
configuration only (its hardware, the scenario's weights, the hardware's default runtime, its
devices per replica) at the rate the scenario sizes replicas for, ``peak_rps / peak_load_share``
(economics.replicas_needed), under the scenario's ``limits``, with the target's own price per
device-hour (rented: ``usd_per_hour``; owned and edge: one replica's month / 730 h / devices). The
plan's ``max_rate_per_replica`` (and its low/high) is then the replica capacity of the cost
formula, so ``replicas`` and the monthly cost equal the plan's ``replicas`` and ``usd_per_hour x
730`` for the same configuration: the CLI's `plan`, `scenario run`, the pages and the PDF agree.

When no concurrency meets the limits the plan is asked again without them (the cheapest
configuration that fits), and constraints.unmet reports the breached limits from its figures.
Per-input workloads have no planner: ``auto`` is one input per batch (the lowest latency).
"""

from __future__ import annotations

from scenarios.business.economics import (
    HOURS_PER_MONTH,
    SECONDS_PER_MONTH,
    replica_usd_month,
    requests_per_month,
)
from scenarios.business.results import Capacity
from scenarios.business.scenario import Scenario, Target

AUTO = "auto"
PER_INPUT_AUTO_BATCH = 1


def is_auto(t: Target) -> bool:
    return t.batch == AUTO


def vision_batch(t: Target):
    """The batch a per-input target is estimated at: its own, or PER_INPUT_AUTO_BATCH under `auto`."""
    return PER_INPUT_AUTO_BATCH if is_auto(t) else t.batch


def sizing_rate_per_s(scenario: Scenario) -> float:
    """The request rate replicas are sized for: the peak hour's over the peak load share."""
    tr, op = scenario.traffic, scenario.operating
    return requests_per_month(scenario) / SECONDS_PER_MONTH * tr.peak_factor / op.peak_load_share


def plan_request(scenario: Scenario, t: Target, power_w_default: float | None = None, *, limits: bool = True):
    """The PlanRequest this target's ``auto`` batch is answered with (see the module docstring)."""
    from scenarios.engine.plan import PlanRequest

    tr, lim = scenario.traffic, scenario.limits
    usd_per_device_hour = replica_usd_month(scenario, t, power_w_default) / HOURS_PER_MONTH / t.devices_per_replica
    # no traffic yet: a rate so small that one replica serves it (the plan refuses a rate of 0)
    rate = max(sizing_rate_per_s(scenario), 1e-9)
    return PlanRequest(model=scenario.model, rate_per_s=rate, prompt_tokens=tr.prompt_tokens,
                       output_tokens=max(tr.output_tokens, 1),
                       ttft_ms=lim.ttft_ms_p90 if limits else None, tpot_ms=lim.tpot_ms if limits else None,
                       e2e_ms=lim.e2e_ms_p90 if limits else None, hardware=(t.hardware,),
                       weights=(scenario.weights,), max_devices=t.devices_per_replica,
                       prefix_cache_hit=min(tr.prefix_cache_hit, 0.999), usd_per_hour=usd_per_device_hour)


def target_runtime(t: Target) -> str:
    """The target's runtime, else the one the engine serves this hardware with by default."""
    from scenarios.engine import catalog, groups

    return t.runtime or groups.default_runtime(catalog.get_hardware(t.hardware).hw_class)


def planned(scenario: Scenario, t: Target, power_w_default: float | None = None) -> tuple[dict | None, dict]:
    """(the plan's best record for this target or None, the plan's JSON), limits first, then without."""
    from scenarios.engine.plan import plan_configuration

    args = (t.hardware, scenario.weights, target_runtime(t), t.devices_per_replica)
    res = plan_configuration(plan_request(scenario, t, power_w_default), *args).to_dict()
    if res["best"] is None and any(v is not None for v in (scenario.limits.ttft_ms_p90, scenario.limits.tpot_ms,
                                                             scenario.limits.e2e_ms_p90)):
        relaxed = plan_configuration(plan_request(scenario, t, power_w_default, limits=False), *args).to_dict()
        if relaxed["best"] is not None:
            return relaxed["best"], res
    return res["best"], res


def planned_capacity(scenario: Scenario, t: Target, estimate, power_w_default: float | None = None) -> Capacity:
    """One replica's capacity at the planned concurrency; ``estimate(batch)`` is the engine's
    estimate (to_dict) at that concurrency, kept for the figures the pages show next to it."""
    best, res = planned(scenario, t, power_w_default)
    if best is None:
        reasons = "; ".join(dict.fromkeys(r["reason"] for r in res["infeasible"])) or "nothing fits"
        return Capacity(t.id, 0.0, 0.0, 0.0, t.devices_per_replica, False, reasons,
                        engine={**estimate(1), "plan": None})
    est = estimate(best["concurrency_per_replica"])
    return Capacity(t.id, best["max_rate_per_replica"], best["max_rate_per_replica_low"],
                    best["max_rate_per_replica_high"], t.devices_per_replica, True, "",
                    decode_tokens_per_s=est.get("decode_tokens_per_s"), engine={**est, "plan": best})


def scenario_from_plan(inputs: dict, best: dict, usd_per_hour: float, *, scenario_id: str = "capacity-plan",
                       name: str = "Capacity plan") -> dict:
    """A scenario (plain data, schema version 3) that serves the plan's ``best`` configuration:
    one rented target with ``batch: auto``, its runtime and devices, at ``usd_per_hour`` per device,
    with the plan's rate as ``requests_per_day`` at a peak factor and peak load share of 1, so
    the scenario sizes replicas for exactly that rate and re-plans the same configuration."""
    from scenarios.business.migration import SCHEMA_VERSION

    limits = {k: inputs.get(src) for k, src in (("ttft_ms_p90", "ttft_ms_p90_limit"), ("tpot_ms", "tpot_ms_limit"),
                                                 ("e2e_ms_p90", "e2e_ms_p90_limit")) if inputs.get(src) is not None}
    return {
        "schema_version": SCHEMA_VERSION, "id": scenario_id, "name": name, "domain": "nlp",
        "model": inputs["model"], "weights": best["weights"], "workload": "llm",
        "description": "Written by the Capacity planner page from its cheapest configuration.",
        "traffic": {"requests_per_day": inputs["rate_per_s"] * 86_400.0, "prompt_tokens": int(inputs["prompt_tokens"]),
                    "output_tokens": int(inputs["output_tokens"]), "peak_factor": 1.0,
                    "prefix_cache_hit": float(inputs.get("prefix_cache_hit") or 0.0)},
        "pricing": {"model": "per-request", "usd_per_request": 0.0},
        "targets": [{"id": "planned", "kind": "rented-gpu", "hardware": best["hardware"], "batch": AUTO,
                     "runtime": best["runtime"], "devices_per_replica": int(best["devices_per_replica"]),
                     "usd_per_hour": float(usd_per_hour), "source": "hardware catalog rental price"}],
        "serving_target": "planned", "limits": {**limits, "source": "Capacity planner inputs"},
        "operating": {"peak_load_share": 1.0},
    }
