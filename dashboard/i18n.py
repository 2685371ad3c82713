"""All of the product's user-facing text, in English and Chinese, kept in one place.

Strings live in data/i18n/*.yaml (one file per area of the app, so pages can be added
without touching a shared file). Each file maps a dotted key to ``{en: ..., zh: ...}``.
tests/test_i18n.py checks that every key has both languages and that every key used in
the code exists.

Usage in a page::

    from dashboard.i18n import t
    st.title(t("home.title"))
    st.caption(t("common.band", low=1, high=2))   # str.format placeholders
"""

from __future__ import annotations

from scenarios.business.labels import I18N_DIR, catalog  # noqa: F401 - one catalog for the app and the PDF, read through the guarded loader

LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"
# Session-state / URL key of the language switch (see dashboard/state.py).
LANG_KEY = "lang"



def current_language() -> str:
    """The language chosen in the sidebar switch, or English outside a Streamlit run."""
    try:
        import streamlit as st

        lang = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    except Exception:  # noqa: BLE001 - no Streamlit session (CLI, plain tests)
        lang = DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, **fmt: object) -> str:
    """The text for ``key`` in the current (or given) language, formatted with ``fmt``.

    A missing translation falls back to English, then to the key itself, so a gap shows
    up as a visible key rather than a crash; the i18n test makes such gaps fail CI.
    """
    lang = lang or current_language()
    texts = catalog().get(key)
    if texts is None:
        text = key
    else:
        text = texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or key
    return text.format(**fmt) if fmt else text


def pick(texts: dict[str, str] | str, lang: str | None = None) -> str:
    """Choose one language from a ``{en:, zh:}`` mapping stored in a data file."""
    if isinstance(texts, str):
        return texts
    lang = lang or current_language()
    return texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()), "")
