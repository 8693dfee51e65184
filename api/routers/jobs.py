"""Jobs: run the pipeline over a recording, follow its progress (JSON or server-sent events), cancel it.

The job's state lives in the database; this router writes rows and hands ids to the queue. Status
reads, the API's most frequent request, come from the Redis status cache the workers write at every
step (`workers.job_status`), else from the database; the event stream follows the job's pub/sub
channel. Without Redis (the embedded default) both read the database.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from redis.asyncio import Redis as AsyncRedis
from sqlalchemy import select
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.access import job_not_found, visible_job, visible_recording
from api.deps import DbSession, JobsReader, JobsRunner, Principal, SettingsDep
from api.ingest import new_recording_job, submit
from api.schemas import JobOptions, JobOut
from asr.factory import check_engine_allowed
from core.errors import ConflictError
from core.settings import Settings
from core.tables import Job
from workers.job_status import JobState, Snapshot, publish, read_snapshot, status_cache
from workers.jobs import TERMINAL, cancel
from workers.webhooks import deliver_soon

router = APIRouter(tags=["jobs"])


EVENT_POLL_S = 0.5
"""Without Redis: how often the event stream looks at the job row."""
EVENT_RECHECK_S = 5.0
"""With Redis: how long the event stream waits for a published change before it reads the status itself (a
change published while Redis was briefly away is not lost)."""


@router.post("/recordings/{recording_id}/jobs", status_code=202, response_model=JobOut)
def create_job(
    recording_id: str,
    options: JobOptions,
    request: Request,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    principal: JobsRunner,
) -> JobOut:
    """Queue the pipeline (transcribe, then diarize and align if asked) over a recording; a new transcript
    version is written when it succeeds."""
    recording = visible_recording(db, principal, recording_id)
    check_engine_allowed(options.engine, settings.asr)
    job = new_recording_job(db, settings, principal, recording, options)
    submit(request, db, job)
    response.headers["Location"] = f"/jobs/{job.id}"
    return JobOut.model_validate(job)


@router.get("/recordings/{recording_id}/jobs", response_model=list[JobOut])
def list_jobs(
    recording_id: str,
    db: DbSession,
    principal: JobsReader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[JobOut]:
    """A recording's jobs, newest first."""
    recording = visible_recording(db, principal, recording_id)
    rows = db.scalars(
        select(Job).where(Job.recording_id == recording.id).order_by(Job.created_at.desc()).limit(limit)
    ).all()
    return [JobOut.model_validate(j) for j in rows]


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    responses={304: {"description": "Trạng thái chưa đổi so với `If-None-Match` (not modified)"}},
)
def get_job(job_id: str, request: Request, settings: SettingsDep, principal: JobsReader) -> Response:
    """The job's status and progress: what clients poll, served as stored (Redis when configured, else the
    database). Its `ETag` answers a poll sending it back in `If-None-Match` with 304 while nothing changed."""
    snapshot = job_snapshot(settings, principal, job_id)
    headers = {"ETag": snapshot.etag, "Cache-Control": "no-cache"}
    sent = {tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")}
    if snapshot.etag in sent or "*" in sent:
        return Response(status_code=304, headers=headers)
    return Response(snapshot.document, media_type="application/json", headers=headers)


def job_snapshot(settings: Settings, principal: Principal, job_id: str) -> Snapshot:
    """The job's status document: from the status cache, else from the database (and then cached)."""
    status = status_cache(settings)
    cached = status.get(job_id) if status is not None and len(job_id) <= 32 else None
    if cached is not None:
        if not principal.may_see(cached.org_unit_id):
            raise job_not_found(job_id)
        return cached
    found = read_snapshot(settings.resolved_database_url, job_id) if len(job_id) <= 32 else None
    if found is None or not principal.may_see(found[0].org_unit_id):
        raise job_not_found(job_id)
    if status is not None:
        status.put(*found)
    return found[0]


@router.post("/jobs/{job_id}/cancel", status_code=202, response_model=JobOut)
def cancel_job(job_id: str, db: DbSession, settings: SettingsDep, principal: JobsRunner) -> JobOut:
    """A queued job is cancelled at once; a running one stops at its next progress report (`cancel_requested`)."""
    job = visible_job(db, principal, job_id)
    if job.status in TERMINAL:
        raise ConflictError(
            f"công việc đã kết thúc ({job.status.value}), không hủy được (job already finished)",
            extra={"job_status": job.status.value},
        )
    deliveries = cancel(db, job.id, actor=principal.name)
    db.commit()
    publish(settings, job.id)
    db.refresh(job)
    deliver_soon(settings, deliveries)
    return JobOut.model_validate(job)


@router.get(
    "/jobs/{job_id}/events",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Sự kiện `job` mỗi khi trạng thái đổi"}},
)
async def job_events(
    job_id: str, request: Request, settings: SettingsDep, principal: JobsReader
) -> EventSourceResponse:
    """Server-sent events: a `job` event (the JobOut) whenever status, stage or progress changes, then `end`
    once the job is finished; the stream then closes."""
    first = await run_in_threadpool(job_snapshot, settings, principal, job_id)  # 404 before the stream starts
    status = status_cache(settings)

    async def changes() -> AsyncGenerator[str]:
        """The job's document each time it may have changed: published by its writers, or read again."""
        if status is None:
            while True:
                await anyio.sleep(EVENT_POLL_S)
                yield (await run_in_threadpool(job_snapshot, settings, principal, job_id)).document
        assert settings.redis_url is not None
        client = AsyncRedis.from_url(settings.redis_url, socket_connect_timeout=2)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(status.channel(job_id))
                while True:  # read after subscribing: nothing published in between is missed
                    yield (await run_in_threadpool(job_snapshot, settings, principal, job_id)).document
                    while message := await pubsub.get_message(ignore_subscribe_messages=True, timeout=EVENT_RECHECK_S):
                        yield message["data"].decode()
        finally:
            await client.aclose()

    async def stream() -> AsyncIterator[ServerSentEvent]:
        seen, count, document = None, 0, first.document
        documents = changes()
        try:
            while True:
                job = JobState.model_validate_json(document)
                key = (job.status, job.stage, job.progress, job.attempts)
                if key != seen:
                    seen, count = key, count + 1
                    yield ServerSentEvent(data=document, event="job", id=str(count))
                if job.finished:
                    yield ServerSentEvent(data=document, event="end", id=str(count + 1))
                    return
                if await request.is_disconnected():
                    return
                document = await anext(documents)
        finally:
            await documents.aclose()

    return EventSourceResponse(stream(), ping=15, headers={"Cache-Control": "no-store"})
