"""Dashboard benchmarks: rerun time of the cost pages, first render in a real
browser, and server memory with 10 open sessions.

    python -m bench.app        # prints the numbers and rewrites '## Dashboard' in bench/RESULTS.md

1. Rerun time after an input change (Streamlit AppTest, in-process): each cost page is
   opened, then one input is changed N times. Two cases: a value not seen before (the
   engine runs: a cache miss) and a value seen before (served from st.cache_data, what
   a user flipping between options gets). Target: median under 150 ms.
2. First render: a fresh `streamlit run` server; the clock starts when /_stcore/health
   answers ok and stops when Chromium shows the home page's live figures (its first
   metric). Median of 3 fresh servers. Target: under 6 s on this machine.
3. Memory: resident set size of the server process (VmRSS, /proc) after start, after one
   session, and with 10 browser sessions open on the cost-serving page at once.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.results_file import replace_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------- 1. AppTest reruns
def _rerun_times(page: str, widget: str, key: str, values: list, repeat_values: list) -> dict:
    from tests.app.conftest import open_page

    at = open_page(page)
    getattr(at, widget)(key=key).set_value(values[0]).run()  # warm the imports and catalogs
    miss, hit = [], []
    for v in values[1:]:
        start = time.perf_counter()
        getattr(at, widget)(key=key).set_value(v).run()
        miss.append(time.perf_counter() - start)
    for v in repeat_values:
        start = time.perf_counter()
        getattr(at, widget)(key=key).set_value(v).run()
        hit.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    return {"miss_ms": 1000 * statistics.median(miss), "hit_ms": 1000 * statistics.median(hit),
            "n": len(miss) + len(hit)}


def rerun_benchmarks() -> dict:
    batches = list(range(1, 17))
    devices = [8 * i for i in range(1, 17)]
    return {
        "cost-serving (batch)": _rerun_times("dashboard/pages/cost_serving.py", "number_input", "srv_batch",
                                             batches, batches[1:9] * 2),
        "cost-training (devices)": _rerun_times("dashboard/pages/cost_training.py", "number_input",
                                                "trn_devices", devices, devices[1:9] * 2),
    }


# ---------------------------------------------------------------- 2-3. real browser
def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _start_server():
    from tests.e2e.conftest import _free_port

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}"


def _stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def browser_benchmarks(starts: int = 3, sessions: int = 10) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, wait_healthy

    first_render, health = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(starts):
            proc, base = _start_server()
            try:
                t0 = time.perf_counter()
                wait_healthy(base)
                healthy = time.perf_counter()
                health.append(healthy - t0)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(base)
                page.get_by_test_id("stMetricValue").first.wait_for(timeout=60_000)
                first_render.append(time.perf_counter() - healthy)
                page.close()
            finally:
                _stop(proc)

        proc, base = _start_server()
        try:
            wait_healthy(base)
            time.sleep(1)
            rss_idle = _rss_mb(proc.pid)
            contexts, pages = [], []
            for i in range(sessions):
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                page = ctx.new_page()
                # Different batch sizes: each session has its own inputs, as real users do.
                page.goto(f"{base}/cost-serving?srv_batch={i + 1}")
                page.get_by_test_id("stMetricValue").first.wait_for(timeout=120_000)
                contexts.append(ctx)
                pages.append(page)
                if i == 0:
                    rss_one = _rss_mb(proc.pid)
            time.sleep(2)
            rss_all = _rss_mb(proc.pid)
            for ctx in contexts:
                ctx.close()
        finally:
            _stop(proc)
        browser.close()
    return {"health_s": statistics.median(health), "first_render_s": statistics.median(first_render),
            "first_render_all": first_render, "rss_idle_mb": rss_idle, "rss_one_mb": rss_one,
            "rss_sessions_mb": rss_all, "sessions": sessions}


# ---------------------------------------------------------------- report
def write_results(reruns: dict, b: dict) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = "\n".join(
        f"| rerun after an input change, {name}: new value (engine runs) / value seen before (cached), "
        f"median of {r['n']} | < 150 ms | {r['miss_ms']:.0f} ms / {r['hit_ms']:.0f} ms |"
        for name, r in reruns.items())
    per_session = (b["rss_sessions_mb"] - b["rss_one_mb"]) / max(b["sessions"] - 1, 1)
    text = f"""## Dashboard

Measured by `python -m bench.app` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}
(CPython {platform.python_version()}, {os.cpu_count()} CPUs shared with other work, load average
{load:.1f} at the time; Streamlit AppTest for reruns, Debian Chromium for the browser).

| check | target | measured |
|---|---|---|
{rows}
| first page rendered in the browser after the health check answers ok (home with its live engine figures), median of {len(b['first_render_all'])} fresh servers | < 6 s | {b['first_render_s']:.2f} s (runs: {', '.join(f'{x:.2f}' for x in b['first_render_all'])}); server start to health ok {b['health_s']:.2f} s |
| server memory (RSS): idle / one session / {b['sessions']} sessions open on cost-serving | - | {b['rss_idle_mb']:.0f} MB / {b['rss_one_mb']:.0f} MB / {b['rss_sessions_mb']:.0f} MB (about {per_session:.1f} MB per extra session) |

Rerun time is the whole script run of the page from the entrypoint (router, sidebar,
widgets, charts built), not only the engine call. The first render includes the first
script run of the server, which imports the engine and loads its catalogs; later
sessions reuse them (st.cache_resource), which is why memory grows little per session.
"""
    replace_section("## Dashboard", text, RESULTS)
    return text


def main() -> None:
    reruns = rerun_benchmarks()
    for name, r in reruns.items():
        print(f"{name}: miss {r['miss_ms']:.0f} ms, hit {r['hit_ms']:.0f} ms")
    b = browser_benchmarks()
    print(b)
    print(write_results(reruns, b))


if __name__ == "__main__":
    main()
