"""The scenario's one door into the cost engine: catalog checks and per-target capacity.

Everything physical (memory, speed, its low/high band, how many replicas a rate needs)
comes from :mod:`scenarios.engine.serving` and :mod:`scenarios.engine.catalog`; this module only maps a
scenario's targets onto engine requests and reads the answers. :mod:`scenarios.business.economics`
then prices them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scenarios.business import planned
from scenarios.business.economics import SELF_HOSTED, Capacity, ScenarioResult, cost_models, evaluate
from scenarios.business.scenario import Scenario, Target
from scenarios.business.uncertainty import MonteCarloResult, TornadoBar, monte_carlo, tornado
from scenarios.errors import VentureLabError
from scenarios.units import fmt_plain

# On a phone the model must at least keep up with reading: adults read ~238 words a minute
# silently (Brysbaert 2019, J. Memory and Language 109), ~4 words/s, ~5 tokens/s at ~1.3 tokens
# per English word.
MIN_PHONE_DECODE_TOKENS_PER_S = 5.0
# Hardware classes (data/hardware_specs.csv hw_class) of boards that serve a model on their own:
# a phone, a Jetson module, a Raspberry Pi. Tensor parallelism across them is not a deployment.
SINGLE_DEVICE_CLASSES = ("phone", "jetson", "cpu-sbc")


def check_references(scenario: Scenario) -> None:
    """Every id in the scenario exists in the engine's catalogs (error names the field)."""
    from scenarios.engine import catalog

    models = catalog.load_models()
    if scenario.model not in models:
        raise VentureLabError("model", "is not in the model catalog", got=scenario.model,
                              accepted=sorted(models))
    catalog.get_format(scenario.weights, "weights")
    hardware = catalog.load_hardware()
    for i, t in enumerate(scenario.targets):
        if t.hardware is not None and t.hardware not in hardware:
            raise VentureLabError(f"targets[{i}].hardware", "is not in the hardware catalog",
                                  got=t.hardware, accepted=sorted(hardware))


def _engine_request(scenario: Scenario, t: Target, batch: int):
    from scenarios.engine import serving

    tr, op = scenario.traffic, scenario.operating
    return serving.InferenceRequest(
        model=scenario.model, hardware=t.hardware, weights=scenario.weights, batch=batch, runtime=t.runtime,
        prompt_tokens=tr.prompt_tokens, output_tokens=tr.output_tokens,
        devices=t.devices_per_replica, price_per_hour=t.usd_per_hour, utilisation=op.peak_load_share)


def _auto_capacity(scenario: Scenario, t: Target) -> Capacity:
    """``batch: auto`` on rented, owned or edge hardware: the plan's concurrency and capacity
    (scenarios/business/planned.py)."""
    from scenarios.engine import serving

    def estimate(batch: int) -> dict:
        return serving.estimate_inference(_engine_request(scenario, t, batch)).to_dict()

    return planned.planned_capacity(scenario, t, estimate, power_defaults(scenario).get(t.id))


