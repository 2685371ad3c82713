"""Training speed measured on this CPU: batch size, threads, bf16 autocast.

The model is the demo lab's tiny GPT (models/tiny_gpt.py, nanoGPT layout) trained on tokens from
a fixed random bigram "language", so the loss can fall. Every figure here is a wall-clock
measurement on the machine that runs the app: it is shown with its repeats and spread, never
smoothed, and it changes with the machine's load. (The cost engine's projection of the same model
on GPUs is composed in dashboard/cached/training_speed.py: models/ imports no engine code.)

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

import contextlib
import math
import os
import platform
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from models import _optim
from models._config import check, check_ranges
from models.tiny_gpt import GPTConfig, build_gpt
from models.torch_threads import torch_threads

Progress = Callable[[float], None] | None


# The measured model: ~0.12M parameters, sized so a training step takes tens of milliseconds.
# Its output layer multiplies by the embedding matrix (lm_head_layer=False), the draw order of
# the initial weights this demo's seeded figures were recorded with.
SPEED_MODEL = GPTConfig(vocab_size=256, block_size=32, n_layer=2, n_head=4, n_embd=64, lm_head_layer=False)


@dataclass(frozen=True)
class SpeedConfig:
    seed: int = 0
    batch_size: int = 16
    threads: int = 1
    repeats: int = 3           # timings per setting (their spread is shown)
    steps: int = 3             # training steps per timing
    numerics_steps: int = 20   # short training run per precision for the loss comparison
    model: GPTConfig = SPEED_MODEL

    def validate(self) -> None:
        max_threads = os.cpu_count() or 1
        check_ranges(self, batch_size=(1, 512), repeats=(1, 20), steps=(1, 50), numerics_steps=(0, 500))
        check(self, "threads", 1 <= self.threads <= max_threads, f"1..{max_threads} (this machine)")


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


# ---------------------------------------------------------------- data

def bigram_batches(cfg: GPTConfig, batch_size: int, n_batches: int, seed: int):
    """Token batches from a fixed random bigram model: each token has 8 likely successors, so the
    best achievable loss is about ln 8 = 2.1 nats, well below the ln 256 = 5.5 of guessing."""
    import torch

    rng = np.random.default_rng(1234)  # the "language" is the same for every seed
    successors = rng.integers(0, cfg.vocab_size, size=(cfg.vocab_size, 8))
    data_rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_batches):
        seq = np.empty((batch_size, cfg.block_size + 1), dtype=np.int64)
        seq[:, 0] = data_rng.integers(0, cfg.vocab_size, batch_size)
        choice = data_rng.integers(0, 8, size=(batch_size, cfg.block_size))
        for t in range(cfg.block_size):
            seq[:, t + 1] = successors[seq[:, t], choice[:, t]]
        s = torch.from_numpy(seq)
        out.append((s[:, :-1], s[:, 1:]))
    return out


def _autocast(dtype: str):
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


def time_steps(model_cfg: GPTConfig, batch_size: int, threads: int, dtype: str,
               repeats: int, steps: int, seed: int = 0) -> Timing:
    """Wall-clock seconds per training step, ``repeats`` times, after one warm-up step."""
    import torch

    with torch_threads(threads):
        torch.manual_seed(seed)
        model = build_gpt(model_cfg)
        opt = _optim.AdamW(model.parameters(), lr=1e-3)
        x, y = bigram_batches(model_cfg, batch_size, 1, seed)[0]

        def step():
            opt.zero_grad(set_to_none=True)
            with _autocast(dtype):
                _, loss = model(x, y)
            loss.backward()
            opt.step()

        step()  # warm-up: first-call allocation and kernel selection are not steady state
        per_step = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for _ in range(steps):
                step()
            per_step.append((time.perf_counter() - t0) / steps)
    return Timing(batch_size=batch_size, threads=threads, dtype=dtype, step_s=tuple(per_step),
                  tokens_per_step=batch_size * model_cfg.block_size, params=model_cfg.n_params)


def saved_activation_bytes(model_cfg: GPTConfig, batch_size: int, dtype: str, seed: int = 0) -> int:
    """Bytes of the tensors autograd keeps for the backward pass of one step (parameters excluded)."""
    import torch

    torch.manual_seed(seed)
    model = build_gpt(model_cfg)
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


def _train_in(dtype: str, model_cfg: GPTConfig, batch_size: int, steps: int, seed: int):
    """From the same seeded weights: the first batch's loss and gradient (flattened, float32),
    then the training loss of ``steps`` AdamW steps, all in ``dtype``."""
    import torch

    torch.manual_seed(seed)
    model = build_gpt(model_cfg)
    batches = bigram_batches(model_cfg, batch_size, max(steps, 1), seed)
    with _autocast(dtype):
        _, loss = model(*batches[0])
    loss.backward()
    grad = torch.cat([p.grad.flatten().float() for p in model.parameters()])
    first_loss = float(loss.detach())
    model.zero_grad()
    opt = _optim.AdamW(model.parameters(), lr=3e-3)
    curve = []
    for x, y in batches[:steps]:
        opt.zero_grad(set_to_none=True)
        with _autocast(dtype):
            _, loss = model(x, y)
        loss.backward()
        opt.step()
        curve.append(float(loss.detach()))
    return first_loss, grad, np.array(curve)


def _numerics(model_cfg: GPTConfig, batch_size: int, steps: int, seed: int):
    """Losses, the bf16 gradient's relative error and cosine against fp32, and both curves."""
    import torch

    runs = {dtype: _train_in(dtype, model_cfg, batch_size, steps, seed) for dtype in ("fp32", "bf16")}
    (l32, g32, c32), (l16, g16, c16) = runs["fp32"], runs["bf16"]
    rel = float((g16 - g32).norm() / g32.norm())
    cos = float(torch.nn.functional.cosine_similarity(g16, g32, dim=0))
    return {"fp32": l32, "bf16": l16}, rel, cos, {"fp32": c32, "bf16": c16}


def run_bf16(cfg: SpeedConfig = SpeedConfig()) -> Bf16Result:
    """fp32 against bf16 autocast at one batch size and thread count: speed, memory, numerics."""
    cfg.validate()
    with torch_threads(cfg.threads):
        fp32 = time_steps(cfg.model, cfg.batch_size, cfg.threads, "fp32", cfg.repeats, cfg.steps, cfg.seed)
        bf16 = time_steps(cfg.model, cfg.batch_size, cfg.threads, "bf16", cfg.repeats, cfg.steps, cfg.seed)
        losses, rel, cos, curves = _numerics(cfg.model, cfg.batch_size, cfg.numerics_steps, cfg.seed)
        mem32 = saved_activation_bytes(cfg.model, cfg.batch_size, "fp32", cfg.seed)
        mem16 = saved_activation_bytes(cfg.model, cfg.batch_size, "bf16", cfg.seed)
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
