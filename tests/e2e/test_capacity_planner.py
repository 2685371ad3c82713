"""The Capacity planner in a real browser at 1280x800 and 390x844: it renders its cheapest
configuration and both charts without errors, and nothing makes the page scroll sideways.
Screenshots land in tests/e2e/screenshots/capacity-planner-*.png (look at them)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

TOLERANCE_PX = 1.0

# The widths of the document and of Streamlit's scrolling main container against what is visible,
# and any element of the main area whose right edge runs past the viewport.
_SIDEWAYS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const wide = [...main.querySelectorAll('[data-testid="stElementContainer"]')]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
        .map(el => (el.innerText || el.className).slice(0, 60));
    return {doc: document.documentElement.scrollWidth, view: window.innerWidth,
            main: main.scrollWidth, mainClient: main.clientWidth, wide};
}"""


def test_capacity_planner_renders_and_never_scrolls_sideways(tab):
    tab.goto("capacity-planner")
    tab.page.get_by_test_id("stMetricValue").first.wait_for()
    tab.page.locator(".js-plotly-plot").nth(1).wait_for()
    tab.screenshot(f"capacity-planner-{tab.viewport_name}")
    assert len(tab.metric_values()) == 4
    w = tab.page.evaluate(_SIDEWAYS)
    assert w["doc"] <= w["view"] + TOLERANCE_PX, w
    assert w["main"] <= w["mainClient"] + TOLERANCE_PX, w
    assert not w["wide"], w
    tab.assert_no_errors()
