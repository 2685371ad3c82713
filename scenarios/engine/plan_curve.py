"""Latency percentiles against request rate for one configuration of `plan` (the Capacity
planner page's curve): the same queueing model (scenarios/engine/queueing.py) and step model as
the plan's own check, at rates from a small share of the replica's ``max_rate`` up to it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenarios.engine.plan import CONCURRENCY_LADDER, PlanRequest, build_grid, check_request, percentiles
from scenarios.errors import VentureLabError

PERCENTILES = (0.5, 0.9, 0.99)


@dataclass(frozen=True)
class RateCurve:
    """Per-replica request rate (requests/s) and the latency percentiles there, in ms."""

    rate_per_s: tuple[float, ...]
    ttft_ms: dict            # {0.5: (...), 0.9: (...), 0.99: (...)}
    e2e_ms: dict
    max_rate_per_s: float    # what one replica sustains at this concurrency (throughput / output tokens)


def latency_against_rate(req: PlanRequest, hardware: str, weights: str, runtime: str, devices: int,
                         concurrency: int, points: int = 24) -> RateCurve:
    """TTFT and end-to-end p50/p90/p99 of one replica at ``points`` rates up to its ``max_rate``."""
    check_request(req)
    if concurrency not in CONCURRENCY_LADDER:
        raise VentureLabError("concurrency", "is not one the plan searches", got=concurrency,
                              accepted=CONCURRENCY_LADDER)
    g = build_grid(req, [(hardware, weights, runtime, int(devices))])
    i = CONCURRENCY_LADDER.index(concurrency)
    top = float(g.max_rate[0][i])
    rates = np.linspace(top / points, top, points)
    lat = percentiles(req, g, np.full(points, i), rates)
    ms = {q: tuple(float(x) for x in 1000.0 * np.where(lat.stable, lat.ttft_s[q], np.nan)) for q in PERCENTILES}
    e2e = {q: tuple(float(x) for x in 1000.0 * np.where(lat.stable, lat.e2e_s[q], np.nan)) for q in PERCENTILES}
    return RateCurve(tuple(float(r) for r in rates), ms, e2e, top)
