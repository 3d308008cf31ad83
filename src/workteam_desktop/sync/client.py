"""HTTP client of the sync protocol (docs/sync-protocol.md), over httpx.

One :class:`SyncClient` per sync: it keeps one connection alive, asks for gzip (mobile
links are slow), refreshes an expired access token once and repeats the call, and turns
every failure (network, timeout, HTTP error, an answer that is not the protocol) into a
:class:`~workteam_desktop.sync.errors.SyncError` with one Chinese line. Tokens are never
logged: they travel only in headers and bodies, which nothing here logs.

Transport security: the one rule for plain ``http://`` is :func:`check_plain_http` (only to
this machine, unless the home's settings allow it), enforced by the constructor so no path
bypasses it; https servers are verified against the public authorities plus, when given,
the county's own certificate authority (``workteam login --ca``); a certificate that does
not verify is :class:`CertificateRefused`, one Chinese line.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import random
import re
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from .. import __version__
from ..domain.changes import Change
from ..domain.hlc import wall_ms
from ..store.outbox import Outgoing
from .errors import (
    BadCredentials,
    CertificateRefused,
    DeviceTaken,
    PlainHttpRefused,
    PushTooLarge,
    ServerError,
    ServerUnreachable,
    SyncError,
    TokenRevoked,
)

API = "/api/v1"
PROTOCOL = 1

# Connecting is quick or never; an answer to a big push may take the server a while.
TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=120.0, pool=10.0)
SNAPSHOT_WAIT = 600.0  # seconds a snapshot description may take (the server may build it)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class TeamRef:
    """The work team an account belongs to, as the server holds it."""

    id: str
    name: str
    unit: str
    villages: tuple[tuple[str, str], ...]  # (code, name)

    @classmethod
    def from_json(cls, data: Any) -> TeamRef | None:
        """The team of a login answer (None when the account has none)."""
        if not isinstance(data, dict) or not data.get("id"):
            return None
        return cls(str(data["id"]), str(data.get("name", "")), str(data.get("unit", "")),
                   tuple((str(v.get("code", "")), str(v.get("name", "")))
                         for v in data.get("villages") or [] if isinstance(v, dict)))

    def to_json(self) -> dict[str, Any]:
        """As the server sends it (kept in sync_state)."""
        return {"id": self.id, "name": self.name, "unit": self.unit,
                "villages": [{"code": c, "name": n} for c, n in self.villages]}


@dataclass(frozen=True, slots=True)
class User:
    """Who the server says we are."""

    name: str
    role: str
    scopes: list[str]
    team: TeamRef | None = None


@dataclass(frozen=True, slots=True)
class Tokens:
    """The answer to a login or refresh."""

    access_token: str
    refresh_token: str
    expires_in: int
    user: User


@dataclass(frozen=True, slots=True)
class PushResult:
    """The server's answer for one pushed change."""

    id: str
    status: str  # accepted | duplicate | rejected
    code: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PullPage:
    """One page of changes after a cursor."""

    changes: list[Change]
    cursor: int
    more: bool
    seqs: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SnapshotStore:
    """The snapshot as a store file of this program's schema, to copy (when offered)."""

    sha256: str
    bytes: int


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """The server's snapshot of this account's scope (docs/sync-protocol.md, Snapshot)."""

    position: int
    sha256: str
    bytes: int
    rows: int
    changes: int
    store: SnapshotStore | None = None


# Why and what to do, in one line (the CLI and the GUI show it as it is).
PLAIN_HTTP_REFUSED = (
    "不能用不加密的 http:// 连接 {host}：密码和农户信息会明文经过网络。请改用 https:// 地址"
    "（不清楚的请问县里的管理员）；仅限测试网络：在数据目录的 settings.toml 中设置 "
    "[sync] allow_plain_http = true")
CERTIFICATE_REFUSED = (
    "无法验证同步服务器 {host} 的证书（{reason}）：若县里使用自己的证书颁发机构，请用 "
    "workteam login --ca 证书文件 重新登录（登录窗口：在“证书”栏选择文件），否则请联系县里的管理员")
