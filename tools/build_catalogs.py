"""Rebuild the engine's catalogs in data/ from the project's reference folder.

Run once by a maintainer (never at run time):  python tools/build_catalogs.py --ref ../../shared/data
It copies every row with its source, adds the columns the engine needs (hw_class, verified,
derived, rental prices by a documented rule, assumption ranges) and writes
data/hardware.csv, data/models.csv, data/operating.csv (data/api_prices.csv is kept by hand).
data/formats.csv is hand-written (see data/README.md).  Every added value is explained in
the row's `derived` / `notes` column; see data/README.md for the rules.
"""
from __future__ import annotations

import argparse
import re
import statistics
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- hardware
HW_CLASS = {
    "amd-mi300x": "amd", "google-tpu-v5e": "tpu", "google-tpu-v4": "tpu", "google-tpu-v3": "tpu",
    "nvidia-rtx-4090": "nvidia-consumer", "nvidia-rtx-3090": "nvidia-consumer",
    "raspberry-pi-5": "cpu-sbc",
}


def hw_class(row) -> str:
    hid = row["id"]
    if hid in HW_CLASS:
        return HW_CLASS[hid]
    if "jetson" in hid:
        return "jetson"
    if row["category"] == "mobile":
        return "phone"
    if hid.startswith("apple-m"):
        return "apple"
    return "nvidia-datacenter"


# formats with a native matmul path (tensor cores / MXU); others are dequantised to fp16 first.
COMPUTE_FORMATS = {
    "nvidia-h100-sxm": "fp32|fp16|bf16|fp8|int8", "nvidia-h100-pcie": "fp32|fp16|bf16|fp8|int8",
    "nvidia-h200-sxm": "fp32|fp16|bf16|fp8|int8", "nvidia-h800-sxm": "fp32|fp16|bf16|fp8|int8",
    "nvidia-b200": "fp32|fp16|bf16|fp8|int8|mxfp4|nvfp4",
    "nvidia-a100-80gb-sxm": "fp32|fp16|bf16|int8|int4", "nvidia-a100-40gb-sxm": "fp32|fp16|bf16|int8|int4",
    "nvidia-a100-40gb-pcie": "fp32|fp16|bf16|int8|int4", "nvidia-l40s": "fp32|fp16|bf16|fp8|int8",
    "nvidia-l4": "fp32|fp16|bf16|fp8|int8", "nvidia-t4": "fp32|fp16|int8|int4",
    "nvidia-a10": "fp32|fp16|bf16|int8|int4", "nvidia-a10g": "fp32|fp16|bf16|int8|int4",
    "nvidia-v100-sxm2-32gb": "fp32|fp16", "nvidia-v100-sxm2-16gb": "fp32|fp16", "nvidia-v100-pcie-16gb": "fp32|fp16",
    "amd-mi300x": "fp32|fp16|bf16|fp8|int8", "google-tpu-v5e": "bf16|int8", "google-tpu-v4": "bf16|int8",
    "google-tpu-v3": "bf16", "nvidia-rtx-4090": "fp32|fp16|bf16|fp8|int8|int4",
    "nvidia-rtx-3090": "fp32|fp16|bf16|int8|int4", "raspberry-pi-5": "fp32|fp16|int8",
}

# Interconnect for tensor parallel, GB/s per device per direction (vendor pages; labelled where assumed).
INTERCONNECT = {
    "nvidia-h100-sxm": (900, "NVLink 4 900 GB/s (H100 datasheet)"),
    "nvidia-h200-sxm": (900, "NVLink 4 900 GB/s (H200 page)"),
    "nvidia-b200": (1800, "NVLink 5 1.8 TB/s (DGX B200 datasheet)"),
    "nvidia-h800-sxm": (400, "NVLink 400 GB/s (DeepSeek-V3 report s3.1)"),
    "nvidia-h100-pcie": (128, "PCIe 5.0 x16 128 GB/s bidirectional (NVLink bridge optional, not assumed)"),
    "nvidia-a100-80gb-sxm": (600, "NVLink 3 600 GB/s (A100 datasheet)"),
    "nvidia-a100-40gb-sxm": (600, "NVLink 3 600 GB/s (A100 datasheet)"),
    "nvidia-a100-40gb-pcie": (64, "PCIe 4.0 x16 64 GB/s (A100 datasheet; bridge not assumed)"),
    "nvidia-v100-sxm2-32gb": (300, "NVLink 2 300 GB/s (V100 datasheet)"),
    "nvidia-v100-sxm2-16gb": (300, "NVLink 2 300 GB/s (V100 datasheet)"),
    "amd-mi300x": (896, "Infinity Fabric 7x128 GB/s (MI300X datasheet)"),
    "google-tpu-v5e": (200, "ICI 1,600 Gbps per chip (Cloud TPU v5e docs)"),
    "google-tpu-v4": (300, "ICI 6 links x 50 GB/s (ASSUMED from TPU v4 paper topology)"),
    "google-tpu-v3": (200, "ICI (ASSUMED order of magnitude)"),
    "nvidia-rtx-3090": (112.5, "NVLink bridge 112.5 GB/s (GA102 whitepaper)"),
}


