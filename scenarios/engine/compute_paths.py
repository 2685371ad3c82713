"""Compute paths of a device: which part of a phone a runtime computes on, with that part's peaks.

A phone has several compute units with very different peaks (ARCHITECTURE 4.3): ExecuTorch (XNNPACK)
and llama.cpp run on the CPU cores, MLC on the GPU, Qualcomm's QNN / Genie on the Hexagon NPU and
Core ML on Apple's Neural Engine.  ``data/compute_paths.csv`` holds one row per (phone, path) with
the peaks that path reaches, the runtimes that use it, the derivation, source, date and a verified
flag; the GPU path repeats the device's peak columns of data/hardware.csv.  The prefill (compute)
roofline of a phone uses the peaks of its runtime's path; decode stays bound by the shared memory's
bandwidth, whatever the path.  A device without rows here keeps its own peak columns.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from scenarios.engine.catalog import DATA_DIR, load_hardware
from scenarios.engine.catalog_rows import CatalogRow, read_csv
from scenarios.engine.columns import factorize
from scenarios.errors import VentureLabError

PATHS = ("cpu", "gpu", "npu")
# the ARCHITECTURE 4.3 reporting class of each phone path
PATH_LABELS = {"cpu": "phone CPU", "gpu": "phone GPU", "npu": "phone NPU"}
PATH_RUNTIMES = ("executorch", "llama.cpp", "mlc", "qnn", "coreml")
# A phone without compute-path rows (a user's device file) keeps the runtimes every phone had before
# paths existed, on its own peak columns.
UNLISTED_PHONE_RUNTIMES = ("executorch", "mlc", "llama.cpp")

# Qualcomm's QNN / Genie LLM graphs are compiled for a fixed context window: the token generator
# takes the whole KV cache of that window as a static input and masks the unused positions, so each
# decode step reads the KV of the full window, whatever the request's context (Qualcomm AI Hub
# Models' LLM exports, e.g. qai_hub_models/models/llama_v3_2_3b_instruct perf.yaml / info.yaml,
# v0.46.0: context_length 4096; data/validation/phone_measurements.csv notes give each row's).
# ASSUMED the AI Hub default of 4096 tokens (a request with a longer context uses its own).
QNN_CONTEXT_TOKENS = 4096.0


# OpenVINO's latency hint (one stream: its LLM pipelines at batch 1) runs on the cores of one NUMA
# node ("ov::inference_num_threads is equal to the number of P-cores ... on one numa node":
# openvinotoolkit/openvino docs/articles_en/openvino-workflow/running-inference/inference-devices-and-modes/
# cpu-device/performance-hint-and-thread-scheduling.rst @03e83f2).  On a catalog row that spans several
# sockets (data/cpu_server_paths.csv: physical_cores > socket_cores) it reads one socket's memory
# channels and computes on one socket's cores; the published Xeon LLM rows decode at 63-69 % of one
# socket's bandwidth (fp16), 32-35 % of both.  ASSUMED sub-NUMA clustering off (one node per socket).
ONE_NUMA_NODE_RUNTIMES = ("openvino",)


@dataclass(frozen=True)
class ComputePath:
    """One compute path of one device (peaks in TFLOP/s and TOPS, as data/hardware.csv)."""

    hardware: str
    path: str
    runtimes: tuple[str, ...]
    peak_tflops_fp32: float
    peak_tflops_fp16: float
    peak_tops_int8: float
    derivation: str
    source: str
    as_of: str
    verified: bool

    @property
    def label(self) -> str:
        """'phone CPU' and so on; Apple's NPU path is its Neural Engine."""
        if self.path == "npu" and "coreml" in self.runtimes:
            return "phone NPU (Apple Neural Engine)"
        return PATH_LABELS[self.path]


def _number(r: CatalogRow, name: str) -> float:
    value = r.num(name, required=False, maximum=100_000)
    return float("nan") if value is None else value


def _row(r: CatalogRow) -> ComputePath:
    hid = r.text("hardware")
    if hid not in load_hardware():
        raise VentureLabError(f"{r.where} field hardware", "unknown device", got=hid)
    runtimes = tuple(x for x in r.text("runtimes").split("|") if x)
    bad = [x for x in runtimes if x not in PATH_RUNTIMES]
    if bad:
        raise VentureLabError(f"{r.where} field runtimes", "unknown runtime", got=bad, accepted=PATH_RUNTIMES)
    # every path states where its figures come from (text() refuses an empty cell)
    return ComputePath(hardware=hid, path=r.choice("path", PATHS), runtimes=runtimes,
                       peak_tflops_fp32=_number(r, "peak_tflops_fp32"), peak_tflops_fp16=_number(r, "peak_tflops_fp16"),
                       peak_tops_int8=_number(r, "peak_tops_int8"), derivation=r.text("derivation"),
                       source=r.text("source"), as_of=r.text("as_of"), verified=r.flag("verified"))


@functools.lru_cache(maxsize=1)
def load_compute_paths() -> dict[str, dict[str, ComputePath]]:
    """device id -> path -> :class:`ComputePath`; a runtime may use one path per device only."""
    out: dict[str, dict[str, ComputePath]] = {}
    for i, row in enumerate(read_csv(DATA_DIR / "compute_paths.csv"), start=2):
        r = CatalogRow(f"data/compute_paths.csv line {i}", row)
        p = _row(r)
        paths = out.setdefault(p.hardware, {})
        taken = [rt for q in paths.values() for rt in q.runtimes if rt in p.runtimes]
        if p.path in paths or taken:
            raise VentureLabError("compute_paths", f"compute_paths.csv row {r.where}: {p.hardware} lists a path "
                                  "or runtime twice", got=p.path)
        paths[p.path] = p
    return out


