"""Demo lab, finance: fraud is rare, so a plain model misses it; what each fix buys, in money.
Then credit scoring with a reason for every decision.

Inputs (all in the URL, prefix ``fin_``) -> cached model runs (dashboard.cached.finance) -> charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.cached import finance as cached
from dashboard.cached.sweeps import sweep_done
from dashboard.charts import finance as charts
from dashboard.charts.demo_lab import contributions, sweep_lines
from dashboard.i18n import t
from dashboard.ui import csv_download, explain_errors, page_header
from dashboard.url_registry import bound
from models.credit import CreditConfig
from models.fraud import METHODS, FraudConfig
from scenarios.units import fmt_usd

page_header("fin.title", "fin.intro")
NAMES = {m: t(f"fin.method.{m}") for m in METHODS}


def methods_table(result) -> pd.DataFrame:
    """One row per imbalance method of a fraud run (the built-in data's or an upload's)."""
    return pd.DataFrame([{
        t("fin.col.method"): NAMES[m.method], t("fin.col.threshold"): round(m.threshold, 3),
        t("fin.col.precision"): round(m.precision, 3), t("fin.col.recall"): round(m.recall, 3),
        t("fin.col.f1"): round(m.f1, 3), "ROC-AUC": round(m.roc_auc, 3), "PR-AUC": round(m.pr_auc, 3),
        t("fin.col.caught"): f"{m.tp} / {m.tp + m.fn}", t("fin.col.false_alarms"): m.fp,
    } for m in result.methods.values()])

with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    rate_pct = bound(c1.select_slider, t("fin.fraud_rate"), options=[0.1, 0.2, 0.5, 1.0, 2.0], value=0.5,
                                format_func=lambda v: f"{v:g} %", key="fin_rate",
                                help=t("fin.fraud_rate_help"))
    n_tx = bound(c2.select_slider, t("fin.n_tx"), options=[20_000, 40_000, 100_000, 200_000], value=40_000,
                            format_func=lambda v: f"{v:,}", key="fin_n")
    signal = bound(c3.slider, t("fin.signal"), 0.5, 2.5, 1.5, step=0.25, key="fin_signal",
                       help=t("fin.signal_help"))
    c1, c2, c3 = st.columns(3)
    cost_fn = bound(c1.number_input, t("fin.cost_fn"), 0.0, 100_000.0, 250.0, step=50.0, key="fin_cost_fn",
                              help=t("fin.cost_fn_help"))
    cost_fp = bound(c2.number_input, t("fin.cost_fp"), 0.0, 10_000.0, 5.0, step=1.0, key="fin_cost_fp",
                              help=t("fin.cost_fp_help"))
    seed = bound(c3.number_input, t("fin.seed"), 0, 10_000, 0, key="fin_seed")

cfg = FraudConfig(n_transactions=int(n_tx), fraud_rate=rate_pct / 100, cost_missed_fraud_usd=float(cost_fn),
                  cost_false_alarm_usd=float(cost_fp), signal_strength=float(signal), seed=int(seed))
with explain_errors(), st.spinner(t("fin.training")):
    res = cached.run_fraud(cfg)

# ------------------------------------------------------------------ class imbalance
st.header(t("fin.h.imbalance"), anchor="class-imbalance")
st.markdown(t("fin.imbalance_text", n_test=f"{res.n_test:,}", n_fraud=res.n_test_fraud))
table = methods_table(res)
st.dataframe(table, hide_index=True, width="stretch")
csv_download(t("fin.download"), table, "fraud_methods.csv")
st.caption(t("fin.metrics_source"))
c1, c2 = st.columns(2)
c1.plotly_chart(charts.pr_curves(res.pr_curves, NAMES, cfg.fraud_rate, t("fin.pr_title"), t("fin.recall"),
                                 t("fin.precision"), t("fin.chance")), width="stretch")
method = bound(c2.selectbox, t("fin.cm_method"), METHODS, format_func=NAMES.get, index=1, key="fin_cm")
m = res.methods[method]
c2.plotly_chart(charts.confusion(m.tn, m.fp, m.fn, m.tp, (t("fin.legit"), t("fin.fraud")),
                                 t("fin.cm_title", method=NAMES[method]), t("fin.predicted"), t("fin.actual")),
                width="stretch")

# ------------------------------------------------------------------ threshold tuning
st.header(t("fin.h.threshold"), anchor="threshold-tuning")
tuned = res.methods["threshold"]
st.markdown(t("fin.threshold_text", thr=f"{tuned.threshold:.3f}", ratio=f"{cfg.cost_missed_fraud_usd / max(cfg.cost_false_alarm_usd, 1e-9):,.0f}"))
st.plotly_chart(charts.threshold_curve(res.thresholds, res.precision_at, res.recall_at, res.cost_at_usd,
                                       tuned.threshold, {
                                           "precision": t("fin.precision"), "recall": t("fin.recall"),
                                           "cost": t("fin.cost_line"), "tuned": t("fin.tuned"),
                                           "cost_axis": t("fin.cost_axis"), "title": t("fin.threshold_title"),
                                           "x": t("fin.threshold_axis"), "y": t("fin.rate_axis")}),
                width="stretch")

# ------------------------------------------------------------------ money at stake
st.header(t("fin.h.money"), anchor="money-at-stake")
best = min(res.methods.values(), key=lambda r: r.total_cost_usd)
base = res.methods["baseline"]
c1, c2, c3 = st.columns(3)
c1.metric(t("fin.no_model"), f"${res.no_model_cost_usd:,.0f}", help=t("fin.no_model_help"))
c2.metric(t("fin.baseline_cost"), f"${base.total_cost_usd:,.0f}")
c3.metric(t("fin.best_cost", method=NAMES[best.method]), f"${best.total_cost_usd:,.0f}",
          delta=f"-${base.total_cost_usd - best.total_cost_usd:,.0f}", delta_color="inverse")
st.plotly_chart(charts.money_bars(
    [{"name": NAMES[r.method], "missed_usd": r.missed_fraud_usd, "false_alarm_usd": r.false_alarm_usd}
     for r in res.methods.values()], res.no_model_cost_usd,
    {"missed": t("fin.missed"), "false_alarm": t("fin.false_alarm"), "no_model": t("fin.no_model"),
     "title": t("fin.money_title", n=f"{res.n_test:,}"), "x": t("fin.col.method"), "y": t("fin.usd_axis")}),
    width="stretch")

with st.expander(t("fin.sweep_title"), icon=":material/stacked_line_chart:",
                 expanded=sweep_done("fraud", cached.fraud_sweep_key(cfg))):
    st.markdown(t("fin.sweep_text"))
    if st.button(t("fin.sweep_run"), key="fin_sweep_btn") or sweep_done("fraud", cached.fraud_sweep_key(cfg)):
        bar = st.progress(0.0, text=t("fin.sweep_progress"))
        with explain_errors():
            sweep = cached.fraud_rate_sweep(cfg, progress=lambda f: bar.progress(f, text=t("fin.sweep_progress")))
        bar.empty()
        rates = list(sweep)
        st.plotly_chart(sweep_lines(
            rates, {mm: [sweep[r].methods[mm].recall for r in rates] for mm in METHODS}, NAMES,
            t("fin.sweep_chart"), t("fin.fraud_rate_axis"), t("fin.recall")), width="stretch")

# ------------------------------------------------------------------ serving the scorer at a rate
st.header(t("fin.h.serving"), anchor="serving-at-a-rate")
st.markdown(t("fin.serving_text"))
c1, c2, c3 = st.columns(3)
scorer = bound(c1.selectbox, t("fin.scorer"), ["xgboost-500-trees", "tabular-mlp"], key="fin_scorer")
req_rate = bound(c2.number_input, t("fin.req_rate"), 1.0, 1_000_000.0, 2000.0, step=100.0, key="fin_req_rate")
limit_ms = bound(c3.number_input, t("fin.limit_ms"), 1.0, 10_000.0, 50.0, step=5.0, key="fin_limit_ms")
with explain_errors():
    cmp = cached.scoring_at_rate(scorer, float(req_rate), float(limit_ms))
    st.dataframe(pd.DataFrame([{
        t("fin.sv.option"): o.option, t("fin.sv.kind"): t(f"fin.sv.kind.{o.kind}"),
        t("fin.sv.latency"): None if o.latency_ms is None else round(o.latency_ms, 3),
        t("fin.sv.meets"): "" if o.meets_latency is None else (t("fin.sv.yes") if o.meets_latency else t("fin.sv.no")),
        t("fin.sv.devices"): o.devices_needed, t("fin.sv.usd_month"): fmt_usd(o.usd_per_month),
        t("fin.sv.right_sized"): "" if o.usd_per_month_right_sized is None else
        f"{fmt_usd(o.usd_per_month_right_sized)} ({o.vcpus_needed} vCPU)"} for o in cmp.options]),
        hide_index=True, width="stretch")
    st.markdown(t("fin.serving_answer", cheapest=cmp.cheapest or t("fin.sv.none")))
st.caption(t("fin.serving_note"))

# ------------------------------------------------------------------ credit reasons
st.header(t("fin.h.credit"), anchor="credit-reasons")
st.markdown(t("fin.credit_text"))
c1, c2 = st.columns(2)
applicant = bound(c1.number_input, t("fin.applicant"), 0, 1_799, 0, key="fin_applicant",
                            help=t("fin.applicant_help"))
max_pd = bound(c2.slider, t("fin.max_pd"), 0.05, 0.5, 0.15, step=0.01, key="fin_max_pd",
                   help=t("fin.max_pd_help"))
with explain_errors():
    cr = cached.run_credit(CreditConfig(max_default_probability=float(max_pd), applicant=int(applicant),
                                        seed=int(seed)))
feat = {f: t(f"fin.feat.{f}") for f in cr.contributions}
c1, c2, c3 = st.columns(3)
c1.metric(t("fin.decision"), t("fin.approved") if cr.approved else t("fin.declined"))
c2.metric(t("fin.pd"), f"{cr.default_probability:.1%}", help=t("fin.pd_help"))
c3.metric(t("fin.auc"), f"{cr.roc_auc:.3f}", help=t("fin.auc_help", acc=f"{cr.accuracy:.1%}",
                                                    maj=f"{cr.majority_accuracy:.1%}"))
if cr.reasons:
    label = t("fin.reasons_decline") if not cr.approved else t("fin.reasons_approve")
    st.markdown(f"**{label}**\n" + "\n".join(
        f"{i}. {feat[r]} = {cr.applicant_values[r]:,.2f} ({cr.contributions[r]:+.2f})"
        for i, r in enumerate(cr.reasons, 1)))
st.plotly_chart(contributions(cr.contributions, feat, t("fin.contrib_title"), t("fin.contrib_axis"), "",
                              t("fin.towards_default"), t("fin.towards_repay")), width="stretch")
st.caption(t("fin.portfolio", approve=f"{cr.approval_rate:.0%}", bad=f"{cr.default_rate_approved:.1%}",
             base=f"{cr.default_rate:.1%}"))

# ------------------------------------------------------------------ adopt it (issue 15)
from dashboard.adopt_panel import adopt_panel  # noqa: E402  (kept in the panel block, apart from the page's inputs)
from models.fraud import FEATURES  # noqa: E402

chosen = res.methods[method]
adopt_panel("fraud-screening", {
    "recall": chosen.recall, "false_positive_rate": chosen.fp / max(chosen.fp + chosen.tn, 1),
    "fraud_rate": (chosen.tp + chosen.fn) / res.n_test, "n_features": len(FEATURES)})

# ------------------------------------------------------------------ your own data (issue 15)
# One block, apart from the built-in demo: the four imbalance methods above on the visitor's CSV,
# with the page's costs; the rarer class of the label is the "fraud" one.
from dashboard.user_upload import run_or_refuse, tabular_upload  # noqa: E402

st.header(t("upload.title"), anchor="your-data")
upload = tabular_upload("fin", cached.sample_csv())
if upload is not None:
    mine = run_or_refuse(lambda: cached.fraud_upload(cfg, upload))
    if mine is not None:
        st.subheader(t("upload.fin_result"))
        st.dataframe(methods_table(mine), hide_index=True, width="stretch")
        c1, c2 = st.columns(2)
        c1.plotly_chart(charts.pr_curves(mine.pr_curves, NAMES, float(upload.y.mean()), t("fin.pr_title"),
                                         t("fin.recall"), t("fin.precision"), t("fin.chance")),
                        width="stretch", key="fin_upload_pr")
        mm = mine.methods[method]
        c2.plotly_chart(charts.confusion(mm.tn, mm.fp, mm.fn, mm.tp, (upload.negative_class, upload.positive_class),
                                         t("fin.cm_title", method=NAMES[method]), t("fin.predicted"),
                                         t("fin.actual")), width="stretch", key="fin_upload_cm")
