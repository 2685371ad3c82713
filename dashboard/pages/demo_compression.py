"""Demo lab: compression and sparsity for edge and mobile (models/compression/), and the cost
engine's projection of the compressed variants onto edge devices (dashboard/cached/compression.py)."""

import pandas as pd
import streamlit as st

from dashboard.cached import compression as cached
from dashboard.cached.sweeps import is_cached
from dashboard.charts import compression as charts
from dashboard.i18n import t
from dashboard.state import BIND
from dashboard.ui import explain_errors, note_metric, page_header

page_header("comp.title", "comp.intro")

with st.expander(t("demo.knobs"), expanded=True):
    c1, c2, c3 = st.columns(3)
    seed = c1.number_input(t("demo.seed"), 0, 9999, 0, key="comp_seed", bind=BIND)
    hidden = c2.select_slider(
        t("comp.knob.hidden"), [32, 64, 128, 256, 512], 128, key="comp_hidden", bind=BIND
    )
    epochs = c3.slider(t("comp.knob.epochs"), 5, 60, 20, 5, key="comp_epochs", bind=BIND)
    prune = c1.slider(t("comp.knob.prune"), 0.0, 0.95, 0.5, 0.05, key="comp_prune", bind=BIND)
    finetune = c2.slider(t("comp.knob.finetune"), 0, 10, 3, key="comp_finetune", bind=BIND)
    l1 = c3.select_slider(t("comp.knob.l1"), [0.0, 0.01, 0.03, 0.1, 0.3, 1.0], 0.3, key="comp_l1", bind=BIND)
    student = c1.select_slider(t("comp.knob.student"), [4, 8, 16, 32, 64], 16, key="comp_student", bind=BIND)
    labels = c2.select_slider(
        t("comp.knob.labels"),
        [0.02, 0.05, 0.1, 0.2, 0.5, 1.0],
        0.1,
        format_func=lambda v: f"{v:.0%}",
        key="comp_labels",
        bind=BIND,
    )
    temp = c3.slider(t("comp.knob.temperature"), 1.0, 10.0, 4.0, 0.5, key="comp_temp", bind=BIND)

knobs = dict(
    seed=int(seed),
    hidden_units=int(hidden),
    epochs=int(epochs),
    prune_amount=float(prune),
    finetune_epochs=int(finetune),
    l1_lambda=float(l1),
    student_hidden_units=int(student),
    student_label_fraction=float(labels),
    distill_temperature=float(temp),
)
with explain_errors(), st.spinner(t("demo.training")):
    res = cached.compression(**knobs)
fp32, int8 = res.variant("fp32"), res.variant("int8")
st.caption(
    t(
        "comp.data_note",
        n_train=res.n_train,
        n_test=res.n_test,
        baseline=f"{100 * res.majority_baseline_accuracy:.0f}",
        seconds=f"{res.run_time_s:.1f}",
    )
)

st.header(t("comp.h.quantization"), anchor="quantization")
st.markdown(t("comp.quantization_text"))
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("comp.metric.fp32_size"), f"{fp32.size_bytes / 1e3:.1f} kB")
note_metric(
    t("comp.metric.int8_size"),
    f"{int8.size_bytes / 1e3:.1f} kB",
    t("comp.metric.times_smaller", x=f"{fp32.size_bytes / int8.size_bytes:.2f}"),
    container=m2,
)
note_metric(
    t("comp.metric.int8_accuracy"),
    f"{100 * int8.accuracy:.1f}%",
    t("demo.points", d=f"{100 * (int8.accuracy - fp32.accuracy):+.1f}"),
    container=m3,
)
note_metric(
    t("comp.metric.int8_latency"),
    f"{1e3 * int8.latency_ms:.1f} µs",
    t("comp.metric.fp32_was", v=f"{1e3 * fp32.latency_ms:.1f} µs"),
    container=m4,
)
c1, c2 = st.columns(2)
c1.plotly_chart(charts.compression_size_accuracy(res), width="stretch")
c2.plotly_chart(charts.compression_sizes(res), width="stretch")

st.header(t("comp.h.pruning"), anchor="pruning")
st.markdown(t("comp.pruning_text"))
un, stc = res.variant("pruned-unstructured"), res.variant("pruned-structured")
p1, p2, p3, p4 = st.columns(4)
note_metric(
    t("comp.metric.unstructured_acc"),
    f"{100 * un.accuracy:.1f}%",
    t("demo.points", d=f"{100 * (un.accuracy - fp32.accuracy):+.1f}"),
    container=p1,
)
note_metric(
    t("comp.metric.unstructured_download"),
    f"{un.download_bytes / 1e3:.1f} kB",
    t("comp.metric.fp32_was", v=f"{fp32.download_bytes / 1e3:.1f} kB"),
    container=p2,
)
note_metric(
    t("comp.metric.structured_acc"),
    f"{100 * stc.accuracy:.1f}%",
    t("comp.metric.before_ft", v=f"{100 * stc.accuracy_before_finetune:.1f}%"),
    container=p3,
)
note_metric(
    t("comp.metric.structured_size"),
    f"{stc.size_bytes / 1e3:.1f} kB",
    t("comp.metric.flops_kept", pct=f"{100 * stc.gflops_per_input / fp32.gflops_per_input:.0f}"),
    container=p4,
)
st.plotly_chart(charts.compression_latency(res), width="stretch")

