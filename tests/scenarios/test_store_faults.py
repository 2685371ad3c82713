"""A save that fails part-way never costs the user the version they had.

Two ways of failing, both through the public store API only (save / get / list / delete), so the
tests hold whatever the stores' backend does inside a save:

- a fault injected at every I/O call a save makes: the k-th call to any of the functions below
  raises ``OSError(EIO)`` (a full disk, a pulled USB stick), for every k from 1 to the number of
  calls a clean save makes;
- a real process killed with SIGKILL at a random moment while it saves over and over.

After either, the store must hold one whole version (the previous one, or the new one when the
failure came after the save's commit point), read back through ``get`` / ``list`` with no error.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from scenarios.errors import VentureLabError

from scenarios.business.scenario import from_dict
from scenarios.business.store import DeviceStore, ScenarioStore
from scenarios.engine import catalog
from tests.scenarios.conftest import golden_dict

REPO = Path(__file__).resolve().parents[2]
# Module-level functions a save may reach for; each call counts as one I/O call.
OS_CALLS = ("open", "write", "sendfile", "copy_file_range", "fsync", "fdatasync", "replace", "rename",
            "link", "close", "ftruncate",
            "truncate", "makedirs", "mkdir", "unlink", "remove")
SHUTIL_CALLS = ("copyfile", "copy", "copy2", "copyfileobj", "move")
FILE_CALLS = ("write", "writelines", "flush", "truncate", "close")


class InjectedFault(OSError):
    # ENOSPC, a full disk: the error shutil and the stores must pass on (shutil absorbs some others,
    # e.g. EIO from sendfile, by retrying another way).
    def __init__(self):
        super().__init__(errno.ENOSPC, "injected I/O fault: no space left on device")


class FaultPlan:
    """Counts I/O calls; the ``fail_at``-th one (1-based) raises InjectedFault. 0: never.

    A write that fails is torn, as on a full disk: its first bytes reach the file, then it raises.
    """

    TORN_BYTES = 16

    def __init__(self, fail_at: int = 0):
        self.fail_at, self.calls = fail_at, 0

    def tick(self) -> bool:
        """Count one call; True when this call is the one to fail."""
        self.calls += 1
        return self.calls == self.fail_at


def _torn(name: str, fn, args, kwargs):
    """Do a little of the failing call's work before raising, where the call writes data."""
    if name == "write" and len(args) >= 1:
        data = args[-1]
        head = args[:-1]
        if isinstance(data, (bytes, bytearray, memoryview, str)) and len(data):
            fn(*head, data[:FaultPlan.TORN_BYTES])
    elif name in ("sendfile", "copy_file_range") and len(args) >= 4:
        fn(*args[:3], min(args[3], FaultPlan.TORN_BYTES))
    raise InjectedFault()


class _File:
    """A file object whose writes, flushes and close count as I/O calls."""

    def __init__(self, fh, plan: FaultPlan):
        self._fh, self._plan = fh, plan

    def __getattr__(self, name):
        attr = getattr(self._fh, name)
        if name in FILE_CALLS:
            def counted(*args, **kwargs):
                if self._plan.tick():
                    if name == "write":
                        _torn("write", attr, args, kwargs)
                        self._fh.flush()
                    raise InjectedFault()
                return attr(*args, **kwargs)
            return counted
        return attr

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __iter__(self):
        return iter(self._fh)


def _counted(name: str, fn, plan: FaultPlan, wrap_file: bool = False):
    def call(*args, **kwargs):
        if plan.tick():
            _torn(name, fn, args, kwargs)
        result = fn(*args, **kwargs)
        return _File(result, plan) if wrap_file else result
    return call


def inject(monkeypatch, plan: FaultPlan) -> None:
    for name in OS_CALLS:
        if hasattr(os, name):
            monkeypatch.setattr(os, name, _counted(name, getattr(os, name), plan))
    for name in SHUTIL_CALLS:
        monkeypatch.setattr(shutil, name, _counted(name, getattr(shutil, name), plan))
    monkeypatch.setattr(os, "fdopen", _counted("fdopen", os.fdopen, plan, wrap_file=True))
    monkeypatch.setattr(builtins, "open", _counted("open", builtins.open, plan, wrap_file=True))
    monkeypatch.setattr(io, "open", _counted("open", io.open, plan, wrap_file=True))


# ---------------------------------------------------------------------------------------
# The two stores, each behind the same small interface: write version v, read back the version.
# ---------------------------------------------------------------------------------------
def scenario_version(v: int):
    d = golden_dict()
    d.update(id="my-plan", name=f"My plan v{v}")
    d["traffic"]["requests_per_day"] = 10_000 * v
    return from_dict(d)


class ScenarioCase:
    def __init__(self, folder):
        self.store = ScenarioStore(folder)

    def write(self, v: int, overwrite: bool = True):
        self.store.save(scenario_version(v), overwrite=overwrite)

    def read(self) -> int:
        listing = self.store.list()
        assert listing.errors == {}
        assert set(listing.scenarios) == {"my-plan"}
        got = self.store.get("my-plan")
        assert got == listing.scenarios["my-plan"]
        for v in (1, 2):
            if got == scenario_version(v):
                return v
        raise AssertionError(f"the stored scenario is neither version: {got.name}")


BOARD = {"name": "Acme NPU board", "category": "edge", "hw_class": "jetson", "memory_gb": 32.0,
         "memory_bandwidth_gb_s": 204.8, "peak_tflops_fp16": 40.0, "tdp_w": 25.0,
         "source": "Acme datasheet rev 3", "verified": False}


