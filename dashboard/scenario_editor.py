"""The scenario edit form: every assumption of a scenario as widgets, returned as plain data
for :func:`scenarios.business.scenario.from_dict` to validate (the form never checks numbers itself)."""

from __future__ import annotations

import math
from dataclasses import fields

import pandas as pd
import streamlit as st

from dashboard.i18n import t
from scenarios.business.scenario import (
    DEPLOYMENTS,
    DOMAINS,
    PRICING_MODELS,
    TARGET_KINDS,
    Latency,
    Limits,
    Scenario,
    Target,
)

# An API's measured latency is a nested block in the file (targets[].latency); the table shows it
# as flat columns named latency.<field>, joined back by targets_from_frame.
_LATENCY_COLUMNS = [f"latency.{f.name}" for f in fields(Latency)]
_TARGET_COLUMNS = [f.name for f in fields(Target) if f.name != "latency"] + _LATENCY_COLUMNS
_LIMIT_FIELDS = [f.name for f in fields(Limits) if f.name != "source"]


def _clean(v):
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, str) and not v.strip():
        return None
    if hasattr(v, "item"):  # numpy scalar -> python
        return v.item()
    return v


def _rng(values, lo: float, hi: float) -> tuple[float, float]:
    """A (low, high) pair clamped into a slider's bounds (a hand-edited file may exceed them)."""
    a, b = (min(max(float(v), lo), hi) for v in values)
    return (a, b)


def targets_from_frame(df: pd.DataFrame) -> list[dict]:
    out = []
    for rec in df.to_dict(orient="records"):
        row = {k: _clean(v) for k, v in rec.items() if k in _TARGET_COLUMNS}
        row = {k: v for k, v in row.items() if v is not None}
        latency = {k.split(".", 1)[1]: row.pop(k) for k in _LATENCY_COLUMNS if k in row}
        if latency:
            row["latency"] = latency
        if row:
            out.append(row)
    return out


def _target_rows(targets: list[dict]) -> list[dict]:
    """The file's targets as table rows: the latency block spread over its columns."""
    rows = []
    for tg in targets:
        row = {k: v for k, v in tg.items() if k != "latency"}
        row.update({f"latency.{k}": v for k, v in (tg.get("latency") or {}).items()})
        rows.append(row)
    return rows


def edit_form(s: Scenario, ids: dict[str, list[str]], key: str) -> tuple[str | None, dict, bool]:
    """Draw the form; returns (action: None | "apply" | "save", data, overwrite)."""
    d = s.to_dict()
    k = f"scn_ed_{key}_"  # per-scenario widget keys: switching scenario resets the form
    with st.form(k + "form", border=True):
        _identity_inputs(s, d, ids, k)
        d["traffic"] = _traffic_inputs(dict(d["traffic"]), k)
        d["pricing"] = _pricing_inputs(dict(d["pricing"]), k)
        _target_inputs(s, d, ids, k)
        _limit_inputs(d, k)
        _cost_inputs(d, k)
        d["uncertainty"] = _uncertainty_inputs(dict(d["uncertainty"]), k)
        c1, c2, c3 = st.columns([1, 1, 2])
        apply = c1.form_submit_button(t("scn.ed.apply"), icon=":material/play_arrow:")
        save = c2.form_submit_button(t("scn.ed.save"), type="primary", icon=":material/save:")
        overwrite = c3.checkbox(t("scn.ed.overwrite"), value=False, key=k + "overwrite")
    # the pricing model decides which price applies; drop the other so the file stays clean
    if d["pricing"]["model"] == "per-request":
        d["pricing"]["usd_per_user_month"] = None
    else:
        d["pricing"]["usd_per_request"] = None
    return ("save" if save else "apply" if apply else None), d, overwrite


