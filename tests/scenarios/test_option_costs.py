"""What one option costs (scenarios.business.economics): an API request at its normal, cached and
batch prices, a rented or owned replica's month (per device or per server, nameplate power where
the target gives none), and the cost formula's broadcasting and price multipliers, each worked out
by hand on the golden scenario."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenarios.business.economics import (
    HOURS_PER_MONTH,
    api_usd_per_request,
    cost_model,
    option_cost_usd_month,
    replica_usd_month,
    replicas_needed,
)
from scenarios.business.results import Capacity
from scenarios.business.scenario import from_dict, load_preset
from scenarios.errors import VentureLabError
from tests.scenarios.conftest import golden_capacities, golden_dict

PROMPT, OUTPUT = 1000, 200                                   # golden tokens per request


def golden(traffic=None, api=None, own=None):
    d = golden_dict()
    d["traffic"].update(traffic or {})
    d["targets"][0].update(api or {})
    d["targets"][2].update(own or {})
    return from_dict(d)


def api_price(s) -> float:
    return api_usd_per_request(s, s.target("api"))


def test_an_api_request_at_the_normal_prices():
    assert api_price(golden()) == pytest.approx((PROMPT * 0.5 + OUTPUT * 1.5) / 1e6)


def test_prefix_cache_hits_pay_the_cached_price_or_the_input_price_without_one():
    s = golden(traffic={"prefix_cache_hit": 0.4}, api={"usd_per_m_cached_input": 0.1})
    assert api_price(s) == pytest.approx((PROMPT * (0.6 * 0.5 + 0.4 * 0.1) + OUTPUT * 1.5) / 1e6)
    assert api_price(golden(traffic={"prefix_cache_hit": 0.4})) == pytest.approx(api_price(golden()))


def test_the_batch_share_pays_the_batch_prices_where_quoted():
    s = golden(traffic={"batch_share": 0.25}, api={"usd_per_m_batch_input": 0.25, "usd_per_m_batch_output": 0.75})
    normal, batch = (PROMPT * 0.5 + OUTPUT * 1.5) / 1e6, (PROMPT * 0.25 + OUTPUT * 0.75) / 1e6
    assert api_price(s) == pytest.approx(0.75 * normal + 0.25 * batch)
    only_in = golden(traffic={"batch_share": 0.25}, api={"usd_per_m_batch_input": 0.25})
    assert api_price(only_in) == pytest.approx(0.75 * normal + 0.25 * (PROMPT * 0.25 + OUTPUT * 1.5) / 1e6)
    only_out = golden(traffic={"batch_share": 1.0}, api={"usd_per_m_batch_output": 0.75})
    assert api_price(only_out) == pytest.approx((PROMPT * 0.5 + OUTPUT * 0.75) / 1e6)
    assert api_price(golden(traffic={"batch_share": 0.5})) == pytest.approx(normal)      # no batch price quoted


def test_a_cache_hit_in_a_batch_pays_the_lower_of_cached_and_batch_input():
    base = {"prefix_cache_hit": 0.5, "batch_share": 1.0}
    cheap_cache = golden(traffic=base, api={"usd_per_m_cached_input": 0.05, "usd_per_m_batch_input": 0.25})
    assert api_price(cheap_cache) == pytest.approx((PROMPT * (0.5 * 0.25 + 0.5 * 0.05) + OUTPUT * 1.5) / 1e6)
    dear_cache = golden(traffic=base, api={"usd_per_m_cached_input": 0.4, "usd_per_m_batch_input": 0.25})
    assert api_price(dear_cache) == pytest.approx((PROMPT * 0.25 + OUTPUT * 1.5) / 1e6)
    no_cache_price = golden(traffic=base, api={"usd_per_m_batch_input": 0.25})
    assert api_price(no_cache_price) == pytest.approx((PROMPT * 0.25 + OUTPUT * 1.5) / 1e6)


def test_a_per_input_api_charges_its_price_per_request():
    v = load_preset("vision").to_dict()
    v["targets"].append({"id": "api", "kind": "api", "provider": "P", "api_model": "m", "usd_per_request": 0.002,
                         "as_of": "2026-01-01", "source": "s"})
    s = from_dict(v)
    assert api_usd_per_request(s, s.target("api")) == 0.002


def test_a_replicas_month_rented_owned_per_device_and_per_server():
    s = golden()
    assert replica_usd_month(s, s.target("rent")) == 2.0 * 730
    energy = 700 * 1.5 * 730 * 0.1 / 1000                              # W x PUE x h x $/kWh
    assert replica_usd_month(s, s.target("own")) == pytest.approx(30_000 / 36 + 100 + energy)
    pair = golden(own={"devices_per_replica": 2})
    assert replica_usd_month(pair, pair.target("own")) == pytest.approx(2 * 30_000 / 36 + 2 * (100 + energy))
    node = golden(own={"devices_per_replica": 2, "node_purchase_usd": 50_000})
    assert replica_usd_month(node, node.target("own")) == pytest.approx(50_000 / 36 + 2 * (100 + energy))
    unpowered = golden(own={"power_w": None})
    assert replica_usd_month(unpowered, unpowered.target("own"), 350.0) == \
        pytest.approx(30_000 / 36 + 100 + 350 * 1.5 * 730 * 0.1 / 1000)
    assert replica_usd_month(unpowered, unpowered.target("own")) == pytest.approx(30_000 / 36 + 100)
    assert replica_usd_month(s, s.target("phone")) == 0.0
    assert HOURS_PER_MONTH == 730.0


def test_cost_models_of_each_kind():
    s, caps = golden(), golden_capacities()
    api = cost_model(s, s.target("api"), None)
    assert (api.label, api.replica_requests_per_s, api.replica_usd_month, api.feasible) == ("API: P m", math.inf, 0.0, True)
    rent = cost_model(s, s.target("rent"), caps["rent"])
    assert (rent.label, rent.replica_requests_per_s, rent.replica_requests_per_s_low,
            rent.replica_requests_per_s_high, rent.replica_usd_month, rent.min_replicas) == \
        ("rented-gpu: nvidia-h100-sxm", 5.0, 4.0, 6.0, 1460.0, 1)
    phone = cost_model(s, s.target("phone"), Capacity("phone", 1.0, 1.0, 1.0, 1, False, "too slow"))
    assert (phone.usd_per_request, phone.feasible, phone.note, phone.replica_requests_per_s) == \
        (0.0, False, "too slow", math.inf)
    idle = cost_model(s, s.target("rent"), Capacity("rent", 0.0, 0.0, 0.0, 1, True))
    assert not idle.feasible                                          # a replica that serves nothing
    with pytest.raises(VentureLabError) as err:
        cost_model(s, s.target("rent"), None)
    assert str(err.value) == "targets.rent: needs the engine's capacity estimate"


def test_the_cost_formula_broadcasts_and_applies_each_price_multiplier():
    s, caps = golden(), golden_capacities()
    rent = cost_model(s, s.target("rent"), caps["rent"])
    # peak 2 x, half of each replica's 5 requests/s usable: 2.5 requests/s per replica at the peak
    month = 86_400 * 365 / 12
    volumes = np.array([0.0, 2.5 * month / 2, 2.5 * month / 2 * 3.2])
    assert replicas_needed(rent, volumes, 2.0, 0.5).tolist() == [1, 1, 4]
    assert option_cost_usd_month(rent, volumes, peak_factor=2.0, peak_load_share=0.5,
                                 hardware_price_mult=1.25).tolist() == pytest.approx([1825.0, 1825.0, 7300.0])
    assert option_cost_usd_month(rent, volumes[2], peak_factor=2.0, peak_load_share=0.5,
                                 capacity_mult=2.0) == pytest.approx(2 * 1460.0)
    api = cost_model(s, s.target("api"), None)
    assert option_cost_usd_month(api, 1e6, peak_factor=2.0, peak_load_share=0.5, api_price_mult=1.2) == \
        pytest.approx(1e6 * 0.0008 * 1.2)
    phone = cost_model(s, s.target("phone"), caps["phone"])
    assert option_cost_usd_month(phone, volumes, peak_factor=2.0, peak_load_share=0.5).tolist() == [0.0, 0.0, 0.0]
    unfit = cost_model(s, s.target("phone"), Capacity("phone", 1.0, 1.0, 1.0, 1, False))
    assert np.isnan(option_cost_usd_month(unfit, volumes, peak_factor=2.0, peak_load_share=0.5)).all()
    broken = cost_model(s, s.target("rent"), Capacity("rent", 5.0, 4.0, 6.0, 1, False))
    cost = option_cost_usd_month(broken, 1e6, peak_factor=2.0, peak_load_share=0.5, capacity_mult=np.ones(3))
    assert cost.shape == (3,) and np.isnan(cost).all()
