"""The project's one error type for bad input.

Every check on user input (a CLI argument, a form value, an uploaded file, a scenario
file, a catalog row) raises :class:`VentureLabError` with the field that was wrong and
what would have been accepted, so the CLI can print one line and the app one message.
"""

from __future__ import annotations

from collections.abc import Iterable


class VentureLabError(ValueError):
    """Bad input, explained: which field, what was wrong, what is accepted.

    Examples
    --------
    >>> raise VentureLabError("batch", "must be a whole number >= 1", got=-3)
    Traceback (most recent call last):
    ...
    scenarios.errors.VentureLabError: batch: must be a whole number >= 1 (got -3)
    """

    def __init__(self, field: str, problem: str, *, got: object = None,
                 accepted: Iterable[object] | str | None = None):
        self.field = field
        self.problem = problem
        self.got = got
        if accepted is not None and not isinstance(accepted, str):
            accepted = ", ".join(str(a) for a in accepted)
        self.accepted = accepted
        msg = f"{field}: {problem}"
        if got is not None:
            shown = repr(got) if isinstance(got, str) else _shown(got)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            msg += f" (got {shown})"
        if accepted:
            if len(accepted) > 400:
                accepted = accepted[:397] + "..."
            msg += f"; accepted: {accepted}"
        super().__init__(msg)

    def __reduce__(self):
        # Pickle by the constructor's own arguments (the app's cache stores results by pickling);
        # the default would call __init__ with the message alone.
        return _rebuild, (self.field, self.problem, self.got, self.accepted)


def int_digits(n: int) -> int:
    """About how many decimal digits ``n`` has, without str() (which refuses over 4300 digits)."""
    return int(abs(n).bit_length() * 0.30103) + 1


def _shown(got: object) -> str:
    # str() of an integer over 4300 digits raises ValueError (Python's int_max_str_digits), and
    # a long one says nothing more than its size
    if isinstance(got, int) and not isinstance(got, bool) and got.bit_length() > 256:
        return f"an integer of ~{int_digits(got)} digits"
    return str(got)


def _rebuild(field: str, problem: str, got: object, accepted: str | None) -> VentureLabError:
    return VentureLabError(field, problem, got=got, accepted=accepted)
