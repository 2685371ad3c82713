"""Cost explorer, serving: one model on several targets, side by side.

Inputs (all in the URL, prefix ``srv_``) -> one cached engine call per target set
(dashboard.cached.cost) -> cards, charts, tables. The page computes no figure itself.
"""

from __future__ import annotations

import streamlit as st

from dashboard import cost_view as view
from dashboard.cached import cost as cached
from dashboard.charts import cost as charts
from dashboard.i18n import t
from dashboard.ui import as_text, band_metric, error_text, explain_errors, fmt_number, page_header
from dashboard.url_registry import bound
from scenarios.errors import VentureLabError
from scenarios.units import Range, fmt_plain

DEFAULT_MODEL = "llama-3.1-8b"
DEFAULT_WEIGHTS = "int4"
# GPU in the datacenter, a cheap inference GPU, an edge board, a laptop, a phone.
DEFAULT_TARGETS = ["nvidia-h100-sxm", "nvidia-l4", "nvidia-jetson-agx-orin-64gb",
                   "apple-m2-max-38c", "qualcomm-snapdragon-8-gen-3"]
MAX_TARGETS = 8
CHARTS = ["memory", "speed", "latency", "cost", "energy", "roofline"]

page_header("cost.srv.title", "cost.srv.intro")
hardware = cached.hardware()
saved = cached.saved_devices()
device_ids = list(hardware) + [d for d in saved if d not in hardware]
formats = list(cached.formats())


def device_label(device_id: str) -> str:
    hw = hardware.get(device_id)
    return hw.name if hw else t("cost.custom_device", name=device_id)


# ---------------------------------------------------------------- inputs
with st.container(border=True):
    c1, c2, c3 = st.columns([1.2, 2, 1])
    source = bound(c1.segmented_control, t("cost.srv.model_source"), ["catalog", "upload"],
                                  format_func=lambda s: t(f"cost.srv.source.{s}"), default="catalog",
                                  required=True, key="srv_src")
    if source == "upload":
        upload = c2.file_uploader(t("cost.srv.upload"), type=["json"], key="srv_upload", max_upload_size=2,
                                  help=t("cost.srv.upload_help"))
    else:
        llms = cached.llm_ids()
        model_id = bound(c2.selectbox, t("cost.model"), llms, index=llms.index(DEFAULT_MODEL) if DEFAULT_MODEL in llms else 0,
                                format_func=lambda m: cached.models()[m].name, key="srv_model")
    weights = bound(c3.selectbox, t("cost.srv.weights"), formats,
                           index=formats.index(DEFAULT_WEIGHTS) if DEFAULT_WEIGHTS in formats else 0,
                           key="srv_weights", help=t("cost.srv.weights_help"))
    c1, c2, c3, c4 = st.columns(4)
    prompt_tokens = bound(c1.number_input, t("cost.srv.prompt"), 0, 1_000_000, 512, step=128, key="srv_prompt")
    output_tokens = bound(c2.number_input, t("cost.srv.output"), 0, 1_000_000, 128, step=64, key="srv_output")
    batch = bound(c3.number_input, t("cost.srv.batch"), 1, 4096, 1, key="srv_batch",
                            help=t("cost.srv.batch_help"))
    utilisation = bound(c4.slider, t("cost.srv.util"), 0.05, 1.0, 0.5, step=0.05, key="srv_util",
                            help=t("cost.srv.util_help"))
    load = bound(c1.segmented_control, t("cost.srv.load"), ["batch", "rate"], format_func=lambda s: t(f"cost.srv.load.{s}"),
                                default="batch", required=True, key="srv_load")
    devices = bound(c3.number_input, t("cost.srv.devices"), 1, 64, 1, key="srv_devices",
                              help=t("cost.srv.devices_help"))
    rate = None
    if load == "rate":
        rate = bound(c2.number_input, t("cost.srv.rate"), 0.01, 1e6, 10.0, key="srv_rate",
                               help=t("cost.srv.rate_help"))

    with st.expander(t("cost.srv.custom_title"), icon=":material/add_circle:"):
        view.custom_device_form(hardware)
        saved = cached.saved_devices()
        device_ids = list(hardware) + [d for d in saved if d not in hardware]
    targets = bound(st.multiselect, t("cost.srv.targets"), device_ids, default=DEFAULT_TARGETS,
                             format_func=device_label, max_selections=MAX_TARGETS, key="srv_targets",
                             help=t("cost.srv.targets_help"))
    with st.expander(t("cost.srv.prices_title"), icon=":material/sell:"):
        prices = view.price_overrides(targets, hardware)

if not targets:
    st.info(t("cost.srv.pick_targets"))
    st.stop()

with explain_errors():
    if source == "upload":
        if upload is None:
            st.info(t("cost.srv.upload_prompt"))
            st.stop()
        model_ref = cached.model_from_upload(upload.getvalue(), upload.name)
    else:
        model_ref = model_id
    model = cached.model_info(model_ref)
    results = cached.serving_side_by_side(
        model_ref, tuple(targets), weights, int(prompt_tokens), int(output_tokens), int(batch),
        float(utilisation), tuple(sorted(prices.items())), float(rate) if rate else None,
        cached.device_mtimes(tuple(targets)), int(devices))

# ---------------------------------------------------------------- side by side
st.subheader(t("cost.srv.results_title", model=model.name, params=fmt_plain(model.params_b, 3)),
             anchor="side-by-side")
