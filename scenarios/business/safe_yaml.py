"""YAML for untrusted scenario files: the guarded loader of :mod:`scenarios.safe_load` with the
scenario file's own size cap.

The loader (shared with the engine's device files) builds plain data only, refuses aliases, merge
keys and duplicate keys, and stops at :data:`MAX_DEPTH` levels and :data:`MAX_NODES` values; text
over :data:`MAX_FILE_BYTES` is refused before parsing. Every problem is a
:class:`~scenarios.errors.VentureLabError` naming the file (``origin``) or the key.
"""

from __future__ import annotations

from typing import Any

from scenarios import safe_load
from scenarios.errors import VentureLabError

MAX_FILE_BYTES = 64 * 1024       # a real scenario is ~3 kB; anything near this is hostile
MAX_DEPTH = safe_load.MAX_DEPTH
MAX_NODES = 2_000                # a scenario has ~150 values


def parse_yaml(text: str | bytes, *, origin: str = "file") -> Any:
    """Plain data from YAML text (an upload, a file's contents), within the caps above."""
    if isinstance(text, bytes) and len(text) > MAX_FILE_BYTES:
        raise VentureLabError(origin, f"is larger than {MAX_FILE_BYTES // 1024} kB", got=len(text))
    if isinstance(text, str) and len(text) > MAX_FILE_BYTES:
        raise VentureLabError(origin, f"is larger than {MAX_FILE_BYTES // 1024} kB")
    data = safe_load.parse_yaml(text, origin=origin, max_bytes=MAX_FILE_BYTES, max_nodes=MAX_NODES)
    if data is None:
        raise VentureLabError(origin, "is empty")
    return data


def read_file(path, *, origin: str = "file") -> bytes:
    """A scenario file's bytes: a regular file of at most :data:`MAX_FILE_BYTES` (never blocks)."""
    return safe_load.read_limited(path, origin, MAX_FILE_BYTES)
