"""Demo lab: NLP and customer service (models/nlp_intent.py, models/char_transformer.py)."""

import pandas as pd
import streamlit as st

from dashboard.cached import nlp as cached
from dashboard.charts import nlp as charts
from dashboard.demo_lab import on_demand_sweep
from dashboard.i18n import t
from dashboard.ui import csv_download, explain_errors, metric_row, page_header
from dashboard.url_registry import bound

page_header("nlp.title", "nlp.intro")


def intent_label(name: str) -> str:
    return t(f"nlp.intent.{name}")


def task_cards(task, accuracy_key: str) -> tuple:
    """A classifier's accuracy (against always answering the most common class) and macro F1."""
    return ((t(accuracy_key), f"{100 * task.accuracy:.1f}%",
             t("nlp.metric.baseline", v=f"{100 * task.baseline_accuracy:.0f}%")),
            (t("nlp.metric.macro_f1"), f"{100 * task.macro_f1:.1f}"))


with st.expander(t("demo.knobs"), expanded=True):
    c1, c2, c3, c4 = st.columns(4)
    seed = bound(c1.number_input, t("demo.seed"), 0, 9999, 0, key="nlp_seed")
    # ids as options (no translated format_func): a bound widget writes its shown label to the URL
    langs = bound(c2.selectbox,
        t("nlp.knob.train_langs"),
        ["both", "en", "zh"],
        key="nlp_langs",
        help=t("nlp.train_langs_help"),
    )
    ngram = bound(c3.slider, t("nlp.knob.ngram"), 1, 5, 3, key="nlp_ngram")
    c_reg = bound(c4.select_slider, t("nlp.knob.c"), [0.1, 1.0, 10.0, 100.0], 10.0, key="nlp_c")

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
metric_row(
    *task_cards(res.intent, "nlp.metric.intent_acc"),
    *((t("nlp.metric.lang_acc", language=t(f"nlp.lang.{lang}")), f"{100 * acc:.1f}%",
       t("nlp.metric.rows", n=rows)) for lang, acc, _f1, rows in res.intent.per_lang[:2]),
)
c1, c2 = st.columns(2)
c1.plotly_chart(charts.confusion(res.intent, intent_label), width="stretch")
c2.plotly_chart(charts.per_language(res), width="stretch")

text = bound(st.text_input, t("nlp.try_label"), value=t("nlp.try_default"), key="nlp_text", max_chars=500)
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
metric_row(*task_cards(res.sentiment, "nlp.metric.sentiment_acc"))
st.plotly_chart(charts.confusion(res.sentiment, lambda s: t(f"nlp.sentiment.{s}")), width="stretch")
csv_download(t("nlp.download_data"), df, "customer_service_utterances.csv", key="nlp_dl"
)

st.header(t("nlp.h.char"), anchor="char-transformer")
st.markdown(t("nlp.char_text"))
k1, k2, k3, k4 = st.columns(4)
layers = bound(k1.slider, t("nlp.knob.layers"), 1, 4, 2, key="nlp_layers")
width = bound(k2.select_slider, t("nlp.knob.width"), [16, 32, 48, 64], 32, key="nlp_width")
steps = bound(k3.select_slider, t("nlp.knob.steps"), [50, 100, 200, 500, 1000], 200, key="nlp_steps")
lr = bound(k4.select_slider, t("nlp.knob.lr"), [1e-3, 3e-3, 1e-2], 3e-3, key="nlp_lr")
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
metric_row(
    (t("nlp.metric.params"), f"{lm.n_params:,}"),
    (t("nlp.metric.final_val"), f"{lm.val_loss[-1]:.2f}",
     t("nlp.metric.start_val", v=f"{lm.val_loss[0]:.2f}")),
    (t("nlp.metric.unigram"), f"{lm.unigram_loss:.2f}"),
)
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
pts = on_demand_sweep("char_scaling", cached.char_scaling, scale_knobs, button=t("nlp.sweep_button"),
                      key="nlp_run_sweep", hint=t("nlp.sweep_hint"))
if pts is not None:
    st.plotly_chart(charts.scaling(pts), width="stretch")

# ------------------------------------------------------------------ adopt it (issue 15)
from dashboard.adopt_panel import adopt_panel  # noqa: E402  (kept in the panel block, apart from the page's inputs)

adopt_panel("labelled-data", {"labelled_examples": res.n_train, "accuracy": res.intent.accuracy,
                              "baseline_accuracy": res.intent.baseline_accuracy})

# ------------------------------------------------------------------ your own data (issue 15)
# One block, apart from the built-in demo: the intent classifier above on the visitor's
# (text, intent) CSV, with the page's knobs. Texts come back only through user_data.to_csv_bytes,
# which makes formula-like cells inert.
from dashboard.user_upload import intents_upload, run_or_refuse  # noqa: E402
from models.user_data import to_csv_bytes  # noqa: E402

st.header(t("upload.title"), anchor="your-data")
upload = intents_upload("nlp", cached.sample_csv())
if upload is not None:
    mine = run_or_refuse(lambda: cached.intent_upload(upload, **knobs))
    if mine is not None:
        st.subheader(t("upload.nlp_result"))
        metric_row(*task_cards(mine, "nlp.metric.intent_acc"))
        st.plotly_chart(charts.confusion(mine), width="stretch", key="nlp_upload_cm")
        if mine.errors:
            header = [t("nlp.col.text"), t("nlp.col.true"), t("nlp.col.predicted")]
            rows = [[e[0], e[2], e[3]] for e in mine.errors]
            st.dataframe(pd.DataFrame(rows, columns=header), hide_index=True, width="stretch")
            st.download_button(t("upload.download"), to_csv_bytes(header, rows), "intent_errors.csv", "text/csv",
                               key="nlp_upload_errors")
