"""Each demo page's "adopt it" panel: the page shows the engine's price of its own measured effect
(scenarios.business.adopt on the page's cached run), and turning the demo's knob moves the price
the way the demo's result says. The Scenarios page applies an adopt= link by the engine's amount.

Expected values come through the same cached runs the page made (AppTest runs in this process),
so no model is trained twice; knobs start from cheap settings where a page trains a network.
"""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.cached import (finance as fin_cached, games as game_cached,
                              medical as med_cached, nlp as nlp_cached, overfitting as ovf_cached,
                              recommendation as rec_cached, speech as spk_cached, training_speed as spd_cached,
                              vision as vis_cached)
from models.fraud import FEATURES, FraudConfig
from models.games import CheatConfig
from models.medical_privacy import DPConfig
from models.overfitting import OverfitConfig
from models.speech import KwsConfig
from models.training_speed import SpeedConfig
from models.vision_robustness import VisionConfig
from scenarios.business.adopt import TECHNIQUES, adopt_value, price
from scenarios.business.scenario import load_preset
from scenarios.units import fmt_usd
from tests.app.conftest import assert_clean, open_page
from tests.app.metrics import metric_value

MONTH, ONCE = "Change in cost a month", "One-off cost of adopting"


def _priced(technique: str, measured: dict):
    return price(technique, measured, load_preset(TECHNIQUES[technique].preset))


def _shows(at, adoption) -> None:
    """The panel's two cards carry the engine's expected figures."""
    assert_clean(at)
    assert metric_value(at, MONTH) == fmt_usd(adoption.usd_month.expected)
    assert metric_value(at, ONCE) == fmt_usd(adoption.usd_once.expected)


def _fraud(cfg: FraudConfig):
    r = fin_cached.run_fraud(cfg)
    m = r.methods["threshold"]
    return _priced("fraud-screening", {"recall": m.recall, "false_positive_rate": m.fp / (m.fp + m.tn),
                                       "fraud_rate": (m.tp + m.fn) / r.n_test, "n_features": len(FEATURES)})


def test_finance_higher_false_alarm_cost_raises_threshold_lowers_reviews_raises_losses():
    at = open_page("dashboard/pages/demo_finance.py")
    at.selectbox(key="fin_cm").set_value("threshold").run()
    low = _fraud(FraudConfig())
    _shows(at, low)
    at.number_input(key="fin_cost_fp").set_value(50.0).run()
    high = _fraud(FraudConfig(cost_false_alarm_usd=50.0))
    _shows(at, high)
    assert high.quantity("review_usd_month") < low.quantity("review_usd_month")
    assert high.quantity("missed_fraud_usd_month") > low.quantity("missed_fraud_usd_month")


def _dp(epochs: int):
    dp = med_cached.run_dp(DPConfig(epsilon=1.0, epochs=epochs))
    plain = med_cached.run_dp(DPConfig(epsilon=math.inf, epochs=epochs))
    return _priced("dp-sgd", {"epochs": epochs, "accuracy_private": dp.accuracy, "accuracy_plain": plain.accuracy})


def test_medical_more_dp_epochs_cost_more_extra_training():
    at = open_page("dashboard/pages/demo_medical.py", query={"med_dp_epochs": "5", "med_rounds": "5"})
    _shows(at, _dp(5))
    at.slider(key="med_dp_epochs").set_value(10).run()
    assert_clean(at)
    more = _dp(10)
    _shows(at, more)
    assert more.usd_once.expected > _dp(5).usd_once.expected > 0


def _adversarial(steps: int):
    r = vis_cached.run_vision(VisionConfig(epochs=2, pgd_steps=steps))
    return _priced("adversarial-resnet-50", {"pgd_steps": steps,
                                             "robust_accuracy_standard": r.recipes["standard"].pgd_accuracy,
                                             "robust_accuracy_adversarial": r.recipes["adversarial"].pgd_accuracy})


