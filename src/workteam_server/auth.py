"""Passwords (argon2), tokens (opaque, random, stored only as SHA-256), and the guards
around logins.

An access token lives 15 minutes, a refresh token 90 days. Every token made from one login
shares a *family*. A refresh token is traded once; a retry of the same trade within the
grace window (``[logins] refresh_grace_seconds``; the answer was lost on a cut link) gets
the very same successor, kept sealed with a key only the old token's holder can derive.
Any other second use of a spent token means someone else holds the family's tokens: the
whole family is revoked (``refresh_reused``). Logout ends the family; a new login of the
same account on the same laptop ends that laptop's older families. Tokens are rows in the
database, so revoking is immediate and no server secret has to be kept anywhere.

A device id is one laptop's (docs/sync-protocol.md, Devices). A laptop names its device id
and its *instance* (a hash of its machine's id and its data home's folder) at login; a
copied data home has the same device id and another instance. :func:`device_refusal` is
the one check, run by every login that names both and by every push: a device id with a
live login (a refresh token neither revoked nor expired) from another instance is not
given to a second laptop.

Logins are throttled per account name and per client address (``login_throttle``, shared
by every worker): after ``max_failures`` wrong passwords each further attempt of a key must
wait 2^(n - max_failures) seconds after its last failure (at most a lockout's length), and
at 4 x ``max_failures`` the key is locked for ``lockout_minutes``. The check comes before
the argon2 hash, so refused attempts cost a database read; at most
:data:`CHECKS_PER_ADDRESS` checks of one address run at once, so a flood from one address
cannot queue ahead of everyone else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import ipaddress
import math
import os
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import orjson
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection

from workteam_desktop.domain.problems import Problem

from . import audit
from .models import laptop_login_table, token_table
from .settings import ServerSettings
from .store import AccountInfo, ServerStore, Throttle, Trade, new_family, now

ACCESS_TTL = dt.timedelta(minutes=15)
REFRESH_TTL = dt.timedelta(days=90)
_HASHER = PasswordHasher()
# Each argon2 check takes 64 MiB for a moment: a storm of logins (every laptop of a county
# back online at once) would otherwise take the memory of as many checks as threads.
_HASHING = threading.BoundedSemaphore(4)
# Verified against when the user does not exist, so a wrong name takes as long as a
# wrong password (no user-name probing by timing).
_DUMMY_HASH = _HASHER.hash("workteam-no-such-user")
# Password checks one client address may have running at once (per worker process): more
# are refused at once. Half the hashing slots: one address can never take them all, so a
# login from anywhere else always finds one free.
CHECKS_PER_ADDRESS = 2
# The label of the key that seals a trade's answer (derived from the traded token).
_SEAL_LABEL = b"workteam refresh answer v1"
# How often a worker drops the sealed answers of accounts that went quiet.
_SWEEP_SECONDS = 600.0
# The advisory lock space of one device id (PostgreSQL): logins naming it queue.
DEVICE_LOCK = 0x77746B64  # "wtkd"

BAD_CREDENTIALS = "用户名或密码不正确"
REFRESH_REVOKED = "登录已失效（令牌已被使用或撤销），请重新登录"
REFRESH_REUSED = "登录凭据被重复使用，为安全起见此登录已在所有电脑上失效，请重新登录"
USER_DISABLED = "该账号已停用，请联系管理员"


class AuthError(Exception):
    """A refused login or token: a machine code and a Chinese message, with its HTTP status
    (401, or 429 for throttled logins) and, for a 429, how many seconds to wait."""

    def __init__(self, code: str, message: str, *, status: int = 401,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after


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


# ---------------------------------------------------------------- client addresses

def client_address(host: str | None) -> str:
    """The address a client is throttled by: its IPv4 address, or the /64 network of an
    IPv6 one (one subscriber holds a whole /64, so single IPv6 addresses cost nothing)."""
    if not host:
        return ""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def throttle_keys(name: str | None, address: str | None) -> list[str]:
    """The ``login_throttle`` keys of an account name and a client address (given ones)."""
    keys = []
    if name:
        keys.append(f"user:{name[:190]}")
    if address:
        keys.append(f"addr:{address[:190]}")
    return keys


class LoginGate:
    """The password checks each client address has running in this process, counted on
    the event loop before any thread or database work: one more than ``limit`` is refused
    at once (429 ``busy``), so one address never takes every hashing slot and thread."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}

    @contextmanager
    def admit(self, address: str) -> Iterator[None]:
        """Hold one of the address's places while the body runs; AuthError when none is free."""
        with self._lock:
            running = self._running.get(address, 0)
            if running >= self.limit:
                raise AuthError("busy", "同一地址的登录请求过多，请稍后再试", status=429, retry_after=1)
            self._running[address] = running + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._running[address] - 1
                if left:
                    self._running[address] = left
                else:
                    del self._running[address]


