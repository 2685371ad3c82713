"""The scenario file: presets validate and round-trip; hostile or broken files are refused with
the field named; saves are atomic and never overwrite silently; the store skips bad files."""

from __future__ import annotations

import copy
import os

import pytest
import yaml

from scenarios.business import scenario as sc
from scenarios.errors import VentureLabError
from scenarios.business.safe_yaml import MAX_FILE_BYTES
from scenarios.business.scenario import from_dict, load, load_preset, parse_text, to_yaml
from scenarios.business.store import ScenarioStore, save
from tests.scenarios.conftest import golden_dict

HELPERS_DOMAINS = {"nlp", "vision", "recommendation", "speech", "medical", "finance",
                   "customer-service", "games", "autonomous-driving"}
# the store's own entries: the kept versions and the writers' lock (scenarios/business/store_files.py)
STORE_OWN = (".history", ".lock")


def test_one_preset_per_domain_named_by_domain_id():
    assert set(sc.preset_ids()) == HELPERS_DOMAINS
    for pid in sc.preset_ids():
        s = load_preset(pid)
        assert s.id == pid and s.domain == pid
        assert s.schema_version == sc.SCHEMA_VERSION


@pytest.mark.parametrize("pid", sorted(HELPERS_DOMAINS))
def test_preset_round_trips_through_a_file(pid, tmp_path):
    s = load_preset(pid)
    path = save(s, tmp_path / f"{pid}.yaml")
    again = load(path)
    assert again == s
    # and the file is plain, human-readable YAML
    assert yaml.safe_load(path.read_text())["name"] == s.name


def test_every_preset_price_carries_a_date_and_source():
    for pid in sc.preset_ids():
        for t in load_preset(pid).targets:
            assert t.as_of and t.source, (pid, t.id)


def _expect(data_or_text, field_fragment: str):
    with pytest.raises(VentureLabError) as err:
        if isinstance(data_or_text, (str, bytes)):
            parse_text(data_or_text)
        else:
            from_dict(data_or_text)
    assert field_fragment in str(err.value), str(err.value)
    return err.value


def test_wrong_type_names_the_field():
    d = golden_dict()
    d["traffic"]["peak_factor"] = "lots"
    e = _expect(d, "traffic.peak_factor")
    assert "number" in str(e)


def test_bool_is_not_a_number():
    d = golden_dict()
    d["traffic"]["prompt_tokens"] = True
    _expect(d, "traffic.prompt_tokens")


def test_missing_field_names_it():
    d = golden_dict()
    del d["traffic"]["requests_per_day"]
    _expect(d, "traffic.requests_per_day: is missing")


def test_out_of_range_and_non_finite_are_refused():
    d = golden_dict()
    d["operating"]["peak_load_share"] = 1.5
    _expect(d, "operating.peak_load_share")
    d = golden_dict()
    d["traffic"]["requests_per_day"] = float("nan")
    _expect(d, "traffic.requests_per_day")


def test_unknown_field_is_refused_so_typos_surface():
    d = golden_dict()
    d["traffic"]["peak_factr"] = 3
    _expect(d, "traffic.peak_factr: is not a known field")


def test_bad_choice_lists_the_accepted_values():
    d = golden_dict()
    d["domain"] = "astrology"
    e = _expect(d, "domain")
    assert "autonomous-driving" in str(e)


def test_cross_field_rules():
    d = golden_dict()
    d["serving_target"] = "nope"
    _expect(d, "serving_target")
    d = golden_dict()
    d["targets"][1].pop("usd_per_hour")
    _expect(d, "targets[1].usd_per_hour")
    d = golden_dict()
    d["pricing"] = {"model": "per-request"}
    _expect(d, "pricing.usd_per_request")
    d = golden_dict()
    d["targets"].append(copy.deepcopy(d["targets"][0]))
    _expect(d, "targets")


def test_not_yaml_at_all():
    _expect("{{{{ this: is: not: yaml", "file: is not valid YAML")
    _expect(b"\x89PNG\r\n\x1a\n\x00\x00binary", "file")
    _expect("just a sentence", "file: must be a mapping")
    _expect("", "file: is empty")


def test_huge_file_is_refused_before_parsing(tmp_path):
    text = to_yaml(from_dict(golden_dict())) + "# " + "x" * (MAX_FILE_BYTES + 10) + "\n"
    _expect(text, "larger than")
    p = tmp_path / "huge.yaml"
    p.write_text(text)
    with pytest.raises(VentureLabError, match="larger than"):
        load(p)


def test_deeply_nested_is_refused():
    _expect("a: " + "[" * 5000 + "]" * 5000, "nested deeper")
    _expect("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 30)) + "  " * 30 + "v: 1\n",
            "nested deeper")


def test_alias_bomb_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    _expect(bomb, "aliases")


def test_python_object_tags_are_refused():
    _expect("!!python/object/apply:os.system ['echo pwned']", "file")


