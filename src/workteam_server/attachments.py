"""Attachment files, content-addressed by SHA-256 under ``<home>/attachments``, and who may
read them.

A hash is not a key. Bytes are readable through a row of the reader's scope (an
``attachment_area``) only when someone whose scope held that row's area uploaded them
(an ``attachment_upload`` with the uploader's scope prefixes at upload time): a member who
learns another team's hash and points a row of its own at it gets 404 until it uploads the
same bytes itself. Every upload is read whole and its hash checked, also when the file is
already stored, so nobody claims bytes they do not hold; the answer is the same whether or
not the bytes were new, and "not found" is the same for "absent" and "not yours", so no
answer tells whether a file exists.

Uploads that no row in their uploader's scope points to are removed after
``unreferenced_upload_hours`` (their record, and the file when no record is left), by
``workteam-server attachments clean`` and hourly inside the server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from . import audit
from .settings import MB, ServerSettings
from .store import AccountInfo, ServerStore, now

log = logging.getLogger(__name__)

_HEX = frozenset("0123456789abcdef")
MAX_CHECK = 5000
"""Hashes per ``attachments/missing`` question (the laptop asks 500 at a time)."""
NOT_FOUND = "服务器上没有这个附件，或它所属的记录不在您的管辖范围内"
"""The one answer to a download that cannot be served: absent and "not yours" look alike."""
INCOMING = ".incoming"
"""Uploads being received; a folder of the attachment root, so the rename is atomic."""
INCOMING_MIN_AGE = dt.timedelta(days=1)
"""A half-received upload is removed only after this long, however small the age setting:
a 20 MB photo over a weak village link can take most of an hour."""
CLEAN_EVERY = 3600.0
"""Seconds between the server's own clean-ups."""