def interconnect(row) -> tuple[float, str]:
    if row["id"] in INTERCONNECT:
        return INTERCONNECT[row["id"]]
    cls = row["hw_class"]
    if cls in ("nvidia-datacenter", "nvidia-consumer"):
        bw = 32.0 if row["id"] in ("nvidia-t4", "nvidia-v100-pcie-16gb") else 64.0
        return bw, f"PCIe {'3.0' if bw == 32 else '4.0'} x16 {bw:g} GB/s bidirectional (no NVLink)"
    if cls == "apple":
        return 5.0, "ASSUMED: Thunderbolt 4/5 link between Macs (~40-80 Gbit/s)"
    if cls in ("jetson", "cpu-sbc"):
        return 0.125, "ASSUMED: 1 Gbit Ethernet between boards"
    return 0.05, "ASSUMED: Wi-Fi between phones (multi-device on phones is not a real option)"


# Apple GPUs: FP16 runs at the FP32 ALU rate (no faster matrix path used by llama.cpp / MLX).
# M3/M4 FP32 derived = GPU cores x 128 ALUs x 2 FLOP/FMA x clock.  Clocks are third-party readings that
# disagree: M3 family 1,398 MHz (hmc-tech.com GPU pages) vs M3 Max boost 1,600 MHz (radargit.com), so the
# expected value is the midpoint 1.5 GHz with that range; M4: 1,470-1,578 MHz for base M4 parts and
# 1,678 MHz for M4 Max (hmc-tech.com), applied by tier.
APPLE_CLOCK_GHZ = {"m3": (1.398, 1.5, 1.6), "m4": (1.47, 1.578, 1.678), "m4-pro": (1.578, 1.678, 1.678),
                   "m4-max": (1.578, 1.678, 1.678)}
# Package power under a sustained GPU load (ASSUMED from review measurements; Apple publishes none).
APPLE_POWER_W = {"base": (15, 20, 25), "pro": (25, 35, 45), "max": (45, 60, 90), "ultra": (90, 130, 200)}

# Phones: labelled assumption ranges (low, expected, high); no vendor publishes these.
PHONES = {
    "apple-a17-pro": dict(
        gpu_fp32=(1.8, 2.15, 2.5), npu=(35, 35, 35), battery=(11.5, 12.7, 13.5), bw=None, power=(3, 5, 8),
        note="GPU 6 cores x 128 ALUs x 2 x ~1.4 GHz (third-party clock); ANE 35 TOPS (Apple); battery "
             "3,274 mAh x 3.87 V (regulatory filing, third-party)"),
    "apple-a18-pro": dict(
        gpu_fp32=(2.0, 2.3, 2.7), npu=(30, 35, 40), battery=(12.5, 13.9, 14.5), bw=None, power=(3, 5, 8),
        note="GPU 6 cores x 128 x 2 x ~1.5 GHz (ASSUMED clock); ANE TOPS not quoted, assumed ~A17's 35; "
             "battery 3,582 mAh x 3.87 V (third-party)"),
    "qualcomm-snapdragon-8-gen-3": dict(
        gpu_fp32=(2.5, 3.0, 4.6), npu=(34, 45, 73), battery=(15.4, 19.4, 20.9), bw=None, power=(4, 6, 9),
        note="Adreno 750 FP32 from third-party reviews (no Qualcomm figure); FP16 = 2x FP32 (Adreno dual-rate "
             "FP16); Hexagon NPU INT8 third-party estimates; battery 4,000-5,400 mAh phones x ~3.87 V"),
    "qualcomm-snapdragon-8-elite": dict(
        gpu_fp32=(3.0, 3.4, 4.5), npu=(45, 60, 75), battery=(15.5, 19.4, 23.2), bw=None, power=(4, 6, 9),
        note="Adreno 830 FP32 from third-party reviews; FP16 = 2x FP32; Hexagon NPU INT8 third-party "
             "estimates; battery 4,000-6,000 mAh phones x ~3.87 V"),
    "google-tensor-g3": dict(
        gpu_fp32=(1.1, 1.4, 1.8), npu=(15, 25, 35), battery=(17.6, 19.5, 19.6), bw=(51.2, 60.0, 68.3),
        power=(4, 6, 9),
        note="Mali-G715 MC7 FP32 third-party; FP16 = 2x FP32; TPU TOPS unpublished (ASSUMED range); bandwidth "
             "ASSUMED LPDDR5 6400 to LPDDR5X 8533 on 64 bit; battery Pixel 8 / 8 Pro 4,575-5,050 mAh"),
    "google-tensor-g4": dict(
        gpu_fp32=(1.2, 1.6, 2.0), npu=(20, 30, 45), battery=(16.5, 18.2, 19.5), bw=(51.2, 68.3, 76.8),
        power=(4, 6, 9),
        note="Mali-G715 MC7 at higher clock, third-party; FP16 = 2x FP32; TPU TOPS unpublished (ASSUMED); "
             "bandwidth ASSUMED LPDDR5X range on 64 bit; battery Pixel 9 / 9 Pro 4,700-5,060 mAh"),
}

