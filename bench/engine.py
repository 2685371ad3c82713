"""Cost-engine benchmarks: sweep speed and CLI cold start.

    python -m bench.engine            # prints the numbers and rewrites the '## Cost engine' section of bench/RESULTS.md
    python -m bench.engine --quick    # fewer repeats, prints the numbers only (RESULTS.md untouched)

1. A sweep of every decoder LLM x every device x every weight format x 5 batch sizes (> 100,000 serving
   estimates) through ``scenarios.engine.serving_core.serving_arrays`` -- the same function the CLI, the
   app and ``estimate_inference_table`` use -- with every output field including the low/high bands.
   Pinned to one core (sched_setaffinity) where the OS allows it. Target: under 1 s.
2. ``venture-lab estimate inference ... --json`` cold start: median wall time of several fresh
   subprocesses. Target: under 0.5 s. Reported next to the machine's floor (a bare ``python -c pass``
   and ``python -c 'import numpy'``) because a loaded machine inflates every process start.
"""

from __future__ import annotations

import itertools
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.results_file import replace_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
BATCHES = (1, 4, 16, 64, 256)
CLI = [sys.executable, "-m", "scenarios.cli", "estimate", "inference", "--model", "llama-3-8b", "--hardware",
       "nvidia-h100-sxm", "--json"]


def sweep(repeats: int = 5) -> dict:
    import numpy as np

    from scenarios.engine.catalog import load_formats, load_hardware, load_models
    from scenarios.engine.serving import OUTPUT_FIELDS
    from scenarios.engine.serving_core import serving_arrays
    from scenarios.engine.serving_inputs import Indexed
    llms = [m for m in load_models().values() if m.kind == "decoder-llm"]
    hws = list(load_hardware().values())
    fmts = list(load_formats())
    grid = np.array(list(itertools.product(range(len(llms)), range(len(hws)), range(len(fmts)), BATCHES)))
    args = (Indexed(llms, grid[:, 0]), Indexed(hws, grid[:, 1]), Indexed(fmts, grid[:, 2]))
    times, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        out = serving_arrays(*args, batch=grid[:, 3], prompt_tokens=512, output_tokens=128)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    missing = [k for k in OUTPUT_FIELDS if not hasattr(out, k)]
    ok = np.array([e is None for e in out.error], dtype=bool)
    finite = all(np.isfinite(getattr(out, k)[ok].astype(float)).all() for k in
                 ("decode_tokens_per_s", "decode_tokens_per_s_low", "decode_tokens_per_s_high", "ttft_ms_high",
                  "energy_j_per_token", "total_memory_gb"))
    return {"rows": len(grid), "models": len(llms), "devices": len(hws), "formats": len(fmts),
            "batches": len(BATCHES), "fields": len(OUTPUT_FIELDS), "missing_fields": missing,
            "error_rows": int((~ok).sum()), "all_finite": bool(finite), "best_s": min(times),
            "cpu_best_s": min(cpu), "cpu_median_s": statistics.median(cpu),
            "median_s": statistics.median(times), "per_estimate_us": min(times) / len(grid) * 1e6}


