"""Serving estimates: one request, a table of requests, vision models, and the questions built on
them (largest batch, devices for a request rate, largest model that fits).

Everything goes through :func:`scenarios.engine.serving_core.serving_arrays`, the one vectorised core.
See docs/engine-api.md for the contract and docs/methodology.md for the formulas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from scenarios.engine import speed
from scenarios.engine.assumption import Assumption, result_dict
from scenarios.engine.catalog import ModelSpec, get_format, get_hardware, get_model, load_models
from scenarios.engine.columns import map_distinct
from scenarios.engine.compute_paths import device_peaks, numa_node_share, path_assumptions
from scenarios.engine.concurrency import best_concurrency, is_max
from scenarios.engine.estimate import (
    INTEGER_FIELDS,
    OPTION_COLUMNS,
    OUTPUT_FIELDS,
    InferenceEstimate,
    ServingColumns,
)
from scenarios.engine.memory import RUNTIME_OVERHEAD_GB
from scenarios.engine.serving_core import ALLREDUCE_LATENCY_S, serving_arrays
from scenarios.engine.serving_inputs import RUNTIMES_BY_CLASS
from scenarios.engine.serving_options import option_assumptions
from scenarios.errors import VentureLabError
from scenarios.units import parse_number

__all__ = [
    "OUTPUT_FIELDS",
    "REQUEST_FIELDS",
    "InferenceEstimate",
    "InferenceRequest",
    "VisionEstimate",
    "devices_for_rate",
    "estimate_inference",
    "estimate_inference_table",
    "estimate_vision",
    "largest_model_that_fits",
    "max_batch_that_fits",
    "replica_requests_per_s",
]


@dataclass(frozen=True)
class InferenceRequest:
    """One serving question.  ``weights=None``: fp16 (bf16 where the device has no fp16 path);
    ``kv_cache=None``: the weights' activation dtype; ``runtime=None``: the usual one for the
    hardware class; ``price_per_hour=None``: the catalog rental price where there is one."""

    model: str | ModelSpec        # a catalog id, a config.json path, or a ModelSpec (an upload held in memory)
    hardware: str
    weights: str | None = None
    kv_cache: str | None = None
    runtime: str | None = None
    batch: int | str = 1          # or "max": the throughput-optimal concurrency that fits (ARCHITECTURE 4.3)
    prompt_tokens: int = 512
    output_tokens: int = 128
    devices: int = 1
    price_per_hour: float | None = None
    utilisation: float = 0.5
    parallel: str | None = None   # tp, pp, layer or ep; None: layer on llama.cpp, tp elsewhere (ARCHITECTURE 4.3)
    prefix_cache_hit: float = 0.0     # share of each prompt served from the prefix cache (0-1)
    speculative: str = "none"         # none, eagle, mtp or draft:MODEL_ID
    spec_acceptance: float | None = None   # share of drafted tokens accepted; None: the method's figure


REQUEST_FIELDS = tuple(f.name for f in fields(InferenceRequest))
_MAX_BATCH_ARGS = ("model", "hardware", "weights", "kv_cache", "runtime", "prompt_tokens", "output_tokens", "devices",
                   "parallel", "speculative")


def _clean(v):
    """numpy scalar -> JSON-ready Python; NaN -> None ('not meaningful')."""
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    return v


def _base_assumptions(values: dict, inputs: dict, hw) -> list[Assumption]:
    """The assumptions every serving estimate states, with their sources."""
    from scenarios.engine.prices import operating_assumptions
    ops = operating_assumptions()
    fmt = get_format(inputs["weights"])
    kvf = get_format(inputs["kv_cache"], "kv_cache")
    return [
        Assumption("speed_model", values["basis"], "", "scenarios/engine/speed.py roofline; factors data/fitted_factors.json"
                   + ("" if values["calibrated"] else " (uncalibrated pair: nearest group, wider band)")),
        Assumption("efficiency_bandwidth", values["eff_bw"], "share of peak bandwidth", "fitted (docs/methodology.md)"),
        Assumption("efficiency_compute", values["eff_compute"], "share of peak compute", "fitted (docs/methodology.md)"),
        Assumption("weights_bits", fmt.bits_per_weight, "bits/weight", fmt.source),
        Assumption("kv_cache_bits", kvf.bits_per_weight, "bits/value", kvf.source),
        Assumption("memory_bandwidth", hw.memory_bandwidth_gb_s, "GB/s", hw.source),
        Assumption("usable_memory", hw.usable_memory_gb, "GB", "data/hardware.csv usable_memory_gb"
                   + (" (derived)" if "usable_memory_gb" in hw.derived else "")),
        Assumption("runtime_overhead", RUNTIME_OVERHEAD_GB[hw.hw_class], "GB per device",
                   "ASSUMED typical idle runtime footprint (scenarios/engine/memory.py)"),
        Assumption("power", hw.tdp_w, "W per device", "TDP from data/hardware.csv"
                   + (" (assumption range %g-%g W)" % hw.range_of("tdp_w")[::2] if "tdp_w" in hw.derived else "")),
        Assumption("pue", values["pue_used"], "", ops["pue"].source if values["pue_used"] > 1 else
                   "1.0 outside a datacenter (no facility overhead)"),
        Assumption("utilisation", inputs["utilisation"], "share of paid time", ops["utilisation"].source),
        Assumption("idle_power_fraction", ops["idle_power_fraction"].expected, "of TDP",
                   ops["idle_power_fraction"].source),
        Assumption("electricity_price", ops["electricity_usd_per_kwh"].expected, "USD/kWh",
                   ops["electricity_usd_per_kwh"].source),
        Assumption("grid_intensity", ops["grid_kg_co2_per_kwh"].expected, "kg CO2/kWh",
                   ops["grid_kg_co2_per_kwh"].source),
        Assumption("decode_context", "averaged over prompt .. prompt + output", "tokens",
                   "ARCHITECTURE.md 4.2 decode_tokens_per_s definition"),
    ]


def _assumptions(values: dict, inputs: dict, hw, model, options: dict) -> tuple[Assumption, ...]:
    """The base assumptions, then those that apply to this request only."""
    out = _base_assumptions(values, inputs, hw)
    if values["price_per_hour_used"] is not None:
        given = inputs["price_per_hour"] is not None
        out.append(Assumption("price_per_hour", values["price_per_hour_used"], "USD per device-hour",
                              "given by the user" if given else f"{hw.price_source} (as of {hw.price_as_of})"))
    if inputs["devices"] > 1:
        out.append(Assumption("tensor_parallel_allreduce", ALLREDUCE_LATENCY_S, "s per all-reduce + bytes / "
                              f"{hw.interconnect_gb_s:g} GB/s", "Megatron-LM 2 all-reduces per layer; ASSUMED NCCL latency"))
    share = float(numa_node_share([hw.id], [inputs["runtime"]])[0])
    if share < 1.0:
        out.append(Assumption("numa_node_share", share, "of the bandwidth and peaks",
                              "OpenVINO's latency hint runs one stream on one NUMA node (one socket of this "
                              "server: data/cpu_server_paths.csv; scenarios/engine/compute_paths.py)"))
    if hw.hw_class == "phone":
        out += path_assumptions(hw, inputs["runtime"], inputs["weights"])
        out.append(Assumption("battery", hw.battery_wh, "Wh", "ASSUMPTION range %g-%g Wh (data/hardware.csv)"
                              % hw.range_of("battery_wh")[::2]))
    if not values["within_context"]:
        out.append(Assumption("context_length_exceeded", model.context_length, "tokens",
                              "prompt + output exceed the model's trained context: speed is estimated, "
                              "output quality is not guaranteed"))
    out += option_assumptions(inputs, options, hw)
    if hw.derived:
        out.append(Assumption("derived_hardware_fields", ", ".join(hw.derived), "", hw.notes[:300]))
    return tuple(out)


def _row_estimate(cols: ServingColumns, i: int, given_price) -> InferenceEstimate:
    """Row ``i`` of the core's columns as one estimate (``given_price``: the price the caller gave)."""
    values = {k: _clean(getattr(cols, k)[i]) for k in OUTPUT_FIELDS}
    for k in INTEGER_FIELDS:
        values[k] = int(values[k]) if values[k] is not None else None
    inputs = {k: _clean(getattr(cols, k)[i]) for k in REQUEST_FIELDS}
    for k in ("batch", "prompt_tokens", "output_tokens", "devices"):
        inputs[k] = int(inputs[k])
    inputs["price_per_hour"] = given_price
    return InferenceEstimate(**values, inputs=inputs, runtime=inputs["runtime"],
                             assumptions=_assumptions(values, inputs, cols.hardware_obj[i], cols.model_obj[i],
                                                      {k: _clean(getattr(cols, k)[i]) for k in OPTION_COLUMNS}))


