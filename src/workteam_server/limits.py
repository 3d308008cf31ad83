"""Limits that hold for every request, before any route sees it.

- :class:`BodyLimit`, an ASGI middleware: a request body is counted while it is read, and
  the request is answered 413 ``body_too_large`` as soon as the count passes the limit (or
  at once, unread, when its ``Content-Length`` says it will), so a 50 MB body costs the
  server a few kilobytes of buffer, never 50 MB of memory and a parse.
- :class:`LiteralPaths`, an ASGI middleware: a path that is a resource of its own
  (``/api/v1/attachments/missing``) answers 405 to the methods it does not take, though a
  path with a parameter (``/api/v1/attachments/{sha256}``) would match it too.
- :func:`too_deep`: whether a parsed JSON value nests deeper than a bound (the push route
  refuses such a body with 422 ``bad_request``: orjson reads 1,024 levels but writes fewer,
  and nothing in the protocol nests more than a handful).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MB = 1024 * 1024
MAX_DEPTH = 64  # nesting levels of a JSON body: objects and arrays inside each other


def body_too_large_detail(limit: int) -> dict[str, str]:
    """The error detail of a body over ``limit`` bytes."""
    return {"code": "body_too_large",
            "message": f"请求内容过大：超过服务器的上限 {limit / MB:g} MB"}


class BodyTooLarge(HTTPException):
    """A request body passed its limit while it was read (raised from ``receive``, so the
    route's own error handling turns it into the 413 answer)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=body_too_large_detail(limit))


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit_for(scope)`` bytes with 413.

    A declared ``Content-Length`` over the limit is answered before the application is
    called (the body is never read into memory; the server discards it as it arrives).
    Otherwise (chunked bodies, or a length that lies) the bytes are counted as the
    application receives them and :class:`BodyTooLarge` is raised from ``receive`` at the
    first chunk past the limit.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[Scope], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application with a counting ``receive``."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        if _declared_length(scope) > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            # Normally the routes' exception handling has answered already; this is for a
            # reader outside it (a middleware). After a started answer nothing can be said.
            if started:
                raise
            await _refuse(send, limit)


def _declared_length(scope: Scope) -> int:
    """The request's ``Content-Length`` (0 when absent or not a number)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _refuse(send: Send, limit: int) -> None:
    """Answer 413 ``body_too_large`` (the protocol's error shape)."""
    body = orjson.dumps({"detail": body_too_large_detail(limit)})
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def method_not_allowed_detail(method: str, allowed: str) -> dict[str, str]:
    """The error detail of a method the path does not take (``allowed``: the Allow header)."""
    return {"code": "method_not_allowed", "message": f"此地址不支持 {method} 请求（支持：{allowed}）"}


class LiteralPaths:
    """ASGI middleware: 405 for a method that none of the routes of a parameterless path
    take, before a parameterised route can claim the request. ``routes`` gives the
    application's routes (read once, at the first request, when all are declared)."""

    def __init__(self, app: ASGIApp, routes: Callable[[], Iterable[BaseRoute]]) -> None:
        self.app = app
        self.routes = routes
        self.methods: dict[str, set[str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 405 for a literal path's unknown method; pass everything else on."""
        if scope["type"] == "http":
            if self.methods is None:
                self.methods = {}
                for route in self.routes():
                    path, methods = getattr(route, "path", None), getattr(route, "methods", None)
                    if path and methods and "{" not in path:
                        self.methods.setdefault(path, set()).update(methods)
            allowed = self.methods.get(scope["path"])
            if allowed and scope["method"] not in allowed:
                header = ", ".join(sorted(allowed))
                body = orjson.dumps({"detail": method_not_allowed_detail(scope["method"], header)})
                await send({"type": "http.response.start", "status": 405,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode()),
                                        (b"allow", header.encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` (parsed JSON) nests objects and arrays more than ``limit`` levels
    deep (the value itself is level 1). Walks iteratively: no recursion limit to hit. (A
    push walks only what its per-change check left unjudged: ``push.too_deep_batch``.)"""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False
