"""Session-state and URL conventions.

Every input that shapes a view is bound to the URL with Streamlit's native binding::

    st.selectbox(t("..."), options, key="srv_model", bind="query-params")

so a shared link reproduces the view. Rules:

* The widget ``key`` is the query-parameter name. Prefix it with the page's short
  prefix (``srv_`` serving, ``trn_`` training, ``fraud_`` demo, ...) so that names never
  collide across pages; :data:`PAGE_PREFIXES` lists them and a test checks uniqueness.
* Keep values URL-friendly: ids rather than display names (use ``format_func`` to show
  a translated label).
* Note (seen in Streamlit 1.67): for a bound selectbox / multiselect / segmented control
  the URL carries the *formatted* label, not the option value (``?meth_part=Data+sources``),
  and the widget is seeded back from it by matching labels. So ``format_func`` labels must
  be unique, and a translated label makes the link language-specific: it still reproduces
  the view because ``lang`` travels in the same URL, but keep labels language-independent
  (names, ids) where you can.
* Buttons that trigger work (``Run sweep``) are not bound; their result is cached, so a
  reloaded URL that already ran shows it again.
"""

from __future__ import annotations

from typing import Any

BIND = "query-params"

# Page prefix -> page. One line per page; tests/test_state.py checks they are unique.
PAGE_PREFIXES: dict[str, str] = {
    "home": "Home",
    "atlas": "Atlas: domain x challenge matrix",
    "dom": "Domain page (dom_id selects the domain)",
    "opp": "Opportunity scoring",
    "srv": "Cost explorer: serving",
    "trn": "Cost explorer: training and fine-tuning",
    "fin": "Demo lab: finance, fraud and credit",
    "med": "Demo lab: medical, explainability and privacy",
    "vis": "Demo lab: vision robustness",
    "game": "Demo lab: games, cheat detection and Q-learning",
    "spk": "Demo lab: speech, keyword spotting in noise",
    "ovf": "Demo lab: overfitting and generalisation",
    "spd": "Demo lab: training speed",
    "comp": "Demo lab: compression and sparsity",
    "nlp": "Demo lab: NLP and customer service",
    "rec": "Demo lab: recommendation and sparsity",
    "meth": "Methodology",
    "scn": "Scenarios",
    "cmpr": "Compare scenarios",
    "pitch": "Pitch mode",
}


def get_query_value(name: str, default: Any = None) -> Any:
    """Read a raw query parameter (for values that are not widgets)."""
    import streamlit as st

    return st.query_params.get(name, default)
