"""The helpers extracted from duplicated code keep the old behaviour at every call site."""

from __future__ import annotations

import json

import pytest

from scenarios.engine import serving, training
from scenarios.engine.catalog import get_hardware, get_model
from scenarios.errors import VentureLabError


def test_serving_and_training_share_one_assumption_type():
    assert serving.Assumption is training.Assumption


def test_result_dicts_carry_assumptions_as_plain_dicts():
    est = serving.estimate_vision("resnet-50", "nvidia-t4")
    tr = training.estimate_training(training.TrainingRequest("llama-2-7b", "nvidia-h100-sxm", 1e9, devices=8))
    for d in (est.to_dict(), tr.to_dict()):
        assert isinstance(d["assumptions"], list) and d["assumptions"]
        assert set(d["assumptions"][0]) == {"name", "value", "unit", "source"}
        json.dumps(d, default=str)


@pytest.mark.parametrize("text", ["llama-2-7b", "  llama-2-7b ", "LLAMA-2-7B"])
def test_catalog_ids_match_exactly_or_lower_cased(text):
    assert get_model(text).id == "llama-2-7b"
    assert get_hardware(text.replace("llama-2-7b", "nvidia-t4").replace("LLAMA-2-7B", "NVIDIA-T4")).id == "nvidia-t4"


@pytest.mark.parametrize("bad", ["", None, "llama-2-7", "nvidia"])
def test_unknown_ids_still_raise(bad):
    with pytest.raises(VentureLabError):
        get_model(bad)
    with pytest.raises(VentureLabError):
        get_hardware(bad)


def test_sweep_points_concatenates_rows_and_reports_progress():
    from models.overfitting import sweep_points
    seen = []
    rows = sweep_points([1, 2, 3], lambda p: [{"p": p}] * p, seen.append)
    assert [r["p"] for r in rows] == [1, 2, 2, 3, 3, 3]
    assert seen == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert sweep_points([], lambda p: [p]) == []
