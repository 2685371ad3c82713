"""Which calibration group, peak path and reporting class a (hardware class, runtime, weight format)
gets (scenarios.engine.groups), on small hand-made factor tables so every fallback rule is seen:
exact group, nearest class before nearest runtime, the prefill peak-path preference, the last
resort, and the refusals naming the accepted values."""

from __future__ import annotations

import json

import pytest

from scenarios.engine import groups as g
from scenarios.engine.catalog import HW_CLASSES
from scenarios.errors import VentureLabError


def factors(groups: dict) -> dict:
    return {"groups": groups, "format_factors": {}}


def test_an_exact_group_with_rows_is_calibrated():
    f = factors({"apple|mlc": {"n_decode": 1, "n_prefill": 1}, "apple|llama.cpp": {"n_decode": 5, "n_prefill": 3}})
    assert g.resolve_group("apple", "llama.cpp", f) == ("apple|llama.cpp", True)
    assert g.resolve_group("apple", "llama.cpp", f, "prefill") == ("apple|llama.cpp", True)


def test_an_exact_group_without_counts_is_used_but_flagged_uncalibrated():
    f = factors({"jetson|mlc": {}, "apple|llama.cpp": {"n_decode": 5}})     # built-in defaults carry no counts
    assert g.resolve_group("jetson", "mlc", f) == ("jetson|mlc", False)


def test_the_metric_decides_which_count_matters():
    f = factors({"apple|llama.cpp": {"n_decode": 5, "n_prefill": 0}, "apple|mlc": {"n_decode": 2, "n_prefill": 2}})
    assert g.resolve_group("apple", "llama.cpp", f) == ("apple|llama.cpp", True)          # decode by default
    assert g.resolve_group("apple", "llama.cpp", f, "prefill") == ("apple|mlc", False)


def test_same_class_other_runtime_comes_before_same_runtime_other_class():
    f = factors({"nvidia-consumer|vllm": {"n_decode": 3}, "nvidia-datacenter|pytorch": {"n_decode": 3},
                 "nvidia-datacenter|vllm": {"n_decode": 0}})
    assert g.resolve_group("nvidia-datacenter", "vllm", f) == ("nvidia-datacenter|pytorch", False)
    # the nearest runtime of vllm is tensorrt-llm, before pytorch
    f["groups"]["nvidia-datacenter|tensorrt-llm"] = {"n_decode": 1}
    assert g.resolve_group("nvidia-datacenter", "vllm", f) == ("nvidia-datacenter|tensorrt-llm", False)
    # no group of the class: the nearest class (nvidia-consumer is first for nvidia-datacenter)
    f = factors({"amd|vllm": {"n_decode": 3}, "nvidia-consumer|llama.cpp": {"n_decode": 3}})
    assert g.resolve_group("nvidia-datacenter", "vllm", f) == ("nvidia-consumer|llama.cpp", False)


def test_prefill_borrows_a_group_calibrated_on_the_same_peak():
    f = factors({"nvidia-consumer|llama.cpp": {"n_decode": 9, "n_prefill": 9, "prefill_paths": ["int8"]},
                 "nvidia-consumer|mlc": {"n_prefill": 2, "prefill_paths": ["fp16"]},
                 "nvidia-datacenter|llama.cpp": {"n_prefill": 2, "prefill_paths": ["fp16", "int8"]}})
    # on its own path the exact group stands
    assert g.resolve_group("nvidia-consumer", "llama.cpp", f, "prefill", "int8") == ("nvidia-consumer|llama.cpp", True)
    # on another path the nearest group measured on that path stands in, uncalibrated
    assert g.resolve_group("nvidia-consumer", "llama.cpp", f, "prefill", "fp16") == ("nvidia-consumer|mlc", False)
    # decode ignores the path
    assert g.resolve_group("nvidia-consumer", "llama.cpp", f, "decode", "fp16") == ("nvidia-consumer|llama.cpp", True)
    # nobody measured on the path: the group's own factor stays
    assert g.resolve_group("nvidia-consumer", "llama.cpp", f, "prefill", "fp8") == ("nvidia-consumer|llama.cpp", True)


