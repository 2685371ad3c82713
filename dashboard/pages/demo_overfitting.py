"""Demo lab, overfitting and generalisation: a small training set, what memorising looks like,
and what each remedy (dropout, weight decay, early stopping, augmentation, synthetic data) buys.

Inputs (all in the URL, prefix ``ovf_``) -> cached model runs (dashboard.cached.overfitting) -> charts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.cached import overfitting as cached
from dashboard.cached.sweeps import mark_swept, sweep_done
from dashboard.charts import overfitting as charts
from dashboard.i18n import t
from dashboard.ui import csv_download, explain_errors, page_header
from dashboard.url_registry import bound
from models.overfitting import SHIFT_KINDS, VARIANTS, OverfitConfig

page_header("ovf.title", "ovf.intro")
NAMES = {v: t(f"ovf.v.{v}") for v in VARIANTS}

with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    n_train = bound(c1.select_slider, t("ovf.n_train"), [50, 100, 150, 300, 600], value=150, key="ovf_n",
                               help=t("ovf.n_train_help"))
    noise_pct = bound(c2.select_slider, t("ovf.label_noise"), [0, 5, 10, 20, 30], value=10,
                                 format_func=lambda v: f"{v} %", key="ovf_noise",
                                 help=t("ovf.label_noise_help"))
    hidden = bound(c3.select_slider, t("ovf.hidden"), [16, 32, 64, 128, 256, 512], value=128, key="ovf_hidden", help=t("ovf.hidden_help"))
    c1, c2, c3 = st.columns(3)
    dropout = bound(c1.slider, t("ovf.dropout"), 0.0, 0.8, 0.5, step=0.1, key="ovf_dropout",
                        help=t("ovf.dropout_help"))
    wd = bound(c2.select_slider, t("ovf.wd"), [0.001, 0.003, 0.01, 0.03, 0.1], value=0.03, key="ovf_wd",
                          help=t("ovf.wd_help"))
    patience = bound(c3.select_slider, t("ovf.patience"), [5, 10, 15, 30, 60], value=15, key="ovf_patience",
                                help=t("ovf.patience_help"))
    c1, c2, c3 = st.columns(3)
    shift = bound(c1.selectbox, t("ovf.shift"), SHIFT_KINDS, format_func=lambda k: t(f"ovf.shift.{k}"),
                         key="ovf_shift", help=t("ovf.shift_help"))
    strength = bound(c2.slider, t("ovf.strength"), 0.0, 1.0, 0.5, step=0.1, key="ovf_strength")
    seed = bound(c3.number_input, t("ovf.seed"), 0, 10_000, 0, key="ovf_seed")

cfg = OverfitConfig(seed=int(seed), n_train=int(n_train), label_noise=noise_pct / 100, hidden_units=int(hidden),
                    dropout=float(dropout), weight_decay=float(wd), patience=int(patience), shift_kind=shift,
                    shift_strength=float(strength))
bar = st.progress(0.0, text=t("ovf.training"))
with explain_errors():
    res = cached.run_overfitting(cfg, progress=lambda f: bar.progress(f, text=t("ovf.training")))
bar.empty()
V = res.variants
rows = [{"name": NAMES[v], "variant": v, "train_acc": r.train_acc, "val_acc": r.val_acc, "test_acc": r.test_acc,
         "shifted_acc": r.shifted_acc, "gap": r.gap, "epochs": r.epochs_run} for v, r in V.items()]
BAR_LABELS = {"train_acc": t("ovf.train_acc"), "val_acc": t("ovf.val_acc"), "test_acc": t("ovf.test_acc"),
              "shifted_acc": t("ovf.shifted_acc")}


def sweep_block(kind: str, title_key: str, text_key: str, run):
    """An on-demand sweep: a button, a progress bar, and the cached result on reload."""
    done = sweep_done(kind, cfg)
    with st.expander(t(title_key), icon=":material/stacked_line_chart:", expanded=done):
        st.markdown(t(text_key))
        if st.button(t("ovf.run_sweep"), key=f"ovf_btn_{kind}") or done:
            pbar = st.progress(0.0, text=t("ovf.sweeping"))
            with explain_errors():
                out = run(lambda f: pbar.progress(f, text=t("ovf.sweeping")))
            pbar.empty()
            mark_swept(kind, cfg)
            return out
    return None


# ------------------------------------------------------------------ learning curves
st.header(t("ovf.h.curves"), anchor="learning-curves")
st.markdown(t("ovf.curves_text", n=res.n_train, noise=noise_pct))
c1, c2 = st.columns(2)
metric = bound(c1.segmented_control, t("ovf.metric"), ["loss", "acc"], default="loss",
                              format_func=lambda m: t(f"ovf.metric.{m}"), key="ovf_metric", required=True)
other = bound(c2.selectbox, t("ovf.compare"), [v for v in VARIANTS if v != "none"], index=3, format_func=NAMES.get,
                     key="ovf_compare")
st.plotly_chart(charts.epoch_curves({"none": V["none"].history, other: V[other].history}, NAMES, metric, {
    "train": t("ovf.train"), "val": t("ovf.val"), "title": t("ovf.curves_title"), "x": t("ovf.epoch_axis"),
    "y": t(f"ovf.metric.{metric}")}), width="stretch")
lc = sweep_block("learning_curve", "ovf.lc_title", "ovf.lc_text", lambda p: cached.learning_curve(cfg, progress=p))
if lc:
    st.plotly_chart(charts.sweep_rows(lc, "n_train", {"train_acc": (t("ovf.train"), "dot"),
                                                      "val_acc": (t("ovf.val"), "solid")}, NAMES, {
        "title": t("ovf.lc_chart"), "x": t("ovf.n_axis"), "y": t("ovf.acc_axis")}, log_x=True), width="stretch")

# ------------------------------------------------------------------ regularisation
st.header(t("ovf.h.reg"), anchor="regularisation")
st.markdown(t("ovf.reg_text"))
reg_rows = [r for r in rows if r["variant"] in ("none", "dropout", "weight_decay", "early_stopping", "all_three")]
c1, c2 = st.columns(2)
c1.plotly_chart(charts.gap_bars(reg_rows, {"title": t("ovf.gap_title"), "x": t("ovf.variant_axis"),
                                           "y": t("ovf.gap_axis")}), width="stretch")
c2.plotly_chart(charts.variant_bars(reg_rows, {**BAR_LABELS, "title": t("ovf.acc_title"),
                                               "x": t("ovf.variant_axis"), "y": t("ovf.acc_axis")}), width="stretch")
table = pd.DataFrame([{t("ovf.col.variant"): r["name"], t("ovf.train_acc"): round(r["train_acc"], 3),
                       t("ovf.val_acc"): round(r["val_acc"], 3), t("ovf.col.gap"): round(r["gap"], 3),
                       t("ovf.test_acc"): round(r["test_acc"], 3), t("ovf.shifted_acc"): round(r["shifted_acc"], 3),
                       t("ovf.col.epochs"): r["epochs"]} for r in rows])
st.dataframe(table, hide_index=True, width="stretch")
csv_download(t("ovf.download"), table, "overfitting_variants.csv")
ms = sweep_block("model_size", "ovf.ms_title", "ovf.ms_text", lambda p: cached.model_size_sweep(cfg, progress=p))
if ms:
    st.plotly_chart(charts.sweep_rows(ms, "params", {"gap": (t("ovf.col.gap"), "solid")}, NAMES, {
        "title": t("ovf.ms_chart"), "x": t("ovf.params_axis"), "y": t("ovf.gap_axis")}, log_x=True), width="stretch")

# ------------------------------------------------------------------ cross-validation
st.header(t("ovf.h.cv"), anchor="cross-validation")
st.markdown(t("ovf.cv_text"))
k = bound(st.select_slider, t("ovf.k"), [3, 5, 10], value=5, key="ovf_k")
done = sweep_done("cv", cfg, k)
if st.button(t("ovf.run_cv"), key="ovf_btn_cv") or done:
    pbar = st.progress(0.0, text=t("ovf.sweeping"))
    with explain_errors():
        cv = cached.cross_validate(cfg, int(k), progress=lambda f: pbar.progress(f, text=t("ovf.sweeping")))
    pbar.empty()
    mark_swept("cv", cfg, k)
    st.plotly_chart(charts.cv_folds(cv, NAMES, {"title": t("ovf.cv_chart", k=k), "x": t("ovf.variant_axis"),
                                                "y": t("ovf.fold_axis"), "test": t("ovf.test_star")}), width="stretch")
    for v in dict.fromkeys(r["variant"] for r in cv):
        accs = np.array([r["fold_val_acc"] for r in cv if r["variant"] == v])
        st.markdown(t("ovf.cv_summary", name=NAMES[v], mean=f"{accs.mean():.1%}", sd=f"{accs.std(ddof=1):.1%}",
                      lo=f"{accs.min():.1%}", hi=f"{accs.max():.1%}"))

# ------------------------------------------------------------------ augmentation
st.header(t("ovf.h.aug"), anchor="augmentation")
st.markdown(t("ovf.aug_text"))
aug_rows = [r for r in rows if r["variant"] in ("none", "augmentation", "synthetic")]
c1, c2, c3 = st.columns(3)
c1.metric(t("ovf.m.val", name=NAMES["none"]), f"{V['none'].val_acc:.1%}")
c2.metric(t("ovf.m.val", name=NAMES["augmentation"]), f"{V['augmentation'].val_acc:.1%}",
          delta=f"{100 * (V['augmentation'].val_acc - V['none'].val_acc):+.1f} pts")
c3.metric(t("ovf.m.val", name=NAMES["synthetic"]), f"{V['synthetic'].val_acc:.1%}",
          delta=f"{100 * (V['synthetic'].val_acc - V['none'].val_acc):+.1f} pts")
st.plotly_chart(charts.variant_bars(aug_rows, {**BAR_LABELS, "title": t("ovf.aug_title"),
                                               "x": t("ovf.variant_axis"), "y": t("ovf.acc_axis")}), width="stretch")

# ------------------------------------------------------------------ distribution shift
st.header(t("ovf.h.shift"), anchor="distribution-shift")
st.markdown(t("ovf.shift_text", kind=t(f"ovf.shift.{shift}"), strength=f"{strength:g}"))
c1, c2 = st.columns([1, 2])
c1.plotly_chart(charts.image_pair(res.shifted_example, {"title": t("ovf.example_title"),
                                                        "original": t("ovf.original"),
                                                        "shifted": t("ovf.shifted")}), width="stretch")
c2.plotly_chart(charts.variant_bars(
    rows, {**BAR_LABELS, "title": t("ovf.shift_title"), "x": t("ovf.variant_axis"), "y": t("ovf.acc_axis")},
    keys=("test_acc", "shifted_acc")), width="stretch")
drop = V["none"].test_acc - V["none"].shifted_acc
st.markdown(t("ovf.shift_summary", drop=f"{100 * drop:.0f}", aug=f"{100 * (V['augmentation'].test_acc - V['augmentation'].shifted_acc):.0f}"))
st.caption(t("ovf.data_note", majority=f"{res.majority_baseline:.0%}"))

# ------------------------------------------------------------------ adopt it (issue 15)
from dashboard.adopt_panel import adopt_panel  # noqa: E402  (kept in the panel block, apart from the page's inputs)

adopt_panel("early-stopping", {"epochs_run": V["early_stopping"].epochs_run, "epochs_max": cfg.epochs,
                               "accuracy_stopped": V["early_stopping"].test_acc, "accuracy_full": V["none"].test_acc})
