"""Print the data/hardware.csv rows of the server CPUs (class ``cpu-server``) derived from
data/cpu_server_paths.csv, so the arithmetic behind each peak is reproducible.

    python tools/derive_cpu_rows.py >> data/hardware.csv      # once, when a CPU is added

peak = physical cores x clock x operations per cycle per core (the per-cycle figures and clocks
are sourced per row in cpu_server_paths.csv); memory bandwidth = the socket's bandwidth x the
instance's share of its cores; power likewise.  Prices and memory sizes are in INSTANCES below,
each with its source.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
AWS_PRICES = "https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux, on-demand)"
# id -> (name, memory GiB, usd_per_hour, price_as_of, price_source, purchase_usd, purchase_source)
INSTANCES = {
    "aws-c7i-8xlarge": ("AWS c7i.8xlarge (Xeon 4th gen 8488C, 32 vCPU, AMX)", 64, 1.428, "2026-12-07",
                        AWS_PRICES + "; same figure in a dated secondary listing (llama.cpp CPU cost table, "
                        "in a public GitHub repository, undated: c7i.8xlarge $1.428/h); not re-read on the AWS page this session", None, ""),
    "aws-c7a-8xlarge": ("AWS c7a.8xlarge (EPYC 4th gen 9R14, 32 vCPU)", 64, 1.64224, "2026-12-07",
                        AWS_PRICES + "; value as listed on that page, not re-read this session", None, ""),
    "aws-c7g-8xlarge": ("AWS c7g.8xlarge (Graviton3, 32 vCPU)", 64, 1.1568, "2026-12-07",
                        AWS_PRICES + "; value as listed on that page, not re-read this session", None, ""),
    "aws-c8g-8xlarge": ("AWS c8g.8xlarge (Graviton4, 32 vCPU)", 64, 1.27232, "2026-12-07",
                        AWS_PRICES + "; value as listed on that page, not re-read this session", None, ""),
    "aws-r8g-16xlarge": ("AWS r8g.16xlarge (Graviton4, 64 vCPU)", 512, 3.7699, "2026-10-08",
                         "SECONDARY: an on-demand price table in a public batch-job script (github.com/rjwalters/"
                         "lean-genius research/problems/erdos-85-wip-01/h7_hsb_campaign_20261008/cert_controller.py "
                         "@ 1cab73ef, ON_DEMAND_USD_PER_HOUR, us-east-1, campaign of 2026-10-08: r8g.16xlarge 3.7699); "
                         "not read on " + AWS_PRICES.split(" (")[0], None, ""),
    "gcp-c4-standard-32": ("Google Cloud c4-standard-32 (Xeon 5th gen 8581C, 32 vCPU, AMX)", 120, 1.58136,
                           "2026-12-07", "https://cloud.google.com/compute/vm-instance-pricing (us-central1, "
                           "on-demand: 32 vCPU x $0.03465 + 120 GB x $0.003938 per hour); not re-read this session",
                           None, ""),
    "intel-xeon-platinum-8490h-2s": ("Intel Xeon Platinum 8490H x2 (OpenVINO benchmark server)", 512, None, "",
                                     "", 34000.0, "OpenVINO 2024.1 benchmark table Price column (2 x $17,000)"),
    "intel-xeon-platinum-8580-2s": ("Intel Xeon Platinum 8580 x2 (OpenVINO benchmark server)", 512, None, "",
                                    "", 21420.0, "OpenVINO 2024.1 benchmark table Price column (2 x $10,710)"),
    "intel-xeon-platinum-8480plus-2s": ("Intel Xeon Platinum 8480+ x2 (OpenVINO benchmark server)", 512, None, "",
                                        "", None, "", "memory_gb 512 ASSUMED (the benchmark system's memory is not "
                                        "published with its LLM figures; no purchase price is either)"),
    "intel-xeon-platinum-8380-2s": ("Intel Xeon Platinum 8380 x2 (OpenVINO benchmark server)", 512, None, "",
                                    "", 18718.0, "OpenVINO 2024.1 benchmark table Price column (2 x $9,359)"),
    # bare-metal CPUs of published llama.cpp / Ollama runs (data/calibration/inference_measurements.csv)
    # (an 8th field, where present, says where memory_gb comes from)
    "ampere-ampereone-a192-32x": ("AmpereOne A192-32X (192 cores, 1 socket; Ollama benchmark server)", 512, None, "",
                                  "", None, "", "memory_gb 512 as named with the system in the benchmark README"),
    "amd-threadripper-pro-5995wx": ("AMD Ryzen Threadripper PRO 5995WX (64 cores; llama-bench system)", 256, None,
                                    "", "", None, "", "memory_gb 256 ASSUMED (the PR does not state the system's "
                                    "memory; the 7B runs need under 10 GB)"),
}
with open(DATA / "hardware.csv", newline="", encoding="utf-8") as _fh:
    COLUMNS = next(csv.reader(_fh))          # the catalog's own header, in its order


def row(p: dict) -> dict:
    hid = p["hardware"]
    name, mem, usd, as_of, psrc, buy, buy_src, *mem_src = INSTANCES[hid]
    cores, ghz = int(p["physical_cores"]), float(p["clock_ghz"])
    share = min(1.0, cores / int(p["socket_cores"]))
    sockets = max(1, round(cores / int(p["socket_cores"])))
    peak = {k: round(cores * ghz * float(p[k]) / 1e3, 3)
            for k in ("fp32_flops_per_cycle", "bf16_flops_per_cycle", "int8_ops_per_cycle")}
    bw = round(float(p["socket_bandwidth_gb_s"]) * share * sockets, 1)
    tdp = round(float(p["socket_tdp_w"]) * share * sockets, 1)
    formats = "fp32|bf16|int8" if float(p["bf16_flops_per_cycle"]) > float(p["fp32_flops_per_cycle"]) else "fp32|int8"
    return {"id": hid, "name": name, "category": "cpu-server", "hw_class": "cpu-server", "memory_gb": mem,
            "memory_bandwidth_gb_s": bw, "peak_tflops_fp32": peak["fp32_flops_per_cycle"],
            "peak_tflops_fp16": peak["bf16_flops_per_cycle"], "peak_tops_int8": peak["int8_ops_per_cycle"],
            "peak_tops_int4": peak["int8_ops_per_cycle"], "tdp_w": tdp, "usable_memory_gb": round(mem * 1.0737, 2),
            "interconnect_gb_s": 12.5, "compute_formats": formats, "usd_per_hour": usd or "",
            "price_as_of": as_of, "price_source": psrc, "purchase_usd": buy or "", "purchase_source": buy_src,
            "source": f"{p['clock_source']}; per-cycle rates: {p['isa_source']}; bandwidth: {p['socket_bandwidth_source']}; "
                      f"power: {p['tdp_source']} (data/cpu_server_paths.csv)",
            "verified": "False",
            "derived": "memory_bandwidth_gb_s|peak_tflops_fp32|peak_tflops_fp16|peak_tops_int8|peak_tops_int4|tdp_w",
            "ranges": "", "notes": (f"peaks = {cores} cores x {ghz} GHz x ({p['fp32_flops_per_cycle']} FP32 FLOP, "
                                    f"{p['bf16_flops_per_cycle']} BF16 FLOP, {p['int8_ops_per_cycle']} INT8 op per cycle "
                                    f"per core: {p['isa']}); peak_tflops_fp16 holds the BF16 path (no FP16 matmul "
                                    f"path); bandwidth and power = the socket's x {cores}/{p['socket_cores']} cores "
                                    f"(the instance's share); int4 = int8 (no int4 path); interconnect = "
                                    f"100 Gbit/s network (ASSUMED). {p['notes']}"
                                    + ("" if usd else "; " + (mem_src[0] if mem_src else
                                       f"memory_gb {mem} ASSUMED (the benchmark system's memory is not in the "
                                       "table; small models do not depend on it)")))}


def main() -> None:
    with open(DATA / "cpu_server_paths.csv", newline="", encoding="utf-8") as fh:
        paths = list(csv.DictReader(fh))
    w = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
    for p in paths:
        w.writerow(row(p))


if __name__ == "__main__":
    main()
