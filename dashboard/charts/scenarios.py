"""Plotly figure builders for the Scenarios, Compare and Pitch pages. Results in, figures out;
no st.* calls. Volumes and costs span orders of magnitude, so the build-vs-buy axes are log."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.charts import layout
from dashboard.i18n import t
from scenarios.business.cash import CashCurve
from scenarios.business.economics import ScenarioResult
from scenarios.business.uncertainty import MonteCarloResult, TornadoBar
from scenarios.units import fmt_pct

SERIES = ["#4F46E5", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#0072B2", "#56B4E9", "#999999"]
def _finite(values: Sequence[float | None]) -> list[float | None]:
    return [v if v is not None and math.isfinite(v) and v > 0 else None for v in values]


def option_label(target_id: str, kind: str, label: str) -> str:
    return f"{target_id} ({t('scn.kind.' + kind.replace('-', '_'))})"


def cost_vs_volume(result: ScenarioResult, workload: str, *, height: int = 420) -> go.Figure:
    """Monthly cost of each option against monthly volume, with today's volume marked."""
    curves = result.curves
    tokens = workload == "llm" and curves["tokens_month"] is not None
    xs = curves["tokens_month"] if tokens else curves["requests_month"]
    unit = t("scn.unit.tokens") if tokens else t("scn.unit.requests")
    kinds = {o.target_id: o.kind for o in result.options}
    fig = go.Figure()
    for i, (tid, ys) in enumerate(curves["usd_month"].items()):
        name = option_label(tid, kinds.get(tid, ""), curves["labels"][tid])
        fig.add_trace(go.Scatter(
            x=xs, y=_finite(ys), mode="lines", name=name, line=dict(width=2.5, color=SERIES[i % 8],
                                                                     shape="hv" if kinds.get(tid) != "api" else "linear"),
            hovertemplate=f"{name}<br>%{{x:.3s}} {unit}/{t('scn.unit.month')}<br>$%{{y:,.0f}}/"
                          f"{t('scn.unit.month')}<extra></extra>"))
    now = result.unit.tokens_month if tokens else result.unit.requests_month
    fig.add_vline(x=now, line=dict(dash="dash", color="#111827", width=1),
                  annotation_text=t("scn.chart.today"), annotation_position="top left")
    return layout(fig, t("scn.chart.build_vs_buy"), height=height,
                  xaxis=dict(type="log", dtick=1, title=t("scn.chart.volume_axis", unit=unit)),
                  yaxis=dict(type="log", dtick=1, title=t("scn.chart.cost_axis"), tickprefix="$"))


def _bins(values: np.ndarray, n: int) -> tuple[list[float], list[int], float]:
    """Histogram binned here (numpy) rather than in the browser: 60 bars instead of 10,000
    samples in the page, so the figure is small and quick to send."""
    v = values[np.isfinite(values)]
    if v.size == 0:
        return [], [], 1.0
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(v, bins=n, range=(lo, hi))
    return ((edges[:-1] + edges[1:]) / 2).tolist(), counts.tolist(), float(edges[1] - edges[0])


def margin_histogram(mc: MonteCarloResult, *, height: int = 340) -> go.Figure:
    """Distribution of this month's gross margin across the Monte Carlo samples."""
    centres, counts, width = _bins(mc.margin_samples * 100, 60)
    fig = go.Figure(go.Bar(x=centres, y=counts, width=width, marker_color=SERIES[0], opacity=0.85,
                           name=t("scn.chart.margin"),
                           hovertemplate=t("scn.chart.margin") + " %{x:.2f}%<br>%{y} "
                           + t("scn.chart.samples") + "<extra></extra>"))
    lines = zip(("P10", "P50", "P90"), mc.margin or (), ("dot", "solid", "dot"))  # no revenue: none
    for name, v, dash in lines:
        fig.add_vline(x=v * 100, line=dict(color="#111827", dash=dash, width=1),
                      annotation_text=f"{name} {fmt_pct(v)}", annotation_position="top")
    return layout(fig, t("scn.chart.margin_hist", n=f"{mc.n:,}"), height=height, legend=False,
                  xaxis=dict(title=t("scn.chart.margin_axis"), ticksuffix="%"),
                  yaxis=dict(title=t("scn.chart.samples")))