def test_borrowing_skips_groups_without_rows_or_without_listed_paths():
    f = factors({"nvidia-consumer|llama.cpp": {"n_prefill": 9, "prefill_paths": ["int8"]},
                 "nvidia-consumer|mlc": {"n_prefill": 0, "prefill_paths": ["fp16"]},      # no rows
                 "nvidia-consumer|executorch": {"n_prefill": 3},                           # paths unknown
                 "nvidia-datacenter|llama.cpp": {"n_prefill": 2, "prefill_paths": ["fp16"]}})
    assert g.resolve_group("nvidia-consumer", "llama.cpp", f, "prefill", "fp16") == \
        ("nvidia-datacenter|llama.cpp", False)


def test_a_missing_group_prefers_a_stand_in_on_the_peak_path():
    f = factors({"apple|mlc": {"n_prefill": 4, "prefill_paths": ["int8"]},
                 "nvidia-consumer|llama.cpp": {"n_prefill": 4, "prefill_paths": ["fp16"]},
                 "jetson|mlc": {"n_prefill": 4}})
    # apple|llama.cpp has no group: apple|mlc is nearer but measured on int8
    assert g.resolve_group("apple", "llama.cpp", f, "prefill", "fp16") == ("nvidia-consumer|llama.cpp", False)
    assert g.resolve_group("apple", "llama.cpp", f, "prefill", "int8") == ("apple|mlc", False)
    assert g.resolve_group("apple", "llama.cpp", f, "prefill") == ("apple|mlc", False)      # no path: nearest


def test_a_board_without_prefill_rows_borrows_the_server_cpus_fp32_efficiency():
    f = factors({"cpu-sbc|llama.cpp": {"n_decode": 4, "n_prefill": 0},
                 "phone|executorch": {"n_decode": 9, "n_prefill": 9, "prefill_paths": ["fp16", "int8"]},
                 "cpu-server|llama.cpp": {"n_decode": 2, "n_prefill": 3, "prefill_paths": ["fp32"]}})
    path = g.peak_path("cpu-sbc", "llama.cpp", "q4_0")
    assert path == "fp32"
    assert g.resolve_group("cpu-sbc", "llama.cpp", f, "prefill", path) == ("cpu-server|llama.cpp", False)
    # decode still has the board's own rows
    assert g.resolve_group("cpu-sbc", "llama.cpp", f, "decode", path) == ("cpu-sbc|llama.cpp", True)


def test_with_no_related_group_the_first_group_stands_in():
    f = factors({"tpu|vllm": {"n_decode": 0}, "jetson|mlc": {"n_decode": 2}})
    # phone's nearest classes are cpu-sbc, apple, jetson, nvidia-consumer: jetson|mlc is related
    assert g.resolve_group("phone", "executorch", f) == ("jetson|mlc", False)
    f = factors({"tpu|vllm": {"n_decode": 2}, "amd|vllm": {"n_decode": 2}})
    assert g.resolve_group("phone", "executorch", f) == ("tpu|vllm", False)


def test_without_a_table_the_fitted_factors_are_read():
    assert g.resolve_group("nvidia-datacenter", "vllm") == \
        g.resolve_group("nvidia-datacenter", "vllm", g.load_factors(), "decode", None)


@pytest.mark.parametrize("call, field, accepted", [
    (lambda: g.resolve_group("gpu", "vllm", factors({})), "hw_class", ", ".join(HW_CLASSES)),
    (lambda: g.resolve_group("apple", "ollama", factors({})), "runtime", ", ".join(g.RUNTIMES)),
    (lambda: g.peak_path("apple", "ollama", "fp16"), "runtime", ", ".join(g.RUNTIMES)),
    (lambda: g.peak_path("gpu", "vllm", "fp16"), "hw_class", ", ".join(HW_CLASSES)),
    (lambda: g.peak_path("apple", "vllm", "q3_k"), "weight_format", ", ".join(sorted(g.FORMAT_FAMILY))),
    (lambda: g.default_runtime("gpu"), "hw_class", ", ".join(HW_CLASSES)),
    (lambda: g.reporting_class("gpu", "vllm"), "hw_class", ", ".join(HW_CLASSES)),
    (lambda: g.reporting_class("phone", "vllm"), "runtime", "executorch, llama.cpp, onnxruntime, mlc, qnn, coreml"),
])
def test_unknown_names_are_refused_with_the_accepted_ones(call, field, accepted):
    with pytest.raises(VentureLabError) as err:
        call()
    assert err.value.field == field and err.value.accepted == accepted
    assert err.value.got in ("gpu", "ollama", "q3_k", "vllm")
    assert err.value.problem == {"hw_class": "unknown hardware class", "weight_format": "unknown weight format",
                                 "runtime": "no phone compute path for this runtime" if err.value.got == "vllm"
                                 else "unknown runtime"}[field]


