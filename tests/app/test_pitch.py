"""The pitch page's cash curve (AppTest, both languages): the line is the engine's own cash
projection (the series the runway is read from), the band is the Monte Carlo's P10-P90 around it,
and the chart has its title, axis units and hover text."""

from __future__ import annotations

import json

import pytest

from dashboard.i18n import t
from scenarios.business.cash import cash_for_run
from scenarios.business.runner import run
from scenarios.business.scenario import load_preset
from tests.app.conftest import assert_clean, open_page

PITCH = "dashboard/pages/pitch.py"
PRESET = "customer-service"


def _figures(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _cash_figure(at, lang: str) -> dict:
    title = t("pitch.cash.title", lang, n="10,000").split("<br>")[0][:12]
    found = [f for f in _figures(at) if f["layout"]["title"]["text"].replace("<br>", "").startswith(title)]
    assert len(found) == 1, [f["layout"]["title"]["text"] for f in _figures(at)]
    return found[0]


@pytest.fixture(scope="module")
def engine_curve():
    scenario = load_preset(PRESET)
    return cash_for_run(scenario, run(scenario))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pitch_shows_the_engines_cash_curve_with_its_band(lang, engine_curve):
    at = open_page(PITCH, lang=lang, query={"pitch_id": PRESET})
    assert_clean(at)
    fig = _cash_figure(at, lang)
    p90, p10, line = fig["data"][:3]
    assert line["x"] == engine_curve.months.tolist()
    assert line["y"] == pytest.approx(engine_curve.cash_usd.tolist())
    assert line["y"] == pytest.approx(run(load_preset(PRESET), samples=100).result.projection["cash"])
    assert p10["y"] == pytest.approx(engine_curve.cash_usd_p10.tolist())
    assert p90["y"] == pytest.approx(engine_curve.cash_usd_p90.tolist())
    assert p10["fill"] == "tonexty"                      # the band is drawn between P90 and P10
    assert p10["y"][-1] < p90["y"][-1]                   # growth widens the band by month 60
    layout = fig["layout"]
    assert layout["xaxis"]["title"]["text"] == t("scn.chart.month_axis", lang)
    assert layout["yaxis"]["title"]["text"] == t("pitch.cash.axis", lang)
    assert layout["yaxis"]["tickprefix"] == "$"
    assert all("$%{y:,.0f}" in tr["hovertemplate"] for tr in (p90, p10, line))
    assert line["name"] == t("pitch.cash.expected", lang) and p10["name"] == t("pitch.cash.band", lang)


def test_a_scenario_that_runs_out_of_cash_marks_the_month(tmp_path, monkeypatch):
    """A saved copy with a third of the cash and three times the fixed costs (runway: month 4):
    the chart marks the month the engine's runway names, and the Runway card shows that month."""
    from scenarios.business.store import ScenarioStore

    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path))
    base = load_preset(PRESET)
    short = base.replace(id="short", name="Short runway",
                         funding=base.funding.__class__(cash_usd=base.funding.cash_usd / 3),
                         fixed_costs=base.fixed_costs.__class__(team_usd_month=base.fixed_costs.total_usd_month * 3))
    ScenarioStore(tmp_path).save(short)
    runway = run(short, samples=100).result.unit.runway_months
    assert runway == 4
    at = open_page(PITCH, query={"pitch_id": "short"})
    assert_clean(at)
    fig = _cash_figure(at, "en")
    marks = [s for s in fig["layout"].get("shapes", []) if s["xref"] == "x" and s["x0"] == s["x1"]]
    assert [s["x0"] for s in marks] == [runway]
    assert t("scn.fig.months", "en", n=runway) in [m.value for m in at.metric]
    assert t("pitch.cash.runs_out", "en") in [a["text"] for a in fig["layout"].get("annotations", [])]


def test_text_from_a_scenario_file_reaches_the_pitch_verdict_as_text_not_markup(tmp_path, monkeypatch):
    """The verdict and the title carry user text (a region, a name written as markup in a shared
    scenario file): they reach the page as escaped markdown, never through HTML, so the markup
    shows as the characters typed."""
    from scenarios.business.store import ScenarioStore

    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path))
    base = load_preset(PRESET)
    payload = '<img src=x onerror="alert(1)">'
    hostile = base.replace(id="hostile", name="[Hostile](javascript:alert(1)) region",
                           constraints=base.constraints.__class__(deployment="cloud", region=payload))
    ScenarioStore(tmp_path).save(hostile)
    at = open_page(PITCH, query={"pitch_id": "hostile"})
    assert_clean(at)
    assert all(payload not in m.value for m in at.markdown if m.proto.allow_html)
    shown = [m.value for m in at.markdown if "alert" in m.value]
    assert shown and all(payload not in v and r"\<img src=x" in v for v in shown if "img" in v)
    assert at.title[0].value.startswith(r"\[Hostile\]\(javascript:alert\(1\)\)")


def test_an_api_provider_written_as_markup_shows_as_typed_on_the_pitch_page(tmp_path, monkeypatch):
    """The issue's case: a shared scenario whose API provider is an iframe with a script. Every place
    the pitch page prints the provider (verdict, options, assumptions) shows the characters typed."""
    import dataclasses

    from scenarios.business.store import ScenarioStore

    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path))
    base = load_preset("nlp")
    payload = '<iframe srcdoc="<script>alert(1)</script>">'
    targets = tuple(dataclasses.replace(t, provider=payload) if t.kind == "api" else t for t in base.targets)
    ScenarioStore(tmp_path).save(base.replace(id="hostile-api", targets=targets))
    at = open_page(PITCH, query={"pitch_id": "hostile-api"})
    assert_clean(at)
    assert all("iframe" not in m.value for m in at.markdown if m.proto.allow_html)
    shown = [m.value for m in at.markdown if "iframe" in m.value]
    assert shown, "the verdict names the API provider"
    # escaped markdown: the browser shows '<iframe srcdoc=...>' as characters, never as an element
    assert all(r"\<iframe srcdoc" in v and "<iframe" not in v.replace(r"\<", "") for v in shown)
