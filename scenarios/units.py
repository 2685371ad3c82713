"""Numbers with suffixes and the unit constants the engine uses.

The CLI, the scenario files and the app accept `2e12`, `2T`, `500B`, `7M`, `32k` (ARCHITECTURE.md
4.2).  Suffixes are decimal (k = 1e3, M = 1e6, B/G = 1e9, T = 1e12, P = 1e15), as token counts and
FLOP budgets are quoted in papers.  Memory is reported in decimal gigabytes (1 GB = 1e9 bytes), the
unit GPU vendors print on datasheets.
"""

from __future__ import annotations

import math
import re

from scenarios.errors import VentureLabError

GB = 1e9
TB = 1e12
TERA = 1e12
GIGA = 1e9

_SUFFIX = {"k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "b": 1e9, "B": 1e9, "g": 1e9, "G": 1e9,
           "t": 1e12, "T": 1e12, "p": 1e15, "P": 1e15}
_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([kKmMbBgGtTpP]?)\s*$")


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
    if isinstance(value, bool):
        raise VentureLabError(field, "must be a number, not true/false", got=value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        try:
            number = float(value.item())
        except (TypeError, ValueError):
            raise VentureLabError(field, "must be a number", got=str(value)) from None
    elif isinstance(value, str):
        match = _NUMBER.match(value)
        if not match:
            raise VentureLabError(field, "must be a number, optionally with a suffix k, M, B, T",
                                  got=value, accepted="e.g. 512, 2e12, 2T, 500B, 7M, 32k")
        try:
            number = float(match.group(1).replace("_", "")) * _SUFFIX.get(match.group(2), 1.0)
        except (ValueError, OverflowError):
            raise VentureLabError(field, "must be a number", got=value) from None
    else:
        raise VentureLabError(field, "must be a number", got=type(value).__name__)
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


def fmt_si(value: float, unit: str = "", digits: int = 3) -> str:
    """Short human form: 1.23e12 -> '1.23 T'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    for scale, suffix in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.{digits}g} {suffix}{unit}"
    return f"{value:.{digits}g} {unit}".rstrip()
