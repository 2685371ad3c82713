"""Knobs and measured results of the compression demo (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field

from models._config import check_ranges
from scenarios.errors import VentureLabError

VARIANTS = (
    "fp32",
    "int8",
    "pruned-unstructured",
    "pruned-structured",
    "l1-sparse",
    "student",
    "student-distilled",
)


@dataclass(frozen=True)
class CompressionConfig:
    """Knobs of the compression demo (defaults run in a few seconds on two cores)."""

    seed: int = 0
    hidden_units: int = 128  # teacher width: 64 -> H -> H -> 10
    epochs: int = 20  # teacher training epochs (Adam, batch 128)
    prune_amount: float = 0.5  # share of weights (unstructured) or neurons (structured) removed
    finetune_epochs: int = 3  # masked fine-tune after pruning
    l1_lambda: float = 0.3  # L1 strength: loss + lambda * sum|w| (proximal step lr*lambda)
    student_hidden_units: int = 16  # student width: 64 -> S -> 10
    student_label_fraction: float = 0.1  # share of training labels the students may use
    distill_temperature: float = 4.0  # Hinton et al. 2015 use T in 2..20
    distill_alpha: float = 0.5  # weight of the soft-target term
    test_fraction: float = 0.3
    latency_repeats: int = 50  # batch-1 runs per variant for the median latency

    def validate(self) -> None:
        check_ranges(self, hidden_units=(16, 1024), epochs=(1, 200), prune_amount=(0, 0.95),
                     finetune_epochs=(0, 50), l1_lambda=(0, 1), student_hidden_units=(4, 256),
                     student_label_fraction=(0.02, 1), distill_temperature=(1, 20),
                     distill_alpha=(0, 1), test_fraction=(0.1, 0.5), latency_repeats=(10, 5000))


@dataclass(frozen=True)
class VariantResult:
    """One compressed (or reference) model, measured."""

    variant: str  # one of VARIANTS
    accuracy: float  # test accuracy, 0..1
    size_bytes: int  # serialized ONNX file, bytes
    download_bytes: int  # the same file zlib-compressed (level 9), bytes
    params: int  # stored weights and biases
    nonzero_params: int
    gflops_per_input: float  # 2 x multiply-adds of the dense layers, per image
    latency_ms: float  # onnxruntime, 1 thread, batch 1, median
    weights_format: str  # "fp32" or "int8": what the engine projection assumes
    accuracy_before_finetune: float | None = None  # pruned variants only

    @property
    def sparsity(self) -> float:
        return 1.0 - self.nonzero_params / self.params if self.params else 0.0


@dataclass(frozen=True)
class CompressionResult:
    config: CompressionConfig
    variants: tuple[VariantResult, ...]
    majority_baseline_accuracy: float  # always predict the most common training class
    n_train: int
    n_test: int
    run_time_s: float

    def variant(self, name: str) -> VariantResult:
        for v in self.variants:
            if v.variant == name:
                return v
        raise VentureLabError("variant", "unknown", got=name, accepted=VARIANTS)


@dataclass(frozen=True)
class SweepPoint:
    amount: float
    method: str  # "unstructured" | "structured"
    accuracy: float
    accuracy_before_finetune: float
    size_bytes: int
    download_bytes: int


@dataclass(frozen=True)
class L1Point:
    l1_lambda: float
    accuracy: float
    sparsity: float


@dataclass(frozen=True)
class CompressionSweep:
    pruning: tuple[SweepPoint, ...]
    l1: tuple[L1Point, ...] = field(default_factory=tuple)
