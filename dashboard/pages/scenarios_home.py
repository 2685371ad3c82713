"""Scenarios: pick a preset or a saved scenario (`scn_id` in the URL), edit, save, duplicate,
delete, upload or download it, and read its unit economics, build-vs-buy and uncertainty."""

import hashlib

import streamlit as st

from dashboard.adopt_panel import scenario_adopt_note
from dashboard.auth import current_user
from dashboard.cached import scenarios as cached
from dashboard.i18n import current_language, t
from dashboard.scenario_editor import edit_form
from dashboard.scenario_history import history_expander
from dashboard.scenario_view import headline, options_frame, sanity_warnings, verdict_text
from dashboard.state import seed_from_url
from dashboard.ui import as_text, error_text, explain_errors, folder_label
from dashboard.url_registry import bound
from scenarios.business.scenario import ID_RE as SCENARIO_ID_RE
from scenarios.business.scenario import from_dict, parse_text, preset_ids, to_yaml
from scenarios.errors import VentureLabError

PENDING, DRAFT, CONFIRM, SEEN = "_scn_pending_id", "_scn_draft", "_scn_confirm_delete", "_scn_upload_seen"
OPENED = "_scn_opened"      # (id, version) this session opened: a save over a newer version is refused

st.title(t("scn.title"))
st.caption(t("scn.intro"))

# A save, duplicate or upload switches to the new id: set before the bound widget is drawn.
if PENDING in st.session_state:
    st.session_state["scn_id"] = st.session_state.pop(PENDING)

ids, names, bad_files = cached.scenario_ids()
st.header(t("scn.section.pick"), anchor="scenarios")
asked = st.query_params.get("scn_id")
# A link to a deleted scenario: say so, by its id. Anything that is not id-shaped (markup, a
# 5,000-character value) is never echoed; the URL check of bound() notes it instead.
if asked and asked not in ids and "scn_id" not in st.session_state and SCENARIO_ID_RE.fullmatch(asked):
    st.warning(t("scn.unknown_id", id=asked), icon=":material/link_off:")
    del st.query_params["scn_id"]
seed_from_url("scn_id", ids)
# No format_func: a bound selectbox writes the *shown* label into the URL, and the link must
# carry the id (scn_id=nlp). The name is shown next to it instead.
scn_id = bound(st.selectbox, t("scn.pick"), ids, key="scn_id", help=t("scn.pick_help"))
is_preset = scn_id in preset_ids()
st.caption(as_text(names.get(scn_id, scn_id)) + (f" · {t('scn.preset')}" if is_preset else ""))
if bad_files:
    with st.expander(t("scn.bad_files", n=len(bad_files)), icon=":material/warning:"):
        for name, why in bad_files.items():
            st.warning(f"{name}: {why}")

store = cached.store()
user = current_user()
info = None if is_preset else store.info(scn_id)
if info is not None and st.session_state.get(OPENED, (None,))[0] != scn_id:
    st.session_state[OPENED] = (scn_id, info.version)
opened_version = st.session_state[OPENED][1] if info is not None else None
if info is not None and info.owner:
    st.caption(t("scn.owner", owner=as_text(info.owner)))
with explain_errors():
    saved_scenario, saved_yaml = cached.load_scenario_yaml(scn_id)
draft = st.session_state.get(DRAFT)
yaml_text = draft["yaml"] if draft and draft["id"] == scn_id else saved_yaml
scenario = cached.parse(yaml_text)


def _switch_to(new_id: str) -> None:
    st.session_state[PENDING] = new_id
    st.session_state.pop(DRAFT, None)
    st.session_state.pop(OPENED, None)      # the next run reads the version it opens
    st.rerun()


# ---- file actions
c1, c2, c3, c4 = st.columns(4)
if c1.button(t("scn.duplicate"), key="scn_btn_duplicate", icon=":material/content_copy:", help=t("scn.duplicate_help")):
    with explain_errors():
        new_id = store.unique_id(f"{scenario.id}-copy")
        store.save(scenario.replace(id=new_id, name=f"{scenario.name} ({t('scn.copy')})"), user=user)
    _switch_to(new_id)
c2.download_button(t("scn.download"), yaml_text, file_name=f"{scenario.id}.yaml", mime="application/x-yaml",
                   icon=":material/download:", key="scn_btn_download")
if c3.button(t("scn.delete"), key="scn_btn_delete", icon=":material/delete:", disabled=is_preset,
             help=t("scn.delete_preset") if is_preset else None):
    st.session_state[CONFIRM] = scn_id
