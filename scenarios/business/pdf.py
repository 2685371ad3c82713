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

from scenarios.business.economics import VOLUME_DIGITS, ScenarioResult, tokens_per_request
from scenarios.business.scenario import Scenario
from scenarios.business.uncertainty import MonteCarloResult
from scenarios.units import fmt_grouped, fmt_number, fmt_pct, fmt_plain, fmt_usd

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
    from fontTools.ttLib import TTFont     # fpdf2's own font reader: import only when a PDF is made

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


def _usd(x: float | None) -> str:
    """A page's worth of dollars: $18k from a thousand up, whole dollars from $10, cents below."""
    if x is not None and math.isfinite(x) and abs(x) >= 1000:
        return fmt_usd(x, VOLUME_DIGITS)
    return fmt_usd(x, compact=False)


def headline_figures(scenario: Scenario, result: ScenarioResult,
                     mc: MonteCarloResult | None) -> list[tuple[str, str, str]]:
    """(label, value, detail) for the big numbers, shared by the pitch page and the PDF."""
    u = result.unit
    figs = []
    band = mc.cost_usd_month if mc else None
    cost_detail = (f"P10-P90 {_usd(band.low)}-{_usd(band.high)}" if band else f"on {u.serving_target}")
    figs.append(("Serving cost / month", _usd(u.serving_usd_month), cost_detail))
    if u.gross_margin is not None:
        m_detail = f"P10-P90 {fmt_pct(mc.margin.low)}-{fmt_pct(mc.margin.high)}" if mc and mc.margin else ""
        figs.append(("Gross margin", fmt_pct(u.gross_margin), m_detail))
    figs.append(("Cost per user / month", _usd(u.cost_per_user_usd), f"{_usd(u.cost_per_request_usd * 1000)} per 1k requests"))
    figs.append(("Runway", "default alive" if u.runway_months is None else f"{u.runway_months} months",
                 f"burn {_usd(u.burn_usd_month)}/month" if u.burn_usd_month > 0 else "cash-flow positive"))
    if u.devices_at_peak:
        figs.append(("Devices at peak", f"{u.devices_at_peak}", f"{fmt_number(u.peak_requests_per_s, 2)} requests/s at peak"))
    return figs[:5]


def assumption_rows(scenario: Scenario) -> list[tuple[str, str, str, str]]:
    """(assumption, value, source, date) for the table on the pitch page and the PDF."""
    tr, p, op, fc = scenario.traffic, scenario.pricing, scenario.operating, scenario.fixed_costs
    rows = [
        ("Model / weights", f"{scenario.model} / {scenario.weights}", "model catalog (data/)", ""),
        ("Requests per day", f"{fmt_grouped(tr.requests_per_day)} (peak x{fmt_plain(tr.peak_factor)}, "
         f"growth {fmt_pct(tr.monthly_growth, 0)}/month)", "scenario", ""),
    ]
    if scenario.workload == "llm":
        rows.append(("Tokens per request", f"{tr.prompt_tokens} in / {tr.output_tokens} out", "scenario", ""))
    price = (f"${fmt_plain(p.usd_per_request)} per request" if p.model == "per-request"
             else f"${fmt_plain(p.usd_per_user_month)} per user-month x {tr.monthly_active_users:,} users")
    rows.append(("Pricing", price, "scenario", ""))
    for t in scenario.targets:
        if t.kind == "api":
            v = (f"{t.provider} {t.api_model}: ${fmt_plain(t.usd_per_m_input)}/${fmt_plain(t.usd_per_m_output)} "
                 "per 1M input / output tokens"
                 if scenario.workload == "llm" else f"{t.provider} {t.api_model}: ${fmt_plain(t.usd_per_request)}/request")
        elif t.kind == "rented-gpu":
            v = f"{t.hardware}: ${fmt_plain(t.usd_per_hour)}/device-hour, batch {t.batch}"
        elif t.kind in ("owned-gpu", "edge"):
            v = (f"{t.hardware}: ${fmt_grouped(t.purchase_usd)} over {t.amortisation_months} months"
                 + (f", {fmt_plain(t.power_w)} W" if t.power_w else ""))
        else:
            v = f"{t.hardware}: on the user's device"
        rows.append((f"Target {t.id}", v, t.source, t.as_of))
    rows.append(("Peak load share / PUE / power", f"{fmt_pct(op.peak_load_share, 0)} / {fmt_plain(op.pue)} / "
                 f"${fmt_plain(op.electricity_usd_per_kwh)} per kWh", op.source, op.as_of))
    rows.append(("Fixed costs / month", f"team {_usd(fc.team_usd_month)}, compliance "
                 f"{_usd(fc.compliance_usd_month)}, other {_usd(fc.other_usd_month)}", "scenario", ""))
    rows.append(("Cash", _usd(scenario.funding.cash_usd), "scenario", ""))
    return rows


