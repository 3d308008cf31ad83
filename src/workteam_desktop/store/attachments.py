"""Photos and files attached to records, stored once by content.

A file is copied into ``<home>/attachments/<first 2 hex>/<sha256>``: the same photo
attached twice (or to two visits) takes the disk space once, and a sync peer that already
has the content never needs it again. Each use of a file is an :class:`Attachment` row
(synced) naming the owner row; the content itself is not in the database. In an
encrypted home each file is sealed with the home's key (store/sealed.py): read content
through :func:`read_content`, never by opening the file.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import sealed
from .models import Attachment
from .store import Store
from .writer import Writer

ATTACHMENTS_DIR = "attachments"
_CHUNK = 1 << 20


def attachments_dir(home: Path) -> Path:
    """Where a data home keeps attachment content."""
    return home / ATTACHMENTS_DIR


def content_path(home: Path, sha256: str) -> Path:
    """The file holding the content with hash ``sha256`` (it may not exist yet)."""
    return attachments_dir(home) / sha256[:2] / sha256


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def store_content(home: Path, path: str | os.PathLike[str]) -> tuple[str, int]:
    """Copy ``path`` into the content store unless the same content is there already.

    Returns ``(sha256, size)`` of the content. The file is read once (hashed from the
    bytes read), sealed in an encrypted home, written to a temporary file next to its
    final place and renamed only when complete: a power cut never leaves a half-written
    file under a hash name.
    """
    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    write_content(home, sha, data)
    return sha, len(data)


def write_content(home: Path, sha256: str, data: bytes) -> None:
    """Keep ``data`` (whose hash is ``sha256``) in the home's content store, sealed when
    the home is encrypted; nothing is written when it is there already."""
    target = content_path(home, sha256)
    if target.exists():
        return
    key = sealed.content_key(home)
    sealed.write_file(target, sealed.seal(key, sha256, data) if key else data)


def read_content(home: Path, sha256: str) -> bytes:
    """The content with hash ``sha256`` (decrypted in memory, checked against the hash);
    raises FileNotFoundError when the home does not have it and
    :class:`sealed.ContentError` when the file is damaged."""
    return sealed.unseal(sealed.content_key(home), sha256,
                         content_path(home, sha256).read_bytes())


def _home_of(writer: Writer) -> Path:
    # The writer knows only its connection; the data home is the folder of the main file.
    row = writer.cursor.execute("PRAGMA database_list").fetchone()
    return Path(row[2]).parent


def add_attachment(target: Store | Writer, path: str | os.PathLike[str], owner_entity: str,
                   owner_id: str, *, caption: str = "", home: Path | None = None) -> str:
    """Attach the file ``path`` to the row ``owner_entity``/``owner_id``; returns the
    attachment's id.

    ``target`` is a :class:`Store` (one transaction of its own) or the :class:`Writer` of a
    transaction already open (the visit being saved). The content is copied once per data
    home, never twice for the same bytes; attaching the same content to the same owner
    again returns the existing attachment instead of adding a second one.
    """
    if isinstance(target, Store):
        with target.write() as w:
            return add_attachment(w, path, owner_entity, owner_id, caption=caption,
                                  home=target.home)
    writer = target
    sha, size = store_content(home or _home_of(writer), path)
    existing = writer.cursor.execute(
        "SELECT id FROM attachment WHERE sha256 = ? AND owner_entity = ? AND owner_id = ? "
        "AND deleted = 0", (sha, owner_entity, owner_id)).fetchone()
    if existing:
        return existing[0]
    name = Path(path).name
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    [attachment_id] = writer.insert(Attachment, [{
        "sha256": sha, "filename": name, "mime": mime, "size": size,
        "owner_entity": owner_entity, "owner_id": owner_id, "caption": caption}])
    return attachment_id


def remove_attachment(target: Store | Writer, attachment_id: str, owner_entity: str,
                      owner_id: str) -> None:
    """Take the photo ``attachment_id`` off the row ``owner_entity``/``owner_id``.

    The attachment row is tombstoned through the writer (the removal syncs like any
    delete); its content stays in the content store, where another row may use the same
    bytes and a backup still finds them. An attachment of another row is refused
    (``LookupError``): an edit of one record never takes a photo from another.
    """
    if isinstance(target, Store):
        with target.write() as w:
            remove_attachment(w, attachment_id, owner_entity, owner_id)
            return
    row = target.cursor.execute(
        "SELECT deleted FROM attachment WHERE id = ? AND owner_entity = ? AND owner_id = ?",
        (attachment_id, owner_entity, owner_id)).fetchone()
    if row is None:
        raise LookupError(f"attachment {attachment_id} is not one of {owner_entity} {owner_id}")
    if not row[0]:
        target.delete(Attachment, attachment_id)


def save_photos(writer: Writer, owner_entity: str, owner_id: str, photos: Sequence[str],
                removed: Sequence[str] = (), *, home: Path | None = None) -> None:
    """In the transaction of the record being saved: attach the files ``photos`` (each
    content once) and take off the attachments ``removed`` (ids), as a record form's photo
    strip asks."""
    for attachment_id in dict.fromkeys(removed):
        remove_attachment(writer, attachment_id, owner_entity, owner_id)
    for photo in dict.fromkeys(photos):
        add_attachment(writer, photo, owner_entity, owner_id, home=home)


def attachments_of(store: Store, owner_entity: str, owner_id: str) -> list[dict[str, Any]]:
    """The attachments of one row (oldest first), each with the ``path`` of its content."""
    with store.read() as cur:
        rows = [dict(r) for r in cur.execute(
            "SELECT id, sha256, filename, mime, size, caption FROM attachment "
            "WHERE owner_entity = ? AND owner_id = ? AND deleted = 0 ORDER BY id",
            (owner_entity, owner_id))]
    for row in rows:
        row["path"] = str(content_path(store.home, row["sha256"]))
    return rows
