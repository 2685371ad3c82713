"""--devices N through the CLI (ARCHITECTURE 4.3): llama.cpp splits layers, so batch-1 decode does not
grow with N (tensor parallel under vLLM does); phones and single-board computers refuse N > 1."""

from __future__ import annotations

import json

import pytest

from tests.engine.cli_inproc import run as cli_run


def run(*args):
    return cli_run(*args)


def decode(devices: int, runtime: str) -> dict:
    res = run("estimate", "inference", "--model", "llama-3.1-70b", "--hardware", "nvidia-rtx-4090", "--weights",
              "q4_k_m", "--devices", str(devices), "--runtime", runtime, "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_llama_cpp_layer_split_does_not_speed_up_batch_one_decode():
    one, two, four = (decode(n, "llama.cpp") for n in (1, 2, 4))
    assert two["fits"] and four["fits"] and not one["fits"]     # the split is for memory, not speed
    assert two["decode_tokens_per_s"] <= one["decode_tokens_per_s"]
    assert four["decode_tokens_per_s"] <= two["decode_tokens_per_s"]
    assert four["decode_tokens_per_s"] == pytest.approx(one["decode_tokens_per_s"], rel=0.01)
    assert four["comm_s_per_step"] > two["comm_s_per_step"] > 0    # one hand-off per device boundary
    # tensor parallel (vLLM) does add the devices' bandwidth
    assert decode(2, "vllm")["decode_tokens_per_s"] > 1.5 * decode(2, "llama.cpp")["decode_tokens_per_s"]


@pytest.mark.parametrize("hardware", ["qualcomm-snapdragon-8-elite", "apple-a18-pro", "raspberry-pi-5"])
def test_phones_and_boards_refuse_more_than_one_device(hardware):
    res = run("estimate", "inference", "--model", "llama-3.2-1b", "--hardware", hardware, "--devices", "2")
    assert res.returncode == 2 and res.stdout == ""
    line = res.stderr.strip()
    assert "\n" not in line and "--devices" in line and "runs a model alone" in line
    assert run("estimate", "inference", "--model", "llama-3.2-1b", "--hardware", hardware).returncode == 0
