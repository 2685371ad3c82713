"""The games demo page: a link sets the cheat strength, blatant cheats are caught, subtler ones less
often, and the maze is learned within the default episodes."""

from __future__ import annotations

from dashboard.navigation import page_by_url
from tests.app.conftest import assert_clean, open_page
from tests.app.metrics import metric_value


def test_games_query_sets_the_knobs_and_blatant_cheats_are_caught():
    at = open_page(page_by_url("demo-games").path, query={"game_strength": "1.0"})
    assert_clean(at)
    assert at.slider(key="game_strength").value == 1.0
    precision = float(metric_value(at, "Precision in the top").rstrip("%")) / 100
    assert precision >= 0.8
    at.slider(key="game_strength").set_value(0.2).run()
    assert_clean(at)
    assert float(metric_value(at, "Precision in the top").rstrip("%")) / 100 < precision
    at.selectbox(key="game_map").set_value("maze").run()
    assert_clean(at)
    assert not at.warning  # the maze is learned in the default 300 episodes
