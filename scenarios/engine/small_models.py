"""Small non-LLM models served per input: tabular scorers, tree ensembles, encoders, CNNs
(ARCHITECTURE 4.3: ``latency_ms``, ``inputs_per_s``, ``usd_per_million_inputs``,
``energy_j_per_input``, each with ``_low`` / ``_high``; the token figures are null).

Three speed paths, each said in ``basis``:

* dense models on a server CPU (class ``cpu-server``): the calibrated efficiencies of
  :mod:`scenarios.engine.small_models_fit` (throughput on the weights' compute path, one input's
  latency on the vector peak) plus a per-call cost;
* tree ensembles anywhere: node visits (trees x depth per input) at an assumed cost in cycles per
  visit (a data-dependent branch and a load; see ``TREE_CYCLES_PER_VISIT``) on the device's scalar
  lanes: one core per input on CPUs, every lane on a GPU;
* dense models elsewhere (GPUs, boards, phones): :func:`scenarios.engine.serving.estimate_vision`,
  the roofline the app's vision pages use, so one configuration gives one figure everywhere.

Throughput on a CPU counts every core as a worker running its own inputs (one ONNX Runtime /
OpenVINO session per core), so the per-call cost is shared: ``inputs_per_s = batch / (t_call /
workers + work)``; a GPU runs one stream.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scenarios.engine import small_models_fit as cal
from scenarios.engine.assumption import Assumption
from scenarios.engine.catalog import get_format, get_hardware, get_model
from scenarios.engine.catalog_rows import read_csv
from scenarios.engine.estimate import OUTPUT_FIELDS
from scenarios.errors import VentureLabError
from scenarios.units import parse_number

PER_INPUT_FIELDS = tuple(f"{n}{s}" for n in ("latency_ms", "inputs_per_s", "usd_per_million_inputs",
                                             "energy_j_per_input") for s in ("", "_low", "_high"))
CPU_PATHS = Path(__file__).resolve().parents[2] / "data" / "cpu_server_paths.csv"
CPU_CLASSES = ("cpu-server", "cpu-sbc", "phone")
SMALL_KINDS = ("tabular", "tree-ensemble")
RUNTIMES = {"cpu-server": ("onnxruntime", "openvino", "pytorch"), "cpu-sbc": ("onnxruntime", "pytorch", "executorch"),
            "phone": ("executorch", "onnxruntime")}
GPU_RUNTIMES = ("pytorch", "onnxruntime", "tensorrt-llm", "vllm", "mlc", "llama.cpp")
# One tree node: a compare, a data-dependent branch mispredicted about half the time (15-20 cycles on
# recent x86 and Neoverse cores, vendors' optimisation manuals) and an L1/L2 load: ASSUMED 12 cycles
# (range 6-24) on a CPU core.  On a GPU (RAPIDS FIL style, one thread per tree) divergent loads from
# L2 dominate: ASSUMED 40 cycles per visit per lane (range 20-100).
TREE_CYCLES_PER_VISIT = {"cpu": (6.0, 12.0, 24.0), "gpu": (20.0, 40.0, 100.0)}
# Boards and phones: no per-core table; ASSUMED 4 cores x 8 FP32 lanes (2 x 128-bit NEON FMA pipes).
GENERIC_CPU = {"cores": 4, "flops_per_cycle": 16.0}
GPU_CALL_MS = (0.1, 0.3, 1.0)   # ASSUMED kernel launches + PCIe copies for one small call, low/expected/high
UNCALIBRATED_BAND = (0.4, 2.5)
# Weights up to the cores' cache stay there between calls: ASSUMED 4 MB per core (L2 + L3 share:
# Sapphire Rapids 2 + 1.9 MB, Zen 4 1 + 4 MB, Graviton 1-2 MB + shared L3; vendors' datasheets)
CACHE_BYTES_PER_CORE = 4 * 2 ** 20  # multipliers on time where no published row covers the class and metric


@dataclass(frozen=True)
class SmallModelEstimate:
    """One per-input serving estimate (ARCHITECTURE 4.3); times in ms, money per 1M inputs."""

    latency_ms: float
    latency_ms_low: float
    latency_ms_high: float
    inputs_per_s: float
    inputs_per_s_low: float
    inputs_per_s_high: float
    usd_per_million_inputs: float | None
    usd_per_million_inputs_low: float | None
    usd_per_million_inputs_high: float | None
    energy_j_per_input: float
    energy_j_per_input_low: float
    energy_j_per_input_high: float
    weights_gb: float
    fits: bool
    gflops_per_input: float
    calibrated: bool
    basis: str
    price_per_hour_used: float | None
    inputs: dict
    runtime: str
    assumptions: tuple[Assumption, ...]

    def to_dict(self) -> dict:
        """The ``estimate inference --json`` object: every 4.2 key (token figures null), the per-input
        figures, the inputs, runtime and assumptions."""
        d = {name: None for name in OUTPUT_FIELDS}
        d.update(weights_gb=self.weights_gb, kv_cache_gb=0.0, total_memory_gb=self.weights_gb, fits=self.fits,
                 devices_needed=1, calibrated=self.calibrated, basis=self.basis,
                 price_per_hour_used=self.price_per_hour_used)
        for name in ("latency_ms", "inputs_per_s", "usd_per_million_inputs", "energy_j_per_input"):
            for suffix in ("", "_low", "_high"):
                d[name + suffix] = getattr(self, name + suffix)
        d["gflops_per_input"] = self.gflops_per_input
        d["inputs"] = dict(self.inputs)
        d["runtime"] = self.runtime
        d["assumptions"] = [a.to_dict() for a in self.assumptions]
        return d


def is_small_model(model: str) -> bool:
    """A catalog model answered per input (not a token generator)."""
    spec = get_model(model)
    return not spec.is_token_model


@lru_cache(maxsize=1)
def cpu_paths() -> dict[str, dict]:
    return {r["hardware"]: r for r in read_csv(CPU_PATHS)}


def _runtime(hw, runtime: str | None) -> str:
    allowed = RUNTIMES.get(hw.hw_class, GPU_RUNTIMES)
    rt = (runtime or allowed[0]).lower()
    if rt not in allowed:
        raise VentureLabError("runtime", f"not available for per-input models on {hw.hw_class} hardware",
                              got=rt, accepted=list(allowed))
    return rt


def _weights(hw, spec, weights: str | None) -> str:
    if spec.kind == "tree-ensemble":
        if weights not in (None, "fp32"):
            raise VentureLabError("weights", "a tree ensemble keeps fp32 thresholds", got=weights, accepted=["fp32"])
        return "fp32"
    default = "fp32" if hw.hw_class in CPU_CLASSES else ("fp16" if hw.has_fp16 else "bf16")
    return get_format(weights or default).id


def _scalar_hz(hw) -> tuple[float, str]:
    """(scalar lane-cycles per second over the whole device, "cpu" or "gpu") for node visits:
    cores x clock on a CPU (data/cpu_server_paths.csv), FP32 lanes x clock on a GPU."""
    if hw.id in cpu_paths():
        p = cpu_paths()[hw.id]
        return int(p["physical_cores"]) * float(p["clock_ghz"]) * 1e9, "cpu"
    if hw.hw_class in CPU_CLASSES:
        clock = hw.peak_tflops_fp32 * 1e12 / (GENERIC_CPU["cores"] * GENERIC_CPU["flops_per_cycle"])
        return GENERIC_CPU["cores"] * clock, "cpu"
    return hw.peak_tflops_fp32 * 1e12 / 2.0, "gpu"      # an FMA counts 2 FLOPs per lane and cycle


def _workers(hw) -> int:
    """Cores serving inputs side by side: the per-core table, a measured device's own count (its
    notes), else the generic board / phone figure; a GPU is one stream."""
    if hw.id in cpu_paths():
        return int(cpu_paths()[hw.id]["physical_cores"])
    cores = _cores_in_name(hw.name)
    return cores or (GENERIC_CPU["cores"] if hw.hw_class in CPU_CLASSES else 1)


def _cores_in_name(name: str) -> int | None:
    """The CPU count a calibrate-local device states in its name ("This machine (8 CPUs, measured)")."""
    import re
    m = re.search(r"\((\d+) CPUs, measured\)", name)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class _Speed:
    latency_s: tuple[float, float, float]      # low, expected, high
    inputs_per_s: tuple[float, float, float]   # low, expected, high
    calibrated: bool
    basis: str
    notes: tuple[Assumption, ...]


def _tree_speed(hw, spec, batch: int) -> _Speed:
    visits = float(spec.layers or 0) * float(spec.hidden_size or 0)
    device_hz, kind = _scalar_hz(hw)
    call = (cal.CPU_CALL_MS * 0.4, cal.CPU_CALL_MS, cal.CPU_CALL_MS * 4) if kind == "cpu" else GPU_CALL_MS
    cyc = TREE_CYCLES_PER_VISIT[kind]
    # on a CPU one input's trees run on one core; a batch spreads over the workers
    per_core_hz = device_hz / _workers(hw) if kind == "cpu" else device_hz
    lat = tuple(c / 1e3 + batch * visits * y / (per_core_hz if kind == "cpu" else device_hz)
                for c, y in zip(call, cyc))
    ips = tuple(batch / (c / 1e3 / _workers(hw) + batch * visits * y / device_hz) for c, y in zip(call, cyc))
    notes = (Assumption("tree_cycles_per_visit", cyc[1], "cycles", f"ASSUMED, range {cyc[0]}-{cyc[2]} "
                        "(scenarios/engine/small_models.py TREE_CYCLES_PER_VISIT)"),
             Assumption("node_visits_per_input", visits, "", "trees x depth (data/models.csv layers x hidden_size)"))
    return _Speed(lat, (ips[2], ips[1], ips[0]), False, f"tree node visits on {kind} lanes (assumed cost)", notes)


def _eff_bw() -> float:
    """Share of memory bandwidth CPU cores reach streaming weights: the LLM calibration's fitted
    decode efficiency of the CPU-board group (the one measured CPU memory path)."""
    from scenarios.engine.groups import load_factors
    return float(load_factors()["groups"].get("cpu-sbc|llama.cpp", {}).get("eff_bw", 0.7))


def _cpu_dense_speed(hw, spec, weights: str, batch: int) -> _Speed:
    flops = float(spec.gflops_per_input) * 1e9
    path = cal.path_of(weights)
    fac = cal.factors()
    e_thr = fac.get((hw.hw_class, path, "inputs_per_s"))
    e_lat = fac.get((hw.hw_class, "fp32", "latency_ms"))
    if e_thr is None or e_lat is None:
        raise VentureLabError("weights", f"no calibrated {path} path for {hw.hw_class}", got=weights,
                              accepted=sorted({k[1] for k in fac if k[0] == hw.hw_class}))
    workers = _workers(hw)
    # one input alone also streams the weights from memory once per call (a 25M-parameter fp32 MLP
    # reads 100 MB: bandwidth-bound on a laptop, negligible on the calibration servers)
    streamed = max(0.0, spec.params * get_format(weights).bits_per_weight / 8 - CACHE_BYTES_PER_CORE * workers)
    weight_s = streamed / (hw.memory_bandwidth_gb_s * 1e9 * _eff_bw())
    lat = cal.CPU_CALL_MS / 1e3 + max(batch * flops / (e_lat * cal.peak_ops_per_s(hw, "fp32")), weight_s)
    ips = batch / (cal.CPU_CALL_MS / 1e3 / workers + batch * flops / (e_thr * cal.peak_ops_per_s(hw, path)))
    b_lat = cal.band(hw.hw_class, "latency_ms") or UNCALIBRATED_BAND
    b_ips = cal.band(hw.hw_class, "inputs_per_s") or (1 / UNCALIBRATED_BAND[1], 1 / UNCALIBRATED_BAND[0])
    notes = (Assumption("efficiency_throughput", round(e_thr, 4), "of peak", f"fitted on published {hw.hw_class} "
                        f"rows, {path} path (data/calibration/small_model_measurements.csv)"),
             Assumption("efficiency_latency", round(e_lat, 4), "of fp32 vector peak", "fitted likewise"),
             Assumption("call_overhead_ms", cal.CPU_CALL_MS, "ms", "ASSUMED per session.run, range 0.02-0.2 ms"),
             Assumption("bandwidth_efficiency", round(_eff_bw(), 3), "of memory bandwidth",
                        "the fitted decode bandwidth share of CPU cores (cpu-sbc|llama.cpp, data/fitted_factors.json)"))
    return _Speed((lat * b_lat[0], lat, lat * b_lat[1]), (ips * b_ips[0], ips, ips * b_ips[1]), True,
                  f"{hw.hw_class}|{path} (fitted on published OpenVINO rows, leave-one-hardware-out band)", notes)


def _vision_speed(hw, spec, weights: str, batch: int, runtime: str) -> _Speed:
    from scenarios.engine.serving import estimate_vision
    rt = runtime if runtime in ("pytorch", "executorch", "mlc", "llama.cpp", "vllm", "tensorrt-llm") else None
    v = estimate_vision(spec.id, hw.id, weights=weights, batch=batch, runtime=rt)
    lat = (v.latency_ms_low / 1e3, v.latency_ms / 1e3, v.latency_ms_high / 1e3)
    return _Speed(lat, (v.inputs_per_s_low, v.inputs_per_s, v.inputs_per_s_high), False,
                  "roofline of estimate_vision (LLM calibration groups stand in)", v.assumptions)


def _speed(hw, spec, weights: str, batch: int, runtime: str) -> _Speed:
    if spec.kind == "tree-ensemble":
        return _tree_speed(hw, spec, batch)
    if not spec.gflops_per_input:
        raise VentureLabError("model", "has no FLOPs per input", got=spec.id)
    if hw.hw_class == "cpu-server":
        return _cpu_dense_speed(hw, spec, weights, batch)
    return _vision_speed(hw, spec, weights, batch, runtime)


def _money(hw, ips: tuple[float, float, float], price, utilisation: float):
    """$ per 1M inputs (low, expected, high) at the utilisation; None without a price."""
    if price is None:
        return None, (None, None, None)
    usd = tuple(price / 3600.0 / (x * utilisation) * 1e6 for x in (ips[2], ips[1], ips[0]))
    return price, usd


def estimate_small_model(model: str, hardware: str, weights: str | None = None, runtime: str | None = None,
                         batch: int = 1, price_per_hour: float | None = None,
                         utilisation: float = 0.5) -> SmallModelEstimate:
    """Latency, inputs/s, $ and energy per input of a per-input model on one device (see module doc)."""
    hw, spec = get_hardware(hardware), get_model(model)
    if spec.is_token_model:
        raise VentureLabError("model", "generates tokens: use the token estimate", got=spec.id)
    b = int(parse_number(batch, "batch", integer=True, minimum=1, maximum=100_000))
    util = parse_number(utilisation, "utilisation", minimum=0.001, maximum=1.0)
    price_in = None if price_per_hour is None else parse_number(price_per_hour, "price_per_hour", minimum=0,
                                                                maximum=10_000)
    rt, fmt = _runtime(hw, runtime), _weights(hw, spec, weights)
    sp = _speed(hw, spec, fmt, b, rt)
    price, usd = _money(hw, sp.inputs_per_s, price_in if price_in is not None else hw.usd_per_hour, util)
    from scenarios.engine.prices import operating_assumptions
    pue = operating_assumptions()["pue"].expected if hw.category in ("datacenter-gpu", "cpu-server") else 1.0
    energy = tuple(hw.tdp_w * pue / x for x in (sp.inputs_per_s[2], sp.inputs_per_s[1], sp.inputs_per_s[0]))
    w_gb = spec.params * get_format(fmt).bits_per_weight / 8 / 1e9
    lat = sp.latency_s
    notes = sp.notes + (Assumption("power", hw.tdp_w, "W", "data/hardware.csv tdp_w"),
                        Assumption("pue", pue, "", "data/operating.csv (1.0 on devices outside a data centre)"))
    return SmallModelEstimate(
        latency_ms=1e3 * lat[1], latency_ms_low=1e3 * lat[0], latency_ms_high=1e3 * lat[2],
        inputs_per_s=sp.inputs_per_s[1], inputs_per_s_low=sp.inputs_per_s[0], inputs_per_s_high=sp.inputs_per_s[2],
        usd_per_million_inputs=usd[1], usd_per_million_inputs_low=usd[0], usd_per_million_inputs_high=usd[2],
        energy_j_per_input=energy[1], energy_j_per_input_low=energy[0], energy_j_per_input_high=energy[2],
        weights_gb=w_gb, fits=w_gb + 0.3 <= hw.usable_memory_gb,
        gflops_per_input=float(spec.gflops_per_input or 0.0), calibrated=sp.calibrated, basis=sp.basis,
        price_per_hour_used=price,
        inputs={"model": spec.id, "hardware": hw.id, "weights": fmt, "runtime": rt, "batch": b,
                "price_per_hour": price_in, "utilisation": util},
        runtime=rt, assumptions=notes)


def _cell(row: dict, name: str):
    v = row.get(name)
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == "" else str(v).strip()


def per_input_record(row: dict, template: dict) -> dict:
    """One --from-csv row of a per-input model as a record with the table's keys (token figures None,
    the per-input figures added) or with its error."""
    rec = {k: None for k in template}
    rec.update(model=_cell(row, "model"), hardware=_cell(row, "hardware"), error="")
    try:
        est = estimate_small_model(rec["model"], rec["hardware"], weights=_cell(row, "weights"),
                                   runtime=_cell(row, "runtime"), batch=_cell(row, "batch") or 1,
                                   price_per_hour=_cell(row, "price_per_hour"),
                                   utilisation=_cell(row, "utilisation") or 0.5)
    except VentureLabError as err:
        rec["error"] = str(err)
        return rec
    d = est.to_dict()
    rec.update({k: d[k] for k in d if k in rec or k in PER_INPUT_FIELDS})
    rec.update(est.inputs, kv_cache=None, prompt_tokens=0, output_tokens=0, devices=1)
    return rec


def per_input_model_ids() -> frozenset[str]:
    """The catalog's per-input models (answered per input, not per token)."""
    from scenarios.engine.catalog import load_models
    return frozenset(m for m, spec in load_models().items() if not spec.is_token_model)


