"""Plotly figures of the medical demo: feature importance and federated rounds.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts.demo_lab import SERIES_COLOURS, layout


def importance_bars(mean: dict[str, float], std: dict[str, float], title: str, x: str, y: str) -> go.Figure:
    items = sorted(mean.items(), key=lambda kv: kv[1])
    fig = go.Figure(go.Bar(
        x=[v for _, v in items], y=[k for k, _ in items], orientation="h", marker_color="#2563EB",
        error_x=dict(type="data", array=[std[k] for k, _ in items]),
        hovertemplate="%{y}<br>accuracy drop %{x:.3f}<extra></extra>"))
    return layout(fig, title, x, y, height=max(300, 36 * len(items) + 120))


def fed_rounds(by_round, centralised: float, local: tuple[float, ...], labels: dict) -> go.Figure:
    rounds = list(range(1, len(by_round) + 1))
    fig = go.Figure()
    fig.add_scatter(x=rounds, y=by_round, mode="lines+markers", name=labels["federated"],
                    line=dict(color=SERIES_COLOURS["federated"]),
                    hovertemplate="round %{x}<br>accuracy %{y:.3f}<extra></extra>")
    fig.add_hline(y=centralised, line_dash="dash", line_color=SERIES_COLOURS["centralised"],
                  annotation_text=labels["centralised"])
    for i, acc in enumerate(local):
        fig.add_scatter(x=[rounds[-1]], y=[acc], mode="markers", marker=dict(color=SERIES_COLOURS["local"], size=9),
                        name=labels["local"], showlegend=i == 0,
                        hovertemplate=labels["site"] + f" {i + 1}<br>" + "accuracy %{y:.3f}<extra></extra>")
    return layout(fig, labels["title"], labels["x"], labels["y"])

