"""The app asks only its own server for anything: the home page's every request is recorded
(documents, scripts, styles, fonts, images, the favicon, websockets) and each must go to the
app's host. A request elsewhere fails on an offline machine and logs an error on every page
(the favicon once came from Google's font CDN)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PageSession

pytestmark = pytest.mark.e2e


def test_home_page_requests_only_its_own_host(browser, app_url):
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url))     # the context sees the favicon too
    context.on("websocket", lambda ws: requested.append(ws.url))
    try:
        tab = PageSession(context.new_page(), app_url)
        # The favicon is set by the first script run; goto waits for that run to finish.
        tab.goto()
        expect(tab.page.locator("link[rel~='icon']").first).to_be_attached()
        icon = tab.page.eval_on_selector("link[rel~='icon']", "e => e.href")
    finally:
        context.close()
    own = urlparse(app_url).netloc
    foreign = sorted({u for u in requested if urlparse(u).netloc != own and not u.startswith(("data:", "blob:"))})
    assert requested, "no request was recorded"
    assert foreign == [], f"requests to other hosts than {own}: {foreign}"
    assert urlparse(icon).netloc == own, f"the favicon is served from {icon}, not {own}"