def test_vision_more_pgd_steps_cost_more_adversarial_training():
    at = open_page("dashboard/pages/demo_vision.py", query={"vis_epochs": "2", "vis_pgd": "2"})
    _shows(at, _adversarial(2))
    at.slider(key="vis_pgd").set_value(4).run()
    _shows(at, _adversarial(4))
    assert _adversarial(4).usd_once.expected == pytest.approx(2 * _adversarial(2).usd_once.expected)


def _cheat(budget: float):
    r = game_cached.run_cheat(CheatConfig(review_budget=budget))
    return _priced("cheat-review", {"review_budget": budget, "precision": r.precision_at_budget,
                                    "recall": r.recall_at_budget, "cheat_rate": r.cheat_rate})


def test_games_larger_review_budget_costs_more_and_catches_more():
    at = open_page("dashboard/pages/demo_games.py")
    _shows(at, _cheat(0.02))
    at.select_slider(key="game_budget").set_value(5.0).run()
    _shows(at, _cheat(0.05))
    assert _cheat(0.05).usd_month.expected > _cheat(0.02).usd_month.expected
    assert _cheat(0.05).quantity("cheaters_caught_per_month") > _cheat(0.02).quantity("cheaters_caught_per_month")


def _speech(copies: int):
    r = spk_cached.run_kws(KwsConfig(aug_copies=copies, epochs=8))
    return _priced("noise-augmentation", {"copies": copies, "accuracy_plain": r.accuracy_plain[-1],
                                          "accuracy_augmented": r.accuracy_augmented[-1]})


def test_speech_more_noisy_copies_stand_in_for_more_recorded_audio():
    at = open_page("dashboard/pages/demo_speech.py", query={"spk_copies": "1", "spk_epochs": "8"})
    _shows(at, _speech(1))
    at.select_slider(key="spk_copies").set_value(2).run()
    _shows(at, _speech(2))
    assert _speech(2).usd_once.expected < _speech(1).usd_once.expected < 0


def _early(patience: int):
    r = ovf_cached.run_overfitting(OverfitConfig(n_train=50, hidden_units=16, patience=patience))
    v = r.variants
    return _priced("early-stopping", {"epochs_run": v["early_stopping"].epochs_run, "epochs_max": 120,
                                      "accuracy_stopped": v["early_stopping"].test_acc,
                                      "accuracy_full": v["none"].test_acc})


def test_overfitting_more_patience_runs_more_epochs_and_saves_less():
    at = open_page("dashboard/pages/demo_overfitting.py", query={"ovf_n": "50", "ovf_hidden": "16", "ovf_patience": "5"})
    _shows(at, _early(5))
    at.select_slider(key="ovf_patience").set_value(60).run()
    _shows(at, _early(60))
    assert _early(60).quantity("epochs_saved") <= _early(5).quantity("epochs_saved")
    assert _early(60).usd_once.expected >= _early(5).usd_once.expected


def test_training_speed_panel_saves_when_bf16_measured_faster():
    at = open_page("dashboard/pages/demo_training_speed.py", query={"spd_repeats": "2", "spd_steps": "1"})
    res = spd_cached.run_bf16(SpeedConfig(repeats=2, steps=1), 0)
    adoption = _priced("mixed-precision", {"speedup": res.speedup})
    _shows(at, adoption)
    # the direction is the measurement's: a faster bf16 saves money, a slower one costs more
    assert math.copysign(1, adoption.usd_once.expected) == math.copysign(1, 1 - res.speedup)


def test_compression_harder_pruning_lowers_latency_on_the_edge_target():
    at = open_page("dashboard/pages/demo_compression.py", query={"comp_epochs": "5", "comp_hidden": "32"})
    assert_clean(at)
    before = metric_value(at, MONTH)
    edge = [r for r in at.dataframe if "Quantity" in r.value.columns][-1].value
    at.slider(key="comp_prune").set_value(0.9).run()
    assert_clean(at)
    after = [r for r in at.dataframe if "Quantity" in r.value.columns][-1].value

    def latency(frame) -> float:
        row = frame[frame["Quantity"] == "edge-orin-nano: latency after (ms)"]
        return float(row["Value"].iloc[0])

    assert latency(after) < latency(edge)
    assert metric_value(at, MONTH) == before == fmt_usd(0.0)   # one box per store either way (preset)


