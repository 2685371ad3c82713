"""Compression and sparsity for edge and mobile, measured on a real (small) model.

A teacher MLP is trained on scikit-learn's bundled 8x8 digits (1,797 images, no download),
then shrunk five ways, each measured the same way so the numbers compare:

* **int8 quantization** through onnxruntime's dynamic quantization (weights stored as int8
  with one scale per tensor; activations quantized on the fly). PyTorch's own eager
  dynamic quantization (``torch.ao.quantization``) is deprecated in favour of this path.
* **pruning** with ``torch.nn.utils.prune``: unstructured (smallest-|w| weights zeroed) and
  structured (whole hidden neurons with the smallest L2 norm removed, which makes the
  dense layers genuinely smaller), each followed by a short masked fine-tune.
* **L1-regularised sparsity**: a proximal (soft-threshold) step after each optimiser step,
  which drives weights to exact zeros (Tibshirani 1996; proximal gradient as in
  Parikh & Boyd 2014, "Proximal Algorithms", sec. 6.5.2).
* **distillation** into a much smaller student, trained on the teacher's softened logits
  (Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural Network").

Every variant is written out as an ONNX file. Its *serialized size in bytes* is the length of
that file; its *download size* is the same file zlib-compressed (zeros from pruning compress
well but do not shrink the dense file); its *latency* is measured here with onnxruntime
(one thread, batch 1, median of repeated runs). The ONNX graph is built directly with
``onnx.helper`` from the trained weights: torch 2.13's default ``torch.export``-based exporter
takes ~9 s for this model on two cores (too slow for a live demo) and the TorchScript exporter
is deprecated; tests check the hand-built graph reproduces the torch outputs.

torch, onnx and onnxruntime are imported inside functions, so importing this module is cheap.
"""

from __future__ import annotations

import contextlib
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from scenarios.errors import VentureLabError

Progress = Callable[[float, str], None]

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
        checks = [
            ("hidden_units", 16 <= self.hidden_units <= 1024, "16..1024"),
            ("epochs", 1 <= self.epochs <= 200, "1..200"),
            ("prune_amount", 0.0 <= self.prune_amount <= 0.95, "0..0.95"),
            ("finetune_epochs", 0 <= self.finetune_epochs <= 50, "0..50"),
            ("l1_lambda", 0.0 <= self.l1_lambda <= 1.0, "0..1"),
            ("student_hidden_units", 4 <= self.student_hidden_units <= 256, "4..256"),
            ("student_label_fraction", 0.02 <= self.student_label_fraction <= 1.0, "0.02..1"),
            ("distill_temperature", 1.0 <= self.distill_temperature <= 20.0, "1..20"),
            ("distill_alpha", 0.0 <= self.distill_alpha <= 1.0, "0..1"),
            ("test_fraction", 0.1 <= self.test_fraction <= 0.5, "0.1..0.5"),
            ("latency_repeats", 10 <= self.latency_repeats <= 5000, "10..5000"),
        ]
        for name, ok, accepted in checks:
            if not ok:
                raise VentureLabError(name, "out of range", got=getattr(self, name), accepted=accepted)


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


# ----------------------------------------------------------------------------- data and models


