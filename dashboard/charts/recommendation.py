"""Plotly figures of the recommendation demo: error by user group and history, error against density.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts.demo_lab import PALETTE, grouped_bars, layout, reference_line
from dashboard.i18n import t


def rmse_bars(res) -> go.Figure:
    groups = [t("rec.warm_users"), t("rec.cold_users")]
    fig = grouped_bars(groups, [
        (t("rec.model_mf"), [res.rmse_warm, res.rmse_cold], PALETTE[0]),
        (t("rec.model_popularity"), [res.rmse_item_mean_warm, res.rmse_item_mean_cold], PALETTE[3]),
    ], hover="%{x}: %{y:.3f}<extra></extra>")
    reference_line(fig, res.rmse_global_mean_warm, t("rec.global_mean_line"))
    return layout(fig, t("rec.chart.rmse"), t("rec.axis.users"), t("rec.axis.rmse"))


def rmse_by_history(res) -> go.Figure:
    xs = [str(lo) + "+" for lo, _, _ in res.rmse_by_history]
    fig = go.Figure(
        go.Bar(
            x=xs,
            y=[r for _, r, _ in res.rmse_by_history],
            marker_color=PALETTE[0],
            customdata=[n for *_, n in res.rmse_by_history],
            hovertemplate="%{x}: %{y:.3f} (n=%{customdata})<extra></extra>",
        )
    )
    return layout(fig, t("rec.chart.by_history"), t("rec.axis.history"), t("rec.axis.rmse"))


def sparsity_curve(points) -> go.Figure:
    xs = [100 * p.density for p in points]
    fig = go.Figure()
    for n, (attr, key) in enumerate(
        (
            ("rmse_mf", "rec.model_mf"),
            ("rmse_item_mean", "rec.model_popularity"),
            ("rmse_global_mean", "rec.model_global_mean"),
            ("rmse_oracle", "rec.model_oracle"),
        )
    ):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[getattr(p, attr) for p in points],
                name=t(key),
                mode="lines+markers",
                line=dict(color=PALETTE[n], dash="dot" if attr == "rmse_oracle" else None),
                hovertemplate="%{x:.1f}%: %{y:.3f}<extra></extra>",
            )
        )
    fig.update_xaxes(type="log")
    return layout(fig, t("rec.chart.sparsity"), t("rec.axis.density_pct"), t("rec.axis.rmse"))

