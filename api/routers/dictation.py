"""Live dictation over a WebSocket: audio chunks in, partial and final text out.

    WS /dictation?format=pcm16   binary messages of 16 kHz mono little-endian 16-bit PCM
    WS /dictation?format=webm    binary messages of one MediaRecorder WebM/Opus (or Ogg/Opus) stream
    text messages from the client: {"type": "glossary", "terms": [...]}, {"type": "end"}
    messages to the client: {"type": "partial"|"final", "text", "start", "end"}, then {"type": "end"}

Authentication is the session cookie (browsers) or `Authorization: Bearer` (a session token or API
key). Browsers send cookies with cross-site WebSocket handshakes and CSRF tokens do not apply, so a
handshake carrying an `Origin` must come from this server's own origin.
"""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import urlsplit

import numpy as np
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from api.deps import SESSION_COOKIE, Principal, principal_from_credentials
from api.routers.web import SECURITY_HEADERS, STATIC
from asr.dictation import DictationEvent, DictationSession, new_session
from asr.dictation_audio import CompressedStream
from core.db import session_scope
from core.errors import GobangError
from core.settings import Settings
from workers.pipeline import cached_engine

router = APIRouter(tags=["Đọc chính tả (dictation)"])

_POLICY_VIOLATION = 1008
_MAX_TERMS = 500


@router.get("/ui/dictation", include_in_schema=False)
def page() -> FileResponse:
    return FileResponse(STATIC / "dictation.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


def _principal(ws: WebSocket, settings: Settings) -> Principal | None:
    """The caller from the bearer header or the session cookie, as `api.deps.current_principal` decides it."""
    authorization = ws.headers.get("authorization", "")
    bearer = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
    with session_scope(settings.resolved_database_url) as db:
        try:
            cookie = ws.cookies.get(SESSION_COOKIE)
            return principal_from_credentials(db, ws.app.state.tokens, bearer=bearer, cookie=cookie)
        except GobangError:
            return None


def _same_origin(ws: WebSocket) -> bool:
    origin = ws.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == ws.headers.get("host")


def _command(text: str) -> dict[str, Any]:
    """A client's text message: a JSON object whose `terms`, if any, are a list; ValueError otherwise."""
    command = json.loads(text)
    if not isinstance(command, dict) or not isinstance(command.get("terms", []), list):
        raise ValueError(text)
    return command


def _wire(event: DictationEvent) -> dict[str, Any]:
    return {"type": event.type, "text": event.text, "start": round(event.start, 3), "end": round(event.end, 3)}


@router.websocket("/dictation")
async def dictation(ws: WebSocket, format: Literal["pcm16", "webm"] = "pcm16") -> None:
    settings: Settings = ws.app.state.settings
    if not _same_origin(ws):
        await ws.close(code=_POLICY_VIOLATION, reason="origin not allowed")
        return
    principal = await run_in_threadpool(_principal, ws, settings)
    if principal is None:
        await ws.close(code=_POLICY_VIOLATION, reason="authentication required")
        return
    await ws.accept()
    try:
        session: DictationSession = await run_in_threadpool(
            lambda: new_session(
                cached_engine(None, None),
                endpoint_s=settings.voice.dictation_endpoint_s,
                max_utterance_s=settings.voice.dictation_max_utterance_s,
            )
        )
    except GobangError as exc:
        await ws.send_json({"type": "error", "detail": exc.message})
        await ws.close()
        return
    stream = CompressedStream() if format == "webm" else None
    try:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            events: list[DictationEvent] = []
            if message.get("bytes") is not None:
                data: bytes = message["bytes"]
                if stream is not None:
                    stream.feed(data)
                    samples, _ = stream.take()
                else:
                    samples = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
                if samples.size:
                    events = await run_in_threadpool(session.feed, samples)
            elif message.get("text") is not None:
                command = _command(message["text"])
                if command.get("type") == "glossary":
                    session.glossary = [str(t) for t in command.get("terms", [])][:_MAX_TERMS]
                elif command.get("type") == "end":
                    if stream is not None:
                        rest = await run_in_threadpool(stream.close)
                        events = await run_in_threadpool(session.feed, rest)
                    events += await run_in_threadpool(session.finish)
                    for event in events:
                        await ws.send_json(_wire(event))
                    await ws.send_json({"type": "end"})
                    await ws.close()
                    return
            for event in events:
                await ws.send_json(_wire(event))
    except WebSocketDisconnect:
        pass
    except (GobangError, ValueError) as exc:
        detail = exc.message if isinstance(exc, GobangError) else "tin nhắn không hợp lệ (invalid message)"
        await ws.send_json({"type": "error", "detail": detail})
        await ws.close(code=_POLICY_VIOLATION)
    finally:
        if stream is not None:
            stream.abort()
