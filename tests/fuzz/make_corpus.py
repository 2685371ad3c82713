"""Writes tests/fuzz/corpus/*.jsonl: the hostile-input corpus, one case per line.

Run ``python -m tests.fuzz.make_corpus`` after changing a list below; cases added by hand to a
.jsonl file are kept only if they are added here too (README.md in this folder says how).

A case: ``{"id", "argv", "files"?, "fifos"?, "expect"}``. ``argv`` is what follows ``venture-lab``;
``{tmp}`` in it is the case's own temp folder. ``files`` maps a name in that folder to its content:
text, or a list of parts where ``{"repeat": s, "times": n}`` stands for ``s * n`` (so a 64 k-space
value stays small here), or ``{"latin1": text}`` for bytes that are not UTF-8. ``expect`` is ``{"rc": 2, "names": [...]}`` (one stderr line naming each
word) or ``{"rc": 0, "json": {dotted.key: value}}`` / ``{"rc": 0, "rows": {row: {"error_has": w}}}``
for JSON-lines output.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent / "corpus"
INF = ["estimate", "inference", "--model", "llama-3-8b", "--hardware", "nvidia-h100-sxm", "--json"]
TRAIN = ["estimate", "training", "--model", "llama-3-8b", "--hardware", "nvidia-h100-sxm", "--tokens", "1T",
         "--json"]
SPACES = [{"repeat": " ", "times": 65536}]
SPACES_10K = [{"repeat": " ", "times": 10000}]     # inside a scenario file's 64 kB
DIGITS_400 = {"repeat": "9", "times": 400}
DIGITS_5001 = {"repeat": "9", "times": 5001}
LONG_PATH = ["{tmp}/", {"repeat": "a", "times": 5000}]   # an argv item may be a list of parts too


def err(*names):
    return {"rc": 2, "names": list(names)}


def ok(**checks):
    return {"rc": 0, "json": {k.replace("__", "."): v for k, v in checks.items()}}


# ------------------------------------------------------------------------------- CLI arguments
BAD_NUMBERS = ["", " ", "-1", "1e400", "-1e400", "nan", "NaN", "inf", "-inf", "0x10", "1,000", "1e", "k", "--",
               "1__0", "1.2.3", "９", "1 2", "1e99999", "1k5", "999999T", "\x00", "1\n2", [DIGITS_400], [DIGITS_5001],
               ["1", *SPACES, "x"], "1e-400x", "0b101", "1/2", "+-1", "\u0661"]
BAD_WHOLE = ["1.5", "0.0001k", "2.5e0"]


def cli_cases() -> list[dict]:
    cases = []
    for flag in ("--batch", "--prompt-tokens", "--output-tokens", "--devices", "--utilisation", "--price-per-hour"):
        values = BAD_NUMBERS + (BAD_WHOLE if flag in ("--batch", "--devices") else [])
        if flag in ("--prompt-tokens", "--output-tokens", "--price-per-hour"):
            values = [v for v in values if v != "-1"] + ["-1"]       # negative: below the range
        for i, v in enumerate(values):
            cases.append({"id": f"cli{flag}-{i}", "argv": [*INF, flag, v], "expect": err(flag)})
    for i, v in enumerate(["", " ", "fp99", "fp16 fp8", [{"repeat": "x", "times": 5000}], "../fp16", "\x00"]):
        for flag in ("--weights", "--kv-cache", "--runtime"):
            cases.append({"id": f"cli{flag}-text-{i}", "argv": [*INF, flag, v], "expect": err(flag)})
    for flag, other in (("--model", ["--hardware", "nvidia-h100-sxm"]), ("--hardware", ["--model", "llama-3-8b"])):
        for i, v in enumerate(["", " ", "no-such-id", "../../etc/passwd", "/dev/zero", "/dev/null", "{tmp}",
                               "{tmp}/fifo.yaml", LONG_PATH, "{tmp}/x\x00.yaml", "/proc/self/mem", "~/nothing.json",
                               "{tmp}/missing.json"]):
            cases.append({"id": f"cli{flag}-path-{i}", "argv": ["estimate", "inference", flag, v, *other, "--json"],
                          "fifos": ["fifo.yaml"], "expect": err(flag)})
    for flag in ("--tokens", "--mfu", "--devices", "--zero-stage", "--micro-batch", "--seq-len", "--tensor-parallel"):
        for i, v in enumerate(["", "nan", "-1", [DIGITS_400], ["1", *SPACES, "x"], "1e400"]):
            argv = [a for a in TRAIN if a not in ("--tokens", "1T")] + ["--tokens", "1T"] * (flag != "--tokens")
            cases.append({"id": f"cli-train{flag}-{i}", "argv": [*argv, flag, v], "expect": err(flag)})
    for hw in ("qualcomm-snapdragon-8-gen-3", "apple-a17-pro", "raspberry-pi-5"):
        cases.append({"id": f"cli-devices-unjoinable-{hw}", "argv": ["estimate", "inference", "--model", "llama-3.2-1b",
                      "--hardware", hw, "--devices", "2", "--json"], "expect": err("--devices", "1")})
    cases += [
        {"id": "cli-ok-suffix", "argv": [*INF, "--batch", "32k", "--prompt-tokens", "2k"],
         "expect": ok(inputs__batch=32000, inputs__prompt_tokens=2000)},
        {"id": "cli-ok-spaces", "argv": [*INF, "--batch", " 8 ", "--output-tokens", "64"],
         "expect": ok(inputs__batch=8, inputs__output_tokens=64)},
        {"id": "cli-ok-devices-gpu", "argv": [*INF, "--devices", "2"], "expect": ok(inputs__devices=2)},
        {"id": "cli-ok-zero-prompt", "argv": [*INF, "--prompt-tokens", "0"], "expect": ok(ttft_ms=None)},
        {"id": "cli-ok-underscore", "argv": [*INF, "--batch", "1_000"], "expect": ok(inputs__batch=1000)},
        {"id": "cli-ok-weights", "argv": [*INF, "--weights", "int4"], "expect": ok(inputs__weights="int4")},
    ]
    return cases


# ------------------------------------------------------------------------------- CSV rows
GOOD_ROW = "llama-3-8b,nvidia-h100-sxm,,4,512,128,1"
CSV_HEAD = "model,hardware,weights,batch,prompt_tokens,output_tokens,devices\n"


def csv_cases() -> list[dict]:
    cases = []
    cells = [("batch", v) for v in ("-1", "nan", "inf", DIGITS_400, DIGITS_5001, "1e400", "1.5", "0x10", "k",
                                     ["1", *SPACES, "x"], "1;5", "\u0661")]
    cells += [(col, v) for col in ("prompt_tokens", "output_tokens", "devices")
              for v in ("-5", "nan", DIGITS_400, ["1", *SPACES, "x"], "1e400")]
    cells += [("weights", v) for v in ("fp99", "=cmd|' /C calc'!A0", "<script>")]
    cells += [("model", v) for v in ("no-such-model", "/dev/zero", "../../etc/passwd")]
    cells += [("hardware", v) for v in ("no-such-hw", "/dev/zero", "{tmp}/fifo.yaml")]
    columns = CSV_HEAD.strip().split(",")
    for i, (col, value) in enumerate(cells):
        row, at = GOOD_ROW.split(","), columns.index(col)
        before = ",".join(row[:at]) + "," if at else ""
        after = "," + ",".join(row[at + 1:]) if at < len(columns) - 1 else ""
        content = [CSV_HEAD, GOOD_ROW, "\n", before, *(value if isinstance(value, list) else [value]), after, "\n"]
        cases.append({"id": f"csv-{col}-{i}", "argv": ["estimate", "inference", "--from-csv", "{tmp}/rows.csv", "--json"],
                      "files": {"rows.csv": content}, "fifos": ["fifo.yaml"],
                      "expect": {"rc": 0, "rows": {"1": {"ok": True}, "2": {"error_has": col}}}})
    whole_file = {"empty": "", "binary": {"latin1": "\x00\x01\x02\xff"}, "unknown-column": "colour\nred\n",
                  "no-model-column": "hardware\nnvidia-h100-sxm\n", "only-bad": CSV_HEAD + "x,y,,1,1,1,1\n",
                  "unclosed-quote": CSV_HEAD + '"llama-3-8b,nvidia-h100-sxm\n'}
    for name, content in whole_file.items():
        cases.append({"id": f"csv-file-{name}", "argv": ["estimate", "inference", "--from-csv", "{tmp}/rows.csv", "--json"],
                      "files": {"rows.csv": content}, "expect": err("--from-csv")})
    cases.append({"id": "csv-file-header-only", "argv": ["estimate", "inference", "--from-csv", "{tmp}/rows.csv",
                  "--json"], "files": {"rows.csv": CSV_HEAD}, "expect": {"rc": 0, "stdout_is": ""}})
    for i, path in enumerate(["{tmp}/fifo.csv", "/dev/zero", "{tmp}", LONG_PATH, "{tmp}/missing.csv", ""]):
        cases.append({"id": f"csv-path-{i}", "argv": ["estimate", "inference", "--from-csv", path, "--json"],
                      "fifos": ["fifo.csv"], "expect": err("--from-csv")})
    return cases


# ------------------------------------------------------------------------------- device files
DEVICE = "name: Acme board\nmemory_gb: 16\nmemory_bandwidth_gb_s: 100\npeak_tflops_fp16: 20\n"


def device_cases() -> list[dict]:
    yaml_bodies = {
        "dup-memory": (DEVICE + "memory_gb: 99999\n", ["memory_gb", "twice"]),
        "dup-nested": (DEVICE + "ranges: {tdp_w: [1, 2, 3], tdp_w: [1, 2, 4]}\n", ["tdp_w"]),
        "alias": ("base: &b 16\nmemory_gb: *b\nmemory_bandwidth_gb_s: 100\npeak_tflops_fp16: 20\n", ["alias"]),
        "merge-key": ("<<: {memory_gb: 16}\nmemory_bandwidth_gb_s: 100\npeak_tflops_fp16: 20\n", ["merge"]),
        "billion-laughs": (("a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"), ["alias"]),
        "bandwidth-tiny": (DEVICE.replace("100", "1e-300"), ["memory_bandwidth_gb_s", "0.01"]),
        "memory-huge": (DEVICE.replace("memory_gb: 16", "memory_gb: 1e9"), ["memory_gb", "0.001 to 100000"]),
        "memory-400-digits": ([DEVICE.replace("memory_gb: 16\n", ""), "memory_gb: ", DIGITS_400, "\n"], ["memory_gb"]),
        "memory-5001-digits": ([DEVICE.replace("memory_gb: 16\n", ""), "memory_gb: ", DIGITS_5001, "\n"], ["memory_gb"]),
        "price-nan": (DEVICE + "usd_per_hour: .nan\n", ["usd_per_hour"]),
        "price-inf": (DEVICE + "usd_per_hour: .inf\n", ["usd_per_hour"]),
        "price-negative": (DEVICE + "usd_per_hour: -1\n", ["usd_per_hour"]),
        "price-tiny": (DEVICE + "usd_per_hour: 1e-300\n", ["usd_per_hour"]),
        "tdp-zero": (DEVICE + "tdp_w: 0\n", ["tdp_w"]),
        "tdp-huge": (DEVICE + "tdp_w: 1e12\n", ["tdp_w"]),
        "peak-tiny": (DEVICE.replace("peak_tflops_fp16: 20", "peak_tflops_fp16: 1e-300"), ["peak_tflops_fp16"]),
        "peak-text": (DEVICE.replace("peak_tflops_fp16: 20", "peak_tflops_fp16: fast"), ["peak_tflops_fp16"]),
        "peak-spaces": ([DEVICE.replace("peak_tflops_fp16: 20\n", ""), "peak_tflops_fp16: '1", *SPACES, "x'\n"],
                        ["peak_tflops_fp16"]),
        "bool-memory": (DEVICE.replace("memory_gb: 16", "memory_gb: true"), ["memory_gb"]),
        "list-memory": (DEVICE.replace("memory_gb: 16", "memory_gb: [16]"), ["memory_gb"]),
        "unknown-field": (DEVICE + "warp_drive: 9\n", ["warp_drive"]),
        "bad-class": (DEVICE + "hw_class: quantum\n", ["hw_class"]),
        "bad-date-key": (DEVICE + "price_as_of: 2026-13-45\n", ["price_as_of"]),
        "not-mapping": ("- 1\n- 2\n", ["mapping"]),
        "scalar": ("42\n", ["mapping"]),
        "empty": ("", ["mapping"]),
        "deep": ("a: " + "[" * 50 + "]" * 50 + "\n", ["nested"]),
        "bad-yaml": ("memory_gb: [unclosed\n", ["YAML"]),
        "python-tag": ("!!python/object/apply:os.system ['true']\n", ["YAML"]),
        "ranges-nan": (DEVICE + "ranges: {memory_bandwidth_gb_s: [.nan, 1, 2]}\n", ["ranges"]),
        "usable-over": (DEVICE + "usable_memory_gb: 1000\n", ["usable_memory_gb"]),
        "name-list": (DEVICE + "compute_formats: [1, 2]\n", ["compute_formats"]),
        "id-number": (DEVICE + "id: 7\n", ["id"]),
    }
    cases = []
    for name, (body, names) in yaml_bodies.items():
        cases.append({"id": f"device-yaml-{name}", "argv": [*INF[:4], "--hardware", "{tmp}/board.yaml", "--json"],
                      "files": {"board.yaml": body}, "expect": err("--hardware", *names)})
    json_bodies = {
        "dup": ('{"memory_gb": 16, "memory_gb": 99999, "memory_bandwidth_gb_s": 100, "peak_tflops_fp16": 20}', ["memory_gb"]),
        "nan": ('{"memory_gb": NaN, "memory_bandwidth_gb_s": 100, "peak_tflops_fp16": 20}', ["NaN"]),
        "infinity": ('{"memory_gb": 16, "memory_bandwidth_gb_s": Infinity, "peak_tflops_fp16": 20}', ["Infinity"]),
        "big-int": (['{"memory_gb": ', DIGITS_5001, ', "memory_bandwidth_gb_s": 100, "peak_tflops_fp16": 20}'], ["digits"]),
        "float-overflow": ('{"memory_gb": 1e400, "memory_bandwidth_gb_s": 100, "peak_tflops_fp16": 20}', ["memory_gb"]),
        "deep": ([{"repeat": "[", "times": 100000}, {"repeat": "]", "times": 100000}], ["JSON"]),
        "array": ("[1, 2, 3]", ["mapping"]),
        "truncated": ('{"memory_gb": 16', ["JSON"]),
    }
    for name, (body, names) in json_bodies.items():
        cases.append({"id": f"device-json-{name}", "argv": [*INF[:4], "--hardware", "{tmp}/board.json", "--json"],
                      "files": {"board.json": body}, "expect": err("--hardware", *names)})
    toml_bodies = {"dup": ("memory_gb = 16\nmemory_gb = 99\n", []), "nan": ("memory_gb = nan\n", ["memory_gb"]),
                   "big": (["memory_gb = ", DIGITS_400, "\nmemory_bandwidth_gb_s = 100\npeak_tflops_fp16 = 20\n"],
                           ["memory_gb"]),
                   "bad": ("memory_gb = = 16\n", [])}
    for name, (body, names) in toml_bodies.items():
        cases.append({"id": f"device-toml-{name}", "argv": [*INF[:4], "--hardware", "{tmp}/board.toml", "--json"],
                      "files": {"board.toml": body}, "expect": err("--hardware", *names)})
    cases.append({"id": "device-too-large", "argv": [*INF[:4], "--hardware", "{tmp}/board.yaml", "--json"],
                  "files": {"board.yaml": [DEVICE, "notes: '", {"repeat": "x", "times": 1_100_000}, "'\n"]},
                  "expect": err("--hardware", "larger")})
    cases.append({"id": "device-ok", "argv": [*INF[:4], "--hardware", "{tmp}/acme-board.yaml", "--json"],
                  "files": {"acme-board.yaml": DEVICE}, "expect": ok(inputs__hardware="acme-board")})
    cases.append({"id": "device-ok-json", "argv": [*INF[:4], "--hardware", "{tmp}/acme.json", "--json"],
                  "files": {"acme.json": json.dumps({"memory_gb": 80, "memory_bandwidth_gb_s": 100,
                                                     "peak_tflops_fp16": 20})},
                  "expect": ok(inputs__hardware="acme", fits=True)})
    return cases


# ------------------------------------------------------------------------------- config.json
CONFIG = {"model_type": "llama", "hidden_size": 2048, "intermediate_size": 8192, "num_attention_heads": 32,
          "num_hidden_layers": 16, "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 8192}


def _config(**changes) -> str:
    return json.dumps({**CONFIG, **changes})


def config_cases() -> list[dict]:
    raw = json.dumps(CONFIG)
    bodies = {
        "dup-layers": (raw[:-1] + ', "num_hidden_layers": 99999}', ["num_hidden_layers"]),
        "nan-hidden": (raw.replace('"hidden_size": 2048', '"hidden_size": NaN'), ["NaN"]),
        "inf-vocab": (raw.replace('"vocab_size": 128256', '"vocab_size": Infinity'), ["Infinity"]),
        "digits-5001": ("", ["digits"]),     # the body is built below (5,001 digits)
        "layers-negative": (_config(num_hidden_layers=-3), ["num_hidden_layers"]),
        "layers-zero": (_config(num_hidden_layers=0), ["num_hidden_layers"]),
        "layers-float": (_config(num_hidden_layers=1.5), ["num_hidden_layers"]),
        "layers-text": (_config(num_hidden_layers="16"), ["num_hidden_layers"]),
        "layers-bool": (_config(num_hidden_layers=True), ["num_hidden_layers"]),
        "layers-huge": (_config(num_hidden_layers=10 ** 25), ["num_hidden_layers"]),
        "hidden-missing": (json.dumps({k: v for k, v in CONFIG.items() if k != "hidden_size"}), ["hidden_size"]),
        "vocab-missing": (json.dumps({k: v for k, v in CONFIG.items() if k != "vocab_size"}), ["vocab_size"]),
        "heads-zero": (_config(num_attention_heads=0), ["num_attention_heads"]),
        "not-object": ("[1, 2]", ["mapping"]),
        "string": ('"config"', ["mapping"]),
        "empty": ("", ["JSON"]),
        "truncated": (raw[:40], ["JSON"]),
        "deep": ([{"repeat": "{\"a\": ", "times": 5000}, "1", {"repeat": "}", "times": 5000}], ["JSON"]),
        "binary": ({"latin1": "\xff\xfe\x00"}, ["UTF-8"]),
        "bom": ("\ufeff" + raw, ["JSON"]),
    }
    cases = []
    for name, (body, names) in bodies.items():
        if name == "digits-5001":
            head, tail = raw.split('"hidden_size": 2048')
            body = [head, '"hidden_size": ', DIGITS_5001, tail]
        cases.append({"id": f"config-{name}", "argv": ["estimate", "inference", "--model", "{tmp}/m/config.json",
                                                        "--hardware", "nvidia-h100-sxm", "--json"],
                      "files": {"m/config.json": body}, "expect": err("--model", *names)})
    for i, path in enumerate(["{tmp}/fifo.json", "/dev/zero", "{tmp}/m", LONG_PATH]):
        cases.append({"id": f"config-path-{i}", "argv": ["estimate", "inference", "--model", path,
                                                         "--hardware", "nvidia-h100-sxm", "--json"],
                      "fifos": ["fifo.json"], "files": {"m/x.txt": "x"}, "expect": err("--model")})
    # model files may be YAML too (the engine reads JSON, YAML or TOML by suffix): aliases and
    # duplicate keys are refused there as in device files
    for name, (body, names) in {
        "billion-laughs": (("a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"), ["alias"]),
        "dup-hidden": ("".join(f"{k}: {v}\n" for k, v in CONFIG.items()) + "hidden_size: 99999\n",
                       ["hidden_size", "twice"]),
    }.items():
        cases.append({"id": f"config-yaml-{name}", "argv": ["estimate", "inference", "--model", "{tmp}/m/config.yaml",
                                                             "--hardware", "nvidia-h100-sxm", "--json"],
                      "files": {"m/config.yaml": body}, "expect": err("--model", *names)})
    cases.append({"id": "config-ok", "argv": ["estimate", "inference", "--model", "{tmp}/tiny-llama/config.json",
                                              "--hardware", "nvidia-h100-sxm", "--json"],
                  "files": {"tiny-llama/config.json": json.dumps(CONFIG)}, "expect": ok(inputs__model="custom:tiny-llama")})
    return cases


# ------------------------------------------------------------------------------- scenario files
def scenario_cases(base: str) -> list[dict]:
    def sub(old: str, new) -> list:
        assert old in base, old
        head, tail = base.split(old, 1)
        return [head, *(new if isinstance(new, list) else [new]), tail]

    bodies = {
        "bad-date": (sub('as_of: "2026-09-25"', "as_of: 2026-13-45"), ["as_of"]),
        "bad-date-feb": (sub('as_of: "2026-09-25"', "as_of: 2026-02-30"), ["as_of"]),
        "digits-400": (sub("requests_per_day: 20000", ["requests_per_day: ", DIGITS_400]), ["requests_per_day"]),
        "digits-5001": (sub("requests_per_day: 20000", ["requests_per_day: ", DIGITS_5001]), ["requests_per_day"]),
        "dup-key": (sub("peak_factor: 3.0", "peak_factor: 3.0\n  peak_factor: 300.0"), ["peak_factor", "twice"]),
        "dup-top": (base + "name: Other\n", ["name", "twice"]),
        "nan-price": (sub("usd_per_hour: 0.805", "usd_per_hour: .nan"), ["usd_per_hour"]),
        "inf-price": (sub("usd_per_hour: 0.805", "usd_per_hour: .inf"), ["usd_per_hour"]),
        "negative-traffic": (sub("requests_per_day: 20000", "requests_per_day: -5"), ["requests_per_day"]),
        "spaces-number": (sub("requests_per_day: 20000", ["requests_per_day: '1", *SPACES_10K, "x'"]),
                          ["requests_per_day"]),
        "text-number": (sub("requests_per_day: 20000", "requests_per_day: lots"), ["requests_per_day"]),
        "bool-number": (sub("requests_per_day: 20000", "requests_per_day: yes"), ["requests_per_day"]),
        "alias": (sub("peak_factor: 3.0", "peak_factor: &p 3.0\n  monthly_growth_x: *p"), ["alias"]),
        "unknown-field": (base + "warp: 9\n", ["warp"]),
        "bad-id": (sub("id: nlp", "id: \"abc\\n\""), ["id"]),
        "id-upper": (sub("id: nlp", "id: NLP"), ["id"]),
        "schema-99": (sub("schema_version: 3", "schema_version: 99"), ["schema_version"]),
        "schema-text": (sub("schema_version: 3", "schema_version: three"), ["schema_version"]),
        "targets-int": (sub("targets:\n", "targets: 7\nxtargets:\n"), ["targets"]),
        "unknown-hardware": (sub("hardware: nvidia-l4", "hardware: warp-gpu"), ["hardware"]),
        "long-text": (sub("name: Contract-review copilot for small law firms",
                          ["name: ", {"repeat": "x", "times": 3000}]), ["name"]),
        "not-mapping": ("- 1\n- 2\n", ["mapping"]),
        "empty": ("", ["empty"]),
        "binary": ({"latin1": "\xff\xfe\x00\x01"}, ["UTF-8"]),
        "bad-yaml": ("id: [unclosed\n", ["YAML"]),
        "deep": ("a: " + "[" * 60 + "]" * 60 + "\n", ["nested"]),
        "python-tag": ("!!python/object/apply:os.system ['true']\n", ["YAML"]),
        "too-large": ([base, "# ", {"repeat": "x", "times": 70_000}, "\n"], ["larger"]),
        "many-nodes": (["x: [", {"repeat": "1,", "times": 5000}, "1]\n"], ["values"]),
        "merge-key": ("<<: {id: x}\nname: y\n", ["merge"]),
    }
    v1 = "version: 1\nid: old\nname: Old file\nmodel: llama-3.1-8b\n"
    bodies |= {"v1-targets-int": (v1 + "targets: 7\n", ["targets"]),
               "v1-targets-text": (v1 + "targets: seven\n", ["targets"]),
               "v1-traffic-int": (v1 + "traffic: 7\n", ["traffic"]),
               "v1-traffic-list": (v1 + "traffic: [1, 2]\n", ["traffic"]),
               "v1-version-big": (["version: ", DIGITS_400, "\nid: old\nname: Old\n"], ["version"])}
    cases = []
    for name, (body, names) in bodies.items():
        for cmd in (["scenario", "validate"], ["scenario", "run"]):
            argv = [*cmd, "{tmp}/s.yaml"] + (["--json", "--samples", "100"] if cmd[1] == "run" else [])
            cases.append({"id": f"scenario-{cmd[1]}-{name}", "argv": argv, "files": {"s.yaml": body},
                          "expect": err(*names)})
    for i, path in enumerate(["{tmp}/fifo.yaml", "/dev/zero", "{tmp}", LONG_PATH, "{tmp}/missing.yaml", "",
                              "{tmp}/x\x00.yaml", "/proc/self/mem"]):
        cases.append({"id": f"scenario-path-{i}", "argv": ["scenario", "validate", path], "fifos": ["fifo.yaml"],
                      "expect": err("file")})
    cases.append({"id": "scenario-ok", "argv": ["scenario", "validate", "{tmp}/s.yaml"],
                  "files": {"s.yaml": base}, "expect": {"rc": 0, "stdout_has": "ok"}})
    return cases


def main() -> None:
    root = Path(__file__).resolve().parents[2]
    base = (root / "scenarios/business/presets/nlp.yaml").read_text(encoding="utf-8")
    HERE.mkdir(exist_ok=True)
    groups = {"cli": cli_cases(), "csv": csv_cases(), "device": device_cases(), "config": config_cases(),
              "scenario": scenario_cases(base)}
    for name, cases in groups.items():
        ids = [c["id"] for c in cases]
        assert len(ids) == len(set(ids)), f"duplicate ids in {name}"
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for c in cases:
                fh.write(json.dumps(c, ensure_ascii=True) + "\n")
        print(f"{name}: {len(cases)} cases")


if __name__ == "__main__":
    main()
