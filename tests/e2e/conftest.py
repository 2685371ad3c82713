"""Real-browser tests: the app served by `streamlit run`, driven by Debian's Chromium.

Written in Streamlit's own e2e style (streamlit/e2e_playwright): elements are found by their
``st-key-<key>`` class or their ``data-testid``, never by English label text; every wait is on a
condition (``expect(...)``, a script-run counter, the status widget gone), never a fixed sleep
(tests/test_e2e_style.py enforces it); figures are read only once the app is idle.

One server per test session (module-scoped start is too slow on 2 cores), started when its first
log line says it listens, then health-checked; one browser; a fresh page per test with console
errors collected. Screenshots land in tests/e2e/screenshots/ (git-ignored; CI keeps them).

Without /usr/bin/chromium (or Playwright) the tests skip with a reason, so the suite runs on a
laptop; with ``REQUIRE_E2E=1`` (set by .ci/run) they fail instead, so CI can never pass by
skipping them. Each test module sets ``pytestmark = pytest.mark.e2e`` (``pytest -m e2e``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
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
REQUIRE_E2E = os.environ.get("REQUIRE_E2E", "") not in ("", "0")

# Counts finished script runs from the server's own messages, and DOM mutations. A run is counted
# when its ForwardMsg carrying `script_finished` (field 6, a varint; FINISHED_EARLY_FOR_RERUN = 2 is
# not a finished run) reaches the page. Watching stApp's data-test-script-state instead misses a fast
# run: when "running" and "finished" are dispatched together React batches them into one render and
# the attribute never reads "running" (a language switch on the home page timed out that way in CI).
# The frame arrives before the app has drawn it, so a wait also needs the DOM quiet afterwards
# (RERUN_DONE_JS, behind every wait of PageSession). Installed before the page's own scripts, so no
# run is missed.
RUN_COUNTER_JS = """
window.__vlRuns = 0;
window.__vlMutations = 0;
(() => {
    const finishedRun = bytes => {  // scan the top-level fields of one ForwardMsg
        let i = 0;
        const varint = () => {
            let value = 0, scale = 1, b;
            do { b = bytes[i++]; value += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80 && i < bytes.length);
            return value;
        };
        while (i < bytes.length) {
            const key = varint(), field = Math.floor(key / 8), wire = key % 8;
            if (wire === 0) { const v = varint(); if (field === 6) return v !== 2; }
            else if (wire === 2) { const length = varint(); i += length; }  // not `i += varint()`: that adds to i as read before the call
            else if (wire === 1) i += 8;
            else if (wire === 5) i += 4;
            else return false;
        }
        return false;
    };
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', e => {
                if (e.data instanceof ArrayBuffer && finishedRun(new Uint8Array(e.data))) window.__vlRuns += 1;
            });
        }
    };
    new MutationObserver(() => { window.__vlMutations += 1; }).observe(document,
        {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-stale="true"]');
}"""
# A run finished after ``before``, the app is idle, and no DOM mutation for ``quiet`` animation
# frames: the finished run's elements are drawn, so figures read next are the new ones.
RERUN_DONE_JS = """([before, idle, quiet]) => {
    if ((window.__vlRuns || 0) <= before || !eval(idle)()) { window.__vlQuiet = -1; return false; }
    if (window.__vlQuiet < 0 || window.__vlSeen !== window.__vlMutations) {
        window.__vlSeen = window.__vlMutations; window.__vlQuiet = 0; return false;
    }
    window.__vlQuiet += 1;
    return window.__vlQuiet >= quiet;
}"""


def browser_missing_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need Playwright (pip install -e '.[test]')"
    return None


def require_browser() -> None:
    """Skip (on a laptop) or fail (REQUIRE_E2E=1, in CI) when the browser cannot run."""
    reason = browser_missing_reason()
    if reason is None:
        return
    if REQUIRE_E2E:
        pytest.fail(f"REQUIRE_E2E=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(proc: subprocess.Popen, log, timeout_s: float = 90.0) -> None:
    """Block on the server's own output until it prints its URL (it listens from then on); copy
    every line to ``log``. A server that exits or stays silent fails the session."""
    listening = threading.Event()

    def pump():
        for line in proc.stdout:
            log.write(line)
            log.flush()
            if "URL:" in line:
                listening.set()
        listening.set()  # the server exited: stop waiting, the check below says so

    threading.Thread(target=pump, daemon=True).start()
    if not listening.wait(timeout_s) or proc.poll() is not None:
        raise RuntimeError(f"the app did not start listening within {timeout_s:.0f} s (log: {log.name})")


def check_healthy(base_url: str) -> None:
    with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=30) as resp:
        assert resp.read().decode().strip() == "ok"


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    require_browser()
    port = _free_port()
    env = dict(os.environ, VENTURE_LAB_SCENARIO_DIR=str(tmp_path_factory.mktemp("scenarios")))
    log = open(tmp_path_factory.mktemp("server") / "streamlit.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_listening(proc, log)
        check_healthy(base)
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
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _is_base_path_probe(failed: str) -> bool:
    status, _, url = failed.partition(" ")
    return status == "404" and url.split("?")[0].endswith(("/_stcore/health", "/_stcore/host-config"))


class PageSession:
    """A browser tab on the app that records console errors and counts finished script runs."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        # On the context, so a tab the app opens (a markdown link) counts its runs from the start.
        page.context.add_init_script(RUN_COUNTER_JS)
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        # The console says only "404"; keep the URL of every failed response to name it.
        self.failed_responses: list[str] = []
        page.on("response", lambda r: r.status >= 400 and self.failed_responses.append(f"{r.status} {r.url}"))

    def adopt(self, page) -> None:
        """Follow a new tab the app opened (a markdown link); the context gave it the counter."""
        self.page = page

    def goto(self, path: str = "", **query: str) -> None:
        from urllib.parse import urlencode

        from dashboard.navigation import all_pages

        # Streamlit serves the default page at the root, not at its url_path.
        if any(p.default and p.url_path == path for p in all_pages()):
            path = ""
        url = f"{self.base_url}/{path}" + (f"?{urlencode(query)}" if query else "")
        self.page.goto(url)
        self.wait_rendered()

    def reload(self) -> None:
        """Open the current URL afresh: a new session, figures from the link alone."""
        self.page.goto(self.page.url)
        self.wait_rendered()

    def runs(self) -> int:
        return int(self.page.evaluate("() => window.__vlRuns || 0"))

    def wait_rendered(self, timeout_ms: int = 120_000) -> None:
        """After a page load: at least one script run has finished, the page's title is drawn,
        the app is idle and the page has stopped changing (a first run can read idle between its
        first elements and the rest)."""
        self.wait_quiet(0, timeout_ms=timeout_ms)
        self.page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=timeout_ms)
        self.wait_stable(timeout_ms)

    def wait_stable(self, timeout_ms: int = 120_000, quiet_frames: int = 30) -> None:
        """Wait until the app is idle and the page has stopped changing: no DOM mutation over
        ``quiet_frames`` consecutive animation frames."""
        self.wait_quiet(-1, quiet_frames, timeout_ms)

    def wait_quiet(self, runs_before: int, quiet_frames: int = 5, timeout_ms: int = 120_000) -> None:
        """Wait until more than ``runs_before`` script runs have finished, the app is idle and no
        DOM mutation happened for ``quiet_frames`` animation frames (RERUN_DONE_JS)."""
        self.page.wait_for_function(RERUN_DONE_JS, arg=[runs_before, IDLE_JS, quiet_frames],
                                    timeout=timeout_ms, polling="raf")

    def rerun(self):
        """Context manager around an input change: on exit, the rerun it started has finished
        (the run counter moved) and the app is idle, so figures read next are the new ones."""
        return _Rerun(self)

    def wait_idle(self, timeout_ms: int = 120_000) -> None:
        """Wait until the app is connected, no script run is in progress, the status widget
        ("Running...") is gone and no element is stale."""
        self.page.wait_for_function(IDLE_JS, timeout=timeout_ms)

    def next_frames(self, frames: int = 2) -> None:
        """Let the browser draw (plotly redraws on resize) before a screenshot."""
        self.page.evaluate("""n => new Promise(done => {
            const step = k => k <= 0 ? done(true) : requestAnimationFrame(() => step(k - 1));
            step(n);
        })""", frames)

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
        page = self.page
        size = page.viewport_size
        content_px = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
            " return m ? m.scrollHeight : document.body.scrollHeight; }")
        tall = min(max(int(content_px) + 40, size["height"]), 12_000)
        if tall > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": tall})
            self.next_frames(3)
        try:
            page.screenshot(path=str(path), full_page=True)
        finally:
            page.set_viewport_size(size)
        return path

    def metric_values(self) -> list[str]:
        """The values of every st.metric on the page, in page order (read once idle)."""
        self.wait_idle()
        return self.page.get_by_test_id("stMetricValue").all_inner_texts()

    def widget(self, key: str):
        """The element of the widget with this key (Streamlit's ``st-key-<key>`` class)."""
        return self.page.locator(f".st-key-{key}")

    def set_number(self, key: str, value: float | int) -> None:
        """Type a value into the st.number_input with this key and commit it."""
        box = self.widget(key).locator("input")
        with self.rerun():
            box.fill(str(value))
            box.press("Enter")

    def segment(self, key: str, option: str) -> None:
        """Click ``option`` in the st.segmented_control / st.pills with this key."""
        with self.rerun():
            # segmented_control / pills options are <button role="radio"> inside the keyed element
            self.widget(key).locator("button").filter(has_text=option).first.click()

    def clipped_link_labels(self) -> list[str]:
        """The labels of the page's st.page_link buttons that do not fit their button (Streamlit
        draws them on one line and cuts the rest: on a phone a long label loses its end)."""
        self.wait_idle()
        return self.page.evaluate("""() => [...document.querySelectorAll(
                '[data-testid="stPageLink-NavLink"] [data-testid="stMarkdownContainer"]')]
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => e.innerText)""")

    def assert_no_errors(self) -> None:
        from playwright.sync_api import expect

        page = self.page
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        # Chromium reports blocked network for the closed machine; only app errors count.
        real = [e for e in self.console_errors if "net::" not in e and "favicon" not in e]
        # Opened at /<page>, Streamlit's client first probes /<page>/_stcore/{health,host-config}
        # to find the base path, gets 404, and falls back to /. Those probes are not app errors.
        unexplained = [r for r in self.failed_responses if not _is_base_path_probe(r)]
        if not unexplained:
            real = [e for e in real if "status of 404" not in e]
        assert real == [], f"browser console errors: {real}; failed responses: {self.failed_responses}"


class _Rerun:
    def __init__(self, session: PageSession):
        self.session = session

    def __enter__(self):
        self.before = self.session.runs()
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.session.wait_quiet(self.before)
        return False


@pytest.fixture(params=[("desktop", DESKTOP), ("phone", PHONE)], ids=lambda p: p[0])
def tab(request, browser, app_url):
    name, viewport = request.param
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    session = PageSession(context.new_page(), app_url)
    session.viewport_name = name
    yield session
    context.close()
