"""AppTest walk: open a preset by URL -> duplicate (saves a file) -> edit and save -> reload
the saved scenario by URL -> compare it with the preset -> pitch mode -> PDF export.
The figures shown are checked against the engine's own answer for the same file."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from scenarios.business.scenario import load, load_preset
from scenarios.business.store import ScenarioStore
from scenarios.business.runner import run
from scenarios.units import fmt_usd
from tests.app.conftest import assert_clean

PAGE, COMPARE, PITCH = "dashboard/pages/scenarios_home.py", "dashboard/pages/compare.py", "dashboard/pages/pitch.py"


def open_page(path: str, lang: str = "en", query: dict | None = None):
    """Start from the entrypoint, switch to the page, and hand it the URL query (the first run on
    the home page drops query params that no widget there binds)."""
    from streamlit.testing.v1 import AppTest

    from dashboard.navigation import ROOT
    from tests.app.conftest import APP_TIMEOUT_S
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_TIMEOUT_S)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(path)
    if query:
        at.query_params.update(query)
    return at.run()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path))
    return tmp_path


def _metric(at, label_key: str) -> str:
    label = t(label_key, lang="en")
    return next(m.value for m in at.metric if m.label == label)


def _button(at, label_key: str):
    label = t(label_key, lang="en")
    return next(b for b in at.button if b.label == label)


def test_preset_by_url_shows_the_engine_figures(folder):
    at = open_page(PAGE, query={"scn_id": "finance"})
    assert_clean(at)
    full = run(load_preset("finance"), samples=10_000)
    u = full.result.unit
    assert _metric(at, "scn.fig.margin") == f"{u.gross_margin:.1%}"
    assert any(full.result.verdict.params["volume"] in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 4


def test_save_reload_compare_pitch_export(folder):
    # 1. duplicate the preset: a new file appears and the page switches to it
    at = open_page(PAGE, query={"scn_id": "nlp"})
    _button(at, "scn.duplicate").click().run()
    assert_clean(at)
    assert (folder / "nlp-copy.yaml").is_file()
    assert at.query_params["scn_id"] == ["nlp-copy"] or at.query_params["scn_id"] == "nlp-copy"

    # 2. edit traffic and save; without "overwrite" the save is refused
    rpd = at.number_input(key="scn_ed_nlp-copy_rpd")
    rpd.set_value(250_000.0)
    at.text_input(key="scn_ed_nlp-copy_name").input("Copilot at scale")
    _button(at, "scn.ed.save").click().run()
    assert any("exists" in e.value for e in at.error)
    assert load(folder / "nlp-copy.yaml").traffic.requests_per_day == 20_000
    at.number_input(key="scn_ed_nlp-copy_rpd").set_value(250_000.0)
    at.text_input(key="scn_ed_nlp-copy_name").input("Copilot at scale")
    at.checkbox(key="scn_ed_nlp-copy_overwrite").check()
    _button(at, "scn.ed.save").click().run()
    assert_clean(at)
    saved = load(folder / "nlp-copy.yaml")
    assert saved.traffic.requests_per_day == 250_000 and saved.name == "Copilot at scale"

    # 3. a fresh session opened from the URL shows the saved scenario's figures
    at2 = open_page(PAGE, query={"scn_id": "nlp-copy"})
    assert_clean(at2)
    u = run(saved).result.unit
    assert _metric(at2, "scn.fig.margin") == f"{u.gross_margin:.1%}"
    assert "Copilot at scale" in " ".join(m.value for m in at2.markdown)

    # 4. compare the preset with the saved copy: a delta column, three overlaid charts
    cmp = open_page(COMPARE, query={"cmpr_ids": ["nlp", "nlp-copy"]})
    assert_clean(cmp)
    frame = cmp.dataframe[0].value
    assert list(frame.columns)[1:3] == ["nlp", "nlp-copy"]
    assert any(c.startswith("Δ nlp-copy") for c in frame.columns)
    assert len(cmp.get("plotly_chart")) == 3

    # 5. pitch mode: no inputs in the page body, the verdict, the figures, the assumptions
    pitch = open_page(PITCH, query={"pitch_id": "nlp-copy"})
    assert_clean(pitch)
    assert pitch.title[0].value == "Copilot at scale"
    assert not pitch.main.number_input and not pitch.main.text_input and not pitch.main.selectbox
    assert 3 <= len(pitch.metric) <= 5
    assert len(pitch.table) == 1 and len(pitch.get("plotly_chart")) == 2  # build-vs-buy, cash

    # 6. export: the PDF the download button serves
    from dashboard.cached.scenarios import load_scenario_yaml, pdf_for_yaml
    pdf = pdf_for_yaml(load_scenario_yaml("nlp-copy")[1])
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2_000


def test_delete_asks_first_and_removes_only_that_file(folder):
    ScenarioStore(folder).save(load_preset("games").replace(id="mine", name="Mine"))
    (folder / "notes.txt").write_text("keep me")
    at = open_page(PAGE, query={"scn_id": "mine"})
    _button(at, "scn.delete").click().run()
    assert (folder / "mine.yaml").exists()          # asked, not yet deleted
    assert any("mine" in w.value for w in at.warning)
    _button(at, "scn.delete_yes").click().run()
    assert_clean(at)
    assert not (folder / "mine.yaml").exists() and (folder / "notes.txt").exists()


def test_bad_file_in_folder_is_reported_and_others_load(folder):
    ScenarioStore(folder).save(load_preset("games").replace(id="good", name="Good one"))
    (folder / "broken.yaml").write_text("traffic: [")
    at = open_page(PAGE, query={"scn_id": "good"})
    assert not at.exception
    assert any("broken.yaml" in w.value for w in at.warning)
    assert "good" in at.selectbox(key="scn_id").options[-1] or any("good" in o for o in at.selectbox(key="scn_id").options)


@pytest.mark.parametrize("lang", ["zh"])
def test_pages_render_in_chinese(folder, lang):
    for page in (PAGE, COMPARE, PITCH):
        at = open_page(page, lang=lang)
        assert_clean(at)


def test_link_to_unknown_scenario_explains_and_falls_back(folder):
    at = open_page(PAGE, query={"scn_id": "deleted-long-ago"})
    assert not at.exception
    assert any("deleted-long-ago" in w.value for w in at.warning)
    assert at.selectbox(key="scn_id").value == "autonomous-driving"


def test_apply_shows_unsaved_figures_without_touching_files(folder):
    ScenarioStore(folder).save(load_preset("customer-service").replace(id="cs", name="CS"))
    at = open_page(PAGE, query={"scn_id": "cs"})
    before = _metric(at, "scn.fig.serving")
    at.number_input(key="scn_ed_cs_rpd").set_value(4_000_000.0)
    _button(at, "scn.ed.apply").click().run()
    assert_clean(at)
    assert any(t("scn.unsaved", lang="en") in i.value for i in at.info)
    assert _metric(at, "scn.fig.serving") != before            # figures follow the draft
    assert load(folder / "cs.yaml").traffic.requests_per_day == 400_000   # the file does not


@pytest.mark.parametrize("page,key", [(PAGE, "scn_id"), (PITCH, "pitch_id")])
def test_headline_shows_the_point_and_the_median_and_why_they_differ(folder, page, key):
    at = open_page(page, query={key: "recommendation"})
    assert_clean(at)
    mc = run(load_preset("recommendation"), samples=10_000).monte_carlo
    card = next(m for m in at.metric if m.label == t("scn.fig.serving", lang="en"))
    assert f"P50 {fmt_usd(mc.cost_usd_month.expected)}" in card.delta
    why = t("scn.fig.point_vs_p50", lang="en", pct=mc.point_percentile)
    assert any(why == c.value for c in at.caption)


def test_an_absurd_fleet_is_flagged_on_the_page(folder):
    huge = load_preset("customer-service").replace(id="huge", name="Huge")
    ScenarioStore(folder).save(huge.replace(traffic={**huge.to_dict()["traffic"], "requests_per_day": 1e10}))
    at = open_page(PAGE, query={"scn_id": "huge"})
    assert not at.exception
    warned = [w for w in run(load(folder / "huge.yaml"), samples=500).result.warnings if w.kind == "fleet"]
    shown = [t("scn.warn.fleet", lang="en", **w.params) for w in warned]
    assert shown and all(any(text in x.value for x in at.warning) for text in shown)
    assert all(w.params["devices"] in text for w, text in zip(warned, shown))


def test_editor_sets_limits_deployment_and_an_owned_multi_gpu_server(folder):
    """The form edits schema version 3's fields; the options table marks what breaks a
    constraint and the saved file holds the server's node price."""
    ScenarioStore(folder).save(load_preset("customer-service").replace(id="cs", name="CS"))
    at = open_page(PAGE, query={"scn_id": "cs"})
    at.selectbox(key="scn_ed_cs_deploy").set_value("on-premises")
    at.number_input(key="scn_ed_cs_lim_tpot_ms").set_value(200.0)
    at.slider(key="scn_ed_cs_pch").set_value(0.5)
    at.checkbox(key="scn_ed_cs_overwrite").check()
    _button(at, "scn.ed.save").click().run()
    assert_clean(at)
    saved = load(folder / "cs.yaml")
    assert saved.schema_version == 3 and saved.constraints.deployment == "on-premises"
    assert saved.limits.tpot_ms == 200.0 and saved.traffic.prefix_cache_hit == 0.5
    target_col = t("scn.col.target", lang="en")
    frame = next(d.value for d in at.dataframe if target_col in d.value.columns)
    marks = dict(zip(frame[target_col], frame[t("scn.col.meets", lang="en")]))
    assert marks["rented-h100"].startswith("does not meet: deployment: on-premises")
    assert "latency unknown" in marks["api-groq"]


