"""tools/mutation.py's arithmetic: the kill rate over a sample and its Wilson interval, and the
equivalent mutants leaving the denominator (the run itself is `make mutation`, hours here)."""

from __future__ import annotations

import pytest

from tools import mutation


@pytest.mark.parametrize("killed, n, low, high", [
    # Wilson (1927) score interval at 95 %, worked by hand: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    (85, 100, 0.7672, 0.9069),
    (300, 600, 0.4601, 0.5399),
    (0, 10, 0.0, 0.2775),
])
def test_the_wilson_interval_matches_the_textbook_values(killed, n, low, high):
    lo, hi = mutation.wilson_interval(killed, n)
    assert lo == pytest.approx(low, abs=1e-4) and hi == pytest.approx(high, abs=1e-4)


def test_equivalent_mutants_leave_the_denominator_and_unchecked_ones_count_nowhere(monkeypatch):
    monkeypatch.setattr(mutation, "equivalents", lambda: {"m.x_f__mutmut_3": "same float literal"})
    found = {"m.x_f__mutmut_1": "killed", "m.x_f__mutmut_2": "survived", "m.x_f__mutmut_3": "survived",
             "m.x_f__mutmut_4": "timeout", "m.x_f__mutmut_5": "not checked", "m.x_f__mutmut_6": "no tests"}
    s = mutation.summary(found)
    assert (s["checked"], s["killed"], s["equivalent"]) == (4, 2, 1)
    assert s["kill_rate"] == 0.5
    assert s["survivors"] == ["m.x_f__mutmut_2", "m.x_f__mutmut_6"]


def test_a_sample_report_states_its_size_seed_population_and_interval():
    s = {"counts": {"killed": 3, "survived": 1}, "checked": 4, "killed": 3, "equivalent": 0,
         "kill_rate": 0.75, "survivors": ["a"]}
    text = mutation.render(s, ["a", "b", "c", "d"], None, sample=(4, 7, 22677))
    assert "random sample of 4 of the 22,677 mutants" in text and "seed 7" in text
    lo, hi = mutation.wilson_interval(3, 4)
    assert f"{lo:.1%}-{hi:.1%}" in text and "| sample | 4 | 3 | 0 | 75.0% |" in text


def test_the_engine_subsample_keeps_every_business_mutant_and_a_seeded_part_of_the_engine_ones():
    names = [f"scenarios.business.b.x_f__mutmut_{i}" for i in range(5)] + \
            [f"scenarios.engine.e.x_g__mutmut_{i}" for i in range(20)]
    kept = mutation.engine_subsample(names, 6, seed=2)
    assert [n for n in kept if ".business." in n] == names[:5]
    engine = [n for n in kept if ".engine." in n]
    assert len(engine) == 6 and engine == mutation.engine_subsample(names, 6, seed=2)[5:]
    assert engine != [n for n in mutation.engine_subsample(names, 6, seed=3) if ".engine." in n]


def test_the_stratified_rate_weights_each_package_by_its_population(monkeypatch):
    monkeypatch.setattr(mutation, "equivalents", lambda: {})
    found = {**{f"scenarios.business.b.x__mutmut_{i}": "killed" if i < 9 else "survived" for i in range(10)},
             **{f"scenarios.engine.e.x__mutmut_{i}": "killed" if i < 6 else "survived" for i in range(10)}}
    s = mutation.stratified(found, {"scenarios.business": 1000, "scenarios.engine": 3000})
    # 0.25 x 0.9 + 0.75 x 0.6 = 0.675; variance 0.25² x 0.09/10 + 0.75² x 0.24/10
    assert s["kill_rate"] == pytest.approx(0.675)
    half = 1.96 * (0.0625 * 0.09 / 10 + 0.5625 * 0.24 / 10) ** 0.5
    assert (s["low"], s["high"]) == pytest.approx((0.675 - half, 0.675 + half))
    assert s["by_package"]["scenarios.engine"]["checked"] == 10
