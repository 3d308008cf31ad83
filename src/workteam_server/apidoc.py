"""The OpenAPI description of workteam-server: the answers' shapes and every error status.

The routes return plain dicts (or pre-built JSON) for speed; the models here only document
what they send (``responses=`` on each route). :func:`errors` gives a route's own error
statuses; :func:`complete_openapi` adds what every route can answer (405 with ``Allow``,
413, 422, 500, and 401 where a bearer token is required), all in the one error shape
``{"detail": {"code", "message"}}``. tests/server/test_server_openapi.py holds the server
to this document with schemathesis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

# ------------------------------------------------------------------ errors


class ErrorDetail(BaseModel):
    """What went wrong: a machine code and one Chinese line to show as it is."""

    code: str = Field(description="机器可读的错误代码，如 bad_request、not_found、token_expired")
    message: str = Field(description="一行中文说明，客户端原样显示")


class ErrorAnswer(BaseModel):
    """Every error answer of the server."""

    detail: ErrorDetail


# What each status means on this server (the codes that come with it).
STATUS_TEXT: dict[int, str] = {
    400: "请求格式正确，但被业务规则拒绝（代码见说明，如 bad_name、unknown_village、weak_password）",
    401: "未登录或登录已失效：token_missing、token_invalid、token_expired、token_revoked、"
         "user_disabled（登录与刷新：bad_credentials、refresh_revoked）",
    403: "无权这样做：forbidden、read_only、out_of_scope",
    404: "没有这个对象：not_found、unknown_team、unknown_user",
    405: "此地址不支持该请求方法：method_not_allowed（Allow 头列出支持的方法）",
    409: "与已有数据冲突：team_exists、user_exists",
    413: "请求内容过大：body_too_large（推送：batch_too_large）",
    422: "请求格式不正确：bad_request（JSON 无法解析、缺少字段、类型不对、嵌套过深）",
    429: "请求过于频繁（如连续登录失败），请稍后再试",
    500: "服务器内部错误：internal_error（详情只在服务器日志中）",
}


def _error_response(status: int, description: str | None = None) -> dict[str, Any]:
    return {"model": ErrorAnswer, "description": description or STATUS_TEXT[status]}


def errors(*statuses: int, described: dict[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for a route's own error statuses; ``described`` replaces the
    general description of a status with the route's own."""
    described = described or {}
    return {s: _error_response(s, described.get(s)) for s in (*statuses, *described)}


