"""Live dictation over a WebSocket: audio chunks in, partial and final text out.

    WS /dictation?format=pcm16   binary messages of 16 kHz mono little-endian 16-bit PCM
    WS /dictation?format=webm    binary messages of one MediaRecorder WebM/Opus (or Ogg/Opus) stream
    WS /dictation?written_form=false   finals keep the spoken form of numbers and get no automatic
                                 punctuation (default: the `text.written_form` setting)
    text messages from the client: {"type": "glossary", "terms": [...]}, {"type": "end"}
    messages to the client: {"type": "partial"|"final", "text", "start", "end"}, then {"type": "end"}

Authentication is the session cookie (browsers) or `Authorization: Bearer` (a session token or API
key). Browsers send cookies with cross-site WebSocket handshakes and CSRF tokens do not apply, so a
handshake carrying an `Origin` must come from this server's own origin.

Recognition costs CPU, so a session is bounded like a job: clerks and keys with `jobs:write` only;
`voice.dictation_sessions_per_user` open at once (1013 after that); closed after `dictation_idle_s`
of silence from the client (1001); at most `dictation_max_message_s` of audio per message (1009);
audio running more than `dictation_burst_s` ahead of real time waits. Recognition runs on its own
`dictation_threads`, not on the thread pool every REST request needs.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import anyio
import numpy as np
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from api.deps import SESSION_COOKIE, Principal, allow, principal_from_credentials
from api.limits import app_limiter
from api.routers.web import SECURITY_HEADERS, STATIC
from asr.dictation import DictationEvent, DictationSession, new_session
from asr.dictation_audio import CompressedStream
from asr.written import TextFormatter
from core.audio import SAMPLE_RATE
from core.db import session_scope
from core.errors import ForbiddenError, GobangError
from core.settings import Settings
from core.tables import Role
from workers.pipeline import PipelineOptions, cached_engine, text_formatter

router = APIRouter(tags=["Đọc chính tả (dictation)"])

_GOING_AWAY = 1001
_POLICY_VIOLATION = 1008
_TOO_BIG = 1009
_TRY_AGAIN_LATER = 1013
_MAX_TERMS = 500
_MAY_DICTATE = allow("jobs:write", Role.clerk, Role.service)
"""Dictation runs recognition, as jobs do: viewers and read-only keys may not (admins always may)."""
T = TypeVar("T")


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
            return principal_from_credentials(
                db, ws.app.state.tokens, ws.app.state.api_keys, bearer=bearer, cookie=cookie
            )
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
async def dictation(
    ws: WebSocket, format: Literal["pcm16", "webm"] = "pcm16", written_form: bool | None = None
) -> None:
    settings: Settings = ws.app.state.settings
    if not _same_origin(ws):
        await ws.close(code=_POLICY_VIOLATION, reason="origin not allowed")
        return
    principal = await run_in_threadpool(_principal, ws, settings)
    if principal is None:
        await ws.close(code=_POLICY_VIOLATION, reason="authentication required")
        return
    try:
        await _MAY_DICTATE(principal)
    except ForbiddenError:
        await ws.close(code=_POLICY_VIOLATION, reason="role or scope not allowed")
        return
    with _session_slot(ws, principal, settings.voice.dictation_sessions_per_user) as admitted:
        if not admitted:
            await ws.close(code=_TRY_AGAIN_LATER, reason="too many dictation sessions")
            return
        await ws.accept()
        await _converse(
            ws,
            settings,
            format,
            app_limiter(ws.app.state, "dictation", settings.voice.dictation_threads),
            written_form=written_form,
        )


@contextmanager
def _session_slot(ws: WebSocket, principal: Principal, limit: int) -> Iterator[bool]:
    """Whether `principal` may open one more session (then counted until it ends); per server process."""
    open_sessions: Counter[str] = getattr(ws.app.state, "dictation_sessions", None) or Counter()
    ws.app.state.dictation_sessions = open_sessions
    if open_sessions[principal.name] >= limit:
        yield False
        return
    open_sessions[principal.name] += 1
    try:
        yield True
    finally:
        open_sessions[principal.name] -= 1


async def _converse(
    ws: WebSocket,
    settings: Settings,
    format: Literal["pcm16", "webm"],
    limiter: anyio.CapacityLimiter,
    *,
    written_form: bool | None,
) -> None:
    """Audio in, text out, until the client ends, goes away, breaks a rule or falls silent for too long.

    `written_form`: finals through the text stage (None: the `text.written_form` setting), as live captions."""
    voice = settings.voice

    def formatter(glossary: list[str]) -> TextFormatter | None:
        options = PipelineOptions(glossary=tuple(glossary), written_form=written_form)
        return text_formatter(options, settings.text, settings.model_cache)

    async def recognise(work: Callable[[], T]) -> T:
        return await anyio.to_thread.run_sync(work, limiter=limiter)

    try:
        session: DictationSession = await recognise(
            lambda: new_session(
                cached_engine(None, None),
                endpoint_s=voice.dictation_endpoint_s,
                max_utterance_s=voice.dictation_max_utterance_s,
                formatter=formatter([]),
            )
        )
    except GobangError as exc:
        await ws.send_json({"type": "error", "detail": exc.message})
        await ws.close()
        return
    stream = CompressedStream() if format == "webm" else None
    max_message = int(voice.dictation_max_message_s * SAMPLE_RATE) * 2
    started, received_s = time.monotonic(), 0.0
    try:
        while True:
            with anyio.move_on_after(voice.dictation_idle_s) as idle:
                message = await ws.receive()
            if idle.cancelled_caught:
                await _refuse(
                    ws, f"không nhận được gì trong {voice.dictation_idle_s:.0f} s (idle timeout)", _GOING_AWAY
                )
                return
            if message["type"] == "websocket.disconnect":
                break
            events: list[DictationEvent] = []
            if message.get("bytes") is not None:
                data: bytes = message["bytes"]
                if len(data) > max_message:
                    detail = f"mỗi tin nhắn tối đa {voice.dictation_max_message_s:g} s âm thanh (message too large)"
                    await _refuse(ws, detail, _TOO_BIG)
                    return
                if stream is not None:
                    stream.feed(data)
                    samples, _ = stream.take()
                else:
                    samples = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
                received_s += samples.size / SAMPLE_RATE
                ahead = received_s - (time.monotonic() - started) - voice.dictation_burst_s
                if ahead > 0:  # faster than anyone speaks: recognised at the pace of speech
                    await anyio.sleep(ahead)
                if samples.size:
                    events = await recognise(partial(session.feed, samples))
            elif message.get("text") is not None:
                command = _command(message["text"])
                if command.get("type") == "glossary":
                    session.glossary = [str(t) for t in command.get("terms", [])][:_MAX_TERMS]
                    if session.formatter is not None:
                        session.formatter = formatter(session.glossary)
                elif command.get("type") == "end":
                    if stream is not None:
                        rest = await recognise(stream.close)
                        events = await recognise(partial(session.feed, rest))
                    events += await recognise(session.finish)
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
        await _refuse(ws, detail, _POLICY_VIOLATION)
    finally:
        if stream is not None:
            stream.abort()


async def _refuse(ws: WebSocket, detail: str, code: int) -> None:
    await ws.send_json({"type": "error", "detail": detail})
    await ws.close(code=code)