@pytest.mark.parametrize("hw_class, runtime, fmt, path", [
    # llama.cpp CUDA: every format on the FP16-accumulate tensor rate, bf16 on the plain fp16 column
    ("nvidia-consumer", "llama.cpp", "fp16", "fp16_acc16"), ("nvidia-consumer", "llama.cpp", "q8_0", "fp16_acc16"),
    ("nvidia-consumer", "llama.cpp", "q4_k_m", "fp16_acc16"), ("nvidia-consumer", "llama.cpp", "bf16", "fp16"),
    ("apple", "llama.cpp", "q4_k_m", "fp16"), ("apple", "llama.cpp", "q8_0", "fp16"),   # Metal: GPU ALUs
    ("apple", "mlc", "int4", "fp16"), ("cpu-sbc", "llama.cpp", "q4_0", "fp32"),   # CPU kernels: FP32 SIMD
    ("nvidia-datacenter", "vllm", "bf16", "fp16"), ("nvidia-datacenter", "vllm", "fp8", "fp8"),
    ("nvidia-datacenter", "vllm", "int8", "fp8"), ("nvidia-datacenter", "vllm", "int4", "fp16"),
    ("nvidia-datacenter", "tensorrt-llm", "nvfp4", "fp4"), ("nvidia-datacenter", "vllm", "mxfp4", "fp4"),
    ("nvidia-datacenter", "llama.cpp", "mxfp4", "fp16_acc16"), ("nvidia-datacenter", "pytorch", "mxfp4", "fp16"),
    ("nvidia-datacenter", "pytorch", "int8", "fp16"), ("phone", "executorch", "int8", "int8"),
    ("phone", "executorch", "fp16", "fp16"), ("cpu-server", "onnxruntime", "bf16", "fp16"),
    ("cpu-server", "openvino", "int4", "int8"),
    ("cpu-server", "onnxruntime", "fp32", "fp32"), ("apple", "llama.cpp", "fp32", "fp32"),
    ("nvidia-datacenter", "tensorrt-llm", "fp32", "fp32"),
])
def test_peak_path_by_runtime_and_format(hw_class, runtime, fmt, path):
    assert g.peak_path(hw_class, runtime, fmt) == path


def test_reporting_classes():
    assert [g.reporting_class("phone", rt) for rt in ("executorch", "llama.cpp", "onnxruntime", "mlc", "qnn")] == \
        ["phone CPU", "phone CPU", "phone CPU", "phone GPU", "phone NPU"]
    assert g.reporting_class("nvidia-datacenter", "vllm") == g.reporting_class("gaudi", "vllm") == "datacenter GPU"
    assert g.reporting_class("amd-consumer", "llama.cpp") == "consumer/desk GPU"
    assert g.reporting_class("jetson", "mlc") == g.reporting_class("cpu-sbc", "llama.cpp") == "edge"
    assert g.reporting_class("cpu-server", "llama.cpp") == "server CPU"
    assert g.reporting_class("apple", "mlc") == "Apple"


def test_default_runtimes():
    assert {c: g.default_runtime(c) for c in ("nvidia-datacenter", "nvidia-consumer", "jetson", "apple", "phone",
                                              "cpu-server", "gaudi", "tpu")} == {
        "nvidia-datacenter": "vllm", "nvidia-consumer": "llama.cpp", "jetson": "mlc", "apple": "llama.cpp",
        "phone": "executorch", "cpu-server": "llama.cpp", "gaudi": "vllm", "tpu": "vllm"}


