"""Run every benchmark script: ``python -m bench.run_all`` (the Makefile's ``bench`` target).

Discovers each ``bench/<area>.py`` that defines a top-level ``main()`` (found by parsing the file, so
discovery imports nothing), runs it as ``python -m bench.<area>`` in its own subprocess (one script's
crash, hang or memory use cannot take the others down), and prints a summary table.  Each script
updates its own section of bench/RESULTS.md; this runner never writes to it.

A script that needs arguments to write its section declares them at module level, e.g.
``RUN_ALL_ARGS = ("--write",)`` (read with ``ast.literal_eval``, again without importing).

Usage::

    python -m bench.run_all                      # every script
    python -m bench.run_all --only engine app    # some
    python -m bench.run_all --skip llm_analysis_compare --timeout 900
    python -m bench.run_all --list               # what would run
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SKIP_FILES = {"__init__.py", "run_all.py"}


@dataclass(frozen=True)
class BenchScript:
    name: str                   # module name under bench/
    path: Path
    args: tuple[str, ...] = ()  # RUN_ALL_ARGS of the script


@dataclass(frozen=True)
class BenchResult:
    name: str
    returncode: int | None      # None: timed out
    wall_s: float
    last_line: str


def _script_info(path: Path) -> BenchScript | None:
    """A BenchScript when ``path`` defines a top-level ``main``; None otherwise (or unparsable)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return None
    has_main = any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "main" for n in tree.body)
    if not has_main:
        return None
    args: tuple[str, ...] = ()
    for n in tree.body:
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "RUN_ALL_ARGS" for t in n.targets):
            try:
                value = ast.literal_eval(n.value)
            except ValueError:
                continue
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                args = tuple(value)
    return BenchScript(path.stem, path, args)


def discover(bench_dir: Path = BENCH_DIR) -> list[BenchScript]:
    """Every ``<area>.py`` in ``bench_dir`` with a top-level ``main()``, sorted by name."""
    found = []
    for path in sorted(bench_dir.glob("*.py")):
        if path.name in SKIP_FILES or path.name.startswith("_"):
            continue
        info = _script_info(path)
        if info is not None:
            found.append(info)
    return found


def run_one(script: BenchScript, timeout_s: float, python: str = sys.executable,
            cwd: Path = ROOT, package: str = "bench") -> BenchResult:
    """Run one script as ``python -m <package>.<name> [RUN_ALL_ARGS]`` in a subprocess."""
    cmd = [python, "-m", f"{package}.{script.name}", *script.args]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return BenchResult(script.name, None, time.perf_counter() - t0, f"timed out after {timeout_s:g} s")
    wall = time.perf_counter() - t0
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
    text = (proc.stdout.strip() or proc.stderr.strip()).splitlines()
    last = text[-1] if text else ""
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()
        last = err[-1] if err else last
    return BenchResult(script.name, proc.returncode, wall, last[:160])


def summary_table(results: list[BenchResult]) -> str:
    lines = ["| script | status | wall time s | last line |", "|---|---|---|---|"]
    for r in results:
        status = "timeout" if r.returncode is None else ("ok" if r.returncode == 0 else f"exit {r.returncode}")
        lines.append(f"| {r.name} | {status} | {r.wall_s:.1f} | {r.last_line.replace('|', '/')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these scripts")
    ap.add_argument("--skip", nargs="+", metavar="NAME", default=[], help="skip these scripts")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per script (default 1800)")
    ap.add_argument("--list", action="store_true", help="list the scripts and exit")
    args = ap.parse_args(argv)
    scripts = discover()
    known = {s.name for s in scripts}
    for name in (args.only or []) + list(args.skip):
        if name not in known:
            print(f"bench.run_all: error: unknown script {name!r}; found: {', '.join(sorted(known)) or 'none'}",
                  file=sys.stderr)
            return 2
    if args.only:
        scripts = [s for s in scripts if s.name in args.only]
    scripts = [s for s in scripts if s.name not in args.skip]
    if args.list:
        for s in scripts:
            print(s.name, " ".join(s.args))
        return 0
    results = []
    for s in scripts:
        print(f"== bench.{s.name} {' '.join(s.args)}".rstrip(), flush=True)
        results.append(run_one(s, args.timeout))
    print()
    print(summary_table(results))
    failed = [r.name for r in results if r.returncode != 0]
    print(f"\n{len(results) - len(failed)} of {len(results)} bench scripts succeeded"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
