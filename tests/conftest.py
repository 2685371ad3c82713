"""Suite-wide fixtures."""

from __future__ import annotations

import os
import sys

import pytest

_emptied_in_this_process = False


def _empty_engine_caches() -> None:
    for name, module in list(sys.modules.items()):
        if not name.startswith("scenarios.") or module is None:
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", "").startswith("scenarios."):
                clear()


@pytest.fixture(autouse=True)
def _engine_caches_read_afresh_under_mutation_testing():
    """Under mutation testing (mutmut sets MUTANT_UNDER_TEST) the engine's cached catalogs and fits
    are read afresh. mutmut forks every mutant's run from one process that has already read and
    cached them with the original code, so a mutant in a catalog reader (say, a column name in
    ``_model_from_row``) would never run; and while it records which tests reach which function
    ("stats"), a reader cached by the first test would be credited to that test alone. So: before
    every test while it records, once per forked run while it tests a mutant, never otherwise."""
    global _emptied_in_this_process
    mode = os.environ.get("MUTANT_UNDER_TEST", "")
    if mode == "stats" or (mode and not _emptied_in_this_process):
        _empty_engine_caches()
        _emptied_in_this_process = mode != "stats"
    yield
