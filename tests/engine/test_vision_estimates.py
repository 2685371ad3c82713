"""Vision and speech estimates (scenarios.engine.serving.estimate_vision): the figures' relations
(throughput = batch / latency, energy per input, weight bytes, fits), defaults per device, the
server-CPU and tree-ensemble route through the small-model estimate, and each refusal."""

from __future__ import annotations

import pytest

from scenarios.engine.catalog import get_hardware, get_model, load_models
from scenarios.engine.memory import RUNTIME_OVERHEAD_GB
from scenarios.engine.prices import operating_assumptions
from scenarios.engine.serving import estimate_vision
from scenarios.errors import VentureLabError


def test_figures_follow_from_the_latency():
    hw = get_hardware("nvidia-l4")
    e = estimate_vision("resnet-50", "nvidia-l4", batch=8)
    t = e.latency_ms / 1000
    assert e.inputs_per_s == pytest.approx(8 / t, rel=1e-12)
    assert e.inputs_per_s_low == pytest.approx(8 / (e.latency_ms_high / 1000), rel=1e-12)
    assert e.inputs_per_s_high == pytest.approx(8 / (e.latency_ms_low / 1000), rel=1e-12)
    assert e.latency_ms_low < e.latency_ms < e.latency_ms_high
    pue = operating_assumptions()["pue"].expected
    assert e.energy_j_per_input == pytest.approx(hw.tdp_w * t * pue / 8, rel=1e-12)
    assert e.weights_gb == pytest.approx(get_model("resnet-50").params * 16 / 8 / 1e9, rel=1e-12)
    assert e.fits is True and e.gflops_per_input == 8.18 and e.bound in ("compute", "bandwidth")
    assert e.inputs == {"model": "resnet-50", "hardware": "nvidia-l4", "weights": "fp16", "batch": 8,
                        "runtime": "pytorch"}
    assert e.runtime == "pytorch"
    a = {x.name: x for x in e.assumptions}
    assert list(a) == ["speed_model", "gflops_per_input", "power", "activation_traffic"]
    assert (a["gflops_per_input"].value, a["gflops_per_input"].source) == (8.18, "data/models.csv")
    assert (a["power"].value, a["power"].unit) == (hw.tdp_w, "W")
    assert a["speed_model"].source.startswith("LLM calibration groups stand in for vision")


def test_energy_outside_a_datacenter_has_no_pue():
    hw = get_hardware("apple-a17-pro")
    e = estimate_vision("resnet-50", "apple-a17-pro")
    assert e.runtime == "executorch" and e.inputs["runtime"] == "executorch"      # phones: ExecuTorch
    assert e.energy_j_per_input == pytest.approx(hw.tdp_w * e.latency_ms / 1000, rel=1e-12)


def test_a_custom_workload_by_its_flops():
    e = estimate_vision("custom", "nvidia-h100-sxm", gflops_per_input=100.0, batch=4)
    assert e.inputs["model"] == "custom" and e.gflops_per_input == 100.0 and e.weights_gb == 0.0
    a = {x.name: x for x in e.assumptions}
    assert (a["gflops_per_input"].value, a["gflops_per_input"].source) == (100.0, "caller")
    # twice the FLOPs at a compute-bound batch: slower, never faster
    assert estimate_vision("custom", "nvidia-h100-sxm", gflops_per_input=200.0, batch=4).latency_ms > e.latency_ms
    with pytest.raises(VentureLabError) as err:
        estimate_vision("custom", "nvidia-h100-sxm")
    assert (err.value.field, err.value.problem) == ("gflops_per_input", "is required with model='custom'")
    for bad in (0, 1e7 * 1.01):
        with pytest.raises(VentureLabError) as err:
            estimate_vision("custom", "nvidia-h100-sxm", gflops_per_input=bad)
        assert err.value.field == "gflops_per_input"


def test_weights_default_to_bf16_where_the_device_has_no_fp16():
    assert estimate_vision("resnet-50", "google-tpu-v5e").inputs["weights"] == "bf16"
    e = estimate_vision("resnet-50", "nvidia-l4", weights="int8")
    assert e.inputs["weights"] == "int8"
    assert e.weights_gb == pytest.approx(get_model("resnet-50").params * 8 / 8 / 1e9, rel=1e-3)


