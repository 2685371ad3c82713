"""What the CLI prints (scenarios/render.py): reports through the one set of formatters, JSON
with null for non-finite numbers, and the --from-csv shapes."""

from __future__ import annotations

import json
import math
import re

import pytest

from scenarios import render
from scenarios.engine.serving import InferenceRequest, estimate_inference
from scenarios.engine.training import TrainingRequest, estimate_training
from scenarios.units import fmt_number

EXPONENT = re.compile(r"\d[eE][+-]?\d")


@pytest.mark.parametrize("model, hardware", [("llama-3.1-8b", "nvidia-h100-sxm"),
                                             ("llama-3.2-1b", "raspberry-pi-5"),
                                             ("gemma-2-2b", "qualcomm-snapdragon-8-gen-3")])
def test_inference_report_has_no_exponents_and_names_every_speed_figure(model, hardware):
    d = estimate_inference(InferenceRequest(model=model, hardware=hardware, price_per_hour=2.0)).to_dict()
    text = render.inference_text(d)
    assert not EXPONENT.search(text), text
    for key in ("decode_tokens_per_s", "ttft_ms", "usd_per_million_tokens"):
        assert key in text
    assert fmt_number(d["decode_tokens_per_s"]) in text


def test_training_report_writes_compute_with_an_si_prefix():
    d = estimate_training(TrainingRequest(model="llama-3.1-8b", hardware="nvidia-h100-sxm", tokens=1e12,
                                          devices=64, price_per_hour=2.0)).to_dict()
    text = render.training_text(d)
    assert "ZFLOP" in text and not EXPONENT.search(text)
    assert "cost $" in text


def test_json_writes_non_finite_numbers_as_null():
    import numpy as np
    doc = json.loads(render.to_json({"a": math.nan, "b": [np.float64(math.inf), np.int64(3)], "c": (1.5,)}))
    assert doc == {"a": None, "b": [None, 3], "c": [1.5]}


def test_csv_lines_keep_row_numbers_and_errors():
    rec_ok = {"model": "m", "hardware": "h", "weights": "fp16", "batch": 1.0, "prompt_tokens": 512.0,
              "output_tokens": 128.0, "fits": True, "decode_tokens_per_s": 1234567.0,
              "prefill_tokens_per_s": 0.00001234, "usd_per_million_tokens": math.nan, "error": None}
    rec_bad = dict(rec_ok, error='model: unknown, "x"')
    lines = list(render.csv_text_lines([rec_ok, rec_bad]))
    assert lines[0].startswith("row,model,")
    assert lines[1].split(",")[8:11] == ["1234567", "0.00001234", ""]
    assert lines[2].endswith('"model: unknown, ""x"""')
