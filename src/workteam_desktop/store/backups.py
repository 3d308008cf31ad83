"""Backups of the store file and restoring one.

A backup is a copy made with SQLite's online backup API (safe while the program runs),
checked with ``PRAGMA integrity_check``, in ``<home>/backups/`` as
``workteam-YYYYmmdd-HHMMSS-<reason>.sqlite3``. Automatic backups (``daily`` and
``before-upgrade``, including the upgrade's own ``before-upgrade-*`` files) are pruned to
the newest N; backups made on demand or before a restore are never deleted.

A backup carries the attachment files (photos) its rows name, so restoring it into a
fresh home (a new laptop) gives the same photos:

- backups in ``<home>/backups/`` share one pool, ``backups/attachments/<xx>/<sha256>``:
  attachment content is immutable and named by its hash, so the pool holds each file once
  (a hard link to the home's own file where the disk allows, costing no space) however
  many backups name it; pruning drops pool files no kept backup names;
- a backup written elsewhere (``out``: a USB stick) is one self-contained file: the
  content is inside it, in an extra table ``backup_attachment`` (sha256, content).

Restore copies what the home lacks from either place, checking each file's SHA-256.

A restore into the home the backup was made in (a rollback) keeps the device id, and the
device clock never goes back past what the replaced store had stamped; its next pull asks
the server for its own changes too (a pull skips them otherwise: they are here), because
those it pushed after the backup are now only on the server. A restore into
another home (another folder, or the same folder name on another laptop) makes that home a
laptop of its own: a new device id (store/store.py), the restored history keeping its
stamps. The same home is told by the home id (the ``home-id`` file in the folder, and the
store's own copy in ``sync_state``, which every backup carries); a backup or a home from
before home ids is the same home when its device id is the one the home's store has.

Backups never hold secrets: sync tokens and device keys live in the OS keyring, never in
the home, and the copy has the store's tables only (plus ``backup_attachment``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import home_key, sealed, sqlite, sync_state
from .home import backups_dir, store_path
from .store import HOME_ID, OTHER_HOME, read_home_id

CHECK_CACHE_KIB = 256 * 1024  # page cache of the connection that checks a backup copy

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)

KEEP_AUTOMATIC = 10
AUTOMATIC_REASONS = frozenset({"daily", "before-upgrade"})

POOL_DIR = "attachments"  # in backups/
CONTENT_TABLE = "backup_attachment"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^workteam-(\d{8}-\d{6})(?:-\d+)?-([a-z0-9-]+)\.sqlite3$")
_UPGRADE_NAME = re.compile(r"^before-upgrade-[^-]+-(\d{8}-\d{6})\.sqlite3$")
_REASON = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file in a home's ``backups/``."""

    path: Path
    created: dt.datetime
    reason: str
    size: int

    @property
    def automatic(self) -> bool:
        return self.reason in AUTOMATIC_REASONS


@dataclass(frozen=True)
class BackupCheck:
    """What a backup file holds, found before it is restored."""

    path: Path
    revision: str
    households: int
    attachments: int = 0  # attachment files the backup's rows name


@dataclass(frozen=True)
class RestoreResult:
    """A finished restore."""

    home: Path
    revision: str
    previous: Path | None  # the "before-restore" copy of the replaced store, if any
    missing_attachments: int = 0  # named by rows, but found neither in the backup nor the home
    device_id: str = ""  # the restored home's device id
    backup_device_id: str = ""  # the device id the backup was made with
    recovery_code: str | None = None  # a new home's key was made: its code, to show once

    @property
    def new_device(self) -> bool:
        """Whether the home took a new device id (the backup came from another home)."""
        return bool(self.backup_device_id) and self.device_id != self.backup_device_id


@dataclass(frozen=True)
class _Identity:
    """Who a store file belongs to: its home id, device id and device clock (what is known)."""

    home_id: str | None = None
    device: str | None = None
    clock: tuple[int, int] | None = None
    has_state: bool = False  # the file has a sync_state table (schema 0004 and later)


