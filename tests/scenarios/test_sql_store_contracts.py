"""The SQL store's contract on a SQLite file, in this process: the exact refusals a page shows
(ids, presets, missing items, sizes, versions, owners), the version numbers and owners it returns,
the history it keeps (newest first, sizes), stored content that no longer matches its id, the
editors read from the environment, and the private folder the engine reads stored devices from."""

from __future__ import annotations

import re

import pytest
import yaml

from scenarios.business.store_files import MAX_FILE_BYTES
from scenarios.business.store_sql import SqlDeviceStore, SqlScenarioStore, engine_for
from scenarios.business.scenario import to_yaml
from scenarios.engine import catalog
from scenarios.errors import VentureLabError

BOARD = {"name": "My Board", "memory_gb": 16.0, "memory_bandwidth_gb_s": 100.0, "peak_tflops_fp16": 20.0}
STAMP = re.compile(r"\d{20}-[0-9a-f]{8}")


def refusal(call) -> str:
    with pytest.raises(VentureLabError) as err:
        call()
    return str(err.value)


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def test_versions_count_up_from_one_and_the_owner_is_the_creator(url, golden):
    store = SqlScenarioStore(url, editors=())
    assert store.info("golden") is None
    assert store.save(golden, user="alice") == 1
    assert (store.info("golden").version, store.info("golden").owner) == (1, "alice")
    assert store.save(golden.replace(name="B"), overwrite=True, user="alice") == 2
    assert store.save(golden.replace(name="C"), overwrite=True, expected_version=2, user="alice") == 3
    assert (store.info("golden").version, store.info("golden").owner) == (3, "alice")
    assert store.folder == "the team database"
    assert store.save(golden.replace(id="fresh"), overwrite=True) == 1          # overwrite creates a new id


def test_refusals_name_the_id_and_the_rule(url, golden):
    store = SqlScenarioStore(url, editors=())
    store.save(golden)
    assert refusal(lambda: store.save(golden)) == \
        "id: a scenario with this id already exists; choose overwrite to replace it (got 'golden')"
    assert refusal(lambda: store.get("GOLDEN")) == "id: must be lowercase letters, digits and '-' (max 64) (got 'GOLDEN')"
    assert refusal(lambda: store.get("nope")) == "scn_id: no saved scenario or preset has this id (got 'nope')"
    assert refusal(lambda: store.save(store.get("nlp"))) == \
        "id: is a preset's id; choose another id for your copy (got 'nlp')"
    assert refusal(lambda: store.delete("nope")) == "id: no saved scenario with this id (got 'nope')"
    assert refusal(lambda: store.save(golden.replace(name="x"), overwrite=True, user="mallory")) == \
        "id: belongs to another user; only its owner or a workspace editor may change it (got 'golden')"
    assert refusal(lambda: store.save(golden.replace(id="gone"), overwrite=True, expected_version=1)) == \
        "id: was deleted; changed since you opened it; reload it to see the other save, then edit again (got 'gone')"


def test_single_user_saves_may_change_anything(url, golden):
    store = SqlScenarioStore(url, editors=())
    store.save(golden, user="alice")
    assert store.save(golden.replace(name="Mine"), overwrite=True) == 2          # no user: single-user mode
    store.delete("golden")
    assert store.info("golden") is None and store.list().scenarios == {}


def test_a_file_over_the_size_limit_is_refused_with_its_size(url):
    store = SqlScenarioStore(url, editors=())
    big = b"x" * (MAX_FILE_BYTES + 1000)
    assert refusal(lambda: store.rows.create("big", big, "exists")) == \
        "file: is 1001 kB; the store keeps files under 1000 kB"
    store.rows.create("edge", b"x" * MAX_FILE_BYTES, "exists")                 # exactly the limit is kept
    assert len(store.rows.read("edge")) == MAX_FILE_BYTES


