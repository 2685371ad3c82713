"""Compare: two to four scenarios side by side, with a delta column and overlaid charts.
The selection is in the URL (`cmpr_ids`), so the comparison can be shared."""

import pandas as pd
import streamlit as st

from dashboard.cached import scenarios as cached
from dashboard.i18n import current_language, t
from dashboard.scenario_view import verdict_text
from dashboard.state import seed_from_url
from dashboard.ui import as_text, explain_errors
from dashboard.url_registry import bound
from scenarios.units import fmt_grouped, fmt_pct, fmt_usd

st.title(t("cmpr.title"))
st.caption(t("cmpr.intro"))
ids, names, _ = cached.scenario_ids()
st.header(t("cmpr.section.pick"), anchor="compare")
seeded = seed_from_url("cmpr_ids", ids, multi=True)
chosen = bound(st.multiselect, t("cmpr.pick"), ids, default=None if seeded or "cmpr_ids" in st.session_state else ids[:2],
                        max_selections=4, key="cmpr_ids")  # ids in the URL: no format_func
st.caption(" · ".join(f"{i}: {as_text(names.get(i, i))}" for i in chosen))
if len(chosen) < 2:
    st.info(t("cmpr.need_two"), icon=":material/info:")
    st.stop()

runs, texts = [], []
with explain_errors(), st.spinner(t("scn.running")):
    for sid in chosen:
        scenario, text = cached.load_scenario_yaml(sid)
        runs.append((sid, scenario, cached.run_yaml(text)))
        texts.append((sid, text))


def _usd(decimals: int):
    return lambda v: fmt_usd(v, decimals=decimals)   # the sign before the symbol: -$402,150


def _low(band):
    return None if band is None else band.low


def _high(band):
    return None if band is None else band.high


_USD0, _PCT, _COUNT = _usd(0), fmt_pct, fmt_grouped

ROWS = [  # (label key, getter, formatter)
    ("cmpr.row.serving", lambda s, f: f.result.unit.serving_usd_month, _USD0),
    ("cmpr.row.serving_p90", lambda s, f: _high(f.monte_carlo.cost_usd_month), _USD0),
    ("cmpr.row.revenue", lambda s, f: f.result.unit.revenue_usd_month, _USD0),
    ("cmpr.row.margin", lambda s, f: f.result.unit.gross_margin, _PCT),
    ("cmpr.row.margin_p10", lambda s, f: _low(f.monte_carlo.margin), _PCT),
    ("cmpr.row.per_user", lambda s, f: f.result.unit.cost_per_user_usd, _usd(2)),
    ("cmpr.row.per_1k", lambda s, f: f.result.unit.cost_per_request_usd * 1000, _usd(3)),
    ("cmpr.row.requests", lambda s, f: f.result.unit.requests_month, _COUNT),
    ("cmpr.row.devices", lambda s, f: f.result.unit.devices_at_peak, _COUNT),
    ("cmpr.row.burn", lambda s, f: f.result.unit.burn_usd_month, _USD0),
    ("cmpr.row.runway", lambda s, f: f.result.unit.runway_months, _COUNT),
]
base_id, base_s, base_f = runs[0]
table = {t("cmpr.col.figure"): [t(k) for k, _, _ in ROWS]}
raw = {}
for sid, s, f in runs:
    vals = [g(s, f) for _, g, _ in ROWS]
    raw[sid] = vals
    # No runway means the scenario never runs out of cash: say so, as the Scenarios page does.
    table[sid] = [(t("scn.fig.alive") if key == "cmpr.row.runway" else t("common.na")) if v is None
                  else fmt(v) for v, (key, _, fmt) in zip(vals, ROWS)]
for sid, _, _ in runs[1:]:
    deltas = []
    for a, b, (_, _, fmt) in zip(raw[base_id], raw[sid], ROWS):
        deltas.append(t("common.na") if a is None or b is None else ("+" if b - a >= 0 else "-")
                      + fmt(abs(b - a)))
    table[t("cmpr.col.delta", a=sid, b=base_id)] = deltas
frame = pd.DataFrame(table)
st.dataframe(frame, hide_index=True, width="stretch", height=36 * (len(frame) + 1) + 4)
st.download_button(t("scn.download_csv"), frame.to_csv(index=False), file_name="scenario-comparison.csv",
                   mime="text/csv", icon=":material/table:")
for sid, s, f in runs:
    st.markdown(f"**{sid}** — {as_text(verdict_text(f.result))}")

cost_fig, margin_fig, cash_fig = cached.compare_figures(tuple(texts), current_language())
st.plotly_chart(cost_fig, width="stretch")
c1, c2 = st.columns(2)
with c1:
    st.plotly_chart(margin_fig, width="stretch")
with c2:
    st.plotly_chart(cash_fig, width="stretch")
