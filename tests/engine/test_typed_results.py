"""The serving results are typed: one field list for the single estimate, the vectorised columns and
the CLI's JSON; errors travel as the VentureLabError objects the core raised; one replica rule and
one set of hardware classes."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json

import pandas as pd
import pytest

from scenarios.engine import catalog, serving, speed
from scenarios.engine.estimate import (
    INPUT_COLUMNS,
    OPTION_COLUMNS,
    OUTPUT_FIELDS,
    RECORD_COLUMNS,
    InferenceEstimate,
    ServingColumns,
)
from scenarios.engine.serving_core import serving_arrays
from scenarios.errors import VentureLabError


def _cli_json(*argv: str) -> dict:
    from scenarios.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["estimate", "inference", *argv, "--json"]) == 0
    return json.loads(out.getvalue())


def test_columns_estimate_and_cli_json_have_exactly_the_same_output_fields():
    columns = [f.name for f in dataclasses.fields(ServingColumns)]
    assert [c for c in columns if c not in (*INPUT_COLUMNS, *OPTION_COLUMNS, *RECORD_COLUMNS, "error")] == list(OUTPUT_FIELDS)
    estimate = [f.name for f in dataclasses.fields(InferenceEstimate)]
    assert estimate == [*OUTPUT_FIELDS, "inputs", "runtime", "assumptions"]
    d = _cli_json("--model", "llama-3-8b", "--hardware", "nvidia-l4")
    assert list(d) == [*OUTPUT_FIELDS, "inputs", "runtime", "assumptions"]


def test_estimate_is_a_frozen_dataclass_without_dynamic_attributes():
    e = serving.estimate_inference(serving.InferenceRequest("llama-3-8b", "nvidia-l4"))
    assert not hasattr(InferenceEstimate, "__getattr__") and not hasattr(e, "values")
    with pytest.raises(AttributeError):
        e.no_such_field  # noqa: B018 - the read itself is the test
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.fits = False
    assert isinstance(e.devices_needed, int) and isinstance(e.fits, bool) and isinstance(e.basis, str)


def test_core_columns_are_arrays_one_row_per_request():
    cols = serving_arrays(["llama-3-8b", "mistral-7b", "llama-3-8b"], "nvidia-l4", batch=[1, 2, 4])
    assert isinstance(cols, ServingColumns) and len(cols) == 3
    assert cols.batch.tolist() == [1.0, 2.0, 4.0] and cols.model.tolist() == ["llama-3-8b", "mistral-7b", "llama-3-8b"]
    assert (cols.decode_tokens_per_s[0] > cols.decode_tokens_per_s[2]) and cols.error.tolist() == [None] * 3


@pytest.mark.parametrize(("kw", "field", "got"), [
    ({"weights": "q3"}, "weights", "q3"),
    ({"hardware": "apple-m1-7c", "runtime": "tensorrt-llm"}, "runtime", "tensorrt-llm"),
    ({"model": "no-such-model"}, "model", "no-such-model"),
])
def test_estimate_inference_raises_the_cores_error_object_with_its_fields(kw, field, got):
    # A message rebuilt from text would lose ``got`` and ``accepted`` (they are not parsed back).
    args = {"model": "llama-2-7b", "hardware": "nvidia-h100-sxm", **kw}
    with pytest.raises(VentureLabError) as caught:
        serving.estimate_inference(serving.InferenceRequest(**args))
    err = caught.value
    assert type(err) is VentureLabError
    assert err.field == field and err.got == got and err.accepted
    core = serving_arrays(**args).error[0]
    assert type(core) is VentureLabError and (core.field, core.problem, core.got) == (err.field, err.problem, err.got)


def test_bad_rows_carry_error_objects_and_the_table_their_messages():
    cols = serving_arrays(["llama-2-7b", "nope", "llama-2-7b"], "nvidia-t4", batch=[1, 1, 0])
    assert cols.error[0] is None
    assert isinstance(cols.error[1], VentureLabError) and cols.error[1].field == "model"
    assert isinstance(cols.error[2], VentureLabError) and cols.error[2].field == "batch" and cols.error[2].got == 0
    table = serving.estimate_inference_table(pd.DataFrame({"model": ["llama-2-7b", "nope"],
                                                           "hardware": ["nvidia-t4", "nvidia-t4"]}))
    assert table["error"].tolist() == ["", str(serving_arrays("nope", "nvidia-t4").error[0])]


def test_one_replica_rule_for_devices_for_rate_and_the_scenario_capacity():
    est = serving.estimate_inference(serving.InferenceRequest("llama-3-8b", "nvidia-l4", batch=4))
    busy_s = est.ttft_ms / 1000 + 128 * est.tpot_ms / 1000
    assert serving.replica_requests_per_s(4, 128, est.ttft_ms, est.tpot_ms) == pytest.approx(4 / busy_s, rel=1e-12)
    rate = 10 * serving.replica_requests_per_s(4, 128, est.ttft_ms, est.tpot_ms)
    assert serving.devices_for_rate(est, rate * 0.999) == 10 * est.devices_needed
    assert serving.replica_requests_per_s(4, 0, None, None) == 0.0
    assert serving.devices_for_rate(est, 0) == 0


def test_hardware_classes_are_defined_once_in_the_catalog():
    assert speed.HW_CLASSES is catalog.HW_CLASSES


def test_cost_pages_read_estimate_fields_without_getattr_hedges():
    # Typed estimates make `getattr(estimate, "field", None)` dead weight that hides a renamed field.
    import ast
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "dashboard"
    files = [root / "cost_view.py", root / "cached" / "cost.py", root / "charts" / "cost.py",
             *sorted((root / "pages").glob("cost_*.py")), root / "pages" / "home.py"]
    hedges = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                    and len(node.args) == 3):
                hedges.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    assert hedges == []


def test_an_engine_error_survives_the_apps_pickling_cache_as_the_same_error():
    import pickle

    from scenarios.engine.serving import InferenceRequest, estimate_inference
    from scenarios.errors import VentureLabError

    with pytest.raises(VentureLabError) as info:
        estimate_inference(InferenceRequest("llama-2-7b", "apple-m1-7c", runtime="tensorrt-llm"))
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is VentureLabError and str(back) == str(info.value)
    assert (back.field, back.got, back.accepted) == ("runtime", "tensorrt-llm", info.value.accepted)
