"""Where user files live: saved scenarios, custom devices and uploaded model configs.

Each store is one folder of small text files, one file per id, so a team can keep them in git
and the CLI reads the same files the app writes (``venture-lab scenario run FILE``,
``--hardware PATH``, ``--model PATH``). Every store gives the same guarantees:

- an id is matched in full against one pattern before any path is built, so no input can reach
  outside the folder (``../x``, ``/etc/passwd``, ``abc\n``);
- only files named ``<id>.yaml`` are read, written or deleted, and links are never followed
  (reads open with ``O_NOFOLLOW``; writes and deletes refuse a link);
- a new file is created atomically (a fsync-ed temp file ``os.link``-ed to its name): of two
  writers saving the same new id exactly one wins and the other gets "already exists";
- an existing file is replaced only when the caller passes ``overwrite=True``, through a fsync-ed
  temp file and ``os.replace``, so a reader or a crash never sees half a file;
- every overwrite and delete keeps the previous version (the last 10 per id, in ``.history/``),
  listed by ``history(id)`` and brought back by ``restore(id, version)``;
- temp files a crashed save left behind are removed when the store is opened;
- one bad file is reported with its reason and skipped; it never hides the others.

The mechanics live in :mod:`scenarios.business.store_files`.

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

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scenarios import safe_load
from scenarios.business.safe_yaml import MAX_FILE_BYTES as MAX_SCENARIO_BYTES
from scenarios.business.scenario import ID_RE, Scenario, load_preset, parse_text, preset_ids, to_yaml
from scenarios.business.store_files import FileFolder, Version
from scenarios.engine import catalog
from scenarios.engine.catalog import ModelSpec
from scenarios.errors import VentureLabError

SCENARIO_DIR_ENV = "VENTURE_LAB_SCENARIO_DIR"
DEVICE_DIR_ENV = "VENTURE_LAB_DEVICE_DIR"
# A device id is "custom-" plus a slug of at most 60 characters (see device_id_for).
DEVICE_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")      # matched in full (re.fullmatch)
DEVICE_SUFFIXES = (".yaml", ".yml")
MAX_DEVICE_FILES = 200           # the listing reads at most this many files per rerun
MAX_CONFIG_BYTES = 256_000       # a real config.json is a few kB; anything larger is not one
_NOT_SLUG = re.compile(r"[^a-z0-9-]+")


# ---------------------------------------------------------------------------------------
# One safe way to write a single file
# ---------------------------------------------------------------------------------------
def write_atomically(path: Path, content: str | bytes, *, overwrite: bool, exists_message: str) -> Path:
    """Write ``content`` (text is UTF-8 encoded) to the file ``path`` with the store's guarantees:
    created atomically when new (with ``overwrite=False`` a file that exists, even one another
    writer made a moment ago, is an error), otherwise replaced through a temp file keeping the
    previous version; a link at ``path`` is refused either way."""
    folder = FileFolder(path.parent, re.compile(re.escape(path.stem)), "is not this file's name",
                        suffix=path.suffix, clean=False)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if overwrite:
        return folder.replace(path.stem, data)
    if path.is_symlink():
        raise VentureLabError("id", "is a link, not a file; the store does not follow links", got=path.name)
    return folder.create(path.stem, data, exists_message)


# ---------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------
SCENARIO_EXISTS = "a scenario with this id already exists; choose overwrite to replace it"


def save(scenario: Scenario, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write one scenario file atomically; an existing file is replaced only if asked."""
    return write_atomically(Path(path), to_yaml(scenario), overwrite=overwrite, exists_message=SCENARIO_EXISTS)


def default_scenario_dir() -> Path:
    return Path(os.environ.get(SCENARIO_DIR_ENV) or "user_scenarios")


@dataclass(frozen=True)
class ItemInfo:
    """What a page keeps from opening a saved item: the version it saw and its owner."""
    version: int | None           # None: the folder store, which has no version numbers
    owner: str | None             # None: no owner recorded (the folder store, single-user saves)


@dataclass(frozen=True)
class StoreListing:
    scenarios: dict[str, Scenario]      # id -> scenario, the files that loaded
    errors: dict[str, str]              # file name -> why it was refused


