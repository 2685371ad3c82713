"""Plotly figure builders for the cost explorer. Data in, ``go.Figure`` out; no st.* calls.

Bars run horizontally (one row per device) so that device names stay readable at phone
width, and every speed or cost bar carries the engine's low-high band as an error bar.
Log axes where targets differ by orders of magnitude (an H100 and a phone do).
"""

from __future__ import annotations

from typing import Sequence

import re

import numpy as np
import plotly.graph_objects as go

from dashboard.i18n import t

# Colours: one per role, readable on white and by colour-blind viewers (Okabe-Ito).
WEIGHTS, KV, WORK, CAP = "#0072B2", "#E69F00", "#999999", "#D55E00"
COMPUTE, BANDWIDTH = "#CC79A7", "#009E73"
SERIES = ["#4F46E5", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"]
# Title pinned to the top of the figure; the legend sits between it and the plot, one
# entry per row so that the space it needs does not depend on the screen's width (a
# horizontal legend wraps unpredictably at 390 px and ran into the title).
_LEGEND_ROW_PX = 19
_LAYOUT = dict(template="plotly_white", margin=dict(l=8, r=16, t=60, b=8),
               legend=dict(orientation="v", yanchor="bottom", y=1.01, x=0, title=None,
                           font=dict(size=11), tracegroupgap=0),
               hoverlabel=dict(namelength=-1), font=dict(size=12))
_BAR_ROW_PX = 52


def short_name(device) -> str:
    """A device's name without its maker, so labels fit a phone screen."""
    name = str(getattr(device, "name", None) or getattr(device, "id", device))
    for maker in ("NVIDIA ", "Apple ", "Qualcomm ", "Google ", "AMD "):
        name = name.replace(maker, "")
    name = re.sub(r"\s*\([^)]*\)", "", name).strip() or name  # drop "(e.g. OnePlus 12, ...)"
    return name if len(name) <= 24 else name[:23] + "…"


def _height(n_rows: float, legend_entries: int = 0) -> int:
    return int(150 + _BAR_ROW_PX * max(n_rows, 1) + _LEGEND_ROW_PX * legend_entries)


def _layout(legend_entries: int, **kw) -> dict:
    """The shared layout with a top margin that holds the title and the legend rows."""
    margin = dict(_LAYOUT["margin"], t=48 + _LEGEND_ROW_PX * legend_entries)
    return dict(_LAYOUT, margin=margin, showlegend=legend_entries > 0, **kw)


def _err(values, lows, highs) -> dict:
    """Asymmetric error bars from a low-high band; missing bands draw no bar."""
    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    lo = np.array([np.nan if x is None else x for x in lows], dtype=float)
    hi = np.array([np.nan if x is None else x for x in highs], dtype=float)
    return dict(type="data", symmetric=False, array=np.nan_to_num(hi - v),
                arrayminus=np.nan_to_num(v - lo), thickness=1.5, width=4)


def _title(key: str, **fmt) -> dict:
    return dict(text=t(key, **fmt), x=0, xanchor="left", xref="container", y=1, yref="container",
                yanchor="top", pad=dict(t=10, l=4), font=dict(size=14))


def memory_chart(rows: Sequence[dict]) -> go.Figure:
    """Stacked memory need (weights, KV cache, working) against each target's capacity.

    ``rows``: dicts with label, weights_gb, kv_cache_gb, working_memory_gb, capacity_gb, status.
    """
    labels = [r["label"] for r in rows]
    fig = go.Figure()
    for key, colour, name in (("weights_gb", WEIGHTS, t("cost.chart.weights")),
                              ("kv_cache_gb", KV, t("cost.chart.kv_cache")),
                              ("working_memory_gb", WORK, t("cost.chart.working"))):
        fig.add_bar(y=labels, x=[r[key] for r in rows], name=name, orientation="h",
                    marker_color=colour, hovertemplate="%{y}: %{x:.3g} GB<extra>" + name + "</extra>")
    cap_name = t("cost.chart.capacity")
    fig.add_scatter(y=labels, x=[r["capacity_gb"] for r in rows], mode="markers+text",
                    name=cap_name, marker=dict(symbol="line-ns", size=26, color=CAP,
                                               line=dict(width=3, color=CAP)),
                    text=[r["status"] for r in rows], textposition="middle right",
                    textfont=dict(color="#374151", size=11),
                    hovertemplate="%{y}: %{x:.3g} GB · %{text}<extra>" + cap_name + "</extra>")
    widest = max([r["capacity_gb"] for r in rows]
                 + [r["weights_gb"] + r["kv_cache_gb"] + r["working_memory_gb"] for r in rows])
    fig.update_xaxes(range=[0, widest * 1.3])  # room for the fits / does-not-fit label
    fig.update_layout(**_layout(4), barmode="stack", height=_height(len(rows), 4),
                      title=_title("cost.chart.memory_title"),
                      xaxis_title=t("cost.chart.memory_axis"), yaxis=dict(autorange="reversed"))
    return fig


def band_bars(rows: Sequence[dict], series: Sequence[tuple[str, str]], title_key: str,
              axis_key: str, unit: str, log: bool = True) -> go.Figure:
    """Horizontal bars per device for one or more figures, each with its low-high band.

    ``series``: (field, legend label); a row holds ``field``, ``field_low``, ``field_high``.
    """
    labels = [r["label"] for r in rows]
    fig = go.Figure()
    for i, (field, name) in enumerate(series):
        vals = [r.get(field) for r in rows]
        fig.add_bar(
            y=labels, x=vals, name=name, orientation="h", marker_color=SERIES[i % len(SERIES)],
            error_x=_err(vals, [r.get(f"{field}_low") for r in rows], [r.get(f"{field}_high") for r in rows]),
            customdata=[[r.get(f"{field}_low"), r.get(f"{field}_high")] for r in rows],
            hovertemplate=("%{y}: %{x:.3g} " + unit + " (" + t("cost.chart.band_hover")
                           + " %{customdata[0]:.3g} – %{customdata[1]:.3g})<extra>" + name + "</extra>"))
    n_legend = len(series) if len(series) > 1 else 0
    fig.update_layout(**_layout(n_legend), barmode="group",
                      height=_height(len(rows) * max(1, len(series) * 0.7), n_legend),
                      title=_title(title_key), xaxis_title=t(axis_key), yaxis=dict(autorange="reversed"))
    if log:
        fig.update_xaxes(type="log")
    return fig


def roofline_chart(points: Sequence[dict]) -> go.Figure:
    """Each target's roofline and where the decode step sits on it.

    ``points``: dicts with label, bandwidth_gb_s, ridge_point (FLOP/byte where the target
    turns compute-bound), arithmetic_intensity (the workload's FLOP/byte) and bound. The
    roof is min(peak, bandwidth x intensity) with peak = ridge x bandwidth, so it is drawn
    from the two numbers the engine used for its decision.
    """
    fig = go.Figure()
    ais = [p["arithmetic_intensity"] for p in points] + [p["ridge_point"] for p in points]
    lo = 10 ** np.floor(np.log10(max(min(ais), 1e-2)) - 0.5)
    hi = 10 ** np.ceil(np.log10(max(ais)) + 0.5)
    x = np.logspace(np.log10(lo), np.log10(hi), 80)
    for i, p in enumerate(points):
        colour = SERIES[i % len(SERIES)]
        bw_tb_s = p["bandwidth_gb_s"] / 1000.0          # GB/s x FLOP/byte = GFLOP/s; /1000 -> TFLOP/s
        peak_tflops = p["ridge_point"] * bw_tb_s
        roof = np.minimum(peak_tflops, bw_tb_s * x)
        fig.add_scatter(x=x, y=roof, mode="lines", name=p["label"], line=dict(color=colour, width=2),
                        legendgroup=p["label"],
                        hovertemplate=("%{x:.3g} FLOP/B → %{y:.3g} TFLOP/s<extra>" + p["label"] + "</extra>"))
        ai = p["arithmetic_intensity"]
        bound_text = t(f"cost.bound.{p['bound']}")
        fig.add_scatter(
            x=[ai], y=[min(peak_tflops, bw_tb_s * ai)], mode="markers", legendgroup=p["label"],
            showlegend=False, name=p["label"],
            marker=dict(size=12, color=colour, symbol="circle" if p["bound"] == "bandwidth" else "diamond",
                        line=dict(width=1.5, color="#111827")),
            hovertemplate=(p["label"] + "<br>" + t("cost.chart.decode_point") + ": %{x:.3g} FLOP/B<br>"
                           + t("cost.chart.ridge") + f": {p['ridge_point']:.3g} FLOP/B<br>"
                           + bound_text + "<extra></extra>"))
    fig.update_layout(**_layout(len(points)), height=400 + _LEGEND_ROW_PX * len(points),
                      title=_title("cost.chart.roofline_title"),
                      xaxis=dict(type="log", dtick=1, title=t("cost.chart.intensity_axis")),
                      yaxis=dict(type="log", dtick=1, title=t("cost.chart.attainable_axis")))
    return fig


def band_line(xs: Sequence[float], mid: Sequence[float | None], low: Sequence[float | None],
              high: Sequence[float | None], title_key: str, x_key: str, y_key: str,
              marker_x: float | None = None, log_x: bool = True, log_y: bool = True) -> go.Figure:
    """A line with its shaded low-high band, e.g. cost against tokens."""
    def arr(v):
        return np.array([np.nan if a is None else a for a in v], dtype=float)

    xs_a, mid_a, lo_a, hi_a = np.asarray(xs, dtype=float), arr(mid), arr(low), arr(high)
    band = t("cost.chart.band")
    fig = go.Figure()
    fig.add_scatter(x=np.concatenate([xs_a, xs_a[::-1]]), y=np.concatenate([hi_a, lo_a[::-1]]),
                    mode="lines", fill="toself", fillcolor="rgba(79,70,229,0.15)", line=dict(width=0),
                    name=band, hoverinfo="skip")
    fig.add_scatter(x=xs_a, y=mid_a, mode="lines+markers", name=t("cost.chart.expected"),
                    line=dict(color=SERIES[0], width=2.5),
                    customdata=np.stack([lo_a, hi_a], axis=1),
                    hovertemplate="%{x:.3g} → %{y:.3g} (%{customdata[0]:.3g} – %{customdata[1]:.3g})<extra></extra>")
    if marker_x is not None:
        _marker_line(fig, marker_x, t("cost.chart.your_choice"), log_x)
    fig.update_layout(**_layout(2), height=380 + 2 * _LEGEND_ROW_PX, title=_title(title_key),
                      xaxis=dict(type="log" if log_x else "linear", title=t(x_key)),
                      yaxis=dict(type="log" if log_y else "linear", title=t(y_key)))
    return fig


def _marker_line(fig: go.Figure, x: float, text: str, log_x: bool) -> None:
    """A dotted vertical line at ``x`` with a label above the plot.

    The line is a shape (data coordinates on any axis type); the label is an annotation,
    which on a log axis takes log10(x), so it is placed separately."""
    fig.add_vline(x=x, line=dict(color=CAP, width=2, dash="dot"))
    fig.add_annotation(x=float(np.log10(x)) if log_x else x, y=1, xref="x", yref="paper",
                       yanchor="bottom", text=text, showarrow=False,
                       font=dict(size=11, color=CAP), bgcolor="rgba(255,255,255,0.8)")


def memory_methods_chart(rows: Sequence[dict], capacity_gb: float) -> go.Figure:
    """Memory per device for each training set-up (ZeRO stages, LoRA, QLoRA) with bands."""
    labels = [r["label"] for r in rows]
    vals = [r["memory_gb"] for r in rows]
    fig = go.Figure()
    fig.add_bar(y=labels, x=vals, orientation="h", name=t("cost.chart.memory_need"),
                marker_color=[WEIGHTS if r.get("fits", True) else CAP for r in rows],
                error_x=_err(vals, [r.get("memory_gb_low", r["memory_gb"]) for r in rows],
                             [r.get("memory_gb_high", r["memory_gb"]) for r in rows]),
                customdata=[t("cost.fits") if r.get("fits", True) else t("cost.no_fit") for r in rows],
                hovertemplate="%{y}: %{x:.3g} GB · %{customdata}<extra></extra>")
    _marker_line(fig, capacity_gb, t("cost.chart.capacity_line", gb=f"{capacity_gb:.3g}"), False)
    fig.update_layout(**_layout(0), height=_height(len(rows)),
                      title=_title("cost.chart.train_memory_title"),
                      xaxis_title=t("cost.chart.memory_axis"), yaxis=dict(autorange="reversed"))
    return fig
