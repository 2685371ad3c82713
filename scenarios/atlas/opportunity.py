"""Opportunity scoring: which domain should a startup build for, and how sure is that answer?

Each domain gets a 0-5 score on six criteria (data/opportunity_defaults.yaml: documented
assumptions a founder can overwrite; compute cost per task comes from the cost engine). A
score becomes a 0-1 utility (benefit criteria ``s / 5``, cost criteria ``1 - s / 5``); the
total is the weighted mean of utilities x 100. Impact and feasibility are the same weighted
mean over the criteria on each axis (bubble chart).

Robustness asks how much the ranking depends on the exact weights: weight vectors are drawn
from a Dirichlet distribution centred on the chosen weights, ``alpha = concentration * w +
ALPHA_FLOOR`` (``concentration = 0`` draws uniformly over all weightings), every domain is
scored under every draw at once (one matrix product), and P(top k) is the share of draws in
which the domain ranks in the first k. Ties rank in the table's row order (a stable sort).

Examples
--------
>>> import pandas as pd
>>> crit = (Criterion("pull", "benefit", "impact", 1.0), Criterion("burden", "cost", "feasibility", 1.0))
>>> scores = pd.DataFrame({"pull": [5, 1], "burden": [5, 0]}, index=["a", "b"])
>>> rank_domains(scores, {"pull": 1, "burden": 1}, crit).table["total"].round(1).tolist()
[60.0, 50.0]
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from scenarios.atlas.domains import DATA_DIR, DOMAIN_IDS, _Reader
from scenarios.errors import VentureLabError

SCALE_MAX = 5.0
ALPHA_FLOOR = 0.05           # keeps a zero weight drawable without making alpha invalid (alpha > 0)
MAX_SAMPLES = 200_000        # 200k x 6 weights x 9 domains stays well under 100 MB
DIRECTIONS = ("benefit", "cost")
AXES = ("impact", "feasibility")


@dataclass(frozen=True)
class Criterion:
    """One scoring criterion: benefit (more is better) or cost, and its chart axis."""

    id: str
    direction: str
    axis: str
    weight: float
    name: Mapping[str, str] = field(default_factory=dict)
    note: Mapping[str, str] = field(default_factory=dict)
    from_engine: bool = False


@dataclass(frozen=True)
class OpportunityDefaults:
    criteria: tuple[Criterion, ...]
    scores: pd.DataFrame                       # index = domain ids, columns = hand-scored criteria
    rationale: Mapping[str, Mapping[str, str]]  # domain -> {en, zh}
    fallback_compute_scores: Mapping[str, float]
    usd_at_zero: float
    decades_per_point: float
    source: str

    def default_weights(self) -> dict[str, float]:
        return {c.id: c.weight for c in self.criteria}


@dataclass(frozen=True)
class Ranking:
    """Weighted ranking: one row per domain, best first (total, impact, feasibility on 0-100)."""

    table: pd.DataFrame     # columns: domain, total, impact, feasibility, rank (1 = best)
    weights: Mapping[str, float]


@dataclass(frozen=True)
class Robustness:
    """Share of weight draws in which each domain ranks in the top k (index = domain ids)."""

    p_top_k: pd.Series
    top_k: int
    n_samples: int
    concentration: float
    seed: int


# --- defaults ---------------------------------------------------------------------------

def load_defaults_from(path: Path) -> OpportunityDefaults:
    r, doc = _Reader.document(path)
    crit_raw = r.entries(doc, "criteria", non_empty=True)
    criteria = []
    for i, c in enumerate(crit_raw):
        where = f"criteria[{i}]"
        c = r.mapping(c, where)
        weight = r.field(c, "weight", where)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            r.fail(f"{where}.weight", "must be a number >= 0", got=weight)
        criteria.append(Criterion(
            id=r.text(c, "id", where), direction=r.choice(c, "direction", where, DIRECTIONS),
            axis=r.choice(c, "axis", where, AXES), weight=float(weight),
            name=r.i18n(c, "name", where), note=r.i18n(c, "note", where),
            from_engine=bool(c.get("from_engine", False)),
        ))
    hand = [c.id for c in criteria if not c.from_engine]
    raw_scores = r.mapping(r.field(doc, "scores", "(top level)"), "scores")
    if sorted(raw_scores) != sorted(DOMAIN_IDS):
        r.fail("scores", "must score each of the 9 domain ids", got=sorted(raw_scores), accepted=DOMAIN_IDS)
    rows, rationale = {}, {}
    for d in DOMAIN_IDS:
        entry = r.mapping(raw_scores[d], f"scores.{d}")
        rows[d] = {c: _score(r, entry, c, f"scores.{d}") for c in hand}
        rationale[d] = r.i18n(entry, "rationale", f"scores.{d}")
    fallback = r.mapping(r.field(doc, "fallback_scores", "(top level)"), "fallback_scores")
    scale = r.mapping(r.field(doc, "compute_cost_scale", "(top level)"), "compute_cost_scale")
    return OpportunityDefaults(
        criteria=tuple(criteria),
        scores=pd.DataFrame.from_dict(rows, orient="index")[hand],
        rationale=rationale,
        fallback_compute_scores={d: _score(r, fallback, d, "fallback_scores") for d in DOMAIN_IDS},
        usd_at_zero=float(r.field(scale, "usd_at_zero", "compute_cost_scale")),
        decades_per_point=float(r.field(scale, "decades_per_point", "compute_cost_scale")),
        source=r.text(doc, "source", "(top level)"),
    )


def _score(r: _Reader, entry: dict, key: str, where: str) -> float:
    value = r.field(entry, key, where)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= SCALE_MAX:
        r.fail(f"{where}.{key}", f"must be a number from 0 to {SCALE_MAX:g}", got=value)
    return float(value)


@functools.lru_cache(maxsize=1)
def load_defaults() -> OpportunityDefaults:
    return load_defaults_from(DATA_DIR / "opportunity_defaults.yaml")


def compute_cost_score(usd_per_1k_tasks: float, usd_at_zero: float = 0.001,
                       decades_per_point: float = 1.0) -> float:
    """Map $ per 1,000 tasks to a 0-5 cost score: one point per factor of ten above ``usd_at_zero``.

    >>> compute_cost_score(0.1)
    2.0
    """
    if usd_per_1k_tasks is None or not math.isfinite(usd_per_1k_tasks) or usd_per_1k_tasks < 0:
        raise VentureLabError("usd_per_1k_tasks", "must be a finite number >= 0", got=usd_per_1k_tasks)
    if usd_at_zero <= 0 or decades_per_point <= 0:
        raise VentureLabError("compute_cost_scale", "usd_at_zero and decades_per_point must be > 0",
                              got=(usd_at_zero, decades_per_point))
    if usd_per_1k_tasks == 0:
        return 0.0
    raw = math.log10(usd_per_1k_tasks / usd_at_zero) / decades_per_point
    return float(min(max(raw, 0.0), SCALE_MAX))


# --- scoring ----------------------------------------------------------------------------

def _checked(scores: pd.DataFrame, weights: Mapping[str, float],
             criteria: Sequence[Criterion]) -> tuple[np.ndarray, np.ndarray]:
    """Utilities (domains x criteria, 0-1) and normalised weights, after validation."""
    ids = [c.id for c in criteria]
    missing = [c for c in ids if c not in scores.columns]
    if missing:
        raise VentureLabError("scores", "lack a column for each criterion", got=missing, accepted=ids)
    unknown = sorted(set(weights) - set(ids))
    if unknown:
        raise VentureLabError("weights", "name unknown criteria", got=unknown, accepted=ids)
    if len(scores) == 0:
        raise VentureLabError("scores", "need at least one domain")
    values = scores[ids].to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values < 0).any() or (values > SCALE_MAX).any():
        raise VentureLabError("scores", f"must be numbers from 0 to {SCALE_MAX:g}",
                              got=values[~((values >= 0) & (values <= SCALE_MAX))].tolist()[:5])
    w = np.array([float(weights.get(c, 0.0)) for c in ids])
    if not np.isfinite(w).all() or (w < 0).any():
        raise VentureLabError("weights", "must be numbers >= 0", got=w.tolist())
    if w.sum() <= 0:
        raise VentureLabError("weights", "must not all be zero")
    benefit = np.array([c.direction == "benefit" for c in criteria])
    utilities = np.where(benefit, values / SCALE_MAX, 1.0 - values / SCALE_MAX)
    return utilities, w / w.sum()


def _axis_score(utilities: np.ndarray, w: np.ndarray, mask: np.ndarray) -> np.ndarray:
    if not mask.any() or w[mask].sum() == 0:
        return np.full(utilities.shape[0], np.nan)   # no weight on this axis: not meaningful
    return np.clip(100.0 * utilities[:, mask] @ w[mask] / w[mask].sum(), 0.0, 100.0)


def rank_domains(scores: pd.DataFrame, weights: Mapping[str, float],
                 criteria: Sequence[Criterion]) -> Ranking:
    """Weighted total per domain (0-100), its impact and feasibility, ranked best first."""
    utilities, w = _checked(scores, weights, criteria)
    axes = np.array([c.axis for c in criteria])
    table = pd.DataFrame({
        "domain": list(scores.index),
        # Clipped: a weighted mean of values in [0, 1] can land 1e-14 outside by rounding.
        "total": np.clip(100.0 * utilities @ w, 0.0, 100.0),
        "impact": _axis_score(utilities, w, axes == "impact"),
        "feasibility": _axis_score(utilities, w, axes == "feasibility"),
    })
    table = table.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    return Ranking(table=table, weights={c.id: float(x) for c, x in zip(criteria, w)})


def sample_weights(weights: Mapping[str, float], criteria: Sequence[Criterion], n_samples: int,
                   concentration: float, seed: int) -> np.ndarray:
    """``n_samples`` weight vectors (rows sum to 1) drawn around ``weights``, seeded."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) \
            or not 1 <= n_samples <= MAX_SAMPLES:
        raise VentureLabError("n_samples", f"must be a whole number from 1 to {MAX_SAMPLES}", got=n_samples)
    if not math.isfinite(concentration) or concentration < 0:
        raise VentureLabError("concentration", "must be a number >= 0", got=concentration)
    w = np.array([float(weights.get(c.id, 0.0)) for c in criteria])
    if (w < 0).any() or w.sum() <= 0:
        raise VentureLabError("weights", "must be >= 0 and not all zero", got=w.tolist())
    alpha = np.ones_like(w) if concentration == 0 else concentration * w / w.sum() + ALPHA_FLOOR
    return np.random.default_rng(seed).dirichlet(alpha, size=int(n_samples))