# Rental rule: median of on-demand per-GPU-hour listings (each cell value, e.g. community and secure,
# counts once) of providers in prices/gpu_rental_prices.csv; market-range, marketplace, spot and
# serverless rows are excluded unless no on-demand listing exists.  low/high = min/max listing.
RENTAL_LISTINGS = {
    "nvidia-h100-sxm": [("AWS", 6.88, "2026-11-09"), ("Azure", 12.29, "2026-11-09"), ("GCP", 10.98, "2026-09-26"),
                        ("RunPod", 2.69, "2026-11-09"), ("RunPod", 3.99, "2026-11-09"), ("Lambda", 3.99, "2026-09-20"),
                        ("Lambda", 4.29, "2026-09-25"), ("Nebius", 3.85, "2026-09-25")],
    "nvidia-h100-pcie": [("RunPod", 1.99, "2026-11-09"), ("RunPod", 2.89, "2026-11-09")],
    "nvidia-h200-sxm": [("AWS", 7.91, "2026-08-06"), ("RunPod", 3.59, "2026-09-25"), ("RunPod", 4.59, "2026-09-25"),
                        ("Nebius", 4.50, "2026-09-25")],
    "nvidia-b200": [("RunPod", 5.98, "2026-09-25"), ("RunPod", 6.79, "2026-09-25"), ("Lambda", 6.69, "2026-09-20"),
                    ("Lambda", 6.99, "2026-09-20"), ("Nebius", 7.15, "2026-09-25")],
    "nvidia-a100-80gb-sxm": [("AWS", 3.43, "2026-11-09"), ("RunPod", 1.39, "2026-11-09"),
                             ("RunPod", 1.79, "2026-11-09"), ("Lambda", 2.79, "2026-09-20")],
    "nvidia-a100-40gb-sxm": [("AWS", 2.74, "2026-11-09"), ("Lambda", 1.99, "2026-09-20")],
    "nvidia-l40s": [("AWS", 1.861, "2026-09-22"), ("RunPod", 0.79, "2026-09-25"), ("RunPod", 1.09, "2026-09-25"),
                    ("Nebius", 1.55, "2026-09-25")],
    "nvidia-l4": [("AWS", 0.805, "2026-09-25")],
    "nvidia-t4": [("AWS", 0.526, "2026-09-25")],
    "nvidia-a10g": [("AWS", 1.006, "2026-09-25")],
    "nvidia-rtx-3090": [("RunPod serverless flex", 0.684, "undated")],
}
RENTAL_SIBLINGS = {  # no listing: the nearest sibling's price, marked derived
    "nvidia-a100-40gb-pcie": "nvidia-a100-40gb-sxm", "nvidia-h800-sxm": "nvidia-h100-sxm",
}
RENTAL_FROM_SPEC = {  # prices carried in hardware_specs.csv itself (recalled, unverified)
    "nvidia-v100-sxm2-16gb": "AWS p3.2xlarge on-demand (as recalled in hardware_specs.csv, unverified)",
    "google-tpu-v5e": "Google Cloud TPU pricing, on-demand per chip-hour (as recalled, region-dependent)",
}
PURCHASE = {  # operating_assumptions.csv street prices (deluair.com compute-cost, 2026): midpoints
    "nvidia-h100-sxm": (30000, 32500, 35000), "nvidia-h200-sxm": (38000, 40000, 42000),
    "nvidia-b200": (45000, 47500, 50000),
}
TPU_POWER = {"google-tpu-v5e": (150, 200, 250), "google-tpu-v4": (170, 192, 192)}

