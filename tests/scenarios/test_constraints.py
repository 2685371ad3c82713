"""Schema version 3 and verdicts that respect the workload's limits and constraints, through
scenario files and the `venture-lab scenario run --json` command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from scenarios.business import economics as ec
from scenarios.business.constraints import DEPLOYMENT_KINDS
from scenarios.business.scenario import PRESET_DIR, load_preset, parse_text, preset_ids, to_yaml
from scenarios.errors import VentureLabError
from tests.scenarios.conftest import golden_capacities, golden_dict


def _cli_run(path) -> dict:
    out = subprocess.run([sys.executable, "-m", "scenarios.cli", "scenario", "run", str(path), "--json"],
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)


def _evaluate(d: dict, *, engine: bool = False):
    """Figures with hand-made capacities, or the engine's (which carry latency) with ``engine``."""
    from scenarios.business.runner import capacities

    s = parse_text(yaml.safe_dump(d))
    return s, ec.evaluate(s, capacities(s) if engine else golden_capacities())


def _option(result, target_id: str):
    return next(o for o in result.options if o.target_id == target_id)


def _recommended_label(verdict: dict) -> str | None:
    """The option a verdict tells the founder to serve on today."""
    p = verdict["params"]
    return {"api_always": p.get("api"), "api_until": p.get("api"), "self_now": p.get("option"),
            "self_free": p.get("option"), "cheapest": p.get("option")}.get(verdict["kind"])


def test_version_2_file_migrates_peak_headroom_and_saves_as_version_3():
    v2 = golden_dict()
    v2["schema_version"] = 2
    v2["operating"]["utilisation"] = v2["operating"].pop("peak_load_share")
    v2["uncertainty"] = {"utilisation": [0.3, 0.7]}
    s = parse_text(yaml.safe_dump(v2))
    assert s.schema_version == 3
    assert s.operating.peak_load_share == 0.5 and s.uncertainty.peak_load_share == (0.3, 0.7)
    assert s.constraints.deployment == "cloud" and s.traffic.prefix_cache_hit == 0.0
    saved = yaml.safe_load(to_yaml(s))
    assert saved["schema_version"] == 3 and "utilisation" not in saved["operating"]


def test_a_zero_latency_limit_is_refused_by_name():
    d = golden_dict()
    d["limits"] = {"ttft_ms_p90": 0}
    with pytest.raises(VentureLabError, match=r"limits\.ttft_ms_p90"):
        parse_text(yaml.safe_dump(d))


def test_autonomous_driving_recommends_the_on_vehicle_option():
    """Its description: the cloud round trip is too slow to brake on."""
    d = _cli_run(PRESET_DIR / "autonomous-driving.yaml")
    options = {o["target_id"]: o for o in d["options"]}
    assert _recommended_label(d["verdict"]) == options["edge-agx-orin"]["label"], d["verdict"]["text"]
    assert options["rented-l4"]["unmet"] == ["deployment: on-device"]
    assert options["edge-agx-orin"]["unmet"] == []


@pytest.mark.parametrize("pid", preset_ids())
def test_every_presets_recommended_option_meets_its_constraints(pid):
    from scenarios.business.runner import capacities, power_defaults

    s = load_preset(pid)
    result = ec.evaluate(s, capacities(s), power_defaults(s))
    label = _recommended_label({"kind": result.verdict.kind, "params": result.verdict.params})
    assert label is not None, result.verdict.text
    chosen = next(o for o in result.options if o.label == label)
    assert chosen.unmet == () and chosen.feasible
    assert chosen.kind in DEPLOYMENT_KINDS[s.constraints.deployment]


def test_api_without_a_sourced_latency_is_latency_unknown_and_not_recommended():
    d = golden_dict()
    d["targets"] = [t for t in d["targets"] if t["id"] in ("api", "rent")]
    d["limits"] = {"tpot_ms": 200}   # reading speed, as the phone's floor (runner.py)
    _, r = _evaluate(d, engine=True)
    assert _option(r, "api").unmet == ("latency unknown",)
    assert r.verdict.kind == "cheapest" and r.verdict.params["option"] == _option(r, "rent").label
    d["targets"][0]["latency"] = {"tpot_ms": 5, "source": "provider's status page, 2026-11"}
    _, r = _evaluate(d)
    assert _option(r, "api").unmet == ()
    # an unsourced figure counts for nothing
    d["targets"][0]["latency"] = {"tpot_ms": 5}
    _, r = _evaluate(d)
    assert _option(r, "api").unmet == ("latency unknown",)


def test_when_no_option_meets_the_constraints_the_verdict_says_so():
    d = golden_dict()
    d["targets"] = [t for t in d["targets"] if t["id"] in ("api", "rent")]
    d["constraints"] = {"deployment": "on-device"}
    _, r = _evaluate(d)
    assert all(o.unmet == ("deployment: on-device",) for o in r.options)
    assert r.verdict.kind == "none_meets" and "deployment: on-device" in r.verdict.text


def test_region_constraint_needs_a_stated_matching_region():
    d = golden_dict()
    d["constraints"] = {"region": "EU"}
    d["targets"][0]["region"] = "us-east-1"
    d["targets"][1]["region"] = "eu"
    _, r = _evaluate(d)
    assert _option(r, "api").unmet == ("region: EU (us-east-1)",)
    assert _option(r, "rent").unmet == ()
    assert _option(r, "own").unmet == ("region: EU (region not stated)",)
    assert _option(r, "phone").unmet == ()          # where its user is


def test_prefix_cache_hit_bills_the_cached_input_price():
    d = golden_dict()
    d["traffic"]["prefix_cache_hit"] = 0.5
    d["targets"][0]["usd_per_m_cached_input"] = 0.1
    _, r = _evaluate(d)
    # 1000 prompt tokens: half at 0.5, half cached at 0.1 USD/M; 200 output tokens at 1.5 USD/M
    assert _option(r, "api").usd_per_request == pytest.approx((500 * 0.5 + 500 * 0.1 + 200 * 1.5) / 1e6)


def test_prefix_cache_hit_shortens_self_hosted_prefill():
    from scenarios.business.runner import capacity

    d = golden_dict()
    s0 = parse_text(yaml.safe_dump(d))
    d["traffic"]["prefix_cache_hit"] = 0.9
    s1 = parse_text(yaml.safe_dump(d))
    assert capacity(s1, s1.target("rent")).requests_per_s > capacity(s0, s0.target("rent")).requests_per_s


def test_owned_server_is_priced_per_node():
    d = golden_dict()
    own = d["targets"][2]
    own.pop("purchase_usd")
    own.update(devices_per_replica=8, node_purchase_usd=288_000)
    s, r = _evaluate(d)
    energy_usd = 700 * 1.5 * ec.HOURS_PER_MONTH * 0.1 / 1000
    assert ec.replica_usd_month(s, s.target("own")) == pytest.approx(288_000 / 36 + 8 * (100 + energy_usd))
