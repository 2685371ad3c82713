"""``--batch max``: the throughput-optimal concurrency of one replica, for many requests at once.

Throughput under continuous batching never falls as the concurrency grows
(scenarios/engine/batching.py), so the optimum is the largest concurrency whose paged KV cache
fits one replica, capped by the runtime's sequence limit (:func:`batching.max_concurrency`).
Runtimes without continuous batching take the largest static batch that fits (the core's
``max_batch``).
"""

from __future__ import annotations

import numpy as np

from scenarios.engine import batching
from scenarios.engine.serving_core import held_weight_bytes, memory_stage
from scenarios.engine.serving_inputs import resolve_requests


def is_max(value) -> bool:
    """True for the text 'max' (any case, surrounding blanks allowed)."""
    return isinstance(value, str) and value.strip().lower() == "max"


def best_concurrency(model, hardware, weights=None, kv_cache=None, runtime=None, prompt_tokens=512,
                     output_tokens=128, devices=1, parallel=None, speculative=None) -> np.ndarray:
    """The concurrency ``--batch max`` runs at, per row (at least 1; rows that cannot run get 1 and
    their error from the estimate itself).  The weights held include a speculative draft's and, under
    expert parallel, the shared weights replicated on every device (as the estimate's memory)."""
    r = resolve_requests(model, hardware, weights, kv_cache, runtime, 1, prompt_tokens, output_tokens,
                         devices, None, 0.5, None, parallel=parallel, speculative=speculative)
    m = r.m
    weights_bytes = sum(held_weight_bytes(r))
    paged = batching.max_concurrency(m, r.hw.usable_bytes, r.hw.overhead_gb * 1e9, r.devices, weights_bytes,
                                     r.act_bytes, r.prompt_tokens, r.output_tokens, r.kv_bits, r.runtime)
    static = memory_stage(r).max_batch
    cont = batching.runtime_table(r.runtime)["continuous"]
    return np.maximum(np.where(cont, paged, static), 1.0)
