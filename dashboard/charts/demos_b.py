"""Plotly figures of the compression, NLP and recommendation demos (result -> go.Figure).

No st.* calls here: pages pass results in and draw what comes back. Every figure has a title,
axis titles with units and hover text; labels go through i18n.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.i18n import t

PALETTE = ("#2563EB", "#DC2626", "#059669", "#D97706", "#7C3AED", "#0891B2", "#DB2777", "#4B5563")


def _layout(fig: go.Figure, title: str, x: str, y: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title=x,
        yaxis_title=y,
        height=height,
        margin=dict(l=10, r=10, t=60, b=10),
        legend=dict(orientation="h", y=-0.25),
        hoverlabel=dict(namelength=-1),
    )
    return fig


def variant_label(name: str) -> str:
    return t(f"comp.variant.{name.replace('-', '_')}")


# ----------------------------------------------------------------------------- compression


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
    fig.add_hline(
        y=100 * result.majority_baseline_accuracy,
        line_dash="dot",
        line_color="#6B7280",
        annotation_text=t("comp.baseline_line"),
        annotation_position="bottom right",
    )
    fig.update_xaxes(type="log")
    return _layout(fig, t("comp.chart.size_accuracy"), t("comp.axis.size_kb"), t("comp.axis.accuracy_pct"))


def compression_sizes(result) -> go.Figure:
    """Serialized and zlib-compressed (download) size of each variant, bars."""
    names = [variant_label(v.variant) for v in result.variants]
    fig = go.Figure(
        [  # horizontal: long version names stay readable on a phone
            go.Bar(
                name=t("comp.col.size_kb"),
                y=names,
                x=[v.size_bytes / 1e3 for v in result.variants],
                orientation="h",
                marker_color=PALETTE[0],
                hovertemplate="%{y}: %{x:.1f} kB<extra></extra>",
            ),
            go.Bar(
                name=t("comp.col.download_kb"),
                y=names,
                x=[v.download_bytes / 1e3 for v in result.variants],
                orientation="h",
                marker_color=PALETTE[2],
                hovertemplate="%{y}: %{x:.1f} kB<extra></extra>",
            ),
        ]
    )
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, t("comp.chart.sizes"), t("comp.axis.size_kb"), "")


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
    return _layout(fig, t("comp.chart.latency"), t("comp.axis.latency_us"), "")


def pruning_sweep(sweep) -> go.Figure:
    fig = go.Figure()
    for n, method in enumerate(("unstructured", "structured")):
        pts = [p for p in sweep.pruning if p.method == method]
        label = t(f"comp.method.{method}")
        fig.add_trace(
            go.Scatter(
                x=[100 * p.amount for p in pts],
                y=[100 * p.accuracy for p in pts],
                mode="lines+markers",
                name=f"{label} · {t('comp.after_finetune')}",
                line=dict(color=PALETTE[n]),
                hovertemplate="%{x:.0f}%: %{y:.1f}%<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[100 * p.amount for p in pts],
                y=[100 * p.accuracy_before_finetune for p in pts],
                mode="lines+markers",
                name=f"{label} · {t('comp.before_finetune')}",
                line=dict(color=PALETTE[n], dash="dot"),
                hovertemplate="%{x:.0f}%: %{y:.1f}%<extra></extra>",
            )
        )
    return _layout(fig, t("comp.chart.pruning_sweep"), t("comp.axis.pruned_pct"), t("comp.axis.accuracy_pct"))


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
    return _layout(fig, t("comp.chart.l1_sweep"), t("comp.axis.zero_pct"), t("comp.axis.accuracy_pct"))


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
    return _layout(
        fig, t("comp.chart.edge"), t("comp.axis.device"), t("comp.axis.latency_ms_log"), height=420
    )


# ----------------------------------------------------------------------------- NLP


def confusion(task, label_fn=lambda s: s) -> go.Figure:
    labels = [label_fn(lbl) for lbl in task.labels]
    z = [list(row) for row in task.confusion]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            colorscale="Blues",
            showscale=False,
            text=z,
            texttemplate="%{text}",
            hovertemplate=f"{t('nlp.axis.true')}: %{{y}}<br>{t('nlp.axis.predicted')}: "
            "%{x}<br>%{z}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        t(f"nlp.chart.confusion_{task.task}"),
        t("nlp.axis.predicted"),
        t("nlp.axis.true"),
        height=460 if len(labels) > 4 else 340,
    )


def per_language(result) -> go.Figure:
    fig = go.Figure()
    for n, task in enumerate((result.intent, result.sentiment)):
        fig.add_trace(
            go.Bar(
                name=t(f"nlp.task.{task.task}"),
                x=[t(f"nlp.lang.{lang}") for lang, *_ in task.per_lang],
                y=[100 * acc for _, acc, _, _ in task.per_lang],
                marker_color=PALETTE[n],
                customdata=[[100 * f1, rows] for _, _, f1, rows in task.per_lang],
                hovertemplate="%{x}: %{y:.1f}% · F1 %{customdata[0]:.1f} · n=%{customdata[1]}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                name=f"{t(f'nlp.task.{task.task}')} · {t('nlp.baseline')}",
                x=[t(f"nlp.lang.{lang}") for lang, *_ in task.per_lang],
                y=[100 * task.baseline_accuracy] * len(task.per_lang),
                mode="lines+markers",
                line=dict(color=PALETTE[n], dash="dash", width=2),
                marker=dict(symbol="diamond", size=9, color=PALETTE[n]),
                hovertemplate="%{y:.1f}%<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    return _layout(fig, t("nlp.chart.per_language"), t("nlp.axis.language"), t("nlp.axis.accuracy_pct"))


def loss_curve(res) -> go.Figure:
    fig = go.Figure(
        [
            go.Scatter(
                x=list(res.steps),
                y=list(res.train_loss),
                name=t("nlp.train_loss"),
                mode="lines+markers",
                line_color=PALETTE[0],
                hovertemplate="%{x}: %{y:.3f}<extra></extra>",
            ),
            go.Scatter(
                x=list(res.steps),
                y=list(res.val_loss),
                name=t("nlp.val_loss"),
                mode="lines+markers",
                line_color=PALETTE[1],
                hovertemplate="%{x}: %{y:.3f}<extra></extra>",
            ),
        ]
    )
    fig.add_hline(
        y=res.uniform_loss,
        line_dash="dot",
        line_color="#6B7280",
        annotation_text=t("nlp.uniform_line"),
        annotation_position="top right",
    )
    fig.add_hline(
        y=res.unigram_loss,
        line_dash="dash",
        line_color="#9CA3AF",
        annotation_text=t("nlp.unigram_line"),
        annotation_position="bottom right",
    )
    return _layout(fig, t("nlp.chart.loss"), t("nlp.axis.step"), t("nlp.axis.loss_nats"))


def scaling(points) -> go.Figure:
    fig = go.Figure()
    widths = sorted({p.n_embd for p in points})
    for n, w in enumerate(widths):
        pts = [p for p in points if p.n_embd == w and p.step > 0]
        fig.add_trace(
            go.Scatter(
                x=[p.step for p in pts],
                y=[p.val_loss for p in pts],
                mode="lines+markers",
                name=t("nlp.width_params", width=w, params=f"{pts[0].n_params:,}"),
                line_color=PALETTE[n % len(PALETTE)],
                hovertemplate="%{x} steps: %{y:.3f}<extra></extra>",
            )
        )
    fig.update_xaxes(type="log")
    return _layout(fig, t("nlp.chart.scaling"), t("nlp.axis.step_log"), t("nlp.axis.val_loss_nats"))


# ----------------------------------------------------------------------------- recommendation


def rmse_bars(res) -> go.Figure:
    groups = [t("rec.warm_users"), t("rec.cold_users")]
    fig = go.Figure(
        [
            go.Bar(
                name=t("rec.model_mf"),
                x=groups,
                y=[res.rmse_warm, res.rmse_cold],
                marker_color=PALETTE[0],
                hovertemplate="%{x}: %{y:.3f}<extra></extra>",
            ),
            go.Bar(
                name=t("rec.model_popularity"),
                x=groups,
                y=[res.rmse_item_mean_warm, res.rmse_item_mean_cold],
                marker_color=PALETTE[3],
                hovertemplate="%{x}: %{y:.3f}<extra></extra>",
            ),
        ]
    )
    fig.add_hline(
        y=res.rmse_global_mean_warm,
        line_dash="dot",
        line_color="#6B7280",
        annotation_text=t("rec.global_mean_line"),
        annotation_position="top right",
    )
    fig.update_layout(barmode="group")
    return _layout(fig, t("rec.chart.rmse"), t("rec.axis.users"), t("rec.axis.rmse"))


def rmse_by_history(res) -> go.Figure:
    xs = [str(lo) + "+" for lo, _, _ in res.rmse_by_history]
    fig = go.Figure(
        go.Bar(
            x=xs,
            y=[r for _, r, _ in res.rmse_by_history],
            marker_color=PALETTE[0],
            customdata=[n for *_, n in res.rmse_by_history],
            hovertemplate="%{x}: %{y:.3f} (n=%{customdata})<extra></extra>",
        )
    )
    return _layout(fig, t("rec.chart.by_history"), t("rec.axis.history"), t("rec.axis.rmse"))


def sparsity_curve(points) -> go.Figure:
    xs = [100 * p.density for p in points]
    fig = go.Figure()
    for n, (attr, key) in enumerate(
        (
            ("rmse_mf", "rec.model_mf"),
            ("rmse_item_mean", "rec.model_popularity"),
            ("rmse_global_mean", "rec.model_global_mean"),
            ("rmse_oracle", "rec.model_oracle"),
        )
    ):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[getattr(p, attr) for p in points],
                name=t(key),
                mode="lines+markers",
                line=dict(color=PALETTE[n], dash="dot" if attr == "rmse_oracle" else None),
                hovertemplate="%{x:.1f}%: %{y:.3f}<extra></extra>",
            )
        )
    fig.update_xaxes(type="log")
    return _layout(fig, t("rec.chart.sparsity"), t("rec.axis.density_pct"), t("rec.axis.rmse"))
