"""The "adopt it" panel every demo page ends with, and the Scenarios page's ``adopt=`` note.

The panel prices the demo's measured effect in the domain's preset (scenarios.business.adopt, via
dashboard.cached.adopt): the $ a month and one-off change with their bands, the quantities behind
them, every assumption with its source, and a link that opens the preset with the technique applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

import pandas as pd
import streamlit as st

from dashboard.atlas_ui import with_lang
from dashboard.cached import adopt as cached
from dashboard.i18n import t
from dashboard.ui import band_metric, error_text, fmt_number, fmt_usd
from scenarios.business.adopt import TECHNIQUES, Adoption, adopt_value, parse_adopt
from scenarios.errors import VentureLabError

ADOPT_PARAM = "adopt"


def _quantity_label(name: str) -> str:
    """``reviews_per_month`` -> its translated label; ``edge-orin-nano.latency_ms_after`` -> the
    label with the target id in front."""
    target, _, base = name.rpartition(".")
    label = t(f"adopt.q.{base}")
    return f"{target}: {label}" if target else label


def quantities_frame(adoption: Adoption, suffix: str = "") -> pd.DataFrame:
    return pd.DataFrame([{t("adopt.col.quantity"): _quantity_label(q.name),
                          t("adopt.col.value") + suffix: fmt_number(q.value)} for q in adoption.quantities])


def assumptions_frame(adoption: Adoption) -> pd.DataFrame:
    return pd.DataFrame([{t("adopt.col.name"): a.name, t("adopt.col.value"): str(a.value), t("adopt.col.unit"): a.unit,
                          t("adopt.col.source"): a.source} for a in adoption.assumptions])


def _figures(adoption: Adoption, suffix: str) -> None:
    c1, c2 = st.columns(2)
    with c1:
        band_metric(t("adopt.usd_month") + suffix, adoption.usd_month, unit="USD", help=t("adopt.usd_month_help"))
    with c2:
        band_metric(t("adopt.usd_once") + suffix, adoption.usd_once, unit="USD", help=t("adopt.usd_once_help"))


def adopt_panel(technique: str, measured: Mapping[str, float], *, clock_note: str = "") -> Adoption | None:
    """Draw the panel for ``technique`` with the demo's ``measured`` numbers; returns the price
    (None, with the reason shown, where the measured effect cannot be priced). ``clock_note``
    follows every label of a figure made from a timing on this computer (the training-speed demo),
    so readers and the page snapshot know it changes from run to run."""
    suffix = f" ({clock_note})" if clock_note else ""
    tech = TECHNIQUES[technique]
    name = t(f"adopt.tech.{technique}")
    st.header(t("adopt.title", technique=name), anchor=f"adopt-{technique}")
    st.markdown(t(f"adopt.what.{technique}"))
    pairs = tuple((k, float(measured[k])) for k in tech.inputs)
    try:
        adoption = cached.in_preset(technique, pairs)
    except VentureLabError as err:
        st.warning(t("adopt.cannot_price", message=error_text(err)), icon=":material/warning:")
        return None
    st.caption(t("adopt.scale", preset=tech.preset))
    _figures(adoption, suffix)
    st.dataframe(quantities_frame(adoption, suffix), hide_index=True, width="stretch")
    with st.expander(t("adopt.assumptions"), icon=":material/fact_check:"):
        st.dataframe(assumptions_frame(adoption), hide_index=True, width="stretch")
    url = f"/scenarios?scn_id={tech.preset}&{ADOPT_PARAM}={quote(adopt_value(technique, dict(pairs)), safe=':,=')}"
    st.markdown(t("adopt.link", url=with_lang(url), preset=tech.preset))
    return adoption


def scenario_adopt_note(yaml_text: str, burn_usd_month: float, cash_usd: float) -> Adoption | None:
    """On the Scenarios page: apply the ``adopt=`` value of the URL to the open scenario's monthly
    burn and cash and say what was applied; a bad value is named and the figures stay as they are."""
    raw = st.query_params.get(ADOPT_PARAM)
    if not raw:
        return None
    try:
        technique, measured = parse_adopt(raw)
        adoption = cached.in_scenario(technique, tuple(sorted(measured.items())), yaml_text)
    except VentureLabError as err:
        st.warning(t("adopt.bad_value", message=error_text(err)), icon=":material/link_off:")
        return None
    name = t(f"adopt.tech.{technique}")
    st.info(t("adopt.applied", technique=name, month=fmt_usd(adoption.usd_month.expected),
              once=fmt_usd(adoption.usd_once.expected)), icon=":material/add_task:")
    c1, c2 = st.columns(2)
    c1.metric(t("adopt.burn_with", technique=name), fmt_usd(burn_usd_month + adoption.usd_month.expected),
              delta=fmt_usd(adoption.usd_month.expected), delta_color="inverse")
    c2.metric(t("adopt.cash_with", technique=name), fmt_usd(cash_usd - adoption.usd_once.expected),
              delta=fmt_usd(-adoption.usd_once.expected))
    return adoption
