"""Demo lab: compression and sparsity for edge and mobile (models/compression/), and the cost
engine's projection of the compressed variants onto edge devices (dashboard/cached/compression.py)."""

import pandas as pd
import streamlit as st

from dashboard.cached import compression as cached
from dashboard.charts import compression as charts
from dashboard.demo_lab import on_demand_sweep
from dashboard.i18n import t
from dashboard.ui import csv_download, explain_errors, metric_row, page_header
from dashboard.url_registry import bound

page_header("comp.title", "comp.intro")


def kb(size_bytes: float) -> str:
    return f"{size_bytes / 1e3:.1f} kB"


def pct(accuracy: float) -> str:
    return f"{100 * accuracy:.1f}%"


def points(variant, reference) -> str:
    """A variant's accuracy against a reference variant's, in percentage points."""
    return t("demo.points", d=f"{100 * (variant.accuracy - reference.accuracy):+.1f}")


with st.expander(t("demo.knobs"), expanded=True):
    c1, c2, c3 = st.columns(3)
    seed = bound(c1.number_input, t("demo.seed"), 0, 9999, 0, key="comp_seed")
    hidden = bound(c2.select_slider,
        t("comp.knob.hidden"), [32, 64, 128, 256, 512], 128, key="comp_hidden"
    )
    epochs = bound(c3.slider, t("comp.knob.epochs"), 5, 60, 20, 5, key="comp_epochs")
    prune = bound(c1.slider, t("comp.knob.prune"), 0.0, 0.95, 0.5, 0.05, key="comp_prune")
    finetune = bound(c2.slider, t("comp.knob.finetune"), 0, 10, 3, key="comp_finetune")
    l1 = bound(c3.select_slider, t("comp.knob.l1"), [0.0, 0.01, 0.03, 0.1, 0.3, 1.0], 0.3, key="comp_l1")
    student = bound(c1.select_slider, t("comp.knob.student"), [4, 8, 16, 32, 64], 16, key="comp_student")
    labels = bound(c2.select_slider,
        t("comp.knob.labels"),
        [0.02, 0.05, 0.1, 0.2, 0.5, 1.0],
        0.1,
        format_func=lambda v: f"{v:.0%}",
        key="comp_labels",
    )
    temp = bound(c3.slider, t("comp.knob.temperature"), 1.0, 10.0, 4.0, 0.5, key="comp_temp")

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
metric_row(
    (t("comp.metric.fp32_size"), kb(fp32.size_bytes)),
    (t("comp.metric.int8_size"), kb(int8.size_bytes),
     t("comp.metric.times_smaller", x=f"{fp32.size_bytes / int8.size_bytes:.2f}")),
    (t("comp.metric.int8_accuracy"), pct(int8.accuracy), points(int8, fp32)),
    (t("comp.metric.int8_latency"), f"{1e3 * int8.latency_ms:.1f} µs",
     t("comp.metric.fp32_was", v=f"{1e3 * fp32.latency_ms:.1f} µs")),
)
c1, c2 = st.columns(2)
c1.plotly_chart(charts.compression_size_accuracy(res), width="stretch")
c2.plotly_chart(charts.compression_sizes(res), width="stretch")

st.header(t("comp.h.pruning"), anchor="pruning")
st.markdown(t("comp.pruning_text"))
un, stc = res.variant("pruned-unstructured"), res.variant("pruned-structured")
metric_row(
    (t("comp.metric.unstructured_acc"), pct(un.accuracy), points(un, fp32)),
    (t("comp.metric.unstructured_download"), kb(un.download_bytes),
     t("comp.metric.fp32_was", v=kb(fp32.download_bytes))),
    (t("comp.metric.structured_acc"), pct(stc.accuracy),
     t("comp.metric.before_ft", v=pct(stc.accuracy_before_finetune))),
    (t("comp.metric.structured_size"), kb(stc.size_bytes),
     t("comp.metric.flops_kept", pct=f"{100 * stc.gflops_per_input / fp32.gflops_per_input:.0f}")),
)
st.plotly_chart(charts.compression_latency(res), width="stretch")

sweep = on_demand_sweep("compression_sweep", cached.compression_sweep, knobs, button=t("comp.sweep_button"),
                        key="comp_run_sweep", hint=t("comp.sweep_hint"))
if sweep is not None:
    st.plotly_chart(charts.pruning_sweep(sweep), width="stretch")

st.header(t("comp.h.sparsity"), anchor="sparsity")
st.markdown(t("comp.sparsity_text"))
sp = res.variant("l1-sparse")
metric_row(
    (t("comp.metric.zero_share"), f"{100 * sp.sparsity:.0f}%"),
    (t("comp.metric.l1_acc"), pct(sp.accuracy), points(sp, fp32)),
    (t("comp.metric.l1_download"), kb(sp.download_bytes),
     t("comp.metric.fp32_was", v=kb(fp32.download_bytes))),
)
if sweep is not None:
    st.plotly_chart(charts.l1_sweep(sweep), width="stretch")

st.header(t("comp.h.distillation"), anchor="distillation")
st.markdown(t("comp.distillation_text", labels=f"{100 * labels:.0f}"))
plain, dist = res.variant("student"), res.variant("student-distilled")
metric_row(
    (t("comp.metric.student_plain"), pct(plain.accuracy)),
    (t("comp.metric.student_distilled"), pct(dist.accuracy), points(dist, plain)),
    (t("comp.metric.student_size"), kb(dist.size_bytes),
     t("comp.metric.times_smaller", x=f"{fp32.size_bytes / dist.size_bytes:.0f}")),
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
csv_download(t("demo.download_csv"), table, "compression_variants.csv", key="comp_dl"
)

st.header(t("comp.h.edge"), anchor="edge-projection")
st.markdown(t("comp.edge_text"))
ref = bound(st.selectbox,
    t("comp.knob.reference"),
    ["resnet-50", "mobilenet-v3-large", "yolov8n", "this-mlp"],
    key="comp_ref",
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

# ------------------------------------------------------------------ adopt it (issue 15)
from dashboard.adopt_panel import adopt_panel  # noqa: E402  (kept in the panel block, apart from the page's inputs)

# ids as options (no translated format_func): a bound widget writes its shown label to the URL
adopt_variant = bound(st.selectbox, t("comp.adopt_variant"), ["pruned-structured", "student-distilled", "int8",
                                                      "pruned-unstructured"], key="comp_adopt_variant")
chosen, full = res.variant(adopt_variant), res.variant("fp32")
adopt_panel("compression", {"flops_kept": chosen.gflops_per_input / full.gflops_per_input,
                            "params_kept": chosen.params / full.params,
                            "int8": 1.0 if chosen.weights_format == "int8" else 0.0})
