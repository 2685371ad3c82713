"""The folder stores' contract (scenarios.business.store on store_files), in this process: the
exact refusals a page shows (existing, missing, presets, team mode, another id in a file, versions
not kept, listing the kept ones), what ``info`` says with no version numbers, and unique ids."""

from __future__ import annotations

import pytest

from scenarios.business.scenario import to_yaml
from scenarios.business.store import DeviceStore, ItemInfo, ScenarioStore
from scenarios.errors import VentureLabError

BOARD = {"name": "My Board", "memory_gb": 16.0, "memory_bandwidth_gb_s": 100.0, "peak_tflops_fp16": 20.0}
TEAM = ("VENTURE_LAB_STORE_URL: team mode keeps owners in the SQL store; set it to the team database; "
        "accepted: sqlite:///PATH or postgresql+psycopg2://...")


def refusal(call) -> str:
    with pytest.raises(VentureLabError) as err:
        call()
    return str(err.value)


def test_saved_scenarios_have_info_without_versions(tmp_path, golden):
    store = ScenarioStore(tmp_path)
    assert store.info("golden") is None
    assert store.save(golden) == tmp_path / "golden.yaml"
    assert store.info("golden") == ItemInfo(None, None)
    assert refusal(lambda: store.save(golden)) == \
        "id: a scenario with this id already exists; choose overwrite to replace it (got 'golden')"
    assert refusal(lambda: store.delete("nope")) == "id: no saved scenario file with this id (got 'nope')"
    assert refusal(lambda: store.get("nope")) == "scn_id: no saved scenario or preset has this id (got 'nope')"
    assert refusal(lambda: store.save(store.get("nlp"), overwrite=True)) == \
        "id: is a preset's id; choose another id for your copy (got 'nlp')"
    assert refusal(lambda: store.get("GOLDEN")) == \
        "id: must be lowercase letters, digits and '-' (max 64) (got 'GOLDEN')"
    assert refusal(lambda: DeviceStore(tmp_path / "d").delete("Bad Id")) == \
        "id: must be lowercase letters, digits and '-' (max 80) (got 'Bad Id')"


@pytest.mark.parametrize("call", ["save", "delete", "restore"])
def test_owners_need_the_team_database(tmp_path, golden, call):
    store = ScenarioStore(tmp_path)
    store.save(golden)
    calls = {"save": lambda: store.save(golden, overwrite=True, user="alice"),
             "delete": lambda: store.delete("golden", user="alice"),
             "restore": lambda: store.restore("golden", "00000000000000000001-abcd", user="alice")}
    assert refusal(calls[call]) == TEAM
    assert store.get("golden") == golden


def test_a_file_holding_another_id_is_reported_by_name(tmp_path, golden):
    store = ScenarioStore(tmp_path)
    (tmp_path / "other.yaml").write_text(to_yaml(golden), encoding="utf-8")
    store.save(golden.replace(id="fine"))
    listing = store.list()
    assert list(listing.scenarios) == ["fine"]
    assert listing.errors == {"other.yaml": "id: must match the file name (got 'golden'); accepted: other"}
    assert refusal(lambda: store.get("other")) == "id: must match the file name (got 'golden'); accepted: other"


def test_versions_not_kept_list_the_kept_ones(tmp_path, golden):
    store = ScenarioStore(tmp_path)
    store.save(golden)
    wanted = "00000000000000000001-abcd"
    assert refusal(lambda: store.version("golden", wanted)) == \
        f"version: is not a kept version of this id (got '{wanted}'); accepted: none kept"
    store.save(golden.replace(name="B"), overwrite=True)
    [kept] = store.history("golden")
    assert refusal(lambda: store.version("golden", wanted)) == \
        f"version: is not a kept version of this id (got '{wanted}'); accepted: {kept.version}"
    assert refusal(lambda: store.version("golden", "../golden")) == \
        "version: is not a kept version of this id (got '../golden')"
    assert store.version("golden", kept.version) == golden


def test_a_kept_version_of_another_id_is_not_restored(tmp_path, golden):
    store = ScenarioStore(tmp_path)
    store.save(golden.replace(id="mine"))
    (tmp_path / "mine.yaml").write_text(to_yaml(golden), encoding="utf-8")     # golden written under mine
    store.save(golden.replace(id="mine"), overwrite=True)
    wrong = store.history("mine")[0].version
    assert refusal(lambda: store.restore("mine", wrong)) == \
        "version: holds another scenario id (got 'golden'); accepted: mine"


def test_unique_ids_skip_presets_and_saved_files(tmp_path, golden):
    store = ScenarioStore(tmp_path / "not-yet")
    assert store.unique_id("Golden!") == "golden"                 # the folder does not exist yet
    store = ScenarioStore(tmp_path)
    store.save(golden)
    store.save(golden.replace(id="golden-2"))
    assert store.unique_id("Golden") == "golden-3"
    assert store.unique_id("NLP") == "nlp-2"
    assert store.unique_id("***") == "scenario"


def test_devices_have_info_and_name_what_is_missing(tmp_path):
    devices = DeviceStore(tmp_path)
    assert devices.info("custom-my-board") is None
    assert devices.save(BOARD) == "custom-my-board"
    assert devices.info("custom-my-board") == ItemInfo(None, None)
    assert refusal(lambda: devices.delete("custom-nope")) == "id: no saved device file with this id (got 'custom-nope')"


def test_a_link_in_the_folder_is_refused_by_name_and_never_followed(tmp_path, golden):
    ScenarioStore(tmp_path / "elsewhere").save(golden)
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "golden.yaml").symlink_to(tmp_path / "elsewhere" / "golden.yaml")
    store = ScenarioStore(tmp_path / "s")
    assert refusal(lambda: store.get("golden")) == ("id: cannot read file (Too many levels of symbolic links); "
                                                    "the store does not follow links (got 'golden')")
    link = "id: is a link, not a file; the store does not follow links (got 'golden')"
    assert refusal(lambda: store.save(golden, overwrite=True)) == link
    assert refusal(lambda: store.delete("golden")) == link
    assert store.list().scenarios == {} and store.list().errors == {}        # links are not listed


def test_a_folder_in_place_of_a_file_is_named_without_blaming_links(tmp_path):
    (tmp_path / "sub.yaml").mkdir()
    assert refusal(lambda: ScenarioStore(tmp_path).get("sub")) == "id: is a folder; give a file (got 'sub')"


def test_history_keeps_only_its_own_version_files(tmp_path, golden):
    store = ScenarioStore(tmp_path)
    store.save(golden)
    store.save(golden.replace(name="B"), overwrite=True)
    folder = tmp_path / ".history" / "golden"
    [kept] = store.history("golden")
    (folder / "notes.txt").write_text("x")
    (folder / f"{kept.version}.json").write_text("x")
    (folder / "12345-abcd.yaml").write_text("x")                            # too short for a stamp
    assert [v.version for v in store.history("golden")] == [kept.version]
    assert kept.size_bytes == len(to_yaml(golden).encode("utf-8"))
    assert kept.saved_at_s == int(kept.version.split("-")[0]) / 1e9
    (tmp_path / ".history" / "BAD").mkdir()
    assert store.history_ids() == ["golden"]
