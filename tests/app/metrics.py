"""Reading a page's metric cards in AppTest."""

from __future__ import annotations


def metric_value(at, label_start: str) -> str:
    """The value of the first metric card whose label starts with ``label_start``."""
    hits = [m.value for m in at.metric if m.label.startswith(label_start)]
    assert hits, f"no metric starting {label_start!r}: {[m.label for m in at.metric]}"
    return hits[0]
