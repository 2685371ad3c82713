"""A self-hosted target's ``batch: auto`` (the default) takes the plan's concurrency and capacity
(scenarios/business/planned.py): one configuration gives the same figures in `scenario run
--json`, `venture-lab plan --json`, `estimate inference --json` and the PDF's text; explicit
numbers and version 2 files keep their figures."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml
from pypdf import PdfReader

from scenarios.business.economics import DAYS_PER_MONTH, HOURS_PER_MONTH, SECONDS_PER_MONTH
from scenarios.business.scenario import from_dict
from tests.scenarios.conftest import golden_dict

ROOT = Path(__file__).resolve().parents[2]
REL = 1e-9


def _cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenarios.cli", *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def auto_dict(requests_per_day: float = 3000) -> dict:
    """An L4 rented at 1 USD/h (730 USD a replica-month: the PDF's whole dollars are exact) with
    no batch given: ``auto``."""
    d = golden_dict()
    d["traffic"].update(requests_per_day=requests_per_day, prompt_tokens=2000, output_tokens=400)
    d["targets"] = [d["targets"][0], {"id": "rent", "kind": "rented-gpu", "hardware": "nvidia-l4",
                                      "usd_per_hour": 1.0}]
    d["operating"]["peak_load_share"] = 0.6
    d["limits"] = {"ttft_ms_p90": 1000, "tpot_ms": 50}
    return d


def sizing_rate(d: dict) -> float:
    tr = d["traffic"]
    return tr["requests_per_day"] * DAYS_PER_MONTH / SECONDS_PER_MONTH * tr["peak_factor"] / d["operating"]["peak_load_share"]


def plan_argv(d: dict) -> list[str]:
    tr, lim = d["traffic"], d["limits"]
    return ["plan", "--model", d["model"], "--rate", repr(sizing_rate(d)), "--prompt-tokens", str(tr["prompt_tokens"]),
            "--output-tokens", str(tr["output_tokens"]), "--ttft-ms", str(lim["ttft_ms_p90"]),
            "--tpot-ms", str(lim["tpot_ms"]), "--hardware", "nvidia-l4", "--weights", d["weights"],
            "--runtime", "vllm", "--max-devices", "1", "--price-per-hour", "1", "--json"]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= REL * max(abs(a), abs(b))


def test_batch_defaults_to_auto_and_older_files_keep_theirs():
    assert from_dict(auto_dict()).targets[1].batch == "auto"
    v2 = auto_dict()
    v2["schema_version"] = 2
    assert from_dict(v2).targets[1].batch == 8                      # what version 2 meant by no batch
    explicit = auto_dict()
    explicit["targets"][1]["batch"] = 16
    assert from_dict(explicit).targets[1].batch == 16


def test_a_bad_batch_word_is_one_line_naming_auto(tmp_path):
    d = auto_dict()
    d["targets"][1]["batch"] = "fast"
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(d))
    proc = _cli("scenario", "run", str(p))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "targets[1].batch" in proc.stderr and "accepted: auto or a number" in proc.stderr


def test_one_configuration_one_figure_in_scenario_plan_estimate_and_pdf(tmp_path):
    d = auto_dict()
    p = tmp_path / "auto.yaml"
    p.write_text(yaml.safe_dump(d))
    run = _cli("scenario", "run", str(p), "--json", "--samples", "200")
    assert run.returncode == 0, run.stderr
    s = json.loads(run.stdout)
    opt = next(o for o in s["options"] if o["target_id"] == "rent")
    cap = next(c for c in s["capacities"] if c["target_id"] == "rent")
    best = json.loads(_cli(*plan_argv(d)).stdout)["best"]
    assert opt["replicas"] == best["replicas"] and opt["unmet"] == []
    assert _close(opt["usd_month"], best["usd_per_hour"] * HOURS_PER_MONTH)
    assert _close(s["unit"]["serving_usd_month"], best["usd_per_hour"] * HOURS_PER_MONTH)
    assert _close(cap["requests_per_s"], best["max_rate_per_replica"])
    est = json.loads(_cli("estimate", "inference", "--model", d["model"], "--hardware", "nvidia-l4",
                          "--weights", d["weights"], "--batch", str(best["concurrency_per_replica"]),
                          "--prompt-tokens", "2000", "--output-tokens", "400", "--utilisation", "1",
                          "--json").stdout)
    assert _close(est["throughput_tokens_per_s"], cap["requests_per_s"] * d["traffic"]["output_tokens"])
    pdf_path = tmp_path / "auto.pdf"
    assert _cli("scenario", "pdf", str(p), "--output", str(pdf_path)).returncode == 0
    text = PdfReader(io.BytesIO(pdf_path.read_bytes())).pages[0].extract_text().replace("\x00", "")
    shown = [float(x.replace(",", "")) for x in re.findall(r"\$([\d,]+(?:\.\d+)?)", text)]
    assert any(_close(x, best["usd_per_hour"] * HOURS_PER_MONTH) for x in shown), shown


def test_more_traffic_plans_more_replicas_at_the_plans_cost(tmp_path):
    d = auto_dict(requests_per_day=40_000)
    p = tmp_path / "busy.yaml"
    p.write_text(yaml.safe_dump(d))
    s = json.loads(_cli("scenario", "run", str(p), "--json", "--samples", "200").stdout)
    opt = next(o for o in s["options"] if o["target_id"] == "rent")
    best = json.loads(_cli(*plan_argv(d)).stdout)["best"]
    assert opt["replicas"] == best["replicas"] > 1
    assert _close(opt["usd_month"], best["usd_per_hour"] * HOURS_PER_MONTH)


def test_limits_nothing_meets_price_the_cheapest_fit_and_name_the_breach(tmp_path):
    d = auto_dict()
    d["limits"] = {"tpot_ms": 0.5}
    s = json.loads(_cli("scenario", "run", _write(tmp_path, d), "--json", "--samples", "200").stdout)
    opt = next(o for o in s["options"] if o["target_id"] == "rent")
    assert opt["usd_month"] is not None and any(u.startswith("tpot_ms") for u in opt["unmet"])


def _write(tmp_path: Path, d: dict) -> str:
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(d))
    return str(p)
