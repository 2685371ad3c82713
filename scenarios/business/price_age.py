"""How old a price is: "as of 2026-09-20 (78 days old)", and "stale" past STALE_AFTER_DAYS.

Every price a scenario uses carries the date it was read (``targets[].as_of``); the option table,
the assumptions (page and PDF) and the CLI's text report show its age counted from ``today``, a
date passed in so a test or a snapshot can pin it (default: the ``VENTURE_LAB_TODAY`` environment
variable if set, else the machine's date). docs/scenarios.md, "Price dates".
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass

from scenarios.business.labels import label
from scenarios.errors import VentureLabError

# API list prices move within months (o3 fell ~80% in June 2025, DeepSeek cut its cache-hit price
# to a tenth in April 2026: data/api_prices.csv notes), so a figure older than half a year is
# flagged for a re-read rather than trusted silently.
STALE_AFTER_DAYS = 180
TODAY_ENV = "VENTURE_LAB_TODAY"
_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def today() -> _dt.date:
    """``VENTURE_LAB_TODAY`` (YYYY-MM-DD) where set, else the machine's date."""
    pinned = os.environ.get(TODAY_ENV, "").strip()
    if not pinned:
        return _dt.date.today()
    try:
        return _dt.date.fromisoformat(pinned)
    except ValueError:
        raise VentureLabError(TODAY_ENV, "must be a date written YYYY-MM-DD", got=pinned,
                              accepted="e.g. 2026-12-07") from None


def parse_date(as_of: str) -> _dt.date | None:
    """The first full date (YYYY-MM-DD) in ``as_of``; None when it holds none ("2026", "")."""
    m = _DATE_RE.search(as_of or "")
    if not m:
        return None
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


@dataclass(frozen=True)
class PriceAge:
    """A price's date as written, the date read from it and its age in days on ``today``."""
    as_of: str
    date: _dt.date | None
    days_old: int | None

    @property
    def stale(self) -> bool:
        return self.days_old is not None and self.days_old > STALE_AFTER_DAYS

    def text(self, lang: str = "en") -> str:
        """"as of 2026-09-20 (78 days old)", with the stale marker past STALE_AFTER_DAYS."""
        if self.date is None:
            return label("price.undated", lang, as_of=self.as_of.strip() or "?")
        key = "price.age_future" if self.days_old < 0 else "price.age"
        out = label(key, lang, date=self.date.isoformat(), days=f"{abs(self.days_old):,}")
        if self.stale:
            out += " " + label("price.stale", lang, limit=STALE_AFTER_DAYS)
        return out


def price_age(as_of: str, on: _dt.date | None = None) -> PriceAge:
    """The age of a price dated ``as_of`` on the date ``on`` (default :func:`today`)."""
    on = on or today()
    d = parse_date(as_of)
    return PriceAge(as_of or "", d, None if d is None else (on - d).days)


# Target kinds whose price is a market price that ages: API list prices, GPU rental rates,
# purchase prices of owned and edge hardware (a phone's price is the user's, not the company's).
PRICED_KINDS = ("api", "rented-gpu", "owned-gpu", "edge")
