"""The key a data home's store is encrypted with, where it is kept, and the recovery code.

Each home has a random 256-bit key. It is kept in the OS keyring (Windows Credential
Manager, the Secret Service of a Linux desktop, the macOS Keychain), never in a file.
The home folder holds ``home-key.json``, which is not secret: the home's id (the
keyring entry's name) and the key *wrapped* (AES-256-GCM) under a key derived (scrypt)
from the **recovery code** — 25 random letters and digits (125 bits) shown once at
set-up, printed and kept by the first secretary and the township. When the keyring lost
the key (a reinstalled system, a new user account, another laptop) the code unwraps it.

A wrong code changes nothing; after three wrong codes each further try waits longer
(30 s, 1 min, 2 min … up to an hour). The delay is for the person at the keyboard; the
code's 125 bits are what protect a stolen disk.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import sqlite

SERVICE = "workteam-store"
KEY_FILE = "home-key.json"
TRIES_FILE = "recovery-tries.json"
FORMAT = 1
# Crockford's base32: no I, L, O, U (read aloud and typed from paper without confusion).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 25  # 125 bits
GROUP = 5
FREE_TRIES = 3
MAX_DELAY_S = 3600
_SCRYPT = {"n": 2 ** 15, "r": 8, "p": 1}

# Keys this process has already opened, by home id: the GUI opens a home's store many
# times (background tasks), and after a recovery on a machine without a keyring the key
# lives only here until the program ends.
_known: dict[str, bytes] = {}


class StoreLocked(Exception):
    """The home's key is not available: the recovery code is needed (one line)."""

    def __init__(self, home: Path, reason: str) -> None:
        self.home = home
        # "no_key": the keyring lacks it; "no_keyring": none usable; "no_key_file": the
        # home's home-key.json is missing
        self.reason = reason
        if reason == "no_key_file":
            message = (f"数据目录缺少密钥文件 {KEY_FILE}，无法打开加密的数据：请把整个数据目录"
                       "（连同该文件）一起复制，或从备份恢复")
        elif reason == "no_keyring":
            message = ("系统没有可用的密钥环（keyring），无法取出本数据目录的加密密钥："
                       "请输入恢复码（workteam recover --home 目录）；Linux 桌面安装 "
                       "gnome-keyring 并重新登录后，恢复一次即可记住")
        else:
            message = ("本机密钥环中没有这个数据目录的加密密钥（系统重装、换了用户或换了电脑）："
                       "请用设置时打印的恢复码打开（workteam recover --home 目录）")
        self.message = message
        super().__init__(message)


