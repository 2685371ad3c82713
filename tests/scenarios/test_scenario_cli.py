"""`venture-lab scenario run|validate`: every preset runs, JSON is complete, bad files exit 2
with one line naming the field."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scenarios import cli
from scenarios.business.scenario import PRESET_DIR, preset_ids
from tests.scenarios.conftest import golden_dict


def _cli(argv):
    """Through the product's entry point (`venture-lab`), as a user runs it."""
    return cli.main(argv)


@pytest.mark.parametrize("pid", preset_ids())
def test_every_preset_runs_through_the_cli(pid, capsys):
    assert _cli(["scenario", "run", str(PRESET_DIR / f"{pid}.yaml"), "--json", "--samples", "2000"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenario_id"] == pid
    u = out["unit"]
    for key in ("serving_usd_month", "revenue_usd_month", "cost_per_request_usd", "cost_per_user_usd",
                "gross_margin", "burn_usd_month", "break_even_requests_month", "runway_months"):
        assert key in u
    assert u["serving_usd_month"] >= 0
    mc = out["monte_carlo"]
    assert mc["serving_usd_month"]["p10"] <= mc["serving_usd_month"]["p50"] <= mc["serving_usd_month"]["p90"]
    assert out["verdict"]["text"]
    assert len(out["tornado"]) == 5


def test_validate_ok_and_text_run(capsys):
    assert _cli(["scenario", "validate", str(PRESET_DIR / "nlp.yaml")]) == 0
    assert capsys.readouterr().out.startswith("ok: nlp")
    assert _cli(["scenario", "run", "nlp", "--samples", "500"]) == 0
    assert "verdict:" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "field"), [
    ("schema_version: 2\nid: x\n", "name: is missing"),
    ("[[[", "file: is not valid YAML"),
])
def test_bad_file_exits_2_with_one_line(tmp_path, capsys, content, field):
    p = tmp_path / "bad.yaml"
    p.write_text(content)
    assert _cli(["scenario", "validate", str(p)]) == 2
    err = capsys.readouterr().err.strip()
    assert field in err and "\n" not in err


def test_unknown_model_is_caught_by_validate(tmp_path, capsys):
    import yaml
    d = golden_dict()
    d["model"] = "gpt-17"
    p = tmp_path / "m.yaml"
    p.write_text(yaml.safe_dump(d))
    assert _cli(["scenario", "validate", str(p)]) == 2
    assert capsys.readouterr().err.startswith("venture-lab scenario validate: model: is not in the model catalog")


def test_missing_file_exits_2_in_a_fresh_process(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scenarios.cli", "scenario", "run", str(tmp_path / "nope.yaml")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "file:" in proc.stderr and "Traceback" not in proc.stderr
