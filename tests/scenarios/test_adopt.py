"""scenarios.business.adopt: one hand-computed case per domain (the arithmetic written out below,
constants from data/adoption_assumptions.csv), the band rule, and the adopt= value's parsing."""

from __future__ import annotations

import dataclasses
import math

import pytest

from dashboard.i18n import catalog
from scenarios.business.adopt import TECHNIQUES, adopt_value, parse_adopt, price, sourced
from scenarios.business.economics import evaluate
from scenarios.business.runner import capacities, power_defaults
from scenarios.business.scenario import load_preset
from scenarios.engine import speed
from scenarios.engine.catalog import get_hardware, get_model
from scenarios.engine.serving import estimate_vision
from scenarios.engine.training import TrainingRequest, estimate_training
from scenarios.errors import VentureLabError

DAYS = 365 / 12
H100 = get_hardware("nvidia-h100-sxm")

EXAMPLES = {
    "fraud-screening": {"recall": 0.8, "false_positive_rate": 0.01, "fraud_rate": 0.005, "n_features": 10},
    "dp-sgd": {"epochs": 20, "accuracy_private": 0.9, "accuracy_plain": 0.95},
    "fedavg": {"rounds": 30, "local_epochs": 2, "sites": 5, "accuracy_federated": 0.93, "accuracy_central": 0.95},
    "adversarial-resnet-50": {"pgd_steps": 7, "robust_accuracy_standard": 0.1, "robust_accuracy_adversarial": 0.6},
    "adversarial-vit-b-16": {"pgd_steps": 7, "robust_accuracy_standard": 0.1, "robust_accuracy_adversarial": 0.6},
    "compression": {"flops_kept": 0.5, "params_kept": 0.5, "int8": 1},
    "labelled-data": {"labelled_examples": 1000, "accuracy": 0.9, "baseline_accuracy": 0.1},
    "cold-start-routing": {"cold_share": 0.13, "rmse_cold": 1.0, "rmse_warm": 0.8, "rmse_popularity_cold": 1.1},
    "cheat-review": {"review_budget": 0.02, "precision": 0.5, "recall": 0.5, "cheat_rate": 0.02},
    "noise-augmentation": {"copies": 2, "accuracy_plain": 0.5, "accuracy_augmented": 0.7},
    "early-stopping": {"epochs_run": 40, "epochs_max": 120, "accuracy_stopped": 0.8, "accuracy_full": 0.75},
    "mixed-precision": {"speedup": 2.0},
}


def priced(technique: str):
    return price(technique, EXAMPLES[technique], load_preset(TECHNIQUES[technique].preset))


def test_finance_fraud_screening_by_hand():
    a = priced("fraud-screening")
    n = 60_000 * DAYS                                  # finance preset: 60k transactions a day
    caught, flagged = 0.8 * 0.005 * n, 0.8 * 0.005 * n + 0.01 * (n - 0.005 * n)
    assert flagged == pytest.approx(25_458.75)
    serving = 1 * 0.526 * 730                          # one T4 replica (peak 2.8 scores/s) at 0.526 USD/h
    assert a.quantity("scorer_serving_usd_month") == pytest.approx(serving)
    expected = flagged * 5 / 60 * 25.57 + serving - caught * 140.5
    assert a.usd_month.expected == pytest.approx(expected) == pytest.approx(-971_017.67, abs=0.01)
    assert a.usd_month.low == pytest.approx(flagged * 5 / 60 * 25.57 + serving - caught * 155)
    assert a.usd_month.high == pytest.approx(flagged * 10 / 60 * 43.96 + serving - caught * 126)


def test_games_cheat_review_by_hand():
    a = priced("cheat-review")
    reviews = 0.02 * 200_000                           # games preset: 200k monthly active players
    assert a.quantity("reviews_per_month") == reviews == 4000
    assert a.usd_month.as_tuple() == pytest.approx((reviews * 5 / 60 * 18.13, reviews * 5 / 60 * 25.57,
                                                    reviews * 10 / 60 * 43.96))
    assert a.quantity("cheaters_caught_per_month") == 2000


def test_medical_dp_sgd_by_hand():
    a = priced("dp-sgd")
    one_pass = estimate_training(TrainingRequest("llama-3.3-70b", "nvidia-h100-sxm", 5e7, devices=8, zero_stage=3))
    assert a.usd_once.expected == pytest.approx(20 * one_pass.cost_usd * (2.6 - 1))
    assert a.usd_month.expected == pytest.approx(a.usd_once.expected * 1)       # one retrain a month
    assert a.quantity("accuracy_given_up_pts") == pytest.approx(5.0)


def test_medical_fedavg_moves_weights_not_compute():
    a = priced("fedavg")
    weights_tb = get_model("llama-3.3-70b").params * 2 / 1e12
    assert a.quantity("weights_moved_tb") == pytest.approx(30 * 5 * 2 * weights_tb)
    assert a.usd_once.expected == a.usd_month.expected == 0.0
    assert a.quantity("accuracy_vs_pooled_pts") == pytest.approx(-2.0)


def test_driving_adversarial_resnet_50_by_hand():
    a = priced("adversarial-resnet-50")
    flops = 3 * 8.18e9 * 1_281_167 * 90                # fwd+bwd x GFLOPs x ImageNet x 90 epochs
    mfu = float(speed.mfu_for("nvidia-h100-sxm", 0.025557).mfu[0])
    usd = flops / (H100.peak_tflops_fp16 * 1e12 * mfu) / 3600 * H100.usd_per_hour
    assert a.quantity("plain_training_usd") == pytest.approx(usd)
    assert a.usd_once.expected == pytest.approx(7 * usd)                        # K = 7 extra passes
    assert a.quantity("robust_accuracy_bought_pts") == pytest.approx(50.0)