def load_digits_split(seed: int, test_fraction: float):
    """Digits scaled to 0..1, stratified split. Returns float32 arrays (X_tr, X_te, y_tr, y_te)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    X = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    return train_test_split(X, y, test_size=test_fraction, random_state=seed, stratify=y)


def _mlp(sizes: Sequence[int]):
    import torch.nn as nn

    layers: list = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def _linears(model) -> list:
    import torch.nn as nn

    return [m for m in model if isinstance(m, nn.Linear)]


def _train(
    model,
    X,
    y,
    epochs: int,
    seed: int,
    *,
    teacher_logits=None,
    temperature=4.0,
    alpha=0.0,
    l1_lambda=0.0,
    lr=3e-3,
    batch=128,
    label_mask=None,
):
    """Minibatch Adam. With ``teacher_logits``, adds the Hinton et al. soft-target loss;
    with ``l1_lambda``, applies a soft-threshold (the proximal step of the L1 norm) after each
    update so that small weights become exact zeros."""
    import torch
    import torch.nn.functional as F

    gen = torch.Generator().manual_seed(seed)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n = len(Xt)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(n, generator=gen)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            logits = model(Xt[idx])  # (B, 10)
            if label_mask is None:
                loss = F.cross_entropy(logits, yt[idx])
            else:  # only the labelled rows give a hard-label loss; the rest learn from the teacher
                m = label_mask[idx]
                loss = F.cross_entropy(logits[m], yt[idx][m]) if bool(m.any()) else logits.sum() * 0.0
            if teacher_logits is not None and alpha > 0:
                soft_t = F.softmax(teacher_logits[idx] / temperature, dim=1)
                log_s = F.log_softmax(logits / temperature, dim=1)
                # T^2 keeps the soft-target gradients on the scale of the hard ones (Hinton 2015, sec. 2)
                kd = F.kl_div(log_s, soft_t, reduction="batchmean") * temperature**2
                loss = alpha * kd + (1 - alpha) * loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            if l1_lambda > 0:
                with torch.no_grad():
                    for lin in _linears(model):
                        w = lin.weight
                        w.copy_(torch.sign(w) * torch.clamp(w.abs() - lr * l1_lambda, min=0.0))
    model.eval()
    return model


def _accuracy(model, X, y) -> float:
    import torch

    with torch.no_grad():
        pred = model(torch.from_numpy(X)).argmax(1).numpy()
    return float((pred == y).mean())


def _weights(model) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W of shape (in, out), b of shape (out,)) per Linear layer, detached numpy float32."""
    return [
        (
            lin.weight.detach().numpy().T.copy().astype(np.float32),
            lin.bias.detach().numpy().copy().astype(np.float32),
        )
        for lin in _linears(model)
    ]


# ----------------------------------------------------------------------------- ONNX and sizes


