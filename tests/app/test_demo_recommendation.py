"""The recommendation demo page shows a top-k list for a new (cold-start) user from a link, and the
density sweep draws its curve on demand."""

from __future__ import annotations

from tests.app.conftest import assert_clean, open_page

REC = "dashboard/pages/demo_recommendation.py"


def test_recommendation_page_shows_top_k_for_a_new_user():
    at = open_page(REC, query={"rec_user": "420", "rec_k": "5"})
    assert_clean(at)
    top_k = [d.value for d in at.dataframe if "Item" in d.value.columns]   # the page ends with the adopt panel
    assert len(top_k) == 1 and len(top_k[0]) == 5
    assert any("new user" in c.value for c in at.caption)


def test_recommendation_sweep_button_draws_the_curve():
    at = open_page(REC)
    n_charts = len(at.get("plotly_chart"))
    at.button(key="rec_run_sweep").click().run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == n_charts + 1
