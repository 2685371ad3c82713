"""Demo lab: recommendation and sparsity (models/recommender.py)."""

import pandas as pd
import streamlit as st

from dashboard.cached import recommendation as cached
from dashboard.charts import recommendation as charts
from dashboard.demo_lab import on_demand_sweep
from dashboard.i18n import t
from dashboard.ui import csv_download, explain_errors, metric_row, page_header
from dashboard.url_registry import bound

page_header("rec.title", "rec.intro")

with st.expander(t("demo.knobs"), expanded=True):
    c1, c2, c3 = st.columns(3)
    seed = bound(c1.number_input, t("demo.seed"), 0, 9999, 0, key="rec_seed")
    density = bound(c2.select_slider,
        t("rec.knob.density"),
        [0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.2, 0.4],
        0.08,
        format_func=lambda v: f"{v:.0%}",
        key="rec_density",
    )
    noise = bound(c3.slider, t("rec.knob.noise"), 0.0, 1.5, 0.5, 0.1, key="rec_noise")
    factors = bound(c1.slider, t("rec.knob.factors"), 1, 20, 4, key="rec_factors")
    reg = bound(c2.select_slider, t("rec.knob.reg"), [0.1, 0.5, 1.0, 2.0, 5.0, 10.0], 2.0, key="rec_reg")
    cold_ratings = bound(c3.slider, t("rec.knob.cold_ratings"), 0, 10, 2, key="rec_cold")

knobs = dict(
    seed=int(seed),
    density=float(density),
    noise_std=float(noise),
    factors=int(factors),
    reg=float(reg),
    cold_ratings=int(cold_ratings),
)
with explain_errors(), st.spinner(t("demo.training")):
    res = cached.recommender(**knobs)
cfg = res.config
st.caption(
    t(
        "rec.data_note",
        users=cfg.n_users,
        cold=cfg.cold_users,
        items=cfg.n_items,
        rank=cfg.true_rank,
        ratings=f"{res.n_train_ratings:,}",
        density=f"{100 * res.observed_density:.1f}",
    )
)

st.header(t("rec.h.sparsity"), anchor="rating-sparsity")
st.markdown(t("rec.sparsity_text"))
metric_row(
    (t("rec.metric.rmse_mf"), f"{res.rmse_warm:.3f}"),
    (t("rec.metric.rmse_pop"), f"{res.rmse_item_mean_warm:.3f}"),
    (t("rec.metric.rmse_mean"), f"{res.rmse_global_mean_warm:.3f}"),
)
pts = on_demand_sweep("sparsity_sweep", cached.sparsity_sweep, knobs, button=t("rec.sweep_button"),
                      key="rec_run_sweep", hint=t("rec.sweep_hint"))
if pts is not None:
    st.plotly_chart(charts.sparsity_curve(pts), width="stretch")

st.header(t("rec.h.cold"), anchor="cold-start")
st.markdown(t("rec.cold_text", n=cold_ratings))
metric_row(
    (t("rec.metric.rmse_warm"), f"{res.rmse_warm:.3f}"),
    (t("rec.metric.rmse_cold"), f"{res.rmse_cold:.3f}",
     t("rec.metric.pop_cold", v=f"{res.rmse_item_mean_cold:.3f}")),
)
c1, c2 = st.columns(2)
c1.plotly_chart(charts.rmse_bars(res), width="stretch")
c2.plotly_chart(charts.rmse_by_history(res), width="stretch")

st.header(t("rec.h.topk"), anchor="top-k")
st.markdown(t("rec.topk_text"))
u1, u2 = st.columns(2)
user = bound(u1.number_input, t("rec.knob.user"), 0, cfg.n_users + cfg.cold_users - 1, 0, key="rec_user")
top_k = bound(u2.slider, t("rec.knob.top_k"), 3, 20, 10, key="rec_k")
with explain_errors():
    res_u = cached.recommender(**knobs, user_index=int(user), top_k=int(top_k))
kind = t("rec.user_cold") if res_u.user_is_cold else t("rec.user_warm")
st.caption(t("rec.user_note", user=int(user), kind=kind, n=res_u.user_history))
metric_row(
    (t("rec.metric.precision"), f"{100 * res_u.precision_at_k:.0f}%",
     t("rec.metric.pop_was", v=f"{100 * res_u.precision_at_k_popularity:.0f}%")),
    (t("rec.metric.mean_precision"), f"{100 * res_u.mean_precision_at_k:.0f}%",
     t("rec.metric.pop_was", v=f"{100 * res_u.mean_precision_at_k_popularity:.0f}%")),
)
table = pd.DataFrame(
    [
        {
            t("rec.col.rank"): n + 1,
            t("rec.col.item"): f"item-{it.item:03d}",
            t("rec.col.predicted"): round(it.predicted_rating, 2),
            t("rec.col.true"): round(it.true_expected_rating, 2),
            t("rec.col.in_true_top"): "✓" if it.in_true_top_k else "—",
        }
        for n, it in enumerate(res_u.top_k)
    ]
)
st.dataframe(table, hide_index=True, width="stretch")
csv_download(t("demo.download_csv"), table, f"top{top_k}_user{user}.csv", key="rec_dl")

# ------------------------------------------------------------------ adopt it (issue 15)
from dashboard.adopt_panel import adopt_panel  # noqa: E402  (kept in the panel block, apart from the page's inputs)

adopt_panel("cold-start-routing", {"cold_share": cfg.cold_users / (cfg.n_users + cfg.cold_users),
                                   "rmse_cold": res.rmse_cold, "rmse_warm": res.rmse_warm,
                                   "rmse_popularity_cold": res.rmse_item_mean_cold})
