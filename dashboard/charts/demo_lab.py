"""What every demo chart shares: one layout (title and legend sized for a phone), the colours,
and two figure kinds that several demos draw.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import charts

PALETTE = ("#2563EB", "#DC2626", "#059669", "#D97706", "#7C3AED", "#0891B2", "#DB2777", "#4B5563")
# One colour per named series, so a method or recipe keeps its colour from chart to chart.
SERIES_COLOURS = {"baseline": "#6B7280", "class_weights": "#2563EB", "resampling": "#7C3AED",
                  "threshold": "#059669", "standard": "#6B7280", "augment": "#2563EB",
                  "adversarial": "#DC2626", "federated": "#2563EB", "centralised": "#059669",
                  "local": "#9CA3AF", "custom": "#2563EB", "yolov8n": "#F59E0B"}


def layout(fig: go.Figure, title: str, x: str, y: str, height: int = 380) -> go.Figure:
    """The one chart layout (:func:`dashboard.charts.layout`) with the demo's axis titles; room
    above the plot stays free for a note drawn there (``contributions``)."""
    return charts.layout(fig, title, height=height, min_top_px=60, xaxis_title=x, yaxis_title=y,
                         hovermode="closest")


def sweep_lines(x, series: dict, names: dict, title: str, xt: str, yt: str, percent_x: bool = True,
                log_x: bool = False) -> go.Figure:
    """One line per series over a swept knob (x as shares shown in %, unless ``percent_x`` is off)."""
    fig = go.Figure()
    xs = [v * 100 for v in x] if percent_x else list(x)
    for key, ys in series.items():
        fig.add_scatter(x=xs, y=ys, mode="lines+markers", name=names.get(key, key),
                        line=dict(color=SERIES_COLOURS.get(key)),
                        hovertemplate="%{x}<br>%{y:.3f}<extra>" + names.get(key, key) + "</extra>")
    if log_x:
        fig.update_xaxes(type="log")
    return layout(fig, title, xt, yt)


def contributions(values: dict[str, float], names: dict[str, str], title: str, x: str, y: str,
                  pos_label: str, neg_label: str) -> go.Figure:
    """Horizontal bars of signed contributions, largest magnitude on top."""
    items = sorted(values.items(), key=lambda kv: abs(kv[1]))
    fig = go.Figure(go.Bar(
        x=[v for _, v in items], y=[names.get(k, k) for k, _ in items], orientation="h",
        marker_color=["#DC2626" if v > 0 else "#059669" for _, v in items],
        hovertemplate="%{y}<br>%{x:+.3f}<extra></extra>"))
    fig.add_annotation(text=f"← {neg_label}   |   {pos_label} →", xref="paper", yref="paper", x=0.5, y=1.02,
                       yanchor="bottom", showarrow=False, font=dict(size=11, color="#6B7280"))
    return layout(fig, title, x, y, height=max(300, 40 * len(items) + 120))



def grouped_bars(categories, series, hover: str, horizontal: bool = False) -> go.Figure:
    """One bar per category for each ``(name, values, colour)`` series, side by side; horizontal
    bars keep long category names readable on a phone (first category on top)."""
    fig = go.Figure()
    for name, values, colour in series:
        axes = dict(y=categories, x=values, orientation="h") if horizontal else dict(x=categories, y=values)
        fig.add_trace(go.Bar(name=name, marker_color=colour, hovertemplate=hover, **axes))
    fig.update_layout(barmode="group")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return fig


def lines(x, series, hover: str) -> go.Figure:
    """One line with markers for each ``(name, values, colour)`` series over the same ``x``."""
    fig = go.Figure()
    for name, values, colour in series:
        fig.add_scatter(x=list(x), y=list(values), name=name, mode="lines+markers", line_color=colour,
                        hovertemplate=hover)
    return fig


def reference_line(fig: go.Figure, y: float, text: str, dash: str = "dot", colour: str = "#6B7280",
                   position: str = "top right") -> None:
    """A labelled horizontal line for the baseline the bars or curves are read against."""
    fig.add_hline(y=y, line_dash=dash, line_color=colour, annotation_text=text,
                  annotation_position=position)
