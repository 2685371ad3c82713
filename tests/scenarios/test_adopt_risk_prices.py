"""Fraud screening and cheat review priced in a scenario (scenarios.business.adopt.risk): every
quantity the adopt panel shows with its unit, each assumption with its value and source, the
measured numbers carried back, the scorer's replica count at a volume one replica cannot serve, and
the refusal of each out-of-range measurement. Figures are worked out by hand from the presets and
data/adoption_assumptions.csv; the scorer's speed comes from the engine's vision estimate."""

from __future__ import annotations

import math

import pytest

from scenarios.business.adopt import price
from scenarios.business.adopt.risk import cheat_review, fraud_screening
from scenarios.business.scenario import load_preset
from scenarios.engine.serving import estimate_vision
from scenarios.errors import VentureLabError

DAYS = 365 / 12
T4_USD_H = 0.526                       # data/hardware.csv, nvidia-t4
FRAUD = {"recall": 0.8, "false_positive_rate": 0.01, "fraud_rate": 0.005, "n_features": 10}
CHEAT = {"review_budget": 0.02, "precision": 0.5, "recall": 0.4, "cheat_rate": 0.03}


def table(adoption) -> dict[str, tuple[float, str]]:
    return {q.name: (q.value, q.unit) for q in adoption.quantities}


def rows(adoption) -> dict[str, tuple[object, str, str]]:
    return {a.name: (a.value, a.unit, a.source) for a in adoption.assumptions}


def refusal(call) -> str:
    with pytest.raises(VentureLabError) as err:
        call()
    return str(err.value)


def test_fraud_screening_shows_every_quantity_with_its_unit():
    a = fraud_screening(load_preset("finance"), **FRAUD)
    n = 60_000 * DAYS
    frauds, caught = 0.005 * n, 0.8 * 0.005 * n
    flagged = caught + 0.01 * (n - frauds)
    latency = estimate_vision("custom", "nvidia-t4", gflops_per_input=1e-6).latency_ms   # 20 FLOPs < the floor
    expected = {
        "transactions_per_month": (n, "transactions"), "frauds_per_month": (frauds, "frauds"),
        "frauds_caught_per_month": (caught, "frauds"), "frauds_missed_per_month": (frauds - caught, "frauds"),
        "reviews_per_month": (flagged, "cases"), "review_usd_month": (flagged * 5 / 60 * 25.57, "USD"),
        "fraud_loss_avoided_usd_month": (caught * 140.5, "USD"),
        "missed_fraud_usd_month": ((frauds - caught) * 140.5, "USD"),
        "scorer_serving_usd_month": (T4_USD_H * 730, "USD"), "scorer_replicas": (1, "replicas"),
        "scorer_latency_ms": (latency, "ms"),
    }
    got = table(a)
    assert list(got) == list(expected)
    for name, (value, unit) in expected.items():
        assert got[name][1] == unit, name
        assert got[name][0] == pytest.approx(value, rel=1e-12), name


def test_fraud_screening_identity_measured_numbers_and_no_one_off_cost():
    a = fraud_screening(load_preset("finance"), recall=1, false_positive_rate=0, fraud_rate=0.25, n_features=3)
    assert (a.technique, a.scenario_id) == ("fraud-screening", "finance")
    assert a.usd_once.as_tuple() == (0.0, 0.0, 0.0)
    assert a.measured == (("recall", 1.0), ("false_positive_rate", 0.0), ("fraud_rate", 0.25), ("n_features", 3.0))
    assert all(isinstance(v, float) for _, v in a.measured)
    n = 60_000 * DAYS
    # perfect recall, no false alarms: exactly the frauds are reviewed and none are missed
    assert a.quantity("reviews_per_month") == pytest.approx(0.25 * n)
    assert a.quantity("frauds_missed_per_month") == 0.0
    assert a.quantity("missed_fraud_usd_month") == 0.0


def test_fraud_screening_band_takes_each_constant_at_its_worst_and_best_end():
    a = fraud_screening(load_preset("finance"), **FRAUD)
    n = 60_000 * DAYS
    caught = 0.8 * 0.005 * n
    flagged = caught + 0.01 * 0.995 * n
    serving = T4_USD_H * 730
    assert a.usd_month.low == pytest.approx(flagged * 5 / 60 * 25.57 + serving - caught * 155, rel=1e-12)
    assert a.usd_month.expected == pytest.approx(flagged * 5 / 60 * 25.57 + serving - caught * 140.5, rel=1e-12)
    assert a.usd_month.high == pytest.approx(flagged * 10 / 60 * 43.96 + serving - caught * 126, rel=1e-12)


def test_fraud_scorer_adds_replicas_when_one_cannot_take_the_peak():
    s = load_preset("finance")
    busy = s.replace(traffic={**s.to_dict()["traffic"], "requests_per_day": 60_000_000})
    a = fraud_screening(busy, **FRAUD)
    est = estimate_vision("custom", "nvidia-t4", gflops_per_input=1e-6)
    peak_rps = 60_000_000 / 86_400 * 4.0                     # finance peak factor 4
    replicas = math.ceil(peak_rps / (est.inputs_per_s * 0.6))  # 60 % of a replica's speed at the peak
    assert replicas > 1
    assert a.quantity("scorer_replicas") == replicas
    assert a.quantity("scorer_serving_usd_month") == pytest.approx(replicas * T4_USD_H * 730)