def _identity(db_file: Path, key: bytes | None) -> _Identity:
    """Read a store file's identity (a closed store, or the restore's temporary copy)."""
    db = sqlite.connect(db_file, key)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        device = clock = home_id = None
        if "device" in tables:
            row = db.execute("SELECT id FROM device").fetchone()
            device = row[0] if row else None
        if "clock_state" in tables:
            row = db.execute("SELECT wall_ms, counter FROM clock_state "
                             "ORDER BY wall_ms DESC, counter DESC LIMIT 1").fetchone()
            clock = (int(row[0]), int(row[1])) if row else None
        if "sync_state" in tables:
            row = db.execute("SELECT value FROM sync_state WHERE key = ?", (HOME_ID,)).fetchone()
            home_id = row[0] if row else None
        return _Identity(home_id, device, clock, "sync_state" in tables)
    finally:
        db.close()


def _same_home(backup: _Identity, home_id: str | None, current: _Identity | None) -> bool:
    """Whether a backup belongs to the home it is restored into: the same home id, or (a
    backup or home from before home ids) the device id of the home's own store."""
    if backup.home_id and home_id:
        return backup.home_id == home_id
    return current is not None and current.device is not None and current.device == backup.device


# --- making backups ---------------------------------------------------------------------


def _source(store_or_path: Store | str | os.PathLike[str]) -> tuple[Path, Path]:
    """(store file, home) of a Store, a data home or a store file."""
    path = getattr(store_or_path, "path", None)
    if path is not None:
        return Path(path), Path(store_or_path.home)  # type: ignore[union-attr]
    p = Path(store_or_path)  # type: ignore[arg-type]
    if p.is_dir():
        return store_path(p), p
    return p, p.parent


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_checked(source: sqlite.Connection, target: Path, key: bytes | None,
                  source_key: bytes | None) -> None:
    """Copy ``source`` (opened with ``source_key``) into ``target`` (a new file, encrypted
    with ``key``): the backup API when the keys are the same, else SQLCipher's export
    (a backup restored into another home takes that home's key); a rollback-journal file,
    its integrity checked."""
    if key == source_key:
        dst = sqlite.connect(target, key)
        try:
            source.backup(dst)
        finally:
            dst.close()
    else:
        sqlite.export(source, target, key)
    dst = sqlite.connect(target, key)
    try:
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        # The check reads every page and index: with the default 2 MB cache an encrypted
        # county decrypts many pages again and again (86 s against 42 s with 256 MB, measured
        # at 200,000 households). The cache is freed when the connection closes.
        dst.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")
        result = dst.execute("PRAGMA integrity_check").fetchall()
    finally:
        dst.close()
    if [r[0] for r in result] != ["ok"]:
        raise BackupError(f"备份副本 {target.name} 完整性检查未通过，原数据未改动。请检查磁盘后重试。")
    _fsync(target)


def _unique_name(folder: Path, stamp: str, reason: str) -> Path:
    path = folder / f"workteam-{stamp}-{reason}.sqlite3"
    n = 2
    while path.exists():
        path = folder / f"workteam-{stamp}-{n}-{reason}.sqlite3"
        n += 1
    return path


def make_backup(store_or_path: Store | str | os.PathLike[str], reason: str = "manual", *,
                out: str | os.PathLike[str] | None = None, keep: int = KEEP_AUTOMATIC,
                now: dt.datetime | None = None) -> Path:
    """Back the store up; returns the backup file.

    ``store_or_path`` is an open Store, a data home or a store file. The copy goes to
    ``<home>/backups/workteam-YYYYmmdd-HHMMSS-<reason>.sqlite3``, or to ``out`` (a file,
    or a folder to put the usual name in). After an automatic backup (``daily``,
    ``before-upgrade``) only the newest ``keep`` automatic backups are kept.
    """
    if not _REASON.match(reason):
        raise ValueError(f"bad backup reason {reason!r}")
    source, home = _source(store_or_path)
    if not source.is_file():
        raise BackupError(f"数据目录 {home} 中还没有数据，无需备份")
    key = getattr(store_or_path, "key", None) if hasattr(store_or_path, "engine") \
        else home_key.key_for_file(home, source)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    if out is None:
        folder = backups_dir(home)
        folder.mkdir(parents=True, exist_ok=True)
        target = _unique_name(folder, stamp, reason)
    else:
        target = Path(out)
        if target.is_dir():
            target = _unique_name(target, stamp, reason)
        elif target.exists():
            raise BackupError(f"文件 {target} 已存在，请换一个文件名")
        elif not target.parent.is_dir():
            raise BackupError(f"文件夹 {target.parent} 不存在")
    partial = target.with_name(target.name + ".partial")
    try:
        src = sqlite.connect(source, key)
        try:
            _copy_checked(src, partial, key, key)
        finally:
            src.close()
        if out is None:
            _pool_attachments(partial, key, home, target.parent / POOL_DIR)
        else:
            _embed_attachments(partial, key, home)
            if key is not None:
                # The key file travels with the backup: with the home's recovery code it
                # opens the backup on another laptop. It holds no key, only its wrapping.
                shutil.copyfile(home_key.key_file(home), home_key.backup_key_file(target))
        os.replace(partial, target)
    except sqlite.Error as exc:
        raise BackupError(f"备份失败（{exc}），原数据未改动。请检查磁盘空间后重试。") from exc
    except OSError as exc:
        raise BackupError(f"无法写入 {target}（{exc.strerror or exc}），原数据未改动") from exc
    finally:
        partial.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        _fsync_dir(target.parent)
    log.info("backup made: %s (%s bytes)", target.name, target.stat().st_size)
    if out is None and reason in AUTOMATIC_REASONS:
        prune(home, keep)
    return target


