"""The medical demo's own-data block in a real browser: the breast-cancer fixture goes through
the uploader (set_input_files, as a visitor's file picker) and trains the model; a hostile file
(one label class) gets its one-line message; the built-in demo above keeps its figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import DESKTOP, PageSession

pytestmark = [pytest.mark.e2e, pytest.mark.slow]   # one page, two uploads, a model fit each: ~40 s here
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def desk(browser, app_url):
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    yield PageSession(context.new_page(), app_url)
    context.close()


def _upload(tab: PageSession, name: str, content: bytes) -> None:
    # the block is last on the page: under load its first run can take a minute to reach it
    field = tab.page.get_by_test_id("stFileUploaderDropzoneInput")
    field.wait_for(state="attached", timeout=180_000)
    with tab.rerun():
        field.set_input_files({"name": name, "mimeType": "text/csv", "buffer": content})
    tab.wait_stable()


def test_medical_upload_trains_on_breast_cancer_and_a_one_class_file_gets_its_message(desk):
    desk.goto("demo-medical")
    desk.page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached", timeout=180_000)
    desk.wait_idle(180_000)
    builtin = desk.metric_values()
    _upload(desk, "breast_cancer.csv", (FIXTURES / "breast_cancer.csv").read_bytes())
    desk.page.get_by_text("File accepted: 569 rows, 30 columns.").wait_for(timeout=60_000)
    desk.page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= n",
        arg=len(builtin) + 3, timeout=60_000)
    values = desk.metric_values()
    assert float(values[len(builtin)].rstrip("%")) >= 95.0
    desk.assert_no_errors()

    one_class = ("a,b,label\n" + "\n".join(f"{i},{i % 3},no" for i in range(40))).encode()
    _upload(desk, "one_class.csv", one_class)
    error = desk.page.get_by_test_id("stAlertContentError")
    error.first.wait_for(timeout=60_000)
    # inner_text starts with the icon's ligature name ("error") on its own line; the message is one line
    lines = [ln for ln in error.first.inner_text().splitlines() if ln.strip() and ln.strip() != "error"]
    assert len(lines) == 1, lines
    assert "label: has 1 class" in lines[0] and "accepted: exactly 2 classes" in lines[0]
    assert desk.metric_values()[: len(builtin)] == builtin   # the page above still works
