"""The medical demo page: a stricter privacy budget shows the lower accuracy the model reports,
and the epsilon sweep runs on demand and is shown again, without a click, on a new visit.

Expected values come through dashboard.cached.medical (a transparent st.cache_data wrapper)."""

from __future__ import annotations

import math

from dashboard.cached.medical import run_dp
from models.medical_privacy import DPConfig
from tests.app.conftest import assert_clean, open_page

MED = "dashboard/pages/demo_medical.py"


def test_medical_smaller_epsilon_shows_lower_accuracy():
    at = open_page(MED, lang="zh")
    assert_clean(at)
    at.select_slider(key="med_eps").set_value("0.1").run()
    assert_clean(at)
    strict = run_dp(DPConfig(epsilon=0.1))
    plain = run_dp(DPConfig(epsilon=math.inf))
    shown = [m.value for m in at.metric if m.value.endswith("%")]
    assert f"{strict.accuracy:.1%}" in shown
    assert strict.accuracy < plain.accuracy


def test_dp_sweep_runs_on_demand_and_a_reloaded_page_shows_it_from_cache():
    at = open_page(MED)
    charts_before = len(at.get("plotly_chart"))
    at.button(key="med_sweep_btn").click().run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == charts_before + 1
    # a new visit with the same settings shows the curve without a click (points are cached)
    again = open_page(MED)
    assert_clean(again)
    assert len(again.get("plotly_chart")) == charts_before + 1
