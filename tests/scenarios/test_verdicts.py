"""The one line a founder remembers (scenarios.business.economics.verdict), every kind of it, on
the golden scenario with hand-made capacities (5 requests/s a replica): break-evens by hand are
1,262,479 requests a month for the owned H100 ($1,009.98 a month: 1 replica of 1,314,000 usable
requests beats 0.0008 $/request from the 2nd replica on) and 3,650,000 for the rented one."""

from __future__ import annotations

import pytest

from scenarios.business.economics import cost_models, evaluate, option_figures, verdict
from scenarios.business.results import Capacity
from scenarios.business.scenario import from_dict
from tests.scenarios.conftest import golden_capacities, golden_dict

OWNED = "owned-gpu: nvidia-h100-sxm"


def without_phone(**traffic):
    d = golden_dict()
    d["targets"] = d["targets"][:3]
    d["traffic"].update(traffic)
    return d


def verdict_of(d, caps=None):
    return evaluate(from_dict(d), caps or golden_capacities()).verdict


def test_a_phone_that_runs_the_model_costs_nothing_per_request():
    v = verdict_of(golden_dict())
    assert v.kind == "self_free" and v.params["option"] == "phone: apple-a17-pro"
    assert v.text == ("Serve on phone: apple-a17-pro: it costs the company nothing per request, against 243 USD "
                      "a month on the API today.")                   # 304,167 requests x $0.0008


def test_below_the_break_even_stay_on_the_api_until_it():
    v = verdict_of(without_phone())
    # 1,262,479 requests x 1,200 tokens = 1.5B; today 304,167 x 1,200 = 365M; 1,262,479 / 304,167 = 4.2
    assert v.params == {"api": "API: P m", "option": OWNED, "volume": "1.5B", "unit": "tokens", "now": "365M",
                        "ratio": "4.2"}
    assert v.text == (f"Stay on the API until about 1.5B tokens a month (4.2x today's 365M); above that {OWNED} "
                      "is cheaper.")


def test_above_the_break_even_self_host_now():
    v = verdict_of(without_phone(requests_per_day=100_000))
    assert (v.kind, v.params["now"], v.params["ratio"]) == ("self_now", "3.7B", "0.4")
    assert v.text == (f"Self-host on {OWNED}: above about 1.5B tokens a month it beats the API, and today's "
                      "volume is 3.7B.")


def test_per_input_volumes_are_in_requests():
    from scenarios.business.economics import _api_or_self

    s = from_dict(without_phone(requests_per_day=100_000))
    per_input = s.replace(workload="per-input", model="yolov8n", weights="int8",
                          targets=[{**t, "usd_per_request": 0.0008} if t["kind"] == "api" else t
                                   for t in s.to_dict()["targets"]])
    opts = [option_figures(per_input, cost_models(per_input, golden_capacities()), t) for t in ("api", "own")]
    assert _api_or_self(per_input, opts[0], opts[1:]).params["unit"] == "requests"


def test_self_hosting_that_never_pays_keeps_the_api():
    v = verdict_of(without_phone(), golden_capacities(0.001))
    assert (v.kind, v.params) == ("api_always", {"api": "API: P m"})
    assert v.text == "Stay on the API (API: P m): no self-hosted option gets cheaper at any volume."


def test_without_an_api_the_cheapest_option_is_named_with_its_cost():
    d = golden_dict()
    d["targets"] = d["targets"][1:3]
    v = verdict_of(d)
    assert (v.kind, v.params) == ("cheapest", {"option": OWNED, "usd": "1,010"})
    assert v.text == f"{OWNED} is the cheapest way to serve today's volume: 1,010 USD a month."


def test_when_none_meets_the_limits_the_reasons_are_listed_once_each():
    d = golden_dict()
    d["limits"] = {"tpot_ms": 1}
    d["constraints"] = {"region": "EU"}
    v = verdict_of(d)
    assert v.kind == "none_meets"
    assert v.params == {"reasons": "region: EU (region not stated); latency unknown"}
    assert v.text == ("No option meets the limits and constraints (region: EU (region not stated); latency unknown): "
                      "relax them or add a target that meets them.")


def test_when_no_target_runs_the_model_the_verdict_says_so():
    d = golden_dict()
    d["targets"] = d["targets"][1:]
    s = from_dict(d)
    caps = {k: Capacity(k, 5.0, 4.0, 6.0, 1, False, "does not fit") for k in ("rent", "own", "phone")}
    models = cost_models(s, caps)
    opts = [option_figures(s, models, t) for t in ("rent", "own", "phone")]
    v = verdict(s, opts, models)
    assert (v.kind, v.params) == ("none_fits", {})
    assert v.text == "No target can serve this model: change the model or targets."


OWNED_USD = 30_000 / 36 + 100 + 700 * 1.5 * 730 * 0.1 / 1000      # $1,009.98 a month


@pytest.mark.parametrize("rps, replicas_on_the_api", [(5.0, 1), (50.0, 1), (2.0, 25), (1.0, None)])
def test_the_owned_break_even_by_hand(rps, replicas_on_the_api):
    """A replica carries rps x 0.5 / 2 x 2,628,000 s requests a month; at 2 requests/s it costs 96 % of
    the API's price for them, so the step function crosses the API's line after 25 replicas; at 1
    request/s it costs more than the API for the same requests: never."""
    result = evaluate(from_dict(without_phone()), golden_capacities(rps))
    own = next(o for o in result.options if o.target_id == "own")
    if replicas_on_the_api is None:
        assert own.break_even_requests_month is None
    else:
        assert own.break_even_requests_month == pytest.approx(replicas_on_the_api * OWNED_USD / 0.0008)
