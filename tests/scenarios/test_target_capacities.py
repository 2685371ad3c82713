"""What the runner asks the engine for each target (scenarios.business.runner): the catalog checks
and their accepted lists, the notes a page shows under a target (a phone's battery use, a phone too
slow to read along, a model that needs more devices or memory), the fleet at the peak, and the
nameplate power defaults. Figures come from the engine's estimate of the same request."""

from __future__ import annotations

import pytest

from scenarios.business.runner import capacities, check_references, power_defaults
from scenarios.business.scenario import from_dict, load_preset
from scenarios.engine import catalog
from scenarios.engine.catalog import load_formats
from scenarios.errors import VentureLabError
from scenarios.units import fmt_plain
from tests.scenarios.conftest import golden_dict


def refusal(d) -> VentureLabError:
    with pytest.raises(VentureLabError) as err:
        check_references(from_dict(d))
    return err.value


def test_catalog_references_name_the_field_and_the_accepted_ids():
    d = golden_dict()
    d["model"] = "nope"
    err = refusal(d)
    assert str(err).startswith("model: is not in the model catalog (got 'nope'); accepted: bert-base, ")
    assert err.accepted == ", ".join(sorted(catalog.load_models()))
    d = golden_dict()
    d["targets"][3]["hardware"] = "nope"
    err = refusal(d)
    assert str(err).startswith("targets[3].hardware: is not in the hardware catalog (got 'nope'); accepted: ")
    assert err.accepted == ", ".join(sorted(catalog.load_hardware()))
    d = golden_dict()
    d["weights"] = "int3"
    assert str(refusal(d)) == f"weights: unknown weight format (got 'int3'); accepted: {', '.join(load_formats())}"


def test_api_targets_need_no_engine_capacity():
    s = load_preset("speech")
    assert sorted(capacities(s)) == ["phone", "rented-l4"]


def test_a_phone_that_keeps_up_shows_its_battery_use():
    s = load_preset("speech")
    phone = capacities(s)["phone"]
    assert phone.fits and phone.devices_at_peak is None
    battery = phone.engine["battery_pct_per_1k_tokens"]
    assert phone.note == f"{fmt_plain(battery, 2)}% battery per 1k tokens"
    assert phone.decode_tokens_per_s == phone.engine["decode_tokens_per_s"]


def test_a_phone_that_decodes_slower_than_reading_does_not_fit():
    s = load_preset("speech").replace(model="gemma-2-9b", weights="q8_0")
    phone = capacities(s)["phone"]
    rate = phone.engine["decode_tokens_per_s"]
    assert rate < 5.0 and not phone.fits
    assert phone.note == f"decodes {rate:.1f} tokens/s, under the 5 tokens/s reading floor"


def test_a_model_too_big_names_the_devices_or_the_memory_it_needs():
    d = golden_dict()
    d["model"], d["weights"] = "llama-3.3-70b", "fp16"
    d["targets"][1]["batch"] = 8
    caps = capacities(from_dict(d))
    rent, phone = caps["rent"], caps["phone"]
    assert not rent.fits and not phone.fits
    assert rent.note == (f"needs {rent.engine['devices_needed']} devices per replica "
                         f"({rent.engine['total_memory_gb']:.0f} GB)")
    have = catalog.load_hardware()["apple-a17-pro"].memory_gb
    assert phone.note == (f"does not fit: needs {phone.engine['total_memory_gb']:.0f} GB, "
                          f"the device has {fmt_plain(have, 3)} GB")


def test_the_fleet_at_the_peak_honours_min_replicas_and_skips_prefix_caching():
    s = load_preset("speech")
    replicas = capacities(s)["rented-l4"].devices_at_peak
    assert replicas >= 1
    d = s.to_dict()
    d["targets"][2]["min_replicas"] = replicas + 3
    assert capacities(from_dict(d))["rented-l4"].devices_at_peak == replicas + 3
    d["traffic"]["prefix_cache_hit"] = 0.2
    assert capacities(from_dict(d))["rented-l4"].devices_at_peak is None


def test_power_defaults_are_the_catalogs_nameplate_watts():
    hw = catalog.load_hardware()
    s = load_preset("speech")
    assert power_defaults(s) == {"phone": float(hw[s.target("phone").hardware].tdp_w),
                                 "rented-l4": float(hw[s.target("rented-l4").hardware].tdp_w)}
