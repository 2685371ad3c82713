"""A device or a model the user brings: a device's fields (from a form or a file) and files by path.

A device file is YAML, JSON or TOML with the hardware catalog's field names; a model file is a
Hugging Face style ``config.json`` (:mod:`scenarios.engine.hfconfig` reads its shapes).  Files are
untrusted: the size is capped before parsing, any parser error becomes one line, and every field
goes through the same checks as a row of data/hardware.csv, so a bad value raises
:class:`VentureLabError` naming the field.  :func:`scenarios.engine.catalog.get_hardware` and
``get_model`` call in here when given a path instead of an id.
"""

from __future__ import annotations

import os
from pathlib import Path

from scenarios import safe_load
from scenarios.engine.catalog import CatalogRow, Hardware, ModelSpec, hardware_from_row
from scenarios.engine.hfconfig import model_from_hf_config
from scenarios.errors import VentureLabError

MAX_FILE_BYTES = 1_000_000       # a device file or a config.json is a few kB
TEXT_FIELDS = ("id", "name", "category", "hw_class", "source", "notes", "price_as_of", "price_source")
NAME_LIST_FIELDS = ("compute_formats", "derived")
# what an unknown GPU gets when the file leaves a field out; nvidia-consumer is the nearest
# calibrated class for an unknown GPU (docs/engine-api.md, device files)
DEVICE_DEFAULTS = {"category": "workstation-gpu", "hw_class": "nvidia-consumer", "tdp_w": 300.0,
                   "verified": False, "source": "user-supplied device"}


# --------------------------------------------------------------------------- files by path
def looks_like_path(text: str) -> bool:
    """True for text that names a file rather than a catalog id (a separator or a config suffix)."""
    return os.sep in text or "/" in text or text.lower().endswith((".json", ".yaml", ".yml", ".toml"))


def read_structured(path: Path, field_name: str) -> dict:
    """The mapping in a small JSON, YAML or TOML file (by suffix; anything else is read as JSON).

    The read refuses FIFOs, devices and folders and stops past :data:`MAX_FILE_BYTES`; YAML and
    JSON go through the guarded parsers (no aliases, no duplicate keys: :mod:`scenarios.safe_load`)."""
    raw = safe_load.read_limited(path, field_name, MAX_FILE_BYTES)
    origin = f"{field_name} file {path.name[:60]}"
    try:
        data = _parse(safe_load.decode_utf8(raw, origin), path.suffix.lower(), origin)
    except VentureLabError as err:
        if err.field == origin:
            raise VentureLabError(field_name, f"cannot parse file: {err.problem}", got=str(path),
                                  accepted="JSON, YAML or TOML") from None
        raise VentureLabError(field_name, f"in {path.name[:60]}: {err}") from None
    except Exception as exc:  # noqa: BLE001 - any TOML parser error becomes one clear line
        raise VentureLabError(field_name, f"cannot parse file ({type(exc).__name__})", got=str(path),
                              accepted="JSON, YAML or TOML") from None
    if not isinstance(data, dict):
        raise VentureLabError(field_name, "file must hold a mapping of fields", got=str(path))
    return data


def _parse(text: str, suffix: str, origin: str):
    # the TOML parser loads only for files that need it (the CLI starts fast); TOML itself
    # refuses duplicate keys and has no aliases
    if suffix == ".toml":
        import tomllib
        return tomllib.loads(text)
    if suffix in (".yaml", ".yml"):
        return safe_load.parse_yaml(text, origin=origin, max_bytes=MAX_FILE_BYTES)
    return safe_load.parse_json(text, origin=origin)


def hardware_from_file(path: Path) -> Hardware:
    """A device file; its id defaults to the file's stem, and a bad field names the file."""
    data = read_structured(path, "hardware")
    data.setdefault("id", path.stem)
    try:
        return hardware_from_dict(data)
    except VentureLabError as err:     # a bad field: say which file it is in (CLI prints --hardware)
        raise VentureLabError("hardware", f"in device file {path.name}: {err}") from None


def model_from_file(path: Path) -> ModelSpec:
    """A Hugging Face style config.json, named after its folder (``.../llama-3-8b/config.json``)."""
    try:
        return model_from_hf_config(read_structured(path, "model"), name=path.parent.name or path.stem)
    except VentureLabError as err:
        if err.field == "model":        # already about the file itself (unreadable, not a mapping)
            raise
        raise VentureLabError("model", f"in config file {path.name}: {err}") from None


