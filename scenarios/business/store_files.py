"""One folder of small user files, one ``<id><suffix>`` per id: the mechanics both stores share.

What every store of :mod:`scenarios.business.store` gets from here:

- **ids matched in full** (``re.fullmatch``: ``"abc\\n"`` is refused) before any path is built;
- **no link followed**: reads open with ``O_NOFOLLOW``, writes and deletes check with ``lstat``;
- **create-if-absent is atomic**: the content goes to a unique temp file, is ``fsync``-ed, then
  ``os.link``-ed to its name; ``link`` fails if the name exists, so of two writers saving the same
  new id exactly one wins and the other gets "already exists" (no check-then-rename window);
- **an overwrite or a delete keeps the previous version** in ``.history/<id>/`` (the last
  :data:`HISTORY_KEEP`), listable and restorable; writers that replace or delete hold an exclusive
  ``flock`` on ``.lock`` so two overwrites never archive the same version and lose the other's;
- **no orphans**: temp files a crashed save left behind (older than :data:`ORPHAN_AGE_S`) are
  removed when the store is opened.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scenarios import safe_load
from scenarios.errors import VentureLabError

HISTORY_DIR = ".history"
HISTORY_KEEP = 10                # previous versions kept per id
ORPHAN_AGE_S = 60.0              # a save takes milliseconds; a temp file this old is a crash's
MAX_FILE_BYTES = 1_000_000
# what _write_temp's mkstemp makes: ".<id><suffix>.<8 random characters>.tmp"
_TEMP_RE = re.compile(r"\.[a-z0-9][a-z0-9._-]*\.(?:yaml|yml|json)\.[A-Za-z0-9_]{8}\.tmp")
_VERSION_RE = re.compile(r"\d{19,20}-[0-9a-z_]{4,12}")


@dataclass(frozen=True)
class Version:
    """One kept previous version of an id: ``version`` is what :meth:`FileFolder.restore` takes."""
    version: str
    saved_at_s: float            # when it was replaced or deleted (seconds since the epoch)
    size_bytes: int


class FileFolder:
    """Files ``<folder>/<id><suffix>`` with the guarantees of the module docstring."""

    def __init__(self, folder: str | os.PathLike, id_re: re.Pattern, rule: str, suffix: str = ".yaml",
                 clean: bool = True):
        self.folder, self.id_re, self.rule, self.suffix = Path(folder), id_re, rule, suffix
        if clean and _due_for_cleaning(self.folder):   # a store's own folder, never one it does not own
            self.clean_orphans()

    # ------------------------------------------------------------------ names
    def check_id(self, item_id: object) -> str:
        if not isinstance(item_id, str) or not self.id_re.fullmatch(item_id):
            raise VentureLabError("id", self.rule, got=item_id)
        return item_id

    def path_for(self, item_id: str) -> Path:
        return self.folder / f"{self.check_id(item_id)}{self.suffix}"

    def ids(self) -> list[str]:
        """Ids of the regular files (links and other names skipped), sorted."""
        if not self.folder.is_dir():
            return []
        out = []
        for p in self.folder.glob(f"*{self.suffix}"):
            if self.id_re.fullmatch(p.stem) and _is_regular(p):
                out.append(p.stem)
        return sorted(out)

    # ------------------------------------------------------------------ read
    def read(self, item_id: str, max_bytes: int = MAX_FILE_BYTES) -> bytes | None:
        """The file's bytes, ``None`` when absent; a link or a non-file is refused."""
        p = self.path_for(item_id)
        try:
            os.lstat(p)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise VentureLabError("id", f"cannot be read ({exc.strerror})", got=item_id) from None
        try:
            return safe_load.read_limited(p, "id", max_bytes, follow_links=False)
        except VentureLabError as err:     # say why only where a link was refused, not for a failing disk
            why = "; the store does not follow links" if os.path.islink(p) else ""
            raise VentureLabError("id", f"{err.problem}{why}", got=item_id) from None

    # ------------------------------------------------------------------ write
    def create(self, item_id: str, content: bytes, exists_message: str) -> Path:
        """Write a new file; exactly one of several concurrent creators of one id succeeds."""
        target = self.path_for(item_id)
        tmp = self._temp_with(content, target.name)
        try:
            os.link(tmp, target)          # fails with EEXIST if anything (file or link) is there
        except FileExistsError:
            raise VentureLabError("id", exists_message, got=item_id) from None
        finally:
            _unlink_quietly(tmp)
        _fsync_dir(self.folder)
        return target

    def replace(self, item_id: str, content: bytes) -> Path:
        """Write over an existing file (or create it), keeping the previous version in history."""
        target = self.path_for(item_id)
        with self._locked():
            self._refuse_link(target, item_id)
            tmp = self._temp_with(content, target.name)
            try:
                self._archive(item_id)
                os.replace(tmp, target)
            except BaseException:
                _unlink_quietly(tmp)
                raise
            _fsync_dir(self.folder)
        return target

    def delete(self, item_id: str, missing_message: str) -> None:
        """Remove a file; its content stays restorable from history."""
        target = self.path_for(item_id)
        with self._locked():
            self._refuse_link(target, item_id)
            if not _is_regular(target):
                raise VentureLabError("id", missing_message, got=item_id)
            self._archive(item_id)
            os.unlink(target)
            _fsync_dir(self.folder)

    # ------------------------------------------------------------------ history
    def history(self, item_id: str) -> list[Version]:
        """The kept previous versions of an id, newest first."""
        folder = self._history_dir(item_id)
        if not folder.is_dir():
            return []
        out = []
        for p in folder.iterdir():
            if _VERSION_RE.fullmatch(p.stem) and p.suffix == self.suffix and _is_regular(p):
                out.append(Version(p.stem, int(p.stem.split("-")[0]) / 1e9, p.lstat().st_size))
        return sorted(out, key=lambda v: v.version, reverse=True)

    def history_ids(self) -> list[str]:
        """Ids with kept versions (saved now or deleted), sorted."""
        root = self.folder / HISTORY_DIR
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if self.id_re.fullmatch(p.name) and self.history(p.name))

    def version_bytes(self, item_id: str, version: str) -> bytes:
        if not isinstance(version, str) or not _VERSION_RE.fullmatch(version):
            raise VentureLabError("version", "is not a kept version of this id", got=version)
        p = self._history_dir(item_id) / f"{version}{self.suffix}"
        if not _is_regular(p):
            raise VentureLabError("version", "is not a kept version of this id", got=version,
                                  accepted=[v.version for v in self.history(item_id)] or "none kept")
        return safe_load.read_limited(p, "version", MAX_FILE_BYTES, follow_links=False)

    def restore(self, item_id: str, version: str) -> Path:
        """Make a kept version current again (the file it replaces is kept in turn)."""
        return self.replace(item_id, self.version_bytes(item_id, version))

    def _history_dir(self, item_id: str) -> Path:
        return self.folder / HISTORY_DIR / self.check_id(item_id)

    def _archive(self, item_id: str) -> None:
        """Keep the current file (if any) as a version; call with the lock held."""
        current = self.read(item_id)
        if current is None:
            return
        folder = self._history_dir(item_id)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = f"{time.time_ns():020d}-{os.urandom(4).hex()}"
        tmp = _write_temp(folder, f"{stamp}{self.suffix}", current)
        try:
            os.link(tmp, folder / f"{stamp}{self.suffix}")
        finally:
            _unlink_quietly(tmp)
        for old in self.history(item_id)[HISTORY_KEEP:]:
            _unlink_quietly(str(folder / f"{old.version}{self.suffix}"))
        _fsync_dir(folder)

    # ------------------------------------------------------------------ housekeeping
    def clean_orphans(self, now_s: float | None = None) -> int:
        """Remove temp files older than :data:`ORPHAN_AGE_S` (a crashed save's); returns how many."""
        now_s = time.time() if now_s is None else now_s
        removed = 0
        folders = [self.folder, *(self.folder / HISTORY_DIR).glob("*")] if self.folder.is_dir() else []
        for folder in folders:
            for p in folder.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    st = p.lstat()
                    if _TEMP_RE.fullmatch(p.name) and now_s - st.st_mtime > ORPHAN_AGE_S:
                        p.unlink()
                        removed += 1
        return removed

    def _temp_with(self, content: bytes, name: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        return _write_temp(self.folder, name, content)

    @staticmethod
    def _refuse_link(target: Path, item_id: str) -> None:
        if target.is_symlink():
            raise VentureLabError("id", "is a link, not a file; the store does not follow links", got=item_id)

    @contextlib.contextmanager
    def _locked(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)   # released even if the close below fails
        finally:
            os.close(fd)


_LAST_CLEANED_S: dict[str, float] = {}     # folder -> when this process last swept it


def _due_for_cleaning(folder: Path) -> bool:
    """Sweep a folder for orphans at most once per ORPHAN_AGE_S per process: the app opens a store
    on every action, and a temp file younger than that is never removed anyway."""
    key, now_s = os.fspath(folder), time.monotonic()
    if now_s - _LAST_CLEANED_S.get(key, -math.inf) < ORPHAN_AGE_S:
        return False
    _LAST_CLEANED_S[key] = now_s
    return True


def _write_temp(folder: Path, name: str, content: bytes) -> str:
    """A unique, fsync-ed temp file ``.<name>.<random>.tmp`` in ``folder`` holding ``content``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return tmp


def _is_regular(p: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(p).st_mode)
    except OSError:
        return False


def _fsync_dir(folder: Path) -> None:
    """Make a rename or link durable (POSIX: the directory entry is data of the directory)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _unlink_quietly(path: str | os.PathLike) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
