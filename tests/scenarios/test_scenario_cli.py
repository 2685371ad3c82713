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


# ------------------------------------------------------------------ issue 12: figures a founder quotes
def _scenario_file(tmp_path, replace: dict | None = None, lines: dict | None = None, **changes):
    """A golden scenario written as YAML; ``lines`` swaps whole ``key: value`` lines of the text
    (how a person types ``1e10``, which a dict round trip would quote)."""
    import yaml
    d = golden_dict()
    for key, value in changes.items():
        section, name = key.split("__")
        d[section][name] = value
    d.update(replace or {})
    text = yaml.safe_dump(d, sort_keys=False)
    for old, new in (lines or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    p = tmp_path / "s.yaml"
    p.write_text(text)
    return p


def _run_json(path, capsys) -> dict:
    assert _cli(["scenario", "run", str(path), "--json", "--samples", "1000"]) == 0
    return json.loads(capsys.readouterr().out)


def test_subscribers_pay_without_traffic(tmp_path, capsys):
    """1,500 subscribers at $39 earn $58,500 a month whatever their traffic (it was $0)."""
    p = _scenario_file(tmp_path, traffic__requests_per_day=0, traffic__monthly_active_users=1500,
                       pricing__usd_per_user_month=39)
    u = _run_json(p, capsys)["unit"]
    assert u["revenue_usd_month"] == pytest.approx(1500 * 39)
    # serving: one rented H100 kept up, 2 $/h * 730 h = 1,460; fixed 30,000
    assert u["gross_margin"] == pytest.approx((58_500 - 1460) / 58_500)
    assert u["burn_usd_month"] == pytest.approx(30_000 + 1460 - 58_500)
    assert u["default_alive"] is True
    assert u["break_even_users"] == pytest.approx((30_000 + 1460) / 39, rel=2e-3)


def test_subscription_revenue_grows_with_users_not_requests(tmp_path, capsys):
    """Twice the requests per user earn the same subscription revenue."""
    base = _run_json(_scenario_file(tmp_path), capsys)["unit"]
    busy = _run_json(_scenario_file(tmp_path, traffic__requests_per_day=20_000), capsys)["unit"]
    assert base["revenue_usd_month"] == busy["revenue_usd_month"] == pytest.approx(1000 * 20)


@pytest.mark.parametrize("typed", ["1e10", "1.0e+10", "10B", "1E10", "10_000_000_000"])
def test_numbers_in_exponent_and_suffix_forms(tmp_path, capsys, typed):
    p = _scenario_file(tmp_path, lines={"requests_per_day: 10000": f"requests_per_day: {typed}"})
    assert _cli(["scenario", "validate", str(p)]) == 0
    capsys.readouterr()
    u = _run_json(p, capsys)["unit"]
    assert u["requests_month"] == pytest.approx(1e10 * 365 / 12)


def test_suffix_forms_in_whole_and_list_fields(tmp_path, capsys):
    p = _scenario_file(tmp_path, lines={"prompt_tokens: 1000": "prompt_tokens: 1k",
                                        "team_usd_month: 30000": "team_usd_month: 3e4"})
    u = _run_json(p, capsys)["unit"]
    assert u["fixed_usd_month"] == 30_000


def test_a_real_non_number_names_the_field_and_the_accepted_forms(tmp_path, capsys):
    p = _scenario_file(tmp_path, lines={"requests_per_day: 10000": "requests_per_day: lots"})
    assert _cli(["scenario", "run", str(p)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("venture-lab scenario run: traffic.requests_per_day: must be a number")
    assert "accepted: " in err and "1e10" in err and "10B" in err and "\n" not in err


def test_an_absurd_fleet_carries_a_warning(tmp_path, capsys):
    out = _run_json(_scenario_file(tmp_path, lines={"requests_per_day: 10000": "requests_per_day: 1e10"}),
                    capsys)
    rent = next(o for o in out["options"] if o["target_id"] == "rent")
    assert rent["devices"] > 10_000
    fleet = [w for w in out["warnings"] if w["kind"] == "fleet" and w["target_id"] == "rent"]
    assert len(fleet) == 1 and f"{rent['devices']:,}" in fleet[0]["text"]
    small = _run_json(_scenario_file(tmp_path), capsys)
    assert small["warnings"] == []


def test_a_phone_that_cannot_hold_the_model_does_not_fit(tmp_path, capsys):
    p = _scenario_file(tmp_path, replace={"model": "llama-3.1-70b"})
    out = _run_json(p, capsys)
    phone = next(o for o in out["options"] if o["target_id"] == "phone")
    assert not phone["feasible"]
    assert phone["note"].startswith("does not fit") and "devices" not in phone["note"]


def test_text_report_says_profitable_with_a_sign(capsys):
    assert _cli(["scenario", "run", "finance", "--samples", "500"]) == 0
    out = capsys.readouterr().out
    assert "profitable: +$402k/month" in out
    assert "burn -" not in out


def test_text_report_shows_the_point_and_the_median_with_why_they_differ(capsys):
    assert _cli(["scenario", "run", "recommendation", "--samples", "2000"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("serving on"))
    assert "P50" in line
    why = next(ln for ln in out.splitlines() if "percentile" in ln)
    assert "round up" in why
