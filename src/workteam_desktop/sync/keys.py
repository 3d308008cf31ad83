"""The device's key pairs and the signers this data home trusts.

The private keys (Ed25519 to sign bundles, X25519 to receive encrypted ones) are made on
first use and live ONLY in the OS keyring: a copied data home or a lost laptop's backup
folder holds no secret. When the machine has no real keyring (the ``fail`` backend or a
plain-text file backend) we refuse rather than fall back to a file.

Trusted signers are public keys only, kept in ``<home>/trusted_signers.json``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ..store.home_key import usable_keyring
from .errors import BundleError, KeyringMissing

SERVICE = "workteam"
TRUST_FILE = "trusted_signers.json"
PUBLIC_KEY_FORMAT = "workteam-public-keys"


def b64(data: bytes) -> str:
    """Bytes as standard base64 text."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Base64 text as bytes (strict: bad text raises ``ValueError``)."""
    return base64.b64decode(text.encode("ascii"), validate=True)


def fingerprint(public_raw: bytes) -> str:
    """What people compare by eye: SHA-256 of the raw public key, 16 hex in groups of 4."""
    h = hashlib.sha256(public_raw).hexdigest()[:16]
    return " ".join(h[i:i + 4] for i in range(0, 16, 4))


def _raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class DeviceKeys:
    """This device's two key pairs."""

    device: str
    user: str
    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey

    @property
    def signing_public(self) -> bytes:
        """Raw Ed25519 public key (32 bytes)."""
        return _raw_public(self.signing.public_key())

    @property
    def encryption_public(self) -> bytes:
        """Raw X25519 public key (32 bytes)."""
        return _raw_public(self.encryption.public_key())

    def public_document(self) -> dict[str, Any]:
        """The public keys as exported by ``workteam keys export`` (no secret)."""
        return {
            "format": PUBLIC_KEY_FORMAT, "version": 1, "device": self.device, "user": self.user,
            "ed25519": b64(self.signing_public), "x25519": b64(self.encryption_public),
            "fingerprint": fingerprint(self.signing_public),
            "encryption_fingerprint": fingerprint(self.encryption_public),
        }


def _usable_backend() -> Any:
    """The keyring backend, or a refusal when it cannot keep a secret safely (the rule is
    the store's: home_key.usable_keyring, never a file)."""
    backend = usable_keyring()
    if backend is None:
        raise KeyringMissing()
    return backend


def _username(device: str) -> str:
    return f"device-keys:{device}"


def load_or_create(device: str, user: str) -> DeviceKeys:
    """This device's keys from the keyring, made and saved there on first use."""
    backend = _usable_backend()
    try:
        text = backend.get_password(SERVICE, _username(device))
        if text is None:
            signing, encryption = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
            backend.set_password(SERVICE, _username(device), json.dumps({
                "ed25519": b64(signing.private_bytes_raw()),
                "x25519": b64(encryption.private_bytes_raw())}))
            # Read back: a backend that silently drops secrets must not give a key that
            # signs today and is gone tomorrow.
            if backend.get_password(SERVICE, _username(device)) is None:
                raise BundleError("系统密钥环未能保存设备私钥，请检查密钥环服务")
        else:
            data = json.loads(text)
            signing = Ed25519PrivateKey.from_private_bytes(unb64(data["ed25519"]))
            encryption = X25519PrivateKey.from_private_bytes(unb64(data["x25519"]))
    except keyring.errors.KeyringError as exc:
        raise BundleError(f"无法访问系统密钥环：{exc.__class__.__name__}") from None
    except (ValueError, KeyError, TypeError):
        raise BundleError("系统密钥环中的设备私钥已损坏") from None
    return DeviceKeys(device, user, signing, encryption)


# ---------------------------------------------------------------- public key files

@dataclass(frozen=True)
class PublicKeys:
    """Another device's public keys, read from a ``keys export`` file."""

    device: str
    user: str
    ed25519: bytes
    x25519: bytes


def read_public_keys(path: Path) -> PublicKeys:
    """Parse a public key file; a bad file is one clear message."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != PUBLIC_KEY_FORMAT:
            raise ValueError
        keys = PublicKeys(str(data.get("device", "")), str(data.get("user", "")),
                          unb64(data["ed25519"]), unb64(data["x25519"]))
        X25519PublicKey.from_public_bytes(keys.x25519)
        Ed25519PublicKey.from_public_bytes(keys.ed25519)
    except OSError:
        raise BundleError(f"无法读取公钥文件 {path}") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BundleError(f"公钥文件 {path} 格式不正确") from None
    return keys


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON beside the target then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- trusted signers

class TrustedSigners:
    """The Ed25519 public keys whose bundles this home accepts (public keys only)."""

    def __init__(self, home: Path) -> None:
        self.path = home / TRUST_FILE
        self.entries: list[dict[str, str]] = []
        if self.path.exists():
            try:
                self.entries = list(json.loads(self.path.read_text(encoding="utf-8"))["signers"])
            except (OSError, ValueError, KeyError, TypeError):
                raise BundleError(f"受信任签名者文件 {self.path} 已损坏") from None

    def trusts(self, public_raw: bytes) -> bool:
        """Whether bundles signed by this key are accepted."""
        key = b64(public_raw)
        return any(e.get("ed25519") == key for e in self.entries)

    def add(self, public_raw: bytes, device: str, user: str) -> None:
        """Trust a key from now on (saved at once)."""
        if self.trusts(public_raw):
            return
        self.entries.append({
            "ed25519": b64(public_raw), "fingerprint": fingerprint(public_raw),
            "device": device, "user": user,
            "added_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
        write_json_atomic(self.path, {"signers": self.entries})