def ok(model: Any, description: str, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """A ``responses=`` entry for a route's success answer."""
    return {status: {"model": model, "description": description}}


# ------------------------------------------------------------------ answers


class Open(BaseModel):
    """Answers may gain fields in later versions: clients ignore what they do not know."""

    model_config = ConfigDict(extra="allow")


class HealthAnswer(Open):
    status: Literal["ok"]
    version: str
    protocol: int
    database: Literal["sqlite", "postgresql"]
    now: int | None = Field(None, description="服务器时钟（Unix 毫秒）")


class Village(Open):
    code: str
    name: str


class TeamAnswer(Open):
    id: str
    name: str
    unit: str
    villages: list[Village]


class UserAnswer(Open):
    name: str
    role: str
    scopes: list[str]
    team: TeamAnswer | None = None


class GrantAnswer(Open):
    access_token: str
    refresh_token: str
    expires_in: int = Field(description="访问令牌的有效秒数")
    user: UserAnswer


class DeviceAnswer(Open):
    device: str
    first_seen: str | None = Field(description="UTC，ISO 8601，以 Z 结尾")
    last_sync: str | None
    pending: int | None


class AccountAnswer(Open):
    name: str
    role: str
    scopes: list[str]
    disabled: bool
    team: str | None
    devices: list[DeviceAnswer]


class PushResult(Open):
    id: str
    status: Literal["accepted", "duplicate", "rejected"]
    code: str | None = Field(None, description="拒绝代码（仅 rejected）")
    reason: str | None = Field(None, description="拒绝原因，一行中文（仅 rejected）")
    i: int | None = Field(None, description="在本批中的位置，从 0 起（仅简短回答）")


class PushAnswer(Open):
    results: list[PushResult] = Field(
        description="每条变更一个结果，顺序与发送的相同；简短回答（请求中 answer 为 short）"
                    "只列出未被接收（accepted）的变更，各带位置 i")
    accepted: int | None = Field(None, description="被接收的变更数（仅简短回答）")
    cursor: int = Field(description="推送后服务器日志的末尾（仅供参考，不是拉取游标）")
    now: int | None = Field(None, description="服务器时钟（Unix 毫秒）")


class PulledChange(Open):
    seq: int
    id: str
    entity: str
    row_id: str
    fields: dict[str, Any]
    hlc: str


class PullAnswer(Open):
    changes: list[PulledChange]
    cursor: int = Field(description="下一页从这里继续（after=cursor）")
    more: bool
    now: int | None = Field(None, description="服务器时钟（Unix 毫秒）")


class SnapshotStoreFile(Open):
    revision: str = Field(description="数据文件的格式版本（桌面程序的数据库迁移版本）")
    sha256: str = Field(description="数据文件（gzip 压缩的 SQLite 文件）的 SHA-256：下载地址中的名称")
    bytes: int = Field(description="数据文件的字节数（压缩后）")


class SnapshotAnswer(Open):
    position: int = Field(description="快照包含到此序号为止的变更；之后从这里拉取（after=position）")
    sha256: str = Field(description="快照文件的 SHA-256（下载地址中的名称，下载后据此校验）")
    bytes: int = Field(description="快照文件的字节数（gzip 压缩的 NDJSON）")
    rows: int = Field(description="文件中的记录行数")
    changes: int = Field(description="记录行之后的原始变更数（尚不能成行的记录）")
    store: SnapshotStoreFile | None = Field(
        None, description="同一快照的数据文件（请求的 store 与其格式版本相同时才给出）：本机复制其中的表")


# The snapshot download: the file's bytes, whole (200) or from a byte on (206).
SNAPSHOT_FILE = {"application/gzip": {"schema": {"type": "string", "format": "binary"}}}


class MissingAnswer(Open):
    missing: list[str]


class FormInfo(Open):
    form_id: str
    version: int
    sha256: str


def push_body(max_batch: int) -> dict[str, Any]:
    """The push route's request body (read by the route itself, not by a model)."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["changes"],
        "properties": {
            "device": {"type": "string", "description": "笔记本的设备号（可省略）"},
            "answer": {"type": "string", "enum": ["short", "full"],
                       "description": "short：回答只列出未被接收的变更；full 或省略：逐条回答"},
            "changes": {
                "type": "array", "maxItems": max_batch,
                "description": f"变更（最多 {max_batch} 条，超过答 413 batch_too_large）："
                               "{id, entity, row_id, fields, base, hlc, device, user}；"
                               "格式不对的单条变更逐条以 rejected/bad_change 回答，不影响整批",
                "items": {}}}}}}}}


# The upload's body: the file's bytes, whose SHA-256 must be the name in the path.
ATTACHMENT_BODY = {"requestBody": {"required": True, "content": {"application/octet-stream": {
    "schema": {"type": "string", "format": "binary",
               "description": "附件内容；其 SHA-256 须与地址中的名称相同，否则答 422 hash_mismatch"}}}}}


# ------------------------------------------------------------------ every route

SHA256_PATTERN = "^[0-9a-f]{64}$"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def complete_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` describe what every route can answer besides its own
    statuses: 405 (with ``Allow``), 413, 422 and 500 everywhere, 401 where a bearer token
    is required; FastAPI's validation-error schema is replaced by the one error shape."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        _complete(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _complete(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    answer = ErrorAnswer.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in answer.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components.setdefault("ErrorAnswer", answer)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorAnswer"}}}

    def response(status: int) -> dict[str, Any]:
        return {"description": STATUS_TEXT[status], "content": error}

    # Attachments are named by their content's SHA-256 in lower-case hex; the routes check
    # the names themselves (422 bad_request, or 404 for a download), the document says so.
    missing = components.get("MissingBody", {}).get("properties", {}).get("sha256", {})
    if isinstance(missing.get("items"), dict):
        missing["items"]["pattern"] = SHA256_PATTERN
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "sha256" and parameter.get("in") == "path":
                    parameter["schema"]["pattern"] = SHA256_PATTERN
            responses = operation.setdefault("responses", {})
            responses["422"] = response(422)
            responses.setdefault("413", response(413))
            responses.setdefault("500", response(500))
            responses["405"] = dict(response(405), headers={"Allow": {
                "description": "此地址支持的请求方法，如 GET, POST", "schema": {"type": "string"}}})
            if operation.get("security"):
                responses.setdefault("401", response(401))
    text = repr(schema["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"/{unused}'" not in text:
            components.pop(unused, None)
