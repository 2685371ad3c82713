"""Every estimate carries its assumptions as one record type, written out as plain dicts with a
name, value, unit and source (the provenance the Methodology page and the CLI's JSON show)."""

from __future__ import annotations

import json

from scenarios.engine import serving, training


def test_serving_and_training_share_one_assumption_type():
    assert serving.Assumption is training.Assumption


def test_result_dicts_carry_assumptions_as_plain_dicts():
    est = serving.estimate_vision("resnet-50", "nvidia-t4")
    tr = training.estimate_training(training.TrainingRequest("llama-2-7b", "nvidia-h100-sxm", 1e9, devices=8))
    for d in (est.to_dict(), tr.to_dict()):
        assert isinstance(d["assumptions"], list) and d["assumptions"]
        assert set(d["assumptions"][0]) == {"name", "value", "unit", "source"}
        json.dumps(d, default=str)
