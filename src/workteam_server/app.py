"""The HTTP routes of workteam-server (docs/sync-protocol.md).

Every error answers ``{"detail": {"code": …, "message": <one Chinese line>}}``. Database work
runs in FastAPI's thread pool (plain ``def`` routes or ``run_in_threadpool``), so a slow
query never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, Field, StrictBool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope as AsgiScope

import workteam_desktop
from workteam_desktop.domain import entities

from . import admin, auth, directory, snapshot
from .apidoc import (
    ATTACHMENT_BODY,
    SNAPSHOT_FILE,
    AccountAnswer,
    FormInfo,
    GrantAnswer,
    HealthAnswer,
    MissingAnswer,
    PullAnswer,
    PushAnswer,
    SnapshotAnswer,
    TeamAnswer,
    UserAnswer,
    complete_openapi,
    errors,
    ok,
    push_body,
)
from .attachments import (
    MAX_CHECK,
    NOT_FOUND,
    AttachmentError,
    AttachmentFiles,
    accept_upload,
    clean_periodically,
    is_sha256,
)
from .collector import PUSHING
from .forms import available_forms
from .limits import (
    BodyLimit,
    LiteralPaths,
    body_too_large_detail,
    method_not_allowed_detail,
)
from .push import MAX_BATCH, TooDeep, now_ms, push
from .settings import ServerSettings, load_settings
from .store import AccountInfo, ServerStore, sqlite_url

PROTOCOL = 1
PULL_DEFAULT, PULL_MAX = 5000, 20000


class OrjsonResponse(JSONResponse):
    """JSON through orjson (Chinese kept as UTF-8, fast)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def fail(status: int, code: str, message: str) -> HTTPException:
    """The protocol's error answer."""
    return HTTPException(status, detail={"code": code, "message": message})


def _plain_text(value: str) -> str:
    """Refuse what no name, password or token holds and the databases cannot store or hash:
    NUL and unpaired surrogates (JSON can spell both)."""
    if "\x00" in value:
        raise ValueError("contains NUL")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode") from None
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]


class LoginBody(BaseModel):
    username: Annotated[PlainText, Field(max_length=64)]  # the longest account name
    password: Annotated[PlainText, Field(max_length=1024)]
    device: Annotated[PlainText, Field(max_length=100)] = ""
    # The laptop and data home (a hash the desktop makes): tells a copied home apart.
    instance: Annotated[PlainText, Field(max_length=64)] = ""


class RefreshBody(BaseModel):
    refresh_token: Annotated[PlainText, Field(max_length=200)]


def auth_failed(error: auth.AuthError) -> HTTPException:
    """The protocol's answer to a refused login or token; a 429 says when to come back."""
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    return HTTPException(error.status, detail={"code": error.code, "message": error.message},
                         headers=headers)


class MissingBody(BaseModel):
    sha256: list[str] = Field(max_length=MAX_CHECK)  # the laptop asks 500 at a time


class TeamBody(BaseModel):
    name: str
    unit: str = ""
    villages: list[str]


class TeamEdit(BaseModel):
    villages: list[str] | None = None
    unit: str | None = None
    rename: str | None = None


class AccountBody(BaseModel):
    name: str
    role: str = "member"
    password: str
    team: str | None = None
    scopes: list[str] = []


class AccountEdit(BaseModel):
    disabled: StrictBool | None = None  # true or false, not 0 or "yes"
    password: str | None = None
    team: str | None = None


def team_json(team: directory.TeamInfo) -> dict:
    """A team as the API shows it."""
    return {"id": team.id, "name": team.name, "unit": team.unit,
            "villages": [{"code": c, "name": n} for c, n in team.villages]}


def account_json(view: admin.AccountView) -> dict:
    """An account as the API shows it (never its password hash)."""
    def iso(value: Any) -> str | None:
        return value.isoformat(timespec="seconds") + "Z" if value is not None else None

    return {"name": view.name, "role": view.role, "scopes": list(view.scopes),
            "disabled": view.disabled, "team": view.team or None,
            "devices": [{"device": d.device, "first_seen": iso(d.first_seen),
                         "last_sync": iso(d.last_sync), "pending": d.pending}
                        for d in view.devices]}