LOGIN_GATE = LoginGate(CHECKS_PER_ADDRESS)


# ---------------------------------------------------------------- logins

def login(store: ServerStore, settings: ServerSettings, name: str, password: str, device: str,
          address: str = "", instance: str = "") -> Grant:
    """Check a name and password (after the throttle of the name and of the address);
    new tokens in a new family. With a ``device`` and an ``instance`` (a laptop) the device
    id must be this laptop's to use (:func:`device_refusal`: 409 ``device_taken``). Every
    outcome goes to the audit log (never the password)."""
    keys = throttle_keys(name, address)
    refused = throttled(store.throttles(keys).values(), settings, now())
    if refused is not None:
        raise refused
    found = store.account_login(name)
    matches = _verify(found[1] if found else _DUMMY_HASH, password)
    if found is None or not matches:
        _count_failure(store, settings, keys, name, address, device)
        raise AuthError("bad_credentials", BAD_CREDENTIALS)
    account, stored = found
    if account.disabled:
        audit.record(store, "login_refused", account=name, address=address, device=device,
                     reason="user_disabled")
        raise AuthError("user_disabled", USER_DISABLED)
    if _HASHER.check_needs_rehash(stored):
        store.set_password_hash(account.id, hash_password(password))
    access, refresh_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    t = now()
    device, instance = device[:100], instance[:64]
    try:
        with store.writing() as conn:
            handed_over = _take_device(store, conn, account, device, instance)
            ended = store.start_family(conn, account.id, device, new_family(), [
                ("access", token_hash(access), t + ACCESS_TTL),
                ("refresh", token_hash(refresh_token), t + REFRESH_TTL),
            ], sealed_before=t - _grace(settings))
            # A success clears the name's and the address's failures (an office behind one
            # address is not held back by a colleague's typos once someone gets in).
            store.clear_login_failures(conn, keys)
            audit.record_in(conn, "login", account=account.name, address=address, device=device,
                            ended_tokens=ended + handed_over)
    except AuthError as refused:
        audit.record(store, "device_taken", account=account.name, address=address,
                     device=device, at="login")
        raise refused from None
    _sweep_now_and_then(store, settings)
    return Grant(access, refresh_token, int(ACCESS_TTL.total_seconds()), account)


def _live_logins(conn: Connection, device: str) -> list[tuple[int, str]]:
    """(account id, instance) of every live login naming ``device``: a refresh token neither
    revoked nor expired; the instance its laptop named ("" for a login that named none)."""
    t, lap = token_table, laptop_login_table
    rows = conn.execute(
        sa.select(t.c.account_id, lap.c.instance).distinct()
        .select_from(t.outerjoin(lap, sa.and_(lap.c.account_id == t.c.account_id,
                                              lap.c.device == t.c.device)))
        .where(t.c.device == device, t.c.kind == "refresh", t.c.revoked.is_(False),
               t.c.expires_at > now()))
    return [(r.account_id, r.instance or "") for r in rows]


def device_refusal(conn: Connection, account_id: int, device: str,
                   instance: str | None) -> AuthError | None:
    """The one check of who may use a device id; None when account ``account_id`` may.

    A login (``instance``: the laptop's) is refused while the device id has a live login
    from another laptop: of another account from another instance (a login that named no
    instance counts as another), or of the same account from another named instance (a
    copy of the home logging in as the same person). The same laptop logging in again
    (same instance, or its account's earlier logins that named none) is never refused.
    A push (``instance`` None: its token's login passed this check when it was made) is
    refused while another account holds the device id by a laptop's live login."""
    for holder, named in _live_logins(conn, device):
        if instance is None:
            refused = holder != account_id and bool(named)
        elif holder == account_id:
            refused = named not in ("", instance)
        else:
            refused = named != instance
        if refused:
            return AuthError("device_taken", Problem("sync.device_taken", {"device": device}).message(),
                             status=409)
    return None


