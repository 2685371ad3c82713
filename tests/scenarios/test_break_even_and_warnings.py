"""Break-even volume at its edges, the fleet warning at its threshold and a serving target that
cannot serve the model (scenarios.business.economics.evaluate), on the hand-made golden scenario
and capacities of conftest.py."""

from __future__ import annotations

import dataclasses

import pytest

from scenarios.business.economics import DAYS_PER_MONTH, evaluate
from scenarios.business.scenario import from_dict
from scenarios.errors import VentureLabError
from tests.scenarios.conftest import golden_capacities, golden_dict

REQUESTS_PER_USER = 10_000 * DAYS_PER_MONTH / 1000          # golden: 10k requests a day from 1000 users


def served_on_the_phone(usd_per_user_month: float, team_usd_month: float = 0.0):
    d = golden_dict()
    d["serving_target"] = "phone"                            # the user's device: no serving cost
    d["fixed_costs"] = {"team_usd_month": team_usd_month}
    d["pricing"] = {"model": "subscription", "usd_per_user_month": usd_per_user_month}
    return from_dict(d)


def test_with_nothing_to_cover_the_first_paying_user_breaks_even():
    u = evaluate(served_on_the_phone(0.5), golden_capacities()).unit
    assert u.break_even_users == pytest.approx(1.0)
    assert u.break_even_requests_month == pytest.approx(REQUESTS_PER_USER)


def test_fixed_costs_are_covered_at_fixed_over_price_users():
    u = evaluate(served_on_the_phone(20.0, team_usd_month=30_000), golden_capacities()).unit
    assert u.break_even_users == pytest.approx(1500, rel=1e-3)             # 30,000 / 20 a user
    assert u.break_even_users >= 1500 * (1 - 1e-9)                          # at or just past, never before
    assert u.break_even_requests_month == pytest.approx(1500 * REQUESTS_PER_USER, rel=1e-3)


def test_a_free_product_never_breaks_even_even_with_nothing_to_cover():
    u = evaluate(served_on_the_phone(0.0), golden_capacities()).unit
    assert (u.break_even_users, u.break_even_requests_month) == (None, None)
    assert u.gross_margin is None


def test_a_fleet_past_ten_thousand_devices_is_flagged_and_ten_thousand_is_not():
    d = golden_dict()
    d["targets"][1]["min_replicas"] = 10_001
    d["targets"][2]["min_replicas"] = 10_000
    result = evaluate(from_dict(d), golden_capacities())
    assert {o.target_id: o.devices for o in result.options}["own"] == 10_000
    [w] = result.warnings
    assert (w.kind, w.target_id) == ("fleet", "rent")
    assert w.params == {"option": "rented-gpu: nvidia-h100-sxm", "devices": "10,001", "limit": "10,000"}
    assert w.text == ("rented-gpu: nvidia-h100-sxm needs 10,001 devices at today's volume, more than 10,000: "
                      "check traffic.requests_per_day and the target's batch.")


@pytest.mark.parametrize("note, why", [("needs 200 GB", "needs 200 GB"), ("", "does not fit")])
def test_a_serving_target_that_cannot_serve_names_itself_and_why(note, why):
    d = golden_dict()
    d["serving_target"] = "own"
    caps = golden_capacities()
    caps["own"] = dataclasses.replace(caps["own"], fits=False, note=note)
    with pytest.raises(VentureLabError) as err:
        evaluate(from_dict(d), caps)
    assert str(err.value) == (f"serving_target: owned-gpu: nvidia-h100-sxm cannot serve this model ({why}); "
                              "choose another target (got 'own')")


def ranges_of(d, caps=None, target="rent"):
    from scenarios.business.economics import cost_models
    from scenarios.business.uncertainty import input_ranges

    s = from_dict(d)
    return input_ranges(s, cost_models(s, caps or golden_capacities())[target])


def test_monte_carlo_inputs_are_the_scenarios_bands_around_one():
    got = ranges_of(golden_dict())
    assert {k: r.as_tuple() for k, r in got.items()} == pytest.approx({
        "traffic": (0.7, 1.0, 1.4), "efficiency": (0.8, 1.0, 1.2),      # capacity band 4-6 around 5 requests/s
        "hardware_price": (0.8, 1.0, 1.25), "api_price": (0.8, 1.0, 1.2),
        "peak_load_share": (0.4, 0.5, 0.8)})                            # absolute: the scenario's 50 %
    assert list(got) == ["traffic", "efficiency", "hardware_price", "api_price", "peak_load_share"]
    assert {k: r.field for k, r in got.items()} == {k: f"uncertainty.{k}" for k in got}


def test_a_band_that_excludes_the_plan_starts_at_its_nearer_end():
    d = golden_dict()
    d["uncertainty"] = {"traffic": [1.2, 1.5], "hardware_price": [0.5, 0.9], "api_price": [1.1, 2.0],
                        "peak_load_share": [0.6, 0.9]}
    got = {k: r.as_tuple() for k, r in ranges_of(d).items()}
    assert got["traffic"] == pytest.approx((1.2, 1.2, 1.5))
    assert got["hardware_price"] == pytest.approx((0.5, 0.9, 0.9))
    assert got["api_price"] == pytest.approx((1.1, 1.1, 2.0))
    assert got["peak_load_share"] == pytest.approx((0.6, 0.6, 0.9))
    d["operating"]["peak_load_share"] = 0.95
    assert ranges_of(d)["peak_load_share"].as_tuple() == pytest.approx((0.6, 0.9, 0.9))


def test_an_api_or_a_capacity_band_above_the_point_keeps_efficiency_around_one():
    assert ranges_of(golden_dict(), target="api")["efficiency"].as_tuple() == (1.0, 1.0, 1.0)   # no capacity
    caps = golden_capacities()
    caps["rent"] = dataclasses.replace(caps["rent"], requests_per_s_low=6.0, requests_per_s_high=7.0)
    assert ranges_of(golden_dict(), caps)["efficiency"].as_tuple() == pytest.approx((1.0, 1.0, 1.4))
    caps["rent"] = dataclasses.replace(caps["rent"], requests_per_s_low=3.0, requests_per_s_high=4.5)
    assert ranges_of(golden_dict(), caps)["efficiency"].as_tuple() == pytest.approx((0.6, 1.0, 1.0))
