"""Capacity planner: the cheapest serving configuration that meets latency limits at a request rate.

Inputs (all in the URL, prefix ``cap_``) -> `plan` through dashboard.cached.capacity -> the
cheapest configuration (cards with bands), $ per 1M output tokens against tokens/s per user with
the Pareto front, latency percentiles against rate, the infeasible options, and the plan as a
scenario file. The page computes no figure itself.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.cached import capacity as cached
from dashboard.cached import cost as catalog_cache
from dashboard.charts import capacity as charts
from dashboard.i18n import t
from dashboard.ui import band_metric, explain_errors, page_header
from dashboard.url_registry import bound
from scenarios.business.economics import HOURS_PER_MONTH
from scenarios.units import Range

DEFAULT_MODEL = "llama-3.1-8b"
DEFAULT_TARGETS = ["nvidia-h100-sxm", "nvidia-a100-80gb-sxm", "nvidia-l4"]
DEVICE_CHOICES = [1, 2, 4, 8]
TABLE_KEYS = ("hardware", "weights", "runtime", "devices_per_replica", "concurrency_per_replica", "replicas",
              "usd_per_hour", "usd_per_million_tokens", "tokens_per_s_per_user", "ttft_ms_p50", "ttft_ms_p90",
              "ttft_ms_p99", "tpot_ms", "e2e_ms_p90", "max_rate_per_replica")



def band(d: dict, name: str, scale: float = 1.0) -> Range:
    """A record's ``name`` with its ``_low`` / ``_high`` as a Range (the plan's time bands run from
    the fast end to the slow one, so they are put in order)."""
    low, high = sorted((d[f"{name}_low"] * scale, d[f"{name}_high"] * scale))
    return Range(min(low, d[name] * scale), d[name] * scale, max(high, d[name] * scale))


page_header("cap.title", "cap.intro")
rentable = cached.rentable_hardware()
models = catalog_cache.models()
llms = catalog_cache.llm_ids()

# ---------------------------------------------------------------- inputs
with st.container(border=True):
    c1, c2 = st.columns([2, 1])
    model = bound(c1.selectbox, t("cost.model"), llms,
                  index=llms.index(DEFAULT_MODEL) if DEFAULT_MODEL in llms else 0, format_func=lambda m: models[m].name, key="cap_model")
    rate = bound(c2.number_input, t("cap.rate"), 0.01, 1e6, 5.0, key="cap_rate", help=t("cap.rate_help"))
    c1, c2, c3 = st.columns(3)
    prompt = bound(c1.number_input, t("cost.srv.prompt"), 0, 1_000_000, 512, step=128, key="cap_prompt")
    output = bound(c2.number_input, t("cost.srv.output"), 1, 1_000_000, 128, step=64, key="cap_output")
    max_devices = bound(c3.selectbox, t("cap.max_devices"), DEVICE_CHOICES, index=3, key="cap_devices",
                        help=t("cap.max_devices_help"))
    c1, c2, c3 = st.columns(3)
    ttft = bound(c1.number_input, t("cap.ttft"), 0.0, 1e7, 1000.0, step=100.0, key="cap_ttft", help=t("cap.no_limit"))
    tpot = bound(c2.number_input, t("cap.tpot"), 0.0, 1e6, 50.0, step=5.0, key="cap_tpot", help=t("cap.no_limit"))
    e2e = bound(c3.number_input, t("cap.e2e"), 0.0, 1e8, 0.0, step=1000.0, key="cap_e2e", help=t("cap.no_limit"))
    sigma = bound(st.slider, t("cap.sigma"), 0.0, 1.5, 0.0, step=0.1, key="cap_sigma", help=t("cap.sigma_help"))
    targets = bound(st.multiselect, t("cap.targets"), list(rentable), default=DEFAULT_TARGETS,
                    format_func=lambda h: rentable[h].name, key="cap_hw", help=t("cap.targets_help"))

if not targets:
    st.info(t("cap.pick_targets"))
    st.stop()

limits = tuple(float(v) if v else None for v in (ttft, tpot, e2e))      # 0: no limit
args = (model, float(rate), int(prompt), int(output), limits, tuple(targets), int(max_devices), float(sigma))
with explain_errors():
    result = cached.plan_dict(*args)
    by_hardware = cached.fronts_by_hardware(*args)
best = result["best"]
rows = ([best] if best else []) + list(result["candidates"])      # the cheapest first, then the Pareto front

# ---------------------------------------------------------------- the cheapest configuration
st.subheader(t("cap.best_title"), anchor="cheapest")
st.caption(t("cap.searched", n=f"{result['configurations_searched']:,}"))
if best is None:
    st.warning(t("cap.none_meets"), icon=":material/block:")
else:
    st.markdown(f"**{charts.config_label(best)}** · {t('cap.replicas', n=best['replicas'])}")
    c = st.columns(4)
    with c[0]:
        band_metric(t("cap.usd_per_m"), band(best, "usd_per_million_tokens"), unit="$", help=t("cap.usd_per_m_help"))
    with c[1]:
        band_metric(t("cap.usd_month"), band(best, "usd_per_hour", HOURS_PER_MONTH), unit="$",
                    help=t("cap.usd_month_help"))
    with c[2]:
        band_metric(t("cap.ttft_p90"), band(best, "ttft_ms_p90"), unit="ms")
    with c[3]:
        band_metric(t("cap.tpot_shown"), band(best, "tpot_ms"), unit="ms")
    st.dataframe(pd.DataFrame([{t(f"cap.col.{k}"): r[k] for k in TABLE_KEYS} for r in rows]),
                 hide_index=True, width="stretch")

# ---------------------------------------------------------------- charts
st.plotly_chart(charts.pareto_figure(by_hardware, rows, best), width="stretch")
if best is not None:
    curve = cached.rate_curve(model, float(rate), int(prompt), int(output), limits, tuple(
        best[k] for k in ("hardware", "weights", "runtime", "devices_per_replica", "concurrency_per_replica")), float(sigma))
    per_replica = float(rate) / best["replicas"]
    st.plotly_chart(charts.latency_figure(curve, per_replica), width="stretch")
    lengths = t("cap.lengths_spread", sigma=f"{float(sigma):.2g}") if sigma else t("cap.lengths_fixed")
    st.caption(t("cap.latency_caption", rate=f"{per_replica:.3g}", lengths=lengths))

# ---------------------------------------------------------------- infeasible, and the scenario
if result["infeasible"]:
    st.subheader(t("cap.infeasible_title"), anchor="infeasible")
    st.dataframe(pd.DataFrame([{t("cap.col.hardware"): r["hardware"], t("cap.col.weights"): r["weights"],
                                t("cap.col.reason"): r["reason"]} for r in result["infeasible"]]),
                 hide_index=True, width="stretch")
if best is not None:
    st.subheader(t("cap.scenario_title"), anchor="as-a-scenario")
    yaml_text = cached.scenario_yaml(cached.as_key(result["inputs"]), cached.as_key(best))
    st.download_button(t("cap.download"), yaml_text, file_name="capacity-plan.yaml", mime="application/x-yaml",
                       icon=":material/download:", key="cap_download")
    st.page_link("dashboard/pages/scenarios_home.py", label=t("cap.open_scenarios"), icon=":material/folder_open:")
    with st.expander(t("cap.yaml_title"), icon=":material/description:"):
        st.code(yaml_text, language="yaml")