def test_history_is_newest_first_with_sizes_and_unknown_versions_list_the_kept_ones(url, golden):
    store = SqlScenarioStore(url, editors=())
    store.save(golden)
    assert refusal(lambda: store.version("golden", "00000000000000000001-abcd")) == \
        "version: is not a kept version of this id (got '00000000000000000001-abcd'); accepted: none kept"
    store.save(golden.replace(name="Second"), overwrite=True)
    store.save(golden.replace(name="Third"), overwrite=True)
    kept = store.history("golden")
    assert [store.version("golden", v.version).name for v in kept] == ["Second", "Golden test"]
    assert all(STAMP.fullmatch(v.version) for v in kept)
    assert kept[1].size_bytes == len(to_yaml(golden).encode("utf-8"))
    assert kept[0].saved_at_s >= kept[1].saved_at_s
    assert refusal(lambda: store.version("golden", "00000000000000000001-abcd")) == \
        f"version: is not a kept version of this id (got '00000000000000000001-abcd'); accepted: " \
        f"{kept[0].version}, {kept[1].version}"
    assert refusal(lambda: store.version("golden", "latest")) == \
        "version: is not a kept version of this id (got 'latest')"
    assert store.history_ids() == ["golden"]


def test_stored_content_under_another_id_is_reported_not_loaded(url, golden):
    store = SqlScenarioStore(url, editors=())
    store.rows.create("other", to_yaml(golden).encode("utf-8"), "exists")
    store.save(golden.replace(id="fine"))
    listing = store.list()
    assert list(listing.scenarios) == ["fine"]
    assert listing.errors == {"other.yaml": "id: must match the stored id (got 'golden'); accepted: other"}
    assert refusal(lambda: store.get("other")) == "id: must match the stored id (got 'golden'); accepted: other"


def test_a_kept_version_of_another_scenario_is_not_restored(url, golden):
    store = SqlScenarioStore(url, editors=())
    store.save(golden.replace(id="mine"))
    store.rows.replace("mine", to_yaml(golden).encode("utf-8"))                # someone stored golden under "mine"
    store.rows.replace("mine", to_yaml(golden.replace(id="mine")).encode("utf-8"))
    wrong = store.history("mine")[0].version
    assert refusal(lambda: store.restore("mine", wrong)) == \
        "version: holds another scenario id (got 'golden'); accepted: mine"


def test_unique_ids_are_slugs_clear_of_presets_and_saved_ones(url, golden):
    store = SqlScenarioStore(url, editors=())
    assert store.unique_id("My Shop!!") == "my-shop"
    assert store.unique_id("!!!") == "scenario"
    assert store.unique_id("nlp") == "nlp-2"
    store.save(golden.replace(id="shop"))
    store.save(golden.replace(id="shop-2"))
    assert store.unique_id("Shop") == "shop-3"
    assert store.unique_id("a" * 80) == "a" * 56


def test_editors_come_from_the_environment_when_not_given(url, golden, monkeypatch):
    monkeypatch.setenv("VENTURE_LAB_EDITORS", " lead , ,boss")
    store = SqlScenarioStore(url)
    assert store.rows.editors == frozenset({"lead", "boss"})
    store.save(golden, user="alice")
    assert store.save(golden.replace(name="Boss"), overwrite=True, user="boss") == 2
    monkeypatch.delenv("VENTURE_LAB_EDITORS")
    assert SqlScenarioStore(url).rows.editors == frozenset()


def test_an_unknown_database_names_only_the_scheme():
    assert refusal(lambda: engine_for("nosuchdb://user:secret@host/db")) == \
        "VENTURE_LAB_STORE_URL: cannot open the database (NoSuchModuleError) (got 'nosuchdb')"


