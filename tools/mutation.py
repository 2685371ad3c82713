"""Mutation testing of scenarios/engine and scenarios/business: run mutmut, print the kill rate.

    python -m tools.mutation                                  # every mutant (make mutation; hours on 2 cores)
    python -m tools.mutation "scenarios.engine.flops*"        # a bounded subset, by mutmut's name globs
    python -m tools.mutation --sample 600 --seed 1            # a seeded random sample of every mutant
    python -m tools.mutation --sample 600 --seed 2 --engine-subsample 120
                              # the sample's business mutants and a seeded random 120 of its engine ones,
                              # reported per package and weighted by each package's population
    python -m tools.mutation --report-only                    # the last run's figures, without running
    python -m tools.mutation ... --write                      # also record them in bench/RESULTS.md

mutmut's configuration is [tool.mutmut] in pyproject.toml (what is mutated, which fast unit tests
run against each mutant). Kill rate = (killed + timeout) / (mutants checked - equivalent mutants);
a mutant with no covering test counts as surviving. Equivalent mutants (no test can tell them from
the original) are listed with their reason in tools/mutation_equivalents.txt.
"""

from __future__ import annotations

import argparse
import math
import random
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
        exact = {n for n in names if "*" not in n}
        pats = [re.compile("^" + re.escape(n).replace(r"\*", ".*") + "$") for n in names if "*" in n]
        found = {k: v for k, v in found.items() if k in exact or any(p.match(k) for p in pats)}
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