def _take_device(store: ServerStore, conn: Connection, account: AccountInfo, device: str,
                 instance: str) -> int:
    """Check (:func:`device_refusal`) and record a login's laptop, in the login's transaction;
    how many tokens of other accounts it ended (the same laptop changing hands: their
    logins on this device id are of no use to anyone else). Raises :class:`AuthError`."""
    if not device:
        return 0
    lap, t = laptop_login_table, token_table
    if not instance:
        # A login that names no laptop (a script, an earlier program) is not checked; it
        # ends the account's earlier logins on the device (start_family), laptop ones too.
        conn.execute(lap.delete().where(lap.c.account_id == account.id, lap.c.device == device))
        return 0
    if store.dialect == "postgresql":  # SQLite: the write lock taken at BEGIN does this
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), "
                             "hashtext(:device))"), {"space": DEVICE_LOCK, "device": device})
    refused = device_refusal(conn, account.id, device, instance)
    if refused is not None:
        raise refused
    others = sorted({holder for holder, _named in _live_logins(conn, device)} - {account.id})
    ended = 0
    if others:
        ended = conn.execute(t.update().where(
            t.c.device == device, t.c.account_id.in_(others),
            sa.or_(t.c.revoked.is_(False), t.c.sealed_answer.is_not(None)))
            .values(revoked=True, sealed_answer=None)).rowcount
    values = {"instance": instance, "logged_in_at": now()}
    if conn.execute(lap.update().where(lap.c.account_id == account.id, lap.c.device == device)
                    .values(**values)).rowcount == 0:
        conn.execute(lap.insert().values(account_id=account.id, device=device, **values))
    return ended


def throttled(states: Iterable[Throttle], settings: ServerSettings,
              at: dt.datetime) -> AuthError | None:
    """The refusal (429) a login attempt gets from the failed-login state of its keys at
    time ``at``, or None when it may be checked. The longest wait wins."""
    refusals = [r for r in (_refused_until(s, settings, at) for s in states) if r is not None]
    if not refusals:
        return None
    until, code, key = max(refusals)
    return _refusal_error(code, key, until - at)


def _refused_until(state: Throttle, settings: ServerSettings,
                   at: dt.datetime) -> tuple[dt.datetime, str, str] | None:
    """Until when one key refuses attempts, and with which code; None if it does not."""
    if state.locked_until is not None:
        # Once a lockout is over, the count starts again (at the next failure).
        return (state.locked_until, "login_locked", state.key) if state.locked_until > at else None
    if state.failures < settings.max_failures:
        return None
    exponent = min(state.failures - settings.max_failures, 40)
    delay = min(dt.timedelta(seconds=2 ** exponent), dt.timedelta(minutes=settings.lockout_minutes))
    ready = state.last_failure_at + delay
    return (ready, "login_throttled", state.key) if ready > at else None


def _refusal_error(code: str, key: str, left: dt.timedelta) -> AuthError:
    wait = max(1, math.ceil(left.total_seconds()))
    if code == "login_locked":
        who = "该账号" if key.startswith("user:") else "您所在的网络地址"
        return AuthError(code, f"{who}登录失败次数过多，已暂时锁定，请 {math.ceil(wait / 60)} "
                         "分钟后再试，或请管理员解锁", status=429, retry_after=wait)
    return AuthError(code, f"登录失败次数过多，请 {wait} 秒后再试", status=429, retry_after=wait)


def _count_failure(store: ServerStore, settings: ServerSettings, keys: list[str], name: str,
                   address: str, device: str) -> None:
    lock_at = 4 * settings.max_failures
    lockout = dt.timedelta(minutes=settings.lockout_minutes)
    with store.writing() as conn:
        states = store.note_login_failure(conn, keys, lock_at=lock_at, lockout=lockout)
        audit.record_in(conn, "login_failed", account=name, address=address, device=device,
                        reason="bad_credentials", failures={s.key: s.failures for s in states})
        for s in states:
            # The moments a key starts waiting and starts a lockout, not every refused
            # attempt after them: a flood must not become a flood of writes.
            if s.failures == settings.max_failures and s.locked_until is None:
                audit.record_in(conn, "login_throttled", account=name, address=address,
                                key=s.key, failures=s.failures)
            if s.locked_until is not None and s.locked_until == s.last_failure_at + lockout:
                audit.record_in(conn, "login_locked", account=name, address=address, key=s.key,
                                failures=s.failures, until=s.locked_until.isoformat())


def _verify(stored: str, password: str) -> bool:
    try:
        with _HASHING:
            return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def unlock(store: ServerStore, *, name: str | None = None, address: str | None = None,
           by: str = "") -> int:
    """Clear the failed logins and lockout of an account name and/or a client address
    (``workteam-server users unlock``); how many keys had any. Written to the audit log."""
    addr = client_address(address) if address else ""
    keys = throttle_keys(name, addr)
    with store.writing() as conn:
        cleared = store.clear_login_failures(conn, keys)
        audit.record_in(conn, "login_unlocked", account=name or "", address=addr, by=by,
                        cleared=cleared)
    return cleared