def test_an_owned_server_priced_per_node_round_trips_through_the_editor(folder):
    """An owned 8-GPU server (one node price, not eight device prices) survives the form's table
    and is costed per node."""
    med = load_preset("medical")
    d = med.to_dict()
    own = next(x for x in d["targets"] if x["id"] == "owned-h100")
    own.update(devices_per_replica=8, node_purchase_usd=289_000.0, purchase_usd=None)
    ScenarioStore(folder).save(med.replace(id="med8", name="Med 8", targets=d["targets"]))
    at = open_page(PAGE, query={"scn_id": "med8"})
    table = next(x.value for x in at.dataframe if "node_purchase_usd" in x.value.columns)
    assert table.set_index("id").loc["owned-h100", "node_purchase_usd"] == 289_000.0
    at.checkbox(key="scn_ed_med8_overwrite").check()
    _button(at, "scn.ed.save").click().run()
    assert_clean(at)
    saved = load(folder / "med8.yaml").target("owned-h100")
    assert (saved.devices_per_replica, saved.node_purchase_usd, saved.purchase_usd) == (8, 289_000.0, None)


def test_a_profitable_month_shows_net_profit_not_a_negative_burn(folder):
    """finance earns more than it spends: the card reads 'Net profit / month $402k', the engine's
    burn with its sign turned, instead of 'Net burn / month -$402k'."""
    burn = run(load_preset("finance"), samples=200).result.unit.burn_usd_month
    assert burn < 0
    at = open_page(PAGE, query={"scn_id": "finance"})
    assert_clean(at)
    labels = [m.label for m in at.metric]
    assert t("scn.fig.burn", lang="en") not in labels
    assert _metric(at, "scn.fig.profit") == fmt_usd(-burn)