# OpenSSL's X509_V_ERR_* codes → what they mean for a person.
_CERT_REASONS = {
    9: "证书尚未生效，也请检查本机的日期和时间",
    10: "证书已过期，也请检查本机的日期和时间",
    62: "证书上的名称与服务器地址不符",
    64: "证书上的IP地址与服务器地址不符",
}
_CERT_UNTRUSTED = "证书不是受信任的机构签发的"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine: ``localhost``, 127.0.0.0/8 or ``::1``."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def check_plain_http(url: str, allow_plain_http: bool = False) -> None:
    """The one rule for unencrypted connections: ``http://`` only to this machine, unless
    the settings allow it (``[sync] allow_plain_http``, a test network). Raises
    :class:`PlainHttpRefused` before any connection is tried."""
    parts = urlsplit(url.strip() if "://" in url else "http://" + url.strip())
    host = parts.hostname or ""
    if parts.scheme == "http" and not allow_plain_http and not is_loopback(host):
        raise PlainHttpRefused(PLAIN_HTTP_REFUSED.format(host=host))


def tls_context(ca_file: str | os.PathLike[str] | None = None) -> ssl.SSLContext:
    """What https servers are verified against: the usual public certificate authorities,
    plus the county's own in ``ca_file`` (a PEM file) when given. Made once per file
    version. Raises :class:`SyncError` for a file that is not a PEM certificate."""
    if ca_file is None:
        return _tls()
    path = Path(ca_file)
    try:
        stat = path.stat()
        return _tls_with(str(path), stat.st_mtime_ns, stat.st_size)
    except (OSError, ssl.SSLError, ValueError):
        raise SyncError(f"证书文件 {path.name} 无法读取或不是 PEM 格式的证书（应以 "
                        "-----BEGIN CERTIFICATE----- 开头），请向县里的管理员要证书文件") from None


def normalize_url(url: str) -> str:
    """A server address as stored: scheme, host, port and path, no trailing slash.

    A bare ``host:port`` means http. Anything else (no host, another scheme) is refused.
    """
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(f"服务器地址“{url}”无效，应形如 https://服务器:8800")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


BUSY_RETRIES = 8  # answers "busy" waited out before the error is shown


