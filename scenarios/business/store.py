"""Where user files live: saved scenarios, custom devices and uploaded model configs.

Each store is one folder of small text files, one file per id, so a team can keep them in git
and the CLI reads the same files the app writes (``venture-lab scenario run FILE``,
``--hardware PATH``, ``--model PATH``). Every store gives the same guarantees:

- an id is checked against one pattern before any path is built from it, so no input can reach
  outside the folder (``../x``, ``/etc/passwd``);
- only files named ``<id>.yaml`` are read, written or deleted, and links are never followed;
- a write goes to a temp file in the same folder, is flushed to disk (``fsync``) and then renamed
  over the target (``os.replace``), so a reader or a crash never leaves half a file;
- an existing file is replaced only when the caller passes ``overwrite=True``;
- one bad file is reported with its reason and skipped; it never hides the others.

Folders: ``VENTURE_LAB_SCENARIO_DIR`` (default ``./user_scenarios``) and ``VENTURE_LAB_DEVICE_DIR``
(default ``./user_devices``), both git-ignored.

Examples
--------
>>> import tempfile
>>> folder = tempfile.TemporaryDirectory()
>>> devices = DeviceStore(folder.name)
>>> devices.save({"name": "Acme NPU", "memory_gb": 32, "memory_bandwidth_gb_s": 200,
...               "peak_tflops_fp16": 40})
'custom-acme-npu'
>>> sorted(devices.list().paths)
['custom-acme-npu']
>>> folder.cleanup()
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from scenarios.business.scenario import ID_RE, Scenario, load, load_preset, preset_ids, to_yaml
from scenarios.engine import catalog
from scenarios.errors import VentureLabError

SCENARIO_DIR_ENV = "VENTURE_LAB_SCENARIO_DIR"
DEVICE_DIR_ENV = "VENTURE_LAB_DEVICE_DIR"
# A device id is "custom-" plus a slug of at most 60 characters (see device_id_for).
DEVICE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
DEVICE_SUFFIXES = (".yaml", ".yml")
MAX_DEVICE_FILES = 200           # the listing reads at most this many files per rerun
MAX_CONFIG_BYTES = 256_000       # a real config.json is a few kB; anything larger is not one
_NOT_SLUG = re.compile(r"[^a-z0-9-]+")


# ---------------------------------------------------------------------------------------
# One safe way to write a file
# ---------------------------------------------------------------------------------------
def write_atomically(path: Path, content: str | bytes, *, overwrite: bool, exists_message: str) -> Path:
    """Write ``content`` (text is UTF-8 encoded) to ``path`` through a flushed temp file and
    ``os.replace``.

    A crash mid-write leaves the previous file intact and no temp file behind. An existing
    file is replaced only with ``overwrite=True``; a link at ``path`` is refused either way.
    """
    if path.is_symlink():
        raise VentureLabError("id", "is a link, not a file; the store does not follow links",
                              got=path.name)
    if path.exists() and not overwrite:
        raise VentureLabError("id", exists_message, got=path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return path


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _checked_id(value: object, pattern: re.Pattern, rule: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise VentureLabError("id", rule, got=value)
    return value


# ---------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------
def save(scenario: Scenario, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write one scenario file atomically; an existing file is replaced only if asked."""
    return write_atomically(Path(path), to_yaml(scenario), overwrite=overwrite,
                            exists_message="a scenario file with this name exists; choose "
                                           "overwrite to replace it")


def default_scenario_dir() -> Path:
    return Path(os.environ.get(SCENARIO_DIR_ENV) or "user_scenarios")


@dataclass(frozen=True)
class StoreListing:
    scenarios: dict[str, Scenario]      # id -> scenario, the files that loaded
    errors: dict[str, str]              # file name -> why it was refused