def test_devices_save_list_with_versions_and_delete(url, tmp_path):
    devices = SqlDeviceStore(url, editors=(), cache_dir=str(tmp_path / "cache"))
    assert devices.folder == "the team database"
    assert devices.save(BOARD, user="alice") == "custom-my-board"
    assert (devices.info("custom-my-board").version, devices.info("custom-my-board").owner) == (1, "alice")
    devices.save({**BOARD, "memory_gb": 32.0}, overwrite=True, user="alice")
    listing = devices.list()
    assert listing.versions == {"custom-my-board": 2} and listing.errors == {}
    path = listing.paths["custom-my-board"]
    assert path.name == "custom-my-board.yaml" and path.is_relative_to(tmp_path / "cache")
    assert catalog.get_hardware(str(path)).memory_gb == 32.0
    assert refusal(lambda: devices.save(BOARD)) == \
        "id: a device with this name is saved; choose overwrite to replace it (got 'custom-my-board')"
    assert refusal(lambda: devices.delete("custom-my-board", user="mallory")).startswith(
        "id: belongs to another user")
    devices.delete("custom-my-board", user="alice")
    assert devices.list().paths == {} and devices.info("custom-my-board") is None
    assert refusal(lambda: devices.delete("custom-my-board")) == "id: no saved device with this id (got 'custom-my-board')"
    assert refusal(lambda: devices.delete("Bad Id")) == \
        "id: must be lowercase letters, digits and '-' (max 80) (got 'Bad Id')"


def test_a_device_is_stored_as_readable_utf8_and_only_its_owner_overwrites_it(url, tmp_path):
    devices = SqlDeviceStore(url, editors=(), cache_dir=str(tmp_path / "cache"))
    board = {**BOARD, "name": "Mäin Board"}
    device_id = devices.save(board, user="alice")
    assert "name: Mäin Board".encode("utf-8") in devices.rows.read(device_id)
    assert refusal(lambda: devices.save({**board, "memory_gb": 8.0}, overwrite=True, user="mallory")) == \
        f"id: belongs to another user; only its owner or a workspace editor may change it (got '{device_id}')"
    devices.save({**board, "memory_gb": 8.0}, overwrite=True, user="alice")
    assert catalog.get_hardware(str(devices.list().paths[device_id])).memory_gb == 8.0


def test_a_stale_device_save_is_refused(url, tmp_path):
    devices = SqlDeviceStore(url, editors=(), cache_dir=str(tmp_path / "cache"))
    devices.save(BOARD)
    devices.save({**BOARD, "memory_gb": 32.0}, overwrite=True, expected_version=1)
    assert refusal(lambda: devices.save({**BOARD, "memory_gb": 8.0}, overwrite=True, expected_version=1)) == \
        "id: changed since you opened it; reload it to see the other save, then edit again (got 'custom-my-board')"


def test_a_stored_device_under_another_id_is_reported(url, tmp_path):
    devices = SqlDeviceStore(url, editors=(), cache_dir=str(tmp_path / "cache"))
    other = yaml.safe_dump({**BOARD, "id": "custom-other"}).encode("utf-8")
    devices.rows.create("custom-mine", other, "exists")
    listing = devices.list()
    assert listing.paths == {}
    assert listing.errors == {"custom-mine.yaml": "id: must match the stored id (got 'custom-other'); "
                                                  "accepted: custom-mine"}


def test_an_invalid_kept_device_is_not_restored(url, tmp_path):
    devices = SqlDeviceStore(url, editors=(), cache_dir=str(tmp_path / "cache"))
    devices.rows.create("custom-my-board", b"name: broken\n", "exists")
    devices.save(BOARD, overwrite=True)
    [kept] = devices.history("custom-my-board")
    with pytest.raises(VentureLabError):
        devices.restore("custom-my-board", kept.version)
    assert catalog.get_hardware(str(devices.list().paths["custom-my-board"])).memory_gb == 16.0


def test_without_a_cache_folder_devices_go_to_one_private_folder_per_process(url, tmp_path, monkeypatch):
    from scenarios.business import store_sql

    monkeypatch.setattr(store_sql, "_device_folder", [])                  # as in a fresh process
    a = SqlDeviceStore(url, editors=())
    a.save(BOARD)
    first = a.list().paths["custom-my-board"]
    folder = first.parent.parent
    assert folder.name.startswith("venture-lab-devices-") and folder.stat().st_mode & 0o777 == 0o700
    again = SqlDeviceStore(f"sqlite:///{tmp_path / 'other.db'}", editors=())
    again.save({**BOARD, "name": "Other Board"})
    assert again.list().paths["custom-other-board"].parent.parent == folder
