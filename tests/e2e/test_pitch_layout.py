"""The pitch page in a real browser at 1280x800 and 390x844, in English and Chinese: no two metric
boxes overlap, and every metric's label, value and note stay inside their own box (a long value
such as "Default alive" wraps or shrinks instead of running into the next card). Screenshots land
in tests/e2e/screenshots/pitch-layout-*.png (look at them)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

# Presets whose pitch shows five cards (serving, margin, per user, runway, devices at peak): the
# narrowest columns. Ids, so the check holds whatever the presets' figures become.
FIVE_CARD_PRESETS = ("autonomous-driving", "vision")
LANGS = {"en": "English", "zh": "中文"}
TOLERANCE_PX = 1.0  # sub-pixel rounding of layout boxes

# Every metric box and the text boxes inside it. A text box is measured with a DOM Range over the
# element's contents: it is where the glyphs are drawn, even where they overflow their element.
_MEASURE = """() => [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => {
    const rect = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
    const text = sel => [...m.querySelectorAll(sel)].map(el => {
        const range = document.createRange(); range.selectNodeContents(el);
        return {text: el.innerText, box: rect(range.getBoundingClientRect()),
                scroll: el.scrollWidth, client: el.clientWidth};
    });
    return {box: rect(m.getBoundingClientRect()),
            parts: [...text('[data-testid="stMetricLabel"]'), ...text('[data-testid="stMetricValue"]'),
                    ...text('[data-testid="stMetricDelta"]')]};
})"""


def _overlap(a: dict, b: dict) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > TOLERANCE_PX
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > TOLERANCE_PX)


def _inside(inner: dict, outer: dict) -> bool:
    return (inner["left"] >= outer["left"] - TOLERANCE_PX and inner["right"] <= outer["right"] + TOLERANCE_PX
            and inner["top"] >= outer["top"] - TOLERANCE_PX and inner["bottom"] <= outer["bottom"] + TOLERANCE_PX)


def layout_problems(metrics: list[dict]) -> list[str]:
    """Every pair of overlapping metric boxes and every text that leaves its box or its element."""
    problems = []
    for i, a in enumerate(metrics):
        for b in metrics[i + 1:]:
            if _overlap(a["box"], b["box"]):
                problems.append(f"boxes overlap: {a['parts'][1]['text']!r} and {b['parts'][1]['text']!r}")
        for part in a["parts"]:
            if not _inside(part["box"], a["box"]):
                problems.append(f"{part['text']!r} leaves its box: {part['box']} outside {a['box']}")
            if part["scroll"] > part["client"] + TOLERANCE_PX:
                problems.append(f"{part['text']!r} overflows: {part['scroll']} px in {part['client']} px")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_pitch_metrics_never_overlap_or_overflow(tab, lang):
    for preset in FIVE_CARD_PRESETS:
        tab.goto("pitch", pitch_id=preset, lang=LANGS[lang])
        tab.wait_idle()
        metrics = tab.page.evaluate(_MEASURE)
        tab.screenshot(f"pitch-layout-{preset}-{lang}-{tab.viewport_name}")
        assert len(metrics) == 5, f"{preset}: expected five metric cards, got {len(metrics)}"
        assert all(len(m["parts"]) >= 2 for m in metrics), "a metric without its label or value"
        problems = layout_problems(metrics)
        assert not problems, f"{preset} ({lang}, {tab.viewport_name}):\n" + "\n".join(problems)
        tab.assert_no_errors()


@pytest.mark.parametrize("preset", ["finance", "autonomous-driving"])
def test_scenario_page_metrics_wrap_instead_of_clipping(tab, preset):
    """The Scenarios page's cards carry the same P50 and P10-P90 notes: at 1280 px the finance
    note ('P50 $1.38k · P10–P90 $1.11k – $1.6k') was cut off at its card's edge."""
    tab.goto("scenarios", scn_id=preset)
    tab.wait_idle()
    metrics = tab.page.evaluate(_MEASURE)
    tab.screenshot(f"scenarios-layout-{preset}-{tab.viewport_name}")
    assert len(metrics) >= 8, f"{preset}: expected the eight unit-economics cards, got {len(metrics)}"
    problems = layout_problems(metrics)
    assert not problems, f"{preset} ({tab.viewport_name}):\n" + "\n".join(problems)
    tab.assert_no_errors()
