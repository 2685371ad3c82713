"""The calibration section of docs/methodology.md: fitted factors, errors, bands, rows, MFU.

:func:`methodology_section` renders the tables of one fit (``run_fit``'s factors and report);
:func:`write_methodology` puts it between the calibration markers of the page.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.calibration.bands import coverage_table
from scenarios.calibration.classes import class_table
from scenarios.calibration.fit import FMT_FREE, err_pct
from scenarios.calibration.mfu import MFU_CENTER_LOG10_B
from scenarios.calibration.rows import DEFAULT_CONTEXT_TOKENS, ROOT
from scenarios.calibration.work import KV_MEMORY_FRACTION, MAX_BATCH_CAP
from scenarios.engine import speed
from scenarios.units import fmt_grouped, fmt_plain

METHODOLOGY_MD = ROOT / "docs" / "methodology.md"
BEGIN, END = "<!-- calibration:begin -->", "<!-- calibration:end -->"


def _table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in df.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in r) + " |")
    return "\n".join(lines)


def _cell(v) -> str:
    if isinstance(v, float):
        return "—" if not np.isfinite(v) else (fmt_plain(v, 3) if abs(v) < 1000 else fmt_grouped(v))
    return str(v).replace("|", "\\|")  # a group key "class|runtime" must not split the table


def error_table(insample: pd.DataFrame, lo_df: pd.DataFrame) -> pd.DataFrame:
    """In-sample and LOHO median errors per hardware class and metric kind."""
    out = []
    for cls in sorted(insample["hw_class"].unique()):
        for kind in ("decode", "prefill", "throughput"):
            a = insample[(insample["hw_class"] == cls) & (insample["kind"] == kind)]
            b = lo_df[(lo_df["hw_class"] == cls) & (lo_df["kind"] == kind)]
            if not len(a):
                continue
            out.append({"class": cls, "metric": kind, "rows": len(a),
                        "devices": b["hardware"].nunique(),
                        "in-sample median abs err %": err_pct(a["log_ratio"]),
                        "LOHO median abs err %": err_pct(b["log_ratio"]),
                        "LOHO max abs err %": float(np.max(np.abs(np.exp(b["log_ratio"]) - 1)) * 100),
                        "LOHO rows on fallback factors": int((~b["calibrated"]).sum())})
    return pd.DataFrame(out)


def _band_text(band: list[float]) -> str:
    return f"{band[0]:.2f}–{band[1]:.2f}"


def groups_table(f: dict) -> pd.DataFrame:
    """One row per calibrated (class, runtime) group: its factors, rows and bands."""
    return pd.DataFrame([{"group (class / runtime)": k, "eff_bw": v["eff_bw"],
                          "eff_compute": v["eff_compute"] if v["n_prefill"] else (
                              f"{v['eff_compute']:.3g} (decode dequantising only)"
                              if k.split("|")[0] in speed.CPU_SIMD_CLASSES else "— (borrowed)"),
                          "overhead µs/layer": v["overhead_per_layer_s"] * 1e6, "decode rows": v["n_decode"],
                          "prefill rows": v["n_prefill"],
                          "prefill peak paths": ", ".join(v["prefill_paths"]) or "—",
                          "devices": len(v["devices"]),
                          "decode band (time ×)": _band_text(f["bands"][k]["decode"]),
                          "prefill band (time ×)": (_band_text(f["bands"][k]["prefill"])
                                                    if v["n_prefill"] else "uncalibrated")}
                         for k, v in f["groups"].items()])


def _phone_groups_text(f: dict) -> list[str]:
    """How phone rows are grouped, with the runtime compute factors of shared groups as fitted."""
    factors = "; ".join(f"{rt} ×{x:.2f} in {g}" for g, v in sorted(f["groups"].items())
                        for rt, x in sorted(v.get("software_compute", {}).items())) or "none fitted"
    return [
        "A phone's group is its path",
        "(`phone|executorch` CPU, `phone|mlc` GPU, `phone|qnn` NPU), fitted after every other group with",
        "those factors and the format factors held fixed, so the phone rows move no other figure. llama.cpp's",
        "CPU rows share the CPU group's bandwidth efficiency and overhead but carry one compute factor of their",
        f"own on its e_c (`software_compute`: {factors}): its q4_0 prompt processing reaches",
        "14-17 % of the derived int8 peak on the 8 Elite Gen 5 and the 8 Gen 2 where ExecuTorch reaches 19-23 %",
        "on the 8 Gen 3 and the 8 Elite Gen 5, while on the one phone measured with both (the 8 Elite Gen 5)",
        "both decode at the same share of its bandwidth.",
    ]


def _model_part(f: dict) -> list[str]:
    n_used = (sum(3 if v["n_prefill"] else 2 for v in f["groups"].values()) + len(FMT_FREE)
              + sum(len(v.get("software_compute", {})) for v in f["groups"].values()))
    ff = f["format_factors"]
    fmt_t = pd.DataFrame([{"format family": fam, "bandwidth factor f_bw": ff["bw"][fam],
                           "compute factor f_c": ff["compute"][fam],
                           "CPU dequantising factor": ff.get("dequant", {}).get(fam, "—")} for fam in speed.FAMILIES])
    u = f["uncalibrated_band"]
    return [
        "## Calibration (fitted speed factors, MFU, error and bands)",
        "",
        "_Written by `python -m scenarios.calibration fit`; do not edit by hand._",
        "",
        "**Model.** Roofline per group g = (hardware class, runtime) and format family φ:",
        "prefill `t = max(F/(peak·e_c[g]·f_c[φ]), W/(bw·e_bw[g]·f_bw[φ])) + L·τ[g]`; one decode step of a",
        "batch B `t = max(W/(bw·e_bw·f_bw) + B·K/(bw·e_bw), B·f/(peak·e_c·f_c)) + L·τ[g]`, with F, f the",
        "FLOPs (2·matmul params per token + causal attention), W the weight bytes one forward reads",
        "(MoE: active experts; MXFP4 checkpoints: experts at 4.25 bits, the rest bf16), K the KV bytes one",
        "sequence reads, L the layers and τ a per-layer, per-forward overhead (kernel launches). F, f, W and",
        "K are the serving core's own figures for the request each row measured (`scenarios/calibration/work.py`:",
        "sliding windows, latent attention and MoE routing counted as in every estimate). The peak is",
        "the one the runtime computes on (`scenarios.engine.speed.peak_path`: llama.cpp CUDA, float and quantised →",
        "16-bit tensor rate with FP16 accumulate (`fp16_acc16`: 2× the fp16 column on GeForce, whose column is the",
        "FP32-accumulate rate), where published pp512 of F16, Q4_0 and Q4_K_M reach one share of it; "
        "Metal → GPU fp16/fp32 ALUs, FP8 where the device has FP8 tensor cores; llama.cpp's CPU kernels on",
        "server CPUs and boards → the FP32 SIMD rate for every format: published pp of Q6_K on Graviton3 and",
        "Q4_0 on a Threadripper PRO reach 0.5-0.7 of it but 0.09-0.25 of the int8 instruction peak); on a phone, the peaks of",
        "the runtime's compute path (data/compute_paths.csv: ExecuTorch / llama.cpp on the CPU cores, MLC on",
        "the GPU, QNN on the Hexagon NPU, Core ML on the Neural Engine). OpenVINO's latency hint runs one",
        "stream on the cores of one NUMA node (its CPU thread-scheduling guide), so on a multi-socket row",
        "(data/cpu_server_paths.csv) bw and the peaks are one socket's (`compute_paths.numa_node_share`).",
        "On a CPU class a quantised decode step also dequantises every weight once on the vector units,",
        "at least `W/(peak_fp32·e_c[decode group]·f_dq[φ])`, e_c then in weight bytes per FLOP of the FP32",
        "peak (`speed.dequant_s`): OpenVINO, without prefill rows, fits its e_c on that term alone, and its",
        "quantised Xeon rows stop pulling the format factors down.",
        *_phone_groups_text(f),
        "",
        f"**Parameters: {n_used}** — e_bw, e_c and τ per calibrated group (e_c only where the group has",
        "prefill rows), four format factors (float is the reference, 1.0) and the runtime compute factors",
        "of shared phone groups (prior 1, sd 1.0: the ratio of two compute efficiencies). Fitted by least squares on",
        "log(predicted/measured) with weak log-normal priors (sd 0.5–1.0) towards the built-in defaults",
        "(`scenarios.engine.speed.DEFAULT_FACTORS`), bounds e ≤ 1. No per-device or per-model factor.",
        "",
        _table(groups_table(f)),
        "",
        _table(fmt_t),
        "",
        "A group with no prefill rows (Jetson/MLC, OpenVINO on server CPUs) takes its prefill efficiency from the",
        "nearest group calibrated on the same peak path (a compute efficiency is only meaningful against",
        "the peak it was measured on) and is flagged uncalibrated for prefill; so does a group whose",
        "prefill rows are all on another path (e.g. TensorRT-LLM, measured on fp16 and fp8, asked for",
        "an fp4 path). A (class, runtime) pair",
        "without rows (vLLM anywhere, Core ML, TPU, AMD, llama.cpp on Jetson) takes the nearest",
        "group (`scenarios.engine.speed.resolve_group`: same class first, then the same runtime on the nearest",
        "class) and the fallback band: decode",
        f"time ×{u['decode'][0]:.2f}–{u['decode'][1]:.2f}, prefill time ×{u['prefill'][0]:.2f}–{u['prefill'][1]:.2f} "
        "(central 85 % of the held-out rows predicted on another group's factors; \"Bands\" below).",
        "The estimate's `basis`/`calibrated` fields say which applied.",
        "",
    ]


def _worst_rows(lo: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    worst = lo.assign(err=np.abs(np.exp(lo["log_ratio"]) - 1) * 100).sort_values("err", ascending=False).head(n)
    return worst[["hardware", "format", "metric", "batch", "measured", "pred", "calibrated", "err"]].rename(
        columns={"err": "abs err %", "calibrated": "own group calibrated"})


def _error_part(f: dict, rep: dict) -> list[str]:
    s = f["summary"]
    return [
        "### Error per hardware class: in-sample and leave-one-hardware-out (LOHO)",
        "",
        "LOHO refits all factors without one device's rows and predicts that device. When the device",
        "is the only one of its group, its group has no data left and the fallback group stands in, so",
        "those rows measure the error on an unseen class/runtime, not on a new device of a known class.",
        "",
        _table(error_table(rep["insample"], rep["loho"])),
        "",
        f"- LOHO median absolute error, batch-1 decode tokens/s: **{s['loho_median_abs_err_decode_b1_pct']:.1f} %** (target ≤ 12 %)",
        f"- LOHO median absolute error, prefill tokens/s (incl. TTFT rows): **{s['loho_median_abs_err_prefill_pct']:.1f} %** (target ≤ 25 %)",
        f"- The same without the phone rows: decode {s['loho_median_abs_err_decode_b1_pct_without_phones']:.1f} %, "
        f"prefill {s['loho_median_abs_err_prefill_pct_without_phones']:.1f} %, "
        f"{s['loho_band_coverage_pct_without_phones']:.0f} % inside, median high/low "
        f"{s['median_band_high_over_low_without_phones']:.2f} (issue 10: all rows ≤ 8 % decode, ≤ 15 % prefill)",
        f"- In-sample: decode {s['insample_median_abs_err_decode_b1_pct']:.1f} %, prefill {s['insample_median_abs_err_prefill_pct']:.1f} %",
        f"- Held-out rows inside the stated low–high band: **{s['loho_band_coverage_pct']:.0f} %** (target ≥ 80 %);"
        f" median high/low ratio **{s['median_band_high_over_low']:.2f}**",
        "",
        "Per ARCHITECTURE 4.3 reporting class (`scenarios/calibration/classes.py`; issue 10's targets: ≥ 8 rows",
        "from ≥ 2 devices, LOHO decode ≤ 20 %, prefill ≤ 30 %, ≥ 80 % inside the band, median high/low ≤ 2 on",
        "calibrated factors):",
        "",
        _table(class_table(rep["loho"], f)),
        "",
        "Largest held-out errors:",
        "",
        _table(_worst_rows(rep["loho"])),
        "",
        *_bands_text(f, rep),
    ]


def coverage_by(cov: pd.DataFrame, key: str) -> pd.DataFrame:
    """Held-out rows inside their stated band and the median high/low ratio, per ``key``."""
    c = cov.assign(group=cov["hw_class"] + " / " + cov["runtime"],
                   status=np.where(cov["calibrated"], "calibrated", "fallback"))
    keys = [key, "status"] if key == "group" else [key]
    t = c.groupby(keys).agg(rows=("inside", "size"), inside=("inside", "mean"),
                            median_high_over_low=("high_over_low", "median")).reset_index()
    t["inside"] = (t["inside"] * 100).round(0).astype(int).astype(str) + " %"
    return t.rename(columns={"median_high_over_low": "median high/low"})


def _bands_text(f: dict, rep: dict) -> list[str]:
    cov = coverage_table(rep["loho"], f)
    return [
        "**Bands.** Every band is fitted on held-out (LOHO) residuals so that about 85 % of held-out",
        "rows fall inside (`scenarios/calibration/bands.py`): per group and kind, the split-conformal",
        "7.5th–92.5th order statistics of the group's own held-out residuals when it has ≥ 8; with",
        "fewer, the pooled band stretched to the group's own held-out and in-sample extremes (a group",
        "fitted on one device has no held-out row of its own). Rows predicted from",
        "another group's factors (fallback), and pairs without rows, get the central 85 % of all",
        "fallback residuals of the kind, each side at least 1.5× the pooled calibrated band's wider side",
        "and half the other side in log (the held-out fallback rows miss one way; a borrowed path in a",
        "class with rows misses either way: the external check below). Minimum ±5 %, rounded outward.",
        "Targets: ≥ 80 % inside in",
        "every class; median high/low ≤ 2 in calibrated groups, ≤ 3 in fallback groups. The fallback",
        "bands rest on few held-out rows (their basis in data/fitted_factors.json); llama.cpp prefill on",
        "datacenter GPUs is borrowed (its Dec 2023 rows are an out-of-sample check below). The coverage",
        "is measured on the held-out residuals the widths were drawn from (the prediction is held",
        "out, the width is not), so groups with < 8 rows read 100 % by construction; the 'max'-batch",
        "rows below are the out-of-sample check.",
        "",
        _table(coverage_by(cov, "group")),
        "",
        _table(coverage_by(cov, "hw_class").rename(columns={"hw_class": "hardware class"})),
        "",
    ]


def _rows_part(f: dict, rep: dict) -> list[str]:
    s = f["summary"]
    excl = rep["rows"][~rep["rows"]["use"]].groupby("why_excluded").size().reset_index(name="rows")
    return [
        "### Rows used and excluded",
        "",
        f"{s['rows_used']} of {len(rep['rows'])} rows are fitted. Throughput rows with an explicit batch",
        "(TensorRT-LLM static batching) are fitted as prefill of the batch + `output` decode steps at",
        "the mean context; TTFT rows as batch-1 prefill. Rows without prompt/output lengths (Jetson AI",
        f"Lab, Ollama) are read as no prompt and {2 * DEFAULT_CONTEXT_TOKENS} generated tokens (mean context",
        f"~{DEFAULT_CONTEXT_TOKENS} tokens). KV cache is fp16 except",
        "TensorRT-LLM FP8 rows (fp8: the only way those batches fit in 80 GB). Excluded:",
        "",
        _table(excl),
        "",
        "**Check on the excluded 'max'-batch rows** (TensorRT-LLM 1.0, in-flight batching; not fitted).",
        f"Batch assumed = min({MAX_BATCH_CAP}, KV room / (prompt + output)), KV room = "
        f"{KV_MEMORY_FRACTION:.0%} of memory minus weights:",
        "",
        _table(rep["max_rows"]) if len(rep["max_rows"]) else "(none)",
        "",
        "**Check on the excluded many-core Ollama rows** (AmpereOne A192-32X, 192 cores, Ollama at its",
        "default threads; not fitted). Small models run far below the bandwidth roofline there (one thread",
        "barrier per op across every core), which neither the roofline nor a per-layer overhead shared",
        "with 32-64-thread llama-bench runs carries; err_pct is how much too fast the estimate is:",
        "",
        _table(rep["many_core_rows"]) if len(rep.get("many_core_rows", ())) else "(none)",
        "",
        "**Check on the excluded llama.cpp prefill rows of datacenter GPUs** (Dec 2023 builds, A100 80GB",
        "and H100 PCIe; not fitted, their decode rows are). 13B F16 over 512 tokens spends ~70-80 ms beyond",
        "its GEMMs on both cards (both ~2 TB/s), a bandwidth-bound share the max(compute, memory) roofline",
        "does not carry, so the H100's 2.4x tensor peak shows up as x1.4; err_pct is how much too fast:",
        "",
        _table(rep["dc_llamacpp_prefill_rows"]) if len(rep.get("dc_llamacpp_prefill_rows", ())) else "(none)",
        "",
        "Model names map to catalog ids as in `scenarios.calibration.rows.MODEL_IDS`; `int4` (MLC q4f16) maps",
        "to the catalog's `int4`; Ollama's default tags to `q4_k_m` (Llama 3.x) and `q4_0` (Llama 2).",
        "Hardware ids are the catalog's.",
        "",
    ]


def _mfu_part(f: dict, rep: dict) -> list[str]:
    m = f["mfu"]
    mfu_t = pd.DataFrame([{"generation": k, "MFU at 10B params (dense, bf16, 312 TFLOP/s peak)": float(np.exp(v))}
                          for k, v in m["intercept"].items()])
    loo = rep["mfu_loo"]
    tr = rep["training"].merge(loo[["model", "pred", "calibrated", "hours_error"]], on="model")
    tr_t = pd.DataFrame({"run": tr["model"], "hardware": tr["hardware"], "devices": tr["devices"],
                         "fp8": tr["fp8"], "MoE": tr["moe"], "from": np.where(tr["reported"], "reported MFU", "GPU-hours"),
                         "MFU (measured)": tr["mfu"], "MFU leave-one-out": tr["pred"],
                         "GPU-hours error": tr["hours_error"], "fallback": ~tr["calibrated"]})
    err = float(np.median(np.abs(loo["hours_error"])) * 100)
    return [
        "### Training MFU",
        "",
        f"{len(tr)} published runs (data/calibration/training_runs.csv: model cards and papers, each with",
        "its URL and date). MFU = model FLOPs / (accelerator-hours · 3600 · dense fp16/bf16 peak), or the",
        "MFU a paper reports; model FLOPs = 6·N·D + 12·L·H·S·D (PaLM, arXiv:2204.02311 App. B; N active",
        "parameters for MoE). FP8 runs are counted over the 16-bit peak too (as DeepSeek and Meta state theirs).",
        "Fit: log MFU = a[generation] + b·x + c·x·log2(peak / 312 TFLOP/s) + d·log10(max(devices, 8,192) / 8,192)",
        f"+ e·MoE + f·FP8 + g·reported, x = log10(params_b) − {MFU_CENTER_LOG10_B}: "
        f"b = {m['slope']:.3f}, c = {m['peak_slope']:.3f}, d = {m['devices_slope']:.3f}, e = {m['moe']:.3f},",
        f"f = {m['fp8']:.3f}, g = {m['reported']:.3f} ({len(m['intercept']) + 6} parameters). MFU rises with model",
        "size, more so on faster chips (small models on H100 clusters log the most GPU-hours per FLOP:",
        "Llama 3 8B ~0.2 of peak, 405B ~0.36); d comes only from one model run at two device counts (Llama",
        "3.1 405B: 43 % on 8,192 GPUs, 41 % on 16,384), because across teams the cluster size goes with",
        "the engineering, and it acts only above 8,192 devices (nothing published measures fewer); g > 0: a reported MFU is throughput, GPU-hours also pay restarts and stalls, so",
        "estimates (which answer GPU-hours) use g = 0. The effects shrink toward 0 (ridge weight 2). Runs",
        "with no device count sit at the centre. Generations without runs (Blackwell, Ada, TPU v5, MI300)",
        f"use the Ampere fit and the wider band; MFU band ×{m['band'][0]:.2f}–{m['band'][1]:.2f} (leave-one-run-out,",
        f"5th–95th pct), uncalibrated ×{m['uncalibrated_band'][0]:.2f}–{m['uncalibrated_band'][1]:.2f}.",
        "",
        f"**Leave-one-run-out median |predicted / published GPU-hours − 1| = {err:.1f} %** over {len(tr)} runs",
        "(for a run that reports MFU, the same ratio of MFUs). It moves between 11.5 % and 16.1 % for ridge",
        "weights 0.05–4 (11.5–13.7 % for 0.5–4), so read it as 12–16 %; the worst are OPT-175B and",
        "GPT-3 (logbook-derived hours),",
        "MegaScale (55 %) and DeepSeek-V3 (FP8 MoE, one of two FP8 runs).",
        "",
        _table(mfu_t),
        "",
        _table(tr_t),
        "",
    ]


KNOWN_LIMITS = [
    "**Known limits.** One Jetson (its LOHO rows are fallbacks; two Raspberry Pi boards, one prefill row:",
    "a Pi 5 prompt of 109 tokens, held out it borrows the server CPUs' FP32 efficiency), LLMs on",
    "server CPUs fitted on 5 llama-bench rows from two CPUs (a 32-core Graviton3 instance, whose decode",
    "reads more than its pro-rata share of the socket's bandwidth, and a Threadripper PRO 5995WX) and",
    "45 OpenVINO decode rows from three two-socket Xeon servers (8380, 8480+, 8580; no OpenVINO prefill",
    "row: its prefill efficiency is borrowed). Their quantised decode is not bound by memory: int8 and int4",
    "steps take about the same cycles per weight on every core of one socket on all three (int8 0.71-0.81,",
    "int4 0.52-0.59 core-cycles per weight, Llama 2 7B at base clock) while fp16 reads 0.64-0.71 of the",
    "socket's bandwidth, so the dequantising kernels, not DDR, set the pace (the dequantising term of the",
    "model above, with one 4-bit factor f_dq whose prior holds it off the 0.7 the rows suggest); held out,",
    "the 8480+'s int4 rows come out 13-39 % fast and the int8 rows of the 8380 and 8580 6-20 % slow,",
    "many-core Ollama runs not modelled, two datacenter GPUs and one runtime per class: efficiency",
    "of vLLM, PyTorch, Core ML, TPUs and AMD is borrowed, not measured. Phone prefill rows come from",
    "three CPU devices, three GPU devices (the 8 Gen 3's GPU rows are held out) and three NPU devices, so",
    "a phone prefill held out per device moves by the ratio of the other devices' efficiencies: on the",
    "CPU, llama.cpp's prefill factor rests on two phones, one PocketPal build each, and ExecuTorch's own",
    "prefill efficiency on the 8 Gen 3 (5 fitted rows) and one 41-token row of the 8 Elite Gen 5: with the",
    "8 Gen 3 held out that row and the prior set it, and the 8 Gen 3's int4 prefill comes out 58-79 % fast",
    "(before the llama.cpp factor, its rows pulled the shared efficiency down to the 8 Gen 3's level by",
    "chance, while every llama.cpp prefill came out 40-66 % fast); the pipes per core",
    "are ASSUMED. llama.cpp's phone CPU decode is not bound by DRAM: on the three models both PocketPal",
    "phones ran in q4_0, the 8 Gen 2 reads 0.23-0.26 of its DRAM bandwidth and the 8 Elite Gen 5",
    "0.41-0.46, but both unpack 0.053-0.060 weight bytes per FLOP of their CPU path's FP32 peak (2.2x",
    "apart), so the cores set the pace, as on the Xeons. The model bounds phone CPU decode by DRAM, so the 8 Gen",
    "2, held out, is predicted 32-76 % too fast and the CPU group's decode band widens to hold it",
    "(median high/low over 2). A dequantising rate of llama.cpp's own in the phone CPU group (the server",
    "CPUs' term, fitted at 0.072) put these rows within 23 % (four of five within 16 %), but the group's",
    "bandwidth efficiency then rests on ExecuTorch rows alone, with the 8 Gen 3 held out on two (the A17",
    "Pro's and the 8 Elite Gen 5's): its Llama 3.2 1B int4 decode came out 21-60 % fast and the class's",
    "held-out decode error rose from 16 % to 21 %, so phones do not use the term. Threads are not",
    "modelled (the 8 Gen 2's runs used",
    "6 threads on 5 performance cores; llama.cpp issues #7176 and #21763);",
    "on the GPU, llama.cpp OpenCL prefill rows",
    "reach from about a fifth (the 8 Gen 2's Gemma 3 1B, 2026 build) or a third (the 8 Elite's F16, 2025",
    "builds) to 1.4x of the fitted GPU group's figure (the 8 Elite Gen 5's 2026 builds), so each device",
    "held out misses the others' way and the GPU group's band is wide (its median high/low is over 2).",
    "Several llama.cpp rows were transcribed from secondary",
    "copies. Overheads per layer absorb everything not proportional to bytes or FLOPs (sampling,",
    "synchronisation), so very small models on fast GPUs are the least certain.",
]


def methodology_section(f: dict, rep: dict) -> str:
    """The markdown between the calibration markers, from one fit's factors and report tables."""
    parts = _model_part(f) + _error_part(f, rep) + _rows_part(f, rep) + _mfu_part(f, rep) + KNOWN_LIMITS
    return "\n".join(parts)


def write_methodology(text: str, path: Path = METHODOLOGY_MD) -> None:
    """Replace the text between the calibration markers (create the file if needed)."""
    if path.exists():
        doc = path.read_text(encoding="utf-8")
    else:
        doc = f"# Methodology\n\n{BEGIN}\n{END}\n"
    if BEGIN not in doc or END not in doc:
        doc = doc.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    pre, rest = doc.split(BEGIN, 1)
    _, post = rest.split(END, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{pre}{BEGIN}\n{text}\n{END}{post}", encoding="utf-8")