def user_json(store: ServerStore, account: AccountInfo) -> dict:
    """Who the server says the caller is: name, role, scopes and work team."""
    team = None
    if account.team_id:
        with store.engine.connect() as conn:
            found = directory.teams(conn, {account.team_id})
        team = team_json(found[0]) if found else None
    return {"name": account.name, "role": account.role, "scopes": list(account.scopes),
            "team": team}


bearer = HTTPBearer(auto_error=False, scheme_name="bearer",
                    description="登录（/api/v1/auth/login）得到的 access_token")


def current_account(request: Request,
                    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
                    ) -> AccountInfo:
    """The account of the request's bearer token (401 with the reason otherwise)."""
    if credentials is None or not credentials.credentials.strip():
        raise fail(401, "token_missing", "请先登录")
    try:
        return auth.authenticate(request.app.state.store, credentials.credentials.strip())
    except auth.AuthError as e:
        raise fail(401, e.code, e.message) from None


Account = Annotated[AccountInfo, Depends(current_account)]
# The OpenAPI entry of a throttled login (429), which says when to come back.
RETRY_LATER = errors(429)
RETRY_LATER[429]["headers"] = {"Retry-After": {"description": "几秒后再试", "schema": {"type": "integer"}}}


def allowed_methods(app: FastAPI, scope: AsgiScope) -> str:
    """The ``Allow`` header of a request's path: the methods of every route with the path
    template of the first route that matches it (a path such as ``/api/v1/attachments/{sha256}``
    has one route per method; ``/api/v1/attachments/missing`` is its own path, as in the
    OpenAPI document, though the template would match it too)."""
    template: str | None = None
    methods: set[str] = set()
    for route in app.router.routes:
        path = getattr(route, "path", None)
        if template is None:
            match, _child = route.matches(scope)
            if match == Match.NONE:
                continue
            template = path
        if path == template:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def error_detail(status: int, detail: Any, request: Request) -> tuple[int, dict]:
    """An HTTP error in the protocol's shape: a route's ``{code, message}`` as it is; what
    the framework raises (an unknown path, a wrong method, a body it cannot parse) gets
    its code and a Chinese line here."""
    if isinstance(detail, dict) and isinstance(detail.get("code"), str) \
            and isinstance(detail.get("message"), str):
        return status, detail
    if status == 404:
        path = "".join(ch if ch.isprintable() else "?" for ch in request.url.path[:200])
        return 404, {"code": "not_found", "message": f"服务器上没有这个地址：{path}"}
    if status == 405:
        return 405, method_not_allowed_detail(request.method, allowed_methods(request.app, request.scope))
    if status == 413:
        return 413, body_too_large_detail(request.app.state.settings.max_body_bytes)
    if status == 400:  # FastAPI: a body it could not decode (not UTF-8, nested too deep …)
        return 422, {"code": "bad_request", "message": "请求格式不正确（无法解析请求内容）"}
    if status == 401:
        return 401, {"code": "token_missing", "message": "请先登录"}
    return status, {"code": "http_error", "message": f"请求未能完成（HTTP {status}）"}


def _push_changes(raw: bytes) -> tuple[list[Any], bool]:
    """The change list of a push body and whether it asks for the short answer; HTTP 422
    (bad_request) or 413 (batch_too_large) for a body that is not one, before anything is
    stored."""
    try:
        body = orjson.loads(raw)
        changes = body["changes"]
        if not isinstance(changes, list) or not isinstance(body.get("device", ""), str):
            raise TypeError
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        raise fail(422, "bad_request", "请求格式不正确（应为 {\"changes\": [...]}）") from None
    answer = body.get("answer", "full")
    if answer not in ("full", "short"):
        raise fail(422, "bad_request", "请求格式不正确（answer 只能是 \"short\" 或 \"full\"，或省略）")
    if len(changes) > MAX_BATCH:
        raise fail(413, "batch_too_large", f"一批最多 {MAX_BATCH} 条变更")
    # Its nesting is bounded by the push (push.TooDeep), with its checks.
    return changes, answer == "short"


