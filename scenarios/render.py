"""What `venture-lab` prints: engine results as JSON, JSON lines, CSV and plain-text reports.

The CLI (scenarios/cli.py) only parses arguments and calls the engine; this module turns the
results into text.  Every number in a text report goes through the one set of formatters in
:mod:`scenarios.units`; JSON carries the numbers themselves (non-finite values become null).
Imports stay light (standard library and units) so a cold start stays fast.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator

from scenarios.units import fmt_number, fmt_plain, fmt_si, fmt_usd

YES_NO = {True: "yes", False: "no"}


# ------------------------------------------------------------------------------------- JSON
def _plain(x):
    """``x`` with numpy scalars unwrapped and NaN / inf as None, recursively."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def to_json(obj) -> str:
    """One JSON document; anything JSON has no type for is written as its text."""
    return json.dumps(_plain(obj), default=str)


# ------------------------------------------------------------------------------------- inference
_SPEED_LINES = (("prefill_tokens_per_s", " tok/s"), ("decode_tokens_per_s", " tok/s"),
                ("throughput_tokens_per_s", " tok/s"), ("ttft_ms", " ms"), ("tpot_ms", " ms"),
                ("usd_per_million_tokens", " $ per 1M output tokens"),
                ("energy_j_per_token", " J per output token"),
                ("battery_pct_per_1k_tokens", " % battery per 1k output tokens"))


def _fig(value, unit: str = "") -> str:
    """A figure with its unit; yes / no for flags; n/a (without the unit) when missing."""
    if isinstance(value, bool):
        return YES_NO[value]
    text = fmt_number(value)
    return text if text == "n/a" else text + unit


def inference_text(d: dict) -> str:
    """The plain-text report of one inference estimate (its ``to_dict()``)."""
    i = d["inputs"]
    lines = [f"{i['model']} on {i['hardware']} ({i['weights']} weights, {i['kv_cache']} KV, runtime "
             f"{d['runtime']}, batch {i['batch']}, prompt {i['prompt_tokens']}, output {i['output_tokens']}, "
             f"devices {i['devices']}{_split(i)})",
             f"  memory: weights {_fig(d['weights_gb'], ' GB')}, KV {_fig(d['kv_cache_gb'], ' GB')}, working "
             f"{_fig(d['working_memory_gb'], ' GB')}, total {_fig(d['total_memory_gb'], ' GB')}; fits: "
             f"{_fig(d['fits'])}; devices needed {d['devices_needed']}; max batch {d['max_batch']}"]
    for key, unit in _SPEED_LINES:
        if d.get(key) is not None:
            lines.append(f"  {key}: {_fig(d[key], unit)}  (low {_fig(d[key + '_low'])}, "
                         f"high {_fig(d[key + '_high'])})")
    lines.append(f"  bound: prefill {d['bound_prefill']}, decode {d['bound_decode']}; arithmetic intensity "
                 f"{_fig(d['arithmetic_intensity'])} FLOP/B vs ridge {_fig(d['ridge_point'])}")
    lines.append(f"  speed model: {d['basis']}")
    options = _options(d)
    return "\n".join(lines + ([options] if options else []))


def _split(i: dict) -> str:
    """How the devices split the replica (ARCHITECTURE 4.3), shown where there are several."""
    return f", {i['parallel']} split" if i.get("parallel") and i["devices"] > 1 else ""


def _options(d: dict) -> str:
    """The prefix cache and speculative decoding, where the request uses them."""
    i, parts = d["inputs"], []
    if i.get("prefix_cache_hit"):
        parts.append(f"prefix cache hit {_fig(i['prefix_cache_hit'])}")
    if i.get("speculative") not in (None, "none"):
        gain = next((a["value"] for a in d["assumptions"] if a["name"] == "spec_decode_speedup"), None)
        parts.append(f"speculative {i['speculative']} (acceptance {_fig(i['spec_acceptance'])}, "
                     f"decode x{_fig(gain)} at this batch)")
    return "  serving options: " + "; ".join(parts) if parts else ""


_PER_INPUT_LINES = (("latency_ms", " ms"), ("inputs_per_s", " inputs/s"),
                    ("usd_per_million_inputs", " $ per 1M inputs"), ("energy_j_per_input", " J per input"))


def per_input_text(d: dict) -> str:
    """The plain-text report of one per-input estimate (tabular, tree, encoder or CNN model)."""
    i = d["inputs"]
    lines = [f"{i['model']} on {i['hardware']} ({i['weights']} weights, runtime {d['runtime']}, batch {i['batch']})",
             f"  weights {_fig(d['weights_gb'], ' GB')}; fits: {_fig(d['fits'])}; "
             f"{_fig(d['gflops_per_input'])} GFLOPs per input"]
    for key, unit in _PER_INPUT_LINES:
        if d.get(key) is not None:
            lines.append(f"  {key}: {_fig(d[key], unit)}  (low {_fig(d[key + '_low'])}, high {_fig(d[key + '_high'])})")
    lines.append(f"  speed model: {d['basis']}")
    return "\n".join(lines)


