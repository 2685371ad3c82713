"""Saved scenarios and custom devices in a SQL database that every replica shares (ARCHITECTURE
section 6): the same interface and guarantees as the folder stores of
:mod:`scenarios.business.store`, for a team.

Selected by ``VENTURE_LAB_STORE_URL`` (``sqlite:///path/store.db`` or
``postgresql+psycopg2://user:password@host/db``); SQLAlchemy Core writes the SQL, so no dialect
is hand-written. What it adds to the folder store's guarantees:

- **optimistic versioning**: every saved item has a version number (1 when created, +1 per
  overwrite or restore). A save that names the version it opened (``expected_version``) and finds
  a newer one is refused with "changed since you opened it"; the check and the write are one
  conditional ``UPDATE ... WHERE version = :opened``, so two analysts never overwrite each other;
- **create-if-absent is atomic**: the primary key ``(kind, id)`` is a unique constraint, so of two
  writers inserting one new id exactly one wins and the other gets "already exists";
- **owners**: each item records who created it; when a ``user`` is given (team mode,
  ``dashboard/auth.py``) only that owner or a workspace editor (``VENTURE_LAB_EDITORS``) may
  overwrite, delete or restore it. The owner lives in the store's row, not in the scenario file;
- **history**: every overwrite and delete keeps the previous content (the last
  :data:`~scenarios.business.store_files.HISTORY_KEEP` per id), restorable, as in the folder store.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa
import yaml
from sqlalchemy.exc import IntegrityError, OperationalError

from scenarios import safe_load
from scenarios.business.scenario import ID_RE, load_preset, parse_text, preset_ids, to_yaml
from scenarios.business.store import (
    DEVICE_ID_RE,
    MAX_DEVICE_FILES,
    SCENARIO_EXISTS,
    DeviceListing,
    ItemInfo,
    StoreListing,
    device_id_for,
    write_atomically,
)
from scenarios.business.store_files import HISTORY_KEEP, MAX_FILE_BYTES, Version
from scenarios.engine import catalog
from scenarios.errors import VentureLabError

STORE_URL_ENV = "VENTURE_LAB_STORE_URL"
EDITORS_ENV = "VENTURE_LAB_EDITORS"
CHANGED = "changed since you opened it; reload it to see the other save, then edit again"
NOT_YOURS = "belongs to another user; only its owner or a workspace editor may change it"
_VERSION_RE = re.compile(r"\d{19,20}-[0-9a-z_]{4,12}")     # the folder store's version names

_meta = sa.MetaData()
ITEMS = sa.Table(
    "venture_lab_items", _meta,
    sa.Column("kind", sa.String(16), primary_key=True),        # "scenario" or "device"
    sa.Column("id", sa.String(96), primary_key=True),          # (kind, id) unique: atomic create
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("owner", sa.String(200)),
    sa.Column("saved_at_s", sa.Float, nullable=False),
)
HISTORY = sa.Table(
    "venture_lab_history", _meta,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("id", sa.String(96), primary_key=True),
    sa.Column("version", sa.String(40), primary_key=True),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("owner", sa.String(200)),
    sa.Column("saved_at_s", sa.Float, nullable=False),
)

_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str) -> sa.Engine:
    """One engine (connection pool) per URL per process, its tables created on first use."""
    with _engines_lock:
        if url not in _engines:
            try:
                connect_args = {"timeout": 30} if url.startswith("sqlite") else {"connect_timeout": 10}
                engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
                _create_tables(engine)
            except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, OperationalError) as exc:
                # the URL may hold a password: only its scheme is shown
                raise VentureLabError(STORE_URL_ENV, f"cannot open the database ({type(exc).__name__})",
                                      got=url.split(":", 1)[0]) from None
            _engines[url] = engine
        return _engines[url]


def _create_tables(engine: sa.Engine) -> None:
    for attempt in range(3):       # two replicas starting together may race on CREATE TABLE
        try:
            _meta.create_all(engine, checkfirst=True)
            return
        except (IntegrityError, sa.exc.ProgrammingError, OperationalError):
            if attempt == 2:
                raise
            time.sleep(0.2)


def editors_from_env() -> frozenset[str]:
    return frozenset(u.strip() for u in (os.environ.get(EDITORS_ENV) or "").split(",") if u.strip())


def _answers(method):
    """A database that is down or refuses a query is the store's error, not a traceback: the page
    shows it as any bad input (a dropped pooled connection is replaced first: ``pool_pre_ping``)."""
    @functools.wraps(method)
    def call(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except sa.exc.DBAPIError as exc:
            if isinstance(exc, IntegrityError):
                raise
            raise VentureLabError(STORE_URL_ENV, "the database did not answer; try again in a moment",
                                  got=type(exc.orig).__name__) from None
    return call


class SqlRows:
    """Items of one kind (``scenario`` or ``device``): the SQL twin of ``FileFolder``."""

    def __init__(self, url: str, kind: str, id_re: re.Pattern, rule: str, editors=None):
        self.engine, self.kind, self.id_re, self.rule = engine_for(url), kind, id_re, rule
        self.editors = editors_from_env() if editors is None else frozenset(editors)

    def check_id(self, item_id: object) -> str:
        if not isinstance(item_id, str) or not self.id_re.fullmatch(item_id):
            raise VentureLabError("id", self.rule, got=item_id)
        return item_id

    def _key(self, table, item_id: str):
        return sa.and_(table.c.kind == self.kind, table.c.id == self.check_id(item_id))

    # ------------------------------------------------------------------ read
    @_answers
    def ids(self) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(ITEMS.c.id).where(ITEMS.c.kind == self.kind).order_by(ITEMS.c.id))
            return [r.id for r in rows if self.id_re.fullmatch(r.id)]

    @_answers
    def read(self, item_id: str) -> bytes | None:
        row = self._row(item_id)
        return None if row is None else bytes(row.content)

    @_answers
    def row(self, item_id: str):
        """The stored row (``content``, ``version``, ``owner`` ...), or None."""
        return self._row(item_id)

    @_answers
    def info(self, item_id: str) -> ItemInfo | None:
        row = self._row(item_id)
        return None if row is None else ItemInfo(row.version, row.owner)

    def _row(self, item_id: str):
        with self.engine.connect() as conn:
            return conn.execute(sa.select(ITEMS).where(self._key(ITEMS, item_id))).first()

    # ------------------------------------------------------------------ write
    @_answers
    def create(self, item_id: str, content: bytes, exists_message: str, user: str | None = None) -> None:
        """Insert a new item; the primary key makes exactly one of concurrent creators win."""
        _check_size(content)
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.insert(ITEMS).values(kind=self.kind, id=self.check_id(item_id), content=content,
                                                     version=1, owner=user, saved_at_s=time.time()))
        except IntegrityError:
            raise VentureLabError("id", exists_message, got=item_id) from None

    @_answers
    def replace(self, item_id: str, content: bytes, *, expected_version: int | None = None,
                user: str | None = None, owner_if_new: str | None = None) -> int:
        """Write over an item (or create it), keeping the previous content; returns the new version.

        With ``expected_version`` the write happens only if the item is still at that version."""
        _check_size(content)
        for _ in range(5):      # only without expected_version can a concurrent write make us retry
            row = self._row(item_id)
            if row is None:
                if expected_version is not None:
                    raise VentureLabError("id", "was deleted; " + CHANGED, got=item_id)
                try:
                    self.create(item_id, content, "exists", owner_if_new or user)
                    return 1
                except VentureLabError:
                    continue        # another writer created it a moment ago: overwrite that one
            self._check_may_change(row.owner, user, item_id)
            if expected_version is not None and row.version != expected_version:
                raise VentureLabError("id", CHANGED, got=item_id)
            with self.engine.begin() as conn:
                self._archive(conn, item_id, row)
                done = conn.execute(sa.update(ITEMS).where(self._key(ITEMS, item_id), ITEMS.c.version == row.version)
                                    .values(content=content, version=row.version + 1, saved_at_s=time.time()))
                if done.rowcount == 1:
                    return row.version + 1
                conn.rollback()     # someone saved in between: the archived row goes too
            if expected_version is not None:
                raise VentureLabError("id", CHANGED, got=item_id)
        raise VentureLabError("id", "is being saved by others right now; try again", got=item_id)

    @_answers
    def delete(self, item_id: str, missing_message: str, *, user: str | None = None,
               expected_version: int | None = None) -> None:
        """Remove an item; its content stays restorable from history."""
        row = self._row(item_id)
        if row is None:
            raise VentureLabError("id", missing_message, got=item_id)
        self._check_may_change(row.owner, user, item_id)
        if expected_version is not None and row.version != expected_version:
            raise VentureLabError("id", CHANGED, got=item_id)
        with self.engine.begin() as conn:
            self._archive(conn, item_id, row)
            deleted = conn.execute(sa.delete(ITEMS).where(self._key(ITEMS, item_id),
                                                          ITEMS.c.version == row.version)).rowcount
            if deleted != 1:
                conn.rollback()
        if deleted != 1:
            raise VentureLabError("id", CHANGED, got=item_id)

    def _check_may_change(self, owner: str | None, user: str | None, item_id: str) -> None:
        """Single-user mode (no user) may change anything; in team mode the owner or an editor."""
        if user is None or user == owner or user in self.editors:
            return
        raise VentureLabError("id", NOT_YOURS, got=item_id)

    # ------------------------------------------------------------------ history
    def _archive(self, conn, item_id: str, row) -> None:
        stamp = f"{time.time_ns():020d}-{os.urandom(4).hex()}"
        conn.execute(sa.insert(HISTORY).values(kind=self.kind, id=item_id, version=stamp, content=row.content,
                                               owner=row.owner, saved_at_s=time.time()))
        old = conn.execute(sa.select(HISTORY.c.version).where(self._key(HISTORY, item_id))
                           .order_by(HISTORY.c.version.desc()).offset(HISTORY_KEEP)).scalars().all()
        if old:
            conn.execute(sa.delete(HISTORY).where(self._key(HISTORY, item_id), HISTORY.c.version.in_(old)))

    @_answers
    def history(self, item_id: str) -> list[Version]:
        """The kept previous versions of an id, newest first."""
        query = (sa.select(HISTORY.c.version, HISTORY.c.saved_at_s, sa.func.length(HISTORY.c.content).label("n"))
                 .where(self._key(HISTORY, item_id)).order_by(HISTORY.c.version.desc()))
        with self.engine.connect() as conn:
            return [Version(r.version, r.saved_at_s, r.n) for r in conn.execute(query)]

    @_answers
    def history_ids(self) -> list[str]:
        query = sa.select(HISTORY.c.id).where(HISTORY.c.kind == self.kind).distinct().order_by(HISTORY.c.id)
        with self.engine.connect() as conn:
            return [i for i in conn.execute(query).scalars() if self.id_re.fullmatch(i)]

    def version_bytes(self, item_id: str, version: str) -> bytes:
        return bytes(self._version_row(item_id, version).content)

    @_answers
    def _version_row(self, item_id: str, version: str):
        if not isinstance(version, str) or not _VERSION_RE.fullmatch(version):
            raise VentureLabError("version", "is not a kept version of this id", got=version)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(HISTORY).where(self._key(HISTORY, item_id),
                                                        HISTORY.c.version == version)).first()
        if row is None:
            raise VentureLabError("version", "is not a kept version of this id", got=version,
                                  accepted=[v.version for v in self.history(item_id)] or "none kept")
        return row

    @_answers
    def restore(self, item_id: str, version: str, *, user: str | None = None) -> int:
        """Make a kept version current again (the content it replaces is kept in turn). A deleted
        item comes back with its owner; only that owner or an editor may bring it back."""
        kept = self._version_row(item_id, version)
        if self.info(item_id) is None:
            self._check_may_change(kept.owner, user, item_id)
        return self.replace(item_id, bytes(kept.content), user=user, owner_if_new=kept.owner)


def _check_size(content: bytes) -> None:
    if len(content) > MAX_FILE_BYTES:
        raise VentureLabError("file", f"is {len(content) // 1000} kB; the store keeps files under "
                                      f"{MAX_FILE_BYTES // 1000} kB")


# ---------------------------------------------------------------------------------------
# The two stores, with the folder stores' public API
# ---------------------------------------------------------------------------------------
class SqlScenarioStore:
    """Saved scenarios in the database; the presets are the read-only fallback of :meth:`get` and
    their ids cannot be saved over (as :class:`scenarios.business.store.ScenarioStore`)."""

    def __init__(self, url: str, editors=None):
        self.rows = SqlRows(url, "scenario", ID_RE, "must be lowercase letters, digits and '-' (max 64)", editors)
        self.folder = "the team database"      # where a page says a scenario went; never the URL

    def list(self):
        found, errors = {}, {}
        for sid in self.rows.ids():
            try:
                found[sid] = self._read(sid)
            except VentureLabError as err:
                errors[f"{sid}.yaml"] = str(err)
        return StoreListing({k: v for k, v in found.items() if v is not None}, errors)

    def _read(self, scenario_id: str):
        raw = self.rows.read(scenario_id)
        if raw is None:
            return None
        s = parse_text(raw)
        if s.id != scenario_id:
            raise VentureLabError("id", "must match the stored id", got=s.id, accepted=scenario_id)
        return s

    def get(self, scenario_id: str):
        saved = self._read(scenario_id)
        if saved is not None:
            return saved
        if scenario_id in preset_ids():
            return load_preset(scenario_id)
        raise VentureLabError("scn_id", "no saved scenario or preset has this id", got=scenario_id)

    def info(self, scenario_id: str) -> ItemInfo | None:
        return self.rows.info(scenario_id)

    def save(self, scenario, *, overwrite: bool = False, expected_version: int | None = None,
             user: str | None = None) -> int:
        """Save; returns the new version number. ``expected_version``: the version the caller
        opened (a newer one is refused); ``user``: team mode's signed-in user (the owner check)."""
        if scenario.id in preset_ids():
            raise VentureLabError("id", "is a preset's id; choose another id for your copy", got=scenario.id)
        data = to_yaml(scenario).encode("utf-8")
        if overwrite:
            return self.rows.replace(scenario.id, data, expected_version=expected_version, user=user)
        self.rows.create(scenario.id, data, SCENARIO_EXISTS, user)
        return 1

    def delete(self, scenario_id: str, *, user: str | None = None, expected_version: int | None = None) -> None:
        self.rows.delete(scenario_id, "no saved scenario with this id", user=user,
                         expected_version=expected_version)

    def history(self, scenario_id: str) -> list[Version]:
        return self.rows.history(scenario_id)

    def history_ids(self) -> list[str]:
        return self.rows.history_ids()

    def version(self, scenario_id: str, version: str):
        return parse_text(self.rows.version_bytes(scenario_id, version))

    def restore(self, scenario_id: str, version: str, *, user: str | None = None) -> int:
        scenario = self.version(scenario_id, version)
        if scenario.id != scenario_id:
            raise VentureLabError("version", "holds another scenario id", got=scenario.id, accepted=scenario_id)
        return self.rows.restore(scenario_id, version, user=user)

    def unique_id(self, base: str) -> str:
        base = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-")[:56] or "scenario"
        taken = set(preset_ids()) | set(self.rows.ids())
        n = 2
        candidate = base
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate


