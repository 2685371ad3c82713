"""The Scenario: one named, versioned set of business assumptions, stored as a YAML file.

A scenario says what a product serves (domain, model, weight format), where it could be
served (targets: an API, rented GPUs, owned GPUs, edge boxes, phones, each with its price and
the date of that price), how much traffic it gets, how it charges, what the company spends
besides serving and how much cash it has. :mod:`scenarios.business.economics` turns it into figures.

Files are YAML, human-readable and hand-editable. Loading is strict and defensive:
a size cap, a depth and node cap, no YAML aliases (no "billion laughs"), only plain data
(:mod:`scenarios.business.safe_yaml`), every field type- and range-checked, unknown fields refused
(:mod:`scenarios.business.schema`), and every problem raised as
:class:`~scenarios.errors.VentureLabError` naming the field (``traffic.peak_factor``). Older
``schema_version`` s are migrated on load (:mod:`scenarios.business.migration`). Files are
written by :mod:`scenarios.business.store` (atomic, never overwriting an existing file unless asked).

Examples
--------
>>> from scenarios.business.scenario import load_preset
>>> s = load_preset("nlp")
>>> s.domain, s.schema_version
('nlp', 3)
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scenarios.business.migration import SCHEMA_VERSION, migrate
from scenarios.business.safe_yaml import parse_yaml, read_file
from scenarios.business.schema import build, spec, to_plain
from scenarios.errors import VentureLabError

MAX_TARGETS = 8

DOMAINS = ("nlp", "vision", "recommendation", "speech", "medical", "finance",
           "customer-service", "games", "autonomous-driving")
TARGET_KINDS = ("api", "rented-gpu", "owned-gpu", "edge", "phone")
WORKLOADS = ("llm", "per-input")
PRICING_MODELS = ("per-request", "subscription")
# Where the model may run: "cloud" allows every target, "on-premises" only hardware the company
# (or its customer) holds, "on-device" only the device at the point of use (a phone, an edge box
# in the vehicle or the shop); economics.DEPLOYMENT_KINDS maps each to the target kinds it allows.
DEPLOYMENTS = ("cloud", "on-premises", "on-device")
PRESET_DIR = Path(__file__).resolve().parent / "presets"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


# ---------------------------------------------------------------------------------------
# Schema. Field metadata (scenarios.business.schema.spec): bounds for numbers, choices for text.
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Traffic:
    requests_per_day: float = spec(lo=0, hi=1e11, doc="requests per day today (average day)")
    prompt_tokens: int = spec(lo=0, hi=1_000_000, doc="input tokens per request (llm workload)")
    output_tokens: int = spec(lo=0, hi=1_000_000, doc="output tokens per request (llm workload)")
    monthly_active_users: int = spec(1, lo=1, hi=10**10, doc="users, for cost per user and subscriptions")
    peak_factor: float = spec(2.0, lo=1, hi=100, doc="peak-hour rate / average rate; capacity is sized for it")
    monthly_growth: float = spec(0.0, lo=-0.5, hi=2.0, doc="month-on-month growth of requests and users")
    inputs_per_request: int = spec(1, lo=1, hi=100_000, doc="images/clips per request (per-input workload)")
    prefix_cache_hit: float = spec(0.0, lo=0, hi=1, doc="share of prompt tokens served from a "
                                   "prefix cache: cached-input API price, no self-hosted prefill")
    batch_share: float = spec(0.0, lo=0, hi=1, doc="share of requests that can wait for the "
                              "provider's batch API (its batch price; self-hosted options ignore it)")


@dataclass(frozen=True)
class Pricing:
    model: str = spec(choices=PRICING_MODELS)
    usd_per_request: float | None = spec(None, lo=0, hi=1e6)
    usd_per_user_month: float | None = spec(None, lo=0, hi=1e7)


@dataclass(frozen=True)
class Limits:
    """Latency the product needs; None: no limit. Percentile 90 where named (``_p90``)."""
    ttft_ms_p90: float | None = spec(None, lo=0, hi=1e7, doc="time to first token, ms")
    tpot_ms: float | None = spec(None, lo=0, hi=1e6, doc="time per output token, ms")
    e2e_ms_p90: float | None = spec(None, lo=0, hi=1e8, doc="whole request, ms")
    per_input_ms_p90: float | None = spec(None, lo=0, hi=1e7, doc="one image/clip, ms (per-input)")
    source: str = spec("", doc="why these limits")


@dataclass(frozen=True)
class Constraints:
    deployment: str = spec("cloud", choices=DEPLOYMENTS, doc="where the model may run")
    region: str | None = spec(None, doc="where data must stay (free text, e.g. EU); None: anywhere")
    source: str = spec("", doc="why these constraints")


@dataclass(frozen=True)
class Latency:
    """An API's measured latency (p90 where named) and where it was measured; a figure without a
    source does not count against a limit (economics.latency_unmet)."""
    ttft_ms_p90: float | None = spec(None, lo=0, hi=1e7)
    tpot_ms: float | None = spec(None, lo=0, hi=1e6)
    e2e_ms_p90: float | None = spec(None, lo=0, hi=1e8)
    per_input_ms_p90: float | None = spec(None, lo=0, hi=1e7)
    as_of: str = spec("")
    source: str = spec("")


@dataclass(frozen=True)
class Target:
    """One place the model could be served, with the prices that apply there and their date."""
    id: str = spec(pattern=ID_RE)
    kind: str = spec(choices=TARGET_KINDS)
    hardware: str | None = spec(None, doc="hardware catalog id (not for api)")
    batch: int | str = spec("auto", lo=1, hi=4096, words=("auto",), doc="concurrent sequences per "
                            "replica; auto: the capacity plan's under the limits (ARCHITECTURE 4.3)")
    devices_per_replica: int = spec(1, lo=1, hi=64, doc="tensor-parallel devices per replica")
    min_replicas: int = spec(1, lo=0, hi=100_000, doc="replicas kept up however low the traffic")
    runtime: str | None = spec(None, doc="serving software (vllm, tensorrt-llm, llama.cpp, ...); "
                               "none: the engine's default for the hardware")
    # api
    provider: str | None = spec(None)
    api_model: str | None = spec(None)
    usd_per_m_input: float | None = spec(None, lo=0, hi=1_000)
    usd_per_m_output: float | None = spec(None, lo=0, hi=10_000)
    usd_per_m_cached_input: float | None = spec(None, lo=0, hi=1_000, doc="prompt tokens hitting "
                                                "the provider's prefix cache (traffic.prefix_cache_hit)")
    usd_per_m_batch_input: float | None = spec(None, lo=0, hi=1_000, doc="the provider's batch "
                                               "API price (traffic.batch_share); none: no batch discount")
    usd_per_m_batch_output: float | None = spec(None, lo=0, hi=10_000)
    latency: Latency = spec(Latency(), doc="measured API latency, with its source")
    usd_per_request: float | None = spec(None, lo=0, hi=1_000, doc="per-input APIs: price per request")
    # rented
    usd_per_hour: float | None = spec(None, lo=0, hi=1_000, doc="per device")
    # owned / edge
    purchase_usd: float | None = spec(None, lo=0, hi=10_000_000, doc="per device, all-in")
    node_purchase_usd: float | None = spec(None, lo=0, hi=100_000_000, doc="one whole server of "
                                           "devices_per_replica devices, all-in (replaces purchase_usd)")
    amortisation_months: int = spec(36, lo=1, hi=120)
    power_w: float | None = spec(None, lo=0, hi=100_000, doc="per device; default: catalog TDP")
    hosting_usd_per_device_month: float = spec(0.0, lo=0, hi=100_000, doc="colocation, rack, network")
    region: str | None = spec(None, doc="where it serves (free text, e.g. EU, us-east-1)")
    # provenance of the prices above
    as_of: str = spec("", doc="date of the prices")
    source: str = spec("", doc="where the prices come from")


@dataclass(frozen=True)
class Operating:
    peak_load_share: float = spec(0.6, lo=0.01, hi=1.0, doc="share of replica capacity used at the "
                                  "peak hour (the rest is headroom)")
    electricity_usd_per_kwh: float = spec(0.083, lo=0, hi=5)
    pue: float = spec(1.5, lo=1.0, hi=3.0)
    as_of: str = spec("")
    source: str = spec("")


@dataclass(frozen=True)
class FixedCosts:
    team_usd_month: float = spec(0.0, lo=0, hi=1e9)
    compliance_usd_month: float = spec(0.0, lo=0, hi=1e9)
    other_usd_month: float = spec(0.0, lo=0, hi=1e9)

    @property
    def total_usd_month(self) -> float:
        return self.team_usd_month + self.compliance_usd_month + self.other_usd_month


@dataclass(frozen=True)
class Funding:
    cash_usd: float = spec(0.0, lo=0, hi=1e12)


@dataclass(frozen=True)
class Uncertainty:
    """Ranges for the Monte Carlo and the tornado: (low, high) multipliers on the scenario's
    expected values, except `peak_load_share`, which is absolute. The engine's own efficiency band
    (low/high throughput) is always included."""
    traffic: tuple[float, float] = spec((0.7, 1.4), lo=0.01, hi=100)
    hardware_price: tuple[float, float] = spec((0.8, 1.25), lo=0.01, hi=100)
    api_price: tuple[float, float] = spec((0.8, 1.2), lo=0.01, hi=100)
    peak_load_share: tuple[float, float] = spec((0.4, 0.8), lo=0.01, hi=1.0)


@dataclass(frozen=True)
class Scenario:
    id: str = spec(pattern=ID_RE)
    name: str = spec()
    domain: str = spec(choices=DOMAINS)
    model: str = spec(doc="model catalog id")
    traffic: Traffic = spec()
    pricing: Pricing = spec()
    targets: tuple[Target, ...] = spec()
    serving_target: str = spec(doc="id of the target that drives the unit economics")
    schema_version: int = spec(SCHEMA_VERSION, lo=SCHEMA_VERSION, hi=SCHEMA_VERSION)
    description: str = spec("")
    weights: str = spec("fp16", doc="weight format id")
    workload: str = spec("llm", choices=WORKLOADS)
    limits: Limits = spec(Limits())
    constraints: Constraints = spec(Constraints())
    operating: Operating = spec(Operating())
    fixed_costs: FixedCosts = spec(FixedCosts())
    funding: Funding = spec(Funding())
    uncertainty: Uncertainty = spec(Uncertainty())

    def target(self, target_id: str | None = None) -> Target:
        wanted = target_id or self.serving_target
        for t in self.targets:
            if t.id == wanted:
                return t
        raise VentureLabError("serving_target", "names no target of this scenario", got=wanted,
                              accepted=[t.id for t in self.targets])

    def to_dict(self) -> dict[str, Any]:
        """Plain data in schema order, with defaults included (what :func:`save` writes)."""
        plain = to_plain(self)
        return {"schema_version": plain.pop("schema_version"), **plain}

    def replace(self, **changes: Any) -> Scenario:
        """A copy with top-level fields changed, validated again."""
        data = self.to_dict()
        data.update({k: to_plain(v) for k, v in changes.items()})
        return from_dict(data)


# ---------------------------------------------------------------------------------------
# dict -> Scenario: field checks (scenarios.business.schema), then rules across fields
# ---------------------------------------------------------------------------------------
def _check_rules(s: Scenario) -> None:
    """Rules across fields, each naming the field to fix."""
    if not s.name.strip():
        raise VentureLabError("name", "must not be blank")
    if not s.targets:
        raise VentureLabError("targets", "needs at least one target", accepted=TARGET_KINDS)
    if len(s.targets) > MAX_TARGETS:
        raise VentureLabError("targets", f"at most {MAX_TARGETS} targets", got=len(s.targets))
    ids = [t.id for t in s.targets]
    if len(set(ids)) != len(ids):
        raise VentureLabError("targets", "target ids must be unique", got=", ".join(ids))
    s.target()  # serving_target must name one
    if s.workload == "llm" and s.traffic.output_tokens < 1:
        raise VentureLabError("traffic.output_tokens", "must be at least 1 for an llm workload", got=0)
    p = s.pricing
    if p.model == "per-request" and p.usd_per_request is None:
        raise VentureLabError("pricing.usd_per_request", "is required when pricing.model is per-request")
    if p.model == "subscription" and p.usd_per_user_month is None:
        raise VentureLabError("pricing.usd_per_user_month", "is required when pricing.model is subscription")
    lo_hi = dataclasses.asdict(s.uncertainty)
    for name, (lo, hi) in lo_hi.items():
        if lo > hi:
            raise VentureLabError(f"uncertainty.{name}", "low must not exceed high", got=[lo, hi])
    for i, t in enumerate(s.targets):
        p_ = f"targets[{i}]"
        if t.kind == "api":
            if s.workload == "llm" and (t.usd_per_m_input is None or t.usd_per_m_output is None):
                raise VentureLabError(f"{p_}.usd_per_m_input", "an llm api target needs "
                                      "usd_per_m_input and usd_per_m_output")
            if s.workload == "per-input" and t.usd_per_request is None:
                raise VentureLabError(f"{p_}.usd_per_request", "a per-input api target needs it")
            continue
        if not t.hardware:
            raise VentureLabError(f"{p_}.hardware", f"is required for a {t.kind} target")
        if t.kind == "rented-gpu" and t.usd_per_hour is None:
            raise VentureLabError(f"{p_}.usd_per_hour", "is required for a rented-gpu target")
        if t.kind in ("owned-gpu", "edge") and t.purchase_usd is None and t.node_purchase_usd is None:
            raise VentureLabError(f"{p_}.purchase_usd", f"a {t.kind} target needs purchase_usd "
                                  "(per device) or node_purchase_usd (per server)")
    _check_limits(s)


def _check_limits(s: Scenario) -> None:
    """Limits and latency figures are times: a zero would be a limit nothing meets."""
    groups = [("limits", s.limits)] + [(f"targets[{i}].latency", t.latency)
                                       for i, t in enumerate(s.targets)]
    for where, values in groups:
        for name in ("ttft_ms_p90", "tpot_ms", "e2e_ms_p90", "per_input_ms_p90"):
            v = getattr(values, name)
            if v is not None and v <= 0:
                raise VentureLabError(f"{where}.{name}", "must be above 0 ms (or left out)", got=v)


def from_dict(data: Any) -> Scenario:
    """Validate plain data (any schema version) into a :class:`Scenario`."""
    data = migrate(data)
    scenario = build(Scenario, data)
    _check_rules(scenario)
    return scenario


# ---------------------------------------------------------------------------------------
# YAML text <-> Scenario (untrusted text goes through scenarios.business.safe_yaml)
# ---------------------------------------------------------------------------------------
def parse_text(text: str | bytes, *, origin: str = "file") -> Scenario:
    """Parse and validate YAML text (an upload, a file's contents)."""
    return from_dict(parse_yaml(text, origin=origin))


def to_yaml(scenario: Scenario) -> str:
    header = (f"# AI Venture Lab scenario (schema version {SCHEMA_VERSION}). Edit freely; "
              "`venture-lab scenario validate FILE` checks it.\n")
    return header + yaml.safe_dump(scenario.to_dict(), sort_keys=False, allow_unicode=True,
                                   default_flow_style=None, width=100)


def load(path: str | os.PathLike) -> Scenario:
    """Load and validate one scenario file (a regular file within the size cap; never blocks)."""
    return parse_text(read_file(path))


# ---------------------------------------------------------------------------------------
# Presets: data files shipped with the package, read-only
# ---------------------------------------------------------------------------------------
def preset_ids() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def load_preset(preset_id: str) -> Scenario:
    if preset_id not in preset_ids():
        raise VentureLabError("preset", "no such preset", got=preset_id, accepted=preset_ids())
    return load(PRESET_DIR / f"{preset_id}.yaml")
