"""`venture-lab`: the command line over the engine (ARCHITECTURE.md 4.2).

    venture-lab estimate inference --model ID|config.json --hardware ID|device-file [...] [--json]
    venture-lab estimate inference --from-csv FILE [--json]
    venture-lab estimate training --model ... --hardware ... --tokens N [...] [--json]
    venture-lab plan --model ID --rate PER_S [--prompt-tokens N] [--output-tokens N] [--ttft-ms P90] [--tpot-ms MS]
                     [--e2e-ms P90 | --latency-ms P90] [--hardware ID,...] [--weights FMT,...] [--runtime NAME] [--json]
    venture-lab estimate inference --model ID --hardware ID[,ID...] --rate PER_S [--latency-ms MS] [--api ID[,ID]]
    venture-lab catalog hardware|models|formats [--json]
    venture-lab calibrate-local [--output PATH] [--json]
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
           "max_devices": "--max-devices", "prefix_cache_hit": "--prefix-cache-hit",
           "latency_ms": "--latency-ms", "api": "--api", "output": "--output",
           "from_csv": "--from-csv", "parallel": "--parallel", "speculative": "--speculative",
           "spec_acceptance": "--spec-acceptance",
           "precision": "--precision"}


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
    if _per_input(a.model):
        if a.parallel or a.prefix_cache_hit or a.speculative.strip().lower() != "none" or a.spec_acceptance is not None:
            raise VentureLabError("parallel", "--parallel, --prefix-cache-hit and --speculative apply to models "
                                  "that generate tokens", got=a.model)
        return _cmd_per_input(a)
    if a.rate is not None or a.latency_ms is not None or a.api is not None:
        raise VentureLabError("rate", "--rate, --latency-ms and --api compare per-input models (tabular, trees, "
                              "encoders, CNNs); for an LLM at a request rate use plan", got=a.model)
    from scenarios.engine.serving import InferenceRequest, estimate_inference
    req = InferenceRequest(model=a.model, hardware=a.hardware, weights=a.weights, kv_cache=a.kv_cache,
                           runtime=a.runtime, batch=a.batch, prompt_tokens=a.prompt_tokens,
                           output_tokens=a.output_tokens, devices=a.devices, price_per_hour=a.price_per_hour,
                           utilisation=a.utilisation, parallel=a.parallel, prefix_cache_hit=a.prefix_cache_hit,
                           speculative=a.speculative, spec_acceptance=a.spec_acceptance)
    est = estimate_inference(req)
    print(render.to_json(est.to_dict()) if a.json else render.inference_text(est.to_dict()))
    return 0


def _per_input(model: str) -> bool:
    """A catalog model answered per input (ARCHITECTURE 4.3); config files are token models."""
    from scenarios.engine.catalog import load_models
    spec = load_models().get(model)
    return spec is not None and not spec.is_token_model


def _id_list(text: str) -> tuple[str, ...]:
    """``ID[,ID...]`` as its ids (spaces and empty items dropped)."""
    return tuple(x.strip() for x in text.split(",") if x.strip())


def _cmd_per_input(a) -> int:
    hardware = list(_id_list(a.hardware))
    if a.rate is None:
        if len(hardware) != 1 or a.latency_ms is not None or a.api is not None:
            raise VentureLabError("rate", "a list of --hardware, --latency-ms and --api go with --rate PER_S",
                                  got=a.hardware)
        from scenarios.engine.small_models import estimate_small_model
        est = estimate_small_model(a.model, hardware[0], weights=a.weights, runtime=a.runtime, batch=a.batch,
                                   price_per_hour=a.price_per_hour, utilisation=a.utilisation)
        d = est.to_dict()
        print(render.to_json(d) if a.json else render.per_input_text(d))
        return 0
    from scenarios.engine.serving_at_rate import compare_at_rate
    apis = _id_list(a.api) if a.api is not None else ("stripe-radar-fraud-teams",)
    res = compare_at_rate(a.model, hardware, a.rate, 50.0 if a.latency_ms is None else a.latency_ms, apis=apis,
                          runtime=a.runtime, weights=a.weights).to_dict()
    print(render.to_json(res) if a.json else render.rate_text(res))
    return 0


CSV_CHUNK_ROWS = 20_000      # rows per vectorised call: bounded memory (ARCHITECTURE 4.3)


def _cmd_inference_csv(a) -> int:
    """``--from-csv``: read, estimate and write one chunk of rows at a time."""
    import pandas as pd

    from scenarios.safe_load import open_regular
    fmt = a.format or ("jsonl" if a.json else "table")
    rows = bad = 0
    writer = _CsvWriter()
    try:
        with open_regular(a.from_csv, "from_csv") as fh:     # a FIFO or a folder: one line, no hang
            reader = pd.read_csv(fh, dtype=str, keep_default_na=False, skipinitialspace=True,
                                 chunksize=CSV_CHUNK_ROWS)
            if fmt == "table":
                sys.stdout.write(next(render.csv_text_lines([])) + "\n")
            for chunk in reader:
                n_bad = _csv_chunk(chunk, fmt, rows + 1, a.from_csv, writer)
                rows, bad = rows + len(chunk), bad + n_bad
            writer.wait()
    except VentureLabError:
        raise
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise VentureLabError("from_csv", f"cannot read CSV file ({type(exc).__name__})", got=a.from_csv) from None
    finally:
        writer.close()
    if rows and bad == rows:      # the per-row errors are in the output; stderr says why rc=2
        print(f"venture-lab: error: --from-csv: none of the {rows} rows could be estimated "
              f"(see the error column) (got {a.from_csv!r})", file=sys.stderr)
        return 2
    return 0


class _CsvWriter:
    """``--format csv``: formats and writes each chunk on a second thread while the main thread
    estimates the next (Arrow's writer runs without the GIL). One chunk at most waits, so memory
    stays bounded; chunks are written in order; a write error is raised at the next chunk."""

    def __init__(self):
        self._pool = None
        self._pending = None

    def submit(self, frame, header: bool) -> None:
        self.wait()
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csv-writer")
        self._pending = self._pool.submit(_write_csv, frame, header)

    def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


def _write_csv(frame, header: bool) -> None:
    data = render.csv_bytes(frame, header)
    sys.stdout.flush()
    if hasattr(sys.stdout, "buffer"):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:                             # captured output (tests): text only
        sys.stdout.write(data.decode("utf-8"))


def _csv_chunk(chunk, fmt: str, start: int, path: str, writer: _CsvWriter) -> int:
    """Estimate one chunk and write it in ``fmt``; returns how many of its rows failed. Rows whose
    model is a per-input model (ARCHITECTURE 4.3) are answered by the small-model path."""
    from scenarios.engine.serving import OUTPUT_FIELDS, REQUEST_FIELDS, estimate_inference_table
    from scenarios.engine.small_models import PER_INPUT_FIELDS, fill_per_input_rows, per_input_model_ids
    chunk.columns = [str(c).strip() for c in chunk.columns]
    chunk = chunk.replace({"": None})
    try:
        table = estimate_inference_table(chunk)
    except VentureLabError as err:       # a whole-file problem (columns): name the flag and the file
        raise VentureLabError("from_csv", f"{err.field}: {err.problem}", got=path, accepted=err.accepted) from None
    per_input = "model" in chunk.columns and bool(chunk["model"].isin(per_input_model_ids()).any())
    if fmt == "csv" and not per_input:
        # straight from the table to Arrow's writer: building a dict per row first took about 60 %
        # of a 100,000-row run (bench/bulk_csv.py)
        records = None
        n_bad = int(table["error"].fillna("").astype(bool).sum())
    else:
        records = render.native_records(table)
        if per_input:
            records = fill_per_input_rows(chunk.to_dict(orient="records"), records)
            table = None                      # the per-input figures are in the records only
        n_bad = sum(1 for rec in records if rec["error"])
    if fmt == "csv":
        import pandas as pd
        frame = render.csv_full_frame(pd.DataFrame(records) if table is None else table, REQUEST_FIELDS,
                                      (*OUTPUT_FIELDS, *PER_INPUT_FIELDS), start)
        writer.submit(frame, header=start == 1)
    else:
        lines = (render.csv_json_lines(records, OUTPUT_FIELDS, REQUEST_FIELDS, start, native=True,
                                       extra_fields=PER_INPUT_FIELDS) if fmt == "jsonl"
                 else render.csv_text_lines(records, start, header=False))
        sys.stdout.write("".join(line + "\n" for line in lines))
    return n_bad


def _cmd_training(a) -> int:
    from scenarios.engine.training import TrainingRequest, estimate_training
    req = TrainingRequest(model=a.model, hardware=a.hardware, tokens=a.tokens, devices=a.devices, mfu=a.mfu,
                          price_per_hour=a.price_per_hour, zero_stage=a.zero_stage,
                          activation_checkpointing=not a.no_activation_checkpointing, micro_batch=a.micro_batch,
                          seq_len=a.seq_len, tensor_parallel=a.tensor_parallel, precision=a.precision)
    d = estimate_training(req).to_dict()
    print(render.to_json(d) if a.json else render.training_text(d))
    return 0


def _cmd_plan(a) -> int:
    from scenarios.engine.plan import PlanRequest, plan

    def ids(text):
        return _id_list(text) if text else None
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
                    default=0.0, help="share of each prompt served from the prefix cache (0 up to 1, 1 excluded)")
    pl.add_argument("--price-per-hour", dest="price_per_hour", type=_number("float", "price_per_hour"), default=None,
                    help="USD per device-hour, replacing the catalog's (a scenario target's own price)")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=_cmd_plan)


def _cmd_calibrate_local(a) -> int:
    from scenarios.engine.local_probe import output_path, probe, write_device_file
    output_path(a.output)                      # a bad --output fails before the measuring
    result = probe()
    path = write_device_file(result, a.output)
    d = {**result.to_dict(), "device_file": str(path)}
    print(render.to_json(d) if a.json else render.local_probe_text(d))
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


def _serving_options(inf):
    """ARCHITECTURE 4.3: how the devices split one replica, the prefix cache, speculative decoding."""
    inf.add_argument("--parallel", type=_text("parallel", 16), default=None,
                     help="tp, pp, layer or ep (default: layer on llama.cpp, tp elsewhere)")
    inf.add_argument("--prefix-cache-hit", dest="prefix_cache_hit", default=0.0,
                     type=_number("float", "prefix_cache_hit", minimum=0, maximum=1),
                     help="share of each prompt served from the prefix cache (0 up to 1, 1 excluded)")
    inf.add_argument("--speculative", type=_text("speculative", 200), default="none",
                     help="none, eagle, mtp or draft:MODEL_ID")
    inf.add_argument("--spec-acceptance", dest="spec_acceptance", default=None,
                     type=_number("float", "spec_acceptance", minimum=0, maximum=1),
                     help="share of drafted tokens accepted (0-1; default: the method's published figure)")
    return inf


def _batch(text):
    """--batch N, or 'max' (the throughput-optimal concurrency that fits one replica)."""
    return "max" if str(text).strip().lower() == "max" else _number("int", "batch")(text)


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


def _add_training_parser(est_sub) -> None:
    """`estimate training`: its flags (the engine checks the values)."""
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
    tr.add_argument("--precision", type=_text("precision"), default="bf16",
                    help="bf16 (default) or fp8 (hardware with fp8 tensor cores; MFU still over the 16-bit peak)")
    tr.add_argument("--no-activation-checkpointing", dest="no_activation_checkpointing", action="store_true")
    tr.add_argument("--json", action="store_true")
    tr.set_defaults(func=_cmd_training)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="venture-lab", description="AI Venture Lab cost engine: serving, training, catalogs.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser,
                           metavar="{estimate,plan,catalog,calibrate-local,scenario}")

    est = sub.add_parser("estimate", help="serving or training estimates")
    est_sub = est.add_subparsers(dest="kind", required=True, parser_class=_Parser, metavar="{inference,training}")
    inf = _serving_options(est_sub.add_parser("inference", help="serving speed, memory, cost and energy"))
    inf.add_argument("--model", type=_text("model"), help="model id or path to a Hugging Face config.json")
    inf.add_argument("--hardware", type=_text("hardware"), help="hardware id or path to a device file (YAML/JSON/TOML)")
    inf.add_argument("--weights", type=_text("weights", 64), default=None, help="weight format (default fp16; bf16 without an fp16 path)")
    inf.add_argument("--kv-cache", dest="kv_cache", type=_text("kv_cache", 64), default=None, help="KV-cache format (default: activation dtype)")
    inf.add_argument("--runtime", type=_text("runtime", 64), default=None, help="llama.cpp, vllm, tensorrt-llm, executorch, mlc, pytorch, onnxruntime, openvino; on phones "
                     "qnn (Snapdragon NPU) or coreml (Apple Neural Engine) where the phone has that path")
    inf.add_argument("--batch", type=_batch, default=1, help="sequences in flight, or max (ARCHITECTURE 4.3)")
    inf.add_argument("--prompt-tokens", dest="prompt_tokens", type=_number("int", "prompt_tokens"), default=512)
    inf.add_argument("--output-tokens", dest="output_tokens", type=_number("int", "output_tokens"), default=128)
    inf.add_argument("--devices", type=_number("int", "devices"), default=1)
    inf.add_argument("--price-per-hour", dest="price_per_hour", type=_number("float", "price_per_hour"), default=None)
    inf.add_argument("--utilisation", type=_number("float", "utilisation"), default=0.5)
    inf.add_argument("--from-csv", dest="from_csv", type=_text("from_csv"), default=None, help="one estimate per CSV row")
    inf.add_argument("--format", choices=("jsonl", "csv"), default=None,
                     help="with --from-csv: JSON lines (as --json) or one CSV row per input row")
    inf.add_argument("--rate", type=_number("float", "rate", minimum=1e-6, maximum=1e9), default=None,
                     help="per-input models: inputs per second to serve (compares --hardware ID,ID and an API)")
    inf.add_argument("--latency-ms", dest="latency_ms", type=_number("float", "latency_ms", minimum=1e-3,
                                                                        maximum=1e7), default=None,
                     help="with --rate: the latency limit per input (default 50)")
    inf.add_argument("--api", type=_text("api"), default=None, help="with --rate: hosted scoring API id(s) from data/scoring_api_prices.csv")
    inf.add_argument("--json", action="store_true")
    inf.set_defaults(func=_cmd_inference)

    _add_training_parser(est_sub)

    _add_plan(sub)
    cal = sub.add_parser("calibrate-local", help="measure this computer and write a device file")
    cal.add_argument("--output", default=None, help="device file to write (default user_devices/this-machine.yaml)")
    cal.add_argument("--json", action="store_true")
    cal.set_defaults(func=_cmd_calibrate_local)

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
