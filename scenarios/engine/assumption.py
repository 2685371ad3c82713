"""One stated assumption behind an estimate (name, value, unit, source), shared by the serving and
training results, and the ``to_dict`` those results have in common."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Assumption:
    name: str
    value: object
    unit: str
    source: str

    def to_dict(self) -> dict:
        return asdict(self)


def result_dict(result) -> dict:
    """``asdict(result)`` with ``assumptions`` as a list of plain dicts (JSON-ready)."""
    d = asdict(result)
    d["assumptions"] = [a.to_dict() for a in result.assumptions]
    return d
