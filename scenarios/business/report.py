"""The text report of `venture-lab scenario run FILE`: the verdict, unit economics, each option
with what it does not meet and the age of its price, the batch share's effect, the tornado."""

from __future__ import annotations

import datetime as _dt

from scenarios.business.assumptions import batch_note, price_date
from scenarios.business.economics import SELF_HOSTED
from scenarios.business.price_age import PRICED_KINDS
from scenarios.units import fmt_grouped, fmt_pct, fmt_usd


def _band_text(band, fmt) -> str:
    return "n/a" if band is None else f"P10 {fmt(band.low)}, P50 {fmt(band.expected)}, P90 {fmt(band.high)}"


def _point_vs_median(full) -> str | None:
    """One line on why the headline (inputs at their mode) is not the Monte Carlo's P50."""
    r, mc = full.result, full.monte_carlo
    if mc.point_percentile is None or mc.cost_usd_month is None or mc.cost_usd_month.width <= 0:
        return None
    kind = next(o.kind for o in r.options if o.target_id == r.unit.serving_target)
    why = ("replica counts round up to whole devices (and the ranges are lopsided)" if kind in SELF_HOSTED
           else "an API's cost is linear in its inputs but the ranges are lopsided")
    return (f"  the headline is computed at the most likely inputs, P50 is the simulation's median: {why}, "
            f"so the headline sits at percentile {mc.point_percentile}, not 50")


def _cash_line(u) -> str:
    """Profit as a founder says it (a signed amount), or the burn and the runway."""
    if u.burn_usd_month < 0:
        return f"profitable: +{fmt_usd(-u.burn_usd_month)}/month (after fixed costs)"
    runway = "default alive (growth makes it profitable before the cash runs out)" \
        if u.runway_months is None else f"{u.runway_months} months"
    return f"burn {fmt_usd(u.burn_usd_month)}/month; runway {runway}"


def option_lines(scenario, result, today: _dt.date | None = None) -> list[str]:
    """One line per option (cost, break-even, note), then indented: what it does not meet
    (constraints.unmet, never recommended) and the date and age of its price."""
    targets = {t.id: t for t in scenario.targets}
    out = []
    for o in result.options:
        cost = "n/a" if o.usd_month is None else f"{fmt_usd(o.usd_month, compact=False)}/month"
        be = "" if o.break_even_requests_month is None else \
            f"; beats the API above {fmt_grouped(o.break_even_requests_month)} requests/month"
        out.append(f"  {o.target_id:<18} {o.label:<42} {cost}{be}{'  (' + o.note + ')' if o.note else ''}")
        if o.unmet:
            out.append(f"      does not meet: {'; '.join(o.unmet)}")
        t = targets[o.target_id]
        if t.kind in PRICED_KINDS:
            out.append(f"      price {price_date(t, 'en', today)}")
    return out


def text_report(scenario, full, today: _dt.date | None = None) -> str:
    """The whole report; prices aged on ``today`` (default price_age.today)."""
    r, mc = full.result, full.monte_carlo
    u = r.unit
    lines = [f"{scenario.name}  [{scenario.id}, {scenario.domain}, {scenario.model} {scenario.weights}]",
             f"verdict: {r.verdict.text}"]
    lines += [f"warning: {w.text}" for w in r.warnings]
    lines.append(f"serving on {u.serving_target}: {fmt_usd(u.serving_usd_month, compact=False)}/month "
                 f"(Monte Carlo {_band_text(mc.cost_usd_month, lambda v: fmt_usd(v, compact=False))})")
    why = _point_vs_median(full)
    if why:
        lines.append(why)
    if u.gross_margin is not None:
        lines.append(f"gross margin: {fmt_pct(u.gross_margin)} ({_band_text(mc.margin, fmt_pct)})")
    lines.append(f"revenue {fmt_usd(u.revenue_usd_month, compact=False)}/month; cost per request "
                 f"{fmt_usd(u.cost_per_request_usd, compact=False)}; per user "
                 f"{fmt_usd(u.cost_per_user_usd, compact=False)}/month; devices at peak {fmt_grouped(u.devices_at_peak)}")
    lines.append(_cash_line(u))
    batch = batch_note(scenario)
    if batch:
        lines.append(f"batch API: {batch}")
    lines.append("options (today's volume):")
    lines += option_lines(scenario, r, today)
    lines.append("tornado (gross margin swing): " + ", ".join(f"{b.name} {fmt_pct(b.swing)}" for b in full.tornado))
    return "\n".join(lines)
