"""Passwords (argon2) and tokens (opaque, random, stored only as SHA-256).

An access token lives 15 minutes, a refresh token 90 days and is replaced at each use
(rotation). Both are rows in the database, so revoking is immediate and no server secret
has to be kept anywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .store import AccountInfo, ServerStore, now

ACCESS_TTL = dt.timedelta(minutes=15)
REFRESH_TTL = dt.timedelta(days=90)
_HASHER = PasswordHasher()
# Each argon2 check takes 64 MiB for a moment: a storm of logins (every laptop of a county
# back online at once) would otherwise take the memory of as many checks as threads.
_HASHING = threading.BoundedSemaphore(4)
# Verified against when the user does not exist, so a wrong name takes as long as a
# wrong password (no user-name probing by timing).
_DUMMY_HASH = _HASHER.hash("workteam-no-such-user")


class AuthError(Exception):
    """A refused login or token: a machine code and a Chinese message (HTTP 401)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    with _HASHING:
        return _HASHER.hash(password)


def token_hash(token: str) -> str:
    """The SHA-256 of a token: the only form the database holds."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Grant:
    """What login and refresh answer."""

    access_token: str
    refresh_token: str
    expires_in: int
    account: AccountInfo

    def as_json(self) -> dict:
        """The protocol's login answer."""
        a = self.account
        return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                "expires_in": self.expires_in,
                "user": {"name": a.name, "role": a.role, "scopes": list(a.scopes)}}


def _grant(store: ServerStore, account: AccountInfo, device: str, rotating: str | None = None) -> Grant:
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    t = now()
    ok = store.add_tokens(account.id, device, [
        ("access", token_hash(access), t + ACCESS_TTL),
        ("refresh", token_hash(refresh), t + REFRESH_TTL),
    ], rotating=rotating)
    if not ok:
        raise AuthError("refresh_revoked", "登录已失效（令牌已被使用或撤销），请重新登录")
    return Grant(access, refresh, int(ACCESS_TTL.total_seconds()), account)


def login(store: ServerStore, name: str, password: str, device: str) -> Grant:
    """Check a name and password; new tokens."""
    found = store.account_login(name)
    if found is None:
        _verify(_DUMMY_HASH, password)
        raise AuthError("bad_credentials", "用户名或密码不正确")
    account, stored = found
    if not _verify(stored, password):
        raise AuthError("bad_credentials", "用户名或密码不正确")
    if account.disabled:
        raise AuthError("user_disabled", "该账号已停用，请联系管理员")
    if _HASHER.check_needs_rehash(stored):
        store.set_password_hash(account.id, hash_password(password))
    return _grant(store, account, device)


def _verify(stored: str, password: str) -> bool:
    try:
        with _HASHING:
            return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def refresh(store: ServerStore, refresh_token: str) -> Grant:
    """Trade a refresh token for new tokens; the old refresh token stops working (see
    ``ServerStore.add_tokens`` for the one exception: an answer lost on the way)."""
    h = token_hash(refresh_token)
    found = store.token(h, "refresh")
    # A retired token is not refused here: the store decides whether it may be traded again
    # (its successor lost on the way and never used).
    if found is None or found[1] < now():
        raise AuthError("refresh_revoked", "登录已失效（令牌已被使用或撤销），请重新登录")
    account, _, _, device = found
    if account.disabled:
        raise AuthError("user_disabled", "该账号已停用，请联系管理员")
    return _grant(store, account, device, rotating=h)


def authenticate(store: ServerStore, access_token: str) -> AccountInfo:
    """The account an access token belongs to."""
    found = store.token(token_hash(access_token), "access")
    if found is None:
        raise AuthError("token_invalid", "访问令牌无效，请重新登录")
    account, expires, revoked, device = found
    if revoked:
        raise AuthError("token_revoked", "登录已被撤销，请重新登录")
    if account.disabled:
        raise AuthError("user_disabled", "该账号已停用，请联系管理员")
    if expires < now():
        raise AuthError("token_expired", "访问令牌已过期")
    return dataclasses.replace(account, device=device)
