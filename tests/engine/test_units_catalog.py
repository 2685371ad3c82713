"""Catalogs, number parsing, device files and Hugging Face configs: hand-computed checks and clear errors."""

from __future__ import annotations

import json

import pytest

from scenarios.engine.catalog import (
    get_format,
    get_hardware,
    get_model,
    hardware_from_dict,
    load_formats,
    load_hardware,
    load_models,
    model_from_hf_config,
)
from scenarios.errors import VentureLabError
from scenarios.engine.prices import load_api_prices, load_rental_prices, operating_assumptions
from scenarios.units import Range, parse_number

REQUIRED_MODELS = """llama-2-7b llama-2-13b llama-2-70b llama-3-8b llama-3-70b llama-3.1-8b llama-3.1-70b
llama-3.1-405b llama-3.2-1b llama-3.2-3b llama-3.3-70b codellama-7b mistral-7b mixtral-8x7b qwen2.5-3b qwen2.5-7b
qwen2.5-72b phi-3.5-mini gemma-2-2b gemma-2-9b smollm2-1.7b gpt-j-6b gpt-oss-20b falcon-180b deepseek-v3 gpt-3-175b
opt-175b bloom-176b bert-base whisper-small resnet-50 vit-b-16 yolov8n mobilenet-v3-large""".split()


@pytest.mark.parametrize(("text", "value"), [("2e12", 2e12), ("2T", 2e12), ("500B", 5e11), ("7M", 7e6),
                                              ("32k", 32000), ("1_000", 1000), (" 4 ", 4), (3, 3)])
def test_number_suffixes(text, value):
    assert parse_number(text, "x") == value


@pytest.mark.parametrize("bad", ["abc", "", "1.5.2", "2X", float("nan"), float("inf"), True, None, [1]])
def test_bad_numbers_raise_the_project_error(bad):
    with pytest.raises(VentureLabError):
        parse_number(bad, "x")


def test_integer_and_range_checks_name_the_field():
    with pytest.raises(VentureLabError, match="batch"):
        parse_number("1.5", "batch", integer=True)
    with pytest.raises(VentureLabError, match=">= 1"):
        parse_number(0, "batch", minimum=1)


def test_catalogs_hold_every_contract_id():
    hw = load_hardware()
    assert len(hw) >= 61                       # rows are appended as devices arrive (ARCHITECTURE 4.3)
    assert {"nvidia-h100-sxm", "nvidia-jetson-orin-nano-8gb", "apple-m2-max-38c",
            "qualcomm-snapdragon-8-gen-3"} <= set(hw)
    assert {"aws-c7i-8xlarge", "aws-c7a-8xlarge", "aws-c7g-8xlarge", "aws-c8g-8xlarge",
            "gcp-c4-standard-32"} <= {h for h in hw if hw[h].hw_class == "cpu-server"}
    assert set(REQUIRED_MODELS) <= set(load_models())
    # 4.1's formats plus 4.3's q5_k_m, q6_k and w4a16
    assert set(load_formats()) == {"fp32", "fp16", "bf16", "fp8", "int8", "int4", "q8_0", "q4_0", "q4_k_m",
                                   "mxfp4", "nvfp4", "q5_k_m", "q6_k", "w4a16"}


def test_every_device_has_every_figure_an_estimate_needs():
    for h in load_hardware().values():
        for f in ("memory_gb", "memory_bandwidth_gb_s", "peak_tflops_fp32", "peak_tflops_fp16", "peak_tops_int8",
                  "tdp_w", "usable_memory_gb"):
            assert getattr(h, f) > 0, (h.id, f)
        assert h.source
        if h.hw_class == "phone":
            assert h.battery_wh and "battery_wh" in h.derived
            lo, ex, hi = h.range_of("battery_wh")
            assert lo <= ex <= hi and lo < hi      # a labelled range, not a point guess


def test_hardware_ranges_are_ranges_and_json_keeps_the_three_number_lists():
    ranged = [h for h in load_hardware().values() if h.ranges]
    assert ranged
    for h in ranged:
        assert all(isinstance(r, Range) for r in h.ranges.values())
        assert h.to_dict()["ranges"] == {k: [r.low, r.expected, r.high] for k, r in h.ranges.items()}
        assert hash(h) == hash(h)      # still usable as a key
    h = ranged[0]
    assert h.range_of("memory_gb") == Range.point(h.memory_gb)


