"""The assumptions table of the pitch page and the PDF (scenarios.business.assumptions): every
row of a hand-made scenario in English, written out from the templates in data/i18n/pdf.yaml; what
each target kind costs in words; the batch-API note's parts; the Chinese table; short dollars."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from scenarios.business.assumptions import assumption_rows, batch_note, price_date, target_value, usd_short
from scenarios.business.scenario import from_dict, load_preset
from tests.scenarios.conftest import golden_dict

ON = dt.date(2026, 3, 2)                                   # 60 days after the golden API price's date


def golden_with(**changes):
    d = golden_dict()
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(d.get(key), dict):
            d[key] = {**d[key], **value}
        else:
            d[key] = value
    return from_dict(d)


def test_every_row_of_the_golden_scenario_in_english():
    assert assumption_rows(golden_with(), on=ON) == [
        ("Model / weights", "llama-3.1-8b / int4", "model catalog (data/)", ""),
        ("Requests per day", "10,000 (peak x2, growth 0%/month)", "scenario", ""),
        ("Tokens per request", "1000 in / 200 out", "scenario", ""),
        ("Pricing", "$20 per user-month x 1,000 users", "scenario", ""),
        ("Target api", "P m: $0.5/$1.5 per 1M input / output tokens", "test", "as of 2026-01-01 (60 days old)"),
        ("Target rent", "nvidia-h100-sxm: $2/device-hour, batch auto", "", "as of ? (no exact date)"),
        ("Target own", "nvidia-h100-sxm: $30,000 over 36 months, 700 W", "", "as of ? (no exact date)"),
        ("Target phone", "apple-a17-pro: on the user's device", "", ""),
        ("Peak load share / PUE / power", "50% / 1.5 / $0.1 per kWh", "", ""),
        ("Fixed costs / month", "team $30k, compliance $0.00, other $0.00", "scenario", ""),
        ("Cash", "$100k", "scenario", ""),
    ]


def test_per_request_pricing_batch_share_and_fixed_costs_rows():
    s = golden_with(pricing={"model": "per-request", "usd_per_request": 0.05},
                    traffic={"batch_share": 0.3, "monthly_growth": 0.12},
                    fixed_costs={"team_usd_month": 999.4, "compliance_usd_month": 1000, "other_usd_month": 2500},
                    funding={"cash_usd": 2_500_000},
                    operating={"source": "utility bill", "as_of": "2026-02-01"})
    rows = {r[0]: r[1:] for r in assumption_rows(s, on=ON)}
    assert rows["Pricing"] == ("$0.05 per request", "scenario", "")
    assert rows["Requests per day"][0] == "10,000 (peak x2, growth 12%/month)"
    assert rows["Batch API share"] == (batch_note(s), "scenario", "")
    assert rows["Fixed costs / month"] == ("team $999, compliance $1k, other $2.5k", "scenario", "")
    assert rows["Cash"] == ("$2.5M", "scenario", "")
    assert rows["Peak load share / PUE / power"] == ("50% / 1.5 / $0.1 per kWh", "utility bill", "2026-02-01")
    assert list(rows).index("Batch API share") == list(rows).index("Tokens per request") + 1


def test_batch_note_names_each_api_price_and_the_self_hosted_rule():
    d = golden_dict()
    d["traffic"]["batch_share"] = 0.3
    d["targets"].append({"id": "api2", "kind": "api", "provider": "Q", "api_model": "n", "usd_per_m_input": 1.0,
                         "usd_per_m_output": 4.0, "usd_per_m_batch_input": 0.5, "as_of": "2026-01-01",
                         "source": "t"})
    d["targets"].append({"id": "api3", "kind": "api", "provider": "Q", "api_model": "o", "usd_per_m_input": 1.0,
                         "usd_per_m_output": 4.0, "usd_per_m_batch_output": 2.0, "as_of": "2026-01-01",
                         "source": "t"})
    assert batch_note(from_dict(d)) == (
        "30% of requests wait for the provider's batch API; "
        "api publishes no batch price: that share pays its normal price; "
        "api2 pays its batch price $0.5/$4 per 1M input / output tokens for that share; "
        "api3 pays its batch price $1/$2 per 1M input / output tokens for that share; "
        "self-hosted options ignore it (their fleet is sized for the peak hour either way)")
    only_api = dict(d, targets=[t for t in d["targets"] if t["kind"] == "api"], serving_target="api")
    assert batch_note(from_dict(only_api)).endswith("api3 pays its batch price $1/$2 per 1M input / output tokens "
                                                    "for that share")
    assert batch_note(from_dict(d), "zh").startswith("30% 的请求可以等待服务商的批处理 API; api 没有公布批处理价格")


def test_no_batch_note_without_a_batch_share_or_on_a_per_input_workload():
    assert batch_note(golden_with()) is None
    assert all(r[0] != "Batch API share" for r in assumption_rows(golden_with(), on=ON))
    vision = load_preset("vision")
    busy = vision.replace(traffic={**vision.to_dict()["traffic"], "batch_share": 0.5})
    assert batch_note(busy) is None


def test_what_each_target_kind_costs_in_words():
    v = load_preset("vision")
    d = v.to_dict()
    d["targets"][0]["power_w"] = None
    d["targets"] += [{"id": "api-v", "kind": "api", "provider": "R", "api_model": "det", "usd_per_request": 0.001,
                      "as_of": "2026-01-01", "source": "s"},
                     {"id": "phone", "kind": "phone", "hardware": "apple-a17-pro", "as_of": "2025"}]
    s = v.replace(targets=d["targets"])
    words = [target_value(s, t) for t in s.targets]
    assert words == ["nvidia-jetson-orin-nano-8gb-super: $349 over 36 months",        # no power stated: no W
                     "nvidia-t4: $0.526/device-hour, batch 32",
                     "R det: $0.001/request",                                         # a per-input API
                     "apple-a17-pro: on the user's device"]
    assert target_value(v, v.targets[0]) == "nvidia-jetson-orin-nano-8gb-super: $349 over 36 months, 25 W"
    dates = [price_date(t, "en", dt.date(2026, 1, 31)) for t in s.targets]
    assert dates == ["as of 2026 (no exact date)", "as of 2026-09-25 (237 days after today)",
                     "as of 2026-01-01 (30 days old)", "2025"]                        # a phone's date as written
    assert [target_value(s, t, "zh") for t in s.targets][2:] == ["R det：每次请求 $0.001",
                                                                 "apple-a17-pro：在用户自己的设备上运行"]


def test_the_table_in_chinese_has_no_tokens_row_for_a_per_input_scenario():
    rows = assumption_rows(load_preset("vision"), "zh", on=dt.date(2026, 1, 31))
    assert [r[0] for r in rows] == ["模型 / 权重格式", "每日请求数", "定价", "目标 edge-orin-nano", "目标 rented-t4",
                                    "高峰负载占比 / PUE / 电价", "每月固定成本", "现金"]
    assert rows[1] == ("每日请求数", "2,000,000（高峰 ×1.5，每月增长 6%）", "方案", "")
    assert rows[2][1] == "每用户每月 $150 × 400 位用户"
    assert rows[4][1:] == ("nvidia-t4：每设备小时 $0.526，批大小 32",
                           "AWS g4dn.xlarge on-demand (via data/rental_prices.csv)",
                           "价格日期 2026-09-25（晚于今天 237 天）")
    assert rows[6][1] == "团队 $50k，合规 $1k，其他 $4k"
    assert rows[0] == ("模型 / 权重格式", "yolov8n / int8", "模型目录（data/）", "")


def test_the_batch_row_in_chinese():
    s = golden_with(traffic={"batch_share": 0.3})
    rows = {r[0]: r[1:] for r in assumption_rows(s, "zh", on=ON)}
    assert rows["批处理 API 占比"] == (batch_note(s, "zh"), "方案", "")
    assert rows["每次请求 token 数"] == ("输入 1000 / 输出 200", "方案", "")


@pytest.mark.parametrize("usd, text", [(1234, "$1.2k"), (1000, "$1k"), (-2500, "-$2.5k"), (999.4, "$999"),
                                       (-999.4, "-$999"), (9.99, "$9.99"), (0.5, "$0.50"), (None, "n/a"),
                                       (math.nan, "n/a")])
def test_short_dollars_compact_from_a_thousand_whole_from_ten_cents_below(usd, text):
    assert usd_short(usd) == text