def estimate_inference(req: InferenceRequest) -> InferenceEstimate:
    """One serving estimate (raises the core's :class:`VentureLabError` on bad input)."""
    if not isinstance(req, InferenceRequest):
        raise VentureLabError("request", "must be an InferenceRequest", got=type(req).__name__)
    args = {k: getattr(req, k) for k in REQUEST_FIELDS}
    if is_max(args["batch"]):    # ARCHITECTURE 4.3 --batch max: the throughput-optimal concurrency that fits
        args["batch"] = int(best_concurrency(**{k: args[k] for k in _MAX_BATCH_ARGS})[0])
    for k in ("batch", "prompt_tokens", "output_tokens", "devices"):
        args[k] = parse_number(args[k], k, integer=True)
    args["utilisation"] = parse_number(args["utilisation"], "utilisation")
    args["price_per_hour"] = parse_number(args["price_per_hour"], "price_per_hour", allow_none=True)
    cols = serving_arrays(**args)
    if cols.error[0] is not None:
        raise cols.error[0]
    return _row_estimate(cols, 0, args["price_per_hour"])


def _table_column(df, name: str, pre_err: np.ndarray):
    """One request column of a DataFrame: text cells stripped (empty -> None), number cells parsed
    (``32k``); an unparsable cell puts its VentureLabError in ``pre_err`` and takes the default.
    Each distinct cell is parsed once (a bulk file repeats a few models, devices and sizes)."""
    import pandas as pd

    default = getattr(InferenceRequest, name, None) if name not in ("model", "hardware") else None
    if name not in df.columns:
        return default
    codes, uniques = pd.factorize(df[name].to_numpy(dtype=object), use_na_sentinel=True)
    if name in ("model", "hardware", "weights", "kv_cache", "runtime", "parallel", "speculative"):
        texts = np.array([None if _blank(v) else str(v).strip() for v in uniques] + [None], dtype=object)
        return texts[codes]                       # code -1 (a missing cell) takes the trailing None
    fallback = np.nan if default is None else float(default)
    parsed = np.full(len(uniques) + 1, fallback, dtype=float)
    errors: dict[int, VentureLabError] = {}
    for k, v in enumerate(uniques):
        if _blank(v):
            continue
        try:
            parsed[k] = parse_number(v, name)
        except VentureLabError as exc:
            errors[k] = exc
    for k, exc in errors.items():
        pre_err[codes == k] = exc
    return parsed[codes]


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""


