"""Recommendation under sparsity: matrix factorisation on ratings with a known latent structure.

The generator (:func:`generate_ratings`) is what makes the demo checkable: because every user
and item has a true taste vector, we know the ideal ranking and can say how far a model trained
on a sparse sample of ratings gets from it. What it assumes (also stated in the tests):

* each user u has a taste vector p_u ~ N(0, I/k) and a bias b_u ~ N(0, 0.3^2); each item i has
  q_i ~ N(0, I/k) and a bias b_i ~ N(0, 0.5^2) (items differ in quality more than users in
  leniency); k = ``true_rank`` latent traits;
* the expected rating is 3.5 + b_u + b_i + ``signal_scale`` * p_u . q_i; an observed rating adds
  Gaussian noise (``noise_std``), is rounded to whole stars and clipped to 1..5;
* which ratings are observed is missing-completely-at-random with probability ``density``
  (real catalogues are also popularity-skewed: a known simplification);
* ``cold_users`` extra users are "new": they have rated only ``cold_ratings`` items each.

The model (:class:`MatrixFactorization`) is biased matrix factorisation fitted by alternating
ridge regressions (ALS; Koren, Bell & Volinsky 2009, "Matrix factorization techniques for
recommender systems", IEEE Computer 42(8), eqs. 3-5; Hu, Koren & Volinsky 2008 for ALS).
It is pure numpy, deterministic, and fits a 500 x 300 matrix in a fraction of a second.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from models._config import check, check_ranges
from scenarios.errors import VentureLabError

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class RecommenderConfig:
    """Knobs of the recommendation demo."""

    seed: int = 0
    n_users: int = 400
    n_items: int = 250
    true_rank: int = 4  # latent traits in the generator
    signal_scale: float = 1.5  # how much taste (vs biases) moves a rating, stars
    noise_std: float = 0.5  # rating noise before rounding, stars
    density: float = 0.08  # share of the user x item matrix observed
    cold_users: int = 60  # new users with only a few ratings
    cold_ratings: int = 2  # ratings each new user has given
    factors: int = 4  # model rank
    reg: float = 2.0  # ridge penalty of ALS (per solve, not scaled by ratings)
    iterations: int = 12
    test_fraction: float = 0.2  # share of warm users' ratings held out
    top_k: int = 10
    user_index: int = 0  # the user whose top-k list is shown

    def validate(self) -> None:
        check_ranges(self, n_users=(20, 5000), n_items=(20, 5000), true_rank=(1, 50),
                     signal_scale=(0, 5), noise_std=(0, 3), density=(0.005, 0.9),
                     cold_users=(0, 1000), cold_ratings=(0, 20), factors=(1, 100))
        check(self, "reg", 0 < self.reg <= 100, "(0, 100]")
        check_ranges(self, iterations=(1, 100), test_fraction=(0.05, 0.5), top_k=(1, 50))
        total_users = self.n_users + self.cold_users
        check(self, "user_index", 0 <= self.user_index < total_users, f"0..{total_users - 1}",
              problem="no such user")
        check(self, "cold_ratings", self.cold_ratings < self.n_items, f"0..{self.n_items - 1}",
              problem="must be below the number of items")


@dataclass(frozen=True)
class Ratings:
    """A generated rating set: observed triples split into train/test, plus the ground truth."""

    expected: np.ndarray  # (U, I) true expected rating, stars (no noise, unrounded)
    train: np.ndarray  # (n, 3) user, item, rating
    test_warm: np.ndarray  # (m, 3) held-out ratings of warm users
    test_cold: np.ndarray  # (c, 3) held-out ratings of cold users
    cold_user_ids: np.ndarray  # (C,)


def generate_ratings(config: RecommenderConfig) -> Ratings:
    """Draw a rating matrix with known latent structure (assumptions in the module docstring)."""
    config.validate()
    rng = np.random.default_rng(config.seed)
    U, I, k = config.n_users + config.cold_users, config.n_items, config.true_rank
    P = rng.normal(0, 1 / np.sqrt(k), (U, k))
    Q = rng.normal(0, 1 / np.sqrt(k), (I, k))
    b_u = rng.normal(0, 0.3, U)
    b_i = rng.normal(0, 0.5, I)
    expected = 3.5 + b_u[:, None] + b_i[None, :] + config.signal_scale * P @ Q.T  # (U, I)
    noisy = np.clip(np.rint(expected + rng.normal(0, config.noise_std, (U, I))), 1, 5)

    cold = np.arange(config.n_users, U)
    mask = rng.random((config.n_users, I)) < config.density
    # every warm user has at least 3 ratings, as a live service would require before "warm"
    for u in np.nonzero(mask.sum(1) < 3)[0]:
        mask[u, rng.choice(I, 3, replace=False)] = True
    uu, ii = np.nonzero(mask)
    triples = np.column_stack([uu, ii, noisy[uu, ii]])
    is_test = rng.random(len(triples)) < config.test_fraction
    train, test_warm = triples[~is_test], triples[is_test]

    cold_train, cold_test = [], []
    for u in cold:
        # a new user has rated cold_ratings items; we test on as many other items as a warm
        # user would have rated, so warm and cold errors are measured on comparable samples
        n_test = max(3, int(round(config.density * I)))
        items = rng.permutation(I)[: config.cold_ratings + n_test]
        for pos, i in enumerate(items):
            (cold_train if pos < config.cold_ratings else cold_test).append((u, i, noisy[u, i]))
    if cold_train:
        train = np.vstack([train, np.array(cold_train)])
    test_cold = np.array(cold_test).reshape(-1, 3)
    return Ratings(
        expected=expected, train=train, test_warm=test_warm, test_cold=test_cold, cold_user_ids=cold
    )


class MatrixFactorization:
    """Biased matrix factorisation, r_ui ~ mu + b_u + b_i + p_u . q_i, fitted by ALS.

    Parameters follow the scikit-learn convention: ``__init__`` stores them, ``fit`` learns
    ``mu_``, ``user_bias_``, ``item_bias_``, ``user_factors_``, ``item_factors_``.

    Examples
    --------
    >>> r = np.array([[0, 0, 5.0], [0, 1, 1.0], [1, 0, 4.0]])
    >>> mf = MatrixFactorization(factors=2, iterations=5).fit(r, n_users=2, n_items=2)
    >>> mf.predict(np.array([0]), np.array([0])).shape
    (1,)
    """

    def __init__(self, factors: int = 4, reg: float = 2.0, iterations: int = 12, seed: int = 0):
        self.factors = factors
        self.reg = reg
        self.iterations = iterations
        self.seed = seed

    def fit(self, triples: np.ndarray, n_users: int, n_items: int) -> "MatrixFactorization":
        if triples.ndim != 2 or triples.shape[1] != 3 or len(triples) == 0:
            raise VentureLabError("ratings", "need a non-empty (n, 3) array of user, item, rating")
        rng = np.random.default_rng(self.seed)
        users, items, r = triples[:, 0].astype(int), triples[:, 1].astype(int), triples[:, 2].astype(float)
        self.mu_ = float(r.mean())
        k = self.factors
        # augmented factors: user row = [p_u, b_u, 1], item row = [q_i, 1, b_i], so one ridge
        # solve per row learns the factors and the bias together
        Pu = np.hstack([rng.normal(0, 0.1, (n_users, k)), np.zeros((n_users, 1)), np.ones((n_users, 1))])
        Qi = np.hstack([rng.normal(0, 0.1, (n_items, k)), np.ones((n_items, 1)), np.zeros((n_items, 1))])
        by_user = [np.nonzero(users == u)[0] for u in range(n_users)]
        by_item = [np.nonzero(items == i)[0] for i in range(n_items)]
        resid = r - self.mu_
        free_u, free_i = list(range(k + 1)), list(range(k)) + [k + 1]  # the constant 1 stays fixed
        for _ in range(self.iterations):
            self._solve(Pu, Qi, by_user, items, resid, free_u, fixed_col=k + 1)
            self._solve(Qi, Pu, by_item, users, resid, free_i, fixed_col=k)
        self.user_factors_, self.user_bias_ = Pu[:, :k], Pu[:, k]
        self.item_factors_, self.item_bias_ = Qi[:, :k], Qi[:, k + 1]
        self.n_users_, self.n_items_ = n_users, n_items
        return self

    def _solve(self, rows, other, index, other_ids, resid, free, fixed_col):
        lam = self.reg * np.eye(len(free))
        for row, idx in enumerate(index):
            if len(idx) == 0:
                rows[row, free] = 0.0  # no ratings: factors and bias stay at the prior (zero)
                continue
            X = other[other_ids[idx]]  # (n_r, k+2)
            y = resid[idx] - X[:, fixed_col]  # remove the other side's bias
            A = X[:, free]
            rows[row, free] = np.linalg.solve(A.T @ A + lam, A.T @ y)

    def predict_matrix(self) -> np.ndarray:
        """(U, I) predicted ratings, clipped to the 1..5 star scale."""
        self._check()
        pred = (
            self.mu_
            + self.user_bias_[:, None]
            + self.item_bias_[None, :]
            + self.user_factors_ @ self.item_factors_.T
        )
        return np.clip(pred, 1, 5)

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        self._check()
        pred = (
            self.mu_
            + self.user_bias_[users]
            + self.item_bias_[items]
            + np.einsum("nk,nk->n", self.user_factors_[users], self.item_factors_[items])
        )
        return np.clip(pred, 1, 5)

    def _check(self):
        if not hasattr(self, "mu_"):
            raise VentureLabError("model", "call fit() before predicting")


def _rmse(pred: np.ndarray, true: np.ndarray) -> float:
    return float(np.sqrt(np.mean((pred - true) ** 2))) if len(true) else float("nan")


@dataclass(frozen=True)
class TopKItem:
    item: int
    predicted_rating: float
    true_expected_rating: float
    in_true_top_k: bool


@dataclass(frozen=True)
class RecommenderResult:
    config: RecommenderConfig
    rmse_warm: float  # MF on held-out ratings of warm users, stars
    rmse_cold: float  # MF on held-out ratings of cold-start users
    rmse_global_mean_warm: float  # trivial baseline: predict the mean rating
    rmse_item_mean_warm: float  # popularity baseline: mu + item bias
    rmse_item_mean_cold: float
    n_train_ratings: int
    observed_density: float
    rmse_by_history: tuple[tuple[int, float, int], ...]  # (ratings of the user, RMSE, test ratings)
    user_is_cold: bool
    user_history: int  # ratings the chosen user has given
    top_k: tuple[TopKItem, ...]
    precision_at_k: float  # share of the list in the user's true top-k (unseen items)
    precision_at_k_popularity: float
    mean_precision_at_k: float  # the same, averaged over all warm users
    mean_precision_at_k_popularity: float
    run_time_s: float


def _precision_at_k(
    scores: np.ndarray, truth: np.ndarray, seen: np.ndarray, k: int
) -> tuple[np.ndarray, float]:
    scores = np.where(seen, -np.inf, scores)
    truth = np.where(seen, -np.inf, truth)
    top = np.argsort(-scores, kind="stable")[:k]
    true_top = set(np.argsort(-truth, kind="stable")[:k].tolist())
    return top, len(set(top.tolist()) & true_top) / k


def run_recommender(config: RecommenderConfig = RecommenderConfig()) -> RecommenderResult:
    """Generate ratings, fit MF and the baselines, measure warm and cold error and a top-k list."""
    config.validate()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # thousands of tiny solves: BLAS threads only add waiting
        return _run_recommender(config)


def _popularity_offsets(train: np.ndarray, mu: float, n_items: int) -> np.ndarray:
    """Popularity baseline: each item's mean offset from the global mean, shrunk by 5 pseudo-ratings
    towards the mean (what a shop shows a stranger)."""
    item_sum = np.bincount(train[:, 1].astype(int), weights=train[:, 2] - mu, minlength=n_items)
    item_cnt = np.bincount(train[:, 1].astype(int), minlength=n_items)
    return item_sum / (item_cnt + 5.0)


def _rmse_by_history(mf, data, history: np.ndarray) -> tuple:
    """(ratings given from, RMSE, test ratings) per band of user history: the cold-start curve."""
    all_test = np.vstack([data.test_warm, data.test_cold]) if len(data.test_cold) else data.test_warm
    tu = all_test[:, 0].astype(int)
    pred_all = mf.predict(tu, all_test[:, 1].astype(int))
    edges = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 10**9]
    by_hist = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (history[tu] >= lo) & (history[tu] < hi)
        if sel.sum() >= 5:
            by_hist.append((lo, _rmse(pred_all[sel], all_test[sel, 2]), int(sel.sum())))
    return tuple(by_hist)


def _top_k_for_user(mf, data, seen_m: np.ndarray, item_off: np.ndarray, config: RecommenderConfig):
    """The chosen user's top-k list, its precision, and the popularity list's precision."""
    u = config.user_index
    seen = seen_m[u]
    scores = mf.predict_matrix()[u]
    top, prec = _precision_at_k(scores, data.expected[u], seen, config.top_k)
    _, prec_pop = _precision_at_k(mf.mu_ + item_off, data.expected[u], seen, config.top_k)
    true_top = set(
        np.argsort(-np.where(seen, -np.inf, data.expected[u]), kind="stable")[: config.top_k].tolist()
    )
    items = tuple(
        TopKItem(int(i), float(scores[i]), float(data.expected[u, i]), int(i) in true_top) for i in top
    )
    return items, prec, prec_pop


def _mean_precisions(mf, data, seen_m: np.ndarray, item_off: np.ndarray, config: RecommenderConfig):
    """Precision at k averaged over the existing users: the model's and the popularity list's."""
    pred = mf.predict_matrix()
    precs = [
        (
            _precision_at_k(pred[w], data.expected[w], seen_m[w], config.top_k)[1],
            _precision_at_k(mf.mu_ + item_off, data.expected[w], seen_m[w], config.top_k)[1],
        )
        for w in range(config.n_users)
    ]
    return float(np.mean([p for p, _ in precs])), float(np.mean([q for _, q in precs]))


def _run_recommender(config: RecommenderConfig) -> RecommenderResult:
    t0 = time.perf_counter()
    data = generate_ratings(config)
    U, I = config.n_users + config.cold_users, config.n_items
    mf = MatrixFactorization(config.factors, config.reg, config.iterations, config.seed).fit(data.train, U, I)
    users_w, items_w, r_w = (data.test_warm[:, 0].astype(int), data.test_warm[:, 1].astype(int),
                             data.test_warm[:, 2])
    users_c, items_c, r_c = (data.test_cold[:, 0].astype(int), data.test_cold[:, 1].astype(int),
                             data.test_cold[:, 2])
    item_off = _popularity_offsets(data.train, mf.mu_, I)
    history = np.bincount(data.train[:, 0].astype(int), minlength=U)
    seen_m = np.zeros((U, I), dtype=bool)  # (users, items): rated in training
    seen_m[data.train[:, 0].astype(int), data.train[:, 1].astype(int)] = True
    items, prec, prec_pop = _top_k_for_user(mf, data, seen_m, item_off, config)
    mean_prec, mean_prec_pop = _mean_precisions(mf, data, seen_m, item_off, config)
    return RecommenderResult(
        config=config,
        rmse_warm=_rmse(mf.predict(users_w, items_w), r_w),
        rmse_cold=_rmse(mf.predict(users_c, items_c), r_c),
        rmse_global_mean_warm=_rmse(np.full(len(r_w), mf.mu_), r_w),
        rmse_item_mean_warm=_rmse(np.clip(mf.mu_ + item_off[items_w], 1, 5), r_w),
        rmse_item_mean_cold=_rmse(np.clip(mf.mu_ + item_off[items_c], 1, 5), r_c),
        n_train_ratings=len(data.train),
        observed_density=len(data.train) / (U * I),
        rmse_by_history=_rmse_by_history(mf, data, history),
        user_is_cold=bool(config.user_index >= config.n_users),
        user_history=int(history[config.user_index]),
        top_k=items,
        precision_at_k=float(prec),
        precision_at_k_popularity=float(prec_pop),
        mean_precision_at_k=mean_prec,
        mean_precision_at_k_popularity=mean_prec_pop,
        run_time_s=time.perf_counter() - t0,
    )


@dataclass(frozen=True)
class SparsityPoint:
    density: float
    rmse_mf: float
    rmse_item_mean: float
    rmse_global_mean: float
    rmse_oracle: float  # the generator's own expected rating: the noise floor


def sparsity_sweep(
    config: RecommenderConfig = RecommenderConfig(),
    densities: Sequence[float] = (0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.4),
    progress: Progress | None = None,
) -> tuple[SparsityPoint, ...]:
    """Held-out error of MF and the baselines as the observed share of the matrix grows."""
    from dataclasses import replace

    points = []
    for n, d in enumerate(densities):
        cfg = replace(config, density=float(d), user_index=0)
        data = generate_ratings(cfg)
        res = run_recommender(cfg)
        tw = data.test_warm
        oracle = _rmse(np.clip(data.expected[tw[:, 0].astype(int), tw[:, 1].astype(int)], 1, 5), tw[:, 2])
        points.append(
            SparsityPoint(float(d), res.rmse_warm, res.rmse_item_mean_warm, res.rmse_global_mean_warm, oracle)
        )
        if progress:
            progress((n + 1) / len(densities), f"density {d:.0%}")
    return tuple(points)
