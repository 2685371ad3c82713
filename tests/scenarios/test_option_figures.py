"""Each option's figures at today's volume, the month-by-month projection and the build-vs-buy
curves (scenarios.business.economics.evaluate), by hand on the golden scenario: 304,167 requests
a month (10,000 a day), 1,200 tokens each, hand-made capacities of 5 requests/s a replica."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.business.economics import DAYS_PER_MONTH, PROJECTION_MONTHS, evaluate
from scenarios.business.results import Capacity
from scenarios.business.scenario import from_dict
from tests.scenarios.conftest import golden_capacities, golden_dict

NOW = 10_000 * DAYS_PER_MONTH
OWNED_USD = 30_000 / 36 + 100 + 700 * 1.5 * 730 * 0.1 / 1000


def result(d=None, caps=None):
    return evaluate(from_dict(d or golden_dict()), caps or golden_capacities())


def options(r):
    return {o.target_id: o for o in r.options}


def test_each_options_figures_by_hand():
    o = options(result())
    api, rent, own, phone = o["api"], o["rent"], o["own"], o["phone"]
    assert (api.replicas, api.devices, api.break_even_requests_month, api.requests_per_s_per_replica) == \
        (None, None, None, None)
    assert api.usd_month == pytest.approx(NOW * 0.0008)
    assert api.usd_per_request == pytest.approx(0.0008)
    assert api.usd_per_million_io_tokens == pytest.approx(0.0008 / 1200 * 1e6)
    assert (rent.replicas, rent.devices, rent.usd_month, rent.requests_per_s_per_replica) == (1, 1, 1460.0, 5.0)
    assert rent.usd_per_request == pytest.approx(1460 / NOW)
    assert rent.usd_per_million_io_tokens == pytest.approx(1460 / (NOW * 1200) * 1e6)
    assert rent.break_even_requests_month == pytest.approx(3_650_000)
    assert own.usd_month == pytest.approx(OWNED_USD)
    assert (phone.replicas, phone.usd_month, phone.break_even_requests_month, phone.requests_per_s_per_replica) == \
        (None, 0.0, 0.0, None)
    assert all(x.eligible and x.feasible and x.unmet == () for x in (api, rent, own, phone))


def test_an_option_that_cannot_run_has_no_price():
    caps = golden_capacities()
    caps["own"] = Capacity("own", 5.0, 4.0, 6.0, 2, False, "needs 2 devices")
    own = options(result(caps=caps))["own"]
    assert (own.feasible, own.note, own.replicas, own.devices, own.usd_month, own.usd_per_request,
            own.usd_per_million_io_tokens, own.break_even_requests_month, own.eligible) == \
        (False, "needs 2 devices", None, None, None, None, None, None, False)


def test_replicas_of_several_devices_count_every_device():
    d = golden_dict()
    d["targets"][1]["devices_per_replica"] = 4
    d["traffic"]["requests_per_day"] = 1_000_000
    caps = golden_capacities()
    caps["rent"] = Capacity("rent", 5.0, 4.0, 6.0, 4, True)
    rent = options(result(d, caps))["rent"]
    # 1M a day x 2 peak / 86,400 s = 23.1 requests/s over 2.5 usable a replica: 10 replicas of 4 devices
    assert (rent.replicas, rent.devices) == (10, 40)
    assert rent.usd_month == pytest.approx(10 * 4 * 2.0 * 730)


def test_the_unit_economics_by_hand():
    u = result().unit
    assert (u.serving_target, u.users, u.fixed_usd_month) == ("rent", 1000, 30_000.0)
    assert u.requests_month == pytest.approx(NOW) and u.tokens_month == pytest.approx(NOW * 1200)
    assert u.peak_requests_per_s == pytest.approx(10_000 / 86_400 * 2)
    assert u.devices_at_peak == 1
    assert (u.serving_usd_month, u.revenue_usd_month) == (1460.0, 20_000.0)
    assert u.cost_per_user_usd == pytest.approx(1.46)
    assert u.gross_margin == pytest.approx((20_000 - 1460) / 20_000)
    assert u.burn_usd_month == pytest.approx(30_000 + 1460 - 20_000)
    # months count from 0 (today's month, already burnt): 100,000 - 9 x 11,460 < 0 at month 8
    assert (u.runway_months, u.default_alive) == (8, False)


def test_the_engines_fleet_count_is_taken_where_it_gave_one():
    caps = golden_capacities()
    caps["rent"] = Capacity("rent", 5.0, 4.0, 6.0, 1, True, devices_at_peak=7)
    assert result(caps=caps).unit.devices_at_peak == 7


def test_the_projection_grows_traffic_and_revenue_and_spends_cash():
    d = golden_dict()
    d["traffic"]["monthly_growth"] = 0.1
    p = result(d).projection
    assert p["month"] == list(range(PROJECTION_MONTHS + 1))
    assert p["requests"][:3] == pytest.approx([NOW, NOW * 1.1, NOW * 1.21])
    assert p["revenue"][:2] == pytest.approx([20_000, 22_000])                 # users grow with traffic
    burn = np.array([30_000 + s - r for s, r in zip(p["serving"], p["revenue"])])
    assert p["cash"] == pytest.approx((100_000 - np.cumsum(burn)).tolist())


def test_the_build_vs_buy_curves_span_a_hundredth_to_a_hundred_times_today():
    c = result().curves
    grid = c["requests_month"]
    assert len(grid) == 120
    assert (grid[0], grid[-1]) == pytest.approx((NOW / 100, NOW * 100))
    assert c["tokens_month"] == pytest.approx([g * 1200 for g in grid])
    assert c["labels"] == {"api": "API: P m", "rent": "rented-gpu: nvidia-h100-sxm",
                           "own": "owned-gpu: nvidia-h100-sxm", "phone": "phone: apple-a17-pro"}
    assert c["usd_month"]["api"] == pytest.approx([g * 0.0008 for g in grid])
    assert c["usd_month"]["phone"] == [0.0] * 120
