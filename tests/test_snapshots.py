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


def test_a_demo_figure_may_move_a_few_points_with_the_cpu_but_not_break():
    """Demo pages are compared within the demo tolerance (tools/page_snapshot.py says why): what
    another CPU's float kernels move passes; a broken demo, a changed text or a lost row does not."""
    def diffs(old, new):
        out: list[str] = []
        page_snapshot._demo_differences(old, new, "", out, 10)
        return out
    assert diffs({"m": ["Noise-augmented", "63%", "+27 pts"]}, {"m": ["Noise-augmented", "69%", "+33 pts"]}) == []
    assert diffs({"m": ["-0.2 points", 0.438]}, {"m": ["+0.2 points", 0.443]}) == []
    assert diffs({"m": ["63%"]}, {"m": ["28%"]})                     # at chance: a broken demo
    assert diffs({"m": [0.774]}, {"m": [0.5]})                       # a share far off
    assert diffs({"m": ["63% of clips"]}, {"m": ["63% of words"]})   # the text around it changed
    assert diffs({"m": [[1, 2], [3, 4]]}, {"m": [[1, 2]]})           # a row lost
    assert diffs({"m": ["$1,200 a month"]}, {"m": ["$2,000 a month"]})   # 67 % more dollars
