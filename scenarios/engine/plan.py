"""`venture-lab plan` (ARCHITECTURE 4.3): the cheapest serving configuration that meets latency limits.

Every configuration of hardware x weight format x runtime x devices per replica (tensor parallel)
x concurrency (sequences in flight per replica) is one row of one vectorised pass:

1. steady state at concurrency ``c`` (scenarios/engine/batching.py): TPOT, the rate one replica
   sustains there ``max_rate = throughput / O`` (Little's law), and whether the paged KV cache of
   ``c`` sequences fits;
2. replicas = ceil(rate / max_rate), $ per hour = replicas x devices x the catalog price;
3. configurations whose TPOT and mean latencies meet the limits are ranked by cost (at equal cost
   the one with the largest ``max_rate``, room to grow at the same bill, then the lowest TPOT), and checked in
   that order with the latency percentiles of scenarios/engine/queueing.py at ``max_rate`` (the
   busiest a replica runs; fewer requests only shorten the queue), the first that passes is
   ``best``.  Checking at ``max_rate`` keeps each configuration's feasibility independent of the
   total rate, so more rate never lowers the cost and tighter limits never do either.

``candidates`` is the Pareto front of $ per 1M output tokens against tokens/s per user
(1000 / TPOT) among the configurations that pass; ``infeasible`` says, per hardware and weight
format with none, why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from scenarios.engine import batching, queueing
from scenarios.engine.catalog import get_hardware, get_model, load_hardware
from scenarios.engine.memory import split_weight_bytes
from scenarios.engine.serving_core import ALLREDUCE_LATENCY_S, work_stage
from scenarios.engine.serving_inputs import RUNTIMES_BY_CLASS, Indexed, resolve_requests
from scenarios.errors import VentureLabError

CONCURRENCY_LADDER = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048)
DEVICE_LADDER = (1, 2, 4, 8, 16, 32, 64)
# Weight formats each continuous-batching runtime serves (vLLM / TensorRT-LLM quantisation docs:
# FP8, INT8 W8A8, AWQ/GPTQ 4-bit, NVFP4 / MXFP4 on Blackwell; llama.cpp GGUF types; MLC q4f16).
FORMATS_BY_RUNTIME = {"vllm": ("fp16", "fp8", "int8", "int4", "nvfp4", "mxfp4"),
                      "tensorrt-llm": ("fp16", "fp8", "int8", "int4", "nvfp4", "mxfp4"),
                      "llama.cpp": ("fp16", "q8_0", "q4_k_m"), "mlc": ("fp16", "int4")}
CHECK_BUDGET = 256          # full percentile checks per plan (in cost order)


@dataclass(frozen=True)
class PlanRequest:
    """What `plan` is asked; limits in ms (None: no limit); lists None: every option."""

    model: str
    rate_per_s: float
    prompt_tokens: int
    output_tokens: int
    ttft_ms: float | None = None        # p90
    tpot_ms: float | None = None
    e2e_ms: float | None = None         # p90
    hardware: tuple[str, ...] | None = None
    weights: tuple[str, ...] | None = None
    runtime: str | None = None
    max_devices: int = 8
    prefix_cache_hit: float = 0.0      # share of each prompt found in the prefix cache (its prefill is skipped)
    usd_per_hour: float | None = None  # per device, replacing the catalog's (a scenario target's own price)
    length_sigma: float = 0.0          # log-normal sigma of prompt and output lengths around their means (0: fixed)

# A sigma of 2 already puts the 99th-percentile request at e^4.65 ~ 100x the median length.
MAX_LENGTH_SIGMA = 2.0


def check_request(req: PlanRequest) -> None:
    """Bad input raises VentureLabError (the CLI's exit 2): rate or a limit <= 0, unknown ids."""
    def positive(name, v):
        if v is not None and not (np.isfinite(v) and v > 0):
            raise VentureLabError(name, "must be a number > 0", got=v)
    positive("rate", req.rate_per_s)
    for name in ("ttft_ms", "tpot_ms", "e2e_ms"):
        positive(name, getattr(req, name))
    if not get_model(req.model).is_token_model:     # a per-input model has no tokens, KV cache or TPOT
        raise VentureLabError("model", "is answered per input, not per token: compare devices at a rate with "
                              "`estimate inference --model ID --hardware ID,ID --rate PER_S --latency-ms MS`",
                              got=req.model)
    for h in req.hardware or ():
        get_hardware(h)
    if req.runtime is not None and req.runtime not in FORMATS_BY_RUNTIME:
        raise VentureLabError("runtime", "not a continuous-batching runtime", got=req.runtime,
                              accepted=tuple(FORMATS_BY_RUNTIME))
    if req.output_tokens < 1 or req.prompt_tokens < 0:
        raise VentureLabError("output_tokens", "must be >= 1 (prompt_tokens >= 0)", got=req.output_tokens)
    if not 0.0 <= req.prefix_cache_hit < 1.0:
        raise VentureLabError("prefix_cache_hit", "must be a share in 0..1 (1 excluded)", got=req.prefix_cache_hit)
    if not (np.isfinite(req.length_sigma) and 0.0 <= req.length_sigma <= MAX_LENGTH_SIGMA):
        raise VentureLabError("length_sigma", f"must be a log-normal sigma in 0..{MAX_LENGTH_SIGMA}",
                              got=req.length_sigma)
    if req.max_devices < 1:
        raise VentureLabError("max_devices", "must be >= 1", got=req.max_devices)
    if req.usd_per_hour is not None and not (np.isfinite(req.usd_per_hour) and req.usd_per_hour >= 0):
        raise VentureLabError("usd_per_hour", "must be a number >= 0", got=req.usd_per_hour)


def _options(req: PlanRequest) -> list[tuple]:
    """(hardware, weights, runtime, devices) the search covers, before concurrency."""
    hws = [get_hardware(h) for h in req.hardware] if req.hardware else \
        [h for h in load_hardware().values() if h.usd_per_hour]
    out = []
    for h in hws:
        if h.hw_class not in RUNTIMES_BY_CLASS:
            continue
        for rt in RUNTIMES_BY_CLASS[h.hw_class]:
            if rt not in FORMATS_BY_RUNTIME or (req.runtime and rt != req.runtime):
                continue
            for w in FORMATS_BY_RUNTIME[rt]:
                if w == "fp16" and not h.has_fp16:
                    w = "bf16"
                if (w in ("nvfp4", "mxfp4") and w not in h.compute_formats) or (req.weights and w not in req.weights):
                    continue
                joinable = (h.interconnect_gb_s or 0) > 0 and h.hw_class not in ("phone", "cpu-sbc", "apple")
                for n in DEVICE_LADDER:
                    if n <= req.max_devices and (n == 1 or joinable):
                        out.append((h.id, w, rt, n))
    return out


@dataclass(frozen=True)
class Grid:
    """Every configuration of the search, one array element each."""

    hardware: np.ndarray
    weights: np.ndarray
    runtime: np.ndarray
    devices: np.ndarray
    concurrency: np.ndarray
    kv_slots: np.ndarray           # sequences whose paged KV fits one replica
    price: np.ndarray              # $ per device-hour (NaN: none in the catalog)
    tpot_s: tuple                  # steady state at the concurrency (expected, low, high)
    ttft_s: tuple
    max_rate: tuple                # requests per second one replica sustains (expected, low, high)
    step_model: batching.StepModel


def _indexed(values: list) -> Indexed:
    items = sorted(set(values))
    pos = {v: i for i, v in enumerate(items)}
    return Indexed(items, [pos[v] for v in values])


def build_grid(req: PlanRequest, opts: list[tuple]) -> Grid:
    """The steady state of every (option, concurrency) pair: one vectorised pass."""
    k = len(CONCURRENCY_LADDER)
    rows = [o for o in opts for _ in range(k)]
    conc = np.tile(np.array(CONCURRENCY_LADDER, float), len(opts))
    n = len(rows)
    r = resolve_requests(Indexed([req.model], np.zeros(n, dtype=np.int64)), _indexed([o[0] for o in rows]),
                         _indexed([o[1] for o in rows]), None, _indexed([o[2] for o in rows]), conc,
                         float(req.prompt_tokens), float(req.output_tokens), np.array([o[3] for o in rows], float),
                         None, 0.5)
    m = r.m
    weights_bytes = split_weight_bytes(m.params - m.experts * r.expert_params, m.experts * r.expert_params,
                                       r.bits, r.expert_only)
    slots = batching.max_concurrency(m, r.hw.usable_bytes, r.hw.overhead_gb * 1e9, r.devices, weights_bytes,
                                     r.act_bytes, r.prompt_tokens, r.output_tokens, r.kv_bits, r.runtime)
    # prefix caching (vLLM automatic prefix caching, SGLang RadixAttention): the cached share of each
    # prompt skips prefill, so prefill work and prompt tokens per step scale with 1 - hit; the KV
    # cache still holds the whole context (memory above uses the full prompt)
    keep = 1.0 - req.prefix_cache_hit
    w = work_stage(r)
    w = replace(w, prefill_flops=w.prefill_flops * keep)
    r = replace(r, prompt_tokens=r.prompt_tokens * keep)
    ss = batching.from_requests(r, w, None, ALLREDUCE_LATENCY_S)
    O = float(req.output_tokens)
    return Grid(hardware=r.hardware_id, weights=r.weights, runtime=r.runtime, devices=r.devices,
                concurrency=conc, kv_slots=np.where(r.bad, 0.0, slots),
                price=r.hw.catalog_usd_per_hour if req.usd_per_hour is None else np.full(n, float(req.usd_per_hour)),
                tpot_s=ss.step_s, ttft_s=ss.ttft_s, max_rate=tuple(x / O for x in ss.throughput_tokens_per_s),
                step_model=batching.step_model(r, w, None, ALLREDUCE_LATENCY_S))


def _limit(v) -> float:
    return np.inf if v is None else v / 1000.0


def screen(req: PlanRequest, g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Configurations whose steady state meets the limits (before percentiles), and each one's
    first failing check (an index into REASONS; -1 where it passes)."""
    O = float(req.output_tokens)
    e2e = g.ttft_s[0] + (O - 1.0) * g.tpot_s[0]
    checks = (g.concurrency <= g.kv_slots, np.isfinite(g.price), g.tpot_s[0] <= _limit(req.tpot_ms),
              g.ttft_s[0] <= _limit(req.ttft_ms), e2e <= _limit(req.e2e_ms))
    first = np.full(len(g.concurrency), -1)
    for i in range(len(checks) - 1, -1, -1):
        first = np.where(~checks[i], i, first)
    return first < 0, first


REASONS = ("the weights and the KV cache of these sequences do not fit the devices",
           "no rental price in the catalog",
           "TPOT over the limit at every concurrency that fits",
           "TTFT over the limit at every concurrency that fits",
           "end-to-end latency over the limit at every concurrency that fits",
           "p90 latency under Poisson arrivals over the limits (or the replica's slots queue too often)")
MAX_WAIT_PROBABILITY = 0.05   # the slot-queue approximation is only checked where the cap rarely binds


def costs(req: PlanRequest, g: Grid, band: int = 0):
    """(replicas, $ per hour of all replicas) at the band end ``band`` (0 expected, 1 low $, 2 high $)."""
    rate = g.max_rate[(0, 2, 1)[band]]
    replicas = np.maximum(np.ceil(req.rate_per_s / np.maximum(rate, 1e-300) - 1e-9), 1.0)
    return replicas, replicas * g.devices * g.price


def percentiles(req: PlanRequest, g: Grid, idx: np.ndarray, rate) -> queueing.LoadLatency:
    """Latency percentiles of configurations ``idx`` at per-replica ``rate``."""
    sm = batching.StepModel(**{k: np.asarray(getattr(g.step_model, k))[idx] for k in g.step_model.__dataclass_fields__})
    return queueing.latency_under_load(sm, g.kv_slots[idx], rate, req.prompt_tokens * (1.0 - req.prefix_cache_hit),
                                       float(req.output_tokens), length_sigma=req.length_sigma)


def passes(req: PlanRequest, g: Grid, idx: np.ndarray) -> np.ndarray:
    """The percentile check at each configuration's busiest rate (``max_rate``)."""
    if not len(idx):
        return np.zeros(0, bool)
    lat = percentiles(req, g, idx, g.max_rate[0][idx])
    return (lat.stable & (lat.wait_probability <= MAX_WAIT_PROBABILITY) & (lat.tpot_s <= _limit(req.tpot_ms))
            & (lat.ttft_s[0.9] <= _limit(req.ttft_ms)) & (lat.e2e_s[0.9] <= _limit(req.e2e_ms)))


@dataclass(frozen=True)
class PlanResult:
    """`plan`'s answer: ``best`` (None when nothing meets the limits), the Pareto ``candidates``,
    ``infeasible`` (hardware, weights, reason) and how many configurations were searched."""

    best: dict | None
    candidates: tuple[dict, ...]
    infeasible: tuple[dict, ...]
    configurations: int
    inputs: dict

    def to_dict(self) -> dict:
        return {"best": self.best, "candidates": list(self.candidates), "infeasible": list(self.infeasible),
                "configurations_searched": self.configurations, "inputs": dict(self.inputs)}


def _cheapest_passing(req: PlanRequest, g: Grid, order: np.ndarray, checked: dict) -> int | None:
    """The first configuration in ``order`` that passes the percentile check (checks recorded)."""
    for start in range(0, min(len(order), CHECK_BUDGET), 32):
        chunk = order[start:start + 32]
        ok = passes(req, g, chunk)
        checked.update(zip(chunk.tolist(), ok.tolist()))
        if ok.any():
            return int(chunk[np.argmax(ok)])
    return None


def pareto_front(usd_per_million: np.ndarray, tokens_per_user: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """The members of ``idx`` that no other member beats on both cost (lower) and per-user speed (higher)."""
    order = idx[np.lexsort((-tokens_per_user[idx], usd_per_million[idx]))]
    best_speed, front = -np.inf, []
    for i in order:
        if tokens_per_user[i] > best_speed:
            front.append(i)
            best_speed = tokens_per_user[i]
    return np.array(front, dtype=np.int64)


def plan_configuration(req: PlanRequest, hardware: str, weights: str, runtime: str, devices: int) -> PlanResult:
    """``plan`` over the concurrencies of one (hardware, weights, runtime, devices) only: a scenario
    target whose ``batch`` is ``auto`` (scenarios/business/runner.py)."""
    return plan(req, [(hardware, weights, runtime, int(devices))])


def plan(req: PlanRequest, opts: list[tuple] | None = None) -> PlanResult:
    """The cheapest configuration meeting ``req``'s limits, the Pareto front and the infeasible
    options; ``opts`` (hardware, weights, runtime, devices) narrows the search (default: every one)."""
    check_request(req)
    opts = _options(req) if opts is None else opts
    if not opts:
        raise VentureLabError("hardware", "no continuous-batching runtime and weight format to search on it",
                              got=",".join(req.hardware or ()), accepted=tuple(FORMATS_BY_RUNTIME))
    g = build_grid(req, opts)
    ok, first = screen(req, g)
    replicas, usd_h = costs(req, g)
    usd_m = usd_h / (req.rate_per_s * req.output_tokens * 3600.0) * 1e6
    speed = 1.0 / g.tpot_s[0]
    cand = np.nonzero(ok)[0]
    checked: dict[int, bool] = {}
    # equal cost (the same replicas): the most headroom per replica first, then the fastest
    best = _cheapest_passing(req, g, cand[np.lexsort((g.tpot_s[0][cand], -g.max_rate[0][cand], usd_h[cand]))],
                             checked)
    front = pareto_front(usd_m, speed, cand) if len(cand) else cand
    todo = np.array([i for i in front[:64] if i not in checked], dtype=np.int64)
    checked.update(zip(todo.tolist(), passes(req, g, todo).tolist()))
    good = np.array(sorted(i for i, v in checked.items() if v), dtype=np.int64)
    front = pareto_front(usd_m, speed, good) if len(good) else good
    records = _records(req, g, np.concatenate([[best] if best is not None else [], front]).astype(np.int64),
                       replicas, usd_m)
    return PlanResult(best=records[0] if best is not None else None,
                      candidates=tuple(records[1:] if best is not None else records),
                      infeasible=_infeasible(g, first, checked), configurations=len(g.concurrency),
                      inputs={"model": req.model, "rate_per_s": req.rate_per_s, "prompt_tokens": req.prompt_tokens,
                              "output_tokens": req.output_tokens, "ttft_ms_p90_limit": req.ttft_ms,
                              "tpot_ms_limit": req.tpot_ms, "e2e_ms_p90_limit": req.e2e_ms,
                              "max_devices": req.max_devices, "prefix_cache_hit": req.prefix_cache_hit,
                              "length_sigma": req.length_sigma})


def _infeasible(g: Grid, first: np.ndarray, checked: dict) -> tuple[dict, ...]:
    """Per (hardware, weights) with no configuration that passed: the reason of the one that got furthest."""
    stage = first.copy()
    for i, v in checked.items():
        stage[i] = -2 if v else len(REASONS) - 1
    stage = np.where(stage == -1, -2, stage)      # screened, not checked: costlier than one that passed
    out = []
    for hw, w in sorted(set(zip(g.hardware.tolist(), g.weights.tolist()))):
        sel = (g.hardware == hw) & (g.weights == w)
        if np.any(stage[sel] == -2):
            continue
        out.append({"hardware": hw, "weights": w, "reason": REASONS[int(np.max(stage[sel]))]})
    return tuple(out)


def _records(req: PlanRequest, g: Grid, idx: np.ndarray, replicas: np.ndarray, usd_m: np.ndarray) -> list[dict]:
    """One JSON-ready record per configuration in ``idx``, latencies at its per-replica share of the rate."""
    if not len(idx):
        return []
    lat = percentiles(req, g, idx, req.rate_per_s / replicas[idx])
    rep_lo, usd_lo = costs(req, g, 1)
    rep_hi, usd_hi = costs(req, g, 2)
    scale = 3600.0 * req.rate_per_s * req.output_tokens / 1e6
    lo_f, hi_f = g.tpot_s[1][idx] / g.tpot_s[0][idx], g.tpot_s[2][idx] / g.tpot_s[0][idx]   # band on times
    out = []
    for j, i in enumerate(idx.tolist()):
        d = {"hardware": str(g.hardware[i]), "weights": str(g.weights[i]), "runtime": str(g.runtime[i]),
             "devices_per_replica": int(g.devices[i]), "parallel": "tp" if g.devices[i] > 1 else "none",
             "replicas": int(replicas[i]), "replicas_low": int(rep_lo[i]), "replicas_high": int(rep_hi[i]),
             "concurrency_per_replica": int(g.concurrency[i]), "kv_slots_per_replica": int(g.kv_slots[i])}
        for name, q in (("ttft_ms_p50", 0.5), ("ttft_ms_p90", 0.9), ("ttft_ms_p99", 0.99)):
            _band(d, name, 1000.0 * lat.ttft_s[q][j], lo_f[j], hi_f[j])
        for name, q in (("e2e_ms_p50", 0.5), ("e2e_ms_p90", 0.9), ("e2e_ms_p99", 0.99)):
            _band(d, name, 1000.0 * lat.e2e_s[q][j], lo_f[j], hi_f[j])
        _band(d, "tpot_ms", 1000.0 * lat.tpot_s[j], lo_f[j], hi_f[j])
        d["tokens_per_s_per_user"] = 1000.0 / d["tpot_ms"]
        d["throughput_tokens_per_s"] = float(g.max_rate[0][i] * req.output_tokens)
        d["throughput_tokens_per_s_low"] = float(g.max_rate[1][i] * req.output_tokens)
        d["throughput_tokens_per_s_high"] = float(g.max_rate[2][i] * req.output_tokens)
        d["max_rate_per_replica"], d["max_rate_per_replica_low"], d["max_rate_per_replica_high"] = (
            float(g.max_rate[k][i]) for k in range(3))
        d["usd_per_hour"], d["usd_per_hour_low"], d["usd_per_hour_high"] = (
            float(replicas[i] * g.devices[i] * g.price[i]), float(usd_lo[i]), float(usd_hi[i]))
        d["usd_per_million_tokens"] = float(usd_m[i])
        d["usd_per_million_tokens_low"], d["usd_per_million_tokens_high"] = float(usd_lo[i] / scale), float(usd_hi[i] / scale)
        out.append(d)
    return out


def _band(d: dict, name: str, value: float, lo_factor: float, hi_factor: float) -> None:
    d[name], d[f"{name}_low"], d[f"{name}_high"] = float(value), float(value * lo_factor), float(value * hi_factor)
