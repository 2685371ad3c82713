"""A hand-typed link with a language code (?lang=zh) opens the app in that language."""

from streamlit.testing.v1 import AppTest

from dashboard.navigation import ROOT


def _home_title(query: dict) -> str:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception
    return at.title[0].value


def test_lang_code_in_link_selects_chinese():
    assert _home_title({"lang": "zh"}) == "AI 创业实验室"


def test_no_or_unknown_lang_stays_english():
    assert _home_title({}) == "AI Venture Lab"
    assert _home_title({"lang": "fr"}) == "AI Venture Lab"
