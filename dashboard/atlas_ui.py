"""Small UI helpers of the atlas pages (atlas, domain, opportunity).

Why not ``bind="query-params"`` for the id pickers: Streamlit 1.67 stores a bound selectbox's
*formatted label* in the URL (``?dom_id=医疗`` in Chinese, ``?dom_id=Medical`` in English), so a
link written with an id (``/domain?dom_id=medical``, the shared contract) is rejected as an
invalid option, and a link changes meaning with the language. These pickers keep the id in the
URL and show the translated label, by syncing ``st.query_params`` by hand. Numeric inputs
(sliders, seeds) use the native binding, which stores their plain value.
"""

from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from dashboard.i18n import LANG_KEY, LANGUAGE_NAMES, current_language
from dashboard.state import seed_from_url
from dashboard.url_registry import check_ids


def id_selectbox(label: str, options: Sequence[str], key: str, format_func: Callable[[str], str],
                 container=None, help: str | None = None) -> str:
    """A selectbox whose URL query parameter ``key`` carries the option id, not its label."""
    check_ids(key, list(options), options[0], container)
    seed_from_url(key, list(options))
    value = (container or st).selectbox(label, list(options), format_func=format_func, key=key, help=help)
    if st.query_params.get(key) != value:
        st.query_params[key] = value
    return value


def lang_query() -> dict[str, str]:
    """The query parameter that opens a link in the current language (nothing for English).

    The sidebar switch (dashboard/ui.py) binds ``lang`` with a format_func, so its URL value is
    the language's display name; a full-page link must carry that same value.
    """
    lang = current_language()
    return {} if lang == "en" else {LANG_KEY: LANGUAGE_NAMES[lang]}


def with_lang(url: str) -> str:
    """``url`` with the current language added to its query (before any #anchor)."""
    extra = lang_query()
    if not extra:
        return url
    base, _, anchor = url.partition("#")
    sep = "&" if "?" in base else "?"
    from urllib.parse import urlencode

    return f"{base}{sep}{urlencode(extra)}" + (f"#{anchor}" if anchor else "")


def demo_label(page: str, anchor: str) -> str:
    """A readable name for a demo link: the page's translated title (once the page is in the
    navigation) and the section anchor in words."""
    from dashboard.i18n import catalog, t
    from dashboard.navigation import page_by_url

    try:
        title = t(page_by_url(page).title_key)
    except KeyError:  # a link to a page the navigation does not list: its id still says where it goes
        title = page
    if not anchor:
        return title
    key = f"atlas.section.{anchor}"
    section = t(key) if key in catalog() else anchor.replace("-", " ")
    return t("dom.demo_label", page=title, section=section)
