"""The one Range type (scenarios/units.py): validation names the field, and a Range reads like
the (low, expected, high) tuple the engine's callers unpack and slice."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.errors import VentureLabError
from scenarios.units import Range

VALUES = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, min_size=3, max_size=3))
def test_ordered_triples_are_ranges_and_others_are_refused(values):
    lo, ex, hi = values
    if lo <= ex <= hi:
        r = Range(lo, ex, hi)
        assert r.as_list() == [lo, ex, hi] and tuple(r) == (lo, ex, hi) and len(r) == 3
    else:
        with pytest.raises(VentureLabError, match="low <= expected <= high"):
            Range(lo, ex, hi)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "1", None, True])
@pytest.mark.parametrize("part", ["low", "expected", "high"])
def test_a_non_finite_end_is_refused_with_the_field_named(bad, part):
    values = dict(low=0.0, expected=1.0, high=2.0, field="tdp_w")
    values[part] = bad
    with pytest.raises(VentureLabError, match=rf"^tdp_w\.{part}: must be a finite number"):
        Range(**values)


def test_unpacks_and_slices_like_the_tuple_it_replaces():
    r = Range(20, 35, 50, "tdp_w")
    lo, ex, hi = r
    assert (lo, ex, hi) == (20.0, 35.0, 50.0)
    assert r[::2] == (20.0, 50.0) and r[1] == 35.0
    assert "assumption range %g-%g W" % r[::2] == "assumption range 20-50 W"


def test_field_name_is_not_part_of_equality():
    assert Range(1, 2, 3, "a") == Range(1, 2, 3, "b")
    assert hash(Range(1, 2, 3)) == hash(Range(1.0, 2.0, 3.0))


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.floats(min_value=0, max_value=1e3))
def test_scaling_keeps_the_order(low, factor):
    r = Range(low, low * 1.5, low * 2).scaled(factor)
    assert r.low <= r.expected <= r.high


def test_negative_scale_is_refused():
    with pytest.raises(VentureLabError, match="scale"):
        Range(1, 2, 3).scaled(-1)


def test_point_has_no_width():
    assert Range.point(4.2).width == 0 and Range.point(4.2).as_tuple() == (4.2, 4.2, 4.2)


def test_a_band_is_read_from_an_estimates_flat_fields():
    from scenarios.engine.serving import InferenceRequest, estimate_inference

    est = estimate_inference(InferenceRequest("llama-3.1-8b", "nvidia-l4"))
    band = Range.of(est, "decode_tokens_per_s")
    assert band.as_tuple() == (est.decode_tokens_per_s_low, est.decode_tokens_per_s, est.decode_tokens_per_s_high)
    assert band.field == "decode_tokens_per_s"
    no_price = estimate_inference(InferenceRequest("llama-3.1-8b", "apple-m2-max-38c"))
    assert no_price.usd_per_million_tokens is None and Range.of(no_price, "usd_per_million_tokens") is None