class ScenarioStore:
    """Saved scenarios in one folder, one ``<id>.yaml`` per scenario; the presets are the
    read-only fallback of :meth:`get` and their ids cannot be saved over."""

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else default_scenario_dir()
        self.files = FileFolder(self.folder, ID_RE, "must be lowercase letters, digits and '-' (max 64)")

    def path_for(self, scenario_id: str) -> Path:
        return self.files.path_for(scenario_id)

    def list(self) -> StoreListing:
        found: dict[str, Scenario] = {}
        errors: dict[str, str] = {}
        for sid in self.files.ids():
            try:
                found[sid] = self._read(sid)
            except VentureLabError as err:
                errors[f"{sid}.yaml"] = str(err)
        return StoreListing(found, errors)

    def _read(self, scenario_id: str) -> Scenario | None:
        raw = self.files.read(scenario_id, MAX_SCENARIO_BYTES)
        if raw is None:
            return None
        s = parse_text(raw)
        if s.id != scenario_id:
            raise VentureLabError("id", "must match the file name", got=s.id, accepted=scenario_id)
        return s

    def get(self, scenario_id: str) -> Scenario:
        """A saved scenario, else the preset of that id (a link is never read)."""
        saved = self._read(scenario_id)
        if saved is not None:
            return saved
        if scenario_id in preset_ids():
            return load_preset(scenario_id)
        raise VentureLabError("scn_id", "no saved scenario or preset has this id", got=scenario_id)

    def info(self, scenario_id: str) -> ItemInfo | None:
        """The folder keeps no version numbers or owners: ``ItemInfo(None, None)`` when saved."""
        return ItemInfo(None, None) if scenario_id in self.files.ids() else None

    def save(self, scenario: Scenario, *, overwrite: bool = False, expected_version: int | None = None,
             user: str | None = None) -> Path:
        """``expected_version`` is the SQL store's (a folder has none: ignored); ``user`` is team
        mode's, which keeps owners in the SQL store only (refused here)."""
        _single_user(user)
        if scenario.id in preset_ids():
            raise VentureLabError("id", "is a preset's id; choose another id for your copy",
                                  got=scenario.id)
        data = to_yaml(scenario).encode("utf-8")
        if overwrite:
            return self.files.replace(scenario.id, data)
        return self.files.create(scenario.id, data, SCENARIO_EXISTS)

    def delete(self, scenario_id: str, *, user: str | None = None, expected_version: int | None = None) -> None:
        """Remove a saved scenario; it stays restorable from :meth:`history`."""
        _single_user(user)
        self.files.delete(scenario_id, "no saved scenario file with this id")

    def history(self, scenario_id: str) -> list[Version]:
        """The kept previous versions of a scenario (overwritten or deleted), newest first."""
        return self.files.history(scenario_id)

    def history_ids(self) -> list[str]:
        """Scenarios with kept versions, deleted ones included (what a restore can bring back)."""
        return self.files.history_ids()

    def version(self, scenario_id: str, version: str) -> Scenario:
        """A kept version, parsed (for a preview before restoring it)."""
        return parse_text(self.files.version_bytes(scenario_id, version))

    def restore(self, scenario_id: str, version: str, *, user: str | None = None) -> Path:
        """Make a kept version current again; the version it replaces is kept in turn."""
        _single_user(user)
        scenario = self.version(scenario_id, version)     # a version that no longer loads is refused
        if scenario.id != scenario_id:
            raise VentureLabError("version", "holds another scenario id", got=scenario.id, accepted=scenario_id)
        return self.files.restore(scenario_id, version)

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


def _single_user(user: str | None) -> None:
    if user is not None:
        raise VentureLabError("VENTURE_LAB_STORE_URL", "team mode keeps owners in the SQL store; set it "
                              "to the team database", accepted="sqlite:///PATH or postgresql+psycopg2://...")


def open_scenario_store(editors=None):
    """The scenario store the app uses: the SQL store when ``VENTURE_LAB_STORE_URL`` is set (a
    team), else the folder (one machine). Both have the same public API."""
    from scenarios.business.store_sql import STORE_URL_ENV, SqlScenarioStore
    url = os.environ.get(STORE_URL_ENV)
    return SqlScenarioStore(url, editors) if url else ScenarioStore()


def open_device_store(editors=None, folder: str | os.PathLike | None = None):
    """The device store the app uses, selected as :func:`open_scenario_store` selects (``folder``:
    the file store's folder when no database is set; default :func:`default_device_dir`)."""
    from scenarios.business.store_sql import STORE_URL_ENV, SqlDeviceStore
    url = os.environ.get(STORE_URL_ENV)
    return SqlDeviceStore(url, editors) if url else DeviceStore(folder)


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
    versions: dict[str, int | None] = field(default_factory=dict)   # id -> version (SQL store only)


