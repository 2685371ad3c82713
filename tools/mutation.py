"""Mutation testing of scenarios/engine and scenarios/business: run mutmut, print the kill rate.

    python -m tools.mutation                                  # every mutant (make mutation; hours on 2 cores)
    python -m tools.mutation "scenarios.engine.flops*"        # a bounded subset, by mutmut's name globs
    python -m tools.mutation --report-only                    # the last run's figures, without running
    python -m tools.mutation ... --write                      # also record them in bench/RESULTS.md

mutmut's configuration is [tool.mutmut] in pyproject.toml (what is mutated, which fast unit tests
run against each mutant). Kill rate = (killed + timeout) / (mutants checked - equivalent mutants);
a mutant with no covering test counts as surviving. Equivalent mutants (no test can tell them from
the original) are listed with their reason in tools/mutation_equivalents.txt.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "tools" / "mutation_equivalents.txt"
LINE = re.compile(r"^\s+(\S+): (.+)$")
KILLED = {"killed", "timeout"}
UNCHECKED = {"not checked", "skipped"}


def equivalents() -> dict[str, str]:
    """mutant name -> why it is equivalent (``name  # reason`` per line)."""
    out = {}
    for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            out[name.strip()] = reason.strip()
    return out


def statuses(names: list[str]) -> dict[str, str]:
    done = subprocess.run(["mutmut", "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    found = dict(m.groups() for m in map(LINE.match, done.stdout.splitlines()) if m)
    if names:
        pats = [re.compile("^" + re.escape(n).replace(r"\*", ".*") + "$") for n in names]
        found = {k: v for k, v in found.items() if any(p.match(k) for p in pats)}
    return found


def summary(found: dict[str, str]) -> dict:
    eq = equivalents()
    counts = Counter(v for k, v in found.items() if k not in eq)
    checked = sum(n for s, n in counts.items() if s not in UNCHECKED)
    killed = sum(counts[s] for s in KILLED)
    return {"counts": dict(counts), "checked": checked, "killed": killed,
            "equivalent": sum(1 for k in found if k in eq),
            "kill_rate": killed / checked if checked else float("nan"),
            "survivors": sorted(k for k, v in found.items() if k not in eq and v not in KILLED | UNCHECKED)}


def _row(scope: str, s: dict) -> str:
    return (f"| {scope} | {s['checked']} | {s['killed']} | {s['equivalent']} | {s['kill_rate']:.1%} | "
            + ", ".join(f"{k} {v}" for k, v in sorted(s["counts"].items())) + " |")


def render(s: dict, names: list[str], per_name: dict[str, dict] | None = None) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    scope = ", ".join(f"`{n}`" for n in names) if names else "every mutant of scenarios/engine and scenarios/business"
    rows = [_row(f"`{n}`", one) for n, one in (per_name or {}).items()] if len(names) > 1 else []
    lines = [
        "## Mutation testing", "",
        f"`python -m tools.mutation` (mutmut, configured in pyproject.toml [tool.mutmut]) on {when}; scope: {scope}.",
        "Kill rate = (killed + timeout) / (checked - equivalent).",
        "", "| scope | mutants checked (less equivalent) | killed (incl. timeout) | equivalent (excluded) | kill rate "
        "| by status |", "|---|---:|---:|---:|---:|---|", *rows, _row("all", s), "",
        "Equivalent mutants and why: tools/mutation_equivalents.txt. Surviving mutants:", "",
    ]
    lines += [f"- `{name}`" for name in s["survivors"]] or ["- none"]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.mutation", description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help="mutmut mutant-name globs (default: all)")
    ap.add_argument("--max-children", type=int, default=2)
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    args = ap.parse_args(argv)
    if not args.report_only:
        subprocess.run(["mutmut", "run", "--max-children", str(args.max_children), *args.names], cwd=ROOT,
                       check=False)
    found = statuses(args.names)
    per_name = {n: summary(statuses([n])) for n in args.names}
    text = render(summary(found), args.names, per_name)
    print(text)
    if args.write:
        sys.path.insert(0, str(ROOT))
        from bench.results_file import replace_section
        replace_section("## Mutation testing", text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
