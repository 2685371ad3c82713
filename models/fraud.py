"""Card-fraud detection on a documented synthetic stream: what class imbalance does to a model,
and what class weights, resampling and threshold tuning each buy back, in recall and in money.

The generator (:func:`make_transactions`) assumes what the fraud literature reports about card
fraud (e.g. the ULB/Worldline credit-card data set, Dal Pozzolo et al. 2015, fraud rate 0.17 %):

* fraud is rare: a fixed share ``fraud_rate`` (0.1-2 %) of transactions, drawn exactly;
* fraudulent transactions are on average larger (log-normal amounts, higher mean), happen more
  at night, further from the cardholder's home, more often card-not-present and at a merchant
  new to the card, and come in bursts (higher count in the last 24 h) on younger accounts;
* every signal overlaps heavily with normal behaviour, so no single feature separates the
  classes and a model must combine them (and still makes mistakes).

Four ways to train the same logistic-regression scorer are compared on one held-out test set:
``baseline`` (plain fit, threshold 0.5), ``class_weights`` (loss re-weighted by inverse class
frequency), ``resampling`` (SMOTE oversampling of the training fraud, imbalanced-learn) and
``threshold`` (the baseline scorer with the threshold that minimises the money lost on a
validation split, for the user's cost per missed fraud and per false alarm).

Example
-------
>>> r = run_fraud(FraudConfig(n_transactions=20_000, seed=1))
>>> r.methods["class_weights"].recall >= r.methods["baseline"].recall
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models._config import check_ranges
from models._threads import single_threaded

METHODS = ("baseline", "class_weights", "resampling", "threshold")
FEATURES = ("log_amount", "night", "log_distance_km", "card_not_present", "new_merchant",
            "tx_last_24h", "account_age_years")


@dataclass(frozen=True)
class FraudConfig:
    n_transactions: int = 40_000     # rows generated; split 50 % train / 20 % validation / 30 % test
    fraud_rate: float = 0.005        # share of fraud, 0.1-2 % (card data sets: 0.1-0.2 %)
    cost_missed_fraud_usd: float = 250.0   # average loss when a fraud goes through (chargeback + fees)
    cost_false_alarm_usd: float = 5.0      # review + customer friction for a blocked good payment
    signal_strength: float = 1.5     # scales how far fraud shifts each feature (1 = heavy overlap)
    seed: int = 0

    def validate(self) -> None:
        check_ranges(self, n_transactions=(5_000, 500_000), fraud_rate=(0.001, 0.02),
                     cost_missed_fraud_usd=(0, float("inf")), cost_false_alarm_usd=(0, float("inf")),
                     signal_strength=(0.2, 3))


@dataclass(frozen=True)
class MethodResult:
    method: str
    threshold: float
    precision: float
    recall: float
    f1: float
    roc_auc: float
    pr_auc: float             # average precision; a random scorer gets ~ the fraud rate
    tn: int
    fp: int
    fn: int
    tp: int
    missed_fraud_usd: float   # fn x cost per missed fraud, on the test set
    false_alarm_usd: float    # fp x cost per false alarm
    total_cost_usd: float

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class FraudResult:
    config: FraudConfig
    methods: dict[str, MethodResult]
    n_test: int
    n_test_fraud: int
    no_model_cost_usd: float          # let everything through: every fraud is missed
    # Baseline scorer on the test set, for the threshold chart: threshold -> metrics.
    thresholds: tuple[float, ...] = field(default=())
    precision_at: tuple[float, ...] = field(default=())
    recall_at: tuple[float, ...] = field(default=())
    cost_at_usd: tuple[float, ...] = field(default=())
    pr_curves: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = field(default_factory=dict)

    def table(self):
        import pandas as pd

        return pd.DataFrame([m.to_dict() for m in self.methods.values()])


def make_transactions(n: int, fraud_rate: float, seed: int, signal_strength: float = 1.0):
    """Synthetic card transactions: (X with columns :data:`FEATURES`, y with 1 = fraud).

    Exactly ``round(n * fraud_rate)`` rows are fraud (at least 10), in random order. Each
    feature is drawn from a normal-behaviour distribution and shifted for fraud by an amount
    times ``signal_strength``; the shifts are modest so that classes overlap (see module doc).
    """
    rng = np.random.default_rng(seed)
    n_fraud = max(10, int(round(n * fraud_rate)))
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, size=n_fraud, replace=False)] = 1
    s = signal_strength
    f = y.astype(float)
    # Amount: log-normal around $40 for normal spend; fraud ~2x larger on average (cash-out).
    log_amount = rng.normal(np.log(40.0) + 0.7 * s * f, 1.0)
    # Night (00-06 h): 15 % of normal transactions, more for fraud.
    night = (rng.random(n) < 0.15 + 0.20 * s * f).astype(float)
    # Distance from home: log-normal, fraud further away.
    log_distance = rng.normal(np.log(10.0) + 1.0 * s * f, 1.2)
    card_not_present = (rng.random(n) < 0.30 + 0.30 * s * f).astype(float)
    new_merchant = (rng.random(n) < 0.20 + 0.25 * s * f).astype(float)
    # Velocity: Poisson count of the card's transactions in the last 24 h, bursts for fraud.
    tx_last_24h = rng.poisson(2.0 + 1.5 * s * f).astype(float)
    # Account age: exponential, fraud skewed to young (often freshly opened or taken-over) accounts.
    account_age = rng.exponential(np.where(y == 1, 4.0 / (1 + s), 4.0))
    X = np.column_stack([log_amount, night, log_distance, card_not_present, new_merchant,
                         np.clip(tx_last_24h, 0, None), account_age])
    return X, y


def _split(n: int, seed: int):
    """Stratification is left to chance on purpose: a real team gets whatever frauds it gets."""
    idx = np.random.default_rng(seed + 10_007).permutation(n)
    a, b = int(0.5 * n), int(0.7 * n)
    return idx[:a], idx[a:b], idx[b:]


def _counts_at(y, p, thresholds):
    """(tp, fp, fn) at each threshold (flag when p >= threshold), vectorised by sorting once."""
    order = np.argsort(-p, kind="stable")
    p_sorted, y_sorted = p[order], y[order]
    tp_cum = np.concatenate([[0], np.cumsum(y_sorted)])
    # number flagged at threshold t = count of p >= t
    flagged = len(p) - np.searchsorted(p_sorted[::-1], thresholds, side="left")
    tp = tp_cum[flagged]
    return tp, flagged - tp, y.sum() - tp


def best_threshold(y_val, p_val, cfg: FraudConfig) -> float:
    """The threshold minimising money lost on the validation split (ties: the higher one)."""
    grid = np.unique(np.concatenate([np.linspace(0.001, 0.999, 500), p_val]))[::-1]
    _, fp, fn = _counts_at(y_val, p_val, grid)
    cost = fn * cfg.cost_missed_fraud_usd + fp * cfg.cost_false_alarm_usd
    return float(grid[int(np.argmin(cost))])  # argmin takes the first, i.e. the highest threshold


def _evaluate(name, y, p, thr, cfg) -> MethodResult:
    from sklearn.metrics import (
        average_precision_score,
        confusion_matrix,
        f1_score,
        precision_score,
        recall_score,
        roc_auc_score,
    )

    pred = (p >= thr).astype(int)
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(y, pred, labels=[0, 1]).ravel())
    return MethodResult(
        method=name, threshold=float(thr),
        precision=float(precision_score(y, pred, zero_division=0)),
        recall=float(recall_score(y, pred, zero_division=0)),
        f1=float(f1_score(y, pred, zero_division=0)),
        roc_auc=float(roc_auc_score(y, p)), pr_auc=float(average_precision_score(y, p)),
        tn=tn, fp=fp, fn=fn, tp=tp,
        missed_fraud_usd=fn * cfg.cost_missed_fraud_usd,
        false_alarm_usd=fp * cfg.cost_false_alarm_usd,
        total_cost_usd=fn * cfg.cost_missed_fraud_usd + fp * cfg.cost_false_alarm_usd,
    )


@single_threaded
def run_fraud(cfg: FraudConfig = FraudConfig(), data=None) -> FraudResult:
    """Generate, train the four variants, evaluate on the test split. Deterministic for a seed.

    ``data`` is ``(X, y with 1 = fraud)`` from the user's upload (models.user_data) in place of
    the generated transactions; the split, models and scoring are the same.
    """
    cfg.validate()
    from imblearn.over_sampling import SMOTE
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import precision_recall_curve
    from sklearn.preprocessing import StandardScaler

    X, y = (make_transactions(cfg.n_transactions, cfg.fraud_rate, cfg.seed, cfg.signal_strength)
            if data is None else data)
    tr, va, te = _split(len(y), cfg.seed)
    scaler = StandardScaler().fit(X[tr])
    Xtr, Xva, Xte = scaler.transform(X[tr]), scaler.transform(X[va]), scaler.transform(X[te])
    ytr, yva, yte = y[tr], y[va], y[te]

    def lr(**kw):
        return LogisticRegression(max_iter=500, **kw)

    base = lr().fit(Xtr, ytr)
    weighted = lr(class_weight="balanced").fit(Xtr, ytr)
    k = max(1, min(5, int(ytr.sum()) - 1))  # SMOTE needs k < number of minority rows
    Xs, ys = SMOTE(k_neighbors=k, random_state=cfg.seed).fit_resample(Xtr, ytr)
    resampled = lr().fit(Xs, ys)

    p_base = base.predict_proba(Xte)[:, 1]
    tuned_thr = best_threshold(yva, base.predict_proba(Xva)[:, 1], cfg)
    scores = {"baseline": (p_base, 0.5),
              "class_weights": (weighted.predict_proba(Xte)[:, 1], 0.5),
              "resampling": (resampled.predict_proba(Xte)[:, 1], 0.5),
              "threshold": (p_base, tuned_thr)}
    methods = {name: _evaluate(name, yte, p, thr, cfg) for name, (p, thr) in scores.items()}

    grid = np.round(np.concatenate([np.geomspace(0.001, 0.05, 25), np.linspace(0.06, 0.95, 30)]), 4)
    tp, fp, fn = _counts_at(yte, p_base, grid)
    prec = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
    rec = tp / max(int(yte.sum()), 1)
    cost = fn * cfg.cost_missed_fraud_usd + fp * cfg.cost_false_alarm_usd
    curves = {}
    for name in ("baseline", "class_weights", "resampling"):
        pr, rc, _ = precision_recall_curve(yte, scores[name][0])
        step = max(1, len(pr) // 300)  # thin for the browser; keep the end point
        curves[name] = (tuple(np.r_[rc[::step], rc[-1]].round(4)), tuple(np.r_[pr[::step], pr[-1]].round(4)))
    return FraudResult(
        config=cfg, methods=methods, n_test=len(yte), n_test_fraud=int(yte.sum()),
        no_model_cost_usd=float(yte.sum() * cfg.cost_missed_fraud_usd),
        thresholds=tuple(float(v) for v in grid), precision_at=tuple(float(v) for v in prec),
        recall_at=tuple(float(v) for v in rec), cost_at_usd=tuple(float(v) for v in cost), pr_curves=curves,
    )
