"""Load test: many browser sessions on one Streamlit server, then two replicas behind nginx.

    python -m bench.load                      # 20 sessions, 3 pages each; writes bench/RESULTS.md "## Load"
    python -m bench.load --sessions 4 --settle-wait-s 20 --no-write   # a short run (the slow test)

1. One server on loopback (``streamlit run``, as tests/e2e/conftest.py starts it), warmed by one
   session visiting every page once (``--warm three``: only the three load pages); its resident
   memory (VmRSS, /proc/<pid>/status) and CPU time (utime + stime, /proc/<pid>/stat) are read then.
2. ``--sessions`` browser contexts of one Chromium (Debian's /usr/bin/chromium via Playwright's
   async API), all at once, each opening a cost page (its own ``srv_batch``, so cross-talk would
   show as another session's value), a demo page on its defaults (results shared across
   sessions through st.cache_data) and the scenarios page. Each page view is timed from ``goto``
   until it settles: a script run finished, the app idle (no status widget, nothing stale) and its
   title drawn. An error box (exception or st.error) or a foreign ``srv_batch`` fails the run.
   Server CPU-seconds per page view = the server's CPU delta over the phase / page views.
3. The contexts close; memory is read again ``--settle-wait-s`` later (180 s: Streamlit drops a
   disconnected session after its 120 s disconnectedSessionTTL, then bounded caches hold the rest).
4. Page views per minute: the same sessions against one replica, then against two replicas behind
   nginx (deploy/render_nginx.py's config, basic auth). On loopback every browser has the address
   127.0.0.1, so the config's ``hash $remote_addr`` would pin all of them to one replica; the bench
   hashes on a per-context cookie instead (what distinct client addresses give in production).

Chromium runs on the same machine as the servers, so the figures include its CPU contention;
bench/RESULTS.md records the machine and its load average with them.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COST_PAGE, DEMO_PAGE, SCENARIOS_PAGE = "cost-serving", "demo-finance", "scenarios"
# issue 13's targets: server CPU per page view, memory after the sessions close
COST_CPU_S_MAX, DEMO_CPU_S_MAX, MEMORY_BACK_MB = 0.5, 3.0, 100.0
PAGE_TIMEOUT_MS = 600_000
RUN_ALL_ARGS = ("--write",)
# Same conditions as tests/e2e/conftest.py: a finished script run, then idle, then the title.
RUNS_JS = """window.__vlRuns = 0;
new MutationObserver(rs => { for (const r of rs) { if (r.oldValue === 'running' &&
  r.target.getAttribute('data-test-script-state') !== 'running') { window.__vlRuns += 1; } } })
.observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                    attributeFilter: ['data-test-script-state']});"""
SETTLED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return (window.__vlRuns || 0) >= 1 && !!app
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')
    && !!document.querySelector('[data-testid="stMain"] h1');
}"""
# Idle can read true between a run's first elements and the rest (tests/e2e/conftest.py's
# wait_stable): settled also means the element count held still over QUIET_POLLS polls.
QUIET_POLLS, POLL_MS = 4, 250
STABLE_JS = """([quiet, settled]) => {
  const n = document.querySelectorAll('[data-testid="stElementContainer"]').length
          + 100000 * document.querySelectorAll('[data-testid="stSkeleton"]').length;
  if (window.__vlCount !== n) { window.__vlCount = n; window.__vlSame = 0; return false; }
  window.__vlSame += 1;
  return window.__vlSame >= quiet && eval(settled)();
}"""
ERROR_SELECTOR = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_s(pid: int) -> float:
    """utime + stime of the process (its threads included), /proc/<pid>/stat fields 14 and 15."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """One `streamlit run` of the app on loopback, with its own scenario folder."""

    def __init__(self, workdir: Path, name: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / f"{name}.log", "w")  # noqa: SIM115
        env = dict(os.environ, VENTURE_LAB_SCENARIO_DIR=str(workdir / f"{name}-scenarios"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout_s: float = 180) -> Server:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited (log: {self.log.name})")
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return self
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"server on port {self.port} did not become healthy")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


@dataclass
class Views:
    """Page views of one phase: settle seconds per page, and what went wrong."""
    settle_s: dict[str, list[float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def count(self) -> int:
        return sum(len(v) for v in self.settle_s.values())


def session_paths(i: int) -> list[tuple[str, str, str]]:
    """(page name, path, the srv_batch this session must see or '') for session ``i``."""
    batch = str(8 + i)  # distinct per session; the default is another value
    return [(COST_PAGE, f"{COST_PAGE}?srv_batch={batch}", batch), (DEMO_PAGE, DEMO_PAGE, ""),
            (SCENARIOS_PAGE, SCENARIOS_PAGE, "")]


async def view(page, base: str, name: str, path: str, batch: str, views: Views) -> None:
    t0 = time.perf_counter()
    try:
        await page.goto(f"{base}/{path}", timeout=PAGE_TIMEOUT_MS)
        await page.wait_for_function(STABLE_JS, arg=[QUIET_POLLS, SETTLED_JS], timeout=PAGE_TIMEOUT_MS,
                                     polling=POLL_MS)
    except Exception as err:  # noqa: BLE001 - a timeout or a crash is a finding to report
        views.problems.append(f"{path}: did not settle ({type(err).__name__})")
        return
    quiet_s = QUIET_POLLS * POLL_MS / 1000  # the quiet window is part of the wait, not of the page's work
    if batch and not await shows_batch(page, batch):
        box = page.locator(".st-key-srv_batch input")
        if not await box.count():  # settled, yet the form is not drawn a minute later: slow, not foreign
            views.problems.append(f"{path}: the srv_batch input was not drawn {BATCH_WAIT_MS // 1000} s after idle")
        else:
            seen = await box.first.input_value(timeout=5_000)
            views.problems.append(f"{path}: cross-talk: srv_batch shows {seen!r}, this session set {batch!r}")
        quiet_s = -BATCH_WAIT_MS / 1000
    views.settle_s.setdefault(name, []).append(time.perf_counter() - t0 - quiet_s)
    if await page.locator(ERROR_SELECTOR).count():
        text = (await page.locator(ERROR_SELECTOR).first.inner_text())[:200]
        views.problems.append(f"{path}: error box: {text!r}")


BATCH_WAIT_MS = 60_000


async def shows_batch(page, batch: str) -> bool:
    """Whether the cost page's srv_batch input shows this session's value within BATCH_WAIT_MS
    (a cold server can draw the form once more after idle reads true); part of its settle time."""
    try:
        await page.wait_for_function(
            "b => { const i = document.querySelector('.st-key-srv_batch input'); return !!i && i.value === b; }",
            arg=batch, timeout=BATCH_WAIT_MS, polling=POLL_MS)
        return True
    except Exception:  # noqa: BLE001 - a timeout: the caller reports what the input shows
        return False


async def one_session(browser, base: str, i: int, views: Views, paths=None, context_args=None) -> None:
    context = await browser.new_context(**(context_args or {}))
    try:
        await context.add_init_script(RUNS_JS)
        page = await context.new_page()
        for name, path, batch in paths or session_paths(i):
            await view(page, base, name, path, batch, views)
    finally:
        await context.close()


async def sessions(browser, base: str, n: int, context_args=None) -> tuple[Views, float]:
    """``n`` concurrent sessions; (their views, wall seconds)."""
    views, t0 = Views(), time.perf_counter()
    await asyncio.gather(*(one_session(browser, base, i, views, context_args=(context_args or (lambda i: {}))(i))
                           for i in range(n)))
    return views, time.perf_counter() - t0


def every_page_path() -> list[tuple[str, str, str]]:
    from dashboard.navigation import all_pages

    return [(p.url_path, "" if p.default else p.url_path, "") for p in all_pages()]


async def sample_peak(pid: int, stop: asyncio.Event, peak: list[float]) -> None:
    while not stop.is_set() and Path(f"/proc/{pid}").exists():
        peak[0] = max(peak[0], rss_mb(pid))
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass


@dataclass(frozen=True)
class SingleServer:
    sessions: int
    warm_pages: int
    warm_rss_mb: float
    peak_rss_mb: float
    after_rss_mb: float
    settle_wait_s: float
    first_cpu_s: dict[str, float]      # page -> server CPU-s of its first view (cold caches)
    cpu_s_per_view: dict[str, float]   # page -> server CPU-s of a view by a new session, warm server
    phase_cpu_s_per_view: float        # whole concurrent phase: CPU delta / page views
    views: Views
    wall_s: float


async def warm_up(browser, server: Server, warm: str) -> tuple[int, dict[str, float]]:
    """One session visits each page once (every page, or only the three load pages); the server
    CPU each of the three load pages takes on its first visit is their cost before any sharing."""
    views, per_view = Views(), {}
    paths = every_page_path() if warm == "all" else session_paths(0)
    loads = {p for p, _, _ in session_paths(0)}
    context = await browser.new_context()
    await context.add_init_script(RUNS_JS)
    page = await context.new_page()
    for name, path, batch in paths:
        before = cpu_s(server.proc.pid)
        await view(page, server.base, name, path, batch, views)
        if name in loads:
            per_view[name] = cpu_s(server.proc.pid) - before
    await context.close()
    if views.problems:
        raise RuntimeError("warm-up: " + "; ".join(views.problems))
    return len(paths), per_view


async def warm_view_cpu(browser, server: Server) -> dict[str, float]:
    """Server CPU-s of each load page viewed by a second, new session once the server is warm: a
    cost page with a srv_batch no one asked for yet (its own estimate), the demo on its defaults
    (shared through st.cache_data), the scenarios page. The issue's per-view targets apply here."""
    views, per_view = Views(), {}
    context = await browser.new_context()
    await context.add_init_script(RUNS_JS)
    page = await context.new_page()
    for name, path, batch in session_paths(1000):
        before = cpu_s(server.proc.pid)
        await view(page, server.base, name, path, batch, views)
        per_view[name] = cpu_s(server.proc.pid) - before
    await context.close()
    if views.problems:
        raise RuntimeError("warm view: " + "; ".join(views.problems))
    return per_view


