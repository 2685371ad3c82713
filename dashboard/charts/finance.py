"""Plotly figures of the finance demo: fraud precision-recall, confusion, threshold and money charts.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts.demo_lab import SERIES_COLOURS, layout


def pr_curves(curves: dict, names: dict, fraud_rate: float, title: str, x: str, y: str,
              chance: str) -> go.Figure:
    fig = go.Figure()
    for m, (rec, prec) in curves.items():
        fig.add_scatter(x=rec, y=prec, mode="lines", name=names[m], line=dict(color=SERIES_COLOURS[m]),
                        hovertemplate="recall %{x:.2f}<br>precision %{y:.2f}<extra>" + names[m] + "</extra>")
    fig.add_hline(y=fraud_rate, line_dash="dot", annotation_text=chance, line_color="#9CA3AF",
                  annotation_position="top left")
    fig.update_yaxes(range=[0, 1.02])
    return layout(fig, title, x, y)


def confusion(tn: int, fp: int, fn: int, tp: int, labels: tuple[str, str], title: str,
              x: str, y: str) -> go.Figure:
    z = [[tn, fp], [fn, tp]]
    fig = go.Figure(go.Heatmap(z=z, x=list(labels), y=list(labels), colorscale="Blues", showscale=False,
                               text=[[f"{v:,}" for v in row] for row in z], texttemplate="%{text}",
                               hovertemplate="true %{y}<br>predicted %{x}<br>%{z:,} transactions<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return layout(fig, title, x, y, height=320)


def threshold_curve(thresholds, precision, recall, cost, tuned: float, labels: dict) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=thresholds, y=precision, name=labels["precision"], line=dict(color="#7C3AED"),
                    hovertemplate="threshold %{x:.3f}<br>precision %{y:.2f}<extra></extra>")
    fig.add_scatter(x=thresholds, y=recall, name=labels["recall"], line=dict(color="#2563EB"),
                    hovertemplate="threshold %{x:.3f}<br>recall %{y:.2f}<extra></extra>")
    fig.add_scatter(x=thresholds, y=cost, name=labels["cost"], yaxis="y2", line=dict(color="#DC2626", dash="dash"),
                    hovertemplate="threshold %{x:.3f}<br>$%{y:,.0f} lost<extra></extra>")
    fig.add_vline(x=tuned, line_dash="dot", line_color="#059669", annotation_text=labels["tuned"])
    fig.update_layout(yaxis=dict(range=[0, 1.02]),
                      yaxis2=dict(title=labels["cost_axis"], overlaying="y", side="right", rangemode="tozero"))
    fig.update_xaxes(type="log")
    return layout(fig, labels["title"], labels["x"], labels["y"])


def money_bars(rows: list[dict], no_model_usd: float, labels: dict) -> go.Figure:
    """rows: {name, missed_usd, false_alarm_usd}; stacked bars, with the no-model cost as a line."""
    names = [r["name"] for r in rows]
    fig = go.Figure()
    fig.add_bar(x=names, y=[r["missed_usd"] for r in rows], name=labels["missed"], marker_color="#DC2626",
                hovertemplate="%{x}<br>$%{y:,.0f}<extra>" + labels["missed"] + "</extra>")
    fig.add_bar(x=names, y=[r["false_alarm_usd"] for r in rows], name=labels["false_alarm"],
                marker_color="#F59E0B",
                hovertemplate="%{x}<br>$%{y:,.0f}<extra>" + labels["false_alarm"] + "</extra>")
    fig.add_hline(y=no_model_usd, line_dash="dot", annotation_text=labels["no_model"], line_color="#6B7280")
    fig.update_layout(barmode="stack")
    return layout(fig, labels["title"], labels["x"], labels["y"])

