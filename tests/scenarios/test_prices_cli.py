"""Issue 12's price items through the CLI and scenario files: the batch API share
(traffic.batch_share) priced at the provider's batch price, every price shown with its age
("as of YYYY-MM-DD (N days old)", "STALE" past 180 days), the text report's "does not meet"
lines, and the one-page PDF's labels in Chinese (`scenario pdf FILE --output PATH --lang zh`)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from scenarios import cli
from scenarios.business.scenario import PRESET_DIR
from tests.scenarios.conftest import golden_dict

ROOT = Path(__file__).resolve().parents[2]
TODAY_ENV = "VENTURE_LAB_TODAY"      # scenarios/business/price_age.py: the day prices are aged on
DAYS_PER_MONTH = 365.0 / 12.0


def _write(tmp_path, d: dict, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return str(path)


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(["scenario", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _batch_dict(share: float) -> dict:
    """The golden scenario on its API, with a second API that publishes no batch price."""
    d = golden_dict()
    d["traffic"]["batch_share"] = share
    d["traffic"]["prefix_cache_hit"] = 0.5
    api = d["targets"][0]
    api.update(usd_per_m_cached_input=0.05, usd_per_m_batch_input=0.25, usd_per_m_batch_output=0.75)
    d["targets"].insert(1, {"id": "api-nobatch", "kind": "api", "provider": "Q", "api_model": "n",
                            "usd_per_m_input": 0.5, "usd_per_m_output": 1.5, "as_of": "2026-01-01",
                            "source": "test"})
    d["serving_target"] = "api"
    return d


def test_batch_share_pays_the_batch_price_and_falls_back_where_none(tmp_path, capsys):
    code, out, err = _run(capsys, "run", _write(tmp_path, _batch_dict(0.4)), "--json", "--samples", "200")
    assert code == 0, err
    options = {o["target_id"]: o for o in json.loads(out)["options"]}
    requests_month = 10_000 * DAYS_PER_MONTH
    # 1000 prompt tokens (half cached), 200 output: normal 0.5/0.05 in, 1.5 out; batch 0.25/0.05, 0.75
    normal = (1000 * (0.5 * 0.5 + 0.5 * 0.05) + 200 * 1.5) / 1e6
    batch = (1000 * (0.5 * 0.25 + 0.5 * 0.05) + 200 * 0.75) / 1e6
    assert options["api"]["usd_month"] == pytest.approx(requests_month * (0.6 * normal + 0.4 * batch), rel=1e-12)
    # no batch price and no cached price: the whole prompt and every request at the normal price
    assert options["api-nobatch"]["usd_month"] == pytest.approx(
        requests_month * (1000 * 0.5 + 200 * 1.5) / 1e6, rel=1e-12)
    # self-hosted options ignore the share: same fleet, same cost as with no batch traffic
    code, out0, _ = _run(capsys, "run", _write(tmp_path, _batch_dict(0.0), "zero.yaml"), "--json", "--samples", "200")
    zero = {o["target_id"]: o for o in json.loads(out0)["options"]}
    assert options["rent"]["usd_month"] == zero["rent"]["usd_month"]
    assert options["api"]["usd_month"] < zero["api"]["usd_month"]


def test_the_text_report_says_who_pays_the_batch_price(tmp_path, capsys):
    code, out, err = _run(capsys, "run", _write(tmp_path, _batch_dict(0.4)), "--samples", "200")
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("batch API:"))
    assert "40% of requests wait for the provider's batch API" in line
    assert "api pays its batch price $0.25/$0.75" in line
    assert "api-nobatch publishes no batch price: that share pays its normal price" in line
    assert "self-hosted options ignore it" in line


@pytest.mark.parametrize("bad", [1.5, -0.1, "half"])
def test_a_bad_batch_share_exits_2_naming_the_field(tmp_path, capsys, bad):
    code, _, err = _run(capsys, "validate", _write(tmp_path, _batch_dict(bad)))
    assert code == 2 and err.count("\n") == 1 and "traffic.batch_share" in err


def test_every_price_is_shown_with_its_age(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(TODAY_ENV, "2026-07-01")
    d = golden_dict()
    d["targets"][1].update(as_of="2026-06-21")               # rented GPU: 10 days old
    code, out, err = _run(capsys, "run", _write(tmp_path, d), "--samples", "200")
    assert code == 0, err
    assert "price as of 2026-01-01 (181 days old) STALE: older than 180 days" in out     # the API
    assert "price as of 2026-06-21 (10 days old)\n" in out
    assert "price as of  (no exact date)" not in out
    monkeypatch.setenv(TODAY_ENV, "2026-06-30")               # 180 days: not yet stale
    _, out, _ = _run(capsys, "run", _write(tmp_path, d), "--samples", "200")
    assert "price as of 2026-01-01 (180 days old)\n" in out


def test_the_text_report_lists_what_each_option_does_not_meet(capsys):
    code, out, err = _run(capsys, "run", str(PRESET_DIR / "autonomous-driving.yaml"), "--samples", "200")
    assert code == 0, err
    lines = out.splitlines()
    at = next(i for i, x in enumerate(lines) if x.strip().startswith("rented-l4"))
    assert lines[at + 1].strip() == "does not meet: deployment: on-device"
    edge = next(i for i, x in enumerate(lines) if x.strip().startswith("edge-agx-orin"))
    assert "does not meet" not in lines[edge + 1]


def _pdf_text(path: Path) -> str:
    text = PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()
    return re.sub(r"[\s\x00]+", "", text)


ZH_LABELS = ("每月推理成本", "毛利率", "资金跑道", "自建还是购买：每月成本随用量的变化", "假设", "来源",
             "日期", "每日请求数", "价格日期2026-01-01", "天前")
EN_LABELS = ("Servingcost/month", "Grossmargin", "Runway", "Buildvsbuy:monthlycostagainstvolume",
             "Assumption", "Source", "Date", "Requestsperday", "asof2026-01-01", "daysold")


def test_the_pdf_prints_its_labels_in_chinese_with_lang_zh(tmp_path):
    scenario = _write(tmp_path, golden_dict())
    texts = {}
    for lang in ("zh", "en"):
        out = tmp_path / f"{lang}.pdf"
        proc = subprocess.run([sys.executable, "-m", "scenarios.cli", "scenario", "pdf", scenario,
                               "--output", str(out), "--lang", lang], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, env={**os.environ, TODAY_ENV: "2026-03-01"})
        assert proc.returncode == 0, proc.stderr
        texts[lang] = _pdf_text(out)
    for zh, en in zip(ZH_LABELS, EN_LABELS):
        assert zh in texts["zh"], zh
        assert en in texts["en"] and en not in texts["zh"], en
    from scenarios.business.labels import label

    # the verdict too, in the Pitch page's Chinese sentence (scn.verdict.*) with the run's figures
    verdict = json.loads(subprocess.run([sys.executable, "-m", "scenarios.cli", "scenario", "run", scenario,
                                         "--json", "--samples", "200"], cwd=ROOT, capture_output=True,
                                        text=True, timeout=120).stdout)["verdict"]
    zh = label(f"scn.verdict.{verdict['kind']}", "zh", **{k: str(v) for k, v in verdict["params"].items()})
    assert re.sub(r"\s+", "", zh) in texts["zh"] and re.search(r"[\u4e00-\u9fff]", zh)


def test_an_unknown_pdf_language_exits_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scenarios.cli", "scenario", "pdf", "nlp", "--output",
                           str(tmp_path / "x.pdf"), "--lang", "fr"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and "--lang" in proc.stderr and "'zh'" in proc.stderr
