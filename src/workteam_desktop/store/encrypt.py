"""Encrypting an existing plain home in place, at the first start of a version that
encrypts (issue 16).

The plain store is copied into a new encrypted file beside it
(``workteam.sqlite3.encrypting``, SQLCipher's ``sqlcipher_export``), the copy is checked
(integrity, every table's row count), written to disk, and then renamed over the plain
file in one step. A kill at any point leaves either the whole plain store (the next
start begins again, reusing the key already made) or the whole encrypted one: never
neither. The rename removes the plain file's name; its blocks are freed, not wiped (an
SSD cannot promise more).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from . import home_key, sealed, sqlite
from .home import backups_dir, store_path

SUFFIX = ".encrypting"
# Present from just before the store is switched until its backups and photos are
# encrypted too: a start that finds it finishes the job (a killed run stopped half-way).
FILES_PENDING = ".encrypting-files"
Progress = Callable[[int, int], bool | None]  # (done, total) → True to cancel


class EncryptionCancelled(Exception):
    """The person cancelled; the plain store is as it was."""


def needs_encryption(home: Path) -> bool:
    """True when the home's store is a plain file and a keyring can keep a key for it."""
    return sqlite.is_plain(store_path(home)) and home_key.usable_keyring() is not None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder to flush it; its rename is durable
        return
    _fsync(path)


def _key_for(home: Path) -> home_key.NewKey | bytes:
    """The key an earlier, killed run made (and kept), else a new one."""
    if home_key.key_file(home).exists():
        try:
            return home_key.load(home)
        except (home_key.StoreLocked, home_key.RecoveryRefused):
            pass  # the file was never used: the store is still plain
    return home_key.create(home)


def _counts(conn: sqlite.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def encrypt_file(source: Path, target: Path, key: bytes, progress: Progress | None = None
                 ) -> None:
    """Write an encrypted copy of the plain SQLite file ``source`` to ``target`` (replaced
    if there), checked and on disk. Raises :class:`EncryptionCancelled` when ``progress``
    asks to stop (``target`` is then removed)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    plain = sqlite.connect(source, None)
    try:
        plain.isolation_level = None
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        total = max(1, source.stat().st_size)
        if progress is not None:
            def tick() -> int:
                done = target.stat().st_size if target.exists() else 0
                return 1 if progress(min(done, total), total) else 0
            plain.set_progress_handler(tick, 20_000)
        try:
            sqlite.export(plain, target, key)
        except sqlite.OperationalError as exc:
            if "interrupt" in str(exc).lower():
                raise EncryptionCancelled() from None
            raise
        finally:
            plain.set_progress_handler(None, 0)
        expected = _counts(plain)
    except BaseException:
        plain.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        raise
    plain.close()
    copy = sqlite.connect(target, key)
    try:
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok" or _counts(copy) != expected:
            raise sqlite.DatabaseError(f"encrypted copy differs from the store: {check}")
    finally:
        copy.close()
    _fsync(target)
    if progress is not None:
        progress(total, total)


def encrypt_home(home: Path, progress: Progress | None = None) -> home_key.NewKey | None:
    """Encrypt the plain store of ``home`` in place. Returns the new key with its recovery
    code to show (None when an earlier, killed run made the key: its code is still
    pending, see :func:`home_key.pending_recovery_code`)."""
    source = store_path(home)
    made = _key_for(home)
    key = made.key if isinstance(made, home_key.NewKey) else made
    target = source.with_name(source.name + SUFFIX)
    encrypt_file(source, target, key, progress)
    (home / FILES_PENDING).touch()
    # The plain store was checkpointed and closed: its WAL files are empty.
    for suffix in ("-wal", "-shm"):
        Path(f"{source}{suffix}").unlink(missing_ok=True)
    os.replace(target, source)
    _fsync_dir(home)
    finish_files(home, key)
    return made if isinstance(made, home_key.NewKey) else None


def files_pending(home: Path) -> bool:
    """True when an encryption in place switched the store but not yet its files."""
    return (home / FILES_PENDING).exists()


def finish_files(home: Path, key: bytes) -> None:
    """Encrypt the backups and photos of a home whose store is encrypted already: every
    plain backup file in ``backups/`` (replaced whole, one by one) and every photo file
    (the home's and the backups' pool). Safe to run again after a kill."""
    from .attachments import attachments_dir

    folder = backups_dir(home)
    if folder.is_dir():
        for backup in sorted(folder.glob("*.sqlite3")):
            if sqlite.is_plain(backup):
                temp = backup.with_name(backup.name + SUFFIX)
                encrypt_file(backup, temp, key)
                os.replace(temp, backup)
        files_key = sealed.content_key(home)
        assert files_key is not None
        sealed.seal_existing(home, folder / "attachments", files_key)
    files_key = sealed.content_key(home)
    assert files_key is not None
    sealed.seal_existing(home, attachments_dir(home), files_key)
    (home / FILES_PENDING).unlink(missing_ok=True)
    _fsync_dir(home)


def discard_leftovers(home: Path) -> None:
    """Remove a half-written encrypted copy of a killed run (the plain store is whole)."""
    source = store_path(home)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{source}{SUFFIX}{suffix}").unlink(missing_ok=True)