def test_a_device_file_with_an_unordered_range_is_refused_naming_the_field():
    fields = {"memory_gb": 8, "memory_bandwidth_gb_s": 100, "peak_tflops_fp16": 10,
              "ranges": {"tdp_w": [30, 20, 40]}}
    with pytest.raises(VentureLabError, match="ranges tdp_w.*low <= expected <= high"):
        hardware_from_dict(fields)


def test_true_bits_per_weight_include_block_scales():
    # llama.cpp block_q8_0: 2-byte scale + 32 int8 = 34 bytes / 32 weights; block_q4_0: 2 + 16 = 18 bytes / 32;
    # OCP MXFP4: 8-bit scale per 32 FP4; NVFP4: 8-bit scale per 16 FP4.
    bits = {k: v.bits_per_weight for k, v in load_formats().items()}
    assert bits["q8_0"] == 34 * 8 / 32
    assert bits["q4_0"] == 18 * 8 / 32
    assert bits["mxfp4"] == 4 + 8 / 32
    assert bits["nvfp4"] == 4 + 8 / 16
    assert bits["fp16"] == bits["bf16"] == 16


def test_attention_types_recorded():
    assert get_model("deepseek-v3").attention_type == "mla" and get_model("deepseek-v3").kv_lora_rank == 512
    assert get_model("mistral-7b").sliding_window == 4096 and get_model("mistral-7b").sliding_window_layers == "all"
    assert get_model("gemma-2-9b").sliding_window_layers == "alternate"
    assert get_model("gpt-oss-20b").sliding_window == 128
    assert get_model("llama-2-70b").attention_type == "gqa"
    assert get_model("llama-2-7b").attention_type == "mha"


def test_apple_m3_gpu_flops_derived_from_cores_and_clock():
    # 40 cores x 128 ALUs x 2 FLOP x 1.5 GHz (midpoint of the 1.398 / 1.6 GHz readings) = 15.36 TFLOPS,
    # range 14.32-16.38 (derivation documented in data/README.md)
    h = get_hardware("apple-m3-max-40c")
    assert h.peak_tflops_fp32 == pytest.approx(40 * 128 * 2 * 1.5 / 1000, rel=1e-3)
    assert h.range_of("peak_tflops_fp32").as_tuple() == pytest.approx((14.32, 15.36, 16.38), abs=0.01)
    assert "peak_tflops_fp32" in h.derived and not h.verified