# verified = primary-datasheet figures that agree with a second reading or an internal arithmetic
# check (dense = printed sparse / 2) noted in the source; see data/README.md.
VERIFIED = {
    "nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-a100-80gb-sxm", "nvidia-a100-40gb-sxm",
    "nvidia-a100-40gb-pcie", "nvidia-l40s", "nvidia-l4", "nvidia-t4", "nvidia-a10", "nvidia-v100-sxm2-32gb",
    "nvidia-v100-sxm2-16gb", "nvidia-v100-pcie-16gb", "amd-mi300x", "google-tpu-v3",
    "nvidia-h200-sxm", "nvidia-rtx-4090",
}
SECOND_READING = {
    "nvidia-h200-sxm": "second reading (2026-11, engine work): 141 GB, 4.8 TB/s, 700 W, FP8 3958 sparse agree on "
                       "independent spec pages (aiwiki.ai/wiki/nvidia_h200, hmc-tech.com, aiminingco.com)",
    "nvidia-rtx-4090": "second reading (2026-11, engine work): 1008 GB/s, 82.6 TF FP32, 165.15 dense FP16 tensor "
                       "(FP32 acc), 660.6 INT8, 450 W, $1,599 agree on waredb.com and Tom's Hardware-style spec "
                       "tables; note FP8 dense is 330 TF on GeForce (the int8 column, 660, overstates FP8 by 2x)",
}


GIB_PER_GB = 1.073741824


def usable_fraction(row) -> tuple[float, str]:
    cls = row["hw_class"]
    if cls == "apple":
        # Metal recommendedMaxWorkingSetSize is ~75% of unified memory on most Macs (macOS default).
        return 0.75, "usable_memory_gb = 0.75 x unified memory (macOS GPU working-set limit, approx.)"
    if cls == "phone":
        return 0.5, "usable_memory_gb = 0.5 x RAM (ASSUMED share an app may hold; OS and apps keep the rest)"
    if cls in ("jetson", "cpu-sbc"):
        return 0.85, "usable_memory_gb = 0.85 x RAM (ASSUMED: OS and desktop keep ~15% of shared memory)"
    return 1.0, ""


