"""The Scenarios page's history expander: earlier versions of saved scenarios (kept by the store
on every overwrite and delete, scenarios/business/store_files.py) and a button that restores one."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.i18n import t
from dashboard.ui import explain_errors
from scenarios.business.store import ScenarioStore


def history_expander(store: ScenarioStore, current_id: str, user: str | None = None) -> str | None:
    """Draw the expander; returns the id just restored (the caller opens it), else None."""
    ids = store.history_ids()
    with st.expander(t("scn.history", n=len(ids)), icon=":material/history:"):
        if not ids:
            st.caption(t("scn.history_none"))
            return None
        pick = st.selectbox(t("scn.history_pick"), ids, index=ids.index(current_id) if current_id in ids else 0,
                            key="scn_history_id")
        versions = store.history(pick)
        labels = {v.version: f"{dt.datetime.fromtimestamp(v.saved_at_s, dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC"
                  f" · {v.size_bytes:,} B" for v in versions}
        chosen = st.selectbox(t("scn.history_version"), list(labels), format_func=labels.get,
                              key="scn_history_version")
        if st.button(t("scn.history_restore"), key="scn_btn_history_restore", icon=":material/restore:"):
            with explain_errors():
                store.restore(pick, chosen, user=user)
                st.toast(t("scn.history_restored", id=pick), icon=":material/check:")
                return pick
    return None