def attachment_hashes(db_file: Path, key: bytes | None) -> set[str]:
    """The SHA-256 of every attachment a store (or backup) file's rows name."""
    db = sqlite.connect(db_file, key, readonly=True)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                          "AND name = 'attachment'").fetchone():
            return set()
        return {r[0] for r in db.execute("SELECT DISTINCT sha256 FROM attachment")
                if r[0] and _SHA256.match(r[0])}
    finally:
        db.close()


def _link_or_copy(source: Path, target: Path) -> None:
    """Put ``source`` at ``target``: a hard link (no space) where possible, else a copy;
    through a temporary name, so a half-copied file never has a hash name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".incoming-{target.name}")
    temp.unlink(missing_ok=True)
    try:
        try:
            os.link(source, temp)
        except OSError:
            shutil.copyfile(source, temp)
            _fsync(temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _pool_attachments(backup: Path, key: bytes | None, home: Path, pool: Path) -> None:
    """Make sure the backups' shared pool holds every attachment ``backup`` names (the
    home's sealed files as they are: the pool is the home's, under the home's key)."""
    from .attachments import content_path

    for sha in attachment_hashes(backup, key):
        source, target = content_path(home, sha), pool / sha[:2] / sha
        if source.is_file() and not target.exists():
            _link_or_copy(source, target)


def _embed_attachments(backup: Path, key: bytes | None, home: Path) -> None:
    """Copy every attachment ``backup`` names (and the home has) into the file itself
    (inside the encrypted file: the content as it is, not sealed twice)."""
    from .attachments import content_path, read_content

    files = [(sha, content_path(home, sha)) for sha in sorted(attachment_hashes(backup, key))]
    files = [(sha, path) for sha, path in files if path.is_file()]
    if not files:
        return  # no photos: the backup stays the store's tables only
    db = sqlite.connect(backup, key)
    try:
        db.execute(f"CREATE TABLE {CONTENT_TABLE} (sha256 TEXT PRIMARY KEY, content BLOB NOT NULL)")
        for sha, _path in files:
            db.execute(f"INSERT INTO {CONTENT_TABLE} VALUES (?, ?)",
                       (sha, read_content(home, sha)))
            db.commit()  # one file at a time: photos never pile up in memory
        db.commit()
    finally:
        db.close()
    _fsync(backup)


def list_backups(home: str | os.PathLike[str]) -> list[BackupInfo]:
    """The backups in a home's ``backups/``, newest first."""
    folder = backups_dir(Path(home))
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if m := _NAME.match(path.name):
            stamp, reason = m.group(1), m.group(2)
        elif m := _UPGRADE_NAME.match(path.name):
            stamp, reason = m.group(1), "before-upgrade"
        else:
            continue
        try:
            created = dt.datetime.strptime(stamp, "%Y%m%d-%H%M%S")
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(BackupInfo(path, created, reason, size))
    found.sort(key=lambda b: (b.created, b.path.name), reverse=True)
    return found


