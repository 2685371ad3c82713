"""Reusable UI pieces shared by every page. Each takes a ``key_prefix`` where it makes widgets,
so that two copies (two scenarios side by side) can share a page."""

from __future__ import annotations

import contextlib
import re
from typing import Iterator

import streamlit as st

from dashboard.i18n import LANG_KEY, LANGUAGE_NAMES, LANGUAGES, t
from dashboard.public_text import error_text, folder_label  # noqa: F401  (pages import them from here too)
from dashboard.state import seed_from_url
from dashboard.url_registry import bound
from scenarios import units
from scenarios.errors import VentureLabError
from scenarios.units import Range

_CSS = """
<style>
/* Figures read at a glance in a pitch meeting. A long value or note (a P50 and P10-P90 line)
   wraps inside its own card instead of being cut at the card's edge or running into the next
   one: Streamlit's own rules clip with an ellipsis, hence !important (tests/e2e/test_pitch_layout.py
   measures the cards of the pitch and Scenarios pages at 1280x800 and 390x844). */
[data-testid="stMetricValue"] { font-size: 1.6rem; }
[data-testid="stMetricLabel"] p { white-space: normal; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
    overflow-wrap: anywhere; min-width: 0; max-width: 100%; height: auto; }
.val-band { color: #6B7280; font-size: 0.85rem; }
/* A page link's label wraps inside its button: Streamlit draws it on one line and cuts the rest
   (on a phone "Open the Natural language processing page: ..." lost its end; tests/e2e/test_atlas.py). */
[data-testid="stPageLink-NavLink"] span:has(> [data-testid="stMarkdownContainer"]),
[data-testid="stPageLink-NavLink"] [data-testid="stMarkdownContainer"],
[data-testid="stPageLink-NavLink"] [data-testid="stMarkdownContainer"] p {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
    min-width: 0; line-height: 1.4; }
/* Less empty space above the title: the first screen should show figures, not padding. */
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
@media (max-width: 640px) { [data-testid="stMetricValue"] { font-size: 1.25rem; } }
</style>
"""


def sidebar() -> None:
    """The shared sidebar: product name, language switch (bound to the URL)."""
    st.markdown(_CSS, unsafe_allow_html=True)
    # The bound switch writes its label to the URL (lang=中文); a hand-typed link may say
    # lang=zh or lang=en instead. Seed the switch from such a code on the first run.
    seed_from_url(LANG_KEY, list(LANGUAGES))
    with st.sidebar:
        bound(st.segmented_control,
            "Language / 语言",
            options=list(LANGUAGES),
            format_func=LANGUAGE_NAMES.get,
            default="en",
            key=LANG_KEY,
            required=True,
        )


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def as_text(text: str) -> str:
    """User text (a scenario name, a region, a provider) for st.markdown/st.title: every markdown
    and HTML special character backslash-escaped, so it shows as the characters typed and can
    never become a link, an image or markup."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text)).replace("\n", " ")


def page_header(title_key: str, intro_key: str | None = None) -> None:
    st.title(t(title_key))
    if intro_key:
        st.markdown(t(intro_key))


def fmt_number(value: float | None, digits: int = 3) -> str:
    """:func:`scenarios.units.fmt_number` with the page language's word for a missing value."""
    return units.fmt_number(value, digits, na=t("common.na"))


def fmt_usd(value: float | None, digits: int = 3, **kw) -> str:
    """:func:`scenarios.units.fmt_usd` (sign before the symbol: "-$402k"), translated "n/a"."""
    return units.fmt_usd(value, digits, na=t("common.na"), **kw)


def fmt_pct(fraction: float | None, decimals: int = 1) -> str:
    return units.fmt_pct(fraction, decimals, na=t("common.na"))


def fmt_grouped(value: float | None, decimals: int = 0) -> str:
    return units.fmt_grouped(value, decimals, na=t("common.na"))


def note_metric(label: str, value: str, note: str | None = None, *, container=None,
                help: str | None = None) -> None:
    """A metric card with a neutral note underneath (a comparison or a range, not a change)."""
    (container or st).metric(label, value, delta=note, delta_color="off", delta_arrow="off", help=help)


def band_metric(label: str, figure: Range | float | None, unit: str = "", help: str | None = None,
                band: Range | None = None) -> None:
    """A metric card: the expected value, with its low-high band underneath when ``figure`` is a
    Range (``Range.of(estimate, "decode_tokens_per_s")``); a plain number shows alone, or with
    ``band`` where the spread comes from elsewhere (a Monte Carlo P10-P90 around a headline)."""
    expected = figure.expected if isinstance(figure, Range) else figure
    band = figure if isinstance(figure, Range) else band
    if unit in ("$", "USD") and expected is not None:
        value = fmt_usd(expected)  # currency reads before the figure, the sign before both
    else:
        value = fmt_number(expected) + (f" {unit}" if unit and expected is not None else "")
    delta = None
    if band is not None and band.width > 0:   # a point (no band given) shows the figure alone
        delta = t("common.band", low=fmt_number(band.low), high=fmt_number(band.high))
    note_metric(label, value, delta, help=help)


@contextlib.contextmanager
def explain_errors() -> Iterator[None]:
    """Show bad input as a clear message in the page instead of a traceback.

    Wrap the engine call of a page in it: the rest of the page and app keep working.
    """
    try:
        yield
    except VentureLabError as err:
        st.error(t("common.bad_input", message=error_text(err)), icon=":material/error:")
        st.stop()


def metric_row(*cards: tuple) -> None:
    """One row of metric cards, a column each; a card is ``(label, value)`` or
    ``(label, value, note)`` with a neutral note underneath (:func:`note_metric`)."""
    for col, card in zip(st.columns(len(cards)), cards):
        note_metric(*card, container=col)


def csv_download(label: str, table, file_name: str, key: str | None = None) -> None:
    """A button that downloads ``table`` (a pandas DataFrame) as the CSV a spreadsheet opens."""
    st.download_button(label, table.to_csv(index=False).encode("utf-8"), file_name, "text/csv", key=key)
