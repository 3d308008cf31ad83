"""The HTTP routes of workteam-server (docs/sync-protocol.md).

Every error answers ``{"detail": {"code": …, "message": <one Chinese line>}}``. Database work
runs in FastAPI's thread pool (plain ``def`` routes or ``run_in_threadpool``), so a slow
query never stalls the event loop.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel

import workteam_desktop

from . import auth
from .attachments import AttachmentError, AttachmentFiles, is_sha256
from .forms import available_forms
from .push import MAX_BATCH, push
from .scope import Scope
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


class LoginBody(BaseModel):
    username: str
    password: str
    device: str = ""


class RefreshBody(BaseModel):
    refresh_token: str


class MissingBody(BaseModel):
    sha256: list[str]


def current_account(request: Request,
                    authorization: Annotated[str | None, Header()] = None) -> AccountInfo:
    """The account of the request's bearer token (401 with the reason otherwise)."""
    if not authorization or not authorization.startswith("Bearer "):
        raise fail(401, "token_missing", "请先登录")
    try:
        return auth.authenticate(request.app.state.store, authorization[7:].strip())
    except auth.AuthError as e:
        raise fail(401, e.code, e.message) from None


Account = Annotated[AccountInfo, Depends(current_account)]


def create_app(home: Path, db_url: str | None = None) -> FastAPI:
    """The application for a server home and database (SQLite in the home by default)."""
    home.mkdir(parents=True, exist_ok=True)
    store = ServerStore.open(db_url or sqlite_url(home), pool_size=20)
    files = AttachmentFiles(home / "attachments")
    app = FastAPI(title="workteam-server", version=workteam_desktop.__version__,
                  default_response_class=OrjsonResponse,
                  description="驻村工作队数据同步服务（docs/sync-protocol.md）")
    # Level 5: nearly the size of level 9 at a fraction of the CPU (pull pages are large).
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)
    app.state.store = store

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> Response:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) if exc.errors() else ""
        return OrjsonResponse({"detail": {"code": "bad_request",
                                          "message": f"请求格式不正确（{where}）"}}, status_code=422)


    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "version": workteam_desktop.__version__, "protocol": PROTOCOL,
                "database": store.dialect}

    @app.post("/api/v1/auth/login")
    def login(body: LoginBody) -> dict:
        try:
            return auth.login(store, body.username, body.password, body.device).as_json()
        except auth.AuthError as e:
            raise fail(401, e.code, e.message) from None

    @app.post("/api/v1/auth/refresh")
    def refresh(body: RefreshBody) -> dict:
        try:
            return auth.refresh(store, body.refresh_token).as_json()
        except auth.AuthError as e:
            raise fail(401, e.code, e.message) from None

    @app.post("/api/v1/auth/logout", status_code=204)
    def logout(body: RefreshBody) -> Response:
        store.revoke_token(auth.token_hash(body.refresh_token))
        return Response(status_code=204)

    @app.get("/api/v1/me")
    def me(user: Account) -> dict:
        return {"name": user.name, "role": user.role, "scopes": list(user.scopes)}

    @app.post("/api/v1/changes/push", openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object", "properties": {
            "device": {"type": "string"},
            "changes": {"type": "array", "maxItems": MAX_BATCH, "items": {"type": "object"}}}}}}}})
    async def push_changes(request: Request, user: Account) -> Response:
        """Store a batch of changes (one transaction); one result per change, in order."""
        try:
            body = orjson.loads(await request.body())
            changes = body["changes"]
            if not isinstance(changes, list):
                raise TypeError
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise fail(422, "bad_request", "请求格式不正确（应为 {\"changes\": [...]}）") from None
        if len(changes) > MAX_BATCH:
            raise fail(413, "batch_too_large", f"一批最多 {MAX_BATCH} 条变更")
        results, end = await run_in_threadpool(push, store, user, changes)
        return OrjsonResponse({"results": results, "cursor": end})

    @app.get("/api/v1/changes")
    def pull(user: Account, after: Annotated[int, Query(ge=0)] = 0,
             limit: Annotated[int, Query(ge=1, le=PULL_MAX)] = PULL_DEFAULT) -> Response:
        """Changes in the user's scope after ``after``, in server order."""
        rows, cursor, more = store.pull(user.scope, after, limit)
        # The stored bodies are already JSON: splice them instead of parsing and dumping
        # every change again (most of a large page's cost).
        parts = [b'{"changes":[']
        parts.append(b",".join(b'{"seq":%d,%s' % (seq, body[1:].encode()) for seq, body in rows))
        parts.append(b'],"cursor":%d,"more":%s}' % (cursor, b"true" if more else b"false"))
        return Response(b"".join(parts), media_type="application/json")

    @app.post("/api/v1/attachments/missing")
    def missing(body: MissingBody, _user: Account) -> dict:
        bad = [s for s in body.sha256 if not is_sha256(s)]
        if bad:
            raise fail(422, "bad_request", f"不是 SHA-256：{bad[0][:70]}")
        return {"missing": [s for s in body.sha256 if not files.has(s)]}

    @app.put("/api/v1/attachments/{sha256}", status_code=201)
    async def upload(sha256: str, request: Request, user: Account) -> Response:
        if not is_sha256(sha256):
            raise fail(422, "bad_request", "附件名不是 SHA-256")
        if user.role not in ("member", "supervisor", "admin"):
            raise fail(403, "read_only", "您不能上传附件")
        try:
            created = await files.save(sha256, request.stream())
        except AttachmentError as e:
            raise fail(e.status, e.code, e.message) from None
        return Response(status_code=201 if created else 200)

    @app.get("/api/v1/attachments/{sha256}")
    def download(sha256: str, user: Account) -> Response:
        if not is_sha256(sha256) or not files.has(sha256):
            raise fail(404, "not_found", "服务器上没有这个附件")
        scope: Scope = user.scope
        if not scope.everything and not any(scope.can_read(c) for c in store.attachment_areas(sha256)):
            raise fail(403, "out_of_scope", "该附件所属的记录不在您的管辖范围内")
        return FileResponse(files.path(sha256), media_type="application/octet-stream")

    @app.get("/api/v1/forms")
    def forms(_user: Account) -> list:
        return [{"form_id": f.form_id, "version": f.version, "sha256": f.sha256}
                for f in sorted(available_forms(home).values(), key=lambda f: (f.form_id, f.version))]

    @app.get("/api/v1/forms/{form_id}/{version}")
    def form(form_id: str, version: int, _user: Account) -> Response:
        found = available_forms(home).get((form_id, version))
        if found is None:
            raise fail(404, "not_found", f"服务器上没有表单“{form_id}”第 {version} 版")
        return Response(found.path.read_bytes(), media_type="application/json")

    return app


def app_from_env() -> FastAPI:
    """The application uvicorn's workers build (``workteam-server serve`` sets the env)."""
    return create_app(Path(os.environ["WORKTEAM_SERVER_HOME"]), os.environ.get("WORKTEAM_SERVER_DB") or None)
