"""Measured batch-1 latency of small torch MLPs on this computer, with the FLOPs per input each
one costs, so the demo lab can set the cost engine's prediction next to the measurement ("the
estimator checks itself", ARCHITECTURE 4.3).

The three shapes span the per-input models the engine serves on CPUs: the catalog's
``tabular-mlp`` (64-256-256-64-1, a fraud scorer), a mid-size MLP and a large one whose matmuls
keep every core busy.  FLOPs per input = 2 x the weights of the linear layers (one multiply-add
each; biases and ReLUs are left out, as the engine leaves them out).  Latency is the median of
repeated single-input forward passes on every core after a warm-up, in ``torch.inference_mode``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from models._config import check_ranges

SHAPES = {
    "tabular-mlp (64-256-256-64-1)": (64, 256, 256, 64, 1),
    "MLP 256-1024-1024-256": (256, 1024, 1024, 256),
    "MLP 1024-4096-4096-1024": (1024, 4096, 4096, 1024),
}


@dataclass(frozen=True)
class LatencyConfig:
    repeats: int = 30
    seed: int = 0

    def validate(self) -> None:
        check_ranges(self, repeats=(3, 10_000), seed=(0, 2**31 - 1))


@dataclass(frozen=True)
class MlpTiming:
    name: str
    widths: tuple[int, ...]
    gflops_per_input: float
    params: int
    latency_ms: float          # median of the repeats
    threads: int


def flops_per_input(widths: tuple[int, ...]) -> float:
    return 2.0 * sum(a * b for a, b in zip(widths, widths[1:]))


def _mlp(widths):
    import torch
    layers = []
    for i, (a, b) in enumerate(zip(widths, widths[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers).eval()


def _median_ms(net, x, repeats: int) -> float:
    import torch
    times = []
    with torch.inference_mode():
        for _ in range(3):
            net(x)
        for _ in range(repeats):
            t0 = time.perf_counter()
            net(x)
            times.append(time.perf_counter() - t0)
    times.sort()
    return 1e3 * times[len(times) // 2]


def measure(cfg: LatencyConfig = LatencyConfig()) -> list[MlpTiming]:
    """Each shape's FLOPs per input and measured batch-1 latency on every core of this machine."""
    import torch

    from models.torch_threads import torch_threads
    cfg.validate()
    threads = os.cpu_count() or 1
    torch.manual_seed(cfg.seed)
    out = []
    with torch_threads(threads):
        for name, widths in SHAPES.items():
            net = _mlp(widths)
            x = torch.randn(1, widths[0])
            params = sum(p.numel() for p in net.parameters())
            out.append(MlpTiming(name, widths, flops_per_input(widths) / 1e9, params,
                                 _median_ms(net, x, cfg.repeats), threads))
    return out
