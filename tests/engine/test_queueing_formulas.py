"""The closed forms inside the load-latency model (scenarios.engine.queueing) against textbook
formulas written out here: Erlang C (Kleinrock, Queueing Systems I s3.5), the distribution of an
exponential wait plus a uniform residual step, its quantiles, and the log-normal length nodes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenarios.engine import queueing as qm


def erlang_c(c: int, a: float) -> float:
    """P(wait) in M/M/c with offered load a (Erlangs), from the textbook sum."""
    if a >= c:
        return 1.0
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize("c, a", [(1, 0.3), (1, 0.9), (2, 1.0), (3, 2.0), (8, 5.5), (16, 15.0), (48, 30.0)])
def test_erlang_c_matches_the_textbook_sum(c, a):
    assert float(qm._erlang_c(c, a)) == pytest.approx(erlang_c(c, a), rel=1e-9)


def test_erlang_c_vectorised_over_mixed_server_counts():
    servers, offered = np.array([1, 2, 3, 8, 4]), np.array([0.5, 1.0, 2.0, 5.5, 4.0])
    got = qm._erlang_c(servers, offered)
    assert got.tolist() == pytest.approx([erlang_c(int(c), float(a)) for c, a in zip(servers, offered)], rel=1e-9)
    assert got[-1] == 1.0                                   # offered >= servers: every request waits
    assert qm._erlang_c(2, 0.0) == 0.0
    assert qm._erlang_c(np.array([2.0]), np.array([3.0])).tolist() == [1.0]


def cdf_wait_plus_step(x, pw, theta, t, n=200_000):
    """P(W + U t <= x) by integrating over U (midpoint rule): W = 0 w.p. 1 - pw, else Exp(theta)."""
    u = (np.arange(n) + 0.5) / n * t
    rest = np.maximum(x - u, 0.0)
    inside = u <= x
    return float(np.mean(inside * (1 - pw * np.exp(-theta * rest))))


@pytest.mark.parametrize("x, pw, theta, t", [(0.5, 0.0, 1.0, 1.0), (0.5, 0.3, 2.0, 1.0), (1.7, 0.3, 2.0, 1.0),
                                             (3.0, 0.9, 0.5, 0.2), (0.05, 0.5, 1e-12, 0.2), (2.0, 1.0, 4.0, 0.5)])
def test_cdf_of_a_wait_plus_a_residual_step(x, pw, theta, t):
    got = float(qm._cdf(np.array(x), np.array(pw), np.array(theta), np.array(t)))
    assert got == pytest.approx(cdf_wait_plus_step(x, pw, theta, t), abs=1e-5)


def test_quantiles_invert_the_mixture():
    # uniform step of 2 s, no wait: the median is 1 s, p90 1.8 s
    one = np.ones((1, 1))
    for q, expected in ((0.5, 1.0), (0.9, 1.8)):
        got = qm._quantile(q, np.zeros((1, 1)), 0 * one, one, 2 * one, one)
        assert float(got[0]) == pytest.approx(expected, rel=1e-9)
    # an offset shifts the quantile; two equally weighted components mix
    got = qm._quantile(0.5, np.array([[3.0]]), 0 * one, one, 2 * one, one)
    assert float(got[0]) == pytest.approx(4.0, rel=1e-9)
    offs, w = np.array([[0.0, 10.0]]), np.array([[0.5, 0.5]])
    two = np.ones((1, 2))
    assert float(qm._quantile(0.25, offs, 0 * two, two, 2 * two, w)[0]) == pytest.approx(1.0, rel=1e-9)
    assert float(qm._quantile(0.75, offs, 0 * two, two, 2 * two, w)[0]) == pytest.approx(11.0, rel=1e-9)
    # with waiting: the quantile solves the CDF
    pw, th, t = np.array([[0.4]]), np.array([[3.0]]), np.array([[0.5]])
    x = float(qm._quantile(0.99, np.zeros((1, 1)), pw, th, t, one)[0])
    assert float(qm._cdf(np.array(x), pw[0, 0], th[0, 0], t[0, 0])) == pytest.approx(0.99, abs=1e-9)
    # rows are independent
    rows = qm._quantile(0.5, np.zeros((2, 1)), np.zeros((2, 1)), np.ones((2, 1)), np.array([[2.0], [4.0]]),
                        np.ones((2, 1)))
    assert rows.tolist() == pytest.approx([1.0, 2.0], rel=1e-9)


def test_length_nodes_keep_the_median_and_spread_in_logs():
    p, o, w = qm._length_nodes(1000.0, 200.0, 0.0)
    assert (p.tolist(), o.tolist(), w.tolist()) == ([1000.0], [200.0], [1.0])
    p, o, w = qm._length_nodes(np.array([1000.0]), np.array([200.0]), 0.5)
    assert p.shape == (1, 16) and w.tolist() == [1 / 16] * 16
    logs = np.log(p[0] / 1000.0)
    assert logs == pytest.approx(-logs[::-1], abs=1e-12)           # symmetric around the median
    assert np.all(np.diff(logs) > 0) and math.sqrt(p[0][7] * p[0][8]) == pytest.approx(1000.0, rel=1e-12)
    assert (o[0] / 200.0).tolist() == pytest.approx((p[0] / 1000.0).tolist(), rel=1e-12)
    # the outermost node sits at the 1/32 quantile of a normal with sigma 0.5
    assert logs[0] == pytest.approx(0.5 * -1.8627318674216515, rel=1e-9)


def test_cdf_with_a_vanishing_wait_rate_uses_the_series_form():
    # theta x t = 1e-12: the closed form would cancel to noise; the wait is then ~never over: P = m (1 - pw)
    got = float(qm._cdf(np.array(5e-5), np.array(0.5), np.array(1e-8), np.array(1e-4)))
    assert got == pytest.approx(0.5 - 0.5 * 0.5 * math.exp(-1e-8 * 5e-5), abs=1e-12)


def test_quantiles_of_configurations_laid_out_in_two_axes():
    t = np.array([[2.0, 4.0], [6.0, 8.0]])[..., None]          # (2, 2) configurations, one component
    offsets = np.array([[0.0, 1.0], [2.0, 3.0]])[..., None]
    ones = np.ones((2, 2, 1))
    got = qm._quantile(0.5, offsets, 0 * ones, ones, t, ones)
    assert got.shape == (2, 2)
    assert got.tolist() == [[pytest.approx(1.0), pytest.approx(3.0)], [pytest.approx(5.0), pytest.approx(7.0)]]
