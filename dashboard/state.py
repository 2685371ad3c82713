"""Session-state and URL conventions.

Every input that shapes a view is bound to the URL with Streamlit's native binding, through
one helper (dashboard/url_registry.py) that records the widget in the registry of URL-bound
widgets and checks the link's value before the widget reads it::

    bound(st.selectbox, t("..."), options, key="srv_model")

so a shared link reproduces the view, and a bad value in it falls back to the default with a
note. Never pass ``bind=`` in a page: tests/app/test_url_registry.py fails on it. Rules:

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

BIND = "query-params"

# Page prefix -> page. One line per page; tests/test_state.py checks they are unique.
PAGE_PREFIXES: dict[str, str] = {
    "home": "Home",
    "atlas": "Atlas: domain x challenge matrix",
    "dom": "Domain page (dom_id selects the domain)",
    "opp": "Opportunity scoring",
    "srv": "Cost explorer: serving",
    "trn": "Cost explorer: training and fine-tuning",
    "cap": "Capacity planner",
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



def seed_from_url(key: str, options: list[str], *, multi: bool = False) -> bool:
    """Put the URL's value for a bound widget into session state before the widget is drawn.

    Used where the native binding cannot read the link's value itself: a hand-typed code such
    as ``?lang=zh`` where the binding expects the label, id pickers that keep the id in the URL
    (dashboard/atlas_ui.py), and AppTest, which reaches a page by switching from the entrypoint
    and so skips the binding's seeding. Where the binding did seed the widget it changes nothing.
    Unknown values seed nothing; the link check (dashboard/url_registry.py) notes them. Returns
    True if seeded.
    """
    import streamlit as st

    if key in st.session_state:
        return False
    if multi:
        values = [v for v in st.query_params.get_all(key) if v in options]
        if values:
            st.session_state[key] = values
            return True
        return False
    value = st.query_params.get(key)
    if value in options:
        st.session_state[key] = value
        return True
    return False
