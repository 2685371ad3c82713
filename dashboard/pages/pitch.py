"""Pitch mode: no controls in the page, three to five large figures, the chart that makes the
point, the one-line verdict and the assumptions with sources and dates; PDF export.
The scenario comes from the URL (`pitch_id`); the picker sits in the sidebar, out of the way."""


import streamlit as st

from dashboard.cached import scenarios as cached
from dashboard.i18n import current_language, t
from dashboard.scenario_view import assumptions_frame, headline, sanity_warnings, verdict_text
from dashboard.state import seed_from_url
from dashboard.ui import as_text, explain_errors
from dashboard.url_registry import bound
from scenarios.business.pdf import data_version, price_dates, product_version
from scenarios.business.price_age import today as price_today

st.markdown("""<style>
/* Five cards share a 1280 px page (~150 px each): the value shrinks with the window (the shared
   CSS in dashboard/ui.py wraps long values and notes inside their card). */
[data-testid="stMetricValue"] { font-size: clamp(1.5rem, 2.6vw, 2.4rem); line-height: 1.15; }
.st-key-pitch_verdict { font-size: 1.45rem; font-weight: 600; line-height: 1.35; padding: 0.8rem 1rem 1rem;
                 background: #EEF2FF; border-left: 6px solid #4F46E5; border-radius: 6px; }
@media (max-width: 640px) { [data-testid="stMetricValue"] { font-size: 1.6rem; }
                            .st-key-pitch_verdict { font-size: 1.1rem; } }
.st-key-pitch_verdict p { font-size: inherit !important; font-weight: inherit; line-height: inherit; margin: 0; }
.st-key-pitch_verdict [data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
</style>""", unsafe_allow_html=True)

ids, names, _ = cached.scenario_ids()
seed_from_url("pitch_id", ids)
with st.sidebar:
    # ids, not names, in the URL: a bound selectbox writes the shown label into it
    pitch_id = bound(st.selectbox, t("pitch.pick"), ids, key="pitch_id")
with explain_errors():
    scenario, text = cached.load_scenario_yaml(pitch_id)
    with st.spinner(t("scn.running")):
        full = cached.run_yaml(text)

st.title(as_text(scenario.name))
st.header(t("pitch.section"), anchor="pitch")
st.caption(t("pitch.stamp", version=product_version(), data=data_version(),
             dates=", ".join(price_dates(scenario)) or t("common.na")))
# The verdict names targets and regions from the scenario file (user text): it is drawn as escaped
# markdown inside a keyed container that the static CSS above styles, never through HTML.
with st.container(key="pitch_verdict"):
    st.markdown(as_text(verdict_text(full.result)))
st.write("")
headline(full, pitch=True)
sanity_warnings(full.result)
st.plotly_chart(cached.scenario_figures(text, current_language())["pitch_cost"], width="stretch")
st.plotly_chart(cached.pitch_cash_figure(text, current_language()), width="stretch")
st.subheader(t("pitch.assumptions"), anchor="assumptions")
st.table(assumptions_frame(scenario).set_index(t("scn.col.assumption")))  # wraps long sources, unlike a grid

with explain_errors(), st.spinner(t("pitch.building_pdf")):
    pdf = cached.pdf_for_yaml(text, current_language(), price_today().isoformat())
c1, c2 = st.columns(2)
c1.download_button(t("pitch.pdf"), pdf, file_name=f"{scenario.id}.pdf", mime="application/pdf",
                   icon=":material/picture_as_pdf:", type="primary", key="pitch_pdf")
c2.download_button(t("scn.download"), text, file_name=f"{scenario.id}.yaml", mime="application/x-yaml",
                   icon=":material/download:", key="pitch_yaml")
