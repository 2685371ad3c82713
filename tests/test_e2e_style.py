"""The browser tests keep Streamlit's e2e style, and CI cannot pass by skipping them.

- no fixed sleep in tests/e2e (``time.sleep``, ``wait_for_timeout``): waits are on conditions;
- every browser test module sets ``pytestmark = pytest.mark.e2e`` itself (pytest ignores a
  ``pytestmark`` in conftest.py), so ``pytest -m e2e`` selects them all;
- with ``REQUIRE_E2E=1`` (set by .ci/run) a missing Chromium fails the browser tests; without it
  they skip with the reason.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
E2E = ROOT / "tests" / "e2e"
SLEEP = re.compile(r"\btime\.sleep\s*\(|\bwait_for_timeout\s*\(|\bsleep\s*\(")


def e2e_modules() -> list[Path]:
    return sorted(E2E.glob("test_*.py"))


def test_there_are_browser_test_modules():
    assert len(e2e_modules()) >= 5


@pytest.mark.parametrize("path", [*e2e_modules(), E2E / "conftest.py"], ids=lambda p: p.name)
def test_no_fixed_sleep_in_browser_tests(path):
    hits = [f"{path.name}:{n}: {line.strip()}" for n, line in enumerate(path.read_text().splitlines(), 1)
            if SLEEP.search(line.split("#")[0])]
    assert hits == [], "wait on a condition (expect, tab.rerun(), tab.wait_idle()) instead:\n" + "\n".join(hits)


def _module_marks(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    marks = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            values = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            marks += [ast.unparse(v) for v in values]
    return marks


@pytest.mark.parametrize("path", e2e_modules(), ids=lambda p: p.name)
def test_every_browser_test_module_is_marked_e2e(path):
    assert "pytest.mark.e2e" in _module_marks(path), f"{path.name}: add pytestmark = pytest.mark.e2e"


def _pytest(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})


def test_marker_selects_the_browser_tests():
    out = _pytest("--collect-only", "-m", "e2e", "tests/e2e")
    collected = re.search(r"(\d+)(?:/\d+)? tests? (?:collected|selected)", out.stdout)
    assert collected and int(collected.group(1)) >= 20, out.stdout[-2000:]


def test_missing_chromium_fails_under_require_e2e_and_skips_otherwise():
    test = "tests/e2e/test_offline.py"
    env = {"CHROMIUM_PATH": "/nonexistent/chromium"}
    required = _pytest(test, **env, REQUIRE_E2E="1")
    assert required.returncode != 0 and "REQUIRE_E2E=1" in required.stdout, required.stdout[-2000:]
    relaxed = _pytest(test, "-rs", **env, REQUIRE_E2E="")
    assert relaxed.returncode == 0 and "skipped" in relaxed.stdout, relaxed.stdout[-2000:]
