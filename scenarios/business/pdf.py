"""One-page PDF of a scenario, built on the server with fpdf2 (no browser, no network).

The page carries what the pitch page shows: three to five large figures, the one-line
verdict, the build-vs-buy chart (drawn with fpdf2's own lines, so no plotting library or
image export is needed), and the assumptions table with sources and dates. It is stamped
with the product version, the data version and the price dates.

Text is set in Noto Sans CJK SC, embedded from the subset shipped in data/fonts/ (OFL 1.1,
made by tools/subset_font.py: GB2312 level 1, ASCII and Latin-1, common punctuation and every
interface string), so Chinese names print as themselves; no system font is ever read. A
character outside the subset is printed as PLACEHOLDER and listed by code point in the
footnote (docs/scenarios.md, "One-page export").
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import unicodedata
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

# assumption_rows is the pitch page's table too; importers of this module find it here
from scenarios.business.assumptions import assumption_rows, usd_short
from scenarios.business.economics import VOLUME_DIGITS, ScenarioResult, tokens_per_request
from scenarios.business.labels import LANGUAGES, label
from scenarios.business.scenario import Scenario
from scenarios.business.uncertainty import MonteCarloResult
from scenarios.errors import VentureLabError
from scenarios.units import fmt_number, fmt_pct

ROOT = Path(__file__).resolve().parents[2]
MARGIN_MM = 12          # left and right page margin; the A4 body is 186 mm wide
PALETTE = [(37, 99, 235), (220, 38, 38), (22, 163, 74), (217, 119, 6), (124, 58, 237),
           (8, 145, 178), (190, 24, 93), (75, 85, 99)]
FONT_DIR = ROOT / "data" / "fonts"
FONT = "notosanscjksc"
FONT_FILES = {"": "NotoSansCJKsc-Regular-subset.otf", "B": "NotoSansCJKsc-Bold-subset.otf"}
PLACEHOLDER = "\u25a1"      # WHITE SQUARE: visibly not a letter, and in GB2312 (so in the subset)
MISSING_LISTED = 12         # code points the footnote names before "and N more"
# Interface characters that Noto Sans CJK SC itself lacks, printed as the nearest sign it has
# (tools/subset_font.py reports what the source font lacks; tests/scenarios/test_pdf_font.py
# requires every character of data/i18n/ either in the font or here).
STAND_INS = {"\u2716": "\u00d7"}     # heavy multiplication x (the cliff on the games page) -> x sign


@lru_cache(maxsize=1)
def font_characters() -> frozenset[str]:
    """The characters both embedded weights can draw (their cmaps, read from data/fonts/)."""
    from fontTools.ttLib import TTFont  # fpdf2's own font reader: import only when a PDF is made

    cmaps = []
    for name in FONT_FILES.values():
        with TTFont(FONT_DIR / name, lazy=True) as font:
            cmaps.append(set(font.getBestCmap()))
    return frozenset(chr(code) for code in set.intersection(*cmaps))


def printable(text: object) -> tuple[str, frozenset[str]]:
    """``text`` as the embedded font can draw it, and the characters it could not.

    NFC first (a decomposed e + accent becomes the one glyph the font has); a character outside
    the font is tried in its stand-in (STAND_INS) or compatibility form (NFKC: the ligature fi ->
    f i, superscript 2 -> 2); other white space becomes a space, anything else PLACEHOLDER.
    """
    have = font_characters()
    out, missing = [], set()
    for ch in unicodedata.normalize("NFC", str(text)):
        compat = STAND_INS.get(ch) or unicodedata.normalize("NFKC", ch)
        if ch in have or ch == "\n":
            out.append(ch)
        elif compat and all(c in have for c in compat):
            out.append(compat)
        elif ch.isspace():
            out.append(" ")
        else:
            out.append(PLACEHOLDER)
            missing.add(ch)
    return "".join(out), frozenset(missing)


class _Page(FPDF):
    """An A4 page in the embedded font. fpdf2 passes every string it draws or measures (cell,
    multi_cell, text, table cells, get_string_width) through ``normalize_text``: replacing there
    means no character outside the font's map can reach the page, and each one is remembered
    for the footnote."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, FONT_DIR / name)
        self.missing: set[str] = set()

    def normalize_text(self, text: str) -> str:
        shown, missing = printable(text)
        self.missing |= missing
        return super().normalize_text(shown)