def fill_per_input_rows(rows: list[dict], records: list[dict]) -> list[dict]:
    """``records`` (the token table's answer, one per row) with every row whose model is a catalog
    per-input model answered by :func:`estimate_small_model` instead (ARCHITECTURE 4.3)."""
    ids = per_input_model_ids()
    return [per_input_record(row, rec) if _cell(row, "model") in ids else rec for row, rec in zip(rows, records)]


@dataclass(frozen=True)
class SelfCheckRow:
    """One of this machine's own models: measured batch-1 latency against the engine's prediction."""

    name: str
    gflops_per_input: float
    params: int
    measured_ms: float
    predicted_ms: float
    predicted_ms_low: float
    predicted_ms_high: float
    predicted_over_measured: float
    inside_band: bool


def self_check(hw, models: list[tuple[str, float, int, float]]) -> list[SelfCheckRow]:
    """``models``: (name, GFLOPs per input, parameters, measured ms) measured on the CPU that ``hw``
    (a ``calibrate-local`` device) describes; each predicted by the server-CPU path in fp32."""
    from types import SimpleNamespace
    if hw.hw_class != "cpu-server":
        raise VentureLabError("hardware", "the self-check runs on a measured CPU device", got=hw.id,
                              accepted="a calibrate-local device file (hw_class cpu-server)")
    out = []
    for name, gflops, params, measured in models:
        spec = SimpleNamespace(gflops_per_input=gflops, params=params)
        lo, ex, hi = (1e3 * t for t in _cpu_dense_speed(hw, spec, "fp32", 1).latency_s)
        out.append(SelfCheckRow(name, gflops, int(params), measured, ex, lo, hi, ex / measured, lo <= measured <= hi))
    return out