def test_factor_files(tmp_path):
    assert g.load_factors(tmp_path / "missing.json") is g.DEFAULT_FACTORS
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(VentureLabError) as err:
        g.load_factors(broken)
    assert err.value.field == "fitted_factors" and err.value.problem.startswith(f"cannot read {broken}: ")
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"groups": {}}))
    with pytest.raises(VentureLabError) as err:
        g.load_factors(partial)
    assert err.value.problem == f"{partial} lacks 'groups' or 'format_factors'"
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"groups": {"apple|mlc": {}}, "format_factors": {}}))
    assert g.load_factors(str(good)) == {"groups": {"apple|mlc": {}}, "format_factors": {}}


def lookup_table() -> dict:
    return {"groups": {"apple|llama.cpp": {"eff_bw": 0.8, "eff_compute": 0.6, "overhead_per_layer_s": 2e-4,
                                           "n_decode": 4, "n_prefill": 3},
                       "jetson|mlc": {"eff_bw": 0.7, "eff_compute": 0.5, "overhead_per_layer_s": 1e-4}},
            "format_factors": {"bw": {"float": 1.0, "8bit": 0.9, "4bit": 0.8},
                               "compute": {"float": 1.0, "8bit": 0.95, "4bit": 0.85}},
            "bands": {"default": {"decode": [0.9, 1.1], "prefill": [0.8, 1.3]},
                      "apple|llama.cpp": {"decode": [0.85, 1.2], "prefill": [0.7, 1.4]}},
            "uncalibrated_band": {"decode": [0.5, 2.0], "prefill": [0.4, 2.5]}}


def test_lookup_gives_each_row_its_groups_factors_and_band():
    f = lookup_table()
    r = g.lookup_groups(["apple", "jetson", "apple"], "llama.cpp", ["q4_k_m", "fp16", "fp16"], 3, f)
    assert r.eff_bw.tolist() == [0.8, 0.7, 0.8]                 # jetson|llama.cpp has no group: jetson|mlc
    assert r.eff_compute.tolist() == [0.6, 0.5, 0.6] and r.overhead_per_layer_s.tolist() == [2e-4, 1e-4, 2e-4]
    assert r.format_bw.tolist() == [0.8, 1.0, 1.0] and r.format_compute.tolist() == [0.85, 1.0, 1.0]
    assert r.decode_band_low.tolist() == [0.85, 0.5, 0.85] and r.decode_band_high.tolist() == [1.2, 2.0, 1.2]
    assert r.prefill_band_low.tolist() == [0.7, 0.4, 0.7] and r.prefill_band_high.tolist() == [1.4, 2.5, 1.4]
    assert r.calibrated_decode.tolist() == [True, False, True] and r.calibrated_prefill.tolist() == [True, False, True]
    # llama.cpp on Apple dequantises to half; on a Jetson (CUDA) it runs the FP16-accumulate tensor rate
    assert r.peak_path.tolist() == ["fp16", "fp16_acc16", "fp16"]
    assert r.basis[0] == "apple|llama.cpp"
    assert r.basis[1] == ("fallback for jetson|llama.cpp: decode from jetson|mlc (uncalibrated), "
                          "prefill from jetson|mlc (uncalibrated)")
    assert g.lookup_groups([], [], [], 0, f).eff_bw.shape == (0,)


def test_an_efficiency_override_replaces_the_fitted_factors_but_keeps_the_bands():
    f = lookup_table()
    r = g.lookup_groups("apple", "llama.cpp", "q4_k_m", 2, f,
                        efficiency_override={"eff_bw": 0.5, "eff_compute": 0.4, "overhead_per_layer_s": 3e-4})
    assert (r.eff_bw.tolist(), r.eff_compute.tolist(), r.overhead_per_layer_s.tolist()) == \
        ([0.5, 0.5], [0.4, 0.4], [3e-4, 3e-4])
    assert r.format_bw.tolist() == r.format_compute.tolist() == [1.0, 1.0]
    assert r.decode_band_low.tolist() == [0.85, 0.85]
    r = g.lookup_groups("apple", "llama.cpp", "q4_k_m", 1, f, efficiency_override={"eff_bw": 0.5, "eff_compute": 0.4})
    assert r.overhead_per_layer_s.tolist() == [0.0]             # no overhead given: none


def test_a_group_with_default_factors_says_so():
    f = lookup_table()
    r = g.lookup_groups("jetson", "mlc", "fp16", 1, f)
    assert r.basis[0] == "jetson|mlc (built-in default factors, not fitted)"
    assert r.calibrated_decode.tolist() == [False]