def estimate_inference_table(df):
    """Vectorised estimates for a DataFrame with columns named like the request fields (missing
    columns take the defaults; cells may use suffixes such as ``32k``).  Returns one row per input
    row: the resolved inputs, every output field, and ``error`` (the error's message, empty when
    the row ran)."""
    import pandas as pd
    if not isinstance(df, pd.DataFrame):
        raise VentureLabError("table", "must be a pandas DataFrame", got=type(df).__name__)
    unknown = [c for c in df.columns if c not in REQUEST_FIELDS]
    if unknown:
        raise VentureLabError("columns", f"unknown column(s) {', '.join(map(str, unknown))}", accepted=REQUEST_FIELDS)
    for need in ("model", "hardware"):
        if need not in df.columns:
            raise VentureLabError("columns", f"missing column {need}", accepted=REQUEST_FIELDS)
    if len(df) == 0:
        return pd.DataFrame(columns=[*REQUEST_FIELDS, *OUTPUT_FIELDS, "error"])
    pre_err = np.full(len(df), None, dtype=object)
    max_rows = map_distinct(is_max, df["batch"].to_numpy(dtype=object), bool) if "batch" in df.columns else None
    if max_rows is not None and max_rows.any():
        df = df.copy()
        df.loc[max_rows, "batch"] = None            # parsed as the default, then replaced below
    cols = {name: _table_column(df, name, pre_err) for name in REQUEST_FIELDS}
    for name, stand_in in (("model", "llama-2-7b"), ("hardware", "nvidia-h100-sxm")):
        missing = np.equal(cols[name], None)
        for i in np.nonzero(missing)[0]:
            if pre_err[i] is None:
                pre_err[i] = VentureLabError(name, "is empty")
        cols[name] = np.where(missing, stand_in, cols[name])
    if max_rows is not None and max_rows.any():
        cols["batch"] = _max_batch_column(cols, max_rows)
    out = serving_arrays(**cols, row_errors=pre_err)
    table = {k: getattr(out, k) for k in (*REQUEST_FIELDS, *OUTPUT_FIELDS)}
    table["error"] = np.array(["" if e is None else str(e) for e in out.error], dtype=object)
    return pd.DataFrame(table)


