"""Property tests (hypothesis): no NaN, no negative figure, monotone where physics says so, and
invalid input always raises the project's error."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.engine.catalog import (
    get_hardware,
    hardware_from_dict,
    load_formats,
    load_hardware,
    load_models,
    model_from_hf_config,
)
from scenarios.errors import VentureLabError
from scenarios.engine.serving import InferenceRequest, estimate_inference
from scenarios.engine.serving_core import serving_arrays
from scenarios.units import parse_number

LLMS = sorted(m.id for m in load_models().values() if m.kind == "decoder-llm")
HWS = sorted(load_hardware())
FMTS = sorted(load_formats())
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

def _ran(out) -> np.ndarray:
    """Rows of a ServingColumns that ran (no VentureLabError)."""
    return np.array([e is None for e in out.error], dtype=bool)


NUMERIC = ("weights_gb", "kv_cache_gb", "working_memory_gb", "total_memory_gb", "prefill_tokens_per_s",
           "decode_tokens_per_s", "throughput_tokens_per_s", "ttft_ms", "tpot_ms", "energy_j_per_token",
           "arithmetic_intensity", "ridge_point", "max_batch", "devices_needed")


@FAST
@given(st.lists(st.tuples(st.sampled_from(LLMS), st.sampled_from(HWS), st.sampled_from(FMTS),
                          st.integers(1, 256), st.integers(1, 2048), st.integers(1, 1024)), min_size=1, max_size=20))
def test_no_nan_and_no_negative(rows):
    m, h, f, b, p, o = zip(*rows)
    out = serving_arrays(list(m), list(h), list(f), batch=list(b), prompt_tokens=list(p), output_tokens=list(o))
    ok = _ran(out)
    for k in NUMERIC:
        v = getattr(out, k)[ok].astype(float)
        assert np.isfinite(v).all(), k
        assert (v >= 0).all(), k
    for s in ("", "_low", "_high"):
        assert (getattr(out, f"decode_tokens_per_s{s}")[ok].astype(float) > 0).all()


@FAST
@given(st.sampled_from(LLMS), st.sampled_from(HWS), st.integers(1, 64), st.integers(1, 1500), st.integers(1, 400))
def test_more_tokens_take_more_time(model, hw, batch, prompt, output):
    base = serving_arrays(model, hw, "q4_0", batch=batch, prompt_tokens=[prompt, prompt * 2, prompt],
                          output_tokens=[output, output, output * 2])
    if not _ran(base).all():
        return
    ttft = base.ttft_ms.astype(float)
    total = ttft + base.output_tokens * base.tpot_ms.astype(float)
    assert ttft[1] >= ttft[0]                   # longer prompt -> longer prefill
    assert total[2] >= total[0]                 # more output -> longer request


@FAST
@given(st.sampled_from(LLMS), st.floats(10, 5000), st.floats(1.1, 8), st.integers(1, 32))
def test_more_bandwidth_is_never_slower_decode(model, bw, factor, batch):
    slow = hardware_from_dict({"id": "dev-a", "memory_gb": 2000, "memory_bandwidth_gb_s": bw, "peak_tflops_fp16": 100})
    fast = hardware_from_dict({"id": "dev-b", "memory_gb": 2000, "memory_bandwidth_gb_s": bw * factor,
                               "peak_tflops_fp16": 100})
    out = serving_arrays(model, [slow, fast], "q4_k_m", batch=batch, prompt_tokens=64, output_tokens=64)
    if not _ran(out).all():
        return
    d = out.decode_tokens_per_s.astype(float)
    assert d[1] >= d[0] * (1 - 1e-12)


@FAST
@given(st.sampled_from(LLMS), st.sampled_from(HWS), st.integers(1, 64))
def test_memory_grows_with_batch_and_context(model, hw, batch):
    out = serving_arrays(model, hw, "fp16", batch=[batch, batch * 2, batch], prompt_tokens=[100, 100, 200],
                         output_tokens=10)
    if not _ran(out).all():
        return
    kv = out.kv_cache_gb.astype(float)
    assert kv[1] >= kv[0] and kv[2] >= kv[0]


bad_values = st.one_of(st.integers(max_value=0), st.just(float("nan")), st.just("lots"), st.just(-1.5))


@FAST
@given(st.sampled_from(["batch", "devices"]), bad_values)
def test_invalid_numbers_raise_the_project_error(field, value):
    try:
        estimate_inference(InferenceRequest("llama-2-7b", "nvidia-h100-sxm", **{field: value}))
    except VentureLabError:
        return
    raise AssertionError("accepted an invalid value")


@FAST
@given(st.text(max_size=12))
def test_unknown_ids_raise_the_project_error(name):
    if name.strip() in HWS:
        return
    try:
        get_hardware(name)
    except VentureLabError:
        return
    raise AssertionError(f"accepted hardware {name!r}")


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10**15, 10**15), st.floats(),
                                     st.text(max_size=5)),
                           lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
                           max_leaves=8)
KEYS = ["num_hidden_layers", "hidden_size", "num_attention_heads", "num_key_value_heads", "intermediate_size",
        "vocab_size", "max_position_embeddings", "num_local_experts", "num_experts_per_tok", "sliding_window",
        "kv_lora_rank", "head_dim", "tie_word_embeddings", "model_type"]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), json_values | st.integers(-5, 10**6), max_size=len(KEYS)))
def test_hostile_configs_never_crash(cfg):
    try:
        m = model_from_hf_config(cfg)
    except VentureLabError:
        return
    assert m.params_b > 0 and m.layers >= 1


@FAST
@given(st.floats(1e-3, 1e6), st.sampled_from(["", "k", "M", "B", "T"]))
def test_number_suffix_roundtrip(x, suffix):
    scale = {"": 1, "k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[suffix]
    assert parse_number(f"{x!r}{suffix}", "n") == np.float64(x) * scale


HW_KEYS = ["id", "memory_gb", "memory_bandwidth_gb_s", "peak_tflops_fp16", "peak_tflops_fp32", "tdp_w", "hw_class",
           "category", "usd_per_hour", "battery_wh", "compute_formats", "ranges", "verified"]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(HW_KEYS), json_values | st.floats(-1e6, 1e7), max_size=len(HW_KEYS)))
def test_hostile_device_fields_never_crash(fields):
    try:
        h = hardware_from_dict(fields)
    except VentureLabError:
        return
    assert h.memory_gb > 0 and h.memory_bandwidth_gb_s > 0 and h.peak_tflops_fp16 > 0


@FAST
@given(st.one_of(st.floats(max_value=-1e-9), st.just(float("nan")), st.just("x"), st.just(1e30)),
       st.sampled_from(["tokens", "devices", "mfu", "zero_stage"]))
def test_invalid_training_inputs_raise_the_project_error(value, field):
    from scenarios.engine.training import TrainingRequest, estimate_training
    args = {"model": "llama-2-7b", "hardware": "nvidia-a100-80gb-sxm", "tokens": 1e9, field: value}
    try:
        estimate_training(TrainingRequest(**args))
    except VentureLabError:
        return
    raise AssertionError(f"accepted {field}={value!r}")


@FAST
@given(st.sampled_from(LLMS), st.sampled_from(HWS), st.floats(1e6, 1e13), st.floats(1.5, 10))
def test_more_training_tokens_cost_more_hours(model, hw, tokens, factor):
    from scenarios.engine.training import TrainingRequest, estimate_training
    a = estimate_training(TrainingRequest(model, hw, tokens))
    b = estimate_training(TrainingRequest(model, hw, tokens * factor))
    assert b.accelerator_hours > a.accelerator_hours > 0
    assert a.accelerator_hours_low <= a.accelerator_hours <= a.accelerator_hours_high
