"""Importing ``.wtb`` bundles: verify everything, copy attachments, merge in one transaction.

Nothing is written before the whole bundle has been checked (see :mod:`.bundle_verify`).
The changes are then read a second time, streaming, into ``store.changes.apply`` (one
transaction); the second read is hashed again and a mismatch (the file changed on the
stick between the two reads) rolls the transaction back. Re-importing is a no-op: the
merge skips change ids it already has.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from ..domain.changes import Change
from ..domain.entities import Problem
from ..store import bulk_load, compact
from ..store.attachments import content_path, write_content
from ..store.changes import apply, merge
from ..store.compact import after_merge
from ..store.held import APPLY_ERRORS, hold, screen
from ..store.merge import ApplyResult
from ..store.store import Store
from ..store.writer import Writer, table_infos
from . import bundle_format as fmt
from .bundle_state import BundleState
from .bundle_verify import MAX_LINE, MSG_TAMPERED, Verified, parse_verified, verify
from .errors import BundleCancelled, BundleError
from .keys import TrustedSigners, fingerprint, load_or_create

_COPY = 1 << 20
_TICK = 2000  # changes (or member reads) between progress reports and cancel checks
_BLOCK = 1 << 20  # bytes of changes.jsonl read at once (second read)
MSG_CANCELLED = "已取消导入，本机数据没有任何改变"
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
# Anything a damaged file can make the zip and deflate readers raise.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError, UnicodeDecodeError, OverflowError,
                IndexError, KeyError)


@dataclass
class ImportResult:
    """What importing one bundle did (or, for a dry run, would do)."""

    file: str
    bundle_id: str
    signer_fingerprint: str
    device: str
    user: str
    changes: int
    applied: int = 0
    duplicate: int = 0
    conflicts: int = 0
    attachments_copied: int = 0
    dry_run: bool = False
    newly_trusted: bool = False
    replay: bool = False  # every change was already here
    held: int = 0  # changes this program cannot apply, kept aside (store.held)
    per_entity: dict[str, dict[str, int]] = field(default_factory=dict)  # dry run only
    compacted: int = 0  # received changes kept as row clocks (as merged, or after)
    compact_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``--json``."""
        return asdict(self)


class _Rollback(Exception):
    """Raised inside the write transaction of a dry run to undo it."""


@contextmanager
def _plain_zip(path: Path, home: Path, keys_loader: Any) -> Iterator[zipfile.ZipFile]:
    """The bundle as an open zip: decrypted into a temporary file in the data home when
    it is an envelope (the home already holds the plain data; the stick never does)."""
    try:
        with open(path, "rb") as f:
            prefix = f.read(len(fmt.MAGIC))
    except OSError:
        raise BundleError(f"无法读取数据包 {path}") from None
    with tempfile.TemporaryDirectory(dir=home, prefix=".import-") as tmp:
        source = path
        if fmt.is_envelope(prefix):
            source = Path(tmp) / "bundle.zip"
            try:
                with open(path, "rb") as src, open(source, "wb") as dst:
                    fmt.decrypt(src, dst, keys_loader().encryption)
            except OSError:
                raise BundleError(f"无法读取数据包 {path}") from None
        try:
            zf = _WatchedZip(source)
        except _READ_ERRORS:
            raise BundleError(fmt.MSG_CORRUPT) from None
        with zf:
            yield zf


class _Changes:
    """The bundle's changes, read again streaming each time they are iterated (the merge
    may read them twice); refused (inside the transaction) if they differ from what was
    verified. Progress is reported, and a cancel noticed, every ``_TICK`` changes."""

    def __init__(self, zf: zipfile.ZipFile, verified: Verified, watch: _Watch) -> None:
        self.zf, self.verified, self.watch = zf, verified, watch

    def __iter__(self) -> Iterator[Change]:
        digest = hashlib.sha256()
        total = int(self.verified.manifest["changes"])
        done = 0
        with self.zf.open(fmt.CHANGES) as member:
            # Read in large blocks and split here: the zip reader's readline is slow
            # Python; lines stay newline-terminated and at most MAX_LINE long.
            rest = b""
            while block := member.read(_BLOCK):
                digest.update(block)
                lines = (rest + block).split(b"\n")
                rest = lines.pop()
                if len(rest) >= MAX_LINE:
                    raise BundleError(MSG_TAMPERED)
                for line in lines:
                    if len(line) >= MAX_LINE:
                        raise BundleError(MSG_TAMPERED)
                    yield parse_verified(line)
                    done += 1
                    if done % _TICK == 0:
                        self.watch.tick(done, total)
            if rest:  # a last line without its newline
                raise BundleError(MSG_TAMPERED)
        if digest.hexdigest() != self.verified.manifest["members"][fmt.CHANGES]["sha256"]:
            raise BundleError(MSG_TAMPERED)
        self.watch.tick(done, total)


