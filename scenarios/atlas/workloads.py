"""Each domain's typical workloads as ready cost presets, run through the cost engine.

A preset (data/domain_workloads.yaml) is one realistic task on one realistic target: a
clinical-notes LLM on a rented L4 or through an API, imaging on a Jetson at a frame-rate budget,
fraud scoring on a CPU at a latency budget, driving perception on an AGX Orin at 30 fps, an
on-phone assistant. :func:`run_preset` asks the engine (docs/engine-api.md) and turns its answer
into what a founder compares: $ per 1,000 tasks and latency per task, each low / expected / high,
against the preset's budget.

Formulas (the engine supplies every speed and price; this module only changes units):

* LLM, self-hosted: ``usd_per_1k_tasks = usd_per_million_tokens x output_tokens / 1000``; the
  engine's $ per 1M tokens is per output token with the prefill included (ARCHITECTURE 4.2).
  Latency per task = ``ttft_ms + output_tokens x tpot_ms``.
* Vision / speech / encoder (one forward pass per input):
  ``usd_per_1k_tasks = 1000 x inputs_per_task x usd_per_hour / (3600 x inputs_per_s x utilisation)``;
  latency per task = ``latency_ms x ceil(inputs_per_task / batch)`` (batches run one after another).
* API: ``usd_per_1k_tasks = (prompt_tokens x usd_per_m_input + output_tokens x usd_per_m_output) / 1000``.
* Price per device-hour: ``rental`` = the catalog's hourly price, else the median of its
  rental-price rows; ``amortised`` = purchase price / (life_years x 8760 h) (owned edge boards);
  ``user-device`` = 0 (the user's phone or PC pays, in battery or frame time).

The engine is imported lazily, so this module loads (and the CLI starts) without it.
"""

from __future__ import annotations

import functools
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from scenarios.atlas.domains import DATA_DIR, DOMAIN_IDS, _Reader
from scenarios.errors import VentureLabError

if TYPE_CHECKING:  # the engine loads lazily: the atlas pages open without it
    from scenarios.engine.catalog import Hardware

KINDS = ("llm", "vision", "api")
PRICE_BASES = ("rental", "amortised", "user-device")
HOURS_PER_YEAR = 24 * 365


@dataclass(frozen=True)
class WorkloadPreset:
    id: str
    domain: str
    name: Mapping[str, str]
    task: Mapping[str, str]
    kind: str
    model: str = ""
    hardware: str = ""
    weights: str = "fp16"
    batch: int = 1
    prompt_tokens: int = 0
    output_tokens: int = 0
    inputs_per_task: int = 1
    gflops_per_input: float | None = None
    api_model: str = ""
    price: str = "rental"
    budget_latency_ms: float | None = None
    utilisation: float = 0.5
    life_years: float = 3.0


@dataclass(frozen=True)
class PresetResult:
    """What one preset costs and how fast it runs; bands are (low, expected, high)."""

    preset: WorkloadPreset
    usd_per_1k_tasks: float
    usd_per_1k_tasks_low: float
    usd_per_1k_tasks_high: float
    latency_ms: float | None
    latency_ms_low: float | None
    latency_ms_high: float | None
    meets_budget: bool | None            # expected latency within budget (None: no budget / API)
    meets_budget_worst_case: bool | None  # high end of the latency band within budget
    fits: bool | None
    battery_pct_per_1k_tasks: float | None
    price_basis: str
    usd_per_hour: float | None
    price_as_of: str
    price_source: str
    assumptions: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (what, value + source)
    # The numbers behind the price, for a translated sentence in the app: purchase_usd and
    # life_years (amortised), n_listings (rental median), api_in / api_out (API $ per 1M tokens).
    price_detail: Mapping[str, float] = field(default_factory=dict)
    runtime: str = ""


# --- presets ----------------------------------------------------------------------------

