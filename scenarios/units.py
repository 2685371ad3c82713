"""Numbers with suffixes, the one Range type, the one set of formatters, and unit constants.

The CLI, the scenario files and the app accept `2e12`, `2T`, `500B`, `7M`, `32k` (ARCHITECTURE.md
4.2).  Suffixes are decimal (k = 1e3, M = 1e6, B/G = 1e9, T = 1e12, P = 1e15), as token counts and
FLOP budgets are quoted in papers.  Memory is reported in decimal gigabytes (1 GB = 1e9 bytes), the
unit GPU vendors print on datasheets.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field

from scenarios.errors import VentureLabError, int_digits

GB = 1e9
TB = 1e12
TERA = 1e12
GIGA = 1e9

_SUFFIX = {"k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "b": 1e9, "B": 1e9, "g": 1e9, "G": 1e9,
           "t": 1e12, "T": 1e12, "p": 1e15, "P": 1e15}
# Matched with fullmatch on stripped text of at most MAX_NUMBER_CHARS: no surrounding \s* to
# backtrack over, so a run of spaces inside ("1<64k spaces>x") fails in linear time.
_NUMBER = re.compile(r"([+-]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?)\s*([kKmMbBgGtTpP]?)", re.ASCII)
MAX_NUMBER_CHARS = 64            # '1_000_000_000_000.5e+12 T' is 25; anything longer is not a figure
MAX_ABS_INT = 10 ** 30           # above every real figure (a training run's FLOPs ~1e26)


def parse_number(value: object, field: str, *, integer: bool = False, minimum: float | None = None,
                 maximum: float | None = None, allow_none: bool = False) -> float | int | None:
    """Parse ``value`` (number or text such as ``'32k'``) and check its range.

    Parameters
    ----------
    value : int, float or str
        ``2e12``, ``2T``, ``500B``, ``7M``, ``32k``, ``1_000`` or a plain number.
    field : str
        Name used in the error message (the CLI flag or column name).
    integer : bool
        Require a whole number (returned as ``int``).
    minimum, maximum : float, optional
        Inclusive bounds.

    Raises
    ------
    VentureLabError
        When the value is not a finite number, not whole when required, or out of range.

    Examples
    --------
    >>> parse_number("32k", "prompt_tokens", integer=True)
    32000
    >>> parse_number("2e12", "tokens")
    2000000000000.0
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise VentureLabError(field, "a number is required", got=value)
    number = _as_float(value, field)
    if math.isnan(number) or math.isinf(number):
        if allow_none and math.isnan(number):
            return None
        raise VentureLabError(field, "must be a finite number", got=value)
    if integer:
        # relative tolerance absorbs suffix rounding ('1.1k' = 1100.0000000000002), never a fraction
        if abs(number - round(number)) > 1e-9 * abs(number):
            raise VentureLabError(field, "must be a whole number", got=value)
        number = int(round(number))
    if minimum is not None and number < minimum:
        raise VentureLabError(field, f"must be >= {minimum:g}", got=value)
    if maximum is not None and number > maximum:
        raise VentureLabError(field, f"must be <= {maximum:g}", got=value)
    return number


def _as_float(value: object, field: str) -> float:
    """A Python or numpy number, or text with an optional suffix, as a float (NaN and inf pass)."""
    if isinstance(value, bool):
        raise VentureLabError(field, "must be a number, not true/false", got=value)
    if isinstance(value, int):
        # checked before float(): a 400-digit integer would raise OverflowError there
        if abs(value) > MAX_ABS_INT:
            raise VentureLabError(field, "is too large to be a real figure", got=f"~{int_digits(value)} digits",
                                  accepted=f"magnitudes up to 1e{len(str(MAX_ABS_INT)) - 1}")
        return float(value)
    if isinstance(value, float):
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        try:
            return float(value.item())
        except (TypeError, ValueError):
            raise VentureLabError(field, "must be a number", got=str(value)) from None
    if not isinstance(value, str):
        raise VentureLabError(field, "must be a number", got=type(value).__name__)
    text = value.strip()
    if len(text) > MAX_NUMBER_CHARS:
        raise VentureLabError(field, f"is longer than {MAX_NUMBER_CHARS} characters for a number",
                              got=value, accepted="e.g. 512, 2e12, 2T, 500B, 7M, 32k")
    match = _NUMBER.fullmatch(text)
    if not match:
        raise VentureLabError(field, "must be a number, optionally with a suffix k, M, B, T",
                              got=value, accepted="e.g. 512, 2e12, 2T, 500B, 7M, 32k")
    try:
        return float(match.group(1).replace("_", "")) * _SUFFIX.get(match.group(2), 1.0)
    except (ValueError, OverflowError):
        raise VentureLabError(field, "must be a number", got=value) from None