def _identity_inputs(s: Scenario, d: dict, ids: dict[str, list[str]], k: str) -> None:
    """Name, id, description, domain, model and weight format, written into ``d``."""
    c1, c2 = st.columns(2)
    d["name"] = c1.text_input(t("scn.ed.name"), s.name, key=k + "name", max_chars=200)
    d["id"] = c2.text_input(t("scn.ed.id"), s.id, key=k + "id", max_chars=64, help=t("scn.ed.id_help"))
    d["description"] = st.text_area(t("scn.ed.description"), s.description, key=k + "desc", height=80)
    c1, c2, c3 = st.columns(3)
    d["domain"] = c1.selectbox(t("scn.ed.domain"), DOMAINS, index=DOMAINS.index(s.domain),
                               format_func=lambda x: t("scn.domain." + x.replace("-", "_")), key=k + "domain")
    models = ids["models"]
    d["model"] = c2.selectbox(t("scn.ed.model"), models,
                              index=models.index(s.model) if s.model in models else 0, key=k + "model")
    fmts = ids["formats"]
    d["weights"] = c3.selectbox(t("scn.ed.weights"), fmts,
                                index=fmts.index(s.weights) if s.weights in fmts else 0, key=k + "weights")


def _traffic_inputs(tr: dict, k: str) -> dict:
    st.markdown("**" + t("scn.ed.traffic") + "**")
    c1, c2, c3 = st.columns(3)
    tr["requests_per_day"] = c1.number_input(t("scn.ed.requests_per_day"), 0.0, 1e11,
                                             float(tr["requests_per_day"]), step=1000.0, key=k + "rpd")
    tr["monthly_active_users"] = c2.number_input(t("scn.ed.users"), 1, 10**10, int(tr["monthly_active_users"]),
                                                 key=k + "users")
    tr["peak_factor"] = c3.number_input(t("scn.ed.peak"), 1.0, 100.0, float(tr["peak_factor"]), key=k + "peak")
    c1, c2, c3 = st.columns(3)
    tr["prompt_tokens"] = c1.number_input(t("scn.ed.prompt_tokens"), 0, 1_000_000, int(tr["prompt_tokens"]),
                                          key=k + "pt")
    tr["output_tokens"] = c2.number_input(t("scn.ed.output_tokens"), 0, 1_000_000, int(tr["output_tokens"]),
                                          key=k + "ot")
    tr["monthly_growth"] = c3.number_input(t("scn.ed.growth"), -0.5, 2.0, float(tr["monthly_growth"]),
                                           step=0.01, key=k + "growth")
    tr["prefix_cache_hit"] = c1.slider(t("scn.ed.prefix_cache_hit"), 0.0, 1.0, float(tr["prefix_cache_hit"]),
                                       help=t("scn.ed.prefix_cache_hit_help"), key=k + "pch")
    tr["batch_share"] = c2.slider(t("scn.ed.batch_share"), 0.0, 1.0, float(tr["batch_share"]),
                                  help=t("scn.ed.batch_share_help"), key=k + "batch")
    return tr


def _pricing_inputs(pr: dict, k: str) -> dict:
    st.markdown("**" + t("scn.ed.pricing") + "**")
    c1, c2, c3 = st.columns(3)
    pr["model"] = c1.selectbox(t("scn.ed.pricing_model"), PRICING_MODELS,
                               index=PRICING_MODELS.index(pr["model"]),
                               format_func=lambda x: t("scn.pricing." + x.replace("-", "_")), key=k + "pm")
    pr["usd_per_request"] = c2.number_input(t("scn.ed.usd_per_request"), 0.0, 1e6,
                                            float(pr["usd_per_request"] or 0.0), format="%.5f", key=k + "upr")
    pr["usd_per_user_month"] = c3.number_input(t("scn.ed.usd_per_user"), 0.0, 1e7,
                                               float(pr["usd_per_user_month"] or 0.0), key=k + "upu")
    return pr


def _target_inputs(s: Scenario, d: dict, ids: dict[str, list[str]], k: str) -> None:
    """The targets table and the serving target picked from its ids, written into ``d``."""
    st.markdown("**" + t("scn.ed.targets") + "**")
    frame = pd.DataFrame(_target_rows(d["targets"]), columns=_TARGET_COLUMNS)
    column = st.column_config
    edited = st.data_editor(frame, num_rows="dynamic", key=k + "targets", hide_index=True,
                            column_config={"kind": column.SelectboxColumn(options=list(TARGET_KINDS)),
                                           "hardware": column.SelectboxColumn(options=ids["hardware"]),
                                           "devices_per_replica": column.NumberColumn(
                                               help=t("scn.ed.devices_per_replica_help"), min_value=1),
                                           "node_purchase_usd": column.NumberColumn(
                                               help=t("scn.ed.node_purchase_help"), min_value=0)})
    d["targets"] = targets_from_frame(edited)
    target_ids = [tg.get("id") for tg in d["targets"] if tg.get("id")] or [s.serving_target]
    d["serving_target"] = st.selectbox(t("scn.ed.serving_target"), target_ids,
                                       index=target_ids.index(s.serving_target)
                                       if s.serving_target in target_ids else 0, key=k + "st")