def _llm_capacity(scenario: Scenario, t: Target) -> Capacity:
    from scenarios.engine import serving

    if planned.is_auto(t) and t.kind in SELF_HOSTED:
        return _auto_capacity(scenario, t)
    batch = 1 if planned.is_auto(t) else t.batch     # a phone serves its one user
    tr = scenario.traffic
    est = serving.estimate_inference(_engine_request(scenario, t, batch))

    # prompt tokens found in the prefix cache skip prefill: only the rest is computed
    prefill_share = 1.0 - tr.prefix_cache_hit

    def rps(ttft_ms: float | None, tpot_ms: float | None) -> float:
        # the engine's replica rule (the one devices_for_rate counts with), on its latency band
        ttft_ms = None if ttft_ms is None else ttft_ms * prefill_share
        return serving.replica_requests_per_s(batch, tr.output_tokens, ttft_ms, tpot_ms)

    a = rps(est.ttft_ms_low, est.tpot_ms_low)
    b = rps(est.ttft_ms_high, est.tpot_ms_high)
    expected, low, high = rps(est.ttft_ms, est.tpot_ms), min(a, b), max(a, b)
    fits = bool(est.fits) and int(est.devices_needed or 1) <= t.devices_per_replica
    note = "" if fits else _misfit_note(t, est)
    devices_at_peak = None
    if t.kind == "phone":
        slow = (est.decode_tokens_per_s or 0) < MIN_PHONE_DECODE_TOKENS_PER_S
        if fits and slow:
            fits, note = False, (f"decodes {est.decode_tokens_per_s:.1f} tokens/s, under the "
                                 f"{MIN_PHONE_DECODE_TOKENS_PER_S:g} tokens/s reading floor")
        elif fits and est.battery_pct_per_1k_tokens is not None:
            note = f"{fmt_plain(est.battery_pct_per_1k_tokens, 2)}% battery per 1k tokens"
    elif fits and t.kind != "api" and tr.prefix_cache_hit == 0:
        # replicas for the peak, with the peak_load_share headroom, from the engine's own rule
        # (which prefills every prompt token: with a prefix cache the cost formula's count stands)
        replicas = serving.devices_for_rate(est, planned.sizing_rate_per_s(scenario))
        devices_at_peak = max(int(replicas), t.min_replicas) * t.devices_per_replica
    return Capacity(
        t.id, expected, low, high, t.devices_per_replica, fits, note,
        decode_tokens_per_s=est.decode_tokens_per_s, devices_at_peak=devices_at_peak,
        engine=est.to_dict())


def _single_device(t: Target) -> bool:
    """A phone or a single-board computer runs a model alone: it is never split across several."""
    from scenarios.engine import catalog

    return t.kind == "phone" or catalog.load_hardware()[t.hardware].hw_class in SINGLE_DEVICE_CLASSES


def _misfit_note(t: Target, est) -> str:
    """Why a model does not fit a target: the devices a replica would need where a replica can
    span devices, otherwise the memory it needs against the one device's."""
    if est.devices_needed and not _single_device(t):
        return f"needs {est.devices_needed} devices per replica ({est.total_memory_gb:.0f} GB)"
    from scenarios.engine import catalog

    have = catalog.load_hardware()[t.hardware].memory_gb
    return f"does not fit: needs {est.total_memory_gb:.0f} GB, the device has {fmt_plain(have, 3)} GB"


def _vision_capacity(scenario: Scenario, t: Target) -> Capacity:
    from scenarios.engine import serving

    est = serving.estimate_vision(scenario.model, t.hardware, weights=scenario.weights, batch=planned.vision_batch(t))
    per = scenario.traffic.inputs_per_request

    def rps(v: float | None) -> float:
        return float(v) / per if v is not None and math.isfinite(v) else 0.0

    fits = est.fits
    return Capacity(t.id, rps(est.inputs_per_s), rps(est.inputs_per_s_low), rps(est.inputs_per_s_high),
                    t.devices_per_replica, fits, "" if fits else "does not fit",
                    engine=est.to_dict())


def capacity(scenario: Scenario, t: Target) -> Capacity | None:
    if t.kind == "api":
        return None
    if scenario.workload == "per-input":
        return _vision_capacity(scenario, t)
    return _llm_capacity(scenario, t)


def capacities(scenario: Scenario) -> dict[str, Capacity]:
    check_references(scenario)
    out = {}
    for t in scenario.targets:
        cap = capacity(scenario, t)
        if cap is not None:
            out[t.id] = cap
    return out


def power_defaults(scenario: Scenario) -> dict[str, float]:
    """Nameplate power per device from the hardware catalog, where the scenario gives none."""
    from scenarios.engine import catalog

    hw = catalog.load_hardware()
    return {t.id: float(hw[t.hardware].tdp_w) for t in scenario.targets
            if t.hardware in hw and hw[t.hardware].tdp_w}


@dataclass(frozen=True)
class FullRun:
    result: ScenarioResult
    monte_carlo: MonteCarloResult
    tornado: tuple[TornadoBar, ...]


def run(scenario: Scenario, *, samples: int = 10_000, seed: int = 0) -> FullRun:
    """Everything the app, the CLI and the PDF show for one scenario."""
    caps = capacities(scenario)
    power = power_defaults(scenario)
    result = evaluate(scenario, caps, power)
    models = cost_models(scenario, caps, power)
    return FullRun(result, monte_carlo(scenario, models, n=samples, seed=seed),
                   tuple(tornado(scenario, models)))
