"""`estimate inference --parallel tp|pp|layer|ep` (ARCHITECTURE 4.3): how `--devices N` split one
replica, through the CLI."""

from __future__ import annotations

import json

from tests.engine.cli_inproc import assert_one_line_error, cli, estimate

BIG = ("--model", "llama-3-70b", "--hardware", "nvidia-h100-sxm")
FIGURES = ("decode_tokens_per_s", "throughput_tokens_per_s", "ttft_ms", "tpot_ms", "memory_per_device_gb",
           "usd_per_million_tokens", "comm_s_per_step")


def test_tp_is_the_default_and_llama_cpp_defaults_to_layer():
    default = estimate(*BIG, "--devices", "4", "--batch", "8")
    tp = estimate(*BIG, "--devices", "4", "--batch", "8", "--parallel", "tp")
    assert default["inputs"]["parallel"] == "tp" and tp["inputs"]["parallel"] == "tp"
    assert {k: default[k] for k in FIGURES} == {k: tp[k] for k in FIGURES}
    cpp = estimate(*BIG, "--devices", "2", "--runtime", "llama.cpp", "--weights", "q4_k_m")
    layer = estimate(*BIG, "--devices", "2", "--runtime", "llama.cpp", "--weights", "q4_k_m", "--parallel", "layer")
    assert cpp["inputs"]["parallel"] == "layer" and {k: cpp[k] for k in FIGURES} == {k: layer[k] for k in FIGURES}


def test_layer_and_pipeline_batch_one_decode_does_not_grow_with_devices():
    for mode in ("layer", "pp"):
        speeds = [estimate(*BIG, "--devices", str(n), "--parallel", mode)["decode_tokens_per_s"] for n in (2, 4, 8)]
        assert speeds[1] <= speeds[0] * 1.0001 and speeds[2] <= speeds[1] * 1.0001, (mode, speeds)
    tp = [estimate(*BIG, "--devices", str(n))["decode_tokens_per_s"] for n in (2, 4)]
    assert tp[1] > 1.3 * tp[0]


def test_pipeline_throughput_grows_with_devices_at_batch_above_one():
    thr = [estimate(*BIG, "--weights", "fp8", "--batch", "64", "--devices", str(n), "--parallel", "pp")
           ["throughput_tokens_per_s"] for n in (2, 4, 8)]
    assert thr[0] < thr[1] < thr[2], thr
    one = estimate(*BIG, "--weights", "fp8", "--devices", "4", "--parallel", "pp")
    assert thr[1] > 10 * one["throughput_tokens_per_s"]
    assert any(a["name"] == "pipeline_parallel" for a in estimate(*BIG, "--devices", "4", "--parallel", "pp")
               ["assumptions"])


def test_expert_parallel_runs_mixture_of_experts_and_refuses_dense_models():
    moe = ("--model", "mixtral-8x7b", "--hardware", "nvidia-h100-sxm", "--devices", "4", "--batch", "32")
    ep, tp = estimate(*moe, "--parallel", "ep"), estimate(*moe)
    assert ep["inputs"]["parallel"] == "ep" and ep["fits"]
    # attention and the shared weights are replicated on every device
    assert ep["memory_per_device_gb"] > tp["memory_per_device_gb"]
    assert ep["comm_s_per_step"] > 0 and ep["throughput_tokens_per_s"] > 0
    assert any(a["name"] == "expert_parallel_all_to_all" for a in ep["assumptions"])
    assert_one_line_error(("estimate", "inference", *BIG, "--devices", "2", "--parallel", "ep"),
                          "--parallel", "mixture-of-experts", "accepted: tp, pp, layer")


def test_bad_split_is_one_line_and_the_csv_column_matches_the_flag(tmp_path):
    assert_one_line_error(("estimate", "inference", *BIG, "--parallel", "sideways"), "--parallel", "tp, pp, layer, ep")
    path = tmp_path / "rows.csv"
    path.write_text("model,hardware,devices,batch,parallel\nllama-3-70b,nvidia-h100-sxm,4,64,pp\n"
                    "llama-3-70b,nvidia-h100-sxm,2,1,ep\n")
    rc, out, err = cli("estimate", "inference", "--from-csv", str(path), "--json")
    assert rc == 0, err
    rows = [json.loads(x) for x in out.splitlines()]
    one = estimate(*BIG, "--devices", "4", "--batch", "64", "--parallel", "pp")
    assert rows[0]["inputs"]["parallel"] == "pp" and rows[0]["throughput_tokens_per_s"] == one["throughput_tokens_per_s"]
    assert "mixture-of-experts" in rows[1]["error"]
