"""Continuous batching of one replica: how many sequences fit, and what one engine step costs.

Serving engines (vLLM, TensorRT-LLM, SGLang, llama.cpp's server, MLC's serve engine) keep ``c``
sequences in flight and run one *step* at a time: every running sequence decodes one token and
the prompts of arriving requests are prefilled in chunks that ride along in the same step
(chunked prefill; vLLM docs "Optimization and Tuning: chunked prefill", TensorRT-LLM
``enable_chunked_context``).  In the steady state each request brings ``P`` prompt tokens and
leaves with ``O`` output tokens, so a step carries ``c`` decode tokens and, on average,
``c * P / O`` prefill tokens.  The step time is the roofline of :mod:`scenarios.engine.speed` on
that mixed work, with two fitted factors per runtime family (``data/batching_factors.json``,
fitted by ``python -m scenarios.calibration batching`` on published throughput-at-concurrency
measurements, data/calibration/throughput_measurements.csv):

* ``eta_kv``: share of the fitted weight-streaming bandwidth that paged-attention kernels reach on
  the KV cache of many sequences;
* ``eta_compute``: share of the fitted prefill compute efficiency that mixed steps reach.

Steady-state output tokens/s of the replica = ``c / t_step``; TPOT = ``t_step``; TTFT = the steps
a new prompt needs at the runtime's token budget per step.  Throughput never falls as ``c`` grows
(``t_step = max(a(c) + b c, d c) + e`` with ``a`` concave: ``c / t_step`` is non-decreasing), so
the throughput-optimal concurrency is the largest that fits, capped by the runtime's sequence
limit: :func:`max_concurrency`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from scenarios.engine import speed
from scenarios.engine.columns import factorize, map_distinct
from scenarios.engine.memory import kv_cache_bytes, working_memory_bytes

FACTORS_PATH = Path(__file__).resolve().parents[2] / "data" / "batching_factors.json"


@dataclass(frozen=True)
class BatchingRuntime:
    """How a runtime holds the KV cache and schedules a step (its documented defaults)."""

    block_tokens: int          # KV-cache page size: a sequence holds whole pages
    memory_fraction: float     # share of memory the runtime may use ...
    of_free: bool              # ... of the memory left after weights (True) or of all memory (False)
    token_budget: int          # tokens one step may carry (decode + prefill chunks)
    max_sequences: int         # scheduler cap on sequences in flight
    continuous: bool           # continuous batching (False: static batches, prefill then decode)
    source: str


RUNTIMES = {
    "vllm": BatchingRuntime(16, 0.90, False, 8192, 1024, True,
                            "vLLM engine args: block_size 16, gpu_memory_utilization 0.9 (of all GPU memory), "
                            "max_num_batched_tokens 8192 and max_num_seqs 1024 (V1 defaults on datacenter GPUs), "
                            "chunked prefill on (docs.vllm.ai, Engine Arguments; Optimization and Tuning)"),
    "tensorrt-llm": BatchingRuntime(32, 0.90, True, 8192, 2048, True,
                                    "TensorRT-LLM LLM API: KvCacheConfig free_gpu_memory_fraction 0.9 (of the memory "
                                    "left after weights), tokens_per_block 32, max_num_tokens 8192, max_batch_size "
                                    "2048 (TensorRT-LLM docs: perf-overview, llm_args.py)"),
    "llama.cpp": BatchingRuntime(1, 1.0, True, 2048, 256, True,
                                 "llama-server: contiguous per-slot KV (no pages), prompts split into n_batch 2048 "
                                 "chunks between decode steps of the other slots (llama.cpp tools/server README; "
                                 "slot count -np set by the user, capped here at 256)"),
    "mlc": BatchingRuntime(16, 0.90, True, 2048, 256, True,
                           "MLC LLM serve engine: paged KV cache with 16-token pages, gpu_memory_utilization 0.85-0.9, "
                           "prefill_chunk_size 2048 (MLC LLM docs, EngineConfig) - ASSUMED the same as vLLM's pages"),
    "pytorch": BatchingRuntime(1, 1.0, True, 1 << 30, 1 << 20, False,
                               "plain PyTorch / Transformers generate(): static batches, prefill then decode"),
    "executorch": BatchingRuntime(1, 1.0, True, 1 << 30, 1 << 20, False,
                                  "ExecuTorch on-device runner: one sequence at a time, static batches"),
}
_STATIC = RUNTIMES["pytorch"]
DEFAULT_BATCHING_FACTORS = {"eta_kv": {"default": 1.0}, "eta_compute": {"default": 1.0},
                            "band": [0.75, 1.33], "basis": "built-in defaults (not fitted)"}


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    p = Path(path)
    return json.loads(p.read_text()) if p.exists() else DEFAULT_BATCHING_FACTORS


def load_batching_factors(path: str | Path | None = None) -> dict:
    """The fitted batching factors (data/batching_factors.json; built-in defaults without it)."""
    return _load(str(path or FACTORS_PATH))


def runtime_table(runtime) -> dict[str, np.ndarray]:
    """Each row's runtime settings as arrays (unknown runtimes batch statically)."""
    uniques, inverse = factorize(np.atleast_1d(np.asarray(runtime, dtype=object)))
    rows = [RUNTIMES.get(str(r), _STATIC) for r in uniques]       # one per distinct runtime
    return {"block_tokens": np.array([x.block_tokens for x in rows], float)[inverse],
            "memory_fraction": np.array([x.memory_fraction for x in rows], float)[inverse],
            "of_free": np.array([x.of_free for x in rows], bool)[inverse],
            "token_budget": np.array([x.token_budget for x in rows], float)[inverse],
            "max_sequences": np.array([x.max_sequences for x in rows], float)[inverse],
            "continuous": np.array([x.continuous for x in rows], bool)[inverse]}