def prune(home: str | os.PathLike[str], keep: int = KEEP_AUTOMATIC) -> list[Path]:
    """Delete all but the newest ``keep`` automatic backups; returns those deleted."""
    automatic = [b for b in list_backups(home) if b.automatic]
    removed = []
    for old in automatic[max(keep, 0):]:
        try:
            old.path.unlink()
        except OSError:
            log.warning("could not remove old backup %s", old.path.name)
            continue
        removed.append(old.path)
    if removed:
        _prune_pool(Path(home))
    return removed


def _prune_pool(home: Path) -> None:
    """Drop pool files that no backup left in ``backups/`` names."""
    pool = backups_dir(home) / POOL_DIR
    if not pool.is_dir():
        return
    wanted: set[str] = set()
    for backup in list_backups(home):
        try:
            wanted |= attachment_hashes(backup.path, home_key.key_for_file(home, backup.path))
        except (sqlite.Error, home_key.StoreLocked, home_key.RecoveryRefused):
            return  # cannot tell what an unreadable backup needs: keep everything
    for path in pool.glob("*/*"):
        if path.name not in wanted:
            with contextlib.suppress(OSError):
                path.unlink()


def _has_data(path: Path, key: bytes | None) -> bool:
    db = sqlite.connect(path, key, readonly=True)
    try:
        row = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                         "AND name = 'change_log'").fetchone()
        if not row:
            return False
        if db.execute("SELECT EXISTS (SELECT 1 FROM change_log)").fetchone()[0]:
            return True
        # A store loaded from a snapshot may have no logged change at all.
        loaded = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                            "AND name = 'row_clock'").fetchone()
        return bool(loaded and db.execute(
            "SELECT EXISTS (SELECT 1 FROM row_clock)").fetchone()[0])
    finally:
        db.close()


def daily_backup_if_due(store: Store, *, keep: int = KEEP_AUTOMATIC,
                        now: dt.datetime | None = None) -> Path | None:
    """The day's automatic backup, on the first start of a calendar day.

    Returns the backup made, or None when today's exists already or the store holds no
    data yet. Never raises for a failed backup: it is logged and tried again next start.
    """
    now = now or dt.datetime.now()
    today = now.date()
    try:
        if any(b.reason == "daily" and b.created.date() == today
               for b in list_backups(store.home)):
            return None
        if not _has_data(store.path, store.key):
            return None
        return make_backup(store, "daily", keep=keep, now=now)
    except (BackupError, sqlite.Error, OSError):
        log.exception("daily backup failed")
        return None


# --- restoring ------------------------------------------------------------------------


def known_revisions() -> set[str]:
    """Every schema revision this program's migrations know."""
    from alembic.script import ScriptDirectory

    from .migrate import alembic_config

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _open_source(path: Path, key: bytes | None) -> sqlite.Connection:
    """The backup file, read-only; never writes next to it (e.g. on a USB stick)."""
    uri = path.resolve().as_uri()
    try:
        db = sqlite.dbapi.connect(f"{uri}?mode=ro", uri=True)
        sqlite.apply_key(db, key)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite.OperationalError:
        db = sqlite.dbapi.connect(f"{uri}?mode=ro&immutable=1", uri=True)
        sqlite.apply_key(db, key)
        return db


def _check_copy(copy: Path, shown: Path, key: bytes | None) -> BackupCheck:
    not_ours = f"{shown.name} 不是 workteam 的数据备份"
    db = sqlite.connect(copy, key)
    try:
        db.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")  # as for a new backup
        if [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()] != ["ok"]:
            raise BackupError(f"备份文件 {shown.name} 已损坏（完整性检查未通过），未做任何更改")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"alembic_version", "household", "change_log"} <= tables:
            raise BackupError(f"{not_ours}，未做任何更改")
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        households = db.execute("SELECT count(*) FROM household WHERE NOT deleted").fetchone()[0]
        attachments = db.execute(
            "SELECT count(DISTINCT sha256) FROM attachment").fetchone()[0] \
            if "attachment" in tables else 0
    finally:
        db.close()
    if row is None:
        raise BackupError(f"{not_ours}，未做任何更改")
    revision = row[0]
    if revision not in known_revisions():
        raise BackupError(f"备份文件 {shown.name} 来自更新版本的 workteam（数据库版本 {revision}），"
                          "请先升级本程序再恢复，未做任何更改")
    return BackupCheck(shown, revision, households, attachments)


