"""Phones compute on their runtime's path (ARCHITECTURE 4.3, issue 10): ExecuTorch and llama.cpp on the
CPU cores, MLC on the GPU, QNN on the Hexagon NPU, Core ML on Apple's Neural Engine; a runtime a phone
has no path for is refused with the one-line error naming the runtimes it has."""

from __future__ import annotations

import csv

import pytest

from scenarios.engine import compute_paths, groups
from scenarios.engine.catalog import DATA_DIR, load_hardware
from scenarios.engine.groups import load_factors
from tests.engine.cli_inproc import assert_one_line_error, estimate

SD8E, A17 = "qualcomm-snapdragon-8-elite", "apple-a17-pro"
PHONE_ARGS = ("--model", "llama-3.2-3b", "--weights", "int4", "--prompt-tokens", "1024", "--output-tokens", "128")


def test_every_phone_has_a_cpu_and_a_gpu_path_with_provenance():
    phones = {h for h, v in load_hardware().items() if v.hw_class == "phone"}
    paths = compute_paths.load_compute_paths()
    assert phones == set(paths)
    for h in phones:
        assert {"cpu", "gpu"} <= set(paths[h])
    with open(DATA_DIR / "compute_paths.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert row["source"] and row["as_of"][:2] == "20" and row["verified"] in ("True", "False")
            assert row["derivation"]
            if row["path"] == "cpu":    # the CPU peaks are derived in the row: cores x clock x pipes
                assert "pipe-GHz" in row["derivation"] and "SMMLA" in row["derivation"]


def test_the_cpu_path_is_far_below_the_gpu_and_the_npu_far_above():
    p = compute_paths.load_compute_paths()[SD8E]
    hw = load_hardware()[SD8E]
    assert p["gpu"].peak_tflops_fp16 == hw.peak_tflops_fp16      # the GPU path is the catalog's GPU columns
    assert p["cpu"].peak_tflops_fp16 < 0.5 * p["gpu"].peak_tflops_fp16
    assert p["npu"].peak_tops_int8 == hw.npu_tops_int8 > 5 * p["cpu"].peak_tops_int8


@pytest.mark.parametrize("hardware, runtime, path", [
    (SD8E, "executorch", "cpu"), (SD8E, "llama.cpp", "cpu"), (SD8E, "mlc", "gpu"), (SD8E, "qnn", "npu"),
    (A17, "coreml", "npu"), (A17, "executorch", "cpu")])
def test_each_runtime_runs_on_its_path(hardware, runtime, path):
    assert compute_paths.path_of(hardware, runtime).path == path


def test_runtimes_on_a_phone_follow_its_paths():
    assert compute_paths.runtimes_for(SD8E) == ("executorch", "llama.cpp", "mlc", "qnn")
    assert compute_paths.runtimes_for(A17) == ("executorch", "llama.cpp", "mlc", "coreml")
    # no NPU runtime the engine models on Google's or MediaTek's NPUs
    assert compute_paths.runtimes_for("google-tensor-g4") == ("executorch", "llama.cpp", "mlc")
    assert str(compute_paths.check_runtime(A17, "qnn")) == (
        "runtime: no compute path on apple-a17-pro for this runtime (got 'qnn'); "
        "accepted: executorch, llama.cpp, mlc, coreml")
    assert compute_paths.check_runtime(SD8E, "qnn") is None


def test_a_phones_group_is_its_path():
    assert groups.reporting_class("phone", "qnn") == "phone NPU"
    assert groups.reporting_class("phone", "coreml") == "phone NPU"
    assert groups.reporting_class("phone", "llama.cpp") == "phone CPU"
    assert groups.resolve_group("phone", "llama.cpp", metric="decode")[0] == "phone|executorch"
    assert groups.resolve_group("phone", "qnn", metric="prefill", path="int8") == ("phone|qnn", True)
    # Core ML has no row of a catalog model: it borrows the NPU group, flagged uncalibrated
    assert groups.resolve_group("phone", "coreml", metric="decode") == ("phone|qnn", False)
    assert groups.peak_path("phone", "qnn", "w4a16") == "int8"
    assert groups.peak_path("phone", "qnn", "int4") == "fp16"
    assert groups.peak_path("phone", "coreml", "int4") == "fp16"


def test_prefill_follows_the_path_and_decode_stays_on_memory_bandwidth():
    by_rt = {rt: estimate(*PHONE_ARGS, "--hardware", SD8E, "--runtime", rt) for rt in ("executorch", "mlc", "qnn")}
    pre = {rt: e["prefill_tokens_per_s"] for rt, e in by_rt.items()}
    peak = {rt: {a["name"]: a["value"] for a in e["assumptions"]}["peak_compute"] for rt, e in by_rt.items()}
    # each path computes on its own peak (how much of it a runtime reaches is fitted per path group)
    assert peak["executorch"] < peak["mlc"] < peak["qnn"]
    assert max(pre["executorch"], pre["mlc"]) < pre["qnn"]
    for rt, e in by_rt.items():
        assert e["bound_decode"] == "bandwidth", rt
        said = {a["name"]: a for a in e["assumptions"]}
        assert said["compute_path"]["value"] == {"executorch": "phone CPU", "mlc": "phone GPU", "qnn": "phone NPU"}[rt]
        assert "data/compute_paths.csv" in said["peak_compute"]["source"]
    # weight-only int4 (AI Hub 'w4': fp16 activations) computes on the NPU's fp16 path, half the int8 one
    assert {a["name"]: a["value"] for a in by_rt["qnn"]["assumptions"]}["peak_compute"] == 30.0
    w4a16 = estimate(*PHONE_ARGS[:2], "--weights", "w4a16", *PHONE_ARGS[4:], "--hardware", SD8E, "--runtime", "qnn")
    assert {a["name"]: a["value"] for a in w4a16["assumptions"]}["peak_compute"] == 60.0
    # the CPU path's prefill (int8 SMMLA peak of the cores) costs more battery per token than the NPU's
    assert by_rt["executorch"]["battery_pct_per_1k_tokens"] > by_rt["qnn"]["battery_pct_per_1k_tokens"]


def test_llama_cpp_shares_the_cpu_group_with_a_compute_factor_of_its_own():
    """llama.cpp's CPU prompt processing reaches a lower share of a phone CPU's peak than ExecuTorch's
    (published PocketPal rows on two phones): same decode, slower prefill, and the basis says why."""
    ex, lc = (estimate(*PHONE_ARGS, "--hardware", SD8E, "--runtime", rt) for rt in ("executorch", "llama.cpp"))
    assert lc["calibrated"] is True and "phone|executorch" in lc["basis"]
    assert "llama.cpp's own compute factor" in lc["basis"] and "compute factor" not in ex["basis"]
    factor = load_factors()["groups"]["phone|executorch"]["software_compute"]["llama.cpp"]
    assert 0.3 < factor < 0.9
    assert lc["decode_tokens_per_s"] == pytest.approx(ex["decode_tokens_per_s"], rel=0.05)
    assert lc["prefill_tokens_per_s"] < 0.95 * ex["prefill_tokens_per_s"]


def test_coreml_runs_on_apples_neural_engine():
    e = estimate(*PHONE_ARGS, "--hardware", A17, "--runtime", "coreml")
    said = {a["name"]: a for a in e["assumptions"]}
    assert said["compute_path"]["value"] == "phone NPU (Apple Neural Engine)"
    assert e["calibrated"] is False and "phone|qnn" in e["basis"]


@pytest.mark.parametrize("hardware, runtime, accepted", [
    (A17, "qnn", "accepted: executorch, llama.cpp, mlc, coreml"),
    (SD8E, "coreml", "accepted: executorch, llama.cpp, mlc, qnn"),
    ("google-tensor-g3", "qnn", "accepted: executorch, llama.cpp, mlc"),
    (A17, "vllm", "accepted: executorch, llama.cpp, mlc, coreml")])
def test_a_runtime_without_a_path_on_that_phone_is_refused_in_one_line(hardware, runtime, accepted):
    assert_one_line_error(("estimate", "inference", *PHONE_ARGS, "--hardware", hardware, "--runtime", runtime),
                          f"no compute path on {hardware}", f"(got '{runtime}')", accepted)


def test_npu_runtimes_stay_off_other_classes():
    assert_one_line_error(("estimate", "inference", "--model", "llama-3.2-3b", "--hardware", "nvidia-h100-sxm",
                           "--runtime", "qnn"), "not available on nvidia-datacenter hardware", "(got 'qnn')")


def test_qnn_decode_reads_the_kv_of_its_static_window():
    """Genie graphs take the whole KV cache of their compiled window (4096 tokens) every decode step:
    a longer prompt inside the window leaves QNN's decode speed as it was, while the CPU path slows."""
    def decode(rt, prompt):
        return estimate("--model", "llama-3.1-8b", "--weights", "w4a16" if rt == "qnn" else "int4",
                        "--prompt-tokens", str(prompt), "--output-tokens", "128", "--hardware", SD8E,
                        "--runtime", rt)["decode_tokens_per_s"]
    assert decode("qnn", 64) == decode("qnn", 2048)
    said = {a["name"]: a["value"] for a in estimate("--model", "llama-3.1-8b", "--weights", "w4a16", "--hardware", SD8E,
                                                    "--runtime", "qnn")["assumptions"]}
    assert said["kv_window_tokens"] == 4096
    assert decode("executorch", 2048) < 0.97 * decode("executorch", 64)
    # past the window the request's own context sets the read
    assert decode("qnn", 8192) < decode("qnn", 2048)


def test_openvino_on_a_two_socket_server_reads_one_sockets_memory():
    """OpenVINO's latency hint runs one stream on one NUMA node: on a two-socket catalog row its
    decode is bound by one socket's bandwidth (half the row's), stated as an assumption; a single-
    socket instance and llama.cpp keep the row's whole bandwidth."""
    args = ("--model", "llama-3-8b", "--weights", "fp16", "--prompt-tokens", "1024", "--output-tokens", "128")
    xeon2s = "intel-xeon-platinum-8580-2s"
    ov = estimate(*args, "--hardware", xeon2s, "--runtime", "openvino")
    said = {a["name"]: a["value"] for a in ov["assumptions"]}
    assert said["numa_node_share"] == 0.5
    assert ov["bound_decode"] == "bandwidth"
    # fp16 weights 16 GB over one socket's 358.4 GB/s: at most 22 tok/s before efficiency
    assert ov["decode_tokens_per_s"] < 358.4 / 16.06
    one_socket = estimate(*args, "--hardware", "aws-c7i-8xlarge", "--runtime", "openvino")
    assert "numa_node_share" not in {a["name"] for a in one_socket["assumptions"]}
    assert compute_paths.numa_node_share([xeon2s, xeon2s, "aws-c7i-8xlarge"],
                                         ["openvino", "llama.cpp", "openvino"]).tolist() == [0.5, 1.0, 1.0]
