"""Plotly figures for the games, speech, overfitting and training-speed demos.

Pure builders: results and already-translated labels in, ``go.Figure`` out; no st.* calls.
``L`` is a dict of labels chosen by the page (title, axis titles with units, series names).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts import legend_height_px, legend_names, top_margin_px, wrap_title

PALETTE = ["#2563EB", "#DC2626", "#059669", "#D97706", "#7C3AED", "#0891B2", "#DB2777", "#4B5563"]
KIND_COLOURS = {"legit": "#9CA3AF", "bot": "#7C3AED", "aim-assist": "#DC2626", "speed-hack": "#D97706"}


def _layout(fig: go.Figure, title: str, x: str, y: str, height: int = 380) -> go.Figure:
    # Legend above the plot, under the title: below it, it collides with rotated tick labels.
    # The space above the plot is sized for the wrapped title plus the legend rows it takes at
    # phone / half-column width, so a long legend never covers the title.
    title = wrap_title(title)
    top = top_margin_px(title, legend_height_px(legend_names(fig)))
    fig.update_layout(title=dict(text=title, y=1, yref="container", yanchor="top", pad=dict(t=12)),
                      xaxis_title=x, yaxis_title=y,
                      height=height - 60 + top, margin=dict(l=10, r=10, t=top, b=10), hovermode="closest",
                      legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, font=dict(size=11)))
    return fig


def _si(v: float) -> str:
    for threshold, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= threshold:
            return f"{v / threshold:.3g}{suffix}"
    return f"{v:.3g}"


def moving_average(x: np.ndarray, window: int) -> np.ndarray:
    window = max(1, min(window, len(x)))
    c = np.cumsum(np.insert(np.asarray(x, float), 0, 0.0))
    out = np.empty(len(x))
    for i in range(len(x)):
        lo = max(0, i - window + 1)
        out[i] = (c[i + 1] - c[lo]) / (i + 1 - lo)
    return out


# ---------------------------------------------------------------- games

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
    return _layout(fig, L["title"], L["x"], L["y"], height=420)


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
    return _layout(fig, L["title"], L["x"], L["y"])


def recall_by_type(recall: dict, kind_names: dict, L: dict) -> go.Figure:
    kinds = list(recall)
    fig = go.Figure(go.Bar(x=[kind_names[k] for k in kinds], y=[recall[k] for k in kinds],
                           marker_color=[KIND_COLOURS[k] for k in kinds],
                           text=[f"{recall[k]:.0%}" for k in kinds], textposition="outside",
                           hovertemplate="%{x}: %{y:.0%}<extra></extra>"))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.15])
    return _layout(fig, L["title"], L["x"], L["y"])


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
    return _layout(fig, L["title"], L["x"], L["y"])


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
    return _layout(fig, L["title"], L["x"], L["y"], height=max(280, 45 * rows + 160))


# ---------------------------------------------------------------- speech

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
    return _layout(fig, L["title"], L["x"], L["y"])


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
    return _layout(fig, L["title"], L["x"], L["y"], height=440)


# ---------------------------------------------------------------- overfitting

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
    return _layout(fig, L["title"], L["x"], L["y"], height=400)


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
    return _layout(fig, L["title"], L["x"], L["y"], height=420)


def gap_bars(rows: list[dict], L: dict) -> go.Figure:
    fig = go.Figure(go.Bar(x=[r["name"] for r in rows], y=[r["gap"] for r in rows],
                           marker_color=[PALETTE[1] if r["gap"] >= rows[0]["gap"] else PALETTE[2] for r in rows],
                           text=[f"{r['gap']:.1%}" for r in rows], textposition="outside",
                           hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    fig.update_yaxes(tickformat=".0%")
    return _layout(fig, L["title"], L["x"], L["y"])


def sweep_lines(rows: list[dict], x_key: str, y_keys: dict, names: dict, L: dict, log_x: bool = False,
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
    return _layout(fig, L["title"], L["x"], L["y"], height=400)


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
    return _layout(fig, L["title"], L["x"], L["y"])


def image_pair(pair: np.ndarray, L: dict) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=(L["original"], L["shifted"]))
    for i in range(2):
        fig.add_trace(go.Heatmap(z=pair[i], colorscale="Greys", zmin=0, zmax=1, showscale=False,
                                 hovertemplate="%{z:.2f}<extra></extra>"), row=1, col=i + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, scaleanchor="x")
    fig.update_xaxes(showticklabels=False)
    fig.update_layout(title=L["title"], height=260, margin=dict(l=10, r=10, t=70, b=10))
    return fig


# ---------------------------------------------------------------- training speed

def timing_points(timings, names: dict, L: dict) -> go.Figure:
    """One bar per setting at the median, each repeat drawn as a point (the spread is visible)."""
    fig = go.Figure()
    for i, tm in enumerate(timings):
        label = names[tm.dtype]
        sps = list(tm.samples_per_s)
        fig.add_trace(go.Bar(x=[label], y=[float(np.median(sps))], name=label, marker_color=PALETTE[i],
                             opacity=0.6, hovertemplate=f"{label}<br>{L['median']}: %{{y:.1f}}<extra></extra>"))
        fig.add_trace(go.Scatter(x=[label] * len(sps), y=sps, mode="markers", showlegend=False,
                                 marker=dict(color="#111827", size=8),
                                 hovertemplate=f"{L['repeat']}: %{{y:.1f}}<extra></extra>"))
    return _layout(fig, L["title"], L["x"], L["y"])


def sweep_throughput(timings, L: dict) -> go.Figure:
    fig = go.Figure()
    groups = list(dict.fromkeys((tm.threads, tm.dtype) for tm in timings))
    for i, (th, dt) in enumerate(groups):
        sel = sorted((tm for tm in timings if tm.threads == th and tm.dtype == dt), key=lambda tm: tm.batch_size)
        med = np.array([tm.median_samples_per_s for tm in sel])
        lo = np.array([min(tm.samples_per_s) for tm in sel])
        hi = np.array([max(tm.samples_per_s) for tm in sel])
        name = L["series"].format(threads=th, dtype=dt)
        fig.add_trace(go.Scatter(x=[tm.batch_size for tm in sel], y=med, mode="lines+markers", name=name,
                                 line=dict(color=PALETTE[i % len(PALETTE)]),
                                 error_y=dict(type="data", symmetric=False, array=hi - med, arrayminus=med - lo),
                                 hovertemplate=f"{name}<br>%{{x}}: %{{y:.1f}}<extra></extra>"))
    fig.update_xaxes(type="log")
    return _layout(fig, L["title"], L["x"], L["y"], height=400)


def memory_bars(fp32_bytes: int, bf16_bytes: int, names: dict, L: dict) -> go.Figure:
    mb = [fp32_bytes / 1e6, bf16_bytes / 1e6]
    fig = go.Figure(go.Bar(x=[names["fp32"], names["bf16"]], y=mb, marker_color=PALETTE[:2],
                           text=[f"{v:.2f} MB" for v in mb], textposition="outside",
                           hovertemplate="%{x}: %{y:.2f} MB<extra></extra>"))
    fig.update_yaxes(range=[0, max(mb) * 1.25])
    return _layout(fig, L["title"], L["x"], L["y"])


def loss_curves(curve_fp32, curve_bf16, names: dict, L: dict) -> go.Figure:
    fig = go.Figure()
    for c, key, colour in ((curve_fp32, "fp32", PALETTE[0]), (curve_bf16, "bf16", PALETTE[1])):
        fig.add_trace(go.Scatter(x=np.arange(1, len(c) + 1), y=c, mode="lines+markers", name=names[key],
                                 line=dict(color=colour, dash="solid" if key == "fp32" else "dot"),
                                 hovertemplate=f"{names[key]}<br>%{{x}}: %{{y:.4f}}<extra></extra>"))
    return _layout(fig, L["title"], L["x"], L["y"])


def scaling_lines(data_rows, tensor_rows, L: dict) -> go.Figure:
    fig = go.Figure()
    n = [r["devices"] for r in data_rows]
    fig.add_trace(go.Scatter(x=n, y=n, mode="lines", name=L["ideal"], line=dict(color="#9CA3AF", dash="dash"),
                             hoverinfo="skip"))
    for rows, name, colour in ((data_rows, L["data"], PALETTE[0]), (tensor_rows, L["tensor"], PALETTE[1])):
        fig.add_trace(go.Scatter(x=[r["devices"] for r in rows], y=[r["speedup"] for r in rows],
                                 mode="lines+markers", name=name, line=dict(color=colour, width=2.5),
                                 customdata=[[r["efficiency"], r["comm_s"] * 1e3, r["step_s"] * 1e3] for r in rows],
                                 hovertemplate=(f"{name}<br>%{{x}} → ×%{{y:.2f}}<br>{L['eff']}: %{{customdata[0]:.0%}}"
                                                f"<br>{L['comm']}: %{{customdata[1]:.3g}} ms / %{{customdata[2]:.3g}} ms"
                                                "<extra></extra>")))
    ys = [r["speedup"] for r in (*data_rows, *tensor_rows)] + n
    ticks = [v for v in (0.01, 0.03, 0.1, 0.3, 1, 2, 4, 8, 16, 32, 64, 128, 256)
             if min(ys) / 1.5 <= v <= max(ys) * 1.5]
    fig.update_xaxes(type="log", tickvals=n, ticktext=[str(v) for v in n])
    fig.update_yaxes(type="log", tickvals=ticks, ticktext=[f"×{v:g}" for v in ticks])
    return _layout(fig, L["title"], L["x"], L["y"], height=400)


def throughput_compare(items: list[tuple[str, float]], L: dict) -> go.Figure:
    fig = go.Figure(go.Bar(x=[name for name, _ in items], y=[v for _, v in items],
                           marker_color=[PALETTE[i % len(PALETTE)] for i in range(len(items))],
                           text=[_si(v) for _, v in items], textposition="outside",
                           hovertemplate="%{x}: %{y:,.4g}<extra></extra>"))
    fig.update_yaxes(type="log", range=[np.log10(min(v for _, v in items)) - 1,
                                        np.log10(max(v for _, v in items)) + 0.7])
    return _layout(fig, L["title"], L["x"], L["y"])
