"""Many users on one server (issue 13, "Load, measured"): caches are bounded, and a short run of
bench/load.py (a few concurrent browser sessions) sees no error, no cross-talk and a demo default
view within its CPU budget. The full run (20 sessions, memory 3 minutes after they close, one
replica against two behind nginx) is `python -m bench.load --write` (bench/RESULTS.md, "Load")."""

from __future__ import annotations

import argparse
import ast
import asyncio
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _cache_decorators(tree: ast.Module):
    """Every st.cache_data / st.cache_resource use: as a decorator, called or bare, or wrapping a
    function (``st.cache_data(max_entries=...)(fn)``)."""
    for node in ast.walk(tree):
        target = node.func if isinstance(node, ast.Call) else node
        if isinstance(target, ast.Attribute) and target.attr in ("cache_data", "cache_resource"):
            yield node


def test_every_cache_of_the_dashboard_is_bounded():
    """A process serving many users must not grow a cache without limit (the load finding: memory
    from 70 MB to 685 MB, still 660 MB after every session closed)."""
    unbounded = []
    for path in sorted((ROOT / "dashboard" / "cached").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in _cache_decorators(tree):
            if isinstance(node, ast.Attribute) and id(node) in calls:
                continue  # the Attribute inside a Call: the Call itself is checked
            keywords = {k.arg for k in node.keywords} if isinstance(node, ast.Call) else set()
            if "max_entries" not in keywords:
                unbounded.append(f"{path.name}:{node.lineno}")
    assert not unbounded, f"caches without max_entries: {unbounded}"


@pytest.mark.slow
@pytest.mark.e2e
def test_a_few_concurrent_sessions_see_no_error_no_cross_talk_and_a_cheap_demo_view():
    from bench import load
    from tests.e2e.conftest import require_browser

    require_browser()
    args = argparse.Namespace(sessions=3, warm="three", settle_wait_s=1.0, no_replicas=True, replica_sessions=0)
    single, _, _ = asyncio.run(load.measure(args))
    assert single.views.problems == []
    assert single.views.count() == 3 * 3
    assert single.cpu_s_per_view[load.DEMO_PAGE] <= load.DEMO_CPU_S_MAX