def rate_text(d: dict) -> str:
    """The plain-text comparison of devices and APIs serving a per-input model at a rate."""
    lines = [f"{d['model']} at {_fig(d['rate_per_s'])} inputs/s within {_fig(d['latency_ms_limit'], ' ms')}"]
    for o in d["options"]:
        sized = "" if o["usd_per_month_right_sized"] is None else \
            f"; {o['vcpus_needed']} vCPUs of the family: {fmt_usd(o['usd_per_month_right_sized'])}/month"
        speed = "" if o["latency_ms"] is None else \
            f"batch {o['batch']}, latency {_fig(o['latency_ms'], ' ms')} (meets: {_fig(o['meets_latency'])}), " \
            f"{o['devices_needed']} device(s), "
        lines.append(f"  {o['option']} ({o['kind']}): {speed}{fmt_usd(o['usd_per_month'])}/month "
                     f"(low {fmt_usd(o['usd_per_month_low'])}, high {fmt_usd(o['usd_per_month_high'])}){sized}"
                     + (f"  [{o['note']}]" if o["note"] else ""))
    lines.append(f"  cheapest within the limit: {d['cheapest'] or 'none'}")
    return "\n".join(lines)


def local_probe_text(d: dict) -> str:
    """The plain-text report of ``calibrate-local``."""
    return (f"this machine: {_fig(d['matmul_gflops'], ' GFLOP/s')} fp32 matmul, "
            f"{_fig(d['memory_bandwidth_gb_s'], ' GB/s')} memory bandwidth, {d['cores']} cores "
            f"(measured in {_fig(d['seconds'], ' s')})\n  device file: {d['device_file']}")


def training_text(d: dict) -> str:
    """The plain-text report of one training estimate (its ``to_dict()``)."""
    i = d["inputs"]
    cost = fmt_usd(d["cost_usd"])
    return "\n".join([
        f"{i['model']} on {i['devices']} x {i['hardware']}, {fmt_number(i['tokens'])} tokens",
        f"  training compute {fmt_si(d['training_flops'], 'FLOP')}; MFU {fmt_number(d['mfu_used'], 2)} "
        f"({fmt_number(d['mfu_low'], 2)}-{fmt_number(d['mfu_high'], 2)})",
        f"  accelerator-hours {_fig(d['accelerator_hours'])} ({_fig(d['accelerator_hours_low'])}-"
        f"{_fig(d['accelerator_hours_high'])}); wall clock {_fig(d['wall_clock_days'], ' days')}",
        f"  cost {cost}; energy {_fig(d['energy_kwh'], ' kWh')}; CO2 {_fig(d['co2_kg'], ' kg')}",
        f"  memory per device {_fig(d['memory_per_device_gb'], ' GB')}; fits: {_fig(d['fits'])}",
    ])


# ------------------------------------------------------------------------------------- CSV batches
CSV_TEXT_COLUMNS = ("model", "hardware", "weights", "batch", "prompt_tokens", "output_tokens", "fits",
                    "decode_tokens_per_s", "prefill_tokens_per_s", "usd_per_million_tokens", "error")
_WHOLE_OUTPUTS = ("devices_needed", "max_batch")
_WHOLE_INPUTS = ("batch", "prompt_tokens", "output_tokens", "devices")


def _whole(v):
    return int(v) if v is not None and math.isfinite(v) else None


def native_records(table) -> list[dict]:
    """A DataFrame's rows as dicts of plain Python values with NaN and infinity as None: what
    :func:`to_json` does value by value, done column by column (the bulk path's JSON lines)."""
    import numpy as np
    t = table.replace([np.inf, -np.inf], np.nan)
    return t.astype(object).where(t.notna(), None).to_dict(orient="records")


def csv_json_lines(records: Iterable[dict], output_fields: Iterable[str],
                   request_fields: Iterable[str], start: int = 1, native: bool = False,
                   extra_fields: Iterable[str] = ()) -> Iterator[str]:
    """One JSON object per estimated row (ARCHITECTURE 4.2 --from-csv --json): its outputs, the
    inputs it used and its runtime, or ``{"row": N, "error": ...}`` for a row that failed
    (``start``: the first record's row number, for a file read in chunks; ``native``: the records
    come from :func:`native_records`, so each is written without a per-value pass)."""
    output_fields, request_fields = tuple(output_fields), tuple(request_fields)
    dumps = (lambda obj: json.dumps(obj, default=str)) if native else to_json
    for n, rec in enumerate(records, start=start):
        if rec["error"]:
            yield dumps({"row": n, "error": rec["error"]})
            continue
        out = {"row": n, **{k: rec[k] for k in output_fields}}
        out.update({k: rec[k] for k in extra_fields if k in rec})    # per-input models (ARCHITECTURE 4.3)
        out.update({k: _whole(out[k]) for k in _WHOLE_OUTPUTS})
        inputs = {k: rec[k] for k in request_fields}
        inputs.update({k: int(inputs[k]) for k in _WHOLE_INPUTS})
        out["inputs"] = inputs
        out["runtime"] = rec["runtime"]
        yield dumps(out)


