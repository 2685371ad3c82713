"""Plotly figures of the atlas pages (no st.* calls): matrix, preset costs, bubble, robustness."""

from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from dashboard.i18n import pick, t
from scenarios.domains import CHALLENGE_IDS, Atlas
from scenarios.opportunity import Ranking, Robustness
from scenarios.workloads import PresetResult

# One sequential scale for "how much it matters": pale (0) to deep (5); readable in print too.
_IMPORTANCE_SCALE = [[0.0, "#F3F4F6"], [0.2, "#DBEAFE"], [0.4, "#93C5FD"], [0.6, "#3B82F6"],
                     [0.8, "#1D4ED8"], [1.0, "#1E3A8A"]]


def importance_matrix(atlas: Atlas, lang: str, selected: tuple[str, str] | None = None) -> go.Figure:
    """Domain x challenge heat map, drawn as square markers so that a click selects one cell.

    (Plotly heatmap traces emit no point-selection events; scatter markers do, which is what
    st.plotly_chart(on_select=...) listens to.) customdata = (domain id, challenge id).
    """
    ch_names = {c.id: pick(c.name, lang) for c in atlas.challenges}
    xs, ys, zs, custom, hover = [], [], [], [], []
    for d in atlas.domains:
        d_name = pick(d.name, lang)
        for cid in CHALLENGE_IDS:
            score = d.importance[cid]
            xs.append(ch_names[cid])
            ys.append(d_name)
            zs.append(score)
            custom.append([d.id, cid])
            hover.append(t("atlas.chart.hover", lang=lang, domain=d_name, challenge=ch_names[cid],
                           score=score))
    fig = go.Figure(go.Scatter(
        x=xs, y=ys, mode="markers+text", text=[str(z) for z in zs], customdata=custom,
        hovertext=hover, hoverinfo="text",
        textfont={"color": ["#111827" if z < 3 else "#FFFFFF" for z in zs], "size": 12},
        marker={"symbol": "square", "size": 30, "color": zs, "cmin": 0, "cmax": 5,
                "colorscale": _IMPORTANCE_SCALE, "line": {"width": 1, "color": "#FFFFFF"},
                "colorbar": {"title": {"text": t("atlas.chart.colorbar", lang=lang)}, "thickness": 12}},
        selected={"marker": {"opacity": 1.0}}, unselected={"marker": {"opacity": 0.55}},
        name="",
    ))
    if selected:
        d_sel, c_sel = selected
        try:
            fig.add_trace(go.Scatter(
                x=[ch_names[c_sel]], y=[pick(atlas.domain(d_sel).name, lang)], mode="markers",
                marker={"symbol": "square-open", "size": 34, "color": "#F59E0B", "line": {"width": 3}},
                hoverinfo="skip", showlegend=False, name=""))
        except Exception:  # noqa: BLE001 - a stale selection only loses its outline
            pass
    fig.update_layout(
        title=t("atlas.chart.title", lang=lang),
        xaxis={"title": t("atlas.chart.x", lang=lang), "tickangle": -40, "side": "bottom",
               "categoryorder": "array", "categoryarray": [ch_names[c] for c in CHALLENGE_IDS]},
        yaxis={"title": t("atlas.chart.y", lang=lang), "autorange": "reversed"},
        height=560, margin={"l": 10, "r": 10, "t": 60, "b": 10}, showlegend=False,
        clickmode="event+select", dragmode=False, plot_bgcolor="#FFFFFF",
    )
    return fig


def preset_costs(results: Sequence[PresetResult], lang: str) -> go.Figure:
    """$ per 1,000 tasks per preset with its low-high band, on a log axis."""
    names = [pick(r.preset.name, lang) for r in results]
    mid = [max(r.usd_per_1k_tasks, 1e-6) for r in results]
    fig = go.Figure(go.Bar(
        x=mid, y=names, orientation="h",
        error_x={"type": "data", "symmetric": False,
                 "array": [max(r.usd_per_1k_tasks_high - r.usd_per_1k_tasks, 0) for r in results],
                 "arrayminus": [max(r.usd_per_1k_tasks - r.usd_per_1k_tasks_low, 0) for r in results]},
        marker_color=["#9CA3AF" if r.price_basis == "user-device" else "#2563EB" for r in results],
        hovertext=[t("dom.chart.hover", lang=lang, name=n, mid=f"{r.usd_per_1k_tasks:.4g}",
                     low=f"{r.usd_per_1k_tasks_low:.4g}", high=f"{r.usd_per_1k_tasks_high:.4g}")
                   for n, r in zip(names, results)],
        hoverinfo="text",
    ))
    fig.update_layout(
        title=t("dom.chart.title", lang=lang),
        xaxis={"title": t("dom.chart.x", lang=lang), "type": "log"},
        yaxis={"title": "", "automargin": True},
        height=140 + 60 * len(results), margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig


def opportunity_bubbles(ranking: Ranking, robust: Robustness | None, names: dict[str, str],
                        lang: str) -> go.Figure:
    """Impact (y) against feasibility (x); bubble area = total score; colour = P(top 3)."""
    tb = ranking.table
    p = [float(robust.p_top_k[d]) if robust is not None else 0.0 for d in tb["domain"]]
    fig = go.Figure(go.Scatter(
        x=tb["feasibility"], y=tb["impact"], mode="markers+text",
        text=[names[d] for d in tb["domain"]], textposition="top center",
        marker={"size": tb["total"], "sizemode": "area", "sizeref": 2.0 * 100 / 45**2, "sizemin": 6,
                "color": p, "cmin": 0, "cmax": 1, "colorscale": "Blues",
                "line": {"width": 1, "color": "#1F2937"},
                "colorbar": {"title": {"text": t("opp.chart.colorbar", lang=lang)}, "thickness": 12}},
        hovertext=[t("opp.chart.hover", lang=lang, domain=names[d], total=f"{tt:.1f}", impact=f"{i:.1f}",
                     feas=f"{f:.1f}", p=f"{pp:.0%}")
                   for d, tt, i, f, pp in zip(tb["domain"], tb["total"], tb["impact"], tb["feasibility"], p)],
        hoverinfo="text",
    ))
    fig.update_layout(
        title=t("opp.chart.title", lang=lang),
        xaxis={"title": t("opp.chart.x", lang=lang), "range": [0, 100]},
        yaxis={"title": t("opp.chart.y", lang=lang), "range": [0, 105]},
        height=520, margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return fig


def robustness_bars(robust: Robustness, names: dict[str, str], lang: str) -> go.Figure:
    s = robust.p_top_k.sort_values(ascending=True)
    fig = go.Figure(go.Bar(
        x=s.values, y=[names[d] for d in s.index], orientation="h", marker_color="#2563EB",
        text=[f"{v:.0%}" for v in s.values], textposition="auto",
        hovertext=[t("opp.robust.hover", lang=lang, domain=names[d], p=f"{v:.1%}", n=robust.n_samples)
                   for d, v in s.items()],
        hoverinfo="text",
    ))
    fig.update_layout(
        title=t("opp.robust.title", lang=lang, n=robust.n_samples),
        xaxis={"title": t("opp.robust.x", lang=lang), "range": [0, 1], "tickformat": ".0%"},
        yaxis={"title": "", "automargin": True},
        height=420, margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return fig
