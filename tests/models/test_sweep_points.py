"""The overfitting demo's sweep helper: rows of every point in order, progress after each point."""

from __future__ import annotations

import pytest

from models.overfitting import sweep_points


def test_sweep_points_concatenates_rows_and_reports_progress():
    seen = []
    rows = sweep_points([1, 2, 3], lambda p: [{"p": p}] * p, seen.append)
    assert [r["p"] for r in rows] == [1, 2, 2, 3, 3, 3]
    assert seen == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert sweep_points([], lambda p: [p]) == []
