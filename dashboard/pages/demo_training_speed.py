"""Demo lab, training speed: batch size, threads and bf16 measured on this machine's CPU, and the
cost engine's projection of the same model on GPUs and across many of them.

Inputs (all in the URL, prefix ``spd_``) -> cached measurements and engine calls
(dashboard.cached.training_speed) -> charts. Timings are shown as measured, with every repeat.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from dashboard.cached import selfcheck
from dashboard.cached import training_speed as cached
from dashboard.cached.sweeps import mark_swept, sweep_done
from dashboard.cached.training_speed import DEMO_MODEL
from dashboard.charts import training_speed as charts
from dashboard.i18n import t
from dashboard.ui import explain_errors, fmt_number, page_header
from dashboard.url_registry import bound
from models.training_speed import SPEED_MODEL, SpeedConfig
from scenarios.engine.catalog import load_hardware, load_models

page_header("spd.title", "spd.intro")
DT = {"fp32": t("spd.fp32"), "bf16": t("spd.bf16")}
info = cached.machine_info()
model_cfg = SPEED_MODEL

with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    batch = bound(c1.select_slider, t("spd.batch"), [1, 4, 8, 16, 32, 64], value=16, key="spd_batch")
    cpus = os.cpu_count() or 1
    if cpus > 1:
        threads = bound(c2.select_slider, t("spd.threads"), list(range(1, cpus + 1)), value=1,
                                   key="spd_threads", help=t("spd.threads_help"))
    else:  # a one-option slider cannot be drawn
        threads = 1
        c2.caption(t("spd.one_cpu"))
    repeats = bound(c3.select_slider, t("spd.repeats"), [2, 3, 5, 10], value=3, key="spd_repeats",
                               help=t("spd.repeats_help"))
    c1, c2, c3 = st.columns(3)
    steps = bound(c1.select_slider, t("spd.steps"), [1, 3, 5, 10], value=3, key="spd_steps")
    seed = bound(c2.number_input, t("spd.seed"), 0, 10_000, 0, key="spd_seed")
    if c3.button(t("spd.remeasure"), key="spd_remeasure", help=t("spd.remeasure_help")):
        st.session_state["spd_nonce"] = st.session_state.get("spd_nonce", 0) + 1
nonce = st.session_state.get("spd_nonce", 0)

cfg = SpeedConfig(seed=int(seed), batch_size=int(batch), threads=int(threads), repeats=int(repeats), steps=int(steps))
with explain_errors(), st.spinner(t("spd.measuring")):
    res = cached.run_bf16(cfg, nonce)

# ------------------------------------------------------------------ batch and threads
st.header(t("spd.h.batch"), anchor="batch-and-threads")
st.markdown(t("spd.batch_text", params=f"{model_cfg.n_params:,}", layers=model_cfg.n_layer, d=model_cfg.n_embd,
              seq=model_cfg.block_size))
st.caption(t("spd.machine", cpu=info.cpu_model, n=info.logical_cpus, torch=info.torch_version,
             cap=info.torch_cpu_capability, units=", ".join(info.cpu_bf16_units) or t("spd.none")))
f = res.fp32
c1, c2, c3 = st.columns(3)
c1.metric(t("spd.m.samples"), f"{f.median_samples_per_s:,.1f}",
          delta=t("spd.m.spread", lo=f"{min(f.samples_per_s):,.1f}", hi=f"{max(f.samples_per_s):,.1f}"),
          delta_color="off", delta_arrow="off", help=t("spd.m.samples_help"))
c2.metric(t("spd.m.tokens"), fmt_number(f.median_tokens_per_s))
c3.metric(t("spd.m.gflops"), f"{f.achieved_gflop_s:.2f}", help=t("spd.m.gflops_help"))
with st.expander(t("spd.sweep_title"), icon=":material/stacked_line_chart:",
                 expanded=sweep_done("spd", cfg, nonce)):
    st.markdown(t("spd.sweep_text"))
    with_bf16 = bound(st.toggle, t("spd.sweep_bf16"), value=False, key="spd_sweep_bf16")
    dtypes = ("fp32", "bf16") if with_bf16 else ("fp32",)
    if st.button(t("spd.sweep_run"), key="spd_sweep_btn") or sweep_done("spd", cfg, nonce, dtypes):
        bar = st.progress(0.0, text=t("spd.measuring"))
        with explain_errors():
            sweep = cached.batch_thread_sweep(cfg, dtypes, nonce,
                                              progress=lambda p: bar.progress(p, text=t("spd.measuring")))
        bar.empty()
        mark_swept("spd", cfg, nonce)
        mark_swept("spd", cfg, nonce, dtypes)
        st.plotly_chart(charts.sweep_throughput(sweep, {"series": t("spd.series"), "title": t("spd.sweep_chart"),
                                                        "x": t("spd.batch_axis"), "y": t("spd.samples_axis")}),
                        width="stretch")
        table = pd.DataFrame([{"batch": tm.batch_size, "threads": tm.threads, "dtype": tm.dtype,
                               "samples_per_s_median": round(tm.median_samples_per_s, 2),
                               "samples_per_s_repeats": ", ".join(f"{v:.2f}" for v in tm.samples_per_s),
                               "achieved_gflop_s": round(tm.achieved_gflop_s, 3)} for tm in sweep])
        st.dataframe(table, hide_index=True, width="stretch")
        st.download_button(t("spd.download"), table.to_csv(index=False).encode(), "training_speed_sweep.csv",
                           "text/csv")

# ------------------------------------------------------------------ bf16
st.header(t("spd.h.bf16"), anchor="bf16")
units = ", ".join(info.cpu_bf16_units)
st.markdown(t("spd.bf16_text_units", units=units) if units else t("spd.bf16_text_no_units"))
c1, c2, c3 = st.columns(3)
c1.metric(t("spd.m.speedup"), f"×{res.speedup:.2f}",
          delta=f"{res.speedup - 1:+.0%} " + (t("spd.faster") if res.speedup > 1 else t("spd.slower")),
          help=t("spd.m.speedup_help"))
c2.metric(t("spd.m.memory"), f"{res.saved_activation_bytes_bf16 / res.saved_activation_bytes_fp32:.0%}",
          help=t("spd.m.memory_help"))
c3.metric(t("spd.m.grad"), f"{res.grad_rel_error:.2%}", delta=t("spd.m.cos", c=f"{res.grad_cosine:.5f}"),
          delta_color="off", delta_arrow="off", help=t("spd.m.grad_help"))
c1, c2 = st.columns(2)
c1.plotly_chart(charts.timing_points([res.fp32, res.bf16], DT, {
    "title": t("spd.timing_title", b=cfg.batch_size, th=cfg.threads), "x": t("spd.precision_axis"),
    "y": t("spd.samples_axis"), "median": t("spd.median"), "repeat": t("spd.repeat")}), width="stretch")
c2.plotly_chart(charts.memory_bars(res.saved_activation_bytes_fp32, res.saved_activation_bytes_bf16, DT, {
    "title": t("spd.memory_title", b=cfg.batch_size), "x": t("spd.precision_axis"), "y": t("spd.mb_axis")}),
    width="stretch")
st.caption(t("spd.timing_caption"))
st.plotly_chart(charts.loss_curves(res.curve_fp32, res.curve_bf16, DT, {
    "title": t("spd.loss_title"), "x": t("spd.step_axis"), "y": t("spd.loss_axis")}), width="stretch")
st.markdown(t("spd.numerics_text", l32=f"{res.loss_fp32:.5f}", l16=f"{res.loss_bf16:.5f}",
              e32=f"{res.curve_fp32[-1]:.4f}" if len(res.curve_fp32) else "–",
              e16=f"{res.curve_bf16[-1]:.4f}" if len(res.curve_bf16) else "–"))
rounding = pd.DataFrame([{t("spd.col.value"): f"{v:.6g}", t("spd.col.bf16"): f"{b:.6g}",
                          t("spd.col.rel"): f"{r:.2%}"} for v, b, r in cached.bf16_rounding_examples()])
st.dataframe(rounding, hide_index=True, width="stretch")

# ------------------------------------------------------------------ parallel scaling
st.header(t("spd.h.scaling"), anchor="parallel-scaling")
st.markdown(t("spd.scaling_text"))
gpus = {h.id: h.name for h in load_hardware().values()
        if h.category in ("datacenter-gpu", "workstation-gpu") and h.interconnect_gb_s}
models = [DEMO_MODEL] + [m.id for m in load_models().values() if m.kind == "decoder-llm"]
c1, c2 = st.columns(2)
hw = bound(c1.selectbox, t("spd.hw"), list(gpus), index=list(gpus).index("nvidia-h100-sxm") if "nvidia-h100-sxm" in gpus else 0,
                  format_func=gpus.get, key="spd_hw")
model = bound(c2.selectbox, t("spd.model"), models, format_func=lambda m: t("spd.this_model") if m == DEMO_MODEL else m,
                     key="spd_model", help=t("spd.model_help"))
with explain_errors():
    proj = cached.engine_projection(model, hw, (1, 2, 4, 8, 16, 32, 64), None if model != DEMO_MODEL
                                    else cfg.batch_size * model_cfg.block_size)
st.plotly_chart(charts.scaling_lines(proj.data, proj.tensor, {
    "ideal": t("spd.ideal"), "data": t("spd.data_parallel"), "tensor": t("spd.tensor_parallel"),
    "eff": t("spd.efficiency"), "comm": t("spd.comm"),
    "title": t("spd.scaling_title", model=t("spd.this_model") if model == DEMO_MODEL else model, hw=gpus[hw]),
    "x": t("spd.devices_axis"), "y": t("spd.speedup_axis")}), width="stretch")
d8 = next((r for r in proj.data if r.devices == 8), proj.data[-1])
t8 = next((r for r in proj.tensor if r.devices == 8), proj.tensor[-1])
st.markdown(t("spd.scaling_summary", d=f"{d8.efficiency:.0%}", tp=f"{t8.efficiency:.0%}",
              tokens=f"{proj.tokens_per_device_step:,}"))
if model == DEMO_MODEL:
    st.plotly_chart(charts.throughput_compare([
        (t("spd.cpu_fp32"), res.fp32.median_tokens_per_s), (t("spd.cpu_bf16"), res.bf16.median_tokens_per_s),
        (t("spd.gpu_engine", hw=gpus[hw]), proj.gpu_tokens_per_s)],
        {"title": t("spd.compare_title"), "x": "", "y": t("spd.tokens_axis")}), width="stretch")
    st.markdown(t("spd.compare_text", mfu=f"{proj.mfu_used:.0%}", ep=f"{proj.engine_params:,.0f}",
                  mp=f"{model_cfg.n_params:,}"))
st.caption(t("spd.engine_note"))

# ------------------------------------------------------------------ the estimator checks itself
st.header(t("spd.h.selfcheck"), anchor="estimator-self-check")
probe, _ = selfcheck.this_machine()
st.markdown(t("spd.selfcheck_text", gflops=fmt_number(probe.matmul_gflops), bw=fmt_number(probe.memory_bandwidth_gb_s),
              cores=probe.cores))
rows = selfcheck.self_check()
st.dataframe(pd.DataFrame([{
    t("spd.sc.model"): r.name, t("spd.sc.gflops"): fmt_number(r.gflops_per_input * 1e3),
    t("spd.sc.measured"): fmt_number(r.measured_ms), t("spd.sc.predicted"): fmt_number(r.predicted_ms),
    t("spd.sc.band"): f"{fmt_number(r.predicted_ms_low)} – {fmt_number(r.predicted_ms_high)}",
    t("spd.sc.ratio"): f"{r.predicted_over_measured:.2f}"} for r in rows]), hide_index=True, width="stretch")
st.caption(t("spd.selfcheck_note"))

# ------------------------------------------------------------------ adopt it (issue 15)
from dashboard.adopt_panel import adopt_panel  # noqa: E402  (kept in the panel block, apart from the page's inputs)

adopt_panel("mixed-precision", {"speedup": res.speedup}, clock_note=t("adopt.clock_note"))
