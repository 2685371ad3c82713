"""Home: what the product answers, three doors into it, and a few live figures from the
engine, each with its range and where it comes from."""

from __future__ import annotations

import streamlit as st

from dashboard import navigation
from dashboard.cached import cost as cached
from dashboard.charts.cost import short_name
from dashboard.i18n import t
from dashboard.ui import band_metric, page_header
from scenarios.units import Range, fmt_plain

# The headline: one popular open model on a datacenter GPU, an edge board and a phone,
# in a 4-bit format every one of them can hold (ids of data/hardware.csv).
HEADLINE_MODEL = "llama-3.1-8b"
HEADLINE_WEIGHTS = "int4"
HEADLINE_TARGETS = ("nvidia-h100-sxm", "nvidia-jetson-agx-orin-64gb", "qualcomm-snapdragon-8-gen-3")
PRICE_TARGET, PRICE_BATCH = "nvidia-h100-sxm", 32
# the CLI's default --utilisation (ARCHITECTURE 4.2): share of paid device time doing useful work
UTILISATION = 0.5

page_header("home.title", "home.intro")


def door(col, title_key: str, text_key: str, links: list[tuple[str | None, str, str]]) -> None:
    """A door into the product. Each link (url path, label key, icon) appears once the page
    it leads to is in the navigation, so the home page grows as pages land."""
    with col.container(border=True):
        st.markdown(f"#### {t(title_key)}")
        st.markdown(t(text_key))
        pages = {p.url_path: p for p in navigation.all_pages()}
        shown = 0
        for url_path, link_key, icon in links:
            if url_path in pages:
                st.page_link(pages[url_path].path, label=t(link_key), icon=icon)
                shown += 1
        if not shown:
            st.caption(t("home.door_soon"))


first_demo = navigation.DEMOS[0].url_path if navigation.DEMOS else None
c1, c2, c3 = st.columns(3)
door(c1, "home.door.explore", "home.door.explore_text",
     [("atlas", "home.door.explore_link", ":material/explore:")])
door(c2, "home.door.cost", "home.door.cost_text",
     [("cost-serving", "home.door.cost_link", ":material/bolt:"),
      ("cost-training", "home.door.train_link", ":material/model_training:")])
door(c3, "home.door.demos", "home.door.demos_text",
     [(first_demo, "home.door.demos_link", ":material/science:")])

st.subheader(t("home.figures_title"), anchor="headline-figures")
results = cached.serving_side_by_side(HEADLINE_MODEL, HEADLINE_TARGETS, HEADLINE_WEIGHTS, 512, 128, 1, UTILISATION)
model = cached.model_info(HEADLINE_MODEL)
st.caption(t("home.figures_intro", model=model.name, weights=HEADLINE_WEIGHTS))
cols = st.columns(len(results) + 1)
for col, r in zip(cols, results):
    with col:
        if r.estimate is None:
            st.caption(f"{r.device_id}: {r.error}")
            continue
        e = r.estimate
        band_metric(t("home.fig_decode", device=short_name(r.device)), Range.of(e, "decode_tokens_per_s"),
                    unit="tok/s", help=t("home.fig_source_full", source=r.device.source))
        st.caption(t("home.fig_source", runtime=e.runtime,
                     verified=t("home.verified" if r.device.verified else "home.unverified")))
# $ per 1M output tokens (prefill included, ARCHITECTURE 4.3) where serving is cheapest to buy: a
# rented datacenter GPU, batched.
price_run = cached.serving_side_by_side(HEADLINE_MODEL, (PRICE_TARGET,), "fp16", 512, 128, PRICE_BATCH,
                                        UTILISATION)[0]
if price_run.estimate is not None and price_run.estimate.usd_per_million_tokens is not None:
    e, hw = price_run.estimate, price_run.device
    with cols[-1]:
        band_metric(t("home.fig_usd", device=short_name(hw), batch=PRICE_BATCH),
                    Range.of(e, "usd_per_million_tokens"), unit="$",
                    help=t("home.fig_source_full", source=hw.price_source or "?"))
        st.caption(t("home.fig_price", price=fmt_plain(hw.usd_per_hour, 3), date=hw.price_as_of or "?",
                     util=fmt_plain(UTILISATION)))
st.caption(t("home.figures_note"))
