"""Cached calls into `plan` (scenarios/engine/plan.py) for the Capacity planner page. Results are
keyed by the inputs (plain strings, numbers and tuples) and handed back unchanged."""

from __future__ import annotations

import streamlit as st

from scenarios.business.planned import scenario_from_plan
from scenarios.business.scenario import from_dict, to_yaml
from scenarios.engine import catalog
from scenarios.engine.plan import PlanRequest, plan
from scenarios.engine.plan_curve import RateCurve, latency_against_rate


def _request(model: str, rate: float, prompt: int, output: int, limits: tuple, hardware: tuple,
             max_devices: int, length_sigma: float = 0.0) -> PlanRequest:
    ttft, tpot, e2e = limits
    return PlanRequest(model=model, rate_per_s=rate, prompt_tokens=prompt, output_tokens=output, ttft_ms=ttft,
                       tpot_ms=tpot, e2e_ms=e2e, hardware=hardware or None, max_devices=max_devices,
                       length_sigma=length_sigma)


@st.cache_resource(show_spinner=False, max_entries=1)  # no arguments: one entry
def rentable_hardware() -> dict:
    """Hardware with a rental price in the catalog (what `plan` prices), id -> Hardware."""
    return {k: h for k, h in catalog.load_hardware().items() if h.usd_per_hour}


@st.cache_data(show_spinner=False, max_entries=64)
def plan_dict(model: str, rate: float, prompt: int, output: int, limits: tuple, hardware: tuple,
              max_devices: int, length_sigma: float = 0.0) -> dict:
    """`venture-lab plan --json` for these inputs (``limits``: ttft p90, tpot, e2e p90 in ms or None;
    ``length_sigma``: log-normal spread of the lengths, the Python API's option)."""
    return plan(_request(model, rate, prompt, output, limits, hardware, max_devices, length_sigma)).to_dict()


@st.cache_data(show_spinner=False, max_entries=64)
def fronts_by_hardware(model: str, rate: float, prompt: int, output: int, limits: tuple, hardware: tuple,
                       max_devices: int, length_sigma: float = 0.0) -> dict[str, list[dict]]:
    """Each hardware's own Pareto front (its best first), for the chart's background points."""
    out = {}
    for h in hardware:
        d = plan_dict(model, rate, prompt, output, limits, (h,), max_devices, length_sigma)
        out[h] = ([d["best"]] if d["best"] else []) + d["candidates"]
    return out


@st.cache_data(show_spinner=False, max_entries=64)
def rate_curve(model: str, rate: float, prompt: int, output: int, limits: tuple, best: tuple,
               length_sigma: float = 0.0) -> RateCurve:
    """Latency percentiles against per-replica rate for ``best`` (hardware, weights, runtime,
    devices, concurrency)."""
    hw, w, rt, devices, conc = best
    req = _request(model, rate, prompt, output, limits, (hw,), int(devices), length_sigma)
    return latency_against_rate(req, hw, w, rt, int(devices), int(conc))


@st.cache_data(show_spinner=False, max_entries=64)
def scenario_yaml(inputs: tuple, best: tuple) -> str:
    """The scenario file that serves ``best`` at the plan's rate and limits (planned.scenario_from_plan)."""
    inputs, best = dict(inputs), dict(best)
    price = float(catalog.get_hardware(best["hardware"]).usd_per_hour)
    return to_yaml(from_dict(scenario_from_plan(inputs, best, price)))


def as_key(d: dict) -> tuple:
    """A dict of plain values as a hashable, ordered cache key."""
    return tuple(sorted((k, v) for k, v in d.items() if not isinstance(v, (dict, list))))


