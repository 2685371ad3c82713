"""The published phone measurements as calibration rows, with the rule that keeps some out of the fit.

data/validation/phone_measurements.csv holds published on-device LLM speeds with the compute path
each runtime ran on.  A phone's calibration group is its compute path (scenarios/engine/groups.py
``PHONE_GROUP_RUNTIME``): ExecuTorch and llama.cpp CPU rows are asked as themselves and share the
CPU group ``phone|executorch`` (the same CPU peaks; llama.cpp's kernels carry a compute factor of
their own on the group's efficiency), every GPU row (MLC, llama.cpp's OpenCL backend, ExecuTorch's
Vulkan backend) is asked as ``mlc`` (the GPU group), QNN / Genie rows as ``qnn``;
``software_runtime`` keeps what ran.

Held out, never fitted (external validation, :func:`held_out`): every configuration (model, phone,
weights, runtime, path) whose CRC-32 is divisible by ``HOLD_OUT_EVERY`` -- about one in five, fixed
by the row's own identity (adding rows never moves another row in or out), with its decode and
prefill rows kept together.  Rows the engine cannot ask (a phone, model or format outside the
catalog, a runtime it does not model) say why in ``why_excluded``; so do rows measured under a
condition the engine does not model (:func:`kept_out`), which the phone check still predicts as an
out-of-sample check (scenarios/calibration/phones.py).
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
PHONE_CSV = ROOT / "data" / "validation" / "phone_measurements.csv"
HOLD_OUT_EVERY = 5
DECODE_TOKENS = 128     # generated tokens a decode row without a published length is asked at
# the engine runtime each path's rows are asked through (its calibration group)
PATH_RUNTIME = {"cpu": None, "gpu": "mlc", "npu": "qnn"}
CPU_RUNTIMES = ("executorch", "llama.cpp")
HELD_OUT = "held out for external validation (one configuration in five, by CRC-32)"
KEPT_OUT = "kept out of the fit, predicted as an out-of-sample check: "
# react-native-executorch's LLM table of PR #1074 (2026-04): since its PR #603 (2025-09) the library
# resets XNNPACK's pool to floor(performant cores / 2) + 1 threads (common/rnexecutorch/threads/
# utils/ThreadUtils.h, written for Android phones with 4+ big cores, its comment: "For iPhones they
# usually have 2 performance cores"); ExecuTorch counts no Apple core as little (extension/threadpool/
# cpuinfo_utils.cpp), so an iPhone gets 4 threads on 2 performance + 4 efficiency cores, with no
# affinity on iOS (HighPerformanceThreadPool.h): an op waits for the threads on efficiency cores.
# The CPU path's peak counts every core at its clock, so these rows (iPhone 17 Pro 2-3x below the
# same project's iPhone 16 Pro rows of 2025-02, and below its iPhone SE 3 on three small models of
# the same table) measure a thread placement the engine does not model.
RNE_THREAD_CAP_SOURCES = ("react-native-executorch/blob/0505f08072a01b5517777164bf07f51cd220c5f0",)
RNE_IPHONE_REASON = (KEPT_OUT + "react-native-executorch's 4-thread XNNPACK pool on an iPhone's 2 performance "
                     "+ 4 efficiency cores (unpinned on iOS): a thread placement the CPU path's peak does not model")
# Gemma 2 soft-caps its attention logits with tanh in every layer; llama.cpp's OpenCL backend had no
# tanh kernel before 2025-05 (PR #13781 lists UNARY_OP_TANH among the ops it adds), so the April 2025
# build of this table ran that op on the CPU with a GPU round trip per layer (decode at half the Llama
# 3.2 3B's speed in the same table): a partial offload the GPU path does not model.
OPENCL_NO_TANH_SOURCES = ("llama.cpp-android-tutorial/blob/112bdf80363540ae4cb56505a4ccd76c8e5ea5f8",)
GEMMA2_OPENCL_REASON = (KEPT_OUT + "Gemma 2's tanh soft-capping on a llama.cpp OpenCL build without a tanh kernel "
                        "(2025-04): part of every layer on the CPU, a partial offload the GPU path does not model")


def config_key(r) -> str:
    """The identity a row is held out by (decode and prefill rows of one configuration share it)."""
    return "|".join(str(r[c]) for c in ("model", "hardware", "weights", "runtime", "path"))


def held_out(df: pd.DataFrame) -> pd.Series:
    """True where the row's configuration is kept out of every fit."""
    return df.apply(lambda r: zlib.crc32(config_key(r).encode()) % HOLD_OUT_EVERY == 0, axis=1)