def _max_batch_column(cols: dict, max_rows: np.ndarray) -> np.ndarray:
    """The batch column with each ``max`` row's cell set to its throughput-optimal concurrency
    (ARCHITECTURE 4.3: `--from-csv` accepts `max`), one vectorised call over those rows."""
    idx = np.nonzero(max_rows)[0]
    sub = {k: (cols[k][idx] if isinstance(cols[k], np.ndarray) else cols[k]) for k in _MAX_BATCH_ARGS}
    batch = np.array(cols["batch"], dtype=float)
    batch[idx] = best_concurrency(**sub)
    return batch


def max_batch_that_fits(req: InferenceRequest) -> int:
    """Largest batch whose weights + KV cache + activations fit the devices (0 if even one does not)."""
    return int(estimate_inference(req).max_batch)


def replica_requests_per_s(batch: float, output_tokens: float, ttft_ms: float | None,
                           tpot_ms: float | None) -> float:
    """Requests per second one replica completes: ``batch`` requests every prefill + output x TPOT
    seconds (static batching; a figure that is not meaningful counts as no time).  0 where the
    request takes no time or the time is not finite."""
    busy_s = (ttft_ms or 0.0) / 1000.0 + output_tokens * (tpot_ms or 0.0) / 1000.0
    return batch / busy_s if busy_s > 0 and math.isfinite(busy_s) else 0.0


def devices_for_rate(estimate: InferenceEstimate, requests_per_s: float) -> int:
    """Devices to serve ``requests_per_s`` requests with this configuration: replicas x devices per
    replica, each replica completing :func:`replica_requests_per_s` of them."""
    rps = parse_number(requests_per_s, "requests_per_s", minimum=0, maximum=1e9)
    inp = estimate.inputs
    per_replica_devices = max(int(inp["devices"]), int(estimate.devices_needed or 1))
    if rps == 0:
        return 0
    replica_rps = replica_requests_per_s(inp["batch"], inp["output_tokens"], estimate.ttft_ms, estimate.tpot_ms)
    if replica_rps <= 0:
        return per_replica_devices
    return int(math.ceil(rps / replica_rps)) * per_replica_devices


