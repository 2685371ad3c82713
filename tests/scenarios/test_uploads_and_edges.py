"""Edges the pages meet: an uploaded model config's name and size refusal, a device file kept as
readable UTF-8, a free API that no self-hosted option can beat, the fan chart's first month, and a
replica that serves nothing sized without a warning."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from scenarios.business.economics import cost_models, evaluate, replicas_needed
from scenarios.business.results import Capacity
from scenarios.business.scenario import from_dict
from scenarios.business.store import MAX_CONFIG_BYTES, DeviceStore, model_from_upload
from scenarios.business.uncertainty import monte_carlo
from scenarios.errors import VentureLabError
from tests.scenarios.conftest import golden_capacities, golden_dict
from tests.scenarios.test_store import CONFIG


def test_an_uploaded_config_is_named_after_its_model_path_then_its_type():
    named = {**CONFIG, "_name_or_path": "Org/My-Model 7B"}
    assert model_from_upload(json.dumps(named).encode(), "config.json").name == "org-my-model-7b"
    assert model_from_upload(json.dumps(named).encode(), "tiny.json").name == "tiny"     # the file's own name first
    untyped = {k: v for k, v in CONFIG.items() if k != "model_type"}
    assert model_from_upload(json.dumps(untyped).encode(), "config.json").name == "uploaded-model"
    assert model_from_upload(json.dumps(CONFIG).encode(), "!!!.json").name == "uploaded-model"


def test_an_oversized_config_names_its_size_and_the_limit():
    data = b"{" + b" " * 300_000 + b"}"
    with pytest.raises(VentureLabError) as err:
        model_from_upload(data, "config.json")
    assert str(err.value) == (f"config.json: is 300 kB; a model config is a few kB; accepted: files under "
                              f"{MAX_CONFIG_BYTES // 1000} kB")


def test_a_device_file_keeps_its_name_as_written(tmp_path):
    devices = DeviceStore(tmp_path)
    device_id = devices.save({"name": "Mäin Board", "memory_gb": 16.0, "memory_bandwidth_gb_s": 100.0,
                              "peak_tflops_fp16": 20.0})
    assert "name: Mäin Board" in (tmp_path / f"{device_id}.yaml").read_text(encoding="utf-8")


def test_a_free_api_is_never_beaten_by_self_hosting():
    d = golden_dict()
    d["targets"] = d["targets"][:3]
    d["targets"][0].update(usd_per_m_input=0, usd_per_m_output=0)
    r = evaluate(from_dict(d), golden_capacities())
    assert {o.target_id: o.break_even_requests_month for o in r.options} == {"api": None, "rent": None, "own": None}
    assert r.verdict.kind == "api_always"


def test_the_fan_charts_first_month_is_this_months_band():
    d = golden_dict()
    d["serving_target"] = "api"                              # a cost that moves with every draw
    d["traffic"]["monthly_growth"] = 0.05
    s = from_dict(d)
    mc = monte_carlo(s, cost_models(s, golden_capacities()), n=2000, seed=1)
    assert mc.fan_months[:2] == (0, 1) and len(mc.fan_cost) == 25
    assert mc.fan_cost[0].as_tuple() == pytest.approx(mc.cost_usd_month.as_tuple(), rel=1e-12)
    assert mc.fan_cost[1].expected == pytest.approx(mc.cost_usd_month.expected * 1.05, rel=1e-12)


def test_a_replica_that_serves_nothing_is_sized_without_a_warning():
    s = from_dict(golden_dict())
    idle = cost_models(s, {**golden_capacities(), "rent": Capacity("rent", 0.0, 0.0, 0.0, 1, True)})["rent"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        n = replicas_needed(idle, np.array([0.0, 1e6]), 2.0, 0.5)
    assert np.isinf(n).all()


def test_the_folder_device_store_refuses_team_mode_and_reports_a_misnamed_file(tmp_path):
    devices = DeviceStore(tmp_path)
    board = {"name": "Mine", "memory_gb": 16.0, "memory_bandwidth_gb_s": 100.0, "peak_tflops_fp16": 20.0}
    with pytest.raises(VentureLabError, match="^VENTURE_LAB_STORE_URL: team mode keeps owners in the SQL store"):
        devices.save(board, user="alice")
    devices.save(board)
    text = (tmp_path / "custom-mine.yaml").read_text(encoding="utf-8")
    (tmp_path / "custom-copy.yaml").write_text(text, encoding="utf-8")       # custom-mine's content, renamed
    listing = devices.list()
    assert list(listing.paths) == ["custom-mine"]
    assert listing.errors == {"custom-copy.yaml": "id: must match the file name (got 'custom-mine'); "
                                                  "accepted: custom-copy"}


def test_a_language_without_a_text_falls_back_to_english():
    from scenarios.business.labels import label

    assert label("assume.model", "fr") == "Model / weights"
    assert label("no.such.key", "zh") == "no.such.key"


def test_a_fully_cached_prompt_is_planned_just_under_a_full_hit():
    from scenarios.business.planned import plan_request

    d = golden_dict()
    d["traffic"]["prefix_cache_hit"] = 1.0
    s = from_dict(d)
    assert plan_request(s, s.target("rent")).prefix_cache_hit == 0.999
