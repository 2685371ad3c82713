"""The font the PDF embeds is shipped in the repository, small, licensed, and covers what the
product prints: GB2312 level 1, ASCII and Latin-1, and every interface string and preset.
After adding Chinese text to data/i18n/, re-run `python tools/subset_font.py`."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from scenarios.business.pdf import FONT_DIR, FONT_FILES, STAND_INS, printable
from tools.subset_font import gb2312_characters, required_characters, text_characters

FONT_PATHS = [FONT_DIR / name for name in FONT_FILES.values()]


@pytest.fixture(scope="module")
def cmaps() -> dict[str, set[str]]:
    out = {}
    for p in FONT_PATHS:
        with TTFont(p, lazy=True) as font:
            out[p.name] = {chr(c) for c in font.getBestCmap()}
    return out


def test_the_fonts_are_small_and_carry_their_licence():
    for p in FONT_PATHS:
        assert 0 < p.stat().st_size < 2_000_000, f"{p.name}: {p.stat().st_size} bytes"
        with TTFont(p, lazy=True) as font:
            notice = font["name"].getDebugName(13)
        assert "Open Font License" in notice, f"{p.name} lost its licence notice"
    licence = (FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


def test_gb2312_level_1_ascii_and_latin1_are_covered(cmaps):
    level1 = gb2312_characters(range(16, 56))
    assert len(level1) == 3755
    basic = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA1, 0x100)}
    for name, have in cmaps.items():
        assert level1 - have == set(), name
        assert basic - have == set(), name


def test_every_interface_string_and_preset_is_covered(cmaps):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    files = sorted((root / "data" / "i18n").glob("*.yaml")) + \
        sorted((root / "scenarios" / "business" / "presets").glob("*.yaml"))
    wanted = {ch for ch in text_characters(files) if not ch.isspace()}
    for name, have in cmaps.items():
        missing = "".join(sorted(wanted - have - set(STAND_INS)))
        assert missing == "", f"{name} lacks {missing!r}: run python tools/subset_font.py"
        assert all(set(STAND_INS[ch]) <= have for ch in wanted & set(STAND_INS)), name
    assert printable("".join(sorted(wanted)))[1] == frozenset()


def test_the_subset_script_asks_for_at_least_what_is_checked():
    chars = required_characters()
    assert gb2312_characters(range(16, 56)) <= chars and "\u00e9" in chars and "\u3002" in chars
