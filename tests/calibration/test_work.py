"""One work model: the fit divides by exactly the FLOPs and bytes the estimate divides by.

Each used calibration row is the serving request it measured; the work arrays the fit uses must
equal what the public serving call (and the CLI's ``--json``) computes for that request.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from scenarios.calibration.rows import DEFAULT_CONTEXT_TOKENS, catalogs, load_rows
from scenarios.calibration.work import build_work, row_request, served_work
from scenarios.engine.catalog import get_model
from scenarios.engine.serving import InferenceRequest, estimate_inference
from scenarios.errors import VentureLabError

# fit's work array -> the estimate's output field
WORK_FIELDS = {"p_flops": "prefill_flops", "d_flops": "decode_flops_per_token",
               "wbytes": "weight_bytes_per_step", "kvb": "kv_bytes_per_token_read"}


@pytest.fixture(scope="module")
def work():
    hw, models = catalogs()
    return build_work(load_rows(), hw, models)


def _request(r) -> InferenceRequest:
    q = row_request(r)
    return InferenceRequest(q["model"], q["hardware"], weights=q["weights"], kv_cache=q["kv_cache"],
                            runtime=q["runtime"], batch=int(q["batch"]), prompt_tokens=int(q["prompt_tokens"]),
                            output_tokens=int(q["output_tokens"]))


def test_fit_work_equals_served_work_for_every_used_row(work):
    rows = work["rows"]
    assert len(rows) == int(load_rows()["use"].sum()) > 100
    for i, r in enumerate(rows.to_dict("records")):
        est = estimate_inference(_request(r))
        for key, field in WORK_FIELDS.items():
            assert work[key][i] == pytest.approx(getattr(est, field), rel=1e-9, abs=0.0), (i, r["model_id"], field)
        assert work["batch"][i] == est.inputs["batch"]
        assert work["layers"][i] == get_model(r["model_id"]).layers


def test_fit_work_equals_the_cli_json(work, capsys):
    """The gpt-oss-20b pp2048 row on the RTX 3090 through `venture-lab estimate inference --json`."""
    from scenarios.cli import main
    rows = work["rows"]
    i = int(np.nonzero((rows["model_id"] == "gpt-oss-20b") & (rows["hardware"] == "nvidia-rtx-3090")
                       & (rows["prompt_tokens"] == 2048))[0][0])
    q = row_request(rows.iloc[i])
    assert main(["estimate", "inference", "--model", q["model"], "--hardware", q["hardware"], "--weights",
                 q["weights"], "--kv-cache", q["kv_cache"], "--runtime", q["runtime"], "--batch", "1",
                 "--prompt-tokens", "2048", "--output-tokens", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key, field in WORK_FIELDS.items():
        assert work[key][i] == pytest.approx(out[field], rel=1e-9, abs=0.0), field


def test_sliding_windows_reach_the_fit(work):
    # gpt-oss-20b (OpenAI model card arXiv:2508.10925; config: 24 layers, 8 KV heads x 64, layers
    # alternate a 128-token banded window and full attention): one token after a 2,048-token prompt
    # reads 12 layers x 2,049 tokens + 12 layers x 128 tokens of fp16 K and V, 0.53x a count that
    # ignores the window.
    rows = work["rows"]
    i = np.nonzero((rows["model_id"] == "gpt-oss-20b") & (rows["prompt_tokens"] == 2048))[0]
    assert len(i) == 2
    expected = 2 * 8 * 64 * 2.0 * (12 * 2049 + 12 * 128)
    assert work["kvb"][i] == pytest.approx(expected, rel=1e-9)
    assert np.all(work["kvb"][i] < 0.55 * 2 * 8 * 64 * 2.0 * 24 * 2049)


def test_rows_without_lengths_decode_over_a_128_token_mean_context(work):
    # Llama 3.2 3B (28 layers, 8 KV heads x 128) on the Jetson rows: no prompt, 256 generated tokens,
    # fp16 KV read at the mean of contexts 1..256 = 128.5 tokens
    rows = work["rows"]
    i = np.nonzero(rows["prompt_tokens"].isna() & (rows["model_id"] == "llama-3.2-3b"))[0]
    assert len(i) >= 1
    assert np.all(work["prompt"][i] == 0) and np.all(work["output"][i] == 2 * DEFAULT_CONTEXT_TOKENS)
    assert work["kvb"][i] == pytest.approx(2 * 28 * 8 * 128 * 2.0 * 128.5, rel=1e-9)


def test_tensorrt_fp8_rows_read_an_fp8_kv_cache(work):
    rows = work["rows"]
    fp8 = ((rows["format_id"] == "fp8") & (rows["runtime"] == "tensorrt-llm")).to_numpy()
    assert fp8.any() and (~fp8).any()
    assert {row_request(r)["kv_cache"] for r in rows[fp8].to_dict("records")} == {"fp8"}
    assert {row_request(r)["kv_cache"] for r in rows[~fp8].to_dict("records")} == {"fp16"}


def test_a_request_serving_refuses_is_an_error():
    with pytest.raises(VentureLabError, match="runtime"):
        served_work("llama-2-7b", "apple-m1-7c", "q4_0", "fp16", "tensorrt-llm", 1, 512, 0)
