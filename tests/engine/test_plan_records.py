"""What ``plan`` reports per configuration (scenarios.engine.plan): each record's figures follow from
its own rate, devices and price the way the docs say (replicas = ceil(rate / max rate), $ per hour =
replicas x devices x price, $ per 1M output tokens, tokens/s per user = 1000 / TPOT, bands scaled
like TPOT's), and the request is echoed under the names the CLI and app print."""

from __future__ import annotations

import math

import pytest

from scenarios.engine.catalog import get_hardware
from scenarios.engine.plan import PlanRequest, plan

REQ = PlanRequest("llama-3.1-8b", rate_per_s=5.0, prompt_tokens=512, output_tokens=128, ttft_ms=2000.0,
                  tpot_ms=100.0, hardware=("nvidia-l4", "nvidia-h100-sxm"), max_devices=2)


@pytest.fixture(scope="module")
def result():
    return plan(REQ).to_dict()


def records(result):
    return [result["best"], *result["candidates"]]


def test_the_request_is_echoed(result):
    assert result["inputs"] == {"model": "llama-3.1-8b", "rate_per_s": 5.0, "prompt_tokens": 512,
                                "output_tokens": 128, "ttft_ms_p90_limit": 2000.0, "tpot_ms_limit": 100.0,
                                "e2e_ms_p90_limit": None, "max_devices": 2, "prefix_cache_hit": 0.0,
                                "length_sigma": 0.0}
    assert result["configurations_searched"] > len(result["candidates"]) >= 1


def test_replicas_cover_the_rate(result):
    for d in records(result):
        assert d["replicas"] == max(1, math.ceil(REQ.rate_per_s / d["max_rate_per_replica"] - 1e-9))
        # the fast end of the band needs the fewest replicas
        assert d["replicas_low"] == max(1, math.ceil(REQ.rate_per_s / d["max_rate_per_replica_high"] - 1e-9))
        assert d["replicas_high"] == max(1, math.ceil(REQ.rate_per_s / d["max_rate_per_replica_low"] - 1e-9))


def test_costs_follow_from_replicas_devices_and_price(result):
    scale = 3600.0 * REQ.rate_per_s * REQ.output_tokens / 1e6          # million output tokens per hour
    for d in records(result):
        price = get_hardware(d["hardware"]).usd_per_hour
        assert d["usd_per_hour"] == pytest.approx(d["replicas"] * d["devices_per_replica"] * price, rel=1e-12)
        assert d["usd_per_hour_low"] == pytest.approx(d["replicas_low"] * d["devices_per_replica"] * price,
                                                      rel=1e-12)
        assert d["usd_per_hour_high"] == pytest.approx(d["replicas_high"] * d["devices_per_replica"] * price,
                                                       rel=1e-12)
        assert d["usd_per_million_tokens"] == pytest.approx(d["usd_per_hour"] / scale, rel=1e-12)
        assert d["usd_per_million_tokens_low"] == pytest.approx(d["usd_per_hour_low"] / scale, rel=1e-12)
        assert d["usd_per_million_tokens_high"] == pytest.approx(d["usd_per_hour_high"] / scale, rel=1e-12)


def test_speed_figures_and_bands(result):
    for d in records(result):
        assert d["parallel"] == ("tp" if d["devices_per_replica"] > 1 else "none")
        assert d["tokens_per_s_per_user"] == pytest.approx(1000.0 / d["tpot_ms"], rel=1e-12)
        for k in ("", "_low", "_high"):
            assert d[f"throughput_tokens_per_s{k}"] == pytest.approx(d[f"max_rate_per_replica{k}"] * 128, rel=1e-12)
        lo, hi = d["tpot_ms_low"] / d["tpot_ms"], d["tpot_ms_high"] / d["tpot_ms"]
        assert lo < 1 < hi
        for name in ("ttft_ms_p50", "ttft_ms_p90", "ttft_ms_p99", "e2e_ms_p50", "e2e_ms_p90", "e2e_ms_p99"):
            assert d[f"{name}_low"] == pytest.approx(d[name] * lo, rel=1e-9)
            assert d[f"{name}_high"] == pytest.approx(d[name] * hi, rel=1e-9)
        assert d["ttft_ms_p50"] <= d["ttft_ms_p90"] <= d["ttft_ms_p99"] <= REQ.ttft_ms
        assert d["e2e_ms_p50"] <= d["e2e_ms_p90"] <= d["e2e_ms_p99"]
        assert d["tpot_ms"] <= REQ.tpot_ms and d["kv_slots_per_replica"] >= d["concurrency_per_replica"] >= 1
        assert set(d) >= {"hardware", "weights", "runtime", "devices_per_replica", "replicas",
                          "concurrency_per_replica", "kv_slots_per_replica"}


def test_the_best_is_the_cheapest_candidate(result):
    cheapest = min(d["usd_per_million_tokens"] for d in result["candidates"])
    assert result["best"]["usd_per_million_tokens"] == pytest.approx(cheapest, rel=1e-12)


def test_latencies_are_the_percentile_model_at_each_replicas_share_of_the_rate(result):
    import numpy as np

    from scenarios.engine.plan import CONCURRENCY_LADDER, build_grid, percentiles
    for d in records(result)[:3]:
        g = build_grid(REQ, [(d["hardware"], d["weights"], d["runtime"], d["devices_per_replica"])])
        i = CONCURRENCY_LADDER.index(d["concurrency_per_replica"])
        lat = percentiles(REQ, g, np.array([i]), np.array([REQ.rate_per_s / d["replicas"]]))
        for q, name in ((0.5, "p50"), (0.9, "p90"), (0.99, "p99")):
            assert d[f"ttft_ms_{name}"] == pytest.approx(1000.0 * lat.ttft_s[q][0], rel=1e-9)
            assert d[f"e2e_ms_{name}"] == pytest.approx(1000.0 * lat.e2e_s[q][0], rel=1e-9)
        assert d["tpot_ms"] == pytest.approx(1000.0 * lat.tpot_s[0], rel=1e-9)
