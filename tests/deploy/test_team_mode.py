"""Team mode through the pages (AppTest) and the header rule of dashboard/auth.py: the proxy's
user header is believed only with the proxy's shared secret; without a signed-in user a page says
"sign-in required" and opens no store; a page saves with the version it opened, so a stale save is
refused. The signed-in owner rules through a real proxy: tests/deploy/test_team_stack.py."""

from __future__ import annotations

import pytest

from dashboard.auth import NotSignedIn, user_from_headers
from dashboard.i18n import t
from scenarios.business.scenario import load_preset
from scenarios.business.store_sql import SqlScenarioStore
from tests.app.conftest import open_page

PAGE = "dashboard/pages/scenarios_home.py"
TEAM = {"VENTURE_LAB_USER_HEADER": "X-Forwarded-User", "VENTURE_LAB_PROXY_SECRET": "s3cret"}


@pytest.mark.parametrize(("headers", "env", "user"), [
    ({"X-Forwarded-User": "alice", "X-Venture-Lab-Proxy-Secret": "s3cret"}, TEAM, "alice"),
    ({"x-forwarded-user": "alice", "x-venture-lab-proxy-secret": "s3cret"}, TEAM, "alice"),
    ({"X-Forwarded-User": "alice"}, {}, None),                                  # not team mode
    ({"X-Forwarded-User": "alice"}, TEAM, NotSignedIn),                         # straight to a replica
    ({"X-Forwarded-User": "alice", "X-Venture-Lab-Proxy-Secret": "guess"}, TEAM, NotSignedIn),
    ({"X-Forwarded-User": "alice", "X-Venture-Lab-Proxy-Secret": ""},
     {**TEAM, "VENTURE_LAB_PROXY_SECRET": ""}, NotSignedIn),                    # no secret configured
    ({"X-Venture-Lab-Proxy-Secret": "s3cret"}, TEAM, NotSignedIn),              # no user
    ({"X-Forwarded-User": "<b>al</b>", "X-Venture-Lab-Proxy-Secret": "s3cret"}, TEAM, NotSignedIn),
])
def test_the_user_header_is_believed_only_with_the_proxy_secret(headers, env, user):
    if user is NotSignedIn:
        with pytest.raises(NotSignedIn):
            user_from_headers(headers, env)
    else:
        assert user_from_headers(headers, env) == user


@pytest.fixture
def team_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'team.db'}"
    monkeypatch.setenv("VENTURE_LAB_STORE_URL", url)
    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path / "folder"))
    return SqlScenarioStore(url)


def test_without_a_signed_in_user_the_page_says_sign_in_and_opens_no_store(team_db, monkeypatch):
    team_db.save(load_preset("games").replace(id="alices", name="Alice's plan"), user="alice")
    for key, value in TEAM.items():
        monkeypatch.setenv(key, value)
    at = open_page(PAGE, query={"scn_id": "alices"})      # AppTest sends no headers: no proxy
    assert not at.exception
    assert [e.value for e in at.error] == [t("auth.sign_in_required", lang="en")]
    assert not at.selectbox and not at.metric and not at.button
    assert team_db.get("alices").name == "Alice's plan"


def test_a_page_saves_with_the_version_it_opened(team_db):
    team_db.save(load_preset("games").replace(id="shared", name="Shared plan"))
    at = open_page(PAGE, query={"scn_id": "shared"})
    assert not at.exception and not at.error
    # another analyst saves while this page has it open
    team_db.save(load_preset("games").replace(id="shared", name="Their edit"), overwrite=True)
    at.text_input(key="scn_ed_shared_name").input("My edit")
    at.checkbox(key="scn_ed_shared_overwrite").check()
    next(b for b in at.button if b.label == t("scn.ed.save", lang="en")).click().run()
    assert any("changed since you opened it" in e.value for e in at.error)
    assert team_db.get("shared").name == "Their edit"
    fresh = open_page(PAGE, query={"scn_id": "shared"})     # reopened: the newer version saves
    fresh.text_input(key="scn_ed_shared_name").input("My edit")
    fresh.checkbox(key="scn_ed_shared_overwrite").check()
    next(b for b in fresh.button if b.label == t("scn.ed.save", lang="en")).click().run()
    assert not fresh.error and team_db.get("shared").name == "My edit"


def test_a_device_saved_from_the_form_goes_to_the_team_database_and_is_estimated(team_db):
    from scenarios.business.store_sql import SqlDeviceStore
    from tests.app.test_cost_serving import results

    at = open_page("dashboard/pages/cost_serving.py")
    at.text_input(key="srv_dev_name").input("Team NPU")
    at.number_input(key="srv_dev_mem").set_value(32.0)
    at.button[0].click()  # the form's only submit button
    at.run()
    assert not at.exception and not at.error
    url = str(team_db.rows.engine.url)
    assert list(SqlDeviceStore(url).list().paths) == ["custom-team-npu"]
    assert "custom-team-npu" in at.multiselect(key="srv_targets").value
    assert "custom-team-npu" in results(at).index
