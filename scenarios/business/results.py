"""The typed results of a scenario: what the engine says one replica does (:class:`Capacity`), each
option's figures, the unit economics, the verdict, the sanity warnings, and the whole
:class:`ScenarioResult` with its JSON form. :mod:`scenarios.business.economics` computes them."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Capacity:
    """What the engine says one replica of the scenario's model does on one target."""
    target_id: str
    requests_per_s: float             # per replica, expected (inf for api and phone)
    requests_per_s_low: float
    requests_per_s_high: float
    devices_per_replica: int
    fits: bool
    note: str = ""
    decode_tokens_per_s: float | None = None
    devices_at_peak: int | None = None  # engine's devices_for_rate at the scenario's peak
    engine: dict[str, Any] = field(default_factory=dict)   # the engine estimate, to_dict()


@dataclass(frozen=True)
class OptionFigures:
    target_id: str
    kind: str
    label: str
    feasible: bool
    note: str
    replicas: int | None
    devices: int | None
    usd_month: float | None
    usd_per_request: float | None
    usd_per_million_io_tokens: float | None   # llm workloads: per 1M input + output tokens (ARCHITECTURE 4.3)
    break_even_requests_month: float | None   # vs the cheapest API option
    requests_per_s_per_replica: float | None
    unmet: tuple[str, ...] = ()               # limits and constraints it breaks (constraints.py)

    @property
    def eligible(self) -> bool:
        """Runs the model, is priced and meets every limit and constraint: may be recommended."""
        return self.feasible and self.usd_month is not None and not self.unmet


@dataclass(frozen=True)
class UnitEconomics:
    serving_target: str
    requests_month: float
    tokens_month: float
    users: int
    peak_requests_per_s: float
    devices_at_peak: int | None
    serving_usd_month: float
    revenue_usd_month: float
    cost_per_request_usd: float
    cost_per_user_usd: float
    gross_margin: float | None
    fixed_usd_month: float
    burn_usd_month: float                     # > 0: cash going out each month
    break_even_requests_month: float | None   # where gross profit covers fixed costs
    break_even_users: float | None
    runway_months: float | None               # None: cash never runs out within the projection
    default_alive: bool


@dataclass(frozen=True)
class Verdict:
    kind: str                                  # key suffix for translation
    params: dict[str, Any]
    text: str                                  # English sentence


@dataclass(frozen=True)
class SanityWarning:
    """A figure too large to take at face value (kind ``fleet``: more than MAX_SANE_DEVICES)."""
    kind: str                                  # key suffix for translation
    target_id: str
    params: dict[str, Any]
    text: str                                  # English sentence


@dataclass(frozen=True)
class ScenarioResult:
    scenario_id: str
    unit: UnitEconomics
    options: tuple[OptionFigures, ...]
    verdict: Verdict
    projection: dict[str, list[float]]         # month, requests, serving, revenue, cash
    curves: dict[str, Any]                     # build-vs-buy: cost against volume per option
    capacities: tuple[Capacity, ...]
    warnings: tuple[SanityWarning, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for cap in d["capacities"]:
            cap.pop("engine", None)
        return json_safe(d)


def json_safe(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x