def runtime_factor(factors: dict, key: str, runtime) -> np.ndarray:
    """A fitted per-runtime factor for each row (the family's, else the pooled default)."""
    table = factors.get(key, {})
    default = table.get("default", 1.0)
    return map_distinct(lambda r: table.get(str(r), default), np.atleast_1d(np.asarray(runtime, dtype=object)), float)


def paged_kv_bytes(m, prompt_tokens, output_tokens, kv_bits, block_tokens) -> np.ndarray:
    """KV cache of one sequence at its full context, in whole pages of ``block_tokens``."""
    ctx = np.asarray(prompt_tokens, float) + np.asarray(output_tokens, float)
    pages = np.ceil(np.maximum(ctx, 1.0) / block_tokens) * block_tokens
    return kv_cache_bytes(m, pages, 1.0, kv_bits)


def max_concurrency(m, usable_bytes, overhead_bytes, devices, weights_bytes, act_bytes, prompt_tokens,
                    output_tokens, kv_bits, runtime) -> np.ndarray:
    """Largest number of sequences whose paged KV cache fits one replica (0 where none does).

    The runtime's memory share is taken of all memory (vLLM's gpu_memory_utilization) or of what is
    left after weights, activations and the runtime's own footprint (TensorRT-LLM's
    free_gpu_memory_fraction); activations are one step at the runtime's token budget.
    """
    rt = runtime_table(runtime)
    n = np.asarray(devices, float)
    budget = np.minimum(rt["token_budget"], np.maximum(np.asarray(prompt_tokens, float), 1.0) * 64.0)
    acts = working_memory_bytes(m, 1.0, budget, act_bytes, 0.0)
    total = np.asarray(usable_bytes, float) * n
    fixed = np.asarray(overhead_bytes, float) * n + np.asarray(weights_bytes, float) + acts
    room = np.where(rt["of_free"], (total - fixed) * rt["memory_fraction"], total * rt["memory_fraction"] - fixed)
    per_seq = paged_kv_bytes(m, prompt_tokens, output_tokens, kv_bits, rt["block_tokens"])
    fit = np.floor(np.maximum(room, 0.0) / np.maximum(per_seq, 1.0))
    return np.minimum(fit, rt["max_sequences"])


@dataclass(frozen=True)
class SteadyState:
    """One replica at ``concurrency`` sequences in flight; times in seconds, each as
    (expected, low, high) where low is the optimistic time and the pessimistic speed."""

    concurrency: np.ndarray
    step_s: tuple[np.ndarray, np.ndarray, np.ndarray]          # one mixed step = TPOT
    ttft_s: tuple[np.ndarray, np.ndarray, np.ndarray]          # first token of a new request
    throughput_tokens_per_s: tuple[np.ndarray, np.ndarray, np.ndarray]   # (expected, low, high)
    continuous: np.ndarray                                     # False: static batches
    eta_kv: np.ndarray
    eta_compute: np.ndarray


def _step_s(hw_class, runtime, weights, *, concurrency, flops_per_seq, weight_bytes, kv_bytes_read_per_token,
            bandwidth_bytes_s, layers, peaks, factors, eta_kv, eta_compute, comm_s):
    """Roofline time of one step of ``concurrency`` sequences, each charging ``flops_per_seq``."""
    sp = speed.predict(hw_class, runtime, weights, prefill_flops=np.zeros(np.shape(flops_per_seq)),
                       decode_flops_per_token=flops_per_seq / eta_compute,
                       weight_bytes=weight_bytes, kv_bytes_read_per_token=kv_bytes_read_per_token / eta_kv,
                       bandwidth_bytes_s=bandwidth_bytes_s, batch=concurrency, layers=layers, factors=factors, **peaks)
    return sp.decode_s_per_token + comm_s