class _Screened:
    """The bundle's changes without those the entity declarations refuse (collected in
    ``bad`` at each reading)."""

    def __init__(self, changes: _Changes) -> None:
        self.changes = changes
        self.bad: list[tuple[Change, Problem]] = []

    def __iter__(self) -> Iterator[Change]:
        self.bad = []
        for change in self.changes:
            good, bad = screen((change,))
            self.bad.extend(bad)
            yield from good


def _apply_screened(store: Store, zf: zipfile.ZipFile, verified: Verified, watch: _Watch,
                    result: ImportResult) -> ApplyResult:
    """Merge the bundle; if a change in it cannot be applied (a newer program's record
    type, a malformed value), merge it again without the changes the declarations refuse
    and keep those aside, so one bad change does not refuse a whole bundle."""
    at_once = _compacts_at_once(verified)
    try:
        return apply(store, _Changes(zf, verified, watch), compact_new=at_once)
    except APPLY_ERRORS as failure:
        if isinstance(failure, BundleError):
            raise
        screened = _Screened(_Changes(zf, verified, watch))
        merged = apply(store, screened, compact_new=at_once)
        if not screened.bad:
            raise failure from None
        hold(store, screened.bad, "bundle")
        result.held = len(screened.bad)
        return merged


def _compacts_at_once(verified: Verified) -> bool:
    """True for a bundle big enough that the compaction after it would fold what it makes
    (a county's): the changes that make new rows are kept compacted as they are merged,
    not logged first (``merge.apply_changes``)."""
    return int(verified.manifest["changes"]) >= compact.COMPACT_AT


