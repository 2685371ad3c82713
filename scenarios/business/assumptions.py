"""The assumptions table of the pitch page and the PDF: every input, its value, source and date,
in English or Chinese (data/i18n/pdf.yaml), each market price with its age (price_age.py)."""

from __future__ import annotations

import datetime as _dt
import math

from scenarios.business.economics import VOLUME_DIGITS
from scenarios.business.labels import label
from scenarios.business.price_age import PRICED_KINDS, price_age
from scenarios.business.scenario import Scenario, Target
from scenarios.units import fmt_grouped, fmt_pct, fmt_plain, fmt_usd


def usd_short(x: float | None) -> str:
    """A page's worth of dollars: $18k from a thousand up, whole dollars from $10, cents below."""
    if x is not None and math.isfinite(x) and abs(x) >= 1000:
        return fmt_usd(x, VOLUME_DIGITS)
    return fmt_usd(x, compact=False)


def price_date(t: Target, lang: str = "en", on: _dt.date | None = None) -> str:
    """A target's price date with its age ("as of 2026-09-20 (78 days old)"); a phone's date as written."""
    return price_age(t.as_of, on).text(lang) if t.kind in PRICED_KINDS else t.as_of


def target_value(scenario: Scenario, t: Target, lang: str = "en") -> str:
    """What one target costs, in words."""
    if t.kind == "api":
        if scenario.workload == "llm":
            return label("assume.api_tokens", lang, provider=t.provider, model=t.api_model,
                         prompt=fmt_plain(t.usd_per_m_input), output=fmt_plain(t.usd_per_m_output))
        return label("assume.api_request", lang, provider=t.provider, model=t.api_model,
                     usd=fmt_plain(t.usd_per_request))
    if t.kind == "rented-gpu":
        return label("assume.rented", lang, hardware=t.hardware, usd=fmt_plain(t.usd_per_hour), batch=t.batch)
    if t.kind in ("owned-gpu", "edge"):
        return (label("assume.owned", lang, hardware=t.hardware, usd=fmt_grouped(t.purchase_usd),
                      months=t.amortisation_months)
                + (label("assume.power", lang, watts=fmt_plain(t.power_w)) if t.power_w else ""))
    return label("assume.phone", lang, hardware=t.hardware)


def batch_note(scenario: Scenario, lang: str = "en") -> str | None:
    """What ``traffic.batch_share`` does to each option (None where it is 0 or the workload is per-input)."""
    share = scenario.traffic.batch_share
    if share == 0 or scenario.workload != "llm":
        return None
    parts = [label("assume.batch_value", lang, share=fmt_pct(share, 0))]
    for t in scenario.targets:
        if t.kind != "api":
            continue
        if t.usd_per_m_batch_input is None and t.usd_per_m_batch_output is None:
            parts.append(label("assume.batch_none", lang, id=t.id))
        else:
            inp = t.usd_per_m_input if t.usd_per_m_batch_input is None else t.usd_per_m_batch_input
            out = t.usd_per_m_output if t.usd_per_m_batch_output is None else t.usd_per_m_batch_output
            parts.append(label("assume.batch_price", lang, id=t.id, prompt=fmt_plain(inp), output=fmt_plain(out)))
    if any(t.kind != "api" for t in scenario.targets):
        parts.append(label("assume.batch_self", lang))
    return "; ".join(parts)


def assumption_rows(scenario: Scenario, lang: str = "en",
                    on: _dt.date | None = None) -> list[tuple[str, str, str, str]]:
    """(assumption, value, source, date) for the table on the pitch page and the PDF; prices
    dated with their age on ``on`` (default today: price_age.today)."""
    tr, p, op, fc = scenario.traffic, scenario.pricing, scenario.operating, scenario.fixed_costs
    src = label("assume.scenario", lang)
    rows = [
        (label("assume.model", lang), f"{scenario.model} / {scenario.weights}", label("assume.catalog", lang), ""),
        (label("assume.requests", lang), label("assume.requests_value", lang, n=fmt_grouped(tr.requests_per_day),
                                               peak=fmt_plain(tr.peak_factor), growth=fmt_pct(tr.monthly_growth, 0)),
         src, ""),
    ]
    if scenario.workload == "llm":
        rows.append((label("assume.tokens", lang),
                     label("assume.tokens_value", lang, prompt=tr.prompt_tokens, output=tr.output_tokens), src, ""))
    batch = batch_note(scenario, lang)
    if batch:
        rows.append((label("assume.batch", lang), batch, src, ""))
    price = (label("assume.per_request", lang, usd=fmt_plain(p.usd_per_request)) if p.model == "per-request"
             else label("assume.per_user", lang, usd=fmt_plain(p.usd_per_user_month),
                        users=f"{tr.monthly_active_users:,}"))
    rows.append((label("assume.pricing", lang), price, src, ""))
    for t in scenario.targets:
        rows.append((label("assume.target", lang, id=t.id), target_value(scenario, t, lang), t.source,
                     price_date(t, lang, on)))
    rows.append((label("assume.operating", lang),
                 label("assume.operating_value", lang, share=fmt_pct(op.peak_load_share, 0), pue=fmt_plain(op.pue),
                       kwh=fmt_plain(op.electricity_usd_per_kwh)), op.source, op.as_of))
    rows.append((label("assume.fixed", lang),
                 label("assume.fixed_value", lang, team=usd_short(fc.team_usd_month),
                       compliance=usd_short(fc.compliance_usd_month), other=usd_short(fc.other_usd_month)),
                 src, ""))
    rows.append((label("assume.cash", lang), usd_short(scenario.funding.cash_usd), src, ""))
    return rows