def robustness(scores: pd.DataFrame, weights: Mapping[str, float], criteria: Sequence[Criterion],
               n_samples: int = 2000, concentration: float = 20.0, seed: int = 0,
               top_k: int = 3) -> Robustness:
    """P(domain ranks in the top ``top_k``) when the weights vary around the chosen ones.

    Vectorised: totals = utilities (D x K) @ sampled weights.T (K x n), one stable argsort over
    the domain axis, and a bincount of who lands in the first ``top_k`` rows.
    """
    utilities, _ = _checked(scores, weights, criteria)
    n_domains = utilities.shape[0]
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or not 1 <= top_k <= n_domains:
        raise VentureLabError("top_k", f"must be a whole number from 1 to {n_domains}", got=top_k)
    draws = sample_weights(weights, criteria, n_samples, concentration, seed)     # (n, K)
    totals = utilities @ draws.T                                                  # (D, n)
    order = np.argsort(-totals, axis=0, kind="stable")                            # ties: row order
    counts = np.bincount(order[:top_k].ravel(), minlength=n_domains)
    return Robustness(p_top_k=pd.Series(counts / n_samples, index=list(scores.index), name="p_top_k"),
                      top_k=int(top_k), n_samples=int(n_samples), concentration=float(concentration),
                      seed=int(seed))
