"""Cached calls into the scenario engine for the Scenarios, Compare and Pitch pages.

A scenario is keyed by its YAML text (a plain string: cheap to hash, and an edit that
changes any number changes the key). Nothing here computes a figure.
"""

from __future__ import annotations

import datetime as _dt

import streamlit as st

from dashboard.auth import current_user
from scenarios.business.cash import cash_for_run
from scenarios.business.pdf import build_pdf
from scenarios.business.runner import FullRun, run
from scenarios.business.scenario import Scenario, load_preset, parse_text, preset_ids, to_yaml
from scenarios.business.store import ScenarioStore, StoreListing, open_scenario_store
from scenarios.engine import catalog

SAMPLES = 10_000


@st.cache_data(show_spinner=False, max_entries=128)
def run_yaml(yaml_text: str, samples: int = SAMPLES, seed: int = 0) -> FullRun:
    """Unit economics, build-vs-buy, Monte Carlo and tornado for one scenario file's text."""
    return run(parse_text(yaml_text), samples=samples, seed=seed)


@st.cache_data(show_spinner=False, max_entries=32)
def pdf_for_yaml(yaml_text: str, lang: str = "en", today: str = "") -> bytes:
    """The pitch PDF in ``lang``; ``today`` (the date the prices are aged on) is part of the key,
    so a PDF cached yesterday is not served with yesterday's ages."""
    scenario = parse_text(yaml_text)
    full = run_yaml(yaml_text)
    return build_pdf(scenario, full.result, full.monte_carlo, lang=lang,
                     today=_dt.date.fromisoformat(today) if today else None)


# one per preset id (a handful; an unknown id raises, and raises are not cached)
@st.cache_data(show_spinner=False, max_entries=64)
def preset_yaml(preset_id: str) -> str:
    return to_yaml(load_preset(preset_id))


@st.cache_data(show_spinner=False, max_entries=256)
def parse(yaml_text: str) -> Scenario:
    """Validated scenario for a file's text (the YAML parser is pure Python: ~25 ms a file)."""
    return parse_text(yaml_text)


@st.cache_data(show_spinner=False, max_entries=1)  # no arguments: one entry
def preset_names() -> dict[str, str]:
    return {pid: parse(preset_yaml(pid)).name for pid in preset_ids()}


def store() -> ScenarioStore:
    """The saved-scenario store: the team database (VENTURE_LAB_STORE_URL) or the folder
    (VENTURE_LAB_SCENARIO_DIR, default ./user_scenarios). In team mode only for a signed-in user."""
    current_user()
    return open_scenario_store()


def listing() -> StoreListing:
    """Saved scenarios (a bad file is reported in ``errors`` and skipped). Not cached: the
    folder is small and may change under us (another session saves)."""
    return store().list()


def scenario_ids() -> tuple[list[str], dict[str, str], dict[str, str]]:
    """(ids: presets first, then saved; id -> display name; file -> error for bad files)."""
    saved = listing()
    names = dict(preset_names())
    names.update({sid: s.name for sid, s in saved.scenarios.items()})
    ids = preset_ids() + sorted(saved.scenarios)
    return ids, names, saved.errors


def load_scenario_yaml(scenario_id: str) -> tuple[Scenario, str]:
    """A saved scenario or a preset, with its YAML text."""
    if scenario_id in preset_ids():
        text = preset_yaml(scenario_id)
        return parse(text), text
    s = store().get(scenario_id)
    return s, to_yaml(s)


@st.cache_resource(show_spinner=False, max_entries=1)  # no arguments: one entry
def catalog_ids() -> dict[str, list[str]]:
    return {"models": sorted(catalog.load_models()), "hardware": sorted(catalog.load_hardware()),
            "formats": sorted(catalog.load_formats())}


# ---- figures: building a plotly figure costs ~50 ms; a rerun that changes nothing in a scenario
# reuses them. Keyed by the scenario texts and the language (the figures carry translated text).
@st.cache_data(show_spinner=False, max_entries=64)
def scenario_figures(yaml_text: str, lang: str) -> dict:
    from dashboard.charts import scenarios as charts

    scenario, full = parse(yaml_text), run_yaml(yaml_text)
    return {"cost": charts.cost_vs_volume(full.result, scenario.workload),
            "pitch_cost": charts.cost_vs_volume(full.result, scenario.workload, height=480),
            "margin": charts.margin_histogram(full.monte_carlo),
            "fan": charts.cost_fan(full.monte_carlo),
            "tornado": charts.tornado(full.tornado, full.result.unit.gross_margin)}


@st.cache_data(show_spinner=False, max_entries=64)
def pitch_cash_figure(yaml_text: str, lang: str):
    """The pitch page's cash curve (its own entry: the Scenarios page never pays for it)."""
    from dashboard.charts import scenarios as charts

    return charts.cash_curve(cash_for_run(parse(yaml_text), run_yaml(yaml_text)))


@st.cache_data(show_spinner=False, max_entries=64)
def compare_figures(items: tuple[tuple[str, str], ...], lang: str) -> tuple:
    """(cost curves, margin distributions, cash) for (id, yaml text) pairs, overlaid."""
    from dashboard.charts import scenarios as charts

    runs = [(sid, parse(text), run_yaml(text)) for sid, text in items]
    return (charts.compare_cost_curves([(sid, f.result, s.serving_target) for sid, s, f in runs]),
            charts.compare_margin([(sid, f.monte_carlo) for sid, _, f in runs]),
            charts.compare_cash([(sid, f.result) for sid, _, f in runs]))