def test_nlp_training_on_one_language_labels_less_and_routes_worse():
    at = open_page("dashboard/pages/demo_nlp.py", query={"nlp_steps": "50"})
    both = nlp_cached.intent(seed=0, train_langs="both", ngram_max=3, c=10.0)
    a_both = _priced("labelled-data", {"labelled_examples": both.n_train, "accuracy": both.intent.accuracy,
                                       "baseline_accuracy": both.intent.baseline_accuracy})
    _shows(at, a_both)
    at.selectbox(key="nlp_langs").set_value("en").run()
    en = nlp_cached.intent(seed=0, train_langs="en", ngram_max=3, c=10.0)
    a_en = _priced("labelled-data", {"labelled_examples": en.n_train, "accuracy": en.intent.accuracy,
                                     "baseline_accuracy": en.intent.baseline_accuracy})
    _shows(at, a_en)
    assert a_en.usd_once.expected < a_both.usd_once.expected
    assert a_en.quantity("requests_misrouted") > a_both.quantity("requests_misrouted")


def _cold(cold_ratings: int):
    r = rec_cached.recommender(seed=0, density=0.08, noise_std=0.5, factors=4, reg=2.0, cold_ratings=cold_ratings)
    c = r.config
    return _priced("cold-start-routing", {"cold_share": c.cold_users / (c.n_users + c.cold_users),
                                          "rmse_cold": r.rmse_cold, "rmse_warm": r.rmse_warm,
                                          "rmse_popularity_cold": r.rmse_item_mean_cold})


def test_recommendation_more_cold_ratings_route_fewer_users_to_the_large_model():
    at = open_page("dashboard/pages/demo_recommendation.py")
    _shows(at, _cold(2))
    at.slider(key="rec_cold").set_value(10).run()
    _shows(at, _cold(10))
    assert _cold(10).quantity("routed_share") < _cold(2).quantity("routed_share")
    assert _cold(10).usd_month.expected < _cold(2).usd_month.expected < 0


def test_scenario_page_applies_adopt_link_by_the_engine_amount():
    measured = {"recall": 0.8, "false_positive_rate": 0.01, "fraud_rate": 0.005, "n_features": 10}
    at = open_page("dashboard/pages/scenarios_home.py",
                   query={"scn_id": "finance", "adopt": adopt_value("fraud-screening", measured)})
    assert_clean(at)
    from dashboard.cached.scenarios import preset_yaml, run_yaml
    burn = run_yaml(preset_yaml("finance")).result.unit.burn_usd_month
    adoption = _priced("fraud-screening", measured)
    assert metric_value(at, "Monthly burn with") == fmt_usd(burn + adoption.usd_month.expected) != fmt_usd(burn)
    assert any("Applied from the link" in i.value for i in at.info)


def test_the_demo_panels_link_opens_its_scenario_with_the_measured_effect_applied():
    at = open_page("dashboard/pages/demo_games.py")
    link = next(m.value for m in at.markdown if "/scenarios?" in m.value)
    query = parse_qs(urlsplit(link[link.index("(") + 1:link.rindex(")")]).query)
    assert query["scn_id"] == ["games"]
    scn = open_page("dashboard/pages/scenarios_home.py", query={k: v[0] for k, v in query.items()})
    assert_clean(scn)
    from dashboard.cached.scenarios import preset_yaml, run_yaml
    burn = run_yaml(preset_yaml("games")).result.unit.burn_usd_month
    assert metric_value(scn, "Monthly burn with") == fmt_usd(burn + _cheat(0.02).usd_month.expected)


def test_scenario_page_names_a_bad_adopt_value_and_keeps_its_figures():
    at = open_page("dashboard/pages/scenarios_home.py", query={"scn_id": "finance", "adopt": "teleport:x=1"})
    assert_clean(at)
    assert any("adopt" in w.value and "teleport" in w.value for w in at.warning)
    assert not [m for m in at.metric if m.label.startswith("Monthly burn with")]
