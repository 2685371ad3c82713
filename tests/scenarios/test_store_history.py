"""Saves that lose nothing (issue 13): atomic create-if-absent under concurrent writers, the same
guarantees for devices, ids matched in full, no links followed, orphan temp files cleaned, and
every overwrite and delete kept (the last 10 per id), listable and restorable."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from scenarios.business.store import DeviceStore, ScenarioStore
from scenarios.errors import VentureLabError

BOARD = {"name": "My Board", "memory_gb": 16.0, "memory_bandwidth_gb_s": 100.0, "peak_tflops_fp16": 20.0}


def _save_at(folder: str, name: str, barrier, results) -> None:
    from scenarios.business.scenario import from_dict
    from tests.scenarios.conftest import golden_dict
    scenario = from_dict({**golden_dict(), "id": "same-new-id", "name": name})
    barrier.wait()
    try:
        ScenarioStore(folder).save(scenario)
        results.put((name, "saved"))
    except VentureLabError as err:
        results.put((name, str(err)))


def test_two_processes_saving_one_new_id_exactly_one_wins(tmp_path):
    ctx = multiprocessing.get_context("fork")
    for round_no in range(12):
        folder = tmp_path / f"r{round_no}"
        barrier, results = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_save_at, args=(str(folder), name, barrier, results)) for name in ("A", "B")]
        for p in procs:
            p.start()
        for p in procs:
            p.join(20)
        outcome = dict(results.get(timeout=5) for _ in procs)
        winners = [n for n, what in outcome.items() if what == "saved"]
        assert len(winners) == 1, outcome
        loser = "B" if winners == ["A"] else "A"
        assert "already exists" in outcome[loser]
        assert ScenarioStore(folder).get("same-new-id").name == winners[0]    # the winner's file, whole


def test_two_device_names_with_one_id_never_silently_replace_each_other(tmp_path):
    store = DeviceStore(tmp_path)
    assert store.save(BOARD) == "custom-my-board"
    with pytest.raises(VentureLabError, match="overwrite"):
        store.save({**BOARD, "name": "my board!!", "memory_gb": 64.0})
    store.save({**BOARD, "name": "my board!!", "memory_gb": 64.0}, overwrite=True)   # the form's overwrite
    [kept] = store.history("custom-my-board")
    store.restore("custom-my-board", kept.version)
    assert "memory_gb: 16.0" in (tmp_path / "custom-my-board.yaml").read_text()


def test_every_overwrite_and_delete_is_kept_last_ten_and_restorable(tmp_path, golden):
    store = ScenarioStore(tmp_path)
    store.save(golden)
    for i in range(12):
        store.save(golden.replace(name=f"Edit {i}"), overwrite=True)
    versions = store.history("golden")
    assert len(versions) == 10
    assert store.version("golden", versions[0].version).name == "Edit 10"     # newest first
    store.delete("golden")
    assert "golden" in store.history_ids() and "golden" not in store.list().scenarios
    store.restore("golden", store.history("golden")[0].version)
    assert store.get("golden").name == "Edit 11"                              # the deleted one is back
    with pytest.raises(VentureLabError, match="version"):
        store.restore("golden", "../../etc/passwd")


@pytest.mark.parametrize("bad", ["abc\n", "golden\n", "GOLDEN", "../golden", "a" * 65])
def test_ids_are_matched_in_full(tmp_path, golden, bad):
    store = ScenarioStore(tmp_path)
    for call in (store.get, store.delete, store.path_for, store.history):
        with pytest.raises(VentureLabError, match="id"):
            call(bad)
    with pytest.raises(VentureLabError, match="id"):
        store.save(golden.replace(id=bad))


def test_no_link_is_followed_by_get_save_or_delete(tmp_path, golden):
    outside = tmp_path / "outside.yaml"
    ScenarioStore(tmp_path / "elsewhere").save(golden)
    outside.write_bytes((tmp_path / "elsewhere" / "golden.yaml").read_bytes())
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "golden.yaml").symlink_to(outside)
    store = ScenarioStore(folder)
    before = outside.read_bytes()
    for call in (lambda: store.get("golden"), lambda: store.save(golden.replace(name="X"), overwrite=True),
                 lambda: store.save(golden.replace(name="X")), lambda: store.delete("golden")):
        with pytest.raises(VentureLabError, match="link|exists|no saved"):
            call()
    assert outside.read_bytes() == before and (folder / "golden.yaml").is_symlink()


def test_orphan_temp_files_are_removed_when_the_store_opens(tmp_path):
    old = tmp_path / ".golden.yaml.abc12345.tmp"
    fresh = tmp_path / ".other.yaml.def67890.tmp"
    not_ours = tmp_path / ".notes.txt.abc12345.tmp"
    for p in (old, fresh, not_ours):
        p.write_text("half a file")
    for p in (old, not_ours):
        os.utime(p, (time.time() - 3600, time.time() - 3600))
    ScenarioStore(tmp_path)
    assert not old.exists() and fresh.exists()     # a save in flight right now keeps its temp file
    assert not_ours.exists()                       # only the store's own temp names are removed
