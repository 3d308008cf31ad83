"""Attachment files, content-addressed by SHA-256 under ``<home>/attachments``."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
_HEX = frozenset("0123456789abcdef")


class AttachmentError(Exception):
    """A refused upload: a machine code, a Chinese message and an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def is_sha256(text: str) -> bool:
    """Lower-case hex SHA-256."""
    return len(text) == 64 and set(text) <= _HEX


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

    async def save(self, sha256: str, chunks: AsyncIterator[bytes]) -> bool:
        """Store an upload after checking its hash; False if it was already here.

        Written to a temporary file and renamed into place, so a cut upload or a wrong hash
        leaves nothing behind and a reader never sees half a file.
        """
        if self.has(sha256):
            async for _ in chunks:  # drain the body so the connection stays usable
                pass
            return False
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as f:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise AttachmentError(413, "too_large", "附件超过 20 MB")
                    digest.update(chunk)
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            if digest.hexdigest() != sha256:
                raise AttachmentError(422, "hash_mismatch",
                                      "附件内容与其 SHA-256 不符（传输出错），请重新上传")
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return True
