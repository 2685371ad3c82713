"""Opportunity scoring: weights (bound to the URL) and scores (editable) -> ranking, bubbles, robustness."""

import pandas as pd
import streamlit as st

from dashboard.cached import atlas as cached
from dashboard.charts import atlas as charts
from dashboard.i18n import current_language, pick, t
from dashboard.ui import explain_errors, fmt_number, page_header
from dashboard.url_registry import bound

lang = current_language()
page_header("opp.title", "opp.intro")
defaults = cached.opportunity_defaults()
atlas = cached.atlas()
names = {d.id: pick(d.name, lang) for d in atlas.domains}
crit_names = {c.id: pick(c.name, lang) for c in defaults.criteria}

st.subheader(t("opp.weights"), anchor="weights")
weights: dict[str, float] = {}
cols = st.columns(3)
for i, c in enumerate(defaults.criteria):
    with cols[i % 3]:
        weights[c.id] = bound(st.slider, crit_names[c.id], 0, 100, int(round(c.weight * 100)), step=5,
                                  key=f"opp_w_{c.id.replace('-', '_')}",
                                  help=pick(c.note, lang))

with st.spinner(t("opp.running_engine")), explain_errors():
    compute_scores, compute_usd = cached.headline_compute_scores()

st.subheader(t("opp.scores"), anchor="scores")
st.caption(t("opp.scores_help"))
base = defaults.scores.copy()
base["compute-cost"] = pd.Series(compute_scores)
base = base[[c.id for c in defaults.criteria]]
shown = base.rename(index=names, columns=crit_names)
edited = st.data_editor(
    shown, key="opp_scores", width="stretch",
    column_config={crit_names[c.id]: st.column_config.NumberColumn(min_value=0.0, max_value=5.0, step=0.5,
                                                                  help=pick(c.note, lang))
                   for c in defaults.criteria},
)
scores = edited.rename(index={v: k for k, v in names.items()},
                       columns={v: k for k, v in crit_names.items()}).astype(float)

with st.expander(t("opp.robust.settings")):
    r1, r2, r3 = st.columns(3)
    concentration = bound(r1.slider, t("opp.robust.concentration"), 0, 100, 20, step=5, key="opp_spread", help=t("opp.robust.concentration_help"))
    n_samples = bound(r2.selectbox, t("opp.robust.samples"), [1000, 5000, 20000], index=1, key="opp_samples")
    seed = bound(r3.number_input, t("opp.robust.seed"), 0, 10_000, 0, step=1, key="opp_seed")

with explain_errors():
    if sum(weights.values()) <= 0:
        from scenarios.errors import VentureLabError
        raise VentureLabError("weights", "must not all be zero")
    key = tuple(sorted(weights.items()))
    ranking = cached.ranking(scores, key)
    robust = cached.robustness(scores, key, int(n_samples), float(concentration), int(seed))

st.subheader(t("opp.ranking"), anchor="ranking")
table = ranking.table.assign(
    name=lambda df: df["domain"].map(names),
    p_top3=lambda df: 100 * df["domain"].map(robust.p_top_k),
)[["rank", "name", "total", "impact", "feasibility", "p_top3", "domain"]]
st.dataframe(
    table, hide_index=True, width="stretch",
    column_config={
        "rank": st.column_config.NumberColumn(t("opp.col.rank")),
        "name": st.column_config.TextColumn(t("opp.col.domain")),
        "total": st.column_config.ProgressColumn(t("opp.col.total"), min_value=0, max_value=100, format="%.1f"),
        "impact": st.column_config.NumberColumn(t("opp.col.impact"), format="%.1f"),
        "feasibility": st.column_config.NumberColumn(t("opp.col.feasibility"), format="%.1f"),
        "p_top3": st.column_config.NumberColumn(t("opp.col.p_top3"), format="%.0f%%"),
        "domain": st.column_config.TextColumn(t("opp.col.id")),
    },
)
st.download_button(t("opp.csv"), table.to_csv(index=False).encode("utf-8"), file_name="opportunity_ranking.csv",
                   mime="text/csv", key="opp_csv")

st.plotly_chart(charts.opportunity_bubbles(ranking, robust, names, lang), width="stretch")
st.subheader(t("opp.robust.heading"), anchor="robustness")
st.plotly_chart(charts.robustness_bars(robust, names, lang), width="stretch")
st.caption(t("opp.robust.explain", n=robust.n_samples, c=concentration, seed=seed))

st.subheader(t("opp.assumptions"), anchor="assumptions")
for d in atlas.domains:
    usd = compute_usd.get(d.id)
    cost = t("opp.compute_from_engine", usd=fmt_number(usd), preset=d.headline_preset)
    st.markdown(f"- **{names[d.id]}** — {pick(defaults.rationale[d.id], lang)} *{cost}*")
st.caption(t("opp.source"))
