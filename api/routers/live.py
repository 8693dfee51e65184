"""Live session captions: a session's audio streamed in, captions out to any number of viewers.

    POST /live                      {title, body, glossary, ..., org_unit_id?} -> the session (201)
    WS   /live/{id}/audio           binary messages of 16 kHz mono PCM s16le (an even number of bytes);
                                    the server answers {"type": "ready", "offset"} on connect, then
                                    {"type": "ack", "offset"} once each message is stored; a client that
                                    reconnects sends again from the last acknowledged offset.
                                    Text {"type": "end"} ends the session: {"type": "end", "recording_id", "job_id"}
    POST /live/{id}/audio           the same audio as a (chunked) HTTP body, with `Upload-Offset: <acknowledged>`
    POST /live/{id}/end             ends it over HTTP (a client whose connection is gone)
    GET  /live/{id}                 the session: acknowledged offset, ended, recording and job
    GET  /live/{id}/captions        SSE: `final` events so far, then `partial`/`final` as they come, then `end`
    GET  /ui/live/{id}              the read-only caption page

The audio socket authenticates like REST (API key as `Authorization: Bearer` or `X-API-Key`, a session
token, or the session cookie with a same-origin `Origin`) and needs the uploaders' role and scope.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

import numpy as np
from fastapi import APIRouter, FastAPI, Header, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from api import live_sessions
from api.access import owning_unit
from api.deps import (
    SESSION_COOKIE,
    UPLOADERS,
    DbSession,
    Principal,
    RecordingsReader,
    RecordingsUploader,
    SettingsDep,
    principal_from_credentials,
)
from api.live_feed import CaptionFeed
from api.routers.web import SECURITY_HEADERS, STATIC
from api.schemas import MAX_INT, RecordingMeta
from core.audio import SAMPLE_RATE
from core.db import session_scope
from core.errors import ConflictError, ForbiddenError, GobangError, InvalidInputError, NotFoundError
from core.settings import Settings
from core.tables import LiveSession, Role
from diarization.voiceprints import VoiceprintStore
from workers.live import LiveCaptioner, start_captioner
from workers.options import PipelineOptions
from workers.pipeline import text_formatter

router = APIRouter(tags=["Phụ đề trực tiếp (live captions)"])


_POLICY_VIOLATION = 1008
_KEEPALIVE_S = 15.0
_HTTP_PIECE = SAMPLE_RATE // 4 * live_sessions.BYTES_PER_SAMPLE
"""A POSTed body is stored and captioned a quarter of a second at a time."""
_PCM_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class LiveCreate(RecordingMeta):
    """The meeting's metadata (it becomes the recording's) and, for admins, the owning unit."""

    org_unit_id: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None


class LiveOut(BaseModel):
    id: str
    received: int
    """Bytes of audio stored and acknowledged."""
    ended: bool
    recording_id: str | None
    job_id: str | None
    created_at: datetime
    audio_url: str
    captions_url: str
    page_url: str


def _out(session: LiveSession) -> LiveOut:
    return LiveOut(
        id=session.id,
        received=session.received,
        ended=session.ended,
        recording_id=session.recording_id,
        job_id=session.job_id,
        created_at=session.created_at,
        audio_url=f"/live/{session.id}/audio",
        captions_url=f"/live/{session.id}/captions",
        page_url=f"/ui/live/{session.id}",
    )


def visible_session(db: DbSession, principal: Principal, session_id: str) -> LiveSession:
    session = db.get(LiveSession, session_id) if len(session_id) <= 32 else None
    if session is None or not principal.may_see(session.org_unit_id):
        raise NotFoundError(f"không có phiên trực tiếp {session_id[:40]!r} (no such live session)")
    return session


@router.post("/live", status_code=201, response_model=LiveOut)
def create_session(body: LiveCreate, db: DbSession, principal: RecordingsUploader) -> LiveOut:
    """Open a live session; stream its audio to `audio_url`, show `page_url` on the screens."""
    if not principal.allows("jobs:write"):
        raise ForbiddenError("khóa API không có quyền jobs:write (API key lacks scope jobs:write)")
    session = LiveSession(
        org_unit_id=owning_unit(db, principal, body.org_unit_id),
        created_by=principal.name,
        meta=body.model_dump(include=set(RecordingMeta.model_fields), mode="json"),
        received=0,
        ended=False,
    )
    db.add(session)
    db.commit()
    return _out(session)


@router.get("/live/{session_id}", response_model=LiveOut)
def get_session(session_id: str, db: DbSession, principal: RecordingsReader) -> LiveOut:
    return _out(visible_session(db, principal, session_id))


async def _feed(app: FastAPI, settings: Settings, session: LiveSession) -> CaptionFeed:
    """This process's feed of the session, its captioner started on first use (models load on a thread)
    at the session's acknowledged offset."""
    session_id = session.id
    feeds: dict[str, CaptionFeed] = app.state.__dict__.setdefault("live_feeds", {})
    starting: asyncio.Lock = app.state.__dict__.setdefault("live_feeds_lock", asyncio.Lock())
    async with starting:
        if session_id not in feeds:
            captioner = await run_in_threadpool(_start_captioner, settings, session)
            feeds[session_id] = CaptionFeed(captioner)
        return feeds[session_id]


