"""Browser: from the atlas matrix (desktop: a click on a cell; phone: the fallback menus) to a
domain page and on to a demo section, checking the URL at each step; screenshots of each page.

The last step opens a demo page built on another branch (demo-medical); until that page is
merged the step fails, naming the missing page, as a broken link should.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import expect

from scenarios.atlas.domains import CHALLENGE_IDS, DOMAIN_IDS

pytestmark = pytest.mark.e2e

DOMAIN, CHALLENGE = "medical", "data-privacy"
# Opening a non-root page by URL makes Streamlit's frontend probe /<page>/_stcore/health and
# /<page>/_stcore/host-config (404) before it falls back to the root; those probes are
# Streamlit's own, not the app's, so they are the only 404s tolerated here.
_STCORE_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")


def _watch_404s(tab) -> list[str]:
    bad: list[str] = []
    tab.page.on("response", lambda r: r.status == 404 and bad.append(urlparse(r.url).path))
    return bad


def _assert_clean(tab, not_found: list[str]) -> None:
    probes = [p for p in not_found if _STCORE_PROBE.search(p)]
    assert [p for p in not_found if p not in probes] == [], f"404s: {not_found}"
    errors = [e for e in tab.console_errors if "net::" not in e and "favicon" not in e]
    real = [e for e in errors if "status of 404" not in e]
    assert real == [], f"browser console errors: {real}"
    assert len(errors) - len(real) <= len(probes), f"unexplained 404 console errors: {errors}"
    assert tab.page.get_by_test_id("stException").count() == 0, "the page shows an exception"
    assert tab.page.get_by_test_id("stAlertContentError").count() == 0, "the page shows an error box"


def _click_cell(tab, domain: str, challenge: str) -> None:
    """Click the square of (domain, challenge) in the plotly matrix (points are row-major)."""
    index = DOMAIN_IDS.index(domain) * len(CHALLENGE_IDS) + CHALLENGE_IDS.index(challenge)
    point = tab.page.locator(".js-plotly-plot .scatterlayer .trace").first.locator("path.point").nth(index)
    # The point is transparent (it sits on the heatmap cell): click it where it is drawn.
    point.scroll_into_view_if_needed()
    with tab.rerun():
        point.click(force=True)


def _choose(tab, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox with this key with the keyboard, as a screen-reader or
    phone user would (type to filter, Enter to choose)."""
    box = tab.widget(key)
    box.scroll_into_view_if_needed()
    box.locator("input").click()
    tab.page.keyboard.type(option)
    expect(tab.page.get_by_role("option").filter(has_text=option).first).to_be_visible()
    with tab.rerun():
        tab.page.keyboard.press("Enter")


def test_matrix_to_domain_to_demo(tab):
    not_found = _watch_404s(tab)
    tab.goto("atlas")
    expect(tab.page.locator(".js-plotly-plot").first).to_be_visible()
    tab.screenshot(f"atlas-{tab.viewport_name}")
    assert tab.clipped_link_labels() == []      # the domain page's link is read whole at every width
    if tab.viewport_name == "desktop":
        _click_cell(tab, DOMAIN, CHALLENGE)
    else:
        _choose(tab, "atlas_domain", "Medical")
        _choose(tab, "atlas_challenge", "Data privacy")
    # The rerun that follows a selection writes the URL; on a loaded machine it can lag the click.
    tab.page.wait_for_url(re.compile(rf"atlas_domain={DOMAIN}.*atlas_challenge={CHALLENGE}|"
                                     rf"atlas_challenge={CHALLENGE}.*atlas_domain={DOMAIN}"), timeout=30_000)
    tab.wait_idle()
    assert tab.query().get("atlas_domain") == DOMAIN
    assert tab.query().get("atlas_challenge") == CHALLENGE
    expect(tab.page.get_by_role("heading", name="Medical × Data privacy")).to_be_visible()
    tab.screenshot(f"atlas-cell-{tab.viewport_name}")
    _assert_clean(tab, not_found)

    # The selection survives a reload of the URL.
    tab.reload()
    expect(tab.page.get_by_role("heading", name="Medical × Data privacy")).to_be_visible()

    # Atlas -> domain page (st.page_link, same tab).
    tab.page.get_by_test_id("stPageLink").locator('a[href*="domain"]').first.click()
    tab.page.wait_for_url(re.compile(r"/domain\?"))
    tab.wait_rendered()
    assert urlparse(tab.page.url).path == "/domain" and tab.query().get("dom_id") == DOMAIN
    expect(tab.page.get_by_role("heading", name="Rules and risks")).to_be_visible()
    tab.screenshot(f"domain-{DOMAIN}-{tab.viewport_name}")
    _assert_clean(tab, not_found)

    # Domain page -> demo section. Streamlit opens markdown links in a new tab.
    link = tab.page.locator('a[href^="/demo-medical"][href$="#differential-privacy"]').first
    with tab.page.context.expect_page() as popup:
        link.click()
    demo = popup.value
    demo.wait_for_load_state()
    url = urlparse(demo.url)
    assert url.path == "/demo-medical" and unquote(url.fragment) == "differential-privacy", demo.url
    tab.adopt(demo)
    tab.wait_idle()
    section = demo.locator("#differential-privacy")
    missing = demo.get_by_text("Page not found")
    section.or_(missing).first.wait_for(state="attached", timeout=60_000)   # heavy page on 2 cores
    assert missing.count() == 0, "/demo-medical is not in this build: merge the demo branch (demos-a)"
    tab.screenshot(f"demo-from-atlas-{tab.viewport_name}")


def test_domain_page_by_url_and_opportunity(tab):
    not_found = _watch_404s(tab)
    tab.goto("domain", dom_id="autonomous-driving")
    expect(tab.page.get_by_role("heading", name="Autonomous driving").first).to_be_visible()
    expect(tab.page.get_by_text("$ per 1,000 tasks").first).to_be_visible()
    tab.screenshot(f"domain-autonomous-driving-{tab.viewport_name}")
    _assert_clean(tab, not_found)

    # A shared link reproduces the view: the sample count in the URL is the one in the chart title.
    tab.goto("opportunity", opp_w_market_pull="100", opp_samples="20000")
    robust = tab.page.get_by_text("How robust is the top 3? (20000 weight draws)").first
    expect(robust).to_be_visible()
    assert tab.query().get("opp_w_market_pull") == "100"
    # Changing a weight with the keyboard puts it in the URL; reloading that URL keeps it.
    slider = tab.widget("opp_w_defensibility")
    slider.get_by_role("slider").focus()                      # default 20, step 5
    with tab.rerun():
        tab.page.keyboard.press("ArrowRight")
    assert tab.query().get("opp_w_defensibility") == "25", tab.query()
    tab.reload()
    expect(tab.widget("opp_w_defensibility").get_by_test_id("stSliderThumbValue")).to_have_text("25")
    expect(tab.page.get_by_text("How robust is the top 3? (20000 weight draws)").first).to_be_visible()
    tab.screenshot(f"opportunity-{tab.viewport_name}")
    _assert_clean(tab, not_found)
