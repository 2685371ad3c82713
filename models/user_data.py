"""The user's own CSV for the finance, medical and NLP demos: read in memory, checked, explained.

Two shapes are accepted:

* tabular (finance, medical): a header row, numeric feature columns and one label column the
  user picks, with exactly two classes (both demos are yes/no classifiers; the rarer class is
  the positive one: fraud, malignant);
* intents (NLP): two columns ``text`` and ``intent``, at least two intents.

Every refusal raises :class:`scenarios.errors.VentureLabError`, whose one-line message names the
problem and the accepted values. Nothing here touches the disk: the page hands over the bytes it
received and keeps the result in its own session.

Limits (issue 15): at most :data:`MAX_BYTES` (5 MB), :data:`MAX_ROWS` rows and
:data:`MAX_COLUMNS` columns. Semicolon-delimited files (spreadsheets set to a European locale
save CSV that way) are *accepted* and read with ``;``; the result says so in ``notes``.

Cells that start with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) are read by
spreadsheet programs as formulas (OWASP "CSV Injection"); :func:`neutralise_formulas` prefixes
them with ``'`` before any download, so a file that comes back out of the app is inert.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

import numpy as np

from scenarios.errors import VentureLabError

MAX_BYTES = 5 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MIN_ROWS = 20            # below this a 70/30 split leaves a test set too small to score
MIN_PER_CLASS = 5        # each class in both splits of a stratified split
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV Injection
INTENT_COLUMNS = ("text", "intent")
MAX_TEXT_CHARS = 1_000


@dataclass(frozen=True)
class TabularData:
    """A checked tabular upload: features as floats, label as 0/1 (1 = the rarer class)."""

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    label: str
    positive_class: str
    negative_class: str
    digest: str                      # sha256 of the bytes: the session cache key
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class IntentData:
    """A checked intents upload: parallel tuples of texts and intent labels."""

    texts: tuple[str, ...]
    intents: tuple[str, ...]
    digest: str
    notes: tuple[str, ...] = field(default=())


def _decode(raw: bytes) -> str:
    if not raw or not raw.strip():
        raise VentureLabError("file", "is empty", accepted="a CSV with a header row and data rows")
    if len(raw) > MAX_BYTES:
        raise VentureLabError("file", "too large", got=f"{len(raw) / 1024 / 1024:.1f} MB",
                              accepted=f"at most {MAX_MB} MB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise VentureLabError("file", f"not UTF-8 text (byte {exc.start})",
                              accepted="a CSV saved as UTF-8 (in a spreadsheet: Save as CSV UTF-8)") from None


def _delimiter(text: str) -> str:
    """',' unless the header has semicolons and no commas (a European-locale spreadsheet)."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > 0 and header.count(",") == 0 else ","


def _header(text: str, delim: str) -> list[str]:
    first = text.split("\n", 1)[0]
    if first.count(delim) + 1 > MAX_COLUMNS:  # count before parsing: 100,000 columns stay cheap
        raise VentureLabError("file", "too many columns", got=first.count(delim) + 1,
                              accepted=f"at most {MAX_COLUMNS}")
    names = [n.strip() for n in next(csv.reader([first], delimiter=delim))]
    if any(not n for n in names):
        raise VentureLabError("header", "has an empty column name", accepted="a name for every column")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise VentureLabError("header", "duplicated column name", got=", ".join(dupes),
                              accepted="each column name once")
    return names


def _frame(text: str, delim: str, names: list[str]):
    import pandas as pd

    try:
        df = pd.read_csv(io.StringIO(text), sep=delim, nrows=MAX_ROWS + 1, dtype=str,
                         keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, ValueError) as exc:
        line = str(exc).strip().splitlines()[-1][:120]
        raise VentureLabError("file", f"not a regular CSV ({line})",
                              accepted=f"rows with the header's {len(names)} fields") from None
    df.columns = names
    if len(df) > MAX_ROWS:
        raise VentureLabError("file", "too many rows", got=f"over {MAX_ROWS:,}", accepted=f"at most {MAX_ROWS:,}")
    if len(df) < MIN_ROWS:
        raise VentureLabError("file", "too few rows", got=len(df), accepted=f"{MIN_ROWS:,}..{MAX_ROWS:,} data rows")
    return df


def digest(raw: bytes) -> str:
    """The session cache key of an upload (sha256 of its bytes)."""
    return hashlib.sha256(raw).hexdigest()


def _read(raw: bytes):
    text = _decode(raw)
    delim = _delimiter(text)
    names = _header(text, delim)
    notes = ("read as semicolon-delimited (;)",) if delim == ";" else ()
    return _frame(text, delim, names), notes, digest(raw)


