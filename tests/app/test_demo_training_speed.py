"""The training-speed demo page measures on this CPU and draws the engine's projection; its sweep
runs on demand; and the projection it shows composes the measured model's shape with the engine:
data-parallel speed-up grows with devices, while splitting a 0.1M-parameter model over tensor-
parallel devices only adds communication (a catalog model does gain from it)."""

from __future__ import annotations

import pytest

from dashboard.cached.training_speed import DEMO_MODEL, project_training
from dashboard.navigation import page_by_url
from models.training_speed import SPEED_MODEL
from tests.app.conftest import assert_clean, open_page
from tests.app.metrics import metric_value

SPD = page_by_url("demo-training-speed").path
QUICK = {"spd_batch": "4", "spd_repeats": "2", "spd_steps": "1"}


def test_training_speed_page_measures_and_projects():
    at = open_page(SPD, query=QUICK)
    assert_clean(at)
    assert at.select_slider(key="spd_batch").value == 4
    at.selectbox(key="spd_hw").set_value("nvidia-a100-80gb-sxm").run()
    assert_clean(at)
    assert float(metric_value(at, "Samples per second").replace(",", "")) > 0
    assert len(at.get("plotly_chart")) >= 5


def test_batch_and_thread_sweep_draws_its_chart_and_table():
    at = open_page(SPD, query=QUICK)
    assert_clean(at)
    n = len(at.get("plotly_chart"))
    at.button(key="spd_sweep_btn").click().run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == n + 1
    assert any("samples_per_s_median" in str(df.value.columns.tolist()) for df in at.dataframe)


def test_engine_projection_for_the_demo_model():
    p = project_training(DEMO_MODEL, "nvidia-h100-sxm", (1, 2, 4, 8, 16))
    data = {r.devices: r for r in p.data}
    tensor = {r.devices: r for r in p.tensor}
    assert data[1].speedup == pytest.approx(1.0)
    assert data[2].speedup < data[4].speedup < data[8].speedup   # more devices, more throughput
    assert all(r.efficiency <= 1.0 + 1e-9 for r in p.data)
    assert tensor[8].speedup < 1.0  # splitting a 0.1M-parameter model only adds communication
    assert p.gpu_tokens_per_s > 0 and 0 < p.mfu_used <= 1
    assert p.engine_params == pytest.approx(SPEED_MODEL.n_params, rel=0.05)
    assert p.tokens_per_device_step == 16 * SPEED_MODEL.block_size  # the page's default batch


def test_engine_projection_for_a_catalog_model_favours_tensor_parallel_more():
    p = project_training("llama-3-8b", "nvidia-h100-sxm", (1, 8))
    assert p.tensor[-1].speedup > 1.0


def test_self_check_table_shows_measured_and_predicted_latency_here():
    at = open_page(SPD, query=QUICK)
    assert_clean(at)
    table = next(df.value for df in at.dataframe if "Predicted latency here (ms)" in df.value.columns)
    assert len(table) == 3 and "tabular-mlp (64-256-256-64-1)" in set(table["Model"])
    for col in ("Measured latency here (ms)", "Predicted latency here (ms)"):
        assert all(float(v.replace(",", "")) > 0 for v in table[col])
