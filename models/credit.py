"""Credit scoring with a reason for every decision.

Lenders in most markets must tell a declined applicant the main reasons (US ECOA / Regulation B
"adverse action notices"; EU GDPR Art. 22 and the EU AI Act treat credit scoring as high-risk).
A logistic regression on standardised features gives those reasons exactly: the log-odds of
default is ``intercept + sum_j w_j * z_j``, so ``w_j * z_j`` is feature j's contribution for this
applicant relative to an average applicant (z = 0), and the largest positive contributions are
the reason codes. For a linear model with independent features this equals the SHAP value in
log-odds (Lundberg & Lee 2017, "linear SHAP").

The generator (:func:`make_applicants`) assumes default risk rises with debt-to-income, credit
utilisation, late payments and recent credit inquiries, and falls with income, length of credit
history and years employed, through a known logistic model plus noise, so the fitted
coefficients can be checked against the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models._config import check, check_ranges
from models._threads import single_threaded

FEATURES = ("income_k_usd", "debt_to_income", "credit_utilisation", "late_payments_2y",
            "credit_history_years", "recent_inquiries", "years_employed")
# True effect on the log-odds of default per standard deviation (the generator's assumption;
# signs follow the scorecard literature, e.g. Siddiqi, "Credit Risk Scorecards", 2006).
TRUE_EFFECT = {"income_k_usd": -0.5, "debt_to_income": 0.7, "credit_utilisation": 0.6,
               "late_payments_2y": 0.9, "credit_history_years": -0.5, "recent_inquiries": 0.4,
               "years_employed": -0.3}


@dataclass(frozen=True)
class CreditConfig:
    n_applicants: int = 6_000
    max_default_probability: float = 0.15   # approve when predicted default risk is below this
    applicant: int = 0                       # index into the test applicants
    n_reasons: int = 3                       # reason codes given for a decision
    seed: int = 0

    def validate(self) -> None:
        check_ranges(self, n_applicants=(1_000, 100_000), max_default_probability=(0.01, 0.9))
        n_test = int(self.n_applicants * 0.3)
        check(self, "applicant", 0 <= self.applicant < n_test, f"0..{n_test - 1}",
              problem="must index a test applicant")
        check_ranges(self, n_reasons=(1, len(FEATURES)))


@dataclass(frozen=True)
class CreditResult:
    config: CreditConfig
    roc_auc: float
    accuracy: float
    majority_accuracy: float          # trivial baseline: predict "no default" for all
    default_rate: float
    approval_rate: float              # share of test applicants approved at the threshold
    default_rate_approved: float      # realised defaults among those approved
    coefficients: dict[str, float]    # per standard deviation, log-odds
    applicant_values: dict[str, float]
    contributions: dict[str, float]   # log-odds vs the average applicant, per feature
    intercept: float
    default_probability: float
    approved: bool
    reasons: tuple[str, ...]          # features pushing hardest towards decline, largest first


def make_applicants(n: int, seed: int):
    """(X with columns :data:`FEATURES` in natural units, y with 1 = defaulted)."""
    rng = np.random.default_rng(seed)
    income = rng.lognormal(np.log(55.0), 0.5, n)                 # thousand USD a year
    dti = np.clip(rng.normal(0.30, 0.12, n), 0.0, 0.9)          # debt payments / income
    util = rng.beta(2.0, 3.0, n)                                 # revolving balance / limit
    late = rng.poisson(0.6, n).astype(float)
    history = rng.gamma(3.0, 3.0, n)                             # years
    inquiries = rng.poisson(1.2, n).astype(float)
    employed = rng.gamma(2.0, 2.5, n)
    X = np.column_stack([income, dti, util, late, history, inquiries, employed])
    z = (X - X.mean(0)) / X.std(0)
    w = np.array([TRUE_EFFECT[f] for f in FEATURES])
    logit = -2.3 + z @ w + rng.normal(0, 0.5, n)                 # ~12 % default overall
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def split_indices(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(test, train) row indices: a seeded 30 / 70 shuffle split."""
    idx = np.random.default_rng(seed + 1).permutation(n)
    n_test = int(n * 0.3)
    return idx[:n_test], idx[n_test:]


@single_threaded
def run_credit(cfg: CreditConfig = CreditConfig()) -> CreditResult:
    cfg.validate()
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler

    X, y = make_applicants(cfg.n_applicants, cfg.seed)
    te, tr = split_indices(len(y), cfg.seed)
    scaler = StandardScaler().fit(X[tr])
    model = LogisticRegression(max_iter=1000).fit(scaler.transform(X[tr]), y[tr])
    Zte = scaler.transform(X[te])
    p = model.predict_proba(Zte)[:, 1]
    approve = p < cfg.max_default_probability

    w = model.coef_[0]
    z = Zte[cfg.applicant]
    contrib = {f: float(w[j] * z[j]) for j, f in enumerate(FEATURES)}
    prob = float(p[cfg.applicant])
    approved = bool(prob < cfg.max_default_probability)
    # Reasons explain a decline; for an approval they say what weighed against it most.
    ranked = sorted((f for f in FEATURES if contrib[f] > 0), key=lambda f: -contrib[f])
    return CreditResult(
        config=cfg,
        roc_auc=float(roc_auc_score(y[te], p)),
        accuracy=float(((p >= 0.5).astype(int) == y[te]).mean()),
        majority_accuracy=float(max(y[te].mean(), 1 - y[te].mean())),
        default_rate=float(y.mean()),
        approval_rate=float(approve.mean()),
        default_rate_approved=float(y[te][approve].mean()) if approve.any() else float("nan"),
        coefficients={f: float(w[j]) for j, f in enumerate(FEATURES)},
        applicant_values={f: float(X[te][cfg.applicant, j]) for j, f in enumerate(FEATURES)},
        contributions=contrib, intercept=float(model.intercept_[0]),
        default_probability=prob, approved=approved,
        reasons=tuple(ranked[: cfg.n_reasons]),
    )