def load_presets_from(path: Path) -> dict[str, WorkloadPreset]:
    r, doc = _Reader.document(path)
    defaults = r.mapping(doc.get("defaults", {}), "defaults")
    raw = r.entries(doc, "presets", non_empty=True)
    presets: dict[str, WorkloadPreset] = {}
    for _, item, pid in r.identified(raw, "presets"):
        where = f"presets[{pid}]"
        kind = r.choice(item, "kind", where, KINDS)
        common: dict[str, Any] = dict(
            id=pid, domain=r.choice(item, "domain", where, DOMAIN_IDS),
            name=r.i18n(item, "name", where), task=r.i18n(item, "task", where), kind=kind,
            prompt_tokens=_int(r, item, "prompt_tokens", where, 0, 0),
            output_tokens=_int(r, item, "output_tokens", where, 0, 0),
            utilisation=_num(r, {**defaults, **item}, "utilisation", where, 0.5, 0.01, 1.0),
            life_years=_num(r, {**defaults, **item}, "life_years", where, 3.0, 0.1, 20.0),
        )
        if kind == "api":
            common["api_model"] = r.text(item, "api_model", where)
            if common["output_tokens"] + common["prompt_tokens"] <= 0:
                r.fail(where, "an API preset needs prompt_tokens or output_tokens")
        else:
            budget = item.get("budget_latency_ms")
            common.update(
                model=r.text(item, "model", where), hardware=r.text(item, "hardware", where),
                weights=r.text(item, "weights", where),
                batch=_int(r, item, "batch", where, 1, 1),
                inputs_per_task=_int(r, item, "inputs_per_task", where, 1, 1),
                gflops_per_input=(None if item.get("gflops_per_input") is None
                                  else _num(r, item, "gflops_per_input", where, None, 1e-9, 1e6)),
                price=r.choice(item, "price", where, PRICE_BASES),
                budget_latency_ms=None if budget is None else _num(r, item, "budget_latency_ms",
                                                                     where, None, 0.001, 1e7),
            )
            if kind == "llm" and common["output_tokens"] < 1:
                r.fail(f"{where}.output_tokens", "an LLM preset needs at least one output token")
        presets[pid] = WorkloadPreset(**common)
    return presets


def _int(r: _Reader, item: dict, key: str, where: str, default: int, minimum: int) -> int:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        r.fail(f"{where}.{key}", f"must be a whole number >= {minimum}", got=value)
    return value


def _num(r: _Reader, item: dict, key: str, where: str, default: Any, lo: float, hi: float) -> float:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        r.fail(f"{where}.{key}", f"must be a number from {lo:g} to {hi:g}", got=value)
    return float(value)


@functools.lru_cache(maxsize=1)
def load_presets() -> dict[str, WorkloadPreset]:
    return load_presets_from(DATA_DIR / "domain_workloads.yaml")


def presets_for(domain_id: str) -> list[WorkloadPreset]:
    return [p for p in load_presets().values() if p.domain == domain_id]



def _device_price(preset: WorkloadPreset, hw: Hardware) -> tuple[float | None, str, str, tuple, dict]:
    """(usd per device-hour, as of, source, assumptions, detail) for the preset's price basis."""
    if preset.price == "user-device":
        return 0.0, "", "", (("price", "0 $/h: the user's own device does the work"),), {}
    if preset.price == "amortised":
        purchase = hw.purchase_usd
        if not purchase:
            raise VentureLabError(f"{preset.id}.price", "amortised needs a purchase price in the catalog",
                                  got=hw.id, accepted="a device with purchase_usd, or price: rental")
        per_hour = float(purchase) / (preset.life_years * HOURS_PER_YEAR)
        note = (f"${purchase:g} / ({preset.life_years:g} years x {HOURS_PER_YEAR} h) = ${per_hour:.4f}/h"
                " (assumed life, always on)")
        return per_hour, "", hw.source, \
            (("price", note),), {"purchase_usd": float(purchase), "life_years": preset.life_years}
    per_hour = hw.usd_per_hour
    if per_hour:
        return float(per_hour), hw.price_as_of, \
            hw.price_source, (("price", f"${per_hour:g}/h catalog rental"),), {}
    from scenarios.engine.prices import load_rental_prices

    rows = [p for p in load_rental_prices()
            if p.hardware_id == hw.id]
    if not rows:
        raise VentureLabError(f"{preset.id}.price", "no rental price for this device", got=hw.id,
                              accepted="a device with a rental price, or price: amortised")
    per_hour = statistics.median(float(p.usd_per_gpu_hour) for p in rows)
    as_of = max(str(p.as_of) for p in rows)
    src = "; ".join(sorted({f"{p.provider} {p.usd_per_gpu_hour} ({p.as_of})" for p in rows}))
    return per_hour, as_of, src, (("price", f"median of {len(rows)} rental prices = ${per_hour:.3f}/h"),), \
        {"n_listings": float(len(rows))}


