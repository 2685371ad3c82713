"""The one-page PDF prints Chinese: a scenario with a Chinese name shows that name in the PDF's
text, every character the page prints is in the embedded font's character map, and a character
beyond the shipped subset prints as a visible placeholder named in the footnote."""

from __future__ import annotations

import io
import re
import warnings

import pytest
import yaml
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from scenarios.business.pdf import FONT_DIR, FONT_FILES, PLACEHOLDER, build_pdf
from scenarios.business.runner import run
from scenarios.business.scenario import parse_text, preset_ids
from tests.scenarios.conftest import golden_dict

CHINESE_NAME = "面向小型律所的合同审查助手（路演版）"


def _pdf_for(name: str, samples: int = 500) -> bytes:
    d = golden_dict()
    d["name"] = name
    scenario = parse_text(yaml.safe_dump(d, allow_unicode=True))
    full = run(scenario, samples=samples)
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # fpdf2 warns when a glyph is missing: never
        return build_pdf(scenario, full.result, full.monte_carlo)


def _text(pdf: bytes) -> str:
    """The page's text without white space and NULs: pypdf (7.x) returns a U+0000 before each
    glyph of fpdf2's two-byte strings. The page never prints a NUL (pdf.printable turns one into
    the placeholder), so dropping them hides nothing."""
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return re.sub(r"[\s\x00]+", "", reader.pages[0].extract_text())


def _shipped_cmap() -> set[str]:
    maps = []
    for name in FONT_FILES.values():
        with TTFont(FONT_DIR / name, lazy=True) as font:
            maps.append(set(font.getBestCmap()))
    return {chr(c) for c in set.intersection(*maps)}


def _printed_by_font(pdf: bytes) -> dict[str, set[str]]:
    """Per font on the page: the characters its ToUnicode map says were drawn (CID 0, .notdef,
    excluded); fails on a font that is not embedded."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    out = {}
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        name = str(font["/BaseFont"])
        assert "/DescendantFonts" in font, f"{name} is not an embedded Unicode font"
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile3" in descriptor or "/FontFile2" in descriptor, f"{name} is not embedded"
        cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
        pairs = re.findall(r"<([0-9A-F]{4})>\s*<([0-9A-F]{4,8})>", cmap)
        out[name] = {bytes.fromhex(u).decode("utf-16-be") for cid, u in pairs if int(cid, 16)}
    return out


def test_a_chinese_name_prints_as_itself():
    pdf = _pdf_for(CHINESE_NAME)
    assert CHINESE_NAME in _text(pdf)
    assert PdfReader(io.BytesIO(pdf)).metadata.title == CHINESE_NAME


def test_every_printed_character_is_in_the_embedded_font():
    pdf = _pdf_for(CHINESE_NAME)
    printed = _printed_by_font(pdf)
    assert printed and all("NotoSansCJKSC" in name for name in printed), sorted(printed)
    have = _shipped_cmap()
    for name, chars in printed.items():
        assert chars - have == set(), f"{name} prints characters outside the shipped font"
    drawn = set(_text(pdf))
    assert set(CHINESE_NAME) <= drawn
    assert drawn - have == set()


def test_a_character_beyond_the_subset_is_a_placeholder_named_in_the_footnote():
    rare = "\U00020bb7"                 # a CJK Extension B ideograph, outside GB2312 and the subset
    pdf = _pdf_for(f"吉{rare}野家 \U0001f680")
    text = _text(pdf)
    assert f"吉{PLACEHOLDER}野家{PLACEHOLDER}" in text
    assert "U+1F680" in text and "U+20BB7" in text and "lacks" in text
    for chars in _printed_by_font(pdf).values():
        assert chars <= _shipped_cmap()


@pytest.mark.parametrize("pid", preset_ids())
def test_every_preset_fits_one_page_with_nothing_replaced(pid):
    from scenarios.business.scenario import load_preset

    scenario = load_preset(pid)
    full = run(scenario, samples=200)
    pdf = build_pdf(scenario, full.result, full.monte_carlo)
    assert PLACEHOLDER not in _text(pdf) and "lacks" not in _text(pdf)
