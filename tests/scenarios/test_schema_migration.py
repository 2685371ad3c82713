"""Older scenario files brought up to schema version 3 (scenarios.business.migration.migrate):
each field a version 1 or 2 file used lands where version 3 reads it, the serving target named by
its list index, the default batch of 8, and the refusals of versions this release cannot read."""

from __future__ import annotations

import pytest

from scenarios.business.migration import migrate
from scenarios.errors import VentureLabError

V1 = {
    "version": 1, "id": "old", "name": "Old",
    "traffic": {"requests_per_day": 100, "tokens_in": 900, "tokens_out": 90},
    "utilisation": 0.4, "fixed_costs_usd_month": 5000, "funding_usd": 70000,
    "targets": [{"kind": "api", "provider": "P"}, {"kind": "rented-gpu", "hardware": "h"},
                {"id": "mine", "kind": "owned-gpu", "batch": 4}],
    "serving_target_index": 1,
}


def test_a_version_1_file_reaches_version_3():
    d = migrate(V1)
    assert d["schema_version"] == 3 and "version" not in d
    assert d["traffic"] == {"requests_per_day": 100, "prompt_tokens": 900, "output_tokens": 90}
    assert d["operating"] == {"peak_load_share": 0.4}
    assert d["fixed_costs"] == {"other_usd_month": 5000}
    assert d["funding"] == {"cash_usd": 70000}
    assert [t["id"] for t in d["targets"]] == ["api-1", "rented-gpu-2", "mine"]
    assert [t["batch"] for t in d["targets"]] == [8, 8, 4]
    assert d["serving_target"] == "rented-gpu-2" and "serving_target_index" not in d
    assert V1["targets"][0] == {"kind": "api", "provider": "P"}                 # the caller's data untouched


@pytest.mark.parametrize("index, serving", [(0, "api-1"), (2, "mine"), (3, None), (-1, None), ("1", None)])
def test_the_serving_index_names_a_target_only_inside_the_list(index, serving):
    d = migrate({**V1, "serving_target_index": index})
    assert d.get("serving_target") == serving


def test_a_version_1_target_without_a_kind_and_one_that_is_not_a_mapping():
    d = migrate({"version": 1, "targets": [{"hardware": "h"}, "junk"]})
    assert d["targets"][0]["id"] == "target-1" and d["targets"][1] == "junk"
    assert "serving_target" not in migrate({"version": 1, "targets": ["junk"]})


@pytest.mark.parametrize("block, value, message", [
    ("targets", 7, "targets: must be a list (got 'int')"),
    ("traffic", [1], "traffic: must be a mapping (got 'list')"),
])
def test_a_version_1_block_of_the_wrong_shape_is_one_line(block, value, message):
    with pytest.raises(VentureLabError) as err:
        migrate({"version": 1, block: value})
    assert str(err.value) == message


def test_a_version_2_file_renames_utilisation_to_peak_load_share():
    d = migrate({"schema_version": 2, "operating": {"utilisation": 0.5, "pue": 1.2},
                 "uncertainty": {"utilisation": [0.3, 0.7]}, "targets": [{"id": "a"}, {"id": "b", "batch": 2}]})
    assert d["operating"] == {"peak_load_share": 0.5, "pue": 1.2}
    assert d["uncertainty"] == {"peak_load_share": [0.3, 0.7]}
    assert d["targets"] == [{"id": "a", "batch": 8}, {"id": "b", "batch": 2}]
    assert d["schema_version"] == 3


def test_version_3_and_non_mappings_pass_through():
    assert migrate({"schema_version": 3, "x": 1}) == {"schema_version": 3, "x": 1}
    assert migrate({"x": 1}) == {"x": 1}                              # no version: the current one
    assert migrate([1, 2]) == [1, 2]


@pytest.mark.parametrize("version, message", [
    (4, "schema_version: is not a version this release can read (got 4); accepted: 1, 2, 3"),
    (0, "schema_version: is not a version this release can read (got 0); accepted: 1, 2, 3"),
    ("2", "schema_version: must be a whole number (got '2')"),
    (True, "schema_version: must be a whole number (got True)"),
])
def test_unreadable_versions_are_refused(version, message):
    with pytest.raises(VentureLabError) as err:
        migrate({"schema_version": version})
    assert str(err.value) == message
