"""`venture-lab` as a user runs it: subprocess, exit codes, JSON keys, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scenarios.engine.catalog import load_hardware

ROOT = Path(__file__).resolve().parents[2]


def run(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "scenarios.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def assert_one_line_error(res, *words):
    assert res.returncode == 2, res.stderr
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    for w in words:
        assert w in lines[0]


def test_inference_json_keys_suffixes_and_echoed_defaults():
    res = run("estimate", "inference", "--model", "llama-3-8b", "--hardware", "nvidia-h100-sxm",
              "--prompt-tokens", "2k", "--output-tokens", "0.1k", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    for k in ("weights_gb", "kv_cache_gb", "total_memory_gb", "fits", "devices_needed", "prefill_tokens_per_s",
              "decode_tokens_per_s", "throughput_tokens_per_s", "ttft_ms", "tpot_ms", "usd_per_million_tokens",
              "energy_j_per_token", "runtime", "inputs", "assumptions"):
        assert k in d
    for k in ("prefill_tokens_per_s", "decode_tokens_per_s", "throughput_tokens_per_s", "ttft_ms", "tpot_ms"):
        assert f"{k}_low" in d and f"{k}_high" in d
    assert d["inputs"]["prompt_tokens"] == 2000 and d["inputs"]["output_tokens"] == 100
    assert d["inputs"]["weights"] == "fp16" and d["inputs"]["batch"] == 1 and d["runtime"] == "vllm"


@pytest.mark.parametrize(("args", "words"), [
    (("--hardware", "nvidia-h1000"), ("--hardware", "nvidia-h100-sxm")),
    (("--hardware", "nvidia-h100-sxm", "--prompt-tokens", "-5"), ("--prompt-tokens",)),
    (("--hardware", "nvidia-h100-sxm", "--batch", "many"), ("--batch",)),
    (("--hardware", "nvidia-h100-sxm", "--weights", "q3_k"), ("--weights", "q4_k_m")),
    (("--hardware", "apple-m1-7c", "--runtime", "tensorrt-llm"), ("--runtime", "llama.cpp")),
])
def test_bad_inference_input_exits_2_with_one_line(args, words):
    assert_one_line_error(run("estimate", "inference", "--model", "llama-2-7b", *args, "--json"), *words)


def test_usage_errors_are_one_line_too(tmp_path):
    assert_one_line_error(run("catalog", "gpus"), "hardware", "models", "formats")
    bad = tmp_path / "config.json"
    bad.write_text("{not json")
    assert_one_line_error(run("estimate", "inference", "--model", str(bad), "--hardware", "nvidia-t4"), "--model")


def test_from_csv_json_lines_with_a_bad_row(tmp_path):
    f = tmp_path / "reqs.csv"
    f.write_text("model,hardware,weights,batch,prompt_tokens\n"
                 "llama-2-7b,nvidia-t4,q4_0,1,512\n"
                 "llama-2-7b,no-such-gpu,q4_0,1,512\n"
                 "mistral-7b,apple-m2-max-38c,,4,1k\n")
    res = run("estimate", "inference", "--from-csv", str(f), "--json")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.strip().splitlines()]
    assert len(rows) == 3
    assert rows[1]["row"] == 2 and "no-such-gpu" in rows[1]["error"] and set(rows[1]) == {"row", "error"}
    assert rows[0]["decode_tokens_per_s"] > 0 and rows[2]["inputs"]["prompt_tokens"] == 1000
    assert rows[2]["inputs"]["weights"] == "fp16"


def test_training_json_and_catalog_json(tmp_path):
    res = run("estimate", "training", "--model", "llama-2-7b", "--hardware", "nvidia-a100-80gb-sxm",
              "--tokens", "2T", "--devices", "1k", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    for k in ("training_flops", "accelerator_hours", "wall_clock_days", "cost_usd", "energy_kwh", "co2_kg",
              "memory_per_device_gb", "accelerator_hours_low", "accelerator_hours_high"):
        assert k in d
    assert d["inputs"]["tokens"] == 2e12 and d["inputs"]["devices"] == 1000
    cat = run("catalog", "hardware", "--json")
    assert cat.returncode == 0 and len(json.loads(cat.stdout)) == len(load_hardware())


def test_device_file_and_hf_config_paths(tmp_path):
    dev = tmp_path / "my-board.yaml"
    dev.write_text("memory_gb: 16\nmemory_bandwidth_gb_s: 120\npeak_tflops_fp16: 20\nhw_class: jetson\n"
                   "category: edge\ntdp_w: 30\n")
    cfg = tmp_path / "tiny" / "config.json"
    cfg.parent.mkdir()
    cfg.write_text(json.dumps({"model_type": "llama", "num_hidden_layers": 4, "hidden_size": 256,
                               "num_attention_heads": 4, "intermediate_size": 512, "vocab_size": 1000}))
    res = run("estimate", "inference", "--model", str(cfg), "--hardware", str(dev), "--prompt-tokens", "64",
              "--output-tokens", "16", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["inputs"]["hardware"] == "my-board" and d["runtime"] == "mlc" and d["decode_tokens_per_s"] > 0
