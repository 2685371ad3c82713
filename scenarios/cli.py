"""`venture-lab`: the command line over the engine (ARCHITECTURE.md 4.2).

    venture-lab estimate inference --model ID|config.json --hardware ID|device-file [...] [--json]
    venture-lab estimate inference --from-csv FILE [--json]
    venture-lab estimate training --model ... --hardware ... --tokens N [...] [--json]
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
           "from_csv": "--from-csv"}


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
    if a.format:
        raise CliError("venture-lab estimate inference: --format applies to --from-csv output only")
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


CSV_CHUNK_ROWS = 20_000      # rows per vectorised call: bounded memory (ARCHITECTURE 4.3)


def _cmd_inference_csv(a) -> int:
    """``--from-csv``: read, estimate and write one chunk of rows at a time."""
    import pandas as pd

    from scenarios.safe_load import open_regular
    fmt = a.format or ("jsonl" if a.json else "table")
    rows = bad = 0
    try:
        with open_regular(a.from_csv, "from_csv") as fh:     # a FIFO or a folder: one line, no hang
            reader = pd.read_csv(fh, dtype=str, keep_default_na=False, skipinitialspace=True,
                                 chunksize=CSV_CHUNK_ROWS)
            if fmt == "table":
                sys.stdout.write(next(render.csv_text_lines([])) + "\n")
            for chunk in reader:
                n_bad = _csv_chunk(chunk, fmt, rows + 1, a.from_csv)
                rows, bad = rows + len(chunk), bad + n_bad
    except VentureLabError:
        raise
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise VentureLabError("from_csv", f"cannot read CSV file ({type(exc).__name__})", got=a.from_csv) from None
    if rows and bad == rows:      # the per-row errors are in the output; stderr says why rc=2
        print(f"venture-lab: error: --from-csv: none of the {rows} rows could be estimated "
              f"(see the error column) (got {a.from_csv!r})", file=sys.stderr)
        return 2
    return 0


def _csv_chunk(chunk, fmt: str, start: int, path: str) -> int:
    """Estimate one chunk and write it in ``fmt``; returns how many of its rows failed."""
    from scenarios.engine.serving import OUTPUT_FIELDS, REQUEST_FIELDS, estimate_inference_table
    chunk.columns = [str(c).strip() for c in chunk.columns]
    chunk = chunk.replace({"": None})
    try:
        table = estimate_inference_table(chunk)
    except VentureLabError as err:       # a whole-file problem (columns): name the flag and the file
        raise VentureLabError("from_csv", f"{err.field}: {err.problem}", got=path, accepted=err.accepted) from None
    if fmt == "csv":
        data = render.csv_full_chunk(table, REQUEST_FIELDS, OUTPUT_FIELDS, start, header=start == 1)
        sys.stdout.flush()
        if hasattr(sys.stdout, "buffer"):
            sys.stdout.buffer.write(data)
        else:                             # captured output (tests): text only
            sys.stdout.write(data.decode("utf-8"))
    else:
        lines = (render.csv_json_lines(render.native_records(table), OUTPUT_FIELDS, REQUEST_FIELDS, start,
                                       native=True) if fmt == "jsonl"
                 else render.csv_text_lines(table.to_dict(orient="records"), start, header=False))
        sys.stdout.write("".join(line + "\n" for line in lines))
    return int((table["error"] != "").sum())


def _cmd_training(a) -> int:
    from scenarios.engine.training import TrainingRequest, estimate_training
    req = TrainingRequest(model=a.model, hardware=a.hardware, tokens=a.tokens, devices=a.devices, mfu=a.mfu,
                          price_per_hour=a.price_per_hour, zero_stage=a.zero_stage,
                          activation_checkpointing=not a.no_activation_checkpointing, micro_batch=a.micro_batch,
                          seq_len=a.seq_len, tensor_parallel=a.tensor_parallel)
    d = estimate_training(req).to_dict()
    print(render.to_json(d) if a.json else render.training_text(d))
    return 0


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


def _text(name: str, max_chars: int = 4096):
    """argparse type for an id, a format name or a path: empty text is refused (``--weights ""``
    must not silently mean the default) and so is text longer than any id or path."""
    def conv(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(str(VentureLabError(name, "is empty; leave the option out "
                                                                 "for its default", got=text)))
        if len(text) > max_chars:
            raise argparse.ArgumentTypeError(str(VentureLabError(
                name, f"is longer than {max_chars} characters", got=f"{len(text)} characters")))
        return text
    conv.__name__ = name
    return conv


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="venture-lab", description="AI Venture Lab cost engine: serving, training, catalogs.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser,
                           metavar="{estimate,catalog,scenario}")

    est = sub.add_parser("estimate", help="serving or training estimates")
    est_sub = est.add_subparsers(dest="kind", required=True, parser_class=_Parser, metavar="{inference,training}")
    inf = est_sub.add_parser("inference", help="serving speed, memory, cost and energy")
    inf.add_argument("--model", type=_text("model"), help="model id or path to a Hugging Face config.json")
    inf.add_argument("--hardware", type=_text("hardware"), help="hardware id or path to a device file (YAML/JSON/TOML)")
    inf.add_argument("--weights", type=_text("weights", 64), default=None, help="weight format (default fp16; bf16 without an fp16 path)")
    inf.add_argument("--kv-cache", dest="kv_cache", type=_text("kv_cache", 64), default=None, help="KV-cache format (default: activation dtype)")
    inf.add_argument("--runtime", type=_text("runtime", 64), default=None, help="llama.cpp, vllm, tensorrt-llm, executorch, mlc, pytorch")
    inf.add_argument("--batch", type=_number("int", "batch"), default=1)
    inf.add_argument("--prompt-tokens", dest="prompt_tokens", type=_number("int", "prompt_tokens"), default=512)
    inf.add_argument("--output-tokens", dest="output_tokens", type=_number("int", "output_tokens"), default=128)
    inf.add_argument("--devices", type=_number("int", "devices"), default=1)
    inf.add_argument("--price-per-hour", dest="price_per_hour", type=_number("float", "price_per_hour"), default=None)
    inf.add_argument("--utilisation", type=_number("float", "utilisation"), default=0.5)
    inf.add_argument("--from-csv", dest="from_csv", type=_text("from_csv"), default=None, help="one estimate per CSV row")
    inf.add_argument("--format", choices=("jsonl", "csv"), default=None,
                     help="with --from-csv: JSON lines (as --json) or one CSV row per input row")
    inf.add_argument("--json", action="store_true")
    inf.set_defaults(func=_cmd_inference)

    tr = est_sub.add_parser("training", help="pre-training compute, time, cost, energy")
    tr.add_argument("--model", type=_text("model"), required=True)
    tr.add_argument("--hardware", type=_text("hardware"), required=True)
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

    cat = sub.add_parser("catalog", help="list hardware, models or weight formats")
    cat.add_argument("what", choices=("hardware", "models", "formats"))
    cat.add_argument("--json", action="store_true")
    cat.set_defaults(func=_cmd_catalog)

    from scenarios.business import commands as scenario_cli  # `scenario run|validate`
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
