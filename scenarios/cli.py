"""`venture-lab`: the command line over the engine (ARCHITECTURE.md 4.2).

    venture-lab estimate inference --model ID|config.json --hardware ID|device-file [...] [--json]
    venture-lab estimate inference --from-csv FILE [--json]
    venture-lab estimate training --model ... --hardware ... --tokens N [...] [--json]
    venture-lab plan --model ID --rate PER_S [--prompt-tokens N] [--output-tokens N] [--ttft-ms P90] [--tpot-ms MS]
                     [--e2e-ms P90 | --latency-ms P90] [--hardware ID,...] [--weights FMT,...] [--runtime NAME] [--json]
    venture-lab catalog hardware|models|formats [--json]
    venture-lab scenario run FILE [--json] | scenario validate FILE | scenario pdf FILE --output PATH
                                                                    (registered by scenarios.business.commands)

This module parses arguments and dispatches to the engine; scenarios/render.py writes the results
(JSON or text).  Bad input exits with code 2 and one line on stderr naming the input and the valid
choices; never a traceback.  Imports stay light (no pandas unless --from-csv) so a cold start is fast.
"""

from __future__ import annotations

import argparse
import re
import sys

from scenarios import render
from scenarios.errors import VentureLabError

FLAG_OF = {"model": "--model", "hardware": "--hardware", "weights": "--weights", "kv_cache": "--kv-cache",
           "runtime": "--runtime", "batch": "--batch", "prompt_tokens": "--prompt-tokens",
           "output_tokens": "--output-tokens", "devices": "--devices", "price_per_hour": "--price-per-hour",
           "utilisation": "--utilisation", "tokens": "--tokens", "mfu": "--mfu", "zero_stage": "--zero-stage",
           "micro_batch": "--micro-batch", "seq_len": "--seq-len", "tensor_parallel": "--tensor-parallel",
           "rate": "--rate", "ttft_ms": "--ttft-ms", "tpot_ms": "--tpot-ms", "e2e_ms": "--e2e-ms",
           "max_devices": "--max-devices", "prefix_cache_hit": "--prefix-cache-hit"}


