"""Untrusted files and text: bounded reads and guarded YAML / JSON, below the engine and business layers.

Every file a user names or uploads (a device file, a Hugging Face ``config.json``, a scenario file,
a CSV of estimates) comes through here, so the same rules hold everywhere:

- :func:`read_limited` opens without blocking, refuses anything that is not a regular file (a FIFO
  would block forever, ``/dev/zero`` never ends, a directory is not a file) and reads at most
  ``max_bytes + 1`` bytes, so an oversized file is refused without reading it whole;
- :func:`parse_yaml` builds plain data only (``yaml.SafeLoader``) and refuses aliases and merge
  keys (no "billion laughs" expansion), duplicate keys (the last one would win silently), more
  than :data:`MAX_DEPTH` levels or :data:`MAX_NODES` values, and an impossible date names its key;
- :func:`parse_json` refuses duplicate keys (``object_pairs_hook``), NaN / Infinity and integers
  with more digits than any real figure.

Every problem is a :class:`~scenarios.errors.VentureLabError` naming the input (``origin``), so the
CLI prints one line and the app one message. Imports only :mod:`scenarios.errors` (docs/architecture.md).
"""

from __future__ import annotations

import functools
import json
import os
import stat
from typing import Any

from scenarios.errors import VentureLabError

MAX_DEPTH = 8                    # a scenario nests 3 levels deep, a device file 2
MAX_NODES = 20_000               # a config.json of a large model has a few hundred values
MAX_PATH_CHARS = 1_024           # PATH_MAX is 4096 on Linux; no file of this product is near 1k
MAX_INT_DIGITS = 30              # the largest real figure (FLOPs of a training run) has ~27 digits


# --------------------------------------------------------------------------------- files
def open_regular(path: str | os.PathLike, field: str, *, follow_links: bool = True):
    """A binary file object of a regular file, opened without blocking (a FIFO with no writer, a
    device or a folder is a one-line error naming ``field``); the caller reads it in chunks."""
    fd = _open_fd(path, field, follow_links)
    return os.fdopen(fd, "rb")


