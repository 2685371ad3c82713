"""`venture-lab scenario run FILE [--json]`, `scenario validate FILE` and `scenario pdf FILE --output PATH [--lang en|zh]`.

:func:`register` adds the ``scenario`` command to the main CLI's subparsers
(scenarios/cli.py). Bad input exits with code 2 and one line on stderr naming the field.
Runs on its own too: ``python -m scenarios.business.commands run FILE``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from scenarios.errors import VentureLabError


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``scenario run|validate|pdf`` to an argparse subparsers object."""
    p = subparsers.add_parser("scenario", help="run or validate a scenario file, or make its one-page PDF")
    sub = p.add_subparsers(dest="scenario_command", metavar="{run,validate,pdf}")
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
    pdf_p = sub.add_parser("pdf", help="write the one-page PDF the pitch page offers (ARCHITECTURE 4.3)")
    pdf_p.add_argument("file", help="scenario YAML file (or a preset id: nlp, vision, ...)")
    pdf_p.add_argument("--output", required=True, help="where to write the PDF (an existing file is replaced)")
    pdf_p.add_argument("--lang", choices=("en", "zh"), default="en",
                       help="language of the PDF's labels: en (default) or zh")
    pdf_p.set_defaults(func=cmd_pdf)
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
    from scenarios.business.scenario import load, load_preset, preset_ids

    accepted = "a scenario YAML file, or a preset id: " + ", ".join(preset_ids())
    if not path.strip():
        raise VentureLabError("file", "is empty: give a scenario file path or a preset id", got=path,
                              accepted=accepted)
    # os.path.exists/isfile answer False for a path the OS refuses (a 5,000-character name)
    if not os.path.exists(path) and path in preset_ids():
        return load_preset(path)
    try:
        return load(path)
    except VentureLabError as err:
        # whole-file problems ("is not UTF-8 text", "is empty") carry no value: name the file, and
        # say what is accepted when the path is not a file at all
        if err.field == "file" and (err.got is None or not os.path.isfile(path)):
            raise VentureLabError("file", err.problem, got=path,
                                  accepted=err.accepted or (None if os.path.isfile(path) else accepted)) from None
        raise


def _percentiles(band) -> dict:
    """A Monte Carlo band as the JSON names it (P10 / P50 / P90); null where there is none."""
    if band is None:
        return {"p10": None, "p50": None, "p90": None}
    return {"p10": band.low, "p50": band.expected, "p90": band.high}


def run_payload(full) -> dict:
    """The JSON of ``scenario run``: unit economics, options, verdict, Monte Carlo, tornado."""
    mc = full.monte_carlo
    payload = full.result.to_dict()
    payload.pop("curves", None)
    payload["monte_carlo"] = {
        "samples": mc.n, "seed": mc.seed,
        "serving_usd_month": _percentiles(mc.cost_usd_month), "gross_margin": _percentiles(mc.margin),
        "point_percentile": mc.point_percentile,
        "options_usd_month": {k: _percentiles(v) for k, v in mc.options_usd_month.items()},
        "inputs": [{"name": name, "low": r.low, "mode": r.expected, "high": r.high}
                   for name, r in mc.inputs.items()],
    }
    payload["tornado"] = [{"name": b.name, "low": b.input.low, "high": b.input.high,
                           "margin_at_low": b.margin_at_low, "margin_at_high": b.margin_at_high,
                           "swing": b.swing} for b in full.tornado]
    from scenarios.business.results import json_safe

    return json_safe(payload)


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
        from scenarios.business.report import text_report

        print(text_report(scenario, full))
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


def _output_path(text: str):
    """The PDF's destination: a file path whose folder exists; never a directory."""
    from pathlib import Path

    path = Path(text)
    if not text.strip():
        raise VentureLabError("--output", "is empty: give a file path for the PDF", got=text)
    if path.is_dir():
        raise VentureLabError("--output", "is a directory: give a file path for the PDF", got=text)
    if not path.parent.is_dir():
        raise VentureLabError("--output", "must be in an existing folder", got=text)
    return path


def _write_file(path, content: bytes, flag: str) -> None:
    """Write through a flushed temp file in the same folder and ``os.replace``: a crash never leaves
    half a PDF, and a directory that appeared at ``path`` meanwhile is refused by the OS (replacing
    a directory with a file fails), never removed."""
    import os
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise VentureLabError(flag, f"cannot be written ({err.strerror})", got=str(path)) from None
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)      # mkstemp's 0600 would make the PDF private to its writer
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as err:
        os.unlink(tmp)
        raise VentureLabError(flag, f"cannot be written ({err.strerror})", got=str(path)) from None


def cmd_pdf(args) -> int:
    """The same PDF as the pitch page's download: the scenario run with the app's defaults
    (10,000 Monte Carlo samples, seed 0), then pdf.build_pdf."""
    from scenarios.business.pdf import build_pdf
    from scenarios.business.runner import run

    try:
        output = _output_path(args.output)
        scenario = _load(args.file)
        full = run(scenario)
        content = build_pdf(scenario, full.result, full.monte_carlo, lang=args.lang)
        _write_file(output, content, "--output")
    except VentureLabError as err:
        print(f"venture-lab scenario pdf: {err}", file=sys.stderr)
        return 2
    print(f"wrote {output} ({len(content):,} bytes, one page) for {scenario.id}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="venture-lab")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["scenario", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