@lru_cache(maxsize=1)
def product_version() -> str:
    try:
        from importlib.metadata import version

        return version("ai-venture-lab")
    except Exception:  # noqa: BLE001 - running from a checkout, not installed
        import tomllib

        with open(ROOT / "pyproject.toml", "rb") as fh:
            return tomllib.load(fh)["project"]["version"]


@lru_cache(maxsize=1)
def data_version() -> str:
    """A short digest of every catalog file in data/: changes whenever a number does."""
    h = hashlib.sha256()
    for p in sorted((ROOT / "data").rglob("*.csv")) + sorted((ROOT / "data").rglob("*.yaml")):
        if "i18n" in p.parts:
            continue
        h.update(p.relative_to(ROOT).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:10]


def price_dates(scenario: Scenario) -> list[str]:
    return sorted({t.as_of for t in scenario.targets if t.as_of} |
                  ({scenario.operating.as_of} if scenario.operating.as_of else set()))


def headline_figures(scenario: Scenario, result: ScenarioResult, mc: MonteCarloResult | None,
                     lang: str = "en") -> list[tuple[str, str, str]]:
    """(label, value, detail) for the PDF's big numbers."""
    u = result.unit
    figs = []
    band = mc.cost_usd_month if mc else None
    cost_detail = (label("pdf.fig.band", lang, low=usd_short(band.low), high=usd_short(band.high)) if band
                   else label("pdf.fig.on", lang, target=u.serving_target))
    figs.append((label("pdf.fig.serving", lang), usd_short(u.serving_usd_month), cost_detail))
    if u.gross_margin is not None:
        m_detail = (label("pdf.fig.band", lang, low=fmt_pct(mc.margin.low), high=fmt_pct(mc.margin.high))
                    if mc and mc.margin else "")
        figs.append((label("pdf.fig.margin", lang), fmt_pct(u.gross_margin), m_detail))
    figs.append((label("pdf.fig.per_user", lang), usd_short(u.cost_per_user_usd),
                 label("pdf.fig.per_1k", lang, usd=usd_short(u.cost_per_request_usd * 1000))))
    figs.append((label("pdf.fig.runway", lang),
                 label("pdf.fig.alive", lang) if u.runway_months is None
                 else label("pdf.fig.months", lang, n=u.runway_months),
                 label("pdf.fig.burn", lang, usd=usd_short(u.burn_usd_month)) if u.burn_usd_month > 0
                 else label("pdf.fig.positive", lang)))
    if u.devices_at_peak:
        figs.append((label("pdf.fig.devices", lang), f"{u.devices_at_peak}",
                     label("pdf.fig.peak_rps", lang, rps=fmt_number(u.peak_requests_per_s, 2))))
    return figs[:5]


def verdict_line(result: ScenarioResult, lang: str = "en") -> str:
    """The verdict in ``lang``: the engine's English sentence, or its translation (the
    dashboard's scn.verdict.* keys) with the same parameters."""
    v = result.verdict
    if lang == "en":
        return v.text
    try:
        return label(f"scn.verdict.{v.kind}", lang, **{k: str(x) for k, x in v.params.items()})
    except (KeyError, IndexError):       # a translation naming a parameter this verdict lacks
        return v.text


