"""A quantised decode step on a CPU dequantises every weight on the vector units (issue 10, server
CPUs): published OpenVINO int4 decode on two-socket Xeons scales with one socket's cores x clock,
not with its DDR bandwidth, and the estimate says which limit binds and why."""

from __future__ import annotations

import csv

import pytest

from scenarios.engine.catalog import DATA_DIR
from tests.engine.cli_inproc import estimate

OLD, NEW = "intel-xeon-platinum-8380-2s", "intel-xeon-platinum-8580-2s"   # DDR4-3200 x 8, DDR5-5600 x 8
ASK = ("--model", "llama-2-7b", "--runtime", "openvino", "--prompt-tokens", "1024", "--output-tokens", "128")


def _published(hardware: str, fmt: str) -> float:
    """The OpenVINO benchmark's Llama 2 7B decode rate (data/calibration/inference_measurements.csv)."""
    with open(DATA_DIR / "calibration" / "inference_measurements.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["model"] == "Llama 2 7B" and r["hardware"] == hardware
                and r["weight_format"] == fmt and r["metric"] == "decode_tokens_per_s"]
    assert len(rows) == 1
    return float(rows[0]["value"])


def test_int4_decode_on_xeons_follows_the_cores_not_the_memory():
    old, new = (estimate(*ASK, "--hardware", h, "--weights", "int4") for h in (OLD, NEW))
    for e in (old, new):
        assert "dequantises every weight on the SIMD units" in e["basis"]
    # on DDR5 the vector units are the slower of the two; on the DDR4 8380 the two are about even
    assert new["bound_decode"] == "compute"
    # one socket each (OpenVINO's latency hint): 60 x 2.0 GHz against 40 x 2.3 GHz is 1.30x, while the
    # socket's DDR is 358.4 against 204.8 GB/s (1.75x); the published rates are 34.45 and 26.42 tok/s
    measured = _published(NEW, "int4") / _published(OLD, "int4")
    predicted = new["decode_tokens_per_s"] / old["decode_tokens_per_s"]
    assert measured == pytest.approx(1.30, abs=0.01)
    assert predicted == pytest.approx(measured, rel=0.10)
    assert predicted < 0.85 * 358.4 / 204.8


def test_fp16_decode_on_a_xeon_stays_on_memory_and_gpus_have_no_dequantising_term():
    fp16 = estimate(*ASK, "--hardware", NEW, "--weights", "fp16")
    assert fp16["bound_decode"] == "bandwidth" and "dequantises" not in fp16["basis"]
    gpu = estimate("--model", "llama-2-7b", "--hardware", "nvidia-l4", "--weights", "int4")
    assert "dequantises" not in gpu["basis"]
