"""Record (or check) every CLI output field over the whole catalog.

    python -m tools.cli_snapshot write     # regenerate tests/snapshots/cli.jsonl.gz (make snapshot)
    python -m tools.cli_snapshot check     # compare today's output with the snapshot (what the test does)

The snapshot is what `venture-lab` prints, driven through its own ``main`` (the public surface):
``estimate inference --from-csv`` over every model x device (default weights), every weight
format on representative models and devices, and a few batch / length shapes (a spread, not the
full cross product: the file stays a few MB and every branch of the engine is still reached), single ``estimate inference --json`` calls (with assumptions) for every model on a
spread of devices, ``estimate training --json`` for every LLM on a few accelerators, the three
``catalog`` listings and ``scenario run --json`` for every preset.  A refactor must reproduce it to
1e-9 relative; a change that moves figures on purpose regenerates it with ``make snapshot`` and its
diff (``python -m tools.cli_snapshot diff``) goes in the commit message.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import math
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "snapshots" / "cli.jsonl.gz"
REL_TOL = 1e-9
# Source strings name the module a figure comes from; one package per concern moved them
# (ARCHITECTURE.md section 2). Old snapshot strings are read with the new paths.
MOVED = {"scenarios/speed.py": "scenarios/engine/speed.py", "scenarios/memory.py": "scenarios/engine/memory.py",
         "scenarios/serving.py": "scenarios/engine/serving.py", "scenarios/training.py": "scenarios/engine/training.py",
         "scenarios/flops.py": "scenarios/engine/flops.py", "scenarios/prices.py": "scenarios/engine/prices.py",
         "scenarios/calibration.py": "scenarios/calibration/fit.py", "scenarios/workloads.py": "scenarios/atlas/workloads.py",
         "scenarios/economics.py": "scenarios/business/economics.py",
         "scenarios/uncertainty.py": "scenarios/business/uncertainty.py",
         "scenarios/scenario_engine.py": "scenarios/business/runner.py"}


def _moved(text: str) -> str:
    for old, new in MOVED.items():
        text = text.replace(old, new)
    return text

# Shapes run for every model x device (default weights), beyond the all-formats pass.
SHAPES = [  # (batch, prompt_tokens, output_tokens, devices)
    (1, 512, 128, 1), (8, 2048, 256, 1), (64, 128, 512, 1), (1, 0, 128, 1), (1, 512, 0, 1),
    (16, 8192, 1024, 2), (4, 32768, 64, 8),
]
SINGLE_DEVICES = ("nvidia-h100-sxm", "nvidia-l4", "nvidia-rtx-4090", "nvidia-jetson-agx-orin-64gb",
                  "apple-m2-max-38c", "qualcomm-snapdragon-8-gen-3", "raspberry-pi-5-8gb", "google-tpu-v5e")
TRAIN_DEVICES = ("nvidia-h100-sxm", "nvidia-a100-sxm-80gb", "google-tpu-v5e")
# Models that between them reach every branch of the engine: dense small and large, mixture of
# experts, latent attention, sliding and local windows, encoders, vision and tree models.
REP_MODELS = ("llama-3.1-8b", "llama-3-70b", "mixtral-8x7b", "deepseek-v3", "gemma-3-12b", "gpt-oss-20b",
              "qwen3-30b-a3b", "mistral-7b", "bert-base", "resnet-50", "xgboost-500-trees", "whisper-small")
SHAPE_MODELS = REP_MODELS[:6]
SHAPE_DEVICES = ("nvidia-h100-sxm", "nvidia-rtx-4090", "nvidia-jetson-agx-orin-64gb")
SIGNIFICANT_DIGITS = 12          # stored precision: far below the 1e-9 check, a third smaller file


def _run(argv: list[str]) -> tuple[int, str, str]:
    from scenarios.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, out.getvalue(), err.getvalue()


def _ids(what: str) -> list[dict]:
    rc, out, err = _run(["catalog", what, "--json"])
    if rc:
        raise SystemExit(f"catalog {what} failed: {err}")
    return json.loads(out)


def records() -> list[dict]:
    """Every snapshot record: {"cmd": [...], "rc": int, "out": parsed JSON or text}."""
    recs: list[dict] = []
    cat = {w: _ids(w) for w in ("hardware", "models", "formats")}
    for w, rows in cat.items():
        recs.append({"cmd": ["catalog", w, "--json"], "rc": 0, "out": rows})
    models = [m["id"] for m in cat["models"]]
    devices = [h["id"] for h in cat["hardware"]]
    formats = [f["id"] for f in cat["formats"]]
    rows = _csv_rows(models, cat["hardware"], formats)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "requests.csv"
        with path.open("w", newline="") as fh:
            wr = csv.writer(fh)
            wr.writerow(["model", "hardware", "weights", "batch", "prompt_tokens", "output_tokens", "devices"])
            wr.writerows(rows)
        rc, out, _ = _run(["estimate", "inference", "--from-csv", str(path), "--json"])
    for line in out.splitlines():
        recs.append({"cmd": ["from-csv"], "rc": rc, "out": json.loads(line)})
    for m in models:
        for h in [d for d in SINGLE_DEVICES if d in devices]:
            for extra in ([], ["--batch", "32", "--price-per-hour", "2.5", "--utilisation", "0.8"]):
                cmd = ["estimate", "inference", "--model", m, "--hardware", h, "--json", *extra]
                rc, out, err = _run(cmd)
                recs.append({"cmd": cmd, "rc": rc, "out": json.loads(out) if rc == 0 else err.strip()})
        for h in TRAIN_DEVICES:
            cmd = ["estimate", "training", "--model", m, "--hardware", h, "--tokens", "1T", "--devices", "256",
                   "--json"]
            rc, out, err = _run(cmd)
            recs.append({"cmd": cmd, "rc": rc, "out": json.loads(out) if rc == 0 else err.strip()})
    for preset in sorted((ROOT / "scenarios").rglob("presets/*.yaml")):
        cmd = ["scenario", "run", preset.stem, "--json"]
        rc, out, err = _run(["scenario", "run", str(preset), "--json"])
        recs.append({"cmd": cmd, "rc": rc, "out": json.loads(out) if rc == 0 else err.strip()})
    return recs


def _csv_rows(models: list[str], hardware: list[dict], formats: list[str]) -> list[tuple]:
    """The --from-csv rows: every model on every device at default weights, every format on the
    representative models x two devices per hardware class (and every model on one H100), the
    shapes on representative models x every device and every model x three devices."""
    devices = [h["id"] for h in hardware]
    by_class: dict[str, list[str]] = {}
    for h in sorted(hardware, key=lambda h: h["id"]):
        by_class.setdefault(h["hw_class"], []).append(h["id"])
    rep_devices = sorted({i for ids in by_class.values() for i in (ids[0], ids[-1])}
                         | {d for d in SINGLE_DEVICES if d in devices})
    reps = [m for m in REP_MODELS if m in models]
    rows = [(m, h, "", 1, 512, 128, 1) for m in models for h in devices]
    rows += [(m, h, f, 1, 512, 128, 1) for m in reps for h in rep_devices for f in formats]
    rows += [(m, "nvidia-h100-sxm", f, 1, 512, 128, 1) for m in models for f in formats]
    rows += [(m, h, "", *shape) for m in SHAPE_MODELS if m in models for h in devices for shape in SHAPES]
    rows += [(m, h, "", *shape) for m in models for h in SHAPE_DEVICES if h in devices for shape in SHAPES]
    return list(dict.fromkeys(rows))


def _rounded(value):
    """``value`` with every float kept to SIGNIFICANT_DIGITS (the stored form)."""
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def write(path: Path = SNAPSHOT) -> int:
    recs = records()
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as fh:
        for r in recs:
            fh.write(json.dumps(_rounded(r), sort_keys=True, separators=(",", ":")) + "\n")
    return len(recs)


def read(path: Path = SNAPSHOT) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def differences(old, new, where="", out=None, limit=50, rel_tol=REL_TOL) -> list[str]:
    """Human-readable differences between two JSON values (numbers to ``rel_tol`` relative;
    strings after reading old module paths as their new ones)."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(old, dict) and isinstance(new, dict):
        for k in sorted(set(old) | set(new)):
            if k not in new:
                out.append(f"{where}.{k}: missing now")
            elif k not in old:
                out.append(f"{where}.{k}: new field")
            else:
                differences(old[k], new[k], f"{where}.{k}", out, limit, rel_tol)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            out.append(f"{where}: length {len(old)} -> {len(new)}")
        for i, (a, b) in enumerate(zip(old, new)):
            differences(a, b, f"{where}[{i}]", out, limit, rel_tol)
    elif isinstance(old, bool) or isinstance(new, bool):
        if old is not new:
            out.append(f"{where}: {old!r} -> {new!r}")
    elif isinstance(old, (int, float)) and isinstance(new, (int, float)):
        if not math.isclose(old, new, rel_tol=rel_tol, abs_tol=1e-300):
            out.append(f"{where}: {old!r} -> {new!r} ({(new - old) / old * 100 if old else math.inf:+.3g} %)")
    elif isinstance(old, str) and isinstance(new, str):
        if _moved(old) != new:
            out.append(f"{where}: {old!r} -> {new!r}")
    elif old != new:
        out.append(f"{where}: {old!r} -> {new!r}")
    return out


def compare(path: Path = SNAPSHOT, limit: int = 50) -> list[str]:
    old, new = read(path), records()
    if len(old) != len(new):
        return [f"record count {len(old)} -> {len(new)}"]
    diffs: list[str] = []
    for i, (a, b) in enumerate(zip(old, new)):
        differences(a, b, f"[{i}] {' '.join(a['cmd'][:6])}", diffs, limit)
        if len(diffs) >= limit:
            break
    return diffs


def main(argv: list[str], tool: str, write, compare, what: str, path: Path) -> int:
    """``write|check|diff`` for a snapshot tool (this one and tools.page_snapshot)."""
    cmd = argv[0] if argv else "check"
    if cmd == "write":
        print(f"wrote {write()} {what} to {path.relative_to(ROOT)}")
        return 0
    if cmd in ("check", "diff"):
        d = compare(limit=50 if cmd == "check" else 100000)
        print("\n".join(d) or f"{'snapshot' if what == 'records' else what} reproduced")
        return 1 if d else 0
    print(f"usage: python -m {tool} write|check|diff", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], "tools.cli_snapshot", write, compare, "records", SNAPSHOT))