# ---------------------------------------------------------------- refresh and logout

def refresh(store: ServerStore, settings: ServerSettings, refresh_token: str,
            address: str = "") -> Grant:
    """Trade a refresh token for new tokens (see the module docstring and
    ``ServerStore.trade_refresh``)."""
    access, successor = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    t = now()
    access_expires = t + ACCESS_TTL
    sealed = seal_answer(refresh_token, {"access": access, "refresh": successor,
                                         "expires": access_expires.isoformat()})
    trade = store.trade_refresh(token_hash(refresh_token), [
        ("access", token_hash(access), access_expires),
        ("refresh", token_hash(successor), t + REFRESH_TTL),
    ], sealed, sealed_before=t - _grace(settings))
    _sweep_now_and_then(store, settings)
    if trade.outcome == "traded":
        assert trade.account is not None
        return Grant(access, successor, int(ACCESS_TTL.total_seconds()), trade.account)
    name = trade.account.name if trade.account else ""
    if trade.outcome == "replayed" and trade.sealed is not None:
        answer = open_answer(refresh_token, trade.sealed)
        if answer is not None and trade.account is not None:
            audit.record(store, "refresh_replayed", account=name, address=address,
                         device=trade.device, family=trade.family)
            left = dt.datetime.fromisoformat(answer["expires"]) - now()
            return Grant(answer["access"], answer["refresh"], max(0, int(left.total_seconds())),
                         trade.account)
    if trade.outcome == "reused":
        audit.record(store, "refresh_reused", account=name, address=address,
                     device=trade.device, family=trade.family)
        raise AuthError("refresh_reused", REFRESH_REUSED)
    # An unknown token is not written down: it names nobody, and a flood of made-up tokens
    # must not become a flood of writes.
    if trade.account is not None:
        audit.record(store, "refresh_refused", account=name, address=address,
                     device=trade.device, reason=trade.reason or "unsealable")
    if trade.reason == "disabled":
        raise AuthError("user_disabled", USER_DISABLED)
    raise AuthError("refresh_revoked", REFRESH_REVOKED)


def logout(store: ServerStore, refresh_token: str, address: str = "") -> None:
    """End the family of a refresh token (every access and refresh token of that login);
    an unknown token is no error (logging out twice is fine)."""
    ended: Trade = store.end_family(token_hash(refresh_token))
    if ended.outcome == "ended" and ended.account is not None:
        audit.record(store, "logout", account=ended.account.name, address=address,
                     device=ended.device, family=ended.family)


def _seal_key(old_token: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEAL_LABEL)
    return hkdf.derive(old_token.encode())


def seal_answer(old_token: str, answer: dict) -> bytes:
    """A trade's answer encrypted (AES-256-GCM) with a key derived from the traded token:
    the database holds only the token's SHA-256, so only the token's holder can open it."""
    nonce = os.urandom(12)
    return nonce + AESGCM(_seal_key(old_token)).encrypt(nonce, orjson.dumps(answer), None)


def open_answer(old_token: str, sealed: bytes) -> dict | None:
    """The answer :func:`seal_answer` sealed for ``old_token``; None if it does not open."""
    try:
        return orjson.loads(AESGCM(_seal_key(old_token)).decrypt(sealed[:12], sealed[12:], None))
    except (InvalidTag, ValueError):
        return None


def _grace(settings: ServerSettings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.refresh_grace_seconds)


_sweep_lock = threading.Lock()
_last_sweep = -math.inf


def _sweep_now_and_then(store: ServerStore, settings: ServerSettings) -> None:
    """Drop the sealed answers past the grace window every :data:`_SWEEP_SECONDS` (the
    account's own are dropped at each of its logins and trades; this catches the rest)."""
    global _last_sweep
    with _sweep_lock:
        if time.monotonic() - _last_sweep < _SWEEP_SECONDS:
            return
        _last_sweep = time.monotonic()
    store.forget_sealed_answers(now() - _grace(settings))


def authenticate(store: ServerStore, access_token: str) -> AccountInfo:
    """The account an access token belongs to."""
    found = store.token(token_hash(access_token), "access")
    if found is None:
        raise AuthError("token_invalid", "访问令牌无效，请重新登录")
    account, expires, revoked, device = found
    if revoked:
        raise AuthError("token_revoked", "登录已被撤销，请重新登录")
    if account.disabled:
        raise AuthError("user_disabled", USER_DISABLED)
    if expires < now():
        raise AuthError("token_expired", "访问令牌已过期")
    return dataclasses.replace(account, device=device)
