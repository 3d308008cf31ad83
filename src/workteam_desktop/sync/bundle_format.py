"""The ``.wtb`` bundle format, version 1: names, limits and the encrypted envelope.

See ``docs/bundle-format.md``. The envelope encrypts the whole zip to one recipient's
X25519 key in 1 MiB segments (AES-256-GCM, STREAM construction): each segment's nonce
and associated data carry its index and a last-segment flag, so reordering, dropping or
truncating segments fails authentication, and neither side ever holds the whole bundle.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import BundleError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CHANGES = "changes.jsonl"
ATTACHMENT_PREFIX = "attachments/"
ATTACHMENT_NAME = re.compile(r"attachments/[0-9a-f]{64}")

# Zip-bomb limits: declared sizes are checked before reading, and reading never goes past
# a declared size (zipfile stops there and checks the CRC).
MAX_MANIFEST = 4 << 20
MAX_MEMBER = 8 << 30
MAX_TOTAL = 32 << 30
MAX_RATIO = 200  # uncompressed / compressed, for members over RATIO_FROM bytes
RATIO_FROM = 1 << 20
MAX_MEMBERS = 1_000_000

# ---------------------------------------------------------------- envelope

MAGIC = b"WTB1ENC"
ENVELOPE_VERSION = 1
SEGMENT = 1 << 20
_TAG = 16
_HEADER = struct.Struct(">7sB32s16s12s")  # magic, version, ephemeral key, recipient fp, nonce
_INFO = b"workteam bundle envelope v1"

MSG_CORRUPT = "数据包已损坏或格式不正确，未导入任何内容"
MSG_NOT_FOR_US = "此数据包是加密给另一台设备的，本设备无法解密"


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(x25519_public: bytes) -> bytes:
    """The 16 bytes in the header naming the recipient (a hash of its public key)."""
    return hashlib.sha256(x25519_public).digest()[:16]


def _derive(shared: bytes, ephemeral: bytes, recipient: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient,
               info=_INFO).derive(shared)
    return AESGCM(key)


def _nonce(base: bytes, index: int) -> bytes:
    counter = int.from_bytes(base[4:], "big") ^ index
    return base[:4] + counter.to_bytes(8, "big")


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if last else 0)


def is_envelope(prefix: bytes) -> bool:
    """Whether a file starting with ``prefix`` is an encrypted bundle."""
    return prefix.startswith(MAGIC)


def encrypt(src: BinaryIO, dst: BinaryIO, recipient_x25519: bytes) -> None:
    """Write ``src`` (a plain bundle) to ``dst`` encrypted to the recipient's key."""
    recipient = X25519PublicKey.from_public_bytes(recipient_x25519)
    ephemeral = X25519PrivateKey.generate()
    eph_raw = _raw(ephemeral.public_key())
    aead = _derive(ephemeral.exchange(recipient), eph_raw, recipient_x25519)
    base = os.urandom(12)
    header = _HEADER.pack(MAGIC, ENVELOPE_VERSION, eph_raw, key_id(recipient_x25519), base)
    dst.write(header)
    for index, (chunk, last) in enumerate(_chunks_sized(src, SEGMENT)):
        dst.write(aead.encrypt(_nonce(base, index), chunk, _aad(header, index, last)))


def decrypt(src: BinaryIO, dst: BinaryIO, private: X25519PrivateKey) -> None:
    """Write the plain bundle inside the envelope ``src`` to ``dst``; refuse a bundle
    for another key, a newer envelope, or any altered or truncated byte."""
    header = src.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise BundleError(MSG_CORRUPT)
    magic, version, eph_raw, rid, base = _HEADER.unpack(header)
    if magic != MAGIC:
        raise BundleError(MSG_CORRUPT)
    if version > ENVELOPE_VERSION:
        raise BundleError("此数据包由较新版本生成，请先升级workteam")
    if version != ENVELOPE_VERSION:
        raise BundleError(MSG_CORRUPT)
    ours = _raw(private.public_key())
    if rid != key_id(ours):
        raise BundleError(MSG_NOT_FOR_US)
    try:
        aead = _derive(private.exchange(X25519PublicKey.from_public_bytes(eph_raw)), eph_raw, ours)
    except ValueError:
        raise BundleError(MSG_CORRUPT) from None
    for index, (chunk, last) in enumerate(_chunks_sized(src, SEGMENT + _TAG)):
        try:
            dst.write(aead.decrypt(_nonce(base, index), chunk, _aad(header, index, last)))
        except InvalidTag:
            raise BundleError(MSG_CORRUPT) from None


def _chunks_sized(src: BinaryIO, size: int) -> Iterator[tuple[bytes, bool]]:
    """Fixed-size pieces of ``src``, each with whether it is the last (at least one)."""
    current = src.read(size)
    while True:
        following = src.read(size)
        yield current, not following
        if not following:
            return
        current = following
