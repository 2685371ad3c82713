"""The text report of `venture-lab scenario run` (scenarios.business.report) for the golden
scenario: each line in order, with the figures worked out by hand where they are hand-checkable
(one rented H100 at $2/h, the API at $0.5/$1.5 per 1M tokens) and the Monte Carlo's bands shown as
the simulation gave them."""

from __future__ import annotations

import datetime as dt

import pytest

from scenarios.business.report import text_report
from scenarios.business.runner import run
from scenarios.business.scenario import from_dict
from scenarios.units import fmt_pct, fmt_usd
from tests.scenarios.conftest import golden_dict

ON = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def golden_run():
    d = golden_dict()
    d["traffic"]["batch_share"] = 0.2
    s = from_dict(d)
    return s, run(s, samples=200, seed=0)


def test_the_report_line_by_line(golden_run):
    s, full = golden_run
    mc, u = full.monte_carlo, full.result.unit
    lines = text_report(s, full, today=ON).split("\n")

    def band(b, f):
        return f"P10 {f(b.low)}, P50 {f(b.expected)}, P90 {f(b.high)}"

    usd = lambda v: fmt_usd(v, compact=False)                          # noqa: E731
    assert lines[0] == "Golden test  [golden, nlp, llama-3.1-8b int4]"
    assert lines[1] == f"verdict: {full.result.verdict.text}"
    assert lines[2] == f"serving on rent: $1,460/month (Monte Carlo {band(mc.cost_usd_month, usd)})"   # 2 x 730
    assert lines[3] == ("  the headline is computed at the most likely inputs, P50 is the simulation's median: "
                        "replica counts round up to whole devices (and the ranges are lopsided), so the headline "
                        f"sits at percentile {mc.point_percentile}, not 50")
    assert lines[4] == f"gross margin: {fmt_pct(u.gross_margin)} ({band(mc.margin, fmt_pct)})"
    assert lines[5] == ("revenue $20,000/month; cost per request $0.0048; per user $1.46/month; "
                        "devices at peak 1")                             # 1,460 / 304,167 requests, / 1,000 users
    assert lines[6] == "burn $11.5k/month; runway 8 months"             # 30,000 + 1,460 - 20,000
    assert lines[7].startswith("batch API: 20% of requests wait for the provider's batch API; api publishes no ")
    assert lines[8] == "options (today's volume):"
    assert lines[9] == f"  {'api':<18} {'API: P m':<42} $243/month"      # 304,167 x (1000 x 0.5 + 200 x 1.5) / 1e6
    assert lines[10] == "      price as of 2026-01-01 (60 days old)"
    assert lines[11] == (f"  {'rent':<18} {'rented-gpu: nvidia-h100-sxm':<42} $1,460/month; "
                         "beats the API above 1,825,000 requests/month")
    assert lines[12] == "      price as of ? (no exact date)"
    phone = next(o for o in full.result.options if o.target_id == "phone")
    assert lines[15] == f"  {'phone':<18} {'phone: apple-a17-pro':<42} n/a  ({phone.note})"
    assert lines[16] == "tornado (gross margin swing): " + ", ".join(f"{b.name} {fmt_pct(b.swing)}"
                                                                      for b in full.tornado)
    assert len(lines) == 17


def test_a_profitable_business_says_so_with_a_sign(golden_run):
    d = golden_dict()
    d["fixed_costs"] = {"team_usd_month": 1000}
    s = from_dict(d)
    lines = text_report(s, run(s, samples=200, seed=0), today=ON).split("\n")
    assert "profitable: +$17.5k/month (after fixed costs)" in lines             # 20,000 - 1,460 - 1,000
    assert not any(line.startswith("batch API") for line in lines)


def test_a_large_cost_per_user_is_written_in_full():
    d = golden_dict()
    d["traffic"]["monthly_active_users"] = 1
    s = from_dict(d)
    lines = text_report(s, run(s, samples=100, seed=0), today=ON).split("\n")
    assert "; per user $1,460/month; devices at peak 1" in lines[5]


def test_growth_that_outruns_the_burn_is_default_alive():
    d = golden_dict()
    d["traffic"]["monthly_growth"] = 0.3
    s = from_dict(d)
    lines = text_report(s, run(s, samples=200, seed=0), today=ON).split("\n")
    assert "burn $11.5k/month; runway default alive (growth makes it profitable before the cash runs out)" in lines


def test_an_api_headline_off_the_median_is_explained_as_lopsided_ranges():
    d = golden_dict()
    d["serving_target"] = "api"
    s = from_dict(d)
    full = run(s, samples=200, seed=0)
    lines = text_report(s, full, today=ON).split("\n")
    assert lines[3] == ("  the headline is computed at the most likely inputs, P50 is the simulation's median: an API's "
                        "cost is linear in its inputs but the ranges are lopsided, so the headline sits at percentile "
                        f"{full.monte_carlo.point_percentile}, not 50")


def test_without_spread_or_revenue_those_lines_are_left_out():
    d = golden_dict()
    d["uncertainty"] = {"traffic": [1, 1], "hardware_price": [1, 1], "api_price": [1, 1],
                        "peak_load_share": [0.5, 0.5]}
    d["pricing"] = {"model": "subscription", "usd_per_user_month": 0}
    caps_flat = from_dict(d)
    lines = text_report(caps_flat, run(caps_flat, samples=100, seed=0), today=ON).split("\n")
    assert not any("the headline is computed" in line for line in lines)
    assert not any(line.startswith("gross margin") for line in lines)
    assert lines[2].startswith("serving on rent: $1,460/month (Monte Carlo P10 $1,460, P50 $1,460, P90 $1,460")
