"""Golden tests of the business arithmetic, computed by hand (comments show the sums), with
hand-made engine capacities so the engine's speed model does not enter."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.business.economics import (DAYS_PER_MONTH, SECONDS_PER_MONTH, CostModel, break_even_vs_api,
                                 cost_models, evaluate, option_cost_usd_month)
from tests.scenarios.conftest import golden_capacities

REQ_MONTH = 10_000 * 365 / 12            # 304,166.67 requests a month


def test_api_cost_per_request_and_month(golden):
    r = evaluate(golden, golden_capacities())
    api = next(o for o in r.options if o.target_id == "api")
    # (1000 * 0.5 + 200 * 1.5) / 1e6 = 0.0008 USD per request
    assert api.usd_per_request == pytest.approx(0.0008)
    assert api.usd_month == pytest.approx(REQ_MONTH * 0.0008)           # 243.33
    # per 1M tokens, in + out: 0.0008 / 1200 tokens * 1e6 = 0.6667
    assert api.usd_per_million_io_tokens == pytest.approx(0.0008 / 1200 * 1e6)


def test_rented_and_owned_replica_costs(golden):
    r = evaluate(golden, golden_capacities())
    rent = next(o for o in r.options if o.target_id == "rent")
    own = next(o for o in r.options if o.target_id == "own")
    # peak 304,166.67 / 2,628,000 s * 2 = 0.2315 req/s; usable 5 * 0.5 = 2.5 -> 1 replica
    assert rent.replicas == 1 and rent.devices == 1
    assert rent.usd_month == pytest.approx(2.0 * 730)                     # 1460
    # 30000/36 + 100 + 700 W * 1.5 * 730 h * 0.1 $/kWh / 1000 = 833.33 + 100 + 76.65
    assert own.usd_month == pytest.approx(30_000 / 36 + 100 + 76.65)
    phone = next(o for o in r.options if o.target_id == "phone")
    assert phone.usd_month == 0.0 and phone.break_even_requests_month == 0.0


def test_break_even_against_api_closed_form(golden):
    r = evaluate(golden, golden_capacities())
    rent = next(o for o in r.options if o.target_id == "rent")
    # C = 5 * 0.5 / 2 * 2,628,000 = 3,285,000 req/month per replica; aC = 2628; r = 1460/2628
    # k* = ceil(1 / (1 - 0.5556)) = 3 -> V* = 2 * 1460 / 0.0008 = 3,650,000 requests a month
    assert rent.break_even_requests_month == pytest.approx(3_650_000)


def test_break_even_none_when_a_full_device_costs_more_than_the_api(golden):
    r = evaluate(golden, golden_capacities(rps=0.5))
    rent = next(o for o in r.options if o.target_id == "rent")
    # C = 328,500; aC = 262.8 < 1460: the API is cheaper at every volume
    assert rent.break_even_requests_month is None
    assert r.verdict.kind == "api_always" or r.verdict.kind == "self_free"


def test_unit_economics(golden):
    u = evaluate(golden, golden_capacities()).unit
    assert u.requests_month == pytest.approx(REQ_MONTH)
    assert u.tokens_month == pytest.approx(REQ_MONTH * 1200)
    assert u.serving_usd_month == pytest.approx(1460)
    assert u.revenue_usd_month == pytest.approx(20_000)                   # 1000 users * 20
    assert u.cost_per_request_usd == pytest.approx(1460 / REQ_MONTH)
    assert u.cost_per_user_usd == pytest.approx(1.46)
    assert u.gross_margin == pytest.approx((20_000 - 1460) / 20_000)      # 0.927
    assert u.burn_usd_month == pytest.approx(30_000 + 1460 - 20_000)      # 11,460
    # 100,000 / 11,460 = 8.73 -> cash lasts 8 full months
    assert u.runway_months == 8 and not u.default_alive
    # gross profit covers fixed: 20,000/REQ_MONTH * V = 1460 + 30,000 -> V = 478,454 (grid 0.1%)
    assert u.break_even_requests_month == pytest.approx(31_460 * REQ_MONTH / 20_000, rel=2e-3)
    assert u.break_even_users == pytest.approx(1573, rel=2e-3)
    assert u.peak_requests_per_s == pytest.approx(REQ_MONTH / SECONDS_PER_MONTH * 2)


def test_growth_extends_runway_when_revenue_outgrows_costs(golden):
    grown = golden.replace(traffic={**golden.to_dict()["traffic"], "monthly_growth": 0.2})
    u = evaluate(grown, golden_capacities()).unit
    assert u.default_alive and u.runway_months is None


def test_verdict_says_until_which_volume(golden):
    r = evaluate(golden, golden_capacities())
    assert r.verdict.kind == "api_until" or r.verdict.kind == "self_free"
    nophone = golden.replace(targets=[t for t in golden.to_dict()["targets"] if t["kind"] != "phone"])
    r = evaluate(nophone, golden_capacities())
    assert r.verdict.kind == "api_until"
    # owned beats rented: c = 1009.98, r = c / 2628 = 0.384, k* = 2 -> V* = 1 * c / 0.0008
    # = 1,262,475 requests = 1.515B tokens a month, against today's 365M
    assert "until about 1.5B tokens a month" in r.verdict.text
    assert r.verdict.params["option"] == "owned-gpu: nvidia-h100-sxm"


def test_min_replicas_and_multi_device_replicas(golden):
    d = golden.to_dict()
    d["targets"][1].update(min_replicas=3, devices_per_replica=2)
    s = golden.replace(targets=d["targets"])
    caps = golden_capacities()
    caps["rent"] = caps["rent"].__class__("rent", 5.0, 4.0, 6.0, 2, True)
    r = evaluate(s, caps)
    rent = next(o for o in r.options if o.target_id == "rent")
    assert rent.replicas == 3 and rent.devices == 6
    assert rent.usd_month == pytest.approx(3 * 2 * 2.0 * 730)


def test_days_per_month_constant():
    assert DAYS_PER_MONTH == pytest.approx(30.4167, abs=1e-4)


@settings(max_examples=60, deadline=None)
@given(a=st.floats(1e-6, 1e-2), c=st.floats(10, 1e5), rps=st.floats(0.01, 100),
       util=st.floats(0.1, 1.0), peak=st.floats(1, 10), m=st.integers(0, 5))
def test_closed_form_break_even_matches_brute_force(a, c, rps, util, peak, m):
    api = CostModel("a", "api", "a", a, math.inf, math.inf, math.inf, 0.0)
    cm = CostModel("s", "rented-gpu", "s", 0.0, rps, rps, rps, c, 1, m)
    v = break_even_vs_api(api, cm, peak_factor=peak, peak_load_share=util)
    grid = np.geomspace(1, 1e13, 20_000)
    cheaper = option_cost_usd_month(cm, grid, peak_factor=peak, peak_load_share=util) < grid * a
    if v is None:
        assert not cheaper[-1] or not cheaper[grid > 1e12].all()
        return
    above = grid > v * 1.0001
    assert cheaper[above].all()
    # and V* is a real crossing: a hair below it the API is not more expensive
    below = v * (1 - 1e-9)
    if below > 0:
        self_cost = float(option_cost_usd_month(cm, below, peak_factor=peak, peak_load_share=util))
        assert self_cost >= below * a * (1 - 1e-6)


def test_costs_never_negative_or_nan_for_presets_with_fake_capacity():
    from scenarios.business.economics import Capacity
    from scenarios.business.scenario import load_preset, preset_ids
    for pid in preset_ids():
        s = load_preset(pid)
        caps = {t.id: Capacity(t.id, 3.0, 2.0, 4.0, 1, True) for t in s.targets}
        r = evaluate(s, caps)
        for o in r.options:
            assert o.usd_month is not None and o.usd_month >= 0, (pid, o)
        models = cost_models(s, caps)
        assert set(r.curves["usd_month"]) == set(models)