def test_migration_from_version_1():
    v1 = golden_dict()
    del v1["schema_version"]
    v1["version"] = 1
    v1["traffic"]["tokens_in"] = v1["traffic"].pop("prompt_tokens")
    v1["traffic"]["tokens_out"] = v1["traffic"].pop("output_tokens")
    v1["utilisation"] = v1.pop("operating")["peak_load_share"]
    v1["fixed_costs_usd_month"] = v1.pop("fixed_costs")["team_usd_month"]
    v1["funding_usd"] = v1.pop("funding")["cash_usd"]
    for t in v1["targets"]:
        t.pop("id")
    v1["serving_target_index"] = 1
    del v1["serving_target"]
    s = parse_text(yaml.safe_dump(v1))
    assert s.schema_version == 3
    assert s.traffic.prompt_tokens == 1000 and s.traffic.output_tokens == 200
    assert s.operating.peak_load_share == 0.5
    assert s.fixed_costs.total_usd_month == 30_000
    assert s.funding.cash_usd == 100_000
    assert s.serving_target == "rented-gpu-2" and s.target().usd_per_hour == 2.0


def test_future_version_is_refused():
    d = golden_dict()
    d["schema_version"] = 99
    _expect(d, "schema_version")


def test_save_never_overwrites_silently(tmp_path, golden):
    p = save(golden, tmp_path / "g.yaml")
    with pytest.raises(VentureLabError, match="exists"):
        save(golden.replace(name="Other"), p)
    assert load(p).name == "Golden test"
    save(golden.replace(name="Other"), p, overwrite=True)
    assert load(p).name == "Other"


def test_failed_save_leaves_previous_file_intact(tmp_path, golden, monkeypatch):
    p = save(golden, tmp_path / "g.yaml")
    before = p.read_bytes()
    real_fdopen = os.fdopen

    class Boom(OSError):
        pass

    def half_writing_fdopen(fd, *a, **k):
        fh = real_fdopen(fd, *a, **k)
        real_write = fh.write

        def write(text):
            real_write(text[: len(text) // 2])  # half the file reaches the disk, then the crash
            raise Boom("disk full")
        fh.write = write
        return fh

    monkeypatch.setattr(sc.os, "fdopen", half_writing_fdopen)
    with pytest.raises(Boom):
        save(golden.replace(name="Half written"), p, overwrite=True)
    monkeypatch.undo()
    assert p.read_bytes() == before
    assert load(p) == golden
    assert [f.name for f in tmp_path.iterdir() if f.name not in STORE_OWN] == ["g.yaml"]  # no temp file left behind


def test_store_lists_good_files_and_reports_bad_ones(tmp_path, golden):
    store = ScenarioStore(tmp_path)
    store.save(golden)
    store.save(golden.replace(id="second", name="Second"))
    (tmp_path / "broken.yaml").write_text("traffic: [unclosed")
    (tmp_path / "wrongtype.yaml").write_text(to_yaml(golden).replace("peak_factor: 2.0", "peak_factor: x"))
    (tmp_path / "notes.txt").write_text("not a scenario")
    listing = store.list()
    assert sorted(listing.scenarios) == ["golden", "second"]
    assert set(listing.errors) == {"broken.yaml", "wrongtype.yaml"}
    assert "traffic.peak_factor" in listing.errors["wrongtype.yaml"]


def test_store_delete_touches_only_scenario_files(tmp_path, golden):
    store = ScenarioStore(tmp_path)
    store.save(golden)
    (tmp_path / "keep.txt").write_text("x")
    for bad in ("../keep", "keep.txt", "/etc/passwd", "", "GOLDEN"):
        with pytest.raises(VentureLabError):
            store.delete(bad)
    store.delete("golden")
    assert [f.name for f in tmp_path.iterdir() if f.name not in STORE_OWN] == ["keep.txt"]


def test_store_refuses_preset_ids_and_finds_presets(tmp_path):
    store = ScenarioStore(tmp_path)
    with pytest.raises(VentureLabError, match="preset"):
        store.save(load_preset("nlp"))
    assert store.get("nlp") == load_preset("nlp")
    assert store.unique_id("nlp") == "nlp-2"
    with pytest.raises(VentureLabError, match="scn_id"):
        store.get("missing")


def test_store_folder_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path / "here"))
    assert ScenarioStore().folder == tmp_path / "here"
    monkeypatch.delenv("VENTURE_LAB_SCENARIO_DIR")
    assert str(ScenarioStore().folder) == "user_scenarios"


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as hst  # noqa: E402

_yamlish = hst.recursive(
    hst.none() | hst.booleans() | hst.integers() | hst.floats(allow_nan=True) | hst.text(max_size=20),
    lambda children: hst.lists(children, max_size=4) | hst.dictionaries(hst.text(max_size=12), children, max_size=4),
    max_leaves=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hst.text(max_size=300) | hst.binary(max_size=300).map(bytes))
def test_any_text_is_either_a_scenario_or_a_clear_error(text):
    try:
        parse_text(text)
    except VentureLabError as err:
        assert str(err).split(":")[0]  # names a field (or "file")


@settings(max_examples=150, deadline=None)
@given(field=hst.sampled_from(["traffic", "pricing", "targets", "operating", "uncertainty", "name", "id"]),
       value=_yamlish)
def test_any_value_in_any_field_is_accepted_or_refused_by_name(field, value):
    d = golden_dict()
    d[field] = value
    try:
        s = from_dict(d)
    except VentureLabError as err:
        assert str(err).startswith((field, "file", "serving_target", "targets", "pricing"))
    else:
        assert from_dict(s.to_dict()) == s
