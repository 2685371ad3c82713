"""Plotly figures of the games demo: cheat detection and the Q-learning agent.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.charts.demo_lab import PALETTE, layout

KIND_COLOURS = {"legit": "#9CA3AF", "bot": "#7C3AED", "aim-assist": "#DC2626", "speed-hack": "#D97706"}


def moving_average(x: np.ndarray, window: int) -> np.ndarray:
    window = max(1, min(window, len(x)))
    c = np.cumsum(np.insert(np.asarray(x, float), 0, 0.0))
    out = np.empty(len(x))
    for i in range(len(x)):
        lo = max(0, i - window + 1)
        out[i] = (c[i + 1] - c[lo]) / (i + 1 - lo)
    return out


def cheat_scatter(X, kind, flagged, fx: int, fy: int, kind_names: dict, L: dict) -> go.Figure:
    fig = go.Figure()
    for k, colour in KIND_COLOURS.items():
        sel = kind == k
        if not sel.any():
            continue
        fig.add_trace(go.Scattergl(
            x=X[sel, fx], y=X[sel, fy], mode="markers", name=kind_names[k],
            marker=dict(color=colour, size=np.where(flagged[sel], 9, 5),
                        symbol=np.where(flagged[sel], "diamond-open", "circle"),
                        opacity=0.45 if k == "legit" else 0.9, line=dict(width=1.5)),
            customdata=np.where(flagged[sel], L["flagged"], L["not_flagged"]),
            hovertemplate=f"{kind_names[k]}<br>%{{x:.3g}}, %{{y:.3g}}<br>%{{customdata}}<extra></extra>"))
    return layout(fig, L["title"], L["x"], L["y"], height=420)


def budget_curve(curve, cheat_rate: float, L: dict) -> go.Figure:
    share = [100 * c[0] for c in curve]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=share, y=[c[1] for c in curve], name=L["forest"], mode="lines+markers",
                             line=dict(color=PALETTE[0]),
                             hovertemplate="%{x:.2g}% → %{y:.0%}<extra></extra>"))
    fig.add_trace(go.Scatter(x=share, y=[c[3] for c in curve], name=L["zscore"], mode="lines+markers",
                             line=dict(color=PALETTE[3], dash="dot"),
                             hovertemplate="%{x:.2g}% → %{y:.0%}<extra></extra>"))
    fig.add_trace(go.Scatter(x=share, y=[c[2] for c in curve], name=L["recall"], mode="lines",
                             line=dict(color=PALETTE[2]), hovertemplate="%{x:.2g}% → %{y:.0%}<extra></extra>"))
    fig.add_trace(go.Scatter(x=share, y=[cheat_rate] * len(share), name=L["random"], mode="lines",
                             line=dict(color="#6B7280", dash="dash"), hoverinfo="skip"))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return layout(fig, L["title"], L["x"], L["y"])


def recall_by_type(recall: dict, kind_names: dict, L: dict) -> go.Figure:
    kinds = list(recall)
    fig = go.Figure(go.Bar(x=[kind_names[k] for k in kinds], y=[recall[k] for k in kinds],
                           marker_color=[KIND_COLOURS[k] for k in kinds],
                           text=[f"{recall[k]:.0%}" for k in kinds], textposition="outside",
                           hovertemplate="%{x}: %{y:.0%}<extra></extra>"))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.15])
    return layout(fig, L["title"], L["x"], L["y"])


def reward_curves(reward_q, reward_sarsa, random_reward: float, best: float, L: dict,
                  window: int = 20) -> go.Figure:
    ep = np.arange(1, len(reward_q) + 1)
    fig = go.Figure()
    for r, name, colour in ((reward_q, L["q"], PALETTE[0]), (reward_sarsa, L["sarsa"], PALETTE[2])):
        fig.add_trace(go.Scatter(x=ep, y=r, mode="lines", line=dict(color=colour, width=0.6),
                                 opacity=0.3, showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=ep, y=moving_average(r, window), mode="lines", name=name,
                                 line=dict(color=colour, width=2.5),
                                 hovertemplate=f"{name}<br>%{{x}}: %{{y:.1f}}<extra></extra>"))
    fig.add_hline(y=best, line_dash="dash", line_color="#059669", annotation_text=L["best"])
    lo = max(min(np.percentile(reward_q, 5), np.percentile(reward_sarsa, 5)), random_reward) - 10
    fig.update_yaxes(range=[lo, best + 0.1 * abs(best) + 5])
    return layout(fig, L["title"], L["x"], L["y"])


def policy_map(grid, q_table, path, arrows, L: dict) -> go.Figure:
    rows, cols = len(grid), len(grid[0])
    v = q_table.max(axis=2)
    text = np.empty((rows, cols), dtype=object)
    masked = v.astype(float).copy()
    for r in range(rows):
        for c in range(cols):
            ch = grid[r][c]
            if ch in "#C":
                text[r, c] = "■" if ch == "#" else "✖"
                masked[r, c] = np.nan
            elif ch == "G":
                text[r, c] = "G"
            else:
                text[r, c] = arrows[int(q_table[r, c].argmax())] if q_table[r, c].any() else "·"
                if ch == "S":
                    text[r, c] = "S" + text[r, c]
    fig = go.Figure(go.Heatmap(z=masked, text=text, texttemplate="%{text}", colorscale="Blues",
                               colorbar=dict(title=L["value"]), textfont=dict(size=16),
                               hovertemplate=f"{L['row']} %{{y}}, {L['col']} %{{x}}<br>{L['value']}: %{{z:.1f}}<extra></extra>"))
    if path:
        fig.add_trace(go.Scatter(x=[p[1] for p in path], y=[p[0] for p in path], mode="lines",
                                 line=dict(color="#DC2626", width=3), name=L["path"], hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False)
    fig.update_xaxes(showgrid=False, zeroline=False)
    return layout(fig, L["title"], L["x"], L["y"], height=max(280, 45 * rows + 160))

