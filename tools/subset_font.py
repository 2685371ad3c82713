"""Rebuild the PDF's CJK font subset in data/fonts/ from Debian's Noto Sans CJK SC.

    apt-get install -y fonts-noto-cjk            # the source fonts (OFL 1.1), root only
    python tools/subset_font.py                  # writes data/fonts/*.otf and data/fonts/OFL.txt
    python tools/subset_font.py --check          # exit 1 if the subset lacks a wanted character the source has

The one-page PDF (scenarios/business/pdf.py) embeds only these files; the runtime never reads a
system font. The subset keeps (see `required_characters`):
- GB2312 level 1: the 3,755 most common hanzi (GB 2312-1980 rows 16-55);
- GB2312's non-hanzi rows 1-9 (full-width punctuation, Greek, Cyrillic, kana, box drawing);
- ASCII and Latin-1, the General Punctuation block, CJK symbols and punctuation, full-width forms,
  and the few arrows and maths signs the product's strings use;
- every character of the interface strings (data/i18n/*.yaml) and of the presets
  (scenarios/business/presets/*.yaml), so a new string only needs this script re-run.
A character outside the subset prints as the placeholder that pdf.py names (its footnote lists it);
an interface sign the source font itself lacks needs a stand-in in pdf.STAND_INS.
Run it again after adding Chinese text to data/i18n/: tests/scenarios/test_pdf_font.py fails
until the subset covers every interface string.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "data" / "fonts"
SYSTEM_DIR = Path("/usr/share/fonts/opentype/noto")
SOURCES = {"Regular": "NotoSansCJK-Regular.ttc", "Bold": "NotoSansCJK-Bold.ttc"}
FAMILY = "Noto Sans CJK SC"
# The OFL text as Debian ships it with the package (debian/copyright, "License: SIL-1.1").
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")

# Ranges by Unicode block (inclusive): ASCII, Latin-1, General Punctuation, arrows, maths
# operators the strings use (−, ≈, ≤, ≥, ×), CJK symbols and punctuation, full-width forms.
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2190, 0x2199), (0x2212, 0x2212),
          (0x2248, 0x2248), (0x2260, 0x2265), (0x25A0, 0x25CF), (0x3000, 0x303F), (0xFF01, 0xFF5E)]


def output_path(style: str) -> Path:
    return OUT_DIR / f"NotoSansCJKsc-{style}-subset.otf"


def gb2312_characters(rows: range) -> set[str]:
    """Every character of the given GB 2312 rows (94 cells each, EUC-CN bytes 0xA0 + row/cell)."""
    chars = set()
    for row in rows:
        for cell in range(1, 95):
            try:
                chars.add(bytes([0xA0 + row, 0xA0 + cell]).decode("gb2312"))
            except UnicodeDecodeError:      # unassigned cells (the ends of rows 55 and 1-9)
                continue
    return chars


def text_characters(paths: list[Path]) -> set[str]:
    """Every printable character of these UTF-8 files (YAML keys and ids included: cheap)."""
    chars = set()
    for p in paths:
        chars |= {ch for ch in p.read_text(encoding="utf-8") if ch.isprintable()}
    return chars


def required_characters() -> set[str]:
    level1 = gb2312_characters(range(16, 56))
    assert len(level1) == 3755, f"GB2312 level 1 has 3,755 hanzi, the codec gave {len(level1)}"
    chars = level1 | gb2312_characters(range(1, 10))
    chars |= {chr(c) for lo, hi in RANGES for c in range(lo, hi + 1)}
    chars |= text_characters(sorted((ROOT / "data" / "i18n").glob("*.yaml")))
    chars |= text_characters(sorted((ROOT / "scenarios" / "business" / "presets").glob("*.yaml")))
    return chars


def source_font(style: str) -> TTFont:
    """Noto Sans CJK SC out of Debian's collection (found by its family name, not its index)."""
    path = SYSTEM_DIR / SOURCES[style]
    if not path.exists():
        sys.exit(f"{path} is missing: apt-get install -y fonts-noto-cjk (as root)")
    for font in TTCollection(path).fonts:
        if font["name"].getDebugName(1) == FAMILY:
            return font
    sys.exit(f"{path} holds no {FAMILY!r}")


def write_subset(style: str, chars: set[str]) -> tuple[Path, set[str]]:
    """Subset one weight to ``chars``; return its path and the characters the source lacks."""
    font = source_font(style)
    have = {chr(c) for c in font.getBestCmap()}
    options = subset.Options()
    options.layout_features = ["kern", "palt", "vert", "liga"]   # no CJK variant forms (locl, jp78...)
    options.name_IDs = ["*"]            # keep the copyright and OFL notice (name IDs 0, 13, 14)
    options.name_languages = ["*"]
    options.notdef_outline = True       # a visible box where a viewer ever needs .notdef
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(ord(c) for c in chars & have))
    sub.subset(font)
    path = output_path(style)
    font.recalcTimestamp = False        # keep the source's date: the same input gives the same bytes
    font.save(path)
    return path, chars - have


def licence_text() -> str:
    """The copyright line from the font's own name table, then the OFL 1.1 text from Debian."""
    notice = source_font("Regular")["name"].getDebugName(0)
    lines = DEBIAN_COPYRIGHT.read_text(encoding="utf-8").splitlines()
    start = lines.index("License: SIL-1.1", lines.index("License: SIL-1.1") + 1)
    body = []
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    return (f"{FAMILY} (subset in this folder, made by tools/subset_font.py)\n"
            f"Copyright {notice.removeprefix('© ')} Noto is a trademark of Google Inc.\n"
            f"Source: Debian package fonts-noto-cjk, upstream https://github.com/notofonts/noto-cjk\n\n"
            + "\n".join(body).strip() + "\n")


def missing_from_subsets(chars: set[str]) -> dict[str, list[str]]:
    """Per weight: the wanted characters the source font draws but the shipped subset does not."""
    out = {}
    for style in SOURCES:
        source = {chr(c) for c in source_font(style).getBestCmap()}
        with TTFont(output_path(style), lazy=True) as font:
            shipped = {chr(c) for c in font.getBestCmap()}
        out[style] = sorted((chars & source) - shipped)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check the shipped subsets")
    args = ap.parse_args(argv)
    chars = required_characters()
    if args.check:
        missing = {s: m for s, m in missing_from_subsets(chars).items() if m}
        for style, m in missing.items():
            print(f"{output_path(style).name}: {len(m)} missing: {''.join(m[:40])}")
        return 1 if missing else 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for style in SOURCES:
        path, lacking = write_subset(style, chars)
        printable = [c for c in sorted(lacking) if not re.match(r"\s", c)]
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1e6:.2f} MB, {len(chars) - len(lacking)} "
              f"characters; not in the source font: {len(printable)} {''.join(printable[:20])!r}")
    (OUT_DIR / "OFL.txt").write_text(licence_text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