# ------------------------------------------------------------------------------------- ranges
def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Range:
    """A value with its spread: ``low <= expected <= high``, all finite.

    ``expected`` is the most likely value (the mode of a triangular assumption, the median of a
    Monte Carlo band, the point estimate of an engine figure), which is what a single-number view
    shows.  ``field`` only names the value in a validation error and is not part of equality.

    A Range unpacks and slices like the ``(low, expected, high)`` tuple it replaces, so
    ``lo, ex, hi = r`` and ``"%g-%g" % r[::2]`` keep working.

    Examples
    --------
    >>> Range(0.8, 1.0, 1.25).scaled(2).as_list()
    [1.6, 2.0, 2.5]
    """

    low: float
    expected: float
    high: float
    field: str = dc_field(default="range", compare=False, repr=False)

    def __post_init__(self) -> None:
        for part in ("low", "expected", "high"):
            value = getattr(self, part)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise VentureLabError(f"{self.field}.{part}", "must be a finite number", got=value)
            object.__setattr__(self, part, float(value))
        if not self.low <= self.expected <= self.high:
            raise VentureLabError(self.field, "needs low <= expected <= high",
                                  got=f"{self.low:g}/{self.expected:g}/{self.high:g}")

    @classmethod
    def of(cls, result: object, name: str) -> Range | None:
        """The band a result reports as flat ``name_low`` / ``name`` / ``name_high`` fields (the
        form the CLI's JSON keeps); a point where the result gives no band, None where the figure
        itself is not meaningful (no price, no prompt, ...)."""
        low, expected, high = (getattr(result, f"{name}{suffix}") for suffix in ("_low", "", "_high"))
        if not _finite(expected):
            return None
        if not (_finite(low) and _finite(high)):
            return cls.point(expected, field=name)
        return cls(low, expected, high, field=name)

    @classmethod
    def point(cls, value: float, field: str = "range") -> Range:
        """A value known exactly: low = expected = high."""
        return cls(value, value, value, field)

    def scaled(self, factor: float) -> Range:
        """Every end times ``factor`` (>= 0, so the order holds)."""
        if not math.isfinite(factor) or factor < 0:
            raise VentureLabError(f"{self.field} scale", "must be a finite number >= 0", got=factor)
        return Range(self.low * factor, self.expected * factor, self.high * factor, self.field)

    def as_list(self) -> list[float]:
        """``[low, expected, high]``: the form JSON and the catalog files carry."""
        return [self.low, self.expected, self.high]

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.low, self.expected, self.high)

    @property
    def width(self) -> float:
        return self.high - self.low

    def __iter__(self) -> Iterator[float]:
        return iter(self.as_tuple())

    def __len__(self) -> int:
        return 3

    def __getitem__(self, index):
        return self.as_tuple()[index]