def _chart(pdf: FPDF, scenario: Scenario, result: ScenarioResult, x: float, y: float,
           w: float, h: float) -> None:
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
        pdf.text(x, yy + 1, _usd(10.0 ** d))
    for d in range(math.ceil(lx0), math.floor(lx1) + 1):
        xx, _ = to_xy(10 ** d, 10 ** ly0)
        pdf.line(xx, py, xx, py + ph)
        pdf.text(xx - 3, py + ph + 3.5, fmt_number(10.0 ** d, VOLUME_DIGITS))
    unit = "tokens" if scenario.workload == "llm" else "requests"
    pdf.text(px + pw / 2 - 18, py + ph + 8, f"{unit} per month (log)")
    pdf.text(x, py - 1, "USD per month (log)")
    now = result.unit.requests_month * tpr
    if xs[0] <= now <= xs[-1]:
        xx, _ = to_xy(now, 10 ** ly0)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.line(xx, py, xx, py + ph)
        pdf.set_dash_pattern()
        pdf.text(xx + 1, py + 3, "today")
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
              *, generated: _dt.datetime | None = None) -> bytes:
    """The one-page PDF as bytes: title and stamp, big figures, verdict and chart, assumptions, footnote."""
    generated = generated or _dt.datetime.now(_dt.timezone.utc)
    pdf = _Page()
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_MM, 10, MARGIN_MM)
    pdf.add_page()
    pdf.set_title(unicodedata.normalize("NFC", scenario.name))
    pdf.set_creator(f"AI Venture Lab {product_version()}")
    width = pdf.w - 2 * MARGIN_MM
    _title_and_stamp(pdf, scenario, width, generated)
    _figure_boxes(pdf, headline_figures(scenario, result, mc), width)
    _verdict_and_chart(pdf, scenario, result, width)
    _assumptions_table(pdf, scenario, width)
    _footnote(pdf, scenario, width)
    return bytes(pdf.output())


def _title_and_stamp(pdf: FPDF, scenario: Scenario, width: float, generated: _dt.datetime) -> None:
    """The scenario's name, then one grey line of versions, price dates and what is served where."""
    pdf.set_font(FONT, "B", 16)
    pdf.cell(width, 8, scenario.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(90, 90, 90)
    stamp = (f"AI Venture Lab {product_version()} | data {data_version()} | prices as of "
             f"{', '.join(price_dates(scenario)) or 'n/a'} | scenario {scenario.id} "
             f"(schema v{scenario.schema_version}) | generated {generated:%Y-%m-%d %H:%M} UTC")
    pdf.multi_cell(width, 3.6, stamp, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width, 4, f"{scenario.domain} | {scenario.model} ({scenario.weights}) | "
                       f"serving on {scenario.serving_target}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)


def _figure_boxes(pdf: FPDF, figs: list[tuple[str, str, str]], width: float) -> None:
    """One grey box per headline figure: label, the value as large as fits, the detail."""
    box_w = width / len(figs)
    y0 = pdf.get_y()
    for i, (label, value, detail) in enumerate(figs):
        x0 = MARGIN_MM + i * box_w
        pdf.set_fill_color(243, 244, 246)
        pdf.rect(x0 + 1, y0, box_w - 2, 24, style="F")
        pdf.set_xy(x0 + 2, y0 + 1.5)
        pdf.set_font(FONT, size=7.5)
        pdf.cell(box_w - 4, 4, label)
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


def _verdict_and_chart(pdf: FPDF, scenario: Scenario, result: ScenarioResult, width: float) -> None:
    pdf.set_font(FONT, "B", 11.5)
    pdf.set_fill_color(239, 246, 255)
    pdf.multi_cell(width, 6, result.verdict.text, fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(width, 5, "Build vs buy: monthly cost against volume", new_x="LMARGIN", new_y="NEXT")
    cy = pdf.get_y()
    _chart(pdf, scenario, result, MARGIN_MM, cy, width, 88)
    pdf.set_xy(MARGIN_MM, cy + 90)


def _assumptions_table(pdf: FPDF, scenario: Scenario, width: float) -> None:
    pdf.set_font(FONT, "B", 9)
    pdf.cell(width, 5, "Assumptions", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=6.5)
    rows = assumption_rows(scenario)
    with pdf.table(col_widths=(26, 58, 80, 22), line_height=3.2, text_align="LEFT",
                   first_row_as_headings=True) as table:
        for row in [("Assumption", "Value", "Source", "Date"), *rows]:
            r = table.row()
            for cell in row:
                r.cell(cell[:220])


def _footnote(pdf: _Page, scenario: Scenario, width: float) -> None:
    """Where the figures come from, at the foot of the page; drawn last, so it can name every
    character the page could not print."""
    pdf.set_font(FONT, size=6.5)
    pdf.set_text_color(90, 90, 90)
    text = ("Estimates: serving speed from the AI Venture Lab engine (roofline with fitted efficiency, "
            "see docs/methodology.md); costs sized for the peak hour; ranges are P10-P90 of a 10,000-sample "
            f"Monte Carlo. Scenario file: {scenario.id}.yaml (download it next to this PDF)."
            + missing_note(pdf.missing))
    lines = pdf.multi_cell(width, 3, text, dry_run=True, output="LINES")
    pdf.set_y(pdf.h - 6 - 3 * len(lines))        # ends 6 mm above the page's edge however long
    pdf.multi_cell(width, 3, text)


def missing_note(missing: set[str] | frozenset[str]) -> str:
    """One sentence naming, by code point, the characters printed as PLACEHOLDER ('' if none)."""
    if not missing:
        return ""
    codes = [f"U+{ord(ch):04X}" for ch in sorted(missing)]
    more = f" and {len(codes) - MISSING_LISTED} more" if len(codes) > MISSING_LISTED else ""
    return (f" Characters the embedded font (Noto Sans CJK SC subset) lacks are printed as {PLACEHOLDER}: "
            f"{', '.join(codes[:MISSING_LISTED])}{more}.")