def build_hardware(ref: Path) -> pd.DataFrame:
    src = pd.read_csv(ref / "hardware_specs.csv")
    out = []
    for _, r in src.iterrows():
        row = dict(id=r["id"], name=r["name"], category="sbc" if r["category"] == "cpu" else r["category"])
        row["hw_class"] = hw_class(r)
        derived, notes, ranges = [], [], {}
        row["memory_gb"] = float(r["memory_gb"])
        row["memory_bandwidth_gb_s"] = r["memory_bandwidth_gbs"]
        row["peak_tflops_fp32"] = r["peak_tflops_fp32"]
        row["peak_tflops_fp16"] = r["peak_tflops_fp16_bf16_dense"]
        row["peak_tops_int8"] = r["peak_tops_int8_dense"]
        row["peak_tops_int4"] = r["peak_tops_int4_dense"]
        row["npu_tops_int8"] = float("nan")
        row["tdp_w"] = r["tdp_w"]
        cls = row["hw_class"]
        hid = row["id"]
        if hid == "nvidia-a10g":
            # Tensor peaks unpublished: A10's tensor/FP32 ratio (125/31.2 = 4.0) applied to A10G's FP32.
            row["peak_tflops_fp16"] = round(35.0 * 125 / 31.2, 1)
            row["peak_tops_int8"] = round(2 * row["peak_tflops_fp16"], 1)
            row["peak_tops_int4"] = round(4 * row["peak_tflops_fp16"], 1)
            row["tdp_w"] = 300.0
            derived += ["peak_tflops_fp16", "peak_tops_int8", "peak_tops_int4", "tdp_w"]
            notes.append("A10G tensor peaks DERIVED with A10's tensor/FP32 ratio 4.0 (ranges 0.5x-1x: GA102 "
                         "GeForce-style halved FP32-accumulate rate possible); TDP ASSUMED 300 W (AWS G5 "
                         "sources quote 300 W board power, unverified)")
            ranges["peak_tflops_fp16"] = (70.0, row["peak_tflops_fp16"], row["peak_tflops_fp16"])
        if hid == "nvidia-b200":
            # Blackwell has FP4 (NVFP4/MXFP4) tensor cores, not INT4: the int4 column carries the FP4 peak.
            row["peak_tops_int4"] = 9000.0
            notes.append("peak_tops_int4 = dense FP4 tensor peak 9 PF (DGX B200 datasheet; no INT4 path)")
        if cls == "tpu":
            # TPUs have no FP32 matmul unit; fp32 is emulated with multi-pass bf16 (bf16x3/x6).
            row["peak_tflops_fp32"] = round(float(r["peak_tflops_fp16_bf16_dense"]) / 4, 2)
            derived.append("peak_tflops_fp32")
            notes.append("fp32 DERIVED as bf16 peak / 4 (multi-pass bf16 emulation on the MXU, ASSUMED)")
            if pd.isna(row["peak_tops_int8"]):
                row["peak_tops_int8"] = row["peak_tflops_fp16"]
                derived.append("peak_tops_int8")
                notes.append("TPU v3 has no int8 MXU mode: int8 peak = bf16 peak (DERIVED)")
            if hid in TPU_POWER:
                lo, ex, hi = TPU_POWER[hid]
                row["tdp_w"] = ex
                ranges["tdp_w"] = (lo, ex, hi)
                derived.append("tdp_w")
                notes.append("power per chip ASSUMED (v4: ~192 W TDP per Jouppi et al. 2023 ISCA TPU v4 paper as "
                             "recalled; v5e: unpublished, range 150-250 W)")
        if cls == "apple":
            gen = hid.split("-")[1]
            cores = int(re.search(r"-(\d+)c$", hid).group(1))
            tier = next((t for t in ("pro", "max", "ultra") if f"-{t}-" in hid), "base")
            clock_key = f"{gen}-{tier}" if f"{gen}-{tier}" in APPLE_CLOCK_GHZ else gen
            if clock_key in APPLE_CLOCK_GHZ:
                clocks = APPLE_CLOCK_GHZ[clock_key]
                lo, ex, hi = (round(cores * 128 * 2 * c / 1000, 2) for c in clocks)
                row["peak_tflops_fp32"] = ex
                ranges["peak_tflops_fp32"] = (lo, ex, hi)
                ranges["peak_tflops_fp16"] = (lo, ex, hi)
                derived.append("peak_tflops_fp32")
                notes.append(f"FP32 DERIVED = {cores} GPU cores x 128 ALUs x 2 FLOP x {clocks[1]} GHz "
                             f"(third-party clocks; range {clocks[0]}-{clocks[2]} GHz)")
            row["peak_tflops_fp16"] = row["peak_tflops_fp32"]
            row["npu_tops_int8"] = r["peak_tops_int8_dense"]
            row["peak_tops_int8"] = row["peak_tflops_fp32"]
            row["peak_tops_int4"] = row["peak_tflops_fp32"]
            derived += ["peak_tflops_fp16", "peak_tops_int8", "peak_tops_int4", "tdp_w"]
            notes.append("GPU FP16 = FP32 ALU rate; GPU int8/int4 = FP16 rate (no faster GPU integer path used by "
                         "llama.cpp/MLX); npu_tops_int8 = Apple Neural Engine marketing TOPS (not used by llama.cpp)")
            lo, ex, hi = APPLE_POWER_W[tier]
            row["tdp_w"] = ex
            ranges["tdp_w"] = (lo, ex, hi)
            notes.append(f"power ASSUMED {lo}-{hi} W package power under GPU load ({tier} tier; Apple publishes no TDP)")
        if cls == "phone":
            p = PHONES[hid]
            lo, ex, hi = p["gpu_fp32"]
            f16 = 1 if hid.startswith("apple") else 2
            row["peak_tflops_fp32"] = ex
            row["peak_tflops_fp16"] = ex * f16
            row["peak_tops_int8"] = ex * f16
            row["peak_tops_int4"] = ex * f16
            ranges["peak_tflops_fp32"] = (lo, ex, hi)
            ranges["peak_tflops_fp16"] = (lo * f16, ex * f16, hi * f16)
            row["npu_tops_int8"] = p["npu"][1]
            ranges["npu_tops_int8"] = p["npu"]
            row["battery_wh"] = p["battery"][1]
            ranges["battery_wh"] = p["battery"]
            row["tdp_w"] = p["power"][1]
            ranges["tdp_w"] = p["power"]
            derived += ["peak_tflops_fp32", "peak_tflops_fp16", "peak_tops_int8", "peak_tops_int4",
                        "npu_tops_int8", "battery_wh", "tdp_w"]
            if p["bw"]:
                row["memory_bandwidth_gb_s"] = p["bw"][1]
                ranges["memory_bandwidth_gb_s"] = p["bw"]
                derived.append("memory_bandwidth_gb_s")
            notes.append("ASSUMPTION RANGES (low|expected|high): " + p["note"] + "; sustained SoC power "
                         f"{p['power'][0]}-{p['power'][2]} W ASSUMED")
        if cls == "jetson":
            derived += ["peak_tflops_fp32", "peak_tflops_fp16", "peak_tops_int8"]
        if cls == "cpu-sbc":
            derived += ["memory_bandwidth_gb_s", "peak_tflops_fp32", "peak_tflops_fp16", "peak_tops_int8"]
        if hid == "nvidia-v100-pcie-16gb" or cls in ("nvidia-datacenter", "nvidia-consumer", "amd", "jetson", "cpu-sbc"):
            # int8 missing (V100 has no int8 tensor cores; Hopper/Blackwell/AMD/Ada-DC have no int4 path):
            # fall back to the next native rate so every format has a compute peak.
            if pd.isna(row["peak_tops_int8"]):
                row["peak_tops_int8"] = row["peak_tflops_fp16"]
                derived.append("peak_tops_int8")
                notes.append("no int8 tensor path: int8 peak = fp16 peak (DERIVED)")
            if pd.isna(row["peak_tops_int4"]):
                row["peak_tops_int4"] = row["peak_tops_int8"]
                derived.append("peak_tops_int4")
                notes.append("no int4 tensor path: int4 peak = int8 peak (DERIVED)")
        if cls == "tpu" and pd.isna(row["peak_tops_int4"]):
            row["peak_tops_int4"] = row["peak_tops_int8"]
            derived.append("peak_tops_int4")
        if "battery_wh" not in row:
            row["battery_wh"] = float("nan")
        frac, fnote = usable_fraction(row)
        # Memory sizes are printed in binary units (an '80 GB' H100 holds 80 GiB = 85.9e9 bytes; LPDDR and
        # unified memory likewise); the engine counts decimal GB (1e9 bytes), so convert here.
        row["usable_memory_gb"] = round(row["memory_gb"] * GIB_PER_GB * frac, 2)
        derived.append("usable_memory_gb")
        notes.append("usable_memory_gb = memory_gb (binary GiB as printed) x 1.0737 to decimal GB"
                     + (f"; {fnote}" if fnote else ""))
        ic, icnote = interconnect(row)
        row["interconnect_gb_s"] = ic
        notes.append("interconnect: " + icnote)
        row["compute_formats"] = COMPUTE_FORMATS.get(hid, "fp32|fp16")
        if cls == "apple" or cls == "phone":
            row["compute_formats"] = "fp32|fp16"
        # rental price
        price, as_of, psrc = float("nan"), "", ""
        if hid in RENTAL_LISTINGS:
            vals = [v for _, v, _ in RENTAL_LISTINGS[hid]]
            price = round(statistics.median(vals), 3)
            dates = [d for _, _, d in RENTAL_LISTINGS[hid] if d != "undated"]
            as_of = max(dates) if dates else "undated"
            provs = sorted({p for p, _, _ in RENTAL_LISTINGS[hid]})
            psrc = (f"median of {len(vals)} on-demand listings ({', '.join(provs)}) in prices/gpu_rental_prices.csv; "
                    f"range {min(vals):g}-{max(vals):g}")
            ranges["usd_per_hour"] = (min(vals), price, max(vals))
        elif hid in RENTAL_FROM_SPEC:
            price = float(r["typical_cloud_usd_per_hour"])
            as_of, psrc = "undated (recalled)", RENTAL_FROM_SPEC[hid]
        row["usd_per_hour"] = price
        row["price_as_of"] = as_of
        row["price_source"] = psrc
        lo, ex, hi = PURCHASE.get(hid, (None, r["purchase_usd"], None))
        row["purchase_usd"] = ex
        if hid in PURCHASE:
            ranges["purchase_usd"] = (lo, ex, hi)
            row["purchase_source"] = "street price range, deluair.com compute-cost (2026, via operating_assumptions.csv)"
        elif not pd.isna(r["purchase_usd"]):
            row["purchase_source"] = "launch MSRP / dev-kit price per source column"
        else:
            row["purchase_source"] = ""
        row["source"] = r["source"]
        row["verified"] = hid in VERIFIED
        row["derived"] = "|".join(dict.fromkeys(derived))
        row["ranges"] = ";".join(f"{k}={a:g}|{b:g}|{c:g}" for k, (a, b, c) in ranges.items())
        if hid in SECOND_READING:
            notes.append(SECOND_READING[hid])
        row["notes"] = "; ".join(notes)
        out.append(row)
    df = pd.DataFrame(out)
    for hid, sib in RENTAL_SIBLINGS.items():
        s = df.loc[df.id == sib].iloc[0]
        i = df.index[df.id == hid][0]
        df.loc[i, "usd_per_hour"] = s["usd_per_hour"]
        df.loc[i, "price_as_of"] = s["price_as_of"]
        df.loc[i, "price_source"] = f"DERIVED: no listing; price of sibling {sib} ({s['price_source']})"
        df.loc[i, "derived"] = "|".join(filter(None, [df.loc[i, "derived"], "usd_per_hour"]))
    return df


