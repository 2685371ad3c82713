"""Every URL-bound widget of every page reads its value from the link, and the page's figures follow.

The widgets come from dashboard/url_registry.py's registry as each page fills it (url_pages.py),
so a new bound widget is tested here with no edit. For each page, one link sets every bound
widget to a value other than its default (url_pages.other_value: one step towards the cheaper
end); each widget must show that value and the page's figures (metric cards, tables, chart data)
must differ from the bare link's. A widget that the first link hides (a mode switch such as
``srv_src=upload`` replaces the model picker) is tried again in a second link without the
widgets already shown, and so on, so every widget is checked on a page that draws it.
"""

from __future__ import annotations

import pytest

from dashboard.url_registry import REGISTRY
from tests.app.conftest import assert_clean, open_page
from tests.app.url_pages import (
    CONDITIONAL,
    PAGES,
    SHARED_KEYS,
    default_view,
    figures,
    label_of,
    open_registered,
    other_value,
    same_value,
    texts,
    widget_value,
)

# Demo pages whose link with every knob moved trains or times models for more than ~5 s here
# (2 shared cores; measured 7-22 s each, 80 s together): they run under `make slow`. The
# knob tests (test_knobs.py) still open every demo page from two links in `make test`.
SLOW_PAGES = {"demo_training_speed", "demo_vision", "demo_nlp", "demo_medical", "demo_speech",
              "demo_overfitting", "demo_compression"}


def _name(page: str) -> str:
    return page.rsplit("/", 1)[-1][:-3]


def _round_trip(page: str, base: dict, specs: dict, view) -> tuple[dict, dict]:
    """Open ``page`` with ``base`` plus every widget in ``specs`` set off its default, and check
    them. Returns the widgets this link hid (to try alone) and those it revealed (to try with it)."""
    wanted = {k: other_value(s) for k, s in specs.items()}
    query = {**base, **{k: label for k, (_, label) in wanted.items()}}
    at = open_registered(page, query)
    assert_clean(at)
    shown = {k: widget_value(at, k) for k in specs}
    hidden = {k: specs[k] for k, v in shown.items() if v is None}
    wrong = {k: (query[k], v) for k, v in shown.items() if v is not None and not same_value(v, wanted[k][0])}
    assert not wrong, f"{page}: widgets that did not take the link's value (sent, shown): {wrong}"
    assert len(hidden) < len(specs), f"{page}: none of {sorted(specs)} drawn with {query}"
    if any(view.figures.values()):
        assert figures(at) != view.figures, f"{page}: no figure changed with {query}"
    else:  # a page of text only (methodology): the text must follow the link
        assert texts(at) != texts(open_page(page)), f"{page}: nothing changed with {query}"
    revealed = {k: v for k, v in REGISTRY.items() if k not in view.specs and k not in SHARED_KEYS}
    return hidden, revealed


@pytest.mark.parametrize("page", [
    pytest.param(p, id=_name(p), marks=[pytest.mark.slow] if _name(p) in SLOW_PAGES else [])
    for p in PAGES])
def test_every_bound_widget_takes_its_value_from_the_link(page):
    view = default_view(page)
    assert view.specs, f"{page} binds no widget to the URL"
    work, done = [({}, view.specs)], set()
    while work:
        base, specs = work.pop()
        hidden, revealed = _round_trip(page, base, specs, view)
        done |= set(specs) - set(hidden)
        revealed = {k: v for k, v in revealed.items() if k not in done}
        if hidden:
            work.append(({}, hidden))
        if revealed:  # drawn only with this link (srv_rate with srv_load=rate): keep the link
            work.append(({**base, **{k: other_value(s)[1] for k, s in specs.items()}}, revealed))


@pytest.mark.parametrize("key", sorted(CONDITIONAL))
def test_a_widget_drawn_only_with_another_setting_takes_its_value_from_the_link(key):
    page, revealer, option = CONDITIONAL[key]
    base = {revealer: label_of(default_view(page).specs[revealer], option)}
    at = open_registered(page, base)
    assert key in REGISTRY, f"{page} with {base} does not draw {key}"
    before, spec = figures(at), REGISTRY[key]
    value, label = other_value(spec)
    at = open_page(page, query={**base, key: label})
    assert_clean(at)
    assert same_value(widget_value(at, key), value), (key, label, widget_value(at, key))
    assert figures(at) != before or texts(at) != texts(open_page(page, query=base)), f"{key}={label} changed nothing"