# ------------------------------------------------------------------------------------- formatting
# One set of rules for every figure the CLI, the PDF, the charts and the pages print:
# * `digits` significant digits, but the integer digits of a figure are never rounded away
#   (456 stays 456 at two digits, as a reader expects of a whole amount);
# * a figure is rounded before its suffix is chosen, so 999.9 reads "1k" and 999,999 "1M";
# * never scientific notation: tiny values write their zeros out (0.0000946), huge ones group
#   their digits (1,230T);
# * the sign comes first, ASCII "-", before any currency symbol ("-$402k"); no "-0";
# * None and NaN read "n/a" (pages pass their translation); infinities read "inf" / "-inf".
NA = "n/a"
_COMPACT = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))                  # business: 1.2B users
_SI = ((1e24, "Y"), (1e21, "Z"), (1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"),
       (1e3, "k"))                                                             # units: 1.2 GFLOP/s


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _special(value: object, na: str, after_inf: str = "") -> str | None:
    """What every formatter writes for a missing figure (``na``) or an infinite one ('inf',
    '-inf', then ``after_inf``); None for a finite number, which the formatter writes itself."""
    if _missing(value):
        return na
    v = float(value)
    return ("-inf" if v < 0 else "inf") + after_inf if math.isinf(v) else None


def _decimals(magnitude: float, digits: int) -> int:
    """Decimals that show ``digits`` significant digits of ``magnitude`` (> 0) and every
    integer digit (456 stays 456 at two digits, as a reader expects of a whole amount)."""
    return max(digits - 1 - math.floor(math.log10(magnitude)), 0)


def _significant(magnitude: float, digits: int) -> str:
    """``magnitude`` (>= 0, finite) positionally with thousands separators; trailing zeros after
    the point are dropped."""
    if magnitude == 0:
        return "0"
    text = f"{magnitude:,.{_decimals(magnitude, digits)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scaled(magnitude: float, digits: int, table) -> tuple[str, str]:
    """(mantissa text, suffix); a mantissa that rounds to 1000 moves up one suffix, so 999.9
    reads 1k and 999,999 reads 1M."""
    steps = [(1.0, "")] + sorted(table)
    i = max((k for k, (scale, _) in enumerate(steps) if magnitude >= scale), default=0)
    while True:
        mantissa = magnitude / steps[i][0]
        if mantissa == 0 or i + 1 == len(steps) or \
                round(mantissa, _decimals(mantissa, digits)) < 1000:
            return _significant(mantissa, digits), steps[i][1]
        i += 1


def _signed(value: float, body: str) -> str:
    """``body`` (the magnitude) with a leading "-" unless it rounded to zero: no "-0"."""
    return ("-" if value < 0 and any(ch in "123456789" for ch in body) else "") + body


def fmt_number(value: float | None, digits: int = 3, *, na: str = NA) -> str:
    """A figure with k / M / B / T suffixes: 1234.5 -> '1.23k', 999.9 -> '1k', None -> 'n/a'.

    Examples
    --------
    >>> fmt_number(-402150), fmt_number(0.0000946), fmt_number(456e6, digits=2)
    ('-402k', '0.0000946', '456M')
    """
    special = _special(value, na)
    if special is not None:
        return special
    v = float(value)
    mantissa, suffix = _scaled(abs(v), digits, _COMPACT)
    return _signed(v, mantissa + suffix)


def fmt_si(value: float | None, unit: str = "", digits: int = 3, *, na: str = NA) -> str:
    """A figure with an SI prefix before its unit: 1.23e12, 'FLOP/s' -> '1.23 TFLOP/s'."""
    special = _special(value, na, f" {unit}" if unit else "")
    if special is not None:
        return special
    v = float(value)
    mantissa, prefix = _scaled(abs(v), digits, _SI)
    return f"{_signed(v, mantissa)} {prefix}{unit}".rstrip()


def fmt_usd(value: float | None, digits: int = 3, *, compact: bool = True, decimals: int | None = None,
            na: str = NA) -> str:
    """Dollars with the sign before the symbol: -402150 -> '-$402k'.

    ``compact`` writes k / M / B / T like :func:`fmt_number`; otherwise the whole amount with
    thousands separators, in whole dollars from $10 and with cents (more decimals for tiny
    amounts, never scientific notation) below: '$18,484', '$1.50', '$0.000123'.  ``decimals``
    fixes the decimals of that full form instead (a table column: '$61.61').
    """
    special = _special(value, na)
    if special is not None:
        return special
    v = float(value)
    if decimals is not None:
        return _signed(v, f"${abs(v):,.{decimals}f}")
    if compact:
        return _signed(v, "$" + fmt_number(abs(v), digits))
    return _signed(v, "$" + _whole_or_cents(abs(v), digits))


def _whole_or_cents(magnitude: float, digits: int) -> str:
    if round(magnitude, 2) >= 10:
        return f"{magnitude:,.0f}"
    if magnitude == 0:
        return "0.00"
    decimals = max(2, digits - 1 - math.floor(math.log10(magnitude)))
    text = f"{magnitude:.{decimals}f}"
    whole, cents = text.split(".")
    return f"{whole}.{cents[:2]}{cents[2:].rstrip('0')}"    # at least the cents: $0.50, $0.0523


def fmt_grouped(value: float | None, decimals: int = 0, *, na: str = NA) -> str:
    """The full figure with thousands separators: 4928.4 -> '4,928' (counts, whole amounts)."""
    special = _special(value, na)
    if special is not None:
        return special
    v = float(value)
    return _signed(v, f"{abs(v):,.{decimals}f}")


def fmt_plain(value: float | None, digits: int = 6, *, na: str = NA) -> str:
    """An input echoed as typed: up to ``digits`` significant digits, no suffix, no grouping,
    trailing zeros dropped ('2.5', '1460', '0.00001'); what ``:g`` writes, without its exponent."""
    special = _special(value, na)
    if special is not None:
        return special
    v = float(value)
    return _signed(v, _significant(abs(v), digits).replace(",", ""))


def fmt_pct(fraction: float | None, decimals: int = 1, *, na: str = NA) -> str:
    """A share as a percentage: 0.754 -> '75.4%'; never '-0.0%'."""
    special = _special(fraction, na, "%")
    if special is not None:
        return special
    v = float(fraction)
    return _signed(v, f"{abs(v) * 100:,.{decimals}f}%")