# ---------------------------------------------------------------- models
ATTENTION = {  # id -> (attention_type, sliding_window, window_layers, kv_lora_rank, qk_rope_head_dim, source)
    "mistral-7b": ("sliding-window-mix", 4096, "all", None, None,
                   "Jiang et al. 2023 arXiv:2310.06825 Table 1 (window 4096, every layer); HF config sliding_window 4096"),
    "gemma-2-2b": ("sliding-window-mix", 4096, "alternate", None, None,
                   "Gemma Team 2024 arXiv:2408.00118 s2 (local 4096 / global alternating)"),
    "gemma-2-9b": ("sliding-window-mix", 4096, "alternate", None, None, "Gemma Team 2024 arXiv:2408.00118 s2"),
    "gemma-2-27b": ("sliding-window-mix", 4096, "alternate", None, None, "Gemma Team 2024 arXiv:2408.00118 s2"),
    "gpt-oss-20b": ("sliding-window-mix", 128, "alternate", None, None,
                    "OpenAI gpt-oss model card arXiv:2508.10925 (alternating banded window 128 / dense layers)"),
    "deepseek-v3": ("mla", None, "", 512, 64,
                    "DeepSeek-AI 2024 arXiv:2412.19437 s2.1.1 (d_c = 512 latent + d_h^R = 64 decoupled RoPE key "
                    "cached per token and layer)"),
}


