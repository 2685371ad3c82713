"""Plotly figures of the compression demo: size against accuracy, latency, sweeps, edge projection.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts.demo_lab import PALETTE, grouped_bars, layout, reference_line
from dashboard.i18n import t


def variant_label(name: str) -> str:
    return t(f"comp.variant.{name.replace('-', '_')}")


def compression_size_accuracy(result) -> go.Figure:
    """Accuracy against serialized size (log axis), one point per variant."""
    fig = go.Figure()
    for n, v in enumerate(result.variants):
        fig.add_trace(
            go.Scatter(
                x=[v.size_bytes / 1e3],
                y=[100 * v.accuracy],
                mode="markers",
                name=variant_label(v.variant),
                marker=dict(size=14, color=PALETTE[n % len(PALETTE)], line=dict(width=1, color="white")),
                hovertemplate=(
                    f"{variant_label(v.variant)}<br>{t('comp.axis.size_kb')}: %{{x:.1f}}<br>"
                    f"{t('comp.axis.accuracy_pct')}: %{{y:.1f}}<br>"
                    f"{t('comp.col.download_kb')}: {v.download_bytes / 1e3:.1f}<extra></extra>"
                ),
            )
        )
    reference_line(fig, 100 * result.majority_baseline_accuracy, t("comp.baseline_line"),
                   position="bottom right")
    fig.update_xaxes(type="log")
    return layout(fig, t("comp.chart.size_accuracy"), t("comp.axis.size_kb"), t("comp.axis.accuracy_pct"))


def compression_sizes(result) -> go.Figure:
    """Serialized and zlib-compressed (download) size of each variant, bars."""
    names = [variant_label(v.variant) for v in result.variants]
    fig = grouped_bars(names, [  # horizontal: long version names stay readable on a phone
        (t("comp.col.size_kb"), [v.size_bytes / 1e3 for v in result.variants], PALETTE[0]),
        (t("comp.col.download_kb"), [v.download_bytes / 1e3 for v in result.variants], PALETTE[2]),
    ], hover="%{y}: %{x:.1f} kB<extra></extra>", horizontal=True)
    return layout(fig, t("comp.chart.sizes"), t("comp.axis.size_kb"), "")


def compression_latency(result) -> go.Figure:
    names = [variant_label(v.variant) for v in result.variants]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=[1e3 * v.latency_ms for v in result.variants],
            orientation="h",
            marker_color=PALETTE[4],
            hovertemplate="%{y}: %{x:.1f} µs<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return layout(fig, t("comp.chart.latency"), t("comp.axis.latency_us"), "")


def pruning_sweep(sweep) -> go.Figure:
    """Accuracy against the share pruned, per method: solid after fine-tuning, dotted before."""
    fig = go.Figure()
    for n, method in enumerate(("unstructured", "structured")):
        pts = [p for p in sweep.pruning if p.method == method]
        label = t(f"comp.method.{method}")
        for attr, stage, dash in (("accuracy", "comp.after_finetune", None),
                                  ("accuracy_before_finetune", "comp.before_finetune", "dot")):
            fig.add_trace(
                go.Scatter(
                    x=[100 * p.amount for p in pts],
                    y=[100 * getattr(p, attr) for p in pts],
                    mode="lines+markers",
                    name=f"{label} · {t(stage)}",
                    line=dict(color=PALETTE[n], dash=dash),
                    hovertemplate="%{x:.0f}%: %{y:.1f}%<extra></extra>",
                )
            )
    return layout(fig, t("comp.chart.pruning_sweep"), t("comp.axis.pruned_pct"), t("comp.axis.accuracy_pct"))


def l1_sweep(sweep) -> go.Figure:
    pts = sweep.l1
    fig = go.Figure(
        go.Scatter(
            x=[100 * p.sparsity for p in pts],
            y=[100 * p.accuracy for p in pts],
            mode="lines+markers+text",
            text=[f"λ={p.l1_lambda:g}" for p in pts],
            textposition="top center",
            marker_color=PALETTE[3],
            hovertemplate="%{text}<br>%{x:.0f}% zero · %{y:.1f}%<extra></extra>",
        )
    )
    return layout(fig, t("comp.chart.l1_sweep"), t("comp.axis.zero_pct"), t("comp.axis.accuracy_pct"))


def edge_latency(projections) -> go.Figure:
    """Projected latency band per device, grouped by variant (error bars = low..high)."""
    fig = go.Figure()
    variants = list(dict.fromkeys(p.variant for p in projections))
    for n, name in enumerate(variants):
        pts = [p for p in projections if p.variant == name]
        fig.add_trace(
            go.Bar(
                name=variant_label(name),
                x=[p.hardware for p in pts],
                y=[p.latency_ms for p in pts],
                marker_color=PALETTE[n % len(PALETTE)],
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=[p.latency_ms_high - p.latency_ms for p in pts],
                    arrayminus=[p.latency_ms - p.latency_ms_low for p in pts],
                ),
                customdata=[[p.latency_ms_low, p.latency_ms_high, p.weights_mb, p.runtime] for p in pts],
                hovertemplate=(
                    f"{variant_label(name)} · %{{x}}<br>%{{y:.2f}} ms "
                    "(%{customdata[0]:.2f}–%{customdata[1]:.2f})<br>"
                    "%{customdata[2]:.2f} MB · %{customdata[3]}<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(type="log")  # phones and a Raspberry Pi differ by 10x: a linear axis hides the phones
    return layout(
        fig, t("comp.chart.edge"), t("comp.axis.device"), t("comp.axis.latency_ms_log"), height=420
    )

