"""Cheat detection in an online shooter as anomaly detection on player telemetry.

No labelled cheat data ships with any package, so players are generated. What the generator
assumes (tests/models/test_games.py restates it):

* Honest players differ by a latent skill ``s ~ N(0, 1)``: skilled players react faster, hit
  more headshots, flick faster and act more often. Everything else is independent noise around
  typical values for a competitive shooter (reaction about 250 ms, headshot share about 20%,
  a sprint cap of 6.0 m/s enforced by the game).
* Three kinds of cheat, each with its own signature (the patterns anti-cheat teams describe):
  - **bot** (scripted farming accounts): machine-regular action timing (low interval CV),
    very long sessions, repetitive paths (low path entropy), unnaturally steady reactions.
  - **aim-assist** (aimbot / triggerbot): very fast, very steady reactions, high headshot share,
    fast flicks and too-smooth tracking (little micro-correction jitter).
  - **speed hack**: moves above the game's speed cap, triggering many server position corrections.
* ``strength`` in [0, 1] moves a cheater from the honest distribution (0) to the full signature
  (1): subtle cheaters sit inside the honest crowd and are hard to catch, as in practice.

The detector is scikit-learn's IsolationForest (Liu, Ting & Zhou, ICDM 2008), unsupervised:
it never sees a label, as when a studio starts without a labelled history. Moderators can check
only a few accounts a day, so the figure that matters is *precision at the review budget*: of
the k accounts flagged most anomalous, how many cheat.

Example
-------
>>> from models.games import CheatConfig, run_cheat_detection
>>> res = run_cheat_detection(CheatConfig(seed=0))
>>> res.precision_at_budget > 5 * res.cheat_rate   # far better than reviewing at random
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models._config import check_ranges

CHEAT_TYPES = ("bot", "aim-assist", "speed-hack")
LEGIT = "legit"
SPEED_CAP_M_S = 6.0

# Feature name -> unit, in the order of the matrix columns.
FEATURES: dict[str, str] = {
    "reaction_ms": "ms",                 # mean time from target visible to first shot
    "reaction_cv": "ratio",              # std / mean of reaction times
    "headshot_share": "ratio",
    "flick_deg_s": "deg/s",              # peak aim speed when acquiring a target
    "aim_jitter_deg": "deg",             # micro-corrections while tracking (humans wobble)
    "mean_speed_m_s": "m/s",
    "max_speed_m_s": "m/s",
    "corrections_per_min": "1/min",      # server rubber-banding of the player's position
    "actions_per_min": "1/min",
    "action_interval_cv": "ratio",       # std / mean of time between inputs (bots: regular)
    "session_h": "h",
    "path_entropy_bits": "bits",         # variety of routes over the map
}

LOG_COLUMNS = [list(FEATURES).index(f) for f in ("reaction_ms", "flick_deg_s", "aim_jitter_deg", "session_h")]


@dataclass(frozen=True)
class CheatConfig:
    seed: int = 0
    n_players: int = 5000
    cheat_rate: float = 0.02          # share of players who cheat, split evenly over CHEAT_TYPES
    strength: float = 0.6             # 0 = cheaters look honest, 1 = full cheat signature
    review_budget: float = 0.02       # share of players the moderators can review
    n_trees: int = 200

    def validate(self) -> None:
        check_ranges(self, n_players=(500, 50_000), cheat_rate=(0.002, 0.2), strength=(0, 1),
                     review_budget=(0.001, 0.2), n_trees=(10, 1000))


@dataclass(frozen=True)
class CheatResult:
    features: tuple[str, ...]
    X: np.ndarray = field(repr=False)          # (players, features) telemetry
    kind: np.ndarray = field(repr=False)       # (players,) "legit" or a cheat type
    score: np.ndarray = field(repr=False)      # (players,) anomaly score, higher = stranger
    flagged: np.ndarray = field(repr=False)    # (players,) bool: in the top-k reviewed
    reason: np.ndarray = field(repr=False)     # (players,) the feature that deviates most
    k: int = 0
    cheat_rate: float = 0.0                    # realised share of cheaters = random review's precision
    precision_at_budget: float = 0.0
    recall_at_budget: float = 0.0
    zscore_precision_at_budget: float = 0.0    # simple rule baseline: largest |robust z| of any feature
    recall_by_type: dict = field(default_factory=dict)        # cheat type -> recall at budget
    budget_curve: tuple = ()                   # (budget share, precision, recall, zscore precision)
    roc_auc: float = 0.0


def generate_players(cfg: CheatConfig) -> tuple[np.ndarray, np.ndarray]:
    """Telemetry matrix (players, features) and each player's kind; see the module docstring."""
    rng = np.random.default_rng(cfg.seed)
    cols = _honest_telemetry(rng, cfg.n_players)
    kind = np.full(cfg.n_players, LEGIT, dtype=object)
    n_cheat = max(len(CHEAT_TYPES), round(cfg.cheat_rate * cfg.n_players))
    cheaters = rng.choice(cfg.n_players, size=n_cheat, replace=False)
    for i, t in enumerate(CHEAT_TYPES):
        kind[cheaters[i::len(CHEAT_TYPES)]] = t
    _apply_cheats(cols, kind, rng, cfg.strength)
    X = np.column_stack([cols[f] for f in FEATURES])
    return X, kind


