"""Capacity planner page, from the entrypoint: its figures are `venture-lab plan`'s for the inputs
in the URL, the scenario it writes gives the same $ figure in `scenario run`, nothing meeting the
limits is said with reasons, and Chinese renders."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard.i18n import t
from dashboard.navigation import ROOT
from scenarios.business.economics import HOURS_PER_MONTH
from scenarios.engine.catalog import get_hardware
from tests.app.conftest import assert_clean, open_page

PAGE = "dashboard/pages/capacity_planner.py"
# a bound multiselect carries its options' labels in the URL (dashboard/state.py): the device names
QUERY = {"cap_rate": "3", "cap_prompt": "1024", "cap_output": "256", "cap_ttft": "800", "cap_tpot": "40",
         "cap_hw": [get_hardware(h).name for h in ("nvidia-l4", "nvidia-h100-sxm")], "cap_devices": "2"}
REL = 1e-9


def _cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenarios.cli", *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def _table(at):
    """The page's configuration table (the cheapest first), columns by JSON key."""
    df = next(d.value for d in at.dataframe if t("cap.col.usd_per_hour", lang="en") in d.value.columns)
    keys = {t(f"cap.col.{k}", lang="en"): k for k in ("hardware", "weights", "runtime", "devices_per_replica",
                                                       "concurrency_per_replica", "replicas", "usd_per_hour",
                                                       "usd_per_million_tokens", "ttft_ms_p90", "tpot_ms")}
    return df.rename(columns=keys)


def test_page_plan_cli_and_scenario_give_one_figure(tmp_path):
    at = open_page(PAGE, query=QUERY)
    assert_clean(at)
    assert at.multiselect(key="cap_hw").value == ["nvidia-l4", "nvidia-h100-sxm"]
    row = _table(at).iloc[0]
    best = json.loads(_cli("plan", "--model", "llama-3.1-8b", "--rate", "3", "--prompt-tokens", "1024",
                           "--output-tokens", "256", "--ttft-ms", "800", "--tpot-ms", "40",
                           "--hardware", "nvidia-l4,nvidia-h100-sxm", "--max-devices", "2", "--json").stdout)["best"]
    for k in ("hardware", "weights", "runtime", "devices_per_replica", "concurrency_per_replica", "replicas"):
        assert row[k] == best[k], k
    for k in ("usd_per_hour", "usd_per_million_tokens", "ttft_ms_p90", "tpot_ms"):
        assert row[k] == pytest.approx(best[k], rel=REL), k
    assert best["ttft_ms_p90"] <= 800 and best["tpot_ms"] <= 40
    # the scenario the page writes: same configuration, same month
    path = tmp_path / "plan.yaml"
    path.write_text(at.code[0].value)
    run = _cli("scenario", "run", str(path), "--json", "--samples", "200")
    assert run.returncode == 0, run.stderr
    opt = json.loads(run.stdout)["options"][0]
    assert opt["replicas"] == best["replicas"] and opt["unmet"] == []
    assert opt["usd_month"] == pytest.approx(best["usd_per_hour"] * HOURS_PER_MONTH, rel=REL)
    assert len(at.get("plotly_chart")) == 2


def test_limits_nothing_meets_say_why_without_an_error():
    at = open_page(PAGE, query={**QUERY, "cap_tpot": "0.5"})
    assert_clean(at)
    assert any(w.value == t("cap.none_meets", lang="en") for w in at.warning)
    reasons = next(d.value for d in at.dataframe if t("cap.col.reason", lang="en") in d.value.columns)
    assert len(reasons) >= 2 and reasons[t("cap.col.reason", lang="en")].str.len().min() > 10


def test_chinese_renders_clean():
    at = open_page(PAGE, lang="zh", query=QUERY)
    assert_clean(at)
    assert at.title[0].value == t("cap.title", lang="zh")


def test_a_length_spread_in_the_link_lengthens_the_latency_curve():
    """cap_sigma (the log-normal spread of lengths) reaches the latency chart: the same cheapest
    configuration's p99 end-to-end curve lies higher with the spread than without it."""
    def p99_e2e(at):
        spec = json.loads(at.get("plotly_chart")[-1].proto.spec)
        traces = [tr for tr in spec["data"] if "p99" in tr.get("name", "") and tr.get("y")]
        return [y for tr in traces for y in tr["y"] if y is not None]
    fixed = open_page(PAGE, query=QUERY)
    spread = open_page(PAGE, query={**QUERY, "cap_sigma": "0.8"})
    assert_clean(fixed)
    assert_clean(spread)
    assert next(s.value for s in spread.slider if s.key == "cap_sigma") == pytest.approx(0.8)
    assert max(p99_e2e(spread)) > max(p99_e2e(fixed))