def _cost_inputs(d: dict, k: str) -> None:
    """Operating assumptions, fixed costs and cash, written into ``d``."""
    st.markdown("**" + t("scn.ed.costs") + "**")
    op, fc = dict(d["operating"]), dict(d["fixed_costs"])
    c1, c2, c3 = st.columns(3)
    op["peak_load_share"] = c1.slider(t("scn.ed.peak_load_share"), 0.05, 1.0, float(op["peak_load_share"]),
                                      key=k + "util")
    op["electricity_usd_per_kwh"] = c2.number_input(t("scn.ed.electricity"), 0.0, 5.0,
                                                    float(op["electricity_usd_per_kwh"]), format="%.4f",
                                                    key=k + "elec")
    op["pue"] = c3.number_input(t("scn.ed.pue"), 1.0, 3.0, float(op["pue"]), key=k + "pue")
    c1, c2, c3, c4 = st.columns(4)
    fc["team_usd_month"] = c1.number_input(t("scn.ed.team"), 0.0, 1e9, float(fc["team_usd_month"]),
                                           step=1000.0, key=k + "team")
    fc["compliance_usd_month"] = c2.number_input(t("scn.ed.compliance"), 0.0, 1e9,
                                                 float(fc["compliance_usd_month"]), step=500.0, key=k + "comp")
    fc["other_usd_month"] = c3.number_input(t("scn.ed.other"), 0.0, 1e9, float(fc["other_usd_month"]),
                                            step=500.0, key=k + "other")
    cash = c4.number_input(t("scn.ed.cash"), 0.0, 1e12, float(d["funding"]["cash_usd"]), step=10000.0,
                           key=k + "cash")
    d["operating"], d["fixed_costs"], d["funding"] = op, fc, {"cash_usd": cash}


def _uncertainty_inputs(u: dict, k: str) -> dict:
    """(low, high) multipliers for the Monte Carlo; peak_load_share is absolute (scenario.Uncertainty)."""
    st.markdown("**" + t("scn.ed.uncertainty") + "**")
    c1, c2, c3, c4 = st.columns(4)
    u["traffic"] = list(c1.slider(t("scn.input.traffic"), 0.1, 5.0, _rng(u["traffic"], 0.1, 5.0), key=k + "u_tr"))
    u["hardware_price"] = list(c2.slider(t("scn.input.hardware_price"), 0.1, 5.0, _rng(u["hardware_price"], 0.1, 5.0),
                                         key=k + "u_hw"))
    u["api_price"] = list(c3.slider(t("scn.input.api_price"), 0.1, 5.0, _rng(u["api_price"], 0.1, 5.0), key=k + "u_api"))
    u["peak_load_share"] = list(c4.slider(t("scn.input.peak_load_share"), 0.01, 1.0,
                                          _rng(u["peak_load_share"], 0.01, 1.0), key=k + "u_util"))
    return u


def _limit_inputs(d: dict, k: str) -> None:
    """Latency limits (empty: none) and where the model may run, written into ``d``."""
    st.markdown("**" + t("scn.ed.limits") + "**")
    lim, con = dict(d["limits"]), dict(d["constraints"])
    cols = st.columns(len(_LIMIT_FIELDS))
    for col, name in zip(cols, _LIMIT_FIELDS):
        # None: no limit; a typed 0 reaches from_dict, which names the field
        lim[name] = col.number_input(t(f"scn.ed.limit.{name}"), min_value=0.0, value=lim[name],
                                     key=k + "lim_" + name)
    c1, c2 = st.columns(2)
    con["deployment"] = c1.selectbox(t("scn.ed.deployment"), DEPLOYMENTS,
                                     index=DEPLOYMENTS.index(con["deployment"]),
                                     format_func=lambda x: t("scn.deployment." + x.replace("-", "_")),
                                     key=k + "deploy")
    con["region"] = c2.text_input(t("scn.ed.region"), con["region"] or "", key=k + "region",
                                  help=t("scn.ed.region_help")).strip() or None
    d["limits"], d["constraints"] = lim, con