def _honest_telemetry(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Every player's telemetry as if they played honestly, driven by a latent skill."""
    s = rng.standard_normal(n)  # latent skill

    def lognorm(median, sigma, shift=0.0):
        return median * np.exp(sigma * rng.standard_normal(n) + shift)

    cols = {
        "reaction_ms": lognorm(250, 0.15, -0.08 * s),
        "reaction_cv": np.clip(rng.normal(0.28, 0.06, n), 0.05, None),
        "headshot_share": 1 / (1 + np.exp(-(-1.4 + 0.35 * s + 0.3 * rng.standard_normal(n)))),
        "flick_deg_s": lognorm(320, 0.25, 0.1 * s),
        "aim_jitter_deg": lognorm(0.8, 0.3),
        "mean_speed_m_s": np.clip(rng.normal(4.2, 0.35, n), 1.0, SPEED_CAP_M_S),
        "corrections_per_min": rng.gamma(2.0, 0.25, n),
        "actions_per_min": np.clip(rng.normal(60 + 10 * s, 12, n), 10, None),
        "action_interval_cv": np.clip(rng.normal(0.9, 0.15, n), 0.2, None),
        "session_h": lognorm(1.5, 0.6),
        "path_entropy_bits": rng.normal(4.5, 0.4, n),
    }
    # The server clamps honest movement at the cap; the max sits just under it.
    cols["max_speed_m_s"] = np.minimum(SPEED_CAP_M_S, cols["mean_speed_m_s"] + rng.gamma(4, 0.35, n))
    return cols


# Where each cheat moves a player's telemetry: (column, draw, p1, p2), the target drawn as
# rng.normal(p1, p2) or rng.uniform(p1, p2); "scale" multiplies the player's own value by a
# uniform(p1, p2) factor (a speed hack speeds up whatever the player's honest pace was).
CHEAT_SIGNATURES = {
    "bot": (("action_interval_cv", "normal", 0.15, 0.04), ("session_h", "uniform", 8, 20),
            ("path_entropy_bits", "normal", 2.2, 0.3), ("reaction_cv", "normal", 0.06, 0.02),
            ("actions_per_min", "normal", 95, 5)),
    "aim-assist": (("reaction_ms", "normal", 150, 15), ("reaction_cv", "normal", 0.08, 0.02),
                   ("headshot_share", "uniform", 0.45, 0.7), ("flick_deg_s", "normal", 900, 120),
                   ("aim_jitter_deg", "normal", 0.15, 0.05)),
    "speed-hack": (("mean_speed_m_s", "scale", 1.3, 1.6), ("max_speed_m_s", "uniform", 7.0, 9.5),
                   ("corrections_per_min", "normal", 5.0, 1.0)),
}


def _apply_cheats(cols: dict[str, np.ndarray], kind: np.ndarray, rng: np.random.Generator, a: float) -> None:
    """Move each cheater's telemetry a share ``a`` (the strength) towards their cheat's signature."""
    for cheat, signature in CHEAT_SIGNATURES.items():
        who = kind == cheat
        n = int(who.sum())
        for name, draw, p1, p2 in signature:
            if draw == "scale":
                target = cols[name][who] * rng.uniform(p1, p2, n)
            else:
                target = getattr(rng, draw)(p1, p2, n)
            cols[name][who] = (1 - a) * cols[name][who] + a * target


def _robust_z(X: np.ndarray) -> np.ndarray:
    """(x - median) / (1.4826 * MAD): a z-score that a few cheaters cannot drag (Rousseeuw & Croux 1993)."""
    med = np.median(X, axis=0)
    mad = 1.4826 * np.median(np.abs(X - med), axis=0) + 1e-12
    return (X - med) / mad


def _precision_recall_at(score: np.ndarray, is_cheat: np.ndarray, k: int) -> tuple[float, float]:
    top = np.argsort(-score, kind="stable")[:k]
    hits = int(is_cheat[top].sum())
    return hits / k, hits / max(int(is_cheat.sum()), 1)


def run_cheat_detection(cfg: CheatConfig = CheatConfig()) -> CheatResult:
    """Generate players, score them with an IsolationForest, and review the top of the list."""
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score

    cfg.validate()
    X, kind = generate_players(cfg)
    is_cheat = kind != LEGIT
    # Multiplicative features are compared on a log scale (a 2x faster reaction is as strange at
    # 100 ms as at 400 ms); counts and ratios stay linear, where a log would turn the honest
    # players with almost no corrections into a long false tail.
    Xl = X.copy()
    Xl[:, LOG_COLUMNS] = np.log(X[:, LOG_COLUMNS])
    forest = IsolationForest(n_estimators=cfg.n_trees, random_state=cfg.seed).fit(Xl)
    score = -forest.score_samples(Xl)  # higher = more anomalous
    z = _robust_z(Xl)
    z_score = np.abs(z).max(axis=1)

    k = max(1, round(cfg.review_budget * cfg.n_players))
    order = np.argsort(-score, kind="stable")
    flagged = np.zeros(len(score), dtype=bool)
    flagged[order[:k]] = True
    precision, recall = _precision_recall_at(score, is_cheat, k)
    z_precision, _ = _precision_recall_at(z_score, is_cheat, k)
    recall_by_type = {t: float((flagged & (kind == t)).sum() / max((kind == t).sum(), 1))
                      for t in CHEAT_TYPES}

    curve = []
    for share in (0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2):
        kk = max(1, round(share * cfg.n_players))
        p, r = _precision_recall_at(score, is_cheat, kk)
        zp, _ = _precision_recall_at(z_score, is_cheat, kk)
        curve.append((share, p, r, zp))

    names = np.array(list(FEATURES))
    return CheatResult(
        features=tuple(FEATURES), X=X, kind=kind.astype(str), score=score, flagged=flagged,
        reason=names[np.abs(z).argmax(axis=1)], k=k, cheat_rate=float(is_cheat.mean()),
        precision_at_budget=precision, recall_at_budget=recall,
        zscore_precision_at_budget=z_precision, recall_by_type=recall_by_type,
        budget_curve=tuple(curve), roc_auc=float(roc_auc_score(is_cheat, score)),
    )
