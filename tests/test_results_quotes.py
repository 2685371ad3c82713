"""Every figure README or docs/ quote from bench/RESULTS.md equals the figure there.

RESULTS.md is rewritten by the benchmarks (``make bench``); the docs quote some of its figures in
prose. Each quote is checked here against the section it comes from (and, for the calibration
headline, against data/fitted_factors.json, which both are generated from), and any new line in
README/docs that cites RESULTS.md next to a figure must be added here, or this test fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
METHODOLOGY = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
NUMBER = r"(\d+(?:\.\d+)?)"
# (file, a phrase on the quoting line): the quotes this module checks
CHECKED_QUOTES = {("docs/scenarios.md", "10,000 samples take"), ("docs/methodology.md", "s CPU, on one core of a loaded machine")}


def section(text: str, heading: str) -> str:
    """The text under ``heading`` (a markdown heading line) up to the next heading of any level."""
    start = text.index(heading) + len(heading)
    nxt = re.search(r"^#{2,4} ", text[start:], re.MULTILINE)
    return text[start:start + nxt.start()] if nxt else text[start:]


def numbers(pattern: str, text: str) -> tuple[str, ...]:
    found = re.search(pattern, text, re.DOTALL)
    assert found, f"pattern not found: {pattern}"
    return found.groups()


def test_monte_carlo_timing_quoted_in_scenarios_doc_is_the_results_range():
    mc = section(RESULTS, "## Scenarios")
    walls = [float(m) for m in re.findall(r"^\| [a-z-]+ \| \d+ \| " + NUMBER + r" ms \|", mc, re.MULTILINE)]
    assert len(walls) >= 5, "the Monte Carlo table in RESULTS.md changed shape"
    doc = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    low, high = numbers(r"10,000 samples take (\d+)-(\d+) ms here \(bench/RESULTS.md", doc)
    assert (int(low), int(high)) == (round(min(walls)), round(max(walls)))


def test_plan_timing_quoted_in_methodology_is_the_capacity_planner_row():
    row = numbers(r"\n\| ([\d,]+) \| " + NUMBER + r" \| " + NUMBER + r" \| " + NUMBER + r" \|",
                  section(RESULTS, "## Capacity planner").strip())
    configs, best_wall_s, _, best_cpu_s = row
    doc = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    quoted = numbers(r"\(([\d,]+) configurations by default in\s+" + NUMBER + r" s wall, " + NUMBER
                     + r" s CPU, on one core", doc)
    assert quoted == (configs, f"{float(best_wall_s):.2f}", f"{float(best_cpu_s):.2f}")


def test_external_validation_figures_match_between_results_and_methodology():
    results = section(RESULTS, "### External validation")
    pattern = (r"median absolute error \*\*" + NUMBER + r" %\*\* \(decode " + NUMBER + r" %,\s*prefill "
               + NUMBER + r" %\), \*\*" + NUMBER + r" %\*\* inside")
    want = numbers(pattern, results)
    got = numbers(r"Median absolute error: \*\*" + NUMBER + r" %\*\* \(decode " + NUMBER + r" %.*?prefill "
                  + NUMBER + r" %.*?inside the stated low–high band: \*\*" + NUMBER + r" %\*\*", METHODOLOGY)
    assert got == want
    assert numbers(r"\((\d+) rows, (\d+) devices, (\d+) models", results) == \
        numbers(r"(\d+) measurements on (\d+) devices and (\d+) models", METHODOLOGY)


def test_calibration_headline_matches_fitted_factors_results_and_methodology():
    s = json.loads((ROOT / "data" / "fitted_factors.json").read_text())["summary"]
    want = (f"{s['loho_median_abs_err_decode_b1_pct']:.1f}", f"{s['loho_median_abs_err_prefill_pct']:.1f}",
            f"{s['loho_band_coverage_pct']:.0f}", f"{s['median_band_high_over_low']:.2f}")
    results = section(RESULTS, "## Calibration and llm-analysis comparison")
    assert numbers(r"batch-1 decode " + NUMBER + r" %.*?prefill " + NUMBER + r" %.*?held-out rows inside "
                   r"the stated band " + NUMBER + r" %.*?median high/low " + NUMBER, results) == want
    assert numbers(r"batch-1 decode tokens/s: \*\*" + NUMBER + r" %\*\*.*?prefill tokens/s.*?\*\*" + NUMBER
                   + r" %\*\*.*?Held-out rows inside the stated low–high band: \*\*" + NUMBER
                   + r" %\*\*.*?median high/low ratio \*\*" + NUMBER, METHODOLOGY) == want
    assert f"{s['rows_used']} measurement rows fitted" in results


def test_every_quote_of_results_md_next_to_a_figure_is_checked_here():
    figure = re.compile(r"\d[\d,.]*\s*(?:-\s*\d+\s*)?(?:ms|s|%|x|µs|us)\b")
    unchecked = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        rel = path.relative_to(ROOT).as_posix()
        for line in path.read_text(encoding="utf-8").splitlines():
            if "RESULTS.md" in line and figure.search(line):
                if not any(rel == f and phrase in line for f, phrase in CHECKED_QUOTES):
                    unchecked.append(f"{rel}: {line.strip()}")
    assert unchecked == [], "add a check for these quotes of bench/RESULTS.md:\n" + "\n".join(unchecked)
