"""Pieces shared by the Scenarios, Compare and Pitch pages: translated verdict, headline
figures, options and assumptions tables. They only format what the engine returned."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import current_language, t
from dashboard.ui import fmt_grouped, fmt_number, fmt_pct, fmt_usd, note_metric
from scenarios.business.assumptions import assumption_rows, price_date
from scenarios.business.economics import SELF_HOSTED, ScenarioResult
from scenarios.business.price_age import PRICED_KINDS
from scenarios.business.runner import FullRun
from scenarios.business.scenario import Scenario


def verdict_text(result: ScenarioResult) -> str:
    v = result.verdict
    return t(f"scn.verdict.{v.kind}", **{k: str(val) for k, val in v.params.items()})


def usd(x: float | None) -> str:
    return fmt_usd(x)


def headline(full: FullRun, *, pitch: bool = False) -> None:
    """The big figures: serving cost and margin with their P10-P90 band, cost per user,
    runway, devices at peak (3-5 cards; wraps on a phone)."""
    u, mc = full.result.unit, full.monte_carlo
    cost, margin = mc.cost_usd_month, mc.margin
    cards = [
        lambda: note_metric(t("scn.fig.serving"), usd(u.serving_usd_month), _median_note(cost, usd),
                            help=t("scn.fig.serving_help")),
    ]
    if u.gross_margin is not None:
        cards.append(lambda: note_metric(t("scn.fig.margin"), fmt_pct(u.gross_margin),
                                         _median_note(margin, fmt_pct), help=t("scn.fig.margin_help")))
    cards.append(lambda: st.metric(t("scn.fig.per_user"), usd(u.cost_per_user_usd),
                                   help=t("scn.fig.per_user_help", per_req=usd(u.cost_per_request_usd * 1000))))
    cards.append(lambda: st.metric(t("scn.fig.runway"),
                                   t("scn.fig.alive") if u.runway_months is None
                                   else t("scn.fig.months", n=u.runway_months),
                                   help=t("scn.fig.runway_help", burn=usd(u.burn_usd_month))))
    if u.devices_at_peak:
        cards.append(lambda: st.metric(t("scn.fig.devices"), f"{u.devices_at_peak:,}",
                                       help=t("scn.fig.devices_help", rps=fmt_number(u.peak_requests_per_s))))
    cols = st.columns(len(cards))
    for col, card in zip(cols, cards):
        with col:
            card()
    if mc.point_percentile is not None and cost is not None and cost.width > 0:
        kind = next(o.kind for o in full.result.options if o.target_id == u.serving_target)
        why = "scn.fig.point_vs_p50" if kind in SELF_HOSTED else "scn.fig.point_vs_p50_linear"
        st.caption(t(why, pct=mc.point_percentile))
    if not pitch:
        cols = st.columns(4)
        with cols[0]:
            st.metric(t("scn.fig.revenue"), usd(u.revenue_usd_month))
        with cols[1]:
            st.metric(t("scn.fig.per_request"), fmt_usd(u.cost_per_request_usd, 2))
        with cols[2]:
            if u.burn_usd_month < 0:    # a profitable month says so, as the CLI does ("profitable: +$402k")
                st.metric(t("scn.fig.profit"), usd(-u.burn_usd_month))
            else:
                st.metric(t("scn.fig.burn"), usd(u.burn_usd_month))
        with cols[3]:
            be = u.break_even_users
            st.metric(t("scn.fig.break_even"), t("scn.fig.never") if be is None else fmt_grouped(be),
                      help=t("scn.fig.break_even_help"))


def _median_note(band, fmt) -> str | None:
    """The Monte Carlo's P50 and P10-P90 under a deterministic headline (None: no band)."""
    if band is None or band.width <= 0:
        return None
    return t("scn.fig.p50_band", p50=fmt(band.expected), low=fmt(band.low), high=fmt(band.high))


def sanity_warnings(result: ScenarioResult) -> None:
    """The engine's warnings about figures too large to take at face value."""
    for w in result.warnings:
        st.warning(t(f"scn.warn.{w.kind}", **{k: str(v) for k, v in w.params.items()}),
                   icon=":material/warning:")


def options_frame(result: ScenarioResult, workload: str, scenario: Scenario) -> pd.DataFrame:
    targets = {tg.id: tg for tg in scenario.targets}
    rows = []
    for o in result.options:
        tg = targets[o.target_id]
        rows.append({
            t("scn.col.target"): o.target_id,
            t("scn.col.kind"): t("scn.kind." + o.kind.replace("-", "_")),
            t("scn.col.option"): o.label,
            t("scn.col.usd_month"): o.usd_month,
            t("scn.col.usd_per_m_tokens"): o.usd_per_million_io_tokens if workload == "llm" else None,
            t("scn.col.replicas"): "–" if o.replicas is None else f"{o.replicas:,}",
            t("scn.col.devices"): "–" if o.devices is None else f"{o.devices:,}",
            t("scn.col.break_even"): o.break_even_requests_month,
            t("scn.col.meets"): t("scn.col.unmet", which="; ".join(o.unmet)) if o.unmet
            else t("scn.col.meets_yes"),
            t("scn.col.note"): o.note or ("" if o.feasible else t("scn.col.infeasible")),
            t("price.col"): price_date(tg, current_language()) if tg.kind in PRICED_KINDS else "",
        })
    return pd.DataFrame(rows)


def assumptions_frame(scenario: Scenario) -> pd.DataFrame:
    return pd.DataFrame(assumption_rows(scenario, current_language()), columns=[t("scn.col.assumption"), t("scn.col.value"),
                                                           t("scn.col.source"), t("scn.col.date")])