if st.session_state.get(CONFIRM) == scn_id and not is_preset:
    st.warning(t("scn.delete_confirm", id=scn_id, folder=folder_label(store.folder)))
    d1, d2 = st.columns(2)
    if d1.button(t("scn.delete_yes"), type="primary", key="scn_btn_delete_yes"):
        with explain_errors():
            store.delete(scn_id, user=user, expected_version=opened_version)
        st.session_state.pop(CONFIRM, None)
        _switch_to(preset_ids()[0])
    if d2.button(t("scn.delete_no"), key="scn_btn_delete_no"):
        st.session_state.pop(CONFIRM, None)
        st.rerun()
upload = c4.file_uploader(t("scn.upload"), type=["yaml", "yml"], key="scn_upload", max_upload_size=1)
if upload is not None:
    raw = upload.getvalue()
    digest = hashlib.sha256(raw).hexdigest()
    seen = st.session_state.get(SEEN)
    if not seen or seen[0] != digest:
        # A refused file keeps its one-line message while it sits in the uploader; the open
        # scenario below keeps rendering (the page is not stopped for a bad upload).
        try:
            up = parse_text(raw, origin=upload.name)
            taken = up.id in ids
            new_id = store.unique_id(up.id) if taken else up.id
            store.save(up.replace(id=new_id), user=user)
        except VentureLabError as err:
            st.session_state[SEEN] = (digest, error_text(err))
        else:
            st.session_state[SEEN] = (digest, None)
            _switch_to(new_id)
    refused = st.session_state[SEEN][1]
    if refused:
        st.error(t("common.bad_input", message=refused), icon=":material/error:")

restored = history_expander(store, scn_id, user)
if restored:
    _switch_to(restored)

if draft and draft["id"] == scn_id:
    st.info(t("scn.unsaved"), icon=":material/edit_note:")

# ---- edit
with st.expander(t("scn.edit"), icon=":material/tune:", expanded=False):
    action, data, overwrite = edit_form(scenario, cached.catalog_ids(), scn_id)
    if action:
        try:
            edited = from_dict(data)
        except VentureLabError as err:
            st.error(t("common.bad_input", message=error_text(err)), icon=":material/error:")
        else:
            if action == "apply":
                st.session_state[DRAFT] = {"id": scn_id, "yaml": to_yaml(edited)}
                st.rerun()
            try:  # an existing file is replaced only with the overwrite box ticked
                store.save(edited, overwrite=overwrite, user=user,
                           expected_version=opened_version if edited.id == scn_id else None)
            except VentureLabError as err:
                st.error(t("common.bad_input", message=error_text(err)), icon=":material/error:")
            else:
                st.toast(t("scn.saved", id=edited.id, folder=folder_label(store.folder)), icon=":material/check:")
                _switch_to(edited.id)

# ---- results
st.subheader(t("scn.section.economics"), anchor="unit-economics")
# the name and description are user text (a shared file): shown as typed, never as links or images
st.markdown(f"**{as_text(scenario.name)}** — {as_text(scenario.description)}" if scenario.description
            else f"**{as_text(scenario.name)}**")
with explain_errors(), st.spinner(t("scn.running")):
    full = cached.run_yaml(yaml_text)
st.info(verdict_text(full.result), icon=":material/lightbulb:")
headline(full)
# A demo's "adopt it" link (adopt=technique:measured,...) applies the technique to these figures.
scenario_adopt_note(yaml_text, full.result.unit.burn_usd_month, scenario.funding.cash_usd)
sanity_warnings(full.result)

st.subheader(t("scn.section.build_vs_buy"), anchor="build-vs-buy")
figs = cached.scenario_figures(yaml_text, current_language())
st.plotly_chart(figs["cost"], width="stretch")
opts = options_frame(full.result, scenario.workload, scenario)
st.dataframe(opts, hide_index=True, width="stretch",
             column_config={t("scn.col.usd_month"): st.column_config.NumberColumn(format="$%.0f"),
                            t("scn.col.usd_per_m_tokens"): st.column_config.NumberColumn(format="$%.3f"),
                            t("scn.col.break_even"): st.column_config.NumberColumn(format="%.3e")})
st.download_button(t("scn.download_csv"), opts.to_csv(index=False), file_name=f"{scenario.id}-options.csv",
                   mime="text/csv", icon=":material/table:")
st.caption(t("scn.bvb_note"))

st.subheader(t("scn.section.uncertainty"), anchor="uncertainty")
c1, c2 = st.columns(2)
with c1:
    st.plotly_chart(figs["margin"], width="stretch")
with c2:
    st.plotly_chart(figs["fan"], width="stretch")
st.plotly_chart(figs["tornado"], width="stretch")
st.caption(t("scn.mc_note", n=f"{full.monte_carlo.n:,}"))
