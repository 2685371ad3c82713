"""Targets whose batch is `auto` (scenarios.business.planned): the plan keeps the scenario's
limits when some concurrency meets them, and the scenario the Capacity planner page writes from its
cheapest configuration carries every input the plan was asked with."""

from __future__ import annotations

import pytest

from scenarios.business.planned import planned, scenario_from_plan, sizing_rate_per_s, vision_batch
from scenarios.business.scenario import from_dict, load_preset
from tests.scenarios.conftest import golden_dict

BEST = {"weights": "fp8", "hardware": "nvidia-h100-sxm", "runtime": "vllm", "devices_per_replica": 2.0}


def test_limits_that_some_concurrency_meets_are_kept():
    d = golden_dict()
    free, _ = planned(from_dict(d), from_dict(d).target("rent"))
    d["limits"] = {"tpot_ms": 10}
    s = from_dict(d)
    best, res = planned(s, s.target("rent"))
    assert res["best"] == best                               # the plan under the limits, not a relaxed one
    assert best["concurrency_per_replica"] < free["concurrency_per_replica"]
    assert res["inputs"]["tpot_ms_limit"] == 10


def test_the_sizing_rate_is_the_peak_over_the_peak_load_share():
    s = from_dict(golden_dict())
    assert sizing_rate_per_s(s) == pytest.approx(10_000 / 86_400 * 2.0 / 0.5)


def test_a_per_input_target_keeps_its_batch_and_auto_is_one():
    edge, t4 = load_preset("vision").targets
    assert (vision_batch(edge), vision_batch(t4)) == (1, 32)


def test_the_planners_scenario_carries_every_input():
    inputs = {"model": "llama-3.1-8b", "rate_per_s": 2.5, "prompt_tokens": 800.0, "output_tokens": 150.0,
              "prefix_cache_hit": None, "ttft_ms_p90_limit": 500.0, "tpot_ms_limit": None, "e2e_ms_p90_limit": 9000.0}
    d = scenario_from_plan(inputs, BEST, 3.25)
    assert (d["schema_version"], d["id"], d["name"], d["domain"], d["workload"]) == \
        (3, "capacity-plan", "Capacity plan", "nlp", "llm")
    assert (d["model"], d["weights"]) == ("llama-3.1-8b", "fp8")
    assert d["traffic"] == {"requests_per_day": 2.5 * 86_400, "prompt_tokens": 800, "output_tokens": 150,
                            "peak_factor": 1.0, "prefix_cache_hit": 0.0}
    assert d["pricing"] == {"model": "per-request", "usd_per_request": 0.0}
    assert d["targets"] == [{"id": "planned", "kind": "rented-gpu", "hardware": "nvidia-h100-sxm", "batch": "auto",
                             "runtime": "vllm", "devices_per_replica": 2, "usd_per_hour": 3.25,
                             "source": "hardware catalog rental price"}]
    assert d["serving_target"] == "planned"
    assert d["limits"] == {"ttft_ms_p90": 500.0, "e2e_ms_p90": 9000.0, "source": "Capacity planner inputs"}
    assert d["operating"] == {"peak_load_share": 1.0}
    s = from_dict(d)
    assert sizing_rate_per_s(s) == pytest.approx(2.5)        # replicas sized for exactly the plan's rate
    named = scenario_from_plan({**inputs, "prefix_cache_hit": 0.4}, BEST, 3.25, scenario_id="mine", name="Mine")
    assert (named["id"], named["name"], named["traffic"]["prefix_cache_hit"]) == ("mine", "Mine", 0.4)


def test_the_plan_is_asked_at_the_targets_own_price_and_limits():
    from scenarios.business.economics import replica_usd_month
    from scenarios.business.planned import plan_request

    d = golden_dict()
    d["limits"] = {"ttft_ms_p90": 800, "tpot_ms": 40, "e2e_ms_p90": 9000}
    d["targets"][2]["devices_per_replica"] = 2
    s = from_dict(d)
    own = s.target("own")
    req = plan_request(s, own, 700.0)
    assert req.usd_per_hour == pytest.approx(replica_usd_month(s, own, 700.0) / 730 / 2)
    assert (req.ttft_ms, req.tpot_ms, req.e2e_ms) == (800, 40, 9000)
    assert (req.max_devices, req.hardware, req.weights) == (2, ("nvidia-h100-sxm",), ("int4",))
    relaxed = plan_request(s, own, 700.0, limits=False)
    assert (relaxed.ttft_ms, relaxed.tpot_ms, relaxed.e2e_ms) == (None, None, None)


def test_a_planned_capacity_keeps_the_plan_and_its_estimate():
    from scenarios.business.runner import capacities

    s = from_dict(golden_dict())
    best, _ = planned(s, s.target("rent"))
    rent = capacities(s)["rent"]
    assert rent.engine["plan"] == best
    assert (rent.requests_per_s, rent.requests_per_s_low, rent.requests_per_s_high) == \
        (best["max_rate_per_replica"], best["max_rate_per_replica_low"], best["max_rate_per_replica_high"])
    assert rent.decode_tokens_per_s == rent.engine["decode_tokens_per_s"] is not None


def test_nothing_that_fits_names_the_plans_reasons_once_each():
    from scenarios.business.runner import capacities

    d = golden_dict()
    d["model"], d["weights"] = "llama-3.3-70b", "fp16"
    s = from_dict(d)
    _, res = planned(s, s.target("own"))
    own = capacities(s)["own"]
    assert not own.fits and own.engine["plan"] is None
    assert own.note == "; ".join(dict.fromkeys(r["reason"] for r in res["infeasible"]))
    assert own.note and own.requests_per_s == 0.0
