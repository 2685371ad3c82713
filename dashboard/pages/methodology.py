"""Methodology: how every figure is made, how wrong it was on published measurements,
and where the data came from (docs/methodology.md, the calibration error table,
data/README.md and each catalog row's source and verified flag)."""

from __future__ import annotations

import streamlit as st

from dashboard.cached import cost as cached
from dashboard.i18n import t
from dashboard.ui import page_header
from dashboard.url_registry import bound

# Terms in the order a reader of the cost pages meets them; one meaning each across the product
# (ARCHITECTURE 4.2 utilisation, 4.3 denominators). Texts: data/i18n/cost.yaml meth.term.* / meth.def.*
GLOSSARY = ("usd_per_m_output", "usd_per_m_io", "utilisation", "peak_load_share", "ttft", "tpot",
            "throughput", "prefill_decode", "band", "percentiles", "mfu", "replica", "devices_per_replica")

page_header("meth.title", "meth.intro")
part = bound(st.segmented_control, t("meth.part"), ["formulas", "glossary", "errors", "sources"],
                            format_func=lambda p: t(f"meth.part.{p}"), default="formulas",
                            required=True, key="meth_part")

if part == "formulas":
    text = cached.methodology_for_page()
    if text:
        st.markdown(text)
    else:
        st.info(t("meth.missing_doc"))
elif part == "glossary":
    st.subheader(t("meth.glossary_title"), anchor="glossary")
    st.caption(t("meth.glossary_intro"))
    st.markdown("\n".join(f"- **{t('meth.term.' + term)}**: {t('meth.def.' + term)}" for term in GLOSSARY))
elif part == "errors":
    st.subheader(t("meth.errors_title"), anchor="calibration-error")
    st.caption(t("meth.errors_intro"))
    summary = cached.calibration_summary()
    if summary:
        c1, c2, c3, c4 = st.columns(4)
        c1.metric(t("meth.loho_decode"), f"{summary['loho_median_abs_err_decode_b1_pct']:.1f} %",
                  help=t("meth.loho_decode_help"))
        c2.metric(t("meth.loho_prefill"), f"{summary['loho_median_abs_err_prefill_pct']:.1f} %")
        c3.metric(t("meth.coverage"), f"{summary['loho_band_coverage_pct']:.0f} %", help=t("meth.coverage_help"))
        c4.metric(t("meth.band_ratio"), f"{summary['median_band_high_over_low']:.2f}×")
    table = cached.calibration_error_table()
    if table is None or table.empty:
        st.info(t("meth.missing_errors"))
    else:
        st.dataframe(table, hide_index=True)
        st.caption(t("meth.errors_where"))
else:
    st.subheader(t("meth.sources_title"), anchor="data-sources")
    st.markdown(cached.data_readme())
    which = bound(st.segmented_control, t("meth.catalog"), ["hardware", "models", "formats"],
                                 format_func=lambda c: t(f"meth.catalog.{c}"), default="hardware",
                                 required=True, key="meth_catalog")
    table = cached.provenance_table(which)
    c1, c2 = st.columns(2)
    c1.metric(t("meth.rows"), len(table))
    if "verified" in table:
        c2.metric(t("meth.verified_rows"), int(table["verified"].sum()))
    st.dataframe(table, hide_index=True)
