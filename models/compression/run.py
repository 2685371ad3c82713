"""The compression demo: train the teacher, compress it five ways, measure every variant the same
way; and the sweep of accuracy and size against pruning amount and L1 strength."""

from __future__ import annotations

import time
import zlib
from typing import Callable, Sequence

import numpy as np

from models.compression.distillation import train_students
from models.compression.onnx_export import measure, onnx_bytes
from models.compression.pruning import prune_structured, prune_unstructured
from models.compression.results import (
    CompressionConfig,
    CompressionResult,
    CompressionSweep,
    L1Point,
    SweepPoint,
    VariantResult,
)
from models.compression.training import accuracy, load_digits_split, mlp, train, weights
from models.torch_threads import torch_threads

Progress = Callable[[float, str], None]
PRUNING = (("unstructured", prune_unstructured), ("structured", prune_structured))


def run_compression(
    config: CompressionConfig = CompressionConfig(), progress: Progress | None = None
) -> CompressionResult:
    """Train the teacher, compress it five ways, measure every variant the same way.

    Examples
    --------
    >>> r = run_compression(CompressionConfig(seed=0))            # doctest: +SKIP
    >>> r.variant("fp32").size_bytes / r.variant("int8").size_bytes  # doctest: +SKIP
    3.8...
    """
    config.validate()
    # one torch thread: on a busy two-core machine a 600-step MLP training measured 5.6 s on one
    # thread and 48 s on two (the intra-op pool waits); tiny matrices gain nothing from a second
    with torch_threads(1):
        return _run_compression(config, progress or (lambda f, msg: None))


def _teacher(config: CompressionConfig, X_tr, y_tr):
    import torch

    torch.manual_seed(config.seed)
    H = config.hidden_units
    return train(mlp([64, H, H, 10]), X_tr, y_tr, config.epochs, config.seed)


def _l1_model(config: CompressionConfig, X_tr, y_tr, l1_lambda: float):
    import torch

    torch.manual_seed(config.seed + 1)
    H = config.hidden_units
    return train(mlp([64, H, H, 10]), X_tr, y_tr, config.epochs, config.seed + 1, l1_lambda=l1_lambda)


def _pruned_variants(teacher, config: CompressionConfig, data) -> list[VariantResult]:
    X_tr, X_te, y_tr, y_te = data
    out = []
    for method, prune in PRUNING:
        pruned, before = prune(teacher, config.prune_amount, X_tr, y_tr, config.finetune_epochs, config.seed)
        out.append(measure(f"pruned-{method}", weights(pruned), X_te, y_te, config.latency_repeats,
                           accuracy_before_finetune=accuracy(before, X_te, y_te)))
    return out


def _run_compression(config: CompressionConfig, step: Progress) -> CompressionResult:
    t_start = time.perf_counter()
    data = load_digits_split(config.seed, config.test_fraction)
    X_tr, X_te, y_tr, y_te = data
    reps = config.latency_repeats
    step(0.05, "teacher")
    teacher = _teacher(config, X_tr, y_tr)
    out = [measure("fp32", weights(teacher), X_te, y_te, reps)]
    step(0.3, "int8")
    out.append(measure("int8", weights(teacher), X_te, y_te, reps, int8=True))
    step(0.4, "pruning")
    out += _pruned_variants(teacher, config, data)
    step(0.6, "l1")
    sparse = _l1_model(config, X_tr, y_tr, config.l1_lambda)
    out.append(measure("l1-sparse", weights(sparse), X_te, y_te, reps))
    step(0.75, "distillation")
    plain, distilled = train_students(teacher, X_tr, y_tr, config)
    out.append(measure("student", weights(plain), X_te, y_te, reps))
    out.append(measure("student-distilled", weights(distilled), X_te, y_te, reps))
    step(1.0, "done")
    return CompressionResult(
        config=config,
        variants=tuple(out),
        majority_baseline_accuracy=float((y_te == np.bincount(y_tr).argmax()).mean()),
        n_train=len(y_tr),
        n_test=len(y_te),
        run_time_s=time.perf_counter() - t_start,
    )


def run_sweep(
    config: CompressionConfig = CompressionConfig(),
    amounts: Sequence[float] = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95),
    l1_lambdas: Sequence[float] = (0.0, 0.01, 0.03, 0.1, 0.3),
    progress: Progress | None = None,
) -> CompressionSweep:
    """Accuracy and size against pruning amount (both methods) and against L1 strength."""
    config.validate()
    tick = _counter(2 * len(amounts) + len(l1_lambdas), progress)
    with torch_threads(1):
        X_tr, X_te, y_tr, y_te = data = load_digits_split(config.seed, config.test_fraction)
        teacher = _teacher(config, X_tr, y_tr)
        pruning = _pruning_sweep(teacher, config, data, amounts, tick)
        l1 = []
        for lam in l1_lambdas:
            ws = weights(m := _l1_model(config, X_tr, y_tr, float(lam)))
            nz = sum(int(np.count_nonzero(W)) for W, _ in ws)
            l1.append(L1Point(float(lam), accuracy(m, X_te, y_te), 1 - nz / sum(W.size for W, _ in ws)))
            tick(f"L1 {lam:g}")
    return CompressionSweep(pruning=tuple(pruning), l1=tuple(l1))


def _pruning_sweep(teacher, config: CompressionConfig, data, amounts, tick) -> list[SweepPoint]:
    X_tr, X_te, y_tr, y_te = data
    points = []
    for method, prune in PRUNING:
        for a in amounts:
            pruned, before = prune(teacher, float(a), X_tr, y_tr, config.finetune_epochs, config.seed)
            blob = onnx_bytes(weights(pruned))
            points.append(SweepPoint(float(a), method, accuracy(pruned, X_te, y_te),
                                     accuracy(before, X_te, y_te),
                                     len(blob), len(zlib.compress(blob, 9))))
            tick(f"{method} {a:.0%}")
    return points


def _counter(total: int, progress: Progress | None) -> Callable[[str], None]:
    """A callback that reports one more finished point of ``total`` to ``progress``."""
    done = [0]

    def tick(msg: str) -> None:
        done[0] += 1
        if progress:
            progress(done[0] / total, msg)

    return tick
