"""How ``--devices N`` split one replica (ARCHITECTURE 4.3 ``--parallel tp|pp|layer|ep``): what one
device holds and runs, and what the devices send each other over the catalog's interconnect
(``interconnect_gb_s``: NVLink, PCIe or Ethernet per device row).

* ``tp`` tensor parallel: every layer sharded; N x bandwidth and peaks; 2 all-reduces per layer
  (Megatron-LM, Shoeybi et al. 2019 s3), ring cost 2 (N - 1) / N of the activations each.
* ``layer`` (llama.cpp's ``--split-mode layer``) and ``pp`` pipeline: each device holds L / N
  layers and a token passes them one after another, so one request runs at one device's speed
  plus N - 1 hand-offs of its activations.  ``pp`` keeps N micro-batches in flight at batch > 1
  (GPipe, Huang et al. 2019; vLLM / TensorRT-LLM ``pipeline_parallel_size``): every stage is busy,
  each on ceil(c / N) sequences, so a round of c tokens takes N stage times.
* ``ep`` expert parallel (mixture-of-experts): the routed experts spread over the N devices, the
  attention and shared weights replicated on each, the sequences divided among them (DeepSeek-V3
  report s3.4, SGLang data-parallel attention); each MoE layer exchanges the routed tokens' hidden
  states twice (dispatch and combine all-to-all).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from scenarios.engine import batching
from scenarios.engine.flops import matmul_params
from scenarios.engine.memory import split_weight_bytes

ACT_BYTES_ON_LINK = 2.0      # 16-bit activations on the wire


def layer_like(r) -> np.ndarray:
    """Rows whose devices run the layers one after another (layer split, or pipeline at batch 1)."""
    return np.isin(r.parallel.astype(str), ("layer", "pp")) & (r.devices > 1)


def expert_rows(r) -> np.ndarray:
    return (r.parallel == "ep") & (r.devices > 1)


def compute_devices(r) -> np.ndarray:
    """Devices whose bandwidth and peaks add up for one step: N under tensor parallel, 1 otherwise
    (layer / pipeline stages run one after another; under ep each device runs its own share)."""
    return np.where((r.parallel != "tp") & (r.devices > 1), 1.0, r.devices)


def step_weight_bytes(r, tokens) -> np.ndarray:
    """Weights one forward of ``tokens`` routed tokens reads: every shared matmul weight plus the
    expected distinct experts they hit (uniform routing); dense models: every matmul weight."""
    m = r.m
    experts, k = m.experts, m.experts_per_token
    shared = np.maximum(matmul_params(m) - k * r.expert_params, 0.0)
    touched = experts * (1.0 - (1.0 - k / np.maximum(experts, 1.0)) ** np.maximum(tokens, 1.0))
    return split_weight_bytes(shared, touched * r.expert_params, r.bits, r.expert_only)


def shared_weight_bytes(r) -> np.ndarray:
    """Bytes of everything but the routed experts (what ep replicates on every device)."""
    m = r.m
    return split_weight_bytes(m.params - m.experts * r.expert_params, 0.0, r.bits, r.expert_only)


@dataclass(frozen=True)
class DeviceView:
    """What the busiest device runs per step (ep rows); the whole replica's figures elsewhere."""

    batch: np.ndarray
    weight_bytes: np.ndarray
    weight_bytes_prefill: np.ndarray
    prefill_flops: np.ndarray


def _ep_weight_bytes(r, total_bytes) -> np.ndarray:
    """Shared weights on every device plus 1 / N of the experts the step touches."""
    m = r.m
    shared = split_weight_bytes(np.maximum(matmul_params(m) - m.experts_per_token * r.expert_params, 0.0), 0.0,
                                r.bits, r.expert_only)
    return shared + np.maximum(total_bytes - shared, 0.0) / r.devices


def device_view(r, w) -> DeviceView:
    """Per-device work of ep rows: ceil(B / N) sequences each; other rows unchanged."""
    ep = expert_rows(r)
    if not ep.any():
        return DeviceView(r.batch, w.weight_bytes_per_step, w.weight_bytes_prefill, w.prefill_flops)
    b_dev = np.where(ep, np.ceil(r.batch / r.devices), r.batch)
    return DeviceView(batch=b_dev, weight_bytes=np.where(ep, _ep_weight_bytes(r, w.weight_bytes_per_step),
                                                         w.weight_bytes_per_step),
                      weight_bytes_prefill=np.where(ep, _ep_weight_bytes(r, w.weight_bytes_prefill),
                                                    w.weight_bytes_prefill),
                      prefill_flops=np.where(ep, w.prefill_flops * b_dev / np.maximum(r.batch, 1.0), w.prefill_flops))