async def single_server(browser, workdir: Path, n: int, warm: str, settle_wait_s: float) -> SingleServer:
    server = Server(workdir, "single").wait_healthy()
    try:
        pid = server.proc.pid
        warm_pages, first_view_cpu = await warm_up(browser, server, warm)
        warm_cpu = await warm_view_cpu(browser, server)
        warm_rss, cpu0 = rss_mb(pid), cpu_s(pid)
        stop, peak = asyncio.Event(), [warm_rss]
        sampler = asyncio.create_task(sample_peak(pid, stop, peak))
        views, wall = await sessions(browser, server.base, n)
        cpu1 = cpu_s(pid)
        await asyncio.sleep(settle_wait_s)
        stop.set()
        await sampler
        return SingleServer(n, warm_pages, warm_rss, peak[0], rss_mb(pid), settle_wait_s, first_view_cpu,
                            warm_cpu, (cpu1 - cpu0) / max(views.count(), 1), views, wall)
    finally:
        server.stop()


def nginx_conf(workdir: Path, listen: str, replicas: list[Server], secret: str) -> Path:
    sys.path.insert(0, str(ROOT / "deploy"))
    import render_nginx  # deploy/ is not a package (tests/deploy/servers.py loads it the same way)

    htpasswd = workdir / "htpasswd"
    htpasswd.write_text(f"bench:{{SHA}}{base64.b64encode(hashlib.sha1(b'bench-pw').digest()).decode()}\n")
    conf = render_nginx.render_main(
        {"VENTURE_LAB_LISTEN": listen, "VENTURE_LAB_REPLICA_1": f"127.0.0.1:{replicas[0].port}",
         "VENTURE_LAB_REPLICA_2": f"127.0.0.1:{replicas[1].port}", "VENTURE_LAB_HTPASSWD": str(htpasswd),
         "VENTURE_LAB_PROXY_SECRET": secret}, str(workdir), user="root" if os.geteuid() == 0 else None)
    sticky = "hash $remote_addr consistent;"
    if sticky not in conf:
        raise RuntimeError(f"the nginx template no longer has {sticky!r}: update bench/load.py")
    # every loopback browser is 127.0.0.1: stick on a per-context cookie instead (module docstring)
    path = workdir / "nginx.conf"
    path.write_text(conf.replace(sticky, "hash $cookie_vlbench consistent;"))
    return path


