"""The cost charts are valid plotly figures (built here with validation on), have titles and
axis titles with units, and draw the engine's numbers: bars at the expected value, error
bars reaching the low and high ends of the band."""

from __future__ import annotations

import pytest

from dashboard import cost_view
from dashboard.cached.cost import TargetResult
from dashboard.charts import cost as charts
from scenarios.engine import catalog, serving

TARGETS = ("nvidia-h100-sxm", "nvidia-jetson-agx-orin-64gb", "qualcomm-snapdragon-8-gen-3")


@pytest.fixture(autouse=True)
def _validated(monkeypatch):
    monkeypatch.setattr(charts, "VALIDATE", True)


@pytest.fixture(scope="module")
def results():
    out = []
    for hw in TARGETS:
        est = serving.estimate_inference(serving.InferenceRequest(
            model="llama-3.1-8b", hardware=hw, weights="int4", batch=4))
        out.append(TargetResult(hw, catalog.get_hardware(hw), est))
    return out


def _titled(fig):
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text is not None


def test_speed_bars_are_the_engine_figures_with_their_band(results):
    rows = cost_view.chart_rows(results)
    fig = charts.band_bars(rows, [("decode_tokens_per_s", "decode")], "cost.chart.speed_title",
                           "cost.chart.tok_s_axis", "tok/s")
    _titled(fig)
    bar = fig.data[0]
    for i, r in enumerate(results):
        e = r.estimate
        assert bar.x[i] == pytest.approx(e.decode_tokens_per_s)
        assert bar.x[i] + bar.error_x.array[i] == pytest.approx(e.decode_tokens_per_s_high)
        assert bar.x[i] - bar.error_x.arrayminus[i] == pytest.approx(e.decode_tokens_per_s_low)
    assert fig.layout.xaxis.type == "log"


def test_memory_chart_stacks_the_engine_memory_against_capacity(results):
    fig = charts.memory_chart(cost_view.chart_rows(results))
    _titled(fig)
    weights, kv, work, capacity = fig.data
    assert list(weights.x) == pytest.approx([r.estimate.weights_gb for r in results])
    assert list(kv.x) == pytest.approx([r.estimate.kv_cache_gb for r in results])
    # Capacity is the engine's usable memory: what "fits" is judged against (decimal GB, so an
    # "80 GB" H100 holds 85.9; a phone keeps part of its memory for the system).
    assert list(capacity.x) == pytest.approx([r.estimate.usable_memory_gb for r in results])
    assert all(text for text in capacity.text)  # fits / needs N / does not fit


def test_roofline_puts_each_decode_point_on_its_device_roof(results):
    points = cost_view.roofline_points(results)
    fig = charts.roofline_chart(points)
    _titled(fig)
    decode = [d for d in fig.data if d.mode == "markers" and not d.marker.symbol.endswith("-open")]
    prefill = [d for d in fig.data if d.mode == "markers" and d.marker.symbol.endswith("-open")]
    assert len(decode) == len(prefill) == len(results)
    for point, p, r in zip(decode, points, results):
        e, bw_tb_s = r.estimate, r.device.memory_bandwidth_gb_s / 1000
        assert p["eff_bw"] and p["eff_compute"]  # the engine's fitted efficiencies, from its assumptions
        assert point.x[0] == pytest.approx(e.arithmetic_intensity)
        assert point.y[0] == pytest.approx(min(e.ridge_point * bw_tb_s * p["eff_compute"],
                                               bw_tb_s * p["eff_bw"] * e.arithmetic_intensity))
        # The marker says which side of the bend the engine put the step.
        assert point.marker.symbol.startswith("circle") == (e.bound_decode == "bandwidth")
    for point, r in zip(prefill, results):
        assert point.x[0] == pytest.approx(r.estimate.arithmetic_intensity_prefill)


def test_band_line_and_training_memory_chart_are_valid():
    fig = charts.band_line([1, 10, 100], [1.0, 10.0, 100.0], [0.5, 5.0, 50.0], [2.0, 20.0, 200.0],
                           "cost.chart.vs_tokens_title", "cost.chart.tokens_axis", "cost.chart.cost_axis",
                           marker_x=10)
    _titled(fig)
    assert fig.layout.annotations[0].x == pytest.approx(1.0)  # log10(10) on the log axis
    fig = charts.memory_methods_chart([{"label": "LoRA", "memory_gb": 20.0, "fits": True},
                                       {"label": "Full", "memory_gb": 130.0, "fits": False}], 80.0)
    assert fig.layout.shapes[0].x0 == 80.0


def test_short_names_fit_a_phone():
    hw = catalog.get_hardware("qualcomm-snapdragon-8-gen-3")
    assert charts.short_name(hw) == "Snapdragon 8 Gen 3"
    assert all(len(charts.short_name(h)) <= 24 for h in catalog.load_hardware().values())


def test_model_and_device_names_are_unique_so_links_are_unambiguous():
    # Bound selectboxes put the shown name in the URL (Streamlit 1.67); a duplicate name
    # would make a shared link pick the wrong row.
    for records in (catalog.load_models(), catalog.load_hardware()):
        names = [r.name for r in records.values()]
        assert len(names) == len(set(names))