def steady_state(hw_class, runtime, weights, *, concurrency, prompt_tokens, output_tokens, prefill_flops_per_seq,
                 decode_flops_per_token, weight_bytes, kv_bytes_read_per_token, bandwidth_bytes_s, layers, peaks,
                 comm_latency_s=0.0, comm_s_per_token=0.0, factors=None, batching_factors=None) -> SteadyState:
    """Steady state of continuous batching at ``concurrency`` (arrays broadcast together).

    ``prefill_flops_per_seq``: FLOPs of one prompt's prefill; ``decode_flops_per_token``,
    ``weight_bytes``, ``kv_bytes_read_per_token`` as :func:`scenarios.engine.speed.predict` takes
    them (weight bytes of a step at this concurrency); ``peaks``: the peak keywords of
    ``speed.predict``; ``comm_latency_s + tokens * comm_s_per_token``: tensor-parallel
    all-reduces of a step carrying ``tokens`` tokens.
    """
    bf = batching_factors or load_batching_factors()
    c = np.asarray(concurrency, float)
    P, O = np.asarray(prompt_tokens, float), np.maximum(np.asarray(output_tokens, float), 1.0)
    rt = runtime_table(runtime)
    eta_kv, eta_c = runtime_factor(bf, "eta_kv", runtime), runtime_factor(bf, "eta_compute", runtime)
    per_prompt_token = prefill_flops_per_seq / np.maximum(P, 1.0)
    common = {"weight_bytes": weight_bytes, "kv_bytes_read_per_token": kv_bytes_read_per_token,
              "bandwidth_bytes_s": bandwidth_bytes_s, "layers": layers, "peaks": peaks, "factors": factors,
              "eta_kv": eta_kv, "eta_compute": eta_c}
    # steady state: each sequence decodes one token and brings P / O prompt tokens per step
    step = _step_s(hw_class, runtime, weights, concurrency=c, flops_per_seq=decode_flops_per_token
                   + prefill_flops_per_seq / O, comm_s=comm_latency_s + c * (1.0 + P / O) * comm_s_per_token, **common)
    # a new prompt: chunks of what the token budget leaves beside the c decode tokens
    chunk = np.minimum(np.maximum(P, 1.0), np.maximum(rt["token_budget"] - c, rt["block_tokens"] * 16.0))
    n_chunks = np.ceil(np.maximum(P, 1.0) / chunk)
    ttft_step = _step_s(hw_class, runtime, weights, concurrency=c, flops_per_seq=decode_flops_per_token
                        + chunk * per_prompt_token / c, comm_s=comm_latency_s + (c + chunk) * comm_s_per_token,
                        **common)
    ttft = np.where(P > 0, n_chunks * ttft_step, 0.0)
    lo, hi = bf["band"]
    thr = c / step
    return SteadyState(concurrency=c, step_s=(step, step / hi, step / lo), ttft_s=(ttft, ttft / hi, ttft / lo),
                       throughput_tokens_per_s=(thr, thr * lo, thr * hi), continuous=rt["continuous"],
                       eta_kv=eta_kv, eta_compute=eta_c)


def from_requests(r, w, factors=None, allreduce_latency_s: float = 10e-6, batching_factors=None,
                  prefill_flops_per_seq=None) -> SteadyState:
    """:func:`steady_state` of the serving core's resolved requests ``r`` (concurrency = their batch)
    and work ``w`` (scenarios/engine/serving_core.py), on N devices with tensor parallel's two
    all-reduces per layer (ring: 2 (N - 1) / N of each token's activations).  ``prefill_flops_per_seq``
    replaces the prompts' work (0: decode-only steps, as llama.cpp's batched-bench times them)."""
    m, N, hw = r.m, r.devices, r.hw
    ring = np.where(N > 1, 2.0 * (N - 1.0) / N, 0.0)
    peaks = {"peak_fp32": hw.peak_fp32 * N, "peak_fp16": hw.peak_fp16 * N, "peak_int8": hw.peak_int8 * N,
             "fp8_capable": hw.fp8_capable, "peak_int4": hw.peak_int4 * N, "fp4_capable": hw.fp4_capable}
    return steady_state(
        r.hw_class, r.runtime, r.weights, concurrency=r.batch, prompt_tokens=r.prompt_tokens,
        output_tokens=r.output_tokens,
        prefill_flops_per_seq=(w.prefill_flops / np.maximum(r.batch, 1.0) if prefill_flops_per_seq is None
                               else prefill_flops_per_seq),
        decode_flops_per_token=w.decode_flops_per_token, weight_bytes=w.weight_bytes_per_step,
        kv_bytes_read_per_token=w.kv_bytes_per_token_read, bandwidth_bytes_s=hw.bandwidth_bytes_s * N,
        layers=np.maximum(m.layers, 1.0), peaks=peaks,
        comm_latency_s=np.where(N > 1, 2.0 * m.layers * allreduce_latency_s, 0.0),
        comm_s_per_token=np.where(N > 1, 2.0 * m.layers * ring * m.hidden * 2.0
                                  / np.maximum(hw.interconnect_bytes_s, 1.0), 0.0),
        factors=factors, batching_factors=batching_factors)


