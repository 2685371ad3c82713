"""The shared rules of scenarios.business.adopt: which measured numbers are accepted (shares,
positive counts, their edges and messages), the band rule and sign flip, how a sourced constant is
written as an assumption, and the adopt= URL value (parse, write, refusals naming the accepted
names)."""

from __future__ import annotations

import math

import pytest

from scenarios.business.adopt import TECHNIQUES, MAX_ADOPT_CHARS, adopt_value, parse_adopt, price
from scenarios.business.adopt.base import (
    Adoption,
    Quantity,
    SourcedRange,
    band,
    check_positive,
    check_share,
    monthly,
    signed,
)
from scenarios.business.scenario import load_preset
from scenarios.errors import VentureLabError
from scenarios.units import Range


def refusal(call) -> str:
    with pytest.raises(VentureLabError) as err:
        call()
    return str(err.value)


@pytest.mark.parametrize("value", [0, 0.0, 1, 1.0, 0.5, 1e-12])
def test_a_share_takes_zero_to_one_inclusive_as_a_float(value):
    got = check_share("recall", value)
    assert got == value and type(got) is float


@pytest.mark.parametrize("value", [-1e-9, 1 + 1e-9, math.nan, math.inf, -math.inf, True, False, "0.5", None])
def test_a_share_outside_zero_to_one_or_not_a_number_is_refused(value):
    with pytest.raises(VentureLabError) as err:
        check_share("recall", value)
    assert (err.value.field, err.value.problem) == ("recall", "must be a share between 0 and 1")
    assert err.value.got is value


def test_positive_numbers_up_to_the_maximum():
    assert check_positive("epochs", 10, maximum=10) == 10.0 and type(check_positive("epochs", 3)) is float
    assert check_positive("epochs", 1e12) == 1e12                             # the default maximum
    assert refusal(lambda: check_positive("epochs", 1.5e12)) == "epochs: must be a number > 0 and <= 1e+12 (got 1500000000000.0)"
    assert refusal(lambda: check_positive("epochs", 10.5, maximum=10)).startswith(
        "epochs: must be a number > 0 and <= 10 (got ")
    for bad in (0, -1, math.nan, math.inf, True, "3", None):
        assert refusal(lambda: check_positive("epochs", bad)).startswith("epochs: must be a number > 0 and <= 1e+12")


def test_zero_is_accepted_only_where_allowed():
    assert check_positive("copies", 0, allow_zero=True) == 0.0
    assert refusal(lambda: check_positive("copies", -1, allow_zero=True)) == \
        "copies: must be a number >= 0 and <= 1e+12 (got -1)"


def test_band_spans_every_corner_and_keeps_the_expected_inputs_value():
    r = band(lambda a, b: a - b, Range(1.0, 2.0, 4.0), Range(0.0, 1.0, 3.0))
    assert r.as_tuple() == (1.0 - 3.0, 2.0 - 1.0, 4.0 - 0.0)
    # a function that peaks inside the band: the expected inputs give the highest value
    peak = band(lambda x: -(x - 2.0) ** 2, Range(0.0, 2.0, 5.0))
    assert peak.as_tuple() == (-9.0, 0.0, 0.0)
    low = band(lambda x: (x - 2.0) ** 2, Range(1.0, 2.0, 3.0))
    assert low.as_tuple() == (0.0, 0.0, 1.0)


def test_signed_swaps_the_ends_when_the_factor_is_negative():
    assert signed(Range(1.0, 2.0, 5.0), -2.0).as_tuple() == (-10.0, -4.0, -2.0)
    assert signed(Range(1.0, 2.0, 5.0), 3.0).as_tuple() == (3.0, 6.0, 15.0)


def test_monthly_repeats_a_one_off_at_the_retraining_cadence():
    assert monthly(Range(10.0, 20.0, 30.0)).as_tuple() == (2.5, 20.0, 120.0)      # 0.25, 1, 4 a month
    assert monthly(Range(-30.0, -20.0, -10.0)).as_tuple() == (-120.0, -20.0, -2.5)


def test_a_quantity_is_found_by_name_and_a_missing_one_names_those_there_are():
    a = Adoption("t", "s", Range.point(0.0), Range.point(0.0),
                 (Quantity("a", 1.0, "x"), Quantity("b", 2.0, "y"), Quantity("b", 3.0, "y")), (), ())
    assert a.quantity("b") == 2.0
    assert refusal(lambda: a.quantity("c")) == "quantity: not in this adoption (got 'c'); accepted: a, b, b"