class DeviceStore:
    """Custom devices in one folder, one ``<id>.yaml`` per device, holding the hardware
    catalog's fields (what :func:`scenarios.engine.catalog.hardware_from_dict` accepts)."""

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else default_device_dir()
        self.files = FileFolder(self.folder, DEVICE_ID_RE, "must be lowercase letters, digits and '-' (max 80)")

    def path_for(self, device_id: str) -> Path:
        return self.files.path_for(device_id)

    def save(self, fields: dict, *, overwrite: bool = False, expected_version: int | None = None,
             user: str | None = None) -> str:
        """Validate a device with the engine and save it as ``<id>.yaml``; return the id.
        ``expected_version`` is the SQL store's (a folder keeps no version numbers: ignored).

        The id comes from ``fields["name"]`` (:func:`device_id_for`); a bad field raises the
        engine's error naming it, before anything is written. Two names with one id ("My Board",
        "my board!!") meet the same guarantees as two scenarios: the second is refused without
        ``overwrite``, and an overwrite keeps the first in :meth:`history`.
        """
        _single_user(user)
        fields = dict(fields)
        fields["id"] = device_id_for(str(fields.get("name") or ""))
        catalog.hardware_from_dict(fields)
        data = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True).encode("utf-8")
        if overwrite:
            self.files.replace(fields["id"], data)
        else:
            self.files.create(fields["id"], data, "a device with this name is saved; choose overwrite "
                                                  "to replace it")
        return fields["id"]

    def list(self) -> DeviceListing:
        """Device files that load cleanly, by id; a file whose id differs from its name, or that
        the engine refuses, is reported in ``errors``."""
        found: dict[str, Path] = {}
        errors: dict[str, str] = {}
        if not self.folder.is_dir():
            return DeviceListing(found, errors)
        files = sorted(p for p in self.folder.iterdir()
                       if p.suffix in DEVICE_SUFFIXES and DEVICE_ID_RE.fullmatch(p.stem))
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

    def info(self, device_id: str) -> ItemInfo | None:
        """The folder keeps no version numbers or owners: ``ItemInfo(None, None)`` when saved."""
        return ItemInfo(None, None) if self.files.read(device_id) is not None else None

    def delete(self, device_id: str, *, user: str | None = None) -> None:
        """Remove a saved device; it stays restorable from :meth:`history`."""
        _single_user(user)
        self.files.delete(device_id, "no saved device file with this id")

    def history(self, device_id: str) -> list[Version]:
        return self.files.history(device_id)

    def restore(self, device_id: str, version: str, *, user: str | None = None) -> Path:
        """Make a kept version of a device current again (checked by the engine first)."""
        _single_user(user)
        data = safe_load.parse_yaml(self.files.version_bytes(device_id, version), origin="version")
        catalog.hardware_from_dict(data)
        return self.files.restore(device_id, version)


# ---------------------------------------------------------------------------------------
# Uploaded model configs
# ---------------------------------------------------------------------------------------
def model_from_upload(data: bytes, filename: str) -> ModelSpec:
    """Check an uploaded Hugging Face ``config.json`` and return the model it describes.

    Nothing is written: the engine takes the :class:`ModelSpec` itself as a model, so an upload lives
    only in the visitor's session (an earlier version stored every upload under a fixed folder in
    /tmp that nothing removed). The id is ``custom:<name>``, the name from the file name or, for a
    file called config.json, from the config's ``_name_or_path`` / ``model_type``.
    """
    config = _parse_model_config(data)
    name = slug(Path(filename).stem) or "uploaded-model"
    if name == "config":
        name = slug(str(config.get("_name_or_path") or config.get("model_type") or "uploaded-model"))
    return catalog.model_from_hf_config(config, name or "uploaded-model")


def _parse_model_config(data: bytes) -> dict:
    if len(data) > MAX_CONFIG_BYTES:
        raise VentureLabError("config.json", f"is {len(data) // 1000} kB; a model config is a few kB",
                              accepted=f"files under {MAX_CONFIG_BYTES // 1000} kB")
    try:   # duplicate keys, NaN and huge integers refused (scenarios.safe_load)
        config = safe_load.parse_json(data, origin="config.json")
    except VentureLabError as err:
        raise VentureLabError(err.field, err.problem, accepted="a Hugging Face config.json") from None
    if not isinstance(config, dict):
        raise VentureLabError("config.json", "must be a JSON object of model fields",
                              got=type(config).__name__, accepted="a Hugging Face config.json")
    return config
