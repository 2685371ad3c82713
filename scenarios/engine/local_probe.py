"""``venture-lab calibrate-local``: measure this computer with numpy and write a device file that
``--hardware`` and the app accept (ARCHITECTURE 4.3).

Two measurements, a second or so each, best of several repeats (the least disturbed run):

* matrix multiply: ``C = A @ B`` on 1024 x 1024 float32 matrices (numpy's BLAS, every core), 2 n^3
  FLOPs each: the sustained fp32 matmul rate, written as the device's fp32 peak (a measured rate,
  not a datasheet peak: the estimate's efficiencies then apply on top, which the demo lab's
  self-check compares with measured latencies);
* memory bandwidth: ``np.copyto`` of a 128 MB float64 array, counting the bytes read and written
  (2 x 128 MB per copy), as the STREAM "copy" kernel counts them.

No torch: the engine stays light.  The file is YAML with the hardware catalog's field names,
written through a temporary file and ``os.replace`` (never half-written).
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from scenarios.errors import VentureLabError

MATMUL_N = 1024
COPY_BYTES = 128 * 1024 * 1024
SECONDS_EACH = 1.0
DEVICE_ID = "this-machine"


@dataclass(frozen=True)
class ProbeResult:
    matmul_gflops: float          # best sustained fp32 matmul rate, GFLOP/s
    memory_bandwidth_gb_s: float  # best copy bandwidth (read + write), GB/s
    cores: int                    # logical CPUs the OS reports
    memory_gb: float              # physical memory, GiB
    seconds: float                # wall time of the whole probe

    def to_dict(self) -> dict:
        return asdict(self)


def _best_rate(work, units: float, budget_s: float) -> float:
    """units / seconds of the fastest of repeated ``work()`` calls within about ``budget_s``."""
    work()                                       # warm-up: page faults, BLAS thread start
    best, start = float("inf"), time.perf_counter()
    while True:
        t0 = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - t0)
        if time.perf_counter() - start >= budget_s:
            return units / best


def measure_matmul_gflops(n: int = MATMUL_N, budget_s: float = SECONDS_EACH) -> float:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    return _best_rate(lambda: np.matmul(a, b, out=out), 2.0 * n ** 3, budget_s) / 1e9


def measure_bandwidth_gb_s(nbytes: int = COPY_BYTES, budget_s: float = SECONDS_EACH) -> float:
    src = np.ones(nbytes // 8, dtype=np.float64)
    dst = np.empty_like(src)
    return _best_rate(lambda: np.copyto(dst, src), 2.0 * src.nbytes, budget_s) / 1e9


def _memory_gib() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    except (ValueError, OSError, AttributeError):   # not POSIX: a labelled stand-in in the file
        return 8.0


def probe() -> ProbeResult:
    t0 = time.perf_counter()
    gflops = measure_matmul_gflops()
    bw = measure_bandwidth_gb_s()
    return ProbeResult(round(gflops, 2), round(bw, 2), os.cpu_count() or 1, round(_memory_gib(), 2),
                       round(time.perf_counter() - t0, 2))


def device_fields(r: ProbeResult) -> dict:
    """The device file's fields (the hardware catalog's names; what was measured and what assumed)."""
    tflops = r.matmul_gflops / 1e3
    return {
        "id": DEVICE_ID, "name": f"This machine ({r.cores} CPUs, measured)", "category": "cpu-server",
        "hw_class": "cpu-server", "memory_gb": r.memory_gb, "memory_bandwidth_gb_s": r.memory_bandwidth_gb_s,
        "peak_tflops_fp32": tflops, "peak_tflops_fp16": tflops, "peak_tops_int8": tflops, "peak_tops_int4": tflops,
        "tdp_w": 65.0, "usable_memory_gb": round(r.memory_gb * 0.8, 2), "compute_formats": ["fp32"],
        "verified": False, "derived": ["peak_tflops_fp16", "peak_tops_int8", "peak_tops_int4", "tdp_w"],
        "source": (f"venture-lab calibrate-local on {time.strftime('%Y-%m-%d')}: numpy {MATMUL_N}x{MATMUL_N} "
                   f"float32 matmul {r.matmul_gflops} GFLOP/s (best of repeats), copy bandwidth "
                   f"{r.memory_bandwidth_gb_s} GB/s (read + write)"),
        "notes": ("fp32 peak = the measured matmul rate; bf16 and int8 paths not measured (numpy has none): "
                  "set equal to fp32; tdp_w 65 W ASSUMED; usable memory 0.8 x RAM ASSUMED"),
    }


def default_path() -> Path:
    # the same folder the app's device store reads (VENTURE_LAB_DEVICE_DIR, default user_devices/)
    return Path(os.environ.get("VENTURE_LAB_DEVICE_DIR") or "user_devices") / f"{DEVICE_ID}.yaml"


def output_path(output: str | None = None) -> Path:
    """Where the device file goes; a bad --output fails here, before a second of measuring."""
    path = Path(output) if output else default_path()
    if not output and output is not None or path.suffix.lower() not in (".yaml", ".yml"):
        raise VentureLabError("output", "must be a .yaml or .yml file", got=str(output), accepted=".yaml, .yml")
    if path.is_dir():
        raise VentureLabError("output", "is a folder, not a file", got=str(output))
    if path.parent.exists() and not path.parent.is_dir():
        raise VentureLabError("output", "its folder is a file", got=str(output))
    return path


def write_device_file(r: ProbeResult, output: str | None = None) -> Path:
    import yaml
    path = output_path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(yaml.safe_dump(device_fields(r), sort_keys=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise VentureLabError("output", f"cannot write ({exc.strerror})", got=str(output or path)) from None
    return path


def hardware_of(r: ProbeResult):
    """The catalog record the device file describes (the same checks as a file read back)."""
    from scenarios.engine.user_files import hardware_from_dict
    return hardware_from_dict(device_fields(r))
