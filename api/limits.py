"""Request bodies: a limit per route, the caller checked before an upload's first byte is read, uploads capped.

FastAPI reads and parses a request's body before it resolves any dependency, authentication
included: without this guard an anonymous 512 MiB multipart was spooled to disk, and a 400 MiB
JSON parsed in memory, before the 401. So, as pure ASGI middleware, before the app sees a byte:

- every route has a body limit (`BodyRules`): small JSON by default, documents (transcripts,
  minutes) larger, an utterance for voice login, OpenAI's limit for its endpoint, `max_upload_mb`
  for recordings; a declared oversize is refused unread, a streamed one the moment it passes;
- on routes that take large bodies the credentials, role and scope are checked first (`api.deps.authenticate`,
  the route's `api.access.Allow`), and the principal is left in the request's state, so the route's
  dependency does not look it up again;
- at most `max_concurrent_uploads` recording uploads are received at once (503 + Retry-After after that);
- an upload whose declared size would not leave `min_free_mb` free in `home` is refused (507), unread.

Refusals are problem documents with `Connection: close`, since the body stays unread.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, State
from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import (
    CSRF_HEADER,
    EARLY_PRINCIPAL,
    MAY_EDIT_TRANSCRIPTS,
    MAY_TRANSCRIBE_NOW,
    MAY_UPLOAD,
    SESSION_COOKIE,
    Allow,
    KeyCache,
    Principal,
    authenticate_alone,
)
from api.problems import error_response, problem
from api.security import SessionTokens
from core.errors import GobangError
from core.files import ensure_free_space
from core.settings import Settings

KiB, MiB = 1 << 10, 1 << 20
FRAMING = 1 * MiB
"""Multipart framing and form fields around the largest file a route accepts."""
UPLOAD_BUSY_RETRY_S = 5


@dataclass(frozen=True)
class BodyRule:
    """The body a route may receive, and whether its caller must be known before any of it is read."""

    methods: frozenset[str]
    path: re.Pattern[str]
    max_bytes: int
    authenticate: bool = True
    """False only for the public routes (logins): there is nobody to check yet."""
    upload: bool = False
    """Counts toward `max_concurrent_uploads`."""
    copies: int = 1
    """Copies of the body on disk at once (a multipart file is spooled, then staged): checked against free space."""
    may: Allow | None = None
    """The route's role and scope check, also made before the body (a viewer's 4 GiB upload is refused unread)."""


def body_rules(settings: Settings) -> list[BodyRule]:
    """The routes that may receive more than `settings.max_body_kb`; every other route gets that limit."""

    def rule(methods: str, path: str, max_bytes: int, **flags: Any) -> BodyRule:
        return BodyRule(frozenset(methods.split()), re.compile(f"^{path}$"), max_bytes, **flags)

    recording = settings.max_upload_mb * MiB
    document = settings.max_document_mb * MiB
    utterance = settings.max_utterance_mb * MiB
    openai = settings.openai.max_upload_mb * MiB
    return [
        rule("POST", "/recordings", recording + FRAMING, upload=True, copies=2, may=MAY_UPLOAD),
        rule("PUT PATCH", "/uploads/[^/]+", recording, upload=True, may=MAY_UPLOAD),
        rule("POST", "/v1/audio/transcriptions", openai + FRAMING, upload=True, copies=2, may=MAY_TRANSCRIBE_NOW),
        rule("PUT", "/recordings/[^/]+/(transcript|minutes)", document, may=MAY_EDIT_TRANSCRIPTS),
        rule("POST", "/auth/voice/login", utterance + FRAMING, authenticate=False),
        rule("POST", "/auth/voice/enrol", 5 * utterance + FRAMING),
    ]


def _refusal(status: int, title: str, detail: str, path: str, headers: dict[str, str] | None = None) -> ASGIApp:
    response = problem(status, title, detail, instance=path)
    response.headers.update(headers or {})
    response.headers["Connection"] = "close"
    return response


def _too_large(max_bytes: int) -> str:
    size = f"{max_bytes // MiB} MiB" if max_bytes >= MiB else f"{max_bytes // KiB} KiB"
    return f"dữ liệu gửi lên vượt giới hạn {size} của địa chỉ này (request body too large)"


class BodyLimit:
    """Pure ASGI middleware: per-route body limits, authentication before large bodies, a cap on uploads."""

    def __init__(self, app: ASGIApp, *, settings: Settings, tokens: SessionTokens, keys: KeyCache | None) -> None:
        self.app, self.settings, self.tokens, self.keys = app, settings, tokens, keys
        self.rules = body_rules(settings)
        self.default_max = settings.max_body_kb * KiB
        self.uploads_in_flight = 0

    def _rule(self, method: str, path: str) -> BodyRule | None:
        return next((r for r in self.rules if method in r.methods and r.path.match(path)), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        rule = self._rule(scope["method"], path)
        max_bytes = rule.max_bytes if rule is not None else self.default_max
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            await _refusal(413, "Dữ liệu gửi lên quá lớn", _too_large(max_bytes), path)(scope, receive, send)
            return
        has_body = declared not in ("", "0") or "transfer-encoding" in headers
        if rule is not None and rule.authenticate and has_body:
            try:
                principal = await run_in_threadpool(self._authenticate, scope["method"], headers)
                if rule.may is not None:
                    await rule.may(principal)
                if rule.upload and declared.isdigit():
                    needed = int(declared) * rule.copies
                    ensure_free_space(self.settings.home, needed, reserve=self.settings.min_free_mb * MiB)
            except GobangError as exc:
                response = error_response(exc, path)
                response.headers["Connection"] = "close"
                await response(scope, receive, send)
                return
            scope.setdefault("state", {})[EARLY_PRINCIPAL] = principal
        limited = _limited(receive, max_bytes)
        if rule is None or not rule.upload:
            await self.app(scope, limited, send)
            return
        if self.uploads_in_flight >= self.settings.max_concurrent_uploads:
            busy = _refusal(
                503,
                "Máy chủ đang bận nhận tệp",
                f"đang nhận {self.uploads_in_flight} tệp cùng lúc, tối đa {self.settings.max_concurrent_uploads}; "
                f"hãy thử lại sau {UPLOAD_BUSY_RETRY_S} giây (too many uploads at once)",
                path,
                {"Retry-After": str(UPLOAD_BUSY_RETRY_S)},
            )
            await busy(scope, receive, send)
            return
        self.uploads_in_flight += 1
        try:
            await self.app(scope, limited, send)
        finally:
            self.uploads_in_flight -= 1

    def _authenticate(self, method: str, headers: Headers) -> Principal:
        """`api.deps.current_principal`'s decision, from the raw headers."""
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        bearer = credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None
        bearer = bearer or headers.get("x-api-key") or None
        cookie = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
        return authenticate_alone(
            self.settings,
            self.tokens,
            self.keys,
            method=method,
            bearer=bearer,
            cookie=cookie,
            csrf=headers.get(CSRF_HEADER, ""),
        )


def _limited(receive: Receive, max_bytes: int) -> Callable[[], Awaitable[Message]]:
    """`receive`, raising 413 (an `HTTPException` FastAPI hands to the problem handler) past `max_bytes`."""
    total = 0

    async def limited() -> Message:
        nonlocal total
        message = await receive()
        if message["type"] == "http.request":
            total += len(message.get("body", b""))
            if total > max_bytes:
                raise HTTPException(413, _too_large(max_bytes))
        return message

    return limited


def app_limiter(state: State, name: str, tokens: int) -> anyio.CapacityLimiter:
    """The app's limiter called `name` (made on first use: it belongs to the running event loop): work given to
    it runs on threads apart from the shared pool's 40 tokens, at most `tokens` at once."""
    limiter: anyio.CapacityLimiter | None = getattr(state, f"{name}_limiter", None)
    if limiter is None:
        limiter = anyio.CapacityLimiter(max(tokens, 1))
        setattr(state, f"{name}_limiter", limiter)
    return limiter
