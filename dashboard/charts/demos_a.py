"""Plotly figure builders for the finance, medical and vision demos (result -> go.Figure).

No st.* calls here. Every builder takes already-translated labels, so the same figure works in
both languages, and gives its figure a title, axis titles with units, and hover text.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from dashboard.charts import legend_height_px, legend_names, short_name, top_margin_px, wrap_title

COLORS = {"baseline": "#6B7280", "class_weights": "#2563EB", "resampling": "#7C3AED",
          "threshold": "#059669", "standard": "#6B7280", "augment": "#2563EB",
          "adversarial": "#DC2626", "federated": "#2563EB", "centralised": "#059669",
          "local": "#9CA3AF", "custom": "#2563EB", "yolov8n": "#F59E0B"}


def _layout(fig: go.Figure, title: str, x: str, y: str, height: int = 380) -> go.Figure:
    # Legend above the plot, under the title: below it collides with the x-axis title on phones.
    # The space above the plot is sized for the wrapped title plus the legend rows at phone width.
    title = wrap_title(title)
    top = max(60, top_margin_px(title, legend_height_px(legend_names(fig), font_px=12)))
    fig.update_layout(title=dict(text=title, y=1, yref="container", yanchor="top", pad=dict(t=12)),
                      xaxis_title=x, yaxis_title=y,
                      height=height - 105 + top, margin=dict(l=10, r=10, t=top, b=10), hovermode="closest",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig


# ----------------------------------------------------------------------------- finance
def pr_curves(curves: dict, names: dict, fraud_rate: float, title: str, x: str, y: str,
              chance: str) -> go.Figure:
    fig = go.Figure()
    for m, (rec, prec) in curves.items():
        fig.add_scatter(x=rec, y=prec, mode="lines", name=names[m], line=dict(color=COLORS[m]),
                        hovertemplate="recall %{x:.2f}<br>precision %{y:.2f}<extra>" + names[m] + "</extra>")
    fig.add_hline(y=fraud_rate, line_dash="dot", annotation_text=chance, line_color="#9CA3AF",
                  annotation_position="top left")
    fig.update_yaxes(range=[0, 1.02])
    return _layout(fig, title, x, y)


def confusion(tn: int, fp: int, fn: int, tp: int, labels: tuple[str, str], title: str,
              x: str, y: str) -> go.Figure:
    z = [[tn, fp], [fn, tp]]
    fig = go.Figure(go.Heatmap(z=z, x=list(labels), y=list(labels), colorscale="Blues", showscale=False,
                               text=[[f"{v:,}" for v in row] for row in z], texttemplate="%{text}",
                               hovertemplate="true %{y}<br>predicted %{x}<br>%{z:,} transactions<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, x, y, height=320)


def threshold_curve(thresholds, precision, recall, cost, tuned: float, labels: dict) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=thresholds, y=precision, name=labels["precision"], line=dict(color="#7C3AED"),
                    hovertemplate="threshold %{x:.3f}<br>precision %{y:.2f}<extra></extra>")
    fig.add_scatter(x=thresholds, y=recall, name=labels["recall"], line=dict(color="#2563EB"),
                    hovertemplate="threshold %{x:.3f}<br>recall %{y:.2f}<extra></extra>")
    fig.add_scatter(x=thresholds, y=cost, name=labels["cost"], yaxis="y2", line=dict(color="#DC2626", dash="dash"),
                    hovertemplate="threshold %{x:.3f}<br>$%{y:,.0f} lost<extra></extra>")
    fig.add_vline(x=tuned, line_dash="dot", line_color="#059669", annotation_text=labels["tuned"])
    fig.update_layout(yaxis=dict(range=[0, 1.02]),
                      yaxis2=dict(title=labels["cost_axis"], overlaying="y", side="right", rangemode="tozero"))
    fig.update_xaxes(type="log")
    return _layout(fig, labels["title"], labels["x"], labels["y"])


def money_bars(rows: list[dict], no_model_usd: float, labels: dict) -> go.Figure:
    """rows: {name, missed_usd, false_alarm_usd}; stacked bars, with the no-model cost as a line."""
    names = [r["name"] for r in rows]
    fig = go.Figure()
    fig.add_bar(x=names, y=[r["missed_usd"] for r in rows], name=labels["missed"], marker_color="#DC2626",
                hovertemplate="%{x}<br>$%{y:,.0f}<extra>" + labels["missed"] + "</extra>")
    fig.add_bar(x=names, y=[r["false_alarm_usd"] for r in rows], name=labels["false_alarm"],
                marker_color="#F59E0B",
                hovertemplate="%{x}<br>$%{y:,.0f}<extra>" + labels["false_alarm"] + "</extra>")
    fig.add_hline(y=no_model_usd, line_dash="dot", annotation_text=labels["no_model"], line_color="#6B7280")
    fig.update_layout(barmode="stack")
    return _layout(fig, labels["title"], labels["x"], labels["y"])


def sweep_lines(x, series: dict, names: dict, title: str, xt: str, yt: str, percent_x: bool = True,
                log_x: bool = False) -> go.Figure:
    fig = go.Figure()
    xs = [v * 100 for v in x] if percent_x else list(x)
    for key, ys in series.items():
        fig.add_scatter(x=xs, y=ys, mode="lines+markers", name=names.get(key, key),
                        line=dict(color=COLORS.get(key)),
                        hovertemplate="%{x}<br>%{y:.3f}<extra>" + names.get(key, key) + "</extra>")
    if log_x:
        fig.update_xaxes(type="log")
    return _layout(fig, title, xt, yt)


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
    return _layout(fig, title, x, y, height=max(300, 40 * len(items) + 120))


# ----------------------------------------------------------------------------- medical
def importance_bars(mean: dict[str, float], std: dict[str, float], title: str, x: str, y: str) -> go.Figure:
    items = sorted(mean.items(), key=lambda kv: kv[1])
    fig = go.Figure(go.Bar(
        x=[v for _, v in items], y=[k for k, _ in items], orientation="h", marker_color="#2563EB",
        error_x=dict(type="data", array=[std[k] for k, _ in items]),
        hovertemplate="%{y}<br>accuracy drop %{x:.3f}<extra></extra>"))
    return _layout(fig, title, x, y, height=max(300, 36 * len(items) + 120))


def fed_rounds(by_round, centralised: float, local: tuple[float, ...], labels: dict) -> go.Figure:
    rounds = list(range(1, len(by_round) + 1))
    fig = go.Figure()
    fig.add_scatter(x=rounds, y=by_round, mode="lines+markers", name=labels["federated"],
                    line=dict(color=COLORS["federated"]),
                    hovertemplate="round %{x}<br>accuracy %{y:.3f}<extra></extra>")
    fig.add_hline(y=centralised, line_dash="dash", line_color=COLORS["centralised"],
                  annotation_text=labels["centralised"])
    for i, acc in enumerate(local):
        fig.add_scatter(x=[rounds[-1]], y=[acc], mode="markers", marker=dict(color=COLORS["local"], size=9),
                        name=labels["local"], showlegend=i == 0,
                        hovertemplate=labels["site"] + f" {i + 1}<br>" + "accuracy %{y:.3f}<extra></extra>")
    return _layout(fig, labels["title"], labels["x"], labels["y"])


# ----------------------------------------------------------------------------- vision
def recipe_bars(rows: dict[str, dict[str, float]], names: dict, conditions: dict, title: str, x: str,
                y: str) -> go.Figure:
    """rows: training -> condition -> accuracy; grouped bars by condition."""
    fig = go.Figure()
    for tr, accs in rows.items():
        fig.add_bar(x=[conditions[c] for c in accs], y=list(accs.values()), name=names[tr],
                    marker_color=COLORS[tr],
                    hovertemplate="%{x}<br>accuracy %{y:.3f}<extra>" + names[tr] + "</extra>")
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 1])
    return _layout(fig, title, x, y)


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
            name=labels.get(model, model), marker_color=COLORS.get(model, "#6B7280"),
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
    return _layout(fig, labels["title"], labels["x"], labels["y"], height=max(360, 60 * len(rows) // 2 + 160))
