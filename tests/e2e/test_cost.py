"""The cost explorer, home and methodology pages in a real browser, at 1280x800 and 390x844:
each renders without errors, an input change reaches the URL, and reopening that URL shows
the same figures. Widgets are found by their key (``st-key-<key>``), figures by test id and read
once the rerun an input started has finished. Screenshots land in tests/e2e/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _title(tab):
    return tab.page.locator('[data-testid="stMain"] h1').first


def test_home_shows_live_figures_doors_and_switches_language_by_url(tab):
    tab.goto("home")
    figures = tab.metric_values()
    assert len(figures) >= 3
    assert tab.page.get_by_test_id("stPageLink").count() >= 2  # the cost door at least
    assert tab.clipped_link_labels() == []       # every door's label is read whole
    english_title = _title(tab).inner_text()
    tab.screenshot(f"home-{tab.viewport_name}")
    tab.assert_no_errors()
    if tab.viewport_name == "phone":  # the sidebar (language switch) is folded away on a phone
        tab.page.get_by_test_id("stExpandSidebarButton").click()
        expect(tab.widget("lang")).to_be_visible()
    tab.segment("lang", "中文")
    assert tab.query().get("lang") == "中文"
    expect(_title(tab)).not_to_have_text(english_title)
    _reload_same(tab, figures)  # same numbers, now with Chinese labels
    expect(_title(tab)).not_to_have_text(english_title)
    collapse = tab.page.get_by_test_id("stSidebarCollapseButton")
    if tab.viewport_name == "phone" and collapse.count() and collapse.first.is_visible():
        collapse.first.locator("button").first.click()  # fold the sidebar back for the screenshot
        tab.next_frames(3)
    tab.screenshot(f"home-zh-{tab.viewport_name}")
    tab.assert_no_errors()


def _reload_same(tab, before: list[str]) -> None:
    """Open the current URL afresh (a new script run from the link alone): same figures."""
    tab.reload()
    assert tab.metric_values() == before


def test_serving_input_goes_to_url_and_link_reproduces_figures(tab):
    tab.goto("cost-serving")
    default = tab.metric_values()
    assert len(default) >= 10  # 5 default targets x (tokens/s, $ per 1M)
    tab.set_number("srv_batch", 8)
    assert tab.query().get("srv_batch") == "8"
    changed = tab.metric_values()
    assert len(changed) == len(default) and changed != default
    assert tab.page.get_by_test_id("stPlotlyChart").count() >= 1
    tab.screenshot(f"cost-serving-{tab.viewport_name}")
    tab.assert_no_errors()
    _reload_same(tab, changed)
    # The devices per replica input is in the link too (it moves every figure of a model that
    # needs tensor parallelism, and the link must carry it).
    tab.set_number("srv_devices", 2)
    assert tab.query().get("srv_devices") == "2"
    with_devices = tab.metric_values()
    _reload_same(tab, with_devices)
    expect(tab.widget("srv_devices").locator("input")).to_have_value("2")
    tab.segment("srv_chart", "Roofline")  # the chart choice is part of the link too
    assert tab.query().get("srv_chart") == "Roofline"
    # One chart at a time (the memory chart leaves as the roofline arrives).
    expect(tab.page.get_by_test_id("stPlotlyChart")).to_have_count(1)
    tab.screenshot(f"cost-serving-roofline-{tab.viewport_name}")
    tab.assert_no_errors()


def test_training_input_goes_to_url_and_link_reproduces_figures(tab):
    tab.goto("cost-training")
    default = tab.metric_values()
    tab.set_number("trn_devices", 128)
    assert tab.query().get("trn_devices") == "128"
    changed = tab.metric_values()  # fewer wall-clock days
    assert changed != default
    tab.screenshot(f"cost-training-{tab.viewport_name}")
    tab.assert_no_errors()
    _reload_same(tab, changed)
    tab.assert_no_errors()


def test_methodology_part_goes_to_url(tab):
    tab.goto("methodology")
    tab.screenshot(f"methodology-{tab.viewport_name}")
    tab.segment("meth_part", "Data sources")
    # Streamlit 1.67 writes a bound option's shown label (format_func) into the URL.
    assert tab.query().get("meth_part") == "Data sources"
    expect(tab.page.get_by_test_id("stMetricValue").first).to_be_visible()
    shown = tab.metric_values()
    tab.screenshot(f"methodology-sources-{tab.viewport_name}")
    _reload_same(tab, shown)
    tab.assert_no_errors()
