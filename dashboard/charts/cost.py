"""Plotly figure builders for the cost explorer. Data in, ``go.Figure`` out; no st.* calls.

Bars run horizontally (one row per device) so that device names stay readable at phone
width, and every speed or cost bar carries the engine's low-high band as an error bar.
Log axes where targets differ by orders of magnitude (an H100 and a phone do).

Each figure is written as one plain dict and wrapped by :func:`_figure`. Building it with
``add_bar`` / ``update_layout`` and the named "plotly_white" template cost ~200 ms per
chart here (every call re-validates and deep-copies the template); one validated
``go.Figure(spec)`` ~12-50 ms; unvalidated ~1.5 ms. The app skips validation to keep a
rerun under the 150 ms target, and tests/app/test_cost_charts.py builds every figure with
``VALIDATE = True`` so a bad property still fails CI.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.charts import layout_spec, short_name  # noqa: F401  (short_name: pages import it from here)
from dashboard.i18n import t

# Colours: one per role, readable on white and by colour-blind viewers (Okabe-Ito).
WEIGHTS, KV, WORK, CAP = "#0072B2", "#E69F00", "#999999", "#D55E00"
SERIES = ["#4F46E5", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"]
_BAR_ROW_PX = 52
VALIDATE = False  # tests switch it on
_AXIS = dict(gridcolor="#E5E7EB", zerolinecolor="#D1D5DB", linecolor="#D1D5DB", automargin=True)


def png_config(filename: str) -> dict:
    """Plotly's toolbar config for ``st.plotly_chart``: the camera button saves a sharp PNG
    under a file name that says what it is."""
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def _figure(spec: dict) -> go.Figure:
    if VALIDATE:
        return go.Figure(spec)
    try:
        return go.Figure(spec, _validate=False)  # plotly's own flag (plotly.io templates use it)
    except TypeError:  # pragma: no cover - a plotly without the private flag
        return go.Figure(spec)


def _height(n_rows: float) -> int:
    return int(110 + _BAR_ROW_PX * max(n_rows, 1))


def _layout(title_key: str, data: list[dict], height: int, xaxis: dict, yaxis: dict, **kw) -> dict:
    """The shared layout (:func:`dashboard.charts.layout_spec`) in the explorer's colours; the
    legend lists the traces that show in it (none for a lone series)."""
    names = [d["name"] for d in data if d.get("name") and d.get("showlegend", True)]
    return layout_spec(t(title_key), height=height, names=names if len(names) > 1 else [],
                       paper_bgcolor="white", plot_bgcolor="white", colorway=SERIES,
                       font=dict(size=12, color="#1F2937"),
                       xaxis=dict(_AXIS, **xaxis), yaxis=dict(_AXIS, **yaxis), **kw)


def _num(values) -> list[float | None]:
    return [None if v is None or v != v else float(v) for v in values]


def _err(values, lows, highs) -> dict:
    """Asymmetric error bars from a low-high band; a missing band draws no bar."""
    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    lo = np.array([np.nan if x is None else x for x in lows], dtype=float)
    hi = np.array([np.nan if x is None else x for x in highs], dtype=float)
    return dict(type="data", symmetric=False, array=np.nan_to_num(hi - v).tolist(),
                arrayminus=np.nan_to_num(v - lo).tolist(), thickness=1.5, width=4)


def memory_chart(rows: Sequence[dict]) -> go.Figure:
    """Stacked memory need (weights, KV cache, working) against each target's capacity.

    ``rows``: dicts with label, weights_gb, kv_cache_gb, working_memory_gb, capacity_gb, status.
    """
    labels = [r["label"] for r in rows]
    data = []
    for key, colour, name in (("weights_gb", WEIGHTS, t("cost.chart.weights")),
                              ("kv_cache_gb", KV, t("cost.chart.kv_cache")),
                              ("working_memory_gb", WORK, t("cost.chart.working"))):
        data.append(dict(type="bar", orientation="h", y=labels, x=_num(r[key] for r in rows), name=name,
                         marker=dict(color=colour),
                         hovertemplate="%{y}: %{x:.3g} GB<extra>" + name + "</extra>"))
    cap_name = t("cost.chart.capacity")
    data.append(dict(type="scatter", mode="markers+text", y=labels, x=[r["capacity_gb"] for r in rows],
                     name=cap_name, marker=dict(symbol="line-ns", size=26, color=CAP, line=dict(width=3, color=CAP)),
                     text=[r["status"] for r in rows], textposition="middle right",
                     textfont=dict(color="#374151", size=11),
                     hovertemplate="%{y}: %{x:.3g} GB · %{text}<extra>" + cap_name + "</extra>"))
    widest = max([r["capacity_gb"] for r in rows]
                 + [(r["weights_gb"] or 0) + (r["kv_cache_gb"] or 0) + (r["working_memory_gb"] or 0) for r in rows])
    layout = _layout("cost.chart.memory_title", data, _height(len(rows)),
                     xaxis=dict(title=dict(text=t("cost.chart.memory_axis")), range=[0, widest * 1.3]),
                     yaxis=dict(autorange="reversed", title=dict(text=t("cost.col.device"))), barmode="stack")
    return _figure(dict(data=data, layout=layout))


def band_bars(rows: Sequence[dict], series: Sequence[tuple[str, str]], title_key: str,
              axis_key: str, unit: str, log: bool = True) -> go.Figure:
    """Horizontal bars per device for one or more figures, each with its low-high band.

    ``series``: (field, legend label); a row holds ``field``, ``field_low``, ``field_high``.
    """
    labels = [r["label"] for r in rows]
    data = []
    for i, (field, name) in enumerate(series):
        vals = _num(r.get(field) for r in rows)
        lows, highs = _num(r.get(f"{field}_low") for r in rows), _num(r.get(f"{field}_high") for r in rows)
        data.append(dict(
            type="bar", orientation="h", y=labels, x=vals, name=name, marker=dict(color=SERIES[i % len(SERIES)]),
            error_x=_err(vals, lows, highs), customdata=[[lo, hi] for lo, hi in zip(lows, highs)],
            hovertemplate=("%{y}: %{x:.3g} " + unit + " (" + t("cost.chart.band_hover")
                           + " %{customdata[0]:.3g} – %{customdata[1]:.3g})<extra>" + name + "</extra>")))
    layout = _layout(title_key, data, _height(len(rows) * max(1, len(series) * 0.7)),
                     xaxis=dict(title=dict(text=t(axis_key)), type="log" if log else "linear"),
                     yaxis=dict(autorange="reversed", title=dict(text=t("cost.col.device"))), barmode="group")
    return _figure(dict(data=data, layout=layout))


def roofline_chart(points: Sequence[dict]) -> go.Figure:
    """Each target's roofline and where this request's decode and prefill sit on it.

    ``points``: dicts with label, bandwidth_gb_s, ridge_point (peak FLOP per byte of the
    device), eff_bw and eff_compute (the engine's fitted shares of peak bandwidth and
    compute), arithmetic_intensity (decode) and arithmetic_intensity_prefill (FLOP/byte),
    bound and bound_prefill. Two roofs per device: the datasheet one (dotted) and the one
    the engine's efficiencies leave (solid), min(peak x eff_compute, bandwidth x eff_bw x
    intensity); the markers sit on the solid one, so the bend they fall either side of is
    the one by which the engine calls the step compute- or bandwidth-bound.
    """
    ais = [p["arithmetic_intensity"] for p in points] + [p["ridge_point"] for p in points]
    ais += [p["arithmetic_intensity_prefill"] for p in points if p.get("arithmetic_intensity_prefill")]
    lo = 10 ** np.floor(np.log10(max(min(ais), 1e-2)) - 0.3)
    hi = 10 ** np.ceil(np.log10(max(ais)) + 0.3)
    x = np.logspace(np.log10(lo), np.log10(hi), 60)
    decode_name, prefill_name = t("cost.chart.decode_point"), t("cost.chart.prefill_point")
    data = []
    for i, p in enumerate(points):
        colour = SERIES[i % len(SERIES)]
        bw_tb_s = p["bandwidth_gb_s"] / 1000.0          # GB/s x FLOP/byte = GFLOP/s; /1000 -> TFLOP/s
        peak_tflops = p["ridge_point"] * bw_tb_s
        eff_bw, eff_c = p.get("eff_bw") or 1.0, p.get("eff_compute") or 1.0

        def achieved(ai: float) -> float:
            return min(peak_tflops * eff_c, bw_tb_s * eff_bw * ai)

        data.append(dict(type="scatter", mode="lines", x=x.tolist(), y=np.minimum(peak_tflops, bw_tb_s * x).tolist(),
                         legendgroup=p["label"], showlegend=False, name=p["label"], hoverinfo="skip",
                         line=dict(color=colour, width=1, dash="dot")))
        data.append(dict(type="scatter", mode="lines", x=x.tolist(), y=[achieved(a) for a in x], name=p["label"],
                         legendgroup=p["label"], line=dict(color=colour, width=2),
                         hovertemplate="%{x:.3g} FLOP/B → %{y:.3g} TFLOP/s<extra>" + p["label"] + "</extra>"))
        for ai, bound, name, filled in ((p["arithmetic_intensity"], p["bound"], decode_name, True),
                                        (p.get("arithmetic_intensity_prefill"), p.get("bound_prefill"),
                                         prefill_name, False)):
            if not ai or bound not in ("compute", "bandwidth"):
                continue
            symbol = ("circle" if bound == "bandwidth" else "diamond") + ("" if filled else "-open")
            data.append(dict(
                type="scatter", mode="markers", x=[ai], y=[achieved(ai)], name=p["label"],
                legendgroup=p["label"], showlegend=False,
                marker=dict(size=12 if filled else 11, color=colour, symbol=symbol,
                            line=dict(width=1.5 if filled else 2.5, color="#111827" if filled else colour)),
                hovertemplate=(p["label"] + " · " + name + "<br>%{x:.3g} FLOP/B → %{y:.3g} TFLOP/s<br>"
                               + t(f"cost.bound.{bound}") + "<extra></extra>")))
    layout = _layout("cost.chart.roofline_title", data, 400,
                     xaxis=dict(type="log", dtick=1, title=dict(text=t("cost.chart.intensity_axis"))),
                     yaxis=dict(type="log", dtick=1, title=dict(text=t("cost.chart.attainable_axis"))))
    return _figure(dict(data=data, layout=layout))


def _marker_line(x: float, text: str, log_x: bool) -> tuple[dict, dict]:
    """A dotted vertical line at ``x`` (a shape: data coordinates on any axis type) and its
    label above the plot (an annotation, which on a log axis takes log10(x))."""
    shape = dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="paper",
                 line=dict(color=CAP, width=2, dash="dot"))
    note = dict(x=float(np.log10(x)) if log_x else x, y=1, xref="x", yref="paper", yanchor="bottom",
                text=text, showarrow=False, font=dict(size=11, color=CAP), bgcolor="rgba(255,255,255,0.8)")
    return shape, note


def band_line(xs: Sequence[float], mid: Sequence[float | None], low: Sequence[float | None],
              high: Sequence[float | None], title_key: str, x_key: str, y_key: str,
              marker_x: float | None = None, log_x: bool = True, log_y: bool = True) -> go.Figure:
    """A line with its shaded low-high band, e.g. cost against tokens."""
    xs_l, mid_l, lo_l, hi_l = [float(v) for v in xs], _num(mid), _num(low), _num(high)
    data = [
        dict(type="scatter", mode="lines", x=xs_l + xs_l[::-1], y=hi_l + lo_l[::-1], fill="toself",
             fillcolor="rgba(79,70,229,0.15)", line=dict(width=0), name=t("cost.chart.band"), hoverinfo="skip"),
        dict(type="scatter", mode="lines+markers", x=xs_l, y=mid_l, name=t("cost.chart.expected"),
             line=dict(color=SERIES[0], width=2.5), customdata=[[a, b] for a, b in zip(lo_l, hi_l)],
             hovertemplate="%{x:.3g} → %{y:.3g} (%{customdata[0]:.3g} – %{customdata[1]:.3g})<extra></extra>"),
    ]
    extra = {}
    if marker_x is not None:
        shape, note = _marker_line(marker_x, t("cost.chart.your_choice"), log_x)
        extra = dict(shapes=[shape], annotations=[note])
    layout = _layout(title_key, data, 380,
                     xaxis=dict(type="log" if log_x else "linear", title=dict(text=t(x_key))),
                     yaxis=dict(type="log" if log_y else "linear", title=dict(text=t(y_key))), **extra)
    return _figure(dict(data=data, layout=layout))


def memory_methods_chart(rows: Sequence[dict], capacity_gb: float) -> go.Figure:
    """Memory per device for each training set-up (ZeRO stages, LoRA, QLoRA) against the
    device's memory; bars that do not fit are drawn in the warning colour."""
    labels = [r["label"] for r in rows]
    vals = _num(r["memory_gb"] for r in rows)
    data = [dict(type="bar", orientation="h", y=labels, x=vals, name=t("cost.chart.memory_need"),
                 marker=dict(color=[WEIGHTS if r.get("fits", True) else CAP for r in rows]),
                 customdata=[t("cost.fits") if r.get("fits", True) else t("cost.no_fit") for r in rows],
                 hovertemplate="%{y}: %{x:.3g} GB · %{customdata}<extra></extra>")]
    shape, note = _marker_line(capacity_gb, t("cost.chart.capacity_line", gb=f"{capacity_gb:.3g}"), False)
    layout = _layout("cost.chart.train_memory_title", data, _height(len(rows)),
                     xaxis=dict(title=dict(text=t("cost.chart.memory_axis"))),
                     yaxis=dict(autorange="reversed", title=dict(text=t("cost.trn.setup"))),
                     shapes=[shape], annotations=[note])
    return _figure(dict(data=data, layout=layout))
