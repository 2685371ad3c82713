"""Plotly figures of the speech demo: accuracy against noise, spectrograms, confusion.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.demo_lab import PALETTE, layout


def snr_curves(snr_db, acc_plain, acc_aug, clean_plain: float, clean_aug: float, majority: float,
               L: dict) -> go.Figure:
    fig = go.Figure()
    # clean_plain / clean_aug (the 45 dB floor only) are shown as metrics on the page, not drawn.
    for acc, name, colour in ((acc_plain, L["plain"], PALETTE[1]), (acc_aug, L["augmented"], PALETTE[0])):
        fig.add_trace(go.Scatter(x=list(snr_db), y=list(acc), mode="lines+markers", name=name,
                                 line=dict(color=colour, width=2.5),
                                 hovertemplate=f"{name}<br>%{{x}} dB: %{{y:.0%}}<extra></extra>"))
    fig.add_hline(y=majority, line_dash="dash", line_color="#6B7280", annotation_text=L["majority"])
    fig.update_xaxes(autorange="reversed")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return layout(fig, L["title"], L["x"], L["y"])


def spectrograms(clean, noisy, rate_hz: int, hop: int, L: dict) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=(L["clean"], L["noisy"]), horizontal_spacing=0.08)
    t_ms = np.arange(clean.shape[1]) * hop / rate_hz * 1000
    for i, z in enumerate((clean, noisy)):
        fig.add_trace(go.Heatmap(z=z, x=t_ms, colorscale="Viridis", zmin=-60, zmax=0, showscale=i == 1,
                                 colorbar=dict(title="dB"),
                                 hovertemplate=f"%{{x:.0f}} ms, {L['band']} %{{y}}: %{{z:.0f}} dB<extra></extra>"),
                      row=1, col=i + 1)
    fig.update_xaxes(title_text=L["x"])
    fig.update_yaxes(title_text=L["y"], col=1)
    fig.update_layout(title=L["title"], height=320, margin=dict(l=10, r=10, t=70, b=10))
    return fig


def confusion(cm: np.ndarray, classes, L: dict) -> go.Figure:
    share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig = go.Figure(go.Heatmap(z=share, x=list(classes), y=list(classes), colorscale="Blues", zmin=0, zmax=1,
                               text=cm, texttemplate="%{text}", colorbar=dict(title=L["share"]),
                               hovertemplate=f"{L['y']}: %{{y}}<br>{L['x']}: %{{x}}<br>%{{text}} (%{{z:.0%}})<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return layout(fig, L["title"], L["x"], L["y"], height=440)

