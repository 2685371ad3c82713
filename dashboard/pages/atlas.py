"""Atlas: the domain x challenge matrix; a cell leads to the techniques, the domain page and the demo.

Selecting a cell in the chart (a click) sets the two selectboxes below it, which are also the
accessible way in; their ids are kept in the URL (atlas_domain, atlas_challenge, see
dashboard/atlas_ui.py for why not the native binding), so a link reproduces the selection.
"""

import pandas as pd
import streamlit as st

from dashboard.atlas_ui import demo_label, id_selectbox, lang_query, with_lang
from dashboard.cached import atlas as cached
from dashboard.charts import atlas as charts
from dashboard.i18n import current_language, pick, t
from dashboard.ui import page_header
from scenarios.atlas.domains import CHALLENGE_IDS, DOMAIN_IDS

COST_LEVEL_KEYS = {-2: "m2", -1: "m1", 0: "z", 1: "p1", 2: "p2"}

page_header("atlas.title", "atlas.intro")
lang = current_language()
atlas = cached.atlas()
domain_name = {d.id: pick(d.name, lang) for d in atlas.domains}
challenge_name = {c.id: pick(c.name, lang) for c in atlas.challenges}


def _on_select() -> None:
    """A clicked cell becomes the selectboxes' value (callbacks run before the widgets exist)."""
    state = st.session_state.get("atlas_matrix")
    points = (state or {}).get("selection", {}).get("points", []) if state else []
    for point in points:
        custom = point.get("customdata")
        if custom and len(custom) == 2 and custom[0] in DOMAIN_IDS and custom[1] in CHALLENGE_IDS:
            st.session_state["atlas_domain"], st.session_state["atlas_challenge"] = custom
            return


chart_slot = st.container()
st.caption(t("atlas.select_hint"))
col_d, col_c = st.columns(2)
dom = id_selectbox(t("atlas.domain"), DOMAIN_IDS, "atlas_domain", domain_name.get, container=col_d)
ch = id_selectbox(t("atlas.challenge"), CHALLENGE_IDS, "atlas_challenge", challenge_name.get, container=col_c)

with chart_slot:
    st.plotly_chart(charts.importance_matrix(atlas, lang, selected=(dom, ch)), key="atlas_matrix",
                    on_select=_on_select, selection_mode="points", width="stretch")
    st.caption(t("atlas.chart.caption"))

domain = atlas.domain(dom)
challenge = atlas.challenge(ch)
score = domain.importance[ch]

st.header(t("atlas.cell.title", domain=domain_name[dom], challenge=challenge_name[ch]), anchor="cell")
st.markdown(t("atlas.cell.importance", score=score, level=t(f"atlas.level.{score}")))
st.markdown(pick(challenge.summary, lang))
st.caption(t("atlas.cell.why_domain", text=pick(domain.rationale, lang)))

link_cols = st.columns(2)
with link_cols[0]:
    st.page_link("dashboard/pages/domain.py", label=t("atlas.link.domain", domain=domain_name[dom]),
                 icon=":material/travel_explore:",
                 query_params={"dom_id": dom, **lang_query()})
with link_cols[1]:
    st.markdown(t("atlas.link.scenario", url=with_lang(f"/scenarios?scn_id={dom}")))

st.subheader(t("atlas.techniques"), anchor="techniques")
for tech in challenge.techniques:
    costs = " · ".join(t(f"atlas.cost.{axis}.{COST_LEVEL_KEYS[v]}") for axis, v in tech.costs.items())
    demo = (t("atlas.demo_link", label=demo_label(tech.demo.page, tech.demo.anchor), url=with_lang(tech.demo.url()))
            if tech.demo else t("atlas.no_demo"))
    st.markdown(f"**{pick(tech.name, lang)}** — {pick(tech.note, lang)}  \n{costs} · {demo}")

rules = [atlas.rules[r] for r in challenge.rules]
if rules:
    st.subheader(t("atlas.rules"), anchor="rules")
    for rule in rules:
        st.markdown(f"- **{pick(rule.regime, lang)}** ({pick(rule.date, lang)}"
                    + ("" if rule.verified else f"; {t('common_atlas.unverified')}") + ")")

with st.expander(t("atlas.table.title")):
    matrix = pd.DataFrame(atlas.importance_matrix(), index=[domain_name[d] for d in DOMAIN_IDS],
                          columns=[challenge_name[c] for c in CHALLENGE_IDS])
    st.dataframe(matrix, width="stretch")
    st.download_button(t("atlas.table.csv"), matrix.to_csv().encode("utf-8"),
                       file_name="atlas_importance.csv", mime="text/csv", key="atlas_csv")
    st.caption(t("atlas.table.source"))