class AttachmentError(Exception):
    """A refused upload: a machine code, a Chinese message and an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def is_sha256(text: str) -> bool:
    """Lower-case hex SHA-256."""
    return len(text) == 64 and set(text) <= _HEX


def _mb(value: int) -> str:
    """Bytes as MB for a message (``20``, ``0.5``, ``4096``: the setting as it was typed)."""
    return f"{round(value / MB, 2):g}"


class AttachmentFiles:
    """The attachment folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        """Where the file of ``sha256`` lives (two-character fan-out)."""
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        """Whether the file is here."""
        return self.path(sha256).is_file()

    async def receive(self, sha256: str, chunks: AsyncIterator[bytes], max_bytes: int) -> tuple[Path, int]:
        """Read a whole upload into a temporary file and check its hash: the file and its
        size. The caller keeps it (:meth:`keep`) or drops it (:meth:`discard`).

        Always read and checked, also when the bytes are stored already: recording an
        upload must prove the uploader holds the bytes, not only their hash. A cut upload,
        one too large or a wrong hash leaves nothing behind.
        """
        folder = self.root / INCOMING
        folder.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, name = tempfile.mkstemp(dir=folder, prefix=f"{sha256[:16]}-")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise AttachmentError(413, "too_large", f"附件超过 {_mb(max_bytes)} MB")
                    digest.update(chunk)
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            if digest.hexdigest() != sha256:
                raise AttachmentError(422, "hash_mismatch",
                                      "附件内容与其 SHA-256 不符（传输出错），请重新上传")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp, size

    def keep(self, tmp: Path, sha256: str) -> None:
        """Move a checked upload into place. Replacing a file already there is harmless (the
        same bytes) and restores one a concurrent clean-up might just have removed."""
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)

    @staticmethod
    def discard(tmp: Path) -> None:
        """Drop a temporary upload (nothing when it was kept)."""
        tmp.unlink(missing_ok=True)

    def remove(self, sha256: str) -> int:
        """Delete a stored file; the bytes freed (0 when it was not there)."""
        path = self.path(sha256)
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return 0
        return size

    def stored(self) -> Iterator[list[str]]:
        """The hashes of the stored files, one fan-out folder at a time (a county's server
        holds hundreds of thousands: never all in one list)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and len(folder.name) == 2 and set(folder.name) <= _HEX:
                with os.scandir(folder) as entries:
                    names = [e.name for e in entries if is_sha256(e.name) and e.is_file()]
                if names:
                    yield names

    def modified_before(self, sha256: str, cutoff: float) -> bool:
        """Whether the stored file was last written before ``cutoff`` (a POSIX time)."""
        try:
            return self.path(sha256).stat().st_mtime < cutoff
        except FileNotFoundError:
            return False

    def stale_incoming(self, cutoff: float) -> list[Path]:
        """Temporary uploads last written before ``cutoff`` (left by a crashed process)."""
        folder = self.root / INCOMING
        if not folder.is_dir():
            return []
        with os.scandir(folder) as entries:
            return [Path(e.path) for e in entries if e.is_file() and e.stat().st_mtime < cutoff]


# ---------------------------------------------------------------- uploads


async def accept_upload(store: ServerStore, files: AttachmentFiles, account: AccountInfo,
                        sha256: str, chunks: AsyncIterator[bytes], settings: ServerSettings, *,
                        declared_size: int | None = None, address: str = "") -> None:
    """Receive, check and record one upload (raises :class:`AttachmentError`).

    The size limit is checked from the declared length first (an oversized body is refused
    before it is sent over a village link), then while reading. The quota counts an
    upload once per account and file: sending the same file again costs nothing.
    """
    limit = settings.attachment_max_bytes
    if declared_size is not None and declared_size > limit:
        raise AttachmentError(413, "too_large", f"附件超过 {_mb(limit)} MB")
    tmp, size = await files.receive(sha256, chunks, limit)
    try:
        recorded = await run_in_threadpool(
            store.record_upload, sha256, account, size, settings.attachment_quota_bytes,
            lambda: files.keep(tmp, sha256))
    finally:
        files.discard(tmp)
    if not recorded:
        quota = _mb(settings.attachment_quota_bytes)
        await run_in_threadpool(audit.record, store, "attachment_quota", account=account.name,
                                address=address, sha256=sha256, size=size, quota_mb=quota)
        raise AttachmentError(413, "quota_exceeded",
                              f"您上传的附件已达 {quota} MB 的上限，请联系管理员")


# ---------------------------------------------------------------- clean-up


@dataclass(frozen=True, slots=True)
class Cleaned:
    """What one clean-up removed."""

    uploads: int = 0  # upload records no row points to
    files: int = 0  # files no record was left for (and orphaned files)
    freed: int = 0  # bytes of disk space those files took
    incoming: int = 0  # temporary uploads left by a crashed process


def clean_unreferenced(store: ServerStore, files: AttachmentFiles, older_than: dt.timedelta) -> Cleaned:
    """Remove uploads older than ``older_than`` that no row in their uploader's scope points
    to, then every file no upload record is left for.

    Safe beside uploads and other clean-ups (several workers, the CLI): each removal
    re-checks under the attachment's lock (store.remove_unreferenced_upload). The age is a
    parameter so ``attachments clean --hours`` and the tests choose it.
    """
    cutoff = now() - older_than
    uploads = freed_files = freed = 0
    for sha256, account_id in store.unreferenced_uploads(cutoff):
        removed, size = store.remove_unreferenced_upload(sha256, account_id, cutoff,
                                                         lambda s=sha256: files.remove(s))
        uploads += removed
        if size is not None:
            freed_files, freed = freed_files + 1, freed + size
    # Files without any record: an upload whose commit failed after its rename, or bytes
    # stored before uploads were recorded. Those no row points to go; a file some row names
    # is kept (an administrator may still want it).
    wall_cutoff = time.time() - older_than.total_seconds()
    for names in files.stored():
        for sha256 in set(names) - store.uploaded(names):
            if files.modified_before(sha256, wall_cutoff):
                size = store.remove_orphan_file(sha256, lambda s=sha256: files.remove(s))
                if size is not None:
                    freed_files, freed = freed_files + 1, freed + size
    incoming = 0
    for tmp in files.stale_incoming(time.time() - max(older_than, INCOMING_MIN_AGE).total_seconds()):
        tmp.unlink(missing_ok=True)
        incoming += 1
    result = Cleaned(uploads, freed_files, freed, incoming)
    if uploads or freed_files or incoming:
        audit.record(store, "attachments_cleaned", uploads=uploads, files=freed_files,
                     bytes=freed, incoming=incoming)
    return result


def clean_if_free(store: ServerStore, files: AttachmentFiles, older_than: dt.timedelta) -> Cleaned | None:
    """One clean-up unless another worker is running one now (None then)."""
    with store.attachment_sweep() as mine:
        return clean_unreferenced(store, files, older_than) if mine else None


async def clean_periodically(store: ServerStore, files: AttachmentFiles, settings: ServerSettings,
                             every: float = CLEAN_EVERY) -> None:
    """The server's own clean-up: at start, then every ``every`` seconds, in a worker
    thread (file and database work never stalls the event loop). A failed run is logged
    and the next one tried; the task ends when the server stops (cancelled)."""
    older_than = dt.timedelta(hours=settings.unreferenced_upload_hours)
    while True:
        try:
            done = await asyncio.to_thread(clean_if_free, store, files, older_than)
            if done and (done.uploads or done.files):
                log.info("removed %d unreferenced uploads, %d files (%d bytes)",
                         done.uploads, done.files, done.freed)
        except Exception:  # a database hiccup must not end the hourly clean-ups
            log.exception("attachment clean-up failed")
        await asyncio.sleep(every)
