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

from . import admin, auth, directory
from .attachments import AttachmentError, AttachmentFiles, is_sha256
from .forms import available_forms
from .push import MAX_BATCH, push
from .scope import Scope
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


class LoginBody(BaseModel):
    username: str
    password: str
    device: str = ""


class RefreshBody(BaseModel):
    refresh_token: str


class MissingBody(BaseModel):
    sha256: list[str]


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
    disabled: bool | None = None
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


def create_app(home: Path, db_url: str | None = None,
               settings: ServerSettings | None = None) -> FastAPI:
    """The application for a server home and database (SQLite in the home by default);
    settings from the home's ``server.toml`` unless given."""
    home.mkdir(parents=True, exist_ok=True)
    settings = settings or load_settings(home)
    store = ServerStore.open(db_url or sqlite_url(home), pool_size=20)
    files = AttachmentFiles(home / "attachments")
    app = FastAPI(title="workteam-server", version=workteam_desktop.__version__,
                  default_response_class=OrjsonResponse,
                  description="驻村工作队数据同步服务（docs/sync-protocol.md）")
    # Level 5: nearly the size of level 9 at a fraction of the CPU (pull pages are large).
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)
    app.state.store = store
    app.state.settings = settings

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> Response:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) if exc.errors() else ""
        return OrjsonResponse({"detail": {"code": "bad_request",
                                          "message": f"请求格式不正确（{where}）"}}, status_code=422)


    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "version": workteam_desktop.__version__, "protocol": PROTOCOL,
                "database": store.dialect}

    def granted(grant: auth.Grant) -> dict:
        answer = grant.as_json()
        answer["user"] = user_json(store, grant.account)
        return answer

    @app.post("/api/v1/auth/login")
    def login(body: LoginBody) -> dict:
        try:
            return granted(auth.login(store, body.username, body.password, body.device))
        except auth.AuthError as e:
            raise fail(401, e.code, e.message) from None

    @app.post("/api/v1/auth/refresh")
    def refresh(body: RefreshBody) -> dict:
        try:
            return granted(auth.refresh(store, body.refresh_token))
        except auth.AuthError as e:
            raise fail(401, e.code, e.message) from None

    @app.post("/api/v1/auth/logout", status_code=204)
    def logout(body: RefreshBody) -> Response:
        store.revoke_token(auth.token_hash(body.refresh_token))
        return Response(status_code=204)

    @app.get("/api/v1/me")
    def me(user: Account) -> dict:
        return user_json(store, user)

    # ------------------------------------------------------------ county administration

    def administered(work: Any) -> Any:
        try:
            return work()
        except admin.AdminError as e:
            raise fail(e.status, e.code, e.message) from None

    @app.get("/api/v1/admin/teams")
    def list_teams(user: Account) -> list:
        return [team_json(t) for t in administered(lambda: admin.list_teams(store, user))]

    @app.post("/api/v1/admin/teams", status_code=201)
    def add_team(body: TeamBody, user: Account) -> dict:
        return team_json(administered(lambda: admin.add_team(store, user, body.name, body.unit,
                                                             body.villages)))

    @app.patch("/api/v1/admin/teams/{name}")
    def edit_team(name: str, body: TeamEdit, user: Account) -> dict:
        return team_json(administered(lambda: admin.set_team(
            store, user, name, village_codes=body.villages, unit=body.unit, rename=body.rename)))

    @app.get("/api/v1/admin/accounts")
    def list_accounts(user: Account) -> list:
        return [account_json(a) for a in administered(lambda: admin.list_accounts(store, user))]

    @app.post("/api/v1/admin/accounts", status_code=201)
    def add_account(body: AccountBody, user: Account) -> dict:
        def work() -> admin.AccountView:
            admin.check_new_account(store, user, body.name, body.role, team=body.team,
                                    scopes=body.scopes)
            return admin.add_account(store, user, body.name, body.role,
                                     auth.hash_password(admin.checked_password(body.password)),
                                     team=body.team, scopes=body.scopes)
        return account_json(administered(work))

    @app.patch("/api/v1/admin/accounts/{name}")
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
             limit: Annotated[int, Query(ge=1, le=PULL_MAX)] = PULL_DEFAULT,
             pending: Annotated[int | None, Query(ge=0)] = None) -> Response:
        """Changes in the user's scope after ``after``, in server order. A laptop's first
        pull of a sync says how many of its changes wait to be sent (``pending``): the
        accounts list shows it with the time."""
        if pending is not None:
            admin.record_device(store, user, user.device, pending=pending, cursor=after)
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
