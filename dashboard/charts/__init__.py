"""Plotly figure builders, one module per area, plus the one layout they share (:func:`layout`).

Plotly never wraps a title and lays a horizontal legend out in as many rows as the plot width
needs, without moving the title. A figure is drawn on a 390 px phone or in half of a 1280 px
desktop page (about 300 px of plot either way), so the helpers below size titles and the space
above the plot for that width: a title is never clipped and a legend never covers it.
"""

from __future__ import annotations

import re
from typing import Iterable

import plotly.graph_objects as go

from scenarios.engine.catalog import Hardware

#: Width a figure can count on: half a desktop column, or a phone (both about 300 px of plot).
NARROW_PLOT_PX = 300
TITLE_LINE_PX = 22
LEGEND_ROW_PX = 20
# Trace types plotly leaves out of the legend unless asked (they use a colour bar instead).
_NO_LEGEND_TYPES = {"heatmap", "contour", "histogram2d", "surface"}


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def wrap_title(text: str, width: int = 46) -> str:
    """Break a long title onto lines (plotly never wraps, and a phone is ~45 Latin characters wide).

    Chinese has no spaces and each character is about twice as wide, so it is cut every width/2.
    """
    cjk = _is_cjk(text)
    if "<br>" in text or len(text) * (2 if cjk else 1) <= width:
        return text
    if cjk:
        step = width // 2
        return "<br>".join(text[i: i + step] for i in range(0, len(text), step))
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(lines + [line])


def legend_names(fig: go.Figure) -> list[str]:
    """Names of the traces that show up in the legend (plotly hides a lone trace's entry)."""
    names = [str(tr.name) for tr in fig.data
             if tr.name and tr.type not in _NO_LEGEND_TYPES and tr.showlegend is not False
             and getattr(tr, "visible", True) is not False]
    if len(names) == 1 and fig.layout.showlegend is not True:
        return []
    return names


def legend_height_px(names: Iterable[str], font_px: int = 11, plot_px: int = NARROW_PLOT_PX) -> int:
    """Height of a horizontal legend drawn over ``plot_px`` of plot width.

    Mirrors plotly.js: entries that fit side by side make one row; otherwise every entry gets
    the width of the widest one and they fill a grid. An entry is the ~45 px symbol plus its
    text (~0.55 em a Latin character, 1 em a Chinese one).
    """
    widths = [45 + sum(font_px if "\u4e00" <= ch <= "\u9fff" else 0.55 * font_px for ch in name)
              for name in names]
    if not widths:
        return 0
    if sum(widths) <= plot_px:
        return LEGEND_ROW_PX
    per_row = max(1, int(plot_px // max(widths)))
    return -(-len(widths) // per_row) * LEGEND_ROW_PX


def top_margin_px(title: str, legend_px: int = 0) -> int:
    """Space above the plot for a (wrapped) title and a legend placed under it."""
    lines = title.count("<br>") + 1 if title else 0
    return 16 + TITLE_LINE_PX * lines + legend_px + (8 if legend_px else 0)


#: Space under the plot for tick labels and an axis title.
AXIS_PX = 48
_FONT = dict(size=12)


def layout_spec(title: str, *, height: int, names: Iterable[str] = (), min_top_px: int = 0, **extra) -> dict:
    """The one chart layout as a plain dict: the title at the top left, wrapped for a phone, and
    the legend (``names``: its entries) as horizontal rows under the plot (above it, it collides
    with the title at phone width). ``height`` is the figure's height with a one-line title and
    no legend; the figure grows by the extra title lines and the legend rows counted at the
    narrowest plot width, so the plot itself keeps its size. ``extra`` (axes, barmode, ...) is
    merged in. ``min_top_px`` keeps room above the plot for a note drawn there. Figures built
    as one dict (the cost explorer's, for speed) use this directly; the others call :func:`layout`.
    """
    text = wrap_title(title)
    names = list(names)
    legend_px = legend_height_px(names) if names else 0
    top = max(min_top_px, top_margin_px(text))
    legend_band_px = legend_px + 8 if legend_px else 0
    spec = dict(
        font=_FONT, height=height + (top - top_margin_px("one line")) + legend_band_px,
        title=dict(text=text, x=0, xanchor="left", font=dict(size=15), y=1, yref="container",
                   yanchor="top", pad=dict(t=10)),
        margin=dict(l=8, r=8, t=top, b=8 + AXIS_PX + legend_band_px), showlegend=bool(names),
        legend=dict(orientation="h", x=0, xanchor="left", y=0, yref="container", yanchor="bottom",
                    title=None, font=dict(size=11)),
        hoverlabel=dict(namelength=-1))
    spec.update(extra)
    return spec


def layout(fig: go.Figure, title: str, *, height: int, legend: bool = True, min_top_px: int = 0,
           **extra) -> go.Figure:
    """:func:`layout_spec` applied to a built figure, with plotly's white template; the legend
    entries are read off the figure's traces.

    Example: ``return layout(fig, t("scn.chart.fan"), height=340, yaxis=dict(tickprefix="$"))``.
    """
    names = legend_names(fig) if legend else []
    fig.update_layout(template="plotly_white",
                      **layout_spec(title, height=height, names=names, min_top_px=min_top_px, **extra))
    return fig


def short_name(device: Hardware | str) -> str:
    """A device's name (or a bare id) without its maker or notes, so labels fit a phone screen."""
    name = (device.name or device.id) if isinstance(device, Hardware) else str(device)
    for maker in ("NVIDIA ", "Apple ", "Qualcomm ", "Google ", "AMD "):
        name = name.replace(maker, "")
    name = re.sub(r"\s*\([^)]*\)", "", name).strip() or name  # drop "(e.g. OnePlus 12, ...)"
    return name if len(name) <= 24 else name[:23] + "…"
