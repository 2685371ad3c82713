"""The scenario layer reads the engine rather than redoing its maths: the replica count of the
cost formula equals the engine's devices_for_rate for every self-hosted preset target."""

from __future__ import annotations

import pytest

from scenarios.business.economics import SELF_HOSTED, cost_models, replicas_needed, requests_per_month
from scenarios.business.scenario import load_preset, preset_ids
from scenarios.business.runner import capacities, power_defaults, run


@pytest.mark.parametrize("pid", [p for p in preset_ids() if load_preset(p).workload == "llm"])
def test_cost_formula_replicas_match_engine_devices_for_rate(pid):
    s = load_preset(pid)
    caps = capacities(s)
    models = cost_models(s, caps, power_defaults(s))
    for t in s.targets:
        cm = models[t.id]
        if cm.kind in SELF_HOSTED and cm.feasible:
            n = int(replicas_needed(cm, requests_per_month(s), s.traffic.peak_factor, s.operating.peak_load_share))
            assert n * t.devices_per_replica == caps[t.id].devices_at_peak, (pid, t.id)


def test_engine_band_brackets_expected_capacity():
    for pid in preset_ids():
        for cap in capacities(load_preset(pid)).values():
            if cap.fits and cap.requests_per_s < float("inf"):
                assert cap.requests_per_s_low <= cap.requests_per_s <= cap.requests_per_s_high, (pid, cap)


def test_phone_target_that_cannot_keep_up_is_infeasible():
    s = load_preset("speech")
    d = s.to_dict()
    d["model"] = "llama-3.1-70b"   # far too big for a phone
    from scenarios.business.scenario import from_dict
    big = from_dict({**d, "serving_target": "api-gemini"})
    r = run(big, samples=500).result
    phone = next(o for o in r.options if o.kind == "phone")
    assert not phone.feasible and phone.usd_month is None