for r in results:
    if r.error:
        st.warning(t("cost.srv.target_error", device=as_text(device_label(r.device_id)), message=error_text(r.error)),
                   icon=":material/warning:")
if any(r.estimate is not None and not r.estimate.within_context for r in results):
    st.warning(t("cost.srv.beyond_context", tokens=int(prompt_tokens) + int(output_tokens),
                 context=model.context_length), icon=":material/warning:")
ok = [r for r in results if r.estimate is not None]
if not ok:
    st.stop()
cols = st.columns(min(len(ok), 5))
for i, r in enumerate(ok):
    e = r.estimate
    with cols[i % len(cols)].container(border=True):
        st.markdown(f"**{as_text(charts.short_name(r.device))}**  \n{view.fit_badge(r)}")
        band_metric(t("cost.decode"), Range.of(e, "decode_tokens_per_s"), unit="tok/s",
                    help=t("cost.decode_help"))
        band_metric(t("cost.usd_per_m"), Range.of(e, "usd_per_million_tokens"), unit="$",
                    help=t("cost.usd_per_m_help"))
        power_cost = e.electricity_usd_per_million_tokens
        if e.usd_per_million_tokens is None and power_cost is not None:
            st.caption(t("cost.srv.electricity_only", usd=fmt_number(power_cost)))
        if e.battery_pct_per_1k_tokens is not None:  # phones: what a user's battery pays
            band_metric(t("cost.battery"), Range.of(e, "battery_pct_per_1k_tokens"), unit="%",
                        help=t("cost.battery_help"))

rows = view.chart_rows(ok)
# One chart at a time, chosen in the URL: a link can point at the roofline, and a rerun
# builds one figure instead of six.
chart = bound(st.segmented_control, t("cost.srv.chart"), CHARTS, format_func=lambda c: t(f"cost.tab.{c}"),
                             default="memory", required=True, key="srv_chart")
if chart == "memory":
    st.plotly_chart(charts.memory_chart(rows), key="srv_fig_memory",
                    config=charts.png_config("serving-memory"))
    st.caption(t("cost.srv.memory_note"))
elif chart == "speed":
    st.plotly_chart(charts.band_bars(rows, [("decode_tokens_per_s", t("cost.decode")),
                                            ("throughput_tokens_per_s", t("cost.throughput"))],
                                     "cost.chart.speed_title", "cost.chart.tok_s_axis", "tok/s"), key="srv_fig_speed",
                    config=charts.png_config("serving-speed"))
elif chart == "latency":
    st.plotly_chart(charts.band_bars(rows, [("ttft_ms", t("cost.ttft")), ("tpot_ms", t("cost.tpot"))],
                                     "cost.chart.latency_title", "cost.chart.ms_axis", "ms"), key="srv_fig_latency",
                    config=charts.png_config("serving-latency"))
elif chart == "cost":
    priced = [r for r in rows if r.get("usd_per_million_tokens") is not None]
    if priced:
        st.plotly_chart(charts.band_bars(priced, [("usd_per_million_tokens", t("cost.usd_per_m"))],
                                         "cost.chart.usd_title", "cost.chart.usd_axis", "$"), key="srv_fig_usd",
                    config=charts.png_config("serving-usd"))
    else:
        st.info(t("cost.srv.no_prices"))
elif chart == "energy":
    st.plotly_chart(charts.band_bars(rows, [("energy_j_per_token", t("cost.energy"))],
                                     "cost.chart.energy_title", "cost.chart.j_axis", "J"), key="srv_fig_energy",
                    config=charts.png_config("serving-energy"))
else:
    st.plotly_chart(charts.roofline_chart(view.roofline_points(ok)), key="srv_fig_roofline",
                    config=charts.png_config("serving-roofline"))
    st.caption(t("cost.srv.roofline_note"))

st.subheader(t("cost.srv.table_title"), anchor="results-table")
table = view.results_table(ok)
shown = view.translated(table)
st.dataframe(shown, hide_index=True, column_config=view.number_format(shown))
st.download_button(t("cost.download_csv"), table.to_csv(index=False).encode("utf-8"),
                   file_name="serving-estimates.csv", mime="text/csv", on_click="ignore",
                   icon=":material/download:")
with st.expander(t("cost.assumptions"), icon=":material/fact_check:"):
    st.dataframe(view.assumptions_table(ok), hide_index=True)

# ---------------------------------------------------------------- reverse question
st.subheader(t("cost.srv.reverse_title"), anchor="largest-model")
c1, c2 = st.columns(2)
rev_device = bound(c1.selectbox, t("cost.srv.reverse_device"), device_ids, format_func=device_label,
                          index=device_ids.index("nvidia-jetson-agx-orin-64gb") if "nvidia-jetson-agx-orin-64gb" in device_ids else 0,
                          key="srv_rev_hw")
rev_speed = bound(c2.number_input, t("cost.srv.reverse_speed"), 0.1, 100_000.0, 20.0, key="srv_rev_tps")
with explain_errors():
    try:
        candidates = cached.largest_model(rev_device, weights, float(rev_speed), int(prompt_tokens),
                                          int(output_tokens))
    except VentureLabError:
        raise
    except Exception as err:  # noqa: BLE001 - an engine bug must not take the page down
        st.error(t("cost.srv.engine_failed", error=type(err).__name__), icon=":material/error:")
        st.stop()
view.reverse_answer(candidates, device_label(rev_device), weights, rev_speed)