class RecoveryRefused(Exception):
    """A wrong or malformed recovery code, or a try too soon after wrong ones."""

    def __init__(self, message: str, wait_seconds: int = 0) -> None:
        self.message = message
        self.wait_seconds = wait_seconds
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just made for a home, with the recovery code to show (once)."""

    key: bytes
    recovery_code: str
    home_id: str


# --- the keyring ---------------------------------------------------------------------


def _unsafe(backend: Any) -> bool:
    """The fail backend, null backend, or anything keeping secrets in a plain file."""
    cls = type(backend)
    module = cls.__module__.lower()
    name = cls.__name__.lower()
    return (module.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt"))
            or "plaintext" in name or "plaintext" in module)


def usable_keyring() -> Any | None:
    """The keyring backend if it can keep a secret safely, else None (never a file)."""
    backend = keyring.get_keyring()
    backends = getattr(backend, "backends", None)  # the chainer: look at what it chains
    candidates = list(backends) if backends is not None else [backend]
    return backend if any(not _unsafe(b) for b in candidates) else None


def _username(home_id: str) -> str:
    return f"store-key:{home_id}"


def _save_in_keyring(home_id: str, key: bytes) -> bool:
    backend = usable_keyring()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, _username(home_id), key.hex())
        # Read back: a backend that silently drops secrets would lose the home tomorrow.
        return backend.get_password(SERVICE, _username(home_id)) == key.hex()
    except keyring.errors.KeyringError:
        return False


# --- the key file ----------------------------------------------------------------------


def key_file(home: Path) -> Path:
    """``home-key.json`` of a home."""
    return home / KEY_FILE


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


def read_key_file(home: Path) -> dict[str, Any] | None:
    """The home's key file, or None when it has none (a plain or new home)."""
    return _read(key_file(home))


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise RecoveryRefused(f"密钥文件 {KEY_FILE} 已损坏，无法打开：{exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or "home_id" not in data:
        raise RecoveryRefused(f"密钥文件 {KEY_FILE} 不是本程序可读的格式")
    return data


def home_id(home: Path) -> str | None:
    """The id the home's key is filed under in the keyring (None: no key file)."""
    data = read_key_file(home)
    return str(data["home_id"]) if data else None


def _check_value(key: bytes) -> str:
    """A short value that tells a right key from a wrong one without opening the store."""
    return _b64(hmac.new(key, b"workteam home key check", hashlib.sha256).digest()[:16])


def normalize_code(text: str) -> str:
    """A recovery code as typed (any case, spaces or dashes, O for 0, I/L for 1) in its
    canonical 25-character form; "" when it cannot be one."""
    text = text.strip().upper().translate(str.maketrans("OIL", "011"))
    text = "".join(ch for ch in text if ch not in " -_\t\n")
    if len(text) != CODE_LENGTH or any(ch not in ALPHABET for ch in text):
        return ""
    return text


def format_code(code: str) -> str:
    """``ABCDE-FGHJK-…``: five groups of five, as printed."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def _kek(code: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hashlib.scrypt(code.encode("ascii"), salt=salt, n=params["n"], r=params["r"],
                          p=params["p"], maxmem=128 * 1024 * 1024, dklen=32)


def _wrap(home_id: str, key: bytes) -> tuple[str, dict[str, Any]]:
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    salt, nonce = os.urandom(16), os.urandom(12)
    wrapped = AESGCM(_kek(code, salt, _SCRYPT)).encrypt(nonce, key, home_id.encode())
    return code, {"kdf": "scrypt", **_SCRYPT, "salt": _b64(salt), "nonce": _b64(nonce),
                  "wrapped": _b64(wrapped)}


def create(home: Path) -> NewKey:
    """A new random key for ``home``: kept in the keyring (when there is one) and wrapped
    under a new recovery code in the home's key file. Returns it with the code to show."""
    home.mkdir(parents=True, exist_ok=True)
    hid = secrets.token_hex(8)
    key = os.urandom(32)
    code, recovery = _wrap(hid, key)
    _write_atomic(key_file(home), {"format": FORMAT, "home_id": hid, "cipher": "sqlcipher4",
                                   "check": _check_value(key), "recovery": recovery,
                                   "created": time.strftime("%Y-%m-%dT%H:%M:%S")})
    _save_in_keyring(hid, key)
    _known[hid] = key
    shown = format_code(code)
    _keep_pending(hid, shown)
    return NewKey(key, shown, hid)


# The code of a new key waits in the keyring until the person has seen it (and said so):
# a program killed between making the key and showing the code shows it at the next start.
_pending: dict[str, str] = {}


def _keep_pending(hid: str, code: str) -> None:
    _pending[hid] = code
    backend = usable_keyring()
    if backend is not None:
        with contextlib.suppress(keyring.errors.KeyringError):
            backend.set_password(SERVICE, f"recovery-pending:{hid}", code)


def pending_recovery_code(home: Path) -> str | None:
    """The recovery code of the home's key when nobody has confirmed keeping it yet."""
    hid = home_id(home)
    if hid is None:
        return None
    if hid in _pending:
        return _pending[hid]
    backend = usable_keyring()
    if backend is None:
        return None
    try:
        return backend.get_password(SERVICE, f"recovery-pending:{hid}") or None
    except keyring.errors.KeyringError:
        return None


def recovery_code_kept(home: Path) -> None:
    """The person printed or wrote down the code: it is not kept anywhere any more."""
    hid = home_id(home)
    if hid is None:
        return
    _pending.pop(hid, None)
    backend = usable_keyring()
    if backend is not None:
        with contextlib.suppress(keyring.errors.KeyringError):
            backend.delete_password(SERVICE, f"recovery-pending:{hid}")


def new_recovery_code(home: Path, key: bytes) -> str:
    """Replace the home's recovery code (the old one stops working); returns the new one.
    Needs the key (an open home)."""
    data = read_key_file(home)
    if data is None or data.get("check") != _check_value(key):
        raise RecoveryRefused("密钥与本数据目录不符，不能更换恢复码")
    code, data["recovery"] = _wrap(str(data["home_id"]), key)
    _write_atomic(key_file(home), data)
    shown = format_code(code)
    _keep_pending(str(data["home_id"]), shown)
    return shown


def load(home: Path) -> bytes:
    """The key of ``home`` (raises :class:`StoreLocked` when only the code can give it)."""
    return load_file(key_file(home))


def load_file(path: Path) -> bytes:
    """The key a key file (a home's, or one beside a backup) names, from this process or
    the keyring (raises :class:`StoreLocked` when only the recovery code can give it)."""
    home = path.parent
    data = _read(path)
    if data is None:
        raise StoreLocked(home, "no_key_file")
    hid = str(data["home_id"])
    key = _known.get(hid)
    if key is not None:
        return key
    backend = usable_keyring()
    if backend is None:
        raise StoreLocked(home, "no_keyring")
    try:
        text = backend.get_password(SERVICE, _username(hid))
    except keyring.errors.KeyringError:
        raise StoreLocked(home, "no_keyring") from None
    if not text:
        raise StoreLocked(home, "no_key")
    key = bytes.fromhex(text)
    if _check_value(key) != data.get("check"):
        raise StoreLocked(home, "no_key")  # an entry of another home under this id
    _known[hid] = key
    return key


def forget(home: Path | None = None) -> None:
    """Drop what this process remembers of a home's key (all homes when None)."""
    if home is None:
        _known.clear()
        return
    hid = home_id(home)
    if hid:
        _known.pop(hid, None)


def remove_from_keyring(home: Path) -> None:
    """Delete the home's key from the keyring (the recovery code still opens it)."""
    hid = home_id(home)
    backend = usable_keyring()
    if hid and backend is not None:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            backend.delete_password(SERVICE, _username(hid))
    forget(home)


# --- recovery ------------------------------------------------------------------------


def _tries(home: Path) -> dict[str, float]:
    try:
        data = json.loads((home / TRIES_FILE).read_text(encoding="utf-8"))
        return {"failures": float(data["failures"]), "last": float(data["last"])}
    except (OSError, ValueError, KeyError, TypeError):
        return {"failures": 0.0, "last": 0.0}


def delay_after(failures: int) -> int:
    """Seconds to wait before the next try after ``failures`` wrong codes in a row."""
    if failures < FREE_TRIES:
        return 0
    return min(30 * 2 ** (failures - FREE_TRIES), MAX_DELAY_S)


def recover(home: Path, code_text: str, *, now: float | None = None) -> bytes:
    """Open the home's key with its recovery code; keep it in the keyring when there is
    one. A wrong code raises :class:`RecoveryRefused` and changes nothing but the count of
    wrong tries."""
    return recover_file(key_file(home), code_text, now=now)


def recover_file(path: Path, code_text: str, *, now: float | None = None) -> bytes:
    """:func:`recover` for a key file (a home's, or one beside a backup from another
    laptop: the code of the home it was made in opens it)."""
    home = path.parent
    now = time.time() if now is None else now
    data = _read(path)
    if data is None:
        raise RecoveryRefused("这个数据目录没有加密密钥文件（home-key.json），无需恢复码")
    tries = _tries(home)
    failures = int(tries["failures"])
    wait = int(tries["last"] + delay_after(failures) - now + 0.999)
    if wait > 0:
        raise RecoveryRefused(f"恢复码已连续输错{failures}次，请{_duration(wait)}后再试", wait)
    code = normalize_code(code_text)
    key = None
    if code:
        recovery = data["recovery"]
        try:
            key = AESGCM(_kek(code, _unb64(recovery["salt"]), recovery)).decrypt(
                _unb64(recovery["nonce"]), _unb64(recovery["wrapped"]),
                str(data["home_id"]).encode())
        except InvalidTag:
            key = None
    if key is None:
        failures += 1
        _write_atomic(home / TRIES_FILE, {"failures": failures, "last": now})
        wait = delay_after(failures)
        more = f"，请{_duration(wait)}后再试" if wait else ""
        if not code:
            raise RecoveryRefused(f"恢复码应为25位字母和数字（如 ABCDE-FGHJK-…）{more}", wait)
        raise RecoveryRefused(f"恢复码不对，数据目录没有任何改动{more}", wait)
    (home / TRIES_FILE).unlink(missing_ok=True)
    hid = str(data["home_id"])
    _known[hid] = key
    _save_in_keyring(hid, key)
    return key


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds}秒"
    if seconds < 3600:
        return f"{(seconds + 59) // 60}分钟"
    return f"{(seconds + 3599) // 3600}小时"


def backup_key_file(backup: Path) -> Path:
    """The key file written beside a backup made outside the home (a USB stick)."""
    return backup.with_name(backup.name + ".key.json")


def key_file_of(db_file: Path) -> Path | None:
    """The key file that names the key of ``db_file``: beside it (a backup on a USB
    stick), in its folder (a home's store), or one folder up (a home's backups)."""
    for candidate in (backup_key_file(db_file), db_file.parent / KEY_FILE,
                      db_file.parent.parent / KEY_FILE):
        if candidate.is_file():
            return candidate
    return None


def key_for_file(home: Path | None, file: Path) -> bytes | None:
    """The key that opens ``file`` (a home's store or a backup): None for a plain SQLite
    file; else the key its key file names (raises :class:`StoreLocked`)."""
    if sqlite.is_plain(file, strict=True):
        return None
    found = key_file_of(file)
    if found is None:
        if home is not None and key_file(home).is_file():
            return load(home)
        raise StoreLocked(file.parent, "no_key_file")
    return load_file(found)