def test_fits_counts_the_runtime_overhead():
    hw = get_hardware("nvidia-l4")
    e = estimate_vision("whisper-small", "nvidia-l4")
    assert e.fits == (e.weights_gb + RUNTIME_OVERHEAD_GB[hw.hw_class] <= hw.usable_memory_gb)
    a = {x.name: x for x in e.assumptions}
    assert a["speech_window"].value == "30 s audio (80 x 3000 log-mel)"
    assert a["speech_window"].source.endswith("(data/models.csv notes)")


def test_batch_bounds_and_runtime_refusal():
    assert estimate_vision("resnet-50", "nvidia-l4", batch=1_000_000).inputs["batch"] == 1_000_000
    for bad in (0, 1_000_001, 2.5):
        with pytest.raises(VentureLabError) as err:
            estimate_vision("resnet-50", "nvidia-l4", batch=bad)
        assert err.value.field == "batch"
    with pytest.raises(VentureLabError) as err:
        estimate_vision("resnet-50", "nvidia-l4", runtime="executorch")
    assert (err.value.field, err.value.problem, err.value.got) == \
        ("runtime", "not available on nvidia-datacenter hardware", "executorch")
    assert "vllm" in err.value.accepted
    assert estimate_vision("resnet-50", "nvidia-l4", runtime="TensorRT-LLM").runtime == "tensorrt-llm"


def test_a_model_without_flops_per_input_names_those_with():
    with pytest.raises(VentureLabError) as err:
        estimate_vision("t5-base", "nvidia-l4")
    assert (err.value.field, err.value.problem, err.value.got) == \
        ("model", "has no FLOPs per input; give gflops_per_input", "t5-base")
    assert err.value.accepted == ", ".join(m.id for m in load_models().values() if m.gflops_per_input)
    assert estimate_vision("t5-base", "nvidia-l4", gflops_per_input=5.0).gflops_per_input == 5.0


@pytest.mark.parametrize("model, hardware, bound", [("resnet-50", "aws-c7i-8xlarge", "compute"),
                                                    ("xgboost-500-trees", "nvidia-l4", "node visits")])
def test_server_cpus_and_tree_ensembles_use_the_small_model_estimate(model, hardware, bound):
    from scenarios.engine.small_models import estimate_small_model
    e = estimate_vision(model, hardware, batch=2)
    s = estimate_small_model(model, hardware, batch=2)
    assert (e.latency_ms, e.inputs_per_s, e.energy_j_per_input, e.weights_gb, e.fits, e.runtime) == \
        (s.latency_ms, s.inputs_per_s, s.energy_j_per_input, s.weights_gb, s.fits, s.runtime)
    assert (e.latency_ms_low, e.latency_ms_high, e.inputs_per_s_low, e.inputs_per_s_high, e.gflops_per_input) == \
        (s.latency_ms_low, s.latency_ms_high, s.inputs_per_s_low, s.inputs_per_s_high, s.gflops_per_input)
    assert e.bound == bound
    assert e.inputs == {k: s.inputs[k] for k in ("model", "hardware", "weights", "batch", "runtime")}
    assert e.assumptions[:-1] == s.assumptions
    assert (e.assumptions[-1].name, e.assumptions[-1].value, e.assumptions[-1].unit, e.assumptions[-1].source) == \
        ("speed_model", s.basis, "", "small_models")
    # a caller's own FLOPs keep the roofline route
    assert estimate_vision("resnet-50", "aws-c7i-8xlarge", gflops_per_input=8.18).assumptions[0].source \
        .startswith("LLM calibration groups")


def test_8_bit_weights_compute_on_the_8_bit_peak_under_tensorrt_llm():
    # a compute-bound batch: W8A8 runs on the FP8/INT8 tensor peak (twice the 16-bit one on an L4)
    kw = {"gflops_per_input": 1000.0, "batch": 64, "runtime": "tensorrt-llm"}
    fp16 = estimate_vision("custom", "nvidia-l4", weights="fp16", **kw)
    int8 = estimate_vision("custom", "nvidia-l4", weights="int8", **kw)
    assert fp16.bound == int8.bound == "compute"
    assert 1.5 < fp16.latency_ms / int8.latency_ms <= 2.0 + 1e-9
