"""Monte Carlo and tornado contracts where mutation testing (make mutation) found no test: the
documented default sample count, the deterministic headline it reports next to the bands, and a
tornado bar that moves only its own input."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.business.economics import cost_models, option_cost_usd_month, requests_per_month
from scenarios.business.uncertainty import monte_carlo, tornado
from tests.scenarios.conftest import golden_capacities


@pytest.fixture
def models(golden):
    return cost_models(golden, golden_capacities())


def test_default_is_ten_thousand_samples(golden, models):
    # docs/scenarios.md and the CLI's --samples default: 10,000 samples.
    mc = monte_carlo(golden, models)
    assert mc.n == 10_000 and mc.cost_samples.shape == (10_000,)


def test_point_cost_is_the_serving_cost_with_every_input_at_its_mode(golden, models):
    # The deterministic headline: the economics' own monthly cost of the serving target (rent), with no
    # input moved; it sits inside the band's samples at the percentile reported.
    mc = monte_carlo(golden, models, n=2_000, seed=1)
    point = option_cost_usd_month(models["rent"], requests_per_month(golden), peak_factor=golden.traffic.peak_factor,
                                  peak_load_share=golden.operating.peak_load_share)
    assert mc.point_cost_usd_month == pytest.approx(float(point)) and mc.point_cost_usd_month > 0
    share_below = np.mean(mc.cost_samples < mc.point_cost_usd_month - 1e-9)
    share_at = np.mean(np.abs(mc.cost_samples - mc.point_cost_usd_month) <= 1e-9)
    assert mc.point_percentile == round(100 * (share_below + share_at / 2))


def test_each_tornado_bar_moves_its_own_input_only(golden, models):
    bars = {b.name: b for b in tornado(golden, models)}
    # Every input with a range moves the margin; the ends differ for traffic (fixed costs over revenue).
    assert bars["traffic"].margin_at_low != bars["traffic"].margin_at_high
    # The API price does not enter a rented target's bill: its bar has no swing.
    assert bars["api_price"].swing == pytest.approx(0.0, abs=1e-12)
    assert bars["hardware_price"].swing > 0