def asked_runtime(runtime: str, path: str) -> str | None:
    """The engine runtime a row is asked through, or None where no engine runtime runs that path."""
    if path == "cpu":     # llama.cpp's CPU rows join the CPU path's group (same peaks, int8 kernels)
        return runtime if runtime in CPU_RUNTIMES else None
    if path == "npu" and runtime == "coreml":
        return "coreml"
    if path == "npu" and runtime != "qnn":
        return None      # llama.cpp's experimental Hexagon backend runs on the HVX vector units
    if runtime.startswith("other:"):
        return None      # LiteRT-LM: a runtime the engine does not model
    return PATH_RUNTIME[path]


def kept_out(r) -> str:
    """The stated reason a row measured under a condition the engine does not model is kept out of
    the fit ('' for the others)."""
    src = str(r["source"])
    if r["hardware"].startswith("apple-") and any(s in src for s in RNE_THREAD_CAP_SOURCES):
        return RNE_IPHONE_REASON
    if r["model"] == "gemma-2-2b" and r["path"] == "gpu" and any(s in src for s in OPENCL_NO_TANH_SOURCES):
        return GEMMA2_OPENCL_REASON
    return ""


def _why(r, hardware, models, formats, prefill_keys: set) -> str:
    if r["hardware"] not in hardware:
        return "phone not in the catalog"
    if r["model"] not in models:
        return "model not in the catalog"
    if r["weights"] not in formats:
        return "weight format not in the catalog"
    if not isinstance(r["asked_runtime"], str):
        if r["runtime"] == "llama.cpp":
            return "llama.cpp's experimental Hexagon backend (HVX vector units): no engine runtime runs it"
        return f"{r['runtime']} on the {r['path'].upper()}: a runtime the engine does not model"
    if reason := kept_out(r):
        return reason
    if r["metric"] in ("prefill_tokens_per_s", "ttft_ms") and r["prompt_tokens"] <= 0:
        return "prompt length not published"
    if r["metric"] == "ttft_ms" and (config_key(r), r["prompt_tokens"]) in prefill_keys:
        return "TTFT of a configuration whose prefill speed is a row of its own (one measurement, counted once)"
    return ""


def load_phone_rows(source: Path | pd.DataFrame = PHONE_CSV) -> pd.DataFrame:
    """Every phone row (of the file, or of a table already read) in the calibration's layout
    (``model_id``, ``format_id``, ``runtime`` as asked, ``batch_size``, ``use``, ``why_excluded``) plus
    ``software_runtime``, ``path`` and ``held_out``."""
    from scenarios.engine.catalog import load_formats, load_hardware, load_models
    raw = source.reset_index(drop=True) if isinstance(source, pd.DataFrame) else pd.read_csv(source)
    df = raw.assign(asked_runtime=[asked_runtime(rt, p) for rt, p in zip(raw["runtime"], raw["path"])])
    hardware, models, formats = load_hardware(), load_models(), load_formats()
    prefill_keys = {(config_key(r), r["prompt_tokens"]) for _, r in df[df["metric"] == "prefill_tokens_per_s"].iterrows()}
    why = pd.Series([_why(r, hardware, models, formats, prefill_keys) for _, r in df.iterrows()], index=df.index)
    out = pd.DataFrame({
        "model": raw["model"], "params_b": np.nan, "weight_format": raw["weights"], "hardware": raw["hardware"],
        "batch_size": raw["batch"], "prompt_tokens": raw["prompt_tokens"].astype(float),
        # a decode speed published without its length is asked at DECODE_TOKENS generated tokens
        "output_tokens": np.where((raw["metric"] == "decode_tokens_per_s") & (raw["output_tokens"] <= 0),
                                  DECODE_TOKENS, raw["output_tokens"]).astype(float),
        "metric": raw["metric"], "value": raw["value"], "software": raw["software"], "source": raw["source"],
        "model_id": raw["model"], "format_id": raw["weights"], "runtime": df["asked_runtime"],
        "software_runtime": raw["runtime"], "path": raw["path"], "held_out": held_out(raw)})
    why[(why == "") & out["held_out"]] = HELD_OUT
    out["why_excluded"] = why
    out["use"] = why == ""
    return out
