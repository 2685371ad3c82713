"""Demo lab, medical: why the model says "malignant", what privacy costs, and training across
hospitals without pooling records.

Inputs (all in the URL, prefix ``med_``) -> cached model runs (dashboard.cached.medical) -> charts.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard.cached import medical as cached
from dashboard.cached.sweeps import sweep_done
from dashboard.charts import medical as charts
from dashboard.charts.demo_lab import contributions, sweep_lines
from dashboard.i18n import t
from dashboard.ui import explain_errors, page_header
from dashboard.url_registry import bound
from models.medical import ExplainConfig
from models.medical_privacy import DPConfig, FedConfig

page_header("med.title", "med.intro")
seed = bound(st.number_input, t("med.seed"), 0, 10_000, 0, key="med_seed")

# ------------------------------------------------------------------ explainability
st.header(t("med.h.explain"), anchor="explainability")
st.markdown(t("med.explain_text"))
c1, c2 = st.columns(2)
reg_c = bound(c1.select_slider, t("med.c"), options=[0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0], value=0.1,
                         key="med_c", help=t("med.c_help"))
patient = bound(c2.number_input, t("med.patient"), 0, 170, 0, key="med_patient", help=t("med.patient_help"))
with explain_errors(), st.spinner(t("med.training")):
    ex = cached.run_explain(ExplainConfig(regularisation_c=float(reg_c), patient=int(patient), seed=int(seed)))
c1, c2, c3 = st.columns(3)
c1.metric(t("med.accuracy"), f"{ex.accuracy:.1%}", delta=t("med.vs_majority", maj=f"{ex.majority_accuracy:.1%}"),
          delta_color="off")
c2.metric(t("med.sensitivity"), f"{ex.recall_malignant:.1%}", help=t("med.sensitivity_help"))
c3.metric("ROC-AUC", f"{ex.roc_auc:.3f}")
c1, c2 = st.columns(2)
c1.plotly_chart(charts.importance_bars(ex.importance_mean, ex.importance_std, t("med.importance_title"),
                                       t("med.importance_axis"), ""), width="stretch")
shap = dict(ex.shap_log_odds)
shap[t("med.other_features")] = ex.shap_other_log_odds
truth = t("med.malignant") if ex.patient_label == 1 else t("med.benign")
c2.plotly_chart(contributions(shap, {}, t("med.shap_title", p=f"{ex.patient_probability:.1%}", truth=truth),
                              t("med.shap_axis"), "", t("med.towards_malignant"), t("med.towards_benign")),
                width="stretch")
st.caption(t("med.shap_check", base=f"{ex.base_log_odds:+.2f}", total=f"{ex.patient_log_odds:+.2f}"))

# ------------------------------------------------------------------ differential privacy
st.header(t("med.h.dp"), anchor="differential-privacy")
st.markdown(t("med.dp_text"))
EPS_OPTIONS = ["0.1", "0.3", "1", "3", "10", "none"]
c1, c2, c3 = st.columns(3)
eps_s = bound(c1.select_slider, t("med.epsilon"), options=EPS_OPTIONS, value="1", key="med_eps",
                         format_func=lambda v: t("med.no_privacy") if v == "none" else f"ε = {v}",
                         help=t("med.epsilon_help"))
clip = bound(c2.select_slider, t("med.clip"), options=[0.1, 0.5, 1.0, 2.0, 5.0], value=1.0, key="med_clip",
                        help=t("med.clip_help"))
dp_epochs = bound(c3.slider, t("med.dp_epochs"), 5, 60, 20, step=5, key="med_dp_epochs")
eps = math.inf if eps_s == "none" else float(eps_s)
dp_cfg = DPConfig(epsilon=eps, max_grad_norm=float(clip), epochs=int(dp_epochs), seed=int(seed))
with explain_errors(), st.spinner(t("med.dp_training")):
    dp = cached.run_dp(dp_cfg)
    plain = cached.run_dp(DPConfig(epsilon=math.inf, max_grad_norm=float(clip), epochs=int(dp_epochs), seed=int(seed)))
c1, c2, c3 = st.columns(3)
c1.metric(t("med.dp_accuracy"), f"{dp.accuracy:.1%}", delta=f"{(dp.accuracy - plain.accuracy) * 100:+.1f} pt",
          help=t("med.dp_accuracy_help", plain=f"{plain.accuracy:.1%}"))
c2.metric(t("med.sigma"), f"{dp.noise_multiplier:.2f}", help=t("med.sigma_help"))
c3.metric(t("med.eps_spent"), "∞" if math.isinf(dp.epsilon_spent) else f"{dp.epsilon_spent:.2f}",
          help=t("med.eps_spent_help"))
sweep_key = cached.dp_sweep_key(dp_cfg)
with st.container(border=True):
    st.markdown(t("med.sweep_text"))
    if st.button(t("med.sweep_run"), key="med_sweep_btn") or sweep_done("dp", sweep_key):
        bar = st.progress(0.0, text=t("med.sweep_progress"))
        with explain_errors():
            sweep = cached.dp_sweep(dp_cfg, progress=lambda f: bar.progress(f, text=t("med.sweep_progress")))
        bar.empty()
        finite = [e for e in sweep if math.isfinite(e)]
        fig = sweep_lines(finite, {"dp": [sweep[e].accuracy for e in finite]}, {"dp": t("med.dp_curve")},
                          t("med.sweep_chart"), t("med.epsilon_axis"), t("med.accuracy_axis"),
                          percent_x=False, log_x=True)
        fig.add_hline(y=sweep[math.inf].accuracy, line_dash="dash", annotation_text=t("med.no_privacy"))
        fig.add_hline(y=plain.majority_accuracy, line_dash="dot", annotation_text=t("med.majority"))
        st.plotly_chart(fig, width="stretch")

# ------------------------------------------------------------------ federated learning
st.header(t("med.h.fed"), anchor="federated-learning")
st.markdown(t("med.fed_text"))
c1, c2, c3, c4 = st.columns(4)
sites = bound(c1.slider, t("med.sites"), 2, 10, 5, key="med_sites")
alpha = bound(c2.select_slider, t("med.alpha"), options=[0.1, 0.3, 1.0, 3.0, 100.0], value=0.3, key="med_alpha", help=t("med.alpha_help"))
rounds = bound(c3.slider, t("med.rounds"), 5, 100, 30, step=5, key="med_rounds")
local = bound(c4.slider, t("med.local_epochs"), 1, 10, 2, key="med_local")
with explain_errors(), st.spinner(t("med.fed_training")):
    fed_cfg = FedConfig(n_hospitals=int(sites), non_iid_alpha=float(alpha), rounds=int(rounds),
                        local_epochs=int(local), seed=int(seed))
    fed = cached.run_fedavg(fed_cfg)
c1, c2, c3 = st.columns(3)
c1.metric(t("med.fed_acc"), f"{fed.federated_accuracy:.1%}",
          delta=f"{(fed.federated_accuracy - fed.centralised_accuracy) * 100:+.1f} pt", delta_color="off")
c2.metric(t("med.central_acc"), f"{fed.centralised_accuracy:.1%}")
c3.metric(t("med.local_acc"), f"{sum(fed.local_only_accuracy) / len(fed.local_only_accuracy):.1%}",
          help=t("med.local_acc_help"))
st.plotly_chart(charts.fed_rounds(fed.federated_by_round, fed.centralised_accuracy, fed.local_only_accuracy, {
    "federated": t("med.fedavg"), "centralised": t("med.centralised"), "local": t("med.local_only"),
    "site": t("med.site"), "title": t("med.fed_title"), "x": t("med.round_axis"), "y": t("med.accuracy_axis")}),
    width="stretch")
st.dataframe(pd.DataFrame({t("med.site"): range(1, len(fed.site_sizes) + 1),
                           t("med.site_patients"): fed.site_sizes,
                           t("med.site_malignant"): [f"{v:.0%}" for v in fed.site_malignant_share],
                           t("med.site_local_acc"): [f"{v:.1%}" for v in fed.local_only_accuracy]}),
             hide_index=True, width="stretch")

# ------------------------------------------------------------------ adopt it (issue 15)
from dashboard.adopt_panel import adopt_panel  # noqa: E402  (kept in the panel block, apart from the page's inputs)

adopt_panel("dp-sgd", {"epochs": dp_epochs, "accuracy_private": dp.accuracy, "accuracy_plain": plain.accuracy})
adopt_panel("fedavg", {"rounds": rounds, "local_epochs": local, "sites": sites,
                       "accuracy_federated": fed.federated_accuracy, "accuracy_central": fed.centralised_accuracy})

# ------------------------------------------------------------------ your own data (issue 15)
# One block, apart from the built-in demo: the explainability, DP-SGD and FedAvg runs above on the
# visitor's CSV, with the same knobs.
from dashboard.user_upload import run_or_refuse, tabular_upload  # noqa: E402

st.header(t("upload.title"), anchor="your-data")
upload = tabular_upload("med", cached.sample_csv())
if upload is not None:
    mine = run_or_refuse(lambda: cached.explain_upload(
        ExplainConfig(regularisation_c=float(reg_c), patient=int(patient), seed=int(seed)), upload))
    if mine is not None:
        st.subheader(t("upload.med_result"))
        c1, c2, c3 = st.columns(3)
        c1.metric(t("med.accuracy"), f"{mine.accuracy:.1%}",
                  delta=t("med.vs_majority", maj=f"{mine.majority_accuracy:.1%}"), delta_color="off")
        c2.metric(t("med.sensitivity"), f"{mine.recall_malignant:.1%}", help=t("med.sensitivity_help"))
        c3.metric("ROC-AUC", f"{mine.roc_auc:.3f}")
        c1, c2 = st.columns(2)
        c1.plotly_chart(charts.importance_bars(mine.importance_mean, mine.importance_std, t("med.importance_title"),
                                               t("med.importance_axis"), ""), width="stretch", key="med_upload_importance")
        shap = dict(mine.shap_log_odds)
        shap[t("med.other_features")] = mine.shap_other_log_odds
        truth = upload.positive_class if mine.patient_label == 1 else upload.negative_class
        c2.plotly_chart(contributions(shap, {}, t("med.shap_title", p=f"{mine.patient_probability:.1%}", truth=truth),
                                      t("med.shap_axis"), "", t("med.towards_malignant"), t("med.towards_benign")),
                        width="stretch", key="med_upload_shap")
        # DP-SGD and FedAvg on the same file, with the knobs set above
        with st.spinner(t("med.dp_training")):
            my_dp = run_or_refuse(lambda: cached.dp_upload(dp_cfg, upload))
            my_plain = run_or_refuse(lambda: cached.dp_upload(replace(dp_cfg, epsilon=math.inf), upload))
        if my_dp is not None and my_plain is not None:
            st.subheader(t("upload.med_dp_result"))
            c1, c2, c3 = st.columns(3)
            c1.metric(t("med.dp_accuracy"), f"{my_dp.accuracy:.1%}",
                      delta=f"{(my_dp.accuracy - my_plain.accuracy) * 100:+.1f} pt",
                      help=t("med.dp_accuracy_help", plain=f"{my_plain.accuracy:.1%}"))
            c2.metric(t("med.sigma"), f"{my_dp.noise_multiplier:.2f}", help=t("med.sigma_help"))
            c3.metric(t("med.eps_spent"), "∞" if math.isinf(my_dp.epsilon_spent) else f"{my_dp.epsilon_spent:.2f}",
                      help=t("med.eps_spent_help"))
            used = len(cached.privacy_rows(upload, int(seed))[1])
            st.caption(t("upload.med_dp_delta", delta=f"{my_dp.config.delta:.2g}", rows=f"{used:,}"))
            if used < len(upload.y):
                st.caption(t("upload.med_privacy_rows", used=f"{used:,}", rows=f"{len(upload.y):,}"))
        with st.spinner(t("med.fed_training")):
            my_fed = run_or_refuse(lambda: cached.fedavg_upload(fed_cfg, upload))
        if my_fed is not None:
            st.subheader(t("upload.med_fed_result"))
            c1, c2, c3 = st.columns(3)
            c1.metric(t("med.fed_acc"), f"{my_fed.federated_accuracy:.1%}",
                      delta=f"{(my_fed.federated_accuracy - my_fed.centralised_accuracy) * 100:+.1f} pt",
                      delta_color="off")
            c2.metric(t("med.central_acc"), f"{my_fed.centralised_accuracy:.1%}")
            c3.metric(t("med.local_acc"), f"{sum(my_fed.local_only_accuracy) / len(my_fed.local_only_accuracy):.1%}",
                      help=t("med.local_acc_help"))
