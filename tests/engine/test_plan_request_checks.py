"""What ``plan`` refuses before searching (scenarios.engine.plan.check_request): each limit at its
boundary, with the field, the problem and the offending value, and the accepted runtimes named."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from scenarios.engine.plan import FORMATS_BY_RUNTIME, MAX_LENGTH_SIGMA, PlanRequest, check_request
from scenarios.errors import VentureLabError

OK = PlanRequest("llama-3.1-8b", rate_per_s=2.0, prompt_tokens=512, output_tokens=128)


def refused(**changes) -> VentureLabError:
    with pytest.raises(VentureLabError) as err:
        check_request(replace(OK, **changes))
    return err.value


@pytest.mark.parametrize("changes", [
    {}, {"rate_per_s": 1e-9}, {"ttft_ms": 0.001, "tpot_ms": 1e9, "e2e_ms": 5.0},
    {"prompt_tokens": 0, "output_tokens": 1}, {"prefix_cache_hit": 0.0}, {"prefix_cache_hit": 0.999},
    {"length_sigma": 0.0}, {"length_sigma": MAX_LENGTH_SIGMA}, {"max_devices": 1},
    {"usd_per_hour": 0.0}, {"usd_per_hour": 3.5}, {"hardware": ("nvidia-h100-sxm", "nvidia-l4")},
    {"hardware": ()}, *({"runtime": rt} for rt in FORMATS_BY_RUNTIME),
])
def test_requests_inside_every_limit_pass(changes):
    assert check_request(replace(OK, **changes)) is None


@pytest.mark.parametrize("field, value", [(f, v) for f in ("rate_per_s", "ttft_ms", "tpot_ms", "e2e_ms")
                                          for v in (0.0, -1.0, math.inf, math.nan)])
def test_rate_and_latency_limits_must_be_finite_and_positive(field, value):
    err = refused(**{field: value})
    assert err.field == ("rate" if field == "rate_per_s" else field)
    assert err.problem == "must be a number > 0"
    assert err.got is value or err.got == value


def test_a_per_input_model_is_sent_to_estimate_inference():
    err = refused(model="resnet-50")
    assert err.field == "model" and err.got == "resnet-50"
    assert err.problem == ("is answered per input, not per token: compare devices at a rate with "
                           "`estimate inference --model ID --hardware ID,ID --rate PER_S --latency-ms MS`")


def test_unknown_ids_are_refused():
    assert refused(model="no-such-model").field == "model"
    err = refused(hardware=("nvidia-h100-sxm", "no-such-gpu"))
    assert err.field == "hardware" and err.got == "no-such-gpu"


def test_unknown_runtime_names_the_continuous_batching_runtimes():
    err = refused(runtime="ollama")
    assert (err.field, err.problem, err.got) == ("runtime", "not a continuous-batching runtime", "ollama")
    assert err.accepted == "vllm, tensorrt-llm, llama.cpp, mlc"


@pytest.mark.parametrize("changes, got", [({"output_tokens": 0}, 0), ({"prompt_tokens": -1}, 128)])
def test_token_counts(changes, got):
    err = refused(**changes)
    assert (err.field, err.problem, err.got) == ("output_tokens", "must be >= 1 (prompt_tokens >= 0)", got)


@pytest.mark.parametrize("value", [1.0, -0.01, 1.5])
def test_prefix_cache_hit_is_a_share_with_one_excluded(value):
    err = refused(prefix_cache_hit=value)
    assert (err.field, err.problem, err.got) == ("prefix_cache_hit", "must be a share in 0..1 (1 excluded)", value)


@pytest.mark.parametrize("value", [-0.01, 2.01, math.inf, math.nan])
def test_length_sigma_is_bounded(value):
    err = refused(length_sigma=value)
    assert err.field == "length_sigma" and err.problem == "must be a log-normal sigma in 0..2.0"
    assert err.got is value or err.got == value


def test_max_devices_and_price():
    err = refused(max_devices=0)
    assert (err.field, err.problem, err.got) == ("max_devices", "must be >= 1", 0)
    for value in (-0.01, math.inf, math.nan):
        err = refused(usd_per_hour=value)
        assert (err.field, err.problem) == ("usd_per_hour", "must be a number >= 0")
        assert err.got is value
