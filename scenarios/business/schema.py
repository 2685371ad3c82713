"""A typed schema from frozen dataclasses: field bounds in metadata, plain data checked into instances.

A field declared with :func:`spec` carries its bounds (``lo``/``hi`` for numbers, ``choices`` or a
``pattern`` for text). :func:`build` turns plain data (parsed YAML, a form's dict) into the
dataclass, recursing into nested dataclasses and tuples, refusing unknown fields and raising
:class:`~scenarios.errors.VentureLabError` with the dotted path of the bad value
(``traffic.peak_factor``, ``targets[1].batch``). :func:`to_plain` goes back to plain data.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import re
import types
import typing
from typing import Any

from scenarios.errors import VentureLabError, int_digits
from scenarios.units import MAX_ABS_INT, parse_number

MAX_STR = 2_000
NUMBER_FORMS = "e.g. 512, 0.6, 1e10, 1.0e+10, 10B, 2T, 7M, 32k"


def spec(default: Any = dataclasses.MISSING, *, lo: float | None = None, hi: float | None = None,
         choices: tuple[str, ...] | None = None, pattern: re.Pattern | None = None, doc: str = "",
         words: tuple[str, ...] | None = None):
    """A dataclass field with its bounds and a one-line doc (``default`` left out: required).
    ``words``: a number field (typed ``int | str``) that also takes these words (``batch: auto``)."""
    meta = {"lo": lo, "hi": hi, "choices": choices, "pattern": pattern, "doc": doc, "words": words}
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def to_plain(value: Any) -> Any:
    """Dataclasses as dicts in field order and tuples as lists, recursively."""
    if dataclasses.is_dataclass(value):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_plain(v) for v in value]
    return value


def _is_optional(tp: Any) -> tuple[bool, Any]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return True, args[0]
    return False, tp


def _check_scalar(path: str, tp: Any, value: Any, meta: dict) -> Any:
    if tp is str:
        if isinstance(value, (_dt.date, _dt.datetime)):
            value = value.isoformat()  # YAML reads an unquoted 2026-09-25 as a date
        if not isinstance(value, str):
            raise VentureLabError(path, "must be text", got=type(value).__name__)
        if len(value) > MAX_STR:
            raise VentureLabError(path, f"is longer than {MAX_STR} characters", got=len(value))
        if meta.get("choices") and value not in meta["choices"]:
            raise VentureLabError(path, "is not one of the accepted values", got=value,
                                  accepted=meta["choices"])
        if meta.get("pattern") and not meta["pattern"].fullmatch(value):   # "abc\n" too
            raise VentureLabError(path, "must be lowercase letters, digits and '-' (max 64)", got=value)
        return value
    if tp in (int, float):
        value = _number(path, value, whole=tp is int)
        lo, hi = meta.get("lo"), meta.get("hi")
        if isinstance(value, int) and abs(value) > MAX_ABS_INT:   # before float(): OverflowError
            raise VentureLabError(path, "is out of range", got=f"~{int_digits(value)} digits",
                                  accepted=f"{lo} to {hi}")
        if not math.isfinite(value):
            raise VentureLabError(path, "must be a finite number", got=value)
        if tp is int:
            if float(value) != int(value):
                raise VentureLabError(path, "must be a whole number", got=value)
            value = int(value)
        else:
            value = float(value)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise VentureLabError(path, "is out of range", got=value, accepted=f"{lo} to {hi}")
        return value
    raise TypeError(tp)  # pragma: no cover - schema bug


def _number_or_word(path: str, tp: Any, value: Any, meta: dict) -> Any:
    """A field typed ``int | str`` (or ``float | str``): one of ``meta['words']`` (case and
    surrounding spaces ignored), else a number within the field's bounds."""
    words = meta["words"]
    if isinstance(value, str) and value.strip().lower() in words:
        return value.strip().lower()
    number_tp = next(a for a in typing.get_args(tp) if a in (int, float))
    try:
        return _check_scalar(path, number_tp, value, meta)
    except VentureLabError as exc:
        accepted = f"{' or '.join(words)} or a number" + (f" ({exc.accepted})" if exc.accepted else "")
        raise VentureLabError(path, exc.problem, got=exc.got, accepted=accepted) from None


def _number(path: str, value: Any, *, whole: bool) -> float | int:
    """A number as YAML gave it, or as text in the forms units.parse_number reads: YAML 1.1 reads
    ``1e10`` and ``10B`` as text (its floats need a point and a signed exponent: ``1.0e+10``)."""
    problem = f"must be a number{' (whole)' if whole else ''}"
    if isinstance(value, str):
        try:
            return parse_number(value, path)
        except VentureLabError:
            raise VentureLabError(path, problem, got=value, accepted=NUMBER_FORMS) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise VentureLabError(path, problem, got=type(value).__name__, accepted=NUMBER_FORMS)
    return value


def build(cls: type, data: Any, path: str = "") -> Any:
    """``cls`` from plain data, every value checked; ``path`` prefixes the field names in errors."""
    if not isinstance(data, dict):
        raise VentureLabError(path or "file", "must be a mapping of field: value",
                              got=type(data).__name__)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(str(k) for k in data if k not in fields)
    if unknown:
        # a key that is blank or holds ':' would make the message's "field: problem" shape ambiguous
        key = unknown[0] if re.fullmatch(r"[\w.\-]+", unknown[0]) else repr(unknown[0])
        where = f"{path}.{key}" if path else key
        raise VentureLabError(where, "is not a known field", accepted=sorted(fields))
    kwargs = {}
    for name, f in fields.items():
        p = f"{path}.{name}" if path else name
        if name not in data:
            if f.default is dataclasses.MISSING:
                raise VentureLabError(p, "is missing (required)")
            continue
        kwargs[name] = _convert(p, hints[name], data[name], f.metadata)
    return cls(**kwargs)


def _convert(path: str, tp: Any, value: Any, meta: dict) -> Any:
    optional, tp = _is_optional(tp)
    if value is None:
        if optional:
            return None
        raise VentureLabError(path, "must not be empty")
    if meta.get("words"):
        return _number_or_word(path, tp, value, meta)
    if dataclasses.is_dataclass(tp):
        return build(tp, value, path)
    if typing.get_origin(tp) is tuple:
        if not isinstance(value, list):
            raise VentureLabError(path, "must be a list", got=type(value).__name__)
        args = typing.get_args(tp)
        if args[-1] is Ellipsis:
            return tuple(_convert(f"{path}[{i}]", args[0], v, meta) for i, v in enumerate(value))
        if len(value) != len(args):
            raise VentureLabError(path, f"must be a list of {len(args)} values", got=len(value))
        out = tuple(_convert(f"{path}[{i}]", a, v, meta) for i, (a, v) in enumerate(zip(args, value)))
        return out
    return _check_scalar(path, tp, value, meta)