def read_limited(path: str | os.PathLike, field: str, max_bytes: int, *, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, read without ever blocking or
    reading more than ``max_bytes + 1`` bytes; any other file is a one-line error naming ``field``."""
    fd = _open_fd(path, field, follow_links)
    text = os.fspath(path)
    try:
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise VentureLabError(field, f"cannot read file ({exc.strerror})", got=text) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > max_bytes:
        raise VentureLabError(field, f"file is larger than {_size(max_bytes)}", got=text,
                              accepted=f"files up to {_size(max_bytes)}")
    return raw


def _open_fd(path: str | os.PathLike, field: str, follow_links: bool) -> int:
    """A descriptor of a regular file (checked with fstat on the open descriptor: no race)."""
    text = os.fspath(path)
    if not isinstance(text, str) or not text.strip():
        raise VentureLabError(field, "is empty: give a file path", got=text)
    if len(text) > MAX_PATH_CHARS:
        raise VentureLabError(field, f"path is longer than {MAX_PATH_CHARS} characters", got=len(text))
    if "\x00" in text:
        raise VentureLabError(field, "not a readable file path (holds a NUL character)", got=text)
    # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(text, flags)
    except OSError as exc:
        raise VentureLabError(field, f"cannot read file ({exc.strerror})", got=text) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, pipe or socket)"
            raise VentureLabError(field, f"is {kind}; give a file", got=text)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _size(n_bytes: int) -> str:
    return f"{n_bytes // 1_000_000} MB" if n_bytes >= 1_000_000 else f"{n_bytes // 1024} kB"


def decode_utf8(raw: bytes, origin: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise VentureLabError(origin, "is not UTF-8 text") from None


# --------------------------------------------------------------------------------- YAML
@functools.lru_cache(maxsize=1)
def _yaml_loader_class():
    # PyYAML loads only for files that need it (the CLI's cold start stays fast)
    import yaml

    class GuardedLoader(yaml.SafeLoader):
        """SafeLoader that refuses aliases, merge keys and duplicate keys, and limits depth and size."""

        origin = "file"
        max_nodes = MAX_NODES

        def __init__(self, stream):
            super().__init__(stream)
            self._depth = 0
            self._nodes = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise VentureLabError(self.origin, "YAML aliases (*name) are not accepted")
            self._nodes += 1
            if self._nodes > self.max_nodes:
                raise VentureLabError(self.origin, f"has more than {self.max_nodes} values")
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise VentureLabError(self.origin, f"is nested deeper than {MAX_DEPTH} levels")
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def construct_mapping(self, node, deep=False):
            if not isinstance(node, yaml.MappingNode):
                return super().construct_mapping(node, deep)
            mapping: dict = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise VentureLabError(self.origin, "YAML merge keys (<<) are not accepted")
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    raise VentureLabError(self.origin, "has a key that is not text",
                                          got=f"line {key_node.start_mark.line + 1}")
                if key in mapping:
                    raise VentureLabError(str(key), f"appears twice in {self.origin} (line "
                                          f"{key_node.start_mark.line + 1}); give each field once")
                mapping[key] = self._value(key, value_node, deep)
            return mapping

        def _value(self, key, value_node, deep):
            try:
                return self.construct_object(value_node, deep=deep)
            except (ValueError, OverflowError) as err:
                if isinstance(err, VentureLabError):
                    raise
                # e.g. a YAML date that is no date (2026-13-45: "month must be in 1..12")
                raise VentureLabError(str(key), f"is not a valid value ({err})",
                                      got=getattr(value_node, "value", None)) from None

    return GuardedLoader


def parse_yaml(text: str | bytes, *, origin: str = "file", max_bytes: int = 1_000_000,
               max_nodes: int = MAX_NODES) -> Any:
    """Plain data from untrusted YAML text within the caps above; ``None`` for an empty document."""
    import yaml

    if isinstance(text, bytes):
        text = decode_utf8(text, origin)
    if len(text) > max_bytes or len(text.encode("utf-8")) > max_bytes:
        raise VentureLabError(origin, f"is larger than {_size(max_bytes)}")
    loader_cls = type("Loader", (_yaml_loader_class(),), {"origin": origin, "max_nodes": max_nodes})
    loader = None
    try:
        loader = loader_cls(text)  # the reader already rejects control characters here
        return loader.get_single_data()
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


def read_yaml_file(path: str | os.PathLike, *, max_bytes: int = 1_000_000, max_nodes: int = MAX_NODES) -> Any:
    """A YAML file read through the same guards as user files (regular file, size cap, no aliases,
    no duplicate keys), errors naming the file."""
    origin = os.path.basename(os.fspath(path))
    return parse_yaml(read_limited(path, origin, max_bytes), origin=origin, max_bytes=max_bytes, max_nodes=max_nodes)


# --------------------------------------------------------------------------------- JSON
def _json_pairs(origin: str):
    def hook(pairs: list) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                raise VentureLabError(str(key), f"appears twice in {origin}; give each field once")
            out[key] = value
        return out
    return hook


def _json_int(origin: str):
    def parse(text: str) -> int:
        if len(text.lstrip("-")) > MAX_INT_DIGITS:
            raise VentureLabError(origin, f"holds an integer of {len(text.lstrip('-'))} digits",
                                  accepted=f"at most {MAX_INT_DIGITS} digits")
        return int(text)
    return parse


def _json_constant(origin: str):
    def refuse(name: str):
        raise VentureLabError(origin, f"holds {name}, which is not a number", accepted="finite numbers")
    return refuse


def parse_json(text: str | bytes, *, origin: str = "file") -> Any:
    """Plain data from untrusted JSON text: duplicate keys, NaN / Infinity and huge integers refused."""
    if isinstance(text, bytes):
        text = decode_utf8(text, origin)
    try:
        return json.loads(text, object_pairs_hook=_json_pairs(origin), parse_int=_json_int(origin),
                          parse_constant=_json_constant(origin))
    except VentureLabError:
        raise
    except json.JSONDecodeError as err:
        raise VentureLabError(origin, f"is not valid JSON (line {err.lineno}: {err.msg})") from None
    except (ValueError, RecursionError) as err:
        raise VentureLabError(origin, f"is not valid JSON ({type(err).__name__})") from None