def _chart(pdf: FPDF, scenario: Scenario, result: ScenarioResult, x: float, y: float,
           w: float, h: float, lang: str = "en") -> None:
    """Monthly cost against monthly volume, log-log, one line per option."""
    curves = result.curves
    tpr = tokens_per_request(scenario) if scenario.workload == "llm" else 1
    xs = [v * tpr for v in curves["requests_month"]]
    series = {tid: ys for tid, ys in curves["usd_month"].items()
              if any(v is not None and v > 0 and math.isfinite(v) for v in ys)}
    ys_all = [v for ys in series.values() for v in ys if v is not None and v > 0 and math.isfinite(v)]
    pad_l, pad_b = 16, 10
    px, py, pw, ph = x + pad_l, y + 4, w - pad_l - 2, h - pad_b - 4
    pdf.set_draw_color(180, 180, 180)
    pdf.set_line_width(0.2)
    pdf.rect(px, py, pw, ph)
    if not ys_all:
        return
    lx0, lx1 = math.log10(xs[0]), math.log10(xs[-1])
    ly0, ly1 = math.floor(math.log10(min(ys_all))), math.ceil(math.log10(max(ys_all)))
    ly1 = max(ly1, ly0 + 1)

    def to_xy(vx: float, vy: float) -> tuple[float, float]:
        fx = (math.log10(vx) - lx0) / (lx1 - lx0)
        fy = (math.log10(max(vy, 10 ** ly0)) - ly0) / (ly1 - ly0)
        return px + fx * pw, py + ph - fy * ph

    pdf.set_font(FONT, size=6)
    pdf.set_text_color(90, 90, 90)
    for d in range(ly0, ly1 + 1):
        _, yy = to_xy(xs[0], 10 ** d)
        pdf.line(px, yy, px + pw, yy)
        pdf.text(x, yy + 1, usd_short(10.0 ** d))
    for d in range(math.ceil(lx0), math.floor(lx1) + 1):
        xx, _ = to_xy(10 ** d, 10 ** ly0)
        pdf.line(xx, py, xx, py + ph)
        pdf.text(xx - 3, py + ph + 3.5, fmt_number(10.0 ** d, VOLUME_DIGITS))
    axis = "pdf.axis_tokens" if scenario.workload == "llm" else "pdf.axis_requests"
    pdf.text(px + pw / 2 - 18, py + ph + 8, label(axis, lang))
    pdf.text(x, py - 1, label("pdf.axis_usd", lang))
    now = result.unit.requests_month * tpr
    if xs[0] <= now <= xs[-1]:
        xx, _ = to_xy(now, 10 ** ly0)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.line(xx, py, xx, py + ph)
        pdf.set_dash_pattern()
        pdf.text(xx + 1, py + 3, label("pdf.today", lang))
    legend_y = py + 2
    for i, (tid, ys) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        pdf.set_draw_color(*color)
        pdf.set_line_width(0.6)
        pts = [to_xy(vx, vy) for vx, vy in zip(xs, ys) if vy is not None and math.isfinite(vy)]
        if len(pts) > 1:
            pdf.polyline(pts)
        pdf.line(px + 3, legend_y + 3.2 * i, px + 8, legend_y + 3.2 * i)
        pdf.set_text_color(*color)
        pdf.text(px + 9, legend_y + 3.2 * i + 1, curves["labels"][tid][:60])
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)         # else the table below is ruled in the last series' colour
    pdf.set_line_width(0.2)


def build_pdf(scenario: Scenario, result: ScenarioResult, mc: MonteCarloResult | None = None,
              *, generated: _dt.datetime | None = None, lang: str = "en",
              today: _dt.date | None = None) -> bytes:
    """The one-page PDF as bytes: title and stamp, big figures, verdict and chart, assumptions,
    footnote; labels in ``lang`` (LANGUAGES), prices aged on ``today`` (default: price_age.today)."""
    if lang not in LANGUAGES:
        raise VentureLabError("--lang", "is not a language of the PDF", got=lang, accepted=LANGUAGES)
    generated = generated or _dt.datetime.now(_dt.timezone.utc)
    pdf = _Page()
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_MM, 10, MARGIN_MM)
    pdf.add_page()
    pdf.set_title(unicodedata.normalize("NFC", scenario.name))
    pdf.set_creator(f"AI Venture Lab {product_version()}")
    width = pdf.w - 2 * MARGIN_MM
    _title_and_stamp(pdf, scenario, width, generated, lang)
    _figure_boxes(pdf, headline_figures(scenario, result, mc, lang), width)
    _verdict_and_chart(pdf, scenario, result, width, lang)
    _assumptions_table(pdf, assumption_rows(scenario, lang, today), width, lang)
    _footnote(pdf, scenario, width, lang)
    return bytes(pdf.output())