def _checkpoint(path: Path, key: bytes | None) -> None:
    """Fold the old store's WAL into the file and drop the -wal/-shm files."""
    with contextlib.suppress(sqlite.Error):
        db = sqlite.connect(path, key)
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _restore_attachments(copy: Path, key: bytes | None, source: Path,
                         source_key: bytes | None, home: Path) -> int:
    """Put the attachment files the restored rows name into the home, from the backup's own
    ``backup_attachment`` table or the pool next to it; then drop that table from ``copy``.
    Each file is checked against its SHA-256 first and written sealed with the home's key.
    Returns how many stayed missing."""
    import hashlib

    from .attachments import content_path, write_content

    needed = {sha for sha in attachment_hashes(copy, key)
              if not content_path(home, sha).is_file()}
    pool_key = sealed.derive_content_key(source_key) if source_key else None
    db = sqlite.connect(copy, key)
    try:
        embedded = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (CONTENT_TABLE,)).fetchone() is not None
        for sha in sorted(needed):
            row = db.execute(f"SELECT content FROM {CONTENT_TABLE} WHERE sha256 = ?",
                             (sha,)).fetchone() if embedded else None
            if row is not None:
                if hashlib.sha256(row[0]).hexdigest() != sha:
                    raise BackupError(f"备份文件 {source.name} 中的附件已损坏，未做任何更改")
                write_content(home, sha, bytes(row[0]))
                needed.discard(sha)
                continue
            pooled = source.parent / POOL_DIR / sha[:2] / sha
            if pooled.is_file():
                try:
                    content = sealed.unseal(pool_key, sha, pooled.read_bytes())
                except sealed.ContentError:
                    raise BackupError(f"备份 {source.name} 的附件 {sha[:12]}… 已损坏，"
                                      "未做任何更改") from None
                write_content(home, sha, content)
                needed.discard(sha)
        if embedded:
            db.execute(f"DROP TABLE {CONTENT_TABLE}")
            db.commit()
            db.execute("VACUUM")  # give the photos' space back: the store keeps them as files
    finally:
        db.close()
    if needed:
        log.warning("restore: %d attachment files are in neither the backup nor the home",
                    len(needed))
    return len(needed)


def _check_header(source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"找不到备份文件 {source}")
    try:
        plain = sqlite.is_plain(source, strict=True)
    except OSError as exc:
        raise BackupError(f"无法读取备份文件 {source}（{exc.strerror or exc}）") from exc
    # An encrypted backup starts with random bytes; its key file says whose it is.
    if not plain and home_key.key_file_of(source) is None:
        raise BackupError(f"{source.name} 不是 workteam 的数据备份（不是数据库文件），或缺少与它放在"
                          f"一起的密钥文件 {home_key.backup_key_file(source).name}，未做任何更改")


def source_key(source: Path) -> bytes | None:
    """The key that opens the backup ``source`` (None: a plain file). Raises
    :class:`home_key.StoreLocked` when only the recovery code of the home it was made in
    can give it (restore then asks for the code: :func:`home_key.recover_file`)."""
    _check_header(source)
    return home_key.key_for_file(None, source)


def _copy_and_check(source: Path, key: bytes | None, temp: Path,
                    temp_key: bytes | None) -> BackupCheck:
    """Copy the backup ``source`` to ``temp`` (a new file, under ``temp_key``) and check
    the copy."""
    try:
        src = _open_source(source, key)
        try:
            _copy_checked(src, temp, temp_key, key)
        finally:
            src.close()
    except (sqlite.DatabaseError, UnicodeDecodeError) as exc:
        raise BackupError(f"备份文件 {source.name} 已损坏或不完整，未做任何更改") from exc
    except BackupError:
        raise BackupError(f"备份文件 {source.name} 已损坏（完整性检查未通过），未做任何更改") from None
    try:
        return _check_copy(temp, source, temp_key)
    except (sqlite.DatabaseError, UnicodeDecodeError) as exc:
        raise BackupError(f"备份文件 {source.name} 已损坏或不完整，未做任何更改") from exc


