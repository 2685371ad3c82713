"""Demo lab: NLP and customer service (models/nlp_intent.py, models/char_transformer.py)."""

import pandas as pd
import streamlit as st

from dashboard.cached import nlp as cached
from dashboard.cached.sweeps import is_cached
from dashboard.charts import nlp as charts
from dashboard.i18n import t
from dashboard.state import BIND
from dashboard.ui import explain_errors, page_header

page_header("nlp.title", "nlp.intro")


def intent_label(name: str) -> str:
    return t(f"nlp.intent.{name}")


with st.expander(t("demo.knobs"), expanded=True):
    c1, c2, c3, c4 = st.columns(4)
    seed = c1.number_input(t("demo.seed"), 0, 9999, 0, key="nlp_seed", bind=BIND)
    # ids as options (no translated format_func): a bound widget writes its shown label to the URL
    langs = c2.selectbox(
        t("nlp.knob.train_langs"),
        ["both", "en", "zh"],
        key="nlp_langs",
        bind=BIND,
        help=t("nlp.train_langs_help"),
    )
    ngram = c3.slider(t("nlp.knob.ngram"), 1, 5, 3, key="nlp_ngram", bind=BIND)
    c_reg = c4.select_slider(t("nlp.knob.c"), [0.1, 1.0, 10.0, 100.0], 10.0, key="nlp_c", bind=BIND)

knobs = dict(seed=int(seed), train_langs=langs, ngram_max=int(ngram), c=float(c_reg))
with explain_errors(), st.spinner(t("demo.training")):
    res = cached.intent(**knobs)
df = cached.utterances()
st.caption(
    t(
        "nlp.data_note",
        n=len(df),
        intents=df["intent"].nunique(),
        n_train=res.n_train,
        n_test=res.n_test,
        features=f"{res.n_features:,}",
    )
)

st.header(t("nlp.h.intent"), anchor="intent-classification")
st.markdown(t("nlp.intent_text"))
m1, m2, m3, m4 = st.columns(4)
m1.metric(
    t("nlp.metric.intent_acc"),
    f"{100 * res.intent.accuracy:.1f}%",
    t("nlp.metric.baseline", v=f"{100 * res.intent.baseline_accuracy:.0f}%"),
    delta_color="off",
    delta_arrow="off",
)
m2.metric(t("nlp.metric.macro_f1"), f"{100 * res.intent.macro_f1:.1f}")
for col, (lang, acc, _f1, rows) in zip((m3, m4), res.intent.per_lang):
    col.metric(
        t("nlp.metric.lang_acc", language=t(f"nlp.lang.{lang}")),
        f"{100 * acc:.1f}%",
        t("nlp.metric.rows", n=rows),
        delta_color="off",
        delta_arrow="off",
    )
c1, c2 = st.columns(2)
c1.plotly_chart(charts.confusion(res.intent, intent_label), width="stretch")
c2.plotly_chart(charts.per_language(res), width="stretch")

text = st.text_input(t("nlp.try_label"), value=t("nlp.try_default"), key="nlp_text", bind=BIND, max_chars=500)
if text.strip():
    with explain_errors():
        pred = cached.intent_predict(text, **knobs)
    tops = " · ".join(f"{intent_label(i)} {100 * p:.0f}%" for i, p in pred.top_intents)
    st.info(
        t(
            "nlp.prediction",
            intent=intent_label(pred.intent),
            sentiment=t(f"nlp.sentiment.{pred.sentiment}"),
            p=f"{100 * pred.sentiment_probability:.0f}",
            tops=tops,
        ),
        icon=":material/support_agent:",
    )
if res.intent.errors:
    with st.expander(t("nlp.errors_title")):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("nlp.col.text"): e[0],
                        t("nlp.col.lang"): e[1],
                        t("nlp.col.true"): intent_label(e[2]),
                        t("nlp.col.predicted"): intent_label(e[3]),
                    }
                    for e in res.intent.errors
                ]
            ),
            hide_index=True,
            width="stretch",
        )

st.header(t("nlp.h.sentiment"), anchor="sentiment")
st.markdown(t("nlp.sentiment_text"))
s1, s2 = st.columns(2)
s1.metric(
    t("nlp.metric.sentiment_acc"),
    f"{100 * res.sentiment.accuracy:.1f}%",
    t("nlp.metric.baseline", v=f"{100 * res.sentiment.baseline_accuracy:.0f}%"),
    delta_color="off",
    delta_arrow="off",
)
s2.metric(t("nlp.metric.macro_f1"), f"{100 * res.sentiment.macro_f1:.1f}")
st.plotly_chart(charts.confusion(res.sentiment, lambda s: t(f"nlp.sentiment.{s}")), width="stretch")
st.download_button(
    t("nlp.download_data"),
    df.to_csv(index=False),
    "customer_service_utterances.csv",
    "text/csv",
    key="nlp_dl",
)

st.header(t("nlp.h.char"), anchor="char-transformer")
st.markdown(t("nlp.char_text"))
k1, k2, k3, k4 = st.columns(4)
layers = k1.slider(t("nlp.knob.layers"), 1, 4, 2, key="nlp_layers", bind=BIND)
width = k2.select_slider(t("nlp.knob.width"), [16, 32, 48, 64], 32, key="nlp_width", bind=BIND)
steps = k3.select_slider(t("nlp.knob.steps"), [50, 100, 200, 500, 1000], 200, key="nlp_steps", bind=BIND)
lr = k4.select_slider(t("nlp.knob.lr"), [1e-3, 3e-3, 1e-2], 3e-3, key="nlp_lr", bind=BIND)
lm_knobs = dict(
    seed=int(seed),
    n_layer=int(layers),
    n_embd=int(width),
    steps=int(steps),
    learning_rate=float(lr),
    eval_every=max(5, int(steps) // 10),
)
bar = st.progress(0.0, text=t("demo.training"))
with explain_errors():
    lm = cached.char_lm(progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg), **lm_knobs)
bar.empty()
l1, l2, l3 = st.columns(3)
l1.metric(t("nlp.metric.params"), f"{lm.n_params:,}")
l2.metric(
    t("nlp.metric.final_val"),
    f"{lm.val_loss[-1]:.2f}",
    t("nlp.metric.start_val", v=f"{lm.val_loss[0]:.2f}"),
    delta_color="off",
    delta_arrow="off",
)
l3.metric(t("nlp.metric.unigram"), f"{lm.unigram_loss:.2f}")
st.plotly_chart(charts.loss_curve(lm), width="stretch")
st.markdown(t("nlp.samples_title"))
for step, sample in lm.samples:
    st.text(f"{t('nlp.axis.step')} {step}: " + sample.replace("\n", " ↵ "))

st.header(t("nlp.h.scaling"), anchor="scaling")
st.markdown(t("nlp.scaling_text"))
scale_knobs = dict(
    seed=int(seed),
    n_layer=int(layers),
    steps=int(steps),
    learning_rate=float(lr),
    eval_every=max(5, int(steps) // 10),
)
if st.button(t("nlp.sweep_button"), key="nlp_run_sweep") or is_cached("char_scaling", **scale_knobs):
    sbar = st.progress(0.0, text=t("demo.sweep_running"))
    with explain_errors():
        pts = cached.char_scaling(progress=lambda f, msg: sbar.progress(min(f, 1.0), text=msg), **scale_knobs)
    sbar.empty()
    st.plotly_chart(charts.scaling(pts), width="stretch")
else:
    st.caption(t("nlp.sweep_hint"))