SPAN_CHUNK = 256 * 1024


def byte_range(header: str | None, size: int) -> tuple[int, int, bool] | None:
    """The bytes [start, stop) a ``Range`` header asks of a file of ``size`` bytes, and
    whether it asked for a range at all: one range (``bytes=N-``, ``bytes=N-M``,
    ``bytes=-K``); a header this does not understand (several ranges, another unit) is
    ignored and the whole file sent, as HTTP allows. None when the range starts past the
    end (416)."""
    whole = (0, size, False)
    if header is None:
        return whole
    unit, _, spec = header.partition("=")
    first, dash, last = spec.strip().partition("-")
    if unit.strip().lower() != "bytes" or not dash or not (first or last) or \
            (first and not first.isdigit()) or (last and not last.isdigit()):
        return whole
    if not first:  # the last K bytes
        return (max(0, size - int(last)), size, True) if int(last) else whole
    start = int(first)
    if start >= size:
        return None
    stop = min(size, int(last) + 1) if last else size
    return (start, stop, True) if stop > start else whole


def read_span(f: Any, start: int, stop: int) -> Any:
    """The bytes [start, stop) of an open file, in chunks; closes it at the end (the file
    was opened by the route, so a snapshot replaced meanwhile is still sent whole)."""
    try:
        f.seek(start)
        left = stop - start
        while left > 0:
            chunk = f.read(min(SPAN_CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        f.close()


def create_app(home: Path, db_url: str | None = None,
               settings: ServerSettings | None = None) -> FastAPI:
    """The application for a server home and database (SQLite in the home by default);
    settings from the home's ``server.toml`` unless given."""
    home.mkdir(parents=True, exist_ok=True)
    settings = settings or load_settings(home)
    store = ServerStore.open(db_url or sqlite_url(home), pool_size=20)
    files = AttachmentFiles(home / "attachments")

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Each worker cleans unreferenced uploads hourly; on PostgreSQL one at a time
        # across every worker and machine, and each removal is re-checked under a lock.
        cleaner = asyncio.create_task(clean_periodically(store, files, settings))
        try:
            yield
        finally:
            cleaner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await cleaner

    app = FastAPI(title="workteam-server", version=workteam_desktop.__version__,
                  default_response_class=OrjsonResponse, lifespan=lifespan,
                  description="驻村工作队数据同步服务（docs/sync-protocol.md）")
    # Level 5: nearly the size of level 9 at a fraction of the CPU (pull pages are large).
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)

    def body_limit(scope: AsgiScope) -> int:
        # An attachment has its own limit (checked by the upload while it streams to disk).
        if scope["method"] == "PUT" and scope["path"].startswith("/api/v1/attachments/"):
            return max(settings.max_body_bytes, settings.attachment_max_bytes + 64 * 1024)
        return settings.max_body_bytes

    app.add_middleware(LiteralPaths, routes=lambda: app.router.routes)
    # Outermost: a body over the limit is refused before anything else reads it.
    app.add_middleware(BodyLimit, limit_for=body_limit)
    app.state.store = store
    app.state.settings = settings
    complete_openapi(app)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> Response:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) if exc.errors() else ""
        return OrjsonResponse({"detail": {"code": "bad_request",
                                          "message": f"请求格式不正确（{where}）"}}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        status, detail = error_detail(exc.status_code, exc.detail, request)
        headers = dict(exc.headers or {})
        if status == 405:
            headers["Allow"] = allowed_methods(app, request.scope)
        if status in (204, 304):
            return Response(status_code=status, headers=headers)
        return OrjsonResponse({"detail": detail}, status_code=status, headers=headers)

    @app.exception_handler(Exception)
    async def _internal_error(_request: Request, _exc: Exception) -> Response:
        # The traceback goes to the server's log (uvicorn logs the exception after this
        # answer is sent), never into the answer.
        return OrjsonResponse({"detail": {
            "code": "internal_error",
            "message": "服务器内部错误，请稍后再试；如果一再出现，请联系县里的管理员"}}, status_code=500)

    @app.get("/health", response_model=None, responses=ok(HealthAnswer, "服务器在运行"))
    def health() -> dict:
        return {"status": "ok", "version": workteam_desktop.__version__, "protocol": PROTOCOL,
                "database": store.dialect, "now": now_ms()}

    def granted(grant: auth.Grant) -> dict:
        answer = grant.as_json()
        answer["user"] = user_json(store, grant.account)
        return answer

    @app.post("/api/v1/auth/login", response_model=None, responses={
        **ok(GrantAnswer, "登录成功：访问令牌、刷新令牌和账号"), **errors(401),
        **errors(described={409: "设备编号正由另一台电脑上的登录使用：device_taken"}), **RETRY_LATER})
    async def login(body: LoginBody, request: Request) -> dict:
        """Check a password. The checks running per address are counted here, on the
        event loop, so a flood from one address is refused without taking a thread; the
        throttle, the argon2 check and the database run in the thread pool."""
        address = auth.client_address(request.client.host if request.client else None)
        try:
            with auth.LOGIN_GATE.admit(address):
                return await run_in_threadpool(lambda: granted(auth.login(
                    store, settings, body.username, body.password, body.device, address,
                    body.instance)))
        except auth.AuthError as e:
            raise auth_failed(e) from None

    @app.post("/api/v1/auth/refresh", response_model=None, responses={
        **ok(GrantAnswer, "新的令牌（旧的刷新令牌随之作废）"), **errors(401), **RETRY_LATER})
    def refresh(body: RefreshBody, request: Request) -> dict:
        address = auth.client_address(request.client.host if request.client else None)
        try:
            return granted(auth.refresh(store, settings, body.refresh_token, address))
        except auth.AuthError as e:
            raise auth_failed(e) from None

    @app.post("/api/v1/auth/logout", status_code=204, responses={
        204: {"description": "已退出（刷新令牌作废）"}, **RETRY_LATER})
    def logout(body: RefreshBody, request: Request) -> Response:
        address = auth.client_address(request.client.host if request.client else None)
        auth.logout(store, body.refresh_token, address)
        return Response(status_code=204)

    @app.get("/api/v1/me", response_model=None, responses=ok(UserAnswer, "当前账号"))
    def me(user: Account) -> dict:
        return user_json(store, user)

    # ------------------------------------------------------------ county administration

    def administered(work: Any) -> Any:
        try:
            return work()
        except admin.AdminError as e:
            raise fail(e.status, e.code, e.message) from None

    @app.get("/api/v1/admin/teams", response_model=None, responses={
        **ok(list[TeamAnswer], "管辖范围内的工作队"), **errors(403)})
    def list_teams(user: Account) -> list:
        return [team_json(t) for t in administered(lambda: admin.list_teams(store, user))]

    @app.post("/api/v1/admin/teams", status_code=201, response_model=None, responses={
        **ok(TeamAnswer, "新建的工作队", 201), **errors(400, 403, 404, 409)})
    def add_team(body: TeamBody, user: Account) -> dict:
        return team_json(administered(lambda: admin.add_team(store, user, body.name, body.unit,
                                                             body.villages)))

    @app.patch("/api/v1/admin/teams/{name}", response_model=None, responses={
        **ok(TeamAnswer, "修改后的工作队"), **errors(400, 403, 404, 409)})
    def edit_team(name: str, body: TeamEdit, user: Account) -> dict:
        return team_json(administered(lambda: admin.set_team(
            store, user, name, village_codes=body.villages, unit=body.unit, rename=body.rename)))

    @app.get("/api/v1/admin/accounts", response_model=None, responses={
        **ok(list[AccountAnswer], "管辖范围内的账号及其笔记本"), **errors(403)})
    def list_accounts(user: Account) -> list:
        return [account_json(a) for a in administered(lambda: admin.list_accounts(store, user))]

    @app.post("/api/v1/admin/accounts", status_code=201, response_model=None, responses={
        **ok(AccountAnswer, "新建的账号", 201), **errors(400, 403, 404, 409)})
    def add_account(body: AccountBody, user: Account) -> dict:
        def work() -> admin.AccountView:
            admin.check_new_account(store, user, body.name, body.role, team=body.team,
                                    scopes=body.scopes)
            return admin.add_account(store, user, body.name, body.role,
                                     auth.hash_password(admin.checked_password(body.password)),
                                     team=body.team, scopes=body.scopes)
        return account_json(administered(work))

    @app.patch("/api/v1/admin/accounts/{name}", response_model=None, responses={
        **ok(AccountAnswer, "修改后的账号"), **errors(400, 403, 404, 409)})
    def edit_account(name: str, body: AccountEdit, user: Account) -> dict:
        def work() -> admin.AccountView:
            view = admin.account_view(store, user, name)
            if body.password is not None:
                admin.reset_password(store, user, name,
                                     auth.hash_password(admin.checked_password(body.password)))
            if body.team is not None:
                view = admin.set_account_team(store, user, name, body.team)
            if body.disabled is not None:
                view = admin.set_disabled(store, user, name, body.disabled)
            return view
        return account_json(administered(work))

    @app.post("/api/v1/changes/push", openapi_extra=push_body(MAX_BATCH), responses={
        **ok(PushAnswer, "已存储（一个事务）：每条变更一个结果"),
        **errors(described={413: "请求内容过大：body_too_large；一批超过 "
                                 f"{MAX_BATCH} 条变更：batch_too_large（都未存储）",
                            409: "本登录的设备编号由另一个账号的电脑使用：device_taken（都未存储）"})})
    async def push_changes(request: Request, user: Account) -> Response:
        """Store a batch of changes (one transaction); one result per change, in order."""
        raw = await request.body()  # the body limit holds while it is read

        def read_and_push() -> tuple[list[dict[str, str]], int, bool]:
            # Off the event loop: parsing and checking 8 MB of changes takes a while, and
            # other laptops' requests go on meanwhile.
            with PUSHING.held():
                changes, short = _push_changes(raw)
                results, end = push(store, user, changes, max_skew_ms=settings.max_skew_ms,
                                    plain=not entities.json_has_control(raw))
                return results, end, short

        try:
            results, end, short = await run_in_threadpool(read_and_push)
        except auth.AuthError as e:
            raise auth_failed(e) from None
        except TooDeep as e:
            raise fail(422, "bad_request", str(e)) from None
        # The server's clock at every sync: a laptop keeps its own clock within the bound.
        if short:
            # Only what was not accepted, with its place in the batch: a bulk push's answer
            # of 20,000 results is a few bytes instead of 460 KB (gzipped) over a village's link.
            listed = [dict(r, i=i) for i, r in enumerate(results) if r["status"] != "accepted"]
            return OrjsonResponse({"results": listed, "accepted": len(results) - len(listed),
                                   "cursor": end, "now": now_ms()})
        return OrjsonResponse({"results": results, "cursor": end, "now": now_ms()})

    @app.get("/api/v1/changes", responses=ok(PullAnswer, "一页变更（按服务器顺序）"))
    def pull(user: Account, after: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
             limit: Annotated[int, Query(ge=1, le=PULL_MAX)] = PULL_DEFAULT,
             pending: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
             own: bool = False) -> Response:
        """Changes in the user's scope after ``after``, in server order, at most ``limit``
        of them and about ``pull_page_mb`` of them (server.toml); ``cursor`` continues
        after the last one sent. A laptop's first pull of a sync says how many of its
        changes wait to be sent (``pending``): the accounts list shows it with the time.

        The changes this token's laptop pushed are left out (it holds them already; the
        cursor moves past them), unless ``own`` asks for them: a laptop rolled back to a
        backup takes back what it pushed after that backup."""
        if pending is not None:
            admin.record_device(store, user, user.device, pending=pending, cursor=after)
        rows, cursor, more = store.pull(user.scope, after, limit, settings.pull_page_bytes,
                                        skip_device=None if own else user.device)
        # The stored bodies are already JSON: splice them instead of parsing and dumping
        # every change again (most of a large page's cost).
        parts = [b'{"changes":[']
        parts.append(b",".join(b'{"seq":%d,%s' % (seq, body[1:].encode()) for seq, body in rows))
        parts.append(b'],"cursor":%d,"more":%s,"now":%d}'
                     % (cursor, b"true" if more else b"false", now_ms()))
        return Response(b"".join(parts), media_type="application/json")

    snapshots = home / snapshot.FOLDER

    @app.get("/api/v1/snapshot", response_model=None, responses=ok(
            SnapshotAnswer, "本账号管辖范围的快照（已有的仍够新就直接给出，否则现在生成，可能需要一些时间）"))
    def snapshot_info(user: Account, store_revision: Annotated[str | None, Query(
            alias="store", max_length=32,
            description="本机数据文件的格式版本：有同一版本的快照数据文件时一并给出")] = None) -> dict:
        """The snapshot a new laptop of the caller's scope loads instead of pulling the
        log from the start: reused while fewer than ``snapshot_stale_changes`` of the
        scope's changes came after it, else built now (minutes for a county: the request
        waits, in the thread pool). With ``store=<revision>``, also its store file when
        one of that schema revision was made."""
        made = snapshot.current(store, user.scope, snapshots, settings.snapshot_stale_changes,
                                settings.snapshot_store_rows)
        return made.as_json(store_revision)

    @app.get("/api/v1/snapshot/{sha256}", response_model=None, responses={
        200: {"description": "快照文件（gzip 压缩的 NDJSON，见 docs/sync-protocol.md）",
              "content": SNAPSHOT_FILE},
        206: {"description": "快照文件从 Range 所指的字节起的部分（断点续传）",
              "content": SNAPSHOT_FILE, "headers": {"Content-Range": {
                  "description": "bytes 起-止/总字节数", "schema": {"type": "string"}}}},
        **errors(described={404: "没有这个快照（已被更新的快照取代，或不属于您的管辖范围）：not_found",
                            416: "Range 的起点超出文件末尾：range_not_satisfiable"})})
    def snapshot_file(sha256: str, user: Account, range_header: Annotated[
            str | None, Header(alias="Range", description="bytes=N-：从第 N 个字节起（续传）")] = None,
            ) -> Response:
        """The snapshot's bytes, only to an account of the scope it was made for; a
        ``Range: bytes=N-`` (or ``N-M``) gives the rest from byte N, so a cut download
        resumes. The hash names the content, so no If-Range is needed."""
        found = snapshot.find(snapshots, user.scope, sha256) if is_sha256(sha256) else None
        try:
            f = found.open("rb") if found is not None else None
        except FileNotFoundError:  # replaced by a newer snapshot just now
            f = None
        if f is None:
            raise fail(404, "not_found", "没有这个快照（可能已被更新的快照取代），请重新获取快照信息")
        size = os.fstat(f.fileno()).st_size
        wanted = byte_range(range_header, size)
        if wanted is None:
            f.close()
            raise HTTPException(416, detail={"code": "range_not_satisfiable",
                                             "message": f"续传位置超出快照文件末尾（共 {size} 字节）"},
                                headers={"Content-Range": f"bytes */{size}"})
        start, stop, ranged = wanted
        headers = {"Content-Length": str(stop - start), "Accept-Ranges": "bytes",
                   "ETag": f'"{sha256}"'}
        status = 200
        if ranged:
            status = 206
            headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
        return StreamingResponse(read_span(f, start, stop), status_code=status,
                                 media_type="application/gzip", headers=headers)

    @app.post("/api/v1/attachments/missing", response_model=None, responses={
        **ok(MissingAnswer, "本账号的电脑应上传的附件（服务器上没有，或不是本管辖范围内上传的）")})
    def missing(body: MissingBody, user: Account) -> dict:
        """The hashes this caller's laptop should upload: all but those uploaded within the
        caller's whole scope (by itself or a teammate) and still stored. A file of another
        team is "missing" exactly like an absent one, so the answer tells nothing."""
        bad = [s for s in body.sha256 if not is_sha256(s)]
        if bad:
            raise fail(422, "bad_request", f"不是 SHA-256：{bad[0][:70]}")
        held = store.attachments_uploaded_for(body.sha256, user.scope)
        return {"missing": [s for s in body.sha256 if s not in held or not files.has(s)]}

    @app.put("/api/v1/attachments/{sha256}", status_code=201, openapi_extra=ATTACHMENT_BODY, responses={
        201: {"description": "已保存（无论服务器上原先是否已有这些内容）"},
        **errors(403, described={413: "附件过大：too_large；超出账号的附件配额：quota_exceeded；"
                                     "请求内容过大：body_too_large",
                                422: "附件名不是 SHA-256，或内容与名称不符（hash_mismatch）"})})
    async def upload(sha256: str, request: Request, user: Account) -> Response:
        if not is_sha256(sha256):
            raise fail(422, "bad_request", "附件名不是 SHA-256")
        if user.role not in ("member", "supervisor", "admin"):
            raise fail(403, "read_only", "您不能上传附件")
        if not user.scope.prefixes:
            # Stored as "" such a record would mean everywhere (an admin's upload).
            raise fail(403, "out_of_scope", "您没有管辖范围，不能上传附件")
        length = request.headers.get("content-length", "")
        try:
            await accept_upload(store, files, user, sha256, request.stream(), settings,
                                declared_size=int(length) if length.isdigit() else None,
                                address=request.client.host if request.client else "")
        except AttachmentError as e:
            raise fail(e.status, e.code, e.message) from None
        # 201 whether or not the bytes were stored before: the status must not tell.
        return Response(status_code=201)

    @app.get("/api/v1/attachments/{sha256}", responses={
        200: {"description": "附件内容", "content": {"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"}}}},
        **errors(described={404: "服务器上没有这个附件，或它所属的记录不在您的管辖范围内"
                                      "（两者回答相同）：not_found"})})
    def download(sha256: str, user: Account) -> Response:
        """The bytes, when a row of the caller's scope points at them and someone whose
        scope holds that row uploaded them; otherwise the one "not found" answer."""
        if not (is_sha256(sha256) and store.attachment_readable(sha256, user.scope)
                and files.has(sha256)):
            raise fail(404, "not_found", NOT_FOUND)
        return FileResponse(files.path(sha256), media_type="application/octet-stream")

    @app.get("/api/v1/forms", response_model=None, responses=ok(list[FormInfo], "服务器提供的表单版本"))
    def forms(_user: Account) -> list:
        return [{"form_id": f.form_id, "version": f.version, "sha256": f.sha256}
                for f in sorted(available_forms(home).values(), key=lambda f: (f.form_id, f.version))]

    @app.get("/api/v1/forms/{form_id}/{version}", responses={
        200: {"description": "表单定义（与 forms/ 中的文件相同）", "content": {"application/json": {
            "schema": {"type": "object"}}}},
        **errors(described={404: "服务器上没有这个表单版本：not_found"})})
    def form(form_id: str, version: int, _user: Account) -> Response:
        found = available_forms(home).get((form_id, version))
        if found is None:
            raise fail(404, "not_found", f"服务器上没有表单“{form_id}”第 {version} 版")
        return Response(found.path.read_bytes(), media_type="application/json")

    return app


def app_from_env() -> FastAPI:
    """The application uvicorn's workers build (``workteam-server serve`` sets the env)."""
    return create_app(Path(os.environ["WORKTEAM_SERVER_HOME"]), os.environ.get("WORKTEAM_SERVER_DB") or None)
