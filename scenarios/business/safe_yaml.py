"""YAML for untrusted files: plain data only, with caps on size, depth, node count and no aliases.

``yaml.SafeLoader`` builds only plain data (no Python objects); on top of it the loader here refuses
aliases (no "billion laughs" entity expansion) and stops at :data:`MAX_DEPTH` levels and
:data:`MAX_NODES` values, and text over :data:`MAX_FILE_BYTES` is refused before parsing. Every
problem is a :class:`~scenarios.errors.VentureLabError` naming the file (``origin``).
"""

from __future__ import annotations

from typing import Any

import yaml

from scenarios.errors import VentureLabError

MAX_FILE_BYTES = 64 * 1024       # a real scenario is ~3 kB; anything near this is hostile
MAX_DEPTH = 8                    # the schema nests 3 levels deep
MAX_NODES = 2_000


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (entity-expansion bombs) and limits depth and size."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            raise VentureLabError("file", "YAML aliases (*name) are not accepted in scenario files")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise VentureLabError("file", f"has more than {MAX_NODES} values")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise VentureLabError("file", f"is nested deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def parse_yaml(text: str | bytes, *, origin: str = "file") -> Any:
    """Plain data from YAML text (an upload, a file's contents), within the caps above."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise VentureLabError(origin, f"is larger than {MAX_FILE_BYTES // 1024} kB", got=len(text))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise VentureLabError(origin, "is not UTF-8 text") from None
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise VentureLabError(origin, f"is larger than {MAX_FILE_BYTES // 1024} kB")
    loader = None
    try:
        loader = _GuardedLoader(text)  # the reader already rejects control characters here
        data = loader.get_single_data()
    except VentureLabError:
        raise
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise VentureLabError(origin, f"is not valid YAML{where}") from None
    except RecursionError:
        raise VentureLabError(origin, f"is nested deeper than {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        raise VentureLabError(origin, "is empty")
    return data