class CliError(Exception):
    """Usage problem: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # argparse reads "-inf", "-nan", "-1e5", "-2k" as option names ("expected one argument"):
        # let anything number-like through to parse_number, whose error names the flag and range
        self._negative_number_matcher = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)

    def error(self, message):            # argparse's default prints the usage too: keep one line
        raise CliError(f"{self.prog}: {message}")


def _one_line(err: Exception) -> str:
    msg = str(err).replace("\n", " ")
    if isinstance(err, VentureLabError):
        head, sep, rest = msg.partition(": ")
        if head in FLAG_OF:
            msg = f"{FLAG_OF[head]} ({head}): {rest}"
    return f"venture-lab: error: {msg}"


# ------------------------------------------------------------------------------------- commands
def _cmd_inference(a) -> int:
    if a.from_csv:
        return _cmd_inference_csv(a)
    if not a.model or not a.hardware:
        raise CliError("venture-lab estimate inference: --model and --hardware are required (or --from-csv FILE)")
    from scenarios.engine.serving import InferenceRequest, estimate_inference
    req = InferenceRequest(model=a.model, hardware=a.hardware, weights=a.weights, kv_cache=a.kv_cache,
                           runtime=a.runtime, batch=a.batch, prompt_tokens=a.prompt_tokens,
                           output_tokens=a.output_tokens, devices=a.devices, price_per_hour=a.price_per_hour,
                           utilisation=a.utilisation)
    est = estimate_inference(req)
    print(render.to_json(est.to_dict()) if a.json else render.inference_text(est.to_dict()))
    return 0


def _cmd_inference_csv(a) -> int:
    import pandas as pd

    from scenarios.engine.serving import OUTPUT_FIELDS, REQUEST_FIELDS, estimate_inference_table
    try:
        df = pd.read_csv(a.from_csv, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise VentureLabError("--from-csv", f"cannot read CSV file ({type(exc).__name__})", got=a.from_csv) from None
    df.columns = [str(c).strip() for c in df.columns]
    df = df.replace({"": None})
    records = estimate_inference_table(df).to_dict(orient="records")
    lines = (render.csv_json_lines(records, OUTPUT_FIELDS, REQUEST_FIELDS) if a.json
             else render.csv_text_lines(records))
    for line in lines:
        print(line)
    if records and all(rec["error"] for rec in records):   # the per-row errors are in the output;
        print(f"venture-lab: error: --from-csv: none of the {len(records)} rows could be estimated "
              f"(see the error column) (got {a.from_csv!r})", file=sys.stderr)     # stderr says why rc=2
        return 2
    return 0


def _cmd_training(a) -> int:
    from scenarios.engine.training import TrainingRequest, estimate_training
    req = TrainingRequest(model=a.model, hardware=a.hardware, tokens=a.tokens, devices=a.devices, mfu=a.mfu,
                          price_per_hour=a.price_per_hour, zero_stage=a.zero_stage,
                          activation_checkpointing=not a.no_activation_checkpointing, micro_batch=a.micro_batch,
                          seq_len=a.seq_len, tensor_parallel=a.tensor_parallel)
    d = estimate_training(req).to_dict()
    print(render.to_json(d) if a.json else render.training_text(d))
    return 0


def _cmd_plan(a) -> int:
    from scenarios.engine.plan import PlanRequest, plan

    def ids(text):
        return tuple(x.strip() for x in text.split(",") if x.strip()) if text else None
    if a.latency_ms is not None and a.e2e_ms is not None:
        raise CliError("venture-lab plan: give --e2e-ms or --latency-ms (the same p90 limit), not both")
    req = PlanRequest(model=a.model, rate_per_s=a.rate, prompt_tokens=a.prompt_tokens, output_tokens=a.output_tokens,
                      ttft_ms=a.ttft_ms, tpot_ms=a.tpot_ms, e2e_ms=a.e2e_ms if a.e2e_ms is not None else a.latency_ms,
                      hardware=ids(a.hardware), weights=ids(a.weights), runtime=a.runtime, max_devices=a.max_devices,
                      prefix_cache_hit=a.prefix_cache_hit, usd_per_hour=a.price_per_hour)
    d = plan(req).to_dict()
    print(render.to_json(d) if a.json else render.plan_text(d))
    return 0


def _add_plan(sub) -> None:
    pl = sub.add_parser("plan", help="cheapest serving configuration that meets latency limits (ARCHITECTURE 4.3)")
    pl.add_argument("--model", required=True)
    pl.add_argument("--rate", required=True, type=_number("float", "rate"), help="requests per second")
    pl.add_argument("--prompt-tokens", dest="prompt_tokens", type=_number("int", "prompt_tokens"), default=512)
    pl.add_argument("--output-tokens", dest="output_tokens", type=_number("int", "output_tokens"), default=128)
    for flag, dest, text in (("--ttft-ms", "ttft_ms", "p90 limit"), ("--tpot-ms", "tpot_ms", "limit"),
                             ("--e2e-ms", "e2e_ms", "p90 limit"), ("--latency-ms", "latency_ms", "p90 limit (= --e2e-ms)")):
        pl.add_argument(flag, dest=dest, type=_number("float", dest), default=None, help=text)
    pl.add_argument("--hardware", default=None, help="ID[,ID...] (default: every device with a rental price)")
    pl.add_argument("--weights", default=None, help="FMT[,FMT...]")
    pl.add_argument("--runtime", default=None, help="vllm, tensorrt-llm, llama.cpp or mlc")
    pl.add_argument("--max-devices", dest="max_devices", type=_number("int", "max_devices"), default=8)
    pl.add_argument("--prefix-cache-hit", dest="prefix_cache_hit", type=_number("float", "prefix_cache_hit"),
                    default=0.0, help="share of each prompt served from the prefix cache (0-1)")
    pl.add_argument("--price-per-hour", dest="price_per_hour", type=_number("float", "price_per_hour"), default=None,
                    help="USD per device-hour, replacing the catalog's (a scenario target's own price)")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=_cmd_plan)


def _cmd_catalog(a) -> int:
    from scenarios.engine.catalog import load_formats, load_hardware, load_models
    items = {"hardware": load_hardware, "models": load_models, "formats": load_formats}[a.what]().values()
    print(render.to_json([x.to_dict() for x in items]) if a.json else render.catalog_table(a.what, items))
    return 0


# ------------------------------------------------------------------------------------- parser
def _number(kind: str, name: str, **limits):
    def conv(text):
        from scenarios.units import parse_number
        try:
            return parse_number(text, name, integer=(kind == "int"), **limits)
        except VentureLabError as err:      # argparse would hide the message behind 'invalid value'
            raise argparse.ArgumentTypeError(str(err)) from None
    conv.__name__ = name
    return conv


def _batch(text):
    """--batch N, or 'max' (the throughput-optimal concurrency that fits one replica)."""
    return "max" if str(text).strip().lower() == "max" else _number("int", "batch")(text)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="venture-lab", description="AI Venture Lab cost engine: serving, training, catalogs.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser,
                           metavar="{estimate,plan,catalog,scenario}")

    est = sub.add_parser("estimate", help="serving or training estimates")
    est_sub = est.add_subparsers(dest="kind", required=True, parser_class=_Parser, metavar="{inference,training}")
    inf = est_sub.add_parser("inference", help="serving speed, memory, cost and energy")
    inf.add_argument("--model", help="model id or path to a Hugging Face config.json")
    inf.add_argument("--hardware", help="hardware id or path to a device file (YAML/JSON/TOML)")
    inf.add_argument("--weights", default=None, help="weight format (default fp16; bf16 without an fp16 path)")
    inf.add_argument("--kv-cache", dest="kv_cache", default=None, help="KV-cache format (default: activation dtype)")
    inf.add_argument("--runtime", default=None, help="llama.cpp, vllm, tensorrt-llm, executorch, mlc, pytorch")
    inf.add_argument("--batch", type=_batch, default=1, help="sequences in flight, or max (ARCHITECTURE 4.3)")
    inf.add_argument("--prompt-tokens", dest="prompt_tokens", type=_number("int", "prompt_tokens"), default=512)
    inf.add_argument("--output-tokens", dest="output_tokens", type=_number("int", "output_tokens"), default=128)
    inf.add_argument("--devices", type=_number("int", "devices"), default=1)
    inf.add_argument("--price-per-hour", dest="price_per_hour", type=_number("float", "price_per_hour"), default=None)
    inf.add_argument("--utilisation", type=_number("float", "utilisation"), default=0.5)
    inf.add_argument("--from-csv", dest="from_csv", default=None, help="one estimate per CSV row")
    inf.add_argument("--json", action="store_true")
    inf.set_defaults(func=_cmd_inference)

    tr = est_sub.add_parser("training", help="pre-training compute, time, cost, energy")
    tr.add_argument("--model", required=True)
    tr.add_argument("--hardware", required=True)
    tr.add_argument("--tokens", required=True, type=_number("float", "tokens"))
    tr.add_argument("--devices", type=_number("int", "devices"), default=1)
    tr.add_argument("--mfu", type=_number("float", "mfu"), default=None)
    tr.add_argument("--price-per-hour", dest="price_per_hour", type=_number("float", "price_per_hour"), default=None)
    tr.add_argument("--zero-stage", dest="zero_stage", type=_number("int", "zero_stage"), default=1)
    tr.add_argument("--micro-batch", dest="micro_batch", type=_number("int", "micro_batch"), default=1)
    tr.add_argument("--seq-len", dest="seq_len", type=_number("int", "seq_len"), default=None)
    tr.add_argument("--tensor-parallel", dest="tensor_parallel", type=_number("int", "tensor_parallel"), default=1)
    tr.add_argument("--no-activation-checkpointing", dest="no_activation_checkpointing", action="store_true")
    tr.add_argument("--json", action="store_true")
    tr.set_defaults(func=_cmd_training)

    _add_plan(sub)

    cat = sub.add_parser("catalog", help="list hardware, models or weight formats")
    cat.add_argument("what", choices=("hardware", "models", "formats"))
    cat.add_argument("--json", action="store_true")
    cat.set_defaults(func=_cmd_catalog)

    from scenarios.business import commands as scenario_cli   # `scenario run|validate`
    scenario_cli.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except VentureLabError as err:
        print(_one_line(err), file=sys.stderr)
        return 2
    except CliError as err:
        print(str(err).replace("\n", " "), file=sys.stderr)
        return 2
    except (argparse.ArgumentTypeError, ValueError) as err:
        print(_one_line(err), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
