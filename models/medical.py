"""Diagnosis on real data with explanations a clinician can check.

Data: scikit-learn's bundled Wisconsin breast-cancer set (569 biopsies, 30 measurements of cell
nuclei from a digitised image, labels malignant / benign; Street, Wolberg & Mangasarian 1993).
It ships with scikit-learn, so nothing is downloaded.

Model: logistic regression on standardised features. Explanations:

* global: permutation importance on the test split (how much accuracy drops when one
  measurement is shuffled; Breiman 2001, scikit-learn ``permutation_importance``);
* per patient: exact SHAP values. For a linear model with features treated as independent the
  Shapley value of feature j is ``w_j * (x_j - E[x_j])`` in log-odds (Lundberg & Lee 2017,
  sec. 4 "Linear SHAP"), so the values plus the base value add up exactly to the patient's
  log-odds; no sampling approximation is needed.

The positive class here is *malignant* (scikit-learn codes malignant as 0; we flip it), so a
positive contribution pushes towards a cancer diagnosis.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from models._config import check_ranges
from models._threads import single_threaded


@functools.lru_cache(maxsize=1)
def load_cancer():
    """(X, y with 1 = malignant, feature names) from scikit-learn's bundled copy."""
    from sklearn.datasets import load_breast_cancer

    d = load_breast_cancer()
    return d.data.astype(float), (d.target == 0).astype(int), tuple(str(n) for n in d.feature_names)


def split_scale(seed: int, test_fraction: float = 0.3, data=None):
    """Stratified split and a scaler fitted on the training part only.

    ``data`` is ``(X, y, feature names)`` from the user's upload (models.user_data); ``None``
    means the bundled biopsies.
    """
    from models._split import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y, names = load_cancer() if data is None else data
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=test_fraction, random_state=seed, stratify=y)
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xte), ytr, yte, names, sc


@dataclass(frozen=True)
class ExplainConfig:
    regularisation_c: float = 0.1   # inverse L2 strength; small C keeps weights readable
    patient: int = 0                # index into the test patients
    top_k: int = 8                  # features shown
    seed: int = 0

    def validate(self) -> None:
        check_ranges(self, regularisation_c=(0.001, 100), patient=(0, 170), top_k=(3, 30))


@dataclass(frozen=True)
class ExplainResult:
    config: ExplainConfig
    accuracy: float
    majority_accuracy: float            # trivial baseline: always "benign"
    roc_auc: float
    recall_malignant: float             # sensitivity: the share of cancers caught
    importance_mean: dict[str, float]   # permutation importance, accuracy drop, top_k largest
    importance_std: dict[str, float]
    base_log_odds: float                # E[f(x)] over the training set
    shap_log_odds: dict[str, float]     # this patient, top_k by magnitude
    shap_other_log_odds: float          # the remaining features summed (keeps the sum exact)
    patient_log_odds: float
    patient_probability: float          # predicted probability of malignancy
    patient_label: int                  # the biopsy's true label, 1 = malignant


@single_threaded
def run_explain(cfg: ExplainConfig = ExplainConfig(), data=None) -> ExplainResult:
    """Fit, score and explain; ``data`` as in :func:`split_scale` (the same pipeline either way)."""
    cfg.validate()
    from sklearn.inspection import permutation_importance
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    Xtr, Xte, ytr, yte, names, _ = split_scale(cfg.seed, data=data)
    patient = min(cfg.patient, len(yte) - 1)  # an upload's test split may hold fewer patients
    model = LogisticRegression(C=cfg.regularisation_c, max_iter=2000).fit(Xtr, ytr)
    p = model.predict_proba(Xte)[:, 1]
    pred = (p >= 0.5).astype(int)
    pi = permutation_importance(model, Xte, yte, n_repeats=10, random_state=cfg.seed, scoring="accuracy")
    order = np.argsort(-pi.importances_mean)[: cfg.top_k]

    w, b = model.coef_[0], float(model.intercept_[0])
    mean_tr = Xtr.mean(0)
    x = Xte[patient]
    phi = w * (x - mean_tr)                  # linear SHAP, exact
    base = float(b + w @ mean_tr)
    top = np.argsort(-np.abs(phi))[: cfg.top_k]
    rest = float(phi.sum() - phi[top].sum())
    logit = float(b + w @ x)
    return ExplainResult(
        config=cfg,
        accuracy=float((pred == yte).mean()),
        majority_accuracy=float(max(yte.mean(), 1 - yte.mean())),
        roc_auc=float(roc_auc_score(yte, p)),
        recall_malignant=float(pred[yte == 1].mean()),
        importance_mean={names[j]: float(pi.importances_mean[j]) for j in order},
        importance_std={names[j]: float(pi.importances_std[j]) for j in order},
        base_log_odds=base,
        shap_log_odds={names[j]: float(phi[j]) for j in top},
        shap_other_log_odds=rest,
        patient_log_odds=logit,
        patient_probability=float(1 / (1 + np.exp(-logit))),
        patient_label=int(yte[patient]),
    )
