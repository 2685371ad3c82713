"""Catalog growth (issue 10, ARCHITECTURE 4.3 ids): every new device, model and weight format is in
the catalog with a source, a date and a verified flag; one architecture figure per new model is
pinned to the config.json value its row cites; a parameter count is checked against the model card;
the new hardware classes answer through the CLI and map to the 4.3 reporting classes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scenarios.engine import groups
from scenarios.engine.catalog import HW_CLASSES, load_formats, load_hardware, load_models

ROOT = Path(__file__).resolve().parents[2]

NEW_GPUS = ("nvidia-rtx-5090", "nvidia-gb10", "nvidia-gb200", "amd-mi325x", "intel-gaudi-3", "amd-radeon-ai-pro-r9700")
NEW_PHONES = ("qualcomm-snapdragon-8-elite-gen-5", "apple-a19-pro", "mediatek-dimensity-9400", "qualcomm-snapdragon-8-gen-2")
NEW_MODELS = ("qwen3-0.6b", "qwen3-1.7b", "qwen3-4b", "qwen3-8b", "qwen3-14b", "qwen3-32b", "qwen3-30b-a3b",
              "qwen3-235b-a22b", "llama-4-scout", "llama-4-maverick", "gemma-3-1b", "gemma-3-4b", "gemma-3-12b",
              "gemma-3-27b", "gpt-oss-120b", "phi-4", "deepseek-r1-distill-qwen-14b")
NEW_FORMATS = ("q5_k_m", "q6_k", "w4a16")
DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
CITATION = re.compile(r"https?://|github\.com|arXiv:", re.IGNORECASE)


@pytest.mark.parametrize("hid", NEW_GPUS + NEW_PHONES)
def test_every_new_device_is_catalogued_with_source_date_and_flag(hid):
    hw = load_hardware()[hid]
    assert CITATION.search(hw.source) and DATE.search(hw.source + hw.notes + hw.price_as_of)
    assert isinstance(hw.verified, bool) and hw.derived      # every row derives something and says which


def test_the_radeon_ai_pro_r9700_bandwidth_is_derived_and_flagged_unverified():
    # No AMD page read here states the R9700's bandwidth: the row derives it from the Navi 48
    # memory system (256 bit x 20 Gb/s) and must say so, flagged unverified, with a range.
    hw = load_hardware()["amd-radeon-ai-pro-r9700"]
    assert hw.memory_bandwidth_gb_s == pytest.approx(256 * 20 / 8)
    assert "memory_bandwidth_gb_s" in hw.derived and hw.verified is False
    assert hw.hw_class == "amd-consumer" and hw.memory_gb == 32


@pytest.mark.parametrize("mid", NEW_MODELS)
def test_every_new_model_is_catalogued_with_source_date_and_flag(mid):
    m = load_models()[mid]
    assert CITATION.search(m.source) and DATE.search(m.source)
    assert isinstance(m.verified, bool) and "params_b computed here" in m.notes


@pytest.mark.parametrize("fid", NEW_FORMATS)
def test_every_new_format_is_catalogued_with_source_and_flag(fid):
    f = load_formats()[fid]
    assert f.source and f.verified and f.bits_per_weight > 4


# One figure per model, as its cited config.json prints it (the config key in the comment).
CONFIG_FIGURES = [
    ("qwen3-0.6b", "ffn_size", 3072),          # intermediate_size (mlc-llm preset qwen3_0.6b)
    ("qwen3-1.7b", "hidden_size", 2048),       # hidden_size
    ("qwen3-4b", "ffn_size", 9728),            # intermediate_size (LLM-Prof Model_Config.md)
    ("qwen3-8b", "ffn_size", 12288),           # intermediate_size
    ("qwen3-14b", "ffn_size", 17408),          # intermediate_size
    ("qwen3-32b", "layers", 64),               # num_hidden_layers
    ("qwen3-30b-a3b", "ffn_size", 768),        # moe_intermediate_size (per expert)
    ("qwen3-235b-a22b", "layers", 94),         # num_hidden_layers
    ("llama-4-scout", "num_experts", 16),      # num_local_experts
    ("llama-4-maverick", "num_experts", 128),  # 128 experts (the model's name: 17B-128E)
    ("gemma-3-1b", "sliding_window", 512),     # sliding_window (mlc-llm preset gemma3_1b_it)
    ("gemma-3-4b", "layers", 34),              # num_hidden_layers
    ("gemma-3-12b", "ffn_size", 15360),        # text_config.intermediate_size
    ("gemma-3-27b", "hidden_size", 5376),      # text_config.hidden_size
    ("gpt-oss-120b", "layers", 36),            # num_hidden_layers
    ("phi-4", "kv_heads", 10),                 # num_key_value_heads
    ("deepseek-r1-distill-qwen-14b", "ffn_size", 13824),   # base Qwen2.5-14B intermediate_size
]


@pytest.mark.parametrize("mid, field, value", CONFIG_FIGURES)
def test_architecture_figure_matches_its_config(mid, field, value):
    assert getattr(load_models()[mid], field) == value


def test_gpt_oss_120b_parameter_count_matches_its_model_card():
    # OpenAI gpt-oss model card (arXiv:2508.10925): 116.8B total, 5.1B active (embedding lookup left out)
    m = load_models()["gpt-oss-120b"]
    assert m.params_b == pytest.approx(116.8, rel=0.002)
    assert m.active_params_b == pytest.approx(5.1, rel=0.01) and m.active_excludes_embedding


def test_gemma_3_keeps_one_global_layer_in_six():
    # Gemma 3 (sliding_window_pattern 6): layer i is global when (i + 1) % 6 == 0 -> 52 local of 62
    assert load_models()["gemma-3-27b"].local_layers == 52
    assert load_models()["gemma-3-1b"].local_layers == 22


def test_every_hardware_class_has_a_4_3_reporting_class():
    assert {groups.reporting_class(c, groups.default_runtime(c)) for c in HW_CLASSES} == {
        "datacenter GPU", "consumer/desk GPU", "Apple", "edge", "server CPU", "phone CPU"}
    assert groups.reporting_class("gb10", "llama.cpp") == "consumer/desk GPU"
    assert groups.reporting_class("amd-consumer", "llama.cpp") == "consumer/desk GPU"
    assert groups.reporting_class("gaudi", "vllm") == "datacenter GPU"
    assert groups.reporting_class("phone", "mlc") == "phone GPU"


def test_new_classes_formats_and_window_patterns_answer_through_the_cli(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("model,hardware,weights,prompt_tokens,output_tokens\n"
                    "llama-3.1-8b,nvidia-gb10,q4_k_m,512,128\n"
                    "llama-3.1-8b,intel-gaudi-3,bf16,512,128\n"
                    "gemma-3-12b,nvidia-h100-sxm,bf16,32000,0\n"
                    "qwen3-8b,nvidia-rtx-5090,q6_k,512,128\n")
    res = subprocess.run([sys.executable, "-m", "scenarios.cli", "estimate", "inference", "--from-csv", str(rows),
                          "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    gb10, gaudi, gemma, qwen = (json.loads(line) for line in res.stdout.splitlines())
    assert gb10["inputs"]["runtime"] == "llama.cpp" and gb10["decode_tokens_per_s"] > 0
    assert gaudi["inputs"]["runtime"] == "vllm" and gaudi["decode_tokens_per_s"] > 0
    # KV of 32,000 tokens: 2 (K, V) x 8 KV heads x 256 x 2 bytes x (8 global x 32,000 + 40 local x 1,024)
    assert gemma["kv_cache_gb"] == pytest.approx(2 * 8 * 256 * 2 * (8 * 32000 + 40 * 1024) / 1e9, rel=1e-6)
    assert qwen["weights_gb"] == pytest.approx(load_models()["qwen3-8b"].params * 6.5625 / 8 / 1e9, rel=0.02)
