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


class PageSession:
    """A browser tab on the app that records console errors."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def goto(self, path: str = "", **query: str) -> None:
        from urllib.parse import urlencode

        from dashboard.navigation import all_pages

        # Streamlit serves the default page at the root, not at its url_path.
        if any(p.default and p.url_path == path for p in all_pages()):
            path = ""
        url = f"{self.base_url}/{path}" + (f"?{urlencode(query)}" if query else "")
        self.page.goto(url)
        self.wait_idle()

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
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_no_errors(self) -> None:
        page = self.page
        assert page.get_by_test_id("stException").count() == 0, "the page shows an exception"
        assert page.get_by_test_id("stAlertContentError").count() == 0, "the page shows an error box"
        # Chromium reports blocked network for the closed machine; only app errors count.
        real = [e for e in self.console_errors if "net::" not in e and "favicon" not in e]
        assert real == [], f"browser console errors: {real}"


@pytest.fixture(params=[("desktop", DESKTOP), ("phone", PHONE)], ids=lambda p: p[0])
def tab(request, browser, app_url):
    name, viewport = request.param
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    session = PageSession(context.new_page(), app_url)
    session.viewport_name = name
    yield session
    context.close()
