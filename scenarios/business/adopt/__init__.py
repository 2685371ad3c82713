"""A demo technique's measured effect priced at the scale of a domain's scenario.

One function per technique family takes the measured effect as plain numbers and a
:class:`~scenarios.business.scenario.Scenario` and returns an :class:`Adoption` (the $ a month and
one-off change with their bands, the quantities behind them, every assumption with its source).
:data:`TECHNIQUES` names each technique, its preset and its function; :func:`parse_adopt` reads the
scenario page's ``adopt=`` URL value (``fraud-screening:recall=0.8,false_positive_rate=0.01,...``)
and :func:`adopt_value` writes it. Formulas and sources: docs/adopt.md.

Examples
--------
>>> from scenarios.business.scenario import load_preset
>>> a = price("cheat-review", {"review_budget": 0.02, "precision": 0.5, "recall": 0.5, "cheat_rate": 0.02},
...           load_preset("games"))
>>> round(a.quantity("reviews_per_month"))
4000
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Callable, Mapping

from scenarios.business.adopt.base import Adoption, Quantity, SourcedRange, sourced
from scenarios.business.adopt.risk import cheat_review, fraud_screening
from scenarios.business.adopt.serving import cold_start_routing, compression, labelled_data
from scenarios.business.adopt.training import (
    adversarial_training,
    dp_sgd,
    early_stopping,
    fedavg,
    mixed_precision,
    noise_augmentation,
)
from scenarios.business.scenario import Scenario
from scenarios.errors import VentureLabError

__all__ = ["Adoption", "Quantity", "SourcedRange", "Technique", "TECHNIQUES", "price", "parse_adopt",
           "adopt_value", "sourced"]

MAX_ADOPT_CHARS = 400


@dataclass(frozen=True)
class Technique:
    id: str
    preset: str                       # the scenario the demo's panel prices it in
    function: Callable[..., Adoption]
    fixed: tuple[tuple[str, str], ...] = ()   # keyword arguments the technique id fixes (the model)

    @property
    def inputs(self) -> tuple[str, ...]:
        """The measured numbers the function takes, in order."""
        fixed = dict(self.fixed)
        return tuple(n for n, p in inspect.signature(self.function).parameters.items()
                     if p.kind is inspect.Parameter.KEYWORD_ONLY and n not in fixed)


TECHNIQUES: dict[str, Technique] = {t.id: t for t in (
    Technique("fraud-screening", "finance", fraud_screening),
    Technique("dp-sgd", "medical", dp_sgd),
    Technique("fedavg", "medical", fedavg),
    Technique("adversarial-resnet-50", "autonomous-driving", adversarial_training, (("model", "resnet-50"),)),
    Technique("adversarial-vit-b-16", "autonomous-driving", adversarial_training, (("model", "vit-b-16"),)),
    Technique("compression", "vision", compression),
    Technique("labelled-data", "customer-service", labelled_data),
    Technique("cold-start-routing", "recommendation", cold_start_routing),
    Technique("cheat-review", "games", cheat_review),
    Technique("noise-augmentation", "speech", noise_augmentation),
    Technique("early-stopping", "nlp", early_stopping),
    Technique("mixed-precision", "vision", mixed_precision),
)}


def _technique(technique_id: str) -> Technique:
    if technique_id not in TECHNIQUES:
        raise VentureLabError("adopt", "unknown technique", got=technique_id, accepted=tuple(TECHNIQUES))
    return TECHNIQUES[technique_id]


def price(technique_id: str, measured: Mapping[str, float], scenario: Scenario) -> Adoption:
    """The technique's effect ``measured`` (exactly its :attr:`Technique.inputs`) priced in ``scenario``."""
    tech = _technique(technique_id)
    missing = [n for n in tech.inputs if n not in measured]
    extra = [n for n in measured if n not in tech.inputs]
    if missing or extra:
        raise VentureLabError("adopt", f"needs exactly the measured values of {technique_id}",
                              got=", ".join(sorted(measured)) or "none", accepted=tech.inputs)
    return tech.function(scenario, **{n: measured[n] for n in tech.inputs}, **dict(tech.fixed))


def adopt_value(technique_id: str, measured: Mapping[str, float]) -> str:
    """The ``adopt=`` URL value that carries a technique and its measured effect."""
    tech = _technique(technique_id)
    return technique_id + ":" + ",".join(f"{n}={float(measured[n]):.6g}" for n in tech.inputs)


def parse_adopt(value: str) -> tuple[str, dict[str, float]]:
    """``technique:name=number,...`` -> (technique id, measured numbers); bad text raises
    :class:`VentureLabError` naming the part that is wrong."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ADOPT_CHARS:
        raise VentureLabError("adopt", f"must be technique:name=number,... (at most {MAX_ADOPT_CHARS} characters)",
                              got=str(value)[:60], accepted=tuple(TECHNIQUES))
    head, _, rest = value.strip().partition(":")
    tech = _technique(head)
    measured: dict[str, float] = {}
    for part in filter(None, rest.split(",")):
        name, eq, number = part.partition("=")
        try:
            x = float(number)
        except ValueError:
            x = math.nan
        if not eq or name not in tech.inputs or not math.isfinite(x):
            raise VentureLabError(f"adopt.{name or '?'}", "must be name=number with a name the technique takes",
                                  got=part[:60], accepted=tech.inputs)
        measured[name] = x
    return head, measured
