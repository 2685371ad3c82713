"""The compression, NLP and recommendation demos in a real browser, at desktop and phone widths:
change a knob, the URL carries it, the same URL reproduces the same numbers; screenshots saved."""

from __future__ import annotations

import pytest

PAGES = [
    # (url path, query key of the seed input, a second knob set through the URL)
    ("demo-compression", "comp_seed", {"comp_prune": "0.6"}),
    ("demo-nlp", "nlp_seed", {"nlp_steps": "100", "nlp_text": "where is my parcel"}),
    ("demo-recommendation", "rec_seed", {"rec_density": "10%", "rec_user": "410"}),
]
ANCHORS = {
    "demo-compression": ("quantization", "pruning", "sparsity", "distillation", "edge-projection"),
    "demo-nlp": ("intent-classification", "sentiment", "char-transformer", "scaling"),
    "demo-recommendation": ("rating-sparsity", "cold-start", "top-k"),
}


STCORE_PROBES = ("/_stcore/health", "/_stcore/host-config")


def _ignore_stcore_probes(tab) -> None:
    """Streamlit's frontend, opened at a page's sub-path, first probes ``<page>/_stcore/health``
    and ``host-config`` (404) before falling back to the root; Chromium logs each 404 as a console
    error without the URL. Record failed responses and drop exactly those console lines, so any
    other 404 still fails the test."""
    bad: list[str] = []
    tab.page.on("response", lambda r: r.status == 404 and bad.append(r.url))

    original = tab.assert_no_errors

    def assert_no_errors():
        probes = [u for u in bad if u.endswith(STCORE_PROBES)]
        assert len(probes) == len(bad), f"unexpected 404s: {[u for u in bad if u not in probes]}"
        for _ in probes:
            msg = "Failed to load resource: the server responded with a status of 404 (Not Found)"
            if msg in tab.console_errors:
                tab.console_errors.remove(msg)
        bad.clear()
        original()

    tab.assert_no_errors = assert_no_errors


def _settle(tab) -> None:
    """Wait for the rerun a widget change starts, then for the page's figures."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:  # a rerun may be quick enough to have finished already: then this just times out
        tab.page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset?.teststate === 'running'",
            timeout=5_000,
        )
    except PlaywrightTimeout:
        pass
    tab.wait_idle(timeout_ms=120_000)
    # elements left from the previous run are marked stale until the new run replaces them
    tab.page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=120_000)
    tab.page.get_by_test_id("stMetricValue").first.wait_for(timeout=120_000)
    tab.page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
    tab.page.wait_for_timeout(500)


def _metrics(tab) -> list[str]:
    return tab.page.get_by_test_id("stMetricValue").all_inner_texts()


@pytest.mark.parametrize(("path", "seed_key", "query"), PAGES, ids=[p[0] for p in PAGES])
def test_knob_goes_to_url_and_link_reproduces_the_view(tab, path, seed_key, query):
    _ignore_stcore_probes(tab)
    tab.goto(path, **query)
    _settle(tab)
    tab.assert_no_errors()
    assert {k: tab.query().get(k) for k in query} == query

    seed = tab.page.get_by_label("Random seed")
    seed.fill("2")
    seed.press("Enter")
    _settle(tab)
    assert tab.query().get(seed_key) == "2"
    before = _metrics(tab)
    assert before, "no metrics rendered"
    tab.screenshot(f"{path}-{tab.viewport_name}")

    tab.goto(path, **{**query, seed_key: "2"})
    _settle(tab)
    tab.assert_no_errors()
    assert _metrics(tab)[:4] == before[:4]
    assert tab.page.locator(".js-plotly-plot").count() >= 2
    # Streamlit scrolls inside its own container, so a full-page shot holds only the first
    # screen: take one per section as well (these are the shots to look at).
    for anchor in ANCHORS[path]:
        section = tab.page.locator(f"[id='{anchor}']")
        assert section.count() == 1, f"section #{anchor} missing"
        section.scroll_into_view_if_needed()
        tab.page.wait_for_timeout(300)
        tab.screenshot(f"{path}-{tab.viewport_name}-{anchor}")