def cost_fan(mc: MonteCarloResult, *, height: int = 340) -> go.Figure:
    """P10-P90 band and median of the monthly serving cost over the coming months (with growth)."""
    months = list(mc.fan_months)
    nan = (math.nan,) * 3     # a month without a finite band leaves a gap
    p10, p50, p90 = ([(b or nan)[i] for b in mc.fan_cost] for i in range(3))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=months, y=p90, mode="lines", line=dict(width=0), showlegend=False,
                             hovertemplate="P90 $%{y:,.0f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=months, y=p10, mode="lines", line=dict(width=0), fill="tonexty",
                             fillcolor="rgba(79,70,229,0.22)", name=t("scn.chart.p10_p90"),
                             hovertemplate="P10 $%{y:,.0f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=months, y=p50, mode="lines", line=dict(color=SERIES[0], width=2.5),
                             name=t("scn.chart.median"), hovertemplate="P50 $%{y:,.0f}<extra></extra>"))
    return layout(fig, t("scn.chart.fan"), height=height,
                  xaxis=dict(title=t("scn.chart.month_axis")),
                  yaxis=dict(title=t("scn.chart.cost_axis"), tickprefix="$", rangemode="tozero"))


def tornado(bars: Sequence[TornadoBar], base_margin: float | None, *, height: int = 320) -> go.Figure:
    """How far each uncertain input, alone at its low or high end, moves the gross margin."""
    bars = list(bars)[::-1]  # plotly draws bottom-up: largest swing on top
    names = [t("scn.input." + b.name) for b in bars]
    base = (base_margin or 0.0) * 100
    fig = go.Figure()
    for key, attr, end, color in (("scn.chart.at_low", "margin_at_low", "low", SERIES[1]),
                                  ("scn.chart.at_high", "margin_at_high", "high", SERIES[2])):
        vals = [getattr(b, attr) * 100 - base if math.isfinite(getattr(b, attr)) else 0 for b in bars]
        ends = [getattr(b.input, end) for b in bars]
        fig.add_trace(go.Bar(y=names, x=vals, base=base, orientation="h", name=t(key), marker_color=color,
                             customdata=ends,
                             hovertemplate="%{y}: " + t(key) + " (x%{customdata:.2f})<br>"
                             + t("scn.chart.margin") + " %{x:.1f}%<extra></extra>"))
    return layout(fig, t("scn.chart.tornado"), height=height,
                  barmode="overlay",
                  xaxis=dict(title=t("scn.chart.margin_axis"), ticksuffix="%"), yaxis=dict(automargin=True))


# ----------------------------------------------------------------------------- compare
def compare_cost_curves(items: Sequence[tuple[str, ScenarioResult, str]], *, height: int = 420) -> go.Figure:
    """Each scenario's serving-target cost against requests a month, overlaid."""
    fig = go.Figure()
    for i, (name, result, target_id) in enumerate(items):
        c = result.curves
        fig.add_trace(go.Scatter(
            x=c["requests_month"], y=_finite(c["usd_month"][target_id]), mode="lines", name=name,
            line=dict(width=2.5, color=SERIES[i % 8]),
            hovertemplate=f"{name}<br>%{{x:.3s}} {t('scn.unit.requests')}<br>$%{{y:,.0f}}<extra></extra>"))
        fig.add_trace(go.Scatter(x=[result.unit.requests_month], y=[result.unit.serving_usd_month or None],
                                 mode="markers", marker=dict(size=11, color=SERIES[i % 8], symbol="diamond"),
                                 showlegend=False, hovertemplate=f"{name}: {t('scn.chart.today')}<extra></extra>"))
    return layout(fig, t("cmpr.chart.cost"), height=height,
                  xaxis=dict(type="log", dtick=1, title=t("scn.chart.volume_axis", unit=t("scn.unit.requests"))),
                  yaxis=dict(type="log", dtick=1, title=t("scn.chart.cost_axis"), tickprefix="$"))


