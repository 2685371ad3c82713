"""What a serving estimate answers: one request's :class:`InferenceEstimate` and many requests'
:class:`ServingColumns`, both built from the one list of output fields written below.

The field list is the contract of ARCHITECTURE.md 4.2 (``estimate inference --json``): the
:class:`InferenceEstimate` class body is that list, :data:`OUTPUT_FIELDS` is read off it, and
:class:`ServingColumns` (the vectorised core's result) has one numpy array per output field plus
the resolved inputs and the per-row error.  Adding a field here adds it everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, make_dataclass

import numpy as np

from scenarios.engine.assumption import Assumption

# Speed, money and energy figures each come as expected value and a low / high band (the
# calibration's leave-one-hardware-out error, docs/methodology.md); ``_low`` is the pessimistic
# end for a speed and the optimistic end for a time or a cost, as each name reads.
BAND_SUFFIXES = ("", "_low", "_high")


@dataclass(frozen=True)
class InferenceEstimate:
    """Every output of one serving estimate (ARCHITECTURE.md 4.2 JSON keys and more).

    ``None`` marks a figure that is not meaningful for the request: no prompt -> no prefill
    figures, no output -> no decode figures, no price -> no $ figures, no battery -> no battery.
    """

    # memory (GB = 1e9 bytes), whole replica unless named per device
    weights_gb: float
    kv_cache_gb: float
    working_memory_gb: float
    total_memory_gb: float
    memory_per_device_gb: float
    usable_memory_gb: float
    fits: bool
    within_context: bool          # prompt + output within the model's trained context
    devices_needed: int | None    # devices for one replica to fit (powers of 2 up to 8, then 8s)
    max_batch: int | None         # largest batch whose KV cache and activations fit
    # speed: per-sequence prefill and decode, batch throughput, latencies
    prefill_tokens_per_s: float | None
    prefill_tokens_per_s_low: float | None
    prefill_tokens_per_s_high: float | None
    decode_tokens_per_s: float | None
    decode_tokens_per_s_low: float | None
    decode_tokens_per_s_high: float | None
    throughput_tokens_per_s: float | None
    throughput_tokens_per_s_low: float | None
    throughput_tokens_per_s_high: float | None
    ttft_ms: float | None
    ttft_ms_low: float | None
    ttft_ms_high: float | None
    tpot_ms: float | None
    tpot_ms_low: float | None
    tpot_ms_high: float | None
    # money and energy per output token, prefill included, at the utilisation
    usd_per_million_tokens: float | None
    usd_per_million_tokens_low: float | None
    usd_per_million_tokens_high: float | None
    energy_j_per_token: float | None
    energy_j_per_token_low: float | None
    energy_j_per_token_high: float | None
    battery_pct_per_1k_tokens: float | None
    battery_pct_per_1k_tokens_low: float | None
    battery_pct_per_1k_tokens_high: float | None
    electricity_usd_per_million_tokens: float | None
    co2_g_per_million_tokens: float | None
    # roofline: which limit binds, and where the workload sits
    bound_prefill: str | None     # "compute" or "bandwidth"
    bound_decode: str | None
    arithmetic_intensity: float | None          # decode FLOP per byte read
    arithmetic_intensity_prefill: float | None
    ridge_point: float                          # device FLOP per byte where compute binds
    # the work behind the times (the calibration charges the same work)
    prefill_flops: float | None
    decode_flops_per_token: float | None
    weight_bytes_per_step: float | None
    kv_bytes_per_token_read: float | None
    comm_s_per_step: float | None               # tensor-parallel all-reduce time per decode step
    # the speed model's factors and the prices used
    eff_bw: float | None
    eff_compute: float | None
    calibrated: bool
    basis: str
    price_per_hour_used: float | None
    pue_used: float | None
    # what was asked, with every default filled in, and why the figures are what they are
    inputs: dict
    runtime: str
    assumptions: tuple[Assumption, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """The ``estimate inference --json`` object: output fields, then inputs, runtime, assumptions."""
        d = {name: getattr(self, name) for name in OUTPUT_FIELDS}
        d["inputs"] = dict(self.inputs)
        d["runtime"] = self.runtime
        d["assumptions"] = [a.to_dict() for a in self.assumptions]
        return d


OUTPUT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(InferenceEstimate)
                                       if f.name not in ("inputs", "runtime", "assumptions"))
# Integer figures: the core computes them as floats (NaN on bad rows), one estimate shows ints.
INTEGER_FIELDS = ("devices_needed", "max_batch")
# The request as the core resolved it (ids, defaults filled in), one column each.
INPUT_COLUMNS = ("model", "hardware", "weights", "kv_cache", "runtime", "batch", "prompt_tokens",
                 "output_tokens", "devices", "price_per_hour", "utilisation", "parallel", "prefix_cache_hit",
                 "speculative", "spec_acceptance")
# What the serving options did, for the assumptions (ARCHITECTURE 4.3): speculation's drafted tokens
# per step, the draft's cost per target step, and its speed-up of decode at the row's batch.
OPTION_COLUMNS = ("spec_draft_tokens", "spec_draft_cost", "spec_speedup")
# Columns for building one estimate's assumptions: the resolved catalog records and class.
RECORD_COLUMNS = ("hw_class", "hardware_obj", "model_obj")

ServingColumns = make_dataclass(
    "ServingColumns",
    [(name, np.ndarray) for name in (*INPUT_COLUMNS, *OPTION_COLUMNS, *RECORD_COLUMNS, *OUTPUT_FIELDS, "error")],
    frozen=True,
    namespace={"__doc__": (
        "Serving estimates for many requests: one numpy array per field, row i is request i.\n\n"
        "Output fields are those of :class:`InferenceEstimate` (NaN / None where not meaningful; NaN,\n"
        "None or False on error rows); the inputs as resolved; ``error`` holds each row's\n"
        "VentureLabError, or None where the row ran."),
        "__len__": lambda self: len(self.error)},
)
ServingColumns.__module__ = __name__    # pickling and repr find the class here
