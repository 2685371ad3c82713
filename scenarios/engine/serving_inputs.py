"""The first stage of the serving core: many requests in, one typed :class:`ResolvedRequests` out.

Ids and paths become catalog records (once per distinct value), numbers are checked against
their limits, formats and runtimes get their defaults, and every row that cannot run gets its
first :class:`~scenarios.errors.VentureLabError` (the object itself, never its text) while the
other rows go on.  Later stages (scenarios/engine/serving_core.py) read only the arrays here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from scenarios.engine import compute_paths, speed
from scenarios.engine.catalog import Hardware, get_hardware, get_model, load_formats
from scenarios.engine.columns import factorize
from scenarios.engine.flops import expert_params
from scenarios.engine.memory import RUNTIME_OVERHEAD_GB, ModelArrays, expert_only_format, model_arrays
from scenarios.engine.serving_options import SpecColumns, resolve_parallel, resolve_share, resolve_speculative
from scenarios.errors import VentureLabError

# Runtimes that exist for a hardware class (ARCHITECTURE 4.2 names); others are refused with the list.
RUNTIMES_BY_CLASS = {
    "nvidia-datacenter": ("vllm", "tensorrt-llm", "llama.cpp", "pytorch", "mlc"),
    "nvidia-consumer": ("llama.cpp", "vllm", "tensorrt-llm", "pytorch", "mlc"),
    "jetson": ("mlc", "llama.cpp", "tensorrt-llm", "pytorch", "vllm"),
    "apple": ("llama.cpp", "mlc", "pytorch", "executorch"),
    # per phone, only the runtimes it has a compute path for (data/compute_paths.csv): qnn on
    # Snapdragon's Hexagon NPU, coreml on Apple's Neural Engine
    "phone": ("executorch", "mlc", "llama.cpp", "qnn", "coreml"),
    "cpu-sbc": ("llama.cpp", "pytorch", "executorch"),
    "tpu": ("vllm", "pytorch"),
    "amd": ("vllm", "llama.cpp", "pytorch", "mlc"),
    "cpu-server": ("llama.cpp", "onnxruntime", "openvino", "pytorch", "vllm"),
    "gaudi": ("vllm", "pytorch"),
    "amd-consumer": ("llama.cpp", "vllm", "pytorch", "mlc"),
    "gb10": ("llama.cpp", "vllm", "tensorrt-llm", "pytorch", "mlc"),
}
# classes whose devices cannot be joined into one replica (ARCHITECTURE 4.3: phones, one SBC)
UNJOINABLE_CLASSES = ("phone", "cpu-sbc")
DEFAULTS = {"batch": 1, "prompt_tokens": 512, "output_tokens": 128, "devices": 1, "utilisation": 0.5}
LIMITS = {"batch": (1, 1_000_000), "prompt_tokens": (0, 100_000_000), "output_tokens": (0, 100_000_000),
          "devices": (1, 4096), "price_per_hour": (0, 10_000), "utilisation": (0.001, 1.0)}
WHOLE_NUMBERS = ("batch", "prompt_tokens", "output_tokens", "devices")
# Stand-ins that keep the arrays well-formed on rows whose model / hardware could not be resolved
# (those rows carry their error and show no figures).
_STAND_IN_MODEL, _STAND_IN_HARDWARE = "llama-2-7b", "nvidia-h100-sxm"


class Indexed:
    """Many rows drawn from a few objects: ``items[index[i]]`` is row i's value.

    Sweeps pass models, hardware and formats this way so the core resolves each distinct value
    once (a plain list or array works too; it is factorised first).
    """

    def __init__(self, items, index):
        self.items = list(items)
        self.index = np.asarray(index, dtype=np.int64)


class RowErrors:
    """Each row's first error while the inputs are resolved (later problems of a bad row are not
    reported: the row already says what to fix first)."""

    def __init__(self, n: int, given=None):
        self.errors = np.full(n, None, dtype=object) if given is None else np.asarray(given, dtype=object).copy()
        self.bad = np.array([e is not None for e in self.errors], dtype=bool)

    def mark(self, rows: np.ndarray, error: VentureLabError) -> None:
        """Give ``error`` to the rows selected by the bool mask ``rows`` that have none yet."""
        new = rows & ~self.bad
        self.errors[new] = error
        self.bad |= new

    def mark_row(self, row: int, error: VentureLabError) -> None:
        """Give ``error`` to one row if it has none yet."""
        if not self.bad[row]:
            self.errors[row], self.bad[row] = error, True


@dataclass(frozen=True)
class HardwareColumns:
    """The figures of each row's device the later stages use (0 / NaN where the catalog has none)."""

    bandwidth_bytes_s: np.ndarray
    usable_bytes: np.ndarray
    tdp_w: np.ndarray
    interconnect_bytes_s: np.ndarray
    battery_wh: np.ndarray             # NaN without a battery
    in_datacenter: np.ndarray          # facility overhead (PUE) applies
    fp8_capable: np.ndarray
    fp4_capable: np.ndarray
    catalog_usd_per_hour: np.ndarray   # NaN without a rental price
    overhead_gb: np.ndarray            # runtime footprint per device (memory.RUNTIME_OVERHEAD_GB)
    peak_fp32: np.ndarray              # FLOP/s and OP/s of one device
    peak_fp16: np.ndarray
    peak_int8: np.ndarray
    peak_int4: np.ndarray


