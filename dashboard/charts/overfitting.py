"""Plotly figures of the overfitting demo: learning curves, variants, sweeps, folds, shifted images.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.demo_lab import PALETTE, layout


def epoch_curves(histories: dict, names: dict, metric: str, L: dict) -> go.Figure:
    fig = go.Figure()
    for i, (variant, hist) in enumerate(histories.items()):
        colour = PALETTE[i % len(PALETTE)]
        for split, dash in (("train", "dot"), ("val", "solid")):
            y = hist[f"{split}_{metric}"]
            name = f"{names[variant]} · {L[split]}"
            fig.add_trace(go.Scatter(x=np.arange(1, len(y) + 1), y=y, mode="lines", name=name,
                                     line=dict(color=colour, dash=dash, width=2),
                                     hovertemplate=f"{name}<br>%{{x}}: %{{y:.3f}}<extra></extra>"))
    if metric == "acc":
        fig.update_yaxes(tickformat=".0%")
    return layout(fig, L["title"], L["x"], L["y"], height=400)


def variant_bars(rows: list[dict], L: dict,
                 keys: tuple[str, ...] = ("train_acc", "val_acc", "test_acc", "shifted_acc")) -> go.Figure:
    names = [r["name"] for r in rows]
    colours = {"train_acc": PALETTE[7], "val_acc": PALETTE[0], "test_acc": PALETTE[2], "shifted_acc": PALETTE[1]}
    fig = go.Figure()
    for key, colour in ((k, colours[k]) for k in keys):
        fig.add_trace(go.Bar(x=names, y=[r[key] for r in rows], name=L[key], marker_color=colour,
                             hovertemplate=f"{L[key]}<br>%{{x}}: %{{y:.1%}}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return layout(fig, L["title"], L["x"], L["y"], height=420)


def gap_bars(rows: list[dict], L: dict) -> go.Figure:
    fig = go.Figure(go.Bar(x=[r["name"] for r in rows], y=[r["gap"] for r in rows],
                           marker_color=[PALETTE[1] if r["gap"] >= rows[0]["gap"] else PALETTE[2] for r in rows],
                           text=[f"{r['gap']:.1%}" for r in rows], textposition="outside",
                           hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    fig.update_yaxes(tickformat=".0%")
    return layout(fig, L["title"], L["x"], L["y"])


def sweep_rows(rows: list[dict], x_key: str, y_keys: dict, names: dict, L: dict, log_x: bool = False,
                percent: bool = True) -> go.Figure:
    fig = go.Figure()
    variants = list(dict.fromkeys(r["variant"] for r in rows))
    for i, v in enumerate(variants):
        sel = [r for r in rows if r["variant"] == v]
        for y_key, (label, dash) in y_keys.items():
            name = f"{names[v]} · {label}" if len(y_keys) > 1 else names[v]
            fig.add_trace(go.Scatter(x=[r[x_key] for r in sel], y=[r[y_key] for r in sel], mode="lines+markers",
                                     name=name, line=dict(color=PALETTE[i % len(PALETTE)], dash=dash),
                                     hovertemplate=f"{name}<br>%{{x}}: %{{y:.1%}}<extra></extra>"))
    if log_x:
        fig.update_xaxes(type="log")
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return layout(fig, L["title"], L["x"], L["y"], height=400)


def cv_folds(rows: list[dict], names: dict, L: dict) -> go.Figure:
    fig = go.Figure()
    variants = list(dict.fromkeys(r["variant"] for r in rows))
    for i, v in enumerate(variants):
        sel = [r for r in rows if r["variant"] == v]
        accs = np.array([r["fold_val_acc"] for r in sel])
        fig.add_trace(go.Box(y=accs, name=names[v], boxpoints="all", jitter=0.3, pointpos=0,
                             marker_color=PALETTE[i], boxmean="sd",
                             hovertemplate=f"{names[v]}<br>%{{y:.1%}}<extra></extra>"))
        fig.add_trace(go.Scatter(x=[names[v]], y=[np.mean([r["test_acc"] for r in sel])], mode="markers",
                                 marker=dict(symbol="star", size=14, color="#111827"), name=L["test"],
                                 showlegend=i == 0, hovertemplate=f"{L['test']}: %{{y:.1%}}<extra></extra>"))
    fig.update_yaxes(tickformat=".0%")
    return layout(fig, L["title"], L["x"], L["y"])


def image_pair(pair: np.ndarray, L: dict) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=(L["original"], L["shifted"]))
    for i in range(2):
        fig.add_trace(go.Heatmap(z=pair[i], colorscale="Greys", zmin=0, zmax=1, showscale=False,
                                 hovertemplate="%{z:.2f}<extra></extra>"), row=1, col=i + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, scaleanchor="x")
    fig.update_xaxes(showticklabels=False)
    fig.update_layout(title=L["title"], height=260, margin=dict(l=10, r=10, t=70, b=10))
    return fig

