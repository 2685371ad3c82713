"""The app listens on loopback unless told otherwise (issue 13: "bind to 127.0.0.1 unless
configured"): started the way README's `make run` starts it, with no address flag, it answers on
127.0.0.1 and refuses a connection on this machine's other address."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _outward_address() -> str | None:
    """This machine's non-loopback IPv4 address (no packet is sent: a UDP connect only routes)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.254", 9))
        except OSError:
            return None
        addr = s.getsockname()[0]
    return None if addr.startswith("127.") or addr == "0.0.0.0" else addr


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.read().decode().strip() == "ok"
    except OSError:
        return False


def test_the_app_listens_on_loopback_only_by_default(tmp_path):
    outward = _outward_address()
    if outward is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                 "VENTURE_LAB_SCENARIO_DIR": str(tmp_path / "scenarios")})
    try:
        deadline = time.monotonic() + 60
        while not _healthy(f"http://127.0.0.1:{port}/_stcore/health"):
            assert proc.poll() is None, "the app exited before it listened"
            assert time.monotonic() < deadline, "the app did not answer on 127.0.0.1 within 60 s"
            time.sleep(0.2)
        with pytest.raises(OSError):
            socket.create_connection((outward, port), timeout=2).close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
