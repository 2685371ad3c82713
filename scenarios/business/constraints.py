"""Which serving options meet the workload's limits and constraints, and why not where they fail.

An option that breaks one is still priced and shown, with the reasons from :func:`unmet`
(``"deployment: on-device"``, ``"ttft_ms_p90: 200 ms (est. 340 ms)"``, ``"latency unknown"``);
:func:`scenarios.business.economics.verdict` never recommends it.

* ``constraints.deployment``: ``cloud`` allows every target kind; ``on-premises`` only hardware
  the company or its customer holds (owned GPUs, edge boxes, the user's phone); ``on-device``
  only the device at the point of use (an edge box in the vehicle or shop, the phone).
* ``constraints.region``: a target meets it when its ``region`` names the same place (case
  ignored); an edge box or a phone sits where its user is, so it always does; a target that
  states no region does not ("region not stated"), since data could leave it.
* ``limits``: a self-hosted option is held to the slow end of the engine's latency band (the
  band holds 86% of held-out calibration rows, docs/methodology.md "Calibration", so its slow end
  stands in for a P90); prompt tokens served from the prefix cache skip prefill
  (``traffic.prefix_cache_hit``). An API meets a limit only with a measured figure that names its
  source (``targets[].latency``); otherwise it is "latency unknown" while any limit is set.
  ``ttft_ms_p90``, ``tpot_ms`` and ``e2e_ms_p90`` apply to llm workloads, ``per_input_ms_p90`` to
  per-input ones (the batch's latency: an input is done when its batch is).
"""

from __future__ import annotations

from scenarios.business.results import Capacity
from scenarios.business.scenario import Scenario, Target
from scenarios.units import fmt_plain

DEPLOYMENT_KINDS = {
    "cloud": ("api", "rented-gpu", "owned-gpu", "edge", "phone"),
    "on-premises": ("owned-gpu", "edge", "phone"),
    "on-device": ("edge", "phone"),
}
AT_THE_USER = ("edge", "phone")    # hardware that is where its user is
LLM_LIMITS = ("ttft_ms_p90", "tpot_ms", "e2e_ms_p90")
PER_INPUT_LIMITS = ("per_input_ms_p90",)
UNKNOWN_LATENCY = "latency unknown"


def applicable_limits(scenario: Scenario) -> dict[str, float]:
    """The limits that apply to the scenario's workload, by name (None ones left out)."""
    names = LLM_LIMITS if scenario.workload == "llm" else PER_INPUT_LIMITS
    return {n: getattr(scenario.limits, n) for n in names if getattr(scenario.limits, n) is not None}


def unmet(scenario: Scenario, t: Target, cap: Capacity | None) -> tuple[str, ...]:
    """Every limit or constraint option ``t`` breaks, as short reasons (empty: it meets all)."""
    c = scenario.constraints
    out = []
    if t.kind not in DEPLOYMENT_KINDS[c.deployment]:
        out.append(f"deployment: {c.deployment}")
    if c.region is not None and t.kind not in AT_THE_USER:
        if t.region is None:
            out.append(f"region: {c.region} (region not stated)")
        elif t.region.strip().casefold() != c.region.strip().casefold():
            out.append(f"region: {c.region} ({t.region})")
    limits = applicable_limits(scenario)
    if limits:
        figures = _latency_figures(scenario, t, cap)
        if figures is None:
            out.append(UNKNOWN_LATENCY)
        else:
            out.extend(_latency_breaches(limits, figures))
    return tuple(out)


def _latency_breaches(limits: dict[str, float], figures: dict[str, float | None]) -> list[str]:
    out = []
    for name, limit_ms in limits.items():
        got = figures.get(name)
        if got is None:
            out.append(f"{name}: {fmt_plain(limit_ms)} ms ({UNKNOWN_LATENCY})")
        elif got > limit_ms:
            out.append(f"{name}: {fmt_plain(limit_ms)} ms (est. {fmt_plain(got, 3)} ms)")
    return out


def _latency_figures(scenario: Scenario, t: Target, cap: Capacity | None) -> dict[str, float | None] | None:
    """Latency by limit name: an API's sourced figures (None: not measured), the engine's slow
    end for hardware."""
    if t.kind == "api":
        lat = t.latency
        if not lat.source.strip():
            return None
        return {n: getattr(lat, n) for n in LLM_LIMITS + PER_INPUT_LIMITS}
    if cap is None or not cap.engine:
        return None
    e = cap.engine
    if e.get("plan"):
        # batch auto (planned.py): the plan's own percentiles under Poisson arrivals at the target's share
        p = e["plan"]
        return {"ttft_ms_p90": p["ttft_ms_p90"], "tpot_ms": p["tpot_ms"], "e2e_ms_p90": p["e2e_ms_p90"]}
    if scenario.workload == "per-input":
        return {"per_input_ms_p90": e.get("latency_ms_high")}
    prefill_share = 1.0 - scenario.traffic.prefix_cache_hit
    ttft = e.get("ttft_ms_high")
    tpot = e.get("tpot_ms_high")
    ttft = None if ttft is None else ttft * prefill_share
    e2e = None if ttft is None or tpot is None else ttft + scenario.traffic.output_tokens * tpot
    return {"ttft_ms_p90": ttft, "tpot_ms": tpot, "e2e_ms_p90": e2e}
