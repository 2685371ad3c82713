"""The vision demo page: the attack budget moves the PGD accuracy as the model reports it, and the
edge-latency section shows the cost engine's own band for the demo's CNN on every device."""

from __future__ import annotations

from dashboard.cached.vision import EDGE_TARGETS, edge_latency, run_vision
from models.vision_robustness import VisionConfig
from scenarios.engine.serving import estimate_vision
from tests.app.conftest import assert_clean, open_page
from tests.app.metrics import metric_value

VIS = "dashboard/pages/demo_vision.py"


def test_vision_attack_budget_moves_pgd_accuracy():
    at = open_page(VIS)
    assert_clean(at)
    base = run_vision(VisionConfig()).recipes["standard"]
    assert metric_value(at, "PGD") == f"{base.pgd_accuracy:.1%}"
    at.select_slider(key="vis_eps").set_value(0.2).run()
    assert_clean(at)
    harder = run_vision(VisionConfig(attack_eps=0.2)).recipes["standard"]
    assert metric_value(at, "PGD") == f"{harder.pgd_accuracy:.1%}"
    assert harder.pgd_accuracy < base.pgd_accuracy


def test_edge_latency_rows_are_the_engines_estimates_with_their_band():
    rows = edge_latency(0.002, EDGE_TARGETS[:3], "int8")
    assert len(rows) == 2 * 3 and not any("error" in r for r in rows)
    for r in rows:
        assert r["low"] <= r["latency_ms"] <= r["high"]
        assert r["assumptions"]  # every figure says where its inputs came from
    ours = next(r for r in rows if r["model"] == "custom")
    est = estimate_vision("custom", ours["device"], weights="int8", gflops_per_input=0.002)
    assert ours["latency_ms"] == est.latency_ms and ours["runtime"] == est.runtime