def _csv_cell(v) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    if isinstance(v, float):
        return fmt_plain(v)          # six significant digits, as :g, never an exponent
    s = str(v)
    return '"' + s.replace('"', '""') + '"' if ("," in s or '"' in s) else s


def csv_text_lines(records: Iterable[dict], start: int = 1, header: bool = True) -> Iterator[str]:
    """A CSV table (header first) of the main figures of each row, errors included."""
    if header:
        yield ",".join(("row",) + CSV_TEXT_COLUMNS)
    for n, rec in enumerate(records, start=start):
        yield ",".join([str(n)] + [_csv_cell(rec[c]) for c in CSV_TEXT_COLUMNS])


def csv_full_frame(table, request_fields: Iterable[str], output_fields: Iterable[str], start: int):
    """``--from-csv --format csv``: the table of one chunk as written: one row per input row with
    the JSON keys as columns (row, the inputs used, every output, error), whole numbers as integers."""
    cols = ["row", *request_fields, *output_fields, "error"]
    out = table.reindex(columns=cols[1:])
    out.insert(0, "row", range(start, start + len(out)))
    for k in (*_WHOLE_INPUTS, *_WHOLE_OUTPUTS):
        if k in out.columns:
            out[k] = out[k].astype("Float64").round().astype("Int64")
    return out


def csv_bytes(frame, header: bool) -> bytes:
    """A :func:`csv_full_frame` as UTF-8 CSV. Arrow's C++ writer formats the ~50 float columns about
    10x faster than pandas' and without holding the GIL, so the CLI formats one chunk on a second
    thread while it estimates the next (bench/RESULTS.md, bulk CLI); pandas writes where Arrow is
    missing."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
    except ImportError:
        return frame.to_csv(index=False, header=header, lineterminator="\n").encode("utf-8")
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), sink,
                     pa_csv.WriteOptions(include_header=header, quoting_style="needed"))
    return sink.getvalue().to_pybytes()


# ------------------------------------------------------------------------------------- catalogs
CATALOG_COLUMNS = {
    "hardware": ("id", "hw_class", "memory_gb", "memory_bandwidth_gb_s", "peak_tflops_fp16", "tdp_w",
                 "usd_per_hour", "verified"),
    "models": ("id", "kind", "params_b", "active_params_b", "layers", "attention_type", "context_length",
               "verified"),
    "formats": ("id", "bits_per_weight", "activation_dtype", "compute_dtype", "verified"),
}


def catalog_table(what: str, items: Iterable) -> str:
    """A tab-separated listing of a catalog (values as stored, so a script can read them back)."""
    cols = CATALOG_COLUMNS[what]
    rows = ["\t".join(cols)]
    rows += ["\t".join("" if getattr(x, c) is None else str(getattr(x, c)) for c in cols) for x in items]
    return "\n".join(rows)


# ------------------------------------------------------------------------------------- plan
def _plan_line(c: dict) -> str:
    return (f"{c['replicas']} x {c['devices_per_replica']} {c['hardware']} ({c['weights']}, {c['runtime']}, "
            f"{c['concurrency_per_replica']} in flight): {fmt_usd(c['usd_per_hour'])}/h, "
            f"{fmt_usd(c['usd_per_million_tokens'])} per 1M output tokens, TTFT p90 {fmt_number(c['ttft_ms_p90'])} ms, "
            f"TPOT {fmt_number(c['tpot_ms'])} ms, end-to-end p90 {fmt_number(c['e2e_ms_p90'])} ms")


def plan_text(d: dict) -> str:
    """The plain-text report of `venture-lab plan` (its ``to_dict()``)."""
    i = d["inputs"]
    lines = [(f"{i['model']} at {fmt_number(i['rate_per_s'])} requests/s, prompt {i['prompt_tokens']}, output "
              f"{i['output_tokens']} ({fmt_number(d['configurations_searched'])} configurations searched)")]
    if d["best"] is None:
        lines.append("nothing meets these limits; here is why:")
    else:
        lines.append("best: " + _plan_line(d["best"]))
        lines.append("Pareto front ($ per 1M output tokens vs tokens/s per user):")
        lines += ["  " + _plan_line(c) for c in d["candidates"]]
    lines += [f"  not {x['hardware']} / {x['weights']}: {x['reason']}" for x in d["infeasible"]]
    return "\n".join(lines)

