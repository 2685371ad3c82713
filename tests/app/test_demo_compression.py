"""The compression demo page reads its knobs from a link and shows an int8 file a third of the
fp32 one; the engine projection that the page draws follows the variants' measured ratios."""

from __future__ import annotations

import pytest

from dashboard.cached.compression import project_edge
from models.compression import CompressionConfig, run_compression
from scenarios.errors import VentureLabError
from tests.app.conftest import assert_clean, open_page
from tests.app.metrics import metric_value

JETSON = "nvidia-jetson-orin-nano-8gb"


@pytest.fixture(scope="module")
def result():
    return run_compression(CompressionConfig(latency_repeats=10))  # sizes and FLOPs, not speed


def test_compression_page_reads_knobs_from_url():
    at = open_page("dashboard/pages/demo_compression.py", query={"comp_prune": "0.3", "comp_seed": "1"})
    assert_clean(at)
    assert at.slider(key="comp_prune").value == pytest.approx(0.3)
    assert at.number_input(key="comp_seed").value == 1
    size = float(metric_value(at, "int8 file").split()[0])
    assert 0 < size < float(metric_value(at, "fp32 file").split()[0]) / 3
    assert [h.value for h in at.header][:1]  # sections rendered


def test_edge_projection_follows_the_measured_ratios(result):
    proj = project_edge(result, hardware=(JETSON,), reference_model="resnet-50")
    by = {p.variant: p for p in proj}
    assert by["int8"].weights_mb == pytest.approx(by["fp32"].weights_mb / 4)
    assert by["pruned-unstructured"].latency_ms == pytest.approx(by["fp32"].latency_ms)  # dense kernels
    assert by["pruned-structured"].latency_ms < by["fp32"].latency_ms
    assert all(p.latency_ms_low <= p.latency_ms <= p.latency_ms_high for p in proj)


def test_edge_projection_of_the_demo_mlp_sends_its_measured_flops(result):
    proj = project_edge(result, hardware=(JETSON,), reference_model="this-mlp")
    for p in proj:
        assert p.gflops_per_input == result.variant(p.variant).gflops_per_input
        assert p.weights_format == result.variant(p.variant).weights_format


def test_unknown_reference_model_is_refused_naming_the_field(result):
    with pytest.raises(VentureLabError, match="reference_model"):
        project_edge(result, reference_model="gpt-3-175b")
