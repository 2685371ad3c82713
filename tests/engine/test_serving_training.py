"""Serving and training estimates: hand-computed values and the contract's behaviours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scenarios.engine.catalog import get_hardware, get_model, load_hardware
from scenarios.errors import VentureLabError
from scenarios.engine.memory import mean_cached_token_layers, model_arrays
from scenarios.engine.serving import (
    InferenceRequest,
    devices_for_rate,
    estimate_inference,
    estimate_inference_table,
    estimate_vision,
    largest_model_that_fits,
    max_batch_that_fits,
)
from scenarios.engine.serving_core import serving_arrays
from scenarios.engine.training import TrainingRequest, estimate_training, finetune_memory, scaling_projection

CONTRACT_KEYS = ["weights_gb", "kv_cache_gb", "total_memory_gb", "fits", "devices_needed", "prefill_tokens_per_s",
                 "decode_tokens_per_s", "throughput_tokens_per_s", "ttft_ms", "tpot_ms", "usd_per_million_tokens",
                 "energy_j_per_token"]


def test_json_keys_and_bands_of_one_estimate():
    d = estimate_inference(InferenceRequest("llama-3-8b", "nvidia-h100-sxm")).to_dict()
    for k in CONTRACT_KEYS:
        assert k in d
    for k in ("prefill_tokens_per_s", "decode_tokens_per_s", "throughput_tokens_per_s", "ttft_ms", "tpot_ms"):
        assert d[f"{k}_low"] <= d[k] <= d[f"{k}_high"], k
    assert d["inputs"] == {"model": "llama-3-8b", "hardware": "nvidia-h100-sxm", "weights": "fp16",
                           "kv_cache": "fp16", "runtime": "vllm", "batch": 1, "prompt_tokens": 512,
                           "output_tokens": 128, "devices": 1, "price_per_hour": None, "utilisation": 0.5,
                           "parallel": "tp", "prefix_cache_hit": 0.0, "speculative": "none", "spec_acceptance": None}
    assert d["tpot_ms"] == pytest.approx(1000 / d["decode_tokens_per_s"])
    assert {a["name"] for a in d["assumptions"]} >= {"speed_model", "pue", "utilisation", "price_per_hour"}


def test_weights_kv_and_fit_hand_computed():
    # Llama-2-7B fp16 on a 16 GB T4: 6.7384e9 x 2 bytes = 13.48 GB weights; KV for 640 tokens = 640 x 524288 B.
    e = estimate_inference(InferenceRequest("llama-2-7b", "nvidia-t4"))
    assert e.weights_gb == pytest.approx(6.7384e9 * 2 / 1e9, rel=1e-4)
    assert e.kv_cache_gb == pytest.approx(640 * 2 * 32 * 4096 * 2 / 1e9)
    assert e.fits                                  # 13.5 + 0.34 + ~1.0 < 16
    big = estimate_inference(InferenceRequest("llama-2-70b", "nvidia-t4"))
    assert not big.fits and big.devices_needed == 16       # 138 GB / 15 GB -> 10 -> multiple of 8


def test_tpu_defaults_to_bf16():
    assert estimate_inference(InferenceRequest("llama-3-8b", "google-tpu-v5e")).inputs["weights"] == "bf16"


def test_decode_context_average_is_exact_for_windows():
    m = model_arrays([get_model("mistral-7b")])
    # contexts 4001..4200 with window 4096: mean of min(t, 4096) = (96 x 4048.5 + 104 x 4096) / 200
    expect = (96 * (4001 + 4096) / 2 + 104 * 4096) / 200 * 32
    assert mean_cached_token_layers(m, 4000, 4200)[0] == pytest.approx(expect)


def test_zero_tokens_give_nulls_not_numbers():
    d = estimate_inference(InferenceRequest("llama-2-7b", "apple-m2-max-38c", weights="q4_0",
                                            prompt_tokens=0, output_tokens=128)).to_dict()
    assert d["prefill_tokens_per_s"] is None and d["ttft_ms"] is None and d["decode_tokens_per_s"] > 0
    d = estimate_inference(InferenceRequest("llama-2-7b", "apple-m2-max-38c", weights="q4_0",
                                            prompt_tokens=512, output_tokens=0)).to_dict()
    assert d["decode_tokens_per_s"] is None and d["usd_per_million_tokens"] is None and d["prefill_tokens_per_s"] > 0


def test_price_and_energy_arithmetic():
    e = estimate_inference(InferenceRequest("llama-2-7b", "nvidia-l4", weights="int8", price_per_hour=1.0,
                                            utilisation=1.0, batch=1))
    busy_s = e.ttft_ms / 1000 + 128 * e.tpot_ms / 1000
    assert e.usd_per_million_tokens == pytest.approx(1.0 * busy_s / 3600 / 128 * 1e6)
    # energy at full utilisation: TDP x time x PUE / tokens
    assert e.energy_j_per_token == pytest.approx(72 * busy_s * e.pue_used / 128)
    # batch > 1: continuous batching, busy time per output token = 1 / steady-state throughput
    e = estimate_inference(InferenceRequest("llama-2-7b", "nvidia-l4", weights="int8", price_per_hour=1.0,
                                            utilisation=1.0, batch=4))
    assert e.usd_per_million_tokens == pytest.approx(1.0 / e.throughput_tokens_per_s / 3600 * 1e6)
    assert e.energy_j_per_token == pytest.approx(72 / e.throughput_tokens_per_s * e.pue_used)
    assert estimate_inference(InferenceRequest("llama-2-7b", "nvidia-a10")).usd_per_million_tokens is None


def test_phone_battery_drain_and_no_pue():
    e = estimate_inference(InferenceRequest("llama-3.2-1b", "qualcomm-snapdragon-8-gen-3", weights="q4_0"))
    assert e.battery_pct_per_1k_tokens > 0 and e.pue_used == 1.0
    assert e.runtime == "executorch"
    assert estimate_inference(InferenceRequest("llama-3.2-1b", "nvidia-l4")).battery_pct_per_1k_tokens is None


def test_tensor_parallel_adds_communication_and_shards_memory():
    one = estimate_inference(InferenceRequest("llama-2-70b", "nvidia-h100-sxm", devices=1))
    two = estimate_inference(InferenceRequest("llama-2-70b", "nvidia-h100-sxm", devices=2))
    assert not one.fits and two.fits
    assert two.comm_s_per_step > 0
    assert two.decode_tokens_per_s < 2 * 1000 / one.tpot_ms      # less than perfect scaling


def test_max_batch_devices_for_rate_and_largest_model():
    req = InferenceRequest("llama-3-8b", "nvidia-a100-80gb-sxm", batch=8)
    mb = max_batch_that_fits(req)
    assert mb > 8
    assert estimate_inference(InferenceRequest("llama-3-8b", "nvidia-a100-80gb-sxm", batch=mb)).fits
    assert not estimate_inference(InferenceRequest("llama-3-8b", "nvidia-a100-80gb-sxm", batch=mb + 2)).fits
    est = estimate_inference(req)
    assert devices_for_rate(est, 0) == 0
    assert devices_for_rate(est, 100) >= devices_for_rate(est, 10) >= 1
    fits = largest_model_that_fits("apple-m2-max-38c", "q4_0", min_decode_tokens_per_s=5)
    sizes = [get_model(e.inputs["model"]).params_b for e in fits]
    assert sizes == sorted(sizes, reverse=True) and all(e.fits for e in fits)


def test_table_runs_good_rows_and_reports_bad_ones():
    df = pd.DataFrame({"model": ["llama-2-7b", "nope", "mistral-7b", "llama-2-7b"],
                       "hardware": ["nvidia-t4", "nvidia-t4", "apple-m1-7c", "nvidia-t4"],
                       "prompt_tokens": ["1k", "1k", "1k", "-3"]})
    out = estimate_inference_table(df)
    assert list(out["error"] == "") == [True, False, True, False]
    assert "model" in out.loc[1, "error"] and "prompt_tokens" in out.loc[3, "error"]
    assert out.loc[0, "prompt_tokens"] == 1000 and out.loc[0, "decode_tokens_per_s"] > 0
    assert out.loc[1, "model"] == "nope"
    # the same numbers as the single-row function
    single = estimate_inference(InferenceRequest("llama-2-7b", "nvidia-t4", prompt_tokens=1000))
    assert out.loc[0, "decode_tokens_per_s"] == pytest.approx(single.decode_tokens_per_s)


@pytest.mark.parametrize(("kw", "field"), [({"batch": 0}, "batch"), ({"prompt_tokens": -1}, "prompt_tokens"),
                                           ({"weights": "q3"}, "weights"), ({"runtime": "tensorrt-llm",
                                                                           "hardware": "apple-m1-7c"}, "runtime"),
                                           ({"utilisation": 1.5}, "utilisation"), ({"model": "resnet-50"}, "model"),
                                           ({"devices": 0}, "devices")])
def test_invalid_requests_raise(kw, field):
    args = {"model": "llama-2-7b", "hardware": "nvidia-h100-sxm", **kw}
    with pytest.raises(VentureLabError) as e:
        estimate_inference(InferenceRequest(**args))
    assert str(e.value).startswith(field)


def test_beyond_the_context_is_estimated_and_flagged():
    e = estimate_inference(InferenceRequest("llama-2-7b", "nvidia-h100-sxm", prompt_tokens=5000))
    assert not e.within_context and e.decode_tokens_per_s > 0
    assert "context_length_exceeded" in {a.name for a in e.assumptions}
    assert estimate_inference(InferenceRequest("llama-2-7b", "nvidia-h100-sxm")).within_context


def test_every_device_gets_every_estimate():
    hws = list(load_hardware())
    out = serving_arrays("llama-3.2-1b", hws, "q4_0", prompt_tokens=128, output_tokens=64)
    assert all(e is None for e in out.error)
    for k in ("decode_tokens_per_s", "prefill_tokens_per_s", "energy_j_per_token", "ttft_ms", "weights_gb"):
        assert np.isfinite(getattr(out, k).astype(float)).all(), k


def test_vision_estimate_and_custom_flops():
    v = estimate_vision("resnet-50", "nvidia-jetson-orin-nano-8gb")
    assert v.latency_ms_low <= v.latency_ms <= v.latency_ms_high and v.inputs_per_s > 0
    c = estimate_vision("custom", "apple-a17-pro", gflops_per_input=2 * 8.18)
    r = estimate_vision("resnet-50", "apple-a17-pro")
    assert c.latency_ms > r.latency_ms
    with pytest.raises(VentureLabError):
        estimate_vision("custom", "apple-a17-pro")


def test_training_estimate_contract_and_arithmetic():
    e = estimate_training(TrainingRequest("llama-2-7b", "nvidia-a100-80gb-sxm", 2e12, devices=1024, mfu=0.5))
    peak = 312e12
    assert e.accelerator_hours == pytest.approx(e.training_flops / (peak * 0.5) / 3600)
    assert e.wall_clock_days == pytest.approx(e.accelerator_hours / 1024 / 24)
    assert e.cost_usd == pytest.approx(e.accelerator_hours * get_hardware("nvidia-a100-80gb-sxm").usd_per_hour)
    assert e.co2_kg > 0 and e.energy_kwh > 0 and e.fits
    d = e.to_dict()
    for k in ("training_flops", "accelerator_hours", "wall_clock_days", "cost_usd", "energy_kwh", "co2_kg",
              "memory_per_device_gb", "accelerator_hours_low", "accelerator_hours_high"):
        assert k in d


def test_zero_stages_and_checkpointing_reduce_memory():
    mem = [estimate_training(TrainingRequest("llama-2-13b", "nvidia-a100-80gb-sxm", 1e9, devices=64,
                                             zero_stage=z)).memory_per_device_gb for z in range(4)]
    assert mem == sorted(mem, reverse=True)
    no_ckpt = estimate_training(TrainingRequest("llama-2-13b", "nvidia-a100-80gb-sxm", 1e9, devices=64,
                                                zero_stage=3, activation_checkpointing=False))
    assert no_ckpt.memory_per_device_gb > mem[3]


def test_finetune_methods_order_and_scaling_projection():
    m = {k: finetune_memory("llama-2-7b", "nvidia-rtx-4090", k, tokens=1e7).memory_gb for k in ("full", "lora", "qlora")}
    assert m["full"] > m["lora"] > m["qlora"]
    assert finetune_memory("llama-2-7b", "nvidia-rtx-4090", "qlora").fits
    df = scaling_projection("llama-2-7b", "nvidia-h100-sxm", [1, 2, 8, 64])
    assert (df["efficiency"] <= 1.0 + 1e-9).all() and df["speedup"].is_monotonic_increasing
    with pytest.raises(VentureLabError):
        finetune_memory("llama-2-7b", "nvidia-rtx-4090", "dora")


def test_empty_table_and_pickling_for_the_app_cache():
    import pickle
    assert estimate_inference_table(pd.DataFrame({"model": [], "hardware": []})).empty
    e = estimate_inference(InferenceRequest("llama-2-7b", "nvidia-t4"))
    again = pickle.loads(pickle.dumps(e))
    assert again.decode_tokens_per_s == e.decode_tokens_per_s and again.to_dict() == e.to_dict()
