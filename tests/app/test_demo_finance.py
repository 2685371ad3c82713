"""The finance, medical and vision demo pages: they run clean, a knob changes the shown metric
exactly as the model says it should, and a link's query parameters set the knobs.

Expected values come through dashboard.cached.demos_a, a transparent st.cache_data wrapper of the
models: AppTest runs in this process, so the page's runs are reused rather than trained twice.
(That the URL follows a knob is checked in the browser test: AppTest does not model binding.)"""

from __future__ import annotations

import math

from dashboard.cached.demos_a import run_dp, run_fraud, run_vision
from models.fraud import FraudConfig
from models.medical_privacy import DPConfig
from models.vision_robustness import VisionConfig
from tests.app.conftest import assert_clean, open_page

FIN, MED, VIS = "dashboard/pages/demo_finance.py", "dashboard/pages/demo_medical.py", "dashboard/pages/demo_vision.py"


def metric(at, label_start: str) -> str:
    hits = [m.value for m in at.metric if m.label.startswith(label_start)]
    assert hits, f"no metric starting {label_start!r}: {[m.label for m in at.metric]}"
    return hits[0]


def test_finance_cost_knob_moves_money_at_stake_like_the_model():
    at = open_page(FIN)
    assert_clean(at)
    before = metric(at, "No model")
    assert before == f"${run_fraud(FraudConfig()).no_model_cost_usd:,.0f}"
    at.number_input(key="fin_cost_fn").set_value(1000.0).run()
    assert_clean(at)
    expected = run_fraud(FraudConfig(cost_missed_fraud_usd=1000.0)).no_model_cost_usd
    assert metric(at, "No model") == f"${expected:,.0f}" != before


def test_finance_link_sets_the_seed_and_credit_applicant():
    at = open_page(FIN, query={"fin_seed": "3", "fin_applicant": "12"})
    assert_clean(at)
    assert at.number_input(key="fin_seed").value == 3
    assert at.number_input(key="fin_applicant").value == 12


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


def test_vision_attack_budget_moves_pgd_accuracy():
    at = open_page(VIS)
    assert_clean(at)
    base = run_vision(VisionConfig()).recipes["standard"]
    assert metric(at, "PGD") == f"{base.pgd_accuracy:.1%}"
    at.select_slider(key="vis_eps").set_value(0.2).run()
    assert_clean(at)
    harder = run_vision(VisionConfig(attack_eps=0.2)).recipes["standard"]
    assert metric(at, "PGD") == f"{harder.pgd_accuracy:.1%}"
    assert harder.pgd_accuracy < base.pgd_accuracy


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


def test_fraud_rate_sweep_runs_on_demand():
    at = open_page(FIN, query={"fin_n": "20000"})
    charts_before = len(at.get("plotly_chart"))
    at.button(key="fin_sweep_btn").click().run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == charts_before + 1
