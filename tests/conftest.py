"""Suite-wide fixtures."""

from __future__ import annotations

import os
import sys

import pytest


@pytest.fixture(autouse=True, scope="session")
def _engine_caches_read_afresh_under_mutation_testing():
    """Under mutation testing (mutmut sets MUTANT_UNDER_TEST) each test session starts with the
    engine's cached catalogs and fits emptied. mutmut forks every mutant's run from one process
    that has already read and cached them with the original code, so a mutant in a catalog
    reader (say, a column name in ``_model_from_row``) would never run and would count as a
    survivor. Outside mutation testing nothing happens."""
    if os.environ.get("MUTANT_UNDER_TEST"):
        for name, module in list(sys.modules.items()):
            if not name.startswith("scenarios.") or module is None:
                continue
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and getattr(value, "__module__", "").startswith("scenarios."):
                    clear()
    yield