def _band(low: Any, mid: Any, high: Any) -> tuple[float | None, float | None, float | None]:
    vals = [None if v is None else float(v) for v in (low, mid, high)]
    if vals[1] is None:
        return None, None, None
    lo = vals[0] if vals[0] is not None else vals[1]
    hi = vals[2] if vals[2] is not None else vals[1]
    return min(lo, hi, vals[1]), vals[1], max(lo, hi, vals[1])


def _result(preset: WorkloadPreset, usd: tuple, lat: tuple, *, fits: bool | None, battery: float | None,
            price_basis: str, usd_per_hour: float | None, as_of: str, source: str,
            assumptions: tuple, detail: dict | None = None, runtime: str = "") -> PresetResult:
    """Build a result from (low, expected, high) bands, by keyword: the field order differs."""
    ok, ok_worst = _budget(preset, lat[1], lat[2])
    return PresetResult(
        preset=preset, usd_per_1k_tasks=usd[1], usd_per_1k_tasks_low=usd[0], usd_per_1k_tasks_high=usd[2],
        latency_ms=lat[1], latency_ms_low=lat[0], latency_ms_high=lat[2], meets_budget=ok,
        meets_budget_worst_case=ok_worst, fits=fits, battery_pct_per_1k_tasks=battery,
        price_basis=price_basis, usd_per_hour=usd_per_hour, price_as_of=as_of, price_source=source,
        assumptions=assumptions, price_detail=detail or {}, runtime=runtime)


def _budget(preset: WorkloadPreset, mid: float | None, high: float | None) -> tuple[bool | None, bool | None]:
    if preset.budget_latency_ms is None or mid is None:
        return None, None
    return mid <= preset.budget_latency_ms, (high if high is not None else mid) <= preset.budget_latency_ms


def _run_api(preset: WorkloadPreset) -> PresetResult:
    from scenarios.engine.prices import load_api_prices

    prices = load_api_prices()
    match = [p for p in prices if str(p.model).strip().lower() == preset.api_model.lower()]
    if not match:
        raise VentureLabError(f"{preset.id}.api_model", "is not in the API price list",
                              got=preset.api_model, accepted=sorted({str(p.model) for p in prices}))
    p = match[0]
    usd = (preset.prompt_tokens * float(p.usd_per_m_input)
           + preset.output_tokens * float(p.usd_per_m_output)) / 1000.0
    note = (f"{p.provider} {p.model}: ${p.usd_per_m_input}/M in, ${p.usd_per_m_output}/M out "
            f"(as of {p.as_of}; {p.source})")
    return _result(preset, (usd, usd, usd), (None, None, None), fits=None, battery=None, price_basis="api",
                   usd_per_hour=None, as_of=str(p.as_of), source=str(p.source), assumptions=(("price", note),),
                   detail={"api_in": float(p.usd_per_m_input), "api_out": float(p.usd_per_m_output)})