async def throughput(browser, workdir: Path, n: int) -> dict[str, tuple]:
    """Page views per minute of ``n`` concurrent sessions: one replica direct, two behind nginx;
    per setup (views per minute, the views, each replica's CPU-s over the phase)."""
    out = {}
    one = Server(workdir, "one").wait_healthy()
    try:
        views, wall = await sessions(browser, one.base, n)
        out["one replica"] = (60 * views.count() / wall, views, ())
    finally:
        one.stop()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        print("bench.load: nginx missing (apt-get install nginx-light): two-replica figure skipped")
        return out
    reps = [Server(workdir, "rep1"), Server(workdir, "rep2")]
    port = free_port()
    conf = nginx_conf(workdir, f"127.0.0.1:{port}", reps, "bench-" + os.urandom(6).hex())
    proxy = subprocess.Popen([nginx, "-e", "stderr", "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"],
                             stderr=open(workdir / "nginx.err", "w"))  # noqa: SIM115
    try:
        for r in reps:
            r.wait_healthy()
        cpu0 = [cpu_s(r.proc.pid) for r in reps]
        views, wall = await sessions_with_cookies(browser, f"http://127.0.0.1:{port}", n,
                                                  {"username": "bench", "password": "bench-pw"})
        # each replica's CPU over the phase shows whether nginx spread the sessions over both
        out["two replicas behind nginx"] = (60 * views.count() / wall, views,
                                            tuple(cpu_s(r.proc.pid) - c for r, c in zip(reps, cpu0)))
    finally:
        proxy.terminate()
        proxy.wait(timeout=15)
        for r in reps:
            r.stop()
    return out


async def sessions_with_cookies(browser, base: str, n: int, creds: dict) -> tuple[Views, float]:
    """Like ``sessions``, each context with its own ``vlbench`` cookie (nginx's sticky key here)."""
    views, t0 = Views(), time.perf_counter()

    async def one(i):
        context = await browser.new_context(http_credentials=creds)
        await context.add_cookies([{"name": "vlbench", "value": f"s{i}", "url": base}])
        try:
            await context.add_init_script(RUNS_JS)
            page = await context.new_page()
            for name, path, batch in session_paths(i):
                await view(page, base, name, path, batch, views)
        finally:
            await context.close()

    await asyncio.gather(*(one(i) for i in range(n)))
    return views, time.perf_counter() - t0