class ScenarioStore:
    """Saved scenarios in one folder, one ``<id>.yaml`` per scenario; the presets are the
    read-only fallback of :meth:`get` and their ids cannot be saved over."""

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else default_scenario_dir()

    def path_for(self, scenario_id: str) -> Path:
        _checked_id(scenario_id, ID_RE, "must be lowercase letters, digits and '-' (max 64)")
        return self.folder / f"{scenario_id}.yaml"

    def list(self) -> StoreListing:
        found: dict[str, Scenario] = {}
        errors: dict[str, str] = {}
        if not self.folder.is_dir():
            return StoreListing(found, errors)
        for p in sorted(self.folder.glob("*.yaml")):
            if not ID_RE.match(p.stem) or p.is_symlink():
                continue
            try:
                s = load(p)
                if s.id != p.stem:
                    raise VentureLabError("id", "must match the file name", got=s.id,
                                          accepted=p.stem)
                found[p.stem] = s
            except VentureLabError as err:
                errors[p.name] = str(err)
        return StoreListing(found, errors)

    def get(self, scenario_id: str) -> Scenario:
        """A saved scenario, else the preset of that id."""
        p = self.path_for(scenario_id)
        if p.is_file() and not p.is_symlink():
            return load(p)
        if scenario_id in preset_ids():
            return load_preset(scenario_id)
        raise VentureLabError("scn_id", "no saved scenario or preset has this id", got=scenario_id)

    def save(self, scenario: Scenario, *, overwrite: bool = False) -> Path:
        if scenario.id in preset_ids():
            raise VentureLabError("id", "is a preset's id; choose another id for your copy",
                                  got=scenario.id)
        return save(scenario, self.path_for(scenario.id), overwrite=overwrite)

    def delete(self, scenario_id: str) -> None:
        p = self.path_for(scenario_id)
        if p.is_symlink() or not p.is_file():
            raise VentureLabError("id", "no saved scenario file with this id", got=scenario_id)
        p.unlink()

    def unique_id(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3``... whichever is free (and not a preset)."""
        base = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-")[:56] or "scenario"
        taken = set(preset_ids())
        if self.folder.is_dir():
            taken |= {p.stem for p in self.folder.glob("*.yaml")}
        if base not in taken:
            return base
        n = 2
        while f"{base}-{n}" in taken:
            n += 1
        return f"{base}-{n}"


# ---------------------------------------------------------------------------------------
# Custom devices
# ---------------------------------------------------------------------------------------
def slug(text: str) -> str:
    """Text in the catalog's lowercase-kebab id form, safe as a file name (at most 60 characters)."""
    return _NOT_SLUG.sub("-", text.strip().lower()).strip("-")[:60]


def device_id_for(name: str) -> str:
    """The id a device of this name is saved under: ``custom-<slug>``, so a saved device never
    shadows a catalog device."""
    base = slug(name)
    if not base:
        raise VentureLabError("name", "give the device a name made of letters or digits")
    return base if base.startswith("custom-") else f"custom-{base}"


def default_device_dir() -> Path:
    return Path(os.environ.get(DEVICE_DIR_ENV) or "user_devices")


@dataclass(frozen=True)
class DeviceListing:
    paths: dict[str, Path]              # id -> device file, the files that loaded
    errors: dict[str, str]              # file name -> why it was refused


class DeviceStore:
    """Custom devices in one folder, one ``<id>.yaml`` per device, holding the hardware
    catalog's fields (what :func:`scenarios.engine.catalog.hardware_from_dict` accepts)."""

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else default_device_dir()

    def path_for(self, device_id: str) -> Path:
        _checked_id(device_id, DEVICE_ID_RE, "must be lowercase letters, digits and '-' (max 80)")
        return self.folder / f"{device_id}.yaml"

    def save(self, fields: dict, *, overwrite: bool = False) -> str:
        """Validate a device with the engine and save it as ``<id>.yaml``; return the id.

        The id comes from ``fields["name"]`` (:func:`device_id_for`); a bad field raises the
        engine's error naming it, before anything is written.
        """
        fields = dict(fields)
        fields["id"] = device_id_for(str(fields.get("name") or ""))
        catalog.hardware_from_dict(fields)
        text = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
        write_atomically(self.path_for(fields["id"]), text, overwrite=overwrite,
                         exists_message="a device with this name is saved; choose overwrite to "
                                        "replace it")
        return fields["id"]

    def list(self) -> DeviceListing:
        """Device files that load cleanly, by id; a file whose id differs from its name, or that
        the engine refuses, is reported in ``errors``."""
        found: dict[str, Path] = {}
        errors: dict[str, str] = {}
        if not self.folder.is_dir():
            return DeviceListing(found, errors)
        files = sorted(p for p in self.folder.iterdir()
                       if p.suffix in DEVICE_SUFFIXES and DEVICE_ID_RE.match(p.stem))
        for p in files[:MAX_DEVICE_FILES]:
            if p.is_symlink() or not p.is_file():
                continue
            try:
                hw = catalog.get_hardware(str(p))
                if hw.id != p.stem:
                    raise VentureLabError("id", "must match the file name", got=hw.id, accepted=p.stem)
            except VentureLabError as err:
                errors[p.name] = str(err)
                continue
            found[hw.id] = p
        return DeviceListing(found, errors)

    def delete(self, device_id: str) -> None:
        p = self.path_for(device_id)
        if p.is_symlink() or not p.is_file():
            raise VentureLabError("id", "no saved device file with this id", got=device_id)
        p.unlink()


# ---------------------------------------------------------------------------------------
# Uploaded model configs
# ---------------------------------------------------------------------------------------
def default_upload_dir() -> Path:
    return Path(tempfile.gettempdir()) / "venture-lab-uploads"


def save_model_config(data: bytes, filename: str, folder: str | os.PathLike | None = None) -> Path:
    """Check an uploaded Hugging Face ``config.json`` and store it; return its path, which the
    engine takes as a model (``--model PATH``).

    Files are addressed by their content (``<folder>/<sha256 prefix>/<name>.json``), so the same
    upload always maps to the same path and rewriting it changes nothing.
    """
    config = _parse_model_config(data)
    name = slug(Path(filename).stem) or "uploaded-model"
    if name == "config":
        name = slug(str(config.get("_name_or_path") or config.get("model_type") or "uploaded-model"))
    catalog.model_from_hf_config(config, name)
    digest = hashlib.sha256(data).hexdigest()[:16]
    root = Path(folder) if folder is not None else default_upload_dir()
    path = root / digest / f"{name or 'uploaded-model'}.json"
    write_atomically(path, data, overwrite=True, exists_message="")
    return path


def _parse_model_config(data: bytes) -> dict:
    if len(data) > MAX_CONFIG_BYTES:
        raise VentureLabError("config.json", f"is {len(data) // 1000} kB; a model config is a few kB",
                              accepted=f"files under {MAX_CONFIG_BYTES // 1000} kB")
    try:
        config = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise VentureLabError("config.json", f"is not valid JSON ({type(err).__name__})",
                              accepted="a Hugging Face config.json") from None
    if not isinstance(config, dict):
        raise VentureLabError("config.json", "must be a JSON object of model fields",
                              got=type(config).__name__, accepted="a Hugging Face config.json")
    return config
