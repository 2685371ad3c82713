"""data/api_prices.csv after the 2026-12 refresh: every row dated (a real YYYY-MM-DD), sourced by
address, typed provider or secondary, and every API a preset prices is a row of the table with
the same prices and date (batch and cached prices included)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from scenarios.business.scenario import load_preset, preset_ids
from scenarios.engine.prices import load_api_prices

ROOT = Path(__file__).resolve().parents[2]
PRICE_FIELDS = ("usd_per_m_input", "usd_per_m_cached_input", "usd_per_m_output",
                "usd_per_m_batch_input", "usd_per_m_batch_output")


def test_every_row_is_dated_sourced_and_typed():
    with open(ROOT / "data" / "api_prices.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {"usd_per_m_batch_input", "usd_per_m_batch_output"} <= set(rows[0])
    for i, r in enumerate(rows, start=2):
        dt.date.fromisoformat(r["as_of"])                                     # a real date, row i
        assert "https://" in r["source"], f"row {i}: {r['source']!r}"
        assert r["source_type"] in ("provider", "secondary"), f"row {i}"
        assert r["verified"] in ("True", "False"), f"row {i}"
        assert r["verified"] == "False" or r["source_type"] == "provider", f"row {i}: verified needs the provider's page"
    prices = load_api_prices()                                                 # the loader accepts all of it
    assert len(prices) == len(rows)
    assert sum(p.usd_per_m_batch_input is not None for p in prices) >= 20
    for p in prices:                                                           # a batch discount, never a surcharge
        if p.usd_per_m_batch_input is not None:
            assert p.usd_per_m_batch_input <= p.usd_per_m_input and p.usd_per_m_batch_output <= p.usd_per_m_output


@pytest.mark.parametrize("pid", preset_ids())
def test_every_preset_api_price_is_a_row_of_the_table(pid):
    table = {(p.provider, p.model): p for p in load_api_prices()}
    for t in load_preset(pid).targets:
        if t.kind != "api":
            continue
        row = table.get((t.provider, t.api_model))
        assert row is not None, f"{pid}: {t.provider} {t.api_model} is not in data/api_prices.csv"
        for name in PRICE_FIELDS:
            assert getattr(t, name) == getattr(row, name), f"{pid} {t.id}.{name}"
        assert t.as_of == row.as_of and row.source.split(" ")[0] in t.source, f"{pid} {t.id}"