def test_unknown_ids_list_valid_choices():
    with pytest.raises(VentureLabError) as e:
        get_hardware("nvidia-h1000")
    assert "nvidia-h100-sxm" in str(e.value)
    with pytest.raises(VentureLabError, match="llama-2-7b"):
        get_model("llama-9")
    with pytest.raises(VentureLabError, match="q4_k_m"):
        get_format("q3")


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".toml"])
def test_device_file_in_each_format(tmp_path, suffix):
    fields = {"id": "my-gpu", "memory_gb": 32, "memory_bandwidth_gb_s": 1000, "peak_tflops_fp16": 200}
    path = tmp_path / f"dev{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(fields))
    elif suffix == ".yaml":
        path.write_text("\n".join(f"{k}: {v}" for k, v in fields.items()))
    else:
        path.write_text("\n".join(f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}" for k, v in fields.items()))
    h = get_hardware(str(path))
    assert h.id == "my-gpu" and h.memory_bandwidth_gb_s == 1000
    assert h.peak_tflops_fp32 == 100 and "peak_tflops_fp32" in h.derived


@pytest.mark.parametrize("fields", [{"memory_gb": -1, "memory_bandwidth_gb_s": 100, "peak_tflops_fp16": 1},
                                    {"memory_gb": 8, "memory_bandwidth_gb_s": "fast", "peak_tflops_fp16": 1},
                                    {"memory_gb": 8, "peak_tflops_fp16": 1},
                                    {"memory_gb": 8, "memory_bandwidth_gb_s": 100, "peak_tflops_fp16": 1,
                                     "hw_class": "quantum"},
                                    {"memory_gb": 8, "memory_bandwidth_gb_s": 100, "peak_tflops_fp16": 1, "colour": 1},
                                    ["not", "a", "mapping"]])
def test_bad_device_fields_raise(fields):
    with pytest.raises(VentureLabError):
        hardware_from_dict(fields)


def test_missing_peaks_are_derived_as_documented_and_listed_in_order():
    # fp16 = fp32 when only fp32 is given; int8 = fp16; int4 = int8; tdp_w 300 W (docs/engine-api.md)
    h = hardware_from_dict({"memory_gb": 8, "memory_bandwidth_gb_s": 100, "peak_tflops_fp32": 30})
    assert (h.peak_tflops_fp16, h.peak_tops_int8, h.peak_tops_int4, h.tdp_w) == (30, 30, 30, 300)
    assert h.derived == ("peak_tflops_fp16", "tdp_w", "peak_tops_int8", "peak_tops_int4")
    assert (h.id, h.hw_class, h.category) == ("custom-device", "nvidia-consumer", "workstation-gpu")
    given = hardware_from_dict({"memory_gb": 8, "memory_bandwidth_gb_s": 100, "peak_tflops_fp16": 30,
                                "peak_tops_int8": 120, "tdp_w": 50})
    assert (given.peak_tflops_fp32, given.peak_tops_int8, given.peak_tops_int4) == (15, 120, 120)
    assert given.derived == ("peak_tflops_fp32", "peak_tops_int4")


def test_a_config_file_is_named_after_its_folder_and_a_bad_key_names_the_file(tmp_path):
    folder = tmp_path / "my-llm"
    folder.mkdir()
    config = {"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
              "vocab_size": 100}
    (folder / "config.json").write_text(json.dumps(config))
    assert get_model(str(folder / "config.json")).id == "custom:my-llm"
    (folder / "config.json").write_text(json.dumps({**config, "num_attention_heads": "four"}))
    with pytest.raises(VentureLabError, match="in config file config.json: config.json num_attention_heads"):
        get_model(str(folder / "config.json"))


def test_unreadable_device_and_config_files(tmp_path):
    broken = tmp_path / "dev.yaml"
    broken.write_text("memory_gb: [unclosed")
    with pytest.raises(VentureLabError, match="cannot parse"):
        get_hardware(str(broken))
    with pytest.raises(VentureLabError, match="cannot read"):
        get_model(str(tmp_path / "missing" / "config.json"))


BASE = dict(model_type="llama", num_hidden_layers=32, hidden_size=4096, num_attention_heads=32,
            num_key_value_heads=8, intermediate_size=14336, vocab_size=128256, max_position_embeddings=8192)


def test_hf_config_llama3_8b_matches_the_catalog():
    m = model_from_hf_config(BASE, "llama-3-8b")
    assert m.params_b == pytest.approx(get_model("llama-3-8b").params_b, rel=1e-4)
    assert m.attention_type == "gqa"


@pytest.mark.parametrize("patch", [{"num_hidden_layers": "32"}, {"num_hidden_layers": -1},
                                   {"hidden_size": 10**12}, {"num_attention_heads": 0},
                                   {"num_key_value_heads": 64}, {"vocab_size": 3.5}, {"num_hidden_layers": None},
                                   {"num_hidden_layers": True}, {"tie_word_embeddings": "yes"},
                                   {"num_attention_heads": 33, "head_dim": None},
                                   {"num_local_experts": 8, "num_experts_per_tok": 9}, {"model_type": 5}])
def test_hostile_hf_configs_raise_the_project_error(patch):
    cfg = {**BASE, **patch}
    cfg = {k: v for k, v in cfg.items() if v is not None}
    with pytest.raises(VentureLabError):
        model_from_hf_config(cfg)


def test_absurd_total_size_is_refused():
    cfg = {**BASE, "num_hidden_layers": 1000, "hidden_size": 200_000, "intermediate_size": 1_000_000,
           "num_attention_heads": 1000, "num_key_value_heads": 1000}
    with pytest.raises(VentureLabError, match="absurd"):
        model_from_hf_config(cfg)


def test_prices_and_operating_ranges():
    ops = operating_assumptions()
    for k in ("utilisation", "pue", "grid_kg_co2_per_kwh", "electricity_usd_per_kwh"):
        assert ops[k].range.low <= ops[k].expected <= ops[k].range.high and ops[k].source
    assert any(p.provider == "Anthropic" for p in load_api_prices())
    h100 = [r for r in load_rental_prices() if r.hardware_id == "nvidia-h100-sxm" and r.usd_per_gpu_hour]
    assert len(h100) >= 5
    # the catalog price is the documented median of on-demand listings
    assert get_hardware("nvidia-h100-sxm").usd_per_hour == pytest.approx(4.14)


def test_usable_memory_converts_binary_sizes_to_decimal_gb():
    # an '80 GB' H100 holds 80 GiB = 85.9e9 bytes; a Mac may give the GPU ~75% of its unified memory
    assert get_hardware("nvidia-h100-sxm").usable_memory_gb == pytest.approx(80 * 2**30 / 1e9, abs=0.01)
    assert get_hardware("apple-m2-max-38c").usable_memory_gb == pytest.approx(96 * 2**30 / 1e9 * 0.75, abs=0.01)
