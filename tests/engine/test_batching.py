"""Continuous batching (ARCHITECTURE 4.3) through the CLI and the engine's public calls:
`--batch max`, steady-state throughput with the prefill of arriving requests included, the paged
KV cache that must fit, and the calibration targets on the published throughput rows."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from scenarios.engine import batching
from scenarios.engine.catalog import get_hardware, get_model
from scenarios.engine.serving import InferenceRequest, estimate_inference
from tests.engine.test_cli import assert_one_line_error, run

H100 = ("--model", "llama-3.1-8b", "--hardware", "nvidia-h100-sxm")


def _json(*args):
    res = run("estimate", "inference", *args, "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_batch_max_reports_the_concurrency_it_chose_and_it_is_the_best():
    best = _json(*H100, "--batch", "max", "--prompt-tokens", "1000", "--output-tokens", "1000")
    c = best["inputs"]["batch"]
    assert 1 < c <= best["max_batch"] + 64          # paged KV of c sequences fits one replica
    for other in (c // 2, max(c // 8, 1)):
        d = _json(*H100, "--batch", str(other), "--prompt-tokens", "1000", "--output-tokens", "1000")
        assert d["throughput_tokens_per_s"] <= best["throughput_tokens_per_s"]


def test_batch_max_bad_word_is_a_one_line_error():
    assert_one_line_error(run("estimate", "inference", *H100, "--batch", "most"), "--batch")


def test_steady_state_throughput_counts_the_prefill_of_arriving_requests():
    """Each output token carries 1 + P/O tokens of work: long prompts bound output tokens/s by
    peak FLOP/s / (2 params (1 + P/O)), whatever the concurrency."""
    d = _json(*H100, "--batch", "32", "--prompt-tokens", "8000", "--output-tokens", "16")
    hw, m = get_hardware("nvidia-h100-sxm"), get_model("llama-3.1-8b")
    bound = hw.peak_tflops_fp16 * 1e12 / (2.0 * (m.active_params_b or m.params_b) * 1e9 * (1 + 8000 / 16))
    assert d["throughput_tokens_per_s_high"] <= bound
    assert d["tpot_ms"] > d["ttft_ms"] / 4          # a decode step carries prefill chunks too


def test_batch_one_is_one_request_alone():
    d = _json(*H100)
    assert d["throughput_tokens_per_s"] == pytest.approx(d["decode_tokens_per_s"], rel=1e-12)


def test_paged_kv_of_max_concurrency_fits_and_one_more_does_not():
    m = get_model("llama-3.1-8b")
    from scenarios.engine.memory import model_arrays
    ma = model_arrays([m])
    args = {"usable_bytes": 80e9, "overhead_bytes": 1e9, "devices": 1.0, "weights_bytes": 16e9, "act_bytes": 2.0,
            "prompt_tokens": 1000.0, "output_tokens": 1000.0, "kv_bits": 16.0}
    for rt in ("vllm", "tensorrt-llm"):
        c = batching.max_concurrency(ma, runtime=[rt], **args)[0]
        per_seq = batching.paged_kv_bytes(ma, 1000.0, 1000.0, 16.0, batching.RUNTIMES[rt].block_tokens)[0]
        assert 0 < c < batching.RUNTIMES[rt].max_sequences
        smaller = batching.max_concurrency(ma, runtime=[rt], **{**args, "usable_bytes": 80e9 - per_seq})[0]
        assert smaller == c - 1 or smaller == c      # one sequence less memory -> at most one fewer
    assert batching.paged_kv_bytes(ma, 1.0, 0.0, 16.0, 16)[0] == batching.paged_kv_bytes(ma, 16.0, 0.0, 16.0, 16)[0]


def test_python_api_accepts_max():
    est = estimate_inference(InferenceRequest(model="llama-3.1-8b", hardware="nvidia-h100-sxm", batch="max"))
    assert est.inputs["batch"] > 1


def test_throughput_rows_meet_the_calibration_targets():
    """Issue 11's targets on the collected rows: >= 60 rows, 6 devices, 3 runtimes, each sourced
    and dated; LOHO median |pred/meas - 1| <= 20 %, >= 80 % inside the band, band high/low <= 2.5."""
    from scenarios.calibration import throughput
    rows = pd.read_csv(throughput.THROUGHPUT_CSV)
    assert len(rows) >= 60 and rows["hardware"].nunique() >= 6 and rows["runtime"].nunique() >= 3
    assert rows["source_url"].str.startswith("http").all() and rows["date"].notna().all()
    f, lo_df = throughput.run_fit()
    table = throughput.per_hardware(lo_df, f["band"]).set_index("hardware")
    assert table.loc["all", "LOHO median abs err %"] <= 20.0
    assert table.loc["all", "inside band %"] >= 80.0
    assert f["band"][1] / f["band"][0] <= 2.5
    committed = json.loads(batching.FACTORS_PATH.read_text())
    assert committed["eta_kv"] == pytest.approx(f["eta_kv"]) and committed["band"] == pytest.approx(f["band"])
    assert np.isfinite(lo_df["loho_pred"]).all()