def cold_start(runs: int = 9) -> dict:
    """Median wall time of fresh processes, the commands interleaved round by round so that load
    drift on a shared machine hits all of them alike.  pip compiles bytecode at install time, so the
    installed CLI starts from cached .pyc files; this checkout may run with PYTHONDONTWRITEBYTECODE
    set, so the bytecode is compiled first (compileall) and a run without it is reported too."""
    import compileall
    import resource
    import shutil

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cache = ROOT / "scenarios" / "__pycache__"
    cmds = {"cli": (CLI, env), "pass": ([sys.executable, "-c", "pass"], env),
            "numpy": ([sys.executable, "-c", "import numpy"], env),
            "cli_no_pyc": (CLI, {**env, "PYTHONDONTWRITEBYTECODE": "1"})}
    times: dict[str, list[float]] = {k: [] for k in cmds}
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(runs):
        for key, (cmd, e) in cmds.items():
            if key == "cli":
                compileall.compile_dir(str(ROOT / "scenarios"), quiet=1)
            if key == "cli_no_pyc":
                shutil.rmtree(cache, ignore_errors=True)
            t = time.perf_counter()
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True, env=e)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[key].append(time.perf_counter() - t)
            cpu[key].append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    shutil.rmtree(cache, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    cmed = {k: statistics.median(v) for k, v in cpu.items()}
    return {"cli_median_s": med["cli"], "cli_no_bytecode_s": med["cli_no_pyc"], "python_pass_s": med["pass"],
            "import_numpy_s": med["numpy"], "runs": runs, "cli_cpu_s": cmed["cli"],
            "cli_no_bytecode_cpu_s": cmed["cli_no_pyc"], "pass_cpu_s": cmed["pass"], "numpy_cpu_s": cmed["numpy"],
            "load_avg": os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")}


def write_results(s: dict, c: dict) -> str:
    text = f"""## Cost engine

Measured by `python -m bench.engine` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}
({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, load average
{c['load_avg']:.1f} at the time; sweep pinned to one core).

Wall time on a shared, oversubscribed machine includes waiting for a core, so CPU time (user +
system of the process: what the work costs on one core) is reported next to it.

| check | target | wall time | CPU time |
|---|---|---|---|
| serving sweep: {s['rows']:,} estimates ({s['models']} LLMs x {s['devices']} devices x {s['formats']} formats x {s['batches']} batch sizes), all {s['fields']} output fields incl. low/high bands, one call of `serving_arrays`; {s['error_rows']} error rows, all finite: {s['all_finite']} | < 1 s on one core | best {s['best_s']:.3f} s, median {s['median_s']:.3f} s | best {s['cpu_best_s']:.3f} s, median {s['cpu_median_s']:.3f} s ({s['cpu_best_s'] / s['rows'] * 1e6:.1f} us per estimate) |
| `venture-lab estimate inference --model llama-3-8b --hardware nvidia-h100-sxm --json` cold start, median of {c['runs']} subprocesses (bytecode compiled, as after `pip install`) | < 0.5 s | {c['cli_median_s']:.3f} s | {c['cli_cpu_s']:.3f} s |
| same, without cached bytecode (every module compiled at start) | - | {c['cli_no_bytecode_s']:.3f} s | {c['cli_no_bytecode_cpu_s']:.3f} s |
| machine floor: `python -c pass` / `python -c "import numpy"` (same runs) | - | {c['python_pass_s']:.3f} s / {c['import_numpy_s']:.3f} s | {c['pass_cpu_s']:.3f} s / {c['numpy_cpu_s']:.3f} s |

The CLI's own share is the cold start minus the numpy floor ({max(c['cli_cpu_s'] - c['numpy_cpu_s'], 0):.3f} s CPU:
reading three small CSVs, one vectorised estimate, JSON). pandas is imported only for `--from-csv`;
scipy never. On a loaded shared machine every process start is slower; rerun on an idle one to
compare against the target.
"""
    # the external-validation sub-section (scenarios/calibration/external.py) belongs to this section:
    # regenerate it so rewriting the section does not drop it
    try:
        from scenarios.calibration import external as xv
        text = text.rstrip("\n") + "\n\n" + xv.results_subsection(xv.evaluate())
    except Exception as exc:  # noqa: BLE001 - the timing results must still be written
        text = text.rstrip("\n") + f"\n\n### External validation\n\nnot computed: {exc}\n"
    replace_section("## Cost engine", text, RESULTS)
    return text


def main(argv=None) -> None:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 sweeps and 3 cold starts; print, do not write")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        except OSError:
            pass
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if args.quick:
        s, c = sweep(repeats=2), cold_start(runs=3)
        print(f"sweep: {s['rows']:,} estimates, best {s['best_s']:.3f} s wall, {s['cpu_best_s']:.3f} s CPU "
              f"({s['error_rows']} error rows, all finite: {s['all_finite']}, missing fields: {s['missing_fields']})")
        print(f"cold start (estimate inference --json): {c['cli_median_s']:.3f} s wall, {c['cli_cpu_s']:.3f} s CPU; "
              f"floor python -c pass {c['python_pass_s']:.3f} s, import numpy {c['import_numpy_s']:.3f} s")
        return
    print(write_results(sweep(), cold_start()))


if __name__ == "__main__":
    main()