@dataclass(frozen=True)
class StepModel:
    """One engine step as a function of what it carries, per configuration (seconds):
    ``max(fixed_mem_s + n * kv_s_per_seq, n * decode_compute_s + p * prefill_compute_s_per_token)
    + overhead_s + comm_latency_s + (n + p) * comm_s_per_token`` for ``n`` decoding sequences and
    ``p`` prompt tokens: the roofline of :func:`steady_state`, opened up for the queueing model."""

    fixed_mem_s: np.ndarray
    kv_s_per_seq: np.ndarray
    decode_compute_s: np.ndarray
    prefill_compute_s_per_token: np.ndarray
    overhead_s: np.ndarray
    comm_latency_s: np.ndarray
    comm_s_per_token: np.ndarray
    token_budget: np.ndarray
    block_tokens: np.ndarray

    def step_s(self, n, prompt_tokens_in_step):
        n, p = np.asarray(n, float), np.asarray(prompt_tokens_in_step, float)
        mem = self.fixed_mem_s + n * self.kv_s_per_seq
        compute = n * self.decode_compute_s + p * self.prefill_compute_s_per_token
        return np.maximum(mem, compute) + self.overhead_s + self.comm_latency_s + (n + p) * self.comm_s_per_token


def step_model(r, w, factors=None, allreduce_latency_s: float = 10e-6, batching_factors=None) -> StepModel:
    """The :class:`StepModel` of the serving core's resolved requests ``r`` and work ``w`` (the
    same groups, peaks and batching factors as :func:`from_requests`)."""
    bf = batching_factors or load_batching_factors()
    m, N, hw = r.m, r.devices, r.hw
    n = len(r.batch)
    g = speed.lookup_groups(r.hw_class, r.runtime, r.weights, n, factors)
    peak = speed.select_peak_flops(g.peak_path, hw.peak_fp32 * N, hw.peak_fp16 * N, hw.peak_int8 * N,
                                   hw.fp8_capable, hw.peak_int4 * N, hw.fp4_capable)
    bw = hw.bandwidth_bytes_s * N
    peak = np.where(np.isfinite(peak) & (peak > 0), peak, bw * speed.ASSUMED_RIDGE_FLOP_PER_BYTE)
    eff_peak = peak * g.eff_compute * g.format_compute * runtime_factor(bf, "eta_compute", r.runtime)
    ring = np.where(N > 1, 2.0 * (N - 1.0) / N, 0.0)
    rt = runtime_table(r.runtime)
    # a quantised step on a CPU also dequantises every weight once, whatever the batch (speed.dequant_s):
    # the weight stream goes at the slower of the memory and the vector units
    dequant_s = speed.dequant_s(w.weight_bytes_per_step, g, hw.peak_fp32 * N)
    return StepModel(
        fixed_mem_s=np.maximum(w.weight_bytes_per_step / (bw * g.eff_bw * g.format_bw), dequant_s),
        kv_s_per_seq=w.kv_bytes_per_token_read / (bw * g.eff_bw * runtime_factor(bf, "eta_kv", r.runtime)),
        decode_compute_s=w.decode_flops_per_token / eff_peak,
        prefill_compute_s_per_token=w.prefill_flops / np.maximum(r.batch * np.maximum(r.prompt_tokens, 1.0), 1.0)
        / eff_peak,
        overhead_s=np.maximum(m.layers, 1.0) * g.overhead_per_layer_s,
        comm_latency_s=np.where(N > 1, 2.0 * m.layers * allreduce_latency_s, 0.0),
        comm_s_per_token=np.where(N > 1, 2.0 * m.layers * ring * m.hidden * 2.0
                                  / np.maximum(hw.interconnect_bytes_s, 1.0), 0.0),
        token_budget=rt["token_budget"], block_tokens=rt["block_tokens"])
