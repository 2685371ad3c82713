"""`estimate inference --prefix-cache-hit F` (ARCHITECTURE 4.3): prompt tokens found in the prefix
cache are not prefilled, so the prefill work and TTFT scale with 1 - hit; decode does not change."""

from __future__ import annotations

import pytest

from tests.engine.cli_inproc import assert_one_line_error, estimate

REQ = ("--model", "llama-3.1-8b", "--hardware", "nvidia-h100-sxm", "--prompt-tokens", "4096")


def test_half_the_prompt_cached_halves_the_prefill_work():
    none, half = estimate(*REQ), estimate(*REQ, "--prefix-cache-hit", "0.5")
    assert none["inputs"]["prefix_cache_hit"] == 0 and half["inputs"]["prefix_cache_hit"] == 0.5
    assert half["prefill_flops"] == pytest.approx(none["prefill_flops"] / 2, rel=1e-12)
    assert 0.4 < half["ttft_ms"] / none["ttft_ms"] < 0.6
    assert half["decode_tokens_per_s"] == none["decode_tokens_per_s"]
    (hit,) = [a for a in half["assumptions"] if a["name"] == "prefix_cache_hit"]
    assert hit["value"] == 0.5 and "1 - hit" in hit["source"]
    assert not any(a["name"] == "prefix_cache_hit" for a in none["assumptions"])


def test_cached_prompts_shorten_ttft_under_continuous_batching():
    none, most = estimate(*REQ, "--batch", "32"), estimate(*REQ, "--batch", "32", "--prefix-cache-hit", "0.9")
    assert most["ttft_ms"] < 0.5 * none["ttft_ms"]
    assert most["throughput_tokens_per_s"] > none["throughput_tokens_per_s"]


@pytest.mark.parametrize("bad", ["1.5", "1", "-0.1", "lots", "nan"])
def test_a_share_outside_0_1_is_one_line(bad):
    assert_one_line_error(("estimate", "inference", *REQ, "--prefix-cache-hit", bad), "prefix_cache_hit")
