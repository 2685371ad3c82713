"""One CSV row of a catalog (or a device file's mapping) with typed, range-checked access: every
error names the file, the row and the field (:mod:`scenarios.engine.catalog` builds on it)."""

from __future__ import annotations

import csv
from pathlib import Path

from scenarios.errors import VentureLabError
from scenarios.units import parse_number


class CatalogRow:
    """Typed access to one CSV row with errors that name file, row and field."""

    def __init__(self, where: str, row: dict):
        self.where, self.row = where, row

    def _field(self, name: str) -> str:
        return f"{self.where} field {name}"

    def text(self, name: str, required: bool = True) -> str:
        v = self.row.get(name)
        v = "" if v is None else str(v).strip()
        if required and not v:
            raise VentureLabError(self._field(name), "is empty")
        return v

    def num(self, name: str, *, required: bool = True, positive: bool = True, integer: bool = False,
            maximum: float | None = None, minimum: float | None = None) -> float | None:
        """A number within its physical range ``minimum``..``maximum`` (the message says which);
        missing is allowed only when not ``required``. NaN is refused, not read as missing: a
        device file's ``usd_per_hour: .nan`` is no price to silently drop."""
        raw = self.row.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                raise VentureLabError(self._field(name), "is missing")
            return None
        if isinstance(raw, str) and integer and raw.strip().endswith(".0"):
            raw = raw.strip()[:-2]
        value = parse_number(raw, self._field(name), integer=integer)
        lo = minimum if minimum is not None else 0
        accepted = f"{lo:g} to {maximum:g}" if maximum is not None else f">= {lo:g}"
        if (positive and value <= 0) or value < lo or (maximum is not None and value > maximum):
            raise VentureLabError(self._field(name), "is outside the physical range" if value > 0 else
                                  ("must be > 0" if positive else "must be >= 0"), got=raw, accepted=accepted)
        return value

    def flag(self, name: str) -> bool:
        v = self.row.get(name)
        if isinstance(v, bool):
            return v
        v = "" if v is None else str(v).strip().lower()
        if v in ("true", "1", "yes"):
            return True
        if v in ("false", "0", "no", ""):
            return False
        raise VentureLabError(self._field(name), "must be true or false", got=v)

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        v = self.text(name)
        if v not in choices:
            raise VentureLabError(self._field(name), "unknown value", got=v, accepted=choices)
        return v


def read_csv(path: Path) -> list[dict]:
    """Rows of a data/ CSV file as dicts; an unreadable file is a VentureLabError naming it."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except OSError as exc:
        raise VentureLabError(str(path), f"cannot read catalog file ({exc.strerror})") from None