class _Watch:
    """The caller's progress report and cancel question (both optional)."""

    def __init__(self, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.progress, self.cancelled = progress, cancelled

    def check(self) -> None:
        """Stop with :class:`BundleCancelled` once the person cancelled."""
        if self.cancelled is not None and self.cancelled():
            raise BundleCancelled(MSG_CANCELLED)

    def tick(self, done: int, total: int) -> None:
        """Report ``done`` of ``total`` changes merged, then check for a cancel."""
        if self.progress is not None:
            self.progress(done, total)
        self.check()


class _WatchedReader:
    """A zip member being read that checks for a cancel every ``_TICK`` reads: the
    verification of a big bundle (every line parsed) can be cancelled too."""

    def __init__(self, member: IO[bytes], watch: _Watch) -> None:
        self.member, self.watch, self.reads = member, watch, 0

    def _count(self) -> None:
        self.reads += 1
        if self.reads % _TICK == 0:
            self.watch.check()

    def read(self, n: int = -1) -> bytes:
        self._count()
        return self.member.read(n)

    def readline(self, limit: int = -1) -> bytes:
        self._count()
        return self.member.readline(limit)

    def close(self) -> None:
        self.member.close()

    def __enter__(self) -> _WatchedReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.member.close()


class _WatchedZip(zipfile.ZipFile):
    """A zip whose members, read, notice a cancel."""

    watch: _Watch | None = None

    def open(self, name: Any, mode: Any = "r", pwd: bytes | None = None, *,
             force_zip64: bool = False) -> Any:
        member = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode == "r" and self.watch is not None:
            return _WatchedReader(member, self.watch)
        return member


def _copy_attachments(zf: zipfile.ZipFile, verified: Verified, home: Path) -> int:
    """Put verified attachment content in place (hash checked again while copying; a
    content file is named by its hash, so one already there is the same bytes)."""
    copied = 0
    for name, meta in verified.manifest["members"].items():
        if name == fmt.CHANGES:
            continue
        sha = meta["sha256"]
        if content_path(home, sha).exists():
            continue
        with zf.open(name) as member:
            data = member.read(meta["size"] + 1)
        if len(data) != meta["size"] or hashlib.sha256(data).hexdigest() != sha:
            raise BundleError(MSG_TAMPERED)
        write_content(home, sha, data)  # sealed with this home's key
        copied += 1
    return copied


def _dry_run(store: Store, zf: zipfile.ZipFile, verified: Verified,
             result: ImportResult, watch: _Watch) -> None:
    """Run the merge in a transaction and roll it back: exact figures, nothing written."""
    def roll_back(_w: Writer, merged: ApplyResult) -> None:
        raise _Rollback(merged)

    try:
        merge(store, _Changes(zf, verified, watch), then=roll_back,
              compact_new=_compacts_at_once(verified))
    except _Rollback as done:
        merged = done.args[0]
    result.applied, result.duplicate, result.conflicts = (
        merged.applied, merged.duplicate, merged.conflicts)
    result.per_entity = {
        entity: {k: c[k] for k in ("new", "updated", "unchanged", "conflict")}
        for entity, c in sorted(merged.per_entity.items())}


def import_bundle(store: Store, path: Path, *, trust: bool = False,
                  dry_run: bool = False, progress: Progress | None = None,
                  cancelled: Cancelled | None = None,
                  compacting: Progress | None = None) -> ImportResult:
    """Verify and import one bundle file. Raises :class:`BundleError` (nothing written).

    ``progress(done, total)`` is called as changes are merged; once ``cancelled()`` is
    true the import stops with :class:`BundleCancelled`: the transaction is rolled back,
    nothing is recorded, no signer trusted (attachment content already copied stays: it
    is named by its hash and used by no row). ``compacting(done, total)`` follows the
    compaction after a committed import (``progress`` when not given); it cannot be
    cancelled: what it folds is imported already.
    """
    own = load_or_create(store.device_id, store.user)  # refuse early without a keyring
    tables = table_infos(store.engine.dialect)
    trusted = TrustedSigners(store.home)
    watch = _Watch(progress, cancelled)
    watch.check()
    with _plain_zip(path, store.home, lambda: own) as zf:
        if isinstance(zf, _WatchedZip):
            zf.watch = watch
        try:
            verified = verify(zf, tables, trusted, own.signing_public, trust=trust)
        except _READ_ERRORS:
            raise BundleError(fmt.MSG_CORRUPT) from None
        creator = verified.creator
        result = ImportResult(
            str(path), verified.bundle_id, fingerprint(verified.signer),
            str(creator.get("device", "")), str(creator.get("user", "")),
            int(verified.manifest["changes"]), dry_run=dry_run,
            newly_trusted=verified.newly_trusted)
        try:
            if dry_run:
                _dry_run(store, zf, verified, result, watch)
            else:
                result.attachments_copied = _copy_attachments(zf, verified, store.home)
                # Into an empty store (a supervisor's new laptop): indexes and facts once,
                # at the end (the store stays as it was if the merge is refused).
                with bulk_load.loading(store):
                    merged = _apply_screened(store, zf, verified, watch, result)
                result.applied, result.duplicate, result.conflicts = (
                    merged.applied, merged.duplicate, merged.conflicts)
                result.compacted = merged.compacted
        except BundleError:
            raise
        except _READ_ERRORS:
            raise BundleError(fmt.MSG_CORRUPT) from None
        except Exception as exc:  # the merge refused a value: nothing was committed
            raise BundleError(f"数据包内容无法合并，未导入任何内容（{type(exc).__name__}）") from exc
    result.replay = result.changes > 0 and result.applied == 0
    if not dry_run:
        if verified.newly_trusted:
            trusted.add(verified.signer, result.device, result.user)
        BundleState.load(store.home).record_import(result.bundle_id, result.applied,
                                                   result.duplicate)
        # After the import is committed and recorded: a county's received changes are
        # kept as field clocks (store/compact.py), timed apart from the merge.
        started = time.perf_counter()
        result.compacted += after_merge(store, compacting or progress)
        result.compact_seconds = round(time.perf_counter() - started, 3)
    return result