def test_compression_prices_targets_whose_batch_is_left_to_the_plan():
    """A vision scenario whose targets leave `batch` out (schema 3: `auto`) is priced at the batch
    the scenario itself serves a per-input model at, not refused as "batch must be a number"."""
    preset = load_preset("vision")
    auto = preset.replace(targets=tuple(dataclasses.replace(t, batch="auto") for t in preset.targets))
    a = price("compression", EXAMPLES["compression"], auto)
    assert a.quantity("edge-orin-nano.latency_ms_after") < a.quantity("edge-orin-nano.latency_ms_before")


def test_vision_compression_by_hand():
    a = priced("compression")
    before = estimate_vision("yolov8n", "nvidia-jetson-orin-nano-8gb-super", weights="int8")
    after = estimate_vision("yolov8n", "nvidia-jetson-orin-nano-8gb-super", weights="int8",
                            gflops_per_input=8.7 * 0.5)
    assert a.quantity("edge-orin-nano.latency_ms_after") == pytest.approx(after.latency_ms)
    assert a.quantity("edge-orin-nano.latency_ms_after") < before.latency_ms
    assert a.quantity("edge-orin-nano.weights_mb_after") == pytest.approx(3.157e6 * 0.5 * 8 / 8 / 1e6)
    assert a.usd_month.expected == 0.0                  # the preset keeps one box per store (min_replicas 400)


def test_customer_service_labelled_data_by_hand():
    a = priced("labelled-data")
    assert a.usd_once.as_tuple() == pytest.approx((20.0, 60.0, 100.0))        # 1000 x 0.02 / 0.06 / 0.10 USD
    assert a.quantity("requests_misrouted") == pytest.approx(0.1 * 400_000 * DAYS)


def test_recommendation_cold_start_routing_by_hand():
    s = load_preset("recommendation")
    a = priced("cold-start-routing")
    per_request = evaluate(s, capacities(s), power_defaults(s)).unit.cost_per_request_usd
    routed = 0.13 * (1 - (1.1 - 1.0) / (1.1 - 0.8))
    assert a.quantity("routed_share") == pytest.approx(routed)
    assert a.usd_month.expected == pytest.approx(-(1 - routed) * 900_000 * DAYS * per_request)


def test_speech_noise_augmentation_by_hand():
    a = priced("noise-augmentation")
    minutes = 2 * 105_829 / 60
    assert a.usd_once.as_tuple() == pytest.approx((-3.0 * minutes, -1.75 * minutes, -0.5 * minutes))
    assert a.quantity("accuracy_gained_pts") == pytest.approx(20.0)


def test_nlp_early_stopping_by_hand():
    a = priced("early-stopping")
    one_pass = estimate_training(TrainingRequest("llama-3.1-8b", "nvidia-h100-sxm", 5e7, devices=8, zero_stage=3))
    assert a.usd_once.expected == pytest.approx(-80 * one_pass.cost_usd)
    assert a.usd_once.high < 0


def test_vision_mixed_precision_by_hand():
    a = priced("mixed-precision")
    mfu = float(speed.mfu_for("nvidia-h100-sxm", 0.003157).mfu[0])
    usd = 3 * 8.7e9 * 118_287 * 100 / (H100.peak_tflops_fp16 * 1e12 * mfu) / 3600 * H100.usd_per_hour
    assert a.usd_once.expected == pytest.approx(-usd / 2)                     # 2x faster: half the run saved
    slower = price("mixed-precision", {"speedup": 0.5}, load_preset("vision"))
    assert slower.usd_once.expected == pytest.approx(usd)                     # 2x slower: one more run


@pytest.mark.parametrize("technique", sorted(TECHNIQUES))
def test_every_technique_prices_its_example_with_sources_and_translated_quantities(technique):
    a = priced(technique)
    assert a.usd_month.low <= a.usd_month.expected <= a.usd_month.high
    assert all(x.source for x in a.assumptions)
    keys = catalog()
    assert [q.name for q in a.quantities if f"adopt.q.{q.name.rpartition('.')[2]}" not in keys] == []
    assert f"adopt.tech.{technique}" in keys and f"adopt.what.{technique}" in keys


def test_adopt_value_round_trips():
    for technique, measured in EXAMPLES.items():
        assert parse_adopt(adopt_value(technique, measured)) == (technique, {k: float(v) for k, v in measured.items()})


@pytest.mark.parametrize("value, field", [
    ("teleport:x=1", "adopt"), ("fraud-screening:recall=high", "adopt.recall"),
    ("fraud-screening:speed=1", "adopt.speed"), ("", "adopt"), ("fraud-screening:recall=nan", "adopt.recall"),
])
def test_bad_adopt_values_name_the_part(value, field):
    with pytest.raises(VentureLabError) as err:
        parse_adopt(value)
    assert err.value.field == field


def test_missing_or_out_of_range_measurements_are_refused():
    with pytest.raises(VentureLabError, match="needs exactly"):
        price("fraud-screening", {"recall": 0.5}, load_preset("finance"))
    with pytest.raises(VentureLabError, match="recall"):
        price("fraud-screening", {**EXAMPLES["fraud-screening"], "recall": 1.5}, load_preset("finance"))
    with pytest.raises(VentureLabError, match="per-input"):
        price("compression", EXAMPLES["compression"], load_preset("nlp"))


def test_every_constant_has_a_source_a_date_field_and_an_ordered_band():
    for row in sourced().values():
        assert row.source and row.unit
        assert row.range.low <= row.range.expected <= row.range.high
        assert row.verified or "assumption" in (row.source + row.note).lower()
    assert math.isclose(sourced()["fraud_loss_usd_per_missed_fraud"].range.expected, (126 + 155) / 2)
