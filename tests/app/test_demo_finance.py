"""The finance demo page: a cost knob moves the money at stake exactly as the model says, a link's
query sets the seed and the credit applicant, and the fraud-rate sweep runs on demand.

Expected values come through dashboard.cached.finance, a transparent st.cache_data wrapper of the
models: AppTest runs in this process, so the page's runs are reused rather than trained twice.
(That the URL follows a knob is checked in the browser test: AppTest does not model binding.)"""

from __future__ import annotations

from dashboard.cached.finance import run_fraud
from models.fraud import FraudConfig
from tests.app.conftest import assert_clean, open_page
from tests.app.metrics import metric_value

FIN = "dashboard/pages/demo_finance.py"


def test_finance_cost_knob_moves_money_at_stake_like_the_model():
    at = open_page(FIN)
    assert_clean(at)
    before = metric_value(at, "No model")
    assert before == f"${run_fraud(FraudConfig()).no_model_cost_usd:,.0f}"
    at.number_input(key="fin_cost_fn").set_value(1000.0).run()
    assert_clean(at)
    expected = run_fraud(FraudConfig(cost_missed_fraud_usd=1000.0)).no_model_cost_usd
    assert metric_value(at, "No model") == f"${expected:,.0f}" != before


def test_finance_link_sets_the_seed_and_credit_applicant():
    at = open_page(FIN, query={"fin_seed": "3", "fin_applicant": "12"})
    assert_clean(at)
    assert at.number_input(key="fin_seed").value == 3
    assert at.number_input(key="fin_applicant").value == 12


def test_fraud_rate_sweep_runs_on_demand():
    at = open_page(FIN, query={"fin_n": "20000"})
    charts_before = len(at.get("plotly_chart"))
    at.button(key="fin_sweep_btn").click().run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == charts_before + 1


def test_fraud_serving_table_compares_cpus_an_l4_and_the_api():
    from scenarios.engine.serving_at_rate import compare_at_rate
    at = open_page(FIN, query={"fin_req_rate": "2000", "fin_limit_ms": "50"})
    assert_clean(at)
    table = next(df.value for df in at.dataframe if "$ per month" in df.value.columns)
    expected = compare_at_rate("xgboost-500-trees", ["aws-c7i-8xlarge", "aws-c7a-8xlarge", "aws-c7g-8xlarge",
                                                     "aws-c8g-8xlarge", "gcp-c4-standard-32", "nvidia-l4"], 2000, 50)
    assert list(table["Option"]) == [o.option for o in expected.options]
    api = table[table["Option"] == "stripe-radar-fraud-teams"].iloc[0]
    assert api["Kind"] == "API" and api["$ per month"].startswith("$")
    assert any(expected.cheapest in m.value for m in at.markdown)
