"""Pieces of the cost-explorer pages: engine results -> rows for charts and tables, and
the small forms (custom device, price overrides). Shaping only: every figure is the
engine's, passed through unchanged (the behaviour tests compare them to the engine)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.cached import cost as cached
from dashboard.charts.cost import short_name
from dashboard.i18n import t
from dashboard.ui import as_text, band_metric, explain_errors, fmt_number, folder_label
from dashboard.url_registry import bound
from scenarios.engine.catalog import CATEGORIES, HW_CLASSES
from scenarios.engine.estimate import BAND_SUFFIXES
from scenarios.units import Range, fmt_plain

_BANDED = ("prefill_tokens_per_s", "decode_tokens_per_s", "throughput_tokens_per_s", "ttft_ms",
           "tpot_ms", "usd_per_million_tokens", "energy_j_per_token", "battery_pct_per_1k_tokens")
_SINGLE = ("weights_gb", "kv_cache_gb", "working_memory_gb", "total_memory_gb", "arithmetic_intensity",
           "ridge_point")
_EXTRA = ("within_context", "max_batch", "electricity_usd_per_million_tokens", "co2_g_per_million_tokens",
          "price_per_hour_used", "calibrated", "basis")


def fit_status(r) -> str:
    """fits / needs N devices / does not fit, from the engine's fits and devices_needed."""
    e = r.estimate
    if e.fits:
        return t("cost.fits")
    if e.devices_needed and e.devices_needed > 1:
        return t("cost.needs_n", n=e.devices_needed)
    return t("cost.no_fit")


def fit_badge(r) -> str:
    e = r.estimate
    colour = "green" if e.fits else ("orange" if e.devices_needed and e.devices_needed > 1 else "red")
    return f":{colour}-badge[{fit_status(r)}]"


def capacity_gb(r) -> float:
    """Memory the model may use on this target: the engine's usable memory per device (what
    ``fits`` is judged against; a phone's OS keeps part of it) times the devices per replica."""
    usable = r.estimate.usable_memory_gb
    return float(usable if usable else r.device.memory_gb) * r.estimate.inputs["devices"]


def chart_rows(results) -> list[dict]:
    rows = []
    for r in results:
        e = r.estimate
        row = {"label": short_name(r.device), "capacity_gb": capacity_gb(r), "status": fit_status(r)}
        for f in _SINGLE:
            row[f] = getattr(e, f)
        for f in _BANDED:
            for suffix in BAND_SUFFIXES:
                row[f + suffix] = getattr(e, f + suffix)
        rows.append(row)
    return rows


def roofline_points(results) -> list[dict]:
    """What the roofline needs from each estimate: the device's roof, the engine's fitted
    efficiencies and where decode and prefill sit."""
    points = []
    for r in results:
        e = r.estimate
        points.append({
            "label": short_name(r.device),
            # x devices under tensor parallel, as the engine's ridge point is computed
            "bandwidth_gb_s": r.device.memory_bandwidth_gb_s * e.inputs["devices"],
            "ridge_point": e.ridge_point, "eff_bw": e.eff_bw, "eff_compute": e.eff_compute,
            "arithmetic_intensity": e.arithmetic_intensity, "bound": e.bound_decode,
            "arithmetic_intensity_prefill": e.arithmetic_intensity_prefill,
            "bound_prefill": e.bound_prefill})
    return points


def results_table(results) -> pd.DataFrame:
    """One row per target with the engine's fields under their own (unit-carrying) names;
    this is also the CSV, so analysts get stable column names."""
    rows = []
    for r in results:
        e = r.estimate
        row = {"device_id": r.device_id, "device": r.device.name, "category": r.device.category,
               "runtime": e.runtime, "status": fit_status(r), "fits": e.fits,
               "devices_needed": e.devices_needed, "capacity_gb": capacity_gb(r)}
        for f in _SINGLE[:4]:
            row[f] = getattr(e, f)
        for f in _BANDED:
            for suffix in BAND_SUFFIXES:
                row[f + suffix] = getattr(e, f + suffix)
        row.update(bound_prefill=e.bound_prefill, bound_decode=e.bound_decode,
                   replicas_for_rate=r.replicas_for_rate)
        for f in _EXTRA:
            row[f] = getattr(e, f)
        rows.append(row)
    return pd.DataFrame(rows)


def number_format(table: pd.DataFrame) -> dict:
    """Show floats to 4 significant digits; the data (and the CSV) keep full precision."""
    return {c: st.column_config.NumberColumn(format="%.4g") for c in table.columns
            if pd.api.types.is_float_dtype(table[c])}


def translated(table: pd.DataFrame) -> pd.DataFrame:
    """The same table with column headers in the reader's language (values unchanged)."""
    from dashboard.i18n import catalog

    known = catalog()
    return table.rename(columns={c: t(f"cost.col.{c}") for c in table.columns if f"cost.col.{c}" in known})


def assumptions_table(results) -> pd.DataFrame:
    """Every assumption behind every target's estimate, with its source."""
    cols = [t("cost.col.device"), t("cost.assumption"), t("cost.value"), t("cost.unit"), t("cost.source")]
    rows = [(short_name(r.device), a.name, str(a.value), a.unit, a.source)
            for r in results for a in r.estimate.assumptions]
    return pd.DataFrame(rows, columns=cols)


