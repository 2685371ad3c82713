"""Properties of the speed model: physics-monotone, finite, fallbacks flagged and widened."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.engine import speed
from scenarios.errors import VentureLabError

FORMATS = sorted(speed.FORMAT_FAMILY)


def _call(**kw):
    base = dict(hw_class="apple", runtime="llama.cpp", weight_format="q4_0", prefill_flops=512 * 13.5e9,
                decode_flops_per_token=13.5e9, weight_bytes=3.7e9, kv_bytes_read_per_token=3e7,
                bandwidth_bytes_s=400e9, batch=1, layers=32, peak_fp32=10e12, peak_fp16=10e12, peak_int8=10e12)
    base.update(kw)
    return speed.predict(base.pop("hw_class"), base.pop("runtime"), base.pop("weight_format"), **base)


def test_default_runtimes():
    assert speed.default_runtime("apple") == "llama.cpp"
    assert speed.default_runtime("nvidia-consumer") == "llama.cpp"
    assert speed.default_runtime("cpu-sbc") == "llama.cpp"
    assert speed.default_runtime("nvidia-datacenter") == "vllm"
    assert speed.default_runtime("phone") == "executorch"
    assert speed.default_runtime("jetson") in ("mlc", "tensorrt-llm")
    for c in speed.HW_CLASSES:
        assert speed.default_runtime(c) in speed.RUNTIMES
    with pytest.raises(VentureLabError):
        speed.default_runtime("quantum")


def test_peak_paths():
    assert speed.peak_path("apple", "llama.cpp", "q4_0") == "fp16"          # Metal dequantises to half
    # llama.cpp CUDA: float and quantised prefill on the 16-bit tensor rate with FP16 accumulate
    assert speed.peak_path("nvidia-consumer", "llama.cpp", "q4_0") == "fp16_acc16"
    assert speed.peak_path("nvidia-consumer", "llama.cpp", "fp16") == "fp16_acc16"
    assert speed.peak_path("nvidia-consumer", "tensorrt-llm", "fp16") == "fp16"
    assert speed.peak_path("nvidia-consumer", "llama.cpp", "bf16") == "fp16"   # bf16 accumulates in FP32
    # GeForce (fp16 column = half-rate FP32 accumulate): 2x the column; A100 (full rate): the column
    q = speed.select_peak_flops(np.array(["fp16_acc16", "fp16_acc16"]), [35.6e12, 19.5e12], [71e12, 312e12],
                                [284e12, 624e12])
    assert q.tolist() == [142e12, 312e12]
    assert speed.peak_path("nvidia-datacenter", "vllm", "fp8") == "fp8"
    assert speed.peak_path("nvidia-datacenter", "vllm", "fp16") == "fp16"
    p = speed.select_peak_flops(np.array(["fp8", "fp8", "fp16", "int8"]), [67e12] * 4, [989e12, 312e12, np.nan, 5e12],
                                [1979e12, 624e12, np.nan, np.nan], fp8_capable=[True, False, False, False])
    assert p.tolist() == [1979e12, 312e12, 67e12, 5e12]
    # llama.cpp's CPU kernels (server CPUs, boards): every format on the FP32 SIMD rate; the CPU graph
    # runtimes keep their int8 (VNNI / AMX / SMMLA) path
    for cls in ("cpu-server", "cpu-sbc"):
        assert {speed.peak_path(cls, "llama.cpp", f) for f in ("q4_0", "q6_k", "q8_0", "fp16")} == {"fp32"}
    assert speed.peak_path("cpu-server", "onnxruntime", "int8") == "int8"


def test_calibrated_group_is_flagged_and_fallback_widens_band():
    cal = _call()
    unc = _call(hw_class="phone", runtime="coreml")   # Core ML: no row of a catalog model yet
    assert cal.calibrated[0] and cal.basis[0] == "apple|llama.cpp"
    assert not unc.calibrated[0] and "fallback" in unc.basis[0]
    for k in ("decode_s_per_token", "prefill_s"):
        w_cal = getattr(cal, f"{k}_high")[0] / getattr(cal, f"{k}_low")[0]
        w_unc = getattr(unc, f"{k}_high")[0] / getattr(unc, f"{k}_low")[0]
        assert w_unc > w_cal


def test_vllm_on_datacenter_borrows_tensorrt_llm():
    r = _call(hw_class="nvidia-datacenter", runtime="vllm", weight_format="fp16")
    assert not r.calibrated[0]
    assert "nvidia-datacenter|tensorrt-llm" in r.basis[0]


def test_decode_bandwidth_bound_at_batch_1_and_compute_bound_at_large_batch():
    r = _call(hw_class="nvidia-datacenter", runtime="tensorrt-llm", weight_format="fp16", batch=[1, 4096],
              bandwidth_bytes_s=3.35e12, peak_fp16=989e12, peak_int8=1979e12, peak_fp32=67e12,
              kv_bytes_read_per_token=0.0, weight_bytes=13.5e9)
    assert not r.decode_compute_bound[0] and r.decode_compute_bound[1]
    assert r.prefill_compute_bound[0]


def test_missing_peak_is_an_assumption_not_a_nan():
    r = _call(hw_class="phone", runtime="executorch", peak_fp32=np.nan, peak_fp16=np.nan, peak_int8=np.nan)
    assert np.isfinite(r.prefill_s[0]) and "assumed ridge" in r.basis[0]


@pytest.mark.parametrize("kw", [dict(runtime="tensorflow"), dict(hw_class="quantum"), dict(weight_format="int3"),
                                dict(weight_bytes=-1.0), dict(bandwidth_bytes_s=0.0), dict(batch=np.nan)])
def test_invalid_input_raises_project_error(kw):
    with pytest.raises(VentureLabError):
        _call(**kw)


pos = st.floats(min_value=1e3, max_value=1e15, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(cls=st.sampled_from(speed.HW_CLASSES), rt=st.sampled_from(speed.RUNTIMES), fmt=st.sampled_from(FORMATS),
       pf=st.floats(0, 1e17), df=pos, wb=pos, kv=st.floats(0, 1e10), bw=st.floats(1e8, 1e13),
       batch=st.integers(1, 4096), layers=st.integers(1, 200), peak=st.floats(1e9, 1e16))
def test_no_nan_no_negative(cls, rt, fmt, pf, df, wb, kv, bw, batch, layers, peak):
    r = speed.predict(cls, rt, fmt, prefill_flops=pf, decode_flops_per_token=df, weight_bytes=wb,
                      kv_bytes_read_per_token=kv, bandwidth_bytes_s=bw, batch=batch, layers=layers,
                      peak_fp32=peak / 8, peak_fp16=peak, peak_int8=2 * peak)
    for k in ("prefill_s", "prefill_s_low", "prefill_s_high", "decode_s_per_token", "decode_s_per_token_low",
              "decode_s_per_token_high"):
        assert np.all(np.isfinite(getattr(r, k))) and np.all(getattr(r, k) >= 0), k
    assert np.all(r.decode_s_per_token > 0)
    assert np.all(r.decode_s_per_token_low <= r.decode_s_per_token)
    assert np.all(r.decode_s_per_token <= r.decode_s_per_token_high)


@settings(max_examples=60, deadline=None)
@given(cls=st.sampled_from(speed.HW_CLASSES), rt=st.sampled_from(speed.RUNTIMES), fmt=st.sampled_from(FORMATS),
       bw=st.floats(1e9, 5e12), factor=st.floats(1.01, 10), batch=st.integers(1, 512))
def test_more_bandwidth_never_slower_decode(cls, rt, fmt, bw, factor, batch):
    r = _call(hw_class=cls, runtime=rt, weight_format=fmt, bandwidth_bytes_s=[bw, bw * factor], batch=batch)
    assert r.decode_s_per_token[1] <= r.decode_s_per_token[0]


@settings(max_examples=60, deadline=None)
@given(cls=st.sampled_from(speed.HW_CLASSES), rt=st.sampled_from(speed.RUNTIMES), fmt=st.sampled_from(FORMATS),
       b=st.integers(1, 2048), extra=st.integers(1, 2048))
def test_larger_batch_more_total_throughput(cls, rt, fmt, b, extra):
    r = _call(hw_class=cls, runtime=rt, weight_format=fmt, batch=[b, b + extra])
    thr = np.array([b, b + extra]) / r.decode_s_per_token
    assert thr[1] >= thr[0] * (1 - 1e-12)
    # and one sequence never gets faster when it shares the device with more
    assert r.decode_s_per_token[1] >= r.decode_s_per_token[0]


@settings(max_examples=40, deadline=None)
@given(tokens=st.floats(1, 1e5), more=st.floats(1.01, 10))
def test_more_prefill_work_more_time(tokens, more):
    r = _call(prefill_flops=[tokens * 13.5e9, tokens * 13.5e9 * more])
    assert r.prefill_s[1] >= r.prefill_s[0]


def test_vectorised_matches_scalar_calls():
    classes = ["apple", "nvidia-consumer", "jetson", "phone"]
    rts = ["llama.cpp", "llama.cpp", "mlc", "executorch"]
    bw = [400e9, 936e9, 68e9, 60e9]
    vec = _call(hw_class=classes, runtime=rts, bandwidth_bytes_s=bw)
    for i in range(4):
        one = _call(hw_class=classes[i], runtime=rts[i], bandwidth_bytes_s=bw[i])
        assert one.decode_s_per_token[0] == pytest.approx(vec.decode_s_per_token[i])
        assert one.basis[0] == vec.basis[i]


def test_mfu_fallback_generation_flagged_and_wider():
    r = speed.mfu_for(["nvidia-a100-80gb-sxm", "nvidia-b200"], 7.0)
    assert r.calibrated.tolist() == [True, False]
    assert "fallback" in r.basis[1]
    assert r.mfu_high[1] / r.mfu_low[1] > r.mfu_high[0] / r.mfu_low[0]
    with pytest.raises(VentureLabError):
        speed.mfu_for("ampere", -1)


def test_speed_module_does_not_import_scipy():
    import subprocess
    import sys
    code = "import sys, scenarios.engine.speed as s; s.load_factors(); print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(__import__('pathlib').Path(__file__).resolve().parents[2]))
    assert out.stdout.strip() == "False"


def test_fp4_path_uses_fp4_tensor_cores_only_where_present():
    assert speed.peak_path("nvidia-datacenter", "tensorrt-llm", "nvfp4") == "fp4"
    assert speed.peak_path("nvidia-datacenter", "vllm", "int4") == "fp16"       # AWQ/GPTQ W4A16
    p = speed.select_peak_flops(np.array(["fp4"] * 3), 75e12, [2250e12, 989e12, 312e12],
                                [4500e12, 1979e12, 624e12], fp8_capable=[True, True, False],
                                peak_int4=[9000e12, np.nan, 1248e12], fp4_capable=[True, False, False])
    assert p.tolist() == [9000e12, 1979e12, 312e12]
