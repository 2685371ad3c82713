"""Shared fixtures: a small hand-checkable scenario and hand-made engine capacities, so the
business arithmetic is tested without depending on the engine's speed model."""

from __future__ import annotations

import pytest

from scenarios.business.economics import Capacity
from scenarios.business.scenario import from_dict


def golden_dict() -> dict:
    return {
        "schema_version": 3, "id": "golden", "name": "Golden test", "domain": "nlp",
        "model": "llama-3.1-8b", "weights": "int4",
        "traffic": {"requests_per_day": 10_000, "prompt_tokens": 1000, "output_tokens": 200,
                    "monthly_active_users": 1000, "peak_factor": 2.0, "monthly_growth": 0.0},
        "pricing": {"model": "subscription", "usd_per_user_month": 20},
        "targets": [
            {"id": "api", "kind": "api", "provider": "P", "api_model": "m",
             "usd_per_m_input": 0.5, "usd_per_m_output": 1.5, "as_of": "2026-01-01", "source": "test"},
            {"id": "rent", "kind": "rented-gpu", "hardware": "nvidia-h100-sxm", "usd_per_hour": 2.0},
            {"id": "own", "kind": "owned-gpu", "hardware": "nvidia-h100-sxm", "purchase_usd": 30_000,
             "amortisation_months": 36, "power_w": 700, "hosting_usd_per_device_month": 100},
            {"id": "phone", "kind": "phone", "hardware": "apple-a17-pro"},
        ],
        "serving_target": "rent",
        "operating": {"peak_load_share": 0.5, "electricity_usd_per_kwh": 0.1, "pue": 1.5},
        "fixed_costs": {"team_usd_month": 30_000},
        "funding": {"cash_usd": 100_000},
    }


def golden_capacities(rps: float = 5.0) -> dict[str, Capacity]:
    return {
        "rent": Capacity("rent", rps, rps * 0.8, rps * 1.2, 1, True),
        "own": Capacity("own", rps, rps * 0.8, rps * 1.2, 1, True),
        "phone": Capacity("phone", float("inf"), float("inf"), float("inf"), 1, True),
    }


@pytest.fixture
def golden():
    return from_dict(golden_dict())
