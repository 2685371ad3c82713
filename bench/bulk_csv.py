"""Bulk CLI: ``venture-lab estimate inference --from-csv`` at 1 row, 100,000 rows and 1,000,000 rows.

Each run is the real command in its own process, writing to a file; its wall time and peak
resident memory (``wait4``'s ``ru_maxrss``) are measured. The marginal cost per estimate is
(time for 100,000 rows - time for 1 row) / 99,999, compared in the same run with llm-analysis
0.2.2's time per estimate (its driver from bench/llm_analysis_compare.py, in its own venv; skipped
with a note when it cannot be set up). Usage::

    python -m bench.bulk_csv                   # prints the table
    python -m bench.bulk_csv --write           # also writes its section of bench/RESULTS.md
    python -m bench.bulk_csv --rows 200000     # a smaller "large" run
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results_file import replace_section  # noqa: E402

SECTION = "## Bulk CLI (--from-csv)"
MODELS = ("llama-3-8b", "llama-3.1-70b", "mistral-7b", "qwen2.5-7b", "phi-3.5-mini", "gemma-2-9b")
DEVICES = ("nvidia-h100-sxm", "nvidia-l4", "nvidia-rtx-4090", "apple-m2-max-38c", "nvidia-a100-80gb-sxm")
RUN_ALL_ARGS = ("--write",)


def write_rows(path: Path, n: int) -> None:
    """n request rows cycling over models x devices with varied batch and token counts."""
    pairs = itertools.cycle(itertools.product(MODELS, DEVICES))
    with path.open("w", encoding="utf-8") as fh:
        fh.write("model,hardware,batch,prompt_tokens,output_tokens\n")
        fh.writelines(f"{m},{h},{1 + i % 64},{128 + i % 4000},{16 + i % 500}\n"
                      for i, (m, h) in zip(range(n), pairs))


def run_cli(rows_csv: Path, fmt: str, out_path: Path) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one --from-csv run writing to a file."""
    cmd = [sys.executable, "-m", "scenarios.cli", "estimate", "inference", "--from-csv", str(rows_csv),
           "--format", fmt]
    with out_path.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall_s = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-500:]}")
    return wall_s, usage.ru_maxrss / 1024


def llm_analysis_s_per_estimate() -> float | None:
    from bench import llm_analysis_compare as la
    py = la.ensure_venv()
    if py is None:
        return None
    results = la.run_llm_analysis(py, la.cells())
    times = sorted(r["seconds"] for r in results if "seconds" in r)
    return times[len(times) // 2] if times else None


def measure(big_rows: int) -> dict:
    res: dict = {"big_rows": big_rows}
    with tempfile.TemporaryDirectory(prefix="bulk-csv-") as tmp:
        tmp = Path(tmp)
        for n in (1, 100_000, big_rows):
            write_rows(tmp / f"in-{n}.csv", n)
        # the marginal cost is a difference of two short runs: the median of three of each
        res["t1_s"] = statistics.median(run_cli(tmp / "in-1.csv", "csv", tmp / "out.csv")[0] for _ in range(3))
        runs = [run_cli(tmp / "in-100000.csv", "csv", tmp / "out.csv") for _ in range(3)]
        res["t100k_s"], res["mem100k_mb"] = statistics.median(r[0] for r in runs), max(r[1] for r in runs)
        res["big_csv_s"], res["big_csv_mb"] = run_cli(tmp / f"in-{big_rows}.csv", "csv", tmp / "out.csv")
        res["big_csv_bytes"] = (tmp / "out.csv").stat().st_size
        res["big_jsonl_s"], res["big_jsonl_mb"] = run_cli(tmp / f"in-{big_rows}.csv", "jsonl", tmp / "out.jsonl")
    res["marginal_s"] = (res["t100k_s"] - res["t1_s"]) / 99_999
    res["la_s"] = llm_analysis_s_per_estimate()
    res["load"] = os.getloadavg()[0]
    return res


def report(r: dict) -> str:
    ratio = f"{r['la_s'] / r['marginal_s']:.0f}x" if r["la_s"] else "not measured (llm-analysis unavailable)"
    la = f"{1e6 * r['la_s']:.0f} µs" if r["la_s"] else "—"
    return "\n".join([
        SECTION, "",
        "_`python -m bench.bulk_csv --write`: the real command in its own process, output to a file; "
        f"peak memory is the process's resident maximum. 1-minute load average at the end: {r['load']:.1f} "
        "on 2 cores shared with other work, so times are upper bounds._", "",
        "| run | wall time | peak memory |", "|---|---:|---:|",
        f"| 1 row, `--format csv` (start-up; median of 3) | {r['t1_s']:.2f} s | — |",
        f"| 100,000 rows, `--format csv` (median of 3) | {r['t100k_s']:.2f} s | {r['mem100k_mb']:.0f} MB |",
        f"| {r['big_rows']:,} rows, `--format csv` ({r['big_csv_bytes'] / 1e6:.0f} MB written) | "
        f"{r['big_csv_s']:.1f} s | {r['big_csv_mb']:.0f} MB |",
        f"| {r['big_rows']:,} rows, `--format jsonl` | {r['big_jsonl_s']:.1f} s | {r['big_jsonl_mb']:.0f} MB |",
        "",
        f"Marginal cost per estimate ((100,000 rows - 1 row) / 99,999): {1e6 * r['marginal_s']:.1f} µs; "
        f"llm-analysis 0.2.2 per estimate in the same run: {la}; ratio {ratio}.",
        "Rows are read, estimated (one vectorised call) and written 20,000 at a time, so memory stays flat "
        "as the file grows; the CSV is formatted by Arrow's C++ writer on a second thread while the next chunk "
        "is estimated, the JSON lines one `json.dumps` per row.",
    ])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of the large run (default 1,000,000)")
    ap.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = ap.parse_args(argv)
    text = report(measure(args.rows))
    print(text)
    if args.write:
        replace_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