def build_models(ref: Path) -> pd.DataFrame:
    src = pd.read_csv(ref / "model_specs.csv")
    rows = []
    for _, r in src.iterrows():
        d = r.to_dict()
        mid = d["id"]
        if mid in ATTENTION:
            at, sw, swl, kvr, rope, asrc = ATTENTION[mid]
        elif d["kind"] in ("decoder-llm", "encoder", "speech", "encoder-decoder", "vision-transformer") and \
                not pd.isna(d["kv_heads"]):
            at = "gqa" if d["kv_heads"] < d["attention_heads"] else "mha"
            sw, swl, kvr, rope, asrc = None, "", None, None, "kv_heads vs attention_heads in the config"
        else:
            at, sw, swl, kvr, rope, asrc = "none", None, "", None, None, "convolutional: no attention KV cache"
        d.update(attention_type=at, sliding_window=sw, sliding_window_layers=swl, kv_lora_rank=kvr,
                 qk_rope_head_dim=rope, attention_source=asrc)
        notes = str(d.get("notes", ""))
        d["verified"] = not any(w in notes for w in ("UNCERTAIN", "INFERRED", "not read", "as recalled",
                                                      "third-party", "not re-opened"))
        # published active counts that leave the input embedding out (model cards: gpt-oss, DeepSeek-V3);
        # every other row counts it (scenarios/engine/memory.py conventions)
        d["active_excludes_embedding"] = mid in ("gpt-oss-20b", "gpt-oss-120b", "deepseek-v3")
        rows.append(d)
    df = pd.DataFrame(rows)
    cols = ["id", "name", "family", "kind", "params_b", "active_params_b", "layers", "hidden_size",
            "attention_heads", "kv_heads", "head_dim", "ffn_size", "vocab_size", "context_length", "num_experts",
            "experts_per_token", "tie_embeddings", "active_excludes_embedding", "attention_type", "sliding_window", "sliding_window_layers",
            "kv_lora_rank", "qk_rope_head_dim", "gflops_per_input", "input_resolution", "source",
            "attention_source", "verified", "notes"]
    return df[cols]


# ---------------------------------------------------------------- api prices
def first_number(cell) -> float:
    if pd.isna(cell):
        return float("nan")
    m = re.search(r"\d+(?:\.\d+)?", str(cell))
    return float(m.group(0)) if m else float("nan")


