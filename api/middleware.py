"""Request guards: oversized headers get 431 (before routing), oversized small-JSON bodies 413 (per route);
and the hardening headers every response carries.

`gobang serve` also bounds headers inside the HTTP parser (h11, see `cli.service`); these checks
apply however the app is served, and answer with a problem document instead of a bare 400.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import GobangError

MAX_HEADER_BYTES = 32 * 1024
"""All request headers together; browsers and proxies stay well below (nginx allows 4 x 8 KiB by default)."""
MAX_HEADER_COUNT = 100


class HeaderLimits:
    """Pure ASGI middleware: 431 (Request Header Fields Too Large) as problem+json."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_HEADER_BYTES, max_count: int = MAX_HEADER_COUNT) -> None:
        self.app, self.max_bytes, self.max_count = app, max_bytes, max_count

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = scope.get("headers") or []
            size = sum(len(name) + len(value) + 4 for name, value in headers)
            if len(headers) > self.max_count or size > self.max_bytes:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1009})
                    return
                await _headers_too_large(send, len(headers), size)
                return
        await self.app(scope, receive, send)


async def _headers_too_large(send: Send, count: int, size: int) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Tiêu đề yêu cầu quá lớn",
            "status": 431,
            "detail": f"tiêu đề HTTP quá lớn ({count} trường, {size} byte) (request header fields too large)",
        },
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 431,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


HARDENING_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
"""Sent on every response unless the route set its own: no MIME sniffing (a JSON answer quoting a client's text
is never run as HTML), no framing, no URLs with ids leaking to other sites, no embedding by other origins."""


class HardeningHeaders:
    """Pure ASGI middleware adding `HARDENING_HEADERS` to every HTTP response, errors and refusals included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in HARDENING_HEADERS if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_hardened)


class BodyTooLargeError(GobangError):
    http_status = 413
    title = "Dữ liệu gửi lên quá lớn"


class SmallBodyRoute(APIRoute):
    """Route class for endpoints taking small JSON (logins, admin forms): the body is read up to
    `max_body_bytes` and refused (413 problem) past it, declared or streamed, before parsing.

    FastAPI's own per-route `max_body_size` answers a declared oversize in plain text, and the
    app-wide limit (`api.limits`) is sized for recordings, gigabytes."""

    max_body_bytes = 64 * 1024

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        limit = self.max_body_bytes

        async def limited(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _body_too_large(limit)
            body = bytearray()
            try:
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > limit:
                        raise _body_too_large(limit)
            except ClientDisconnect:  # nobody is left to answer
                return Response(status_code=400)
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": bytes(body), "more_body": False}
                return await request.receive()

            return await handler(Request(request.scope, replay))

        return limited


def _body_too_large(limit: int) -> BodyTooLargeError:
    return BodyTooLargeError(f"dữ liệu gửi lên vượt {limit // 1024} KiB (request body too large)")