# --------------------------------------------------------------------------- a device's fields
def hardware_from_dict(fields: dict) -> Hardware:
    """A custom device from a form or a device file (catalog field names).

    Required: ``memory_gb``, ``memory_bandwidth_gb_s`` and ``peak_tflops_fp16`` (or
    ``peak_tflops_fp32``).  Missing peaks are derived (fp32 = fp16 / 2, fp16 = fp32, int8 = fp16,
    int4 = int8) and listed in ``derived``; ``hw_class`` defaults to ``nvidia-consumer`` (the nearest
    calibrated class for an unknown GPU) and ``tdp_w`` to 300 W.
    """
    _check_field_names(fields)
    f = {k: v for k, v in fields.items() if v is not None}
    derived = _fill_missing(f)
    for key in NAME_LIST_FIELDS:
        _name_list_as_text(f, key)
    if "ranges" in f:
        f["ranges"] = _ranges_as_text(f["ranges"])
    for key in TEXT_FIELDS:
        if key in f and not isinstance(f[key], str):
            raise VentureLabError(f"hardware {key}", "must be text", got=f[key])
    hw = hardware_from_row(CatalogRow("hardware", {k: (v if isinstance(v, (bool, int, float)) else str(v))
                                                   for k, v in f.items()}))
    if derived:
        hw = Hardware(**{**hw.__dict__, "derived": tuple(dict.fromkeys(hw.derived + tuple(derived)))})
    return hw


def _check_field_names(fields: object) -> None:
    if not isinstance(fields, dict):
        raise VentureLabError("hardware", "a device must be a mapping of catalog fields",
                              got=type(fields).__name__)
    allowed = set(Hardware.__dataclass_fields__) | {"ranges"}
    unknown = sorted(set(map(str, fields)) - allowed)
    if unknown:
        raise VentureLabError("hardware", f"unknown field(s) {', '.join(unknown)}", accepted=sorted(allowed))


def _fill_missing(f: dict) -> list[str]:
    """Fill what a device file may leave out, in place; returns the derived field names in order.

    The fp16 peak stands in for a missing fp32 one halved, and an fp32 peak for a missing fp16 one;
    int8 takes the fp16 peak and int4 the int8 one (no faster low-bit path is assumed)."""
    derived = []
    if "peak_tflops_fp16" not in f and "peak_tflops_fp32" in f:
        f["peak_tflops_fp16"] = f["peak_tflops_fp32"]
        derived.append("peak_tflops_fp16")
    if "peak_tflops_fp32" not in f and "peak_tflops_fp16" in f:
        f["peak_tflops_fp32"] = _fp16_tflops(f) / 2
        derived.append("peak_tflops_fp32")
    for k, v in DEVICE_DEFAULTS.items():
        if k not in f:
            f[k] = v
            if k == "tdp_w":
                derived.append("tdp_w")
    for k in ("peak_tops_int8", "peak_tops_int4"):
        if k not in f and "peak_tflops_fp16" in f:
            f[k] = _fp16_tflops(f) if k == "peak_tops_int8" else None
            derived.append(k)
    if f.get("peak_tops_int4") is None and "peak_tops_int8" in f:
        f["peak_tops_int4"] = f["peak_tops_int8"]
    f.setdefault("id", "custom-device")
    return derived


def _fp16_tflops(f: dict) -> float:
    """The fp16 peak as a checked number (a file may give it as text such as '80')."""
    return CatalogRow("hardware", f).num("peak_tflops_fp16")


def _name_list_as_text(f: dict, key: str) -> None:
    """A list of names becomes the catalog's ``a|b`` text, in place."""
    v = f.get(key)
    if isinstance(v, (list, tuple)):
        if not all(isinstance(x, str) for x in v):
            raise VentureLabError(f"hardware {key}", "must be a list of names", got=v)
        f[key] = "|".join(v)
    elif v is not None and not isinstance(v, str):
        raise VentureLabError(f"hardware {key}", "must be a list of names", got=v)


def _ranges_as_text(ranges: object) -> str:
    """``{field: [low, expected, high]}`` as the catalog's ``field=low|expected|high;...`` text."""
    if isinstance(ranges, str):
        return ranges
    if not isinstance(ranges, dict):
        raise VentureLabError("hardware ranges", "must map field -> [low, expected, high]", got=ranges)
    parts = []
    for k, v in ranges.items():
        if not (isinstance(v, (list, tuple)) and len(v) == 3 and
                all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)):
            raise VentureLabError("hardware ranges", "each entry must be [low, expected, high]",
                                  got=f"{k}={v}")
        parts.append(f"{k}={v[0]}|{v[1]}|{v[2]}")
    return ";".join(parts)
