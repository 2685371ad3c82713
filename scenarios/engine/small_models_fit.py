"""Calibration of the small-model speed model on server CPUs (ARCHITECTURE 4.3, docs/methodology.md).

Two efficiencies per (hardware class, compute path), fitted on published measurements
(data/calibration/small_model_measurements.csv, OpenVINO's benchmark table):

* ``e_thr``: the share of the path's peak that a throughput-mode server reaches on one model,
  ``inputs_per_s = e_thr * peak / FLOPs per input`` (all cores busy, each on its own inputs);
* ``e_lat``: for one input alone (synchronous mode, every core on one input),
  ``latency = t_call + FLOPs / (e_lat * fp32 vector peak)`` whatever the weight format.  The published
  rows show why: one input cannot feed AMX / VNNI tiles on a many-core server, and the int8, bf16 and
  fp32 latencies of a model on one server differ far less than their peaks (8490H ResNet-50: int8
  1.07 ms, bf16 1.29 ms against a 32x wider int8 peak), while the effective rate tracks the
  AVX-512 / SVE vector peak across servers with and without AMX (one parameter per class).

Each is the geometric mean over the group's rows (one parameter per group and metric: few
parameters, as ARCHITECTURE 5 asks).  The bands are the 10th-90th percentile of the ratio
measured / predicted with each row's hardware held out (leave-one-hardware-out), so a band says
how far a device the fit has not seen lands.  The data are tiny, so the fit runs on first use
(no fitted-factors file to keep in step).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from scenarios.engine.catalog import get_hardware, get_model
from scenarios.engine.catalog_rows import read_csv

MEASUREMENTS = Path(__file__).resolve().parents[2] / "data" / "calibration" / "small_model_measurements.csv"
METRICS = ("inputs_per_s", "latency_ms")
# The per-call cost of a graph runtime on a CPU (ONNX Runtime / OpenVINO session.run: input binding,
# thread wake-up, output copy): tens of microseconds in ONNX Runtime's own profiling of small models;
# ASSUMED 0.05 ms (range 0.02-0.2 ms), named in every estimate's assumptions.
CPU_CALL_MS = 0.05


def path_of(weights: str) -> str:
    """The compute path a weight format runs on: 'fp32', 'bf16' (AMX / BFMMLA; fp16 weights too) or
    'int8' (VNNI / AMX-INT8 / SMMLA; 4-bit weights dequantise to int8 activations)."""
    if weights == "fp32":
        return "fp32"
    if weights in ("fp16", "bf16"):
        return "bf16"
    return "int8"


def group_path(path: str, metric: str) -> str:
    """The peak a metric is fitted against: throughput on the weights' path, latency on fp32 (above)."""
    return "fp32" if metric == "latency_ms" else path


def peak_ops_per_s(hw, path: str) -> float:
    """The device's dense peak on a path, in operations per second (the catalog's columns)."""
    tera = {"fp32": hw.peak_tflops_fp32, "bf16": hw.peak_tflops_fp16, "int8": hw.peak_tops_int8}[path]
    return float(tera) * 1e12


@dataclass(frozen=True)
class Measurement:
    model: str
    hardware: str
    hw_class: str
    path: str
    metric: str
    value: float
    gflops: float
    peak: float
    source: str


@lru_cache(maxsize=1)
def measurements() -> tuple[Measurement, ...]:
    """The published rows, each resolved against the catalogs (a row naming an unknown id fails loudly)."""
    out = []
    for r in read_csv(MEASUREMENTS):
        hw, spec = get_hardware(r["hardware"]), get_model(r["model"])
        group = group_path(path_of(r["weights"]), r["metric"])
        out.append(Measurement(spec.id, hw.id, hw.hw_class, group, r["metric"], float(r["value"]),
                               float(spec.gflops_per_input), peak_ops_per_s(hw, group), r["source"]))
    return tuple(out)


def _efficiency(m: Measurement) -> float:
    """The efficiency one row implies under the model of the module docstring."""
    flops = m.gflops * 1e9
    if m.metric == "inputs_per_s":
        return m.value * flops / m.peak
    busy_s = max(m.value - CPU_CALL_MS, 1e-3) / 1e3
    return flops / (busy_s * m.peak)


def fit(rows) -> dict[tuple[str, str, str], float]:
    """(hw_class, path, metric) -> efficiency: the geometric mean of the rows' implied efficiencies."""
    groups: dict[tuple[str, str, str], list[float]] = {}
    for m in rows:
        groups.setdefault((m.hw_class, m.path, m.metric), []).append(math.log(_efficiency(m)))
    return {k: math.exp(sum(v) / len(v)) for k, v in groups.items()}


def predict_row(m: Measurement, eff: float) -> float:
    """What the model predicts for a measurement's own setting with efficiency ``eff``."""
    flops = m.gflops * 1e9
    if m.metric == "inputs_per_s":
        return eff * m.peak / flops
    return CPU_CALL_MS + 1e3 * flops / (eff * m.peak)


@dataclass(frozen=True)
class HeldOut:
    """One published row predicted with its hardware left out of the fit."""

    measurement: Measurement
    predicted: float | None      # None: no other hardware of the class has this path and metric

    @property
    def ratio(self) -> float | None:
        return None if self.predicted is None else self.measurement.value / self.predicted


@lru_cache(maxsize=1)
def leave_one_hardware_out() -> tuple[HeldOut, ...]:
    rows = measurements()
    out = []
    for hw_id in sorted({m.hardware for m in rows}):
        factors = fit([m for m in rows if m.hardware != hw_id])
        for m in (m for m in rows if m.hardware == hw_id):
            eff = factors.get((m.hw_class, m.path, m.metric))
            out.append(HeldOut(m, None if eff is None else predict_row(m, eff)))
    return tuple(out)


@lru_cache(maxsize=1)
def factors() -> dict[tuple[str, str, str], float]:
    return fit(measurements())


@lru_cache(maxsize=16)
def band(hw_class: str, metric: str) -> tuple[float, float] | None:
    """Multipliers (low, high) on the expected figure: the 10th and 90th percentile of the held-out
    ratio measured / predicted for the class and metric; None where the class has no held-out rows."""
    ratios = [h.ratio for h in leave_one_hardware_out()
              if h.ratio is not None and h.measurement.hw_class == hw_class and h.measurement.metric == metric]
    if len(ratios) < 4:
        return None
    lo, hi = np.quantile(np.array(ratios), [0.1, 0.9])
    return float(min(lo, 1.0)), float(max(hi, 1.0))


@dataclass(frozen=True)
class ClassReport:
    """Leave-one-hardware-out accuracy of one class and metric (docs/methodology.md table)."""

    hw_class: str
    metric: str
    rows: int
    devices: int
    predicted_rows: int
    median_abs_error: float | None     # median of |predicted / measured - 1| over held-out rows
    band_coverage: float | None        # share of held-out rows inside the band fitted with them


def report() -> list[ClassReport]:
    held = leave_one_hardware_out()
    out = []
    for cls, metric in sorted({(h.measurement.hw_class, h.measurement.metric) for h in held}):
        mine = [h for h in held if h.measurement.hw_class == cls and h.measurement.metric == metric]
        done = [h for h in mine if h.ratio is not None]
        errs = [abs(1.0 / h.ratio - 1.0) for h in done]
        b = band(cls, metric)
        inside = [b[0] <= h.ratio <= b[1] for h in done] if b else []
        out.append(ClassReport(cls, metric, len(mine), len({h.measurement.hardware for h in mine}), len(done),
                               float(np.median(errs)) if errs else None,
                               sum(inside) / len(inside) if inside else None))
    return out
