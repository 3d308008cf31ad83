"""Attachment content (photos) encrypted on disk with the home's key.

A photo of a household's house or a certificate is as personal as the row naming it, so
in an encrypted home each content file under ``attachments/`` is sealed: ``WTA1``, a
12-byte nonce, then the content under AES-256-GCM with a key derived from the home's
store key (HKDF, "attachments"), the content's SHA-256 as associated data (a file put
under another hash name does not open). Files are decrypted only in memory: for
display, printing and upload. A plain home (no keyring on the machine) keeps plain files,
and a plain file is read as it is (a home from before encryption, until its migration).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import home_key, sqlite
from .home import store_path

MAGIC = b"WTA1"
_NONCE = 12
_OVERHEAD = len(MAGIC) + _NONCE + 16  # the GCM tag


class ContentError(Exception):
    """A content file that does not open or does not match its hash."""


def content_key(home: Path) -> bytes | None:
    """The key attachment files of ``home`` are sealed with (None: a plain home)."""
    file = store_path(home)
    if (file.exists() and sqlite.is_plain(file)) or not home_key.key_file(home).exists():
        return None
    return derive_content_key(home_key.load(home))


def derive_content_key(store_key: bytes) -> bytes:
    """The attachment key that goes with a store key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"workteam attachments").derive(store_key)


def seal(key: bytes, sha256: str, data: bytes) -> bytes:
    """``data`` sealed for the file named ``sha256``."""
    nonce = os.urandom(_NONCE)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, data, sha256.encode("ascii"))


def unseal(key: bytes | None, sha256: str, blob: bytes) -> bytes:
    """The content of a file's bytes (sealed or plain), checked against ``sha256``."""
    if blob.startswith(MAGIC):
        if key is None:
            raise ContentError("an encrypted attachment in a plain home")
        try:
            data = AESGCM(key).decrypt(blob[len(MAGIC):len(MAGIC) + _NONCE],
                                       blob[len(MAGIC) + _NONCE:], sha256.encode("ascii"))
        except Exception as exc:  # InvalidTag: another key, or damaged
            raise ContentError(f"attachment {sha256[:12]} does not open") from exc
    else:
        data = blob
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ContentError(f"attachment {sha256[:12]} is damaged")
    return data


def content_size(stored_size: int, sealed: bool) -> int:
    """The content's own size from the size of its file."""
    return stored_size - _OVERHEAD if sealed else stored_size


def write_file(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def seal_existing(home: Path, folder: Path, key: bytes) -> int:
    """Seal every plain content file under ``folder`` (a home's ``attachments/`` or the
    backups' pool) in place; returns how many. Each file is replaced whole, so a killed
    run leaves every file either plain or sealed, and the next run goes on."""
    done = 0
    if not folder.is_dir():
        return 0
    for path in folder.glob("*/*"):
        if not path.is_file() or path.name.startswith(".") or len(path.name) != 64:
            continue
        blob = path.read_bytes()
        if blob.startswith(MAGIC):
            continue
        if hashlib.sha256(blob).hexdigest() != path.name:
            continue  # not ours to touch (a damaged file stays as it is, for support)
        write_file(path, seal(key, path.name, blob))
        done += 1
    return done
