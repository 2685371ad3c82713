"""The URL-bound widgets of every page, found by opening the pages, and what a page shows.

Shared by the URL round-trip test (test_url_roundtrip.py), the URL fuzz test (test_url_fuzz.py)
and the knob tests (test_knobs.py). A page's widgets come from dashboard/url_registry.py's
REGISTRY as the page fills it while it draws: a widget added to a page with ``bound(...)`` is
tested without touching these files.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass

from dashboard.navigation import all_pages
from dashboard.url_registry import NUMERIC_KINDS, REGISTRY, BoundWidget
from tests.app.conftest import open_page
from tools.page_snapshot import MEASURED

# A chart is timed when its title or an axis names a clock figure; the compression demo's latency
# chart says so in its title ("Latency measured on this machine ...", axis "Latency (µs)").
CHART_MEASURED = re.compile(MEASURED.pattern + r"|measured on this machine", re.IGNORECASE)

PAGES = [p.path for p in all_pages()]
HOME = "dashboard/pages/home.py"
# The language switch is in the shared sidebar, so it registers on every page; it is tested once,
# on the home page (tests/app/test_language_link.py covers its codes).
SHARED_KEYS = {"lang"}


# Bound widgets that a bare link does not draw: key -> (page, the widget that reveals it, its
# option that does). The round-trip test opens that link first; the registry test accepts them.
CONDITIONAL = {
    "srv_rate": ("dashboard/pages/cost_serving.py", "srv_load", "rate"),
    "meth_catalog": ("dashboard/pages/methodology.py", "meth_part", "sources"),
}


def label_of(spec: BoundWidget, option) -> str:
    """The string a link carries for ``option`` of a choice widget."""
    return spec.labels[spec.options.index(option)]


# Every widget kind a page may key (to find keyed inputs the registry lacks).
INPUT_KINDS = ("slider", "number_input", "select_slider", "selectbox", "multiselect", "toggle", "text_input",
               "button_group", "checkbox", "radio", "text_area", "date_input", "color_picker", "time_input")


@dataclass(frozen=True)
class DefaultView:
    """A page opened from a bare link: its bound widgets, every keyed input, its figures."""

    specs: dict[str, BoundWidget]
    input_keys: frozenset[str]
    figures: dict


@functools.cache
def default_view(page: str) -> DefaultView:
    at = open_registered(page)
    assert not at.exception, [e.value for e in at.exception]
    specs = {k: v for k, v in REGISTRY.items() if k not in SHARED_KEYS or page == HOME}
    keys = frozenset(w.key for kind in INPUT_KINDS for w in getattr(at, kind) if w.key)
    return DefaultView(specs, keys, figures(at))


def open_registered(page: str, query: dict | None = None):
    """Open ``page``; REGISTRY then holds the bound widgets this run drew."""
    REGISTRY.clear()
    return open_page(page, query=query)


def figures(at) -> dict:
    """What the page shows as figures: metric cards, tables and chart data. Figures timed on this
    computer's clock (labels the page snapshot marks as measured: throughput, GFLOP/s, latency
    here) differ run to run by nature, so they read "<measured>" and only the computed ones count."""
    return {
        "metrics": [(m.label, "<measured>" if MEASURED.search(m.label) else m.value) for m in at.metric],
        "tables": [_masked_csv(d.value) for d in at.dataframe] + [_masked_csv(t.value) for t in at.table],
        "charts": [_chart(e) for e in at.get("plotly_chart")],
        "images": len(at.get("imgs")),
    }


def _masked_csv(df) -> str:
    timed = [c for c in df.columns if MEASURED.search(str(c))]
    return (df.assign(**{str(c): "<measured>" for c in timed}) if timed else df).to_csv()


def _chart(element) -> str:
    spec = _dropped_empty(json.loads(element.proto.spec))
    titles = json.dumps([v for k, v in spec.get("layout", {}).items() if k == "title" or k.endswith("axis")])
    return "<measured>" if CHART_MEASURED.search(titles) else json.dumps(spec, sort_keys=True)


def _dropped_empty(spec):
    """A chart spec without empty entries: plotly writes an unset legend title as {} in the first
    figure of a process and leaves it out of the next ones, which is no change of the page."""
    if isinstance(spec, dict):
        return {k: _dropped_empty(v) for k, v in spec.items() if v not in ({}, None)}
    if isinstance(spec, list):
        return [_dropped_empty(v) for v in spec]
    return spec


def texts(at) -> list[str]:
    """The page's headings and paragraphs (for pages that show no figure)."""
    return [h.value for h in at.header] + [h.value for h in at.subheader] + [m.value for m in at.markdown]


def widget_value(at, key: str):
    """The value the widget with ``key`` shows (None when the page did not draw it)."""
    for kind in ("slider", "number_input", "select_slider", "selectbox", "multiselect", "toggle",
                 "text_input", "button_group"):
        for w in getattr(at, kind):
            if w.key == key:
                return w.value
    return None


def same_value(shown, wanted) -> bool:
    if isinstance(wanted, float) and isinstance(shown, (int, float)):
        return math.isclose(shown, wanted, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(wanted, (list, tuple)) and isinstance(shown, (list, tuple)):
        return list(shown) == list(wanted)
    if isinstance(shown, (list, tuple)) and len(shown) == 1:  # a single-choice button group
        return shown[0] == wanted
    return shown == wanted


def other_value(spec: BoundWidget):
    """A valid value other than the default, and the string the link carries for it.

    One step down from the default where the range allows (fewer epochs, a smaller model:
    cheaper to train), else one step up.
    """
    if spec.kind in NUMERIC_KINDS:
        return _other_number(spec)
    if spec.kind == "toggle":
        return (not spec.default), str(not spec.default).lower()
    if spec.kind == "text_input":
        return "refund my order please", "refund my order please"
    if spec.multi:
        chosen = list(spec.default or [])
        value = chosen[:-1] if len(chosen) > 1 else chosen + [o for o in spec.options if o not in chosen][:1]
        return value, [spec.labels[spec.options.index(o)] for o in value]
    i = spec.options.index(spec.default) if spec.default in spec.options else 0
    j = i - 1 if i > 0 else i + 1
    return spec.options[j], spec.labels[j]


def _other_number(spec: BoundWidget):
    low, high = spec.low, spec.high
    default = spec.default if spec.default is not None else (low + high) / 2
    step = spec.step or (1 if spec.integer else (high - low) / 10)
    value = default - step if default - step >= low else default + step
    if spec.integer:
        value = round(value)
        return value, str(value)
    value = round(value, 10)
    return value, repr(value)