@dataclass(frozen=True)
class ResolvedRequests:
    """Every request as the core runs it: one array per input, defaults filled in."""

    error: np.ndarray          # VentureLabError or None per row
    bad: np.ndarray            # error is not None
    model_id: np.ndarray       # the catalog id, or the text given where it was unknown
    hardware_id: np.ndarray
    model_obj: np.ndarray      # ModelSpec per row (a stand-in on rows whose model was unknown)
    hardware_obj: np.ndarray
    m: ModelArrays             # model shape arrays, one row per request
    hw_class: np.ndarray
    hw: HardwareColumns
    batch: np.ndarray
    prompt_tokens: np.ndarray
    output_tokens: np.ndarray
    devices: np.ndarray
    utilisation: np.ndarray
    price_per_hour: np.ndarray  # as given; NaN = use the catalog's
    weights: np.ndarray         # format ids
    kv_cache: np.ndarray
    runtime: np.ndarray
    bits: np.ndarray            # bits per weight of the weight format
    kv_bits: np.ndarray
    act_bytes: np.ndarray       # bytes per activation value (fp32: 4, fp16/bf16: 2)
    expert_params: np.ndarray   # parameters of one routed expert (0 for dense models)
    expert_only: np.ndarray     # format quantises only the routed experts (MXFP4 on MoE)
    # ARCHITECTURE 4.3 serving options (scenarios/engine/serving_options.py)
    parallel: np.ndarray        # tp, pp, layer or ep: how `devices` split one replica
    prefix_cache_hit: np.ndarray  # share of each prompt served from the prefix cache
    spec: SpecColumns           # speculative decoding


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _length(v) -> int | None:
    if isinstance(v, Indexed):
        return len(v.index)
    if isinstance(v, (list, tuple, np.ndarray)):
        return len(v)
    return None


def _factorize(values, n: int):
    """(distinct values, row -> position) for a scalar, a sequence or an :class:`Indexed`."""
    if isinstance(values, Indexed):
        return values.items, values.index
    if _length(values) is None:
        return [values], np.zeros(n, dtype=np.int64)
    try:        # the usual column of ids, paths and blanks: one dict pass (scenarios/engine/columns.py)
        items, inv = factorize(values)
        if all(isinstance(v, (str, type(None))) for v in items):
            return items, inv
    except TypeError:           # an unhashable value: keyed by identity below
        pass
    seen: dict = {}
    items: list = []
    inv = np.empty(n, dtype=np.int64)
    for i, v in enumerate(values):
        key = v if isinstance(v, (str, type(None), float, int)) else ("obj", id(v))
        k = seen.get(key)
        if k is None:
            k = seen[key] = len(items)
            items.append(v)
        inv[i] = k
    return items, inv


def _numbers(values, n: int) -> np.ndarray:
    if isinstance(values, Indexed):
        return np.array([np.nan if v is None else v for v in values.items], dtype=float)[values.index]
    if _length(values) is None:
        return np.full(n, np.nan if values is None else values, dtype=float)
    a = np.asarray(values)
    if a.dtype == object:
        a = np.array([np.nan if v is None else v for v in a], dtype=float)
    return a.astype(float)


