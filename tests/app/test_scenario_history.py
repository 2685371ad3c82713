"""The Scenarios page's history expander restores an overwritten or deleted scenario (issue 13:
saves that lose nothing, restorable from the page)."""

from __future__ import annotations

from dashboard.i18n import t
from scenarios.business.scenario import load_preset
from scenarios.business.store import ScenarioStore
from tests.app.conftest import assert_clean
from tests.app.test_scenarios import PAGE, _button, folder, open_page  # noqa: F401 - the fixture


def test_a_deleted_scenario_comes_back_from_the_history_expander(folder):  # noqa: F811
    store = ScenarioStore(folder)
    mine = load_preset("nlp").replace(id="mine", name="Mine, first")
    store.save(mine)
    store.save(mine.replace(name="Mine, second"), overwrite=True)
    store.delete("mine")
    at = open_page(PAGE, query={"scn_id": "nlp"})
    assert_clean(at)
    assert at.selectbox(key="scn_history_id").value == "mine"
    versions = store.history("mine")
    at.selectbox(key="scn_history_version").set_value(versions[1].version)   # the first save
    _button(at, "scn.history_restore").click()
    at.run()
    assert_clean(at)
    assert store.get("mine").name == "Mine, first"
    assert len(store.history("mine")) == 2       # restoring over nothing keeps both earlier versions
    assert t("scn.history", lang="en", n=1) in [e.label for e in at.expander]
