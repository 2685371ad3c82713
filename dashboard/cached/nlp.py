"""Cached runs of the NLP demo: intent and sentiment classifiers, and the live character model.

Configs come as plain keyword values (hashable, URL-shaped) and are rebuilt into the models'
frozen dataclasses here. The char-model run and its scaling sweep report progress, so they are
memoised in dashboard.cached.sweeps rather than st.cache_data (which cannot replay a progress bar
drawn outside the cached function).
"""

from __future__ import annotations

import streamlit as st

from dashboard.cached.sweeps import Progress, memo


@st.cache_data(show_spinner=False, max_entries=32)
def intent(**knobs):
    from models.nlp_intent import IntentConfig, run_intent

    return run_intent(IntentConfig(**knobs))


@st.cache_data(show_spinner=False, max_entries=256)
def intent_predict(text: str, **knobs):
    from models.nlp_intent import IntentConfig, predict_text

    return predict_text(IntentConfig(**knobs), text)


@st.cache_data(show_spinner=False, max_entries=1)  # no arguments: one entry
def utterances():
    from models.nlp_intent import load_utterances

    return load_utterances()


def char_lm(progress: Progress = None, **knobs):
    from models.char_transformer import TrainConfig, train_char_model

    return memo("char_lm", lambda p: train_char_model(TrainConfig(**knobs), progress=p), progress, knobs)


def char_scaling(progress: Progress = None, **knobs):
    from models.char_transformer import TrainConfig, scaling_sweep

    return memo("char_scaling", lambda p: scaling_sweep(TrainConfig(**knobs), progress=p), progress, knobs)


@st.cache_data(show_spinner=False, max_entries=1)  # no arguments: one entry
def sample_csv() -> bytes:
    """The page's sample upload: 12 English messages of each intent from the built-in table."""
    from models.user_data import to_csv_bytes

    df = utterances()
    df = df[df["lang"] == "en"].groupby("intent", group_keys=False).head(12)
    return to_csv_bytes(["text", "intent"], df[["text", "intent"]].values.tolist())


def intent_upload(data, **knobs):
    """The intent classifier on an upload, memoised in this session only (dashboard.user_upload)."""
    from dashboard.user_upload import session_memo
    from models.nlp_intent import IntentConfig, run_intent_on

    return session_memo("nlp_intent", data.digest, tuple(sorted(knobs.items())),
                        lambda: run_intent_on(IntentConfig(**knobs), data.texts, data.intents))
