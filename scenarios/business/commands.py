"""`venture-lab scenario run FILE [--json]` and `venture-lab scenario validate FILE`.

:func:`register` adds the ``scenario`` command to the main CLI's subparsers
(scenarios/cli.py). Bad input exits with code 2 and one line on stderr naming the field.
Runs on its own too: ``python -m scenarios.business.commands run FILE``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from scenarios.errors import VentureLabError


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``scenario run|validate`` to an argparse subparsers object."""
    p = subparsers.add_parser("scenario", help="run or validate a scenario file")
    sub = p.add_subparsers(dest="scenario_command", metavar="{run,validate}")
    sub.required = True
    run_p = sub.add_parser("run", help="print a scenario's unit economics, build-vs-buy and uncertainty")
    run_p.add_argument("file", help="scenario YAML file (or a preset id: nlp, vision, ...)")
    run_p.add_argument("--json", action="store_true", help="print one JSON object")
    run_p.add_argument("--samples", type=_whole("--samples", 100, 1_000_000), default=10_000,
                       help="Monte Carlo samples, 100..1000000 (default 10000)")
    run_p.add_argument("--seed", type=_whole("--seed", 0, 2**32 - 1), default=0,
                       help="Monte Carlo seed, 0..4294967295 (default 0)")
    run_p.set_defaults(func=cmd_run)
    val_p = sub.add_parser("validate", help="check a scenario file against the schema and catalogs")
    val_p.add_argument("file")
    val_p.set_defaults(func=cmd_validate)
    return p


def _whole(flag: str, lo: int, hi: int):
    """argparse type: a whole number in lo..hi; the error names the flag and the range (numpy's
    own message for a bad seed, "expected non-negative integer", named neither)."""
    def conv(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(str(VentureLabError(flag, f"must be a whole number in {lo}..{hi}",
                                                                 got=text, accepted=f"{lo}..{hi}")))
        return value
    conv.__name__ = flag
    return conv


def _load(path: str):
    from pathlib import Path

    from scenarios.business.scenario import load, load_preset, preset_ids

    accepted = "a scenario YAML file, or a preset id: " + ", ".join(preset_ids())
    if not path.strip():
        raise VentureLabError("file", "is empty: give a scenario file path or a preset id", got=path,
                              accepted=accepted)
    if not Path(path).exists() and path in preset_ids():
        return load_preset(path)
    try:
        return load(path)
    except VentureLabError as err:
        # whole-file problems ("is not UTF-8 text", "is empty") carry no value: name the file, and
        # say what is accepted when the path is not a file at all
        if err.field == "file" and (err.got is None or not Path(path).is_file()):
            raise VentureLabError("file", err.problem, got=path,
                                  accepted=err.accepted or (None if Path(path).is_file() else accepted)) from None
        raise


def run_payload(full) -> dict:
    """The JSON of ``scenario run``: unit economics, options, verdict, Monte Carlo, tornado."""
    mc = full.monte_carlo
    payload = full.result.to_dict()
    payload.pop("curves", None)
    payload["monte_carlo"] = {
        "samples": mc.n, "seed": mc.seed,
        "serving_usd_month": asdict(mc.cost_usd_month), "gross_margin": asdict(mc.margin),
        "options_usd_month": {k: asdict(v) for k, v in mc.options_usd_month.items()},
        "inputs": [asdict(r) for r in mc.inputs],
    }
    payload["tornado"] = [{**asdict(b), "swing": b.swing} for b in full.tornado]
    from scenarios.business.economics import _json_safe

    return _json_safe(payload)


def _print_text(scenario, full) -> None:
    r, mc = full.result, full.monte_carlo
    u = r.unit
    print(f"{scenario.name}  [{scenario.id}, {scenario.domain}, {scenario.model} {scenario.weights}]")
    print(f"verdict: {r.verdict.text}")
    print(f"serving on {u.serving_target}: {u.serving_usd_month:,.0f} USD/month "
          f"(P10 {mc.cost_usd_month.p10:,.0f}, P50 {mc.cost_usd_month.p50:,.0f}, "
          f"P90 {mc.cost_usd_month.p90:,.0f})")
    if u.gross_margin is not None:
        print(f"gross margin: {u.gross_margin:.1%} (P10 {mc.margin.p10:.1%}, P90 {mc.margin.p90:.1%})")
    print(f"revenue {u.revenue_usd_month:,.0f} USD/month; cost per request {u.cost_per_request_usd:.6f} USD; "
          f"per user {u.cost_per_user_usd:.2f} USD/month; devices at peak {u.devices_at_peak}")
    runway = "default alive" if u.runway_months is None else f"{u.runway_months} months"
    print(f"burn {u.burn_usd_month:,.0f} USD/month; runway {runway}")
    print("options (today's volume):")
    for o in r.options:
        cost = "n/a" if o.usd_month is None else f"{o.usd_month:,.0f} USD/month"
        be = "" if o.break_even_requests_month is None else \
            f"; beats the API above {o.break_even_requests_month:,.0f} requests/month"
        print(f"  {o.target_id:<18} {o.label:<42} {cost}{be}{'  (' + o.note + ')' if o.note else ''}")
    print("tornado (gross margin swing): " + ", ".join(f"{b.name} {b.swing:.1%}" for b in full.tornado))


def cmd_run(args) -> int:
    from scenarios.business.runner import run

    try:
        if args.samples < 100 or args.samples > 1_000_000:     # callers that skip argparse
            raise VentureLabError("--samples", "must be between 100 and 1000000", got=args.samples)
        scenario = _load(args.file)
        full = run(scenario, samples=args.samples, seed=args.seed)
    except VentureLabError as err:
        print(f"venture-lab scenario run: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(run_payload(full), allow_nan=False))
    else:
        _print_text(scenario, full)
    return 0


def cmd_validate(args) -> int:
    from scenarios.business.runner import check_references

    try:
        scenario = _load(args.file)
        check_references(scenario)
    except VentureLabError as err:
        print(f"venture-lab scenario validate: {err}", file=sys.stderr)
        return 2
    print(f"ok: {scenario.id} (schema v{scenario.schema_version}, {len(scenario.targets)} targets)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="venture-lab")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["scenario", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
