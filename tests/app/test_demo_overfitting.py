"""The overfitting demo page: cross-validation and the learning curve run on demand from a link's
settings and draw their charts."""

from __future__ import annotations

from dashboard.navigation import page_by_url
from tests.app.conftest import assert_clean, open_page

OVF = page_by_url("demo-overfitting").path


def test_overfitting_cross_validation_runs_on_demand():
    at = open_page(OVF, query={"ovf_k": "3"})
    assert_clean(at)
    assert at.select_slider(key="ovf_k").value == 3
    charts_before = len(at.get("plotly_chart"))
    at.button(key="ovf_btn_cv").click().run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == charts_before + 1
    assert any("±" in m.value for m in at.markdown)


def test_learning_curve_sweep_draws_its_chart():
    at = open_page(OVF, query={"ovf_n": "50"})
    assert_clean(at)
    n = len(at.get("plotly_chart"))
    at.button(key="ovf_btn_learning_curve").click().run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == n + 1