def _start_captioner(settings: Settings, session: LiveSession) -> LiveCaptioner:
    """Speakers named from the people of the session's unit; finals in the written form of offline jobs."""
    glossary = tuple(session.meta.get("glossary", []))
    return start_captioner(
        VoiceprintStore(
            settings.resolved_database_url,
            threshold=settings.diarization.voiceprint_threshold,
            org_unit_id=session.org_unit_id,
        ),
        glossary=glossary,
        formatter=text_formatter(PipelineOptions(glossary=glossary), settings.text, settings.model_cache),
        start_sample=session.received // live_sessions.BYTES_PER_SAMPLE,
        name_threshold=settings.live.name_threshold,
        cluster_threshold=settings.live.cluster_threshold,
        endpoint_s=settings.live.endpoint_s,
        max_utterance_s=settings.live.max_utterance_s,
    )


def _append(settings: Settings, session_id: str, data: bytes) -> int:
    with session_scope(settings.resolved_database_url) as db:
        session = db.get(LiveSession, session_id)
        assert session is not None
        return live_sessions.append(settings, db, session, data)


def _end_session(
    app: FastAPI, settings: Settings, principal: Principal, session_id: str, feed: CaptionFeed | None
) -> LiveOut:
    """Store the recording (and the live transcript), commit, then queue the offline job."""
    with session_scope(settings.resolved_database_url) as db:
        session = db.get(LiveSession, session_id)
        assert session is not None
        name = str(session.meta.get("title") or "phiên trực tiếp")
        transcript = feed.captioner.transcript(source_name=name) if feed is not None else None
        _, job = live_sessions.finish(settings, app.state.blobs, db, principal, session, transcript)
        db.commit()
        out = _out(session)
    if job is not None:
        app.state.queue.enqueue(job.id)
    live_sessions.discard_audio(settings, session_id)
    return out


async def end(app: FastAPI, settings: Settings, principal: Principal, session_id: str) -> LiveOut:
    """The last captions, the recording and its job; viewers get an `end` event."""
    feed: CaptionFeed | None = app.state.__dict__.get("live_feeds", {}).get(session_id)
    if feed is None:
        return await run_in_threadpool(_end_session, app, settings, principal, session_id, None)
    async with feed.lock:
        for caption in await run_in_threadpool(feed.captioner.finish):
            feed.publish(caption.wire())
        out = await run_in_threadpool(_end_session, app, settings, principal, session_id, feed)
        feed.publish({"type": "end", "recording_id": out.recording_id, "job_id": out.job_id})
    app.state.live_feeds.pop(session_id, None)
    return out


@router.post("/live/{session_id}/end", response_model=LiveOut)
async def end_session(
    session_id: str, request: Request, settings: SettingsDep, db: DbSession, principal: RecordingsUploader
) -> LiveOut:
    """End a session whose audio connection is gone: its stored audio becomes a recording."""
    visible_session(db, principal, session_id)
    db.commit()
    return await end(request.app, settings, principal, session_id)


@router.get(
    "/live/{session_id}/captions",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Sự kiện `partial`, `final`, `end`"}},
)
async def captions(
    session_id: str, request: Request, settings: SettingsDep, db: DbSession, principal: RecordingsReader
) -> EventSourceResponse:
    """Server-sent captions: every `final` so far, then `partial` and `final` as they come, `end` at the end."""
    session = visible_session(db, principal, session_id)
    recorded = live_sessions.recorded_captions(db, session) if session.ended else []
    ended = {"type": "end", "recording_id": session.recording_id, "job_id": session.job_id} if session.ended else None
    db.commit()

    def event(message: dict[str, Any]) -> ServerSentEvent:
        return ServerSentEvent(data=json.dumps(message, ensure_ascii=False), event=str(message["type"]))

    async def stream() -> AsyncIterator[ServerSentEvent]:
        # The captioner starts in the stream, so the viewer is connected while the models load.
        feed = None if ended else await _feed(request.app, settings, session)
        if feed is None:
            for message in recorded:
                yield event(message)
            yield event(ended or {"type": "end"})
            return
        history, queue = feed.subscribe()
        try:
            for message in history:
                yield event(message)
            if feed.ended is not None:
                yield event(feed.ended)
                return
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), _KEEPALIVE_S)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    continue
                yield event(message)
                if message["type"] == "end":
                    return
        finally:
            feed.unsubscribe(queue)

    return EventSourceResponse(stream(), ping=15, headers={"Cache-Control": "no-store"})


