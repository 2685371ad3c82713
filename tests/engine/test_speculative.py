"""`estimate inference --speculative none|eagle|mtp|draft:MODEL_ID --spec-acceptance F`
(ARCHITECTURE 4.3): tokens per step from Leviathan et al. 2023 eq. 1, the draft's cost, and a gain
that shrinks as the batch grows."""

from __future__ import annotations

import pytest

from tests.engine.cli_inproc import assert_one_line_error, estimate

REQ = ("--model", "llama-3-70b", "--hardware", "nvidia-h100-sxm", "--devices", "4")


def _named(est, name):
    (a,) = [a for a in est["assumptions"] if a["name"] == name]
    return a


def test_eagle_speeds_up_decode_at_batch_one_with_its_published_acceptance():
    none, eagle = estimate(*REQ), estimate(*REQ, "--speculative", "eagle")
    assert eagle["inputs"]["speculative"] == "eagle" and eagle["inputs"]["spec_acceptance"] == 0.8
    speedup = eagle["decode_tokens_per_s"] / none["decode_tokens_per_s"]
    assert 1.5 < speedup < 3.8          # EAGLE reports 2.7x-3.5x on 70B chat models at batch 1
    assert _named(eagle, "spec_decode_speedup")["value"] == pytest.approx(speedup, rel=1e-9)
    a, g = 0.8, 5
    assert _named(eagle, "spec_tokens_per_step")["value"] == pytest.approx((1 - a ** (g + 1)) / (1 - a))
    assert "EAGLE" in _named(eagle, "spec_acceptance")["source"]
    assert eagle["ttft_ms"] == none["ttft_ms"]


def test_the_gain_shrinks_as_the_batch_grows():
    def gain(batch):
        plain = estimate(*REQ, "--batch", batch)
        spec = estimate(*REQ, "--batch", batch, "--speculative", "eagle")
        return spec["throughput_tokens_per_s"] / plain["throughput_tokens_per_s"]
    g1, g64 = gain("1"), gain("64")
    assert g1 > 1.5 and g64 < g1 * 0.8, (g1, g64)


def test_mtp_and_draft_models_and_the_acceptance_flag():
    moe = ("--model", "deepseek-v3", "--hardware", "nvidia-h200-sxm", "--weights", "fp8", "--devices", "8")
    mtp = estimate(*moe, "--speculative", "mtp")
    assert mtp["inputs"]["spec_acceptance"] == 0.875 and "DeepSeek-V3" in _named(mtp, "spec_acceptance")["source"]
    assert 1.5 < _named(mtp, "spec_decode_speedup")["value"] < 1.9     # the report: 1.8x tokens per second
    low = estimate(*REQ, "--speculative", "draft:llama-3.2-1b", "--spec-acceptance", "0.5")
    high = estimate(*REQ, "--speculative", "draft:llama-3.2-1b", "--spec-acceptance", "0.9")
    assert low["decode_tokens_per_s"] < high["decode_tokens_per_s"]
    assert high["weights_gb"] > estimate(*REQ)["weights_gb"]      # the draft's weights are held too


@pytest.mark.parametrize("args,words", [
    (("--speculative", "guess"), ("--speculative", "eagle, mtp")),
    (("--speculative", "draft:no-such-model"), ("--speculative", "draft model")),
    (("--speculative", "eagle", "--spec-acceptance", "2"), ("spec_acceptance",)),
])
def test_bad_speculation_input_is_one_line(args, words):
    assert_one_line_error(("estimate", "inference", *REQ, *args), *words)


def test_the_text_report_names_the_split_and_the_options():
    from tests.engine.cli_inproc import cli
    rc, out, err = cli("estimate", "inference", *REQ, "--parallel", "pp", "--speculative", "mtp",
                       "--prefix-cache-hit", "0.25")
    assert rc == 0, err
    assert "devices 4, pp split" in out and "prefix cache hit 0.25" in out and "speculative mtp (acceptance 0.875" in out


def test_per_input_models_refuse_the_token_options():
    assert_one_line_error(("estimate", "inference", "--model", "resnet-50", "--hardware", "aws-c7i-8xlarge",
                           "--speculative", "eagle"), "generate tokens")


def test_batch_max_leaves_room_for_the_draft_model():
    req = ("--model", "llama-3-8b", "--hardware", "nvidia-l4", "--batch", "max")
    plain, spec = estimate(*req), estimate(*req, "--speculative", "draft:llama-3.2-1b")
    assert spec["fits"] and plain["fits"]
    assert spec["inputs"]["batch"] < plain["inputs"]["batch"]