def test_a_sourced_constant_reads_as_its_value_band_date_and_flag():
    fixed = SourcedRange("clips", Range.point(105829.0), "clips", "Warden 2018", "2018", True, "")
    assert fixed.assumption().value == "105829"
    assert (fixed.assumption().name, fixed.assumption().unit) == ("clips", "clips")
    assert fixed.assumption().source == "Warden 2018 [2018, verified]"
    banded = SourcedRange("wage", Range(18.13, 25.57, 43.96), "USD/h", "zippia", "", False, "a proxy")
    assert banded.assumption().value == "25.57 (18.13-43.96)"
    assert banded.assumption().source == "zippia [undated, unverified; a proxy]"


def test_the_adopt_value_is_the_technique_and_its_inputs_in_order():
    assert adopt_value("cheat-review", {"cheat_rate": 0.02, "recall": 0.5, "precision": 0.25, "review_budget": 1 / 3}) \
        == "cheat-review:review_budget=0.333333,precision=0.25,recall=0.5,cheat_rate=0.02"
    assert adopt_value("mixed-precision", {"speedup": 2}) == "mixed-precision:speedup=2"
    assert refusal(lambda: adopt_value("nope", {})).startswith("adopt: unknown technique (got 'nope'); accepted: ")


def test_every_technique_names_its_inputs_without_the_fixed_model():
    assert TECHNIQUES["adversarial-vit-b-16"].inputs == ("pgd_steps", "robust_accuracy_standard",
                                                         "robust_accuracy_adversarial")
    assert TECHNIQUES["fraud-screening"].inputs == ("recall", "false_positive_rate", "fraud_rate", "n_features")
    assert price("adversarial-vit-b-16", {"pgd_steps": 1, "robust_accuracy_standard": 0.1,
                                          "robust_accuracy_adversarial": 0.5},
                 load_preset("autonomous-driving")).technique == "adversarial-vit-b-16"


def test_parsing_reads_names_and_numbers_and_skips_empty_parts():
    assert parse_adopt("  mixed-precision:speedup=1.5,  ") == ("mixed-precision", {"speedup": 1.5})
    assert parse_adopt("mixed-precision:,speedup=2,,") == ("mixed-precision", {"speedup": 2.0})
    assert parse_adopt("mixed-precision") == ("mixed-precision", {})
    at_limit = "mixed-precision:speedup=" + "0" * (MAX_ADOPT_CHARS - len("mixed-precision:speedup=") - 1) + "2"
    assert len(at_limit) == MAX_ADOPT_CHARS and parse_adopt(at_limit) == ("mixed-precision", {"speedup": 2.0})


def test_parsing_refusals_name_the_part_and_what_is_accepted():
    inputs = "review_budget, precision, recall, cheat_rate"
    assert refusal(lambda: parse_adopt("cheat-review:recall")) == \
        f"adopt.recall: must be name=number with a name the technique takes (got 'recall'); accepted: {inputs}"
    assert refusal(lambda: parse_adopt("cheat-review:=0.5")) == \
        f"adopt.?: must be name=number with a name the technique takes (got '=0.5'); accepted: {inputs}"
    assert refusal(lambda: parse_adopt("cheat-review:recall=inf")).startswith("adopt.recall: ")
    too_long = "mixed-precision:speedup=" + "1" * MAX_ADOPT_CHARS
    message = refusal(lambda: parse_adopt(too_long))
    assert message.startswith(f"adopt: must be technique:name=number,... (at most {MAX_ADOPT_CHARS} characters) "
                              f"(got '{too_long[:60]}'); accepted: fraud-screening, dp-sgd, ")
    for blank in ("", "   ", None):
        assert refusal(lambda: parse_adopt(blank)).startswith("adopt: must be technique:name=number")
    assert refusal(lambda: parse_adopt("teleport:x=1")).startswith("adopt: unknown technique (got 'teleport')")


def test_price_needs_exactly_the_techniques_measured_values():
    s = load_preset("games")
    ok = {"review_budget": 0.02, "precision": 0.5, "recall": 0.5, "cheat_rate": 0.02}
    inputs = "review_budget, precision, recall, cheat_rate"
    assert refusal(lambda: price("cheat-review", {**ok, "speed": 1}, s)) == (
        "adopt: needs exactly the measured values of cheat-review (got 'cheat_rate, precision, recall, "
        f"review_budget, speed'); accepted: {inputs}")
    assert refusal(lambda: price("cheat-review", {}, s)) == \
        f"adopt: needs exactly the measured values of cheat-review (got 'none'); accepted: {inputs}"
    assert price("cheat-review", ok, s).quantity("reviews_per_month") == pytest.approx(4000)
