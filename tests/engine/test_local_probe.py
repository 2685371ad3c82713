"""``calibrate-local`` in process (scenarios.engine.local_probe): the rate arithmetic under a scripted
clock, the probe's rounding and fall-backs, the device file's fields, where it is written and what
is refused.  The clock and the numpy kernels are replaced where a real measurement would take
seconds; one small real measurement checks the kernels run."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest
import yaml

from scenarios.engine import local_probe as lp
from scenarios.errors import VentureLabError
from tests.engine.cli_inproc import cli


def scripted_clock(monkeypatch, times):
    """time.perf_counter as the local probe sees it: the given instants, then a StopIteration."""
    it = iter(times)
    monkeypatch.setattr(lp.time, "perf_counter", lambda: next(it))


def ticking_clock(monkeypatch, tick):
    state = {"t": -tick}

    def now():
        state["t"] += tick
        return state["t"]
    monkeypatch.setattr(lp.time, "perf_counter", now)


def counted(monkeypatch, name):
    """Replace np.<name> by a no-op that counts its calls (the default sizes then cost no time)."""
    calls = []
    monkeypatch.setattr(np, name, lambda *a, **k: calls.append((a, k)))
    return calls


def test_matmul_rate_is_2n3_flops_over_the_fastest_repeat(monkeypatch):
    # start 0; runs of 0.5, 0.2 and 0.3 s; the third ends exactly at the 1 s budget and stops the loop
    scripted_clock(monkeypatch, [0.0, 0.0, 0.5, 0.5, 0.5, 0.7, 0.7, 0.7, 1.0, 1.0])
    assert lp.measure_matmul_gflops(n=4, budget_s=1.0) == pytest.approx(2 * 4 ** 3 / 0.2 / 1e9, rel=1e-12)


def test_the_budget_counts_time_since_the_start(monkeypatch):
    # a clock far from zero: runs of 0.25, 0.125 and 0.375 s; the budget of 0.75 s is spent after the third
    scripted_clock(monkeypatch, [100.0, 100.0, 100.25, 100.25, 100.25, 100.375, 100.375, 100.375, 100.75, 100.75])
    assert lp.measure_matmul_gflops(n=2, budget_s=0.75) == pytest.approx(16 / 0.125 / 1e9, rel=1e-12)


def test_bandwidth_counts_the_bytes_read_and_written(monkeypatch):
    scripted_clock(monkeypatch, [0.0, 0.0, 0.25, 0.25, 0.25, 0.5, 0.5])
    # 8192 bytes = 1024 float64, copied: 2 x 8192 bytes per run of 0.25 s
    assert lp.measure_bandwidth_gb_s(nbytes=8192, budget_s=0.5) == pytest.approx(2 * 8192 / 0.25 / 1e9, rel=1e-12)


def test_default_sizes_and_one_second_budget(monkeypatch):
    # three clock reads per timed run, 0.125 s apart: the budget of 1 s is reached after 3 runs
    ticking_clock(monkeypatch, 0.125)
    matmuls = counted(monkeypatch, "matmul")
    assert lp.measure_matmul_gflops() == pytest.approx(2 * 1024 ** 3 / 0.125 / 1e9, rel=1e-9)
    assert len(matmuls) == 1 + 3                            # a warm-up, then the timed runs
    (a, b), out = matmuls[0]
    assert a.shape == b.shape == (1024, 1024) and a.dtype == b.dtype == np.float32
    # the product goes to one preallocated array: no allocation inside the timed runs
    assert out["out"].shape == (1024, 1024) and out["out"].dtype == np.float32
    assert all(kw["out"] is out["out"] for _, kw in matmuls)
    ticking_clock(monkeypatch, 0.125)
    copies = counted(monkeypatch, "copyto")
    assert lp.measure_bandwidth_gb_s() == pytest.approx(2 * 128 * 2 ** 20 / 0.125 / 1e9, rel=1e-9)
    assert len(copies) == 4
    (dst, src), _ = copies[0]
    assert src.nbytes == dst.nbytes == 128 * 2 ** 20 and src.dtype == np.float64


def test_a_real_small_measurement_is_positive():
    assert 0 < lp.measure_matmul_gflops(n=32, budget_s=0.01) < 1e6
    assert 0 < lp.measure_bandwidth_gb_s(nbytes=1 << 16, budget_s=0.01) < 1e6


def fake_probe(monkeypatch, gflops=1234.5678, bw=45.678):
    monkeypatch.setattr(lp, "measure_matmul_gflops", lambda: gflops)
    monkeypatch.setattr(lp, "measure_bandwidth_gb_s", lambda: bw)


def test_probe_rounds_to_hundredths_and_reads_the_machine(monkeypatch):
    fake_probe(monkeypatch)
    scripted_clock(monkeypatch, [10.0, 12.3456])
    monkeypatch.setattr(os, "cpu_count", lambda: 12)
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 4_063_232 + 3000}    # 15.5 GiB + 3000 pages (0.0114 GiB)
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])
    r = lp.probe()
    assert r == lp.ProbeResult(1234.57, 45.68, 12, 15.51, 2.35)
    assert r.to_dict() == {"matmul_gflops": 1234.57, "memory_bandwidth_gb_s": 45.68, "cores": 12,
                           "memory_gb": 15.51, "seconds": 2.35}


@pytest.mark.parametrize("error", [ValueError, OSError, AttributeError])
def test_memory_falls_back_to_8_gib_where_the_os_does_not_say(monkeypatch, error):
    fake_probe(monkeypatch)

    def refuse(name):
        raise error(name)
    monkeypatch.setattr(os, "sysconf", refuse)
    monkeypatch.setattr(os, "cpu_count", lambda: None)        # unknown: one core
    r = lp.probe()
    assert r.memory_gb == 8.0 and r.cores == 1


def test_device_fields_name_what_was_measured_and_what_assumed(monkeypatch):
    monkeypatch.setattr(lp.time, "strftime", lambda fmt: {"%Y-%m-%d": "2026-12-07"}[fmt])
    r = lp.ProbeResult(matmul_gflops=2500.0, memory_bandwidth_gb_s=60.5, cores=8, memory_gb=31.25, seconds=2.1)
    f = lp.device_fields(r)
    assert f == {
        "id": "this-machine", "name": "This machine (8 CPUs, measured)", "category": "cpu-server",
        "hw_class": "cpu-server", "memory_gb": 31.25, "memory_bandwidth_gb_s": 60.5,
        "peak_tflops_fp32": 2.5, "peak_tflops_fp16": 2.5, "peak_tops_int8": 2.5, "peak_tops_int4": 2.5,
        "tdp_w": 65.0, "usable_memory_gb": 25.0, "compute_formats": ["fp32"], "verified": False,
        "derived": ["peak_tflops_fp16", "peak_tops_int8", "peak_tops_int4", "tdp_w"],
        "source": ("venture-lab calibrate-local on 2026-12-07: numpy 1024x1024 float32 matmul 2500.0 GFLOP/s "
                   "(best of repeats), copy bandwidth 60.5 GB/s (read + write)"),
        "notes": ("fp32 peak = the measured matmul rate; bf16 and int8 paths not measured (numpy has none): "
                  "set equal to fp32; tdp_w 65 W ASSUMED; usable memory 0.8 x RAM ASSUMED"),
    }
    assert lp.device_fields(lp.ProbeResult(1.0, 1.0, 1, 10.0 / 3, 1.0))["usable_memory_gb"] == 2.67


def test_the_device_file_reads_back_as_the_same_catalog_record(tmp_path):
    r = lp.ProbeResult(matmul_gflops=800.0, memory_bandwidth_gb_s=40.0, cores=4, memory_gb=16.0, seconds=2.0)
    path = lp.write_device_file(r, str(tmp_path / "new" / "deeper" / "box.yml"))    # folders made
    assert path == tmp_path / "new" / "deeper" / "box.yml"
    text = path.read_text(encoding="utf-8")
    fields = yaml.safe_load(text)
    assert fields == lp.device_fields(r) and list(fields) == list(lp.device_fields(r))   # catalog order kept
    assert sorted(p.name for p in path.parent.iterdir()) == ["box.yml"]                   # no temporary left
    hw = lp.hardware_of(r)
    assert (hw.id, hw.hw_class, hw.peak_tflops_fp32, hw.memory_bandwidth_gb_s, hw.usable_memory_gb) == \
        ("this-machine", "cpu-server", 0.8, 40.0, 12.8)
    from scenarios.engine.catalog import get_hardware
    assert get_hardware(str(path)) == hw                          # --hardware PATH gives the same device


def test_the_default_file_goes_to_the_apps_device_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("VENTURE_LAB_DEVICE_DIR", str(tmp_path / "devices"))
    assert lp.default_path() == tmp_path / "devices" / "this-machine.yaml"
    assert lp.output_path() == lp.output_path(None) == tmp_path / "devices" / "this-machine.yaml"
    r = lp.ProbeResult(100.0, 10.0, 2, 4.0, 1.0)
    assert lp.write_device_file(r).read_text(encoding="utf-8").startswith("id: this-machine\n")
    monkeypatch.delenv("VENTURE_LAB_DEVICE_DIR")
    assert lp.default_path() == lp.Path("user_devices") / "this-machine.yaml"
    monkeypatch.setenv("VENTURE_LAB_DEVICE_DIR", "")                # empty: the default folder
    assert lp.default_path() == lp.Path("user_devices") / "this-machine.yaml"


@pytest.mark.parametrize("name", ["a.yaml", "a.yml", "A.YAML", "sub/a.Yml"])
def test_yaml_suffixes_are_accepted(tmp_path, name):
    assert lp.output_path(str(tmp_path / name)) == tmp_path / name


def test_bad_outputs_are_refused_naming_the_problem(tmp_path):
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / "file").write_text("x")
    cases = [("", "must be a .yaml or .yml file", ".yaml, .yml"),
             (str(tmp_path / "notes.txt"), "must be a .yaml or .yml file", ".yaml, .yml"),
             (str(tmp_path / "dir.yaml"), "is a folder, not a file", None),
             (str(tmp_path / "file" / "a.yaml"), "its folder is a file", None)]
    for output, problem, accepted in cases:
        with pytest.raises(VentureLabError) as err:
            lp.output_path(output)
        assert (err.value.field, err.value.problem, err.value.got, err.value.accepted) == \
            ("output", problem, output, accepted)


def test_a_folder_that_cannot_be_made_is_one_error(tmp_path):
    (tmp_path / "file").write_text("x")
    out = str(tmp_path / "file") + "/./sub/a.yaml"             # its folder's parent is a file
    with pytest.raises(VentureLabError) as err:
        lp.write_device_file(lp.ProbeResult(1.0, 1.0, 1, 1.0, 1.0), out)
    assert err.value.field == "output" and err.value.got == out          # as given, not normalised
    assert err.value.problem.startswith("cannot write (") and err.value.__cause__ is None


def test_a_default_folder_that_cannot_be_made_names_the_file(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("VENTURE_LAB_DEVICE_DIR", str(tmp_path / "file" / "devices"))
    with pytest.raises(VentureLabError) as err:
        lp.write_device_file(lp.ProbeResult(1.0, 1.0, 1, 1.0, 1.0))
    assert err.value.got == str(tmp_path / "file" / "devices" / "this-machine.yaml")


def test_cli_reports_the_measurement_and_the_file(tmp_path, monkeypatch):
    fake_probe(monkeypatch, gflops=321.0, bw=12.5)
    out = tmp_path / "mine.yaml"
    rc, stdout, stderr = cli("calibrate-local", "--output", str(out), "--json")
    assert rc == 0, stderr
    d = json.loads(stdout)
    assert (d["matmul_gflops"], d["memory_bandwidth_gb_s"], d["device_file"]) == (321.0, 12.5, str(out))
    assert yaml.safe_load(out.read_text())["peak_tflops_fp32"] == 0.321
    rc, stdout, _ = cli("calibrate-local", "--output", str(out))
    assert rc == 0 and "321" in stdout and f"device file: {out}" in stdout


def test_cli_refuses_a_bad_output_before_measuring(monkeypatch):
    def never():
        raise AssertionError("measured before checking --output")
    monkeypatch.setattr(lp, "measure_matmul_gflops", never)
    t0 = time.perf_counter()
    rc, stdout, stderr = cli("calibrate-local", "--output", "notes.txt")
    assert rc == 2 and stdout == "" and len(stderr.strip().splitlines()) == 1
    assert ".yaml, .yml" in stderr and time.perf_counter() - t0 < 1.0
