"""Prices and operating assumptions: API prices, GPU rental listings, utilisation / PUE / grid / power.

Read from data/api_prices.csv, data/rental_prices.csv and data/operating.csv (standard library
only, for a fast CLI).  Every value carries its date and source.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import asdict, dataclass

from scenarios.engine.catalog import DATA_DIR, read_csv
from scenarios.errors import VentureLabError
from scenarios.units import Range


@dataclass(frozen=True)
class OperatingAssumption:
    """One operating parameter (utilisation, PUE, grid intensity, ...): its range, unit and source."""

    name: str
    range: Range
    unit: str
    source: str
    as_of: str = ""
    notes: str = ""

    @property
    def expected(self) -> float:
        """The most likely value: what a point estimate uses."""
        return self.range.expected

    def to_dict(self) -> dict:
        d = asdict(self)
        d["range"] = self.range.as_list()
        return d


@dataclass(frozen=True)
class ApiPrice:
    """One API's list price per 1M tokens, with the batch price where the provider publishes a
    batch discount (None: no batch API or no figure found), the date it was read and its source."""
    provider: str
    model: str
    usd_per_m_input: float | None
    usd_per_m_cached_input: float | None
    usd_per_m_output: float | None
    as_of: str                        # YYYY-MM-DD: the page's own date, else the day it was read
    source: str                       # one or more addresses, ' ; '-separated
    source_type: str                  # provider (the provider's own page) | secondary
    verified: bool                    # read on the provider's own page
    notes: str = ""
    usd_per_m_batch_input: float | None = None
    usd_per_m_batch_output: float | None = None


API_SOURCE_TYPES = ("provider", "secondary")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class RentalPrice:
    provider: str
    gpu: str
    hardware_id: str | None
    usd_per_gpu_hour: float | None
    tier: str
    as_of: str
    source: str
    notes: str = ""


def _rows(name: str) -> list[dict]:
    return read_csv(DATA_DIR / name)


def _num(text: str | None, where: str) -> float | None:
    text = (text or "").strip()
    if not text or text.lower() == "nan":
        return None
    try:
        v = float(text)
    except ValueError:
        raise VentureLabError(where, "must be a number", got=text) from None
    if v < 0:
        raise VentureLabError(where, "must be >= 0", got=text)
    return v


@functools.lru_cache(maxsize=1)
def operating_assumptions() -> dict[str, OperatingAssumption]:
    """utilisation, pue, grid_kg_co2_per_kwh, electricity_usd_per_kwh, ... by parameter name."""
    out = {}
    for i, r in enumerate(_rows("operating.csv"), start=2):
        where = f"data/operating.csv row {i}"
        lo, ex, hi = (_num(r.get(k), f"{where} field {k}") for k in ("low", "expected", "high"))
        if None in (lo, ex, hi):
            raise VentureLabError(f"{where} field expected", "needs low, expected and high",
                                  got=f"{lo}/{ex}/{hi}")
        out[r["parameter"]] = OperatingAssumption(
            r["parameter"], Range(lo, ex, hi, f"{where} field expected"), r.get("unit", ""),
            r.get("source", ""), r.get("as_of", ""), r.get("notes", ""))
    for need in ("utilisation", "pue", "grid_kg_co2_per_kwh", "electricity_usd_per_kwh"):
        if need not in out:
            raise VentureLabError("data/operating.csv", f"missing parameter {need}")
    return out


@functools.lru_cache(maxsize=1)
def load_api_prices() -> list[ApiPrice]:
    """Every row of data/api_prices.csv, checked: prices >= 0, ``as_of`` a real date, a source
    address, ``source_type`` provider or secondary, ``verified`` True or False."""
    out = []
    for i, r in enumerate(_rows("api_prices.csv"), start=2):
        where = f"data/api_prices.csv row {i}"
        nums = {k: _num(r.get(k), f"{where} field {k}") for k in (
            "usd_per_m_input", "usd_per_m_cached_input", "usd_per_m_output",
            "usd_per_m_batch_input", "usd_per_m_batch_output")}
        out.append(ApiPrice(provider=r["provider"], model=r["model"], as_of=_api_date(r["as_of"], where),
                            source=_api_source(r["source"], where),
                            source_type=_choice(r["source_type"], API_SOURCE_TYPES, f"{where} field source_type"),
                            verified=_choice(r["verified"], ("True", "False"), f"{where} field verified") == "True",
                            notes=r.get("notes", ""), **nums))
    return out


def _api_date(text: str, where: str) -> str:
    try:
        if _ISO_DATE.match(text or ""):
            _dt.date.fromisoformat(text)
            return text
    except ValueError:
        pass
    raise VentureLabError(f"{where} field as_of", "must be a date written YYYY-MM-DD", got=text)


def _api_source(text: str, where: str) -> str:
    if "https://" not in (text or "") and "http://" not in (text or ""):
        raise VentureLabError(f"{where} field source", "must name the address the price was read from", got=text)
    return text


def _choice(text: str, accepted: tuple[str, ...], where: str) -> str:
    if text not in accepted:
        raise VentureLabError(where, "is not one of the accepted values", got=text, accepted=accepted)
    return text


# GPU names in the rental table -> catalog ids (only unambiguous ones).
_GPU_TO_ID = (
    (r"^H100 SXM", "nvidia-h100-sxm"), (r"^H100 PCIe", "nvidia-h100-pcie"), (r"^H200", "nvidia-h200-sxm"),
    (r"^B200", "nvidia-b200"), (r"^A100 80GB$|^A100 SXM 80GB", "nvidia-a100-80gb-sxm"),
    (r"^L40S", "nvidia-l40s"), (r"^L4 24GB", "nvidia-l4"), (r"^T4", "nvidia-t4"),
)


@functools.lru_cache(maxsize=1)
def load_rental_prices() -> list[RentalPrice]:
    """Every rental listing; cells with two values ('1.39 / 1.79') give one entry per value."""
    out = []
    for r in _rows("rental_prices.csv"):
        hid = next((h for pat, h in _GPU_TO_ID if re.search(pat, r["gpu"])), None)
        values = re.findall(r"\d+(?:\.\d+)?", r["usd_per_gpu_hour"]) if "–" not in r["usd_per_gpu_hour"] else []
        tiers = [t.strip() for t in r["shape"].split("/")] if len(values) > 1 else [r["tier"]]
        if not values:
            out.append(RentalPrice(r["provider"], r["gpu"], hid, None, r["tier"], r["as_of"], r["source"],
                                   f"range {r['usd_per_gpu_hour']}; {r.get('notes', '')}"))
        for k, v in enumerate(values):
            tier = f"{r['tier']} ({tiers[k]})" if k < len(tiers) and len(values) > 1 else r["tier"]
            out.append(RentalPrice(r["provider"], r["gpu"], hid if len(values) <= 2 else None, float(v), tier,
                                   r["as_of"], r["source"], r.get("notes", "") or ""))
    return out