def largest_model_that_fits(hardware: str, weights: str | None = None, min_decode_tokens_per_s: float = 0.0,
                            prompt_tokens: int = 512, output_tokens: int = 128, runtime: str | None = None,
                            devices: int = 1) -> list[InferenceEstimate]:
    """LLMs that fit ``hardware`` (on ``devices``) and decode at least ``min_decode_tokens_per_s``,
    largest first."""
    min_tps = parse_number(min_decode_tokens_per_s, "min_decode_tokens_per_s", minimum=0)
    # text such as "32k" is accepted here as in estimate_inference (the core takes numbers only)
    prompt_tokens, output_tokens, devices = (parse_number(v, k, integer=True) for k, v in (
        ("prompt_tokens", prompt_tokens), ("output_tokens", output_tokens), ("devices", devices)))
    # Every LLM goes through the core, so the inputs are validated even when no model has a long
    # enough context; the context filter is the core's own ``within_context`` flag.
    llms = [m for m in load_models().values() if m.kind == "decoder-llm"]
    cols = serving_arrays([m.id for m in llms], hardware, weights, None, runtime, 1, prompt_tokens, output_tokens,
                          devices)
    if len(llms) and all(e is not None for e in cols.error):
        raise cols.error[0]
    ok = [i for i in range(len(llms)) if cols.error[i] is None and cols.fits[i] and cols.within_context[i]
          and (cols.decode_tokens_per_s[i] or 0) >= min_tps]
    ok.sort(key=lambda i: -llms[i].params_b)
    return [_row_estimate(cols, i, None) for i in ok]


# --------------------------------------------------------------------------------- vision / speech
@dataclass(frozen=True)
class VisionEstimate:
    latency_ms: float
    latency_ms_low: float
    latency_ms_high: float
    inputs_per_s: float
    inputs_per_s_low: float
    inputs_per_s_high: float
    energy_j_per_input: float
    bound: str
    weights_gb: float
    fits: bool
    gflops_per_input: float
    inputs: dict
    runtime: str
    assumptions: tuple[Assumption, ...]

    def to_dict(self) -> dict:
        return result_dict(self)


VISION_RUNTIME = {"phone": "executorch"}   # elsewhere PyTorch (eager / compiled) as the common baseline


def _vision_work(model: str, gflops_per_input) -> tuple[object, float, int, float]:
    """(catalog record or None for ``custom``, parameters, layers, GFLOPs per input)."""
    if model == "custom":
        if gflops_per_input is None:
            raise VentureLabError("gflops_per_input", "is required with model='custom'")
        spec, params, layers = None, 0.0, 20
    else:
        spec = get_model(model)
        params, layers = spec.params, spec.layers or 20
        if gflops_per_input is None:
            if not spec.gflops_per_input:
                raise VentureLabError("model", "has no FLOPs per input; give gflops_per_input",
                                      got=model, accepted=[m.id for m in load_models().values() if m.gflops_per_input])
            gflops_per_input = spec.gflops_per_input
    return spec, params, layers, parse_number(gflops_per_input, "gflops_per_input", minimum=1e-6, maximum=1e7)


def _vision_assumptions(spec, basis: str, gflops: float, hw) -> tuple[Assumption, ...]:
    out = (
        Assumption("speed_model", basis, "", "LLM calibration groups stand in for vision "
                   "workloads (no vision calibration rows): treat the band as indicative"),
        Assumption("gflops_per_input", gflops, "GFLOPs", "caller" if spec is None else "data/models.csv"),
        Assumption("power", hw.tdp_w, "W", "data/hardware.csv tdp_w"),
        Assumption("activation_traffic", "not modelled", "", "latency of small CNNs at batch 1 can be "
                   "dominated by activation reads and kernel launches (docs/methodology.md known limits)"),
    )
    if spec is not None and spec.kind == "speech":
        out += (Assumption("speech_window", spec.input_resolution or "one input", "",
                           "FLOPs per input cover the encoder; generated text tokens add decoder work "
                           "(data/models.csv notes)"),)
    return out