def check_backup(backup_file: str | os.PathLike[str]) -> BackupCheck:
    """Check a backup as :func:`restore` does (on a temporary copy), changing nothing: for
    a GUI that asks the user before restoring. Raises :class:`BackupError`."""
    source = Path(backup_file)
    key = source_key(source)
    with tempfile.TemporaryDirectory(prefix="workteam-check-") as folder:
        return _copy_and_check(source, key, Path(folder) / "check.sqlite3", key)


def restore(backup_file: str | os.PathLike[str], home: str | os.PathLike[str], *,
            confirm: Callable[[BackupCheck], bool] | None = None) -> RestoreResult | None:
    """Replace the store of ``home`` (which must be closed) with a backup.

    The backup is copied next to the store and checked first (a SQLite file, integrity
    ok, a schema revision this program knows); ``confirm`` is then asked (None: go on,
    False: stop, nothing changed, returns None). The current store is kept as a
    ``before-restore`` backup, then replaced atomically and opened (upgraded when older).
    A backup of another home gives this home a new device id (the module docstring).
    Bad input raises :class:`BackupError` and changes nothing.
    """
    from .store import Store

    source = Path(backup_file)
    home = Path(home)
    key = source_key(source)
    target = store_path(home)
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError("不能用当前数据文件恢复它自己")

    made_home = not home.exists()
    home.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite3", dir=home)
    os.close(fd)
    temp = Path(name)
    temp.unlink()
    replaced = False
    try:
        # The restored store takes this home's key (a new home gets one: its recovery
        # code is shown once, as at set-up).
        made = None
        if home_key.key_file(home).exists():
            home_key_: bytes | None = home_key.load(home)
        elif home_key.usable_keyring() is not None:
            made = home_key.create(home)
            home_key_ = made.key
        else:
            home_key_ = None  # no keyring: a plain store, as every store on this machine
        check = _copy_and_check(source, key, temp, home_key_)
        if confirm is not None and not confirm(check):
            return None

        backup = _identity(temp, home_key_)
        current = None
        if target.exists():
            _checkpoint(target, home_key_)
            with contextlib.suppress(sqlite.Error):
                current = _identity(target, home_key.key_for_file(home, target))
        same_home = _same_home(backup, read_home_id(home), current)
        if not same_home and backup.has_state:
            # No home id matches this mark: the store takes its new device id when it is
            # opened, also after a crash before this function's own open.
            db = sqlite.connect(temp, home_key_)
            try:
                db.execute("INSERT INTO sync_state (key, value) VALUES (?, 'restored') "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (HOME_ID,))
                db.commit()
            finally:
                db.close()

        missing = _restore_attachments(temp, home_key_, source, key, home)
        previous = None
        if target.exists():
            previous = make_backup(home, "before-restore")
            _checkpoint(target, home_key_)
        os.replace(temp, target)
        replaced = True
        with contextlib.suppress(OSError):
            _fsync_dir(home)
        try:
            with Store.open(home) as store:
                if same_home and current is not None and current.clock is not None:
                    store.keep_clock_after(current.clock)  # the clock never goes back
                if same_home and sync_state.get(store, sync_state.SERVER_URL):
                    # What this laptop pushed after the backup is on the server only: the
                    # next pull takes its own changes back too (no echo otherwise).
                    sync_state.set_values(store, {sync_state.PULL_OWN: "1"})
                elif not same_home and store.device_id == backup.device:
                    store.take_new_device(OTHER_HOME, new_home=False)  # a backup before 0004
                device = store.device_id
        except Exception as exc:
            # Put the old store back (or remove the restored one): nothing changed.
            _checkpoint(target, home_key_)
            if previous is not None:
                shutil.copyfile(previous, temp)
                _fsync(temp)
                os.replace(temp, target)
            else:
                target.unlink(missing_ok=True)
            kept = f"；原数据已放回，另存于 {previous}" if previous else ""
            raise BackupError(f"恢复后打开数据失败（{exc}）{kept}") from exc
        log.info("store restored from %s (revision %s, %d attachment files missing, device %s%s)",
                 source.name, check.revision, missing, device,
                 "" if device == backup.device else f", was {backup.device}")
        return RestoreResult(home, check.revision, previous, missing, device, backup.device or "",
                             made.recovery_code if made else None)
    finally:
        temp.unlink(missing_ok=True)
        Path(f"{temp}-journal").unlink(missing_ok=True)
        if made_home and not replaced:
            shutil.rmtree(home, ignore_errors=True)