def test_fraud_scorer_work_is_two_flops_a_feature_above_the_engine_floor():
    s = load_preset("finance")
    wide = fraud_screening(s, **{**FRAUD, "n_features": 100_000})         # 2e5 FLOPs = 2e-4 GFLOPs
    assert wide.quantity("scorer_latency_ms") == estimate_vision(
        "custom", "nvidia-t4", gflops_per_input=2e-4).latency_ms
    assert rows(wide)["scorer_work"][:2] == (200_000.0, "FLOPs per transaction")


def test_fraud_screening_states_each_assumption_with_its_source():
    a = fraud_screening(load_preset("finance"), **FRAUD)
    got = rows(a)
    assert list(got) == ["fraud_loss_usd_per_missed_fraud", "review_minutes_per_case", "fraud_analyst_usd_per_hour",
                         "transactions", "reviewed", "scorer_hardware", "scorer_work"]
    assert got["fraud_loss_usd_per_missed_fraud"][:2] == ("140.5 (126-155)", "USD per fraudulent card-not-present "
                                                                            "transaction")
    assert got["review_minutes_per_case"][0] == "5 (5-10)"
    assert got["fraud_analyst_usd_per_hour"][0] == "25.57 (25.57-43.96)"
    assert got["transactions"] == ("the scenario's requests a month", "transactions", "scenario finance")
    assert got["reviewed"] == ("every flagged transaction", "", "stated: flagged cases go to a person")
    value, unit, source = got["scorer_hardware"]
    assert (value, unit) == ("nvidia-t4", "")
    assert source.startswith("stated; price 0.526 USD/h: ") and len(source) > len("stated; price 0.526 USD/h: ")
    assert got["scorer_work"] == (20.0, "FLOPs per transaction",
                                  "a dot product over the features; the engine charges at least 1e-6 GFLOPs")


@pytest.mark.parametrize("name", ["recall", "false_positive_rate", "fraud_rate"])
@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan, True])
def test_fraud_screening_refuses_a_rate_outside_zero_to_one(name, bad):
    msg = refusal(lambda: fraud_screening(load_preset("finance"), **{**FRAUD, name: bad}))
    assert msg.startswith(f"{name}: must be a share between 0 and 1 (got ")


@pytest.mark.parametrize("bad", [0, -1, 100_001, math.inf])
def test_fraud_screening_refuses_feature_counts_outside_one_to_100000(bad):
    msg = refusal(lambda: fraud_screening(load_preset("finance"), **{**FRAUD, "n_features": bad}))
    assert msg.startswith("n_features: must be a number > 0 and <= 100000 (got ")


def test_fraud_screening_takes_the_ends_of_each_range():
    s = load_preset("finance")
    a = fraud_screening(s, recall=0, false_positive_rate=1, fraud_rate=0, n_features=100_000)
    assert a.quantity("reviews_per_month") == pytest.approx(60_000 * DAYS)       # every transaction flagged
    assert a.quantity("frauds_caught_per_month") == 0.0


def test_cheat_review_shows_every_quantity_with_its_unit():
    a = cheat_review(load_preset("games"), **CHEAT)
    players, reviews = 200_000.0, 0.02 * 200_000
    usd = reviews * 5 / 60 * 25.57
    expected = {
        "players": (players, "monthly active users"), "reviews_per_month": (reviews, "players"),
        "cheaters_per_month": (0.03 * players, "players"), "cheaters_caught_per_month": (0.5 * reviews, "players"),
        "share_of_cheaters_caught": (0.4, "share"), "usd_per_cheater_caught": (usd / (0.5 * reviews), "USD"),
    }
    got = table(a)
    assert list(got) == list(expected)
    for name, (value, unit) in expected.items():
        assert got[name] == (pytest.approx(value, rel=1e-12), unit), name
    assert a.usd_month.as_tuple() == pytest.approx((reviews * 5 / 60 * 18.13, usd, reviews * 10 / 60 * 43.96),
                                                   rel=1e-12)


def test_cheat_review_identity_assumptions_and_measured_numbers():
    a = cheat_review(load_preset("games"), **CHEAT)
    assert (a.technique, a.scenario_id) == ("cheat-review", "games")
    assert a.usd_once.as_tuple() == (0.0, 0.0, 0.0)
    assert a.measured == (("review_budget", 0.02), ("precision", 0.5), ("recall", 0.4), ("cheat_rate", 0.03))
    got = rows(a)
    assert list(got) == ["review_minutes_per_case", "moderator_usd_per_hour", "players", "cadence"]
    assert got["moderator_usd_per_hour"][0] == "25.57 (18.13-43.96)"
    assert "unverified" in got["moderator_usd_per_hour"][2]
    assert got["players"] == ("the scenario's monthly active users", "", "scenario games")
    assert got["cadence"] == ("one review round a month", "", "stated")


def test_cheat_review_with_no_catch_has_no_finite_price_per_cheater():
    a = cheat_review(load_preset("games"), review_budget=0.02, precision=0, recall=0, cheat_rate=0.02)
    assert a.quantity("cheaters_caught_per_month") == 0.0
    assert a.quantity("usd_per_cheater_caught") == math.inf
    none = cheat_review(load_preset("games"), review_budget=0, precision=1, recall=1, cheat_rate=1)
    assert none.usd_month.as_tuple() == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("name", sorted(CHEAT))
@pytest.mark.parametrize("bad", [-0.5, 1.5, "0.5"])
def test_cheat_review_refuses_a_share_outside_zero_to_one(name, bad):
    msg = refusal(lambda: cheat_review(load_preset("games"), **{**CHEAT, name: bad}))
    assert msg.startswith(f"{name}: must be a share between 0 and 1 (got ")


def test_price_routes_to_the_risk_functions():
    assert price("cheat-review", CHEAT, load_preset("games")) == cheat_review(load_preset("games"), **CHEAT)
