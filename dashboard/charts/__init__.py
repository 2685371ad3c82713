"""Plotly figure builders, one module per area, plus the layout helpers they share.

Plotly never wraps a title and lays a horizontal legend out in as many rows as the plot width
needs, without moving the title. A figure is drawn on a 390 px phone or in half of a 1280 px
desktop page (about 300 px of plot either way), so the helpers below size titles and the space
above the plot for that width: a title is never clipped and a legend never covers it.
"""

from __future__ import annotations

import re
from typing import Iterable

import plotly.graph_objects as go

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


def short_name(device) -> str:
    """A device's name without its maker or notes, so labels fit a phone screen."""
    name = str(getattr(device, "name", None) or getattr(device, "id", device))
    for maker in ("NVIDIA ", "Apple ", "Qualcomm ", "Google ", "AMD "):
        name = name.replace(maker, "")
    name = re.sub(r"\s*\([^)]*\)", "", name).strip() or name  # drop "(e.g. OnePlus 12, ...)"
    return name if len(name) <= 24 else name[:23] + "…"
