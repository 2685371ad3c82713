"""Finding the servers the deploy tests run (nginx, PostgreSQL) and loading deploy/render_nginx.py.

A missing server skips its test on a laptop; with ``REQUIRE_SERVERS=1`` (set by .ci/run) it
fails the run instead, so CI cannot pass by skipping."""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def missing(what: str) -> None:
    """Skip, or fail under REQUIRE_SERVERS=1."""
    if os.environ.get("REQUIRE_SERVERS") == "1":
        pytest.fail(f"{what} (REQUIRE_SERVERS=1: `make install-test` installs it)")
    pytest.skip(what)


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if not found:
        missing("nginx is not installed (apt-get install nginx-light)")
    return found


def postgres_bin() -> Path:
    """The folder holding Debian's initdb, pg_ctl and postgres."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if shutil.which("initdb"):
        candidates.insert(0, str(Path(shutil.which("initdb")).resolve().parent))
    for folder in candidates:
        if all(os.access(Path(folder) / b, os.X_OK) for b in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    missing("PostgreSQL is not installed (apt-get install postgresql)")


def render_nginx():
    """deploy/render_nginx.py as a module (deploy/ is not a package)."""
    spec = importlib.util.spec_from_file_location("render_nginx", DEPLOY / "render_nginx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
