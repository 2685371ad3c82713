"""The "adopt it" link in a real browser: the games demo's panel link opens the Scenarios page on
the games preset with the measured review cost applied (the note and the burn card), and the
adopt= value survives the browser's own URL encoding."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from scenarios.business.adopt import parse_adopt, price
from scenarios.business.economics import evaluate
from scenarios.business.runner import capacities, power_defaults
from scenarios.business.scenario import load_preset
from scenarios.units import fmt_usd

pytestmark = [pytest.mark.e2e, pytest.mark.slow]   # two pages, one of them the Scenarios page's Monte Carlo: ~30 s here


def test_games_panel_link_applies_the_review_cost_on_the_scenarios_page(tab):
    tab.goto("demo-games")
    link = tab.page.get_by_role("link", name="Open the 'games' scenario with this technique applied")
    href = link.get_attribute("href", timeout=120_000)
    assert "adopt=cheat-review" in href and "scn_id=games" in href
    tab.page.goto(tab.base_url + href if href.startswith("/") else href)
    tab.wait_rendered(timeout_ms=180_000)
    assert "adopt=cheat-review" in tab.page.url
    note = tab.page.get_by_text("Applied from the link: anomaly-ranked cheat review")
    note.first.wait_for(timeout=120_000)
    technique, measured = parse_adopt(parse_qs(urlsplit(href).query)["adopt"][0])
    games = load_preset("games")
    burn = evaluate(games, capacities(games), power_defaults(games)).unit.burn_usd_month
    expected = fmt_usd(burn + price(technique, measured, games).usd_month.expected)
    card = tab.page.get_by_test_id("stMetric").filter(has_text="Monthly burn with").first
    assert card.get_by_test_id("stMetricValue").inner_text(timeout=60_000) == expected
    tab.assert_no_errors()
