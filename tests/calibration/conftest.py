"""One fresh fit (with leave-one-hardware-out) shared by the calibration tests (~10 s)."""

import pytest


@pytest.fixture(scope="session")
def fresh_fit():
    from scenarios.calibration import fit as calibration
    factors, report = calibration.run_fit()
    return factors, report
