"""The registry of URL-bound widgets, and the check of a link's values before they seed a widget.

Every widget whose value travels in the link is made through :func:`bound` (or, for the id
pickers that keep an id rather than a label in the URL, :func:`check_ids`)::

    seed = bound(c3.number_input, t("ovf.seed"), 0, 10_000, 0, key="ovf_seed")

``bound`` reads the widget's own arguments (bounds, options, labels, default) off its
signature, records them in :data:`REGISTRY` under the widget key, checks the link's value for
that key and only then draws the widget with ``bind="query-params"``. So the registry cannot
miss a bound widget, and the URL round-trip and fuzz tests (tests/app/test_url_*.py) pick up a
new one by opening the pages. tests/app/test_url_registry.py fails if a page passes ``bind=``
itself.

Why check before Streamlit does: Streamlit 1.67 drops most bad link values silently (the
widget shows its default and nobody says why) and raises on some: ``?srv_batch=1e400`` makes
``int(float("inf"))`` in the number input's deserializer (OverflowError, not caught by its
seeding). Here a bad value is removed from the link before the widget reads it, and a note
next to the widget names the parameter and what it accepts.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime.state import get_session_state

from dashboard.state import BIND

# Longest number a link may carry for a numeric widget: far more digits than any bound makes
# sense of, short enough that parsing it is instant (a 10,000-digit value is refused unread).
MAX_NUMBER_CHARS = 32
# Longest text for a text input that sets no max_chars of its own.
MAX_TEXT_CHARS = 500
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?")
# Widgets whose value is a number (range check) or a choice among labels (membership check).
NUMERIC_KINDS = ("slider", "number_input")
CHOICE_KINDS = ("select_slider", "selectbox", "segmented_control", "multiselect", "pills", "radio")


@dataclass(frozen=True)
class BoundWidget:
    """What a link may say for one widget: its key (the query parameter), kind and default.

    ``options`` are the widget's values and ``labels`` the strings the link carries for them
    (Streamlit writes the formatted label to the URL); numeric widgets have ``low``/``high``,
    ``integer`` and ``step`` (where the page sets one); text widgets ``max_chars``. ``multi``
    widgets take the parameter repeated.
    """

    key: str
    kind: str
    default: Any
    options: tuple = ()
    labels: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    integer: bool = False
    step: float | None = None
    max_chars: int | None = None
    multi: bool = False
    max_selections: int | None = None

    def accepted(self) -> str:
        """The accepted values in words (in the page's language), for the note."""
        from dashboard.i18n import t

        if self.kind in NUMERIC_KINDS:
            key = "url.accepted.whole_range" if self.integer else "url.accepted.range"
            return t(key, low=_num(self.low), high=_num(self.high))
        if self.kind == "toggle":
            return "true, false"
        if self.kind == "text_input":
            return t("url.accepted.text", n=self.max_chars)
        shown = ", ".join(self.labels[:8])
        return shown + (t("url.accepted.more", n=len(self.labels)) if len(self.labels) > 8 else "")


# key -> spec, filled as pages draw their widgets (one server process shares it; the specs of a
# key are the same in every session except for translated labels).
REGISTRY: dict[str, BoundWidget] = {}


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


@functools.lru_cache(maxsize=64)
def _signature(func: Callable) -> inspect.Signature:
    # inspect.signature unwraps Streamlit's decorators each time: about 1 ms per widget per rerun
    return inspect.signature(func)


def _spec(widget: Callable, args: tuple, kwargs: dict) -> BoundWidget:
    """Read the widget's bounds, options and default off its own signature."""
    kind = widget.__name__
    func = widget.__func__           # a DeltaGenerator method: its signature read once per process
    call = _signature(func).bind(widget.__self__, *args, **kwargs)
    call.apply_defaults()
    a = call.arguments
    if kind in NUMERIC_KINDS:
        return _numeric_spec(kind, a)
    if kind in CHOICE_KINDS:
        return _choice_spec(kind, a)
    if kind == "toggle":
        return BoundWidget(a["key"], kind, bool(a["value"]))
    if kind == "text_input":
        return BoundWidget(a["key"], kind, a["value"], max_chars=a["max_chars"] or MAX_TEXT_CHARS)
    raise TypeError(f"bound(): no URL check written for st.{kind} (key {a['key']!r})")


def _numeric_spec(kind: str, a: dict) -> BoundWidget:
    low, high, value = a["min_value"], a["max_value"], a["value"]
    if kind == "number_input" and value == "min":
        value = low
    integer = all(isinstance(v, int) for v in (low, high, value) if v is not None)
    return BoundWidget(a["key"], kind, value, low=low, high=high, integer=integer, step=a["step"])


def _choice_spec(kind: str, a: dict) -> BoundWidget:
    options = tuple(a["options"])
    fmt = a["format_func"] or str
    labels = tuple(str(fmt(o)) for o in options)
    multi = kind == "multiselect" or (kind in ("segmented_control", "pills") and a["selection_mode"] == "multi")
    if kind == "select_slider":
        default = a["value"] if a["value"] is not None else options[0]
    elif kind in ("selectbox", "radio"):
        default = None if a["index"] is None else options[a["index"]]
    else:
        default = a["default"]
    max_sel = a["max_selections"] if kind == "multiselect" else None
    return BoundWidget(a["key"], kind, default, options, labels, multi=multi, max_selections=max_sel)


def bad_reason(spec: BoundWidget, values: list[str]) -> str | None:
    """Why the link's values for ``spec`` cannot seed it, as a code of ``url.why.*`` in
    data/i18n/core.yaml (None when they can)."""
    if not values:
        return None
    if len(values) > 1 and not spec.multi:
        return "repeated"
    if spec.kind in NUMERIC_KINDS:
        return _number_reason(spec, values[0])
    if spec.kind == "toggle":
        return None if values[0].lower() in ("true", "false") else "not_bool"
    if spec.kind == "text_input":
        return None if len(values[0]) <= spec.max_chars else "too_long"
    if spec.max_selections is not None and len(values) > spec.max_selections:
        return "too_many"
    return None if all(v in spec.labels for v in values) else "unknown_choice"


def _number_reason(spec: BoundWidget, text: str) -> str | None:
    if len(text) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text.strip()):
        return "not_number"
    value = float(text)
    if not math.isfinite(value):
        return "not_finite"
    if spec.integer and not value.is_integer():
        return "not_whole"
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        return "out_of_range"
    return None


