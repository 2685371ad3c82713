"""Plotly figures of the atlas pages (no st.* calls): matrix, preset costs, bubble, robustness."""

from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from dashboard.charts import layout
from dashboard.i18n import pick, t
from scenarios.atlas.domains import CHALLENGE_IDS, Atlas
from scenarios.atlas.opportunity import Ranking, Robustness
from scenarios.atlas.workloads import PresetResult
from scenarios.units import fmt_number, fmt_pct

# One sequential scale for "how much it matters": pale (0) to deep (5); readable in print too.
_IMPORTANCE_SCALE = [[0.0, "#F3F4F6"], [0.2, "#DBEAFE"], [0.4, "#93C5FD"], [0.6, "#3B82F6"],
                     [0.8, "#1D4ED8"], [1.0, "#1E3A8A"]]


def importance_matrix(atlas: Atlas, lang: str, selected: tuple[str, str] | None = None) -> go.Figure:
    """Domain x challenge heat map with a transparent point on every cell so a click selects it.

    The colours are a heatmap trace (cells scale with the chart, so it stays readable at phone
    width); plotly heatmaps emit no selection events, so an invisible scatter point sits on each
    cell and carries customdata = (domain id, challenge id) for st.plotly_chart(on_select=...).
    """
    ch_names = [pick(c.name, lang) for c in atlas.challenges]
    d_names = [pick(d.name, lang) for d in atlas.domains]
    z = atlas.importance_matrix()
    hover = [[t("atlas.chart.hover", lang=lang, domain=dn, challenge=cn, score=z[i][j])
              for j, cn in enumerate(ch_names)] for i, dn in enumerate(d_names)]
    fig = go.Figure(go.Heatmap(
        z=z, x=ch_names, y=d_names, zmin=0, zmax=5, colorscale=_IMPORTANCE_SCALE, xgap=2, ygap=2,
        text=[[str(v) for v in row] for row in z], texttemplate="%{text}", hoverinfo="skip",
        showscale=False,
    ))
    fig.add_trace(go.Scatter(
        x=[cn for _ in d_names for cn in ch_names], y=[dn for dn in d_names for _ in ch_names],
        customdata=[[d.id, cid] for d in atlas.domains for cid in CHALLENGE_IDS],
        hovertext=[h for row in hover for h in row], hoverinfo="text", mode="markers",
        marker={"size": 28, "symbol": "square", "color": "rgba(0,0,0,0)"},
        selected={"marker": {"opacity": 1.0}}, unselected={"marker": {"opacity": 1.0}},
        showlegend=False, name="",
    ))
    if selected and selected[0] in [d.id for d in atlas.domains] and selected[1] in CHALLENGE_IDS:
        i = [d.id for d in atlas.domains].index(selected[0])
        j = list(CHALLENGE_IDS).index(selected[1])
        fig.add_shape(type="rect", xref="x", yref="y", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5,
                      line={"color": "#F59E0B", "width": 3})
    return layout(
        fig, t("atlas.chart.title", lang=lang), height=600, legend=False,
        xaxis={"title": t("atlas.chart.x", lang=lang), "tickangle": -50, "automargin": True,
               "tickfont": {"size": 11}},
        yaxis={"title": t("atlas.chart.y", lang=lang), "autorange": "reversed", "automargin": True,
               "tickfont": {"size": 11}},
        clickmode="event+select", dragmode=False, plot_bgcolor="#FFFFFF",
    )


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)   # CJK characters take two columns


def _wrap(text: str, width: int = 26) -> str:
    """Break a long axis label into lines (plotly does not wrap), so bars keep room on a phone.
    Words are kept whole; a run of Chinese characters may break anywhere."""
    tokens = []
    for word in text.split(" "):
        if _display_width(word) > width:           # Chinese: no spaces inside, cut by width
            chunk = ""
            for ch in word:
                if _display_width(chunk + ch) > width:
                    tokens.append(chunk)
                    chunk = ""
                chunk += ch
            tokens.append(chunk)
        else:
            tokens.append(word)
    lines, line = [], ""
    for tok in tokens:
        candidate = f"{line} {tok}" if line else tok
        if line and _display_width(candidate) > width:
            lines.append(line)
            line = tok
        else:
            line = candidate
    return "<br>".join([*lines, line])


def preset_costs(results: Sequence[PresetResult], lang: str) -> go.Figure:
    """$ per 1,000 tasks per preset with its low-high band, on a log axis."""
    full_names = [pick(r.preset.name, lang) for r in results]
    names = [_wrap(n) for n in full_names]
    mid = [max(r.usd_per_1k_tasks, 1e-6) for r in results]
    fig = go.Figure(go.Bar(
        x=mid, y=names, orientation="h",
        error_x={"type": "data", "symmetric": False,
                 "array": [max(r.usd_per_1k_tasks_high - r.usd_per_1k_tasks, 0) for r in results],
                 "arrayminus": [max(r.usd_per_1k_tasks - r.usd_per_1k_tasks_low, 0) for r in results]},
        marker_color=["#9CA3AF" if r.price_basis == "user-device" else "#2563EB" for r in results],
        hovertext=[t("dom.chart.hover", lang=lang, name=n, mid=fmt_number(r.usd_per_1k_tasks, 4),
                     low=fmt_number(r.usd_per_1k_tasks_low, 4),
                     high=fmt_number(r.usd_per_1k_tasks_high, 4))
                   for n, r in zip(full_names, results)],
        hoverinfo="text",
    ))
    return layout(
        fig, t("dom.chart.title", lang=lang), height=160 + 90 * len(results), legend=False,
        xaxis={"title": t("dom.chart.x", lang=lang), "type": "log"},
        yaxis={"title": t("dom.chart.y", lang=lang), "automargin": True},
    )


