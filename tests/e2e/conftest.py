"""Real-browser tests: the app served by `streamlit run`, driven by Debian's Chromium.

One server per test session (module-scoped start is too slow on 2 cores), health-polled
before the first test; one browser; a fresh page per test with console errors collected.
Screenshots land in tests/e2e/screenshots/ (git-ignored; CI keeps them as artifacts).
Skipped with a reason where /usr/bin/chromium is absent, so the suite runs on a laptop.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SHOTS = ROOT / "tests" / "e2e" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.e2e

if not CHROMIUM.exists():  # pragma: no cover - depends on the machine
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base_url: str, timeout_s: float = 60.0) -> float:
    """Poll /_stcore/health until it answers ok; return the time it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:
                if resp.read().decode().strip() == "ok":
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the app did not answer its health check within {timeout_s:.0f} s")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    port = _free_port()
    env = dict(os.environ, VENTURE_LAB_SCENARIO_DIR=str(tmp_path_factory.mktemp("scenarios")))
    log = open(tmp_path_factory.mktemp("server") / "streamlit.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _is_base_path_probe(failed: str) -> bool:
    status, _, url = failed.partition(" ")
    return status == "404" and url.split("?")[0].endswith(("/_stcore/health", "/_stcore/host-config"))


class PageSession:
    """A browser tab on the app that records console errors."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        # The console says only "404"; keep the URL of every failed response to name it.
        self.failed_responses: list[str] = []
        page.on("response", lambda r: r.status >= 400 and self.failed_responses.append(f"{r.status} {r.url}"))

    def goto(self, path: str = "", **query: str) -> None:
        from urllib.parse import urlencode

        from dashboard.navigation import all_pages

        # Streamlit serves the default page at the root, not at its url_path.
        if any(p.default and p.url_path == path for p in all_pages()):
            path = ""
        url = f"{self.base_url}/{path}" + (f"?{urlencode(query)}" if query else "")
        self.page.goto(url)
        self.wait_rendered()

    def wait_rendered(self, timeout_ms: int = 60_000) -> None:
        """After a page load: wait for the page's title (every page has one), then idle.
        Idle alone can pass before the first script run has even started."""
        self.page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=timeout_ms)
        self.wait_idle(timeout_ms)
        self.wait_stable(timeout_ms)

    def wait_stable(self, timeout_ms: int = 60_000, quiet_ms: int = 600) -> None:
        """Wait until the page stops growing: the count of rendered elements and skeletons
        unchanged for ``quiet_ms``. The running flag alone can read idle between the first
        elements and the rest of a first run."""
        self.page.wait_for_function(
            """([quiet]) => {
                const n = document.querySelectorAll('[data-testid="stElementContainer"]').length
                        + 100000 * document.querySelectorAll('[data-testid="stSkeleton"]').length;
                const now = performance.now();
                if (window.__vlCount !== n) { window.__vlCount = n; window.__vlSince = now; return false; }
                return now - window.__vlSince >= quiet;
            }""", arg=[quiet_ms], timeout=timeout_ms, polling=100)

    def settle(self) -> None:
        """After an input change: the rerun has finished and stale elements are gone."""
        self.page.wait_for_timeout(150)  # let the rerun start: idle can read true before it does
        self.wait_idle()
        self.wait_stable()

    def wait_idle(self, timeout_ms: int = 60_000) -> None:
        """Wait until the app has rendered and no script run is in progress."""
        page = self.page
        page.get_by_test_id("stApp").wait_for(timeout=timeout_ms)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset?.teststate !== 'running'"
            " && !document.querySelector('[data-testid=\"stStatusWidget\"]')",
            timeout=timeout_ms,
        )
        page.wait_for_timeout(300)  # let plotly finish drawing before a screenshot

    def query(self) -> dict[str, str]:
        from urllib.parse import parse_qsl, urlparse

        return dict(parse_qsl(urlparse(self.page.url).query))

    def screenshot(self, name: str) -> Path:
        """Save the whole page, not only the viewport.

        Streamlit scrolls inside its main container, so ``full_page`` alone stops at the
        viewport: grow the viewport to the content's height for the shot, then restore it.
        """
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.wait_idle()
        self.wait_stable()
        page = self.page
        size = page.viewport_size
        content_px = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
            " return m ? m.scrollHeight : document.body.scrollHeight; }")
        tall = min(max(int(content_px) + 40, size["height"]), 12_000)
        if tall > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": tall})
            page.wait_for_timeout(400)  # plotly redraws on resize
        try:
            page.screenshot(path=str(path), full_page=True)
        finally:
            page.set_viewport_size(size)
        return path

    def metric_values(self) -> list[str]:
        """The values of every st.metric on the page, in page order."""
        return self.page.get_by_test_id("stMetricValue").all_inner_texts()

    def wait_metrics(self, predicate, timeout_s: float = 30.0) -> list[str]:
        """Poll the metric values until ``predicate(values)`` holds (a rerun changes values in
        place, so element counts cannot tell when it is done); return the last values."""
        deadline = time.monotonic() + timeout_s
        values = self.metric_values()
        while not predicate(values) and time.monotonic() < deadline:
            self.page.wait_for_timeout(200)
            values = self.metric_values()
        return values

    def set_number(self, label: str, value: float | int) -> None:
        """Type a value into the st.number_input with this label and commit it."""
        box = self.page.get_by_label(label, exact=True)
        box.fill(str(value))
        box.press("Enter")
        self.settle()

    def segment(self, option: str) -> None:
        """Click ``option`` in an st.segmented_control / st.pills (they have no role name)."""
        self.page.get_by_test_id("stButtonGroup").get_by_text(option, exact=True).first.click()
        self.settle()

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the st.selectbox with this label."""
        self.page.get_by_label(label, exact=True).click()
        self.page.get_by_role("option", name=option, exact=True).click()
        self.settle()

    def assert_no_errors(self) -> None:
        page = self.page
        assert page.get_by_test_id("stException").count() == 0, "the page shows an exception"
        assert page.get_by_test_id("stAlertContentError").count() == 0, "the page shows an error box"
        # Chromium reports blocked network for the closed machine; only app errors count.
        real = [e for e in self.console_errors if "net::" not in e and "favicon" not in e]
        # Opened at /<page>, Streamlit's client first probes /<page>/_stcore/{health,host-config}
        # to find the base path, gets 404, and falls back to /. Those probes are not app errors.
        unexplained = [r for r in self.failed_responses if not _is_base_path_probe(r)]
        if not unexplained:
            real = [e for e in real if "status of 404" not in e]
        assert real == [], f"browser console errors: {real}; failed responses: {self.failed_responses}"


@pytest.fixture(params=[("desktop", DESKTOP), ("phone", PHONE)], ids=lambda p: p[0])
def tab(request, browser, app_url):
    name, viewport = request.param
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    session = PageSession(context.new_page(), app_url)
    session.viewport_name = name
    yield session
    context.close()
