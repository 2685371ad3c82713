"""Every demo page's knob matters: two links that differ in one knob show different figures, and
reopening a link (with the result caches emptied, so the model is trained again) shows exactly
the same figures.

For each demo page one knob that the page's story is about (a seed, the privacy budget ε, the
attack strength, the pruning ratio, ...). The first link is the bare page (the knob at its
default, url_pages.default_view); the second sets the knob. The figures compared are the page's
metric cards, tables and chart data, or, where the page also shows timings measured on this
machine (which no rerun reproduces), the named metric cards that the knob drives.
Demo pages whose test takes over ~20 s here are marked slow (30-52 s each on 2 shared cores: vision,
speech, overfitting, NLP, compression); the other five take 9-20 s each in `make test`.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

import pytest
from streamlit.runtime.caching.cache_utils import CachedFunc

from dashboard.i18n import catalog, t
from dashboard.navigation import ROOT
from tests.app.conftest import assert_clean, open_page
from tests.app.url_pages import default_view, figures, same_value, widget_value


@dataclass(frozen=True)
class Knob:
    page: str                       # file name in dashboard/pages/
    key: str                        # the knob's query parameter
    value: object                   # the knob's value in the second link (an option or a number)
    metrics: tuple = ()             # the cards to compare (i18n key, or (key, its fields), or a label
                                    # the page writes as is); () = every figure
    slow: bool = False


KNOBS = [
    Knob("demo_finance", "fin_seed", 1),
    Knob("demo_games", "game_seed", 1),
    Knob("demo_recommendation", "rec_seed", 1),
    Knob("demo_medical", "med_eps", "0.3", ("med.dp_accuracy", "med.sigma", "med.eps_spent")),
    # Throughput and the bf16 speed-up are timed here; the gradient error is computed.
    Knob("demo_training_speed", "spd_seed", 1, ("spd.m.grad",)),
    # The int8 latency card and its table are timed; accuracy and size are computed.
    Knob("demo_compression", "comp_prune", 0.3,
         ("comp.metric.unstructured_acc", "comp.metric.unstructured_download", "comp.metric.structured_acc",
          "comp.metric.structured_size"), slow=True),
    # Attack strength; the robustness table also lists training times, so the attacked cards.
    Knob("demo_vision", "vis_eps", 0.05, ("FGSM", ("vis.pgd_label", {"n": 7})), slow=True),
    Knob("demo_speech", "spk_seed", 1, slow=True),
    Knob("demo_overfitting", "ovf_seed", 1, slow=True),
    Knob("demo_nlp", "nlp_seed", 1, slow=True),
]


def _link(knob: Knob) -> dict[str, str]:
    """The second link: the knob's value as the URL carries it (the widget's label for options)."""
    spec = default_view(f"dashboard/pages/{knob.page}.py").specs[knob.key]
    if spec.labels:
        return {knob.key: spec.labels[spec.options.index(knob.value)]}
    return {knob.key: str(knob.value)}


def _label(card) -> str:
    key, fields = card if isinstance(card, tuple) else (card, {})
    return t(key, lang="en", **fields) if key in catalog() else key


def _figures(at, knob: Knob) -> dict:
    if not knob.metrics:
        return figures(at)
    labels = [_label(k) for k in knob.metrics]
    cards = {m.label: m.value for m in at.metric}
    missing = [label for label in labels if label not in cards]
    assert not missing, f"{knob.page}: no card {missing} among {sorted(cards)}"
    return {label: cards[label] for label in labels}


def _forget_results(page: str) -> None:
    """Empty the result caches of the page's dashboard/cached module (only those: the other pages'
    cached results stay, so the rest of the suite does not train them again)."""
    source = (ROOT / "dashboard" / "pages" / f"{page}.py").read_text(encoding="utf-8")
    name = re.search(r"from dashboard.cached import (\w+) as cached", source)[1]
    module = importlib.import_module(f"dashboard.cached.{name}")
    cached = [f for f in vars(module).values() if isinstance(f, CachedFunc)]
    assert cached, f"{module.__name__} caches nothing"
    for func in cached:
        func.clear()


def _open(knob: Knob, query: dict):
    at = open_page(f"dashboard/pages/{knob.page}.py", query=query)
    assert_clean(at)
    return at


@pytest.mark.parametrize("knob", [pytest.param(k, id=f"{k.page}-{k.key}", marks=[pytest.mark.slow] if k.slow else [])
                                  for k in KNOBS])
def test_the_knob_moves_the_figures_and_a_link_reproduces_them(knob):
    bare = _figures(_open(knob, {}), knob) if knob.metrics else default_view(f"dashboard/pages/{knob.page}.py").figures
    at = _open(knob, _link(knob))
    assert same_value(widget_value(at, knob.key), knob.value), (knob.key, widget_value(at, knob.key))
    moved = _figures(at, knob)
    if knob.metrics:  # every named card follows the knob
        same = [label for label, value in moved.items() if bare[label] == value]
        assert not same, f"{knob.page}: {knob.key}={knob.value} left {same} unchanged"
    else:
        assert moved != bare, f"{knob.page}: {knob.key}={knob.value} changed no figure"
    _forget_results(knob.page)  # reopening must train again, not replay the cached result
    again = _figures(_open(knob, _link(knob)), knob)
    assert again == moved, f"{knob.page}: reopening {_link(knob)} gave different figures"


def test_every_demo_page_has_a_knob_test():
    from dashboard.navigation import DEMOS

    assert {p.path.rsplit("/", 1)[-1][:-3] for p in DEMOS} == {k.page for k in KNOBS}
