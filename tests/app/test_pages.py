"""Every page in the navigation runs from the entrypoint without exception, in both languages."""

from __future__ import annotations

import pytest

from dashboard.navigation import all_pages
from tests.app.conftest import assert_clean, open_page


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("spec", all_pages(), ids=lambda p: p.url_path)
def test_page_runs_clean(spec, lang):
    at = open_page(spec.path, lang=lang)
    assert_clean(at)
    assert at.title, f"{spec.path} shows no title"