class DeviceCase:
    def __init__(self, folder):
        self.store = DeviceStore(folder)

    def write(self, v: int, overwrite: bool = True):
        self.store.save({**BOARD, "memory_gb": 32.0 * v}, overwrite=overwrite)

    def read(self) -> int:
        listing = self.store.list()
        assert listing.errors == {}
        assert set(listing.paths) == {"custom-acme-npu-board"}
        memory_gb = catalog.get_hardware(str(listing.paths["custom-acme-npu-board"])).memory_gb
        assert memory_gb in (32.0, 64.0), memory_gb
        return int(memory_gb // 32)


CASES = {"scenario": ScenarioCase, "device": DeviceCase}


def calls_in_a_clean_save(case_cls, folder, monkeypatch) -> int:
    case = case_cls(folder)
    case.write(1, overwrite=False)
    plan = FaultPlan()
    with monkeypatch.context() as m:
        inject(m, plan)
        case.write(2)
    assert case.read() == 2
    return plan.calls


@pytest.mark.parametrize("store", sorted(CASES))
def test_a_fault_at_any_io_call_of_a_save_keeps_a_whole_version(store, tmp_path, monkeypatch):
    case_cls = CASES[store]
    n_calls = calls_in_a_clean_save(case_cls, tmp_path / "count", monkeypatch)
    assert n_calls >= 3, "the counter saw no I/O: the fault injection does not reach the save"
    outcomes = {}
    for k in range(1, n_calls + 1):
        case = case_cls(tmp_path / f"k{k}")
        case.write(1, overwrite=False)
        plan = FaultPlan(fail_at=k)
        failed = False
        with monkeypatch.context() as m:
            inject(m, plan)
            try:
                case.write(2)
            except (InjectedFault, VentureLabError):   # the store may report the fault as its one-line error
                failed = True
        after = case.read()
        # A save that reported failure may have passed its commit point (a rename done, a later
        # directory sync failed), but it must never leave a half file or no file.
        outcomes[k] = (failed, after)
        if not failed:
            assert after == 2, f"save returned without error at fault {k} but version {after} is stored"
        # The store still works after the fault: a new save goes through and reads back.
        case.write(2)
        assert case.read() == 2
    # Faults before the commit point report failure and leave the previous version (a fault that a
    # save absorbs, such as mkdir of a folder that exists, may report nothing).
    assert (True, 1) in outcomes.values(), outcomes


def test_a_failed_first_save_leaves_nothing_half_written(tmp_path, monkeypatch):
    # No previous version: a fault at any call leaves either no scenario or the whole one.
    n_calls = calls_in_a_clean_save(ScenarioCase, tmp_path / "count", monkeypatch)
    for k in range(1, n_calls + 1):
        store = ScenarioStore(tmp_path / f"k{k}")
        with monkeypatch.context() as m:
            inject(m, FaultPlan(fail_at=k))
            try:
                store.save(scenario_version(1))
            except InjectedFault:
                pass
        listing = store.list()
        assert listing.errors == {}
        assert listing.scenarios in ({}, {"my-plan": scenario_version(1)})


# ---------------------------------------------------------------------------------------
# A real process killed mid-save
# ---------------------------------------------------------------------------------------
SAVER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {repo!r})
    from tests.scenarios.test_store_faults import CASES
    case = CASES[{store!r}]({folder!r})
    print("ready", flush=True)
    v = 1
    while True:
        v = 3 - v
        case.write(v)
""")


def kill_mid_save(store: str, folder: Path, rng: random.Random) -> int:
    case = CASES[store](folder)
    case.write(1, overwrite=False)
    code = SAVER.format(repo=str(REPO), store=store, folder=str(folder))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=REPO)
    try:
        assert proc.stdout.readline().strip() == b"ready"
        # ~0.1-1 ms per save here: a kill 1-30 ms in lands at a random point of some save.
        time.sleep(rng.uniform(0.001, 0.03))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    return case.read()


def _kill_loop(store: str, tmp_path: Path, iterations: int) -> None:
    rng = random.Random(f"{store}-{iterations}")
    seen = [kill_mid_save(store, tmp_path / f"run{i}", rng) for i in range(iterations)]
    assert set(seen) <= {1, 2}


@pytest.mark.parametrize("store", sorted(CASES))
def test_a_process_killed_mid_save_leaves_a_whole_version(store, tmp_path):
    _kill_loop(store, tmp_path, iterations=10)


@pytest.mark.slow
@pytest.mark.parametrize("store", sorted(CASES))
def test_a_process_killed_mid_save_leaves_a_whole_version_many_times(store, tmp_path):
    _kill_loop(store, tmp_path, iterations=50)


def test_the_fault_injection_catches_a_save_that_is_not_atomic(tmp_path, monkeypatch):
    # The harness itself: a save that truncates the target and writes in place is left torn.
    target = tmp_path / "f.txt"
    old, new = "old version\n" * 10, "new version\n" * 10
    target.write_text(old)

    def naive_save(text):
        with open(target, "w") as fh:
            fh.write(text)

    with monkeypatch.context() as m:
        inject(m, FaultPlan(fail_at=2))        # 1: open (truncates), 2: write
        with pytest.raises(InjectedFault):
            naive_save(new)
    assert target.read_text() not in (old, new)
