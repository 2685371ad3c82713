"""Bands that mean what they say (issue 10): fitted on held-out residuals per group so that about
85 % of held-out rows fall inside, calibrated or fallback, without fallback bands ~9x wide."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from scenarios.calibration.bands import band_from, coverage_table

ROOT = Path(__file__).resolve().parents[2]


def test_every_group_and_class_holds_its_held_out_rows(fresh_fit):
    factors, rep = fresh_fit
    cov = coverage_table(rep["loho"], factors)
    cov["group"] = cov["hw_class"] + "|" + cov["runtime"]
    for cls, inside in cov.groupby("hw_class")["inside"].mean().items():
        assert inside >= 0.80, (cls, inside)
    for (g, cal), d in cov.groupby(["group", "calibrated"]):
        assert d["inside"].mean() >= 0.80, (g, cal, d["inside"].mean())
        # the phone paths miss the <= 2 target (their held-out spread is 0.7x-2.6x on the CPU path):
        # docs/methodology.md's per-class table states it (scenarios/calibration/classes.py), and the
        # phone bands are drawn from the phone rows alone, so they widen no other group's band
        if cal and not g.startswith("phone|"):
            assert d["high_over_low"].median() <= 2.0, (g, d["high_over_low"].median())
    fb = cov[~cov["calibrated"]]
    # fallback: decode within 3x; prefill wider (its fallback errors span 0.6x-3.6x, see
    # docs/methodology.md), yet far from the symmetric 9.4x band it replaces
    assert fb[fb["kind"] != "prefill"]["high_over_low"].max() <= 3.0
    assert fb["high_over_low"].median() <= 3.0
    assert fb["high_over_low"].max() <= 7.0


def test_band_from_is_split_conformal_and_contains_the_estimate():
    lr = np.linspace(-0.3, 0.3, 19)
    lo, hi = band_from(lr)
    # floor(20 * 0.075) = 1st and ceil(20 * 0.925) = 19th of 19: the extremes
    assert np.isclose(np.log(lo), -0.3) and np.isclose(np.log(hi), 0.3)
    lo, hi = band_from(np.array([0.4, 0.5, 0.6]))     # all on one side: the estimate stays inside
    assert lo < 1.0 < hi


def test_fallback_prefill_band_is_not_nine_times_wide_on_the_cli():
    """A device class without rows (TPU, vLLM) takes the fallback band: 9.4x wide on prefill before
    (symmetric at the widest side), now the central held-out range of the rows predicted from
    borrowed factors with a floor on the side they never reached."""
    res = subprocess.run([sys.executable, "-m", "scenarios.cli", "estimate", "inference", "--model", "llama-3-8b",
                          "--hardware", "google-tpu-v5e", "--prompt-tokens", "2k", "--output-tokens", "100", "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["calibrated"] is False
    assert d["ttft_ms_low"] <= d["ttft_ms"] <= d["ttft_ms_high"]
    assert d["ttft_ms_high"] / d["ttft_ms_low"] <= 7.0
    assert d["decode_tokens_per_s_high"] / d["decode_tokens_per_s_low"] <= 2.5