class SyncClient:
    """Talks to one sync server. Use as a context manager (closes the connection)."""

    def __init__(self, server_url: str, *, transport: httpx.BaseTransport | None = None,
                 timeout: httpx.Timeout = TIMEOUT,
                 ca_file: str | os.PathLike[str] | None = None,
                 allow_plain_http: bool = False) -> None:
        """``ca_file``: the county's certificate authority (PEM), trusted besides the public
        ones; ``allow_plain_http``: the settings' exception to :func:`check_plain_http`."""
        self.server_url = normalize_url(server_url)
        check_plain_http(self.server_url, allow_plain_http)
        https = self.server_url.startswith("https:")
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        # Called with the new refresh token whenever the server rotates it, so the caller
        # can keep it (in the keyring) before anything else can go wrong.
        self.on_refresh: Callable[[Tokens], None] | None = None
        # The server's clock from the last answer that told it, and this laptop's wall
        # clock when that answer arrived (both milliseconds).
        self.server_clock: tuple[int, int] | None = None
        self._http = httpx.Client(
            base_url=self.server_url, timeout=timeout, transport=transport,
            # Loading the CA bundle takes ~100 ms: once per process, and only for https.
            verify=tls_context(ca_file) if https else False,
            headers={"Accept-Encoding": "gzip", "User-Agent": f"workteam/{__version__}"})

    def close(self) -> None:
        """Close the connection."""
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ transport and errors

    @contextmanager
    def _network(self) -> Iterator[None]:
        """Map network failures to one clear line (never a traceback, never a token)."""
        try:
            yield
        except httpx.TimeoutException:
            raise ServerUnreachable(
                f"同步服务器 {self.server_url} 响应超时，请检查网络后重试（已完成的部分已保存）"
            ) from None
        except httpx.ConnectError as exc:
            refused = _tls_failure(exc, self.server_url)
            if refused is not None:
                raise refused from None
            raise ServerUnreachable(
                f"无法连接同步服务器 {self.server_url}，请检查网络和服务器地址后重试") from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError,
                httpx.NetworkError, httpx.DecodingError):
            raise ServerUnreachable(
                f"与同步服务器 {self.server_url} 的连接中断，请重试（已完成的部分已保存）") from None
        except httpx.HTTPError:
            raise ServerUnreachable(
                f"无法连接同步服务器 {self.server_url}，请检查网络和服务器地址后重试") from None

    def _send(self, method: str, path: str, *, auth: bool = True, allow: tuple[int, ...] = (),
              **kwargs: Any) -> httpx.Response:
        """One request; with ``auth`` an expired access token is refreshed once. Statuses
        in ``allow`` are returned to the caller instead of raised."""
        for attempt in (0, 1):
            headers = dict(kwargs.pop("headers", None) or {})
            if auth:
                if self.access_token is None:
                    self.refresh()
                headers["Authorization"] = f"Bearer {self.access_token}"
            response = self._request_waiting(method, path, headers, kwargs)
            if (auth and attempt == 0 and response.status_code == 401
                    and _error_code(response) == "token_expired"):
                self.access_token = None  # refresh and repeat, once
                kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
                continue
            if response.status_code >= 400 and response.status_code not in allow:
                raise _http_error(response)
            # httpx's response and its (already read) body stream refer to each other, so
            # the response, with a pull page's whole body, would wait for the cyclic
            # collector; without the stream it is freed as soon as the caller drops it.
            response.stream = httpx.ByteStream(b"")
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _request_waiting(self, method: str, path: str, headers: dict[str, str],
                         kwargs: dict[str, Any]) -> httpx.Response:
        """One request; while the server answers 429 ``busy`` (a county's laptops logging in
        at once: it bounds its password checks per address) it is sent again after the wait
        the server names, a few times, with a little jitter so the laptops spread out."""
        for attempt in range(BUSY_RETRIES + 1):
            with self._network():
                response = self._http.request(method, path, headers=headers, **kwargs)
            if (response.status_code != 429 or _error_code(response) != "busy"
                    or attempt == BUSY_RETRIES):
                return response
            try:
                wait = float(response.headers.get("Retry-After") or 1)
            except ValueError:
                wait = 1.0
            time.sleep(min(max(wait, 0.2), 5.0) * random.uniform(0.5, 1.5))
        return response

    def _json(self, response: httpx.Response) -> Any:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise ServerError(f"{self.server_url} 的回答无法识别，可能不是 workteam 同步服务器") from None

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One authenticated JSON call under ``/api/v1`` (administration), its answer."""
        return self._json(self._send(method, f"{API}/{path}", json=body))

    # ------------------------------------------------------------------- the calls

    def health(self) -> dict[str, Any]:
        """``GET /health``: the server's version, protocol and database."""
        data = self._json(self._send("GET", "/health", auth=False))
        if not isinstance(data, dict) or data.get("protocol") != PROTOCOL:
            raise ServerError(f"{self.server_url} 不是本程序可用的同步服务器（协议版本不符）")
        return data

    def login(self, username: str, password: str, device: str, instance: str = "") -> Tokens:
        """Log in with a password; keeps both tokens for the following calls. ``instance``
        tells this laptop and data home apart from a copy of it with the same ``device``
        (sync.account.laptop_instance); a server that holds the device for another login
        answers :class:`DeviceTaken`."""
        body = {"username": username, "password": password, "device": device}
        if instance:
            body["instance"] = instance
        data = self._json(self._send("POST", f"{API}/auth/login", auth=False, json=body))
        return self._take_tokens(data)

    def refresh(self) -> Tokens:
        """A new access token for the refresh token (which the server rotates)."""
        if not self.refresh_token:
            raise TokenRevoked()
        data = self._json(self._send("POST", f"{API}/auth/refresh", auth=False,
                                     json={"refresh_token": self.refresh_token}))
        tokens = self._take_tokens(data)
        if self.on_refresh is not None:
            self.on_refresh(tokens)
        return tokens

    def logout(self) -> None:
        """Revoke the refresh token on the server (best effort is the caller's choice)."""
        if self.refresh_token:
            self._send("POST", f"{API}/auth/logout", auth=False,
                       json={"refresh_token": self.refresh_token})
        self.access_token = self.refresh_token = None

    def _take_tokens(self, data: Any) -> Tokens:
        try:
            user = data["user"]
            tokens = Tokens(str(data["access_token"]), str(data["refresh_token"]),
                            int(data.get("expires_in", 0)),
                            User(str(user["name"]), str(user.get("role", "")),
                                 [str(s) for s in user.get("scopes", [])],
                                 TeamRef.from_json(user.get("team"))))
        except (KeyError, TypeError, ValueError):
            raise ServerError(f"{self.server_url} 的登录回答无法识别") from None
        self.access_token, self.refresh_token = tokens.access_token, tokens.refresh_token
        return tokens

    def _saw_clock(self, data: Any) -> None:
        """Remember how far the server's clock is from this laptop's (its ``now``)."""
        now = data.get("now") if isinstance(data, dict) else None
        if isinstance(now, int) and not isinstance(now, bool) and now > 0:
            self.server_clock = (now, wall_ms())

    def push(self, device: str, changes: Sequence[Outgoing]) -> tuple[list[PushResult], int]:
        """Send one batch; the server's answer for each change, in order, and its cursor."""
        return self.push_answer(self.push_request(push_body(device, changes)), changes)

    def push_request(self, body: bytes) -> httpx.Response:
        """Send one batch's body (:func:`push_body`); the server's answer, not yet read
        (:meth:`push_answer`). :class:`PushTooLarge` when the server refuses its size."""
        response = self._send("POST", f"{API}/changes/push", content=body,
                              headers={"Content-Type": "application/json"}, allow=(413,))
        if response.status_code == 413:
            raise PushTooLarge(_http_error(response).message)
        return response

    def push_answer(self, response: httpx.Response, changes: Sequence[Outgoing]
                    ) -> tuple[list[PushResult], int]:
        """The server's answer to the batch ``changes``: a result for each, in order, and
        its cursor."""
        data = self._json(response)
        try:
            listed = [PushResult(str(r["id"]), str(r["status"]), str(r.get("code") or ""),
                                 str(r.get("reason") or "")) for r in data["results"]]
            cursor = int(data.get("cursor") or 0)
            if "accepted" in data:  # the short answer: the changes not accepted, by place
                results = _whole_answer(listed, [r["i"] for r in data["results"]],
                                        data["accepted"], changes)
            else:
                results = listed
        except (KeyError, TypeError, ValueError):
            raise ServerError("同步服务器对上传的回答无法识别") from None
        self._saw_clock(data)
        if [r.id for r in results] != [c.id for c in changes]:
            # The protocol promises one result per change, in order: anything else means
            # we cannot tell what was stored, so nothing is marked as sent.
            raise ServerError("同步服务器对上传的回答与所发更改不符，未标记为已上传，请稍后重试")
        return results, cursor

    def pull(self, after: int, limit: int = 5000, pending: int | None = None, *,
             own: bool = False) -> PullPage:
        """The changes after server cursor ``after`` (one page). ``pending`` (the first
        page of a sync) tells the server how many changes this laptop still has to send,
        for the county's list of laptops. The server leaves out the changes this laptop
        pushed (no echo) unless ``own`` asks for them."""
        params: dict[str, int | str] = {"after": after, "limit": limit}
        if pending is not None:
            params["pending"] = pending
        if own:
            params["own"] = "true"
        data = self._json(self._send("GET", f"{API}/changes", params=params))
        try:
            rows = data["changes"]
            changes = [Change(d["id"], d["entity"], d["row_id"], d["fields"], d["hlc"],
                              d["device"], d.get("user") or "", d.get("base") or {})
                       for d in rows]
            page = PullPage(changes, int(data["cursor"]), bool(data.get("more")),
                            [int(d.get("seq") or 0) for d in rows])
        except (KeyError, TypeError, ValueError):
            raise ServerError("同步服务器下发的更改无法识别") from None
        self._saw_clock(data)
        if page.cursor < after:
            raise ServerError("同步服务器的进度标记倒退了，请联系管理员")
        return page

    def missing_attachments(self, sha256s: Sequence[str]) -> list[str]:
        """Which of these contents the server does not have yet."""
        data = self._json(self._send("POST", f"{API}/attachments/missing",
                                     json={"sha256": list(sha256s)}))
        try:
            return [str(s) for s in data["missing"]]
        except (KeyError, TypeError):
            raise ServerError("同步服务器对附件查询的回答无法识别") from None

    def upload_attachment(self, sha256: str, content: bytes) -> str | None:
        """Upload one attachment's bytes (the server checks the hash): None when stored,
        or the server's reason when it refuses this file as it stands (413: too large, or
        the account's upload quota is full), so the caller can still send the others."""
        response = self._send("PUT", f"{API}/attachments/{sha256}", content=content,
                              headers={"Content-Type": "application/octet-stream"}, allow=(413,))
        return _http_error(response).message if response.status_code == 413 else None

    def download_attachment(self, sha256: str) -> bytes | None:
        """One attachment's bytes; None when the server has none this account may read (yet):
        the owner has not uploaded them, and the server answers the same 404 for that as
        for bytes that are not this account's to read."""
        response = self._send("GET", f"{API}/attachments/{sha256}", allow=(404,))
        return None if response.status_code == 404 else response.content

    def snapshot(self, store_revision: str | None = None) -> SnapshotInfo | None:
        """``GET /api/v1/snapshot``: the snapshot of this account's scope (the server may
        build it first: a county takes about a minute), with its store file when the server
        has one of schema ``store_revision``; None from a server without snapshots (404)."""
        response = self._send("GET", f"{API}/snapshot", allow=(404,),
                              params={"store": store_revision} if store_revision else None,
                              timeout=httpx.Timeout(SNAPSHOT_WAIT, connect=TIMEOUT.connect))
        if response.status_code == 404:
            return None
        data = self._json(response)
        try:
            kept = data.get("store")
            store = SnapshotStore(str(kept["sha256"]), int(kept["bytes"])) \
                if isinstance(kept, dict) and store_revision \
                and kept.get("revision") == store_revision else None
            info = SnapshotInfo(int(data["position"]), str(data["sha256"]), int(data["bytes"]),
                                int(data.get("rows") or 0), int(data.get("changes") or 0), store)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ServerError("同步服务器的快照说明无法识别") from None
        if not _SHA256.match(info.sha256) or info.bytes < 0 or info.position < 0 or (
                store is not None and (not _SHA256.match(store.sha256) or store.bytes < 0)):
            raise ServerError("同步服务器的快照说明无法识别")
        return info

    def snapshot_part(self, sha256: str, start: int, length: int) -> bytes | None:
        """Bytes ``[start, start + length)`` of a snapshot file (fewer at its end); None
        when the server no longer has it (a newer one replaced it: ask again)."""
        response = self._send("GET", f"{API}/snapshot/{sha256}", allow=(404, 416),
                              headers={"Range": f"bytes={start}-{start + length - 1}"})
        if response.status_code == 404:
            return None
        if response.status_code == 416:
            return b""
        if response.status_code == 200:  # the range was not honoured: the whole file came
            return response.content[start:start + length]
        return response.content

    def forms(self) -> list[dict[str, Any]]:
        """The form versions the server offers: ``[{form_id, version, sha256}]``."""
        data = self._json(self._send("GET", f"{API}/forms"))
        if not isinstance(data, list):
            raise ServerError("同步服务器的表单清单无法识别")
        return [d for d in data if isinstance(d, dict)]

    def form(self, form_id: str, version: int) -> bytes:
        """One form definition, as the bytes the server sent (checked by the caller)."""
        return self._send("GET", f"{API}/forms/{form_id}/{version}").content