def _title_and_stamp(pdf: FPDF, scenario: Scenario, width: float, generated: _dt.datetime,
                     lang: str) -> None:
    """The scenario's name, then one grey line of versions, price dates and what is served where."""
    pdf.set_font(FONT, "B", 16)
    pdf.cell(width, 8, scenario.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(90, 90, 90)
    stamp = label("pdf.stamp", lang, version=product_version(), data=data_version(),
                  dates=", ".join(price_dates(scenario)) or "n/a", id=scenario.id,
                  schema=scenario.schema_version, generated=f"{generated:%Y-%m-%d %H:%M}")
    pdf.multi_cell(width, 3.6, stamp, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width, 4, label("pdf.serving_on", lang, domain=scenario.domain, model=scenario.model,
                             weights=scenario.weights, target=scenario.serving_target),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)


def _figure_boxes(pdf: FPDF, figs: list[tuple[str, str, str]], width: float) -> None:
    """One grey box per headline figure: label, the value as large as fits, the detail."""
    box_w = width / len(figs)
    y0 = pdf.get_y()
    for i, (caption, value, detail) in enumerate(figs):
        x0 = MARGIN_MM + i * box_w
        pdf.set_fill_color(243, 244, 246)
        pdf.rect(x0 + 1, y0, box_w - 2, 24, style="F")
        pdf.set_xy(x0 + 2, y0 + 1.5)
        pdf.set_font(FONT, size=7.5)
        pdf.cell(box_w - 4, 4, caption)
        pdf.set_xy(x0 + 2, y0 + 6.5)
        size = 17.0
        pdf.set_font(FONT, "B", size)
        while pdf.get_string_width(value) > box_w - 5 and size > 8:
            size -= 1
            pdf.set_font(FONT, "B", size)
        pdf.cell(box_w - 4, 9, value)
        pdf.set_xy(x0 + 2, y0 + 17)
        pdf.set_font(FONT, size=6.5)
        pdf.cell(box_w - 4, 4, detail)
    pdf.set_xy(MARGIN_MM, y0 + 28)


def _verdict_and_chart(pdf: FPDF, scenario: Scenario, result: ScenarioResult, width: float,
                       lang: str) -> None:
    pdf.set_font(FONT, "B", 11.5)
    pdf.set_fill_color(239, 246, 255)
    pdf.multi_cell(width, 6, verdict_line(result, lang), fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(width, 5, label("pdf.chart_title", lang), new_x="LMARGIN", new_y="NEXT")
    cy = pdf.get_y()
    _chart(pdf, scenario, result, MARGIN_MM, cy, width, 88, lang)
    pdf.set_xy(MARGIN_MM, cy + 90)


def _assumptions_table(pdf: FPDF, rows: list[tuple[str, str, str, str]], width: float, lang: str) -> None:
    pdf.set_font(FONT, "B", 9)
    pdf.cell(width, 5, label("pdf.assumptions", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=6.5)
    heads = tuple(label(f"pdf.col.{k}", lang) for k in ("assumption", "value", "source", "date"))
    with pdf.table(col_widths=(26, 54, 72, 34), line_height=3.2, text_align="LEFT",
                   first_row_as_headings=True) as table:
        for row in [heads, *rows]:
            r = table.row()
            for cell in row:
                r.cell(cell[:220])


def _footnote(pdf: _Page, scenario: Scenario, width: float, lang: str) -> None:
    """Where the figures come from, at the foot of the page; drawn last, so it can name every
    character the page could not print."""
    pdf.set_font(FONT, size=6.5)
    pdf.set_text_color(90, 90, 90)
    text = label("pdf.footnote", lang, id=scenario.id) + missing_note(pdf.missing, lang)
    # left-aligned: justified Chinese (no spaces to stretch) spreads the few Latin words apart
    lines = pdf.multi_cell(width, 3, text, align="L", dry_run=True, output="LINES")
    pdf.set_y(pdf.h - 6 - 3 * len(lines))        # ends 6 mm above the page's edge however long
    pdf.multi_cell(width, 3, text, align="L")


def missing_note(missing: set[str] | frozenset[str], lang: str = "en") -> str:
    """One sentence naming, by code point, the characters printed as PLACEHOLDER ('' if none)."""
    if not missing:
        return ""
    codes = [f"U+{ord(ch):04X}" for ch in sorted(missing)]
    more = label("pdf.missing_more", lang, n=len(codes) - MISSING_LISTED) if len(codes) > MISSING_LISTED else ""
    return label("pdf.missing", lang, placeholder=PLACEHOLDER, codes=", ".join(codes[:MISSING_LISTED]), more=more)