def compare_margin(items: Sequence[tuple[str, MonteCarloResult]], *, height: int = 360) -> go.Figure:
    """Gross-margin distributions, overlaid."""
    fig = go.Figure()
    for i, (name, mc) in enumerate(items):
        centres, counts, width = _bins(mc.margin_samples * 100, 50)
        fig.add_trace(go.Bar(x=centres, y=counts, width=width, name=name, opacity=0.55,
                             marker_color=SERIES[i % 8],
                             hovertemplate=f"{name}<br>%{{x:.2f}}%<br>%{{y}}<extra></extra>"))
    return layout(fig, t("cmpr.chart.margin"), height=height,
                  barmode="overlay",
                  xaxis=dict(title=t("scn.chart.margin_axis"), ticksuffix="%"),
                  yaxis=dict(title=t("scn.chart.samples")))


def compare_cash(items: Sequence[tuple[str, ScenarioResult]], *, height: int = 360) -> go.Figure:
    """Cash in the bank month by month (with each scenario's growth), overlaid."""
    fig = go.Figure()
    for i, (name, result) in enumerate(items):
        p = result.projection
        fig.add_trace(go.Scatter(x=p["month"], y=p["cash"], mode="lines", name=name,
                                 line=dict(width=2.5, color=SERIES[i % 8]),
                                 hovertemplate=f"{name}<br>{t('scn.chart.month_axis')} %{{x}}<br>"
                                               f"$%{{y:,.0f}}<extra></extra>"))
    fig.add_hline(y=0, line=dict(color="#DC2626", width=1))
    return layout(fig, t("cmpr.chart.cash"), height=height,
                  xaxis=dict(title=t("scn.chart.month_axis")),
                  yaxis=dict(title=t("cmpr.chart.cash_axis"), tickprefix="$"))


# ----------------------------------------------------------------------------- pitch
def cash_curve(curve: CashCurve, *, height: int = 400) -> go.Figure:
    """Cash at each month's end over the runway's horizon: the most likely line and the Monte
    Carlo's P10-P90 band, with zero and the month the cash runs out marked."""
    months = curve.months.tolist()
    month = t("pitch.cash.month")
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=months, y=curve.cash_usd_p90.tolist(), mode="lines", line=dict(width=0),
                             showlegend=False, hovertemplate=f"{month} %{{x}}: P90 $%{{y:,.0f}}<extra></extra>"))
    fig.add_trace(go.Scatter(x=months, y=curve.cash_usd_p10.tolist(), mode="lines", line=dict(width=0),
                             fill="tonexty", fillcolor="rgba(79,70,229,0.22)", name=t("pitch.cash.band"),
                             hovertemplate=f"{month} %{{x}}: P10 $%{{y:,.0f}}<extra></extra>"))
    fig.add_trace(go.Scatter(x=months, y=curve.cash_usd.tolist(), mode="lines",
                             line=dict(color=SERIES[0], width=2.5), name=t("pitch.cash.expected"),
                             hovertemplate=f"{month} %{{x}}: $%{{y:,.0f}}<extra></extra>"))
    fig.add_hline(y=0, line=dict(color="#DC2626", width=1))
    if curve.runway_months is not None:
        fig.add_vline(x=curve.runway_months, line=dict(dash="dash", color="#DC2626", width=1),
                      annotation_text=t("pitch.cash.runs_out"), annotation_position="top right")
    return layout(fig, t("pitch.cash.title", n=f"{curve.samples:,}"), height=height,
                  xaxis=dict(title=t("scn.chart.month_axis")),
                  yaxis=dict(title=t("pitch.cash.axis"), tickprefix="$"))
