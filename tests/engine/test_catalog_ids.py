"""Catalog look-ups accept an id as typed, trimmed or in any case, and refuse anything else with
the project's error type."""

from __future__ import annotations

import pytest

from scenarios.engine.catalog import get_hardware, get_model
from scenarios.errors import VentureLabError


@pytest.mark.parametrize("text", ["llama-2-7b", "  llama-2-7b ", "LLAMA-2-7B"])
def test_catalog_ids_match_exactly_or_lower_cased(text):
    assert get_model(text).id == "llama-2-7b"
    device = text.replace("llama-2-7b", "nvidia-t4").replace("LLAMA-2-7B", "NVIDIA-T4")
    assert get_hardware(device).id == "nvidia-t4"


@pytest.mark.parametrize("bad", ["", None, "llama-2-7", "nvidia"])
def test_unknown_or_partial_ids_raise(bad):
    with pytest.raises(VentureLabError):
        get_model(bad)
    with pytest.raises(VentureLabError):
        get_hardware(bad)
