"""AppTest helpers: every page is started from the entrypoint, as a user would reach it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.navigation import ROOT

APP_TIMEOUT_S = 60


def open_page(page_path: str, lang: str = "en", query: dict | None = None) -> AppTest:
    """Run the entrypoint, then switch to ``page_path`` (relative to the repo root)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_TIMEOUT_S)
    if query:
        at.query_params.update(query)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page_path).run()
    return at


def assert_clean(at: AppTest) -> None:
    """No exception and no error box on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture
def page():
    return open_page
