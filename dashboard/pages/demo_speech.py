"""Demo lab, speech: a keyword spotter on synthesised speech, and what noise does to it.

Inputs (all in the URL, prefix ``spk_``) -> cached model run (dashboard.cached.speech) -> charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.cached import speech as cached
from dashboard.charts import speech as charts
from dashboard.i18n import t
from dashboard.ui import explain_errors, page_header
from dashboard.url_registry import bound
from models.speech import HOP, NOISE_KINDS, KwsConfig

page_header("spk.title", "spk.intro")

# ------------------------------------------------------------------ keyword spotting
st.header(t("spk.h.kws"), anchor="keyword-spotting")
st.markdown(t("spk.kws_text"))
with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    noise = bound(c1.selectbox, t("spk.noise"), NOISE_KINDS, index=1, format_func=lambda k: t(f"spk.noise.{k}"),
                         key="spk_noise", help=t("spk.noise_help"))
    aug_low = bound(c2.select_slider, t("spk.aug_low"), [-5, 0, 5, 10, 20], value=0, format_func=lambda v: f"{v} dB",
                               key="spk_aug_low", help=t("spk.aug_range_help"))
    aug_high = bound(c3.select_slider, t("spk.aug_high"), [10, 20, 30, 40], value=20, format_func=lambda v: f"{v} dB",
                                key="spk_aug_high", help=t("spk.aug_range_help"))
    c1, c2, c3 = st.columns(3)
    copies = bound(c1.select_slider, t("spk.copies"), [1, 2, 3, 4], value=2, key="spk_copies",
                              help=t("spk.copies_help"))
    epochs = bound(c2.select_slider, t("spk.epochs"), [8, 12, 16, 24, 32], value=16, key="spk_epochs")
    seed = bound(c3.number_input, t("spk.seed"), 0, 10_000, 0, key="spk_seed", help=t("spk.seed_help"))

cfg = KwsConfig(seed=int(seed), noise_kind=noise, aug_snr_low_db=float(min(aug_low, aug_high)),
                aug_snr_high_db=float(max(aug_low, aug_high)), aug_copies=int(copies), epochs=int(epochs))
with explain_errors(), st.spinner(t("spk.training")):
    res = cached.run_kws(cfg)

c1, c2, c3 = st.columns(3)
c1.metric(t("spk.m.clean"), f"{res.accuracy_clean_plain:.0%}",
          delta=t("spk.m.majority", m=f"{res.majority_baseline:.0%}"), delta_color="off", delta_arrow="off",
          help=t("spk.m.clean_help"))
c2.metric(t("spk.m.classes"), f"{len(res.classes)}", help=", ".join(res.classes))
c3.metric(t("spk.m.split"), f"{res.n_train} / {res.n_test}",
          delta=t("spk.m.speakers", a=res.n_train_speakers, b=res.n_test_speakers), delta_color="off", delta_arrow="off")
st.plotly_chart(charts.spectrograms(res.example_clean_logmel, res.example_noisy_logmel, res.sample_rate_hz, HOP, {
    "clean": t("spk.spec_clean", word=res.example_word),
    "noisy": t("spk.spec_noisy", snr=f"{res.snr_db[-1]:g}"),
    "title": t("spk.spec_title"), "x": t("spk.time_axis"), "y": t("spk.band_axis"), "band": t("spk.band")}),
    width="stretch")

# ------------------------------------------------------------------ noise robustness
st.header(t("spk.h.noise"), anchor="noise-robustness")
st.markdown(t("spk.noise_text"))
i10 = min(range(len(res.snr_db)), key=lambda i: abs(res.snr_db[i] - 10))
c1, c2, c3 = st.columns(3)
c1.metric(t("spk.m.plain_at", snr=f"{res.snr_db[i10]:g}"), f"{res.accuracy_plain[i10]:.0%}")
c2.metric(t("spk.m.aug_at", snr=f"{res.snr_db[i10]:g}"), f"{res.accuracy_augmented[i10]:.0%}",
          delta=f"{100 * (res.accuracy_augmented[i10] - res.accuracy_plain[i10]):+.0f} pts")
c3.metric(t("spk.m.aug_clean"), f"{res.accuracy_clean_augmented:.0%}",
          delta=f"{100 * (res.accuracy_clean_augmented - res.accuracy_clean_plain):+.0f} pts",
          help=t("spk.m.aug_clean_help"))
st.plotly_chart(charts.snr_curves(res.snr_db, res.accuracy_plain, res.accuracy_augmented, res.accuracy_clean_plain,
                                  res.accuracy_clean_augmented, res.majority_baseline, {
                                      "plain": t("spk.plain"), "augmented": t("spk.augmented"),
                                      "majority": t("spk.majority"), "title": t("spk.snr_title", noise=t(f"spk.noise.{noise}")),
                                      "x": t("spk.snr_axis"), "y": t("spk.acc_axis")}), width="stretch")
table = pd.DataFrame({t("spk.snr_axis"): res.snr_db, t("spk.plain"): res.accuracy_plain,
                      t("spk.augmented"): res.accuracy_augmented})
st.download_button(t("spk.download"), table.to_csv(index=False).encode(), "kws_accuracy_vs_snr.csv", "text/csv")

which = bound(st.segmented_control, t("spk.cm_model"), ["augmented", "plain"], default="augmented",
                             format_func=lambda k: t(f"spk.{k}"), key="spk_cm", required=True)
cm = res.confusion_augmented if which == "augmented" else res.confusion_plain
st.plotly_chart(charts.confusion(cm, res.classes, {
    "title": t("spk.cm_title", snr=f"{res.snr_db[-1]:g}"), "x": t("spk.predicted"), "y": t("spk.actual"),
    "share": t("spk.share")}), width="stretch")
st.caption(t("spk.data_note"))

# ------------------------------------------------------------------ adopt it (issue 15)
from dashboard.adopt_panel import adopt_panel  # noqa: E402  (kept in the panel block, apart from the page's inputs)

adopt_panel("noise-augmentation", {"copies": cfg.aug_copies, "accuracy_plain": res.accuracy_plain[-1],
                                   "accuracy_augmented": res.accuracy_augmented[-1]})