class SqlDeviceStore:
    """Custom devices in the database. The engine reads a device from a file, so :meth:`list`
    writes each one, addressed by its content, into a private folder of this process."""

    def __init__(self, url: str, editors=None, cache_dir: str | None = None):
        self.rows = SqlRows(url, "device", DEVICE_ID_RE, "must be lowercase letters, digits and '-' (max 80)",
                            editors)
        self.folder = "the team database"
        self._cache_dir = cache_dir

    def save(self, fields: dict, *, overwrite: bool = False, expected_version: int | None = None,
             user: str | None = None) -> str:
        """Save; returns the id. ``expected_version``: the version the page listed (a newer one
        is refused with "changed since you opened it", as for scenarios)."""
        fields = dict(fields)
        fields["id"] = device_id_for(str(fields.get("name") or ""))
        catalog.hardware_from_dict(fields)
        data = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True).encode("utf-8")
        if overwrite:
            self.rows.replace(fields["id"], data, expected_version=expected_version, user=user)
        else:
            self.rows.create(fields["id"], data, "a device with this name is saved; choose overwrite "
                                                 "to replace it", user)
        return fields["id"]

    def info(self, device_id: str) -> ItemInfo | None:
        return self.rows.info(device_id)

    def list(self):
        found, errors, versions = {}, {}, {}
        for device_id in self.rows.ids()[:MAX_DEVICE_FILES]:
            row = self.rows.row(device_id)
            if row is None:
                continue
            data = bytes(row.content)
            path = self._cache_folder() / hashlib.sha256(data).hexdigest()[:16] / f"{device_id}.yaml"
            try:
                if not path.exists():
                    write_atomically(path, data, overwrite=True, exists_message="exists")
                hw = catalog.get_hardware(str(path))
                if hw.id != device_id:
                    raise VentureLabError("id", "must match the stored id", got=hw.id, accepted=device_id)
            except VentureLabError as err:
                errors[f"{device_id}.yaml"] = str(err)
                continue
            found[device_id], versions[device_id] = path, row.version
        return DeviceListing(found, errors, versions)

    def _cache_folder(self):
        return Path(self._cache_dir) if self._cache_dir is not None else _process_device_folder()

    def delete(self, device_id: str, *, user: str | None = None) -> None:
        self.rows.delete(device_id, "no saved device with this id", user=user)

    def history(self, device_id: str) -> list[Version]:
        return self.rows.history(device_id)

    def restore(self, device_id: str, version: str, *, user: str | None = None) -> int:
        catalog.hardware_from_dict(safe_load.parse_yaml(self.rows.version_bytes(device_id, version),
                                                        origin="version"))
        return self.rows.restore(device_id, version, user=user)


_device_folder: list[Path] = []


def _process_device_folder() -> Path:
    """One folder per process (``mkdtemp``: mode 0700) for the engine's copies of stored devices;
    its files are named by content, so it grows only with distinct device versions."""
    with _engines_lock:
        if not _device_folder:
            _device_folder.append(Path(tempfile.mkdtemp(prefix="venture-lab-devices-")))
        return _device_folder[0]