def _label(df, label: str) -> tuple[np.ndarray, str, str]:
    if label not in df.columns:
        raise VentureLabError("label", "no such column", got=label, accepted=list(df.columns))
    col = df[label].str.strip()
    missing = int((col == "").sum() + col.str.lower().isin(["nan", "na", "null", "none"]).sum())
    if missing:
        raise VentureLabError("label", f"missing in {missing:,} rows", accepted="a class in every row")
    counts = col.value_counts()
    if len(counts) != 2:
        raise VentureLabError("label", f"has {len(counts)} class{'es' if len(counts) != 1 else ''}",
                              got=", ".join(map(str, counts.index[:5])),
                              accepted="exactly 2 classes (a yes/no label)")
    if counts.min() < MIN_PER_CLASS:
        raise VentureLabError("label", f"class {counts.idxmin()!r} has {counts.min()} rows",
                              accepted=f"at least {MIN_PER_CLASS} rows per class")
    # the rarer class is the one the demo looks for (fraud, malignant); ties: the later name
    pos = sorted(counts.index, key=lambda c: (counts[c], str(c)))[0]
    neg = next(c for c in counts.index if c != pos)
    return (col == pos).to_numpy().astype(int), str(pos), str(neg)


def _features(df, label: str) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]:
    import pandas as pd

    names = tuple(c for c in df.columns if c != label)
    if not names:
        raise VentureLabError("file", "has no feature column", accepted="at least one numeric column besides the label")
    cols, notes = [], []
    for name in names:
        cells = df[name].str.strip()
        values = pd.to_numeric(cells.where(cells != ""), errors="coerce")
        bad = cells[(cells != "") & values.isna()]
        if len(bad):
            raise VentureLabError(f"column {name!r}", "free text where numbers are expected",
                                  got=str(bad.iloc[0])[:40], accepted="numbers (e.g. 3.5, -1, 1e-3)")
        if values.isna().all():
            raise VentureLabError(f"column {name!r}", "is empty", accepted="numbers")
        if values.isna().any():
            notes.append(f"{int(values.isna().sum()):,} empty cells in {name!r} filled with its median")
            values = values.fillna(values.median())
        cols.append(values.to_numpy(dtype=float))
    X = np.column_stack(cols)
    if not np.isfinite(X).all():
        raise VentureLabError("features", "contain inf", accepted="finite numbers")
    return X, names, tuple(notes)


def read_tabular(raw: bytes, label: str | None = None) -> TabularData:
    """Check and read a tabular upload; ``label`` defaults to the last column."""
    df, notes, digest = _read(raw)
    label = df.columns[-1] if label is None else label
    y, pos, neg = _label(df, label)
    X, names, more = _features(df, label)
    return TabularData(X=X, y=y, feature_names=names, label=label, positive_class=pos,
                       negative_class=neg, digest=digest, notes=notes + more)


def columns_of(raw: bytes) -> tuple[str, ...]:
    """The header's column names (checked for size, encoding and duplicates): the label choices."""
    text = _decode(raw)
    return tuple(_header(text, _delimiter(text)))


def read_intents(raw: bytes) -> IntentData:
    """Check and read a two-column intents upload (``text``, ``intent``)."""
    df, notes, digest = _read(raw)
    if tuple(c.lower() for c in df.columns) != INTENT_COLUMNS:
        raise VentureLabError("header", "wrong columns", got=", ".join(df.columns), accepted="text, intent")
    df.columns = list(INTENT_COLUMNS)
    texts, intents = df["text"].str.strip(), df["intent"].str.strip()
    if (texts == "").any():
        raise VentureLabError("text", f"empty in {int((texts == '').sum()):,} rows", accepted="a message in every row")
    if (texts.str.len() > MAX_TEXT_CHARS).any():
        raise VentureLabError("text", "a message is too long", got=f"{int(texts.str.len().max()):,} characters",
                              accepted=f"at most {MAX_TEXT_CHARS:,} characters")
    if (intents == "").any():
        raise VentureLabError("intent", f"missing in {int((intents == '').sum()):,} rows", accepted="an intent in every row")
    counts = intents.value_counts()
    if len(counts) < 2:
        raise VentureLabError("intent", "has 1 class", got=counts.index[0], accepted="at least 2 intents")
    if counts.min() < 2:
        raise VentureLabError("intent", f"{counts.idxmin()!r} has 1 example", accepted="at least 2 examples per intent")
    flagged = int(texts.str.startswith(FORMULA_START).sum())
    if flagged:
        notes += (f"{flagged:,} messages start with =, +, - or @: prefixed with ' in downloads",)
    return IntentData(texts=tuple(texts), intents=tuple(intents), digest=digest, notes=notes)


def neutralise_formulas(rows: list[list[object]]) -> list[list[object]]:
    """Prefix ``'`` to every text cell a spreadsheet would run as a formula (OWASP CSV Injection)."""
    return [[f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in row] for row in rows]


def to_csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    """A CSV for download, formula cells neutralised, header included."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(neutralise_formulas([list(header)] + [list(r) for r in rows]))
    return buf.getvalue().encode("utf-8")
