"""Why an option does not meet the scenario's limits and constraints
(scenarios.business.constraints.unmet): the exact short reasons a page and the report show, on the
golden scenario with hand-made engine figures (a slow-end TTFT of 300 ms and TPOT of 20 ms)."""

from __future__ import annotations

from scenarios.business.constraints import applicable_limits, unmet
from scenarios.business.results import Capacity
from scenarios.business.scenario import from_dict, load_preset
from tests.scenarios.conftest import golden_dict

ENGINE = {"ttft_ms_high": 300.0, "tpot_ms_high": 20.0}


def cap(engine=ENGINE) -> Capacity:
    return Capacity("rent", 5.0, 4.0, 6.0, 1, True, engine=dict(engine))


def scenario(**changes):
    d = golden_dict()
    d.update(changes)
    return from_dict(d)


def reasons(s, target_id, capacity=None):
    return unmet(s, s.target(target_id), capacity)


def test_deployment_allows_only_its_kinds():
    s = scenario(constraints={"deployment": "on-premises"})
    assert [reasons(s, t, cap()) for t in ("api", "rent", "own", "phone")] == \
        [("deployment: on-premises",), ("deployment: on-premises",), (), ()]
    s = scenario(constraints={"deployment": "on-device"})
    assert [reasons(s, t, cap()) for t in ("own", "phone")] == [("deployment: on-device",), ()]


def test_region_is_met_by_the_same_place_and_by_hardware_at_the_user():
    d = golden_dict()
    d["constraints"] = {"region": "EU"}
    d["targets"][1]["region"] = " eu "
    d["targets"][2]["region"] = "us-east"
    s = from_dict(d)
    assert reasons(s, "api") == ("region: EU (region not stated)",)
    assert reasons(s, "rent", cap()) == ()
    assert reasons(s, "own", cap()) == ("region: EU (us-east)",)
    assert reasons(s, "phone") == ()


def test_the_slow_end_of_the_engine_band_is_held_to_each_limit():
    s = scenario(limits={"ttft_ms_p90": 100, "tpot_ms": 20, "e2e_ms_p90": 4000})
    # TTFT 300 ms; TPOT 20 ms meets a 20 ms limit exactly; end to end 300 + 200 x 20 = 4,300 ms
    assert reasons(s, "rent", cap()) == ("ttft_ms_p90: 100 ms (est. 300 ms)", "e2e_ms_p90: 4000 ms (est. 4300 ms)")
    cached = golden_dict()
    cached["traffic"]["prefix_cache_hit"] = 0.5
    cached["limits"] = {"ttft_ms_p90": 100, "e2e_ms_p90": 4000}
    s = from_dict(cached)                    # half the prompt from the cache: TTFT 150 ms, end to end 4,150 ms
    assert reasons(s, "rent", cap()) == ("ttft_ms_p90: 100 ms (est. 150 ms)", "e2e_ms_p90: 4000 ms (est. 4150 ms)")


def test_missing_figures_are_unknown_latency():
    s = scenario(limits={"tpot_ms": 10})
    assert reasons(s, "rent", None) == ("latency unknown",)
    assert reasons(s, "rent", cap({})) == ("latency unknown",)
    assert reasons(s, "rent", cap({"ttft_ms_high": 30.0})) == ("tpot_ms: 10 ms (latency unknown)",)
    assert reasons(s, "api") == ("latency unknown",)                   # an API without a sourced figure
    assert reasons(scenario(), "api") == ()                            # no limits: nothing to know


def test_an_api_meets_a_limit_only_with_a_sourced_figure():
    d = golden_dict()
    d["limits"] = {"ttft_ms_p90": 400, "tpot_ms": 10}
    d["targets"][0]["latency"] = {"ttft_ms_p90": 350, "source": "provider status page", "as_of": "2026-01-01"}
    s = from_dict(d)
    assert reasons(s, "api") == ("tpot_ms: 10 ms (latency unknown)",)
    d["targets"][0]["latency"]["tpot_ms"] = 12.5
    assert reasons(from_dict(d), "api") == ("tpot_ms: 10 ms (est. 12.5 ms)",)
    d["targets"][0]["latency"]["tpot_ms"] = 12.3456                 # shown to 3 significant digits
    assert reasons(from_dict(d), "api") == ("tpot_ms: 10 ms (est. 12.3 ms)",)


def test_a_planned_target_is_held_to_the_plans_percentiles():
    s = scenario(limits={"ttft_ms_p90": 100, "tpot_ms": 20})
    plan = {"ttft_ms_p90": 120.0, "tpot_ms": 15.0, "e2e_ms_p90": 3000.0}
    assert reasons(s, "rent", cap({**ENGINE, "plan": plan})) == ("ttft_ms_p90: 100 ms (est. 120 ms)",)


def test_per_input_workloads_have_their_own_limit():
    v = load_preset("vision").to_dict()
    v["limits"] = {"per_input_ms_p90": 50, "ttft_ms_p90": 1}
    s = from_dict(v)
    assert applicable_limits(s) == {"per_input_ms_p90": 50.0}
    slow = Capacity("rented-t4", 5.0, 4.0, 6.0, 1, True, engine={"latency_ms_high": 80.0})
    assert unmet(s, s.target("rented-t4"), slow) == ("per_input_ms_p90: 50 ms (est. 80 ms)",)
    assert applicable_limits(scenario(limits={"per_input_ms_p90": 50, "tpot_ms": 9})) == {"tpot_ms": 9.0}


def test_cloud_allows_every_kind():
    s = scenario(constraints={"deployment": "cloud"})
    assert [reasons(s, t, cap()) for t in ("api", "rent", "own", "phone")] == [(), (), (), ()]
