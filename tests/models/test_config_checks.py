"""Every demo config states its accepted ranges through models/_config.py: the error names the
field, the value and what is accepted, in the same words for every model."""

from __future__ import annotations

import pytest

from models._config import check_ranges
from models.char_transformer import TrainConfig
from models.games_rl import GridConfig
from models.medical_privacy import DPConfig
from scenarios.errors import VentureLabError


def test_a_field_outside_its_closed_range_names_the_range():
    with pytest.raises(VentureLabError, match=r"^epochs: out of range \(got 0\); accepted: 1\.\.200$"):
        DPConfig(epochs=0).validate()


def test_both_ends_of_a_closed_range_are_accepted():
    DPConfig(epochs=1).validate()
    DPConfig(epochs=200).validate()
    with pytest.raises(VentureLabError, match="epochs"):
        DPConfig(epochs=201).validate()


def test_an_open_bound_refuses_the_bound_itself():
    with pytest.raises(VentureLabError, match=r"^epsilon: out of range \(got 0\)"):
        DPConfig(epsilon=0).validate()


def test_an_unknown_choice_lists_the_accepted_ones():
    with pytest.raises(VentureLabError, match=r"^map_id: unknown \(got 'nowhere'\); accepted: "):
        GridConfig(map_id="nowhere").validate()
    with pytest.raises(VentureLabError, match=r"n_embd: unknown \(got 12\); accepted: 8, 16, 24"):
        TrainConfig(n_embd=12).validate()


def test_the_first_field_out_of_range_is_the_one_named():
    class Toy:
        low, high = -1, 99

    with pytest.raises(VentureLabError, match="^low:"):
        check_ranges(Toy(), low=(0, 10), high=(0, 10))
