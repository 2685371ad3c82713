"""Cached calls into the scenario engine for the Scenarios, Compare and Pitch pages.

A scenario is keyed by its YAML text (a plain string: cheap to hash, and an edit that
changes any number changes the key). Nothing here computes a figure.
"""

from __future__ import annotations

import streamlit as st

from scenarios import catalog
from scenarios.pdf_export import build_pdf
from scenarios.scenario import (Scenario, ScenarioStore, StoreListing, load_preset, parse_text,
                                preset_ids, to_yaml)
from scenarios.scenario_engine import FullRun, run

SAMPLES = 10_000


@st.cache_data(show_spinner=False, max_entries=128)
def run_yaml(yaml_text: str, samples: int = SAMPLES, seed: int = 0) -> FullRun:
    """Unit economics, build-vs-buy, Monte Carlo and tornado for one scenario file's text."""
    return run(parse_text(yaml_text), samples=samples, seed=seed)


@st.cache_data(show_spinner=False, max_entries=32)
def pdf_for_yaml(yaml_text: str) -> bytes:
    scenario = parse_text(yaml_text)
    full = run_yaml(yaml_text)
    return build_pdf(scenario, full.result, full.monte_carlo)


@st.cache_data(show_spinner=False)
def preset_yaml(preset_id: str) -> str:
    return to_yaml(load_preset(preset_id))


def store() -> ScenarioStore:
    """The saved-scenario folder (VENTURE_LAB_SCENARIO_DIR, default ./user_scenarios)."""
    return ScenarioStore()


def listing() -> StoreListing:
    """Saved scenarios (a bad file is reported in ``errors`` and skipped). Not cached: the
    folder is small and may change under us (another session saves)."""
    return store().list()


def scenario_ids() -> tuple[list[str], dict[str, str], dict[str, str]]:
    """(ids: presets first, then saved; id -> display name; file -> error for bad files)."""
    saved = listing()
    names = {pid: load_scenario_yaml(pid)[0].name for pid in preset_ids()}
    names.update({sid: s.name for sid, s in saved.scenarios.items()})
    ids = preset_ids() + sorted(saved.scenarios)
    return ids, names, saved.errors


def load_scenario_yaml(scenario_id: str) -> tuple[Scenario, str]:
    """A saved scenario or a preset, with its YAML text."""
    if scenario_id in preset_ids():
        text = preset_yaml(scenario_id)
        return parse_text(text), text
    s = store().get(scenario_id)
    return s, to_yaml(s)


@st.cache_resource(show_spinner=False)
def catalog_ids() -> dict[str, list[str]]:
    return {"models": sorted(catalog.load_models()), "hardware": sorted(catalog.load_hardware()),
            "formats": sorted(catalog.load_formats())}