def _obj_array(items) -> np.ndarray:
    a = np.empty(len(items), dtype=object)
    a[:] = items
    return a


def _records(values, n: int, getter, errors: RowErrors, stand_in: str):
    """Catalog records for ids / paths (once per distinct value) and the id each row shows; an
    unknown value marks its rows and is replaced by a known record so the arrays stay complete."""
    items, inv = _factorize(values, n)
    objs, bad = [], np.zeros(len(items), dtype=bool)
    for k, v in enumerate(items):
        try:
            objs.append(getter(str(v) if isinstance(v, np.str_) else v))
        except VentureLabError as exc:
            objs.append(None)
            bad[k] = True
            errors.mark(inv == k, exc)
    good = [o for o in objs if o is not None] or [getter(stand_in)]
    shown = _obj_array([str(v) if b else o.id for v, o, b in zip(items, objs, bad)])[inv]
    return [o if o is not None else good[0] for o in objs], inv, shown


def _checked_numbers(values: dict, n: int, errors: RowErrors) -> dict[str, np.ndarray]:
    """Each number column validated in bulk; a bad value marks its row and takes the default."""
    out = {}
    for name, value in values.items():
        arr = _numbers(value, n)
        lo, hi = LIMITS[name]
        nan_ok = name == "price_per_hour"
        bad = (~np.isfinite(arr) & ~(nan_ok & np.isnan(arr))) | (arr < lo) | (arr > hi)
        if name in WHOLE_NUMBERS:
            bad |= np.isfinite(arr) & (np.abs(arr - np.round(arr)) > 1e-9)
        kind = "a whole number" if name in WHOLE_NUMBERS else "a number"
        for r in np.nonzero(bad & ~errors.bad)[0]:
            shown = arr[r] if _length(value) is None or isinstance(value, Indexed) else np.asarray(value, dtype=object)[r]
            errors.mark_row(r, VentureLabError(name, f"must be {kind} in {lo:g}..{hi:g}", got=shown))
        out[name] = np.where(bad, np.nan if nan_ok else DEFAULTS[name], arr)
    return out


def _format_index(values, default_idx: np.ndarray, field: str, n: int, errors: RowErrors) -> np.ndarray:
    """Row -> position in the format catalog; missing -> ``default_idx``, unknown -> an error."""
    fmts = load_formats()
    pos = {f: i for i, f in enumerate(fmts)}
    items, inv = _factorize(values, n)
    names = [None if _missing(v) else str(v).strip().lower() for v in items]
    idx_u = np.array([-2 if v is None else pos.get(v, -1) for v in names], dtype=np.int64)
    idx = np.where(idx_u[inv] == -2, default_idx, idx_u[inv])
    problem = "unknown weight format" if field == "weights" else "unknown KV-cache format"
    for k in np.nonzero(idx_u == -1)[0]:
        errors.mark(inv == k, VentureLabError(field, problem, got=str(items[k]), accepted=fmts))
    return np.where(idx < 0, pos["fp16"], idx)


def _formats(weights, kv_cache, has_fp16: np.ndarray, n: int, errors: RowErrors) -> dict[str, np.ndarray]:
    """Weights default to fp16 (bf16 where the device has no fp16 path); the KV cache defaults to
    the weights' activation dtype."""
    fmts = load_formats()
    names = _obj_array(list(fmts))
    pos = {f: i for i, f in enumerate(fmts)}
    bits = np.array([f.bits_per_weight for f in fmts.values()])
    act_of = np.array([f.activation_dtype for f in fmts.values()], dtype=object)
    wi = _format_index(weights, np.where(has_fp16, pos["fp16"], pos["bf16"]), "weights", n, errors)
    act = act_of[wi]
    act = np.where((act == "fp16") & ~has_fp16, "bf16", act)
    act_idx = np.array([pos[a] for a in ("fp32", "fp16", "bf16")])[np.where(act == "fp32", 0, np.where(act == "fp16", 1, 2))]
    kvi = _format_index(kv_cache, act_idx, "kv_cache", n, errors)
    return {"weights": names[wi], "kv_cache": names[kvi], "bits": bits[wi], "kv_bits": bits[kvi],
            "act_bytes": np.where(act == "fp32", 4.0, 2.0)}