@router.get("/ui/live/{session_id}", include_in_schema=False)
def page(session_id: str) -> FileResponse:
    return FileResponse(STATIC / "live.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


def _streamer(ws: WebSocket, settings: Settings, session_id: str) -> tuple[Principal, LiveSession] | None:
    """The caller (as `api.deps.current_principal` decides) if they may stream this session's audio."""
    authorization = ws.headers.get("authorization", "")
    bearer = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
    bearer = bearer or ws.headers.get("x-api-key")
    with session_scope(settings.resolved_database_url) as db:
        try:
            principal = principal_from_credentials(
                db, ws.app.state.tokens, ws.app.state.api_keys, bearer=bearer, cookie=ws.cookies.get(SESSION_COOKIE)
            )
            if principal is None or (principal.role != Role.admin and principal.role not in UPLOADERS):
                return None
            if not principal.allows("recordings:write"):
                return None
            session = visible_session(db, principal, session_id)
        except GobangError:
            return None
        db.expunge(session)
        return principal, session


@router.websocket("/live/{session_id}/audio")
async def audio(ws: WebSocket, session_id: str) -> None:
    settings: Settings = ws.app.state.settings
    origin = ws.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != ws.headers.get("host"):
        await ws.close(code=_POLICY_VIOLATION, reason="origin not allowed")
        return
    found = await run_in_threadpool(_streamer, ws, settings, session_id)
    if found is None:
        await ws.close(code=_POLICY_VIOLATION, reason="authentication required or session not found")
        return
    principal, session = found
    await ws.accept()
    if session.ended:
        await ws.send_json({"type": "error", "detail": "phiên trực tiếp đã kết thúc (live session has ended)"})
        await ws.close(code=_POLICY_VIOLATION)
        return
    try:
        feed = await _feed(ws.app, settings, session)
        await ws.send_json({"type": "ready", "offset": session.received})
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                offset = await _store_and_caption(settings, feed, session_id, message["bytes"])
                await ws.send_json({"type": "ack", "offset": offset})
            elif message.get("text") is not None and json.loads(message["text"]).get("type") == "end":
                out = await end(ws.app, settings, principal, session_id)
                await ws.send_json({"type": "end", "recording_id": out.recording_id, "job_id": out.job_id})
                await ws.close()
                return
    except WebSocketDisconnect:
        return
    except (GobangError, ValueError, AttributeError) as exc:
        detail = exc.message if isinstance(exc, GobangError) else "tin nhắn không hợp lệ (invalid message)"
        await ws.send_json({"type": "error", "detail": detail})
        await ws.close(code=_POLICY_VIOLATION)


async def _store_and_caption(settings: Settings, feed: CaptionFeed, session_id: str, data: bytes) -> int:
    """Store (then the offset counts as acknowledged), caption, publish; returns the new offset."""
    limit = settings.live.max_message_bytes
    if len(data) > limit or len(data) % live_sessions.BYTES_PER_SAMPLE:
        raise InvalidInputError(
            f"tin nhắn âm thanh phải là PCM 16 bit, số byte chẵn, tối đa {limit} byte "
            f"(audio messages are 16-bit PCM, an even number of bytes, at most {limit})"
        )
    async with feed.lock:
        offset = await run_in_threadpool(_append, settings, session_id, data)
        samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
        captions = await run_in_threadpool(feed.captioner.feed, samples)
    for caption in captions:
        feed.publish(caption.wire())
    return offset


@router.post("/live/{session_id}/audio", response_model=LiveOut, openapi_extra=_PCM_BODY)
async def post_audio(
    session_id: str,
    request: Request,
    settings: SettingsDep,
    db: DbSession,
    principal: RecordingsUploader,
    upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0)],
) -> LiveOut:
    """For systems that can only POST: a (chunked) body of PCM s16le appended at `Upload-Offset`, which must be
    the acknowledged offset (409 with the right one otherwise). Bytes are stored and captioned every quarter
    second as they arrive, so a broken request keeps what it delivered: `GET /live/{id}` tells where to resume."""
    session = visible_session(db, principal, session_id)
    if session.ended:
        raise ConflictError("phiên trực tiếp đã kết thúc (live session has ended)")
    if upload_offset != session.received:
        raise ConflictError(
            f"phải gửi tiếp từ byte {session.received} (resume from the acknowledged offset)",
            extra={"offset": session.received},
        )
    db.commit()
    feed = await _feed(request.app, settings, session)
    pending = b""
    async for chunk in request.stream():
        pending += chunk
        whole = len(pending) // _HTTP_PIECE * _HTTP_PIECE
        if whole:
            await _store_and_caption(settings, feed, session_id, pending[:whole])
            pending = pending[whole:]
    if pending:
        await _store_and_caption(settings, feed, session_id, pending)
    db.refresh(session)
    return _out(session)
