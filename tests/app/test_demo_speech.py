"""The speech demo page names the noise in its chart and switches the confusion matrix between
the plain and the noise-augmented model."""

from __future__ import annotations

from dashboard.navigation import page_by_url
from tests.app.conftest import assert_clean, open_page


def test_speech_page_names_the_noise_and_switches_the_confusion_matrix():
    # English: AppTest re-formats a selectbox's value with format_func on rerun, which only
    # round-trips where the label equals the option id (a test-harness limit, not the app's).
    at = open_page(page_by_url("demo-speech").path, query={"spk_epochs": "12"})
    assert_clean(at)
    assert at.select_slider(key="spk_epochs").value == 12
    charts = at.get("plotly_chart")
    assert len(charts) >= 3
    assert any("pink noise" in c.proto.spec for c in charts)  # the SNR chart names the noise
    before = [c.proto.spec for c in charts]
    at.segmented_control(key="spk_cm").set_value("plain").run()
    assert_clean(at)
    assert [c.proto.spec for c in at.get("plotly_chart")] != before