def _runtimes(runtime, hw_class: np.ndarray, n: int, errors: RowErrors) -> np.ndarray:
    """The runtime per row (the class's usual one when none is given), checked once per distinct
    (class, runtime); one the class does not have marks its rows."""
    items, inv = _factorize(runtime, n)
    names = [None if _missing(v) else str(v).strip().lower() for v in items]
    classes, cls_code = np.unique(hw_class.astype(str), return_inverse=True)
    pair = inv * len(classes) + cls_code
    out = np.empty(n, dtype=object)
    for code in np.unique(pair):
        rows = pair == code
        name, cls = names[code // len(classes)], str(classes[code % len(classes)])
        out[rows] = speed.default_runtime(cls) if name is None or name not in RUNTIMES_BY_CLASS[cls] else name
        if cls == "phone" and name is not None:
            out[rows] = name    # a phone's runtimes are its own paths': _phone_paths checks them per device
        elif name is not None and name not in RUNTIMES_BY_CLASS[cls]:
            errors.mark(rows, VentureLabError("runtime", f"not available on {cls} hardware", got=name,
                                              accepted=RUNTIMES_BY_CLASS[cls]))
    return out


def _phone_paths(rt: np.ndarray, hardware_id: np.ndarray, hw_class: np.ndarray, hw: HardwareColumns,
                 errors: RowErrors) -> HardwareColumns:
    """A phone runs a runtime only where it has that runtime's compute path (qnn on Snapdragon,
    coreml on Apple); the rows then compute on that path's peaks (scenarios/engine/compute_paths.py)."""
    phone = hw_class == "phone"
    for pair in {(str(h), str(r)) for h, r in zip(hardware_id[phone], rt[phone])}:
        refusal = compute_paths.check_runtime(*pair)
        if refusal is not None:
            rows = phone & (hardware_id == pair[0]) & (rt == pair[1])
            errors.mark(rows, refusal)
            rt[rows] = speed.default_runtime("phone")     # a stand-in: the row shows only its error
    if not phone.any():
        return hw
    keys = ("peak_fp32", "peak_fp16", "peak_int8", "peak_int4")
    # only phones have compute paths: the other rows of a sweep keep their columns untouched
    peaks = compute_paths.path_peaks(hardware_id[phone], rt[phone], *(getattr(hw, k)[phone] for k in keys))
    out = {k: getattr(hw, k).astype(float, copy=True) for k in keys}
    for k, v in zip(keys, peaks):
        out[k][phone] = v
    return replace(hw, **out)


def _numa_node(rt: np.ndarray, hardware_id, hw: HardwareColumns) -> HardwareColumns:
    """A one-NUMA-node runtime (OpenVINO's latency hint) on a multi-socket row uses one socket's
    bandwidth and peaks (scenarios/engine/compute_paths.py ONE_NUMA_NODE_RUNTIMES)."""
    share = compute_paths.numa_node_share(np.asarray(hardware_id, dtype=object), rt)
    if np.all(share == 1.0):
        return hw
    keys = ("bandwidth_bytes_s", "peak_fp32", "peak_fp16", "peak_int8", "peak_int4")
    return replace(hw, **{k: getattr(hw, k) * share for k in keys})


def _hardware_columns(hws: list[Hardware], hi: np.ndarray) -> HardwareColumns:
    def col(values):
        return np.asarray(values)[hi]

    def num(attr):
        return col([float(getattr(h, attr) or 0.0) for h in hws])

    return HardwareColumns(
        bandwidth_bytes_s=num("memory_bandwidth_gb_s") * 1e9, usable_bytes=num("usable_memory_gb") * 1e9,
        tdp_w=num("tdp_w"), interconnect_bytes_s=num("interconnect_gb_s") * 1e9,
        battery_wh=col([float(h.battery_wh) if h.battery_wh else np.nan for h in hws]),
        in_datacenter=col([h.category == "datacenter-gpu" for h in hws]),
        fp8_capable=col(["fp8" in h.compute_formats for h in hws]),
        fp4_capable=col(["nvfp4" in h.compute_formats or "mxfp4" in h.compute_formats for h in hws]),
        catalog_usd_per_hour=col([float(h.usd_per_hour) if h.usd_per_hour else np.nan for h in hws]),
        overhead_gb=col([RUNTIME_OVERHEAD_GB[h.hw_class] for h in hws]),
        peak_fp32=num("peak_tflops_fp32") * 1e12, peak_fp16=num("peak_tflops_fp16") * 1e12,
        peak_int8=num("peak_tops_int8") * 1e12, peak_int4=num("peak_tops_int4") * 1e12)


def _row_count(values) -> int:
    lens = [x for x in (_length(v) for v in values) if x is not None]
    n = max(lens) if lens else 1
    if any(x != n for x in lens):
        raise VentureLabError("inputs", f"all input arrays must have the same length ({n})", got=sorted(set(lens)))
    return n


def resolve_requests(model, hardware, weights, kv_cache, runtime, batch, prompt_tokens, output_tokens,
                     devices, price_per_hour, utilisation, row_errors=None, parallel=None, prefix_cache_hit=None,
                     speculative=None, spec_acceptance=None) -> ResolvedRequests:
    """Stage 1 of the serving core (arguments as :func:`scenarios.engine.serving_core.serving_arrays`).

    A row keeps its first problem, checked in this order: model, hardware, the numbers, weights,
    KV cache, runtime, whether the model generates tokens at all, then the serving options.
    """
    n = _row_count((model, hardware, weights, kv_cache, runtime, batch, prompt_tokens, output_tokens,
                    devices, price_per_hour, utilisation, parallel, prefix_cache_hit, speculative, spec_acceptance))
    errors = RowErrors(n, row_errors)
    models, mi, model_id = _records(model, n, get_model, errors, _STAND_IN_MODEL)
    hws, hi, hardware_id = _records(hardware, n, get_hardware, errors, _STAND_IN_HARDWARE)
    m = model_arrays(models).take(mi)
    hw_class = np.array([h.hw_class for h in hws], dtype=object)[hi]
    num = _checked_numbers({"batch": batch, "prompt_tokens": prompt_tokens, "output_tokens": output_tokens,
                            "devices": devices, "utilisation": utilisation, "price_per_hour": price_per_hour},
                           n, errors)
    fmt = _formats(weights, kv_cache, np.array([h.has_fp16 for h in hws])[hi], n, errors)
    rt = _runtimes(runtime, hw_class, n, errors)
    hw = _phone_paths(rt, np.asarray(hardware_id, dtype=object), hw_class, _hardware_columns(hws, hi), errors)
    hw = _numa_node(rt, hardware_id, hw)
    model_obj = _obj_array(models)[mi]
    # a phone or one single-board computer cannot be joined to another (ARCHITECTURE 4.3)
    for r in np.nonzero(np.isin(hw_class, UNJOINABLE_CLASSES) & (num["devices"] > 1) & ~errors.bad)[0]:
        errors.mark_row(r, VentureLabError("devices", "a phone or a single-board computer runs a model alone",
                                           got=int(num["devices"][r]), accepted="1"))
    for r in np.nonzero(~m.token_model & ~errors.bad)[0]:
        errors.mark_row(r, VentureLabError("model", "is a per-input model: its figures are per input "
                                           "(latency_ms, inputs_per_s), not per token", got=model_obj[r].id))
    parallel = resolve_parallel(parallel, rt, m.experts, n, errors)
    hit = resolve_share(prefix_cache_hit, "prefix_cache_hit", n, errors, one_allowed=False)
    spec = resolve_speculative(speculative, spec_acceptance, m, n, errors)
    return ResolvedRequests(
        parallel=parallel, prefix_cache_hit=np.where(np.isnan(hit), 0.0, hit), spec=spec,
        error=errors.errors, bad=errors.bad, model_id=model_id, hardware_id=hardware_id, model_obj=model_obj,
        hardware_obj=_obj_array(hws)[hi], m=m, hw_class=hw_class, hw=hw,
        **num, **fmt, runtime=rt, expert_params=expert_params(m),
        expert_only=expert_only_format(fmt["weights"], m.experts > 0))
