"""The "your own data" block of the finance, medical and NLP demo pages (issue 15).

The bytes go from the uploader straight to models.user_data (checked in memory, never written to
disk); the checked data and each model run on it are kept in this session's ``st.session_state``
only, so one analyst's file is never cached for, or visible to, another session (st.cache_data
would share results between sessions). A bad file gets the reader's one-line message and the
rest of the page keeps running.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.i18n import t
from dashboard.public_text import error_text
from dashboard.ui import as_text
from models import user_data
from scenarios.errors import VentureLabError

MEMO_KEY = "_user_upload_memo"
MEMO_ENTRIES = 8   # a few runs per session: enough for knob changes, bounded memory


def session_memo(kind: str, digest: str, config: Any, run: Callable[[], Any]) -> Any:
    """``run()`` once per (kind, file digest, config) in this session."""
    memo = st.session_state.setdefault(MEMO_KEY, {})
    key = (kind, digest, config)
    if key not in memo:
        if len(memo) >= MEMO_ENTRIES:
            memo.pop(next(iter(memo)))
        memo[key] = run()
    return memo[key]


def _uploaded(prefix: str, kind: str, sample: bytes) -> bytes | None:
    st.markdown(t(f"upload.{kind}_text", mb=user_data.MAX_MB, rows=f"{user_data.MAX_ROWS:,}",
                  cols=user_data.MAX_COLUMNS))
    c1, c2 = st.columns([3, 1])
    c2.download_button(t("upload.sample"), sample, f"sample_{prefix}.csv",
                       "text/csv", key=f"{prefix}_upload_sample")
    # the per-widget cap is the browser's check; models.user_data checks the size again
    f = c1.file_uploader(t("upload.label"), type=["csv"], key=f"{prefix}_upload",
                         max_upload_size=user_data.MAX_MB)
    return None if f is None else f.getvalue()


def _refuse(err: VentureLabError) -> None:
    st.error(t("upload.refused", message=error_text(err)), icon=":material/error:")


def tabular_upload(prefix: str, sample: bytes) -> user_data.TabularData | None:
    """Uploader, label picker and checks; the checked data, or None (nothing or a bad file)."""
    raw = _uploaded(prefix, "tabular", sample)
    if raw is None:
        return None
    try:
        columns = user_data.columns_of(raw)
    except VentureLabError as err:
        _refuse(err)
        return None
    label = st.selectbox(t("upload.label_column"), columns, index=len(columns) - 1, key=f"{prefix}_upload_label")
    try:
        data = session_memo("tabular", user_data.digest(raw), label, lambda: user_data.read_tabular(raw, label))
    except VentureLabError as err:
        _refuse(err)
        return None
    _accepted(data.X.shape[0], data.X.shape[1], data.notes)
    st.caption(t("upload.classes", pos=as_text(data.positive_class), neg=as_text(data.negative_class), share=f"{data.y.mean():.1%}"))
    return data


def intents_upload(prefix: str, sample: bytes) -> user_data.IntentData | None:
    """Uploader and checks for a (text, intent) file; the checked data, or None."""
    raw = _uploaded(prefix, "intents", sample)
    if raw is None:
        return None
    try:
        data = session_memo("intents", user_data.digest(raw), None, lambda: user_data.read_intents(raw))
    except VentureLabError as err:
        _refuse(err)
        return None
    _accepted(len(data.texts), 2, data.notes)
    return data


def _accepted(rows: int, cols: int, notes: tuple[str, ...]) -> None:
    st.success(t("upload.accepted", rows=f"{rows:,}", cols=cols), icon=":material/check:")
    for note in notes:
        st.caption(note)


def run_or_refuse(run: Callable[[], Any]) -> Any:
    """A model run on the upload; a VentureLabError becomes the one-line message and None."""
    try:
        return run()
    except VentureLabError as err:
        _refuse(err)
        return None