def onnx_bytes(weights: list[tuple[np.ndarray, np.ndarray]]) -> bytes:
    """An ONNX graph x -> (MatMul, Add, Relu)* -> logits built from the weights.

    MatMul + Add rather than Gemm because onnxruntime's dynamic quantizer rewrites MatMul
    into its integer kernels (``MatMulInteger`` / ``DynamicQuantizeMatMul``).
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    prev = "x"
    for i, (W, b) in enumerate(weights):
        inits += [numpy_helper.from_array(W, f"W{i}"), numpy_helper.from_array(b, f"b{i}")]
        nodes.append(helper.make_node("MatMul", [prev, f"W{i}"], [f"mm{i}"]))
        out = "logits" if i == len(weights) - 1 else f"z{i}"
        nodes.append(helper.make_node("Add", [f"mm{i}", f"b{i}"], [out]))
        if i < len(weights) - 1:
            nodes.append(helper.make_node("Relu", [out], [f"h{i}"]))
            prev = f"h{i}"
    n_in, n_out = weights[0][0].shape[0], weights[-1][0].shape[1]
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", n_in])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", n_out])],
        initializer=inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="ai-venture-lab"
    )
    model.ir_version = 8  # readable by every onnxruntime >= 1.10
    onnx.checker.check_model(model)
    return model.SerializeToString()


def quantize_int8(fp32_onnx: bytes) -> bytes:
    """onnxruntime dynamic quantization: int8 weights (per tensor), activations quantized at run time."""
    import logging
    import tempfile
    from pathlib import Path

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # pre-processing hint
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        src.write_bytes(fp32_onnx)
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)
        return dst.read_bytes()


def _session(model_bytes: bytes):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1  # one core: what a small edge CPU or a busy phone gives a model
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, sess_options=opts, providers=["CPUExecutionProvider"])


def onnx_predict(model_bytes: bytes, X: np.ndarray) -> np.ndarray:
    return _session(model_bytes).run(None, {"x": X})[0]


def _latency_ms(sess, x1: np.ndarray, repeats: int) -> float:
    for _ in range(10):  # warm-up
        sess.run(None, {"x": x1})
    times = np.empty(repeats)
    for i in range(repeats):
        t0 = time.perf_counter()
        sess.run(None, {"x": x1})
        times[i] = time.perf_counter() - t0
    return float(np.median(times) * 1e3)


def _measure(
    name: str, weights, X_te, y_te, repeats: int, *, int8=False, accuracy_before_finetune=None
) -> VariantResult:
    blob = onnx_bytes(weights)
    if int8:
        blob = quantize_int8(blob)
    sess = _session(blob)
    logits = sess.run(None, {"x": X_te})[0]
    acc = float((logits.argmax(1) == y_te).mean())
    params = sum(W.size + b.size for W, b in weights)
    nonzero = sum(int(np.count_nonzero(W)) + int(np.count_nonzero(b)) for W, b in weights)
    gflops = sum(2 * W.shape[0] * W.shape[1] for W, _ in weights) / 1e9
    return VariantResult(
        variant=name,
        accuracy=acc,
        size_bytes=len(blob),
        download_bytes=len(zlib.compress(blob, 9)),
        params=int(params),
        nonzero_params=nonzero,
        gflops_per_input=gflops,
        latency_ms=_latency_ms(sess, X_te[:1], repeats),
        weights_format="int8" if int8 else "fp32",
        accuracy_before_finetune=accuracy_before_finetune,
    )


# ----------------------------------------------------------------------------- the techniques


def _clone(model):
    import copy

    return copy.deepcopy(model)


def prune_unstructured(teacher, amount: float, X, y, finetune_epochs: int, seed: int):
    """Zero the ``amount`` smallest-|w| weights of every Linear layer, fine-tune with the mask on.

    Returns (fine-tuned pruned model, pruned model before fine-tuning)."""
    import torch
    import torch.nn.utils.prune as prune

    model = _clone(teacher)
    for lin in _linears(model):
        prune.l1_unstructured(lin, name="weight", amount=amount)
    before = _clone(teacher)
    with torch.no_grad():  # the pruned weights before any fine-tuning, for the "before" accuracy
        for lb, lm in zip(_linears(before), _linears(model)):
            lb.weight.copy_(lm.weight)
    if finetune_epochs:
        _train(model, X, y, finetune_epochs, seed + 101, lr=1e-3)  # the mask stays applied
    for lin in _linears(model):
        prune.remove(lin, "weight")  # make the zeros permanent (drops weight_orig and the mask)
    return model, before


def prune_structured(teacher, amount: float, X, y, finetune_epochs: int, seed: int):
    """Remove the ``amount`` share of hidden neurons with the smallest L2 norm, then physically
    slice the layers so the dense model really is smaller (fewer FLOPs, fewer bytes)."""
    import torch
    import torch.nn.utils.prune as prune

    def shrink(model):
        lins = _linears(model)
        sizes = [lins[0].in_features]
        keep_prev = torch.arange(lins[0].in_features)
        new_w = []
        for i, lin in enumerate(lins):
            W, b = lin.weight.detach(), lin.bias.detach()
            W = W[:, keep_prev]
            if i < len(lins) - 1:
                keep = torch.nonzero(W.abs().sum(1) > 0).flatten()
                if len(keep) == 0:
                    keep = torch.tensor([0])
                W, b = W[keep], b[keep]
                keep_prev = keep
            sizes.append(W.shape[0])
            new_w.append((W, b))
        small = _mlp(sizes)
        with torch.no_grad():
            for lin, (W, b) in zip(_linears(small), new_w):
                lin.weight.copy_(W)
                lin.bias.copy_(b)
        return small.eval()

    model = _clone(teacher)
    hidden = _linears(model)[:-1]  # the output layer keeps its 10 classes
    for lin in hidden:
        prune.ln_structured(lin, name="weight", amount=amount, n=2, dim=0)
        prune.remove(lin, "weight")
        with torch.no_grad():  # a removed neuron must not pass its bias through the ReLU either
            lin.bias[lin.weight.abs().sum(1) == 0] = 0.0
    before = shrink(model)
    small = shrink(model)
    if finetune_epochs:
        _train(small, X, y, finetune_epochs, seed + 202, lr=1e-3)
    return small, before


@contextlib.contextmanager
def one_torch_thread():
    """Run torch on one thread for these tiny models, then restore the setting.

    With two threads on a busy two-core machine, torch's intra-op pool spends most of its time
    waiting (a 600-step MLP training measured 5.6 s on one thread, 48 s on two); tiny matrices gain
    nothing from a second thread anyway.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


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
    with one_torch_thread():
        return _run_compression(config, progress)


