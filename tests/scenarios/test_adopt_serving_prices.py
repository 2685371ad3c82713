"""Compression, cold-start routing and labelled data priced in a scenario
(scenarios.business.adopt.serving): each quantity with its unit, the replica arithmetic behind the
$ change at a volume that needs many rented GPUs (the replicas counted by hand from the engine's
capacity band), which targets are priced (a phone is the user's), the gap rule's clipping, and the
refusal of each bad measurement with its message."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenarios.business.adopt.serving import cold_start_routing, compression, labelled_data
from scenarios.business.economics import evaluate
from scenarios.business.runner import capacities, power_defaults
from scenarios.business.scenario import load_preset
from scenarios.engine.serving import estimate_vision
from scenarios.errors import VentureLabError

DAYS = 365 / 12
T4_MONTH_USD = 0.526 * 730                   # one rented T4 (vision preset) for a month
ORIN = "nvidia-jetson-orin-nano-8gb-super"
COLD = {"cold_share": 0.2, "rmse_cold": 1.0, "rmse_warm": 0.8, "rmse_popularity_cold": 1.2}


def table(adoption) -> dict[str, tuple[float, str]]:
    return {q.name: (q.value, q.unit) for q in adoption.quantities}


def refusal(call) -> str:
    with pytest.raises(VentureLabError) as err:
        call()
    return str(err.value)


def busy_vision(images_per_day: float = 3e9, **changes):
    """The vision preset in fp16 at billions of images a day, served on its rented T4s."""
    s = load_preset("vision")
    fields = {"serving_target": "rented-t4", "weights": "fp16",
              "traffic": {**s.to_dict()["traffic"], "requests_per_day": images_per_day}}
    return s.replace(**{**fields, **changes})


def t4_replicas(rps_per_replica: float, images_per_day: float = 3e9) -> int:
    peak_rps = images_per_day / 86_400 * 1.5                # vision peak factor 1.5
    return math.ceil(peak_rps / (rps_per_replica * 0.6))   # 60 % of a replica's speed at the peak


def test_compression_latency_and_weights_per_target():
    s = busy_vision()
    a = compression(s, flops_kept=0.5, params_kept=0.25, int8=1)
    got = table(a)
    assert list(got) == ["weights_mb_before",
                         "edge-orin-nano.latency_ms_before", "edge-orin-nano.latency_ms_after",
                         "edge-orin-nano.weights_mb_after", "edge-orin-nano.usd_month_change",
                         "rented-t4.latency_ms_before", "rented-t4.latency_ms_after",
                         "rented-t4.weights_mb_after", "rented-t4.usd_month_change"]
    assert got["weights_mb_before"] == (pytest.approx(3.157e6 * 16 / 8 / 1e6), "MB")           # yolov8n in fp16
    assert got["rented-t4.weights_mb_after"] == (pytest.approx(3.157e6 * 0.25 * 8 / 8 / 1e6), "MB")  # int8
    for tid, hw, batch in (("edge-orin-nano", ORIN, 1), ("rented-t4", "nvidia-t4", 32)):
        before = estimate_vision("yolov8n", hw, weights="fp16", batch=batch).latency_ms
        after = estimate_vision("yolov8n", hw, weights="int8", batch=batch, gflops_per_input=8.7 * 0.5).latency_ms
        assert got[f"{tid}.latency_ms_before"] == (before, "ms")
        assert got[f"{tid}.latency_ms_after"] == (after, "ms")
    assert got["edge-orin-nano.usd_month_change"] == (0.0, "USD")      # one box per store either way


def test_compression_without_int8_keeps_the_scenarios_weight_format():
    a = compression(busy_vision(), flops_kept=0.5, params_kept=0.25, int8=0)
    assert a.quantity("rented-t4.weights_mb_after") == pytest.approx(3.157e6 * 0.25 * 16 / 8 / 1e6)
    after = estimate_vision("yolov8n", "nvidia-t4", weights="fp16", batch=32, gflops_per_input=8.7 * 0.5)
    assert a.quantity("rented-t4.latency_ms_after") == after.latency_ms
    assert a.measured == (("flops_kept", 0.5), ("params_kept", 0.25), ("int8", 0.0))


def test_compression_prices_the_replicas_a_faster_model_saves():
    s = busy_vision()
    a = compression(s, flops_kept=0.5, params_kept=0.25, int8=1)
    cap = capacities(s)["rented-t4"]
    mult = a.quantity("rented-t4.latency_ms_before") / a.quantity("rented-t4.latency_ms_after")
    ends = [(t4_replicas(c * mult) - t4_replicas(c)) * T4_MONTH_USD
            for c in (cap.requests_per_s_low, cap.requests_per_s, cap.requests_per_s_high)]
    assert ends[1] < 0                                        # fewer replicas: a saving
    assert a.usd_month.expected == pytest.approx(ends[1])
    assert (a.usd_month.low, a.usd_month.high) == pytest.approx((min(ends), max(ends)))
    assert a.quantity("rented-t4.usd_month_change") == pytest.approx(ends[1])
    assert a.usd_once.as_tuple() == (0.0, 0.0, 0.0)
    assert (a.technique, a.scenario_id) == ("compression", "vision")


def test_a_change_that_misses_the_step_at_the_expected_speed_stays_inside_the_band():
    """At some daily volume the faster model saves more T4s at an end of the engine's speed band than
    at its expected speed (replicas step at whole numbers): the band is then sorted from the ends'
    savings, and the expected figure stays inside it. The volume is searched, not fixed, so a refit
    of the speed factors cannot turn the case into an ordinary one."""
    found = []
    for images_per_day in np.linspace(1.0e8, 4.0e8, 61):
        s = busy_vision(images_per_day)
        a = compression(s, flops_kept=0.5, params_kept=0.25, int8=1)
        cap = capacities(s)["rented-t4"]
        mult = a.quantity("rented-t4.latency_ms_before") / a.quantity("rented-t4.latency_ms_after")
        saved = [t4_replicas(c, images_per_day) - t4_replicas(c * mult, images_per_day)
                 for c in (cap.requests_per_s_low, cap.requests_per_s, cap.requests_per_s_high)]
        if saved[1] < max(saved[0], saved[2]):
            found.append(images_per_day)
            assert a.usd_month.as_tuple() == pytest.approx(
                (-max(saved) * T4_MONTH_USD, -saved[1] * T4_MONTH_USD, -min(saved) * T4_MONTH_USD))
    assert found, "no volume where an end of the band saves more than the expected speed"


def test_compression_on_the_edge_target_saves_only_where_one_box_per_store_is_too_slow():
    """The 400 store boxes carry a small volume at every end of the engine's speed band (no saving);
    at some larger volume they carry the expected peak but not the slow end's, where the faster model
    needs fewer extra boxes. The volume is searched, not fixed, so a refit of the bands cannot turn
    the case into an ordinary one."""
    def change(images_per_day):
        return compression(busy_vision(images_per_day, serving_target="edge-orin-nano"),
                           flops_kept=0.5, params_kept=0.25, int8=1)

    assert change(1e8).usd_month.as_tuple() == (0.0, 0.0, 0.0)
    found = []
    for images_per_day in np.geomspace(1e9, 3e10, 41):
        a = change(images_per_day)
        if a.usd_month.expected == 0.0 == a.usd_month.high and a.usd_month.low < 0:
            found.append(images_per_day)
            assert a.quantity("rented-t4.usd_month_change") < 0     # still shown for the other target
    assert found, "no volume where only the slow end of the band needs more store boxes"


def test_compression_shows_a_phone_target_without_a_cost_to_the_company():
    s = load_preset("vision")
    with_phone = s.replace(targets=s.to_dict()["targets"] + [{"id": "phone", "kind": "phone",
                                                             "hardware": "apple-a17-pro"}])
    got = table(compression(with_phone, flops_kept=0.5, params_kept=0.5, int8=1))
    assert [n for n in got if n.startswith("phone.")] == ["phone.latency_ms_before", "phone.latency_ms_after",
                                                          "phone.weights_mb_after"]
    assert got["phone.latency_ms_before"][0] == estimate_vision("yolov8n", "apple-a17-pro", weights="int8",
                                                                batch=1).latency_ms


def test_compression_states_its_assumptions():
    a = compression(load_preset("vision"), flops_kept=0.5, params_kept=0.5, int8=1)
    assert [(x.name, x.value, x.source) for x in a.assumptions] == [
        ("model", "yolov8n", "scenario vision"),
        ("ratios", "the demo's measured FLOPs and parameter shares, applied to the model",
         "models/compression via the demo"),
        ("latency", "engine vision estimate (roofline, fitted factors)", "scenarios.engine.serving.estimate_vision"),
        ("cost", "replicas sized for the peak hour", "scenarios.business.economics")]
    assert {x.unit for x in a.assumptions} == {""}


def test_compression_refusals_name_the_value_and_what_is_accepted():
    s = load_preset("vision")
    assert refusal(lambda: compression(s, flops_kept=0.5, params_kept=0.5, int8=2)) == \
        "int8: must be 0 or 1 (got 2); accepted: 0, 1"
    assert refusal(lambda: compression(s, flops_kept=0, params_kept=0.5, int8=1)) == \
        "flops_kept: must be above 0 (got 0.0)"
    with pytest.raises(VentureLabError):
        compression(s, flops_kept=0.5, params_kept=0, int8=1)
    assert refusal(lambda: compression(s, flops_kept=1.5, params_kept=0.5, int8=1)).startswith(
        "flops_kept: must be a share between 0 and 1")
    assert refusal(lambda: compression(s, flops_kept=0.5, params_kept=-0.5, int8=1)).startswith(
        "params_kept: must be a share between 0 and 1")
    assert compression(s, flops_kept=1, params_kept=1, int8=0.0).quantity("edge-orin-nano.weights_mb_after") == \
        pytest.approx(3.157)


def test_compression_needs_a_per_input_scenario_with_an_edge_or_phone_target():
    message = "scenario: compression is priced on a per-input scenario with an edge or phone target (got '{}')"
    assert refusal(lambda: compression(load_preset("nlp"), flops_kept=0.5, params_kept=0.5, int8=1)) == \
        message.format("nlp")
    s = load_preset("vision")
    gpu_only = s.replace(targets=s.to_dict()["targets"][1:], serving_target="rented-t4")
    assert refusal(lambda: compression(gpu_only, flops_kept=0.5, params_kept=0.5, int8=1)) == \
        message.format("vision")


def per_request_usd(s) -> float:
    return evaluate(s, capacities(s), power_defaults(s)).unit.cost_per_request_usd


def test_cold_start_routing_every_quantity_with_its_unit():
    s = load_preset("recommendation")
    a = cold_start_routing(s, **COLD)
    r, usd = 900_000 * DAYS, per_request_usd(s)
    gap = (1.2 - 1.0) / (1.2 - 0.8)
    routed = 0.2 * (1 - gap)
    expected = {"requests_per_month": (r, "requests"), "cold_share": (0.2, "share"),
                "cold_gap_closed": (gap, "share"), "routed_share": (routed, "share"),
                "usd_per_request": (usd, "USD"), "rmse_gap_cold_vs_warm": (1.0 - 0.8, "stars")}
    got = table(a)
    assert list(got) == list(expected)
    for name, (value, unit) in expected.items():
        assert got[name] == (pytest.approx(value, rel=1e-12), unit), name
    saving = (1 - routed) * r * usd
    assert a.usd_month.as_tuple() == pytest.approx((-saving, -saving, -saving), rel=1e-12)
    assert a.usd_once.as_tuple() == (0.0, 0.0, 0.0)
    assert (a.technique, a.scenario_id) == ("cold-start-routing", "recommendation")
    assert a.measured == (("cold_share", 0.2), ("rmse_cold", 1.0), ("rmse_warm", 0.8), ("rmse_popularity_cold", 1.2))
    assert [(x.name, x.value, x.unit, x.source) for x in a.assumptions] == [
        ("usd_per_request", usd, "USD", "scenario recommendation, serving target"),
        ("mf_serving", 0.0, "USD", "stated: a dot product per item, negligible next to the model")]


@pytest.mark.parametrize("cold, warm, pop, gap", [
    (1.0, 0.8, 0.8, 0.0),      # popularity no worse than warm MF: nothing to close
    (1.0, 0.8, 0.7, 0.0),      # popularity better than warm MF
    (1.3, 0.8, 1.2, 0.0),      # MF worse than popularity for the cold users: clipped at 0
    (0.7, 0.8, 1.2, 1.0),      # MF better for cold than for warm users: clipped at 1
    (0.8, 0.8, 1.2, 1.0),      # cold users served as well as warm ones
    (1.0, 0.8, 1.0, 0.0),      # cold as bad as popularity
])
def test_cold_start_gap_is_clipped_to_zero_and_one(cold, warm, pop, gap):
    s = load_preset("recommendation")
    a = cold_start_routing(s, cold_share=0.5, rmse_cold=cold, rmse_warm=warm, rmse_popularity_cold=pop)
    assert a.quantity("cold_gap_closed") == pytest.approx(gap)
    assert a.quantity("routed_share") == pytest.approx(0.5 * (1 - gap))
    assert a.usd_month.expected == pytest.approx(-(1 - 0.5 * (1 - gap)) * 900_000 * DAYS * per_request_usd(s))


def test_cold_start_routing_bounds_of_each_measurement():
    s = load_preset("recommendation")
    edge = cold_start_routing(s, cold_share=1, rmse_cold=100, rmse_warm=100, rmse_popularity_cold=100)
    assert edge.quantity("routed_share") == 1.0 and edge.usd_month.expected == 0.0
    for name in ("rmse_cold", "rmse_warm", "rmse_popularity_cold"):
        for bad in (100.5, 0, -1):
            assert refusal(lambda: cold_start_routing(s, **{**COLD, name: bad})).startswith(
                f"{name}: must be a number > 0 and <= 100 (got ")
    assert refusal(lambda: cold_start_routing(s, **{**COLD, "cold_share": 1.2})).startswith(
        "cold_share: must be a share between 0 and 1")


def test_labelled_data_every_quantity_with_its_unit_and_the_labelling_band():
    s = load_preset("customer-service")
    a = labelled_data(s, labelled_examples=2500, accuracy=0.85, baseline_accuracy=0.25)
    r = 400_000 * DAYS
    expected = {"labelled_examples": (2500.0, "examples"), "requests_per_month": (r, "requests"),
                "requests_routed_right_beyond_baseline": ((0.85 - 0.25) * r, "requests"),
                "requests_misrouted": ((1 - 0.85) * r, "requests")}
    got = table(a)
    assert list(got) == list(expected)
    for name, (value, unit) in expected.items():
        assert got[name] == (pytest.approx(value, rel=1e-12), unit), name
    assert a.usd_once.as_tuple() == pytest.approx((2500 * 0.02, 2500 * 0.06, 2500 * 0.10))
    assert a.usd_month.as_tuple() == (0.0, 0.0, 0.0)
    assert (a.technique, a.scenario_id) == ("labelled-data", "customer-service")
    assert a.measured == (("labelled_examples", 2500.0), ("accuracy", 0.85), ("baseline_accuracy", 0.25))
    rows = [(x.name, x.value, x.unit, x.source) for x in a.assumptions]
    assert rows[0][:3] == ("text_label_usd_per_item", "0.06 (0.02-0.1)", "USD per labelled text-classification example")
    assert rows[1] == ("requests", "the scenario's requests a month", "", "scenario customer-service")


def test_labelled_data_refuses_counts_and_shares_out_of_range():
    s = load_preset("customer-service")
    ok = {"labelled_examples": 1000, "accuracy": 0.9, "baseline_accuracy": 0.1}
    assert labelled_data(s, **{**ok, "labelled_examples": 1e9}).usd_once.expected == pytest.approx(0.06e9)
    for bad in (0, 1e9 + 1, math.nan):
        assert refusal(lambda: labelled_data(s, **{**ok, "labelled_examples": bad})).startswith(
            "labelled_examples: must be a number > 0 and <= 1e+09 (got ")
    for name in ("accuracy", "baseline_accuracy"):
        assert refusal(lambda: labelled_data(s, **{**ok, name: 1.01})).startswith(
            f"{name}: must be a share between 0 and 1")