def all_to_all_s(r, tokens, latency_s) -> np.ndarray:
    """ep: dispatch + combine per MoE layer of ``tokens`` tokens on one device, each sent to its k
    experts, (N - 1) / N of them on other devices."""
    m, N = r.m, r.devices
    sent = tokens * m.experts_per_token * (N - 1.0) / N * m.hidden * ACT_BYTES_ON_LINK
    return 2.0 * m.layers * (sent / np.maximum(r.hw.interconnect_bytes_s, 1.0) + latency_s)


def comm_s(r, v: DeviceView, prompt_tokens, latency_s) -> tuple[np.ndarray, np.ndarray]:
    """(decode step, whole prefill) communication seconds for each split."""
    m, B, P, N = r.m, r.batch, prompt_tokens, compute_devices(r)
    ring = np.where(N > 1, 2.0 * (N - 1.0) / N, 0.0)
    ic = r.hw.interconnect_bytes_s
    hops = np.where(layer_like(r), r.devices - 1.0, 0.0)       # activations handed to the next device
    decode = np.where(N > 1, 2.0 * m.layers * (ring * B * m.hidden * 2.0 / ic + latency_s),
                      hops * (B * m.hidden * 2.0 / ic + latency_s))
    prefill = np.where((N > 1) & (P > 0), 2.0 * m.layers * (ring * B * P * m.hidden * 2.0 / ic + latency_s),
                       np.where(P > 0, hops * (B * P * m.hidden * 2.0 / ic + latency_s), 0.0))
    ep = expert_rows(r)
    if ep.any():
        decode = np.where(ep, all_to_all_s(r, v.batch, latency_s), decode)
        prefill = np.where(ep & (P > 0), all_to_all_s(r, v.batch * P, latency_s), prefill)
    return decode, prefill


def _where(mask, a: batching.SteadyState, b: batching.SteadyState) -> batching.SteadyState:
    def pick(x, y):
        return tuple(np.where(mask, xi, yi) for xi, yi in zip(x, y)) if isinstance(x, tuple) else np.where(mask, x, y)
    return batching.SteadyState(**{k: pick(getattr(a, k), getattr(b, k)) for k in a.__dataclass_fields__})


def _rounds(ss: batching.SteadyState, concurrency, stages, add_s) -> batching.SteadyState:
    """``stages`` x (one device's step + ``add_s``) per round of ``concurrency`` tokens."""
    step = tuple(stages * (s + add_s) for s in ss.step_s)
    ttft = tuple(stages * (s + add_s) for s in ss.ttft_s)
    thr = (concurrency / step[0], concurrency / step[2], concurrency / step[1])
    return replace(ss, concurrency=np.asarray(concurrency, float), step_s=step, ttft_s=ttft,
                   throughput_tokens_per_s=thr)


def _pipeline(r, w, factors, latency_s) -> batching.SteadyState:
    N, c = r.devices, r.batch
    micro = np.maximum(np.ceil(c / N), 1.0)
    rs = replace(r, devices=np.ones_like(N), batch=micro, m=replace(r.m, layers=r.m.layers / N))
    ws = replace(w, prefill_flops=w.prefill_flops / np.maximum(c, 1.0) * micro / N,
                 decode_flops_per_token=w.decode_flops_per_token / N, weight_bytes_per_step=step_weight_bytes(r, micro) / N,
                 kv_bytes_per_token_read=w.kv_bytes_per_token_read / N)
    ss = batching.from_requests(rs, ws, factors, latency_s)
    per_step = 1.0 + r.prompt_tokens / np.maximum(r.output_tokens, 1.0)
    hop = micro * per_step * r.m.hidden * ACT_BYTES_ON_LINK / np.maximum(r.hw.interconnect_bytes_s, 1.0) + latency_s
    return _rounds(ss, c, N, hop)


def _expert(r, w, factors, latency_s) -> batching.SteadyState:
    c, v = r.batch, device_view(r, w)
    rs = replace(r, devices=np.ones_like(r.devices), batch=v.batch)
    ss = batching.from_requests(rs, replace(w, weight_bytes_per_step=v.weight_bytes, prefill_flops=v.prefill_flops),
                                factors, latency_s)
    per_step = 1.0 + r.prompt_tokens / np.maximum(r.output_tokens, 1.0)
    return _rounds(ss, c, 1.0, all_to_all_s(r, v.batch * per_step, latency_s))


def steady_state(r, w, factors=None, latency_s: float = 10e-6) -> batching.SteadyState:
    """Continuous batching of one replica under each row's split (tp and layer: as
    :func:`batching.from_requests` computes it; pp and ep rows replaced by their own rounds)."""
    out = batching.from_requests(r, w, factors, latency_s)
    pp = (r.parallel == "pp") & (r.devices > 1)
    ep = expert_rows(r)
    if pp.any():
        out = _where(pp, _pipeline(r, w, factors, latency_s), out)
    if ep.any():
        out = _where(ep, _expert(r, w, factors, latency_s), out)
    return out
