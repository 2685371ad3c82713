"""Hostile link values: every URL-bound widget of every page falls back to its default with a note.

A link is text anyone can write. For each page, the widgets come from the registry
(url_pages.default_view) and each gets a hostile value for its kind (out of range, an unknown
option, not a number, 5,000 characters, markup, a 400-digit or overflowing number). The page must
run with no exception and no error box, show the same figures as its bare link (every widget
fell back to its default), name each refused parameter in a note, and never render the markup.
`make test` sends one hostile value per widget (cycling through the list); `make slow` sends
every hostile value to every widget.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.navigation import ROOT
from dashboard.url_registry import NUMERIC_KINDS, BoundWidget
from tests.app.conftest import APP_TIMEOUT_S, assert_clean, open_page
from tests.app.url_pages import HOME, PAGES, SHARED_KEYS, default_view, figures, same_value, widget_value

MARKUP = '<img src=x onerror="alert(1)">[pwn](javascript:alert(1))'
LONG = "7" * 5000


def hostile_values(spec: BoundWidget) -> list[str]:
    """Values a link may carry that ``spec`` cannot take (each one alone)."""
    if spec.kind in NUMERIC_KINDS:
        step = 1 if spec.integer else abs(spec.high or 1)
        beyond = repr(spec.high + step) if spec.high is not None else "1e308"
        below = repr(spec.low - 1) if spec.low is not None else "-1e308"
        return ["1e400", LONG, beyond, below, "abc", MARKUP, "nan", "-inf", "1" + " " * 1000 + "x", "4" * 400]
    if spec.kind == "toggle":
        return ["maybe", MARKUP, LONG]
    if spec.kind == "text_input":  # any text up to its limit is a value (shown as text), longer is not
        return ["x" * (spec.max_chars + 1), LONG]
    return ["no-such-option", MARKUP, LONG, "../../etc/passwd"]


def _check(page: str, hostile: dict[str, str]) -> None:
    view = default_view(page)
    at = open_page(page, query=hostile)
    assert_clean(at)
    notes = " ".join(w.value for w in at.warning)
    unnamed = [k for k in hostile if f"`{k}`" not in notes]
    assert not unnamed, f"{page}: no note names {unnamed} (notes: {notes[:500]})"
    kept = {k: widget_value(at, k) for k in hostile
            if not same_value(widget_value(at, k), view.specs[k].default)}
    assert not kept, f"{page}: widgets that took a hostile value instead of their default: {kept}"
    assert figures(at) == view.figures, f"{page}: figures differ from the bare link's after refusing {sorted(hostile)}"
    shown = " ".join(e.value for e in [*at.markdown, *at.warning, *at.caption] if isinstance(e.value, str))
    assert "onerror" not in shown and "javascript:" not in shown, f"{page}: the link's markup reached the page"


# The language switch is shared by every page and open_page sets it in session state (which
# skips the link check), so it is fuzzed on its own below.
PAGES_WITH_OWN_WIDGETS = [p for p in PAGES if p != HOME]
OWN_IDS = [p.rsplit("/", 1)[-1][:-3] for p in PAGES_WITH_OWN_WIDGETS]


@pytest.mark.parametrize("page", PAGES_WITH_OWN_WIDGETS, ids=OWN_IDS)
def test_a_hostile_value_in_every_bound_widget_falls_back_with_a_note(page):
    specs = {k: s for k, s in default_view(page).specs.items() if k not in SHARED_KEYS}
    hostile = {}
    for i, (key, spec) in enumerate(sorted(specs.items())):
        values = hostile_values(spec)
        hostile[key] = values[i % len(values)]
    _check(page, hostile)


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES_WITH_OWN_WIDGETS, ids=OWN_IDS)
def test_every_hostile_value_in_every_bound_widget_falls_back_with_a_note(page):
    specs = {k: s for k, s in default_view(page).specs.items() if k not in SHARED_KEYS}
    rounds = max(len(hostile_values(s)) for s in specs.values())
    for r in range(rounds):
        _check(page, {k: hostile_values(s)[r % len(hostile_values(s))] for k, s in specs.items()})


@pytest.mark.parametrize("query", [
    {"srv_batch": "1e400"},             # int(float("inf")) in Streamlit's number input: OverflowError
    {"srv_prompt": "9" * 10_000},       # a 10,000-digit integer
    {"srv_util": "7", "srv_chart": MARKUP},
])
def test_serving_link_with_a_bad_number_keeps_the_page_and_says_so(query):
    at = open_page("dashboard/pages/cost_serving.py", query=query)
    assert_clean(at)
    notes = " ".join(w.value for w in at.warning)
    assert all(f"`{k}`" in notes for k in query), notes


@pytest.mark.parametrize("page, key", [("dashboard/pages/demo_games.py", "game_seed"),
                                       ("dashboard/pages/demo_finance.py", "fin_seed")])
def test_demo_seed_link_with_an_overflowing_number_falls_back_with_a_note(page, key):
    at = open_page(page, query={key: "1e400"})
    assert_clean(at)
    assert any(f"`{key}`" in w.value for w in at.warning), [w.value for w in at.warning]
    assert [w.value for w in at.number_input if w.key == key] == [0]


@pytest.mark.parametrize("value", ["klingon", MARKUP, LONG])
def test_a_hostile_language_in_the_link_falls_back_to_english_with_a_note(value):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_TIMEOUT_S)
    at.query_params["lang"] = value
    at.run()
    assert_clean(at)
    assert at.session_state["lang"] == "en"
    assert any("`lang`" in w.value for w in at.sidebar.warning), [w.value for w in at.warning]