def push_body(device: str, changes: Sequence[Outgoing]) -> bytes:
    """The body of a push request, asking for the short answer (only the changes not
    accepted are listed): the change lines are already JSON, joined instead of re-encoded."""
    return (b'{"device":' + orjson.dumps(device) + b',"answer":"short","changes":['
            + ",".join(c.line for c in changes).encode() + b"]}")


_ACCEPTED = "accepted"


def _whole_answer(listed: list[PushResult], places: list[Any], accepted: Any,
                  changes: Sequence[Outgoing]) -> list[PushResult]:
    """A result for each of ``changes`` from a short answer: ``listed`` at ``places``
    (strictly rising places in the batch), every other one accepted; ValueError when the
    answer does not account for the batch exactly (nothing is then marked)."""
    if (type(accepted) is not int or any(type(i) is not int for i in places)
            or accepted + len(listed) != len(changes)
            or any(a >= b for a, b in zip([-1, *places], [*places, len(changes)], strict=True))):
        raise ValueError("short answer does not fit the batch")
    results = [PushResult(c.id, _ACCEPTED, "", "") for c in changes]
    for place, result in zip(places, listed, strict=True):
        if result.status == _ACCEPTED:
            raise ValueError("a short answer lists only what was not accepted")
        results[place] = result
    return results


