"""Provenance stays documented: every engine data file is in data/README.md with source and verified
columns, and docs/methodology.md keeps the calibration markers and a section per formula family."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = ("hardware.csv", "models.csv", "formats.csv", "operating.csv", "api_prices.csv", "rental_prices.csv",
         "compute_paths.csv")


@pytest.mark.parametrize("name", FILES)
def test_data_file_documented_with_source_and_verified(name):
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert f"| {name} |" in readme
    with open(ROOT / "data" / name, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert "source" in header and "verified" in header


def test_methodology_sections_and_markers():
    text = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    assert text.count("<!-- calibration:begin -->") == 1 and text.count("<!-- calibration:end -->") == 1
    assert text.index("<!-- calibration:begin -->") < text.index("<!-- calibration:end -->")
    for heading in ("## 1. Memory", "## 2. FLOPs", "## 3. Serving", "## 4. Training", "## 5. Known limits"):
        assert heading in text
    for source in ("arXiv:1910.02054", "arXiv:2203.15556", "arXiv:2205.05198", "arXiv:2305.14314",
                   "arXiv:2412.19437", "arXiv:2204.02311"):
        assert source in text
