"""Plotly figures of the training-speed demo: timings, memory, loss curves, parallel scaling.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.charts.demo_lab import PALETTE, layout


def _si(v: float) -> str:
    for threshold, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= threshold:
            return f"{v / threshold:.3g}{suffix}"
    return f"{v:.3g}"


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
    return layout(fig, L["title"], L["x"], L["y"])


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
    return layout(fig, L["title"], L["x"], L["y"], height=400)


def memory_bars(fp32_bytes: int, bf16_bytes: int, names: dict, L: dict) -> go.Figure:
    mb = [fp32_bytes / 1e6, bf16_bytes / 1e6]
    fig = go.Figure(go.Bar(x=[names["fp32"], names["bf16"]], y=mb, marker_color=PALETTE[:2],
                           text=[f"{v:.2f} MB" for v in mb], textposition="outside",
                           hovertemplate="%{x}: %{y:.2f} MB<extra></extra>"))
    fig.update_yaxes(range=[0, max(mb) * 1.25])
    return layout(fig, L["title"], L["x"], L["y"])


def loss_curves(curve_fp32, curve_bf16, names: dict, L: dict) -> go.Figure:
    fig = go.Figure()
    for c, key, colour in ((curve_fp32, "fp32", PALETTE[0]), (curve_bf16, "bf16", PALETTE[1])):
        fig.add_trace(go.Scatter(x=np.arange(1, len(c) + 1), y=c, mode="lines+markers", name=names[key],
                                 line=dict(color=colour, dash="solid" if key == "fp32" else "dot"),
                                 hovertemplate=f"{names[key]}<br>%{{x}}: %{{y:.4f}}<extra></extra>"))
    return layout(fig, L["title"], L["x"], L["y"])


def scaling_lines(data_rows, tensor_rows, L: dict) -> go.Figure:
    fig = go.Figure()
    n = [r.devices for r in data_rows]
    fig.add_trace(go.Scatter(x=n, y=n, mode="lines", name=L["ideal"], line=dict(color="#9CA3AF", dash="dash"),
                             hoverinfo="skip"))
    for rows, name, colour in ((data_rows, L["data"], PALETTE[0]), (tensor_rows, L["tensor"], PALETTE[1])):
        fig.add_trace(go.Scatter(x=[r.devices for r in rows], y=[r.speedup for r in rows],
                                 mode="lines+markers", name=name, line=dict(color=colour, width=2.5),
                                 customdata=[[r.efficiency, r.comm_s * 1e3, r.step_s * 1e3] for r in rows],
                                 hovertemplate=(f"{name}<br>%{{x}} → ×%{{y:.2f}}<br>{L['eff']}: %{{customdata[0]:.0%}}"
                                                f"<br>{L['comm']}: %{{customdata[1]:.3g}} ms / %{{customdata[2]:.3g}} ms"
                                                "<extra></extra>")))
    ys = [r.speedup for r in (*data_rows, *tensor_rows)] + n
    ticks = [v for v in (0.01, 0.03, 0.1, 0.3, 1, 2, 4, 8, 16, 32, 64, 128, 256)
             if min(ys) / 1.5 <= v <= max(ys) * 1.5]
    fig.update_xaxes(type="log", tickvals=n, ticktext=[str(v) for v in n])
    fig.update_yaxes(type="log", tickvals=ticks, ticktext=[f"×{v:g}" for v in ticks])
    return layout(fig, L["title"], L["x"], L["y"], height=400)


def throughput_compare(items: list[tuple[str, float]], L: dict) -> go.Figure:
    fig = go.Figure(go.Bar(x=[name for name, _ in items], y=[v for _, v in items],
                           marker_color=[PALETTE[i % len(PALETTE)] for i in range(len(items))],
                           text=[_si(v) for _, v in items], textposition="outside",
                           hovertemplate="%{x}: %{y:,.4g}<extra></extra>"))
    fig.update_yaxes(type="log", range=[np.log10(min(v for _, v in items)) - 1,
                                        np.log10(max(v for _, v in items)) + 0.7])
    return layout(fig, L["title"], L["x"], L["y"])

