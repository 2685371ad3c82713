"""The Scenario: one named, versioned set of business assumptions, stored as a YAML file.

A scenario says what a product serves (domain, model, weight format), where it could be
served (targets: an API, rented GPUs, owned GPUs, edge boxes, phones, each with its price and
the date of that price), how much traffic it gets, how it charges, what the company spends
besides serving and how much cash it has. :mod:`scenarios.business.economics` turns it into figures.

Files are YAML, human-readable and hand-editable. Loading is strict and defensive:
a size cap, a depth and node cap, no YAML aliases (no "billion laughs"), only plain data
(``yaml.SafeLoader``), every field type- and range-checked, unknown fields refused, and every
problem raised as :class:`~scenarios.errors.VentureLabError` naming the field
(``traffic.peak_factor``). Older ``schema_version`` s are migrated on load
(:func:`migrate`). Files are written by :mod:`scenarios.business.store` (atomic, never
overwriting an existing file unless asked).

Examples
--------
>>> from scenarios.business.scenario import load_preset
>>> s = load_preset("nlp")
>>> s.domain, s.schema_version
('nlp', 2)
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scenarios.errors import VentureLabError

SCHEMA_VERSION = 2
MAX_FILE_BYTES = 64 * 1024       # a real scenario is ~3 kB; anything near this is hostile
MAX_DEPTH = 8                    # the schema nests 3 levels deep
MAX_NODES = 2_000
MAX_STR = 2_000
MAX_TARGETS = 8

DOMAINS = ("nlp", "vision", "recommendation", "speech", "medical", "finance",
           "customer-service", "games", "autonomous-driving")
TARGET_KINDS = ("api", "rented-gpu", "owned-gpu", "edge", "phone")
WORKLOADS = ("llm", "per-input")
PRICING_MODELS = ("per-request", "subscription")
PRESET_DIR = Path(__file__).resolve().parent / "presets"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


# ---------------------------------------------------------------------------------------
# Schema. Field metadata: (low, high) bounds for numbers, `choices` for strings.
# ---------------------------------------------------------------------------------------
def _f(default: Any = dataclasses.MISSING, *, lo: float | None = None, hi: float | None = None,
       choices: tuple[str, ...] | None = None, pattern: re.Pattern | None = None, doc: str = ""):
    meta = {"lo": lo, "hi": hi, "choices": choices, "pattern": pattern, "doc": doc}
    if default is dataclasses.MISSING:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Traffic:
    requests_per_day: float = _f(lo=0, hi=1e11, doc="requests per day today (average day)")
    prompt_tokens: int = _f(lo=0, hi=1_000_000, doc="input tokens per request (llm workload)")
    output_tokens: int = _f(lo=0, hi=1_000_000, doc="output tokens per request (llm workload)")
    monthly_active_users: int = _f(1, lo=1, hi=10**10, doc="users, for cost per user and subscriptions")
    peak_factor: float = _f(2.0, lo=1, hi=100, doc="peak-hour rate / average rate; capacity is sized for it")
    monthly_growth: float = _f(0.0, lo=-0.5, hi=2.0, doc="month-on-month growth of requests and users")
    inputs_per_request: int = _f(1, lo=1, hi=100_000, doc="images/clips per request (per-input workload)")


@dataclass(frozen=True)
class Pricing:
    model: str = _f(choices=PRICING_MODELS)
    usd_per_request: float | None = _f(None, lo=0, hi=1e6)
    usd_per_user_month: float | None = _f(None, lo=0, hi=1e7)


@dataclass(frozen=True)
class Target:
    """One place the model could be served, with the prices that apply there and their date."""
    id: str = _f(pattern=ID_RE)
    kind: str = _f(choices=TARGET_KINDS)
    hardware: str | None = _f(None, doc="hardware catalog id (not for api)")
    batch: int = _f(8, lo=1, hi=4096, doc="concurrent sequences per replica")
    devices_per_replica: int = _f(1, lo=1, hi=64, doc="tensor-parallel devices per replica")
    min_replicas: int = _f(1, lo=0, hi=100_000, doc="replicas kept up however low the traffic")
    # api
    provider: str | None = _f(None)
    api_model: str | None = _f(None)
    usd_per_m_input: float | None = _f(None, lo=0, hi=1_000)
    usd_per_m_output: float | None = _f(None, lo=0, hi=10_000)
    usd_per_request: float | None = _f(None, lo=0, hi=1_000, doc="per-input APIs: price per request")
    # rented
    usd_per_hour: float | None = _f(None, lo=0, hi=1_000, doc="per device")
    # owned / edge
    purchase_usd: float | None = _f(None, lo=0, hi=10_000_000, doc="per device, all-in")
    amortisation_months: int = _f(36, lo=1, hi=120)
    power_w: float | None = _f(None, lo=0, hi=100_000, doc="per device; default: catalog TDP")
    hosting_usd_per_device_month: float = _f(0.0, lo=0, hi=100_000, doc="colocation, rack, network")
    # provenance of the prices above
    as_of: str = _f("", doc="date of the prices")
    source: str = _f("", doc="where the prices come from")


@dataclass(frozen=True)
class Operating:
    utilisation: float = _f(0.6, lo=0.01, hi=1.0, doc="share of replica capacity used at peak")
    electricity_usd_per_kwh: float = _f(0.083, lo=0, hi=5)
    pue: float = _f(1.5, lo=1.0, hi=3.0)
    as_of: str = _f("")
    source: str = _f("")


@dataclass(frozen=True)
class FixedCosts:
    team_usd_month: float = _f(0.0, lo=0, hi=1e9)
    compliance_usd_month: float = _f(0.0, lo=0, hi=1e9)
    other_usd_month: float = _f(0.0, lo=0, hi=1e9)

    @property
    def total_usd_month(self) -> float:
        return self.team_usd_month + self.compliance_usd_month + self.other_usd_month


@dataclass(frozen=True)
class Funding:
    cash_usd: float = _f(0.0, lo=0, hi=1e12)


@dataclass(frozen=True)
class Uncertainty:
    """Ranges for the Monte Carlo and the tornado: (low, high) multipliers on the scenario's
    expected values, except `utilisation`, which is absolute. The engine's own efficiency band
    (low/high throughput) is always included."""
    traffic: tuple[float, float] = _f((0.7, 1.4), lo=0.01, hi=100)
    hardware_price: tuple[float, float] = _f((0.8, 1.25), lo=0.01, hi=100)
    api_price: tuple[float, float] = _f((0.8, 1.2), lo=0.01, hi=100)
    utilisation: tuple[float, float] = _f((0.4, 0.8), lo=0.01, hi=1.0)


@dataclass(frozen=True)
class Scenario:
    id: str = _f(pattern=ID_RE)
    name: str = _f()
    domain: str = _f(choices=DOMAINS)
    model: str = _f(doc="model catalog id")
    traffic: Traffic = _f()
    pricing: Pricing = _f()
    targets: tuple[Target, ...] = _f()
    serving_target: str = _f(doc="id of the target that drives the unit economics")
    schema_version: int = _f(SCHEMA_VERSION, lo=SCHEMA_VERSION, hi=SCHEMA_VERSION)
    description: str = _f("")
    weights: str = _f("fp16", doc="weight format id")
    workload: str = _f("llm", choices=WORKLOADS)
    operating: Operating = _f(Operating())
    fixed_costs: FixedCosts = _f(FixedCosts())
    funding: Funding = _f(Funding())
    uncertainty: Uncertainty = _f(Uncertainty())

    def target(self, target_id: str | None = None) -> Target:
        wanted = target_id or self.serving_target
        for t in self.targets:
            if t.id == wanted:
                return t
        raise VentureLabError("serving_target", "names no target of this scenario", got=wanted,
                              accepted=[t.id for t in self.targets])

    def to_dict(self) -> dict[str, Any]:
        """Plain data in schema order, with defaults included (what :func:`save` writes)."""
        plain = _to_plain(self)
        return {"schema_version": plain.pop("schema_version"), **plain}

    def replace(self, **changes: Any) -> "Scenario":
        """A copy with top-level fields changed, validated again."""
        data = self.to_dict()
        data.update({k: _to_plain(v) for k, v in changes.items()})
        return from_dict(data)


# ---------------------------------------------------------------------------------------
# dict -> Scenario (validation)
# ---------------------------------------------------------------------------------------
def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_to_plain(v) for v in value]
    return value


def _is_optional(tp: Any) -> tuple[bool, Any]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return True, args[0]
    return False, tp


def _check_scalar(path: str, tp: Any, value: Any, meta: dict) -> Any:
    if tp is str:
        if isinstance(value, (_dt.date, _dt.datetime)):
            value = value.isoformat()  # YAML reads an unquoted 2026-09-25 as a date
        if not isinstance(value, str):
            raise VentureLabError(path, "must be text", got=type(value).__name__)
        if len(value) > MAX_STR:
            raise VentureLabError(path, f"is longer than {MAX_STR} characters", got=len(value))
        if meta.get("choices") and value not in meta["choices"]:
            raise VentureLabError(path, "is not one of the accepted values", got=value,
                                  accepted=meta["choices"])
        if meta.get("pattern") and not meta["pattern"].match(value):
            raise VentureLabError(path, "must be lowercase letters, digits and '-' (max 64)", got=value)
        return value
    if tp in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise VentureLabError(path, f"must be a number{' (whole)' if tp is int else ''}",
                                  got=value if isinstance(value, str) else type(value).__name__)
        if not math.isfinite(value):
            raise VentureLabError(path, "must be a finite number", got=value)
        if tp is int:
            if float(value) != int(value):
                raise VentureLabError(path, "must be a whole number", got=value)
            value = int(value)
        else:
            value = float(value)
        lo, hi = meta.get("lo"), meta.get("hi")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise VentureLabError(path, "is out of range", got=value, accepted=f"{lo} to {hi}")
        return value
    raise TypeError(tp)  # pragma: no cover - schema bug


def _build(cls: type, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise VentureLabError(path or "file", "must be a mapping of field: value",
                              got=type(data).__name__)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(str(k) for k in data if k not in fields)
    if unknown:
        # a key that is blank or holds ':' would make the message's "field: problem" shape ambiguous
        key = unknown[0] if re.fullmatch(r"[\w.\-]+", unknown[0]) else repr(unknown[0])
        where = f"{path}.{key}" if path else key
        raise VentureLabError(where, "is not a known field", accepted=sorted(fields))
    kwargs = {}
    for name, f in fields.items():
        p = f"{path}.{name}" if path else name
        if name not in data:
            if f.default is dataclasses.MISSING:
                raise VentureLabError(p, "is missing (required)")
            continue
        kwargs[name] = _convert(p, hints[name], data[name], f.metadata)
    return cls(**kwargs)


def _convert(path: str, tp: Any, value: Any, meta: dict) -> Any:
    optional, tp = _is_optional(tp)
    if value is None:
        if optional:
            return None
        raise VentureLabError(path, "must not be empty")
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, path)
    if typing.get_origin(tp) is tuple:
        if not isinstance(value, list):
            raise VentureLabError(path, "must be a list", got=type(value).__name__)
        args = typing.get_args(tp)
        if args[-1] is Ellipsis:
            return tuple(_convert(f"{path}[{i}]", args[0], v, meta) for i, v in enumerate(value))
        if len(value) != len(args):
            raise VentureLabError(path, f"must be a list of {len(args)} values", got=len(value))
        out = tuple(_convert(f"{path}[{i}]", a, v, meta) for i, (a, v) in enumerate(zip(args, value)))
        return out
    return _check_scalar(path, tp, value, meta)


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
        if t.kind in ("owned-gpu", "edge") and t.purchase_usd is None:
            raise VentureLabError(f"{p_}.purchase_usd", f"is required for a {t.kind} target")


def from_dict(data: Any) -> Scenario:
    """Validate plain data (any schema version) into a :class:`Scenario`."""
    data = migrate(data)
    scenario = _build(Scenario, data, "")
    _check_rules(scenario)
    return scenario


# ---------------------------------------------------------------------------------------
# Migration of older schema versions
# ---------------------------------------------------------------------------------------
def _migrate_v1(d: dict) -> dict:
    """Version 1 (the first prototype's files): ``version: 1``; ``traffic.tokens_in`` /
    ``tokens_out``; ``utilisation`` at top level; one ``fixed_costs_usd_month`` figure;
    ``funding_usd``; targets without ids (the serving target named by its list index)."""
    d = dict(d)
    d.pop("version", None)
    traffic = dict(d.get("traffic") or {})
    if "tokens_in" in traffic:
        traffic["prompt_tokens"] = traffic.pop("tokens_in")
    if "tokens_out" in traffic:
        traffic["output_tokens"] = traffic.pop("tokens_out")
    d["traffic"] = traffic
    if "utilisation" in d:
        d["operating"] = {**(d.get("operating") or {}), "utilisation": d.pop("utilisation")}
    if "fixed_costs_usd_month" in d:
        d["fixed_costs"] = {"other_usd_month": d.pop("fixed_costs_usd_month")}
    if "funding_usd" in d:
        d["funding"] = {"cash_usd": d.pop("funding_usd")}
    targets = []
    for i, t in enumerate(d.get("targets") or []):
        t = dict(t) if isinstance(t, dict) else t
        if isinstance(t, dict) and "id" not in t:
            t["id"] = f"{t.get('kind', 'target')}-{i + 1}"
        targets.append(t)
    d["targets"] = targets
    idx = d.pop("serving_target_index", 0)
    if isinstance(idx, int) and 0 <= idx < len(targets) and isinstance(targets[idx], dict):
        d["serving_target"] = targets[idx]["id"]
    d["schema_version"] = 2
    return d


_MIGRATIONS = {1: _migrate_v1}


def migrate(data: Any) -> Any:
    """Bring data of any known schema version up to :data:`SCHEMA_VERSION`."""
    if not isinstance(data, dict):
        return data
    version = data.get("schema_version", data.get("version", SCHEMA_VERSION))
    if isinstance(version, bool) or not isinstance(version, int):
        raise VentureLabError("schema_version", "must be a whole number", got=version)
    if version > SCHEMA_VERSION or version < 1:
        raise VentureLabError("schema_version", "is not a version this release can read",
                              got=version, accepted=range(1, SCHEMA_VERSION + 1))
    while version < SCHEMA_VERSION:
        data = _MIGRATIONS[version](data)
        version += 1
    return data


# ---------------------------------------------------------------------------------------
# YAML text <-> Scenario, defensively
# ---------------------------------------------------------------------------------------
class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (entity-expansion bombs) and limits depth and size."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            raise VentureLabError("file", "YAML aliases (*name) are not accepted in scenario files")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise VentureLabError("file", f"has more than {MAX_NODES} values")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise VentureLabError("file", f"is nested deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def parse_text(text: str | bytes, *, origin: str = "file") -> Scenario:
    """Parse and validate YAML text (an upload, a file's contents)."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise VentureLabError(origin, f"is larger than {MAX_FILE_BYTES // 1024} kB", got=len(text))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise VentureLabError(origin, "is not UTF-8 text") from None
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise VentureLabError(origin, f"is larger than {MAX_FILE_BYTES // 1024} kB")
    loader = None
    try:
        loader = _GuardedLoader(text)  # the reader already rejects control characters here
        data = loader.get_single_data()
    except VentureLabError:
        raise
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise VentureLabError(origin, f"is not valid YAML{where}") from None
    except RecursionError:
        raise VentureLabError(origin, f"is nested deeper than {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        raise VentureLabError(origin, "is empty")
    return from_dict(data)


def to_yaml(scenario: Scenario) -> str:
    header = (f"# AI Venture Lab scenario (schema version {SCHEMA_VERSION}). Edit freely; "
              "`venture-lab scenario validate FILE` checks it.\n")
    return header + yaml.safe_dump(scenario.to_dict(), sort_keys=False, allow_unicode=True,
                                   default_flow_style=None, width=100)


def load(path: str | os.PathLike) -> Scenario:
    """Load and validate one scenario file."""
    p = Path(path)
    try:
        if not p.is_file():
            raise VentureLabError("file", "does not exist or is not a file", got=str(p))
        if p.stat().st_size > MAX_FILE_BYTES:
            raise VentureLabError("file", f"is larger than {MAX_FILE_BYTES // 1024} kB",
                                  got=p.stat().st_size)
        raw = p.read_bytes()
    except OSError as err:
        raise VentureLabError("file", f"cannot be read ({err.strerror})", got=str(p)) from None
    return parse_text(raw)


# ---------------------------------------------------------------------------------------
# Presets: data files shipped with the package, read-only
# ---------------------------------------------------------------------------------------
def preset_ids() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def load_preset(preset_id: str) -> Scenario:
    if preset_id not in preset_ids():
        raise VentureLabError("preset", "no such preset", got=preset_id, accepted=preset_ids())
    return load(PRESET_DIR / f"{preset_id}.yaml")
