"""The request body limit, answered as a problem document (413) whether the size is declared or streamed.

FastAPI's own `max_body_size` answers a declared oversize in plain text; this one refuses a
`Content-Length` over the limit before reading a byte, and stops a chunked body the moment it
passes the limit (an `HTTPException` from `receive`, which FastAPI hands to the problem handler).
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem


class BodyLimit:
    """Pure ASGI middleware: at most `max_bytes` of request body."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    def _detail(self) -> str:
        return f"dữ liệu gửi lên vượt giới hạn {self.max_bytes // (1 << 20)} MiB (request body too large)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = problem(413, "Dữ liệu gửi lên quá lớn", self._detail(), instance=scope.get("path", ""))
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        total = 0

        async def limited() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > self.max_bytes:
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, limited, send)