def price_overrides(targets, hardware) -> dict[str, float]:
    """One optional price per target (USD per device-hour), bound to the URL.
    Empty means the catalog's rental price (shown as the placeholder, with its date)."""
    st.caption(t("cost.srv.prices_help"))
    prices: dict[str, float] = {}
    cols = st.columns(2)
    for i, device_id in enumerate(targets):
        hw = hardware.get(device_id)
        catalog_price = hw.usd_per_hour if hw else None
        hint = (t("cost.srv.catalog_price", price=fmt_plain(catalog_price, 3), date=hw.price_as_of or "?")
                if catalog_price else t("cost.srv.no_catalog_price"))
        value = bound(cols[i % 2].number_input,
            f"{short_name(hw) if hw else device_id} ($/h)", min_value=0.0, max_value=10_000.0, value=None,
            step=0.1, placeholder=hint, key=f"srv_usd_{device_id}")
        if value is not None:
            prices[device_id] = float(value)
    return prices


def custom_device_form(hardware) -> None:
    """Add a device by its specs; it is saved as a device file (the CLI's --hardware PATH
    reads the same file) and becomes selectable as a target."""
    st.caption(t("cost.dev.help", folder=folder_label(cached.device_dir())))
    with st.form("srv_device_form", clear_on_submit=False, border=False):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("cost.dev.name"), max_chars=60, key="srv_dev_name")
        category = c2.selectbox(t("cost.dev.category"), CATEGORIES, index=2, key="srv_dev_category")
        hw_class = c1.selectbox(t("cost.dev.class"), HW_CLASSES, index=2, key="srv_dev_class",
                                help=t("cost.dev.class_help"))
        memory = c2.number_input(t("cost.dev.memory"), 0.1, 100_000.0, 16.0, key="srv_dev_mem")
        bandwidth = c1.number_input(t("cost.dev.bandwidth"), 0.1, 100_000.0, 100.0, key="srv_dev_bw")
        fp16 = c2.number_input(t("cost.dev.fp16"), 0.001, 100_000.0, 10.0, key="srv_dev_fp16")
        int8 = c1.number_input(t("cost.dev.int8"), 0.0, 200_000.0, 0.0, key="srv_dev_int8",
                               help=t("cost.dev.optional"))
        tdp = c2.number_input(t("cost.dev.tdp"), 0.1, 10_000.0, 30.0, key="srv_dev_tdp")
        price = c1.number_input(t("cost.dev.price"), 0.0, 10_000.0, 0.0, key="srv_dev_price",
                                help=t("cost.dev.optional"))
        source = c2.text_input(t("cost.dev.source"), max_chars=200, key="srv_dev_source")
        c1, c2 = st.columns([1, 2])
        submitted = c1.form_submit_button(t("cost.dev.save"), icon=":material/save:")
        overwrite = c2.checkbox(t("cost.dev.overwrite"), value=False, key="srv_dev_overwrite",
                                help=t("cost.dev.overwrite_help"))
    if submitted:
        fields = {"name": name, "category": category, "hw_class": hw_class, "memory_gb": memory,
                  "memory_bandwidth_gb_s": bandwidth, "peak_tflops_fp16": fp16,
                  "peak_tops_int8": int8 or None, "tdp_w": tdp, "usd_per_hour": price or None,
                  "source": source or t("cost.dev.default_source"), "verified": False}
        with explain_errors():
            device_id = cached.save_device(fields, overwrite=overwrite)
        chosen = list(st.session_state.get("srv_targets", []))
        if device_id not in chosen and len(chosen) < 8:
            st.session_state["srv_targets"] = chosen + [device_id]
        st.success(t("cost.dev.saved", id=device_id), icon=":material/check_circle:")
    saved = cached.saved_devices()
    if saved:
        rows = []
        for device_id in saved:
            hw = cached.device_info(device_id)
            rows.append({"id": hw.id, t("cost.dev.memory"): hw.memory_gb,
                         t("cost.dev.bandwidth"): hw.memory_bandwidth_gb_s,
                         t("cost.dev.fp16"): hw.peak_tflops_fp16, t("cost.dev.price"): hw.usd_per_hour})
        st.dataframe(pd.DataFrame(rows), hide_index=True)


def reverse_answer(candidates, device_name: str, weights: str, min_speed: float) -> None:
    if not candidates:
        st.info(t("cost.srv.reverse_none", device=as_text(device_name), speed=fmt_number(min_speed), weights=weights))
        return
    best = candidates[0]
    model = cached.model_info(best.inputs["model"])
    st.success(t("cost.srv.reverse_answer", model=model.name, params=fmt_plain(model.params_b, 3),
                 device=device_name, weights=weights), icon=":material/check_circle:")
    c1, c2 = st.columns(2)
    with c1:
        band_metric(t("cost.decode"), Range.of(best, "decode_tokens_per_s"), unit="tok/s")
    with c2:
        band_metric(t("cost.col.total_memory_gb"), best.total_memory_gb, unit="GB")
    cols = [t("cost.model"), t("cost.params_b"), t("cost.col.total_memory_gb"), t("cost.decode"),
            t("cost.col.decode_tokens_per_s_low"), t("cost.col.decode_tokens_per_s_high")]
    models = cached.models()
    rows = []
    for c in candidates[:12]:
        spec = models.get(c.inputs["model"]) or cached.model_info(c.inputs["model"])
        rows.append((spec.name, spec.params_b, c.total_memory_gb, c.decode_tokens_per_s,
                     c.decode_tokens_per_s_low, c.decode_tokens_per_s_high))
    table = pd.DataFrame(rows, columns=cols)
    st.dataframe(table, hide_index=True, column_config=number_format(table))
