"""The team stack, live on loopback: Debian's PostgreSQL, nginx with the config rendered from
deploy/nginx/venture-lab.conf.template (basic auth), two Streamlit replicas on the PostgreSQL URL,
and Chromium signed in through nginx.

- a request without credentials, or with a wrong password, gets 401 from nginx;
- alice saves a scenario (Duplicate) on replica A's page; with A stopped, bob's page, served by
  replica B through the same nginx, lists it with its owner; bob cannot delete it;
- a browser that reaches a replica directly with a forged user header is asked to sign in;
- with no replica answering, a signed-in request gets the self-reloading 503 page, not a bare 502.

On a failure the replicas' and nginx's logs are attached to the message.

Skipped where nginx, PostgreSQL or Chromium is missing; ``REQUIRE_SERVERS=1`` (CI) fails instead.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard.i18n import t
from scenarios.business.store_sql import SqlScenarioStore
from tests.deploy.servers import ROOT, missing, nginx_binary, postgres_bin, render_nginx

pytestmark = pytest.mark.e2e
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SECRET = "test-proxy-secret-" + os.urandom(6).hex()
USERS = {"alice": "alice-pw", "bob": "bob-pw"}
TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@pytest.fixture(scope="module")
def workdir():
    """A folder the postgres user and nginx's workers can read (pytest's tmp_path is 0700 root)."""
    base = Path(tempfile.mkdtemp(prefix="venture-lab-stack-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_url(workdir):
    pg = postgres_bin()
    data, port = workdir / "pg", _free_port()
    data.mkdir()
    if os.geteuid() == 0:
        import pwd
        entry = pwd.getpwnam("postgres")
        os.chown(data, entry.pw_uid, entry.pw_gid)
    run = _as_postgres()
    subprocess.run([*run, str(pg / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
                    "-E", "UTF8"], check=True, capture_output=True, timeout=120)
    opts = f"-p {port} -c listen_addresses=127.0.0.1 -k {data} -c fsync=off"
    subprocess.run([*run, str(pg / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(data / "log"), "-w",
                    "-t", "60", "start"], check=True, capture_output=True, timeout=90)
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run, str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, check=False)


class Replica:
    """One `streamlit run` of the app, in team mode, on the shared database."""

    def __init__(self, url: str, workdir: Path, name: str):
        self.port, self.log = _free_port(), open(workdir / f"{name}.log", "w")  # noqa: SIM115
        self.env = dict(os.environ, VENTURE_LAB_STORE_URL=url, VENTURE_LAB_USER_HEADER="X-Forwarded-User",
                        VENTURE_LAB_PROXY_SECRET=SECRET, VENTURE_LAB_EDITORS="",
                        VENTURE_LAB_SCENARIO_DIR=str(workdir / f"{name}-unused"))
        self.proc = None

    def start(self) -> Replica:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def wait_healthy(self, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"replica on port {self.port} did not become healthy")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module")
def stack(workdir, postgres_url):
    """(nginx base URL, replica A, replica B); A runs, B is started by the test."""
    nginx = nginx_binary()
    if not CHROMIUM.exists():
        missing(f"the team-stack test drives Chromium at {CHROMIUM} (apt-get install chromium)")
    a, b = Replica(postgres_url, workdir, "a"), Replica(postgres_url, workdir, "b")
    a.start()
    proxy_port = _free_port()
    htpasswd = workdir / "htpasswd"
    htpasswd.write_text("".join(f"{u}:{{SHA}}{base64.b64encode(hashlib.sha1(p.encode()).digest()).decode()}\n"
                                for u, p in USERS.items()))
    conf = render_nginx().render_main(
        {"VENTURE_LAB_LISTEN": f"127.0.0.1:{proxy_port}", "VENTURE_LAB_REPLICA_1": f"127.0.0.1:{a.port}",
         "VENTURE_LAB_REPLICA_2": f"127.0.0.1:{b.port}", "VENTURE_LAB_HTPASSWD": str(htpasswd),
         "VENTURE_LAB_PROXY_SECRET": SECRET}, str(workdir), user="root" if os.geteuid() == 0 else None)
    (workdir / "nginx.conf").write_text(conf)
    proxy = subprocess.Popen([nginx, "-e", "stderr", "-p", str(workdir), "-c", str(workdir / "nginx.conf"),
                              "-g", "daemon off;"], stderr=open(workdir / "nginx.err", "w"))  # noqa: SIM115
    try:
        a.wait_healthy()
        yield f"http://127.0.0.1:{proxy_port}", a, b
    finally:
        proxy.terminate()
        proxy.wait(timeout=15)
        a.stop()
        b.stop()


def _status(url: str, user: str | None = None, password: str | None = None) -> int:
    request = urllib.request.Request(url)
    if user:
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def test_nginx_refuses_a_request_without_valid_credentials(stack):
    base, _, _ = stack
    assert _status(f"{base}/") == 401
    assert _status(f"{base}/", "alice", "wrong") == 401
    assert _status(f"{base}/", "alice", USERS["alice"]) == 200
    assert _status(f"{base}/_stcore/health") == 200            # health checks need no sign-in


def _open(browser, url: str, **context):
    page = browser.new_context(**context).new_page()
    page.goto(url)
    return page


def _logs(workdir: Path) -> str:
    """The last lines of each server's log, for a failure message."""
    parts = []
    for name in ("a.log", "b.log", "error.log", "access.log"):
        path = workdir / name
        lines = path.read_text(errors="replace").splitlines()[-25:] if path.exists() else ["(none)"]
        parts.append(f"--- {name}\n" + "\n".join(lines))
    return "\n".join(parts)


