"""Refactors keep every figure: the CLI over the catalog and every page on its defaults.

The snapshots under tests/snapshots/ were recorded from the public surfaces (``venture-lab``'s own
``main`` and the pages opened from the entrypoint) and are regenerated only by ``make snapshot``,
when a change moves figures on purpose; that commit shows the diff (``python -m tools.cli_snapshot
diff``)."""

from __future__ import annotations

from tools import cli_snapshot, page_snapshot


def test_cli_outputs_over_the_whole_catalog_match_the_snapshot():
    diffs = cli_snapshot.compare(limit=30)
    assert diffs == [], "CLI output moved (make snapshot if on purpose):\n" + "\n".join(diffs)


def test_every_page_shows_the_snapshot_figures_on_its_defaults():
    diffs = page_snapshot.compare(limit=30)
    assert diffs == [], "page figures moved (make snapshot if on purpose):\n" + "\n".join(diffs)
