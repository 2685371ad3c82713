"""Extreme but valid inputs (huge token counts, batch up to 4096, every format, every device):
the engine either answers with finite, non-negative numbers or raises the project's error.

``largest_model_that_fits(prompt_tokens=1_000_000, output_tokens=1_000_000)`` finds no LLM with a
context that long; the core must still answer (an empty model list gives bool columns, since ``~``
on an empty float array raises ``TypeError``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.engine.catalog import load_formats, load_hardware, load_models
from scenarios.errors import VentureLabError
from scenarios.engine.memory import model_arrays
from scenarios.engine.serving import OUTPUT_FIELDS, estimate_inference_table, largest_model_that_fits
from scenarios.engine.serving_core import serving_arrays

LLMS = sorted(m.id for m in load_models().values() if m.kind == "decoder-llm")
HWS = sorted(load_hardware())
FMTS = sorted(load_formats())
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOKENS = st.one_of(st.integers(0, 100_000_000), st.sampled_from([0, 1, 1_000_000, 10_000_000, 100_000_000]))
BATCH = st.one_of(st.integers(1, 4096), st.sampled_from([1, 4096]))
NON_NUMERIC = {"fits", "within_context", "calibrated", "basis", "bound_prefill", "bound_decode"}


PREFILL = ("prefill_tokens_per_s", "ttft_ms", "arithmetic_intensity_prefill")
DECODE = ("decode_tokens_per_s", "throughput_tokens_per_s", "tpot_ms", "energy_j_per_token")
PRICED = ("usd", "price", "battery", "co2")     # NaN where the catalog has no price / no battery


def _check_numbers(values: dict, prompt: float, output: float) -> None:
    """Finite and >= 0; NaN only where documented as "not meaningful" (serving_arrays docstring):
    no prompt -> no prefill figures, no output -> no decode figures, no catalog price/battery."""
    for k, v in values.items():
        if k in NON_NUMERIC or v is None or isinstance(v, (str, bool, np.bool_)):
            continue
        x = float(v)
        if math.isnan(x):
            assert (any(w in k for w in PRICED) or (prompt == 0 and k.startswith(PREFILL))
                    or (output == 0 and k.startswith(DECODE))), (k, prompt, output)
            continue
        assert x >= 0 and math.isfinite(x), (k, x)


def test_million_token_prompt_and_output_does_not_crash():
    out = largest_model_that_fits("nvidia-h100-sxm", prompt_tokens=1_000_000, output_tokens=1_000_000)
    assert out == []                          # no catalog LLM has a 2M-token context


def test_empty_model_list_gives_bool_columns():
    m = model_arrays([])
    assert m.token_model.dtype == bool and m.tied.dtype == bool
    assert serving_arrays([], "nvidia-h100-sxm").error.shape == (0,)


def test_largest_model_accepts_text_numbers_like_the_other_entry_points():
    assert largest_model_that_fits("nvidia-h100-sxm", prompt_tokens="4k", output_tokens="1k") == \
        largest_model_that_fits("nvidia-h100-sxm", prompt_tokens=4000, output_tokens=1000)


@pytest.mark.parametrize("bad", [{"prompt_tokens": -1}, {"output_tokens": 1e12}, {"devices": 0},
                                 {"prompt_tokens": float("nan")}, {"prompt_tokens": "1e400"}])
def test_largest_model_bad_numbers_raise_the_project_error(bad):
    with pytest.raises(VentureLabError):
        largest_model_that_fits("nvidia-h100-sxm", **bad)


@SETTINGS
@given(st.sampled_from(HWS), st.sampled_from([None, *FMTS]), TOKENS, TOKENS, st.integers(1, 4096))
def test_largest_model_that_fits_extremes(hw, fmt, prompt, output, devices):
    try:
        rows = largest_model_that_fits(hw, weights=fmt, prompt_tokens=prompt, output_tokens=output, devices=devices)
    except VentureLabError:
        return
    for r in rows:
        assert r.fits and r.within_context
        _check_numbers({k: getattr(r, k) for k in OUTPUT_FIELDS}, prompt, output)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(LLMS), st.sampled_from(HWS), st.sampled_from(FMTS), BATCH, TOKENS,
                          TOKENS, st.integers(1, 4096)), min_size=1, max_size=8))
def test_inference_table_extremes(rows):
    df = pd.DataFrame(rows, columns=["model", "hardware", "weights", "batch", "prompt_tokens", "output_tokens",
                                     "devices"])
    try:
        out = estimate_inference_table(df)
    except VentureLabError:
        return
    assert len(out) == len(df)
    for _, row in out[out["error"] == ""].iterrows():
        _check_numbers({k: row[k] for k in OUTPUT_FIELDS}, row["prompt_tokens"], row["output_tokens"])
