"""Demo lab, vision and autonomous driving: how a perception model breaks under bad weather and
attacks, what augmentation and adversarial training buy back, what it looks at, and whether it
fits a frame-rate budget on edge hardware.

Inputs (all in the URL, prefix ``vis_``) -> one cached training run + one cached engine call -> charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.cached import vision as cached
from dashboard.charts import vision as charts
from dashboard.charts.demo_lab import sweep_lines
from dashboard.i18n import t
from dashboard.ui import explain_errors, page_header
from dashboard.url_registry import bound
from models.vision_robustness import CORRUPTIONS, N_TEST, TRAININGS, VisionConfig

page_header("vis.title", "vis.intro")
NAMES = {k: t(f"vis.training.{k}") for k in TRAININGS}
COND = {"clean": t("vis.cond.clean"), **{k: t(f"vis.cond.{k}") for k in CORRUPTIONS},
        "fgsm": "FGSM", "pgd": "PGD"}

with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    noise = bound(c1.slider, t("vis.noise"), 0.0, 0.8, 0.3, step=0.05, key="vis_noise", help=t("vis.noise_help"))
    blur = bound(c2.slider, t("vis.blur"), 0.0, 2.0, 1.0, step=0.25, key="vis_blur", help=t("vis.blur_help"))
    occ = bound(c3.slider, t("vis.occlusion"), 0, 6, 4, key="vis_occ", help=t("vis.occlusion_help"))
    eps = bound(c4.select_slider, t("vis.eps"), options=[0.02, 0.05, 0.1, 0.15, 0.2], value=0.1, key="vis_eps",
                           help=t("vis.eps_help"))
    c1, c2, c3, c4 = st.columns(4)
    epochs = bound(c1.slider, t("vis.epochs"), 2, 30, 8, key="vis_epochs")
    steps = bound(c2.slider, t("vis.pgd_steps"), 1, 20, 7, key="vis_pgd")
    img = bound(c3.number_input, t("vis.image"), 0, N_TEST - 1, 0, key="vis_img")
    seed = bound(c4.number_input, t("vis.seed"), 0, 10_000, 0, key="vis_seed")

cfg = VisionConfig(epochs=int(epochs), noise_std=float(noise), blur_sigma_px=float(blur), occlusion_px=int(occ),
                   attack_eps=float(eps), pgd_steps=int(steps), saliency_index=int(img), seed=int(seed))
with explain_errors(), st.spinner(t("vis.training_msg")):
    res = cached.run_vision(cfg)
std = res.recipes["standard"]

# ------------------------------------------------------------------ corruptions
st.header(t("vis.h.corruptions"), anchor="corruptions")
st.markdown(t("vis.corruptions_text"))
cols = st.columns(4)
cols[0].metric(t("vis.cond.clean"), f"{std.clean_accuracy:.1%}", delta=t("vis.chance", c="10%"), delta_color="off")
for col, k in zip(cols[1:], CORRUPTIONS):
    col.metric(COND[k], f"{std.corrupted_accuracy[k]:.1%}",
               delta=f"{(std.corrupted_accuracy[k] - std.clean_accuracy) * 100:+.1f} pt")
kind = bound(st.segmented_control, t("vis.curve_for"), list(CORRUPTIONS), format_func=COND.get, default="noise",
                            required=True, key="vis_curve")
sev, _ = res.severity_curves[kind]["standard"]
st.plotly_chart(sweep_lines(sev, {tr: res.severity_curves[kind][tr][1] for tr in TRAININGS}, NAMES,
                            t("vis.severity_title", c=COND[kind]), t(f"vis.severity_axis.{kind}"),
                            t("vis.accuracy_axis"), percent_x=False), width="stretch")

# ------------------------------------------------------------------ adversarial attacks
st.header(t("vis.h.attacks"), anchor="adversarial-attacks")
st.markdown(t("vis.attacks_text", eps=f"{cfg.attack_eps:g}", px=f"{cfg.attack_eps * 255:.0f}"))
c1, c2, c3 = st.columns(3)
c1.metric(t("vis.cond.clean"), f"{std.clean_accuracy:.1%}")
c2.metric("FGSM", f"{std.fgsm_accuracy:.1%}", delta=f"{(std.fgsm_accuracy - std.clean_accuracy) * 100:+.1f} pt")
c3.metric(t("vis.pgd_label", n=cfg.pgd_steps), f"{std.pgd_accuracy:.1%}",
          delta=f"{(std.pgd_accuracy - std.clean_accuracy) * 100:+.1f} pt")
st.plotly_chart(sweep_lines(res.attack_curve_eps, res.attack_curves, NAMES, t("vis.attack_title"),
                            t("vis.eps_axis"), t("vis.accuracy_axis"), percent_x=False), width="stretch")

# ------------------------------------------------------------------ adversarial training
st.header(t("vis.h.training"), anchor="adversarial-training")
st.markdown(t("vis.training_text"))
rows = {tr: {"clean": r.clean_accuracy, **r.corrupted_accuracy, "fgsm": r.fgsm_accuracy, "pgd": r.pgd_accuracy}
        for tr, r in res.recipes.items()}
st.plotly_chart(charts.recipe_bars(rows, NAMES, COND, t("vis.recipes_title"), t("vis.condition_axis"),
                                   t("vis.accuracy_axis")), width="stretch")
table = pd.DataFrame([{t("vis.col.training"): NAMES[tr], **{COND[c]: round(v, 3) for c, v in accs.items()},
                       t("vis.col.train_s"): round(res.recipes[tr].train_seconds, 2)} for tr, accs in rows.items()])
st.dataframe(table, hide_index=True, width="stretch")
gain = res.recipes["adversarial"].pgd_accuracy - std.pgd_accuracy
st.caption(t("vis.gain", gain=f"{gain * 100:+.1f}",
             cost=f"{res.recipes['adversarial'].train_seconds / max(std.train_seconds, 1e-9):.1f}"))

# ------------------------------------------------------------------ saliency
st.header(t("vis.h.saliency"), anchor="saliency")
st.markdown(t("vis.saliency_text"))
c1, c2, c3 = st.columns(3)
c1.plotly_chart(charts.image_heatmap(res.saliency_image, t("vis.input_title", label=res.saliency_label)),
                width="stretch")
for col, tr in ((c2, "standard"), (c3, "adversarial")):
    col.plotly_chart(charts.image_heatmap(res.saliency[tr], t("vis.sal_title", model=NAMES[tr],
                                                              pred=res.saliency_pred[tr]), diverging=True),
                     width="stretch")

# ------------------------------------------------------------------ edge latency
st.header(t("vis.h.edge"), anchor="edge-latency")
gflops = res.flops_per_image / 1e9
st.markdown(t("vis.edge_text", flops=f"{res.flops_per_image:,}", params=f"{res.params:,}"))
c1, c2 = st.columns(2)
fps = bound(c1.select_slider, t("vis.fps"), options=[10, 15, 30, 60, 120], value=30, key="vis_fps",
                       help=t("vis.fps_help"))
weights = bound(c2.segmented_control, t("vis.weights"), ["fp16", "int8"], default="fp16", required=True,
                               key="vis_weights")
targets = bound(st.multiselect, t("vis.targets"), list(cached.EDGE_TARGETS), default=list(cached.EDGE_TARGETS[:5]),
                         format_func=lambda h: cached.hardware_names(cached.EDGE_TARGETS).get(h, h),
                         key="vis_targets")
budget_ms = 1000.0 / fps
with explain_errors():
    lat = cached.edge_latency(gflops, tuple(targets), weights) if targets else []
if lat:
    names = cached.hardware_names(tuple(targets))
    ok = [r for r in lat if "error" not in r]
    for r in lat:
        if "error" in r:
            st.warning(t("vis.engine_row_error", device=names.get(r["device"], r["device"]), error=r["error"]))
    if ok:
        shown = [{**r, "device": names.get(r["device"], r["device"])} for r in ok]
        st.plotly_chart(charts.latency_bars(shown, budget_ms, {
            "custom": t("vis.our_cnn"), "yolov8n": "YOLOv8n (640×640)", "budget": t("vis.budget", ms=f"{budget_ms:.1f}"),
            "title": t("vis.latency_title", fps=fps), "x": t("vis.latency_axis"), "y": ""}), width="stretch")
        st.dataframe(pd.DataFrame([{t("vis.col.device"): r["device"], t("vis.col.model"): r["model"],
                                    t("vis.col.latency"): round(r["latency_ms"], 4),
                                    t("vis.col.band"): f"{r['low']:.3g} – {r['high']:.3g}",
                                    t("vis.col.runtime"): r.get("runtime"),
                                    t("vis.col.fits"): "✓" if r["latency_ms"] <= budget_ms else "✗"}
                                   for r in shown]), hide_index=True, width="stretch")
        st.caption(t("vis.edge_source"))
        ours = [r["latency_ms"] for r in ok if r["model"] == "custom"]
        if ours and max(ours) < 1.5 * min(ours):  # the engine's per-layer floor, not FLOPs, sets it
            st.caption(t("vis.edge_floor"))
        with st.expander(t("vis.assumptions")):
            first = next(r for r in ok if r["model"] == "custom")
            st.dataframe(pd.DataFrame(first["assumptions"], columns=[t("vis.col.name"), t("vis.col.value"),
                                                                     t("vis.col.unit"), t("vis.col.source")]),
                         hide_index=True, width="stretch")

# ------------------------------------------------------------------ adopt it (issue 15)
from dashboard.adopt_panel import adopt_panel  # noqa: E402  (kept in the panel block, apart from the page's inputs)

adopt_model = bound(st.segmented_control, t("vis.adopt_model"), ["resnet-50", "vit-b-16"], default="resnet-50",
                                   key="vis_adopt_model", required=True)
adopt_panel(f"adversarial-{adopt_model}", {
    "pgd_steps": cfg.pgd_steps, "robust_accuracy_standard": res.recipes["standard"].pgd_accuracy,
    "robust_accuracy_adversarial": res.recipes["adversarial"].pgd_accuracy})
