"""The rules across a scenario's fields (scenarios.business.scenario._check_rules via from_dict):
each broken rule is refused with the one line a page or the CLI shows, naming the field to fix and,
where there is a choice, what is accepted; the combinations the rules allow are accepted."""

from __future__ import annotations

import pytest

from scenarios.business.scenario import MAX_TARGETS, from_dict, load_preset
from scenarios.errors import VentureLabError
from tests.scenarios.conftest import golden_dict


def _many_targets(d):
    d["targets"] = [dict(d["targets"][0], id=f"a{i}") for i in range(MAX_TARGETS + 1)]
    d["serving_target"] = "a0"


def _node_priced_owned(d):
    d["targets"][2].pop("purchase_usd")
    d["targets"][2]["node_purchase_usd"] = 200_000


BROKEN = [
    (lambda d: d.update(name="   "), "name: must not be blank"),
    (lambda d: d.update(targets=[]), "targets: needs at least one target; accepted: api, rented-gpu, owned-gpu, edge, phone"),
    (_many_targets, "targets: at most 8 targets (got 9)"),
    (lambda d: d["targets"].append(dict(d["targets"][0])),
     "targets: target ids must be unique (got 'api, rent, own, phone, api')"),
    (lambda d: d.update(serving_target="nope"),
     "serving_target: names no target of this scenario (got 'nope'); accepted: api, rent, own, phone"),
    (lambda d: d["traffic"].update(output_tokens=0),
     "traffic.output_tokens: must be at least 1 for an llm workload (got 0)"),
    (lambda d: d.update(pricing={"model": "per-request"}),
     "pricing.usd_per_request: is required when pricing.model is per-request"),
    (lambda d: d.update(pricing={"model": "subscription"}),
     "pricing.usd_per_user_month: is required when pricing.model is subscription"),
    (lambda d: d.update(uncertainty={"traffic": [1.5, 1.2]}), "uncertainty.traffic: low must not exceed high (got [1.5, 1.2])"),
    (lambda d: d.update(uncertainty={"peak_load_share": [0.9, 0.5]}),
     "uncertainty.peak_load_share: low must not exceed high (got [0.9, 0.5])"),
    (lambda d: d["targets"][0].pop("usd_per_m_output"),
     "targets[0].usd_per_m_input: an llm api target needs usd_per_m_input and usd_per_m_output"),
    (lambda d: d["targets"][0].pop("usd_per_m_input"),
     "targets[0].usd_per_m_input: an llm api target needs usd_per_m_input and usd_per_m_output"),
    (lambda d: d["targets"][1].pop("hardware"), "targets[1].hardware: is required for a rented-gpu target"),
    (lambda d: d["targets"][3].pop("hardware"), "targets[3].hardware: is required for a phone target"),
    (lambda d: d["targets"][1].pop("usd_per_hour"), "targets[1].usd_per_hour: is required for a rented-gpu target"),
    (lambda d: d["targets"][2].pop("purchase_usd"),
     "targets[2].purchase_usd: a owned-gpu target needs purchase_usd (per device) or node_purchase_usd (per server)"),
    (lambda d: d.update(limits={"tpot_ms": 0}), "limits.tpot_ms: must be above 0 ms (or left out) (got 0.0)"),
    (lambda d: d["targets"][0].update(latency={"e2e_ms_p90": 0}),
     "targets[0].latency.e2e_ms_p90: must be above 0 ms (or left out) (got 0.0)"),
]


@pytest.mark.parametrize("change, message", BROKEN)
def test_each_broken_rule_names_the_field(change, message):
    d = golden_dict()
    change(d)
    with pytest.raises(VentureLabError) as err:
        from_dict(d)
    assert str(err.value) == message


@pytest.mark.parametrize("change", [
    _node_priced_owned,                                              # a server's price instead of a device's
    lambda d: d.update(targets=d["targets"][:MAX_TARGETS]),
    lambda d: d.update(pricing={"model": "per-request", "usd_per_request": 0.01}),
    lambda d: d.update(uncertainty={"traffic": [1.0, 1.0]}),         # a band of one value
    lambda d: d.update(limits={"tpot_ms": 0.001}),
])
def test_what_the_rules_allow(change):
    d = golden_dict()
    change(d)
    assert from_dict(d).id == "golden"


def test_per_input_api_targets_are_priced_per_request():
    v = load_preset("vision").to_dict()
    v["targets"].append({"id": "api", "kind": "api", "provider": "P", "api_model": "m", "as_of": "2026",
                         "source": "s"})
    with pytest.raises(VentureLabError) as err:
        from_dict(v)
    assert str(err.value) == "targets[2].usd_per_request: a per-input api target needs it"
    v["targets"][2]["usd_per_request"] = 0.001                        # token prices are not asked for
    assert from_dict(v).targets[2].usd_per_request == 0.001
    edge = load_preset("vision").to_dict()
    edge["targets"][0].pop("purchase_usd")
    with pytest.raises(VentureLabError, match=r"^targets\[0\]\.purchase_usd: a edge target needs purchase_usd"):
        from_dict(edge)


def test_an_unknown_preset_lists_the_presets():
    with pytest.raises(VentureLabError) as err:
        load_preset("nope")
    assert str(err.value) == ("preset: no such preset (got 'nope'); accepted: autonomous-driving, customer-service, "
                              "finance, games, medical, nlp, recommendation, speech, vision")
