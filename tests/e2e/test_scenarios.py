"""Real browser: open a preset by URL, duplicate it (saves a file), reload the new scenario by
URL and see the same verdict, compare the two, open pitch mode, download the one-page PDF and
render it to PNG. Screenshots land in tests/e2e/screenshots/ (look at them)."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SHOTS

pytestmark = pytest.mark.e2e


def _watch_stcore_404(tab) -> list[str]:
    """Streamlit's frontend probes <page>/_stcore/health and /host-config relative to a page's
    URL path before the root ones; those 404s are the framework's, not the page's. Record them
    so that only other console errors fail the test."""
    probes: list[str] = []
    tab.page.on("response", lambda r: r.status == 404 and "/_stcore/" in r.url and probes.append(r.url))
    return probes


def _assert_clean(tab, probes: list[str]) -> None:
    budget = len(probes)
    kept = []
    for e in tab.console_errors:
        if budget and "404 (Not Found)" in e:
            budget -= 1
            continue
        kept.append(e)
    tab.console_errors[:] = kept
    tab.assert_no_errors()


def _shot(tab, name: str, height: int = 3400, plots: int = 0) -> None:
    """Whole-page screenshot: Streamlit scrolls inside its own container, so full_page alone
    captures one screen; a tall viewport for the moment of the shot shows everything. Waits for
    the run to finish and for ``plots`` charts, so no half-drawn page is kept."""
    tab.wait_idle()
    if plots:
        expect(tab.page.locator(".js-plotly-plot").nth(plots - 1)).to_be_attached(timeout=60_000)
    size = tab.page.viewport_size
    tab.page.set_viewport_size({"width": size["width"], "height": height if size["width"] > 600 else height * 2})
    tab.next_frames(3)  # let plotly resize
    tab.screenshot(name)
    tab.page.set_viewport_size(size)


def _verdict(tab) -> str:
    box = tab.page.get_by_test_id("stAlertContentInfo").first
    expect(box).to_be_visible()
    tab.wait_idle()
    return box.inner_text()


def _pdf_to_png(pdf_path, png_stem) -> bool:
    """Render page 1 with poppler's pdftoppm (Makefile `browser` target installs it), or
    pypdfium2 where that is installed; False if neither is available."""
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "90", "-singlefile", str(pdf_path), str(png_stem)],
                       check=True, timeout=60)
        return True
    try:
        import pypdfium2 as pdfium  # noqa: PLC0415
    except ImportError:
        return False
    pdfium.PdfDocument(str(pdf_path))[0].render(scale=1.25).to_pil().save(f"{png_stem}.png")
    return True


def test_save_reload_compare_pitch_export(tab):
    view = tab.viewport_name
    probes = _watch_stcore_404(tab)
    tab.goto("scenarios", scn_id="finance")
    before = _verdict(tab)
    assert "finance" in tab.query().get("scn_id", "")
    _shot(tab, f"scenarios-finance-{view}", plots=4)
    _assert_clean(tab, probes)

    # duplicate: the app saves a copy and switches to it; the URL carries the new id
    tab.widget("scn_btn_duplicate").get_by_role("button").click()
    tab.page.wait_for_function("() => location.search.includes('finance-copy')", timeout=60_000)
    tab.wait_idle()
    new_id = tab.query()["scn_id"]
    assert new_id.startswith("finance-copy")

    # reload by URL in the same tab: same figures
    tab.goto("scenarios", scn_id=new_id)
    assert _verdict(tab) == before
    expect(tab.page.get_by_text("Build vs buy").first).to_be_visible()
    _shot(tab, f"scenarios-saved-{view}", plots=4)
    _assert_clean(tab, probes)

    # compare the preset with the saved copy (selection in the URL)
    tab.page.goto(f"{tab.base_url}/compare?" + urlencode([("cmpr_ids", "finance"), ("cmpr_ids", new_id)]))
    tab.wait_rendered()
    expect(tab.page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=60_000)
    if view == "desktop":  # the grid renders only the columns in view: at 390 px the delta is off-screen
        expect(tab.page.get_by_text(f"Δ {new_id} vs finance").first).to_be_attached(timeout=60_000)
    expect(tab.page.locator(".js-plotly-plot")).to_have_count(3, timeout=60_000)
    _shot(tab, f"compare-{view}", 2000, plots=3)
    _assert_clean(tab, probes)

    # pitch mode and the one-page PDF
    tab.goto("pitch", pitch_id=new_id)
    pdf_button = tab.widget("pitch_pdf").get_by_role("button")
    expect(pdf_button).to_be_visible(timeout=60_000)
    assert tab.query().get("pitch_id") == new_id
    _shot(tab, f"pitch-{view}", 1700, plots=1)
    _assert_clean(tab, probes)
    with tab.page.expect_download(timeout=60_000) as dl:
        pdf_button.click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf_path = SHOTS / f"pitch-{view}.pdf"
    dl.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    if not _pdf_to_png(pdf_path, SHOTS / f"pitch-pdf-{view}"):
        pytest.skip("no PDF renderer (pdftoppm or pypdfium2) to screenshot the PDF")
    assert (SHOTS / f"pitch-pdf-{view}.png").stat().st_size > 10_000


def test_upload_refuses_hostile_file_then_accepts_a_good_one(tab, tmp_path):
    if tab.viewport_name != "desktop":
        pytest.skip("one width is enough for the upload path")
    probes = _watch_stcore_404(tab)
    tab.goto("scenarios", scn_id="games")
    uploader = tab.page.locator("[data-testid='stFileUploaderDropzoneInput']")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n")
    uploader.set_input_files(str(bomb))
    err = tab.page.get_by_test_id("stAlertContentError").first
    expect(err).to_contain_text("aliases", timeout=60_000)
    assert tab.query()["scn_id"] == "games"  # nothing saved, still on the same scenario

    from scenarios.business.scenario import load_preset, to_yaml
    good = tmp_path / "uploaded.yaml"
    good.write_text(to_yaml(load_preset("games").replace(id="from-upload", name="Uploaded game")))
    tab.goto("scenarios", scn_id="games")
    tab.page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(good))
    tab.page.wait_for_function("() => location.search.includes('from-upload')", timeout=60_000)
    tab.wait_idle()
    expect(tab.page.get_by_text("Uploaded game").first).to_be_visible(timeout=60_000)
    # and the file downloads back as the same scenario
    with tab.page.expect_download(timeout=60_000) as dl:
        tab.widget("scn_btn_download").get_by_role("button").click()
    path = tmp_path / "down.yaml"
    dl.value.save_as(path)
    from scenarios.business.scenario import load
    assert load(path).name == "Uploaded game"
    _assert_clean(tab, probes)
