"""Workload presets: each domain's typical tasks run through the cost engine and come back with
sane, ordered bands."""

from __future__ import annotations

import copy
import math

import pytest
import yaml

from scenarios.atlas.domains import DATA_DIR, DOMAIN_IDS, load_atlas
from scenarios.atlas.workloads import HOURS_PER_YEAR, load_presets, load_presets_from, run_preset
from scenarios.errors import VentureLabError

PRESET_IDS = sorted(load_presets())


def test_every_domain_has_presets_that_exist():
    presets = load_presets()
    atlas = load_atlas()
    for d in atlas.domains:
        assert d.presets, d.id
        assert all(p in presets and presets[p].domain == d.id for p in d.presets), d.id
        assert presets[d.headline_preset].kind != "api" and presets[d.headline_preset].price != "user-device"
    assert {p.domain for p in presets.values()} == set(DOMAIN_IDS)
    assert sorted(p for d in atlas.domains for p in d.presets) == PRESET_IDS


def test_presets_cover_the_issue_examples():
    """Issue 5 names these: clinical notes self-hosted vs API, imaging on a Jetson at a frame
    budget, fraud scoring on a CPU at a latency budget, driving perception on AGX Orin at 30 fps,
    an on-phone assistant."""
    p = load_presets()
    assert p["medical-notes-selfhosted"].kind == "llm" and p["medical-notes-api"].kind == "api"
    assert "jetson" in p["medical-imaging-jetson"].hardware and p["medical-imaging-jetson"].budget_latency_ms
    assert p["finance-fraud-cpu"].hardware == "raspberry-pi-5" and p["finance-fraud-cpu"].budget_latency_ms
    ad = p["ad-perception-agx"]
    assert ad.hardware == "nvidia-jetson-agx-orin-64gb" and ad.budget_latency_ms == pytest.approx(1000 / 30, abs=0.1)
    assert p["cs-assistant-phone"].hardware.startswith("qualcomm") and p["cs-assistant-phone"].price == "user-device"


@pytest.mark.parametrize("preset_id", PRESET_IDS)
def test_every_preset_runs_through_the_engine(preset_id):
    res = run_preset(preset_id)
    band = (res.usd_per_1k_tasks_low, res.usd_per_1k_tasks, res.usd_per_1k_tasks_high)
    assert all(math.isfinite(v) and v >= 0 for v in band)
    assert band[0] <= band[1] <= band[2]
    if res.preset.price == "user-device":
        assert band == (0.0, 0.0, 0.0)
    else:
        assert band[1] > 0
    if res.preset.kind != "api":
        lat = (res.latency_ms_low, res.latency_ms, res.latency_ms_high)
        assert all(v is not None and math.isfinite(v) and v > 0 for v in lat)
        assert lat[0] <= lat[1] <= lat[2]
        assert isinstance(res.meets_budget, bool)
    assert res.assumptions, "every figure says where it came from"


def test_api_preset_is_priced_from_the_price_list_by_hand():
    """gpt-4o-mini at $0.15 / M input and $0.60 / M output (data/prices, OpenAI list price as of
    2026-05-07): 1,000 tokens in + 200 out = 1000*0.15e-6 + 200*0.60e-6 = $0.00027 per summary,
    $0.27 per 1,000."""
    res = run_preset("nlp-summarise-api")
    assert res.usd_per_1k_tasks == pytest.approx(0.27, rel=1e-6)


def test_self_hosting_uses_the_engine_dollars_per_token():
    """$ per 1k tasks = engine $ per 1M output tokens x output tokens / 1000 (prefill included)."""
    from scenarios.engine.catalog import get_hardware
    from scenarios.engine.serving import InferenceRequest, estimate_inference

    preset = load_presets()["medical-notes-selfhosted"]
    res = run_preset(preset)
    est = estimate_inference(InferenceRequest(
        model=preset.model, hardware=preset.hardware, weights=preset.weights, batch=preset.batch,
        prompt_tokens=preset.prompt_tokens, output_tokens=preset.output_tokens,
        price_per_hour=res.usd_per_hour, utilisation=preset.utilisation))
    assert res.usd_per_1k_tasks == pytest.approx(est.usd_per_million_tokens * preset.output_tokens / 1000)
    assert res.usd_per_hour == pytest.approx(get_hardware(preset.hardware).usd_per_hour
                                             or res.usd_per_hour)


def test_owned_edge_board_is_amortised_over_its_life():
    """AGX Orin 64GB dev kit $1,999 (catalog purchase price) over 3 years of 8,760 h = $0.0761/h."""
    res = run_preset("ad-perception-agx")
    assert res.usd_per_hour == pytest.approx(1999 / (3 * HOURS_PER_YEAR), rel=1e-3)


def test_a_bigger_budget_is_easier_to_meet():
    import dataclasses

    p = load_presets()["ad-perception-agx"]
    loose = run_preset(dataclasses.replace(p, budget_latency_ms=1e6))
    assert loose.meets_budget is True and loose.meets_budget_worst_case is True
    tight = run_preset(dataclasses.replace(p, budget_latency_ms=1e-3))
    assert tight.meets_budget is False


def test_unknown_preset_is_refused():
    with pytest.raises(VentureLabError, match="preset"):
        run_preset("no-such-preset")


@pytest.mark.parametrize(("field", "value"), [("kind", "quantum"), ("batch", 0), ("price", "free"),
                                               ("domain", "space"), ("utilisation", 2.0)])
def test_bad_preset_file_is_refused(tmp_path, field, value):
    doc = yaml.safe_load((DATA_DIR / "domain_workloads.yaml").read_text(encoding="utf-8"))
    doc["presets"][0][field] = value
    path = tmp_path / "domain_workloads.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    with pytest.raises(VentureLabError, match=field):
        load_presets_from(path)


def test_a_preset_id_used_twice_is_refused(tmp_path):
    doc = yaml.safe_load((DATA_DIR / "domain_workloads.yaml").read_text(encoding="utf-8"))
    doc["presets"].append(copy.deepcopy(doc["presets"][0]))   # a copy, not shared objects: no YAML aliases
    path = tmp_path / "domain_workloads.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    with pytest.raises(VentureLabError, match=r"presets\[\d+\]\.id: is defined twice"):
        load_presets_from(path)