def _settle_rows(views: Views) -> list[str]:
    rows = []
    for name, times in views.settle_s.items():
        rows.append(f"| {name} | {len(times)} | {statistics.median(times):.1f} | {max(times):.1f} |")
    return rows


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(single: SingleServer, rates: dict[str, tuple], load1: str) -> str:
    s = single
    cost_cpu, demo_cpu = s.cpu_s_per_view.get(COST_PAGE, float("nan")), s.cpu_s_per_view.get(DEMO_PAGE, float("nan"))
    back = s.after_rss_mb - s.warm_rss_mb
    lines = [
        "## Load", "",
        f"`python -m bench.load` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} "
        f"cores ({platform.processor() or platform.machine()}), Python {platform.python_version()}; load average "
        f"before the run {load1}. Chromium (all {s.sessions} contexts) runs on the same cores as the servers.", "",
        f"One server, warmed by one session visiting {s.warm_pages} pages once; then {s.sessions} concurrent "
        f"sessions, each opening /{COST_PAGE} (its own srv_batch), /{DEMO_PAGE} (defaults) and /{SCENARIOS_PAGE}.", "",
        "| page | views | median settle s | slowest s |", "|---|---|---|---|", *_settle_rows(s.views), "",
        "| figure | value | target | verdict |", "|---|---|---|---|",
        f"| errors and cross-talk | {len(s.views.problems)} | 0 | {_verdict(not s.views.problems)} |",
        f"| server CPU-s of a cost page view (new session, warm server, a srv_batch not asked before) | "
        f"{cost_cpu:.2f} | <= {COST_CPU_S_MAX} | {_verdict(cost_cpu <= COST_CPU_S_MAX)} |",
        f"| server CPU-s of a demo default view (new session, warm server) | {demo_cpu:.2f} | <= "
        f"{DEMO_CPU_S_MAX} | {_verdict(demo_cpu <= DEMO_CPU_S_MAX)} |",
        "| server CPU-s of the first view, cold caches: " + ", ".join(
            f"{k} {v:.2f}" for k, v in s.first_cpu_s.items()) + " | | | |",
        f"| server CPU-s of a scenarios page view (new session, warm server) | "
        f"{s.cpu_s_per_view.get(SCENARIOS_PAGE, float('nan')):.2f} | | |",
        f"| server CPU-s per page view, the {s.sessions}-session phase (CPU delta / {s.views.count()} views) | "
        f"{s.phase_cpu_s_per_view:.2f} | | |",
        f"| server memory warmed up / peak / {s.settle_wait_s:.0f} s after the sessions closed, MB | "
        f"{s.warm_rss_mb:.0f} / {s.peak_rss_mb:.0f} / {s.after_rss_mb:.0f} | within {MEMORY_BACK_MB:.0f} MB of "
        f"warm | {_verdict(back <= MEMORY_BACK_MB)} ({back:+.0f} MB) |",
        f"| wall time of the {s.sessions}-session phase, s | {s.wall_s:.0f} | | |", "",
        "| setup | page views per minute | views | problems | CPU-s per replica |", "|---|---|---|---|---|",
        *(f"| {k} | {v[0]:.1f} | {v[1].count()} | {len(v[1].problems)} | "
          f"{' / '.join(f'{c:.0f}' for c in v[2]) or 'n/a'} |" for k, v in rates.items()),
    ]
    problems = s.views.problems + [p for v in rates.values() for p in v[1].problems]
    if problems:
        lines += ["", "Problems:", *(f"- {p}" for p in problems[:20])]
    return "\n".join(lines) + "\n"


async def run(args) -> str:
    return report(*await measure(args))


async def measure(args) -> tuple[SingleServer, dict[str, tuple], str]:
    """(the single-server phase, the throughput of each setup, the load average before)."""
    from playwright.async_api import async_playwright

    load1 = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    workdir = Path(tempfile.mkdtemp(prefix="venture-lab-load-"))
    workdir.chmod(0o755)  # nginx's workers read the htpasswd here
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            single = await single_server(browser, workdir, args.sessions, args.warm, args.settle_wait_s)
            print(report(single, {}, load1), flush=True)  # kept in the log should the rest fail
            rates = {} if args.no_replicas else await throughput(browser, workdir,
                                                                 args.replica_sessions or args.sessions)
            await browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return single, rates, load1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    ap.add_argument("--warm", choices=("all", "three"), default="all",
                    help="warm-up: every page once (default) or only the three load pages")
    ap.add_argument("--settle-wait-s", type=float, default=180.0,
                    help="seconds after the sessions close before memory is read again (default 180)")
    ap.add_argument("--replica-sessions", type=int, default=0,
                    help="concurrent sessions of the one-vs-two-replica part (default: --sessions)")
    ap.add_argument("--no-replicas", action="store_true", help="skip the one-vs-two-replica throughput part")
    ap.add_argument("--write", action="store_true", help='replace the "## Load" section of bench/RESULTS.md')
    args = ap.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"bench.load: needs Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    text = asyncio.run(run(args))
    print(text)
    if args.write:
        from bench.results_file import replace_section

        replace_section("## Load", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
