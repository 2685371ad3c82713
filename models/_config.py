"""The one way a demo model's config checks its fields.

Every config's ``validate`` states its accepted ranges as data (``field=(low, high)``) and lets
these helpers raise the project's error, so each message names the field, the value and what is
accepted in the same words (scenarios.errors.VentureLabError).

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Toy:
...     epochs: int = 0
>>> check_ranges(Toy(), epochs=(1, 200))
Traceback (most recent call last):
...
scenarios.errors.VentureLabError: epochs: out of range (got 0); accepted: 1..200
"""

from __future__ import annotations

from collections.abc import Iterable

from scenarios.errors import VentureLabError


def check_ranges(config: object, **ranges: tuple[float, float]) -> None:
    """Raise for the first field of ``config`` outside its closed range ``(low, high)``."""
    for name, (low, high) in ranges.items():
        value = getattr(config, name)
        if not low <= value <= high:
            raise VentureLabError(name, "out of range", got=value, accepted=f"{low:g}..{high:g}")


def check(config: object, name: str, ok: bool, accepted: str, problem: str = "out of range") -> None:
    """Raise for field ``name`` when ``ok`` is false: the checks a closed range cannot state
    (an open bound, a bound set by another field)."""
    if not ok:
        raise VentureLabError(name, problem, got=getattr(config, name), accepted=accepted)


def check_choice(config: object, name: str, choices: Iterable[object]) -> None:
    """Raise when field ``name`` is not one of ``choices``."""
    choices = tuple(choices)
    if getattr(config, name) not in choices:
        raise VentureLabError(name, "unknown", got=getattr(config, name), accepted=", ".join(str(c) for c in choices))
