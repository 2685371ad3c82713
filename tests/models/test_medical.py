"""Medical demo: the diagnosis model learns; explanations are exact; privacy costs accuracy;
federated averaging approaches centralised training.

Data: scikit-learn's bundled Wisconsin breast-cancer set (real, 569 biopsies). The only
synthetic part is the hospital split, which assumes each hospital's malignant share is drawn
from a Dirichlet(alpha) over hospitals (alpha = 0.3 by default: strongly non-identical sites),
and that feature scaling statistics are shared (a secure aggregate in practice).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.medical import ExplainConfig, run_explain
from models.medical_privacy import DPConfig, FedConfig, partition_non_iid, run_dp, run_fedavg

SEEDS = (0, 1, 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_diagnosis_beats_always_benign_by_25_points(seed):
    r = run_explain(ExplainConfig(seed=seed))
    assert r.majority_accuracy == pytest.approx(0.626, abs=0.01)  # 357 benign / 569
    assert r.accuracy >= r.majority_accuracy + 0.25
    assert r.recall_malignant >= 0.85


@pytest.mark.parametrize("patient", [0, 50, 170])
def test_shap_values_add_up_to_the_patients_score(patient):
    r = run_explain(ExplainConfig(patient=patient))
    total = r.base_log_odds + sum(r.shap_log_odds.values()) + r.shap_other_log_odds
    assert total == pytest.approx(r.patient_log_odds, abs=1e-9)
    assert 1 / (1 + math.exp(-r.patient_log_odds)) == pytest.approx(r.patient_probability)


def test_permutation_importance_finds_features_that_matter():
    r = run_explain(ExplainConfig())
    assert max(r.importance_mean.values()) > 0.005  # shuffling the top feature costs accuracy
    assert list(r.importance_mean.values()) == sorted(r.importance_mean.values(), reverse=True)


@pytest.fixture(scope="module")
def dp_runs():
    return {(s, e): run_dp(DPConfig(seed=s, epsilon=e)) for s in SEEDS for e in (0.1, math.inf)}


@pytest.mark.parametrize("seed", SEEDS)
def test_smaller_epsilon_lowers_accuracy(dp_runs, seed):
    strict, plain = dp_runs[(seed, 0.1)], dp_runs[(seed, math.inf)]
    assert plain.accuracy >= strict.accuracy + 0.03
    assert strict.noise_multiplier > 10 and plain.noise_multiplier == 0
    assert strict.epsilon_spent <= 0.1 * 1.05  # the accountant confirms the budget was met
    assert strict.accuracy >= strict.majority_accuracy + 0.1  # still learns something


def test_dp_run_is_deterministic_for_a_seed():
    assert run_dp(DPConfig(seed=4, epsilon=1.0, epochs=5)) == run_dp(DPConfig(seed=4, epsilon=1.0, epochs=5))


@pytest.mark.parametrize("seed", SEEDS)
def test_federated_accuracy_approaches_centralised_and_beats_hospitals_alone(seed):
    r = run_fedavg(FedConfig(seed=seed))
    assert abs(r.federated_accuracy - r.centralised_accuracy) <= 0.03
    assert r.federated_accuracy > np.mean(r.local_only_accuracy)
    assert r.federated_accuracy >= r.majority_accuracy + 0.25


def test_hospital_split_is_non_identical_and_loses_no_patient():
    rng = np.random.default_rng(0)
    y = np.array([0] * 250 + [1] * 150)
    sites = partition_non_iid(y, 5, 0.3, rng)
    joined = np.sort(np.concatenate(sites))
    assert np.array_equal(joined, np.arange(len(y)))
    shares = [y[s].mean() for s in sites]
    assert max(shares) - min(shares) > 0.4  # alpha = 0.3 makes sites very different
