"""Plotly figures of the NLP demo: confusion matrices, accuracy per language, the char model's loss and scaling.

Pure builders: results and translated labels in, ``go.Figure`` out; no st.* calls.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts.demo_lab import PALETTE, layout, lines, reference_line
from dashboard.i18n import t


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
    return layout(
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
    return layout(fig, t("nlp.chart.per_language"), t("nlp.axis.language"), t("nlp.axis.accuracy_pct"))


def loss_curve(res) -> go.Figure:
    fig = lines(res.steps, [(t("nlp.train_loss"), res.train_loss, PALETTE[0]),
                            (t("nlp.val_loss"), res.val_loss, PALETTE[1])],
                hover="%{x}: %{y:.3f}<extra></extra>")
    reference_line(fig, res.uniform_loss, t("nlp.uniform_line"))
    reference_line(fig, res.unigram_loss, t("nlp.unigram_line"), dash="dash", colour="#9CA3AF",
                   position="bottom right")
    return layout(fig, t("nlp.chart.loss"), t("nlp.axis.step"), t("nlp.axis.loss_nats"))


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
    return layout(fig, t("nlp.chart.scaling"), t("nlp.axis.step_log"), t("nlp.axis.val_loss_nats"))

