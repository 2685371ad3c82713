"""`venture-lab calibrate-local` (ARCHITECTURE 4.3): measures this computer in seconds, writes a device
file that --hardware accepts, and refuses a bad --output in one line before measuring."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def run(*args, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "scenarios.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env)


def test_calibrate_local_writes_a_device_the_estimate_accepts(tmp_path):
    out = tmp_path / "devices" / "mine.yaml"
    t0 = time.perf_counter()
    res = run("calibrate-local", "--output", str(out), "--json")
    assert time.perf_counter() - t0 < 10.0                     # ARCHITECTURE 4.3: a few seconds
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["matmul_gflops"] > 0 and d["memory_bandwidth_gb_s"] > 0 and d["cores"] >= 1
    fields = yaml.safe_load(out.read_text())
    assert fields["peak_tflops_fp32"] == pytest.approx(d["matmul_gflops"] / 1e3)
    assert fields["memory_bandwidth_gb_s"] == d["memory_bandwidth_gb_s"] and fields["hw_class"] == "cpu-server"
    est = run("estimate", "inference", "--model", "resnet-50", "--hardware", str(out), "--json")
    assert est.returncode == 0, est.stderr
    e = json.loads(est.stdout)
    # latency = call cost + FLOPs / (fitted latency efficiency x the measured matmul rate)
    from scenarios.engine import small_models_fit as cal
    eff = cal.factors()[("cpu-server", "fp32", "latency_ms")]
    assert e["latency_ms"] == pytest.approx(cal.CPU_CALL_MS + 8.18e9 / (eff * d["matmul_gflops"] * 1e9) * 1e3,
                                            rel=1e-3)


def test_default_output_is_the_apps_device_folder(tmp_path):
    import os
    env = {**os.environ, "VENTURE_LAB_DEVICE_DIR": str(tmp_path)}
    res = run("calibrate-local", env=env)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "this-machine.yaml").exists()


@pytest.mark.parametrize("output", ["", "notes.txt", "."])
def test_bad_output_is_one_line_before_measuring(output, tmp_path):
    t0 = time.perf_counter()
    res = run("calibrate-local", "--output", output)
    assert res.returncode == 2 and res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and "--output" in res.stderr
    assert time.perf_counter() - t0 < 5.0                      # refused before the probe runs
