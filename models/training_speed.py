"""Training speed measured on this CPU: batch size, threads, bf16 autocast — and the engine's
projection of the same model on GPUs and across data- and model-parallel devices.

The model is a small GPT-style decoder (nanoGPT layout: pre-norm blocks of causal
self-attention and a 4x MLP) trained on tokens from a fixed random bigram "language", so the
loss can fall. Every figure here is a wall-clock measurement on the machine that runs the app:
it is shown with its repeats and spread, never smoothed, and it changes with the machine's load.

What is measured
----------------
* samples/s and tokens/s of full training steps (forward, backward, AdamW step), ``repeats``
  timings of ``steps`` steps each after a warm-up step;
* achieved GFLOP/s = 6 * parameters * tokens / time (the 6ND rule of Kaplan et al. 2020,
  arXiv:2001.08361, attention FLOPs left out: small at this context length);
* bf16 autocast (``torch.autocast("cpu", dtype=torch.bfloat16)``): the same step's speed, the
  bytes of activations kept for the backward pass (counted exactly with
  ``torch.autograd.graph.saved_tensors_hooks``), and the numerics: loss and gradient difference
  from fp32 at the same weights, and the loss after a short training run in each precision.

Whether bf16 is faster depends on the CPU: with AVX512-BF16 or AMX units (``cpu_bf16_units``)
oneDNN runs bf16 matrix products natively; without them they are emulated and slower. Tiny
matrices can be slower in bf16 even with the units, because the casts cost more than they save.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from scenarios.errors import VentureLabError

Progress = Callable[[float], None] | None


@dataclass(frozen=True)
class TinyGPTConfig:
    n_layer: int = 2          # transformer blocks
    n_head: int = 4           # attention heads per block
    d_model: int = 64         # width: a ~0.12M-parameter model, sized so a step takes tens of ms
    seq_len: int = 32         # tokens per sample (the context)
    vocab_size: int = 256

    @property
    def params(self) -> int:
        """Parameter count: token + position embeddings, 12 d^2 + 13 d per block, final norm, tied head."""
        d = self.d_model
        return self.vocab_size * d + self.seq_len * d + self.n_layer * (12 * d * d + 13 * d) + 2 * d

    def hf_config(self) -> dict:
        """The same model as a Hugging Face style config.json, for the cost engine."""
        return {"model_type": "gpt2", "n_layer": self.n_layer, "n_head": self.n_head,
                "n_embd": self.d_model, "n_positions": self.seq_len, "vocab_size": self.vocab_size,
                "n_inner": 4 * self.d_model, "tie_word_embeddings": True}


@dataclass(frozen=True)
class SpeedConfig:
    seed: int = 0
    batch_size: int = 16
    threads: int = 1
    repeats: int = 3           # timings per setting (their spread is shown)
    steps: int = 3             # training steps per timing
    numerics_steps: int = 20   # short training run per precision for the loss comparison
    model: TinyGPTConfig = TinyGPTConfig()

    def validate(self) -> None:
        max_threads = os.cpu_count() or 1
        checks = [("batch_size", 1 <= self.batch_size <= 512, "1..512"),
                  ("threads", 1 <= self.threads <= max_threads, f"1..{max_threads} (this machine)"),
                  ("repeats", 1 <= self.repeats <= 20, "1..20"),
                  ("steps", 1 <= self.steps <= 50, "1..50"),
                  ("numerics_steps", 0 <= self.numerics_steps <= 500, "0..500")]
        for name, ok, accepted in checks:
            if not ok:
                raise VentureLabError(name, "out of range", got=getattr(self, name), accepted=accepted)


@dataclass(frozen=True)
class Timing:
    """One setting, measured ``repeats`` times."""
    batch_size: int
    threads: int
    dtype: str                     # "fp32" or "bf16"
    step_s: tuple[float, ...]      # seconds per training step, one entry per repeat
    tokens_per_step: int
    params: int

    @property
    def samples_per_s(self) -> tuple[float, ...]:
        return tuple(self.batch_size / s for s in self.step_s)

    @property
    def median_samples_per_s(self) -> float:
        return statistics.median(self.samples_per_s)

    @property
    def median_tokens_per_s(self) -> float:
        return self.median_samples_per_s * self.tokens_per_step / self.batch_size

    @property
    def achieved_gflop_s(self) -> float:
        return 6 * self.params * self.median_tokens_per_s / 1e9


@dataclass(frozen=True)
class MachineInfo:
    cpu_model: str
    logical_cpus: int
    torch_version: str
    torch_cpu_capability: str
    cpu_bf16_units: tuple[str, ...]     # which of avx512_bf16 / amx_bf16 the CPU reports


@dataclass(frozen=True)
class Bf16Result:
    fp32: Timing
    bf16: Timing
    saved_activation_bytes_fp32: int
    saved_activation_bytes_bf16: int
    loss_fp32: float                     # at the same initial weights and batch
    loss_bf16: float
    grad_rel_error: float                # |g_bf16 - g_fp32| / |g_fp32| over all parameters
    grad_cosine: float
    curve_fp32: np.ndarray = field(default=None, repr=False)   # training loss per step
    curve_bf16: np.ndarray = field(default=None, repr=False)

    @property
    def speedup(self) -> float:
        """bf16 samples/s over fp32 samples/s (median of repeats); < 1 means bf16 is slower here."""
        return self.bf16.median_samples_per_s / self.fp32.median_samples_per_s


# ---------------------------------------------------------------- model and data

def build_model(cfg: TinyGPTConfig):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            d = cfg.d_model
            self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
            self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

        def forward(self, x):                                   # (B, T, C)
            B, T, C = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
            q, k, v = (t.view(B, T, cfg.n_head, C // cfg.n_head).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)   # (B, nh, T, hs)
            x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
            return x + self.mlp(self.ln2(x))

    class TinyGPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(cfg.vocab_size, cfg.d_model)
            self.pos = nn.Embedding(cfg.seq_len, cfg.d_model)
            self.blocks = nn.ModuleList(Block() for _ in range(cfg.n_layer))
            self.ln_f = nn.LayerNorm(cfg.d_model)
            for m in self.modules():  # GPT-2 initialisation: N(0, 0.02), zero biases (as nanoGPT)
                if isinstance(m, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(m.weight, 0.0, 0.02)
                if isinstance(m, nn.Linear) and m.bias is not None:
                    nn.init.zeros_(m.bias)

        def forward(self, idx, targets):                        # idx: (B, T)
            x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
            for block in self.blocks:
                x = block(x)
            logits = self.ln_f(x) @ self.tok.weight.T           # tied head: (B, T, vocab)
            return F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), targets.reshape(-1))

    return TinyGPT()


def bigram_batches(cfg: TinyGPTConfig, batch_size: int, n_batches: int, seed: int):
    """Token batches from a fixed random bigram model: each token has 8 likely successors, so the
    best achievable loss is about ln 8 = 2.1 nats, well below the ln 256 = 5.5 of guessing."""
    import torch

    rng = np.random.default_rng(1234)  # the "language" is the same for every seed
    successors = rng.integers(0, cfg.vocab_size, size=(cfg.vocab_size, 8))
    data_rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_batches):
        seq = np.empty((batch_size, cfg.seq_len + 1), dtype=np.int64)
        seq[:, 0] = data_rng.integers(0, cfg.vocab_size, batch_size)
        choice = data_rng.integers(0, 8, size=(batch_size, cfg.seq_len))
        for t in range(cfg.seq_len):
            seq[:, t + 1] = successors[seq[:, t], choice[:, t]]
        s = torch.from_numpy(seq)
        out.append((s[:, :-1], s[:, 1:]))
    return out


def _autocast(dtype: str):
    import contextlib

    import torch

    if dtype == "bf16":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


# ---------------------------------------------------------------- measurements

def machine_info() -> MachineInfo:
    import torch

    flags, model = set(), platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("flags") and not flags:
                    flags = set(line.split(":", 1)[1].split())
                elif line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
    except OSError:  # not Linux: flags unknown
        pass
    return MachineInfo(cpu_model=model, logical_cpus=os.cpu_count() or 1,
                       torch_version=torch.__version__,
                       torch_cpu_capability=str(torch.backends.cpu.get_cpu_capability()),
                       cpu_bf16_units=tuple(u for u in ("avx512_bf16", "amx_bf16") if u in flags))


def time_steps(model_cfg: TinyGPTConfig, batch_size: int, threads: int, dtype: str,
               repeats: int, steps: int, seed: int = 0) -> Timing:
    """Wall-clock seconds per training step, ``repeats`` times, after one warm-up step."""
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        torch.manual_seed(seed)
        model = build_model(model_cfg)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        x, y = bigram_batches(model_cfg, batch_size, 1, seed)[0]

        def step():
            opt.zero_grad(set_to_none=True)
            with _autocast(dtype):
                loss = model(x, y)
            loss.backward()
            opt.step()

        step()  # warm-up: first-call allocation and kernel selection are not steady state
        per_step = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for _ in range(steps):
                step()
            per_step.append((time.perf_counter() - t0) / steps)
    finally:
        torch.set_num_threads(old)
    return Timing(batch_size=batch_size, threads=threads, dtype=dtype, step_s=tuple(per_step),
                  tokens_per_step=batch_size * model_cfg.seq_len, params=model_cfg.params)


def saved_activation_bytes(model_cfg: TinyGPTConfig, batch_size: int, dtype: str, seed: int = 0) -> int:
    """Bytes of the tensors autograd keeps for the backward pass of one step (parameters excluded)."""
    import torch

    torch.manual_seed(seed)
    model = build_model(model_cfg)
    param_ptrs = {p.data_ptr() for p in model.parameters()}
    x, y = bigram_batches(model_cfg, batch_size, 1, seed)[0]
    seen: dict[int, int] = {}

    def pack(t):
        if t.data_ptr() not in param_ptrs:
            seen[t.data_ptr()] = t.numel() * t.element_size()  # a tensor saved twice counts once
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t), _autocast(dtype):
        model(x, y)
    return int(sum(seen.values()))


def _numerics(model_cfg: TinyGPTConfig, batch_size: int, steps: int, seed: int):
    import torch

    grads, losses, curves = {}, {}, {}
    for dtype in ("fp32", "bf16"):
        torch.manual_seed(seed)
        model = build_model(model_cfg)
        batches = bigram_batches(model_cfg, batch_size, max(steps, 1), seed)
        with _autocast(dtype):
            loss = model(*batches[0])
        loss.backward()
        losses[dtype] = float(loss.detach())
        grads[dtype] = torch.cat([p.grad.flatten().float() for p in model.parameters()])
        model.zero_grad()
        opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
        curve = []
        for x, y in batches[:steps]:
            opt.zero_grad(set_to_none=True)
            with _autocast(dtype):
                loss = model(x, y)
            loss.backward()
            opt.step()
            curve.append(float(loss.detach()))
        curves[dtype] = np.array(curve)
    g32, g16 = grads["fp32"], grads["bf16"]
    rel = float((g16 - g32).norm() / g32.norm())
    cos = float(torch.nn.functional.cosine_similarity(g16, g32, dim=0))
    return losses, rel, cos, curves


def run_bf16(cfg: SpeedConfig = SpeedConfig()) -> Bf16Result:
    """fp32 against bf16 autocast at one batch size and thread count: speed, memory, numerics."""
    import torch

    cfg.validate()
    old = torch.get_num_threads()
    torch.set_num_threads(cfg.threads)
    try:
        fp32 = time_steps(cfg.model, cfg.batch_size, cfg.threads, "fp32", cfg.repeats, cfg.steps, cfg.seed)
        bf16 = time_steps(cfg.model, cfg.batch_size, cfg.threads, "bf16", cfg.repeats, cfg.steps, cfg.seed)
        losses, rel, cos, curves = _numerics(cfg.model, cfg.batch_size, cfg.numerics_steps, cfg.seed)
        mem32 = saved_activation_bytes(cfg.model, cfg.batch_size, "fp32", cfg.seed)
        mem16 = saved_activation_bytes(cfg.model, cfg.batch_size, "bf16", cfg.seed)
    finally:
        torch.set_num_threads(old)
    return Bf16Result(fp32=fp32, bf16=bf16, saved_activation_bytes_fp32=mem32,
                      saved_activation_bytes_bf16=mem16, loss_fp32=losses["fp32"],
                      loss_bf16=losses["bf16"], grad_rel_error=rel, grad_cosine=cos,
                      curve_fp32=curves["fp32"], curve_bf16=curves["bf16"])


SWEEP_BATCHES = (1, 4, 16, 64)


def sweep_combinations(dtypes=("fp32",), batch_sizes=SWEEP_BATCHES, threads=None) -> list[tuple[int, int, str]]:
    """(batch, threads, dtype) points of the sweep: threads 1..min(cores, 4)."""
    threads = threads or tuple(range(1, min(os.cpu_count() or 1, 4) + 1))
    return [(b, t, d) for d in dtypes for t in threads for b in batch_sizes]


def batch_thread_sweep(cfg: SpeedConfig, batch_sizes=SWEEP_BATCHES, threads=None,
                       dtypes=("fp32",), progress: Progress = None) -> list[Timing]:
    """Every combination of batch size x threads (x dtype), each timed ``repeats`` times."""
    cfg.validate()
    combos = sweep_combinations(dtypes, batch_sizes, threads)
    out = []
    for i, (b, t, d) in enumerate(combos):
        out.append(time_steps(cfg.model, b, t, d, cfg.repeats, cfg.steps, cfg.seed))
        if progress:
            progress((i + 1) / len(combos))
    return out


def bf16_rounding_examples() -> list[tuple[float, float, float]]:
    """(value, value stored in bf16, relative error): bf16 keeps 8 significant bits, so numbers
    are rounded to about 2-3 decimal digits (unit roundoff 2^-8 = 0.39%)."""
    import torch

    vals = [1.0 + 1e-3, math.pi, 1000.1, 0.1, 3.0e-5]
    t = torch.tensor(vals, dtype=torch.float32).to(torch.bfloat16).float().tolist()
    return [(v, b, abs(b - v) / abs(v)) for v, b in zip(vals, t, strict=True)]


# ---------------------------------------------------------------- the cost engine's projection

DEMO_MODEL = "tiny-gpt"   # the model measured above, described to the engine by its config


@dataclass(frozen=True)
class EngineProjection:
    model: str                      # DEMO_MODEL or a catalog model id
    hardware: str
    engine_params: float            # parameters as the engine counts them from the config
    tokens_per_device_step: int
    gpu_tokens_per_s: float         # one device, from the engine's step time
    mfu_used: float                 # model FLOPs utilisation the engine assumed
    data: tuple[dict, ...] = ()     # rows of scenarios.engine.training.scaling_projection, parallelism="data"
    tensor: tuple[dict, ...] = ()   # the same for tensor (model) parallelism


def engine_projection(model: str = DEMO_MODEL, hardware: str = "nvidia-h100-sxm",
                      devices: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64),
                      tokens_per_device_step: int | None = None) -> EngineProjection:
    """Ask the cost engine (scenarios.engine.training) how this model trains on ``hardware`` devices.

    The demo's own model goes in as a Hugging Face style config (``TinyGPTConfig.hf_config``),
    so the engine prices the very shapes measured above; a catalog id shows a real-sized model.
    """
    from scenarios.engine.catalog import get_hardware, get_model, model_from_hf_config
    from scenarios.engine.training import scaling_projection

    cfg = TinyGPTConfig()
    spec = model_from_hf_config(cfg.hf_config(), DEMO_MODEL) if model == DEMO_MODEL else get_model(model)
    if tokens_per_device_step is None:
        tokens_per_device_step = SpeedConfig().batch_size * cfg.seq_len if model == DEMO_MODEL else 4 * 4096
    data = scaling_projection(spec, hardware, list(devices), "data", tokens_per_device_step)
    tensor = scaling_projection(spec, hardware, list(devices), "tensor", tokens_per_device_step)
    one = scaling_projection(spec, hardware, [1], "data", tokens_per_device_step).iloc[0]
    gpu_tps = float(one["tokens_per_s"])
    # The MFU the engine assumed, recovered from its one-device step: step = 6 N t / (peak * MFU).
    peak = get_hardware(hardware).peak_tflops_fp16 * 1e12
    mfu = 6.0 * spec.active_params * tokens_per_device_step / (peak * float(one["step_s"]))
    return EngineProjection(model=model, hardware=hardware, engine_params=float(spec.params),
                            tokens_per_device_step=int(tokens_per_device_step), gpu_tokens_per_s=gpu_tps,
                            mfu_used=float(mfu), data=tuple(data.to_dict("records")),
                            tensor=tuple(tensor.to_dict("records")))
