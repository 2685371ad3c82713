"""AppTest: the atlas, every domain page and the opportunity page run in both languages, and
their inputs drive what is shown."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from dashboard.i18n import pick
from scenarios.atlas.domains import DOMAIN_IDS, load_atlas
from tests.app.conftest import assert_clean, open_page

ATLAS = "dashboard/pages/atlas.py"
DOMAIN = "dashboard/pages/domain.py"
OPP = "dashboard/pages/opportunity.py"
ZH = urlencode({"lang": "中文"})   # the sidebar language switch stores its display name in the URL


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_atlas_runs_and_shows_the_selected_cell(lang):
    at = open_page(ATLAS, lang=lang, query={"atlas_domain": "finance", "atlas_challenge": "data-imbalance"})
    assert_clean(at)
    atlas = load_atlas()
    header = at.header[0].value
    assert pick(atlas.domain("finance").name, lang) in header
    assert pick(atlas.challenge("data-imbalance").name, lang) in header
    text = _markdown(at)
    assert "/demo-finance" in text and "#threshold-tuning" in text
    assert len(at.get("plotly_chart")) == 1


def test_atlas_fallback_selectors_change_the_cell():
    at = open_page(ATLAS, lang="en")
    assert_clean(at)
    at.selectbox(key="atlas_domain").set_value("medical").run()
    at.selectbox(key="atlas_challenge").set_value("data-privacy").run()
    assert_clean(at)
    assert at.header[0].value == "Medical × Data privacy"
    text = _markdown(at)
    assert "/demo-medical#differential-privacy" in text and "/demo-medical#federated-learning" in text
    assert "5/5" in text


def test_atlas_links_keep_the_chinese_language():
    at = open_page(ATLAS, lang="zh", query={"atlas_domain": "vision", "atlas_challenge": "robustness"})
    assert f"/demo-vision?{ZH}#corruptions" in _markdown(at)
    assert f"/scenarios?scn_id=vision&{ZH}" in _markdown(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("domain_id", DOMAIN_IDS)
def test_every_domain_page_runs(domain_id, lang):
    at = open_page(DOMAIN, lang=lang, query={"dom_id": domain_id})
    assert_clean(at)
    domain = load_atlas().domain(domain_id)
    assert at.header[0].value == pick(domain.name, lang)
    text = _markdown(at)
    assert f"/scenarios?scn_id={domain_id}" in text
    for link in domain.demos:
        url = link.url() if lang == "en" else link.url().replace("#", f"?{ZH}#")
        assert url in text
    for rid in domain.rules:
        assert pick(load_atlas().rules[rid].regime, lang) in text


def test_domain_page_shows_a_card_per_engine_preset():
    at = open_page(DOMAIN, lang="en", query={"dom_id": "medical"})
    assert_clean(at)
    labels = [m.label for m in at.metric]
    assert labels.count("$ per 1,000 tasks") == 3      # three medical presets


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_opportunity_runs(lang):
    at = open_page(OPP, lang=lang)
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 2
    assert len(at.dataframe) == 2   # the score editor and the ranking


def test_opportunity_weights_change_the_ranking():
    at = open_page(OPP, lang="en")
    first = at.dataframe[1].value["domain"].tolist()
    for key in ("opp_w_defensibility", "opp_w_data_access", "opp_w_compute_cost",
                "opp_w_deployment_difficulty", "opp_w_regulatory_burden"):
        at.slider(key=key).set_value(0)
    at.slider(key="opp_w_market_pull").set_value(100).run()
    assert_clean(at)
    ranked = at.dataframe[1].value["domain"].tolist()
    assert ranked != first
    # Market pull alone: the two domains scored 5 (nlp, medical) share the top, table order.
    assert ranked[:2] == ["nlp", "medical"]


def test_opportunity_all_zero_weights_shows_a_clear_message():
    at = open_page(OPP, lang="en")
    for key in ("opp_w_market_pull", "opp_w_defensibility", "opp_w_data_access", "opp_w_compute_cost",
                "opp_w_deployment_difficulty", "opp_w_regulatory_burden"):
        at.slider(key=key).set_value(0)
    at.run()
    assert not at.exception
    assert at.error and "weights" in at.error[0].value


def test_domain_page_figures_are_the_engine_figures():
    """The metric cards show exactly what scenarios.atlas.workloads.run_preset returns."""
    from dashboard.ui import fmt_number
    from scenarios.atlas.workloads import run_preset

    at = open_page(DOMAIN, lang="en", query={"dom_id": "autonomous-driving"})
    assert_clean(at)
    shown = [m.value for m in at.metric if m.label == "$ per 1,000 tasks"]
    presets = load_atlas().domain("autonomous-driving").presets
    assert len(shown) == len(presets)
    for value, preset in zip(shown, presets):      # "$0.000291" or "0.000291 USD": the figure is the engine's
        assert fmt_number(run_preset(preset).usd_per_1k_tasks) in value and ("$" in value or "USD" in value)
    latency = [m.value for m in at.metric if m.label == "Latency per task"]
    assert latency[0] == f"{fmt_number(run_preset('ad-perception-agx').latency_ms)} ms"


def test_unknown_domain_in_the_url_falls_back_to_the_first():
    at = open_page(DOMAIN, lang="en", query={"dom_id": "space-mining"})
    assert_clean(at)
    assert at.header[0].value == "Natural language processing"
    value = at.query_params["dom_id"]
    assert (value[0] if isinstance(value, list) else value) == "nlp"


def test_changing_the_domain_writes_its_id_to_the_url():
    at = open_page(DOMAIN, lang="zh", query={"dom_id": "games"})
    at.selectbox(key="dom_id").set_value("finance").run()
    assert_clean(at)
    assert at.header[0].value == "金融"
    value = at.query_params["dom_id"]
    assert (value[0] if isinstance(value, list) else value) == "finance"   # the id, not the label
