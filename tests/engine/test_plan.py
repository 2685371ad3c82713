"""`venture-lab plan` (ARCHITECTURE 4.3) through the CLI and PlanRequest: JSON shape, exit codes,
'nothing meets this' with reasons, and the properties of the search."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.engine.plan import PlanRequest, plan
from tests.engine.test_cli import assert_one_line_error, run

SMALL = ("nvidia-l4", "nvidia-a100-80gb-sxm", "nvidia-h100-sxm")
BEST_KEYS = ("hardware", "weights", "runtime", "devices_per_replica", "parallel", "replicas",
             "concurrency_per_replica", "ttft_ms_p50", "ttft_ms_p90", "ttft_ms_p99", "tpot_ms",
             "throughput_tokens_per_s", "max_rate_per_replica", "usd_per_hour", "usd_per_million_tokens")


def _plan(**kw):
    base = {"model": "llama-3.1-8b", "rate_per_s": 5.0, "prompt_tokens": 512, "output_tokens": 128, "hardware": SMALL}
    return plan(PlanRequest(**{**base, **kw}))


def test_plan_cli_json_has_best_candidates_and_infeasible():
    res = run("plan", "--model", "llama-3.1-8b", "--rate", "20", "--prompt-tokens", "512", "--output-tokens", "256",
              "--ttft-ms", "1000", "--tpot-ms", "50", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["configurations_searched"] >= 10_000
    for k in BEST_KEYS:
        assert k in d["best"]
    for k in ("ttft_ms_p90", "tpot_ms", "usd_per_million_tokens", "throughput_tokens_per_s"):
        assert d["best"][f"{k}_low"] <= d["best"][k] <= d["best"][f"{k}_high"] or k.startswith(("ttft", "tpot"))
    assert d["best"]["ttft_ms_p90"] <= 1000 and d["best"]["tpot_ms"] <= 50
    costs = [c["usd_per_million_tokens"] for c in d["candidates"]]
    speeds = [c["tokens_per_s_per_user"] for c in d["candidates"]]
    assert costs == sorted(costs) and speeds == sorted(speeds)          # a Pareto front
    assert d["best"]["usd_per_hour"] <= min(c["usd_per_hour"] for c in d["candidates"]) + 1e-9


@pytest.mark.parametrize("args,flag", [(("--rate", "0"), "--rate"), (("--rate", "-3"), "--rate"),
                                       (("--rate", "2", "--ttft-ms", "0"), "--ttft-ms"),
                                       (("--rate", "2", "--tpot-ms", "-1"), "--tpot-ms"),
                                       (("--rate", "2", "--hardware", "nvidia-h999"), "--hardware")])
def test_plan_bad_input_is_one_line_exit_2(args, flag):
    assert_one_line_error(run("plan", "--model", "llama-3.1-8b", *args), flag)


def test_plan_unknown_model_is_exit_2():
    assert_one_line_error(run("plan", "--model", "gpt-99", "--rate", "1"), "--model")


def test_limits_nothing_meets_exit_0_best_null_with_reasons():
    res = run("plan", "--model", "llama-3.1-8b", "--rate", "2", "--hardware", "nvidia-l4", "--tpot-ms", "0.5", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["best"] is None and d["candidates"] == []
    assert d["infeasible"] and all(x["reason"] for x in d["infeasible"])
    assert {x["hardware"] for x in d["infeasible"]} == {"nvidia-l4"}


LIMITS = st.sampled_from([None, 200.0, 800.0, 3000.0])
PROPS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _cost(result):
    return float("inf") if result.best is None else result.best["usd_per_hour"]


@PROPS
@given(rate=st.floats(0.2, 40.0), more=st.floats(1.0, 4.0), ttft=LIMITS, tpot=st.sampled_from([None, 30.0, 80.0]))
def test_more_rate_never_lowers_cost(rate, more, ttft, tpot):
    assert _cost(_plan(rate_per_s=rate * more, ttft_ms=ttft, tpot_ms=tpot)) >= _cost(
        _plan(rate_per_s=rate, ttft_ms=ttft, tpot_ms=tpot)) - 1e-9


@PROPS
@given(rate=st.floats(0.2, 40.0), e2e=st.floats(500.0, 20000.0), tighter=st.floats(0.2, 1.0))
def test_tighter_limits_never_lower_cost(rate, e2e, tighter):
    assert _cost(_plan(rate_per_s=rate, e2e_ms=e2e * tighter, ttft_ms=400.0)) >= _cost(
        _plan(rate_per_s=rate, e2e_ms=e2e, ttft_ms=400.0)) - 1e-9


@PROPS
@given(rate=st.floats(0.2, 60.0), ttft=st.floats(50.0, 3000.0), tpot=st.floats(5.0, 200.0), e2e=LIMITS)
def test_a_feasible_answer_meets_its_own_limits(rate, ttft, tpot, e2e):
    res = _plan(rate_per_s=rate, ttft_ms=ttft, tpot_ms=tpot, e2e_ms=e2e)
    for c in ([res.best] if res.best else []) + list(res.candidates):
        assert c["ttft_ms_p90"] <= ttft * (1 + 1e-9) and c["tpot_ms"] <= tpot * (1 + 1e-9)
        assert e2e is None or c["e2e_ms_p90"] <= e2e * (1 + 1e-9)
        assert c["replicas"] * c["max_rate_per_replica"] >= rate * (1 - 1e-9)


def test_prefix_cache_hits_never_raise_cost_and_cut_ttft():
    cold = _plan(rate_per_s=10.0, prompt_tokens=4000, output_tokens=128, ttft_ms=800.0)
    warm = _plan(rate_per_s=10.0, prompt_tokens=4000, output_tokens=128, ttft_ms=800.0, prefix_cache_hit=0.8)
    assert _cost(warm) <= _cost(cold)
    assert warm.best["throughput_tokens_per_s"] >= cold.best["throughput_tokens_per_s"] or _cost(warm) < _cost(cold)
    assert warm.inputs["prefix_cache_hit"] == 0.8


@pytest.mark.parametrize("hit", ["1", "-0.1", "1.5"])
def test_prefix_cache_hit_out_of_range_is_exit_2(hit):
    assert_one_line_error(run("plan", "--model", "llama-3.1-8b", "--rate", "2", "--prefix-cache-hit", hit),
                          "--prefix-cache-hit")


def test_plan_refuses_a_per_input_model_with_the_command_that_answers_it():
    """A vision or tabular model has no tokens to plan: one line naming the command that compares
    devices at a rate, exit 2 (not a list of 'KV cache does not fit' reasons)."""
    res = subprocess.run([sys.executable, "-m", "scenarios.cli", "plan", "--model", "resnet-50", "--rate", "100",
                          "--latency-ms", "50"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and "--rate PER_S" in res.stderr