def _run_compression(config: CompressionConfig, progress: Progress | None) -> CompressionResult:
    import torch

    t_start = time.perf_counter()
    step = (lambda f, msg: progress(f, msg)) if progress else (lambda f, msg: None)
    torch.manual_seed(config.seed)
    X_tr, X_te, y_tr, y_te = load_digits_split(config.seed, config.test_fraction)
    majority = float((y_te == np.bincount(y_tr).argmax()).mean())
    H, S, reps = config.hidden_units, config.student_hidden_units, config.latency_repeats

    step(0.05, "teacher")
    torch.manual_seed(config.seed)
    teacher = _train(_mlp([64, H, H, 10]), X_tr, y_tr, config.epochs, config.seed)
    out = [_measure("fp32", _weights(teacher), X_te, y_te, reps)]
    step(0.3, "int8")
    out.append(_measure("int8", _weights(teacher), X_te, y_te, reps, int8=True))

    step(0.4, "pruning")
    for name, fn in (("pruned-unstructured", prune_unstructured), ("pruned-structured", prune_structured)):
        pruned, before = fn(teacher, config.prune_amount, X_tr, y_tr, config.finetune_epochs, config.seed)
        out.append(
            _measure(
                name,
                _weights(pruned),
                X_te,
                y_te,
                reps,
                accuracy_before_finetune=_accuracy(before, X_te, y_te),
            )
        )

    step(0.6, "l1")
    torch.manual_seed(config.seed + 1)
    sparse = _train(
        _mlp([64, H, H, 10]), X_tr, y_tr, config.epochs, config.seed + 1, l1_lambda=config.l1_lambda
    )
    out.append(_measure("l1-sparse", _weights(sparse), X_te, y_te, reps))

    step(0.75, "distillation")
    # The student sees the labels of only a share of the training images (labels cost money);
    # the distilled student also learns from the teacher's soft outputs on all of them (the
    # "transfer set" of Hinton et al. 2015, sec. 2). With every label, a small MLP matches the
    # teacher on digits by itself, so that setting shows no gain; scarce labels are where it pays.
    rng = np.random.default_rng(config.seed + 3)
    labelled = np.zeros(len(y_tr), dtype=bool)
    labelled[rng.permutation(len(y_tr))[: max(10, int(config.student_label_fraction * len(y_tr)))]] = True
    with torch.no_grad():
        t_logits = teacher(torch.from_numpy(X_tr))
    epochs_student = max(config.epochs, 30)  # a small net needs more passes to converge
    torch.manual_seed(config.seed + 2)
    plain = _train(
        _mlp([64, S, 10]),
        X_tr[labelled],
        y_tr[labelled],
        max(epochs_student, int(epochs_student / max(config.student_label_fraction, 0.05))),
        config.seed + 2,
    )  # same number of optimiser steps as on the full set
    torch.manual_seed(config.seed + 2)
    distilled = _train(
        _mlp([64, S, 10]),
        X_tr,
        y_tr,
        epochs_student,
        config.seed + 2,
        teacher_logits=t_logits,
        temperature=config.distill_temperature,
        alpha=config.distill_alpha,
        label_mask=torch.from_numpy(labelled),
    )
    out.append(_measure("student", _weights(plain), X_te, y_te, reps))
    out.append(_measure("student-distilled", _weights(distilled), X_te, y_te, reps))
    step(1.0, "done")
    return CompressionResult(
        config=config,
        variants=tuple(out),
        majority_baseline_accuracy=majority,
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
    with one_torch_thread():
        return _run_sweep(config, amounts, l1_lambdas, progress)


def _run_sweep(config, amounts, l1_lambdas, progress) -> CompressionSweep:
    import torch

    X_tr, X_te, y_tr, y_te = load_digits_split(config.seed, config.test_fraction)
    torch.manual_seed(config.seed)
    teacher = _train(
        _mlp([64, config.hidden_units, config.hidden_units, 10]), X_tr, y_tr, config.epochs, config.seed
    )
    total = 2 * len(amounts) + len(l1_lambdas)
    done = 0
    points = []
    for method, fn in (("unstructured", prune_unstructured), ("structured", prune_structured)):
        for a in amounts:
            pruned, before = fn(teacher, float(a), X_tr, y_tr, config.finetune_epochs, config.seed)
            blob = onnx_bytes(_weights(pruned))
            points.append(
                SweepPoint(
                    float(a),
                    method,
                    _accuracy(pruned, X_te, y_te),
                    _accuracy(before, X_te, y_te),
                    len(blob),
                    len(zlib.compress(blob, 9)),
                )
            )
            done += 1
            if progress:
                progress(done / total, f"{method} {a:.0%}")
    l1_points = []
    for lam in l1_lambdas:
        torch.manual_seed(config.seed + 1)
        m = _train(
            _mlp([64, config.hidden_units, config.hidden_units, 10]),
            X_tr,
            y_tr,
            config.epochs,
            config.seed + 1,
            l1_lambda=float(lam),
        )
        ws = _weights(m)
        nz = sum(int(np.count_nonzero(W)) for W, _ in ws)
        l1_points.append(L1Point(float(lam), _accuracy(m, X_te, y_te), 1 - nz / sum(W.size for W, _ in ws)))
        done += 1
        if progress:
            progress(done / total, f"L1 {lam:g}")
    return CompressionSweep(pruning=tuple(points), l1=tuple(l1_points))


# ----------------------------------------------------------------------------- edge projection

EDGE_HARDWARE = (
    "nvidia-jetson-orin-nano-8gb",
    "raspberry-pi-5",
    "qualcomm-snapdragon-8-gen-3",
    "apple-a17-pro",
)
REFERENCE_MODELS = ("this-mlp", "mobilenet-v3-large", "resnet-50", "yolov8n")
PROJECTED_VARIANTS = ("fp32", "int8", "pruned-unstructured", "pruned-structured", "student-distilled")


@dataclass(frozen=True)
class EdgeProjection:
    """The cost engine's latency band for one variant on one device."""

    variant: str
    hardware: str
    reference_model: str
    gflops_per_input: float
    weights_format: str
    weights_mb: float  # reference parameters x the variant's share kept x bits per weight
    latency_ms: float
    latency_ms_low: float
    latency_ms_high: float
    runtime: str
    bound: str  # "compute" | "bandwidth"
    fits: bool


def project_edge(
    result: CompressionResult, hardware: Sequence[str] = EDGE_HARDWARE, reference_model: str = "resnet-50"
) -> tuple[EdgeProjection, ...]:
    """Project each variant's latency and weight memory onto edge and mobile devices.

    With ``reference_model="this-mlp"`` the measured FLOPs of the demo MLP go to the engine as
    ``model="custom"``. With a catalog vision model, the technique's measured *ratios* (FLOPs kept,
    parameters kept, weight format) are applied to that model: "what would the same compression
    do to a production-sized network". Unstructured sparsity keeps the dense FLOPs because dense
    kernels multiply the zeros anyway (speed-ups need sparse kernels or 2:4 hardware support).
    """
    from scenarios.engine.catalog import get_model, load_formats
    from scenarios.engine.serving import estimate_vision

    if reference_model not in REFERENCE_MODELS:
        raise VentureLabError("reference_model", "unknown", got=reference_model, accepted=REFERENCE_MODELS)
    base = result.variant("fp32")
    bits = {f.id: f.bits_per_weight for f in load_formats().values()}
    out = []
    for name in PROJECTED_VARIANTS:
        v = result.variant(name)
        flops_ratio = v.gflops_per_input / base.gflops_per_input
        params_ratio = v.params / base.params
        if reference_model == "this-mlp":
            model, gflops, n_params = "custom", v.gflops_per_input, float(v.params)
        else:
            spec = get_model(reference_model)
            model, gflops, n_params = spec.id, spec.gflops_per_input * flops_ratio, spec.params * params_ratio
        for hw in hardware:
            est = estimate_vision(model, hw, weights=v.weights_format, gflops_per_input=gflops)
            out.append(
                EdgeProjection(
                    variant=name,
                    hardware=hw,
                    reference_model=reference_model,
                    gflops_per_input=gflops,
                    weights_format=v.weights_format,
                    weights_mb=n_params * bits[v.weights_format] / 8 / 1e6,
                    latency_ms=est.latency_ms,
                    latency_ms_low=est.latency_ms_low,
                    latency_ms_high=est.latency_ms_high,
                    runtime=est.runtime,
                    bound=est.bound,
                    fits=bool(est.fits),
                )
            )
    return tuple(out)
