"""What every adoption price shares: the result type, the sourced constants of
data/adoption_assumptions.csv, the band rule, and the training-cost helpers built on the engine.

Sign convention: ``usd_month`` and ``usd_once`` are *changes in cost* to the company; a negative
figure is a saving. docs/adopt.md has the formulas.
"""

from __future__ import annotations

import csv
import functools
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from scenarios.engine import speed
from scenarios.engine.assumption import Assumption
from scenarios.engine.catalog import get_hardware, get_model
from scenarios.engine.training import TrainingRequest, estimate_training
from scenarios.errors import VentureLabError
from scenarios.units import Range

DATA_FILE = Path(__file__).resolve().parents[3] / "data" / "adoption_assumptions.csv"
# Training runs are priced on rented H100s at the catalog's median listing (data/hardware.csv).
TRAINING_HARDWARE = "nvidia-h100-sxm"
TRAINING_DEVICES = 8
# Forward + backward of one input costs about 3 forward passes (backward ~ 2x forward):
# Kaplan et al. 2020 arXiv:2001.08361 s2.1 (the 6 N D rule is 3 x the 2 N forward FLOPs).
TRAIN_FLOPS_PER_FORWARD = 3.0
ZERO = Range.point(0.0)


@dataclass(frozen=True)
class Quantity:
    """One figure behind the price (``reviews_per_month``, ``extra_gpu_hours``), with its unit."""

    name: str
    value: float
    unit: str


@dataclass(frozen=True)
class Adoption:
    """A technique's measured effect priced at the scale of one scenario."""

    technique: str
    scenario_id: str
    usd_month: Range                  # change in monthly cost; < 0 saves money
    usd_once: Range                   # one-off cost of adopting (training, labelling); < 0 saves
    quantities: tuple[Quantity, ...]
    assumptions: tuple[Assumption, ...]
    measured: tuple[tuple[str, float], ...]   # the demo's numbers this price was made from

    def quantity(self, name: str) -> float:
        for q in self.quantities:
            if q.name == name:
                return q.value
        raise VentureLabError("quantity", "not in this adoption", got=name,
                              accepted=[q.name for q in self.quantities])


@dataclass(frozen=True)
class SourcedRange:
    """One row of data/adoption_assumptions.csv."""

    id: str
    range: Range
    unit: str
    source: str
    date: str
    verified: bool
    note: str

    def assumption(self) -> Assumption:
        r = self.range
        value = f"{r.expected:g}" if r.width == 0 else f"{r.expected:g} ({r.low:g}-{r.high:g})"
        flag = "verified" if self.verified else "unverified"
        extra = f"; {self.note}" if self.note else ""
        return Assumption(self.id, value, self.unit, f"{self.source} [{self.date or 'undated'}, {flag}{extra}]")


@functools.lru_cache(maxsize=1)
def sourced() -> dict[str, SourcedRange]:
    """Every row of data/adoption_assumptions.csv, by id (read once per process)."""
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {r["id"]: SourcedRange(r["id"], Range(float(r["low"]), float(r["expected"]), float(r["high"]), r["id"]),
                                  r["unit"], r["source"], r["date"], r["verified"] == "True", r["note"])
            for r in rows}


def constant(name: str) -> Range:
    return sourced()[name].range


def band(f: Callable[..., float], *ranges: Range) -> Range:
    """``f`` at every corner of the inputs' bands and at their expected values: the lowest and
    highest corners bound the band, the expected inputs give the expected figure."""
    expected = f(*(r.expected for r in ranges))
    corners = [f(*c) for c in itertools.product(*((r.low, r.high) for r in ranges))]
    return Range(min(corners + [expected]), expected, max(corners + [expected]))


def signed(r: Range, factor: float) -> Range:
    """Every end times ``factor``, which may be negative (a saving): the ends swap places."""
    ends = sorted((r.low * factor, r.high * factor))
    return Range(ends[0], r.expected * factor, ends[1])


def check_share(name: str, value: float) -> float:
    """A measured rate in [0, 1] (a recall, an accuracy)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0.0 <= value <= 1.0:
        raise VentureLabError(name, "must be a share between 0 and 1", got=value)
    return float(value)


def check_positive(name: str, value: float, *, maximum: float = 1e12, allow_zero: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value > maximum or value < 0 or (value == 0 and not allow_zero):
        raise VentureLabError(name, f"must be a number {'>=' if allow_zero else '>'} 0 and <= {maximum:g}", got=value)
    return float(value)


def monthly(once: Range) -> Range:
    """A one-off training cost repeated at the retraining cadence (retrains_per_month)."""
    cadence = constant("retrains_per_month")
    return band(lambda usd, n: usd * n, once, cadence)


def llm_pass_usd(model: str) -> tuple[Range, float]:
    """$ (band from the engine's MFU band and the fine-tune-set band) and expected accelerator
    hours of one pass over the stated fine-tuning set, from the engine's training estimate."""
    tokens = constant("llm_finetune_tokens")

    def usd(n_tokens: float) -> tuple[float, float, float, float]:
        est = estimate_training(TrainingRequest(model, TRAINING_HARDWARE, n_tokens, devices=TRAINING_DEVICES,
                                                zero_stage=3))
        return est.cost_usd_low, est.cost_usd, est.cost_usd_high, est.accelerator_hours

    lo, ex, hi = usd(tokens.low), usd(tokens.expected), usd(tokens.high)
    return Range(lo[0], ex[1], hi[2]), ex[3]


def image_training_usd(model: str, images: Range, epochs: Range) -> tuple[Range, float]:
    """$ band and expected accelerator-hours of training an image model from scratch:
    FLOPs = 3 x forward GFLOPs x images x epochs, hours = FLOPs / (16-bit peak x MFU), the MFU
    band from the engine's fit (speed.mfu_for), priced at the catalog's hourly rate."""
    spec, hw = get_model(model), get_hardware(TRAINING_HARDWARE)
    if not spec.gflops_per_input:
        raise VentureLabError("model", "needs gflops_per_input for an image training estimate", got=model)
    fit = speed.mfu_for(hw.id, spec.params / 1e9)
    mfu = Range(float(fit.mfu_low[0]), float(fit.mfu[0]), float(fit.mfu_high[0]))

    def hours(n_images: float, n_epochs: float, m: float) -> float:
        flops = TRAIN_FLOPS_PER_FORWARD * spec.gflops_per_input * 1e9 * n_images * n_epochs
        return flops / (hw.peak_tflops_fp16 * 1e12 * m) / 3600.0

    h = band(hours, images, epochs, mfu)
    return h.scaled(hw.usd_per_hour), h.expected


def training_assumptions() -> tuple[Assumption, ...]:
    hw = get_hardware(TRAINING_HARDWARE)
    return (Assumption("training_hardware", f"{TRAINING_DEVICES} x {hw.id}", "devices",
                       "stated: a rented 8-GPU node (data/hardware.csv)"),
            Assumption("training_price", hw.usd_per_hour, "USD per device-hour", hw.price_source or "catalog"),
            Assumption("mfu", "engine fit by hardware and model size", "share of peak",
                       "scenarios.engine.speed.mfu_for (data/fitted_factors.json)"),
            sourced()["retrains_per_month"].assumption())