def _small_as_vision(model, hardware, weights, batch, runtime) -> VisionEstimate:
    from scenarios.engine.small_models import estimate_small_model
    e = estimate_small_model(model, hardware, weights=weights, runtime=runtime, batch=batch)
    bound = "node visits" if get_model(model).kind == "tree-ensemble" else "compute"
    return VisionEstimate(e.latency_ms, e.latency_ms_low, e.latency_ms_high, e.inputs_per_s, e.inputs_per_s_low,
                          e.inputs_per_s_high, e.energy_j_per_input, bound, e.weights_gb, e.fits,
                          e.gflops_per_input, {k: e.inputs[k] for k in ("model", "hardware", "weights", "batch",
                                                                         "runtime")},
                          e.runtime, e.assumptions + (Assumption("speed_model", e.basis, "", "small_models"),))


def estimate_vision(model: str, hardware: str, weights: str | None = None, batch: int = 1,
                    runtime: str | None = None, gflops_per_input: float | None = None) -> VisionEstimate:
    """Latency per input and inputs/s for a vision or speech model (or ``model="custom"`` with the
    caller's own ``gflops_per_input``), from FLOPs and weight bytes by roofline.  Server CPUs and tree
    ensembles take the calibrated per-input model (scenarios/engine/small_models.py), so the app and
    ``estimate inference`` give one figure."""
    hw = get_hardware(hardware)
    if model != "custom" and gflops_per_input is None and (
            hw.hw_class == "cpu-server" or get_model(model).kind == "tree-ensemble"):
        return _small_as_vision(model, hw.id, weights, batch, runtime)
    b = parse_number(batch, "batch", integer=True, minimum=1, maximum=1_000_000)
    spec, params, layers, g = _vision_work(model, gflops_per_input)
    fmt = get_format(weights or ("fp16" if hw.has_fp16 else "bf16"))
    rt = (runtime or VISION_RUNTIME.get(hw.hw_class, "pytorch")).lower()
    if rt not in RUNTIMES_BY_CLASS[hw.hw_class]:
        raise VentureLabError("runtime", f"not available on {hw.hw_class} hardware", got=rt,
                              accepted=RUNTIMES_BY_CLASS[hw.hw_class])
    w_bytes = params * fmt.bits_per_weight / 8.0
    f32, f16, i8, i4 = device_peaks(hw, rt)   # a phone computes on its runtime's path
    sp = speed.predict(hw.hw_class, rt, fmt.id, prefill_flops=g * 1e9 * b, decode_flops_per_token=0.0,
                       weight_bytes=max(w_bytes, 1.0), kv_bytes_read_per_token=0.0,
                       bandwidth_bytes_s=hw.memory_bandwidth_gb_s * 1e9, batch=b, layers=min(layers, 64),
                       peak_fp32=f32, peak_fp16=f16, peak_int8=i8, fp8_capable="fp8" in hw.compute_formats,
                       peak_int4=i4, fp4_capable="nvfp4" in hw.compute_formats)
    t, lo, hi = float(sp.prefill_s[0]), float(sp.prefill_s_low[0]), float(sp.prefill_s_high[0])
    from scenarios.engine.prices import operating_assumptions
    pue = operating_assumptions()["pue"].expected if hw.category == "datacenter-gpu" else 1.0
    return VisionEstimate(
        latency_ms=1000 * t, latency_ms_low=1000 * lo, latency_ms_high=1000 * hi,
        inputs_per_s=b / t, inputs_per_s_low=b / hi, inputs_per_s_high=b / lo,
        energy_j_per_input=hw.tdp_w * t * pue / b,
        bound="compute" if bool(sp.prefill_compute_bound[0]) else "bandwidth",
        weights_gb=w_bytes / 1e9, fits=w_bytes / 1e9 + RUNTIME_OVERHEAD_GB[hw.hw_class] <= hw.usable_memory_gb,
        gflops_per_input=g, inputs={"model": "custom" if spec is None else spec.id, "hardware": hw.id,
                                    "weights": fmt.id, "batch": b, "runtime": rt},
        runtime=rt, assumptions=_vision_assumptions(spec, str(sp.basis[0]), g, hw))
