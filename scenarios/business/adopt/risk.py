"""Techniques that move people's work and losses: fraud screening at a threshold (finance) and
anomaly-based cheat review (games). Formulas: docs/adopt.md."""

from __future__ import annotations

import math

from scenarios.business.adopt.base import (
    ZERO,
    Adoption,
    Quantity,
    band,
    check_positive,
    check_share,
    constant,
    sourced,
)
from scenarios.business.economics import HOURS_PER_MONTH, SECONDS_PER_MONTH, requests_per_month
from scenarios.business.scenario import Scenario
from scenarios.engine.assumption import Assumption
from scenarios.engine.catalog import get_hardware
from scenarios.engine.serving import estimate_vision

# The scorer (a linear model over the transaction's features) runs on one rented T4 replica,
# the cheapest datacenter GPU row with a rental price in data/hardware.csv.
SCORER_HARDWARE = "nvidia-t4"
# The engine's smallest per-input work (estimate_vision's floor): a linear scorer's 2 x features
# FLOPs are below it, so the scorer's serving cost is an upper bound.
MIN_SCORER_GFLOPS = 1e-6


def _scorer_usd_month(scenario: Scenario, n_features: float) -> tuple[float, int, float]:
    """Serving cost of the fraud scorer at the scenario's peak: replicas x hourly price x 730 h.
    One score = a dot product over the features (2 FLOPs each) through the engine's roofline."""
    est = estimate_vision("custom", SCORER_HARDWARE, gflops_per_input=max(2.0 * n_features / 1e9, MIN_SCORER_GFLOPS))
    peak_rps = requests_per_month(scenario) / SECONDS_PER_MONTH * scenario.traffic.peak_factor
    usable = est.inputs_per_s * scenario.operating.peak_load_share
    replicas = max(1, math.ceil(peak_rps / usable - 1e-9))
    return replicas * get_hardware(SCORER_HARDWARE).usd_per_hour * HOURS_PER_MONTH, replicas, est.latency_ms


def fraud_screening(scenario: Scenario, *, recall: float, false_positive_rate: float, fraud_rate: float,
                    n_features: float) -> Adoption:
    """Screen every transaction and review the flagged ones by hand, against letting all through.

    ``recall`` and ``false_positive_rate`` are the demo's confusion-matrix rates at the chosen
    threshold, ``fraud_rate`` its share of fraud; the scenario's requests a month are the
    transactions scored. Change in monthly cost = reviews x review cost + scorer serving - fraud
    caught x loss per fraud.
    """
    recall = check_share("recall", recall)
    fpr = check_share("false_positive_rate", false_positive_rate)
    rate = check_share("fraud_rate", fraud_rate)
    n_features = check_positive("n_features", n_features, maximum=100_000)
    n = requests_per_month(scenario)
    frauds = n * rate
    caught, flagged = recall * frauds, recall * frauds + fpr * (n - frauds)
    loss, minutes, wage = (constant(k) for k in ("fraud_loss_usd_per_missed_fraud", "review_minutes_per_case",
                                                 "fraud_analyst_usd_per_hour"))
    serving, replicas, latency_ms = _scorer_usd_month(scenario, n_features)
    review = band(lambda m, w: flagged * m / 60.0 * w, minutes, wage)
    usd_month = band(lambda m, w, l: flagged * m / 60.0 * w + serving - caught * l, minutes, wage, loss)
    q = (Quantity("transactions_per_month", n, "transactions"), Quantity("frauds_per_month", frauds, "frauds"),
         Quantity("frauds_caught_per_month", caught, "frauds"),
         Quantity("frauds_missed_per_month", frauds - caught, "frauds"),
         Quantity("reviews_per_month", flagged, "cases"),
         Quantity("review_usd_month", review.expected, "USD"),
         Quantity("fraud_loss_avoided_usd_month", caught * loss.expected, "USD"),
         Quantity("missed_fraud_usd_month", (frauds - caught) * loss.expected, "USD"),
         Quantity("scorer_serving_usd_month", serving, "USD"),
         Quantity("scorer_replicas", replicas, "replicas"), Quantity("scorer_latency_ms", latency_ms, "ms"))
    hw = get_hardware(SCORER_HARDWARE)
    assumptions = tuple(sourced()[k].assumption() for k in ("fraud_loss_usd_per_missed_fraud",
                                                           "review_minutes_per_case", "fraud_analyst_usd_per_hour"))
    assumptions += (
        Assumption("transactions", "the scenario's requests a month", "transactions", f"scenario {scenario.id}"),
        Assumption("reviewed", "every flagged transaction", "", "stated: flagged cases go to a person"),
        Assumption("scorer_hardware", hw.id, "", f"stated; price {hw.usd_per_hour} USD/h: {hw.price_source}"),
        Assumption("scorer_work", 2.0 * n_features, "FLOPs per transaction", "a dot product over the features; the engine charges at least 1e-6 GFLOPs"))
    measured = (("recall", recall), ("false_positive_rate", fpr), ("fraud_rate", rate), ("n_features", n_features))
    return Adoption("fraud-screening", scenario.id, usd_month, ZERO, q, assumptions, measured)


def cheat_review(scenario: Scenario, *, review_budget: float, precision: float, recall: float,
                 cheat_rate: float) -> Adoption:
    """Review the ``review_budget`` share of players the anomaly detector ranks highest, once a
    month: monthly cost = reviews x review minutes x moderator wage; what it buys is the cheaters
    caught (``precision`` x reviews) out of all cheaters (``cheat_rate`` x players)."""
    budget = check_share("review_budget", review_budget)
    precision = check_share("precision", precision)
    recall = check_share("recall", recall)
    rate = check_share("cheat_rate", cheat_rate)
    players = float(scenario.traffic.monthly_active_users)
    reviews = budget * players
    minutes, wage = constant("review_minutes_per_case"), constant("moderator_usd_per_hour")
    usd_month = band(lambda m, w: reviews * m / 60.0 * w, minutes, wage)
    caught = precision * reviews
    q = (Quantity("players", players, "monthly active users"), Quantity("reviews_per_month", reviews, "players"),
         Quantity("cheaters_per_month", rate * players, "players"),
         Quantity("cheaters_caught_per_month", caught, "players"),
         Quantity("share_of_cheaters_caught", recall, "share"),
         Quantity("usd_per_cheater_caught", usd_month.expected / caught if caught else math.inf, "USD"))
    assumptions = (sourced()["review_minutes_per_case"].assumption(), sourced()["moderator_usd_per_hour"].assumption(),
                   Assumption("players", "the scenario's monthly active users", "", f"scenario {scenario.id}"),
                   Assumption("cadence", "one review round a month", "", "stated"))
    measured = (("review_budget", budget), ("precision", precision), ("recall", recall), ("cheat_rate", rate))
    return Adoption("cheat-review", scenario.id, usd_month, ZERO, q, assumptions, measured)

