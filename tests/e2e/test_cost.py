"""The cost explorer, home and methodology pages in a real browser, at 1280x800 and 390x844:
each renders without errors, an input change reaches the URL, and reopening that URL shows
the same figures. Screenshots land in tests/e2e/screenshots/."""

from __future__ import annotations

import re


def test_home_shows_live_figures_doors_and_switches_language_by_url(tab):
    tab.goto("home")
    tab.page.get_by_test_id("stMetricValue").first.wait_for()
    figures = tab.metric_values()
    assert len(figures) >= 3
    assert tab.page.get_by_test_id("stPageLink").count() >= 2  # the cost door at least
    tab.screenshot(f"home-{tab.viewport_name}")
    tab.assert_no_errors()
    if tab.viewport_name == "phone":  # the sidebar (language switch) is folded away on a phone
        tab.page.get_by_test_id("stExpandSidebarButton").click()
    tab.segment("中文")
    assert tab.query().get("lang") == "中文"
    tab.page.get_by_text("AI 创业实验室").first.wait_for()
    _reload_same(tab, figures)  # same numbers, now with Chinese labels
    tab.page.get_by_text("AI 创业实验室").first.wait_for()
    collapse = tab.page.get_by_test_id("stSidebarCollapseButton")
    if tab.viewport_name == "phone" and collapse.count() and collapse.first.is_visible():
        collapse.first.locator("button").first.click()  # fold the sidebar back for the screenshot
        tab.page.wait_for_timeout(400)
    tab.screenshot(f"home-zh-{tab.viewport_name}")
    tab.assert_no_errors()


def _reload_same(tab, before: list[str]) -> None:
    """Open the current URL afresh (a new script run from the link alone): same figures."""
    url = tab.page.url
    tab.page.goto(url)
    tab.wait_rendered()
    tab.page.get_by_test_id("stMetricValue").first.wait_for()
    assert tab.wait_metrics(lambda v: v == before) == before


def _changed(tab, before: list[str]) -> list[str]:
    """The figures after an input change, once the rerun has replaced them."""
    after = tab.wait_metrics(lambda v: len(v) == len(before) and v != before)
    assert after != before
    for _ in range(60):  # values can land in more than one step: wait until they hold still
        tab.wait_idle()
        tab.page.wait_for_timeout(500)
        again = tab.metric_values()
        if again == after:
            return after
        after = again
    return after


def test_serving_input_goes_to_url_and_link_reproduces_figures(tab):
    tab.goto("cost-serving")
    tab.page.get_by_test_id("stMetricValue").first.wait_for()
    # The cards arrive over a moment on a loaded machine: wait for all of them.
    default = tab.wait_metrics(lambda v: len(v) >= 10, timeout_s=60)
    assert len(default) >= 10  # 5 default targets x (tokens/s, $ per 1M)
    tab.set_number("Batch (concurrent sequences)", 8)
    assert tab.query().get("srv_batch") == "8"
    changed = _changed(tab, default)
    assert tab.page.get_by_test_id("stPlotlyChart").count() >= 1
    tab.screenshot(f"cost-serving-{tab.viewport_name}")
    tab.assert_no_errors()
    _reload_same(tab, changed)
    tab.segment("Roofline")  # the chart choice is part of the link too
    assert tab.query().get("srv_chart") == "Roofline"
    # One chart at a time (the memory chart leaves as the roofline arrives).
    tab.page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length === 1", timeout=15_000)
    tab.screenshot(f"cost-serving-roofline-{tab.viewport_name}")
    tab.assert_no_errors()


def test_training_input_goes_to_url_and_link_reproduces_figures(tab):
    tab.goto("cost-training")
    tab.page.get_by_test_id("stMetricValue").first.wait_for()
    default = tab.metric_values()
    tab.set_number("Number of devices", 128)
    assert tab.query().get("trn_devices") == "128"
    changed = _changed(tab, default)  # fewer wall-clock days
    tab.screenshot(f"cost-training-{tab.viewport_name}")
    tab.assert_no_errors()
    _reload_same(tab, changed)
    tab.assert_no_errors()


def test_methodology_part_goes_to_url(tab):
    tab.goto("methodology")
    tab.screenshot(f"methodology-{tab.viewport_name}")
    tab.segment("Data sources")
    # Streamlit 1.67 writes a bound option's shown label (format_func) into the URL.
    assert tab.query().get("meth_part") == "Data sources"
    tab.page.get_by_test_id("stMetricValue").first.wait_for()
    shown = tab.metric_values()
    tab.screenshot(f"methodology-sources-{tab.viewport_name}")
    _reload_same(tab, shown)
    tab.assert_no_errors()
