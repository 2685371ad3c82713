"""Cost explorer, training: the figures shown are the engine's for the inputs on screen,
and home and methodology show live engine figures and the catalogs' provenance."""

from __future__ import annotations

import pytest

from dashboard.ui import fmt_number
from scenarios.engine import catalog, serving, training
from tests.app.conftest import assert_clean, open_page

PAGE = "dashboard/pages/cost_training.py"


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def engine(**kw):
    req = dict(model="llama-3.1-8b", hardware="nvidia-h100-sxm", tokens=1000e9, devices=64,
               zero_stage=1, activation_checkpointing=True)
    req.update(kw)
    return training.estimate_training(training.TrainingRequest(**req))


def assert_shows(at, est):
    assert metric(at, "Accelerator-hours") == f"{fmt_number(est.accelerator_hours)} h"
    assert metric(at, "Wall-clock") == f"{fmt_number(est.wall_clock_days)} days"
    assert metric(at, "Energy") == f"{fmt_number(est.energy_kwh)} kWh"
    assert metric(at, "CO2") == f"{fmt_number(est.co2_kg)} kg"
    assert metric(at, "Memory per device") == f"{fmt_number(est.memory_per_device_gb)} GB"
    if est.cost_usd is not None:
        assert metric(at, "Cost") == f"${fmt_number(est.cost_usd)}"


def test_default_view_shows_the_engine_estimate():
    at = open_page(PAGE)
    assert_clean(at)
    assert_shows(at, engine())


def test_changing_inputs_gives_the_engine_estimate_for_them():
    at = open_page(PAGE)
    at.number_input(key="trn_devices").set_value(256).run()
    at.number_input(key="trn_tokens_b").set_value(15000.0).run()
    at.number_input(key="trn_mfu").set_value(0.3).run()
    at.number_input(key="trn_price").set_value(2.0).run()
    at.selectbox(key="trn_zero").set_value(3).run()
    assert_clean(at)
    assert_shows(at, engine(devices=256, tokens=15000e9, mfu=0.3, price_per_hour=2.0, zero_stage=3))


def test_a_link_reproduces_the_view():
    at = open_page(PAGE, query={"trn_devices": "8", "trn_tokens_b": "10"})
    assert_clean(at)
    assert_shows(at, engine(devices=8, tokens=10e9))


def test_memory_table_lists_zero_stages_and_finetuning_methods_from_the_engine():
    at = open_page(PAGE)
    table = at.dataframe[0].value
    memory = table.iloc[:, 1].tolist()
    expected = [engine(zero_stage=z).memory_per_device_gb for z in (0, 1, 2, 3)]
    expected += [training.finetune_memory("llama-3.1-8b", "nvidia-h100-sxm", method=m, tokens=1000e9).memory_gb
                 for m in ("full", "lora", "qlora")]
    assert memory == pytest.approx(expected)


def test_home_headline_figures_are_the_engines():
    at = open_page("dashboard/pages/home.py")
    assert_clean(at)
    h100 = serving.estimate_inference(serving.InferenceRequest(
        model="llama-3.1-8b", hardware="nvidia-h100-sxm", weights="int4"))
    assert at.metric[0].value == f"{fmt_number(h100.decode_tokens_per_s)} tok/s"
    assert len(at.metric) == 4


def test_methodology_lists_every_hardware_row_with_its_source():
    at = open_page("dashboard/pages/methodology.py", query={"meth_part": "Data sources"})
    assert_clean(at)
    table = at.dataframe[0].value
    assert len(table) == len(catalog.load_hardware())
    assert {"source", "verified"} <= set(table.columns)
    assert table["source"].str.len().min() > 0


def test_methodology_shows_the_calibration_error_table_and_summary():
    import json

    from dashboard.navigation import ROOT

    at = open_page("dashboard/pages/methodology.py", query={"meth_part": "Calibration error"})
    assert_clean(at)
    summary = json.loads((ROOT / "data" / "fitted_factors.json").read_text())["summary"]
    assert at.metric[0].value == f"{summary['loho_median_abs_err_decode_b1_pct']:.1f} %"
    table = at.dataframe[0].value
    assert {"class", "metric", "LOHO median abs err %"} <= set(table.columns)
    assert len(table) >= 3


def test_documents_sit_under_the_page_title():
    from dashboard.cached.cost import demote_headings

    text = "# Title\nbody\n```\n# a shell comment\n```\n## Part"
    assert demote_headings(text, 2).splitlines() == ["### Title", "body", "```", "# a shell comment", "```",
                                                     "#### Part"]
    at = open_page("dashboard/pages/methodology.py")
    assert_clean(at)
    assert not any(line.startswith("# ") for m in at.markdown for line in m.value.splitlines())
