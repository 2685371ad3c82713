"""Plotly figures of the vision demo: accuracy by training recipe, saliency maps, edge latency.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from dashboard.charts import short_name, wrap_title
from dashboard.charts.demo_lab import SERIES_COLOURS, layout


def recipe_bars(rows: dict[str, dict[str, float]], names: dict, conditions: dict, title: str, x: str,
                y: str) -> go.Figure:
    """rows: training -> condition -> accuracy; grouped bars by condition."""
    fig = go.Figure()
    for tr, accs in rows.items():
        fig.add_bar(x=[conditions[c] for c in accs], y=list(accs.values()), name=names[tr],
                    marker_color=SERIES_COLOURS[tr],
                    hovertemplate="%{x}<br>accuracy %{y:.3f}<extra>" + names[tr] + "</extra>")
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 1])
    return layout(fig, title, x, y)


def image_heatmap(img, title: str, diverging: bool = False) -> go.Figure:
    z = [list(r) for r in img]
    if diverging:
        m = max(1e-9, max(abs(v) for r in z for v in r))
        hm = go.Heatmap(z=z, colorscale="RdBu_r", zmin=-m, zmax=m,
                        hovertemplate="row %{y}, col %{x}<br>attribution %{z:.3f}<extra></extra>")
    else:
        hm = go.Heatmap(z=z, colorscale="Greys", zmin=0, zmax=1, showscale=False,
                        hovertemplate="row %{y}, col %{x}<br>intensity %{z:.2f}<extra></extra>")
    fig = go.Figure(hm)
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False)
    fig.update_xaxes(showticklabels=False)
    fig.update_layout(title=wrap_title(title, 30), height=300, margin=dict(l=10, r=10, t=60, b=10))
    return fig


def latency_bars(rows: list[dict], budget_ms: float, labels: dict) -> go.Figure:
    """rows: {device, model, latency_ms, low, high}; log axis, budget line."""
    fig = go.Figure()
    full = list(dict.fromkeys(r["device"] for r in rows))
    short = {d: short_name(d) for d in full}
    if len(set(short.values())) < len(full):  # two devices would share a bar row: keep full names
        short = {d: d for d in full}
    for model in dict.fromkeys(r["model"] for r in rows):
        sub = [r for r in rows if r["model"] == model]
        fig.add_bar(
            # Short names on the axis (full ones leave no room for bars on a phone), full in hover.
            y=[short[r["device"]] for r in sub], x=[r["latency_ms"] for r in sub], orientation="h",
            customdata=[r["device"] for r in sub],
            name=labels.get(model, model), marker_color=SERIES_COLOURS.get(model, "#6B7280"),
            error_x=dict(type="data", symmetric=False,
                         array=[(r["high"] or r["latency_ms"]) - r["latency_ms"] for r in sub],
                         arrayminus=[r["latency_ms"] - (r["low"] or r["latency_ms"]) for r in sub]),
            hovertemplate="%{customdata}<br>%{x:.3g} ms per frame<extra>" + labels.get(model, model) + "</extra>")
    fig.add_vline(x=budget_ms, line_dash="dash", line_color="#DC2626", annotation_text=labels["budget"])
    # explicit range (log axes take log10 bounds): autorange also counts the annotation and ran to 1e30
    lows = [r["low"] or r["latency_ms"] for r in rows]
    highs = [r["high"] or r["latency_ms"] for r in rows] + [budget_ms]
    fig.update_xaxes(type="log", range=[math.log10(min(lows) / 2), math.log10(max(highs) * 2)])
    fig.update_layout(barmode="group")
    return layout(fig, labels["title"], labels["x"], labels["y"], height=max(360, 60 * len(rows) // 2 + 160))