def wilson_interval(killed: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a kill rate measured on a random sample of n mutants."""
    if n == 0:
        return float("nan"), float("nan")
    p = killed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def all_mutant_names() -> list[str]:
    """Every mutant's name, generating them first if this checkout has none yet.

    mutmut only generates mutants inside `run`; asked for a name that matches nothing it generates them,
    collects its test statistics and then stops on 'nothing matches', which is all we need here."""
    names = sorted(statuses([]))
    if not names:
        subprocess.run(["mutmut", "run", "no-mutant-has-this-name"], cwd=ROOT, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        names = sorted(statuses([]))
    return names


def sample_names(size: int, seed: int) -> list[str]:
    names = all_mutant_names()
    return sorted(random.Random(seed).sample(names, min(size, len(names))))


PACKAGES = ("scenarios.business", "scenarios.engine")


def engine_subsample(names: list[str], k: int, seed: int) -> list[str]:
    """The sample's business mutants and a seeded random ``k`` of its engine mutants.

    An engine mutant is reached by many more tests than a business one (a survivor runs them all), so a
    600-mutant sample takes hours on 2 cores; a random part of the engine stratum, weighted by the
    package's population (:func:`stratified`), keeps the estimate unbiased at a known cost in width."""
    engine = [n for n in names if n.startswith("scenarios.engine.")]
    kept = set(random.Random(seed).sample(engine, min(k, len(engine))))
    return [n for n in names if not n.startswith("scenarios.engine.") or n in kept]


def stratified(found: dict[str, str], population: dict[str, int], z: float = 1.96) -> dict:
    """Kill rate per package (stratum) and over both, weighted by each package's share of all mutants;
    95 % interval from the stratified variance sum W^2 p (1 - p) / n (normal approximation)."""
    total = sum(population.values())
    out, rate, var = {}, 0.0, 0.0
    for pkg, pop in population.items():
        s = summary({k: v for k, v in found.items() if k.startswith(pkg + ".")})
        out[pkg] = s
        if s["checked"]:
            w = pop / total
            rate += w * s["kill_rate"]
            var += w * w * s["kill_rate"] * (1 - s["kill_rate"]) / s["checked"]
    half = z * math.sqrt(var)
    return {"by_package": out, "kill_rate": rate, "low": max(0.0, rate - half), "high": min(1.0, rate + half)}


def _row(scope: str, s: dict) -> str:
    return (f"| {scope} | {s['checked']} | {s['killed']} | {s['equivalent']} | {s['kill_rate']:.1%} | "
            + ", ".join(f"{k} {v}" for k, v in sorted(s["counts"].items())) + " |")


def render(s: dict, names: list[str], per_name: dict[str, dict] | None = None,
           sample: tuple[int, int, int] | None = None) -> str:
    """sample: (size, seed, population) when names are a random sample of every mutant."""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if sample:
        size, seed, population = sample
        low, high = wilson_interval(s["killed"], s["checked"])
        scope = (f"a random sample of {size} of the {population:,} mutants of scenarios/engine and "
                 f"scenarios/business (seed {seed}); 95 % interval of the whole set's kill rate "
                 f"{low:.1%}-{high:.1%} (Wilson)")
        per_name = None
    else:
        scope = (", ".join(f"`{n}`" for n in names) if names
                 else "every mutant of scenarios/engine and scenarios/business")
    rows = [_row(f"`{n}`", one) for n, one in (per_name or {}).items()] if len(names) > 1 and per_name else []
    lines = [
        "## Mutation testing", "",
        f"`python -m tools.mutation` (mutmut, configured in pyproject.toml [tool.mutmut]) on {when}; scope: {scope}.",
        "Kill rate = (killed + timeout) / (checked - equivalent).",
        "", "| scope | mutants checked (less equivalent) | killed (incl. timeout) | equivalent (excluded) | kill rate "
        "| by status |", "|---|---:|---:|---:|---:|---|", *rows, _row("sample" if sample else "all", s), "",
        "Equivalent mutants and why: tools/mutation_equivalents.txt. Surviving mutants:", "",
    ]
    lines += [f"- `{name}`" for name in s["survivors"]] or ["- none"]
    return "\n".join(lines) + "\n"


def render_stratified(strat: dict, found: dict[str, str], sample: tuple[int, int, int], k: int,
                      population: dict[str, int]) -> str:
    """The report of an ``--engine-subsample`` run: one row per package, then the weighted rate."""
    size, seed, total = sample
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows = [_row(f"`{pkg}` ({population[pkg]:,} mutants)", s) for pkg, s in strat["by_package"].items()]
    lines = [
        "## Mutation testing", "",
        f"`python -m tools.mutation --sample {size} --seed {seed} --engine-subsample {k}` (mutmut, configured "
        f"in pyproject.toml [tool.mutmut]) on {when}: the seed-{seed} random sample of {size} of the {total:,} "
        f"mutants of scenarios/engine and scenarios/business, all of its business mutants and a seeded random "
        f"{k} of its engine ones.",
        "Kill rate = (killed + timeout) / (checked - equivalent), per package; over both, each package's rate "
        "weighted by its share of all mutants.",
        "", "| scope | mutants checked (less equivalent) | killed (incl. timeout) | equivalent (excluded) | kill rate "
        "| by status |", "|---|---:|---:|---:|---:|---|", *rows, "",
        f"Both packages, population-weighted: **{strat['kill_rate']:.1%}** (95 % interval "
        f"{strat['low']:.1%}-{strat['high']:.1%}, stratified normal approximation).", "",
        "Equivalent mutants and why: tools/mutation_equivalents.txt. Surviving mutants:", "",
    ]
    lines += [f"- `{name}`" for name in summary(found)["survivors"]] or ["- none"]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.mutation", description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help="mutmut mutant-name globs (default: all)")
    ap.add_argument("--max-children", type=int, default=2)
    ap.add_argument("--sample", type=int, metavar="N", help="run a seeded random sample of N mutants instead")
    ap.add_argument("--seed", type=int, default=1, help="the sample's seed (default 1)")
    ap.add_argument("--engine-subsample", type=int, metavar="K",
                    help="with --sample: keep its business mutants and a seeded random K of its engine ones")
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    args = ap.parse_args(argv)
    if args.sample is not None and (args.sample < 1 or args.names):
        ap.error("--sample takes a positive number of mutants and no name globs")
    if args.engine_subsample is not None and (not args.sample or args.engine_subsample < 1):
        ap.error("--engine-subsample takes a positive number and needs --sample")
    sample, pops = None, None
    if args.sample:
        every = all_mutant_names()
        args.names = sample_names(args.sample, args.seed)
        sample = (len(args.names), args.seed, len(every))
        if args.engine_subsample:
            pops = {pkg: sum(1 for n in every if n.startswith(pkg + ".")) for pkg in PACKAGES}
            args.names = engine_subsample(args.names, args.engine_subsample, args.seed)
    if not args.report_only:
        ran = subprocess.run(["mutmut", "run", "--max-children", str(args.max_children), *args.names], cwd=ROOT,
                             check=False)
        if ran.returncode != 0:
            print(f"mutmut run stopped with exit code {ran.returncode} (its output is above); no figures recorded")
            return 1
    found = statuses(args.names)
    if pops:
        text = render_stratified(stratified(found, pops), found, sample, args.engine_subsample, pops)
    else:
        per_name = {} if sample else {n: summary(statuses([n])) for n in args.names}
        text = render(summary(found), args.names, per_name, sample)
    print(text)
    if args.write:
        sys.path.insert(0, str(ROOT))
        from bench.results_file import replace_section
        replace_section("## Mutation testing", text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
