"""One fresh fit (with leave-one-hardware-out) shared by the calibration tests (~10 s)."""

import pytest


@pytest.fixture(scope="session")
def fresh_fit():
    from scenarios.calibration.fit import run_fit
    factors, report = run_fit()
    return factors, report
