"""The Scenarios and Pitch pages (AppTest) show every price with its age, pinned through
VENTURE_LAB_TODAY, and the editor sets traffic.batch_share."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from scenarios.business.scenario import load, load_preset
from scenarios.business.store import ScenarioStore
from tests.app.conftest import assert_clean
from tests.app.test_scenarios import PAGE, PITCH, open_page

TODAY_ENV = "VENTURE_LAB_TODAY"      # scenarios/business/price_age.py: the day prices are aged on


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path))
    monkeypatch.setenv(TODAY_ENV, "2026-12-10")
    return tmp_path


def test_options_table_dates_prices_and_the_editor_sets_the_batch_share(folder):
    ScenarioStore(folder).save(load_preset("games").replace(id="g", name="G"))
    at = open_page(PAGE, query={"scn_id": "g"})
    assert_clean(at)
    target_col = t("scn.col.target", lang="en")
    frame = next(d.value for d in at.dataframe if target_col in d.value.columns)
    ages = dict(zip(frame[target_col], frame[t("price.col", lang="en")]))
    assert ages["api-gpt-5-nano"] == "as of 2026-12-07 (3 days old)"
    assert ages["rented-t4"] == "as of 2026-09-25 (76 days old)"
    assert ages["phone"] == ""                     # the user's phone: no price of the company's
    at.slider(key="scn_ed_g_batch").set_value(0.25)
    at.checkbox(key="scn_ed_g_overwrite").check()
    next(b for b in at.button if b.label == t("scn.ed.save", lang="en")).click().run()
    assert_clean(at)
    assert load(folder / "g.yaml").traffic.batch_share == 0.25


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pitch_assumptions_carry_each_price_with_its_age(folder, lang, monkeypatch):
    monkeypatch.setenv(TODAY_ENV, "2027-06-10")             # half a year on: the API price is stale
    at = open_page(PITCH, lang=lang, query={"pitch_id": "games"})
    assert_clean(at)
    table = at.table[0].value
    dates = dict(zip(table.index, table[t("scn.col.date", lang=lang)]))
    row = t("assume.target", lang=lang, id="api-gpt-5-nano")
    if lang == "en":
        assert dates[row] == "as of 2026-12-07 (185 days old) STALE: older than 180 days, re-check it"
    else:
        assert dates[row] == "价格日期 2026-12-07（185 天前） 已过时：超过 180 天，请重新核对"
        assert t("assume.requests", lang="zh") in table.index