def test_saved_on_one_replica_listed_by_the_other_and_not_deletable_by_another_user(stack, postgres_url, workdir):
    try:
        _save_on_a_read_on_b(stack, postgres_url)
    except Exception as err:
        raise AssertionError(f"{err}\n{_logs(workdir)}") from err


def _save_on_a_read_on_b(stack, postgres_url) -> None:
    from playwright.sync_api import sync_playwright

    base, a, b = stack
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # alice, through nginx; only replica A runs, so nginx sends her there
        alice = _open(browser, f"{base}/scenarios?scn_id=nlp",
                      http_credentials={"username": "alice", "password": USERS["alice"]})
        alice.get_by_text(t("auth.signed_in_as", lang="en", user="alice")).wait_for(timeout=TIMEOUT_MS)
        b.start()                                   # B starts while alice works on A
        alice.get_by_role("button", name=t("scn.duplicate", lang="en")).click()
        alice.get_by_text(t("scn.owner", lang="en", owner="alice")).wait_for(timeout=TIMEOUT_MS)
        assert SqlScenarioStore(postgres_url).info("nlp-copy").owner == "alice"
        b.wait_healthy()
        a.stop()                                    # from now on nginx can reach only B
        # B refused alice's first requests while it was starting, so nginx may still be leaving it
        # out (fail_timeout): bob then sees the self-reloading 503 page until it is let back in.
        bob = _open(browser, f"{base}/scenarios?scn_id=nlp-copy",
                    http_credentials={"username": "bob", "password": USERS["bob"]})
        bob.get_by_text(t("auth.signed_in_as", lang="en", user="bob")).wait_for(timeout=TIMEOUT_MS)
        bob.get_by_text(t("scn.owner", lang="en", owner="alice")).wait_for(timeout=TIMEOUT_MS)
        bob.get_by_role("button", name=t("scn.delete", lang="en"), exact=False).first.click()
        bob.get_by_role("button", name=t("scn.delete_yes", lang="en")).click()
        bob.get_by_text("belongs to another user").wait_for(timeout=TIMEOUT_MS)
        # straight to replica B, around nginx: a forged user header without the secret is not believed
        forged = _open(browser, f"http://127.0.0.1:{b.port}/scenarios",
                       extra_http_headers={"X-Forwarded-User": "alice"})
        forged.get_by_text(t("auth.sign_in_required", lang="en")).wait_for(timeout=TIMEOUT_MS)
        browser.close()
    assert SqlScenarioStore(postgres_url).get("nlp-copy").id == "nlp-copy"      # still there, alice's


def test_postgres_keeps_the_store_guarantees(postgres_url):
    """What tests/scenarios/test_sql_store.py checks on SQLite, on PostgreSQL (READ COMMITTED, an
    aborted transaction after a unique violation): one of two concurrent creators wins, a stale
    save is refused, ten versions are kept."""
    import threading

    from scenarios.business.scenario import load_preset
    from scenarios.errors import VentureLabError

    store, plan = SqlScenarioStore(postgres_url), load_preset("games").replace(id="pg-race", name="A")
    barrier, outcome = threading.Barrier(4), []

    def create(name: str) -> None:
        barrier.wait()
        try:
            store.save(plan.replace(name=name), user=name)
            outcome.append("saved")
        except VentureLabError as err:
            outcome.append(str(err))
    threads = [threading.Thread(target=create, args=(n,)) for n in "ABCD"]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert outcome.count("saved") == 1 and all("already exists" in o for o in outcome if o != "saved")
    opened = store.info("pg-race").version
    for i in range(11):
        store.save(plan.replace(name=f"Edit {i}"), overwrite=True, expected_version=opened + i)
    with pytest.raises(VentureLabError, match="changed since you opened it"):
        store.save(plan.replace(name="stale"), overwrite=True, expected_version=opened)
    assert store.get("pg-race").name == "Edit 10" and len(store.history("pg-race")) == 10


def test_with_no_replica_answering_a_user_gets_a_page_that_reloads_itself(stack):
    base, a, b = stack
    a.stop()
    b.stop()
    request = urllib.request.Request(f"{base}/scenarios")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"bob:{USERS['bob']}".encode()).decode())
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    err = caught.value
    body = err.read().decode()
    assert err.code == 503 and err.headers["Retry-After"] == "3" and "no-store" in err.headers["Cache-Control"]
    assert 'http-equiv="refresh" content="3"' in body and "restarting" in body
    assert _status(f"{base}/") == 401           # sign-in is still asked for first
