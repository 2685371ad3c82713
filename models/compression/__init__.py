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

Every variant is written out as an ONNX file (see :mod:`models.compression.onnx_export` for how
size, download size and latency are measured).

Modules: ``results`` (config and result dataclasses), ``training`` (data, MLP, the shared
training loop), ``onnx_export`` (ONNX graph, int8 quantization, measuring a variant),
``pruning``, ``distillation``, and ``run`` (the demo and its sweep). The cost engine's
projection of these variants onto edge devices is composed in dashboard/cached/compression.py,
so this package imports no engine code.

torch, onnx and onnxruntime are imported inside functions, so importing this package is cheap.
"""

from models.compression.onnx_export import onnx_bytes, onnx_predict, quantize_int8
from models.compression.pruning import prune_structured, prune_unstructured
from models.compression.results import (
    VARIANTS,
    CompressionConfig,
    CompressionResult,
    CompressionSweep,
    L1Point,
    SweepPoint,
    VariantResult,
)
from models.compression.run import run_compression, run_sweep
from models.compression.training import load_digits_split

__all__ = [
    "VARIANTS", "CompressionConfig", "CompressionResult", "CompressionSweep", "L1Point", "SweepPoint",
    "VariantResult", "load_digits_split", "onnx_bytes", "onnx_predict", "prune_structured",
    "prune_unstructured", "quantize_int8", "run_compression", "run_sweep",
]
