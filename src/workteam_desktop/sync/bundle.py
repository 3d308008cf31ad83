"""Writing ``.wtb`` bundles: the change log (and attachment content) onto a USB stick.

The bundle is written to a temporary file beside the target and renamed only when
complete, so a pulled stick or a crash never leaves a half-written bundle under the real
name. Changes stream from the database cursor into the zip member while being hashed:
a million changes never sit in memory at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _s  # JSON string, non-ASCII kept
from pathlib import Path
from typing import Any

from ..domain.ids import new_id
from ..store import row_clock
from ..store.attachments import content_path, read_content
from ..store.store import Store
from . import bundle_format as fmt
from .bundle_state import BundleState
from .errors import BundleCancelled
from .keys import PublicKeys, b64, fingerprint, load_or_create

_BATCH = 2000  # lines joined per write into the zip member (fewer, larger writes)
MSG_CANCELLED = "已取消导出，没有生成数据包"
_COPY = 1 << 20


@dataclass
class ExportResult:
    """What one export wrote."""

    path: Path
    bundle_id: str
    changes: int
    counts: dict[str, int]
    attachments: int
    missing_attachments: list[str] = field(default_factory=list)
    encrypted_to: str = ""  # fingerprint of the recipient's key, when encrypted


@dataclass
class _Collected:
    """What the streaming pass learns about the changes it writes."""

    counts: Counter[str] = field(default_factory=Counter)
    sha256: str = ""
    size: int = 0
    last_seq: int = 0
    last_local_seq: int = 0
    attachments: set[str] = field(default_factory=set)
    village_ids: set[str] = field(default_factory=set)
    households_without_village: set[str] = field(default_factory=set)


_SELECT = ("SELECT seq, id, entity, row_id, fields, base, hlc, device, user FROM change_log "
           "WHERE seq > ?")


def _source(store: Store, everything: bool, after_seq: int) -> Iterator[tuple[Any, ...]]:
    """Raw change-log rows, oldest first: every change, or this device's new ones.

    Read raw rather than through ``store.changes.local_changes``: the ``fields`` and
    ``base`` texts are already the compact JSON ``Change.to_json`` would make, so the
    line is assembled without parsing and re-encoding them (the export's main cost).
    """
    sql = _SELECT + ("" if everything else " AND origin = 'local'") + " ORDER BY seq"
    with store.read() as cur:
        cur.row_factory = None
        if everything:  # rows loaded from a snapshot have no logged change: made from rows
            yield from row_clock.loaded_changes(cur, store.tables)
        yield from cur.execute(sql, (0 if everything else after_seq,))


def _line(row: tuple[Any, ...]) -> str:
    """``Change.to_json()`` of a change-log row, plus the newline (same bytes)."""
    _, cid, entity, row_id, fields, base, hlc, device, user = row
    return (f'{{"id":{_s(cid)},"entity":{_s(entity)},"row_id":{_s(row_id)},'
            f'"fields":{fields},"base":{base},"hlc":{_s(hlc)},"device":{_s(device)},'
            f'"user":{_s(user)}}}\n')


def _write_changes(zf: zipfile.ZipFile, rows: Iterator[tuple[Any, ...]],
                   device: str, tick: Callable[[int], None]) -> _Collected:
    """Stream change-log rows into ``changes.jsonl``, hashing and counting on the way;
    ``tick(changes written)`` after each batch (it raises to stop)."""
    seen = _Collected()
    digest = hashlib.sha256()
    batch: list[str] = []
    written = 0

    def flush(member: Any) -> None:
        nonlocal written
        data = "".join(batch).encode("utf-8")
        digest.update(data)
        member.write(data)
        seen.size += len(data)
        written += len(batch)
        batch.clear()
        tick(written)

    with zf.open(fmt.CHANGES, "w", force_zip64=True) as member:
        for row in rows:
            batch.append(_line(row))
            seq, entity = row[0], row[2]
            seen.counts[entity] += 1
            seen.last_seq = seq
            if row[7] == device:
                seen.last_local_seq = seq
            if entity == "attachment":
                sha = json.loads(row[4]).get("sha256")
                if isinstance(sha, str):
                    seen.attachments.add(sha)
            elif entity == "household":
                village = json.loads(row[4]).get("village_id")
                if isinstance(village, str):
                    seen.village_ids.add(village)
                else:
                    seen.households_without_village.add(row[3])
            if len(batch) >= _BATCH:
                flush(member)
        flush(member)
    seen.sha256 = digest.hexdigest()
    return seen


def _write_attachment(zf: zipfile.ZipFile, home: Path, sha: str) -> dict[str, Any]:
    """Copy one content in (stored, not deflated: photos do not compress), decrypted in
    memory from the home's sealed file (the bundle has its own encryption)."""
    data = read_content(home, sha)
    info = zipfile.ZipInfo(fmt.ATTACHMENT_PREFIX + sha, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    with zf.open(info, "w", force_zip64=True) as member:
        member.write(data)
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _village_codes(store: Store, seen: _Collected) -> list[str]:
    """The administrative codes of the villages the bundle's households are in."""
    ids = set(seen.village_ids)
    with store.read() as cur:
        pending = list(seen.households_without_village)
        for start in range(0, len(pending), 500):
            chunk = pending[start:start + 500]
            ids.update(r[0] for r in cur.execute(
                f"SELECT DISTINCT village_id FROM household WHERE id IN "
                f"({','.join('?' * len(chunk))})", chunk))
        codes: set[str] = set()
        listed = sorted(i for i in ids if i)
        for start in range(0, len(listed), 500):
            chunk = listed[start:start + 500]
            codes.update(r[0] for r in cur.execute(
                f"SELECT code FROM area WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return sorted(codes)


def _count(store: Store, everything: bool, after_seq: int) -> int:
    sql = "SELECT count(*) FROM change_log WHERE seq > ?" + (
        "" if everything else " AND origin = 'local'")
    with store.read() as cur:
        loaded = row_clock.loaded_count(cur) if everything else 0
        return loaded + int(cur.execute(sql, (0 if everything else after_seq,)).fetchone()[0])


def export_bundle(store: Store, out: Path, *, everything: bool = False,
                  recipient: PublicKeys | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ExportResult | None:
    """Write a bundle of this device's not-yet-exported changes (or, with ``everything``,
    of every change the store knows) to ``out``. Returns None when there is nothing new.

    ``progress(done, total)`` is called as changes are written; once ``cancelled()`` is
    true the export stops with :class:`BundleCancelled` and no file is left behind.
    """
    keys = load_or_create(store.device_id, store.user)  # refuse before writing anything
    state = BundleState.load(store.home)
    total = _count(store, everything, state.last_seq) if progress is not None else 0

    def tick(done: int) -> None:
        if progress is not None:
            progress(done, max(total, done))
        if cancelled is not None and cancelled():
            raise BundleCancelled(MSG_CANCELLED)

    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)
    sealed: Path | None = None
    try:
        bundle_id = new_id()
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            seen = _write_changes(zf, _source(store, everything, state.last_seq), store.device_id,
                                  tick)
            if not seen.counts:
                return None
            members: dict[str, dict[str, Any]] = {
                fmt.CHANGES: {"sha256": seen.sha256, "size": seen.size}}
            missing: list[str] = []
            for sha in sorted(seen.attachments):
                path = content_path(store.home, sha)
                if path.is_file():
                    members[fmt.ATTACHMENT_PREFIX + sha] = _write_attachment(zf, store.home, sha)
                else:
                    missing.append(sha)  # row without content here: the receiver waits for it
            manifest = {
                "format": "workteam-bundle", "version": fmt.FORMAT_VERSION,
                "bundle_id": bundle_id,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "creator": {"device": keys.device, "user": keys.user,
                            "ed25519": b64(keys.signing_public),
                            "fingerprint": fingerprint(keys.signing_public)},
                "selection": "all" if everything else "since-last",
                "scope": {"villages": _village_codes(store, seen)},
                "changes": sum(seen.counts.values()),
                "counts": dict(sorted(seen.counts.items())),
                "missing_attachments": missing,
                "members": members,
            }
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1,
                                        sort_keys=True).encode("utf-8")
            zf.writestr(fmt.MANIFEST, manifest_bytes)
            zf.writestr(fmt.SIGNATURE, keys.signing.sign(manifest_bytes))
        tick(sum(seen.counts.values()))  # the last chance to cancel
        final = tmp
        encrypted_to = ""
        if recipient is not None:
            fd, sealed_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.",
                                               suffix=".enc")
            sealed = Path(sealed_name)
            with open(tmp, "rb") as src, os.fdopen(fd, "wb") as dst:
                fmt.encrypt(src, dst, recipient.x25519)
            tmp.unlink()
            final = sealed
            encrypted_to = fingerprint(recipient.x25519)
        with open(final, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(final, out)
    finally:
        tmp.unlink(missing_ok=True)
        if sealed is not None:
            sealed.unlink(missing_ok=True)
    if seen.last_local_seq or everything:
        state.record_export(bundle_id, max(state.last_seq, seen.last_local_seq),
                            manifest["changes"])
    return ExportResult(out, bundle_id, manifest["changes"], manifest["counts"],
                        len(members) - 1, missing, encrypted_to)