@functools.cache
def _tls() -> ssl.SSLContext:
    """The TLS settings (certificate authorities) of https servers, made once."""
    return httpx.create_ssl_context()


@functools.lru_cache(maxsize=8)
def _tls_with(path: str, _mtime_ns: int, _size: int) -> ssl.SSLContext:
    """The public authorities plus those in the PEM file ``path`` (cached by its version)."""
    context = httpx.create_ssl_context()
    context.load_verify_locations(cafile=path)
    return context


def _tls_failure(exc: BaseException, url: str) -> CertificateRefused | None:
    """The refusal a failed connection stands for when TLS failed (the ssl error is the
    cause of httpx's ConnectError), else None."""
    host = urlsplit(url).hostname or url
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = _CERT_REASONS.get(cause.verify_code, _CERT_UNTRUSTED)
            return CertificateRefused(CERTIFICATE_REFUSED.format(host=host, reason=reason))
        if isinstance(cause, ssl.SSLError):
            return CertificateRefused(f"无法与同步服务器 {host} 建立加密连接（它可能没有启用 "
                                      "https，或用的不是 https 端口），请检查地址或联系县里的管理员")
        cause = cause.__cause__ or cause.__context__
    return None


def _error_code(response: httpx.Response) -> str:
    detail = _detail(response)
    return str(detail.get("code", "")) if isinstance(detail, dict) else ""


def _detail(response: httpx.Response) -> Any:
    try:
        return orjson.loads(response.content).get("detail")
    except (orjson.JSONDecodeError, AttributeError):
        return None


def _http_error(response: httpx.Response) -> SyncError:
    """The error a failed answer stands for, with the server's Chinese line when it sent one."""
    detail = _detail(response)
    code = message = ""
    if isinstance(detail, dict):
        code, message = str(detail.get("code", "")), str(detail.get("message", ""))
    status = response.status_code
    if code == "bad_credentials":
        return BadCredentials()
    if code == "user_disabled":
        return BadCredentials("该账号已停用，请联系管理员")
    if code == "device_taken":
        return DeviceTaken(message or None)
    if code in ("refresh_revoked", "token_expired", "token_invalid", "token_revoked") or (
            status == 401 and not code):
        return TokenRevoked()
    if status == 401:
        return TokenRevoked(message or None)
    if status == 404 and not code:
        return ServerError(f"{response.request.url.host} 上没有 workteam 同步服务（地址不对？）")
    if message:
        return ServerError(message)
    if status >= 500:
        return ServerError(f"同步服务器出错（HTTP {status}），请稍后重试或联系管理员")
    return ServerError(f"同步服务器拒绝了请求（HTTP {status}）")
