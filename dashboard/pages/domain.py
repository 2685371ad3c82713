"""Domain page: one application domain's workloads as cost presets, its demos, rules and risks.

``dom_id`` (the domain id, kept in the URL) selects the domain; /domain?dom_id=medical opens the medical page.
"""

import streamlit as st

from dashboard.atlas_ui import demo_label, id_selectbox, with_lang
from dashboard.cached import atlas as cached
from dashboard.charts import atlas as charts
from dashboard.i18n import current_language, pick, t
from dashboard.ui import band_metric, explain_errors, fmt_number, page_header
from scenarios.atlas.domains import DOMAIN_IDS
from scenarios.units import Range

lang = current_language()
atlas = cached.atlas()
names = {d.id: pick(d.name, lang) for d in atlas.domains}
page_header("dom.title", "dom.intro")
dom = id_selectbox(t("dom.pick"), DOMAIN_IDS, "dom_id", names.get)
domain = atlas.domain(dom)

st.header(names[dom], anchor="overview")
st.markdown(pick(domain.summary, lang))
c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**{t('dom.applications')}**")
    st.markdown("\n".join(f"- {pick(a, lang)}" for a in domain.applications))
    st.markdown(f"**{t('dom.models')}** " + ", ".join(f"`{m}`" for m in domain.typical_models))
    st.markdown(f"**{t('dom.targets')}** " + ", ".join(f"`{h}`" for h in domain.deployment_targets))
with c2:
    st.markdown(f"**{t('dom.latency')}** {t('dom.latency.' + domain.latency_class)} — "
                f"{pick(domain.latency_note, lang)}")
    st.markdown(f"**{t('dom.sensitivity')}** {t('dom.sensitivity.' + domain.sensitivity_level)} — "
                f"{pick(domain.sensitivity_note, lang)}")
st.markdown(t("dom.scenario_link", url=with_lang(f"/scenarios?scn_id={dom}")))



def _detail_lines(res) -> list[str]:
    """Where a preset's figures come from, in the reader's language (numbers from the engine)."""
    p, d = res.preset, res.price_detail
    lines = []
    if res.price_basis == "amortised":
        lines.append(t("dom.detail.amortised", purchase=fmt_number(d["purchase_usd"]),
                       years=fmt_number(d["life_years"]), per_hour=f"{res.usd_per_hour:.4f}"))
    elif res.price_basis == "rental":
        lines.append(t("dom.detail.rental_median", n=int(d["n_listings"]), per_hour=fmt_number(res.usd_per_hour))
                     if "n_listings" in d else t("dom.detail.rental", per_hour=fmt_number(res.usd_per_hour)))
    elif res.price_basis == "api":
        lines.append(t("dom.detail.api", usd_in=fmt_number(d["api_in"]), usd_out=fmt_number(d["api_out"]),
                       prompt=p.prompt_tokens, output=p.output_tokens))
    else:
        lines.append(t("dom.detail.user_device"))
    if p.kind == "llm":
        lines.append(t("dom.detail.llm", weights=p.weights, batch=p.batch, util=fmt_number(p.utilisation),
                       runtime=res.runtime or t("common.na"), prompt=p.prompt_tokens, output=p.output_tokens))
    elif p.kind == "vision":
        lines.append(t("dom.detail.vision", weights=p.weights, batch=p.batch, inputs=p.inputs_per_task,
                       util=fmt_number(p.utilisation)))
    return lines


st.header(t("dom.workloads"), anchor="workloads")
results = []
with st.spinner(t("dom.running")), explain_errors():
    presets = [cached.preset_result(pid) for pid in domain.presets]
for res in presets:
    p = res.preset
    results.append(res)
    with st.container(border=True):
        st.markdown(f"**{pick(p.name, lang)}**  \n{t('dom.task', task=pick(p.task, lang))}")
        m1, m2 = st.columns(2)
        with m1:
            band_metric(t("dom.usd_per_1k"), Range.of(res, "usd_per_1k_tasks"), unit="USD")
        with m2:
            if res.latency_ms is not None:
                band_metric(t("dom.latency_task"), Range.of(res, "latency_ms"), unit="ms")
            else:
                st.metric(t("dom.latency_task"), t("common.na"))
        if p.budget_latency_ms is not None and res.meets_budget is not None:
            verdict = ("dom.budget.ok" if res.meets_budget_worst_case
                       else "dom.budget.expected_only" if res.meets_budget else "dom.budget.miss")
            st.markdown(t(verdict, budget=fmt_number(p.budget_latency_ms)))
        if res.battery_pct_per_1k_tasks is not None:
            st.caption(t("dom.battery", pct=fmt_number(res.battery_pct_per_1k_tasks)))
        st.caption(t(f"dom.price.{res.price_basis}",
                     per_hour=fmt_number(res.usd_per_hour) if res.usd_per_hour else "0",
                     as_of=res.price_as_of or t("common.na")))
        with st.expander(t("dom.assumptions")):
            st.markdown("\n".join(f"- {line}" for line in _detail_lines(res)))
            st.caption(t("dom.engine_assumptions"))
            st.markdown("\n".join(f"- `{k}`: {v}" for k, v in res.assumptions if k not in ("price", "engine")))
            if res.price_source:
                st.caption(t("dom.price_source", source=res.price_source))
if results:
    st.plotly_chart(charts.preset_costs(results, lang), width="stretch")

st.header(t("dom.challenges"), anchor="challenges")
for cid in domain.top_challenges(4):
    ch = atlas.challenge(cid)
    url = with_lang(f"/atlas?atlas_domain={dom}&atlas_challenge={cid}")
    st.markdown(t("dom.challenge_line", name=pick(ch.name, lang), score=domain.importance[cid], url=url))

st.header(t("dom.demos"), anchor="demos")
for link in domain.demos:
    st.markdown(f"- [{demo_label(link.page, link.anchor)}]({with_lang(link.url())})")

st.header(t("dom.rules"), anchor="rules")
for rid in domain.rules:
    rule = atlas.rules[rid]
    with st.container(border=True):
        st.markdown(f"**{pick(rule.regime, lang)}**  \n{pick(rule.note, lang)}")
        flag = t("common_atlas.verified") if rule.verified else t("common_atlas.unverified")
        st.caption(t("dom.rule_meta", date=pick(rule.date, lang), status=t(f"dom.status.{rule.status}"), flag=flag))
        st.caption(t("dom.rule_source", source=rule.source))
st.caption(t("dom.rules_caveat"))
