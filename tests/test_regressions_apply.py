"""Every planted bug of tests/regressions/ still applies to today's code (`make regressions` runs
them against the tests that must catch them; a patch that no longer applies would catch nothing)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATCHES = sorted((ROOT / "tests" / "regressions").glob("*.patch"))


def test_there_are_planted_bugs():
    assert len(PATCHES) >= 5


@pytest.mark.parametrize("patch", PATCHES, ids=lambda p: p.stem)
def test_the_planted_bug_applies_to_todays_code(patch):
    done = subprocess.run(["git", "apply", "--check", str(patch)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"{patch.name} no longer applies; re-make it against today's code: {done.stderr}"