if st.button(t("comp.sweep_button"), key="comp_run_sweep") or is_cached("compression_sweep", **knobs):
    bar = st.progress(0.0, text=t("demo.sweep_running"))
    with explain_errors():
        sweep = cached.compression_sweep(progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg), **knobs)
    bar.empty()
    st.plotly_chart(charts.pruning_sweep(sweep), width="stretch")
else:
    sweep = None
    st.caption(t("comp.sweep_hint"))

st.header(t("comp.h.sparsity"), anchor="sparsity")
st.markdown(t("comp.sparsity_text"))
sp = res.variant("l1-sparse")
s1, s2, s3 = st.columns(3)
s1.metric(t("comp.metric.zero_share"), f"{100 * sp.sparsity:.0f}%")
note_metric(
    t("comp.metric.l1_acc"),
    f"{100 * sp.accuracy:.1f}%",
    t("demo.points", d=f"{100 * (sp.accuracy - fp32.accuracy):+.1f}"),
    container=s2,
)
note_metric(
    t("comp.metric.l1_download"),
    f"{sp.download_bytes / 1e3:.1f} kB",
    t("comp.metric.fp32_was", v=f"{fp32.download_bytes / 1e3:.1f} kB"),
    container=s3,
)
if sweep is not None:
    st.plotly_chart(charts.l1_sweep(sweep), width="stretch")

st.header(t("comp.h.distillation"), anchor="distillation")
st.markdown(t("comp.distillation_text", labels=f"{100 * labels:.0f}"))
plain, dist = res.variant("student"), res.variant("student-distilled")
d1, d2, d3 = st.columns(3)
d1.metric(t("comp.metric.student_plain"), f"{100 * plain.accuracy:.1f}%")
note_metric(
    t("comp.metric.student_distilled"),
    f"{100 * dist.accuracy:.1f}%",
    t("demo.points", d=f"{100 * (dist.accuracy - plain.accuracy):+.1f}"),
    container=d2,
)
note_metric(
    t("comp.metric.student_size"),
    f"{dist.size_bytes / 1e3:.1f} kB",
    t("comp.metric.times_smaller", x=f"{fp32.size_bytes / dist.size_bytes:.0f}"),
    container=d3,
)

table = pd.DataFrame(
    [
        {
            t("comp.col.variant"): charts.variant_label(v.variant),
            t("comp.col.accuracy_pct"): round(100 * v.accuracy, 1),
            t("comp.col.size_kb"): round(v.size_bytes / 1e3, 1),
            t("comp.col.download_kb"): round(v.download_bytes / 1e3, 1),
            t("comp.col.params"): v.params,
            t("comp.col.zero_pct"): round(100 * v.sparsity, 1),
            t("comp.col.mflops"): round(1e3 * v.gflops_per_input, 4),
            t("comp.col.latency_us"): round(1e3 * v.latency_ms, 1),
        }
        for v in res.variants
    ]
)
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(
    t("demo.download_csv"),
    table.to_csv(index=False),
    "compression_variants.csv",
    "text/csv",
    key="comp_dl",
)

st.header(t("comp.h.edge"), anchor="edge-projection")
st.markdown(t("comp.edge_text"))
ref = st.selectbox(
    t("comp.knob.reference"),
    ["resnet-50", "mobilenet-v3-large", "yolov8n", "this-mlp"],
    key="comp_ref",
    bind=BIND,
    help=t("comp.ref.help"),
)
with explain_errors():
    proj = cached.edge_projection(ref, **knobs)
st.plotly_chart(charts.edge_latency(proj), width="stretch")
ptable = pd.DataFrame(
    [
        {
            t("comp.col.variant"): charts.variant_label(p.variant),
            t("comp.col.device"): p.hardware,
            t("comp.col.format"): p.weights_format,
            t("comp.col.gflops"): round(p.gflops_per_input, 4),
            t("comp.col.weights_mb"): round(p.weights_mb, 3),
            t("comp.col.latency_ms"): round(p.latency_ms, 2),
            t("comp.col.latency_band"): f"{p.latency_ms_low:.2f}–{p.latency_ms_high:.2f}",
            t("comp.col.runtime"): p.runtime,
            t("comp.col.bound"): p.bound,
        }
        for p in proj
    ]
)
st.dataframe(ptable, hide_index=True, width="stretch")
st.caption(t("comp.edge_source"))