_SIDES = {  # plotly text position -> (label centre offset in x, in y), in axis units of a 0-100 plot
    "top center": (0.0, 7.0), "bottom center": (0.0, -7.0),
    "middle right": (1.0, 0.0), "middle left": (-1.0, 0.0),
}


def _label_sides(xs: list[float], ys: list[float], labels: list[str]) -> list[str]:
    """Greedy label placement for a bubble chart: labels are boxes (~2.2 x-units a character at
    phone width, 5 y-units tall); each takes the first side that overlaps no bubble and no placed
    label and stays inside the 0-100 plot (a name above the top bubble was cut off)."""
    boxes: list[tuple[float, float, float, float]] = [(x - 3, x + 3, y - 4, y + 4) for x, y in zip(xs, ys)]
    sides = []
    for i, (x, y, label) in enumerate(zip(xs, ys, labels)):
        half_w, half_h = 1.1 * len(label), 2.5  # ~2.2 x-units a character on a phone
        best = None
        for side, (dx, dy) in _SIDES.items():
            cx = x + (dx * (half_w + 4) if dx else 0.0)
            cy = y + dy
            box = (cx - half_w, cx + half_w, cy - half_h, cy + half_h)
            outside = box[0] < -2 or box[1] > 102 or box[2] < 0 or box[3] > 103
            hits = 10 * outside + sum(
                not (box[1] < b[0] or b[1] < box[0] or box[3] < b[2] or b[3] < box[2])
                for j, b in enumerate(boxes) if j != i)
            if best is None or hits < best[0]:
                best = (hits, side, box)
            if hits == 0:
                break
        _, chosen, box = best
        boxes.append(box)
        sides.append(chosen)
    return sides


def opportunity_bubbles(ranking: Ranking, robust: Robustness | None, names: dict[str, str],
                        lang: str) -> go.Figure:
    """Impact (y) against feasibility (x); bubble area = total score; colour = P(top 3)."""
    tb = ranking.table
    p = [float(robust.p_top_k[d]) if robust is not None else 0.0 for d in tb["domain"]]
    fig = go.Figure(go.Scatter(
        x=tb["feasibility"], y=tb["impact"], mode="markers+text",
        text=[names[d] for d in tb["domain"]], textfont={"size": 11},
        # Each name goes on the first side where it does not hit a name already placed.
        textposition=_label_sides(list(tb["feasibility"]), list(tb["impact"]),
                                  [names[d] for d in tb["domain"]]),
        marker={"size": tb["total"], "sizemode": "area", "sizeref": 2.0 * 100 / 45**2, "sizemin": 6,
                "color": p, "cmin": 0, "cmax": 1, "colorscale": "Blues",
                "line": {"width": 1, "color": "#1F2937"},
                "colorbar": {"title": {"text": t("opp.chart.colorbar", lang=lang)}, "thickness": 12}},
        hovertext=[t("opp.chart.hover", lang=lang, domain=names[d], total=f"{tt:.1f}", impact=f"{i:.1f}",
                     feas=f"{f:.1f}", p=fmt_pct(pp, 0))
                   for d, tt, i, f, pp in zip(tb["domain"], tb["total"], tb["impact"], tb["feasibility"], p)],
        hoverinfo="text",
    ))
    for axis in ("x", "y"):   # the middle of each scale: quadrants read "big and doable" top-right
        fig.add_shape(type="line", line={"dash": "dot", "color": "#9CA3AF", "width": 1},
                      **({"x0": 50, "x1": 50, "y0": 0, "y1": 100} if axis == "x" else
                         {"x0": 0, "x1": 100, "y0": 50, "y1": 50}))
    return layout(
        fig, t("opp.chart.title", lang=lang), height=520, legend=False,
        xaxis={"title": t("opp.chart.x", lang=lang), "range": [0, 100]},
        yaxis={"title": t("opp.chart.y", lang=lang), "range": [0, 105]},
    )


def robustness_bars(robust: Robustness, names: dict[str, str], lang: str) -> go.Figure:
    s = robust.p_top_k.sort_values(ascending=True)
    fig = go.Figure(go.Bar(
        x=s.values, y=[names[d] for d in s.index], orientation="h", marker_color="#2563EB",
        text=[fmt_pct(v, 0) for v in s.values], textposition="auto",
        hovertext=[t("opp.robust.hover", lang=lang, domain=names[d], p=fmt_pct(v), n=robust.n_samples)
                   for d, v in s.items()],
        hoverinfo="text",
    ))
    return layout(
        fig, t("opp.robust.title", lang=lang, n=robust.n_samples), height=420, legend=False,
        xaxis={"title": t("opp.robust.x", lang=lang), "range": [0, 1], "tickformat": ".0%"},
        yaxis={"title": t("atlas.chart.y", lang=lang), "automargin": True},
    )