def _check(spec: BoundWidget, container) -> None:
    """Drop a bad link value for ``spec`` before the widget reads it, with a note in ``container``.

    Only a first draw reads the link: once the key is in session state (a rerun, or a value a
    page seeded by code) Streamlit keeps that value and the link follows the widget.
    """
    REGISTRY[spec.key] = spec
    if spec.key in st.session_state or spec.key not in st.query_params:
        return
    reason = bad_reason(spec, st.query_params.get_all(spec.key))
    if reason is None:
        return
    _forget(spec.key)
    from dashboard.i18n import t

    # The value itself is not echoed: it came from a link, and the note is rendered as Markdown.
    container.warning(t("url.bad_value", param=spec.key, why=t(f"url.why.{reason}"),
                                        accepted=spec.accepted()),
                      icon=":material/link_off:")


def _forget(key: str) -> None:
    """Remove ``key`` from the link and from the copy the binding seeds widgets from.

    Streamlit 1.67 seeds a bound widget from the query string as it was when the run started
    (``QueryParams._initial_query_params``, read by ``SessionState._handle_query_param_binding``),
    not from ``st.query_params``, so deleting the public parameter alone still lets the bad value
    through. tests/app/test_url_fuzz.py fails if a later Streamlit seeds from elsewhere.
    """
    with get_session_state().query_params() as params:
        params._initial_query_params.pop(key, None)
        params.remove_param(key)


def bound(widget: Callable, *args, **kwargs):
    """Draw ``widget`` (``st.slider``, ``col.number_input``, ...) bound to the URL, after checking
    the link's value for its key; the registry records it. Arguments are the widget's own."""
    _check(_spec(widget, args, kwargs), widget.__self__)
    return widget(*args, bind=BIND, **kwargs)


def check_ids(key: str, ids: list[str], default: str | None, container=None) -> None:
    """The same check for a picker that keeps an id in the link and syncs it by hand
    (dashboard/atlas_ui.py): the link must name one of ``ids``."""
    spec = BoundWidget(key, "id", default, tuple(ids), tuple(ids))
    _check(spec, container or st)
