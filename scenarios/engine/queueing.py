"""Latency of one continuous-batching replica under Poisson arrivals at ``rate_per_s`` (vectorised).

A fluid model on top of the step model (scenarios/engine/batching.py ``StepModel``):

* steady state: ``n`` sequences decode together and prompts arrive at ``rate * P`` tokens/s, so the
  mean step ``t`` solves ``t = step(n, rate * t * P)`` and Little's law gives ``n = rate * O * t``
  (each request spends about ``O`` steps in the engine); both are linear in ``t`` and ``n`` on each
  branch of the roofline's max, so the fixed point is closed-form;
* a new request waits for the step in progress to end (uniform residual of a step), then its prompt
  rides in ``ceil(P / chunk)`` steps (chunk = what the token budget leaves beside the decodes);
* when the replica's concurrency cap ``C`` binds, requests queue for a slot: M/M/c with ``c = C``
  and service time ``O * t`` (Erlang C; Kleinrock, Queueing Systems I, s3.5), the wait being
  exponential with rate ``C / S - rate``.

TTFT = wait + residual + prompt steps; end-to-end = TTFT + (O - 1) steps.  Percentiles are the
quantiles of that sum (closed-form CDF, inverted by bisection); a log-normal spread of the
lengths (``length_sigma``) mixes the CDFs over length quantiles.  The discrete-event simulation in
tests/engine/test_batching_queue.py checks these figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenarios.engine.batching import StepModel

PERCENTILES = (0.5, 0.9, 0.99)
_LENGTH_NODES = 16          # quantile nodes of the log-normal length spread


@dataclass(frozen=True)
class LoadLatency:
    """One replica at a request rate; times in seconds; ``stable`` False where the rate exceeds
    what it can serve (figures then inf)."""

    rate_per_s: np.ndarray
    running: np.ndarray             # mean sequences in flight
    tpot_s: np.ndarray              # mean step while decoding
    ttft_s: dict                    # {0.5: p50, 0.9: p90, 0.99: p99}
    e2e_s: dict
    wait_probability: np.ndarray    # share of requests that queue for a slot
    stable: np.ndarray


_MAX_PROMPTS_PER_STEP = 12   # Poisson count of prompts sharing a step: 0..12 (beyond is < 1e-6 at the loads served)
_MAX_JOINED = 8              # prompts joining an arrival's own step: 0..8


def _expand(sm: StepModel, axes: int) -> StepModel:
    """``sm`` with ``axes`` trailing axes on every field, to broadcast against per-count arrays."""
    return StepModel(**{k: np.asarray(getattr(sm, k), float).reshape(np.shape(getattr(sm, k)) + (1,) * axes)
                        for k in sm.__dataclass_fields__})


def _super_step_s(sm: StepModel, n, prompts, P):
    """Time to run ``prompts`` prompts of ``P`` tokens beside ``n`` decoding sequences, and how many
    steps that takes (prompt tokens beyond the budget left beside the decodes go in further chunks;
    every step also decodes one token of each running sequence)."""
    avail = np.maximum(sm.token_budget - n, sm.block_tokens * 16.0)
    tokens = prompts * P
    k = np.maximum(np.ceil(tokens / avail), 1.0)
    return k * sm.step_s(n, tokens / k), k


def _poisson_pmf(mean, K=_MAX_PROMPTS_PER_STEP):
    x = np.arange(K + 1, dtype=float)
    logf = np.cumsum(np.log(np.maximum(x, 1.0)))
    m = np.maximum(mean, 1e-300)[..., None]
    return np.exp(x * np.log(m) - m - logf), x


def _fixed_point(sm: StepModel, rate, P, O, iterations=60):
    """Mean step ``tau``, seconds per decoded token ``t``, running sequences ``n`` (module docstring);
    a step carries the prompts that arrived during the one before (Poisson, mean rate * tau)."""
    n = np.zeros(np.broadcast(rate, P, O, sm.fixed_mem_s).shape)
    tau = sm.step_s(n, 0.0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):   # past capacity: flagged below
        return _iterate(sm, rate, P, O, n, tau, iterations)


def _iterate(sm, rate, P, O, n, tau, iterations):
    """Damped fixed-point iteration of (tau, n); converged and finite rows are the stable ones."""
    def ex(v):                           # broadcast per-configuration arrays over the prompt counts
        return v[..., None]
    n_new = t = n
    sm1 = _expand(sm, 1)
    for _ in range(iterations):
        pmf, x = _poisson_pmf(rate * tau)
        g, k = _super_step_s(sm1, ex(n), x, ex(P))
        tau_new = np.sum(pmf * g, axis=-1)
        t = tau_new / np.sum(pmf * k, axis=-1)
        n_new = rate * O * t
        tau, n = 0.5 * tau + 0.5 * tau_new, 0.5 * n + 0.5 * n_new
    ok = (np.isfinite(tau) & np.isfinite(n) & np.isfinite(t) & (rate * P * sm.prefill_compute_s_per_token < 1.0)
          & (np.abs(n_new - n) <= 0.02 * n + 0.05))
    return n, t, tau, ok


def _erlang_c(servers, offered):
    """Probability of waiting in M/M/c (Erlang B recursion, then C), vectorised; 1 where offered >= c."""
    c = np.asarray(servers, float)
    a = np.asarray(offered, float)
    b = np.ones_like(a)
    for k in range(1, int(np.max(c)) + 1):
        nb = a * b / (k + a * b)
        b = np.where(k <= c, nb, b)
    rho = a / np.maximum(c, 1.0)
    pw = b / np.maximum(1.0 - rho * (1.0 - b), 1e-300)
    return np.where(rho < 1.0, np.clip(pw, 0.0, 1.0), 1.0)


def _cdf(x, pw, theta, t):
    """P(W + U t <= x): W is 0 w.p. 1 - pw else Exp(theta); U uniform on [0, 1]."""
    m = np.clip(x / np.maximum(t, 1e-300), 0.0, 1.0)
    # exp(-theta x) (exp(theta t m) - 1), written without overflow (x >= t m)
    tail = (np.exp(-theta * (x - t * m)) - np.exp(-theta * x)) / np.maximum(theta * t, 1e-300)
    return m - pw * np.where(theta * t > 1e-9, tail, m * np.exp(-theta * x))


def _quantile(q, offsets, pw, theta, t, weights):
    """q-quantile of ``offset + W + U t`` mixed over the last axis with ``weights``."""
    lo = np.min(offsets, axis=-1)
    hi = np.max(offsets, axis=-1) + np.max(t, axis=-1) + np.where(pw[..., 0] > 0, 50.0 / theta[..., 0], 0.0)
    for _ in range(60):
        mid = (lo + hi) / 2.0
        f = np.sum(weights * _cdf(np.maximum(mid[..., None] - offsets, 0.0), pw, theta, t)
                   * (mid[..., None] >= offsets), axis=-1)
        lo, hi = np.where(f < q, mid, lo), np.where(f < q, hi, mid)
    return (lo + hi) / 2.0


def _length_nodes(prompt_tokens, output_tokens, sigma):
    """Lengths at log-normal quantile nodes (median = the given lengths), shape (..., nodes)."""
    if not sigma:
        return np.asarray(prompt_tokens, float)[..., None], np.asarray(output_tokens, float)[..., None], np.ones(1)
    from statistics import NormalDist
    z = np.array([NormalDist().inv_cdf((i + 0.5) / _LENGTH_NODES) for i in range(_LENGTH_NODES)])
    scale = np.exp(sigma * z)
    return (np.asarray(prompt_tokens, float)[..., None] * scale, np.asarray(output_tokens, float)[..., None] * scale,
            np.full(_LENGTH_NODES, 1.0 / _LENGTH_NODES))


_Z = {0.5: 0.0, 0.9: 1.2816, 0.99: 2.3263}     # standard normal quantiles


def _decode_spread_s(sm: StepModel, rate, n, t, tau, P, O):
    """Standard deviation of the O - 1 decode steps' total: steps differ by the prompts they carry
    (independent draws), and the running count drifts around n (M/G/inf: its average over a
    request's life has variance 2 n / 3 for a deterministic stay), moving every step alike."""
    pmf, x = _poisson_pmf(rate * tau)
    g, k = _super_step_s(_expand(sm, 1), n[..., None], x, P[..., None])
    per_token = g / k
    steps = np.sum(pmf * k, axis=-1)
    var_step = np.sum(pmf * k * (per_token - t[..., None]) ** 2, axis=-1) / steps
    slope = (sm.step_s(n + 1.0, 0.0) - sm.step_s(n, 0.0))
    return np.sqrt((O - 1.0) * var_step + ((O - 1.0) * slope) ** 2 * 2.0 * n / 3.0)


def latency_under_load(sm: StepModel, max_concurrency, rate_per_s, prompt_tokens, output_tokens,
                       length_sigma: float = 0.0) -> LoadLatency:
    """TTFT and end-to-end percentiles (``PERCENTILES``) at ``rate_per_s`` for each configuration
    of ``sm`` (arrays broadcast together).  ``length_sigma``: log-normal sigma of the prompt and
    output lengths around the given medians (0: fixed lengths)."""
    rate = np.asarray(rate_per_s, float)
    C = np.maximum(np.asarray(max_concurrency, float), 1.0)
    P, O = np.asarray(prompt_tokens, float), np.maximum(np.asarray(output_tokens, float), 1.0)
    mean_scale = float(np.exp(length_sigma ** 2 / 2.0))
    n, t, tau, ok = _fixed_point(sm, rate, P * mean_scale, O * mean_scale)
    service = O * mean_scale * t
    pw = _erlang_c(np.ceil(C), rate * service)
    # M/G/c wait ~ M/M/c wait x (1 + cs^2) / 2 (Allen-Cunneen; Lee and Longton 1959): the stay of a
    # request varies little (cs^2 ~ 0), so its waits are about half those of exponential service
    theta = np.maximum(C / service - rate, 1e-12) * 2.0
    ok &= (n <= C) & (rate * service < C)
    # the step in progress at an arrival (length-biased over its prompt count) and the arrival's own step
    pmf, x = _poisson_pmf(rate * tau)
    g, _ = _super_step_s(_expand(sm, 1), n[..., None], x, (P * mean_scale)[..., None])
    weight = pmf * g / np.maximum(np.sum(pmf * g, axis=-1, keepdims=True), 1e-300)
    Pn, On, wts = _length_nodes(P, O, length_sigma)
    # every prompt that arrives during the step in progress (Poisson, mean rate x its length) rides
    # with this one in the next step: mix over that count too
    pmf2, x2 = _poisson_pmf(np.asarray(rate)[..., None] * g, _MAX_JOINED)                 # (..., x, joined)
    own, _ = _super_step_s(_expand(sm, 3), n[..., None, None, None], 1.0 + x2[:, None], Pn[..., None, None, :])
    own = np.where(Pn[..., None, None, :] > 0, own, 0.0)                                   # (..., x, joined, node)
    w = weight[..., :, None, None] * pmf2[..., None] * wts
    own = np.broadcast_to(own, w.shape)
    g = np.broadcast_to(g[..., :, None], pmf2.shape)
    own, w = own.reshape(*own.shape[:-3], -1, own.shape[-1]), w.reshape(*w.shape[:-3], -1, w.shape[-1])
    g = g.reshape(*g.shape[:-2], -1)
    ttft_off = own
    e2e_off = own + (On[..., None, :] - 1.0) * t[..., None, None]
    shape = own.shape
    def flat(v):                         # (..., counts, nodes) -> (..., counts x nodes)
        return np.broadcast_to(v, shape).reshape(*shape[:-2], -1)
    pw_n, th_n = flat(pw[..., None, None]), flat(theta[..., None, None])
    g_n, w_n = flat(g[..., :, None]), flat(w)
    sd = _decode_spread_s(sm, rate, n, t, tau, P * mean_scale, O * mean_scale)
    ttft, e2e = {}, {}
    for q in PERCENTILES:
        ttft[q] = np.where(ok, _quantile(q, flat(ttft_off), pw_n, th_n, g_n, w_n), np.inf)
        e2e[q] = np.where(ok, _quantile(q, flat(e2e_off), pw_n, th_n, g_n, w_n) + _Z[q] * sd, np.inf)
    return LoadLatency(rate_per_s=rate, running=n, tpot_s=np.where(ok, t, np.inf), ttft_s=ttft, e2e_s=e2e,
                       wait_probability=np.where(ok, pw, 1.0), stable=ok)