def runtimes_for(hardware_id: str) -> tuple[str, ...]:
    """The runtimes a listed device accepts (in path order), or those of an unlisted phone."""
    paths = load_compute_paths().get(hardware_id)
    if not paths:
        return UNLISTED_PHONE_RUNTIMES
    return tuple(rt for p in PATHS if p in paths for rt in paths[p].runtimes)


def path_of(hardware_id: str, runtime: str) -> ComputePath | None:
    """The compute path ``runtime`` runs on for this device; None where the device has no rows."""
    for p in load_compute_paths().get(hardware_id, {}).values():
        if runtime in p.runtimes:
            return p
    return None


def check_runtime(hardware_id: str, runtime: str) -> VentureLabError | None:
    """The one-line refusal for a runtime the device has no path for (None when it has one)."""
    accepted = runtimes_for(hardware_id)
    if runtime in accepted:
        return None
    return VentureLabError("runtime", f"no compute path on {hardware_id} for this runtime", got=runtime,
                           accepted=accepted)


def path_peaks(hardware_ids: np.ndarray, runtimes: np.ndarray, fp32: np.ndarray, fp16: np.ndarray,
               int8: np.ndarray, int4: np.ndarray) -> tuple[np.ndarray, ...]:
    """The peak columns (ops/s) each row computes on: its runtime's path where the device has one,
    else the columns given.  The int4 column of a path is its int8 one (no path has a faster 4-bit
    matmul the runtimes use)."""
    out = [np.array(a, dtype=float, copy=True) for a in (fp32, fp16, int8, int4)]
    pairs, code = factorize(list(zip(np.asarray(hardware_ids, dtype=object), np.asarray(runtimes, dtype=object))))
    for k, (hid, rt) in enumerate(pairs):
        p = path_of(str(hid), str(rt))
        if p is None:
            continue
        rows = code == k
        for i, v in enumerate((p.peak_tflops_fp32, p.peak_tflops_fp16, p.peak_tops_int8, p.peak_tops_int8)):
            out[i][rows] = v * 1e12 if np.isfinite(v) else np.nan
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _socket_shares() -> dict[str, float]:
    """One socket's share of each multi-socket catalog row (data/cpu_server_paths.csv)."""
    out = {}
    for r in read_csv(DATA_DIR / "cpu_server_paths.csv"):
        cores, socket = int(r["physical_cores"]), int(r["socket_cores"])
        if cores > socket:
            out[r["hardware"]] = socket / cores
    return out


def numa_node_share(hardware_ids, runtimes) -> np.ndarray:
    """Share of each device's bandwidth and peaks its runtime uses: one socket's for a one-NUMA-node
    runtime on a multi-socket row (see ONE_NUMA_NODE_RUNTIMES), else 1."""
    hardware_ids = np.atleast_1d(np.asarray(hardware_ids, dtype=object))
    runtimes = np.atleast_1d(np.asarray(runtimes, dtype=object))
    out = np.ones(len(hardware_ids))
    # a sweep holds few one-NUMA-node rows: only those are looked up (no Python pass over every row)
    rows = np.nonzero(np.logical_or.reduce([runtimes == r for r in ONE_NUMA_NODE_RUNTIMES]))[0]
    shares = _socket_shares()
    out[rows] = [shares.get(str(h), 1.0) for h in hardware_ids[rows]]
    return out


def path_assumptions(hw, runtime: str, weights: str) -> list:
    """The estimate's statement of the compute path and the peak its prefill used (phones with
    compute-path rows; [] elsewhere)."""
    from scenarios.engine.assumption import Assumption
    from scenarios.engine.groups import peak_path
    p = path_of(hw.id, runtime)
    if p is None:
        return []
    column = peak_path(hw.hw_class, runtime, weights)
    peak = {"fp32": p.peak_tflops_fp32, "int8": p.peak_tops_int8}.get(column, p.peak_tflops_fp16)
    if not np.isfinite(peak):
        peak = p.peak_tflops_fp16
    unit = "TOPS" if column == "int8" else "TFLOP/s"
    source = f"data/compute_paths.csv ({p.derivation}; {p.source}; as of {p.as_of}; verified {p.verified})"
    out = [Assumption("compute_path", p.label, "", f"{runtime} runs on the {p.label} path (ARCHITECTURE 4.3)"),
           Assumption("peak_compute", float(peak), f"{unit} ({column}) of the {p.label} path", source)]
    if runtime == "qnn":
        out.append(Assumption("kv_window_tokens", QNN_CONTEXT_TOKENS, "tokens",
                              "each QNN / Genie decode step reads the KV cache of its static compiled window "
                              "(Qualcomm AI Hub LLM exports: context_length 4096; ASSUMED for every model), "
                              "or of the request's context where that is longer"))
    return out


def device_peaks(hw, runtime: str) -> tuple[float, float, float, float]:
    """(fp32, fp16, int8, int4) ops/s one device computes on under ``runtime``: its path's peaks on a
    phone (refusing a runtime it has no path for), else its own columns."""
    if hw.hw_class == "phone":
        refusal = check_runtime(hw.id, runtime)
        if refusal is not None:
            raise refusal
    own = [np.array([float(getattr(hw, c) or 0.0) * 1e12]) for c in
           ("peak_tflops_fp32", "peak_tflops_fp16", "peak_tops_int8", "peak_tops_int4")]
    return tuple(float(a[0]) for a in path_peaks(np.array([hw.id]), np.array([runtime]), *own))
