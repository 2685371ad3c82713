"""Demo lab, games: catching cheaters without labels, and an agent that learns a game.

Inputs (all in the URL, prefix ``game_``) -> cached model runs (dashboard.cached.games) -> charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.cached import games as cached
from dashboard.charts import games as charts
from dashboard.i18n import t
from dashboard.ui import csv_download, explain_errors, page_header
from dashboard.url_registry import bound
from models.games import CHEAT_TYPES, FEATURES, CheatConfig
from models.games_rl import ARROWS, MAPS, GridConfig

page_header("game.title", "game.intro")
KINDS = {k: t(f"game.kind.{k}") for k in ("legit", *CHEAT_TYPES)}
FEAT = {f: t(f"game.feat.{f}") for f in FEATURES}

# ------------------------------------------------------------------ cheat detection
st.header(t("game.h.cheat"), anchor="cheat-detection")
st.markdown(t("game.cheat_text"))
with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    n_players = bound(c1.select_slider, t("game.players"), [1000, 2000, 5000, 10000, 20000], value=5000,
                                 format_func=lambda v: f"{v:,}", key="game_players")
    rate_pct = bound(c2.select_slider, t("game.cheat_rate"), [0.5, 1.0, 2.0, 5.0, 10.0], value=2.0,
                                format_func=lambda v: f"{v:g} %", key="game_rate",
                                help=t("game.cheat_rate_help"))
    strength = bound(c3.slider, t("game.strength"), 0.0, 1.0, 0.6, step=0.1, key="game_strength",
                         help=t("game.strength_help"))
    c1, c2, c3 = st.columns(3)
    budget_pct = bound(c1.select_slider, t("game.budget"), [0.5, 1.0, 2.0, 3.0, 5.0, 10.0], value=2.0,
                                  format_func=lambda v: f"{v:g} %", key="game_budget",
                                  help=t("game.budget_help"))
    seed = bound(c2.number_input, t("game.seed"), 0, 10_000, 0, key="game_seed")

cfg = CheatConfig(seed=int(seed), n_players=int(n_players), cheat_rate=rate_pct / 100,
                  strength=float(strength), review_budget=budget_pct / 100)
with explain_errors(), st.spinner(t("game.training")):
    res = cached.run_cheat(cfg)

c1, c2, c3 = st.columns(3)
c1.metric(t("game.m.precision", k=res.k), f"{res.precision_at_budget:.0%}",
          delta=t("game.m.vs_random", x=f"{res.precision_at_budget / max(res.cheat_rate, 1e-9):.0f}"),
          delta_color="off", delta_arrow="off", help=t("game.m.precision_help"))
c2.metric(t("game.m.recall"), f"{res.recall_at_budget:.0%}", help=t("game.m.recall_help"))
c3.metric(t("game.m.zscore"), f"{res.zscore_precision_at_budget:.0%}", help=t("game.m.zscore_help"))
st.caption(t("game.auc_caption", auc=f"{res.roc_auc:.3f}", rate=f"{res.cheat_rate:.1%}"))

c1, c2 = st.columns(2)
c1.plotly_chart(charts.budget_curve(res.budget_curve, res.cheat_rate, {
    "forest": t("game.forest"), "zscore": t("game.zscore"), "recall": t("game.recall_line"),
    "random": t("game.random"), "title": t("game.budget_title"), "x": t("game.budget_axis"),
    "y": t("game.share_axis")}), width="stretch")
c2.plotly_chart(charts.recall_by_type(res.recall_by_type, KINDS, {
    "title": t("game.type_title", k=res.k), "x": t("game.type_axis"), "y": t("game.recall_axis")}),
    width="stretch")

feats = list(FEATURES)
c1, c2 = st.columns(2)
fx = bound(c1.selectbox, t("game.fx"), feats, index=feats.index("reaction_ms"), format_func=FEAT.get,
                  key="game_fx")
fy = bound(c2.selectbox, t("game.fy"), feats, index=feats.index("headshot_share"), format_func=FEAT.get,
                  key="game_fy")
st.plotly_chart(charts.cheat_scatter(res.X, res.kind, res.flagged, feats.index(fx), feats.index(fy), KINDS, {
    "title": t("game.scatter_title"), "x": f"{FEAT[fx]} ({FEATURES[fx]})", "y": f"{FEAT[fy]} ({FEATURES[fy]})",
    "flagged": t("game.flagged"), "not_flagged": t("game.not_flagged")}), width="stretch")

order = res.score.argsort()[::-1][:res.k]
queue = pd.DataFrame({
    t("game.col.rank"): range(1, len(order) + 1),
    t("game.col.player"): order,
    t("game.col.score"): res.score[order].round(3),
    t("game.col.reason"): [FEAT[r] for r in res.reason[order]],
    t("game.col.truth"): [KINDS[k] for k in res.kind[order]],
})
with st.expander(t("game.queue_title", k=res.k), icon=":material/fact_check:"):
    st.markdown(t("game.queue_text"))
    st.dataframe(queue, hide_index=True, width="stretch", height=300)
    csv_download(t("game.download"), queue, "review_queue.csv")
st.caption(t("game.generator_note"))

# ------------------------------------------------------------------ Q-learning
st.header(t("game.h.rl"), anchor="q-learning")
st.markdown(t("game.rl_text"))
with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    map_id = bound(c1.selectbox, t("game.map"), list(MAPS), format_func=lambda m: t(f"game.map.{m}"),
                          key="game_map")
    episodes = bound(c2.select_slider, t("game.episodes"), [50, 100, 200, 300, 500, 1000], value=300,
                                key="game_episodes")
    slip = bound(c3.slider, t("game.slip"), 0.0, 0.3, 0.0, step=0.05, key="game_slip",
                     help=t("game.slip_help"))
    c1, c2, c3 = st.columns(3)
    alpha = bound(c1.slider, t("game.alpha"), 0.05, 1.0, 0.5, step=0.05, key="game_alpha",
                      help=t("game.alpha_help"))
    epsilon = bound(c2.slider, t("game.epsilon"), 0.0, 0.5, 0.1, step=0.05, key="game_epsilon",
                        help=t("game.epsilon_help"))
    gamma = bound(c3.slider, t("game.gamma"), 0.5, 1.0, 0.99, step=0.01, key="game_gamma",
                      help=t("game.gamma_help"))

gcfg = GridConfig(seed=int(seed), map_id=map_id, episodes=int(episodes), alpha=float(alpha),
                  gamma=float(gamma), epsilon=float(epsilon), slip=float(slip))
with explain_errors(), st.spinner(t("game.training")):
    g = cached.run_grid(gcfg)

window = max(5, len(g.reward_q) // 15)
first = float(g.reward_q[:window].mean())
last = float(g.reward_q[-window:].mean())
c1, c2, c3 = st.columns(3)
c1.metric(t("game.m.first", n=window), f"{first:.1f}")
c2.metric(t("game.m.last", n=window), f"{last:.1f}", delta=f"{last - first:+.1f}")
c3.metric(t("game.m.greedy"), f"{g.greedy_reward:.1f}",
          delta=t("game.m.random_ref", r=f"{g.random_policy_reward:.0f}"), delta_color="off", delta_arrow="off",
          help=t("game.m.greedy_help"))
if not g.greedy_reaches_goal:
    st.warning(t("game.not_reached"), icon=":material/warning:")

c1, c2 = st.columns(2)
c1.plotly_chart(charts.reward_curves(g.reward_q, g.reward_sarsa, g.random_policy_reward, g.shortest_path_reward, {
    "q": t("game.q"), "sarsa": t("game.sarsa"), "best": t("game.best", r=f"{g.shortest_path_reward:.0f}"),
    "title": t("game.reward_title", n=window), "x": t("game.episode_axis"), "y": t("game.reward_axis")},
    window=window), width="stretch")
c2.plotly_chart(charts.policy_map(g.grid, g.q_table, g.greedy_path, ARROWS, {
    "title": t("game.policy_title"), "x": t("game.col_axis"), "y": t("game.row_axis"),
    "value": t("game.value"), "row": t("game.row"), "col": t("game.col"), "path": t("game.path")}),
    width="stretch")
st.caption(t("game.rl_caption"))

# ------------------------------------------------------------------ adopt it (issue 15)
from dashboard.adopt_panel import adopt_panel  # noqa: E402  (kept in the panel block, apart from the page's inputs)

adopt_panel("cheat-review", {"review_budget": cfg.review_budget, "precision": res.precision_at_budget,
                             "recall": res.recall_at_budget, "cheat_rate": res.cheat_rate})
