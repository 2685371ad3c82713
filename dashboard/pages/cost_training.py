"""Cost explorer, training and fine-tuning: model x tokens x devices -> hours, days, $,
energy, CO2 and memory per device, with bands. Inputs in the URL (prefix ``trn_``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cost_view as view
from dashboard.cached import cost as cached
from dashboard.charts import cost as charts
from dashboard.i18n import t
from dashboard.ui import band_metric, explain_errors, page_header
from dashboard.url_registry import bound
from scenarios.units import Range, fmt_plain, fmt_si

DEFAULT_MODEL = "llama-3.1-8b"
DEFAULT_DEVICE = "nvidia-h100-sxm"

page_header("cost.trn.title", "cost.trn.intro")
hardware = cached.hardware()
llms = cached.llm_ids()
device_ids = [h.id for h in hardware.values() if h.category in ("datacenter-gpu", "workstation-gpu")]
device_ids += [h.id for h in hardware.values() if h.id not in device_ids]
device_ids += [d for d in cached.saved_devices() if d not in hardware]

with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    model_id = bound(c1.selectbox, t("cost.model"), llms, index=llms.index(DEFAULT_MODEL) if DEFAULT_MODEL in llms else 0,
                            format_func=lambda m: cached.models()[m].name, key="trn_model")
    device_id = bound(c2.selectbox, t("cost.trn.device"), device_ids, index=device_ids.index(DEFAULT_DEVICE)
                             if DEFAULT_DEVICE in device_ids else 0,
                             format_func=lambda d: hardware[d].name if d in hardware else d,
                             key="trn_hw")
    tokens_b = bound(c3.number_input, t("cost.trn.tokens"), 0.001, 1_000_000.0, 1000.0, step=100.0,
                               key="trn_tokens_b", help=t("cost.trn.tokens_help"))
    c1, c2, c3, c4 = st.columns(4)
    devices = bound(c1.number_input, t("cost.trn.devices"), 1, 100_000, 64, key="trn_devices")
    mfu = bound(c2.number_input, t("cost.trn.mfu"), 0.01, 1.0, value=None, step=0.05, key="trn_mfu",
                          placeholder=t("cost.trn.mfu_default"), help=t("cost.trn.mfu_help"))
    price = bound(c3.number_input, t("cost.trn.price"), 0.0, 10_000.0, value=None, step=0.1, key="trn_price", placeholder=t("cost.trn.price_default"), help=t("cost.trn.price_help"))
    zero = bound(c4.selectbox, t("cost.trn.zero"), [0, 1, 2, 3], index=1, key="trn_zero",
                        help=t("cost.trn.zero_help"))
    ckpt = bound(st.toggle, t("cost.trn.ckpt"), value=True, key="trn_ckpt", help=t("cost.trn.ckpt_help"))

args = (model_id, device_id, float(tokens_b) * 1e9, int(devices), mfu, price, int(zero), bool(ckpt))
with explain_errors(), st.spinner(t("cost.trn.working")):
    est = cached.training_estimate(*args)
    sweeps = cached.training_sweeps(*args)

st.subheader(t("cost.trn.results_title"), anchor="training-estimate")
st.caption(t("cost.trn.flops", flops=fmt_si(est.training_flops, "FLOP"), mfu=f"{est.mfu_used:.2f}",
             low=f"{est.mfu_low:.2f}", high=f"{est.mfu_high:.2f}",
             basis=t("cost.trn.mfu_given") if mfu is not None else (
                 t("cost.trn.mfu_fitted") if est.mfu_calibrated else t("cost.trn.mfu_borrowed"))))
c1, c2, c3 = st.columns(3)
with c1:
    band_metric(t("cost.trn.hours"), Range.of(est, "accelerator_hours"), unit="h")
with c2:
    band_metric(t("cost.trn.days"), Range.of(est, "wall_clock_days"), unit=t("cost.trn.days_unit"))
with c3:
    band_metric(t("cost.trn.cost"), Range.of(est, "cost_usd"), unit="$",
                help=None if est.cost_usd is not None else t("cost.trn.no_price"))
c1, c2, c3 = st.columns(3)
with c1:
    band_metric(t("cost.trn.energy"), Range.of(est, "energy_kwh"), unit="kWh")
with c2:
    band_metric(t("cost.trn.co2"), Range.of(est, "co2_kg"), unit="kg")
with c3:
    band_metric(t("cost.trn.memory"), est.memory_per_device_gb, unit="GB",
                help=t("cost.trn.memory_help", gb=fmt_plain(cached.device_info(device_id).memory_gb, 3)))
if not est.fits:
    st.warning(t("cost.trn.no_fit"), icon=":material/memory:")

st.subheader(t("cost.trn.curves_title"), anchor="cost-curves")
c1, c2 = st.columns(2)
by_tok, by_dev = sweeps.by_tokens, sweeps.by_devices
cost_field = "cost_usd" if est.cost_usd is not None else "accelerator_hours"
y_key = "cost.chart.cost_axis" if cost_field == "cost_usd" else "cost.chart.hours_axis"
with c1:
    st.plotly_chart(charts.band_line(
        [tk / 1e9 for tk, _ in by_tok], *[[getattr(e, cost_field + s) for _, e in by_tok] for s in ("", "_low", "_high")],
        "cost.chart.vs_tokens_title", "cost.chart.tokens_axis", y_key, marker_x=float(tokens_b)), key="trn_fig_tokens",
                    config=charts.png_config("training-tokens"))
with c2:
    st.plotly_chart(charts.band_line(
        [d for d, _ in by_dev], *[[getattr(e, "wall_clock_days" + s) for _, e in by_dev] for s in ("", "_low", "_high")],
        "cost.chart.vs_devices_title", "cost.chart.devices_axis", "cost.chart.days_axis",
        marker_x=float(devices)), key="trn_fig_devices",
                    config=charts.png_config("training-devices"))
st.caption(t("cost.trn.curves_note"))

st.subheader(t("cost.trn.memory_title"), anchor="memory-per-device")
mem_rows = [{"label": t("cost.trn.zero_stage", stage=z), "memory_gb": e.memory_per_device_gb, "fits": e.fits,
             "hours": e.accelerator_hours, "hours_low": e.accelerator_hours_low, "hours_high": e.accelerator_hours_high}
            for z, e in sweeps.zero.items()]
mem_rows += [{"label": t(f"cost.trn.method.{m}"), "memory_gb": f.memory_gb, "fits": f.fits,
              "hours": f.hours, "hours_low": f.hours_low, "hours_high": f.hours_high}
             for m, f in sweeps.finetune.items()]
st.plotly_chart(charts.memory_methods_chart(mem_rows, cached.device_info(device_id).memory_gb), key="trn_fig_memory",
                    config=charts.png_config("training-memory"))
st.caption(t("cost.trn.memory_note"))
table = pd.DataFrame([{t("cost.trn.setup"): r["label"], t("cost.trn.col.memory_gb"): r["memory_gb"],
                       t("cost.col.fits"): r["fits"], t("cost.trn.col.hours"): r["hours"],
                       t("cost.trn.col.hours_low"): r["hours_low"], t("cost.trn.col.hours_high"): r["hours_high"]}
                      for r in mem_rows])
st.dataframe(table, hide_index=True, column_config=view.number_format(table))
with st.expander(t("cost.assumptions"), icon=":material/fact_check:"):
    st.dataframe(pd.DataFrame([{t("cost.assumption"): a.name, t("cost.value"): str(a.value),
                                t("cost.unit"): a.unit, t("cost.source"): a.source} for a in est.assumptions]),
                 hide_index=True)
    st.download_button(t("cost.download_csv"), pd.DataFrame([est.to_dict()]).to_csv(index=False).encode("utf-8"),
                       file_name="training-estimate.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:")
