"""Each variant as an ONNX file, and how a file is measured.

Its *serialized size in bytes* is the length of that file; its *download size* is the same file
zlib-compressed (zeros from pruning compress well but do not shrink the dense file); its
*latency* is measured here with onnxruntime (one thread, batch 1, median of repeated runs). The
ONNX graph is built directly with ``onnx.helper`` from the trained weights: torch 2.13's default
``torch.export``-based exporter takes ~9 s for this model on two cores (too slow for a live
demo) and the TorchScript exporter is deprecated; tests check the hand-built graph reproduces
the forward pass.
"""

from __future__ import annotations

import time
import zlib

import numpy as np

from models.compression.results import VariantResult


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


def measure(
    name: str, weights, X_te, y_te, repeats: int, *, int8=False, accuracy_before_finetune=None
) -> VariantResult:
    """Write ``weights`` as ONNX (int8-quantized if asked) and measure the file: accuracy on the
    test set, bytes, zlib bytes, parameters, zeros, FLOPs and batch-1 latency."""
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
