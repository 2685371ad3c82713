"""The SQL store (VENTURE_LAB_STORE_URL) keeps the folder store's guarantees behind the same
interface, and adds optimistic versioning and owners. The behaviour tests run on both backends;
the SQL ones run on a SQLite file (tests/deploy/test_team_stack.py runs PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from scenarios.business import store as store_mod
from scenarios.business.store import DeviceStore, ScenarioStore
from scenarios.business.store_sql import SqlDeviceStore, SqlScenarioStore
from scenarios.engine import catalog
from scenarios.errors import VentureLabError

BOARD = {"name": "My Board", "memory_gb": 16.0, "memory_bandwidth_gb_s": 100.0, "peak_tflops_fp16": 20.0}


@pytest.fixture(params=["folder", "sql"])
def backend(request, tmp_path):
    """(scenario store, device store) of one backend, both empty."""
    if request.param == "folder":
        return ScenarioStore(tmp_path / "s"), DeviceStore(tmp_path / "d")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    return SqlScenarioStore(url, editors=["lead"]), SqlDeviceStore(url, editors=["lead"],
                                                                   cache_dir=str(tmp_path / "cache"))


def sql_store(tmp_path, editors=("lead",)) -> SqlScenarioStore:
    return SqlScenarioStore(f"sqlite:///{tmp_path / 'store.db'}", editors=editors)


# ------------------------------------------------------------------ the same behaviour on both
def test_save_get_list_and_no_silent_overwrite(backend, golden):
    store, _ = backend
    store.save(golden)
    assert store.get("golden") == golden and list(store.list().scenarios) == ["golden"]
    with pytest.raises(VentureLabError, match="already exists"):
        store.save(golden.replace(name="Other"))
    store.save(golden.replace(name="Other"), overwrite=True)
    assert store.get("golden").name == "Other"
    assert store.unique_id("golden") == "golden-2"


def test_presets_are_read_only_and_found(backend):
    store, _ = backend
    nlp = store.get("nlp")
    with pytest.raises(VentureLabError, match="preset"):
        store.save(nlp, overwrite=True)
    with pytest.raises(VentureLabError, match="no saved"):
        store.delete("nlp")


@pytest.mark.parametrize("bad", ["abc\n", "GOLDEN", "../golden", "a" * 65])
def test_ids_are_matched_in_full(backend, golden, bad):
    store, _ = backend
    for call in (store.get, store.delete, store.history):
        with pytest.raises(VentureLabError, match="id"):
            call(bad)
    with pytest.raises(VentureLabError, match="id"):
        store.save(golden.replace(id=bad))


def test_last_ten_versions_kept_and_a_deleted_one_restored(backend, golden):
    store, _ = backend
    store.save(golden)
    for i in range(12):
        store.save(golden.replace(name=f"Edit {i}"), overwrite=True)
    versions = store.history("golden")
    assert len(versions) == 10 and store.version("golden", versions[0].version).name == "Edit 10"
    store.delete("golden")
    assert "golden" in store.history_ids() and "golden" not in store.list().scenarios
    store.restore("golden", store.history("golden")[0].version)
    assert store.get("golden").name == "Edit 11"
    with pytest.raises(VentureLabError, match="version"):
        store.restore("golden", "../../etc/passwd")


def test_devices_save_list_overwrite_and_restore(backend):
    _, devices = backend
    assert devices.save(BOARD) == "custom-my-board"
    with pytest.raises(VentureLabError, match="overwrite"):
        devices.save({**BOARD, "name": "my board!!", "memory_gb": 64.0})
    devices.save({**BOARD, "name": "my board!!", "memory_gb": 64.0}, overwrite=True)
    path = devices.list().paths["custom-my-board"]
    assert catalog.get_hardware(str(path)).memory_gb == 64.0
    [kept] = devices.history("custom-my-board")
    devices.restore("custom-my-board", kept.version)
    assert catalog.get_hardware(str(devices.list().paths["custom-my-board"])).memory_gb == 16.0


# ------------------------------------------------------------------ what only the SQL store adds
def test_a_stale_save_is_refused(tmp_path, golden):
    alice, bob = sql_store(tmp_path), sql_store(tmp_path)
    alice.save(golden)
    opened = alice.info("golden").version                      # both open version 1
    assert bob.save(golden.replace(name="Bob's"), overwrite=True, expected_version=opened) == 2
    with pytest.raises(VentureLabError, match="changed since you opened it"):
        alice.save(golden.replace(name="Alice's"), overwrite=True, expected_version=opened)
    assert alice.get("golden").name == "Bob's"
    with pytest.raises(VentureLabError, match="changed since you opened it"):
        alice.delete("golden", expected_version=opened)


def test_two_threads_creating_one_id_exactly_one_wins(tmp_path, golden):
    for round_no in range(8):
        store = SqlScenarioStore(f"sqlite:///{tmp_path / f'r{round_no}.db'}")
        barrier, outcome = threading.Barrier(2), {}

        def save(name: str, store=store, barrier=barrier, outcome=outcome) -> None:
            barrier.wait()
            try:
                store.save(golden.replace(id="same-new-id", name=name))
                outcome[name] = "saved"
            except VentureLabError as err:
                outcome[name] = str(err)
        threads = [threading.Thread(target=save, args=(n,)) for n in ("A", "B")]
        for th in threads:
            th.start()
        for th in threads:
            th.join(30)
        winners = [n for n, what in outcome.items() if what == "saved"]
        assert len(winners) == 1, outcome
        assert "already exists" in outcome["B" if winners == ["A"] else "A"]
        assert store.get("same-new-id").name == winners[0]


def test_only_the_owner_or_an_editor_may_overwrite_delete_or_restore(tmp_path, golden):
    store = sql_store(tmp_path)
    store.save(golden, user="alice")
    assert store.info("golden").owner == "alice"
    for call in (lambda: store.save(golden.replace(name="Mallory's"), overwrite=True, user="mallory"),
                 lambda: store.delete("golden", user="mallory")):
        with pytest.raises(VentureLabError, match="another user"):
            call()
    assert store.get("golden") == golden
    store.save(golden.replace(name="Lead's"), overwrite=True, user="lead")     # a workspace editor
    store.delete("golden", user="alice")
    with pytest.raises(VentureLabError, match="another user"):                # a deleted one too
        store.restore("golden", store.history("golden")[0].version, user="mallory")
    store.restore("golden", store.history("golden")[0].version, user="alice")
    assert store.info("golden").owner == "alice" and store.get("golden").name == "Lead's"


def test_the_backend_is_chosen_by_the_store_url(tmp_path, monkeypatch, golden):
    monkeypatch.delenv("VENTURE_LAB_STORE_URL", raising=False)
    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path / "folder"))
    assert isinstance(store_mod.open_scenario_store(), ScenarioStore)
    with pytest.raises(VentureLabError, match="VENTURE_LAB_STORE_URL"):       # owners need the SQL store
        store_mod.open_scenario_store().save(golden, user="alice")
    monkeypatch.setenv("VENTURE_LAB_STORE_URL", f"sqlite:///{tmp_path / 'team.db'}")
    store_mod.open_scenario_store().save(golden, user="alice")
    assert store_mod.open_scenario_store().info("golden").owner == "alice"
    assert isinstance(store_mod.open_device_store(), SqlDeviceStore)
    monkeypatch.setenv("VENTURE_LAB_STORE_URL", "nosuchdb://x")
    with pytest.raises(VentureLabError, match="VENTURE_LAB_STORE_URL"):
        store_mod.open_scenario_store()


def test_a_database_that_fails_is_a_clear_error_not_a_traceback(tmp_path, golden):
    store = sql_store(tmp_path)
    store.save(golden)
    with store.rows.engine.begin() as conn:       # the tables vanish under a running app
        conn.exec_driver_sql("DROP TABLE venture_lab_items")
    for call in (store.list, lambda: store.get("golden"), lambda: store.save(golden, overwrite=True)):
        with pytest.raises(VentureLabError, match="VENTURE_LAB_STORE_URL: the database did not answer"):
            call()
