"""The one chart layout (dashboard/charts/__init__.py layout): the title at the top, the legend
in horizontal rows under the plot, room for both counted at phone width so the plot keeps its
height and nothing overlaps."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import AXIS_PX, LEGEND_ROW_PX, TITLE_LINE_PX, layout, legend_height_px


def _fig(n_traces: int, name_len: int = 12) -> go.Figure:
    fig = go.Figure()
    for i in range(n_traces):
        fig.add_trace(go.Scatter(x=[0, 1], y=[i, i + 1], name=f"{i}".ljust(name_len, "x")))
    return fig


def test_legend_sits_under_the_plot_in_horizontal_rows():
    fig = layout(_fig(3), "Cost", height=300)
    lg = fig.layout.legend
    assert (lg.orientation, lg.yref, lg.y, lg.yanchor) == ("h", "container", 0, "bottom")
    assert fig.layout.showlegend is True


def test_many_entries_get_several_rows_of_room_at_phone_width():
    few, many = layout(_fig(2), "Cost", height=300), layout(_fig(8, 24), "Cost", height=300)
    rows_px = legend_height_px([str(tr.name) for tr in many.data])
    assert rows_px >= 3 * LEGEND_ROW_PX                  # eight long names do not fit one row on a phone
    assert many.layout.margin.b == 8 + AXIS_PX + rows_px + 8
    assert many.layout.height - few.layout.height == rows_px - LEGEND_ROW_PX  # the plot keeps its size


def test_a_long_title_is_wrapped_and_the_top_grows_by_its_lines():
    short = layout(_fig(1), "Cost", height=300)
    long_ = layout(_fig(1), "Monthly serving cost of every option against the volume a month", height=300)
    lines = long_.layout.title.text.count("<br>") + 1
    assert lines >= 2
    assert long_.layout.margin.t - short.layout.margin.t == (lines - 1) * TITLE_LINE_PX
    assert long_.layout.height - short.layout.height == (lines - 1) * TITLE_LINE_PX


def test_no_legend_when_asked_or_for_a_lone_trace():
    assert layout(_fig(3), "Cost", height=300, legend=False).layout.showlegend is False
    assert layout(_fig(1), "Cost", height=300).layout.showlegend is False
    assert layout(_fig(1), "Cost", height=300).layout.margin.b == 8 + AXIS_PX


def test_extra_layout_arguments_reach_the_figure():
    fig = layout(_fig(2), "Cost", height=300, barmode="overlay", yaxis=dict(tickprefix="$"))
    assert fig.layout.barmode == "overlay" and fig.layout.yaxis.tickprefix == "$"
