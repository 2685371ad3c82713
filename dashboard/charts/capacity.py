"""Capacity planner figures: $ per 1M output tokens against tokens/s per user (every target's own
Pareto front as points, the overall front as a line, the cheapest configuration marked), and
latency percentiles against request rate for the chosen configuration. Data in, figure out."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import layout
from dashboard.i18n import t

FRONT, BEST = "#111827", "#D55E00"
SERIES = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#4F46E5", "#999999"]
QUANTILE_DASH = {0.5: "solid", 0.9: "dash", 0.99: "dot"}


def config_label(c: dict) -> str:
    """One configuration in a few words: hardware, weights, runtime, devices and concurrency."""
    return t("cap.config", hardware=c["hardware"], weights=c["weights"], runtime=c["runtime"],
             devices=c["devices_per_replica"], concurrency=c["concurrency_per_replica"])


def _hover(c: dict) -> str:
    return (f"{config_label(c)}<br>{t('cap.hover.usd', usd=c['usd_per_million_tokens'])}"
            f"<br>{t('cap.hover.speed', speed=c['tokens_per_s_per_user'])}"
            f"<br>{t('cap.hover.replicas', n=c['replicas'])}")


def pareto_figure(by_hardware: dict[str, list[dict]], front: list[dict], best: dict | None) -> go.Figure:
    """$ per 1M output tokens (log) against tokens/s per user; the overall front highlighted."""
    fig = go.Figure()
    for i, (hw, configs) in enumerate(by_hardware.items()):
        if configs:
            fig.add_scatter(x=[c["tokens_per_s_per_user"] for c in configs],
                            y=[c["usd_per_million_tokens"] for c in configs], mode="markers", name=hw,
                            marker=dict(size=8, color=SERIES[i % len(SERIES)], opacity=0.7),
                            hovertext=[_hover(c) for c in configs], hoverinfo="text")
    pts = sorted(front, key=lambda c: c["tokens_per_s_per_user"])
    if pts:
        fig.add_scatter(x=[c["tokens_per_s_per_user"] for c in pts], y=[c["usd_per_million_tokens"] for c in pts],
                        mode="lines+markers", name=t("cap.chart.front"), line=dict(color=FRONT, width=2),
                        marker=dict(size=6, color=FRONT), hovertext=[_hover(c) for c in pts], hoverinfo="text")
    if best:
        fig.add_scatter(x=[best["tokens_per_s_per_user"]], y=[best["usd_per_million_tokens"]], mode="markers",
                        name=t("cap.chart.best"), marker=dict(size=16, color=BEST, symbol="star"),
                        hovertext=[_hover(best)], hoverinfo="text")
    return layout(fig, t("cap.chart.pareto_title"), height=380,
                  xaxis=dict(title=t("cap.chart.speed_axis")),
                  yaxis=dict(title=t("cap.chart.usd_axis"), type="log", tickprefix="$"))


def latency_figure(curve, at_rate: float | None) -> go.Figure:
    """TTFT and end-to-end p50/p90/p99 (ms, log) against requests/s per replica."""
    fig = go.Figure()
    for metric, series, color in (("ttft", curve.ttft_ms, "#0072B2"), ("e2e", curve.e2e_ms, "#E69F00")):
        for q, ys in series.items():
            name = t(f"cap.chart.{metric}_q", q=int(round(q * 100)))
            fig.add_scatter(x=list(curve.rate_per_s), y=list(ys), mode="lines", name=name,
                            line=dict(color=color, dash=QUANTILE_DASH[q]),
                            hovertemplate=f"{name}: %{{y:.4g}} ms<br>%{{x:.3g}} req/s<extra></extra>")
    if at_rate is not None:
        fig.add_vline(x=at_rate, line=dict(color="#6B7280", dash="dot"))
    return layout(fig, t("cap.chart.latency_title"), height=360,
                  xaxis=dict(title=t("cap.chart.rate_axis")), yaxis=dict(title=t("cap.chart.ms_axis"), type="log"))
