"""The registry of URL-bound widgets is complete: no page binds a widget outside it, and no input
that shapes a view is left out of the link.

The registry (dashboard/url_registry.py) is filled by ``bound(...)`` as pages draw; the round-trip
and fuzz tests take their widgets from it. These tests hold the other direction: a widget bound
by hand (``bind=`` in a page) or an input silently left unbound would escape them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard.navigation import ROOT
from dashboard.state import PAGE_PREFIXES
from tests.app.url_pages import CONDITIONAL, PAGES, SHARED_KEYS, default_view

PRODUCT_FILES = sorted((ROOT / "dashboard").rglob("*.py")) + [ROOT / "streamlit_app.py"]
HELPER = ROOT / "dashboard" / "url_registry.py"

# Keyed inputs that are deliberately not in the link, by key prefix, with the reason.
UNBOUND_PREFIXES = {
    "srv_dev_": "the custom-device form: its values are saved to the device store by its button, "
                "and the saved device is then picked by id in srv_targets",
    "scn_ed_": "the scenario editor's draft: saved to the scenario store, then linked by scn_id",
}
def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            yield node


def _literal_keys_of_bound_calls() -> dict[str, str]:
    found = {}
    for path in PRODUCT_FILES:
        for call in _calls(path):
            if isinstance(call.func, ast.Name) and call.func.id == "bound":
                for kw in call.keywords:
                    if kw.arg == "key" and isinstance(kw.value, ast.Constant):
                        found[kw.value.value] = f"{path.relative_to(ROOT)}:{call.lineno}"
    return found


def test_no_page_binds_a_widget_outside_the_registry():
    by_hand = [f"{p.relative_to(ROOT)}:{c.lineno}" for p in PRODUCT_FILES if p != HELPER
               for c in _calls(p) if any(kw.arg == "bind" for kw in c.keywords)]
    assert not by_hand, f"widgets bound with bind= instead of dashboard.url_registry.bound(...): {by_hand}"


@pytest.mark.parametrize("page", PAGES, ids=[p.rsplit("/", 1)[-1][:-3] for p in PAGES])
def test_every_keyed_input_of_a_page_is_in_the_link(page):
    view = default_view(page)
    unbound = sorted(k for k in view.input_keys - set(view.specs) - SHARED_KEYS
                     if not k.startswith(tuple(UNBOUND_PREFIXES)))
    assert not unbound, (f"{page}: inputs not bound to the URL through url_registry.bound(): {unbound} "
                         f"(or list them in UNBOUND_PREFIXES with the reason)")
    bad_prefix = sorted(k for k in view.specs if k not in SHARED_KEYS and k.split("_", 1)[0] not in PAGE_PREFIXES)
    assert not bad_prefix, f"{page}: bound keys without a page prefix of dashboard/state.py: {bad_prefix}"


def test_every_bound_call_in_the_source_is_drawn_by_some_page():
    drawn = set().union(*(default_view(p).specs for p in PAGES)) | SHARED_KEYS
    missing = {k: where for k, where in _literal_keys_of_bound_calls().items()
               if k not in drawn and k not in CONDITIONAL}
    assert not missing, f"bound widgets no bare page link draws (add to url_pages.CONDITIONAL with the link): {missing}"