def _run_llm(preset: WorkloadPreset, hw: Hardware) -> PresetResult:
    from scenarios.engine.serving import InferenceRequest, estimate_inference

    per_hour, as_of, src, notes, detail = _device_price(preset, hw)
    est = estimate_inference(InferenceRequest(
        model=preset.model, hardware=preset.hardware, weights=preset.weights, batch=preset.batch,
        prompt_tokens=preset.prompt_tokens, output_tokens=preset.output_tokens,
        price_per_hour=per_hour if per_hour else None, utilisation=preset.utilisation,
    ))
    out = preset.output_tokens
    if per_hour:
        usd = _band(est.usd_per_million_tokens_low, est.usd_per_million_tokens,
                    est.usd_per_million_tokens_high)
        usd = tuple(None if v is None else v * out / 1000.0 for v in usd)
    else:
        usd = (0.0, 0.0, 0.0)
    if usd[1] is None:
        raise VentureLabError(f"{preset.id}", "the engine returned no $ per 1M tokens for this price",
                              got=per_hour)
    ttft = _band(est.ttft_ms_low, est.ttft_ms, est.ttft_ms_high)
    tpot = _band(est.tpot_ms_low, est.tpot_ms, est.tpot_ms_high)
    lat = tuple(None if a is None or b is None else a + out * b for a, b in zip(ttft, tpot))
    battery = est.battery_pct_per_1k_tokens
    battery_task = None if battery is None else battery * out / 1000.0 * 1000.0  # per 1k tasks
    notes += (("engine", f"runtime {est.runtime}, {preset.weights}, batch {preset.batch}, "
               f"utilisation {preset.utilisation:g}"),)
    return _result(preset, usd, lat, fits=bool(est.fits), battery=battery_task, price_basis=preset.price,
                   usd_per_hour=per_hour, as_of=as_of, source=src, assumptions=notes + _engine_assumptions(est),
                   detail=detail, runtime=est.runtime)


def _run_vision(preset: WorkloadPreset, hw: Hardware) -> PresetResult:
    from scenarios.engine.serving import estimate_vision

    per_hour, as_of, src, notes, detail = _device_price(preset, hw)
    est = estimate_vision(preset.model, preset.hardware, weights=preset.weights, batch=preset.batch,
                          gflops_per_input=preset.gflops_per_input)
    ips = _band(est.inputs_per_s_low, est.inputs_per_s, est.inputs_per_s_high)
    if not ips[1] or ips[1] <= 0:
        raise VentureLabError(f"{preset.id}", "the engine returned no throughput", got=ips[1])
    # Higher throughput -> lower cost: the low cost pairs with the high throughput.
    cost = [1000.0 * preset.inputs_per_task * (per_hour or 0.0) / (3600.0 * x * preset.utilisation)
            for x in (ips[2], ips[1], ips[0])]
    rounds = math.ceil(preset.inputs_per_task / preset.batch)
    lat = tuple(None if v is None else v * rounds
                for v in _band(est.latency_ms_low, est.latency_ms, est.latency_ms_high))
    notes += (("engine", f"{preset.weights}, batch {preset.batch}, {preset.inputs_per_task} input(s) per task"
               + (f", {preset.gflops_per_input:g} GFLOPs per input" if preset.gflops_per_input else "")),)
    return _result(preset, tuple(cost), lat, fits=bool(est.fits), battery=None, price_basis=preset.price,
                   usd_per_hour=per_hour, as_of=as_of, source=src, assumptions=notes + _engine_assumptions(est),
                   detail=detail, runtime=est.runtime)


def _engine_assumptions(est: Any) -> tuple[tuple[str, str], ...]:
    out = []
    for a in getattr(est, "assumptions", ()) or ():
        name = getattr(a, "name", str(a))
        value = getattr(a, "value", "")
        unit = getattr(a, "unit", "")
        source = getattr(a, "source", "")
        out.append((str(name), f"{value} {unit}".strip() + (f" ({source})" if source else "")))
    return tuple(out)


def run_preset(preset: WorkloadPreset | str) -> PresetResult:
    """Run one preset through the engine. Raises VentureLabError for a bad preset or engine input."""
    if isinstance(preset, str):
        presets = load_presets()
        if preset not in presets:
            raise VentureLabError("preset", "unknown workload preset", got=preset, accepted=sorted(presets))
        preset = presets[preset]
    if preset.kind == "api":
        return _run_api(preset)
    from scenarios.engine.catalog import get_hardware

    hw = get_hardware(preset.hardware)
    return _run_llm(preset, hw) if preset.kind == "llm" else _run_vision(preset, hw)