def build_api_prices(ref: Path) -> pd.DataFrame:
    src = pd.read_csv(ref / "prices" / "api_prices.csv")
    rows = []
    for _, r in src.iterrows():
        raw = f"input={r['input']}; cached={r['cached_input']}; output={r['output']}"
        complex_cell = any("/" in str(r[c]) or "(" in str(r[c]) for c in ("input", "cached_input", "output"))
        notes = str(r["notes"]) if not pd.isna(r["notes"]) else ""
        if complex_cell:
            notes = (notes + "; " if notes else "") + f"first listed tier used; raw cells: {raw}"
        rows.append(dict(provider=r["provider"], model=r["model"], usd_per_m_input=first_number(r["input"]),
                         usd_per_m_cached_input=first_number(r["cached_input"]),
                         usd_per_m_output=first_number(r["output"]), as_of=r["as_of"], source=r["source"],
                         source_type=r["source_type"],
                         verified=str(r["source_type"]).startswith("primary") and "VERIFY" not in notes,
                         notes=notes))
    return pd.DataFrame(rows)


OPERATING = [
    # parameter, unit, low, expected, high, as_of, source, notes
    ("utilisation", "share of paid device time doing useful work", 0.30, 0.50, 0.70, "2026-05-28",
     "gmicloud.ai/en/blog/llm-inference-cost-per-million-tokens (30-60% production); deluair.com/consultancy/tools/"
     "compute-cost (50-70% hyperscaler)", "expected = the CLI default 0.5"),
    ("pue", "facility power / IT power", 1.10, 1.30, 1.58, "2023-11-23 / 2025-09",
     "Uptime Institute (industry average 1.58, flat 1.55-1.59 since 2020); Google/hyperscale ~1.1 (datacentremagazine "
     "2025-09)", "expected = ASSUMED midpoint between hyperscale (1.1-1.2) and the industry average; on-device "
     "targets (laptop, phone, edge board) use 1.0"),
    ("grid_kg_co2_per_kwh", "kg CO2e per kWh", 0.056, 0.481, 0.713, "2024-07-03",
     "Ember 2023 world average 481 g/kWh (statista); France 56 / India 713 g/kWh (Our World in Data, Ember/EI 2024)",
     "low/high = cleanest/dirtiest large grid listed"),
    ("electricity_usd_per_kwh", "USD per kWh", 0.066, 0.083, 0.1864, "2024-10-17",
     "EIA Electric Power Annual 2023 (Texas industrial 6.60c, California industrial 18.64c); US industrial "
     "average ~8.3c (2024, via deluair.com)", ""),
    ("idle_power_fraction", "share of nameplate power when idle", 0.15, 0.20, 0.30, "2025-05",
     "LBNL via Uptime Institute (gpu-utilization-confusing-metric)", "low/high ASSUMED around the cited 20%"),
    ("useful_time_share", "share of GPU server time in useful work", 0.75, 0.80, 0.85, "2025-05",
     "LBNL via Uptime Institute (75-85%)", ""),
    ("cloud_bill_overhead", "total bill / GPU-hour price", 1.0, 1.4, 1.67, "2026-05",
     "mercatus-ai.com/blog/cloud-gpu-pricing (GPU rate is ~60-70% of the bill)", "expected ASSUMED mid-range"),
    ("depreciation_years", "years", 3, 5, 6, "2026",
     "deluair.com/consultancy/tools/compute-cost (hyperscalers moved to 6 years in 2023; inference fleets turn "
     "over faster)", "low/expected ASSUMED"),
    ("at_cost_h100_usd_per_hour", "USD per H100-hour", 1.80, 2.30, 2.80, "2025-26",
     "greaterwrong.com shortform (~$2.3/h all-in at cost; market ~$1.80)", "high ASSUMED"),
]


def build_operating() -> pd.DataFrame:
    return pd.DataFrame(OPERATING, columns=["parameter", "unit", "low", "expected", "high", "as_of", "source",
                                            "notes"]).assign(verified=False)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default=str(ROOT.parent.parent / "shared" / "data"))
    a = ap.parse_args()
    ref = Path(a.ref)
    build_hardware(ref).to_csv(ROOT / "data" / "hardware.csv", index=False)
    build_models(ref).to_csv(ROOT / "data" / "models.csv", index=False)
    # data/api_prices.csv is not rebuilt: since its 2026-12 refresh it carries batch prices, real
    # dates and provider|secondary sources the reference file lacks (data/README.md); rebuilding it
    # would undo that. build_api_prices stays to compare the two.
    build_operating().to_csv(ROOT / "data" / "operating.csv", index=False)
    src = pd.read_csv(ref / "prices" / "gpu_rental_prices.csv")
    src.assign(verified=False).to_csv(ROOT / "data" / "rental_prices.csv", index=False)
    print("wrote data/hardware.csv models.csv operating.csv rental_prices.csv")


if __name__ == "__main__":
    main()
